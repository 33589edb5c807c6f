"""The access decision engine (``socle_access_engine``, section "Access decisions" of socle.h;
``socle::AccessEngine`` in C++).

Imported by ``socle/__init__.py``, which re-exports the public names; use them as
``socle.AccessEngine``, ``socle.Reason``… See docs/access-rules.md for the rules, reason codes and
obligations.
"""

from __future__ import annotations

import array
import datetime
import enum
import json
import os
from typing import (Any, Callable, Dict, Iterable, Iterator, List, NamedTuple, Optional,
                    Sequence, Tuple, Union)

from . import (Error, IoError, InvalidArgumentError, OutOfRangeError, Policy, Text,
               _c_string, _ErrorSlot, _Handle, _take, _text, check)
from ._native import ffi, lib

__all__ = [
    "AccessEngine",
    "Action",
    "Audience",
    "BreakGlassSession",
    "Decision",
    "Decisions",
    "Effect",
    "EntryKind",
    "Explanation",
    "ExplanationStep",
    "FollowerStatus",
    "ItemIds",
    "NO_ID",
    "Obligation",
    "Reason",
    "RestrictionJustification",
    "Secrecy",
    "View",
]

#: "No id": a request without author, a person without referent (``SOCLE_NO_ID``).
NO_ID: int = lib.SOCLE_NO_ID


# ---------------------------------------------------------------------------------------------
# Enumerations, generated from the SOCLE_* constants of the declarations, so that a value added
# to socle.h appears here without a hand-written list to keep in step.

def _constants(prefix: str) -> Dict[str, int]:
    found = {name[len(prefix):]: int(getattr(lib, name))
             for name in dir(lib) if name.startswith(prefix)}
    if not found:
        raise ImportError(f"socle: no {prefix}* constant in the generated declarations")
    return dict(sorted(found.items(), key=lambda item: item[1]))


def _enum(name: str, prefix: str, doc: str, base: type = enum.IntEnum) -> Any:
    cls = base(name, _constants(prefix), module=__name__)
    cls.__doc__ = doc
    return cls


Action = _enum("Action", "SOCLE_ACTION_", "What a professional does with an item (SOCLE_ACTION_*).")
EntryKind = _enum("EntryKind", "SOCLE_ENTRY_", "The kind of an entry of a file (SOCLE_ENTRY_*).")
Secrecy = _enum("Secrecy", "SOCLE_SECRECY_",
                "A professional's secrecy status (SOCLE_SECRECY_*); 0 means the role's.")
Effect = _enum("Effect", "SOCLE_EFFECT_", "Allow or deny (SOCLE_EFFECT_*).")
Reason = _enum("Reason", "SOCLE_REASON_",
               "The frozen reason code of a decision (SOCLE_REASON_*); allowed reasons are below "
               "20. ``socle_reason_name`` gives the stable name (Decision.reason_name).")
Obligation = _enum("Obligation", "SOCLE_OBLIGATION_",
                   "What the caller must do after a decision (SOCLE_OBLIGATION_* bit flags).",
                   enum.IntFlag)
View = _enum("View", "SOCLE_VIEW_", "How an item of a file is shown (SOCLE_VIEW_*).")
Audience = _enum("Audience", "SOCLE_AUDIENCE_", "Who a mask hides an item from (SOCLE_AUDIENCE_*).")
RestrictionJustification = _enum(
    "RestrictionJustification", "SOCLE_RESTRICTION_JUSTIFICATION_",
    "Why a request reads an item under restriction of processing, GDPR art. 18(2) "
    "(SOCLE_RESTRICTION_JUSTIFICATION_*): NONE (denied, ``Reason.RESTRICTED``), SUBJECT_CONSENT, "
    "LEGAL_CLAIMS, PROTECTION_OF_OTHERS, IMPORTANT_PUBLIC_INTEREST (allowed, "
    "``Reason.ALLOWED_UNDER_RESTRICTION``).")

_REASON_NAMES: Dict[int, str] = {}


def _reason_name(reason: int) -> str:
    name = _REASON_NAMES.get(reason)
    if name is None:
        name = _REASON_NAMES[reason] = _text(lib.socle_reason_name(reason))
    return name


_EFFECTS: Dict[int, Any] = {int(m): m for m in Effect}
_VIEWS: Dict[int, Any] = {int(m): m for m in View}
_REASONS: Dict[int, Any] = {int(m): m for m in Reason}
_OBLIGATIONS: Dict[int, Any] = {}


def _obligations(value: int) -> Any:
    flags = _OBLIGATIONS.get(value)
    if flags is None:
        flags = _OBLIGATIONS[value] = Obligation(value)
    return flags


# ---------------------------------------------------------------------------------------------
# Answers


class Decision:
    """One access decision: ``effect`` (:class:`Effect`), ``reason`` (:class:`Reason`), ``rule``
    (a number; ``rule_name`` renders it: ``"habilitations[2]"``, ``"masking"``…),
    ``obligations`` (:class:`Obligation` flags) and the state ``revision`` it was computed on.
    ``bool(decision)`` is ``decision.allowed``."""

    __slots__ = ("effect", "reason", "rule", "obligations", "revision", "_engine")

    def __init__(self, effect: int, reason: int, rule: int, obligations: int, revision: int,
                 engine: Optional["AccessEngine"] = None) -> None:
        # A value a newer library added stays a plain int.
        self.effect = _EFFECTS.get(effect, effect)
        self.reason = _REASONS.get(reason, reason)
        self.rule = rule
        self.obligations = _obligations(obligations)
        self.revision = revision
        self._engine = engine

    @property
    def allowed(self) -> bool:
        return self.effect == lib.SOCLE_EFFECT_ALLOW

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def reason_name(self) -> str:
        """The stable name of the reason (``"role_does_not_allow"``), as in docs/access-rules.md."""
        return _reason_name(int(self.reason))

    @property
    def rule_name(self) -> str:
        """What decided, rendered by the engine (``"habilitations[0]"``); "" without engine."""
        return self._engine.rule_name(self.rule) if self._engine is not None else ""

    def _key(self) -> Tuple[int, int, int, int, int]:
        return (int(self.effect), int(self.reason), self.rule, int(self.obligations),
                self.revision)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        effect = "ALLOW" if self.allowed else "DENY"
        return (f"<socle.Decision {effect} {self.reason_name} rule={self.rule_name or self.rule!r} "
                f"obligations={int(self.obligations):#x} revision={self.revision}>")


class Decisions:
    """The answers of :meth:`AccessEngine.decide_many`, as columns (``array.array``, one element per
    request): ``effects`` (int32), ``reasons`` (int32), ``rules`` (uint32), ``obligations``
    (uint32), and the ``revision`` of the one snapshot they were all computed on. Indexing or
    iterating builds :class:`Decision` objects on demand; the arrays themselves hold plain
    numbers (compare them with :class:`Reason` members, which are ints).

    ``Decisions(count)`` preallocates the columns, for the ``out=`` argument of ``decide_many``.
    """

    __slots__ = ("effects", "reasons", "rules", "obligations", "revision", "_engine")

    def __init__(self, count: int) -> None:
        if count < 0:
            raise ValueError("count must be >= 0")
        self.effects = array.array("i", bytes(4 * count))
        self.reasons = array.array("i", bytes(4 * count))
        self.rules = array.array("I", bytes(4 * count))
        self.obligations = array.array("I", bytes(4 * count))
        self.revision = 0
        self._engine: Optional[AccessEngine] = None

    def __len__(self) -> int:
        return len(self.effects)

    def __getitem__(self, index: int) -> Decision:
        return Decision(self.effects[index], self.reasons[index], self.rules[index],
                        self.obligations[index], self.revision, self._engine)

    def __iter__(self) -> Iterator[Decision]:
        for i in range(len(self.effects)):
            yield self[i]

    @property
    def allowed_count(self) -> int:
        return self.effects.tolist().count(lib.SOCLE_EFFECT_ALLOW)

    def __repr__(self) -> str:
        return (f"<socle.Decisions {len(self)} decisions, {self.allowed_count} allowed, "
                f"revision={self.revision}>")


class ExplanationStep(NamedTuple):
    """One check of an explanation (``socle_explanation_step_*``): its name
    (``"need_to_know"``, ``"habilitation"``…; docs/access-rules.md lists them), whether it
    passed, whether it is the check that gave the decision its reason, the policy element it
    rests on (``"habilitations[2]"``, ``"masking"``…) and a sentence a DPO can read."""

    check: str
    passed: bool
    decisive: bool
    rule: str
    detail: str


class Explanation(NamedTuple):
    """The trace of :meth:`AccessEngine.explain`: the ``decision``, every check in the order the
    engine ran them as :class:`ExplanationStep` ``steps`` (exactly one of them ``decisive``),
    and the whole ``text`` a DPO reads (``socle_explanation_to_text``)."""

    decision: Decision
    steps: List[ExplanationStep]
    text: str

    @property
    def decisive_step(self) -> Optional[ExplanationStep]:
        return next((step for step in self.steps if step.decisive), None)

    def __str__(self) -> str:
        return self.text


def _explanation(handle: Any, engine: "AccessEngine") -> Explanation:
    """Copies a ``socle_explanation*`` (borrowed) into Python through its accessors."""
    out = ffi.new("socle_decision*")
    lib.socle_explanation_decision(handle, out)
    decision = Decision(out.effect, out.reason, out.rule, out.obligations, out.revision, engine)
    steps = [ExplanationStep(check=_text(lib.socle_explanation_step_check(handle, i)),
                             passed=bool(lib.socle_explanation_step_passed(handle, i)),
                             decisive=bool(lib.socle_explanation_step_decisive(handle, i)),
                             rule=_text(lib.socle_explanation_step_rule(handle, i)),
                             detail=_text(lib.socle_explanation_step_detail(handle, i)))
             for i in range(lib.socle_explanation_step_count(handle))]
    buffer = ffi.new("socle_buffer*")
    with _ErrorSlot() as slot:
        status = lib.socle_explanation_to_text(handle, buffer, slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(buffer)
            check(status, slot.error)
    return Explanation(decision, steps, _take(buffer).decode("utf-8", "replace"))


class BreakGlassSession(NamedTuple):
    """An opened break-the-glass session: when it ends (Unix seconds) and the revision it made."""

    expires_at: int
    revision: int


# ---------------------------------------------------------------------------------------------
# Arguments

# socle_access_request_init's defaults, copied into every request.
_REQUEST_TEMPLATE = ffi.new("socle_access_request*")
lib.socle_access_request_init(_REQUEST_TEMPLATE)

Id = Union[int, str, bytes]
Time = Union[int, float, datetime.datetime, None]
#: A list of ids (teams, categories): an iterable of ids, or one id alone. Never separated text:
#: ``"t1,t2"`` is one id (with a comma in it), not two.
Names = Union[str, bytes, Iterable[Union[str, bytes]], None]

_U32_MAX = 0xFFFFFFFF
# The first guess of list_persons at the length of its answer (it asks again when too small).
_LIST_PERSONS_CAPACITY = 4096
_INT_FORMATS = frozenset("iIlL")


def _bytes(value: Union[str, bytes, bytearray, memoryview, None], what: str) -> bytes:
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


def _names(value: Names, what: str) -> List[bytes]:
    """The ids of a list of teams or categories: None is no id, one string is one id."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        return [_bytes(value, what)]
    return [_bytes(v, what) for v in value]


class _Strings:
    """An array of strings as socle.h takes it: ``pointers`` (``const char* const*``), the
    parallel ``lengths`` and their ``count``; NULL pointers when empty. None elements are NULL
    (length 0). The object keeps the bytes alive: hold it until the C call returns."""

    __slots__ = ("pointers", "lengths", "count", "_keep")

    def __init__(self, values: Sequence[Optional[bytes]]) -> None:
        self.count = len(values)
        self._keep = None
        if not self.count:
            self.pointers = self.lengths = ffi.NULL
            return
        # One buffer for all the strings, each pointer an offset into it.
        blob = b"".join(v for v in values if v)
        self._keep = ffi.from_buffer(blob) if blob else None
        base = ffi.cast("char*", self._keep) if blob else ffi.NULL
        self.pointers = ffi.new("char*[]", self.count)
        self.lengths = ffi.new("size_t[]", self.count)
        offset = 0
        for i, value in enumerate(values):
            if value:
                self.pointers[i] = base + offset
                self.lengths[i] = len(value)
                offset += len(value)

    @classmethod
    def of(cls, values: Iterable[Any], what: str, optional: bool = False) -> "_Strings":
        """From str or bytes values (None too, with `optional`)."""
        return cls([None if v is None and optional else _bytes(v, what) for v in values])

    def __len__(self) -> int:
        return self.count


def _unix(time: Time) -> int:
    """Unix seconds; 0 (or None) means now by the engine's clock."""
    if time is None:
        return 0
    if isinstance(time, datetime.datetime):
        if time.tzinfo is None:
            raise ValueError("use an aware datetime (with tzinfo), not a naive one")
        return int(time.timestamp())
    if isinstance(time, bool) or not isinstance(time, (int, float)):
        raise TypeError(f"time must be Unix seconds or a datetime, not {type(time).__name__}")
    return int(time)


def _enum_value(cls: Any, value: Union[int, str], what: str) -> int:
    if type(value) is int:
        return value
    if isinstance(value, str):
        try:
            return int(cls[value.upper()])
        except KeyError:
            raise InvalidArgumentError(f"unknown {what} {value!r}; expected one of "
                                       f"{', '.join(m.name.lower() for m in cls)}") from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int or a name, not {type(value).__name__}")
    return int(value)


def _dense(value: int, what: str) -> int:
    if type(value) is int and 0 <= value <= _U32_MAX:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a dense id (int) or a string id, "
                        f"not {type(value).__name__}")
    if not 0 <= value <= _U32_MAX:
        raise OutOfRangeError(f"{what} {value} is not a dense id (0 to 2**32-1)")
    return value


def _is_buffer(value: Any) -> bool:
    if isinstance(value, (str, bytes, bytearray, list, tuple, range)):
        return False
    try:
        memoryview(value).release()
    except TypeError:
        return False
    return True


def _buffer_column(value: Any, count: Optional[int], what: str,
                   ctype: str = "uint32_t") -> Optional[Tuple[Any, int]]:
    """A column given as a buffer of 4-byte integers (array('I'), memoryview, numpy…): returned
    as a cffi pointer over the same memory (no copy) and its length; None for other objects."""
    if isinstance(value, (str, bytes, bytearray, list, tuple, range)):
        return None
    try:
        view = memoryview(value)
    except TypeError:
        return None
    if view.ndim != 1 or not view.c_contiguous or view.itemsize != 4 or \
            view.format.lstrip("@=<") not in _INT_FORMATS:
        raise InvalidArgumentError(
            f"{what}: a buffer column must be a contiguous 1-D array of 4-byte integers "
            f"(array('I') or array('i')), not format {view.format!r} of {view.itemsize} bytes")
    length = len(view)
    view.release()
    if count is not None and length != count:
        raise InvalidArgumentError(f"{what} has {length} elements for {count} requests")
    # The caller releases it (ffi.release) after the C call, so that the buffer's owner is not
    # left exporting (an array could not be resized, a memoryview not be released).
    return ffi.from_buffer(f"{ctype}[]", value), length


class ItemIds(_Strings):
    """The `items` column of :meth:`AccessEngine.decide_many`, packed once for C (pointers and
    lengths), to reuse across calls: ``ItemIds(["r1", "r2", None, …])``."""

    __slots__ = ()

    def __init__(self, items: Sequence[Union[str, bytes, None]]) -> None:
        super().__init__([None if v is None else _bytes(v, "item") for v in items])


# ---------------------------------------------------------------------------------------------
# The engine


class FollowerStatus(NamedTuple):
    """What an engine's follower did (:attr:`AccessEngine.follower_status`)."""
    following: bool
    failures: int
    in_step_at: Optional[datetime.datetime]
    error: Optional[Error]
    last_error: Optional[Error]


class AccessEngine(_Handle):
    """An access decision engine over a :class:`socle.Policy` (``socle_access_engine``,
    ``socle::AccessEngine``): a directory (professionals, teams, persons) and the state recorded
    for persons (masks, blocks, break-the-glass sessions, objections, grants), asked whether a
    professional may act on an item of a person's file.

    ``AccessEngine.create(policy)`` starts with an empty directory at revision 0 (the engine
    keeps the policy alive itself). Every write returns the new revision; every decision carries
    the revision it was computed on. Requests name professionals, persons, categories and
    purposes either by their string ids or by the dense ids of :meth:`find_professional`,
    :meth:`find_person`, :meth:`find_category` and :meth:`find_purpose` (faster: look them up
    once; :meth:`find_professionals`… for many).

    Thread safety: any number of threads may decide and write at once (the GIL is released
    during C calls). Bad input raises a :class:`socle.Error` subclass (:class:`NotFoundError`
    for an unknown id, :class:`InvalidArgumentError`…) and changes nothing. The C handle is
    freed when the object is garbage-collected, or at once by :meth:`close` or at the end of a
    ``with`` block.
    """

    __slots__ = ("_rules", "_record")

    def __init__(self) -> None:
        raise TypeError("use AccessEngine.create(policy) or AccessEngine.open(policy, ledger)")

    @classmethod
    def create(cls, policy: Policy) -> "AccessEngine":
        """An engine over `policy`, with an empty directory at revision 0."""
        if not isinstance(policy, Policy):
            raise TypeError(f"AccessEngine needs a socle.Policy, not {type(policy).__name__}")
        out = ffi.new("socle_access_engine**")
        with _ErrorSlot() as slot:
            check(lib.socle_access_engine_create(policy._live(), out, slot.pointer), slot.error)
        engine = cls.__new__(cls)
        engine._own(out[0], lib.socle_access_engine_free)
        engine._rules = {}
        engine._record = None
        return engine

    @classmethod
    def open(cls, policy: Policy, ledger: Any, *, development: bool = False) -> "AccessEngine":
        """An engine of record on the state ledger `ledger` (a :class:`socle.Ledger` opened with
        the name "state"): its state is rebuilt from the newest snapshot and the events after
        it, and every change it applies is written to the ledger before it is published.
        `policy` must be the ledger's policy in force (a new ledger takes it as its first;
        docs/policy-approval.md), else :class:`FailedPreconditionError`; `development=True`
        runs it unapproved, which the ledger records."""
        if not isinstance(policy, Policy):
            raise TypeError(f"AccessEngine needs a socle.Policy, not {type(policy).__name__}")
        out = ffi.new("socle_access_engine**")
        mode = (lib.SOCLE_ENGINE_OPEN_DEVELOPMENT if development
                else lib.SOCLE_ENGINE_OPEN_IN_FORCE)
        with _ErrorSlot() as slot:
            check(lib.socle_access_engine_open_mode(policy._live(), ledger._live(), mode, out,
                                                    slot.pointer),
                  slot.error)
        engine = cls.__new__(cls)
        engine._own(out[0], lib.socle_access_engine_free)
        engine._rules = {}
        engine._record = ledger
        return engine

    def save_snapshot(self) -> None:
        """Writes a snapshot of the state to the engine's state ledger (opened with
        :meth:`open`), so that the next open replays only the events after it."""
        with _ErrorSlot() as slot:
            check(lib.socle_access_engine_save_snapshot(self._live(), slot.pointer), slot.error)

    def catch_up(self) -> int:
        """Applies the events other processes appended to the state ledger; the new revision.
        A write refused with :class:`FailedPreconditionError` (another process wrote first)
        succeeds after it."""
        out = ffi.new("uint64_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_access_engine_catch_up(self._live(), out, slot.pointer), slot.error)
        return int(out[0])

    def follow(self, poll_interval: float = 1.0, retry_delay: float = 0.1) -> None:
        """Keeps the engine of record caught up in the background: a thread waits for the state
        ledger to grow (on PostgreSQL it is told of each append as it commits; it reads the
        ledger's size every `poll_interval` seconds in case a notification was lost) and applies
        what other processes and servers appended. After an error it tries again `retry_delay`
        seconds later and keeps the error (:attr:`follower_status`). Stopped by
        :meth:`stop_following` or when the engine is closed. :class:`FailedPreconditionError`
        for an engine made by :meth:`create` or one already following."""
        poll_ms, retry_ms = int(poll_interval * 1000), int(retry_delay * 1000)
        if not 1 <= poll_ms <= 60000 or not 1 <= retry_ms <= 5000:
            raise OutOfRangeError("poll_interval must be 0.001 to 60 s and retry_delay 0.001 to "
                                  "5 s", code=lib.SOCLE_E_OUT_OF_RANGE)
        with _ErrorSlot() as slot:
            check(lib.socle_access_engine_follow(self._live(), poll_ms, retry_ms, slot.pointer),
                  slot.error)

    def stop_following(self) -> None:
        """Stops the follower (its wait is interrupted) and returns once its thread ended."""
        lib.socle_access_engine_stop_following(self._live())

    @property
    def follower_status(self) -> "FollowerStatus":
        """What the follower did: whether it runs, its failed attempts, when it last found the
        engine in step with the ledger, the error of its last attempt (None if it succeeded)
        and the most recent error since it started (None if none)."""
        following = ffi.new("int32_t*")
        failures = ffi.new("uint64_t*")
        in_step = ffi.new("int64_t*")
        error: Optional[Error] = None
        with _ErrorSlot() as slot:
            try:
                check(lib.socle_access_engine_follower_status(self._live(), following, failures,
                                                              in_step, slot.pointer), slot.error)
            except Error as e:
                error = e
        last_error: Optional[Error] = None
        with _ErrorSlot() as slot:
            try:
                check(lib.socle_access_engine_follower_last_error(self._live(), slot.pointer),
                      slot.error)
            except Error as e:
                last_error = e
        in_step_at = None
        if in_step[0] != 0:
            in_step_at = datetime.datetime.fromtimestamp(in_step[0] / 1000, datetime.timezone.utc)
        return FollowerStatus(bool(following[0]), int(failures[0]), in_step_at, error,
                              last_error)

    def __repr__(self) -> str:
        if self.closed:
            return "<socle.AccessEngine (closed)>"
        return f"<socle.AccessEngine revision={self.revision}>"

    # -- clock and revisions ---------------------------------------------------------------------

    @property
    def revision(self) -> int:
        """The current state revision (one per state event)."""
        return int(lib.socle_access_engine_revision(self._live()))

    def wait_for_revision(self, revision: int, timeout: Optional[float] = None) -> bool:
        """Waits until the engine reaches `revision` (or `timeout` seconds pass; None waits
        without limit); returns whether it was reached."""
        reached = ffi.new("int32_t*")
        timeout_ms = 2**62 if timeout is None else max(0, int(timeout * 1000))
        with _ErrorSlot() as slot:
            check(lib.socle_access_engine_wait_for_revision(self._live(), revision, timeout_ms,
                                                            reached, slot.pointer), slot.error)
        return bool(reached[0])

    def set_time(self, time: Time) -> None:
        """Freezes the engine's clock at `time` (Unix seconds or an aware datetime; tests and
        demos); 0 or None returns to the real clock. The clock never goes backwards: a time
        earlier than the latest one the engine has seen leaves it there, so expired sessions and
        grants stay expired."""
        lib.socle_access_engine_set_time(self._live(), _unix(time))

    # -- ids -------------------------------------------------------------------------------------

    def _find(self, function: Callable[..., int], value: Union[str, bytes], what: str) -> int:
        encoded = value if type(value) is bytes else _bytes(value, what)
        out = ffi.new("uint32_t*")
        handle = self._live()
        if function(handle, encoded, len(encoded), out, ffi.NULL) != lib.SOCLE_OK:
            # Lookups change nothing: ask again for the details of the failure.
            with _ErrorSlot() as slot:
                check(function(handle, encoded, len(encoded), out, slot.pointer), slot.error)
        return out[0]

    def find_professional(self, professional: Union[str, bytes]) -> int:
        """The dense id of a professional (:class:`NotFoundError` if not in the directory)."""
        return self._find(lib.socle_access_engine_find_professional, professional,
                          "professional")

    def find_person(self, person: Union[str, bytes]) -> int:
        """The dense id of a person (:class:`NotFoundError` if not in the directory)."""
        return self._find(lib.socle_access_engine_find_person, person, "person")

    def find_team(self, team: Union[str, bytes]) -> int:
        """The dense id of a team (:class:`NotFoundError` if not in the directory)."""
        return self._find(lib.socle_access_engine_find_team, team, "team")

    def find_category(self, category: Union[str, bytes]) -> int:
        """The dense id of a data category of the policy."""
        return self._find(lib.socle_access_engine_find_category, category, "category")

    def find_purpose(self, purpose: Union[str, bytes]) -> int:
        """The dense id of a purpose (an activity of the policy)."""
        return self._find(lib.socle_access_engine_find_purpose, purpose, "purpose")

    def _find_many(self, function: Callable[..., int], values: Iterable[Union[str, bytes]],
                   what: str, missing: Optional[int]) -> array.array:
        found = array.array("I")
        cache: Dict[Any, int] = {}
        out = ffi.new("uint32_t*")
        handle = self._live()
        for value in values:
            dense = cache.get(value)
            if dense is None:
                encoded = _bytes(value, what)
                status = function(handle, encoded, len(encoded), out, ffi.NULL)
                if status == lib.SOCLE_OK:
                    dense = out[0]
                elif status == lib.SOCLE_E_NOT_FOUND and missing is not None:
                    dense = missing
                else:
                    with _ErrorSlot() as slot:
                        check(function(handle, encoded, len(encoded), out, slot.pointer),
                              slot.error)
                    dense = out[0]
                cache[value] = dense
            found.append(dense)
        return found

    def find_professionals(self, professionals: Iterable[Union[str, bytes]], *,
                           missing: Optional[int] = None) -> array.array:
        """Dense ids of many professionals, as an ``array('I')`` for :meth:`decide_many`. An
        unknown id raises :class:`NotFoundError`, or becomes `missing` (e.g. :data:`NO_ID`)."""
        return self._find_many(lib.socle_access_engine_find_professional, professionals,
                               "professional", missing)

    def find_persons(self, persons: Iterable[Union[str, bytes]], *,
                     missing: Optional[int] = None) -> array.array:
        """As :meth:`find_professionals`, for persons."""
        return self._find_many(lib.socle_access_engine_find_person, persons, "person", missing)

    def find_categories(self, categories: Iterable[Union[str, bytes]]) -> array.array:
        """As :meth:`find_professionals`, for data categories."""
        return self._find_many(lib.socle_access_engine_find_category, categories, "category",
                               None)

    def find_purposes(self, purposes: Iterable[Union[str, bytes]]) -> array.array:
        """As :meth:`find_professionals`, for purposes."""
        return self._find_many(lib.socle_access_engine_find_purpose, purposes, "purpose", None)

    def professional_name(self, professional: int) -> str:
        """The string id of a dense professional id ("" if unknown)."""
        return _text(lib.socle_access_engine_professional_name(self._live(), professional))

    def person_name(self, person: int) -> str:
        """The string id of a dense person id ("" if unknown)."""
        return _text(lib.socle_access_engine_person_name(self._live(), person))

    def team_name(self, team: int) -> str:
        """The string id of a dense team id ("" if unknown)."""
        return _text(lib.socle_access_engine_team_name(self._live(), team))

    def rule_name(self, rule: int) -> str:
        """What a decision's ``rule`` names (``"habilitations[2]"``, ``"masking"``…)."""
        name = self._rules.get(rule)
        if name is None:
            buffer = ffi.new("socle_buffer*")
            with _ErrorSlot() as slot:
                status = lib.socle_access_engine_rule_name(self._live(), rule, buffer,
                                                           slot.pointer)
                if status != lib.SOCLE_OK:
                    lib.socle_buffer_free(buffer)
                    check(status, slot.error)
            name = self._rules[rule] = _take(buffer).decode("utf-8", "replace")
        return name

    # -- loading and writes ----------------------------------------------------------------------

    def _write(self, function: Callable[..., int], *arguments: Any) -> int:
        revision = ffi.new("uint64_t*")
        with _ErrorSlot() as slot:
            check(function(self._live(), *arguments, revision, slot.pointer), slot.error)
        return int(revision[0])

    def load_directory_tsv(self, professionals: Text, persons: Text) -> int:
        """Loads the directory from the workload's TSV format (see docs/access-rules.md), given
        as text: all or nothing, errors name the line. Returns the new revision."""
        p = _bytes(professionals, "professionals")
        q = _bytes(persons, "persons")
        return self._write(lib.socle_access_engine_load_directory_tsv, p, len(p), q, len(q))

    def load_directory_tsv_files(self, professionals: Union[str, bytes, "os.PathLike[str]"],
                                 persons: Union[str, bytes, "os.PathLike[str]"]) -> int:
        """As :meth:`load_directory_tsv`, reading two files (:class:`IoError` if one cannot be
        read)."""
        try:
            return self._write(lib.socle_access_engine_load_directory_tsv_files,
                               _c_string(professionals, "professionals path"),
                               _c_string(persons, "persons path"))
        except IoError as e:
            e.filename = os.fsdecode(professionals)
            e.filename2 = os.fsdecode(persons)
            raise

    @staticmethod
    def _team_lists(teams: Sequence[Names]) -> Tuple[Any, _Strings]:
        """(team_counts, teams) of a bulk load: each record's teams, back to back."""
        lists = [_names(t, "teams") for t in teams]
        counts = ffi.new("size_t[]", [len(t) for t in lists]) if lists else ffi.NULL
        return counts, _Strings([team for t in lists for team in t])

    def load_professionals(self, ids: Sequence[Union[str, bytes]],
                           roles: Sequence[Union[str, bytes]], teams: Sequence[Names],
                           secrecy: Optional[Sequence[int]] = None) -> int:
        """Bulk load of professionals from parallel sequences (all or nothing; errors name the
        index): ids, roles, teams (each a sequence of team ids, or one team id) and optionally
        :class:`Secrecy` values (0: the role's)."""
        count = len(ids)
        if len(roles) != count or len(teams) != count or (secrecy is not None and
                                                           len(secrecy) != count):
            raise InvalidArgumentError("ids, roles, teams and secrecy must have the same length")
        i, r = _Strings.of(ids, "id"), _Strings.of(roles, "role")
        team_counts, t = self._team_lists(teams)
        s = ffi.new("int32_t[]", [int(v) for v in secrecy]) if secrecy is not None and count \
            else ffi.NULL
        return self._write(lib.socle_access_engine_load_professionals, count, i.pointers,
                           i.lengths, r.pointers, r.lengths, team_counts, t.pointers, t.lengths,
                           s)

    def load_persons(self, ids: Sequence[Union[str, bytes]], teams: Sequence[Names],
                     referents: Optional[Sequence[Optional[Union[str, bytes]]]] = None) -> int:
        """Bulk load of persons: ids, teams (as in :meth:`load_professionals`) and optionally
        their referents (professional ids, None for none)."""
        count = len(ids)
        if len(teams) != count or (referents is not None and len(referents) != count):
            raise InvalidArgumentError("ids, teams and referents must have the same length")
        i = _Strings.of(ids, "id")
        team_counts, t = self._team_lists(teams)
        r = _Strings.of(referents if referents is not None else (), "referent", optional=True)
        return self._write(lib.socle_access_engine_load_persons, count, i.pointers, i.lengths,
                           team_counts, t.pointers, t.lengths, r.pointers, r.lengths)

    def apply_event(self, event: bytes) -> int:
        """Applies one serialized ``socle.v1.StateEvent`` (e.g. from the state ledger)."""
        data = _bytes(event, "event")
        return self._write(lib.socle_access_engine_apply_event, data, len(data))

    def apply_event_batch(self, batch: bytes) -> int:
        """Applies a serialized ``socle.v1.StateEventBatch``, all or nothing."""
        data = _bytes(batch, "batch")
        return self._write(lib.socle_access_engine_apply_event_batch, data, len(data))

    def upsert_professional(self, professional: str, role: str, teams: Names = (),
                            secrecy: int = 0) -> int:
        """Creates or replaces a professional; `secrecy` a :class:`Secrecy` or 0 (the role's)."""
        p, r = _bytes(professional, "professional"), _bytes(role, "role")
        t = _Strings(_names(teams, "teams"))
        return self._write(lib.socle_access_engine_upsert_professional, p, len(p), r, len(r),
                           t.pointers, t.lengths, t.count, int(secrecy))

    def professional_leaves(self, professional: str) -> int:
        """The professional left: every later decision for them is denied."""
        p = _bytes(professional, "professional")
        return self._write(lib.socle_access_engine_professional_leaves, p, len(p))

    def upsert_person(self, person: str, teams: Names = (), referent: Optional[str] = None) -> int:
        """Creates or replaces a person, with the teams assigned to their case and a referent."""
        p, r = _bytes(person, "person"), _bytes(referent, "referent")
        t = _Strings(_names(teams, "teams"))
        return self._write(lib.socle_access_engine_upsert_person, p, len(p), t.pointers,
                           t.lengths, t.count, r, len(r))

    def _pair(self, function: Callable[..., int], a: Any, what_a: str, b: Any,
              what_b: str) -> int:
        x, y = _bytes(a, what_a), _bytes(b, what_b)
        return self._write(function, x, len(x), y, len(y))

    def assign(self, person: str, team: str) -> int:
        """Assigns a team to the person's case."""
        return self._pair(lib.socle_access_engine_assign, person, "person", team, "team")

    def unassign(self, person: str, team: str) -> int:
        return self._pair(lib.socle_access_engine_unassign, person, "person", team, "team")

    def set_referent(self, person: str, referent: Optional[str]) -> int:
        """Sets the person's referent (None: no referent any more)."""
        return self._pair(lib.socle_access_engine_set_referent, person, "person", referent,
                          "referent")

    def _mask(self, function: Callable[..., int], person: str, item: Optional[str],
              category: Optional[str], audience: Union[int, str],
              audience_id: Optional[str]) -> int:
        if (item is None) == (category is None):
            raise InvalidArgumentError("a mask names either an item or a category")
        p, i, c = _bytes(person, "person"), _bytes(item, "item"), _bytes(category, "category")
        a = _bytes(audience_id, "audience_id")
        return self._write(function, p, len(p), i, len(i), c, len(c),
                           _enum_value(Audience, audience, "audience"), a, len(a))

    def set_mask(self, person: str, *, item: Optional[str] = None,
                 category: Optional[str] = None, audience: Union[int, str] = Audience.EVERYONE,
                 audience_id: Optional[str] = None) -> int:
        """The person masks one item (`item`) or one data category (`category`) of their file
        from an :class:`Audience`: everyone, a role (`audience_id` the role) or a professional
        (`audience_id` the professional)."""
        return self._mask(lib.socle_access_engine_set_mask, person, item, category, audience,
                          audience_id)

    def revoke_mask(self, person: str, *, item: Optional[str] = None,
                    category: Optional[str] = None,
                    audience: Union[int, str] = Audience.EVERYONE,
                    audience_id: Optional[str] = None) -> int:
        """Revokes a mask set with the same arguments."""
        return self._mask(lib.socle_access_engine_revoke_mask, person, item, category, audience,
                          audience_id)

    def block(self, person: str, professional: str) -> int:
        """The person blocks a professional: their next decisions are denied (``BLOCKED``)."""
        return self._pair(lib.socle_access_engine_block, person, "person", professional,
                          "professional")

    def unblock(self, person: str, professional: str) -> int:
        return self._pair(lib.socle_access_engine_unblock, person, "person", professional,
                          "professional")

    def open_break_glass(self, actor: str, person: str, reason_code: str, justification: str,
                         duration: Union[int, float, datetime.timedelta] = 0
                         ) -> BreakGlassSession:
        """Opens a break-the-glass session of `actor` on `person`, now, for `duration` seconds
        (or a timedelta; 0: the policy's maximum). :class:`PermissionDeniedError` if the person
        objected to emergency access or blocked the actor, or the actor's role may not;
        :class:`FailedPreconditionError` if the policy disables it; :class:`OutOfRangeError`
        for a negative or too long duration; :class:`NotFoundError` for an unknown reason code."""
        if isinstance(duration, datetime.timedelta):
            duration = duration.total_seconds()
        a, p = _bytes(actor, "actor"), _bytes(person, "person")
        r, j = _bytes(reason_code, "reason_code"), _bytes(justification, "justification")
        expires = ffi.new("int64_t*")
        revision = self._write(lib.socle_access_engine_open_break_glass, a, len(a), p, len(p), r,
                               len(r), j, len(j), int(duration), expires)
        return BreakGlassSession(int(expires[0]), revision)

    def close_break_glass(self, actor: str, person: str) -> int:
        return self._pair(lib.socle_access_engine_close_break_glass, actor, "actor", person,
                          "person")

    def record_emergency_access_objection(self, person: str) -> int:
        """The person objects to emergency access: ends their open sessions at once."""
        p = _bytes(person, "person")
        return self._write(lib.socle_access_engine_record_emergency_access_objection, p, len(p))

    def revoke_emergency_access_objection(self, person: str) -> int:
        p = _bytes(person, "person")
        return self._write(lib.socle_access_engine_revoke_emergency_access_objection, p, len(p))

    def grant(self, person: str, professional: str, categories: Names = (),
              expires_at: Time = 0) -> int:
        """Grants `professional` access to the person's file for `categories` (empty: all)
        until `expires_at` (0: until revoked)."""
        p, q = _bytes(person, "person"), _bytes(professional, "professional")
        c = _Strings(_names(categories, "categories"))
        return self._write(lib.socle_access_engine_grant, p, len(p), q, len(q), c.pointers,
                           c.lengths, c.count, _unix(expires_at))

    def revoke_grant(self, person: str, professional: str) -> int:
        return self._pair(lib.socle_access_engine_revoke_grant, person, "person", professional,
                          "professional")

    # -- decisions -------------------------------------------------------------------------------

    def _dense_of(self, value: Id, lookup: Callable[[Any], int], what: str) -> int:
        if type(value) is int and 0 <= value <= _U32_MAX:
            return value
        if isinstance(value, (str, bytes)):
            return lookup(value)
        return _dense(value, what)

    def _request(self, actor: Id, person: Id, category: Id, purpose: Id,
                 action: Union[int, str], entry_kind: Union[int, str], author: Optional[Id],
                 masked: bool, item: Optional[Union[str, bytes]], time: Time,
                 restriction_justification: Union[int, str] = 0
                 ) -> Tuple[Any, Optional[bytes]]:
        request = ffi.new("socle_access_request*", _REQUEST_TEMPLATE[0])
        request.actor = self._dense_of(actor, self.find_professional, "actor")
        request.person = self._dense_of(person, self.find_person, "person")
        request.category = self._dense_of(category, self.find_category, "category")
        request.purpose = self._dense_of(purpose, self.find_purpose, "purpose")
        request.action = _enum_value(Action, action, "action")
        request.entry_kind = _enum_value(EntryKind, entry_kind, "entry kind")
        if author is not None:
            request.author = self._dense_of(author, self.find_professional, "author")
        if masked:
            request.masked = 1
        if time is not None:
            request.time_unix_seconds = _unix(time)
        if restriction_justification:
            request.restriction_justification = _enum_value(
                RestrictionJustification, restriction_justification, "restriction_justification")
        encoded = None
        if item is not None:
            encoded = _bytes(item, "item")
            request.item = ffi.from_buffer(encoded)
            request.item_len = len(encoded)
        return request, encoded

    def decide(self, actor: Id, person: Id, category: Id, purpose: Id,
               action: Union[int, str] = Action.READ, *,
               entry_kind: Union[int, str] = EntryKind.FACT, author: Optional[Id] = None,
               masked: bool = False, item: Optional[Union[str, bytes]] = None,
               time: Time = None,
               restriction_justification: Union[int, str] = 0) -> Decision:
        """Whether `actor` (a professional) may do `action` (an :class:`Action` or its name,
        ``"read"``) on an item of `person`'s file of data `category`, for `purpose` (an
        activity of the policy). `entry_kind` is the item's :class:`EntryKind`, `author` the
        professional who wrote it, `masked` the vendor's own mask flag, `item` the vendor's item
        id (matched against the person's item masks), `time` when (default: now). Ids are
        dense ids or string ids. `restriction_justification` (a :class:`RestrictionJustification`
        or its name) is the ground of GDPR art. 18(2) for reading an item whose processing is
        restricted. Returns a :class:`Decision`; an unknown id or value raises
        (:class:`NotFoundError`, :class:`InvalidArgumentError`)."""
        request, keep = self._request(actor, person, category, purpose, action, entry_kind,
                                      author, masked, item, time, restriction_justification)
        out = ffi.new("socle_decision*")
        handle = self._live()
        if lib.socle_access_engine_decide(handle, request, out, ffi.NULL) != lib.SOCLE_OK:
            # Deciding changes nothing: ask again for the details of the failure.
            with _ErrorSlot() as slot:
                check(lib.socle_access_engine_decide(handle, request, out, slot.pointer),
                      slot.error)
        del keep
        return Decision(out.effect, out.reason, out.rule, out.obligations, out.revision, self)

    def explain(self, actor: Id, person: Id, category: Id, purpose: Id,
                action: Union[int, str] = Action.READ, *,
                entry_kind: Union[int, str] = EntryKind.FACT, author: Optional[Id] = None,
                masked: bool = False, item: Optional[Union[str, bytes]] = None,
                time: Time = None,
                restriction_justification: Union[int, str] = 0) -> Explanation:
        """As :meth:`decide`, with the trace a DPO reads: every check, passed or failed, with
        the policy element it rests on and the one that decided (:class:`Explanation`)."""
        request, keep = self._request(actor, person, category, purpose, action, entry_kind,
                                      author, masked, item, time, restriction_justification)
        out = ffi.new("socle_explanation**")
        with _ErrorSlot() as slot:
            check(lib.socle_access_engine_explain(self._live(), request, out, slot.pointer),
                  slot.error)
        del keep
        try:
            return _explanation(out[0], self)
        finally:
            lib.socle_explanation_free(out[0])

    def filter_view(self, actor: Id, person: Id, purpose: Id, categories: Sequence[Id],
                    action: Union[int, str] = Action.READ, *,
                    entry_kinds: Optional[Sequence[Union[int, str]]] = None,
                    authors: Optional[Sequence[Optional[Id]]] = None,
                    masked: Optional[Sequence[bool]] = None,
                    items: Optional[Sequence[Optional[Union[str, bytes]]]] = None,
                    time: Time = None) -> List[Any]:
        """How each item of `person`'s file is shown to `actor` for `purpose`: one
        :class:`View` (``ABSENT``, ``VISIBLE``, ``PLACEHOLDER``) per item, in order. The items
        are columns of one element each: their data `categories`, and optionally their
        :class:`EntryKind`, their author (None: none), the vendor's mask flag and item id, as
        in :meth:`decide`. One C call for the whole file."""
        count = len(categories)
        for column, what in ((entry_kinds, "entry_kinds"), (authors, "authors"),
                             (masked, "masked"), (items, "items")):
            if column is not None and len(column) != count:
                raise InvalidArgumentError(f"{what} has {len(column)} elements for {count} "
                                           "items")
        template = ffi.new("socle_access_request*", _REQUEST_TEMPLATE[0])
        template.actor = self._dense_of(actor, self.find_professional, "actor")
        template.person = self._dense_of(person, self.find_person, "person")
        template.purpose = self._dense_of(purpose, self.find_purpose, "purpose")
        template.action = _enum_value(Action, action, "action")
        template.time_unix_seconds = _unix(time)
        ids = ItemIds(items) if items is not None else None
        requests = ffi.new("socle_access_request[]", max(1, count))
        for i in range(count):
            requests[i] = template[0]
            request = requests[i]  # a view of the array's element
            request.category = self._dense_of(categories[i], self.find_category, "category")
            if entry_kinds is not None:
                request.entry_kind = _enum_value(EntryKind, entry_kinds[i], "entry kind")
            if authors is not None and authors[i] is not None:
                request.author = self._dense_of(authors[i], self.find_professional, "author")
            if masked is not None and masked[i]:
                request.masked = 1
            if ids is not None and ids.lengths[i]:
                request.item = ids.pointers[i]
                request.item_len = ids.lengths[i]
        out = ffi.new("int32_t[]", max(1, count))
        with _ErrorSlot() as slot:
            check(lib.socle_access_engine_filter_view(self._live(), requests, count, out,
                                                      slot.pointer), slot.error)
        return [_VIEWS.get(out[i], out[i]) for i in range(count)]

    def _column(self, value: Any, count: int, what: str, typecode: str,
                convert: Callable[[Any], int], scalar_types: Tuple[type, ...],
                exported: List[Any]) -> Any:
        """The cffi pointer of one decide_many column of `count` elements, added to `exported`
        (which the caller releases after the C call)."""
        ctype = "int32_t" if typecode == "i" else "uint32_t"
        buffered = _buffer_column(value, count, what, ctype)
        if buffered is not None:
            exported.append(buffered[0])
            return buffered[0]
        if isinstance(value, scalar_types) and not isinstance(value, bool):
            column = array.array(typecode, [convert(value)]) * count
        else:
            if len(value) != count:
                raise InvalidArgumentError(f"{what} has {len(value)} elements for {count} "
                                           "requests")
            cache: Dict[Any, int] = {}
            converted = []
            for v in value:
                c = cache.get(v)
                if c is None:
                    c = cache[v] = convert(v)
                converted.append(c)
            column = array.array(typecode, converted)
        pointer = ffi.from_buffer(f"{ctype}[]", column)
        exported.append(pointer)
        return pointer

    @staticmethod
    def _count(*columns: Any) -> int:
        for column in columns:
            if column is None or isinstance(column, (int, str, bytes)):
                continue
            return len(column)
        raise InvalidArgumentError("decide_many needs at least one column that is a sequence "
                                   "(not a single value)")

    def decide_many(self, actors: Any, persons: Any, categories: Any, purposes: Any,
                    actions: Any = Action.READ, *, entry_kinds: Any = None, authors: Any = None,
                    masked: Any = None, items: Optional[Sequence[Any]] = None,
                    time: Time = None, out: Optional[Decisions] = None,
                    strict: bool = True) -> Decisions:
        """Decides a batch of requests in one C call, on one snapshot of the state.

        Each argument is a column: a buffer of 4-byte integers (``array('I')``, a memoryview,
        a numpy ``uint32`` array: passed to C without a copy), a sequence (of dense ids, of
        string ids looked up once each, of :class:`Action` values or names…), or one value
        for every request (typically `purposes` or `actions`). ``authors`` uses :data:`NO_ID`
        for "no author"; ``masked`` is 0/1; ``items`` (str, bytes or None each) are the vendor's
        item ids (or an :class:`ItemIds`, packed once); ``time`` is one instant for the whole
        batch (default: now).

        Returns :class:`Decisions` (columns, no per-request Python object), written into `out`
        when given (it must have one slot per request). An invalid request (unknown id, bad
        value) is denied with ``Reason.INVALID_REQUEST`` and the others are decided all the
        same; with `strict` (the default) the call then raises the error of the first invalid
        one, with the decisions as its ``decisions`` attribute.
        """
        handle = self._live()
        return self._decide_columns(
            lambda *arguments: lib.socle_access_engine_decide_columns(handle, *arguments),
            actors, persons, categories, purposes, actions, entry_kinds=entry_kinds,
            authors=authors, masked=masked, items=items, time=time, out=out, strict=strict)

    def _decide_columns(self, decide_columns: Callable[..., int], actors: Any, persons: Any,
                        categories: Any, purposes: Any, actions: Any = Action.READ, *,
                        entry_kinds: Any = None, authors: Any = None, masked: Any = None,
                        items: Optional[Sequence[Any]] = None, time: Time = None,
                        out: Optional[Decisions] = None, strict: bool = True) -> Decisions:
        """The body of decide_many, shared with AccessTrail.decide_many: `decide_columns` is
        the C call (engine's or trail's) with its receiver bound."""
        count = self._count(actors, persons, categories, purposes, actions, entry_kinds,
                            authors, masked)
        if out is None:
            out = Decisions(count)
        elif len(out) != count:
            raise InvalidArgumentError(f"out holds {len(out)} decisions for {count} requests")
        ids = (int, str, bytes)
        exported: List[Any] = []
        try:
            a = self._column(actors, count, "actors", "I",
                             lambda v: self._dense_of(v, self.find_professional, "actor"), ids,
                             exported)
            p = self._column(persons, count, "persons", "I",
                             lambda v: self._dense_of(v, self.find_person, "person"), ids,
                             exported)
            c = self._column(categories, count, "categories", "I",
                             lambda v: self._dense_of(v, self.find_category, "category"), ids,
                             exported)
            u = self._column(purposes, count, "purposes", "I",
                             lambda v: self._dense_of(v, self.find_purpose, "purpose"), ids,
                             exported)
            x = self._column(actions, count, "actions", "i",
                             lambda v: _enum_value(Action, v, "action"), (int, str), exported)
            e = w = m = s = sl = ffi.NULL
            if entry_kinds is not None:
                e = self._column(entry_kinds, count, "entry_kinds", "i",
                                 lambda v: _enum_value(EntryKind, v, "entry kind"), (int, str),
                                 exported)
            if authors is not None:
                w = self._column(
                    authors, count, "authors", "I",
                    lambda v: NO_ID if v is None else self._dense_of(v, self.find_professional,
                                                                     "author"), ids, exported)
            if masked is not None:
                if isinstance(masked, int):
                    masked = 1 if masked else 0
                elif not _is_buffer(masked):
                    masked = [1 if v else 0 for v in masked]
                m = self._column(masked, count, "masked", "i", int, (int,), exported)
            if items is not None:
                if len(items) != count:
                    raise InvalidArgumentError(
                        f"items has {len(items)} elements for {count} requests")
                if not isinstance(items, ItemIds):
                    items = ItemIds(items)
                s, sl = items.pointers, items.lengths
            revision = ffi.new("uint64_t*")
            outputs = [ffi.from_buffer("int32_t[]", out.effects, require_writable=True),
                       ffi.from_buffer("int32_t[]", out.reasons, require_writable=True),
                       ffi.from_buffer("uint32_t[]", out.rules, require_writable=True),
                       ffi.from_buffer("uint32_t[]", out.obligations, require_writable=True)]
            exported.extend(outputs)
            with _ErrorSlot() as slot:
                status = decide_columns(count, a, x, p, c, u, e, w, m, s, sl, _unix(time),
                                        *outputs, revision, slot.pointer)
                out.revision = int(revision[0])
                out._engine = self
                if strict:
                    try:
                        check(status, slot.error)
                    except Error as error:
                        error.decisions = out  # type: ignore[attr-defined]
                        raise
            return out
        finally:
            for pointer in exported:
                ffi.release(pointer)

    def list_persons(self, actor: Id, category: Id, purpose: Id,
                     action: Union[int, str] = Action.READ, *, time: Time = None,
                     names: bool = False) -> Union[array.array, List[str]]:
        """The persons `actor` may access for (action, category, purpose), through the team
        index (never a scan of the population): an ``array('I')`` of dense person ids sorted
        by id, or their string ids with `names`."""
        a = self._dense_of(actor, self.find_professional, "actor")
        c = self._dense_of(category, self.find_category, "category")
        u = self._dense_of(purpose, self.find_purpose, "purpose")
        x = _enum_value(Action, action, "action")
        t = _unix(time)
        count = ffi.new("size_t*")
        capacity = _LIST_PERSONS_CAPACITY
        while True:
            found = array.array("I", bytes(4 * capacity))
            with _ErrorSlot() as slot, ffi.from_buffer("uint32_t[]", found) as pointer:
                status = lib.socle_access_engine_list_persons(
                    self._live(), a, c, u, x, t, pointer, capacity, count, slot.pointer)
                if status == lib.SOCLE_E_OUT_OF_RANGE and count[0] > capacity:
                    capacity = int(count[0]) + 1024  # the directory may grow meanwhile
                    continue
                check(status, slot.error)
            del found[int(count[0]):]
            if names:
                return [self.person_name(i) for i in found]
            return found

    def person_summary(self, person: str, at: Time = None) -> Dict[str, Any]:
        """What the person sees (REQ-55): everything recorded by or for `person` that bears on
        who may read their file, as it stood at `at` (Unix seconds or an aware datetime; None:
        now by the engine's clock): consents and their history, objections, representatives,
        masks, blocks, mandates, shares with their recipients, items and bases, prior information
        still owed, open break-the-glass sessions, and who can reach the file and why. A dict
        decoded from the socle.v1.PersonSummary JSON (proto/socle/v1/person_summary.proto: the
        proto's field names, enums by name, times as RFC 3339 strings, a time that never comes
        left out). :class:`NotFoundError` for a person not in the directory."""
        p = _bytes(person, "person")
        buffer = ffi.new("socle_buffer*")
        with _ErrorSlot() as slot:
            status = lib.socle_access_engine_person_summary(
                self._live(), p, len(p), _unix(at), lib.SOCLE_SUMMARY_FORMAT_JSON, buffer,
                slot.pointer)
            if status != lib.SOCLE_OK:
                lib.socle_buffer_free(buffer)
                check(status, slot.error)
        summary: Dict[str, Any] = json.loads(_take(buffer).decode("utf-8"))
        return summary
