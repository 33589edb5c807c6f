"""Policy analysis from Python (socle._analysis; docs/policy-analysis.md, "From C and the
bindings"): the example policies' declared properties proven, a false statement refuted with its
counter-example, bad statements refused with the character, a policy diffed with itself (nothing)
and with a one-line variant (the front desk's cases), in French and in English."""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

import pytest

import socle

# The line of the CCAS matrix the variant changes (as tests/analysis/diff_test.cc).
FRONT_DESK = ('habilitations { role: "secretaire_accueil"  actions: [READ, WRITE, PRINT] '
              'data_categories: ["administrative"] }')
FRONT_DESK_SOCIAL = ('habilitations { role: "secretaire_accueil"  actions: [READ, WRITE, PRINT] '
                     'data_categories: ["administrative", "social"] }')


@pytest.fixture(scope="module")
def ccas_text() -> str:
    examples = Path(os.environ.get("SOCLE_EXAMPLES_DIR",
                                   Path(__file__).resolve().parents[2] / "examples"))
    return (examples / "policies" / "ccas.textproto").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ccas(ccas_text: str) -> socle.PolicyAnalysis:
    return socle.PolicyAnalysis(socle.Policy.load(ccas_text))


def test_module_exports_are_socle_s() -> None:
    module = importlib.import_module("socle._analysis")
    assert module.__all__ and set(module.__all__) <= set(socle.__all__)
    assert all(getattr(socle, name) is getattr(module, name) for name in module.__all__)


def test_declared_properties_hold(example_path: Path) -> None:
    policy = socle.Policy.load_file(example_path)
    with socle.PolicyAnalysis(policy) as analysis:
        report = analysis.prove()
        assert report.holds and report.failed == 0
        assert len(report) >= 7
        assert all(p.holds for p in report)
        assert all(p.id and p.cases > 0 and p.decisions > 0 for p in report)
        assert report.policy_id == policy.id
        assert report.policy_digest == policy.digest_hex
        assert report.space_size == analysis.space_size > 1000
        # An exists property has its witness, allowed by the engine.
        witnesses = [p for p in report if not p.forall]
        assert witnesses and all(p.example is not None and p.effect == "allow"
                                 for p in witnesses)
        # The JSON is socle's report, unchanged.
        assert json.loads(report.json)["properties"][0]["id"] == report[0].id


def test_properties_by_id(ccas: socle.PolicyAnalysis) -> None:
    ids = ["archives_pour_les_archivistes", "stagiaires_sans_appreciations"]
    report = ccas.prove(ids=ids)
    assert [p.id for p in report] == ids
    assert report.holds
    with pytest.raises(socle.NotFoundError, match=r"ids\[1\]"):
        ccas.prove(ids=["stagiaires_sans_appreciations", "no_such_property"])


def test_false_statement_refuted(ccas: socle.PolicyAnalysis) -> None:
    report = ccas.prove("forall action = read: deny")
    assert not report.holds and report.failed == 1
    (r,) = report
    assert r.id == "" and r.statement == "forall action = read: deny"
    assert r.forall and not r.holds and r.cases > 0
    assert r.example is not None and r.example.action == "read"
    assert r.effect == "allow" and r.reason.startswith("allowed")
    assert r.explanation and r.description


def test_true_statement_holds(ccas: socle.PolicyAnalysis) -> None:
    r = ccas.prove("exists role = ass and action = read and relation = team: allow")[0]
    assert r.holds and not r.forall
    assert r.example is not None and r.example.role == "ass" and r.example.relation == "team"


@pytest.mark.parametrize("statement, where", [
    ("forall action = read deny", "at character 22"),
    ("forall role = nobody: deny", "at character 8: .nobody. is not a role"),
    ("forall action = read: maybe", "at character 23"),
])
def test_bad_statement_says_where(ccas: socle.PolicyAnalysis, statement: str, where: str) -> None:
    with pytest.raises(socle.InvalidArgumentError, match=where):
        ccas.prove(statement)


def test_diff_with_itself_is_empty(ccas: socle.PolicyAnalysis, ccas_text: str) -> None:
    same = socle.Policy.load(ccas_text)
    diff = socle.diff_policies(ccas, same)
    assert not diff and diff.changed_cases == 0
    assert diff.changes == () and diff.summary == ()
    assert diff.before_digest == diff.after_digest
    assert diff.cases == ccas.space_size


def test_one_line_variant_differs(ccas: socle.PolicyAnalysis, ccas_text: str) -> None:
    assert FRONT_DESK in ccas_text
    variant = socle.Policy.load(ccas_text.replace(FRONT_DESK, FRONT_DESK_SOCIAL))
    diff = socle.diff_policies(ccas, variant, lang="fr")
    assert diff and diff.changed_cases > 0
    assert diff.changed_cases == sum(c.cases for c in diff.changes)
    assert {c.example.role for c in diff.changes} == {"secretaire_accueil"}
    assert {c.example.category for c in diff.changes} == {"social"}
    assert {c.example.action for c in diff.changes} <= {"read", "write", "print"}
    assert all(c.before.possible and c.after.possible for c in diff.changes)
    assert any(c.before.effect == "deny" and c.after.effect == "allow" for c in diff.changes)
    assert any("« secretaire_accueil » peut désormais" in s for s in diff.summary)
    english = socle.diff_policies(socle.Policy.load(ccas_text), variant, lang="en")
    assert english.changed_cases == diff.changed_cases
    assert any("'secretaire_accueil' may now" in s for s in english.summary)
    back = socle.diff_policies(variant, ccas, lang="en")
    assert any("may no longer" in s for s in back.summary)


def test_refused(ccas: socle.PolicyAnalysis) -> None:
    with pytest.raises(socle.InvalidArgumentError, match="language"):
        socle.diff_policies(ccas, ccas, lang="de")
    with pytest.raises(TypeError):
        socle.PolicyAnalysis("not a policy")  # type: ignore[arg-type]
    with pytest.raises(socle.InvalidArgumentError):
        ccas.prove("forall action = read: deny", ids=["x"])


def test_threads_share_one_analysis(ccas: socle.PolicyAnalysis) -> None:
    """A PolicyAnalysis is immutable: threads proving at once get the single thread's reports."""
    from concurrent.futures import ThreadPoolExecutor
    alone = [ccas.prove().json, ccas.prove("forall action = read: deny").json]
    with ThreadPoolExecutor(max_workers=4) as pool:
        declared = list(pool.map(lambda _: ccas.prove().json, range(8)))
        refuted = list(pool.map(lambda _: ccas.prove("forall action = read: deny").json,
                                range(8)))
    assert declared == [alone[0]] * 8
    assert refuted == [alone[1]] * 8
