"""Retention, rights requests and breaches from Python (socle._retention), on the CCAS example
(financial papers of aides_facultatives: 24 months active after the last contact from the person,
then 36 months of intermediate archive; the head of service is the archivist): a contact and the
phases two years apart, the archivist's reasoned read recorded in the trail; an access request
received, extended too late, then on the DPO's overdue list; a breach recorded, notified, closed;
bad input refused without the person's id in the message."""

from __future__ import annotations

import datetime
import importlib
from pathlib import Path

import pytest

import socle

FAST = {"opslimit": 2, "memlimit": 64 << 20}
NOW = 4102444800  # 2100-01-01 00:00 UTC: ahead of the real clock
DAY = 86400
PROFESSIONALS = ("ass1\tass\tpole-social\tccas\n"
                 "resp1\tresponsable_service\tpole-social\tccas\n"
                 "aud1\tauditeur_securite\t\tccas\n")


@pytest.fixture
def engine(examples_dir: Path) -> socle.AccessEngine:
    text = (examples_dir / "policies" / "ccas.textproto").read_text(encoding="utf-8")
    with socle.Policy.load(text, "ccas") as policy:
        engine = socle.AccessEngine.create(policy)
    engine.set_time(NOW)
    engine.load_directory_tsv(PROFESSIONALS, "P-1\tpole-social\tass1\n")
    return engine


def test_module_exports_are_socle_s() -> None:
    module = importlib.import_module("socle._retention")
    assert module.__all__ and set(module.__all__) <= set(socle.__all__)
    assert all(getattr(socle, name) is getattr(module, name) for name in module.__all__)


def test_contact_then_the_archive_and_the_archivist(engine: socle.AccessEngine,
                                                    tmp_path: Path) -> None:
    # The file opened a year ago (its first contact), the person came today, the case closes:
    # the CCAS's other rules of the financial papers end within the 24 months.
    engine.record_contact("P-1", day=datetime.date(2099, 1, 1), recorded_by="ass1")
    revision = engine.record_contact("P-1", recorded_by="ass1")
    assert revision == engine.revision
    engine.unassign("P-1", "pole-social")
    financial = engine.find_category("financial")
    now = engine.retention("P-1")[financial]
    assert now.phase == socle.RetentionPhase.ACTIVE
    assert now.start == socle.RetentionStart.LAST_CONTACT_FROM_PERSON
    assert now.start_day == datetime.date(2100, 1, 1)
    assert now.next_change is not None and now.next_change.year == 2102
    assert "2023-095" in now.source
    later = engine.retention("P-1", datetime.date(2102, 6, 1))[financial]
    assert later.phase == socle.RetentionPhase.INTERMEDIATE_ARCHIVE
    assert later.since == now.next_change == datetime.date(2102, 1, 1)
    assert later.next_change == datetime.date(2105, 1, 1)

    provider = socle.KeyProvider.create_key_file(tmp_path / "master.key", b"retention", **FAST)
    with provider:
        vault = socle.Vault.open(provider, tmp_path / "vault.db", "ccas")
    ledger = socle.Ledger.open(vault, tmp_path / "trail.db", "access_trail",
                               durability=socle.Durability.NONE)
    trail = socle.AccessTrail.create(ledger, engine)
    engine.set_time(NOW + 900 * DAY)  # 2102-06-19
    ordinary = trail.decide("ass1", "P-1", "financial", "aides_facultatives")
    assert ordinary.reason == socle.Reason.ARCHIVED and not ordinary.allowed
    why = "Recours gracieux sur une aide remboursable"
    # Without a reason the archivist is an outsider to the closed case.
    assert engine.decide_with_archive_reason("resp1", "P-1", "financial", "aides_facultatives",
                                             "").reason == socle.Reason.NOT_ASSIGNED
    read = trail.decide_with_archive_reason("resp1", "P-1", "financial", "aides_facultatives",
                                            why)
    assert read.allowed and read.reason == socle.Reason.ALLOWED_ARCHIVIST
    recorded = [e for e in trail.history("P-1", reader="aud1")
                if e.reason == "allowed_archivist"]
    assert len(recorded) == 1 and recorded[0].justification == why


def test_bad_retention_input_names_the_parameter(engine: socle.AccessEngine) -> None:
    with pytest.raises(socle.InvalidArgumentError, match="originator") as e:
        engine.record_contact("P-1", originator=9, recorded_by="ass1")
    with pytest.raises(socle.NotFoundError) as e:
        engine.retention("P-SECRET-77")
    assert "P-SECRET-77" not in str(e.value)
    with pytest.raises(socle.InvalidArgumentError, match="day"):
        engine.retention("P-1", "1 June 2102")


def test_an_access_request_round(engine: socle.AccessEngine) -> None:
    engine.record_rights_request("DA-1", "access", "P-1", channel="paper", recorded_by="ass1")
    request = engine.get_rights_request("DA-1")
    assert request.kind == socle.RightsRequestKind.ACCESS
    assert request.status == socle.RightsRequestStatus.OPEN
    assert request.received_day == datetime.date(2100, 1, 1)
    assert request.deadline == datetime.date(2100, 2, 1) and request.days_left == 31
    assert [r.request for r in engine.open_rights_requests("P-1")] == ["DA-1"]
    assert [r.request for r in engine.rights_requests_due_within(7, "2100-01-25")] == ["DA-1"]
    assert engine.overdue_rights_requests() == []

    engine.set_time(NOW + 40 * DAY)  # after the first deadline
    with pytest.raises(socle.FailedPreconditionError, match="^extension_too_late:"):
        engine.extend_rights_request("DA-1", "Pièces à obtenir", 2, recorded_by="ass1")
    overdue = engine.overdue_rights_requests()
    assert [(r.request, r.days_left) for r in overdue] == [("DA-1", -9)]
    engine.close_rights_request("DA-1", recorded_by="ass1")
    assert engine.overdue_rights_requests() == []
    assert engine.rights_register()[0].status == socle.RightsRequestStatus.ANSWERED
    with pytest.raises(socle.InvalidArgumentError, match="kind"):
        engine.record_rights_request("DA-2", 42, "P-1", recorded_by="ass1")
    with pytest.raises(socle.NotFoundError) as e:
        engine.get_rights_request("DA-SECRET-9")
    assert "DA-SECRET-9" not in str(e.value)


def test_a_breach(engine: socle.AccessEngine) -> None:
    aware = NOW - 3600
    engine.record_breach("V-1", aware, ["confidentiality", "lost_laptop"], "high",
                         persons_concerned=120, records_concerned=300, recorded_by="ass1")
    breach = engine.get_breach("V-1")
    assert breach.nature == ["confidentiality", "lost_laptop"]
    assert breach.risk == socle.BreachRisk.HIGH and breach.person_notification_required
    assert breach.authority_deadline.timestamp() == aware + 72 * 3600
    assert [b.breach for b in engine.overdue_breach_notifications(aware + 73 * 3600)] == ["V-1"]
    with pytest.raises(socle.FailedPreconditionError):
        engine.close_breach("V-1", recorded_by="ass1")
    engine.notify_breach_authority("V-1", reference="CNIL-1", recorded_by="ass1")
    engine.notify_breach_persons("V-1", "letter", recorded_by="ass1")
    engine.close_breach("V-1", recorded_by="ass1")
    (closed,) = engine.breach_register()
    assert closed.closed_at is not None and not closed.authority_notified_late
    with pytest.raises(socle.InvalidArgumentError, match="risk"):
        engine.record_breach("V-2", None, ["availability"], 0, recorded_by="ass1")
    with pytest.raises(socle.InvalidArgumentError):
        engine.record_breach("V-3", None, ["Portable de Mme X"], "risk", recorded_by="ass1")
