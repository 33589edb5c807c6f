"""Sharing under professional secrecy, prior information and mandates from Python: a share to the
CRIP refused until the person is informed, then granted through the trail; the recipient reads
exactly the shared item; the sharing entry of the history; a mandate created, used, revoked,
refused; hostile inputs refused with clear errors and nothing changed."""

from __future__ import annotations

import datetime
import hashlib
import importlib
from pathlib import Path

import pytest

import socle

FAST = {"opslimit": 2, "memlimit": 64 << 20}
NOW = 1900000000  # the engine's fixed clock (2030)

# The CCAS example with a mandates section, and a habilitation of the CRIP (the example gives its
# external recipients none: every share to them fails check 5, the recipient's habilitations).
ADDENDUM = """
habilitations { role: "crip_departement" actions: [READ] data_categories: ["administrative", "social"] }
"""

PROFESSIONALS = ("ass1\tass\tpole-social\tccas\n"
                 "ass2\tass\tpole-social\tccas\n"
                 "sec1\tsecretaire_accueil\tpole-social\tccas\n"
                 "aud1\tauditeur_securite\t\tccas\n"
                 "crip1\tcrip_departement\tcrip\tDépartement\n")


@pytest.fixture
def engine(examples_dir: Path) -> socle.AccessEngine:
    text = (examples_dir / "policies" / "ccas.textproto").read_text(encoding="utf-8") + ADDENDUM
    with socle.Policy.load(text, "ccas+mandates") as policy:
        engine = socle.AccessEngine.create(policy)
    engine.set_time(NOW)
    engine.load_directory_tsv(PROFESSIONALS, "P-1\tpole-social\n")
    return engine


@pytest.fixture
def trail(engine: socle.AccessEngine, tmp_path: Path) -> socle.AccessTrail:
    provider = socle.KeyProvider.create_key_file(tmp_path / "master.key", b"sharing test", **FAST)
    with provider:
        vault = socle.Vault.open(provider, tmp_path / "vault.db", "ccas")
    ledger = socle.Ledger.open(vault, tmp_path / "trail.db", "access_trail",
                               durability=socle.Durability.NONE)
    return socle.AccessTrail.create(ledger, engine)


def alert(share: str = "alert-1") -> socle.ShareRequest:
    return socle.ShareRequest(
        emitter="ass1", recipient="crip1", person="P-1",
        basis=socle.SharingBasis.CASF_L226_2_1, purpose="accompagnement_social", share=share,
        items=[socle.SharedItem("note-1", "social", hashlib.sha256(b"note 1").digest())],
        involvement=socle.PersonInvolvement.INFORMED_BEFOREHAND)


def read(engine: socle.AccessEngine, item: str, category: str = "social") -> socle.Reason:
    return engine.decide("crip1", "P-1", category, "accompagnement_social", item=item).reason


def test_the_package_exports_the_section() -> None:
    module = importlib.import_module("socle._sharing")
    assert set(module.__all__) <= set(socle.__all__)
    assert all(getattr(socle, name) is getattr(module, name) for name in module.__all__)
    assert socle.LedgerEntryType.SHARING_DECISION == 5
    assert socle.MANDATE_DURATIONS == (1, 31, 182, 365)
    assert len(socle.SharingCheck) == 16  # NONE and the 15 checks


def test_a_share_refused_until_the_person_is_informed_then_granted_and_in_the_history(
        engine: socle.AccessEngine, trail: socle.AccessTrail) -> None:
    assert read(engine, "note-1") == socle.Reason.NOT_ASSIGNED
    before = engine.revision
    refused = trail.share(alert())
    assert not refused
    assert refused.failed == socle.SharingCheck.PERSON_NOT_INFORMED
    assert refused.failed_name == "person_not_informed"
    assert refused.sentence and "P-1" not in refused.sentence
    assert engine.revision == before

    informed = engine.record_person_informed("P-1", "alert-1", "crip1", ["social"], "ass1",
                                             channel=socle.InformChannel.IN_PERSON)
    assert engine.check_share(alert()).granted
    assert engine.revision == informed  # the check records nothing
    granted = trail.share(alert())
    assert granted and granted.failed == socle.SharingCheck.NONE
    assert granted.revision == engine.revision
    assert granted.items == [socle.SharedItem("note-1", "social")]
    assert granted.information_revisions == [informed]
    assert granted.exception is None
    assert granted.basis == socle.SharingBasis.CASF_L226_2_1

    # The recipient reads exactly the shared item.
    assert read(engine, "note-1") == socle.Reason.ALLOWED_BY_GRANT
    assert read(engine, "note-2") == socle.Reason.ITEM_NOT_SHARED
    assert read(engine, "note-1", "administrative") == socle.Reason.ITEM_NOT_SHARED
    # The same share id again: an error, nothing recorded.
    at = engine.revision
    with pytest.raises(socle.AlreadyExistsError):
        trail.share(alert())
    assert engine.revision == at

    entries = [e for e in trail.history("P-1", reader="aud1")
               if e.type == socle.LedgerEntryType.SHARING_DECISION]
    assert [e.allowed for e in entries] == [False, True]
    assert entries[0].reason == "person_not_informed"
    assert entries[0].sharing.information == socle.SharingInformation.NONE
    last = entries[1]
    assert last.actor == "ass1"
    assert last.sharing.basis == socle.SharingBasis.CASF_L226_2_1
    assert last.sharing.share == "alert-1"
    assert last.sharing.recipient == "crip1"
    assert last.sharing.recipient_role == "crip_departement"
    assert last.sharing.items == [socle.SharedItem("note-1", "social")]
    assert last.sharing.information == socle.SharingInformation.INFORMED
    assert last.sharing.information_revision == informed
    assert last.sharing.involvement == socle.PersonInvolvement.INFORMED_BEFOREHAND
    others = [e for e in trail.history("P-1", reader="aud1")
              if e.type != socle.LedgerEntryType.SHARING_DECISION]
    assert others and all(e.sharing is None for e in others)

    # Revoked: not readable any more; twice is NOT_FOUND.
    engine.revoke_share("P-1", "crip1", "alert-1", "ass1")
    assert read(engine, "note-1") != socle.Reason.ALLOWED_BY_GRANT
    with pytest.raises(socle.NotFoundError):
        engine.revoke_share("P-1", "crip1", "alert-1", "ass1")


def test_an_urgency_instead_of_the_information_keeps_a_follow_up_open(
        engine: socle.AccessEngine) -> None:
    revision = engine.record_information_exception(
        "P-1", "alert-2", socle.InformationException.URGENCY, "ass1", justification="danger")
    outcome = engine.check_share(alert("alert-2"))
    assert outcome.granted
    assert outcome.exception == socle.InformationException.URGENCY
    assert outcome.exception_revision == revision
    assert outcome.follow_up_open


def test_hostile_share_inputs_are_refused_and_change_nothing(
        engine: socle.AccessEngine, trail: socle.AccessTrail) -> None:
    before = engine.revision
    unknown = alert()
    unknown.person = "P-404"
    with pytest.raises(socle.NotFoundError) as caught:
        trail.share(unknown)
    assert "P-404" not in str(caught.value)
    bad_hash = alert()
    bad_hash.items = [socle.SharedItem("note-1", "social", b"short")]
    with pytest.raises(socle.InvalidArgumentError, match="content_sha256"):
        engine.check_share(bad_hash)
    bad_basis = alert()
    bad_basis.basis = 99
    with pytest.raises(socle.InvalidArgumentError, match="basis"):
        engine.check_share(bad_basis)
    with pytest.raises(TypeError):
        engine.check_share("not a request")  # type: ignore[arg-type]
    with pytest.raises(socle.InvalidArgumentError):
        engine.record_person_informed("P-1", "s", "crip1", ["social"], "ass1", channel=9)
    with pytest.raises(socle.InvalidArgumentError):
        engine.record_information_exception("P-1", "s", 0, "ass1")
    assert engine.revision == before


def test_a_mandate_created_used_revoked_then_refused(engine: socle.AccessEngine) -> None:
    before = engine.revision
    with pytest.raises(socle.OutOfRangeError, match="366"):
        engine.create_mandate("m-1", "P-1", "ccas", ["papiers", "logement"], 366,
                              "attestation v1", "ass1")
    with pytest.raises(socle.PermissionDeniedError):
        engine.create_mandate("m-1", "P-1", "ccas", ["papiers"], 31, "attestation v1",
                              "sec1")
    with pytest.raises(socle.NotFoundError) as caught:
        engine.create_mandate("m-1", "P-404", "ccas", ["papiers"], 31,
                              "attestation v1", "ass1")
    assert "P-404" not in str(caught.value)
    assert engine.revision == before

    created = engine.create_mandate("m-1", "P-1", "ccas", ["papiers", "logement"], 31,
                                    "attestation v1", "ass1",
                                    involvement=socle.PersonInvolvement.PRESENT)
    assert created.revision == before + 1
    assert len(created.attestation_sha256) == 32 and any(created.attestation_sha256)
    assert created.expires_at == (datetime.datetime.fromtimestamp(NOW, datetime.timezone.utc)
                                  + datetime.timedelta(days=31))
    with pytest.raises(socle.AlreadyExistsError):
        engine.create_mandate("m-1", "P-1", "ccas", ["papiers"], 1, "v1", "ass1")

    assert engine.check_mandate("m-1", "papiers", "ass2") == socle.MandateVerdict.ALLOWED
    assert engine.check_mandate("m-1", "papiers", "sec1") == \
        socle.MandateVerdict.ROLE_NOT_ALLOWED
    engine.use_mandate("m-1", "papiers", "ass2")
    engine.revoke_mandate("m-1", "ass1", ["papiers"], by_person=True)
    assert engine.check_mandate("m-1", "papiers", "ass2") == socle.MandateVerdict.REVOKED
    assert engine.check_mandate("m-1", "logement", "ass2") == socle.MandateVerdict.ALLOWED
    at = engine.revision
    with pytest.raises(socle.PermissionDeniedError):
        engine.use_mandate("m-1", "papiers", "ass2")
    with pytest.raises(socle.NotFoundError):
        engine.revoke_mandate("m-1", "ass1", ["papiers"], by_person=True)
    with pytest.raises(socle.NotFoundError):
        engine.check_mandate("m-404", "papiers", "ass2")
    with pytest.raises(socle.InvalidArgumentError):
        engine.use_mandate("m-1", "logement", "ass2", involvement=7)
    assert engine.revision == at
