"""Erasure, restriction of processing, rectification and the retention sweep (sections "erasure",
"restriction and rectification" and "retention sweep" of socle.h; ``socle/erasure.hpp``,
``socle/restriction.hpp``, ``socle/rectification.hpp``, ``socle/retention_sweep.hpp`` in C++;
docs/retention-and-rights.md). Re-exported by ``socle``: use ``socle.Erasure``,
``socle.SweepReport``, ``socle.verify_deletion_certificate``…

The writes and the queries are methods of :class:`socle.AccessEngine`, :class:`socle.AccessTrail`
and :class:`socle.Vault` (added here)::

    engine.decide_erasure("usager-1")                     # GDPR art. 17: what may be erased
    trail.erase("usager-1", recorded_by="dpo")             # tombstone, then the key shredded
    engine.restrict("usager-1", "note-1", "accuracy_contested", recorded_by="as1")  # art. 18
    engine.record_rectification("usager-1", "R-1", "note-1", old_sha, new_sha,
                                recorded_by="as1")           # art. 16, the notices of art. 19
    report = trail.retention_sweep(key, "2030-03-17", recorded_by="as1")  # the end of retention
    verify_deletion_certificate(report.certificates[0].certificate,
                                report.certificates[0].signature)

Every write returns the new revision; bad input raises a :class:`socle.Error` subclass naming the
parameter and records nothing; no message names a person. Days are ``datetime.date`` or
"YYYY-MM-DD" (None: today by the engine's clock, in Europe/Paris); times are as elsewhere (None or
0: now). Thread safety: as the engine's (writes serialised, queries on immutable snapshots); run
one sweep at a time per tenant. The returned values are plain immutable Python values: socle's
C objects are freed before the call returns.
"""

from __future__ import annotations

import datetime
import enum
from typing import Any, List, NamedTuple, Optional, Sequence, Tuple, Union

from . import _ErrorSlot, _take, _text, check
from ._access import AccessEngine, Time, _enum, _enum_value, _unix
from ._consent import ConsentChannel, Day, _day, _text_args
from ._ledger import AccessTrail
from ._native import ffi, lib
from ._retention import RetentionEndAction, _date, _member, _time
from ._vault import Vault

__all__ = [
    "DeletionCertificate",
    "Erasure",
    "ErasureAssert",
    "ErasureCategory",
    "ErasureException",
    "RectificationNotice",
    "Restriction",
    "RestrictionGround",
    "SweepReport",
    "SweepToDo",
    "Tombstone",
    "verify_deletion_certificate",
]

ErasureException = _enum(
    "ErasureException", "SOCLE_ERASURE_EXCEPTION_",
    "Why a data category is not erased (SOCLE_ERASURE_EXCEPTION_*; GDPR art. 17(3)): NONE "
    "(erased), LEGAL_OBLIGATION, PUBLIC_TASK, ARCHIVING_PUBLIC_INTEREST, STATISTICS_89, "
    "LEGAL_CLAIMS (a legal hold among them), ALREADY_ERASED.")
ErasureAssert = _enum(
    "ErasureAssert", "SOCLE_ERASURE_ASSERT_",
    "The exceptions of art. 17(3) the controller asserts for every category asked for "
    "(SOCLE_ERASURE_ASSERT_* bit flags).", enum.IntFlag)
RestrictionGround = _enum(
    "RestrictionGround", "SOCLE_RESTRICTION_GROUND_",
    "The ground of a restriction of processing, GDPR art. 18(1) (SOCLE_RESTRICTION_GROUND_*): "
    "ACCURACY_CONTESTED (a), UNLAWFUL_PROCESSING (b), LEGAL_CLAIMS (c), OBJECTION_PENDING (d).")


def _asserted(value: Union[int, str, Sequence[Union[int, str]]]) -> int:
    """SOCLE_ERASURE_ASSERT_* flags from an int, a name or a sequence of either."""
    if isinstance(value, (int, str)):
        value = [value]
    flags = 0
    for v in value:
        flags |= _enum_value(ErasureAssert, v, "asserted")
    return flags


def _strings(values: Optional[Sequence[str]], what: str) -> Tuple[Any, Any, int, list]:
    """(pointers, lengths, count, keep-alive) for a list of strings of the C ABI."""
    if values is None:
        values = []
    if isinstance(values, (str, bytes)):
        values = [values]
    encoded = [_text_args((v, what))[0] for v in values]
    keep = [ffi.new("char[]", v) for v in encoded]
    pointers = ffi.new("const char*[]", keep) if keep else ffi.NULL
    lengths = ffi.new("size_t[]", [len(v) for v in encoded]) if keep else ffi.NULL
    return pointers, lengths, len(encoded), keep


def _sha256(value: Optional[bytes], what: str) -> Tuple[Any, int]:
    if value is None:
        return ffi.NULL, 0
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes (a SHA-256), not {type(value).__name__}")
    data = bytes(value)
    return data, len(data)


# ---------------------------------------------------------------------------------------------
# Erasure (GDPR art. 17)


class ErasureCategory(NamedTuple):
    """The answer for one data category of an erasure request."""

    category: str  # the DataCategory id
    erase: bool  # erased (or to erase)
    exception: Any  # ErasureException; NONE when erased
    rule: str  # the policy element it rests on ("activities[2] (id)", "legal_hold", "request")
    detail: str  # a sentence a DPO can read


class Erasure(NamedTuple):
    """A decision on an erasure (:meth:`AccessEngine.decide_erasure`) and, from
    :meth:`AccessTrail.erase`, what was done."""

    whole: bool  # the request covered the whole file
    all_erased: bool  # every category asked for is erased (now or earlier)
    categories: List[ErasureCategory]
    text: str  # the decision as text, one line per category
    recorded: bool  # (erase) a tombstone was recorded now, at `revision`
    revision: int
    whole_erased: bool  # the whole file is erased (now or earlier)
    key_shredded: bool  # (erase) this call destroyed the person's vault key
    vendor_delete: List[str]  # (erase) the categories whose rows the vendor deletes now


def _erasure(handle: Any) -> Erasure:
    try:
        buffer = ffi.new("socle_buffer*")
        with _ErrorSlot() as slot:
            status = lib.socle_erasure_text(handle, buffer, slot.pointer)
            if status != lib.SOCLE_OK:
                lib.socle_buffer_free(buffer)
                check(status, slot.error)
        text = _take(buffer).decode("utf-8", "replace")
        return Erasure(
            bool(lib.socle_erasure_whole(handle)),
            bool(lib.socle_erasure_all_erased(handle)),
            [ErasureCategory(_text(lib.socle_erasure_category(handle, i)),
                             bool(lib.socle_erasure_category_erase(handle, i)),
                             _member(ErasureException,
                                     lib.socle_erasure_category_exception(handle, i)),
                             _text(lib.socle_erasure_category_rule(handle, i)),
                             _text(lib.socle_erasure_category_detail(handle, i)))
             for i in range(lib.socle_erasure_category_count(handle))],
            text,
            bool(lib.socle_erasure_recorded(handle)),
            int(lib.socle_erasure_revision(handle)),
            bool(lib.socle_erasure_whole_erased(handle)),
            bool(lib.socle_erasure_key_shredded(handle)),
            [_text(lib.socle_erasure_vendor_delete(handle, i))
             for i in range(lib.socle_erasure_vendor_delete_count(handle))])
    finally:
        lib.socle_erasure_free(handle)


class Tombstone(NamedTuple):
    """One erasure recorded (:meth:`AccessEngine.tombstones`): what a restore from backup skips."""

    person: str
    day: Optional[datetime.date]
    categories: List[str]  # empty: the whole file
    rights_request: str
    recorded_by: str
    revision: int


def decide_erasure(self: AccessEngine, person: str, categories: Optional[Sequence[str]] = None,
                   *, asserted: Union[int, str, Sequence[Union[int, str]]] = 0,
                   day: Optional[Day] = None) -> Erasure:
    """Decides the erasure of `person`'s `categories` (DataCategory ids; None or empty: the whole
    file) on `day` (None: today), with the exceptions `asserted` (:class:`ErasureAssert` flags or
    names). Nothing is recorded. :class:`NotFoundError` for a person or a category unknown,
    :class:`FailedPreconditionError` when the whole file was erased already."""
    pointers, lengths, count, keep = _strings(categories, "categories")
    d = _day(day, "day")
    out = ffi.new("socle_erasure**")
    with _ErrorSlot() as slot:
        check(lib.socle_access_engine_decide_erasure(
            self._live(), *_text_args((person, "person")), pointers, lengths, count,
            _asserted(asserted), d, len(d), out, slot.pointer), slot.error)
    del keep
    return _erasure(out[0])


def trail_erase(self: AccessTrail, person: str, categories: Optional[Sequence[str]] = None, *,
                asserted: Union[int, str, Sequence[Union[int, str]]] = 0,
                rights_request: str = "", recorded_by: str) -> Erasure:
    """Decides as :meth:`AccessEngine.decide_erasure` (today) and erases what may be: the
    tombstone is recorded first (`rights_request`: the erasure request it answers), then, for a
    whole file, the person's vault key is shredded through this trail. The answer's
    ``vendor_delete`` lists the categories whose rows the vendor deletes now."""
    pointers, lengths, count, keep = _strings(categories, "categories")
    out = ffi.new("socle_erasure**")
    with _ErrorSlot() as slot:
        check(lib.socle_access_trail_erase(
            self._live(), self._engine._live(), *_text_args((person, "person")), pointers,
            lengths, count, _asserted(asserted),
            *_text_args((rights_request, "rights_request"), (recorded_by, "recorded_by")), out,
            slot.pointer), slot.error)
    del keep
    return _erasure(out[0])


def tombstones(self: AccessEngine, since_revision: int = 0) -> List[Tombstone]:
    """The tombstones recorded after `since_revision` (0: all), in order."""
    buffer = ffi.new("socle_buffer*")
    with _ErrorSlot() as slot:
        status = lib.socle_access_engine_tombstones(self._live(), since_revision, buffer,
                                                    slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(buffer)
            check(status, slot.error)
    out = []
    for line in _take(buffer).decode("utf-8").splitlines():
        person, day, categories, request, recorded_by, revision = line.split("\t")
        out.append(Tombstone(person, datetime.date.fromisoformat(day) if day else None,
                             categories.split(",") if categories else [],
                             request, recorded_by, int(revision)))
    return out


def erased_row(self: AccessEngine, person: str, category: str = "") -> bool:
    """Whether a restore from backup must skip the vendor's row of `person` in `category` (empty:
    the person as a whole); False for an unknown person."""
    erased = ffi.new("int32_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_access_engine_erased_row(
            self._live(), *_text_args((person, "person"), (category, "category")), erased,
            slot.pointer), slot.error)
    return bool(erased[0])


def set_legal_hold(self: AccessEngine, person: str, reason: str, *, reference: str = "",
                   recorded_by: str) -> int:
    """Holds `person`'s file for legal claims (art. 17(3)(e)): no erasure proceeds while it
    stands. `reason` is required."""
    return self._write(lib.socle_access_engine_set_legal_hold,
                       *_text_args((person, "person"), (reason, "reason"),
                                   (reference, "reference"), (recorded_by, "recorded_by")))


def lift_legal_hold(self: AccessEngine, person: str, *, recorded_by: str) -> int:
    """Lifts the hold (:class:`FailedPreconditionError` when none stands)."""
    return self._write(lib.socle_access_engine_lift_legal_hold,
                       *_text_args((person, "person"), (recorded_by, "recorded_by")))


def reapply_tombstones(self: Vault, engine: AccessEngine) -> int:
    """After restoring this vault's database from a backup: shreds again the key of every person
    whose whole file `engine` has a tombstone for. Returns the number of keys shredded."""
    shredded = ffi.new("uint64_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_vault_reapply_tombstones(self._live(), engine._live(), shredded,
                                                 slot.pointer), slot.error)
    return int(shredded[0])


# ---------------------------------------------------------------------------------------------
# Restriction (GDPR art. 18)


def restrict(self: AccessEngine, person: str, item: str = "",
             ground: Union[int, str] = 0, *, rights_request: str = "",
             recorded_by: str) -> int:
    """Restricts `person`'s whole file (`item` empty) or one item on `ground`
    (:class:`RestrictionGround` or its name): decisions on it are then denied
    (``Reason.RESTRICTED``) unless the request gives a :class:`RestrictionJustification`.
    :class:`AlreadyExistsError` when one is in force on the same item."""
    return self._write(lib.socle_access_engine_restrict,
                       *_text_args((person, "person"), (item, "item")),
                       _enum_value(RestrictionGround, ground, "ground"),
                       *_text_args((rights_request, "rights_request"),
                                   (recorded_by, "recorded_by")))


def notify_restriction_lift(self: AccessEngine, person: str, item: str = "", *,
                            notified_at: Time = None,
                            channel: Union[int, str] = lib.SOCLE_CONSENT_CHANNEL_IN_PERSON,
                            recorded_by: str) -> int:
    """Records that the person was told at `notified_at` (None: now), through `channel`
    (:class:`ConsentChannel` or its name), that the restriction on `item` is going to be lifted
    (art. 18(3))."""
    return self._write(lib.socle_access_engine_notify_restriction_lift,
                       *_text_args((person, "person"), (item, "item")), _unix(notified_at),
                       _enum_value(ConsentChannel, channel, "channel"),
                       *_text_args((recorded_by, "recorded_by")))


def lift_restriction(self: AccessEngine, person: str, item: str = "", *,
                     recorded_by: str) -> int:
    """Lifts the restriction on `item`. :class:`FailedPreconditionError` when none is in force
    or when the person was not told beforehand."""
    return self._write(lib.socle_access_engine_lift_restriction,
                       *_text_args((person, "person"), (item, "item"),
                                   (recorded_by, "recorded_by")))


def restricted(self: AccessEngine, person: str, item: str = "") -> Any:
    """The :class:`RestrictionGround` of the restriction in force covering a request on `item`
    (empty: a request naming no item), or None when none covers it."""
    out = ffi.new("int32_t*")
    ground = ffi.new("int32_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_access_engine_restricted(
            self._live(), *_text_args((person, "person"), (item, "item")), out, ground,
            slot.pointer), slot.error)
    return _member(RestrictionGround, ground[0]) if out[0] else None


class Restriction(NamedTuple):
    """A restriction of processing of the person's file (`item` empty) or of one item."""

    item: str
    ground: Any  # RestrictionGround
    in_force: bool
    set_at: Optional[datetime.datetime]
    notified_at: Optional[datetime.datetime]  # the prior notice of the lift, once recorded
    lifted_at: Optional[datetime.datetime]
    rights_request: str


def restrictions(self: AccessEngine, person: str, include_lifted: bool = True) -> List[Restriction]:
    """The person's restrictions in the order set: those in force, and the lifted ones too
    when `include_lifted`."""
    buffer = ffi.new("socle_buffer*")
    count = ffi.new("size_t*")
    with _ErrorSlot() as slot:
        status = lib.socle_access_engine_restrictions(
            self._live(), *_text_args((person, "person")), 1 if include_lifted else 0, buffer,
            count, slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(buffer)
            check(status, slot.error)
    out = []
    for line in _take(buffer).decode("utf-8").splitlines():
        item, ground, in_force, set_at, notified, lifted, request = line.split("\t")
        out.append(Restriction(item, _member(RestrictionGround, int(ground)), in_force == "1",
                               _time(int(set_at)), _time(int(notified)), _time(int(lifted)),
                               request))
    return out


# ---------------------------------------------------------------------------------------------
# Rectification (GDPR art. 16 and 19)


class RectificationNotice(NamedTuple):
    """A notice of a rectification still to send to a recipient of the item (art. 19)."""

    rectification: str
    item: str
    recipient: str
    queued_at: Optional[datetime.datetime]


def record_rectification(self: AccessEngine, person: str, rectification: str, item: str,
                         previous_sha256: bytes, new_sha256: bytes, *, category: str = "",
                         contested: bool = False, statement_sha256: Optional[bytes] = None,
                         rights_request: str = "", recorded_by: str) -> int:
    """Records a new version of `item` (socle holds no content: the 32-byte SHA-256 of the
    version replaced, which must be the current one, and of the new one). `contested`: the
    person still contests its accuracy; `statement_sha256`: their statement. One notice is
    queued per professional the item was shared with."""
    previous = _sha256(previous_sha256, "previous_sha256")
    new = _sha256(new_sha256, "new_sha256")
    statement = _sha256(statement_sha256, "statement_sha256")
    return self._write(lib.socle_access_engine_record_rectification,
                       *_text_args((person, "person"), (rectification, "rectification"),
                                   (item, "item"), (category, "category")),
                       *previous, *new, 1 if contested else 0, *statement,
                       *_text_args((rights_request, "rights_request"),
                                   (recorded_by, "recorded_by")))


def record_person_statement(self: AccessEngine, person: str, rectification: str, item: str,
                            statement_sha256: bytes, *, category: str = "",
                            rights_request: str = "", recorded_by: str) -> int:
    """Attaches the person's statement (its SHA-256; the text stays with you) to a contested
    item (:class:`FailedPreconditionError` when the item is not contested)."""
    return self._write(lib.socle_access_engine_record_person_statement,
                       *_text_args((person, "person"), (rectification, "rectification"),
                                   (item, "item"), (category, "category")),
                       *_sha256(statement_sha256, "statement_sha256"),
                       *_text_args((rights_request, "rights_request"),
                                   (recorded_by, "recorded_by")))


def record_rectification_notified(self: AccessEngine, person: str, rectification: str,
                                  recipient: str, *, notified_at: Time = None,
                                  channel: Union[int, str] = lib.SOCLE_CONSENT_CHANNEL_IN_PERSON,
                                  recorded_by: str) -> int:
    """Records that `recipient` was told of `rectification` at `notified_at` (None: now)."""
    return self._write(lib.socle_access_engine_record_rectification_notified,
                       *_text_args((person, "person"), (rectification, "rectification"),
                                   (recipient, "recipient")), _unix(notified_at),
                       _enum_value(ConsentChannel, channel, "channel"),
                       *_text_args((recorded_by, "recorded_by")))


def pending_rectification_notices(self: AccessEngine, person: str) -> List[RectificationNotice]:
    """The person's rectification notices still to send, oldest first (art. 19)."""
    buffer = ffi.new("socle_buffer*")
    count = ffi.new("size_t*")
    with _ErrorSlot() as slot:
        status = lib.socle_access_engine_pending_rectification_notices(
            self._live(), *_text_args((person, "person")), buffer, count, slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(buffer)
            check(status, slot.error)
    out = []
    for line in _take(buffer).decode("utf-8").splitlines():
        rectification, item, recipient, queued = line.split("\t")
        out.append(RectificationNotice(rectification, item, recipient, _time(int(queued))))
    return out


def current_item_version(self: AccessEngine, person: str, item: str) -> Optional[bytes]:
    """The SHA-256 of `item`'s current version (the new one of its last rectification), or None
    when it was never rectified."""
    out = ffi.new("uint8_t[32]")
    known = ffi.new("int32_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_access_engine_current_item_version(
            self._live(), *_text_args((person, "person"), (item, "item")), out, 32, known,
            slot.pointer), slot.error)
    return bytes(ffi.buffer(out, 32)) if known[0] else None


# ---------------------------------------------------------------------------------------------
# The retention sweep (REQ-36)


class SweepToDo(NamedTuple):
    """One row of the vendor's to-do list: the rows of `category` of `person` to delete,
    anonymise or transfer to the archives service (`action`)."""

    person: str
    category: str
    action: Any  # RetentionEndAction
    rule: str  # "activities[i].retention[j]" of the policy
    visa: str  # the elimination visa that released it, or ""


class DeletionCertificate(NamedTuple):
    """A signed certificate of one (category, rule, end action) of a sweep: no person, no
    content. `certificate` is a socle.v1.DeletionCertificate, `signature` its 64-byte Ed25519
    signature (:func:`verify_deletion_certificate`)."""

    category: str
    count: int  # the (person, category) items it counts
    end_action: Any  # RetentionEndAction
    visa: str
    certificate: bytes
    signature: bytes


class SweepReport(NamedTuple):
    """What a sweep did (:meth:`AccessTrail.retention_sweep`) or would do
    (:meth:`AccessEngine.plan_retention_sweep`: no certificate)."""

    day: Optional[datetime.date]
    resumed: bool  # a sweep of the same day had begun and this call finished it
    purged: int  # (person, category) items purged (planned)
    shredded: int  # persons crypto-shredded
    awaiting_visa: int  # items still awaiting an elimination visa
    changes: int  # (person, category) whose phase changed since the previous sweep's day
    todo: List[SweepToDo]
    certificates: List[DeletionCertificate]


def _report(handle: Any) -> SweepReport:
    try:
        certificates = []
        for i in range(lib.socle_sweep_report_certificate_count(handle)):
            data = ffi.new("socle_buffer*")
            signature = ffi.new("socle_buffer*")
            with _ErrorSlot() as slot:
                status = lib.socle_sweep_report_certificate_bytes(handle, i, data, signature,
                                                                  slot.pointer)
                if status != lib.SOCLE_OK:
                    lib.socle_buffer_free(data)
                    lib.socle_buffer_free(signature)
                    check(status, slot.error)
            certificates.append(DeletionCertificate(
                _text(lib.socle_sweep_report_certificate_category(handle, i)),
                int(lib.socle_sweep_report_certificate_count_of(handle, i)),
                _member(RetentionEndAction,
                        lib.socle_sweep_report_certificate_end_action(handle, i)),
                _text(lib.socle_sweep_report_certificate_visa(handle, i)), _take(data),
                _take(signature)))
        return SweepReport(
            _date(lib.socle_sweep_report_day(handle)),
            bool(lib.socle_sweep_report_resumed(handle)),
            int(lib.socle_sweep_report_purged(handle)),
            int(lib.socle_sweep_report_shredded(handle)),
            int(lib.socle_sweep_report_awaiting_visa(handle)),
            int(lib.socle_sweep_report_change_count(handle)),
            [SweepToDo(_text(lib.socle_sweep_report_todo_person(handle, i)),
                       _text(lib.socle_sweep_report_todo_category(handle, i)),
                       _member(RetentionEndAction, lib.socle_sweep_report_todo_action(handle, i)),
                       _text(lib.socle_sweep_report_todo_rule(handle, i)),
                       _text(lib.socle_sweep_report_todo_visa(handle, i)))
             for i in range(lib.socle_sweep_report_todo_count(handle))],
            certificates)
    finally:
        lib.socle_sweep_report_free(handle)


def plan_retention_sweep(self: AccessEngine, day: Optional[Day] = None) -> SweepReport:
    """The plan of a sweep on `day` (None: today), a dry run: the same to-do list and counts,
    nothing recorded, nothing shredded, no certificate. Any day may be planned."""
    d = _day(day, "day")
    out = ffi.new("socle_sweep_report**")
    with _ErrorSlot() as slot:
        check(lib.socle_access_engine_plan_retention_sweep(self._live(), d, len(d), out,
                                                           slot.pointer), slot.error)
    return _report(out[0])


def trail_retention_sweep(self: AccessTrail, key: Any, day: Day, *,
                          batch_size: int = 1000, recorded_by: str) -> SweepReport:
    """Runs the retention sweep on `day` (no later than the engine's today): purges in batches of
    `batch_size` persons (1 to 10000) what is due on the trail's engine, crypto-shreds through
    this trail the persons whose every category with a rule is purged, and issues one
    certificate per (category, rule, end action) signed with `key` (an
    :class:`ExportSigningKey`) and recorded in the trail. A sweep that failed halfway is
    finished by the next call: nothing is purged or certified twice."""
    d = _day(day, "day")
    out = ffi.new("socle_sweep_report**")
    with _ErrorSlot() as slot:
        check(lib.socle_access_trail_retention_sweep(
            self._live(), self._engine._live(), key._live(), d, len(d), batch_size,
            *_text_args((recorded_by, "recorded_by")), out, slot.pointer), slot.error)
    return _report(out[0])


def verify_deletion_certificate(certificate: bytes, signature: bytes) -> None:
    """Checks that `signature` is the signature of `certificate` by the signer key it names
    (:class:`VerificationFailedError` otherwise). Compare that key with the tenant's export key
    too."""
    c, s = bytes(certificate), bytes(signature)
    with _ErrorSlot() as slot:
        check(lib.socle_deletion_certificate_verify(c, len(c), s, len(s), slot.pointer),
              slot.error)


def record_elimination_visa(self: AccessEngine, reference: str, category: str, through: Day, *,
                            recorded_by: str) -> int:
    """Records the archives service's elimination visa `reference` (unique) for `category`:
    items awaiting a visa since `through` or before are purged at the next sweep (Code du
    patrimoine R212-14)."""
    t = _day(through, "through")
    return self._write(lib.socle_access_engine_record_elimination_visa,
                       *_text_args((reference, "reference"), (category, "category")), t, len(t),
                       *_text_args((recorded_by, "recorded_by")))


for _method in (decide_erasure, tombstones, erased_row, set_legal_hold, lift_legal_hold,
                restrict, notify_restriction_lift, lift_restriction, restricted, restrictions,
                record_rectification, record_person_statement, record_rectification_notified,
                pending_rectification_notices, current_item_version, plan_retention_sweep,
                record_elimination_visa):
    _method.__qualname__ = f"AccessEngine.{_method.__name__}"
    setattr(AccessEngine, _method.__name__, _method)

for _name, _method in (("erase", trail_erase), ("retention_sweep", trail_retention_sweep)):
    _method.__name__ = _name
    _method.__qualname__ = f"AccessTrail.{_name}"
    setattr(AccessTrail, _name, _method)

reapply_tombstones.__qualname__ = "Vault.reapply_tombstones"
setattr(Vault, "reapply_tombstones", reapply_tombstones)
