"""Pseudonymisation: domains, keyed pseudonyms, reversible tokens, rotation (section
"pseudonym" of socle.h; docs/pseudonyms.md). Re-exported by ``socle``: use
``socle.Pseudonymizer``.
"""

from __future__ import annotations

import enum
from typing import (Any, Callable, Iterable, List, Mapping, NamedTuple, Optional, Sequence,
                    Tuple, Union)

from . import Error, InvalidArgumentError, Policy, _ErrorSlot, _Handle, _new_object, _take, check
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
    """The policy's pseudonymisation domains with keys derived from master secrets
    (``socle_pseudonymizer``, ``socle::Pseudonymizer``).

    ``Pseudonymizer.create_from_vault(policy, vault)`` takes the pseudonymisation master secrets
    held in a :class:`socle.Vault` (they never reach Python). ``Pseudonymizer.create(policy,
    {1: secret_v1, 2: secret_v2})`` takes them from memory instead: versions (1 to 9999) mapped
    to master secrets of 16 to 64 bytes; the highest is current. Options of both:
    `base_version` (first version of the chain), `retired_through`, `reversal_rate_limit`
    ``(capacity, window_seconds)`` per actor, `reason_codes` (the allowed reversal reasons;
    none: free text) and `reversal_hook`, a callable receiving every reversal call as a
    :class:`ReversalEvent` (from any thread; return None or 0 to record it, raise or return a
    status to withhold the identifier). Without a hook, :meth:`reverse_token` always fails.

    Pseudonyms are computed in a :class:`PseudonymContext` (:meth:`new_context`): one per export
    for TRANSACTION domains (a fresh secret each), reusable for PERSON and RELATIONSHIP ones.
    :meth:`compute_batch` is the shortcut for one batch. Thread-safe.
    """

    __slots__ = ("_hook",)

    def __init__(self) -> None:
        raise TypeError("use Pseudonymizer.create(policy, secrets) or "
                        "Pseudonymizer.create_from_vault(policy, vault)")

    @classmethod
    def create(cls, policy: Policy, secrets: Mapping[int, Bytes], *,
               base_version: Optional[int] = None, retired_through: Optional[int] = None,
               reversal_rate_limit: Optional[Tuple[int, int]] = None,
               reason_codes: Iterable[str] = (),
               reversal_hook: Optional[Callable[[ReversalEvent], Optional[int]]] = None
               ) -> "Pseudonymizer":
        """A pseudonymizer over master secrets held in memory: `secrets` maps versions to
        secrets (copied by socle, and wiped there once the keys are derived)."""
        cls._check_policy(policy)
        held = _new_object("socle_pseudonym_secrets", lib.socle_pseudonym_secrets_new,
                           lib.socle_pseudonym_secrets_free)
        try:
            for version, secret in secrets.items():
                data = ffi.from_buffer(_data(secret, "secret"))
                with _ErrorSlot() as slot:
                    check(lib.socle_pseudonym_secrets_add(held, version, data, len(data),
                                                          slot.pointer), slot.error)
            return cls._create(
                lambda options, out, error: lib.socle_pseudonymizer_create(
                    policy._live(), held, options, out, error),
                base_version, retired_through, reversal_rate_limit, reason_codes, reversal_hook)
        finally:
            ffi.release(held)  # wipes the secrets' copy now; the pseudonymizer has its keys

    @classmethod
    def create_from_vault(cls, policy: Policy, vault: Any, *,
                          base_version: Optional[int] = None,
                          retired_through: Optional[int] = None,
                          reversal_rate_limit: Optional[Tuple[int, int]] = None,
                          reason_codes: Iterable[str] = (),
                          reversal_hook: Optional[Callable[[ReversalEvent], Optional[int]]] = None
                          ) -> "Pseudonymizer":
        """A pseudonymizer over the pseudonymisation master secrets held in `vault` (a
        :class:`socle.Vault`; every version from the base to the current one must exist). The
        vault may be closed right after."""
        cls._check_policy(policy)
        from ._vault import Vault
        if not isinstance(vault, Vault):
            raise TypeError(f"create_from_vault needs a socle.Vault, not {type(vault).__name__}")
        return cls._create(
            lambda options, out, error: lib.socle_pseudonymizer_create_from_vault(
                policy._live(), vault._live(), options, out, error),
            base_version, retired_through, reversal_rate_limit, reason_codes, reversal_hook)

    @staticmethod
    def _check_policy(policy: Any) -> None:
        if not isinstance(policy, Policy):
            raise TypeError(f"Pseudonymizer needs a socle.Policy, not {type(policy).__name__}")

    @classmethod
    def _create(cls, create: Callable[[Any, Any, Any], int], base_version: Optional[int],
                retired_through: Optional[int], reversal_rate_limit: Optional[Tuple[int, int]],
                reason_codes: Iterable[str],
                reversal_hook: Optional[Callable[[ReversalEvent], Optional[int]]]
                ) -> "Pseudonymizer":
        """Builds the options, then calls `create(options, out, error)`."""
        hook: Any = None
        options = _new_object("socle_pseudonymizer_options", lib.socle_pseudonymizer_options_new,
                              lib.socle_pseudonymizer_options_free)
        try:
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
                    check(lib.socle_pseudonymizer_options_add_reason_code(
                        options, c, len(c), slot.pointer), slot.error)
                if reversal_hook is not None:
                    hook = cls._callback(reversal_hook)
                    check(lib.socle_pseudonymizer_options_set_reversal_hook(
                        options, hook, ffi.NULL, slot.pointer), slot.error)
            out = ffi.new("socle_pseudonymizer**")
            with _ErrorSlot() as slot:
                check(create(options, out, slot.pointer), slot.error)
        finally:
            ffi.release(options)
        pseudonymizer = cls.__new__(cls)
        pseudonymizer._own(out[0], lib.socle_pseudonymizer_free)
        # The C side borrows the hook: it lives as long as this Pseudonymizer.
        pseudonymizer._hook = hook
        return pseudonymizer

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

    def new_context(self, domain: str, relationship: Optional[str] = None,
                    version: int = 0) -> "PseudonymContext":
        """A context for the pseudonyms of one export to `domain` (`relationship` names the
        relationship of a RELATIONSHIP domain; `version` 0: the current one)."""
        d = _data(domain, "domain")
        r = _data(relationship, "relationship") if relationship is not None else b""
        out = ffi.new("socle_pseudonym_context**")
        with _ErrorSlot() as slot:
            check(lib.socle_pseudonymizer_new_context(self._live(), d, len(d),
                                                      r if r else ffi.NULL, len(r), version, out,
                                                      slot.pointer), slot.error)
        context = PseudonymContext.__new__(PseudonymContext)
        context._own(out[0], lib.socle_pseudonym_context_free)
        return context

    def compute_batch(self, domain: str, ids: Sequence[Bytes],
                      relationship: Optional[str] = None, version: int = 0) -> List[str]:
        """The text pseudonyms of `ids` in `domain`, in one batch call: :meth:`new_context`
        then :meth:`PseudonymContext.compute_batch` (for a TRANSACTION domain, this batch is
        one export: fresh pseudonyms, unlinkable to any other call)."""
        with self.new_context(domain, relationship, version) as context:
            return context.compute_batch(ids)

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
            check(lib.socle_pseudonymizer_rotate(self._live(), d, len(d), data, len(encoded),
                                                 out, len(data), slot.pointer), slot.error)
        text = ffi.buffer(out, len(data))[:].decode("ascii")
        return [text[i:i + PSEUDONYM_TEXT_LEN] for i in range(0, len(text), PSEUDONYM_TEXT_LEN)]

    def create_token(self, domain: str, id: Bytes) -> str:
        """The reversible token of `id` (1 to 255 bytes) in a PERSON or RELATIONSHIP `domain`
        (deterministic: the same identifier gives the same token)."""
        d, i = _data(domain, "domain"), _data(id, "id")
        out = ffi.new("char[]", lib.SOCLE_TOKEN_MAX_TEXT_LEN)
        written = ffi.new("size_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_pseudonymizer_create_token(self._live(), d, len(d), i, len(i), out,
                                                       len(out), written, slot.pointer),
                  slot.error)
        return ffi.buffer(out, written[0])[:].decode("ascii")

    def create_tokens(self, domain: str, ids: Iterable[Bytes]) -> List[str]:
        """:meth:`create_token` for many identifiers."""
        return [self.create_token(domain, i) for i in ids]

    def reverse_token(self, token: str, *, domain: str, actor: str, role: str,
                      reason: str) -> bytes:
        """The privileged reversal of a token (REQ-49): `role` must have the
        PSEUDONYM_REVERSAL capability (:class:`PermissionDeniedError`), `actor` is who asks and
        `reason` why; each actor is rate-limited (:class:`ResourceExhaustedError`); a token
        that does not authenticate raises :class:`VerificationFailedError`. Every call is
        reported to the reversal hook. Returns the identifier."""
        a, r, why = _data(actor, "actor"), _data(role, "role"), _data(reason, "reason")
        d, t = _data(domain, "domain"), _data(token, "token")
        buffer = ffi.new("socle_buffer*")
        with _ErrorSlot() as slot:
            status = lib.socle_pseudonymizer_reverse_token(self._live(), a, len(a), r, len(r),
                                                           why, len(why), d, len(d), t, len(t),
                                                           buffer, slot.pointer)
            if status != lib.SOCLE_OK:
                lib.socle_buffer_free(buffer)
                check(status, slot.error)
        return _take(buffer)

    def __repr__(self) -> str:
        if self.closed:
            return "<socle.Pseudonymizer (closed)>"
        return f"<socle.Pseudonymizer version={self.current_version}>"


class PseudonymContext(_Handle):
    """The pseudonyms of one export to one domain (``socle_pseudonym_context``; made by
    :meth:`Pseudonymizer.new_context`). Immutable and thread-safe; it holds copies of its keys
    and may outlive its pseudonymizer."""

    __slots__ = ()

    def __init__(self) -> None:
        raise TypeError("use Pseudonymizer.new_context(domain)")

    def _compute(self, ids: Sequence[Bytes], format: int, width: int) -> bytes:
        encoded = [_data(i, "id") for i in ids]
        if not encoded:
            return b""
        data = b"".join(encoded)
        lengths = ffi.new("size_t[]", [len(e) for e in encoded])
        out = ffi.new("uint8_t[]", width * len(encoded))
        with _ErrorSlot() as slot:
            check(lib.socle_pseudonym_context_compute_batch(self._live(), data, lengths,
                                                            len(encoded), format, out, len(out),
                                                            slot.pointer), slot.error)
        return ffi.buffer(out)[:]

    def compute(self, id: Bytes) -> str:
        """The text pseudonym of one identifier (27 characters: kind, version, base64url)."""
        data = _data(id, "id")
        out = ffi.new("uint8_t[]", PSEUDONYM_TEXT_LEN)
        with _ErrorSlot() as slot:
            check(lib.socle_pseudonym_context_compute(self._live(), data, len(data),
                                                      lib.SOCLE_PSEUDONYM_FORMAT_TEXT, out,
                                                      len(out), slot.pointer), slot.error)
        return ffi.buffer(out)[:].decode("ascii")

    def compute_batch(self, ids: Sequence[Bytes]) -> List[str]:
        """Text pseudonyms of many identifiers, in one C call."""
        text = self._compute(ids, lib.SOCLE_PSEUDONYM_FORMAT_TEXT, PSEUDONYM_TEXT_LEN).decode(
            "ascii")
        return [text[i:i + PSEUDONYM_TEXT_LEN] for i in range(0, len(text), PSEUDONYM_TEXT_LEN)]

    def compute_batch_binary(self, ids: Sequence[Bytes]) -> bytes:
        """Binary pseudonyms of many identifiers, back to back (16 bytes each), in one C call:
        no Python object per identifier."""
        return self._compute(ids, lib.SOCLE_PSEUDONYM_FORMAT_BINARY, PSEUDONYM_BYTES)

    def __repr__(self) -> str:
        return "<socle.PseudonymContext (closed)>" if self.closed else "<socle.PseudonymContext>"
