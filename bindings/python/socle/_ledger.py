"""The ledger and the access trail (section "ledger" of socle.h; docs/ledger.md). Re-exported by
``socle``: use ``socle.Ledger``, ``socle.AccessTrail``.

A :class:`Ledger` is a tamper-evident, append-only log in its own SQLite file or PostgreSQL schema
(a Merkle tree with signed checkpoints), its keys in a :class:`Vault`; a :class:`Storage` names
where the vault and the ledgers live. An :class:`AccessTrail` decides and records in
one call: every decision it returns is already in the trail ledger. A person's history is read
by the person or by a professional whose role has SECURITY_AUDITOR, and each read is recorded.

Thread safety: :class:`Ledger` and :class:`AccessTrail` are safe for concurrent use; a
:class:`Storage` is immutable.
"""

from __future__ import annotations

import datetime
import enum
import os
from typing import Any, Iterator, List, NamedTuple, Optional, Union

from . import _c_string, _ErrorSlot, _Handle, _new_object, _take, _text, check
from ._access import (AccessEngine, Action, Decision, Decisions, EntryKind, Id, Time, _bytes,
                      _unix)
from ._native import ffi, lib
from ._vault import KeyProvider, Vault, _check_provider, _vault_options

__all__ = ["AccessTrail", "Checkpoint", "Durability", "HistoryEntry", "InclusionProof",
           "Ledger", "LedgerEntry", "LedgerEntryType", "Storage", "TrailOperation",
           "Verification"]

Path = Union[str, bytes, "os.PathLike[str]"]
Bytes = Union[bytes, bytearray, memoryview, str]

#: Bytes of a leaf hash, a root and each hash of a proof (``SOCLE_LEDGER_HASH_BYTES``).
HASH_BYTES: int = lib.SOCLE_LEDGER_HASH_BYTES
# A proof of a tree of at most 2**64 entries has at most 64 hashes.
_MAX_PROOF_HASHES = 64


class Durability(enum.IntEnum):
    """When an appended entry is on disk (``SOCLE_DURABILITY_*``)."""

    SYNC = lib.SOCLE_DURABILITY_SYNC
    GROUP = lib.SOCLE_DURABILITY_GROUP
    NONE = lib.SOCLE_DURABILITY_NONE


class LedgerEntryType(enum.IntEnum):
    """What an entry records (``SOCLE_LEDGER_ENTRY_*``)."""

    ACCESS_DECISION = lib.SOCLE_LEDGER_ENTRY_ACCESS_DECISION
    OPERATION = lib.SOCLE_LEDGER_ENTRY_OPERATION
    TAMPER_ALERT = lib.SOCLE_LEDGER_ENTRY_TAMPER_ALERT
    STATE_EVENT = lib.SOCLE_LEDGER_ENTRY_STATE_EVENT
    SHARING_DECISION = lib.SOCLE_LEDGER_ENTRY_SHARING_DECISION


class TrailOperation(enum.IntEnum):
    """Privileged operations the trail records (``SOCLE_TRAIL_OPERATION_*``)."""

    TOKEN_REVERSAL = lib.SOCLE_TRAIL_OPERATION_TOKEN_REVERSAL
    KEY_ROTATION = lib.SOCLE_TRAIL_OPERATION_KEY_ROTATION
    CRYPTO_SHREDDING = lib.SOCLE_TRAIL_OPERATION_CRYPTO_SHREDDING
    POLICY_LOADED = lib.SOCLE_TRAIL_OPERATION_POLICY_LOADED
    TRAIL_READ = lib.SOCLE_TRAIL_OPERATION_TRAIL_READ
    EXPORT = lib.SOCLE_TRAIL_OPERATION_EXPORT
    SHARE = lib.SOCLE_TRAIL_OPERATION_SHARE


class Checkpoint(NamedTuple):
    """A signed checkpoint: the ledger had ``size`` entries and this ``root``; ``note`` is the
    C2SP signed note (verify it with :attr:`Ledger.verifier_key`)."""

    size: int
    root: bytes
    note: str


class InclusionProof(NamedTuple):
    """An RFC 9162 inclusion proof of entry ``index`` in the tree of ``tree_size`` entries."""

    index: int
    tree_size: int
    leaf_hash: bytes
    hashes: List[bytes]


class Verification(NamedTuple):
    """What :meth:`Ledger.verify` found. When not ``ok``, ``first_bad_index`` is the first entry
    that is not as appended and ``problem`` says what."""

    ok: bool
    entries: int
    first_bad_index: int
    problem: str

    def __bool__(self) -> bool:
        return self.ok


class CurrentAccess(NamedTuple):
    """One line of :meth:`AccessTrail.current_access`: who may read the file, and why."""
    professional: str
    role: str
    structure: str
    basis: str  # "team", "referent", "grant", "break_glass"
    team: str  # for "team"
    expires_at: Optional[datetime.datetime]  # None: no end


class LedgerEntry(NamedTuple):
    """One stored entry: its ``data`` is the serialized socle.v1.LedgerEntry the leaf hashes
    (empty when ``pruned``)."""

    index: int
    type: Any  # LedgerEntryType, or an int a newer library added
    time: datetime.datetime
    pruned: bool
    leaf_hash: bytes
    data: bytes


class HistoryEntry(NamedTuple):
    """One line of a person's history, decrypted (``readable`` False once the person was shredded
    or the bytes pruned; the ``proof`` still holds against ``checkpoint_note``)."""

    index: int
    time: datetime.datetime
    type: Any  # LedgerEntryType
    readable: bool
    actor: str
    role: str
    structure: str
    action: Any  # Action, or 0 for an operation
    item: str
    category: str
    purpose: str
    allowed: bool
    reason: str
    rule: str
    break_glass: bool
    justification: str
    revision: int
    operation: str
    detail: str
    proof: InclusionProof
    checkpoint_note: str
    # A sharing decision (type SHARING_DECISION): its socle.SharingRecord; None otherwise.
    sharing: Any = None


def _time(unix_seconds: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(unix_seconds, datetime.timezone.utc)


def _enum_or_int(cls: Any, value: int) -> Any:
    try:
        return cls(value)
    except ValueError:
        return value


def _text_bytes(value: Optional[Bytes], what: str) -> bytes:
    return b"" if value is None else _bytes(value, what)


def _proof(function: Any, *arguments: Any) -> tuple:
    """Calls a proof function of the C ABI (``arguments`` up to its outputs) and returns the leaf
    hash and the hashes."""
    leaf = ffi.new("uint8_t[]", HASH_BYTES)
    hashes = ffi.new("uint8_t[]", _MAX_PROOF_HASHES * HASH_BYTES)
    count = ffi.new("size_t*")
    with _ErrorSlot() as slot:
        check(function(*arguments, leaf, HASH_BYTES, hashes, _MAX_PROOF_HASHES * HASH_BYTES,
                       count, slot.pointer), slot.error)
    raw = ffi.buffer(hashes, count[0] * HASH_BYTES)[:]
    return (ffi.buffer(leaf, HASH_BYTES)[:],
            [raw[i:i + HASH_BYTES] for i in range(0, len(raw), HASH_BYTES)])


def _ledger_options(durability: Optional[Union[Durability, int]],
                    group_commit_delay: Optional[float], checkpoint_every: Optional[int],
                    checkpoint_interval: Optional[float], witness_path: Optional[Path]) -> Any:
    """A ``socle_ledger_options*`` with what is given set; the caller ``ffi.release``s it."""
    options = _new_object("socle_ledger_options", lib.socle_ledger_options_new,
                          lib.socle_ledger_options_free)
    try:
        with _ErrorSlot() as slot:
            if durability is not None:
                check(lib.socle_ledger_options_set_durability(options, int(durability),
                                                              slot.pointer), slot.error)
            if group_commit_delay is not None:
                check(lib.socle_ledger_options_set_group_commit_delay_micros(
                    options, int(round(group_commit_delay * 1e6)), slot.pointer), slot.error)
            if checkpoint_every is not None:
                check(lib.socle_ledger_options_set_checkpoint_every(
                    options, checkpoint_every, slot.pointer), slot.error)
            if checkpoint_interval is not None:
                check(lib.socle_ledger_options_set_checkpoint_interval_millis(
                    options, int(round(checkpoint_interval * 1e3)), slot.pointer), slot.error)
            if witness_path is not None:
                check(lib.socle_ledger_options_set_witness_path(
                    options, _c_string(witness_path, "witness_path"), slot.pointer),
                    slot.error)
    except BaseException:
        ffi.release(options)
        raise
    return options


class Ledger(_Handle):
    """A tamper-evident, append-only ledger (``socle_ledger``).

    Iterating a ledger yields its :class:`LedgerEntry` objects in order, read a page at a time.
    """

    __slots__ = ()

    def __init__(self) -> None:
        raise TypeError("use Ledger.open()")

    @classmethod
    def open(cls, vault: Vault, db_path: Path, name: str = "access_trail", *,
             durability: Optional[Union[Durability, int]] = None,
             group_commit_delay: Optional[float] = None,
             checkpoint_every: Optional[int] = None,
             checkpoint_interval: Optional[float] = None,
             witness_path: Optional[Path] = None) -> "Ledger":
        """Opens the ledger `name` ("access_trail", "state") in the SQLite file `db_path`
        (created with mode 0600 if missing), its keys held by `vault` (which the ledger keeps
        alive). Options: `durability` (:class:`Durability`, default GROUP),
        `group_commit_delay` in seconds (1e-4 to 1), a checkpoint every `checkpoint_every`
        entries or `checkpoint_interval` seconds (0: never by that measure), `witness_path`
        (default: the database's path + ".checkpoint")."""
        options = _ledger_options(durability, group_commit_delay, checkpoint_every,
                                  checkpoint_interval, witness_path)
        try:
            encoded_name = name.encode("utf-8")
            out = ffi.new("socle_ledger**")
            with _ErrorSlot() as slot:
                check(lib.socle_ledger_open(vault._live(), _c_string(db_path, "db_path"),
                                            encoded_name, len(encoded_name), options, out,
                                            slot.pointer), slot.error)
        finally:
            ffi.release(options)
        return cls._adopt(out[0])

    @classmethod
    def _adopt(cls, handle: Any) -> "Ledger":
        ledger = cls.__new__(cls)
        ledger._own(handle, lib.socle_ledger_free)
        return ledger

    @property
    def name(self) -> str:
        return _text(lib.socle_ledger_name(self._live()))

    @property
    def origin(self) -> str:
        """The checkpoints' origin line ("socle/<tenant>/<name>")."""
        return _text(lib.socle_ledger_origin(self._live()))

    @property
    def verifier_key(self) -> str:
        """The C2SP note verifier key of the checkpoints, for third parties."""
        return _text(lib.socle_ledger_verifier_key(self._live()))

    def append(self, type: Union[LedgerEntryType, int], payload: Bytes,
               person: Optional[str] = None) -> int:
        """Appends one entry (`payload`: a serialized record), sealed for `person` when given,
        and returns a ticket for :meth:`wait_durable`."""
        data = _text_bytes(payload, "payload")
        who = _text_bytes(person, "person")
        ticket = ffi.new("uint64_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_ledger_append(self._live(), int(type), who, len(who), data, len(data),
                                          ticket, slot.pointer), slot.error)
        return int(ticket[0])

    def wait_durable(self, ticket: int) -> int:
        """Waits until the entries of `ticket` are durable; returns the index of the first."""
        index = ffi.new("uint64_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_ledger_wait_durable(self._live(), ticket, index, slot.pointer),
                  slot.error)
        return int(index[0])

    def flush(self) -> None:
        """Waits until everything appended through this object is durable."""
        with _ErrorSlot() as slot:
            check(lib.socle_ledger_flush(self._live(), slot.pointer), slot.error)

    def size(self) -> int:
        """The number of entries in the database (every process's)."""
        out = ffi.new("uint64_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_ledger_size(self._live(), out, slot.pointer), slot.error)
        return int(out[0])

    def __len__(self) -> int:
        return self.size()

    def checkpoint(self) -> Checkpoint:
        """Flushes, then signs a checkpoint of the current tree (or returns the latest if it
        already covers it)."""
        note = ffi.new("socle_buffer*")
        size = ffi.new("uint64_t*")
        root = ffi.new("uint8_t[]", HASH_BYTES)
        with _ErrorSlot() as slot:
            check(lib.socle_ledger_checkpoint(self._live(), note, size, root, HASH_BYTES,
                                              slot.pointer), slot.error)
        return Checkpoint(int(size[0]), ffi.buffer(root, HASH_BYTES)[:],
                          _take(note).decode("utf-8"))

    def prove(self, index: int, tree_size: int = 0) -> InclusionProof:
        """The inclusion proof of entry `index` in the tree of `tree_size` entries (0: the latest
        checkpoint's size)."""
        size = ffi.new("uint64_t*")
        leaf, hashes = _proof(lib.socle_ledger_prove_inclusion, self._live(), index, tree_size,
                              size)
        return InclusionProof(index, int(size[0]), leaf, hashes)

    def verify(self) -> Verification:
        """Recomputes every leaf hash, row MAC and checkpoint; compares with the witness file."""
        ok = ffi.new("int32_t*")
        entries = ffi.new("uint64_t*")
        bad = ffi.new("uint64_t*")
        problem = ffi.new("socle_buffer*")
        with _ErrorSlot() as slot:
            check(lib.socle_ledger_verify(self._live(), ok, entries, bad, problem, slot.pointer),
                  slot.error)
        return Verification(ok[0] == 1, int(entries[0]), int(bad[0]),
                            _take(problem).decode("utf-8", "replace"))

    def read_entries(self, begin: int = 0, max_count: int = 256) -> List[LedgerEntry]:
        """Up to `max_count` entries from index `begin` (fewer at the end)."""
        out = ffi.new("socle_ledger_entries**")
        with _ErrorSlot() as slot:
            check(lib.socle_ledger_read_entries(self._live(), begin, max_count, out,
                                                slot.pointer), slot.error)
        page = ffi.gc(out[0], lib.socle_ledger_entries_free)
        try:
            result = []
            leaf = ffi.new("uint8_t[]", HASH_BYTES)
            for i in range(lib.socle_ledger_entries_count(page)):
                data = ffi.new("socle_buffer*")
                with _ErrorSlot() as slot:
                    check(lib.socle_ledger_entries_bytes(page, i, data, leaf, HASH_BYTES,
                                                         slot.pointer), slot.error)
                result.append(LedgerEntry(
                    int(lib.socle_ledger_entries_index(page, i)),
                    _enum_or_int(LedgerEntryType, lib.socle_ledger_entries_type(page, i)),
                    _time(lib.socle_ledger_entries_time_unix_seconds(page, i)),
                    lib.socle_ledger_entries_pruned(page, i) == 1,
                    ffi.buffer(leaf, HASH_BYTES)[:], _take(data)))
            return result
        finally:
            ffi.release(page)

    def entries(self, begin: int = 0, page_size: int = 256) -> Iterator[LedgerEntry]:
        """Every entry from `begin`, in order, read `page_size` at a time."""
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        while True:
            page = self.read_entries(begin, page_size)
            yield from page
            if len(page) < page_size:
                return
            begin = page[-1].index + 1

    def __iter__(self) -> Iterator[LedgerEntry]:
        return self.entries()

    def update_entry(self, index: int, actor: str) -> None:
        """Always raises :class:`LogTamperAttemptError`, after recording a tamper alert naming
        `actor`: entries are never changed."""
        self._tamper(lib.socle_ledger_update_entry, index, actor)

    def delete_entry(self, index: int, actor: str) -> None:
        """Always raises :class:`LogTamperAttemptError`, after recording a tamper alert naming
        `actor`: entries are never removed."""
        self._tamper(lib.socle_ledger_delete_entry, index, actor)

    def _tamper(self, function: Any, index: int, actor: str) -> None:
        who = _text_bytes(actor, "actor")
        with _ErrorSlot() as slot:
            check(function(self._live(), index, who, len(who), slot.pointer), slot.error)

    def prune_before(self, cutoff: Time) -> int:
        """Retention: removes the bytes of every entry older than `cutoff` (Unix seconds or an
        aware datetime), keeping its leaf hash. Returns how many entries were pruned."""
        out = ffi.new("uint64_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_ledger_prune_before(self._live(), _unix(cutoff), out, slot.pointer),
                  slot.error)
        return int(out[0])

    def __repr__(self) -> str:
        if self.closed:
            return "<socle.Ledger (closed)>"
        return f"<socle.Ledger {self.origin!r}>"


def _sharing_record(page: Any, i: int) -> Any:
    from ._sharing import _sharing_record as read  # its module imports this one
    return read(page, i)


def _history_entry(page: Any, i: int, note: str, tree_size: int) -> HistoryEntry:
    def text(function: Any) -> str:
        return _text(function(page, i))

    index = int(lib.socle_history_entry_index(page, i))
    leaf, hashes = _proof(lib.socle_history_entry_proof, page, i)
    action = lib.socle_history_entry_action(page, i)
    return HistoryEntry(
        index=index,
        time=_time(lib.socle_history_entry_time_unix_seconds(page, i)),
        type=_enum_or_int(LedgerEntryType, lib.socle_history_entry_type(page, i)),
        readable=lib.socle_history_entry_readable(page, i) == 1,
        actor=text(lib.socle_history_entry_actor),
        role=text(lib.socle_history_entry_role),
        structure=text(lib.socle_history_entry_structure),
        action=_enum_or_int(Action, action) if action else 0,
        item=text(lib.socle_history_entry_item),
        category=text(lib.socle_history_entry_category),
        purpose=text(lib.socle_history_entry_purpose),
        allowed=lib.socle_history_entry_allowed(page, i) == 1,
        reason=text(lib.socle_history_entry_reason),
        rule=text(lib.socle_history_entry_rule),
        break_glass=lib.socle_history_entry_break_glass(page, i) == 1,
        justification=text(lib.socle_history_entry_justification),
        revision=int(lib.socle_history_entry_revision(page, i)),
        operation=text(lib.socle_history_entry_operation),
        detail=text(lib.socle_history_entry_detail),
        proof=InclusionProof(index, tree_size, leaf, hashes),
        checkpoint_note=note,
        sharing=_sharing_record(page, i))


class AccessTrail(_Handle):
    """Decides and records (``socle_access_trail``): :meth:`decide` and :meth:`decide_many`
    take the arguments of :meth:`AccessEngine.decide` and :meth:`AccessEngine.decide_many`, and
    every decision they return is already in the trail. The trail keeps its ledger and its
    engine alive."""

    __slots__ = ("_engine", "_ledger")

    def __init__(self) -> None:
        raise TypeError("use AccessTrail.create()")

    @classmethod
    def create(cls, ledger: Ledger, engine: AccessEngine) -> "AccessTrail":
        """A trail recording `engine`'s decisions in `ledger` (opened with the name
        "access_trail"). Records the policy the engine decides under."""
        out = ffi.new("socle_access_trail**")
        with _ErrorSlot() as slot:
            check(lib.socle_access_trail_create(ledger._live(), engine._live(), out,
                                                slot.pointer), slot.error)
        trail = cls.__new__(cls)
        trail._own(out[0], lib.socle_access_trail_free)
        # The C trail needs the engine to outlive it: so does this object.
        trail._engine = engine
        trail._ledger = ledger
        return trail

    @property
    def engine(self) -> AccessEngine:
        return self._engine

    @property
    def ledger(self) -> Ledger:
        return self._ledger

    def decide(self, actor: Id, person: Id, category: Id, purpose: Id,
               action: Union[int, str] = Action.READ, *,
               entry_kind: Union[int, str] = EntryKind.FACT, author: Optional[Id] = None,
               masked: bool = False, item: Optional[Union[str, bytes]] = None,
               time: Time = None, justification: Optional[str] = None,
               restriction_justification: Union[int, str] = 0) -> Decision:
        """As :meth:`AccessEngine.decide`, and the decision is recorded (sealed for the person)
        before it is returned; `justification` is the professional's (break-the-glass). If it
        cannot be recorded this raises: show nothing."""
        request, keep = self._engine._request(actor, person, category, purpose, action,
                                              entry_kind, author, masked, item, time,
                                              restriction_justification)
        why = _text_bytes(justification, "justification")
        out = ffi.new("socle_decision*")
        with _ErrorSlot() as slot:
            check(lib.socle_access_trail_decide(self._live(), request, why, len(why), out,
                                                slot.pointer), slot.error)
        del keep
        return Decision(out.effect, out.reason, out.rule, out.obligations, out.revision,
                        self._engine)

    def decide_many(self, actors: Any, persons: Any, categories: Any, purposes: Any,
                    actions: Any = Action.READ, **options: Any) -> Decisions:
        """As :meth:`AccessEngine.decide_many` (same columns and options), on one snapshot, every
        decision recorded in one append."""
        handle = self._live()
        return self._engine._decide_columns(
            lambda *arguments: lib.socle_access_trail_decide_columns(handle, *arguments),
            actors, persons, categories, purposes, actions, **options)

    def record_operation(self, operation: Union[TrailOperation, int], actor: str,
                         person: Optional[str] = None, detail: str = "") -> None:
        """Records a privileged operation by `actor` about `person` (None: about no one);
        `detail` is a few words for the reader, no secret and no identifier."""
        a = _text_bytes(actor, "actor")
        p = _text_bytes(person, "person")
        d = _text_bytes(detail, "detail")
        with _ErrorSlot() as slot:
            check(lib.socle_access_trail_record_operation(self._live(), int(operation), a, len(a),
                                                          p, len(p), d, len(d), slot.pointer),
                  slot.error)

    # -- export files (socle/_export.py; docs/exports.md) ----------------------------------------

    def write_access_request(self, **arguments: Any) -> Any:
        """Writes the person's access request (GDPR art. 15) to the file `out`, signed with
        `signing_key` (:class:`socle.ExportSigningKey`) and sealed to `recipients` (none: signed
        only): `identity` (a dict, protobuf's JSON mapping of socle.v1.Identity, e.g.
        ``{"person": "P-1", "familyName": "Martin"}``), every entry of `entries` (an iterable of
        dicts as socle.v1.Entry, e.g. a generator over a database cursor: streamed, one at a
        time), the person's summary and the access history of their file. `requested_by` is the
        person or their representative, `handled_by` the professional who prepares it (recorded
        in the trail first). Returns a :class:`socle.ExportReport`. On error no file is left; an
        exception raised by `entries` is raised again as is."""
        from ._export import write_access_request
        return write_access_request(self, **arguments)

    def write_portability(self, **arguments: Any) -> Any:
        """As :meth:`write_access_request`, the data the person provided (entries with
        ``providedByPerson``) of the activities where portability applies (GDPR art. 20); takes
        the engine's `policy` too, whose notice goes in the header."""
        from ._export import write_portability
        return write_portability(self, **arguments)

    def write_audit_extract(self, **arguments: Any) -> Any:
        """Writes the entries [`begin`, `end`) of the trail (`end` 0: all) with their proofs for
        `auditor` (a professional whose role has SECURITY_AUDITOR) to the file `out`, signed with
        `signing_key`; `since_size`: the size of a checkpoint the auditor holds. Returns a
        :class:`socle.ExportReport`."""
        from ._export import write_audit_extract
        return write_audit_extract(self, **arguments)

    def current_access(self, person: str) -> List["CurrentAccess"]:
        """Who may read `person`'s file now, and why (REQ-55): one line per professional and
        basis ("team", "referent", "grant", "break_glass")."""
        p = _text_bytes(person, "person")
        out = ffi.new("socle_current_access**")
        with _ErrorSlot() as slot:
            check(lib.socle_access_trail_current_access(self._live(), p, len(p), out,
                                                        slot.pointer), slot.error)
        try:
            lines = []
            for i in range(lib.socle_current_access_count(out[0])):
                expires = int(lib.socle_current_access_expires_unix_seconds(out[0], i))
                lines.append(CurrentAccess(
                    _text(lib.socle_current_access_professional(out[0], i)),
                    _text(lib.socle_current_access_role(out[0], i)),
                    _text(lib.socle_current_access_structure(out[0], i)),
                    _text(lib.socle_current_access_basis(out[0], i)),
                    _text(lib.socle_current_access_team(out[0], i)),
                    datetime.datetime.fromtimestamp(expires, datetime.timezone.utc)
                    if expires else None))
            return lines
        finally:
            lib.socle_current_access_free(out[0])

    def history(self, person: str, *, reader: Optional[str] = None,
                reader_is_person: bool = False, since: Time = None, until: Time = None,
                page_size: int = 100) -> Iterator[HistoryEntry]:
        """The history of `person`: an iterator over :class:`HistoryEntry` (with since <= time
        < until), reading pages of `page_size` through the trail as they are needed (each page
        read is itself recorded). `reader` is a professional whose role has SECURITY_AUDITOR,
        or, with `reader_is_person`, the person themselves (default: `person`). Anyone else
        gets :class:`PermissionDeniedError` (recorded) on the first ``next()``."""
        if reader is None:
            if not reader_is_person:
                raise TypeError("history() needs reader=, or reader_is_person=True")
            reader = person
        who = _text_bytes(person, "person")
        by = _text_bytes(reader, "reader")
        since_s, until_s = _unix(since), _unix(until)
        handle = self._live()
        trail = self  # keeps the trail (and its ledger and engine) alive while iterating

        def pages() -> Iterator[HistoryEntry]:
            after = -1
            while True:
                out = ffi.new("socle_history**")
                with _ErrorSlot() as slot:
                    check(lib.socle_access_trail_history(
                        handle, who, len(who), by, len(by), 1 if reader_is_person else 0,
                        since_s, until_s, after, page_size, out, slot.pointer), slot.error)
                page = ffi.gc(out[0], lib.socle_history_free)
                try:
                    note = _text(lib.socle_history_checkpoint_note(page))
                    size = int(lib.socle_history_checkpoint_size(page))
                    entries = [_history_entry(page, i, note, size)
                               for i in range(lib.socle_history_entry_count(page))]
                    after = int(lib.socle_history_next_after(page))
                finally:
                    ffi.release(page)
                yield from entries
                if after == -1 or trail.closed:
                    return

        return pages()

    def __repr__(self) -> str:
        return "<socle.AccessTrail (closed)>" if self.closed else "<socle.AccessTrail>"


class Storage(_Handle):
    """Where the vault and the ledgers live (``socle_storage``; docs/postgresql.md).

    One location chooses the backend of the vault, the access trail and the state ledger at
    once: a directory (SQLite files ``vault.db`` and ``<ledger name>.db``, created with mode
    0700 if absent) or a PostgreSQL database named by a libpq URI (``postgresql://…`` or
    ``postgres://…``), shared by every application server, which then needs `witness_dir`, a
    local directory of this server for the ledgers' witness files::

        storage = socle.Storage.open("/var/lib/ccas")
        vault = storage.open_vault(provider, "ccas-lyon")
        trail = storage.open_ledger(vault, "access_trail")

    Messages name a URI without its password or query. Immutable: safe for concurrent use. The
    vaults and ledgers it opened stay open when it is closed.
    """

    __slots__ = ()

    def __init__(self) -> None:
        raise TypeError("use Storage.open(location, witness_dir=None)")

    @classmethod
    def open(cls, location: Path, witness_dir: Optional[Path] = None) -> "Storage":
        """Opens `location`, a directory or a PostgreSQL URI. Connects to nothing yet:
        :meth:`open_vault` and :meth:`open_ledger` connect. A file where the directory should
        be, a malformed URI (never quoted: it may hold a password) or a URI without
        `witness_dir` raise :class:`InvalidArgumentError`."""
        encoded = _c_string(location, "location")
        witness = ffi.NULL if witness_dir is None else _c_string(witness_dir, "witness_dir")
        out = ffi.new("socle_storage**")
        with _ErrorSlot() as slot:
            check(lib.socle_storage_open(encoded, witness, out, slot.pointer), slot.error)
        storage = cls.__new__(cls)
        storage._own(out[0], lib.socle_storage_free)
        return storage

    @property
    def is_postgresql(self) -> bool:
        """Whether the location is a PostgreSQL database (False: a directory)."""
        return lib.socle_storage_is_postgresql(self._live()) == 1

    @property
    def location(self) -> str:
        """The location as shown in messages (a URI without its password or query)."""
        return _text(lib.socle_storage_location(self._live()))

    def open_vault(self, provider: KeyProvider, tenant: str, *,
                   cache_capacity: Optional[int] = None,
                   cache_ttl_seconds: Optional[int] = None) -> Vault:
        """:meth:`Vault.open` on this storage: the directory's ``vault.db``, or the database's
        schema ``socle_vault``. Same options as :meth:`Vault.open`."""
        _check_provider(provider)
        options = _vault_options(cache_capacity, cache_ttl_seconds)
        t = _bytes(tenant, "tenant")
        out = ffi.new("socle_vault**")
        with _ErrorSlot() as slot:
            check(lib.socle_vault_open_in(provider._live(), self._live(), t, len(t), options,
                                          out, slot.pointer), slot.error)
        return Vault._adopt(out[0], provider)

    def open_ledger(self, vault: Vault, name: str = "access_trail", *,
                    durability: Optional[Union[Durability, int]] = None,
                    group_commit_delay: Optional[float] = None,
                    checkpoint_every: Optional[int] = None,
                    checkpoint_interval: Optional[float] = None,
                    witness_path: Optional[Path] = None) -> Ledger:
        """:meth:`Ledger.open` on this storage: the directory's ``<name>.db``, or the database's
        schema ``socle_<name>`` (name at most 57 bytes). Same options as :meth:`Ledger.open`;
        without `witness_path`, the witness is beside the file, or
        ``<witness_dir>/<name>.checkpoint``."""
        options = _ledger_options(durability, group_commit_delay, checkpoint_every,
                                  checkpoint_interval, witness_path)
        try:
            encoded_name = name.encode("utf-8")
            out = ffi.new("socle_ledger**")
            with _ErrorSlot() as slot:
                check(lib.socle_ledger_open_in(vault._live(), self._live(), encoded_name,
                                               len(encoded_name), options, out, slot.pointer),
                      slot.error)
        finally:
            ffi.release(options)
        return Ledger._adopt(out[0])

    def __repr__(self) -> str:
        if self.closed:
            return "<socle.Storage (closed)>"
        return f"<socle.Storage location={self.location!r}>"
