"""Representatives, consents, objections and consent receipts (section "consent" of socle.h;
``socle/representation.hpp``, ``socle/consent.hpp``, ``socle/consent_receipt.hpp`` in C++;
docs/consent-and-sharing.md). Re-exported by ``socle``: use ``socle.ConsentSpec``,
``socle.ConsentState``…

The writes and the query are methods of :class:`socle.AccessEngine` (added here)::

    engine.set_representative("enzo", "mere", socle.RepresentationKind.PARENTAL_AUTHORITY,
                               "2026-03-02", reference="livret de famille", recorded_by="as1")
    revision = engine.give_consent(socle.ConsentSpec(
        person="enzo", purpose="atelier", given_by=["enzo", "mere", "pere"],
        information_version="notice-v3", information_sha256=hashlib.sha256(notice).digest(),
        channel="paper", evidence_reference="formulaire 117", recorded_by="as1"))
    engine.consent_status("enzo", "atelier").state      # ConsentState.VALID

and the receipts are methods of :class:`socle.Ledger` (the state ledger of an engine of record):
:meth:`Ledger.issue_consent_receipt`, :meth:`Ledger.consent_receipt_verifier_key`, with
:func:`verify_consent_receipt` for whoever checks one.

Every write returns the new revision; bad input raises a :class:`socle.Error` subclass naming
the parameter and records nothing. Thread safety: as the engine's (writes serialised, queries on
immutable snapshots); a :class:`ConsentSpec` is a plain value.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any, Dict, NamedTuple, Optional, Sequence, Union

from . import Policy, _ErrorSlot, _take, check
from ._access import (AccessEngine, Time, _bytes, _enum, _enum_value, _names, _unix)
from ._ledger import Ledger
from ._native import ffi, lib

__all__ = [
    "ConsentChannel",
    "ConsentScope",
    "ConsentSpec",
    "ConsentState",
    "ConsentStatus",
    "ObjectionKind",
    "ObjectionOutcome",
    "RepresentationKind",
    "VerifiedConsentReceipt",
    "verify_consent_receipt",
]

RepresentationKind = _enum(
    "RepresentationKind", "SOCLE_REPRESENTATION_",
    "A kind of legal representation (SOCLE_REPRESENTATION_*): parental authority, guardianship "
    "(tutelle), curatorship (curatelle), family authorisation, proxy (mandat de protection "
    "future).")
ConsentScope = _enum(
    "ConsentScope", "SOCLE_CONSENT_SCOPE_",
    "What a consent is for (SOCLE_CONSENT_SCOPE_*): PROCESSING (the activity rests on consent) "
    "or SHARING (outside the care team, CSP L.1110-4 III).")
ConsentChannel = _enum("ConsentChannel", "SOCLE_CONSENT_CHANNEL_",
                       "How a consent was given or withdrawn (SOCLE_CONSENT_CHANNEL_*).")
ConsentState = _enum(
    "ConsentState", "SOCLE_CONSENT_STATE_",
    "Whether a consent is valid, and why not (SOCLE_CONSENT_STATE_*); the stable names are the "
    "lower-case member names (``socle_consent_state_name``).")
ObjectionKind = _enum(
    "ObjectionKind", "SOCLE_OBJECTION_KIND_",
    "What an objection is to (SOCLE_OBJECTION_KIND_*): PROCESSING (GDPR art. 21, one activity) "
    "or SHARING (CSP L.1110-4 IV, every share).")
ObjectionOutcome = _enum("ObjectionOutcome", "SOCLE_OBJECTION_OUTCOME_",
                         "The controller's decision on an objection (SOCLE_OBJECTION_OUTCOME_*).")

Day = Union[str, datetime.date]


def _day(value: Optional[Day], what: str) -> bytes:
    """A day as "YYYY-MM-DD" bytes (b"" for None); socle checks the text."""
    if value is None:
        return b""
    if isinstance(value, datetime.datetime):
        raise TypeError(f"{what} must be a date or 'YYYY-MM-DD', not a datetime")
    if isinstance(value, datetime.date):
        return value.isoformat().encode("ascii")
    return _bytes(value, what)


@dataclasses.dataclass
class ConsentSpec:
    """What a consent records (``socle_consent_spec``; ``socle::ConsentSpec``): ONE purpose (an
    activity of the policy), one scope, who gave it (the person and/or representatives in force
    on the day; under 15, the person and every holder of parental authority), the information
    text shown (its version and its 32-byte SHA-256), the channel and the evidence. `expires_at`
    0 (or None): until withdrawn; `categories` empty: the purpose's. SHARING consents name who may
    receive (`recipients`: professionals, `recipient_roles`: roles of the policy) and what the
    person was shown (`supports`, `security_measures`)."""

    person: str
    purpose: str
    given_by: Sequence[str]
    information_version: str
    information_sha256: bytes
    recorded_by: str  # the professional who records it
    scope: Union[int, str] = lib.SOCLE_CONSENT_SCOPE_PROCESSING
    channel: Union[int, str] = lib.SOCLE_CONSENT_CHANNEL_IN_PERSON
    evidence_reference: str = ""
    expires_at: Time = 0
    categories: Sequence[str] = ()
    recipients: Sequence[str] = ()
    recipient_roles: Sequence[str] = ()
    supports: str = ""
    security_measures: str = ""
    notice_language: str = "fr"  # BCP 47 tag of the information notice shown

    def _handle(self) -> Any:
        """A filled ``socle_consent_spec``, freed when garbage-collected."""
        out = ffi.new("socle_consent_spec**")
        with _ErrorSlot() as slot:
            check(lib.socle_consent_spec_new(out, slot.pointer), slot.error)
        spec = ffi.gc(out[0], lib.socle_consent_spec_free)

        def call(function: Any, *arguments: Any) -> None:
            with _ErrorSlot() as slot:
                check(function(spec, *arguments, slot.pointer), slot.error)

        def text(function: Any, value: Any, what: str) -> None:
            b = _bytes(value, what)
            call(function, b, len(b))

        text(lib.socle_consent_spec_set_person, self.person, "person")
        text(lib.socle_consent_spec_set_purpose, self.purpose, "purpose")
        call(lib.socle_consent_spec_set_scope, _enum_value(ConsentScope, self.scope, "scope"))
        version = _bytes(self.information_version, "information_version")
        digest = _bytes(self.information_sha256, "information_sha256")
        call(lib.socle_consent_spec_set_information, version, len(version), digest, len(digest))
        call(lib.socle_consent_spec_set_channel,
             _enum_value(ConsentChannel, self.channel, "channel"))
        text(lib.socle_consent_spec_set_evidence_reference, self.evidence_reference,
             "evidence_reference")
        text(lib.socle_consent_spec_set_notice_language, self.notice_language, "notice_language")
        call(lib.socle_consent_spec_set_expires_unix_seconds, _unix(self.expires_at))
        text(lib.socle_consent_spec_set_supports, self.supports, "supports")
        text(lib.socle_consent_spec_set_security_measures, self.security_measures,
             "security_measures")
        text(lib.socle_consent_spec_set_recorded_by, self.recorded_by, "recorded_by")
        for function, values, what in (
                (lib.socle_consent_spec_add_given_by, self.given_by, "given_by"),
                (lib.socle_consent_spec_add_category, self.categories, "categories"),
                (lib.socle_consent_spec_add_recipient, self.recipients, "recipients"),
                (lib.socle_consent_spec_add_recipient_role, self.recipient_roles,
                 "recipient_roles")):
            for value in _names(values, what):
                call(function, value, len(value))
        return spec


class ConsentStatus(NamedTuple):
    """Whether a consent is valid (:meth:`AccessEngine.consent_status`): its `state`, and the
    `revision` of the consent the answer rests on (0 when none was given)."""

    state: Any  # ConsentState
    revision: int

    @property
    def valid(self) -> bool:
        return self.state == ConsentState.VALID

    def __bool__(self) -> bool:
        return self.valid

    @property
    def name(self) -> str:
        """The stable name of the state ("valid", "incomplete_for_minor"…)."""
        return ffi.string(lib.socle_consent_state_name(int(self.state))).decode("ascii")


class VerifiedConsentReceipt(NamedTuple):
    """A receipt :func:`verify_consent_receipt` checked: the state ledger entry it proves and
    its JSON-LD document (ISO/IEC TS 27560 with the W3C DPV)."""

    index: int
    json: str

    @property
    def document(self) -> Dict[str, Any]:
        return json.loads(self.json)


# ---------------------------------------------------------------------------------------------
# The methods of AccessEngine


def _text_args(*pairs: Any) -> list:
    """(value, what) pairs as the C ABI's (pointer, length) arguments, in order."""
    out: list = []
    for value, what in pairs:
        b = _bytes(value, what)
        out += [b, len(b)]
    return out


def set_representative(self: AccessEngine, person: str, representative: str,
                       kind: Union[int, str], from_day: Day, to_day: Optional[Day] = None, *,
                       recorded_by: str, reference: str = "") -> int:
    """Records that `representative` (a person of the directory) represents `person` as `kind`
    (:class:`RepresentationKind` or its name) from `from_day` to `to_day` (None: until ended).
    Parental authority needs the person's birth date and ends the day before their 18th
    birthday. Returns the new revision."""
    k = _enum_value(RepresentationKind, kind, "kind")
    start, end = _day(from_day, "from_day"), _day(to_day, "to_day")
    return self._write(lib.socle_access_engine_set_representative,
                       *_text_args((person, "person"), (representative, "representative")), k,
                       start, len(start), end, len(end),
                       *_text_args((reference, "reference"), (recorded_by, "recorded_by")))


def end_representative(self: AccessEngine, person: str, representative: str,
                       kind: Union[int, str], last_day: Day, recorded_by: str) -> int:
    """Ends the representation of `kind` by `representative` on `last_day`
    (:class:`NotFoundError` when none runs past it)."""
    k = _enum_value(RepresentationKind, kind, "kind")
    day = _day(last_day, "last_day")
    return self._write(lib.socle_access_engine_end_representative,
                       *_text_args((person, "person"), (representative, "representative")), k,
                       day, len(day), *_text_args((recorded_by, "recorded_by")))


def give_consent(self: AccessEngine, spec: ConsentSpec) -> int:
    """Records the consent `spec` describes; returns the new revision. A new grant for the same
    purpose and scope replaces the previous one."""
    if not isinstance(spec, ConsentSpec):
        raise TypeError(f"give_consent needs a socle.ConsentSpec, not {type(spec).__name__}")
    return self._write(lib.socle_access_engine_give_consent, spec._handle())


def withdraw_consent(self: AccessEngine, person: str, purpose: str, withdrawn_by: str, *,
                     scope: Union[int, str] = lib.SOCLE_CONSENT_SCOPE_PROCESSING,
                     channel: Union[int, str] = lib.SOCLE_CONSENT_CHANNEL_IN_PERSON,
                     recorded_by: str) -> int:
    """Withdraws the consent in force for (person, purpose, scope): `withdrawn_by` is the person
    or a representative in force. :class:`NotFoundError` when none is in force."""
    return self._write(lib.socle_access_engine_withdraw_consent,
                       *_text_args((person, "person"), (purpose, "purpose")),
                       _enum_value(ConsentScope, scope, "scope"),
                       *_text_args((withdrawn_by, "withdrawn_by")),
                       _enum_value(ConsentChannel, channel, "channel"),
                       *_text_args((recorded_by, "recorded_by")))


def consent_status(self: AccessEngine, person: str, purpose: str, *,
                   scope: Union[int, str] = lib.SOCLE_CONSENT_SCOPE_PROCESSING, at: Time = None,
                   category: Optional[str] = None,
                   recipient: Optional[str] = None) -> ConsentStatus:
    """Whether `person` has a valid consent of `scope` for `purpose` at `at` (None: now by the
    engine's clock), covering `category` and (SHARING) `recipient` when given, and why not."""
    state = ffi.new("int32_t*")
    revision = ffi.new("uint64_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_access_engine_consent_status(
            self._live(), *_text_args((person, "person"), (purpose, "purpose")),
            _enum_value(ConsentScope, scope, "scope"), _unix(at),
            *_text_args((category, "category"), (recipient, "recipient")), state, revision,
            slot.pointer), slot.error)
    return ConsentStatus(ConsentState(state[0]), int(revision[0]))


def record_objection(self: AccessEngine, person: str, purpose: Optional[str] = None, *,
                     objected_by: str, kind: Union[int, str] = lib.SOCLE_OBJECTION_KIND_PROCESSING,
                     recorded_by: str, informed_evidence: str = "") -> int:
    """Records an objection: PROCESSING to the activity `purpose` (suspended for the person until
    decided), SHARING to every share (no purpose; `informed_evidence` required).
    :class:`AlreadyExistsError` while one stands."""
    return self._write(lib.socle_access_engine_record_objection,
                       *_text_args((person, "person")),
                       _enum_value(ObjectionKind, kind, "kind"),
                       *_text_args((purpose, "purpose"), (objected_by, "objected_by"),
                                   (informed_evidence, "informed_evidence"),
                                   (recorded_by, "recorded_by")))


def decide_objection(self: AccessEngine, person: str, purpose: str, outcome: Union[int, str],
                     justification: str, recorded_by: str) -> int:
    """The controller's decision on the pending objection to `purpose`: UPHELD (the processing
    stops), COMPELLING_LEGITIMATE_GROUNDS or LEGAL_CLAIMS (it resumes), with its justification."""
    return self._write(lib.socle_access_engine_decide_objection,
                       *_text_args((person, "person"), (purpose, "purpose")),
                       _enum_value(ObjectionOutcome, outcome, "outcome"),
                       *_text_args((justification, "justification"),
                                   (recorded_by, "recorded_by")))


def withdraw_objection(self: AccessEngine, person: str, purpose: Optional[str] = None, *,
                       kind: Union[int, str] = lib.SOCLE_OBJECTION_KIND_PROCESSING,
                       recorded_by: str) -> int:
    """The person withdraws a standing objection (no purpose for SHARING)."""
    return self._write(lib.socle_access_engine_withdraw_objection,
                       *_text_args((person, "person")),
                       _enum_value(ObjectionKind, kind, "kind"),
                       *_text_args((purpose, "purpose"), (recorded_by, "recorded_by")))


for _method in (set_representative, end_representative, give_consent, withdraw_consent,
                consent_status, record_objection, decide_objection, withdraw_objection):
    _method.__qualname__ = f"AccessEngine.{_method.__name__}"
    setattr(AccessEngine, _method.__name__, _method)


# ---------------------------------------------------------------------------------------------
# Receipts: methods of Ledger (the state ledger), and the check anyone can run


def _buffer_call(function: Any, *arguments: Any) -> bytes:
    buffer = ffi.new("socle_buffer*")
    try:
        with _ErrorSlot() as slot:
            check(function(*arguments, buffer, slot.pointer), slot.error)
    except BaseException:
        lib.socle_buffer_free(buffer)
        raise
    return _take(buffer)


def issue_consent_receipt(self: Ledger, policy: Policy, index: int) -> str:
    """The receipt of the consent event at entry `index` of this state ledger (the event of
    revision r is entry r - 1): a C2SP signed note whose text is the JSON-LD document, carrying
    the entry, its inclusion proof and a checkpoint. `policy` is the policy the events were
    recorded under."""
    if not isinstance(policy, Policy):
        raise TypeError(f"issue_consent_receipt needs a socle.Policy, not {type(policy).__name__}")
    return _buffer_call(lib.socle_ledger_issue_consent_receipt, self._live(), policy._live(),
                        int(index)).decode("utf-8")


def consent_receipt_verifier_key(self: Ledger) -> str:
    """The verifier key of the receipts issued from this state ledger (public)."""
    return _buffer_call(lib.socle_ledger_consent_receipt_verifier_key,
                        self._live()).decode("utf-8")


for _method in (issue_consent_receipt, consent_receipt_verifier_key):
    _method.__qualname__ = f"Ledger.{_method.__name__}"
    setattr(Ledger, _method.__name__, _method)
del _method


def verify_consent_receipt(receipt: Union[str, bytes], receipts_verifier_key: str,
                           checkpoint_verifier_key: str) -> VerifiedConsentReceipt:
    """Checks a receipt with the receipts verifier key
    (:meth:`Ledger.consent_receipt_verifier_key`) and the state ledger's checkpoint verifier key
    (:attr:`Ledger.verifier_key`): both signatures, the inclusion proof, and the JSON-LD fields
    against the entry's event. :class:`VerificationFailedError` on any failure."""
    index = ffi.new("uint64_t*")
    buffer = ffi.new("socle_buffer*")
    try:
        with _ErrorSlot() as slot:
            check(lib.socle_consent_receipt_verify(
                *_text_args((receipt, "receipt"),
                            (receipts_verifier_key, "receipts_verifier_key"),
                            (checkpoint_verifier_key, "checkpoint_verifier_key")),
                buffer, index, slot.pointer), slot.error)
    except BaseException:
        lib.socle_buffer_free(buffer)
        raise
    return VerifiedConsentReceipt(int(index[0]), _take(buffer).decode("utf-8"))
