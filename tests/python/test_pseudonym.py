"""socle.Pseudonymizer: keyed pseudonyms in the policy's domains, batches, rotation, reversible
tokens and their privileged reversal. The known answers are those of tests/pseudonym/kat_test.cc
(master secret v1 = bytes 0..31, policy tests/pseudonym/policy.textproto)."""

from __future__ import annotations

from typing import List

import pytest

import socle
from conftest import REPO

POLICY = REPO / "tests" / "pseudonym" / "policy.textproto"
SECRET_V1 = bytes(range(32))
SECRET_V2 = bytes(range(32, 64))


@pytest.fixture(scope="module")
def policy() -> socle.Policy:
    return socle.Policy.load_file(POLICY)


@pytest.fixture
def events() -> List[socle.ReversalEvent]:
    return []


@pytest.fixture
def pseudonymizer(policy: socle.Policy,
                  events: List[socle.ReversalEvent]) -> socle.Pseudonymizer:
    return socle.Pseudonymizer.create(policy, {1: SECRET_V1}, reversal_hook=events.append,
                                      reversal_rate_limit=(3, 3600))


def test_known_answers(pseudonymizer: socle.Pseudonymizer) -> None:
    assert pseudonymizer.current_version == 1
    assert pseudonymizer.domain_kind("suivi") is socle.PseudonymKind.PERSON
    assert pseudonymizer.domain_kind("evaluation") is socle.PseudonymKind.RELATIONSHIP
    assert pseudonymizer.domain_kind("stats_defaut") is socle.PseudonymKind.TRANSACTION
    assert pseudonymizer.domain_kind("nope") is None
    assert pseudonymizer.compute_batch("suivi", ["personne-000042", b"a"]) == [
        "P0001uQMTaVANaV_YO4KaKwG1qA", "P0001t67yiQOV5ImPodmHYP7HxA"]


def test_batches_equal_single_calls(pseudonymizer: socle.Pseudonymizer) -> None:
    ids = [f"usager-{i}" for i in range(1000)]
    with pseudonymizer.new_context("suivi") as context:
        batch = context.compute_batch(ids)
        binary = context.compute_batch_binary(ids)
        assert len(binary) == 16 * len(ids)
        for i in range(0, len(ids), 97):
            assert context.compute(ids[i]) == batch[i]
    assert len(set(batch)) == len(ids)
    assert all(len(p) == 27 and p.startswith("P0001") for p in batch)
    # Another domain, other pseudonyms.
    other = pseudonymizer.compute_batch("recherche", ids)
    assert not set(other) & set(batch)


def test_transaction_and_relationship_domains(pseudonymizer: socle.Pseudonymizer) -> None:
    first = pseudonymizer.compute_batch("stats", ["x1", "x2"])
    second = pseudonymizer.compute_batch("stats", ["x1", "x2"])
    assert first[0] != second[0] and all(p.startswith("T") for p in first + second)
    with pseudonymizer.new_context("stats") as export:  # one export: stable within it
        assert export.compute("x1") == export.compute("x1")
    a = pseudonymizer.compute_batch("evaluation", ["x1"], relationship="mesure-A")
    b = pseudonymizer.compute_batch("evaluation", ["x1"], relationship="mesure-B")
    assert a != b and a[0].startswith("R")
    with pytest.raises(socle.Error):
        pseudonymizer.compute_batch("evaluation", ["x1"])  # the relationship is required


def test_rotation_from_the_old_pseudonyms(policy: socle.Policy) -> None:
    old = socle.Pseudonymizer.create(policy, {1: SECRET_V1}).compute_batch("suivi", ["x1", "x2"])
    new = socle.Pseudonymizer.create(policy, {1: SECRET_V1, 2: SECRET_V2})
    assert new.current_version == 2
    rotated = new.rotate("suivi", old)
    assert rotated == new.compute_batch("suivi", ["x1", "x2"])
    assert all(p.startswith("P0002") for p in rotated)
    with pytest.raises(socle.InvalidArgumentError):
        new.rotate("suivi", ["too short"])


def test_tokens_and_reversal(pseudonymizer: socle.Pseudonymizer,
                             events: List[socle.ReversalEvent]) -> None:
    token = pseudonymizer.create_token("suivi", "personne-000042")
    assert token.startswith("K0001")
    assert token == pseudonymizer.create_token("suivi", "personne-000042")
    assert pseudonymizer.create_tokens("suivi", ["a", "b"]) == [
        pseudonymizer.create_token("suivi", "a"), pseudonymizer.create_token("suivi", "b")]
    identifier = pseudonymizer.reverse_token(token, domain="suivi", actor="dpo-1", role="dpo",
                                             reason="réquisition judiciaire")
    assert identifier == b"personne-000042"
    assert events[-1].actor == "dpo-1" and events[-1].outcome == 0
    assert events[-1].token_version == 1 and events[-1].reason == "réquisition judiciaire"
    # A role without the capability, an altered token: refused, and reported too.
    with pytest.raises(socle.PermissionDeniedError):
        pseudonymizer.reverse_token(token, domain="suivi", actor="s1", role="secretaire",
                                    reason="x")
    assert events[-1].outcome == socle.PermissionDeniedError.code
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(socle.VerificationFailedError) as raised:
        pseudonymizer.reverse_token(altered, domain="suivi", actor="dpo-1", role="dpo", reason="y")
    assert "personne" not in str(raised.value)
    # The rate limit: 3 per hour for each actor, failures included.
    pseudonymizer.reverse_token(token, domain="suivi", actor="dpo-1", role="dpo", reason="3rd")
    with pytest.raises(socle.ResourceExhaustedError):
        pseudonymizer.reverse_token(token, domain="suivi", actor="dpo-1", role="dpo", reason="z")


def test_a_hook_can_withhold_the_identifier(policy: socle.Policy) -> None:
    def refuse(event: socle.ReversalEvent) -> int:
        raise socle.IoError("the access trail is down")

    p = socle.Pseudonymizer.create(policy, {1: SECRET_V1}, reversal_hook=refuse)
    token = p.create_token("suivi", "x1")
    with pytest.raises(socle.IoError):
        p.reverse_token(token, domain="suivi", actor="dpo-1", role="dpo", reason="r")
    without_hook = socle.Pseudonymizer.create(policy, {1: SECRET_V1})
    with pytest.raises(socle.FailedPreconditionError):
        without_hook.reverse_token(token, domain="suivi", actor="dpo-1", role="dpo", reason="r")


def test_bad_secrets_and_domains(policy: socle.Policy) -> None:
    with pytest.raises(socle.InvalidArgumentError) as raised:
        socle.Pseudonymizer.create(policy, {1: b"too short"})
    assert "too short" not in str(raised.value)
    p = socle.Pseudonymizer.create(policy, {1: SECRET_V1})
    with pytest.raises(socle.NotFoundError):
        p.compute_batch("not_a_domain", ["x1"])
    with pytest.raises(socle.InvalidArgumentError):
        p.compute_batch("suivi", ["x1", ""])  # an empty identifier fails the whole batch
    with pytest.raises(TypeError):
        socle.Pseudonymizer.create("not a policy", {1: SECRET_V1})  # type: ignore[arg-type]
