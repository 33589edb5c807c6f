"""Sharing under professional secrecy, prior information and mandates (section "Sharing under
professional secrecy, prior information, mandates" of socle.h; docs/consent-and-sharing.md).
Re-exported by ``socle``.

A share names one legal basis (:class:`SharingBasis`) and is checked against every line of the
sharing checklist; a refusal names the check that failed (:class:`SharingCheck`). This module
adds its methods to the classes of the other sections, as the C ABI does to their handles:

- :meth:`AccessEngine.check_share` decides without recording; :meth:`AccessTrail.share` decides,
  records the grant and writes the outcome, granted or refused, in the person's history (the way
  a product shares); :meth:`AccessEngine.revoke_share`,
  :meth:`AccessEngine.record_person_informed`, :meth:`AccessEngine.record_information_exception`;
- mandates (Aidants Connect): :meth:`AccessEngine.create_mandate`, :meth:`AccessEngine.use_mandate`,
  :meth:`AccessEngine.revoke_mandate`, :meth:`AccessEngine.check_mandate`;
- a sharing entry of a person's history carries a :class:`SharingRecord` in
  :attr:`HistoryEntry.sharing`.

Thread safety: as the engine and the trail. Bad input raises a :class:`socle.Error` subclass and
changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any, Callable, List, NamedTuple, Optional, Sequence, Tuple, Union

from . import _ErrorSlot, _new_object, _text, check
from ._access import AccessEngine, Time, _bytes, _enum, _enum_value, _names, _Strings, _unix
from ._ledger import AccessTrail
from ._native import ffi, lib

__all__ = ["CreatedMandate", "InformChannel", "InformRelation", "InformationException",
           "MANDATE_DURATIONS", "MandateState", "MandateVerdict", "PersonInvolvement",
           "PersonToInform", "ShareRequest", "SharedItem", "SharingBasis", "SharingCheck",
           "SharingInformation", "SharingOutcome", "SharingRecord"]

SharingBasis = _enum("SharingBasis", "SOCLE_SHARING_BASIS_",
                     "The legal bases of a share, a closed list (SOCLE_SHARING_BASIS_*).")
SharingCheck = _enum("SharingCheck", "SOCLE_SHARING_CHECK_",
                     "The check of the sharing checklist that refused a share "
                     "(SOCLE_SHARING_CHECK_*; NONE when granted).")
PersonInvolvement = _enum("PersonInvolvement", "SOCLE_PERSON_INVOLVEMENT_",
                          "Whether the person took part in what was done for them (REQ-61).")
InformationException = _enum("InformationException", "SOCLE_INFORMATION_EXCEPTION_",
                             "Why the person could not be told before a share.")
InformChannel = _enum("InformChannel", "SOCLE_INFORM_CHANNEL_", "How the person was told.")
InformRelation = _enum("InformRelation", "SOCLE_INFORM_RELATION_",
                       "Who is to be told of a share (the person, a parent, the guardian, the "
                       "child).")
SharingInformation = _enum("SharingInformation", "SOCLE_SHARING_INFORMATION_",
                           "The evidence of prior information a recorded share relied on.")
MandateState = _enum("MandateState", "SOCLE_MANDATE_STATE_",
                     "The state of a mandate's authorisation.")
MandateVerdict = _enum("MandateVerdict", "SOCLE_MANDATE_VERDICT_",
                       "Whether a use of a mandate is allowed, or why not.")

#: The durations a mandate may have, in days (a day, a month, a semester, a year).
MANDATE_DURATIONS: Tuple[int, ...] = (lib.SOCLE_MANDATE_DURATION_DAY,
                                      lib.SOCLE_MANDATE_DURATION_MONTH,
                                      lib.SOCLE_MANDATE_DURATION_SEMESTER,
                                      lib.SOCLE_MANDATE_DURATION_YEAR)


def _or_int(cls: Any, value: int) -> Any:
    """The enum member, or the plain int a newer library added."""
    try:
        return cls(value)
    except ValueError:
        return value


def _time(unix_seconds: int) -> Optional[datetime.datetime]:
    if not unix_seconds:
        return None
    return datetime.datetime.fromtimestamp(unix_seconds, datetime.timezone.utc)


# ---------------------------------------------------------------------------------------------
# Requests and answers


@dataclasses.dataclass
class SharedItem:
    """One item of the file to share: the vendor's item id, its data category (a category id of
    the policy) and, optionally, the SHA-256 of the content shared (32 bytes, for the log)."""

    item: str
    category: str
    content_sha256: Optional[bytes] = None


@dataclasses.dataclass
class ShareRequest:
    """A share under professional secrecy (``socle::SharingRequest``). `items` are
    :class:`SharedItem` or ``(item, category)`` pairs; `whole_file` asks for the whole file
    instead (refused unless a sharing rule allows it). `involvement` is required (REQ-61);
    NOT_INFORMED needs `involvement_reason`. `time` None: now by the engine's clock."""

    emitter: str
    recipient: str
    person: str
    basis: Union[int, str]
    purpose: str
    share: str
    items: Sequence[Union[SharedItem, Tuple[str, str]]] = ()
    involvement: Union[int, str] = PersonInvolvement.INFORMED_BEFOREHAND
    involvement_reason: Optional[str] = None
    whole_file: bool = False
    time: Time = None


def _request(request: ShareRequest) -> Any:
    """A ``socle_share_request*`` filled from `request` (released when collected)."""
    if not isinstance(request, ShareRequest):
        raise TypeError(f"request must be a ShareRequest, not {type(request).__name__}")
    handle = _new_object("socle_share_request", lib.socle_share_request_new,
                         lib.socle_share_request_free)
    e, r, p = (_bytes(request.emitter, "emitter"), _bytes(request.recipient, "recipient"),
               _bytes(request.person, "person"))
    purpose, share = _bytes(request.purpose, "purpose"), _bytes(request.share, "share")
    reason = _bytes(request.involvement_reason, "involvement_reason")
    with _ErrorSlot() as slot:
        def call(function: Callable[..., int], *arguments: Any) -> None:
            check(function(handle, *arguments, slot.pointer), slot.error)

        call(lib.socle_share_request_set_parties, e, len(e), r, len(r), p, len(p))
        call(lib.socle_share_request_set_basis, _enum_value(SharingBasis, request.basis, "basis"))
        call(lib.socle_share_request_set_purpose, purpose, len(purpose))
        call(lib.socle_share_request_set_share, share, len(share))
        for entry in request.items:
            item = entry if isinstance(entry, SharedItem) else SharedItem(*entry)
            i, c = _bytes(item.item, "item"), _bytes(item.category, "category")
            h = _bytes(item.content_sha256, "content_sha256")
            call(lib.socle_share_request_add_item, i, len(i), c, len(c), h, len(h))
        call(lib.socle_share_request_set_whole_file, 1 if request.whole_file else 0)
        call(lib.socle_share_request_set_involvement,
             _enum_value(PersonInvolvement, request.involvement, "involvement"), reason,
             len(reason))
        call(lib.socle_share_request_set_time_unix_seconds, _unix(request.time))
    return handle


class PersonToInform(NamedTuple):
    """Someone to tell of a share (REQ-28): the person, a parent, the guardian, the child
    (offered: not `required`); `informed` once their information is recorded."""

    person: str
    relation: Any  # InformRelation
    required: bool
    informed: bool


class SharingOutcome(NamedTuple):
    """The decision on a share: `granted`, or the check that `failed` (:class:`SharingCheck`,
    named by `failed_name`) with a `sentence` for a DPO, and what the sharing log records.
    ``bool(outcome)`` is ``outcome.granted``."""

    granted: bool
    failed: Any  # SharingCheck
    failed_name: str
    sentence: str
    overrides_opposition: bool
    share: str
    emitter: str
    recipient: str
    basis: Any  # SharingBasis
    purpose: str
    whole_file: bool
    items: List[SharedItem]
    categories: List[str]
    information_revisions: List[int]
    exception: Any  # InformationException, or None when none was relied on
    exception_revision: int
    follow_up_open: bool
    consent_revision: int
    persons_to_inform: List[PersonToInform]
    checked_revision: int
    revision: int  # a recorded grant's revision, else 0
    time: Optional[datetime.datetime]

    def __bool__(self) -> bool:
        return self.granted


def _outcome(o: Any) -> SharingOutcome:
    failed = lib.socle_sharing_outcome_failed(o)
    exception = lib.socle_sharing_outcome_exception(o)
    return SharingOutcome(
        granted=lib.socle_sharing_outcome_granted(o) == 1,
        failed=_or_int(SharingCheck, failed),
        failed_name=_text(lib.socle_sharing_check_name(failed)),
        sentence=_text(lib.socle_sharing_outcome_sentence(o)),
        overrides_opposition=lib.socle_sharing_outcome_overrides_opposition(o) == 1,
        share=_text(lib.socle_sharing_outcome_share(o)),
        emitter=_text(lib.socle_sharing_outcome_emitter(o)),
        recipient=_text(lib.socle_sharing_outcome_recipient(o)),
        basis=_or_int(SharingBasis, lib.socle_sharing_outcome_basis(o)),
        purpose=_text(lib.socle_sharing_outcome_purpose(o)),
        whole_file=lib.socle_sharing_outcome_whole_file(o) == 1,
        items=[SharedItem(_text(lib.socle_sharing_outcome_item(o, i)),
                          _text(lib.socle_sharing_outcome_item_category(o, i)))
               for i in range(lib.socle_sharing_outcome_item_count(o))],
        categories=[_text(lib.socle_sharing_outcome_category(o, i))
                    for i in range(lib.socle_sharing_outcome_category_count(o))],
        information_revisions=[int(lib.socle_sharing_outcome_information_revision(o, i))
                               for i in range(
                                   lib.socle_sharing_outcome_information_revision_count(o))],
        exception=_or_int(InformationException, exception) if exception else None,
        exception_revision=int(lib.socle_sharing_outcome_exception_revision(o)),
        follow_up_open=lib.socle_sharing_outcome_follow_up_open(o) == 1,
        consent_revision=int(lib.socle_sharing_outcome_consent_revision(o)),
        persons_to_inform=[
            PersonToInform(
                _text(lib.socle_sharing_outcome_person_to_inform(o, i)),
                _or_int(InformRelation, lib.socle_sharing_outcome_person_to_inform_relation(o, i)),
                lib.socle_sharing_outcome_person_to_inform_required(o, i) == 1,
                lib.socle_sharing_outcome_person_to_inform_informed(o, i) == 1)
            for i in range(lib.socle_sharing_outcome_person_to_inform_count(o))],
        checked_revision=int(lib.socle_sharing_outcome_checked_revision(o)),
        revision=int(lib.socle_sharing_outcome_revision(o)),
        time=_time(lib.socle_sharing_outcome_time_unix_seconds(o)))


def _decide(function: Callable[..., int], *arguments: Any) -> SharingOutcome:
    out = ffi.new("socle_sharing_outcome**")
    with _ErrorSlot() as slot:
        check(function(*arguments, out, slot.pointer), slot.error)
    try:
        return _outcome(out[0])
    finally:
        lib.socle_sharing_outcome_free(out[0])


class SharingRecord(NamedTuple):
    """A sharing entry of a person's history (:attr:`HistoryEntry.sharing`). The entry's
    `actor`, `role` and `structure` are the emitter's, `purpose` the share's, `allowed` whether it
    was granted and `reason` the failed check's name."""

    share: str
    basis: Any  # SharingBasis
    recipient: str
    recipient_role: str
    recipient_structure: str
    items: List[SharedItem]
    information: Any  # SharingInformation
    information_revision: int
    informed_revisions: List[int]  # INFORMED: one PersonInformed event per person to inform
    information_exception: Any  # InformationException, or None
    follow_up_open: bool
    consent_revision: int
    overrides_opposition: bool
    involvement: Any  # PersonInvolvement


def _sharing_record(page: Any, i: int) -> Optional[SharingRecord]:
    """The sharing record of history entry `i` of `page`, or None for another type."""
    if lib.socle_history_entry_type(page, i) != lib.SOCLE_LEDGER_ENTRY_SHARING_DECISION or \
            lib.socle_history_entry_readable(page, i) != 1:
        return None
    exception = lib.socle_history_entry_sharing_information_exception(page, i)
    return SharingRecord(
        share=_text(lib.socle_history_entry_sharing_share(page, i)),
        basis=_or_int(SharingBasis, lib.socle_history_entry_sharing_basis(page, i)),
        recipient=_text(lib.socle_history_entry_sharing_recipient(page, i)),
        recipient_role=_text(lib.socle_history_entry_sharing_recipient_role(page, i)),
        recipient_structure=_text(lib.socle_history_entry_sharing_recipient_structure(page, i)),
        items=[SharedItem(_text(lib.socle_history_entry_sharing_item(page, i, k)),
                          _text(lib.socle_history_entry_sharing_item_category(page, i, k)))
               for k in range(lib.socle_history_entry_sharing_item_count(page, i))],
        information=_or_int(SharingInformation,
                            lib.socle_history_entry_sharing_information(page, i)),
        information_revision=int(lib.socle_history_entry_sharing_information_revision(page, i)),
        informed_revisions=[
            int(lib.socle_history_entry_sharing_informed_revision(page, i, k))
            for k in range(lib.socle_history_entry_sharing_informed_revision_count(page, i))],
        information_exception=_or_int(InformationException, exception) if exception else None,
        follow_up_open=lib.socle_history_entry_sharing_follow_up_open(page, i) == 1,
        consent_revision=int(lib.socle_history_entry_sharing_consent_revision(page, i)),
        overrides_opposition=lib.socle_history_entry_sharing_overrides_opposition(page, i) == 1,
        involvement=_or_int(PersonInvolvement,
                            lib.socle_history_entry_sharing_involvement(page, i)))


class CreatedMandate(NamedTuple):
    """A mandate just created: the state `revision`, the SHA-256 of its attestation (to print on
    it; socle/mandate.hpp gives the encoding) and when it expires."""

    revision: int
    attestation_sha256: bytes
    expires_at: Optional[datetime.datetime]


# ---------------------------------------------------------------------------------------------
# The methods, added to AccessEngine and AccessTrail


def check_share(self: AccessEngine, request: ShareRequest) -> SharingOutcome:
    """Checks `request` against the sharing checklist on the current state, recording nothing.
    An unknown emitter, recipient or person (:class:`NotFoundError`) or a share id already used
    for the person (:class:`AlreadyExistsError`) raise; every other failure is a refused
    :class:`SharingOutcome` naming its check."""
    handle = _request(request)
    try:
        return _decide(lib.socle_access_engine_check_share, self._live(), handle)
    finally:
        ffi.release(handle)


def share(self: AccessTrail, request: ShareRequest) -> SharingOutcome:
    """Shares and records in one call: checks `request` on the trail's engine, records the grant
    when granted, and writes the outcome, granted or refused, in the person's history. Errors as
    :meth:`AccessEngine.check_share`, nothing recorded; if the history entry cannot be written
    the grant is taken back and the error raised."""
    handle = _request(request)
    try:
        return _decide(lib.socle_access_trail_share, self._live(), self._engine._live(), handle)
    finally:
        ffi.release(handle)


def revoke_share(self: AccessEngine, person: str, recipient: str, share: str,
                 recorded_by: str) -> int:
    """Ends one share's grant (the share stays in the person's history); returns the new
    revision. :class:`NotFoundError` when no such share is in force."""
    p, r = _bytes(person, "person"), _bytes(recipient, "recipient")
    s, b = _bytes(share, "share"), _bytes(recorded_by, "recorded_by")
    return self._write(lib.socle_access_engine_revoke_share, p, len(p), r, len(r), s, len(s), b,
                       len(b))


def record_person_informed(self: AccessEngine, person: str, share: str, recipient: str,
                           categories: Sequence[str], recorded_by: str, *,
                           informed: Optional[str] = None,
                           channel: Union[int, str] = InformChannel.IN_PERSON,
                           maturity_assessment: Optional[str] = None) -> int:
    """Records that the person (or `informed`, a representative valid today) was told, before
    share `share`, that `categories` would be shared with `recipient`; returns the revision.
    `maturity_assessment`: for a child told, the professional's assessment."""
    p, i = _bytes(person, "person"), _bytes(informed, "informed")
    s, r = _bytes(share, "share"), _bytes(recipient, "recipient")
    c = _Strings(_names(categories, "categories"))
    m, b = _bytes(maturity_assessment, "maturity_assessment"), _bytes(recorded_by, "recorded_by")
    return self._write(lib.socle_access_engine_record_person_informed, p, len(p), i, len(i), s,
                       len(s), r, len(r), c.pointers, c.lengths, c.count,
                       _enum_value(InformChannel, channel, "channel"), m, len(m), b, len(b))


def record_information_exception(self: AccessEngine, person: str, share: str,
                                 kind: Union[int, str], recorded_by: str,
                                 justification: Optional[str] = None) -> int:
    """Records why the person could not be told before share `share`
    (:class:`InformationException`), decided by `recorded_by`; returns the revision. An urgency
    or impossibility keeps a follow-up open until :meth:`record_person_informed`."""
    p, s = _bytes(person, "person"), _bytes(share, "share")
    j, b = _bytes(justification, "justification"), _bytes(recorded_by, "recorded_by")
    return self._write(lib.socle_access_engine_record_information_exception, p, len(p), s,
                       len(s), _enum_value(InformationException, kind, "kind"), j, len(j), b,
                       len(b))


def create_mandate(self: AccessEngine, mandate: str, person: str, structure: str,
                   procedures: Sequence[str], duration_days: int, template_version: str,
                   aidant: str, involvement: Union[int, str] = PersonInvolvement.PRESENT,
                   involvement_reason: Optional[str] = None) -> CreatedMandate:
    """Creates mandate `mandate` for `person`, held by `structure`, for `procedures` and
    `duration_days` (one of :data:`MANDATE_DURATIONS`: :class:`OutOfRangeError` otherwise),
    created by `aidant`, with the person's involvement."""
    m, p, st = (_bytes(mandate, "mandate"), _bytes(person, "person"),
                _bytes(structure, "structure"))
    procs = _Strings(_names(procedures, "procedures"))
    t, a = _bytes(template_version, "template_version"), _bytes(aidant, "aidant")
    why = _bytes(involvement_reason, "involvement_reason")
    attestation = ffi.new("uint8_t[]", lib.SOCLE_MANDATE_ATTESTATION_BYTES)
    expires = ffi.new("int64_t*")
    revision = ffi.new("uint64_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_access_engine_create_mandate(
            self._live(), m, len(m), p, len(p), st, len(st), procs.pointers, procs.lengths,
            procs.count, int(duration_days), t, len(t), a, len(a),
            _enum_value(PersonInvolvement, involvement, "involvement"), why, len(why),
            attestation, lib.SOCLE_MANDATE_ATTESTATION_BYTES, expires, revision, slot.pointer),
            slot.error)
    return CreatedMandate(int(revision[0]),
                          ffi.buffer(attestation, lib.SOCLE_MANDATE_ATTESTATION_BYTES)[:],
                          _time(expires[0]))


def use_mandate(self: AccessEngine, mandate: str, procedure: str, professional: str,
                involvement: Union[int, str] = PersonInvolvement.PRESENT,
                involvement_reason: Optional[str] = None) -> int:
    """Records that `professional` acted for the person under `mandate` for `procedure`;
    :class:`PermissionDeniedError` (nothing recorded) unless :meth:`check_mandate` allows it."""
    m, p, who = (_bytes(mandate, "mandate"), _bytes(procedure, "procedure"),
                 _bytes(professional, "professional"))
    why = _bytes(involvement_reason, "involvement_reason")
    return self._write(lib.socle_access_engine_use_mandate, m, len(m), p, len(p), who, len(who),
                       _enum_value(PersonInvolvement, involvement, "involvement"), why, len(why))


def revoke_mandate(self: AccessEngine, mandate: str, recorded_by: str,
                   procedures: Sequence[str] = (), *, by_person: bool = False) -> int:
    """Revokes `procedures` of `mandate` (none: every one still in force) at once; `by_person`:
    the person revoked it, otherwise the structure at their request. Returns the revision."""
    m, b = _bytes(mandate, "mandate"), _bytes(recorded_by, "recorded_by")
    procs = _Strings(_names(procedures, "procedures"))
    return self._write(lib.socle_access_engine_revoke_mandate, m, len(m), procs.pointers,
                       procs.lengths, procs.count, 1 if by_person else 0, b, len(b))


def check_mandate(self: AccessEngine, mandate: str, procedure: str, professional: str,
                  time: Time = None) -> Any:
    """Whether `professional` may act under `mandate` for `procedure` (now, or at `time`): a
    :class:`MandateVerdict` (ALLOWED or why not); records nothing. :class:`NotFoundError` for an
    unknown mandate, procedure or professional."""
    m, p, who = (_bytes(mandate, "mandate"), _bytes(procedure, "procedure"),
                 _bytes(professional, "professional"))
    verdict = ffi.new("int32_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_access_engine_check_mandate(self._live(), m, len(m), p, len(p), who,
                                                    len(who), _unix(time), verdict,
                                                    slot.pointer), slot.error)
    return _or_int(MandateVerdict, verdict[0])


for _function in (check_share, revoke_share, record_person_informed, record_information_exception,
                  create_mandate, use_mandate, revoke_mandate, check_mandate):
    setattr(AccessEngine, _function.__name__, _function)
AccessTrail.share = share  # type: ignore[attr-defined]
del _function
