"""Erasure, restriction, rectification and the retention sweep from Python (socle._erasure), on
the CCAS example: a sweep whose financial papers await the archives service's elimination visa,
then are purged with a signed certificate that verifies (and not once altered); an erasure
refused under a legal hold, then done (on the erasure contract of tests/access): the tombstone,
the key shredded, the person denied (erased); a restriction denying an ordinary read and allowing
it with a justification of art. 18(2), lifted only after the notice; a rectification of an item
shared with the CRIP naming it as the recipient to notify; bad input refused without the
person's id in the message."""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import pytest

import socle

FAST = {"opslimit": 2, "memlimit": 64 << 20}
NOW = 4102444800  # 2100-01-01 00:00 UTC: ahead of the real clock
# The CRIP may receive (the example gives its external recipients no habilitation).
ADDENDUM = """
habilitations { role: "crip_departement" actions: [READ] data_categories: ["administrative", "social"] }
"""
PROFESSIONALS = ("ass1\tass\tpole-social\tccas\n"
                 "resp1\tresponsable_service\tpole-social\tccas\n"
                 "crip1\tcrip_departement\tcrip\tDépartement\n")


@pytest.fixture
def engine(examples_dir: Path) -> socle.AccessEngine:
    text = (examples_dir / "policies" / "ccas.textproto").read_text(encoding="utf-8") + ADDENDUM
    with socle.Policy.load(text, "ccas") as policy:
        engine = socle.AccessEngine.create(policy)
    engine.set_time(NOW)
    # P-3: a file no team holds any more (its referent alone).
    engine.load_directory_tsv(PROFESSIONALS, "P-1\tpole-social\tass1\nP-2\tpole-social\tass1\n"
                              "P-3\t\tass1\n")
    return engine


@pytest.fixture
def vault(tmp_path: Path) -> socle.Vault:
    provider = socle.KeyProvider.create_key_file(tmp_path / "master.key",
                                                 b"erasure binding test", **FAST)
    with provider:
        return socle.Vault.open(provider, tmp_path / "vault.db", "ccas")


@pytest.fixture
def trail(engine: socle.AccessEngine, vault: socle.Vault, tmp_path: Path) -> socle.AccessTrail:
    ledger = socle.Ledger.open(vault, tmp_path / "trail.db", "access_trail",
                               durability=socle.Durability.NONE)
    return socle.AccessTrail.create(ledger, engine)


def test_module_exports_are_socle_s() -> None:
    module = importlib.import_module("socle._erasure")
    assert module.__all__ and set(module.__all__) <= set(socle.__all__)
    assert all(getattr(socle, name) is getattr(module, name) for name in module.__all__)
    assert "RestrictionJustification" in socle.__all__


def test_a_sweep_awaits_the_visa_then_purges_with_a_certificate(
        engine: socle.AccessEngine, trail: socle.AccessTrail, vault: socle.Vault) -> None:
    # The last contact six years ago: every category is past its retention, and the CCAS (a
    # public body) waits for the archives service's visa before eliminating.
    engine.record_contact("P-3", day="2094-01-01", recorded_by="ass1")
    sealed = vault.seal_record("P-3", "note-1", b"note du dossier")
    key = socle.ExportSigningKey.generate()
    before = engine.revision
    plan = engine.plan_retention_sweep("2100-01-01")
    assert plan.purged == 0 and plan.awaiting_visa > 0 and plan.todo == []
    assert plan.certificates == [] and engine.revision == before

    waiting = trail.retention_sweep(key, "2100-01-01", batch_size=10, recorded_by="ass1")
    assert waiting.day.isoformat() == "2100-01-01" and not waiting.resumed
    assert waiting.purged == 0 and waiting.awaiting_visa == plan.awaiting_visa
    assert waiting.certificates == []

    engine.record_elimination_visa("VISA-1", "financial", "2100-01-01", recorded_by="resp1")
    planned = engine.plan_retention_sweep("2100-01-01")
    assert [(t.person, t.category, t.visa) for t in planned.todo] == [
        ("P-3", "financial", "VISA-1")]
    report = trail.retention_sweep(key, "2100-01-01", recorded_by="ass1")
    assert report.purged == 1 and report.shredded == 0  # the other categories still wait
    assert report.awaiting_visa == waiting.awaiting_visa - 1
    (todo,) = report.todo
    assert todo.category == "financial" and todo.action == socle.RetentionEndAction.DELETE
    assert todo.rule.startswith("activities[") and todo.visa == "VISA-1"
    (certificate,) = report.certificates
    assert certificate.category == "financial" and certificate.count == 1
    assert certificate.visa == "VISA-1" and len(certificate.signature) == 64
    assert b"P-3" not in certificate.certificate
    socle.verify_deletion_certificate(certificate.certificate, certificate.signature)
    altered = bytearray(certificate.certificate)
    altered[len(altered) // 2] ^= 1
    with pytest.raises(socle.VerificationFailedError):
        socle.verify_deletion_certificate(bytes(altered), certificate.signature)
    # Nothing is purged twice; the person's key stays (not every category is purged).
    again = trail.retention_sweep(key, "2100-01-01", recorded_by="ass1")
    assert again.purged == 0 and again.certificates == []
    assert vault.open_record("P-3", "note-1", sealed) == b"note du dossier"

    with pytest.raises(socle.AlreadyExistsError, match="reference"):
        engine.record_elimination_visa("VISA-1", "social", "2100-01-01", recorded_by="resp1")
    with pytest.raises(socle.InvalidArgumentError, match="through"):
        engine.record_elimination_visa("VISA-2", "social", "01/01/2100", recorded_by="resp1")
    with pytest.raises(socle.InvalidArgumentError, match="batch_size"):
        trail.retention_sweep(key, "2100-01-01", batch_size=0, recorded_by="ass1")


def test_an_erasure_under_a_legal_hold_then_done(vault: socle.Vault, tmp_path: Path) -> None:
    # The erasure contract of tests/access (the CCAS's categories all rest on a legal obligation
    # while their retention runs: nothing there is erasable on request).
    text = (Path(__file__).resolve().parents[1] / "access" / "erasure_policy.textproto").read_text(
        encoding="utf-8")
    with socle.Policy.load(text, "erasure") as policy:
        engine = socle.AccessEngine.create(policy)
    engine.set_time(NOW)
    engine.load_directory_tsv("sw1\tsocial_worker\tt1\nmgr1\tmanager\tt1\n", "x1\tt1\nx2\tt1\n")
    ledger = socle.Ledger.open(vault, tmp_path / "erasure-trail.db", "access_trail",
                               durability=socle.Durability.NONE)
    trail = socle.AccessTrail.create(ledger, engine)

    def reason(person: str) -> socle.Reason:
        return engine.decide("sw1", person, "administrative", "accompagnement").reason

    sealed = vault.seal_record("x1", "case-1", b"note du dossier")
    assert reason("x1") == socle.Reason.ALLOWED
    revision = engine.set_legal_hold("x1", "contentieux", reference="TJ-1", recorded_by="mgr1")
    assert revision == engine.revision
    held = engine.decide_erasure("x1")
    assert held.whole and not held.all_erased and len(held.categories) == 4
    assert all(not c.erase and c.exception == socle.ErasureException.LEGAL_CLAIMS
               and c.rule == "legal_hold" for c in held.categories)
    assert held.categories[0].category == "administrative"
    assert "administrative: legal_claims (legal_hold)" in held.text
    refused = trail.erase("x1", recorded_by="mgr1")
    assert not refused.recorded and refused.vendor_delete == [] and engine.revision == revision

    engine.lift_legal_hold("x1", recorded_by="mgr1")
    with pytest.raises(socle.FailedPreconditionError):
        engine.lift_legal_hold("x1", recorded_by="mgr1")
    asserted = engine.decide_erasure("x1", ["social"], asserted="statistics_89",
                                     day="2100-01-01")
    assert not asserted.whole
    assert [(c.category, c.exception, c.rule) for c in asserted.categories] == [
        ("social", socle.ErasureException.STATISTICS_89, "request")]

    done = trail.erase("x1", recorded_by="mgr1")
    assert done.recorded and done.whole_erased and done.key_shredded and done.all_erased
    assert done.revision == engine.revision
    assert done.vendor_delete == ["administrative", "social", "financial", "health"]
    with pytest.raises(socle.NotFoundError):
        vault.open_record("x1", "case-1", sealed)
    assert reason("x1") == socle.Reason.ERASED
    assert reason("x2") == socle.Reason.ALLOWED
    (tombstone,) = engine.tombstones()
    assert (tombstone.person, tombstone.day.isoformat(), tombstone.categories,
            tombstone.rights_request, tombstone.recorded_by, tombstone.revision) == (
        "x1", "2100-01-01", [], "", "mgr1", done.revision)
    assert engine.tombstones(done.revision) == []
    assert engine.erased_row("x1", "social") and engine.erased_row("x1")
    assert not engine.erased_row("x2")
    assert vault.reapply_tombstones(engine) == 0  # shredded already
    with pytest.raises(socle.FailedPreconditionError):
        engine.decide_erasure("x1")

    with pytest.raises(socle.InvalidArgumentError, match="asserted"):
        engine.decide_erasure("x2", asserted="forgetfulness")
    with pytest.raises(socle.InvalidArgumentError):
        engine.decide_erasure("x2", asserted=1 << 9)
    with pytest.raises(socle.NotFoundError) as e:
        engine.decide_erasure("P-SECRET-77")
    assert "P-SECRET-77" not in str(e.value)


def test_a_restriction_denies_then_allows_with_a_justification_lifted_after_notice(
        engine: socle.AccessEngine) -> None:
    def read(**options: object) -> socle.Decision:
        return engine.decide("ass1", "P-1", "social", "accompagnement_social", item="note-1",
                             **options)

    assert read().allowed and engine.restricted("P-1", "note-1") is None
    revision = engine.restrict("P-1", "note-1", "accuracy_contested", recorded_by="ass1")
    assert revision == engine.revision
    assert engine.restricted("P-1", "note-1") == socle.RestrictionGround.ACCURACY_CONTESTED
    assert engine.restricted("P-1", "note-2") is None
    [in_force] = engine.restrictions("P-1", include_lifted=False)
    assert in_force.item == "note-1" and in_force.in_force
    assert in_force.ground == socle.RestrictionGround.ACCURACY_CONTESTED
    assert in_force.set_at is not None and in_force.lifted_at is None
    assert read().reason == socle.Reason.RESTRICTED
    allowed = read(restriction_justification=socle.RestrictionJustification.LEGAL_CLAIMS)
    assert allowed.allowed and allowed.reason == socle.Reason.ALLOWED_UNDER_RESTRICTION
    assert read(restriction_justification="subject_consent").allowed
    with pytest.raises(socle.InvalidArgumentError, match="restriction_justification"):
        read(restriction_justification="curiosity")
    with pytest.raises(socle.AlreadyExistsError):
        engine.restrict("P-1", "note-1", "legal_claims", recorded_by="ass1")

    with pytest.raises(socle.FailedPreconditionError, match="prior notice") as e:
        engine.lift_restriction("P-1", "note-1", recorded_by="ass1")
    assert "P-1" not in str(e.value)
    engine.notify_restriction_lift("P-1", "note-1", channel="paper", recorded_by="ass1")
    engine.lift_restriction("P-1", "note-1", recorded_by="ass1")
    assert read().allowed and engine.restricted("P-1", "note-1") is None
    assert engine.restrictions("P-1", include_lifted=False) == []
    [lifted] = engine.restrictions("P-1")
    assert not lifted.in_force and lifted.notified_at is not None
    assert lifted.lifted_at is not None and lifted.lifted_at >= lifted.notified_at
    with pytest.raises(socle.NotFoundError) as e:
        engine.restrictions("P-SECRET-77")
    assert "P-SECRET-77" not in str(e.value)
    with pytest.raises(socle.InvalidArgumentError, match="ground"):
        engine.restrict("P-1", "", 0, recorded_by="ass1")
    with pytest.raises(socle.NotFoundError) as e:
        engine.restrict("P-SECRET-77", "", "legal_claims", recorded_by="ass1")
    assert "P-SECRET-77" not in str(e.value)


def test_a_rectification_names_the_recipients_of_a_share(engine: socle.AccessEngine,
                                                         trail: socle.AccessTrail) -> None:
    v1 = hashlib.sha256(b"Situation: 3 enfants").digest()
    v2 = hashlib.sha256(b"Situation: 2 enfants").digest()
    statement = hashlib.sha256(b"Je conteste l'appreciation").digest()
    share = socle.ShareRequest(
        emitter="ass1", recipient="crip1", person="P-1",
        basis=socle.SharingBasis.CASF_L226_2_1, purpose="accompagnement_social", share="s-1",
        items=[socle.SharedItem("eval-1", "social", v1)],
        involvement=socle.PersonInvolvement.INFORMED_BEFOREHAND)
    engine.record_person_informed("P-1", "s-1", "crip1", ["social"], "ass1",
                                  channel=socle.InformChannel.IN_PERSON)
    assert trail.share(share)
    assert engine.current_item_version("P-1", "eval-1") is None
    with pytest.raises(socle.FailedPreconditionError):
        engine.record_person_statement("P-1", "st-1", "eval-1", statement, recorded_by="ass1")

    engine.record_rectification("P-1", "rect-1", "eval-1", v1, v2, category="social",
                                contested=True, recorded_by="ass1")
    assert engine.current_item_version("P-1", "eval-1") == v2
    (notice,) = engine.pending_rectification_notices("P-1")
    assert (notice.rectification, notice.item, notice.recipient) == ("rect-1", "eval-1", "crip1")
    assert notice.queued_at is not None and notice.queued_at.timestamp() == NOW
    # The person's statement is told to the recipient too (art. 19).
    engine.record_person_statement("P-1", "st-1", "eval-1", statement, recorded_by="ass1")
    assert [(n.rectification, n.recipient) for n in engine.pending_rectification_notices(
        "P-1")] == [("rect-1", "crip1"), ("st-1", "crip1")]
    with pytest.raises(socle.FailedPreconditionError, match="current version"):
        engine.record_rectification("P-1", "rect-2", "eval-1", v1, v2, recorded_by="ass1")

    engine.record_rectification_notified("P-1", "rect-1", "crip1", channel="online",
                                         recorded_by="ass1")
    assert [n.rectification for n in engine.pending_rectification_notices("P-1")] == ["st-1"]
    with pytest.raises(socle.AlreadyExistsError):
        engine.record_rectification_notified("P-1", "rect-1", "crip1", recorded_by="ass1")
    with pytest.raises(socle.InvalidArgumentError, match="new_sha256"):
        engine.record_rectification("P-1", "rect-3", "eval-1", v2, v2[:16], recorded_by="ass1")
