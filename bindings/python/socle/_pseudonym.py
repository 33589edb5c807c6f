"""Pseudonymisation: domains, keyed pseudonyms, reversible tokens, rotation (section
"pseudonym" of socle.h; docs/pseudonyms.md). Re-exported by ``socle``: use
``socle.Pseudonymizer``.
"""

from __future__ import annotations

import enum
from typing import (Any, Callable, Iterable, List, Mapping, NamedTuple, Optional, Sequence,
                    Tuple, Union)

from . import Error, InvalidArgumentError, Policy, _ErrorSlot, _Handle, _take, check
from ._native import ffi, lib

__all__ = ["PseudonymContext", "PseudonymKind", "Pseudonymizer", "ReversalEvent"]

Bytes = Union[bytes, bytearray, memoryview, str]

PSEUDONYM_BYTES: int = lib.SOCLE_PSEUDONYM_BYTES
PSEUDONYM_TEXT_LEN: int = lib.SOCLE_PSEUDONYM_TEXT_LEN


class PseudonymKind(enum.IntEnum):
    """The kind of a pseudonymisation domain (``SOCLE_PSEUDONYM_KIND_*``)."""

    PERSON = lib.SOCLE_PSEUDONYM_KIND_PERSON
    RELATIONSHIP = lib.SOCLE_PSEUDONYM_KIND_RELATIONSHIP
    TRANSACTION = lib.SOCLE_PSEUDONYM_KIND_TRANSACTION


class ReversalEvent(NamedTuple):
    """One reversal call, as reported to the reversal hook (never the token or the
    identifier): who, with which role and reason, in which domain, the token's key version (0
    when unreadable), the outcome (the status the call returns; 0 = identifier released) and
    when (Unix microseconds)."""

    actor: str
    role: str
    reason: str
    domain: str
    token_version: int
    outcome: int
    time_unix_micros: int


def _data(value: Bytes, what: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be bytes or str, not {type(value).__name__}")


def _string(pointer: Any, length: int) -> str:
    return ffi.unpack(pointer, length).decode("utf-8", "replace") if length else ""


class Pseudonymizer(_Handle):
    """The policy's pseudonymisation domains with keys derived from master secrets.

    ``Pseudonymizer(policy, vault)`` takes the pseudonymisation master secrets held in a
    :class:`socle.Vault` (they never reach Python). ``Pseudonymizer(policy, {1: secret_v1,
    2: secret_v2})`` takes them from memory instead: `secrets` maps versions (1 to 9999) to
    master secrets of 16 to 64 bytes; the highest is current. Options:
    `base_version` (first version of the chain), `retired_through`, `reversal_rate_limit`
    ``(capacity, window_seconds)`` per actor, `reason_codes` (the allowed reversal reasons;
    none: free text) and `reversal_hook`, a callable receiving every reversal call as a
    :class:`ReversalEvent` (from any thread; return None or 0 to record it, raise or return a
    status to withhold the identifier). Without a hook, :meth:`reverse` always fails.

    Pseudonyms are computed in a :class:`PseudonymContext` (:meth:`context`): one per export
    for TRANSACTION domains (a fresh secret each), reusable for PERSON and RELATIONSHIP ones.
    :meth:`pseudonyms` is the shortcut for one batch. Thread-safe.
    """

    __slots__ = ("_hook",)

    def __init__(self, policy: Policy, secrets: Union[Mapping[int, Bytes], Any], *,
                 base_version: Optional[int] = None, retired_through: Optional[int] = None,
                 reversal_rate_limit: Optional[Tuple[int, int]] = None,
                 reason_codes: Iterable[str] = (),
                 reversal_hook: Optional[Callable[[ReversalEvent], Optional[int]]] = None
                 ) -> None:
        if not isinstance(policy, Policy):
            raise TypeError(f"Pseudonymizer needs a socle.Policy, not {type(policy).__name__}")
        self._hook: Any = None
        from ._vault import Vault  # a secret source held by socle itself
        vault = secrets if isinstance(secrets, Vault) else None
        held: Any = None
        if vault is None:
            out_secrets = ffi.new("socle_pseudonym_secrets**")
            with _ErrorSlot() as slot:
                check(lib.socle_pseudonym_secrets_new(out_secrets, slot.pointer), slot.error)
            held = ffi.gc(out_secrets[0], lib.socle_pseudonym_secrets_free)
            for version, secret in secrets.items():
                data = ffi.from_buffer(_data(secret, "secret"))
                with _ErrorSlot() as slot:
                    check(lib.socle_pseudonym_secrets_add(held, version, data, len(data),
                                                          slot.pointer), slot.error)
        out_options = ffi.new("socle_pseudonymizer_options**")
        with _ErrorSlot() as slot:
            check(lib.socle_pseudonymizer_options_new(out_options, slot.pointer), slot.error)
        options = ffi.gc(out_options[0], lib.socle_pseudonymizer_options_free)
        with _ErrorSlot() as slot:
            if base_version is not None:
                check(lib.socle_pseudonymizer_options_set_base_version(
                    options, base_version, slot.pointer), slot.error)
            if retired_through is not None:
                check(lib.socle_pseudonymizer_options_set_retired_through(
                    options, retired_through, slot.pointer), slot.error)
            if reversal_rate_limit is not None:
                capacity, window = reversal_rate_limit
                check(lib.socle_pseudonymizer_options_set_reversal_rate_limit(
                    options, capacity, window, slot.pointer), slot.error)
            for code in reason_codes:
                c = _data(code, "reason code")
                check(lib.socle_pseudonymizer_options_add_reason_code(options, c, len(c),
                                                                      slot.pointer), slot.error)
            if reversal_hook is not None:
                self._hook = self._callback(reversal_hook)
                check(lib.socle_pseudonymizer_options_set_reversal_hook(
                    options, self._hook, ffi.NULL, slot.pointer), slot.error)
        out = ffi.new("socle_pseudonymizer**")
        with _ErrorSlot() as slot:
            if vault is not None:
                check(lib.socle_pseudonymizer_new_from_vault(out, policy._live(), vault._live(),
                                                             options, slot.pointer), slot.error)
            else:
                check(lib.socle_pseudonymizer_new(out, policy._live(), held, options,
                                                  slot.pointer), slot.error)
        if held is not None:
            ffi.release(held)  # wipes the secrets' copy now; the pseudonymizer has its keys
        ffi.release(options)
        self._own(out[0], lib.socle_pseudonymizer_free)

    @staticmethod
    def _callback(hook: Callable[[ReversalEvent], Optional[int]]) -> Any:
        internal = int(lib.SOCLE_E_INTERNAL)

        def call(_: Any, event: Any) -> int:
            try:
                result = hook(ReversalEvent(
                    _string(event.actor, event.actor_len), _string(event.role, event.role_len),
                    _string(event.reason, event.reason_len),
                    _string(event.domain, event.domain_len), int(event.token_version),
                    int(event.outcome), int(event.time_unix_micros)))
                return int(result or 0)
            except Error as e:
                return int(e.code) if e.code > 0 else internal
            except BaseException:  # noqa: B902 - nothing may propagate into C
                return internal

        # The C side borrows the callback: it lives as long as this Pseudonymizer (_hook).
        return ffi.callback("socle_reversal_hook", call, error=internal)

    @property
    def current_version(self) -> int:
        return int(lib.socle_pseudonymizer_current_version(self._live()))

    def domain_kind(self, domain: str) -> Optional[PseudonymKind]:
        """The kind of `domain`, or None when it is not a domain of the policy."""
        d = _data(domain, "domain")
        kind = lib.socle_pseudonymizer_domain_kind(self._live(), d, len(d))
        return PseudonymKind(kind) if kind else None

    def retire(self, version: int) -> None:
        """Retires every version up to `version` (below the current one). Made from a
        :class:`socle.Vault`, this is recorded in the vault: every pseudonymizer of that
        database, in any process and after a restart, refuses those versions too."""
        with _ErrorSlot() as slot:
            check(lib.socle_pseudonymizer_retire(self._live(), version, slot.pointer),
                  slot.error)

    def context(self, domain: str, relationship: Optional[str] = None,
                version: int = 0) -> "PseudonymContext":
        """A context for the pseudonyms of one export to `domain` (`relationship` names the
        relationship of a RELATIONSHIP domain; `version` 0: the current one)."""
        return PseudonymContext(self, domain, relationship, version)

    def pseudonyms(self, domain: str, ids: Sequence[Bytes], relationship: Optional[str] = None,
                   version: int = 0) -> List[str]:
        """The text pseudonyms of `ids` in `domain`, in one batch call (for a TRANSACTION
        domain, this batch is one export: fresh pseudonyms, unlinkable to any other call)."""
        with self.context(domain, relationship, version) as context:
            return context.pseudonyms(ids)

    def rotate(self, domain: str, pseudonyms: Sequence[str]) -> List[str]:
        """Carries text pseudonyms of `domain` (any version from the base to the current one)
        forward to the current version, from the old pseudonyms alone (PERSON and RELATIONSHIP
        domains only)."""
        d = _data(domain, "domain")
        encoded = [_data(p, "pseudonym") for p in pseudonyms]
        if any(len(p) != PSEUDONYM_TEXT_LEN for p in encoded):
            raise InvalidArgumentError(
                f"every pseudonym must be {PSEUDONYM_TEXT_LEN} characters long")
        data = b"".join(encoded)
        out = ffi.new("char[]", max(1, len(data)))
        with _ErrorSlot() as slot:
            check(lib.socle_pseudonym_rotate_batch(self._live(), d, len(d), data, len(encoded),
                                                   out, len(data), slot.pointer), slot.error)
        text = ffi.buffer(out, len(data))[:].decode("ascii")
        return [text[i:i + PSEUDONYM_TEXT_LEN] for i in range(0, len(text), PSEUDONYM_TEXT_LEN)]

    def token(self, domain: str, id: Bytes) -> str:
        """The reversible token of `id` (1 to 255 bytes) in a PERSON or RELATIONSHIP `domain`
        (deterministic: the same identifier gives the same token)."""
        d, i = _data(domain, "domain"), _data(id, "id")
        out = ffi.new("char[]", lib.SOCLE_TOKEN_MAX_TEXT_LEN)
        written = ffi.new("size_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_token_create(self._live(), d, len(d), i, len(i), out, len(out),
                                         written, slot.pointer), slot.error)
        return ffi.buffer(out, written[0])[:].decode("ascii")

    def tokens(self, domain: str, ids: Iterable[Bytes]) -> List[str]:
        """:meth:`token` for many identifiers."""
        return [self.token(domain, i) for i in ids]

    def reverse(self, token: str, *, domain: str, actor: str, role: str, reason: str) -> bytes:
        """The privileged reversal of a token (REQ-49): `role` must have the
        PSEUDONYM_REVERSAL capability (:class:`PermissionDeniedError`), `actor` is who asks and
        `reason` why; each actor is rate-limited (:class:`ResourceExhaustedError`); a token
        that does not authenticate raises :class:`VerificationFailedError`. Every call is
        reported to the reversal hook. Returns the identifier."""
        a, r, why = _data(actor, "actor"), _data(role, "role"), _data(reason, "reason")
        d, t = _data(domain, "domain"), _data(token, "token")
        buffer = ffi.new("socle_buffer*")
        with _ErrorSlot() as slot:
            status = lib.socle_token_reverse(self._live(), a, len(a), r, len(r), why, len(why),
                                             d, len(d), t, len(t), buffer, slot.pointer)
            if status != lib.SOCLE_OK:
                lib.socle_buffer_free(buffer)
                check(status, slot.error)
        return _take(buffer)

    def __repr__(self) -> str:
        if self.closed:
            return "<socle.Pseudonymizer (closed)>"
        return f"<socle.Pseudonymizer version={self.current_version}>"


class PseudonymContext(_Handle):
    """The pseudonyms of one export to one domain (see :meth:`Pseudonymizer.context`).
    Immutable and thread-safe; it holds copies of its keys and may outlive its
    pseudonymizer."""

    __slots__ = ()

    def __init__(self, pseudonymizer: Pseudonymizer, domain: str,
                 relationship: Optional[str] = None, version: int = 0) -> None:
        d = _data(domain, "domain")
        r = _data(relationship, "relationship") if relationship is not None else b""
        out = ffi.new("socle_pseudonym_context**")
        with _ErrorSlot() as slot:
            check(lib.socle_pseudonym_context_new(out, pseudonymizer._live(), d, len(d),
                                                  r if r else ffi.NULL, len(r), version,
                                                  slot.pointer), slot.error)
        self._own(out[0], lib.socle_pseudonym_context_free)

    def _compute(self, ids: Sequence[Bytes], format: int, width: int) -> bytes:
        encoded = [_data(i, "id") for i in ids]
        if not encoded:
            return b""
        data = b"".join(encoded)
        lengths = ffi.new("size_t[]", [len(e) for e in encoded])
        out = ffi.new("uint8_t[]", width * len(encoded))
        with _ErrorSlot() as slot:
            check(lib.socle_pseudonym_compute_batch(self._live(), data, lengths, len(encoded),
                                                    format, out, len(out), slot.pointer),
                  slot.error)
        return ffi.buffer(out)[:]

    def pseudonym(self, id: Bytes) -> str:
        """The text pseudonym of one identifier (27 characters: kind, version, base64url)."""
        return self.pseudonyms([id])[0]

    def pseudonyms(self, ids: Sequence[Bytes]) -> List[str]:
        """Text pseudonyms of many identifiers, in one C call."""
        text = self._compute(ids, lib.SOCLE_PSEUDONYM_FORMAT_TEXT, PSEUDONYM_TEXT_LEN).decode(
            "ascii")
        return [text[i:i + PSEUDONYM_TEXT_LEN] for i in range(0, len(text), PSEUDONYM_TEXT_LEN)]

    def pseudonyms_binary(self, ids: Sequence[Bytes]) -> bytes:
        """Binary pseudonyms of many identifiers, back to back (16 bytes each), in one C call:
        no Python object per identifier."""
        return self._compute(ids, lib.SOCLE_PSEUDONYM_FORMAT_BINARY, PSEUDONYM_BYTES)

    def __repr__(self) -> str:
        return "<socle.PseudonymContext (closed)>" if self.closed else "<socle.PseudonymContext>"

