"""The vault: key providers, envelope encryption of records, crypto-shredding (section "vault"
of socle.h; docs/keys.md). Re-exported by ``socle``: use ``socle.Vault``, ``socle.KeyProvider``.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple, Union

from . import Error, IoError, _c_string, _ErrorSlot, _Handle, _new_object, _take, _text, check
from ._native import ffi, lib

__all__ = ["KeyProvider", "Vault"]

Path = Union[str, bytes, "os.PathLike[str]"]
Bytes = Union[bytes, bytearray, memoryview, str]

#: Bytes of a data key (``SOCLE_VAULT_KEY_BYTES``).
KEY_BYTES: int = lib.SOCLE_VAULT_KEY_BYTES
#: How many bytes a sealed record adds to its plaintext (``SOCLE_VAULT_SEAL_OVERHEAD``).
SEAL_OVERHEAD: int = lib.SOCLE_VAULT_SEAL_OVERHEAD


def _data(value: Bytes, what: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be bytes or str, not {type(value).__name__}")


@contextlib.contextmanager
def _passphrase(value: Bytes) -> Iterator[Any]:
    """A passphrase as a C buffer for the duration of one call. ``bytes``, ``bytearray`` and
    ``memoryview`` are passed without a copy (cffi ``from_buffer``), so a ``bytearray`` stays the
    only copy in Python and its owner can wipe it; a ``str`` is encoded into a ``bytearray`` that
    is wiped when the call returns (the ``str`` itself cannot be wiped)."""
    owned: Optional[bytearray] = None
    if isinstance(value, str):
        owned = bytearray(value, "utf-8")
        buffer: Any = owned
    elif isinstance(value, (bytes, bytearray, memoryview)):
        buffer = value
    else:
        raise TypeError(f"passphrase must be bytes or str, not {type(value).__name__}")
    try:
        yield ffi.from_buffer(buffer)
    finally:
        if owned is not None:
            owned[:] = bytes(len(owned))  # same length: overwritten in place


def _error_code(exception: BaseException) -> int:
    """The SOCLE_E_* code a Python callback's exception maps to."""
    if isinstance(exception, Error) and exception.code > 0:
        return int(exception.code)
    return int(lib.SOCLE_E_INTERNAL)


# Python callbacks of providers created by KeyProvider.create_from_callbacks: C may call them until
# the provider's `destroy` runs (the vault keeps its own reference), so they live here until then.
# A destroyed provider's callbacks are dropped at the next creation, never while one runs.
_CALLBACK_PROVIDERS: Dict[int, Tuple[Any, ...]] = {}
_DESTROYED: List[Tuple[Any, ...]] = []


class KeyProvider(_Handle):
    """Holds the master keys that wrap every person's data key.

    - :meth:`create_key_file` / :meth:`open_key_file`: the embedded default, a key file
      protected by a passphrase (Argon2id; a wrong passphrase raises
      :class:`VerificationFailedError` with one generic message);
    - :meth:`create_from_callbacks`: your HSM or KMS, through Python callables.

    A :class:`Vault` keeps its own reference to the provider: closing the provider after opening
    the vault is fine. Passphrases are copied by socle and wiped there; Python's own ``bytes``
    cannot be wiped, so prefer a ``bytearray`` you clear yourself: it is handed to socle without
    a copy.
    """

    __slots__ = ()

    def __init__(self) -> None:
        raise TypeError("use KeyProvider.create_key_file(), open_key_file() or "
                        "create_from_callbacks()")

    @classmethod
    def _adopt(cls, handle: Any) -> "KeyProvider":
        provider = cls.__new__(cls)
        provider._own(handle, lib.socle_key_provider_free)
        return provider

    @classmethod
    def create_key_file(cls, path: Path, passphrase: Bytes, *, opslimit: int = 0,
                        memlimit: int = 0) -> "KeyProvider":
        """Creates a new key file at `path` (mode 0600; :class:`AlreadyExistsError` if present)
        holding master key version 1. `opslimit` and `memlimit` (bytes) are the Argon2id cost;
        0 and 0 give the default (about 0.5 s to unlock); anything below libsodium's INTERACTIVE
        set (2 and 64 MiB) is refused (:class:`InvalidArgumentError`)."""
        out = ffi.new("socle_key_provider**")
        encoded = _c_string(path, "path")
        with _passphrase(passphrase) as secret, _ErrorSlot() as slot:
            try:
                check(lib.socle_key_provider_create_key_file(encoded, secret, len(secret),
                                                             opslimit, memlimit, out,
                                                             slot.pointer), slot.error)
            except IoError as e:
                e.filename = os.fsdecode(encoded)
                raise
        return cls._adopt(out[0])

    @classmethod
    def open_key_file(cls, path: Path, passphrase: Bytes) -> "KeyProvider":
        """Opens and unlocks a key file (its stored Argon2id cost is paid here).
        :class:`VerificationFailedError` for a wrong passphrase or an altered file,
        :class:`ParseError` for a file that is not a key file."""
        out = ffi.new("socle_key_provider**")
        encoded = _c_string(path, "path")
        with _passphrase(passphrase) as secret, _ErrorSlot() as slot:
            try:
                check(lib.socle_key_provider_open_key_file(encoded, secret, len(secret), out,
                                                           slot.pointer), slot.error)
            except IoError as e:
                e.filename = os.fsdecode(encoded)
                raise
        return cls._adopt(out[0])

    def change_passphrase(self, new_passphrase: Bytes, *, opslimit: int = 0,
                          memlimit: int = 0) -> None:
        """Re-protects the key file under a new passphrase (the master keys do not change)."""
        with _passphrase(new_passphrase) as secret, _ErrorSlot() as slot:
            check(lib.socle_key_provider_change_passphrase(self._live(), secret, len(secret),
                                                           opslimit, memlimit, slot.pointer),
                  slot.error)

    @classmethod
    def create_from_callbacks(cls, key_id: str, *, current_version: Callable[[], int],
                       wrap: Callable[[int, bytes, bytes], bytes],
                       unwrap: Callable[[int, bytes, bytes], bytes],
                       rotate: Optional[Callable[[], int]] = None,
                       retire_before: Optional[Callable[[int], None]] = None) -> "KeyProvider":
        """A provider backed by your HSM or KMS.

        - ``current_version()`` returns the master key version that wraps new keys (>= 1);
        - ``wrap(version, key, associated_data)`` returns the wrapped bytes (at most
          ``SOCLE_WRAPPED_KEY_MAX_BYTES``); the associated data must be bound to them;
        - ``unwrap(version, wrapped, associated_data)`` returns the key, and raises
          :class:`VerificationFailedError` when the bytes do not authenticate;
        - ``rotate()`` (optional) makes a new version current and returns it;
        - ``retire_before(version)`` (optional) destroys older versions.

        A callback reports a failure by raising a :class:`socle.Error` subclass (its code is
        passed on; any other exception becomes ``SOCLE_E_INTERNAL``). socle calls them from any
        thread, possibly at once: they must be thread-safe.
        """
        _DESTROYED.clear()

        def guard(function: Callable[..., int]) -> Callable[..., int]:
            def call(*args: Any) -> int:
                try:
                    return function(*args)
                except BaseException as e:  # noqa: B902 - nothing may propagate into C
                    return _error_code(e)
            return call

        def output(data: bytes, out: Any, capacity: int, out_len: Any) -> int:
            if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) > capacity:
                return int(lib.SOCLE_E_INTERNAL)
            ffi.memmove(out, bytes(data), len(data))
            out_len[0] = len(data)
            return int(lib.SOCLE_OK)

        @guard
        def c_current(_: Any, out_version: Any) -> int:
            out_version[0] = int(current_version())
            return int(lib.SOCLE_OK)

        @guard
        def c_wrap(_: Any, version: int, key: Any, key_len: int, ad: Any, ad_len: int, out: Any,
                   capacity: int, out_len: Any) -> int:
            return output(wrap(version, ffi.buffer(key, key_len)[:], ffi.buffer(ad, ad_len)[:]),
                          out, capacity, out_len)

        @guard
        def c_unwrap(_: Any, version: int, wrapped: Any, wrapped_len: int, ad: Any, ad_len: int,
                     out: Any, capacity: int, out_len: Any) -> int:
            return output(unwrap(version, ffi.buffer(wrapped, wrapped_len)[:],
                                 ffi.buffer(ad, ad_len)[:]), out, capacity, out_len)

        @guard
        def c_rotate(_: Any, out_version: Any) -> int:
            out_version[0] = int(rotate())  # type: ignore[misc]
            return int(lib.SOCLE_OK)

        @guard
        def c_retire(_: Any, version: int) -> int:
            retire_before(version)  # type: ignore[misc]
            return int(lib.SOCLE_OK)

        token = id(c_current)
        internal = int(lib.SOCLE_E_INTERNAL)
        fields = ffi.typeof("socle_key_provider_callbacks").fields
        types = {name: field.type for name, field in fields}
        kept: List[Any] = [
            ffi.callback(types["current_version"], c_current, error=internal),
            ffi.callback(types["wrap"], c_wrap, error=internal),
            ffi.callback(types["unwrap"], c_unwrap, error=internal),
            ffi.callback(types["rotate"], c_rotate, error=internal) if rotate else ffi.NULL,
            ffi.callback(types["retire_before"], c_retire, error=internal)
            if retire_before else ffi.NULL,
        ]

        def c_destroy(_: Any) -> None:
            entry = _CALLBACK_PROVIDERS.pop(token, None)
            if entry is not None:
                _DESTROYED.append(entry)

        kept.append(ffi.callback(types["destroy"], c_destroy))
        key = ffi.new("char[]", _c_string(key_id, "key_id"))
        kept.append(key)
        callbacks = ffi.new("socle_key_provider_callbacks*", {
            "version": lib.SOCLE_KEY_PROVIDER_CALLBACKS_VERSION, "user_data": ffi.NULL,
            "key_id": key, "current_version": kept[0], "wrap": kept[1], "unwrap": kept[2],
            "rotate": kept[3], "retire_before": kept[4], "destroy": kept[5]})
        _CALLBACK_PROVIDERS[token] = tuple(kept)
        out = ffi.new("socle_key_provider**")
        with _ErrorSlot() as slot:
            try:
                check(lib.socle_key_provider_create_from_callbacks(callbacks, out, slot.pointer),
                      slot.error)
            except Error:
                _CALLBACK_PROVIDERS.pop(token, None)  # `destroy` is not called on failure
                raise
        return cls._adopt(out[0])

    @property
    def key_id(self) -> str:
        """The provider's public key id (``"kf-…"`` for a key file)."""
        return _text(lib.socle_key_provider_key_id(self._live()))

    def __repr__(self) -> str:
        if self.closed:
            return "<socle.KeyProvider (closed)>"
        return f"<socle.KeyProvider key_id={self.key_id!r}>"


def _check_provider(provider: Any) -> None:
    if not isinstance(provider, KeyProvider):
        raise TypeError(f"Vault needs a socle.KeyProvider, not {type(provider).__name__}")


def _vault_options(cache_capacity: Optional[int], cache_ttl_seconds: Optional[int]) -> Any:
    """A ``socle_vault_options*`` with what is given set, or NULL for the defaults."""
    if cache_capacity is None and cache_ttl_seconds is None:
        return ffi.NULL
    options = _new_object("socle_vault_options", lib.socle_vault_options_new,
                          lib.socle_vault_options_free)
    with _ErrorSlot() as slot:
        if cache_capacity is not None:
            check(lib.socle_vault_options_set_cache_capacity(
                options, cache_capacity, slot.pointer), slot.error)
        if cache_ttl_seconds is not None:
            check(lib.socle_vault_options_set_cache_ttl_seconds(
                options, cache_ttl_seconds, slot.pointer), slot.error)
    return options


class Vault(_Handle):
    """Per-person data keys wrapped by a :class:`KeyProvider`'s master key, kept in an SQLite
    database, and records sealed with XChaCha20-Poly1305 bound to (tenant, person, record,
    schema version): a ciphertext moved to another person or record does not open.

    ``Vault.open(provider, db_path, tenant)`` opens (or creates, mode 0600) the database;
    :meth:`Storage.open_vault` opens the vault of a :class:`Storage` (a directory or a PostgreSQL
    database).
    Any failed decryption raises :class:`VerificationFailedError`; a record of a person whose
    key was shredded raises :class:`NotFoundError`. No message contains a key, a passphrase, a
    person id or a record id. Safe for concurrent use by any number of threads. The C handle is
    freed when the object is garbage-collected, or at once by :meth:`close` or at the end of a
    ``with`` block.
    """

    __slots__ = ("_provider",)

    def __init__(self) -> None:
        raise TypeError("use Vault.open(provider, db_path, tenant)")

    @classmethod
    def open(cls, provider: KeyProvider, db_path: Path, tenant: str, *,
             cache_capacity: Optional[int] = None,
             cache_ttl_seconds: Optional[int] = None) -> "Vault":
        """Opens the vault database at `db_path` (created with mode 0600 if missing) for
        `tenant` (1 to 128 bytes). The vault keeps its own reference to `provider`, which may be
        closed right after. `cache_capacity` (persons whose unwrapped keys stay in memory,
        default 4096; 0 turns the cache off) and `cache_ttl_seconds` (default 300) are the
        vault's options."""
        _check_provider(provider)
        options = _vault_options(cache_capacity, cache_ttl_seconds)
        t = _data(tenant, "tenant")
        encoded = _c_string(db_path, "db_path")
        out = ffi.new("socle_vault**")
        with _ErrorSlot() as slot:
            try:
                check(lib.socle_vault_open(provider._live(), encoded, t, len(t), options, out,
                                           slot.pointer), slot.error)
            except IoError as e:
                e.filename = os.fsdecode(encoded)
                raise
        return cls._adopt(out[0], provider)

    @classmethod
    def _adopt(cls, handle: Any, provider: KeyProvider) -> "Vault":
        vault = cls.__new__(cls)
        vault._own(handle, lib.socle_vault_free)
        vault._provider = provider  # keeps Python callbacks of a callback provider reachable
        return vault

    def seal_record(self, person: str, record: str, plaintext: Bytes,
                    schema_version: int = 1) -> bytes:
        """Encrypts `plaintext` for (person, record, schema version), creating the person's
        data key on first use; returns ``len(plaintext) + SEAL_OVERHEAD`` bytes."""
        p, r = _data(person, "person"), _data(record, "record")
        data = _data(plaintext, "plaintext")
        buffer = ffi.new("socle_buffer*")
        with _ErrorSlot() as slot:
            status = lib.socle_vault_seal_record(self._live(), p, len(p), r, len(r),
                                                 schema_version, data, len(data), buffer,
                                                 slot.pointer)
            if status != lib.SOCLE_OK:
                lib.socle_buffer_free(buffer)
                check(status, slot.error)
        return _take(buffer)

    def open_record(self, person: str, record: str, sealed: Bytes,
                    schema_version: int = 1) -> bytes:
        """Decrypts what :meth:`seal_record` returned for the same record."""
        p, r = _data(person, "person"), _data(record, "record")
        data = _data(sealed, "sealed")
        buffer = ffi.new("socle_buffer*")
        with _ErrorSlot() as slot:
            status = lib.socle_vault_open_record(self._live(), p, len(p), r, len(r),
                                                 schema_version, data, len(data), buffer,
                                                 slot.pointer)
            if status != lib.SOCLE_OK:
                lib.socle_buffer_free(buffer)
                check(status, slot.error)
        return _take(buffer)

    def seal_records(self, person: str, records: Iterable[Tuple[str, Bytes]],
                     schema_version: int = 1) -> List[bytes]:
        """:meth:`seal_record` for many ``(record id, plaintext)`` pairs of one person."""
        return [self.seal_record(person, r, data, schema_version) for r, data in records]

    def open_records(self, person: str, records: Iterable[Tuple[str, Bytes]],
                     schema_version: int = 1) -> List[bytes]:
        """:meth:`open_record` for many ``(record id, sealed)`` pairs of one person."""
        return [self.open_record(person, r, data, schema_version) for r, data in records]

    def shred_person(self, person: str) -> None:
        """Crypto-shredding: deletes the person's key for good; every record sealed for them
        becomes unreadable. :class:`NotFoundError` when the person has no key."""
        p = _data(person, "person")
        with _ErrorSlot() as slot:
            check(lib.socle_vault_shred_person(self._live(), p, len(p), slot.pointer),
                  slot.error)

    def rotate_master_key(self, retire_previous: bool = False) -> int:
        """Rotates the master key and re-wraps every person key (records untouched); returns
        the new version. With `retire_previous`, older versions are then destroyed."""
        version = ffi.new("uint32_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_vault_rotate_master_key(self._live(), 1 if retire_previous else 0,
                                                    version, slot.pointer), slot.error)
        return int(version[0])

    def current_pseudonym_version(self) -> int:
        """The current pseudonymisation master secret version (>= 1)."""
        version = ffi.new("uint32_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_vault_current_pseudonym_version(self._live(), version, slot.pointer),
                  slot.error)
        return int(version[0])

    def rotate_pseudonym_secret(self) -> int:
        """Adds a new pseudonymisation master secret version, made current; returns it."""
        version = ffi.new("uint32_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_vault_rotate_pseudonym_secret(self._live(), version, slot.pointer),
                  slot.error)
        return int(version[0])

    def destroy_pseudonym_secret(self, version: int) -> None:
        """Destroys an old pseudonymisation secret version for good (not the current one)."""
        with _ErrorSlot() as slot:
            check(lib.socle_vault_destroy_pseudonym_secret(self._live(), version, slot.pointer),
                  slot.error)

    def verify(self) -> None:
        """Integrity check and restore test (SQLite's integrity_check, then every key of the
        tenant unwrapped); :class:`DataLossError` when anything fails."""
        with _ErrorSlot() as slot:
            check(lib.socle_vault_verify(self._live(), slot.pointer), slot.error)

    def __repr__(self) -> str:
        return "<socle.Vault (closed)>" if self.closed else "<socle.Vault>"

