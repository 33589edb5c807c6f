"""Export files (section "export" of socle.h; docs/export-format.md, docs/exports.md). Re-exported
by ``socle``: use ``socle.ExportReader``, ``socle.RecipientKey``…

A ``.socle`` file is a header, signed frames of records and a trailer; a *sealed* file encrypts
its records to one or more recipients' keys. :class:`ExportReader` checks every frame before it
yields a record, decoded as a dict (protobuf's JSON mapping, through the descriptors the file
carries), and raises :class:`ExportFileError` (with ``problem`` and ``offset``) for a refused
file. :class:`ExportWriter` writes records one by one; :meth:`AccessTrail.write_access_request`,
:meth:`AccessTrail.write_portability` and :meth:`AccessTrail.write_audit_extract` write the
person's exports and the auditor's extract, the vendor's entries streamed from any iterable::

    key = socle.RecipientKey.generate()
    trail.write_access_request(identity={"person": "P-1", "familyName": "Martin"},
                               entries=rows_from_my_database(), requested_by="P-1",
                               handled_by="ass1", out="p1.socle",
                               signing_key=socle.ExportSigningKey.from_vault(vault),
                               recipients=[key.public_key])
    for record in socle.ExportReader("p1.socle", key=key):
        print(record)

Thread safety: keys are immutable; a reader or a writer is used by one thread at a time.
"""

from __future__ import annotations

import base64
import datetime
import enum
import json
import os
from typing import Any, Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple, Type, Union

from . import (Error, _c_string, _ErrorSlot, _Handle, _new_object, _take, _text, check,
               error_class)
from ._native import ffi, lib

__all__ = ["ExportError", "ExportFileError", "ExportKind", "ExportProblem", "ExportReader",
           "ExportReport", "ExportSigningKey", "ExportSummary", "ExportVerification",
           "ExportWriter", "RecipientKey", "portability_json_schema", "verify_export"]

Path = Union[str, bytes, "os.PathLike[str]"]
KEY_BYTES: int = lib.SOCLE_EXPORT_KEY_BYTES


class ExportKind(enum.IntEnum):
    """What a file is for (``SOCLE_EXPORT_KIND_*``)."""

    ACCESS_REQUEST = lib.SOCLE_EXPORT_KIND_ACCESS_REQUEST
    PORTABILITY = lib.SOCLE_EXPORT_KIND_PORTABILITY
    PSEUDONYMISED_DATASET = lib.SOCLE_EXPORT_KIND_PSEUDONYMISED_DATASET
    AUDIT_EXTRACT = lib.SOCLE_EXPORT_KIND_AUDIT_EXTRACT
    TRAINING_MIRROR = lib.SOCLE_EXPORT_KIND_TRAINING_MIRROR
    STATISTICS_TABLE = lib.SOCLE_EXPORT_KIND_STATISTICS_TABLE


class ExportProblem(enum.IntEnum):
    """Why a file was refused (``SOCLE_EXPORT_PROBLEM_*``)."""

    NONE = lib.SOCLE_EXPORT_PROBLEM_NONE
    NOT_AN_EXPORT = lib.SOCLE_EXPORT_PROBLEM_NOT_AN_EXPORT
    UNKNOWN_VERSION = lib.SOCLE_EXPORT_PROBLEM_UNKNOWN_VERSION
    MALFORMED = lib.SOCLE_EXPORT_PROBLEM_MALFORMED
    TOO_LARGE = lib.SOCLE_EXPORT_PROBLEM_TOO_LARGE
    TRUNCATED = lib.SOCLE_EXPORT_PROBLEM_TRUNCATED
    REORDERED = lib.SOCLE_EXPORT_PROBLEM_REORDERED
    ALTERED = lib.SOCLE_EXPORT_PROBLEM_ALTERED
    FOREIGN = lib.SOCLE_EXPORT_PROBLEM_FOREIGN
    UNTRUSTED_ISSUER = lib.SOCLE_EXPORT_PROBLEM_UNTRUSTED_ISSUER
    NOT_A_RECIPIENT = lib.SOCLE_EXPORT_PROBLEM_NOT_A_RECIPIENT
    KEY_REQUIRED = lib.SOCLE_EXPORT_PROBLEM_KEY_REQUIRED
    TRAILING_BYTES = lib.SOCLE_EXPORT_PROBLEM_TRAILING_BYTES


# ---------------------------------------------------------------------------------------------
# Errors: a refused file raises an ExportFileError that is also the status code's class.


class ExportError(Error):
    """Base of the errors about an export file's content."""


class ExportFileError(ExportError):
    """A file refused by the reader: ``problem`` (:class:`ExportProblem`) and ``offset`` (the
    byte where it was found). Each instance is also the class of its status code
    (:class:`socle.VerificationFailedError` for an altered file, :class:`socle.DataLossError`
    for a truncated one…), so either ``except`` catches it."""

    problem: ExportProblem = ExportProblem.NONE
    offset: int = 0

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (_rebuild_file_error,
                (self.code, self.message, int(self.problem), self.offset))

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.message!r}, problem={self.problem.name}, "
                f"offset={self.offset})")


_FILE_ERROR_CLASSES: Dict[int, Type[ExportFileError]] = {}


def _file_error_class(code: int) -> Type[ExportFileError]:
    """ExportFileError crossed with the class of status `code` (made once per code, named in this
    module so that its instances pickle)."""
    cls = _FILE_ERROR_CLASSES.get(code)
    if cls is None:
        base = error_class(code)
        name = f"ExportFileError_{base.__name__}"
        cls = type(name, (ExportFileError, base), {"__module__": __name__,
                                                   "__doc__": ExportFileError.__doc__})
        globals()[name] = cls
        _FILE_ERROR_CLASSES[code] = cls
    return cls


def _rebuild_file_error(code: int, message: str, problem: int, offset: int) -> ExportFileError:
    return _make_file_error(code, message, problem, offset)


def _make_file_error(code: int, message: str, problem: int, offset: int) -> ExportFileError:
    error = _file_error_class(code)(message, (), code=code)
    try:
        error.problem = ExportProblem(problem)
    except ValueError:  # a newer library may add problems: keep the number
        error.problem = problem  # type: ignore[assignment]
    error.offset = offset
    return error


def _check_file(status: int, error: Any) -> None:
    """As :func:`socle.check`, raising an :class:`ExportFileError` when the error names a
    problem of the file."""
    if status == lib.SOCLE_OK:
        return
    problem = lib.socle_error_export_problem(error) if error != ffi.NULL else 0
    if problem == lib.SOCLE_EXPORT_PROBLEM_NONE:
        check(status, error)
    message = _text(lib.socle_error_message(error))
    raise _make_file_error(status, message, problem, int(lib.socle_error_export_offset(error)))


# ---------------------------------------------------------------------------------------------
# Keys


def _key_bytes(value: Any, what: str) -> bytes:
    """A 32-byte key from bytes, 64 hex digits, or an object with ``public_key``."""
    if hasattr(value, "public_key") and not isinstance(value, (bytes, bytearray, memoryview)):
        value = value.public_key
    if isinstance(value, str):
        try:
            value = bytes.fromhex(value)
        except ValueError:
            raise error_class(lib.SOCLE_E_INVALID_ARGUMENT)(
                f"{what} is not {KEY_BYTES} bytes in hex", (),
                code=lib.SOCLE_E_INVALID_ARGUMENT) from None
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes or hex, not {type(value).__name__}")
    return bytes(value)


def _public_key(function: Any, handle: Any) -> bytes:
    out = ffi.new("uint8_t[]", KEY_BYTES)
    with _ErrorSlot() as slot:
        check(function(handle, out, KEY_BYTES, slot.pointer), slot.error)
    return ffi.buffer(out)[:]


class ExportSigningKey(_Handle):
    """The issuer's Ed25519 key (``socle_export_signing_key``). Immutable."""

    __slots__ = ()

    def __init__(self) -> None:
        raise TypeError("use ExportSigningKey.from_vault(vault) or ExportSigningKey.generate()")

    @classmethod
    def _made(cls, function: Any, *arguments: Any) -> "ExportSigningKey":
        out = ffi.new("socle_export_signing_key**")
        with _ErrorSlot() as slot:
            check(function(*arguments, out, slot.pointer), slot.error)
        key = cls.__new__(cls)
        key._own(out[0], lib.socle_export_signing_key_free)
        return key

    @classmethod
    def from_vault(cls, vault: Any) -> "ExportSigningKey":
        """The tenant's key, derived from its vault: every process of the tenant signs alike."""
        return cls._made(lib.socle_export_signing_key_from_vault, vault._live())

    @classmethod
    def generate(cls) -> "ExportSigningKey":
        """A new random key (tests, one-off files)."""
        return cls._made(lib.socle_export_signing_key_generate)

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key: give it to readers (``trusted_issuers``)."""
        return _public_key(lib.socle_export_signing_key_public_key, self._live())

    def __repr__(self) -> str:
        return "<socle.ExportSigningKey (closed)>" if self.closed else \
            f"<socle.ExportSigningKey {self.public_key.hex()[:16]}…>"


class RecipientKey(_Handle):
    """A recipient's X25519 key pair (``socle_export_recipient_key``). Immutable. Keep
    :attr:`secret_key`; give :attr:`public_key` (or :attr:`public_key_hex`) to the issuer."""

    __slots__ = ()

    def __init__(self) -> None:
        raise TypeError("use RecipientKey.generate() or RecipientKey.from_secret(secret)")

    @classmethod
    def _made(cls, function: Any, *arguments: Any) -> "RecipientKey":
        out = ffi.new("socle_export_recipient_key**")
        with _ErrorSlot() as slot:
            check(function(*arguments, out, slot.pointer), slot.error)
        key = cls.__new__(cls)
        key._own(out[0], lib.socle_export_recipient_key_free)
        return key

    @classmethod
    def generate(cls) -> "RecipientKey":
        return cls._made(lib.socle_export_recipient_key_generate)

    @classmethod
    def from_secret(cls, secret: Union[bytes, bytearray, memoryview]) -> "RecipientKey":
        """The key pair of a stored 32-byte secret key (:class:`InvalidArgumentError` for
        another length)."""
        data = bytes(secret)
        return cls._made(lib.socle_export_recipient_key_from_secret, data, len(data))

    @property
    def public_key(self) -> bytes:
        return _public_key(lib.socle_export_recipient_key_public_key, self._live())

    @property
    def public_key_hex(self) -> str:
        return self.public_key.hex()

    @property
    def secret_key(self) -> bytes:
        """The 32-byte secret key, to store it (a copy: socle cannot wipe it for you)."""
        return _public_key(lib.socle_export_recipient_key_secret_key, self._live())

    def __repr__(self) -> str:
        return "<socle.RecipientKey (closed)>" if self.closed else \
            f"<socle.RecipientKey public={self.public_key_hex[:16]}…>"


# ---------------------------------------------------------------------------------------------
# Writer


class ExportSummary(NamedTuple):
    records: int
    bytes: int


def _encoded(value: Union[str, bytes, None], what: str) -> bytes:
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


Recipient = Union[bytes, str, RecipientKey, Tuple[Any, str]]


def _writer_options(kind: Union[ExportKind, int], issuer: str, recipients: Iterable[Recipient],
                    policy: Any, notice: bytes, pseudonym_domain: str,
                    pseudonymisation_profile: str, created: Any) -> Any:
    options = _new_object("socle_export_writer_options", lib.socle_export_writer_options_new,
                          lib.socle_export_writer_options_free)
    with _ErrorSlot() as slot:
        def call(function: Any, *arguments: Any) -> None:
            check(function(options, *arguments, slot.pointer), slot.error)

        call(lib.socle_export_writer_options_set_kind, int(kind))
        i = _encoded(issuer, "issuer")
        call(lib.socle_export_writer_options_set_issuer, i, len(i))
        if created is not None:
            seconds = int(created.timestamp()) if isinstance(created, datetime.datetime) \
                else int(created)
            call(lib.socle_export_writer_options_set_created_unix_seconds, seconds)
        if policy is not None:
            pid, rev, digest = policy.id.encode(), policy.revision.encode(), policy.digest
            call(lib.socle_export_writer_options_set_policy, pid, len(pid), rev, len(rev), digest,
                 len(digest))
        n = _encoded(notice, "notice")
        call(lib.socle_export_writer_options_set_notice, n, len(n))
        d = _encoded(pseudonym_domain, "pseudonym_domain")
        call(lib.socle_export_writer_options_set_pseudonym_domain, d, len(d))
        p = _encoded(pseudonymisation_profile, "pseudonymisation_profile")
        call(lib.socle_export_writer_options_set_pseudonymisation_profile, p, len(p))
        for recipient in recipients:
            label = ""
            if isinstance(recipient, tuple):
                recipient, label = recipient
            key = _key_bytes(recipient, "recipient")
            encoded_label = _encoded(label, "label")
            call(lib.socle_export_writer_options_add_recipient, key, len(key), encoded_label,
                 len(encoded_label))
    return options


class ExportWriter(_Handle):
    """Writes one ``.socle`` file (``socle_export_writer``) at `path`, signed with
    `signing_key`, sealed to `recipients` (public keys as bytes or hex, :class:`RecipientKey`
    objects, or ``(key, label)`` pairs; none: a signed file). :meth:`add` records (serialized
    messages of the kind's record type), then :meth:`finish`. The file appears only when
    finished: a writer closed before (or a ``with`` block left by an exception) leaves none.
    One thread at a time."""

    __slots__ = ()

    def __init__(self, path: Path, signing_key: ExportSigningKey, *,
                 kind: Union[ExportKind, int] = ExportKind.ACCESS_REQUEST, issuer: str = "",
                 recipients: Iterable[Recipient] = (), policy: Any = None, notice: bytes = b"",
                 pseudonym_domain: str = "", pseudonymisation_profile: str = "",
                 created: Any = None) -> None:
        options = _writer_options(kind, issuer, recipients, policy, notice, pseudonym_domain,
                                  pseudonymisation_profile, created)
        out = ffi.new("socle_export_writer**")
        try:
            with _ErrorSlot() as slot:
                check(lib.socle_export_writer_create(_c_string(path, "path"),
                                                     signing_key._live(), options, out,
                                                     slot.pointer), slot.error)
        finally:
            ffi.release(options)
        self._own(out[0], lib.socle_export_writer_free)

    def add(self, record: Union[bytes, bytearray, memoryview]) -> None:
        data = bytes(record)
        with _ErrorSlot() as slot:
            check(lib.socle_export_writer_add(self._live(), data, len(data), slot.pointer),
                  slot.error)

    def finish(self) -> ExportSummary:
        """Writes the trailer and makes the file visible; returns its records and size."""
        records, size = ffi.new("uint64_t*"), ffi.new("uint64_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_export_writer_finish(self._live(), records, size, slot.pointer),
                  slot.error)
        return ExportSummary(int(records[0]), int(size[0]))


# ---------------------------------------------------------------------------------------------
# What the access trail writes


class ExportReport(NamedTuple):
    """What an export wrote: entries written, withheld (third-party information), left out
    (working notes, entries portability does not carry), lines of access history, the audit
    extract's checkpoint size, and the file's records and bytes."""

    entries: int
    withheld: int
    left_out: int
    history_entries: int
    checkpoint_size: int
    records: int
    bytes: int


def _report(handle: Any) -> ExportReport:
    try:
        return ExportReport(*(int(f(handle)) for f in (
            lib.socle_export_report_entries, lib.socle_export_report_withheld,
            lib.socle_export_report_left_out, lib.socle_export_report_history_entries,
            lib.socle_export_report_checkpoint_size, lib.socle_export_report_records,
            lib.socle_export_report_bytes)))
    finally:
        lib.socle_export_report_free(handle)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("use an aware datetime (with tzinfo), not a naive one")
        return value.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _json_bytes(value: Union[Dict[str, Any], str, bytes], what: str) -> bytes:
    if isinstance(value, dict):
        return json.dumps(value, default=_json_default, ensure_ascii=False).encode("utf-8")
    return _encoded(value, what)


def _write_person_export(function: Any, trail: Any, identity: Union[Dict[str, Any], str],
                         entries: Iterable[Union[Dict[str, Any], str]], requested_by: str,
                         handled_by: str, out: Path, signing_key: ExportSigningKey,
                         kind: ExportKind, recipients: Iterable[Recipient], issuer: str,
                         at: Any, notice: bytes, policy: Any) -> ExportReport:
    # The identity.
    id_handle = _new_object("socle_person_identity", lib.socle_person_identity_new,
                            lib.socle_person_identity_free)
    data = _json_bytes(identity, "identity")
    with _ErrorSlot() as slot:
        check(lib.socle_person_identity_set_json(id_handle, data, len(data), slot.pointer),
              slot.error)
    # The entries, pulled one by one by the C entry source; a Python exception (from the
    # iterable or a refused entry) stops the export and is raised again as is.
    iterator = iter(entries)
    raised: List[BaseException] = []
    internal = int(lib.SOCLE_E_INTERNAL)

    def source(_: Any, entry: Any, has_entry: Any) -> int:
        try:
            try:
                item = next(iterator)
            except StopIteration:
                has_entry[0] = 0
                return 0
            encoded = _json_bytes(item, "entry")
            with _ErrorSlot() as slot:
                status = lib.socle_case_entry_set_json(entry, encoded, len(encoded), slot.pointer)
                check(status, slot.error)
            has_entry[0] = 1
            return 0
        except BaseException as e:  # noqa: B902 - nothing may propagate into C
            raised.append(e)
            return int(e.code) if isinstance(e, Error) and e.code > 0 else internal

    callback = ffi.callback("socle_entry_source", source, error=internal)
    writer = ExportWriter(out, signing_key, kind=kind, issuer=issuer, recipients=recipients,
                          notice=notice, policy=policy)
    by, handler = _encoded(requested_by, "requested_by"), _encoded(handled_by, "handled_by")
    seconds = 0 if at is None else (int(at.timestamp()) if isinstance(at, datetime.datetime)
                                    else int(at))
    report = ffi.new("socle_export_report**")
    try:
        with _ErrorSlot() as slot:
            status = function(trail._live(), id_handle, by, len(by), handler, len(handler),
                              seconds, callback, ffi.NULL, writer._live(), report, slot.pointer)
            if status != lib.SOCLE_OK and raised:
                raise raised[0]
            check(status, slot.error)
    finally:
        writer.close()  # unfinished after an error: no file
        ffi.release(id_handle)
    return _report(report[0])


def write_access_request(trail: Any, *, identity: Union[Dict[str, Any], str],
                         entries: Iterable[Union[Dict[str, Any], str]] = (), requested_by: str,
                         handled_by: str, out: Path, signing_key: ExportSigningKey,
                         recipients: Iterable[Recipient] = (), issuer: str = "",
                         policy: Any = None, at: Any = None) -> ExportReport:
    """See :meth:`socle.AccessTrail.write_access_request`."""
    return _write_person_export(lib.socle_access_trail_write_access_request, trail, identity,
                                entries, requested_by, handled_by, out, signing_key,
                                ExportKind.ACCESS_REQUEST, recipients, issuer, at, b"", policy)


def write_portability(trail: Any, *, policy: Any, identity: Union[Dict[str, Any], str],
                      entries: Iterable[Union[Dict[str, Any], str]] = (), requested_by: str,
                      handled_by: str, out: Path, signing_key: ExportSigningKey,
                      recipients: Iterable[Recipient] = (), issuer: str = "",
                      at: Any = None) -> ExportReport:
    """See :meth:`socle.AccessTrail.write_portability`."""
    buffer = ffi.new("socle_buffer*")
    with _ErrorSlot() as slot:
        check(lib.socle_policy_portability_notice(policy._live(), buffer, slot.pointer),
              slot.error)
    notice = _take(buffer)
    return _write_person_export(lib.socle_access_trail_write_portability, trail, identity,
                                entries, requested_by, handled_by, out, signing_key,
                                ExportKind.PORTABILITY, recipients, issuer, at, notice, policy)


def write_audit_extract(trail: Any, *, auditor: str, out: Path, signing_key: ExportSigningKey,
                        begin: int = 0, end: int = 0, since_size: int = 0,
                        recipients: Iterable[Recipient] = (), issuer: str = "",
                        policy: Any = None) -> ExportReport:
    """See :meth:`socle.AccessTrail.write_audit_extract`."""
    writer = ExportWriter(out, signing_key, kind=ExportKind.AUDIT_EXTRACT, issuer=issuer,
                          recipients=recipients, policy=policy)
    a = _encoded(auditor, "auditor")
    report = ffi.new("socle_export_report**")
    try:
        with _ErrorSlot() as slot:
            check(lib.socle_access_trail_write_audit_extract(trail._live(), a, len(a), begin, end,
                                                             since_size, writer._live(), report,
                                                             slot.pointer), slot.error)
    finally:
        writer.close()
    return _report(report[0])


def portability_json_schema() -> Dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a portability record's JSON form."""
    return json.loads(_text(lib.socle_export_portability_json_schema()))


# ---------------------------------------------------------------------------------------------
# Reader


def _reader_options(key: Union[RecipientKey, bytes, None], trusted_issuers: Iterable[Any],
                    limits: Tuple[int, int, int]) -> Any:
    options = _new_object("socle_export_reader_options", lib.socle_export_reader_options_new,
                          lib.socle_export_reader_options_free)
    with _ErrorSlot() as slot:
        for issuer in trusted_issuers:
            k = _key_bytes(issuer, "trusted issuer")
            check(lib.socle_export_reader_options_add_trusted_issuer(options, k, len(k),
                                                                     slot.pointer), slot.error)
        if key is not None:
            recipient = key if isinstance(key, RecipientKey) else RecipientKey.from_secret(key)
            check(lib.socle_export_reader_options_set_key(options, recipient._live(),
                                                          slot.pointer), slot.error)
        check(lib.socle_export_reader_options_set_limits(options, *limits, slot.pointer),
              slot.error)
    return options


class ExportReader(_Handle):
    """Reads the ``.socle`` file at `path` (``socle_export_reader``): iterating yields each
    record as a dict (protobuf's JSON mapping with the .proto field names, e.g.
    ``record["identity"]["family_name"]``, decoded with the descriptors the file carries),
    each only after the frame holding it was verified; the iteration ends once the trailer
    verified. `key` (a :class:`RecipientKey` or its 32-byte secret) opens a sealed file;
    `trusted_issuers` (32-byte public keys or hex), when given, are the only issuers accepted.

    A refused file raises :class:`ExportFileError` (``problem``, ``offset``), at the header or
    at the record where it was found. :attr:`kind`, :attr:`sealed`, :attr:`issuer_public_key` and
    :attr:`header` (a dict) describe the file. One thread at a time."""

    __slots__ = ("kind", "sealed", "issuer_public_key", "header")

    def __init__(self, path: Path, key: Union[RecipientKey, bytes, None] = None,
                 trusted_issuers: Iterable[Any] = (), *, max_header_bytes: int = 0,
                 max_record_bytes: int = 0, max_recipients: int = 0) -> None:
        options = _reader_options(key, trusted_issuers,
                                  (max_header_bytes, max_record_bytes, max_recipients))
        out = ffi.new("socle_export_reader**")
        try:
            with _ErrorSlot() as slot:
                _check_file(lib.socle_export_reader_open(_c_string(path, "path"), options, out,
                                                         slot.pointer), slot.error)
        finally:
            ffi.release(options)
        self._own(out[0], lib.socle_export_reader_free)
        handle = self._live()
        kind = int(lib.socle_export_reader_kind(handle))
        try:
            self.kind: Union[ExportKind, int] = ExportKind(kind)
        except ValueError:
            self.kind = kind
        self.sealed = bool(lib.socle_export_reader_sealed(handle))
        self.issuer_public_key = _public_key(lib.socle_export_reader_issuer_public_key, handle)
        buffer = ffi.new("socle_buffer*")
        with _ErrorSlot() as slot:
            check(lib.socle_export_reader_header_json(handle, buffer, slot.pointer), slot.error)
        self.header: Dict[str, Any] = json.loads(_take(buffer).decode("utf-8"))

    def _next(self, function: Any) -> Optional[bytes]:
        buffer = ffi.new("socle_buffer*")
        has = ffi.new("int32_t*")
        with _ErrorSlot() as slot:
            _check_file(function(self._live(), buffer, has, slot.pointer), slot.error)
        data = _take(buffer)
        return data if has[0] else None

    def __iter__(self) -> "ExportReader":
        return self

    def __next__(self) -> Dict[str, Any]:
        record = self._next(lib.socle_export_reader_next_json)
        if record is None:
            raise StopIteration
        return json.loads(record.decode("utf-8"))

    def raw_records(self) -> Iterator[bytes]:
        """The remaining records as their serialized bytes (for protoc-generated classes)."""
        while True:
            record = self._next(lib.socle_export_reader_next)
            if record is None:
                return
            yield record

    @property
    def records_read(self) -> int:
        return int(lib.socle_export_reader_records_read(self._live()))

    def __repr__(self) -> str:
        if self.closed:
            return "<socle.ExportReader (closed)>"
        kind = self.kind.name if isinstance(self.kind, ExportKind) else self.kind
        return (f"<socle.ExportReader kind={kind} sealed={self.sealed} "
                f"records_read={self.records_read}>")


class ExportVerification(NamedTuple):
    kind: Union[ExportKind, int]
    sealed: bool
    records: int
    bytes: int


def verify_export(path: Path, key: Union[RecipientKey, bytes, None] = None,
                  trusted_issuers: Iterable[Any] = ()) -> ExportVerification:
    """Reads the file at `path` through and checks every frame and the trailer (without `key`, a
    sealed file is checked without being decrypted). Raises :class:`ExportFileError` for a
    refused file."""
    options = _reader_options(key, trusted_issuers, (0, 0, 0))
    kind, sealed = ffi.new("int32_t*"), ffi.new("int32_t*")
    records, size = ffi.new("uint64_t*"), ffi.new("uint64_t*")
    try:
        with _ErrorSlot() as slot:
            _check_file(lib.socle_export_verify_file(_c_string(path, "path"), options, kind,
                                                     sealed, records, size, slot.pointer),
                        slot.error)
    finally:
        ffi.release(options)
    try:
        k: Union[ExportKind, int] = ExportKind(kind[0])
    except ValueError:
        k = int(kind[0])
    return ExportVerification(k, bool(sealed[0]), int(records[0]), int(size[0]))
