"""Anonymous statistics from Python (socle._statistics; REQ-53, issue 14), on the statistics
policy of tests/stats (the workload policy with a statistics activity and two privacy budgets): a
3 × 3 table added in one call, the cell of 2 suppressed with its complements (rows, the numpy
masked array, JSON, CSV, a verified .socle file); two noisy releases spending the budget, a
third refused; bad input refused without a label in the message."""

from __future__ import annotations

import importlib
import json
from fractions import Fraction
from pathlib import Path

import numpy
import pytest

import socle

FAST = {"opslimit": 2, "memlimit": 64 << 20}
NOW = 1900000000
POLICY = Path(__file__).resolve().parents[1] / "stats" / "statistics_policy.textproto"
AGES = ["18-29", "30-44", "45-59"]
COMMUNES = ["Albi", "Castres", "Gaillac"]


@pytest.fixture
def engine() -> socle.AccessEngine:
    with socle.Policy.load(POLICY.read_text(encoding="utf-8"), "statistics") as policy:
        engine = socle.AccessEngine.create(policy)
    engine.set_time(NOW)
    engine.load_directory_tsv("sw1\tsocial_worker\tt1\n", "P-1\tt1\n")
    return engine


@pytest.fixture
def trail(engine: socle.AccessEngine, tmp_path: Path) -> socle.AccessTrail:
    provider = socle.KeyProvider.create_key_file(tmp_path / "master.key",
                                                 b"statistics binding test", **FAST)
    with provider:
        vault = socle.Vault.open(provider, tmp_path / "vault.db", "ccas")
    ledger = socle.Ledger.open(vault, tmp_path / "trail.db", "access_trail",
                               durability=socle.Durability.NONE)
    return socle.AccessTrail.create(ledger, engine)


def small_table() -> socle.Table:
    """Ages × communes: 2 records in (18-29, Albi), 20 + 3a + c in the others."""
    ages, communes = [], []
    for a, age in enumerate(AGES):
        for c, commune in enumerate(COMMUNES):
            n = 2 if (a, c) == (0, 0) else 20 + 3 * a + c
            ages += [age] * n
            communes += [commune] * n
    table = socle.Table(["age_band", "commune"])
    assert table.add({"age_band": ages, "commune": communes}) == 198
    assert table.records == 198
    return table


def test_module_exports_are_socle_s() -> None:
    module = importlib.import_module("socle._statistics")
    assert module.__all__ and set(module.__all__) <= set(socle.__all__)
    assert all(getattr(socle, name) is getattr(module, name) for name in module.__all__)
    assert socle.CellStatus.NOISY == 3
    assert socle.ExportKind.STATISTICS_TABLE == 6


def test_suppressed_release(trail: socle.AccessTrail, tmp_path: Path) -> None:
    release = trail.publish(small_table(), name="activite_2026", activity="rapport_activite",
                            actor="sw1")
    assert release.name == "activite_2026"
    assert release.dimensions == ["age_band", "commune"]
    assert release.categories == [AGES, COMMUNES]
    assert release.shape == (4, 4)
    assert not release.noisy
    assert release.primary_suppressed == 1
    assert release.secondary_suppressed >= 3

    rows = release.rows()
    assert len(rows) == len(release) == 16
    assert rows[0] == {"age_band": "18-29", "commune": "Albi",
                       "status": socle.CellStatus.PRIMARY_SUPPRESSED, "count": None, "sum": None}
    assert rows[10] == {"age_band": "45-59", "commune": "Gaillac",
                        "status": socle.CellStatus.PUBLISHED, "count": 28, "sum": None}
    assert rows[15]["age_band"] == rows[15]["commune"] == "total"
    assert rows[15]["count"] == 198
    secondary = [r for r in rows if r["status"] == socle.CellStatus.SECONDARY_SUPPRESSED]
    assert len(secondary) == release.secondary_suppressed
    assert all(r["count"] is None for r in secondary)

    counts = release.counts_array()
    assert isinstance(counts, numpy.ma.MaskedArray)
    assert counts.shape == (4, 4) and counts.dtype == numpy.int64
    assert counts.mask[0, 0] and counts.mask.sum() == 1 + release.secondary_suppressed
    assert counts[2, 2] == 28 and counts[3, 3] == 198
    for r, row in enumerate(rows):
        cell = counts[r // 4, r % 4]
        assert (cell is numpy.ma.masked) == (row["count"] is None)

    document = json.loads(release.json())
    assert "activite_2026" in release.json()
    assert "PRIMARY_SUPPRESSED" in release.json()
    assert document
    lines = release.csv().split("\r\n")
    assert lines[0] == "age_band,commune,status,count,sum,count_min,count_max,sum_min,sum_max"
    assert lines[1].startswith("18-29,Albi,primary_suppressed,,,0,")
    assert lines[16] == "total,total,published,198,,,,,"

    key = socle.ExportSigningKey.generate()
    path = tmp_path / "activite_2026.socle"
    with socle.ExportWriter(path, key, kind=socle.ExportKind.STATISTICS_TABLE,
                            issuer="Conseil départemental") as writer:
        summary = release.write_export(writer)
    assert summary.records == 17
    verified = socle.verify_export(path, trusted_issuers=[key.public_key])
    assert verified.kind == socle.ExportKind.STATISTICS_TABLE
    assert verified.records == 17 and not verified.sealed


def test_noisy_releases_spend_the_budget(engine: socle.AccessEngine,
                                         trail: socle.AccessTrail) -> None:
    budget = engine.privacy_budget("activite")
    assert budget == socle.PrivacyBudget(Fraction(1), Fraction(0), Fraction(0), Fraction(0), 0)
    table = small_table()
    for _ in range(2):
        noisy = trail.publish_noisy(table, name="bruite", activity="rapport_activite",
                                    actor="sw1", dataset="activite", parameter=(2, 1))
        assert noisy.noisy
        rows = noisy.rows()
        assert all(r["status"] == socle.CellStatus.NOISY for r in rows)
        assert all(r["count"] is not None and r["sum"] is None for r in rows)
        counts = noisy.counts_array()
        assert not counts.mask.any()
        # Additive: the margins are sums of the noisy cells.
        assert (counts[:3, :3].sum(axis=1) == counts[:3, 3]).all()
        assert counts[:3, 3].sum() == counts[3, 3]
    spent = engine.privacy_budget("activite")
    assert spent.laplace_epsilon_spent == Fraction(1) and spent.charges == 2
    with pytest.raises(socle.ResourceExhaustedError):
        trail.publish_noisy(table, name="bruite", activity="rapport_activite", actor="sw1",
                            dataset="activite", parameter=Fraction(2))
    assert engine.privacy_budget("activite").charges == 2
    zcdp = engine.privacy_budget("activite_zcdp")
    assert zcdp.epsilon == 2 and zcdp.delta == Fraction(1, 1000000)
    with pytest.raises(socle.NotFoundError):
        engine.privacy_budget("nope")


def test_bad_input_is_refused(trail: socle.AccessTrail) -> None:
    with pytest.raises(socle.InvalidArgumentError, match="dimensions"):
        socle.Table([])
    with pytest.raises(socle.InvalidArgumentError, match="named twice"):
        socle.Table(["a", "a"])
    table = socle.Table(["age_band", "help"], amounts=True)
    with pytest.raises(socle.InvalidArgumentError, match=r"records\[1\]") as refused:
        table.add([["18-29", "secret-label"], ["rsa", ""]], amounts=[100, 200])
    assert "secret-label" not in str(refused.value)
    assert table.records == 1
    with pytest.raises(socle.InvalidArgumentError, match="negative amount"):
        table.add([["18-29"], ["rsa"]], amounts=[-1])
    with pytest.raises(socle.InvalidArgumentError, match="amounts"):
        table.add([["18-29"], ["rsa"]])
    with pytest.raises(ValueError):
        table.add({"age_band": ["18-29"]})
    with pytest.raises(socle.InvalidArgumentError, match="p_percent"):
        trail.publish(table, name="t", activity="rapport_activite", actor="sw1", p_percent=100)
    # The table is finished by the first publication: no more records.
    with pytest.raises(socle.FailedPreconditionError, match="finished"):
        table.add([["18-29"], ["rsa"]], amounts=[1])
    with pytest.raises(socle.NotFoundError, match="activity"):
        trail.publish(small_table(), name="t", activity="nowhere", actor="sw1")
    with pytest.raises(socle.InvalidArgumentError, match="mechanism"):
        trail.publish_noisy(small_table(), name="t", activity="rapport_activite", actor="sw1",
                            dataset="activite", mechanism=7)


def test_docs_example_runs(engine: socle.AccessEngine, trail: socle.AccessTrail,
                           capsys: pytest.CaptureFixture) -> None:
    """The Python example of docs/statistics.md, "C ABI and bindings", as it is written there."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "statistics.md").read_text("utf-8")
    section = docs[docs.index("## C ABI and bindings"):]
    start = section.index("```python\n") + len("```python\n")
    example = section[start:section.index("```", start)]
    exec(compile(example, "docs/statistics.md", "exec"), {"trail": trail, "engine": engine})
    assert capsys.readouterr().out.startswith(
        "age_band,commune,status,count,sum,count_min,count_max,sum_min,sum_max\r\n")
