"""Retention, the rights request register and the breach register (sections "retention",
"rights" and "breach" of socle.h; ``socle/retention.hpp``, ``socle/rights.hpp``,
``socle/breach.hpp`` in C++; docs/retention-and-rights.md). Re-exported by ``socle``: use
``socle.RetentionPhase``, ``socle.RightsRequestKind``, ``socle.BreachRisk``…

The writes and the queries are methods of :class:`socle.AccessEngine` (added here)::

    engine.record_contact("usager-1", recorded_by="as1")             # from the person, today
    [s.phase for s in engine.retention("usager-1", "2028-12-01")]    # one per data category
    engine.record_rights_request("DA-1", "access", "usager-1", channel="paper",
                                 recorded_by="as1")
    engine.overdue_rights_requests()                                 # the DPO's list, today
    engine.record_breach("V-1", aware_at, ["confidentiality", "lost_laptop"], "high",
                         persons_concerned=120, recorded_by="dpo")

and the archivist's reasoned read is :meth:`AccessEngine.decide_with_archive_reason` (and
:meth:`AccessTrail.decide_with_archive_reason`, which records the reason in the trail).

Every write returns the new revision; bad input raises a :class:`socle.Error` subclass naming
the parameter and records nothing. Days are ``datetime.date`` or "YYYY-MM-DD" (None: today by the
engine's clock, in Europe/Paris); times are as elsewhere (None or 0: now by the engine's clock).
Thread safety: as the engine's (writes serialised, queries on immutable snapshots).
"""

from __future__ import annotations

import datetime
from typing import Any, List, NamedTuple, Optional, Sequence, Union

from . import _ErrorSlot, _text, check
from ._access import AccessEngine, Action, Decision, EntryKind, Id, Time, _enum, _enum_value, \
    _unix
from ._consent import ConsentChannel, Day, _day, _text_args
from ._ledger import AccessTrail
from ._native import ffi, lib

__all__ = [
    "Breach",
    "BreachRisk",
    "ContactOriginator",
    "RetentionEndAction",
    "RetentionPhase",
    "RetentionStart",
    "RetentionStatus",
    "RightsRequest",
    "RightsRequestKind",
    "RightsRequestStatus",
]

RetentionPhase = _enum(
    "RetentionPhase", "SOCLE_RETENTION_PHASE_",
    "The retention phase of a data category (SOCLE_RETENTION_PHASE_*): ACTIVE, "
    "INTERMEDIATE_ARCHIVE (only an archivist reads it, with a reason), DUE, AWAITING_VISA.")
RetentionStart = _enum("RetentionStart", "SOCLE_RETENTION_START_",
                       "What a retention rule counts from (SOCLE_RETENTION_START_*).")
RetentionEndAction = _enum("RetentionEndAction", "SOCLE_RETENTION_END_ACTION_",
                           "What happens at the end of a rule (SOCLE_RETENTION_END_ACTION_*).")
ContactOriginator = _enum(
    "ContactOriginator", "SOCLE_CONTACT_ORIGINATOR_",
    "Who a contact came from (SOCLE_CONTACT_ORIGINATOR_*): only the PERSON, or a REPRESENTATIVE "
    "in force that day, restart the clock of LAST_CONTACT_FROM_PERSON.")
RightsRequestKind = _enum(
    "RightsRequestKind", "SOCLE_RIGHTS_REQUEST_KIND_",
    "The right a request exercises (SOCLE_RIGHTS_REQUEST_KIND_*; GDPR art. 15 to 21).")
RightsRequestStatus = _enum("RightsRequestStatus", "SOCLE_RIGHTS_REQUEST_STATUS_",
                            "Where a rights request stands (SOCLE_RIGHTS_REQUEST_STATUS_*).")
BreachRisk = _enum(
    "BreachRisk", "SOCLE_BREACH_RISK_",
    "The risk of a breach to the persons (SOCLE_BREACH_RISK_*): UNLIKELY (not notified, "
    "assessment required), RISK (the authority), HIGH (the authority and the persons).")


def _member(cls: Any, value: int) -> Any:
    try:
        return cls(value)
    except ValueError:
        return value  # a value a newer library added


def _date(text: Any) -> Optional[datetime.date]:
    value = _text(text)
    return datetime.date.fromisoformat(value) if value else None


def _time(unix_seconds: int) -> Optional[datetime.datetime]:
    if unix_seconds == 0:
        return None
    return datetime.datetime.fromtimestamp(unix_seconds, datetime.timezone.utc)


def _list(query: Any, ctype: str, *arguments: Any) -> Any:
    """Calls a list query of the C ABI (its arguments up to its output) and returns the list."""
    out = ffi.new(f"{ctype}**")
    with _ErrorSlot() as slot:
        check(query(*arguments, out, slot.pointer), slot.error)
    return out[0]


# ---------------------------------------------------------------------------------------------
# Retention


class RetentionStatus(NamedTuple):
    """The retention of one data category of a person's file on one day
    (:meth:`AccessEngine.retention`)."""

    category: int  # dense id (AccessEngine.find_category)
    phase: Any  # RetentionPhase
    since: Optional[datetime.date]  # None: began before anything was recorded
    next_change: Optional[datetime.date]  # None: not scheduled yet
    next_phase: Any  # RetentionPhase, meaningful with next_change
    end_action: Any  # RetentionEndAction
    activity: int  # the rule: activities[activity].retention[rule_index]; NO_ID without a rule
    rule_index: int
    start: Any  # RetentionStart
    start_day: Optional[datetime.date]
    hard_stop: bool
    source: str  # the rule's legal source


def record_contact(self: AccessEngine, person: str, *,
                   originator: Union[int, str] = lib.SOCLE_CONTACT_ORIGINATOR_PERSON,
                   representative: str = "", day: Optional[Day] = None,
                   recorded_by: str = "") -> int:
    """Records a contact with `person` on `day` (None: today) from `originator`
    (:class:`ContactOriginator` or its name); `representative` for REPRESENTATIVE."""
    o = _enum_value(ContactOriginator, originator, "originator")
    d = _day(day, "day")
    return self._write(lib.socle_access_engine_record_contact, *_text_args((person, "person")),
                       o, *_text_args((representative, "representative")), d, len(d),
                       *_text_args((recorded_by, "recorded_by")))


def record_right(self: AccessEngine, person: str, activity: str,
                 last_day: Optional[Day] = None) -> int:
    """Records that `person`'s right of `activity` is in course (`last_day` None) or ended."""
    d = _day(last_day, "last_day")
    return self._write(lib.socle_access_engine_record_right,
                       *_text_args((person, "person"), (activity, "activity")), d, len(d))


def record_follow_up(self: AccessEngine, person: str, activity: str,
                     last_day: Optional[Day] = None) -> int:
    """As :meth:`record_right`, for a follow-up programme of `activity`."""
    d = _day(last_day, "last_day")
    return self._write(lib.socle_access_engine_record_follow_up,
                       *_text_args((person, "person"), (activity, "activity")), d, len(d))


def record_death(self: AccessEngine, person: str, day: Day) -> int:
    """Records `person`'s death on `day`."""
    d = _day(day, "day")
    return self._write(lib.socle_access_engine_record_death, *_text_args((person, "person")), d,
                       len(d))


def retention(self: AccessEngine, person: str, day: Optional[Day] = None) -> List[RetentionStatus]:
    """The phase of every data category of `person`'s file on `day` (None: today), by dense
    category id (:class:`NotFoundError` for a person not in the directory)."""
    d = _day(day, "day")
    handle = _list(lib.socle_access_engine_retention, "socle_retention", self._live(),
                   *_text_args((person, "person")), d, len(d))
    try:
        return [RetentionStatus(
            int(lib.socle_retention_category(handle, i)),
            _member(RetentionPhase, lib.socle_retention_phase(handle, i)),
            _date(lib.socle_retention_since(handle, i)),
            _date(lib.socle_retention_next_change(handle, i)),
            _member(RetentionPhase, lib.socle_retention_next_phase(handle, i)),
            _member(RetentionEndAction, lib.socle_retention_end_action(handle, i)),
            int(lib.socle_retention_activity(handle, i)),
            int(lib.socle_retention_rule_index(handle, i)),
            _member(RetentionStart, lib.socle_retention_start(handle, i)),
            _date(lib.socle_retention_start_day(handle, i)),
            bool(lib.socle_retention_hard_stop(handle, i)),
            _text(lib.socle_retention_source(handle, i)))
            for i in range(lib.socle_retention_count(handle))]
    finally:
        lib.socle_retention_free(handle)


def decide_with_archive_reason(self: AccessEngine, actor: Id, person: Id, category: Id,
                               purpose: Id, archive_reason: str,
                               action: Union[int, str] = Action.READ, *,
                               entry_kind: Union[int, str] = EntryKind.FACT,
                               author: Optional[Id] = None, masked: bool = False,
                               item: Optional[Union[str, bytes]] = None,
                               time: Time = None) -> Decision:
    """As :meth:`decide`, with the reason an archivist gives for reading the intermediate
    archive: only a role with the ARCHIVIST capability, reading, with a reason, is allowed
    (``Reason.ALLOWED_ARCHIVIST``); the others get ``Reason.ARCHIVED``."""
    request, keep = self._request(actor, person, category, purpose, action, entry_kind, author,
                                  masked, item, time)
    why = _text_args((archive_reason, "archive_reason"))
    out = ffi.new("socle_decision*")
    with _ErrorSlot() as slot:
        check(lib.socle_access_engine_decide_with_archive_reason(self._live(), request, *why, out,
                                                                 slot.pointer), slot.error)
    del keep
    return Decision(out.effect, out.reason, out.rule, out.obligations, out.revision, self)


def trail_decide_with_archive_reason(self: AccessTrail, actor: Id, person: Id, category: Id,
                                     purpose: Id, archive_reason: str,
                                     action: Union[int, str] = Action.READ, *,
                                     entry_kind: Union[int, str] = EntryKind.FACT,
                                     author: Optional[Id] = None, masked: bool = False,
                                     item: Optional[Union[str, bytes]] = None,
                                     time: Time = None) -> Decision:
    """As :meth:`AccessEngine.decide_with_archive_reason`, and the decision is recorded in the
    trail with the reason as its justification before it is returned."""
    request, keep = self._engine._request(actor, person, category, purpose, action, entry_kind,
                                          author, masked, item, time)
    why = _text_args((archive_reason, "archive_reason"))
    out = ffi.new("socle_decision*")
    with _ErrorSlot() as slot:
        check(lib.socle_access_trail_decide_with_archive_reason(self._live(), request, *why, out,
                                                                slot.pointer), slot.error)
    del keep
    return Decision(out.effect, out.reason, out.rule, out.obligations, out.revision,
                    self._engine)


trail_decide_with_archive_reason.__name__ = "decide_with_archive_reason"
trail_decide_with_archive_reason.__qualname__ = "AccessTrail.decide_with_archive_reason"
setattr(AccessTrail, "decide_with_archive_reason", trail_decide_with_archive_reason)


# ---------------------------------------------------------------------------------------------
# Rights requests


class RightsRequest(NamedTuple):
    """One request of the register, its days counted on the query's day
    (:meth:`AccessEngine.get_rights_request` and the lists)."""

    request: str
    kind: Any  # RightsRequestKind
    person: str
    requester: str  # the person, or the representative who made it
    requester_kind: Any  # RepresentationKind of the representative; 0 for the person
    channel: Any  # ConsentChannel
    recorded_by: str
    received_at: datetime.datetime
    received_day: datetime.date  # in Europe/Paris
    first_deadline: datetime.date  # received_day + 1 month
    deadline: datetime.date  # first_deadline, or extended
    extension_months: int
    justification: str
    extension_notified_at: Optional[datetime.datetime]
    status: Any  # RightsRequestStatus
    closed_at: Optional[datetime.datetime]
    reasons: str
    complaint_information: str
    days_left: int  # to the deadline from the query's day (open) or the closing day; <0: late
    revision: int


def _requests(handle: Any) -> List[RightsRequest]:
    try:
        from ._consent import RepresentationKind
        out = []
        for i in range(lib.socle_rights_requests_count(handle)):
            requester_kind = int(lib.socle_rights_requests_requester_kind(handle, i))
            out.append(RightsRequest(
                _text(lib.socle_rights_requests_request(handle, i)),
                _member(RightsRequestKind, lib.socle_rights_requests_kind(handle, i)),
                _text(lib.socle_rights_requests_person(handle, i)),
                _text(lib.socle_rights_requests_requester(handle, i)),
                _member(RepresentationKind, requester_kind) if requester_kind else 0,
                _member(ConsentChannel, lib.socle_rights_requests_channel(handle, i)),
                _text(lib.socle_rights_requests_recorded_by(handle, i)),
                datetime.datetime.fromtimestamp(
                    lib.socle_rights_requests_received_unix_seconds(handle, i),
                    datetime.timezone.utc),
                _date(lib.socle_rights_requests_received_day(handle, i)),
                _date(lib.socle_rights_requests_first_deadline(handle, i)),
                _date(lib.socle_rights_requests_deadline(handle, i)),
                int(lib.socle_rights_requests_extension_months(handle, i)),
                _text(lib.socle_rights_requests_justification(handle, i)),
                _time(lib.socle_rights_requests_extension_notified_unix_seconds(handle, i)),
                _member(RightsRequestStatus, lib.socle_rights_requests_status(handle, i)),
                _time(lib.socle_rights_requests_closed_unix_seconds(handle, i)),
                _text(lib.socle_rights_requests_reasons(handle, i)),
                _text(lib.socle_rights_requests_complaint_information(handle, i)),
                int(lib.socle_rights_requests_days_left(handle, i)),
                int(lib.socle_rights_requests_revision(handle, i))))
        return out
    finally:
        lib.socle_rights_requests_free(handle)


def record_rights_request(self: AccessEngine, request: str, kind: Union[int, str], person: str,
                          *, requester: str = "", received_at: Time = None,
                          channel: Union[int, str] = lib.SOCLE_CONSENT_CHANNEL_IN_PERSON,
                          recorded_by: str) -> int:
    """Records the request `request` (the vendor's id) of `kind` (:class:`RightsRequestKind` or
    its name) about `person`, made by `requester` (empty: the person; or a representative in
    force), received at `received_at` (None: now). Due one calendar month after its receipt
    day in Europe/Paris."""
    return self._write(lib.socle_access_engine_record_rights_request,
                       *_text_args((request, "request")),
                       _enum_value(RightsRequestKind, kind, "kind"),
                       *_text_args((person, "person"), (requester, "requester")),
                       _unix(received_at), _enum_value(ConsentChannel, channel, "channel"),
                       *_text_args((recorded_by, "recorded_by")))


def extend_rights_request(self: AccessEngine, request: str, justification: str, months: int, *,
                          notified_at: Time = None, recorded_by: str) -> int:
    """Extends `request` by `months` (1 or 2); the person was told at `notified_at` (None:
    now). :class:`FailedPreconditionError` whose message starts "extension_too_late:" when that
    is after the first deadline, and for a second extension."""
    return self._write(lib.socle_access_engine_extend_rights_request,
                       *_text_args((request, "request"), (justification, "justification")),
                       _unix(notified_at), months, *_text_args((recorded_by, "recorded_by")))


def close_rights_request(self: AccessEngine, request: str, *, no_action: bool = False,
                         reasons: str = "", complaint_information: str = "",
                         recorded_by: str) -> int:
    """Closes `request` as answered, or with no action taken (`reasons` and
    `complaint_information` then required, art. 12(4))."""
    return self._write(lib.socle_access_engine_close_rights_request,
                       *_text_args((request, "request")), 1 if no_action else 0,
                       *_text_args((reasons, "reasons"),
                                   (complaint_information, "complaint_information"),
                                   (recorded_by, "recorded_by")))


def withdraw_rights_request(self: AccessEngine, request: str, *, withdrawn_by: str = "",
                            recorded_by: str) -> int:
    """The requester withdraws `request` (`withdrawn_by` empty: the person)."""
    return self._write(lib.socle_access_engine_withdraw_rights_request,
                       *_text_args((request, "request"), (withdrawn_by, "withdrawn_by"),
                                   (recorded_by, "recorded_by")))


def get_rights_request(self: AccessEngine, request: str,
                       day: Optional[Day] = None) -> RightsRequest:
    """The request `request`, its days counted on `day` (:class:`NotFoundError` if unknown)."""
    d = _day(day, "day")
    return _requests(_list(lib.socle_access_engine_get_rights_request, "socle_rights_requests",
                           self._live(), *_text_args((request, "request")), d, len(d)))[0]


def open_rights_requests(self: AccessEngine, person: str,
                         day: Optional[Day] = None) -> List[RightsRequest]:
    """The open requests about `person`, by deadline."""
    d = _day(day, "day")
    return _requests(_list(lib.socle_access_engine_open_rights_requests, "socle_rights_requests",
                           self._live(), *_text_args((person, "person")), d, len(d)))


def rights_register(self: AccessEngine, day: Optional[Day] = None) -> List[RightsRequest]:
    """Every request of the register, open and closed, in the order received."""
    d = _day(day, "day")
    return _requests(_list(lib.socle_access_engine_rights_register, "socle_rights_requests",
                           self._live(), d, len(d)))


def overdue_rights_requests(self: AccessEngine,
                            day: Optional[Day] = None) -> List[RightsRequest]:
    """The open requests whose deadline is before `day` (None: today), most late first."""
    d = _day(day, "day")
    return _requests(_list(lib.socle_access_engine_overdue_rights_requests,
                           "socle_rights_requests", self._live(), d, len(d)))


def rights_requests_due_within(self: AccessEngine, days: int,
                               day: Optional[Day] = None) -> List[RightsRequest]:
    """The open requests due from `day` (None: today) to `day` + `days` included, soonest
    first."""
    d = _day(day, "day")
    return _requests(_list(lib.socle_access_engine_rights_requests_due_within,
                           "socle_rights_requests", self._live(), d, len(d), days))


# ---------------------------------------------------------------------------------------------
# Breaches


class Breach(NamedTuple):
    """One breach of the register (:meth:`AccessEngine.breach_register`)."""

    breach: str
    aware_at: datetime.datetime
    nature: List[str]
    risk: Any  # BreachRisk
    assessment: str
    unintelligible: bool
    unintelligible_reason: str
    persons_concerned: int
    records_concerned: int
    recorded_by: str
    authority_notification_required: bool
    authority_deadline: datetime.datetime  # aware_at + 72 h
    authority_notified_at: Optional[datetime.datetime]
    authority_notified_late: bool
    delay_reason: str
    authority_reference: str
    person_notification_required: bool
    persons_notified_at: Optional[datetime.datetime]
    persons_notification_means: str
    closed_at: Optional[datetime.datetime]
    revision: int


def _breaches(handle: Any) -> List[Breach]:
    try:
        out = []
        for i in range(lib.socle_breaches_count(handle)):
            out.append(Breach(
                _text(lib.socle_breaches_breach(handle, i)),
                _time(lib.socle_breaches_aware_unix_seconds(handle, i)),
                [_text(lib.socle_breaches_nature(handle, i, w))
                 for w in range(lib.socle_breaches_nature_count(handle, i))],
                _member(BreachRisk, lib.socle_breaches_risk(handle, i)),
                _text(lib.socle_breaches_assessment(handle, i)),
                bool(lib.socle_breaches_unintelligible(handle, i)),
                _text(lib.socle_breaches_unintelligible_reason(handle, i)),
                int(lib.socle_breaches_persons_concerned(handle, i)),
                int(lib.socle_breaches_records_concerned(handle, i)),
                _text(lib.socle_breaches_recorded_by(handle, i)),
                bool(lib.socle_breaches_authority_notification_required(handle, i)),
                _time(lib.socle_breaches_authority_deadline_unix_seconds(handle, i)),
                _time(lib.socle_breaches_authority_notified_unix_seconds(handle, i)),
                bool(lib.socle_breaches_authority_notified_late(handle, i)),
                _text(lib.socle_breaches_delay_reason(handle, i)),
                _text(lib.socle_breaches_authority_reference(handle, i)),
                bool(lib.socle_breaches_person_notification_required(handle, i)),
                _time(lib.socle_breaches_persons_notified_unix_seconds(handle, i)),
                _text(lib.socle_breaches_persons_notification_means(handle, i)),
                _time(lib.socle_breaches_closed_unix_seconds(handle, i)),
                int(lib.socle_breaches_revision(handle, i))))
        return out
    finally:
        lib.socle_breaches_free(handle)


def record_breach(self: AccessEngine, breach: str, aware_at: Time, nature: Sequence[str],
                  risk: Union[int, str], *, assessment: str = "", unintelligible: bool = False,
                  unintelligible_reason: str = "", persons_concerned: int = 0,
                  records_concerned: int = 0, recorded_by: str) -> int:
    """Records the breach `breach` known since `aware_at` (None: now), of `nature` (category
    words such as "confidentiality", "lost_laptop": no personal data), `risk`
    (:class:`BreachRisk` or its name; UNLIKELY needs its `assessment`)."""
    if isinstance(nature, (str, bytes)):
        nature = [nature]
    words = [_text_args((w, "nature"))[0] for w in nature]
    keep = [ffi.new("char[]", w) for w in words]  # alive until the call returns
    items = ffi.new("const char*[]", keep or [ffi.NULL])
    lens = ffi.new("size_t[]", [len(w) for w in words] or [0])
    return self._write(lib.socle_access_engine_record_breach, *_text_args((breach, "breach")),
                       _unix(aware_at), items, lens, len(words),
                       _enum_value(BreachRisk, risk, "risk"),
                       *_text_args((assessment, "assessment")), 1 if unintelligible else 0,
                       *_text_args((unintelligible_reason, "unintelligible_reason")),
                       persons_concerned, records_concerned,
                       *_text_args((recorded_by, "recorded_by")))


def notify_breach_authority(self: AccessEngine, breach: str, *, notified_at: Time = None,
                            delay_reason: str = "", reference: str = "",
                            recorded_by: str) -> int:
    """The authority (the CNIL) was notified at `notified_at` (None: now); `delay_reason` is
    required past the 72 hours."""
    return self._write(lib.socle_access_engine_notify_breach_authority,
                       *_text_args((breach, "breach")), _unix(notified_at),
                       *_text_args((delay_reason, "delay_reason"), (reference, "reference"),
                                   (recorded_by, "recorded_by")))


def notify_breach_persons(self: AccessEngine, breach: str, means: str, *,
                          notified_at: Time = None, recorded_by: str) -> int:
    """The persons were told at `notified_at` (None: now) by `means`."""
    return self._write(lib.socle_access_engine_notify_breach_persons,
                       *_text_args((breach, "breach")), _unix(notified_at),
                       *_text_args((means, "means"), (recorded_by, "recorded_by")))


def close_breach(self: AccessEngine, breach: str, *, recorded_by: str) -> int:
    """Closes the handling of `breach` (it stays in the register)."""
    return self._write(lib.socle_access_engine_close_breach,
                       *_text_args((breach, "breach"), (recorded_by, "recorded_by")))


def breach_register(self: AccessEngine) -> List[Breach]:
    """Every breach, closed or not, in the order recorded."""
    return _breaches(_list(lib.socle_access_engine_breach_register, "socle_breaches",
                           self._live()))


def get_breach(self: AccessEngine, breach: str) -> Breach:
    """The breach `breach` (:class:`NotFoundError` if unknown)."""
    return _breaches(_list(lib.socle_access_engine_get_breach, "socle_breaches", self._live(),
                           *_text_args((breach, "breach"))))[0]


def overdue_breach_notifications(self: AccessEngine, at: Time = None) -> List[Breach]:
    """The breaches whose authority notification is required, not made and late at `at`
    (None: now), most late first."""
    return _breaches(_list(lib.socle_access_engine_overdue_breach_notifications,
                           "socle_breaches", self._live(), _unix(at)))


for _method in (record_contact, record_right, record_follow_up, record_death, retention,
                decide_with_archive_reason, record_rights_request, extend_rights_request,
                close_rights_request, withdraw_rights_request, get_rights_request,
                open_rights_requests, rights_register, overdue_rights_requests,
                rights_requests_due_within, record_breach, notify_breach_authority,
                notify_breach_persons, close_breach, breach_register, get_breach,
                overdue_breach_notifications):
    _method.__qualname__ = f"AccessEngine.{_method.__name__}"
    setattr(AccessEngine, _method.__name__, _method)
