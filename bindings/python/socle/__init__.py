"""socle: the privacy core of the French digital social case file, from Python.

A thin layer over the C ABI (``include/socle/socle.h``) loaded with cffi::

    import socle

    with socle.Policy.load_file("examples/policies/ccas.textproto") as policy:
        print(policy.id, policy.digest_hex)
        print(policy.render_register("markdown"))

Every failing call raises a subclass of :class:`socle.Error`, one per status code of the C ABI
(:class:`ParseError`, :class:`PolicyInvalidError`, :class:`IoError`…); policy problems come with
the list of :class:`Diagnostic` found, each with its line, column and field path.

The names follow the C ABI and the C++ API: ``socle_access_engine_decide`` is
``socle::AccessEngine::Decide`` and :meth:`AccessEngine.decide`; ``socle_vault_open`` is
``socle::Vault::Open`` and :meth:`Vault.open`. Handles are made by class methods (``create``,
``open``, ``load``) and freed when garbage-collected, or at once by ``close()`` or a ``with``
block.

Thread safety: a :class:`Policy` is immutable, and its methods may be called from any number of
threads at once (the GIL is released during C calls).
"""

from __future__ import annotations

import enum
import os
from typing import Dict, List, NamedTuple, Optional, Sequence, Type, Union

from ._native import LibraryNotFoundError, ffi, lib, library_path

__all__ = [
    "Diagnostic",
    "Error",
    "LibraryNotFoundError",
    "Policy",
    "Severity",
    "check",
    "init",
    "library_path",
    "version",
]
# The exception classes (one per status code) are added to __all__ below.

#: The version of the C ABI these bindings were generated for ("MAJOR.MINOR.PATCH").
__version__ = "{}.{}.{}".format(
    lib.SOCLE_VERSION_MAJOR, lib.SOCLE_VERSION_MINOR, lib.SOCLE_VERSION_PATCH)


def _text(pointer: object) -> str:
    """A borrowed NUL-terminated C string as str ("" for NULL)."""
    if pointer == ffi.NULL:
        return ""
    return ffi.string(pointer).decode("utf-8", "replace")


def version() -> str:
    """The version of the libsocle actually loaded, "MAJOR.MINOR.PATCH"."""
    return _text(lib.socle_version_string())


def init() -> None:
    """Initialises the library (libsodium). Optional and idempotent: every call initialises on
    first use; calling it lets a program fail early."""
    check(lib.socle_init())


# ---------------------------------------------------------------------------------------------
# Diagnostics and errors


class Severity(enum.IntEnum):
    """How serious a :class:`Diagnostic` is (``SOCLE_SEVERITY_*``)."""

    ERROR = lib.SOCLE_SEVERITY_ERROR
    WARNING = lib.SOCLE_SEVERITY_WARNING


class Diagnostic(NamedTuple):
    """One problem found in a policy.

    ``code`` is stable (e.g. ``"activity.legal_basis_missing"``; the list is in
    docs/policy-reference.md); ``path`` is the field path (``"activities[2].legal_basis"``, ""
    for syntax errors); ``line`` and ``column`` are 1-based, 0 when not known.
    """

    severity: Union[Severity, int]
    code: str
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}: " if self.line else ""
        try:
            severity = Severity(self.severity).name.lower()
        except ValueError:
            severity = f"severity {int(self.severity)}"
        text = f"{where}{severity}: {self.message}"
        if self.code:
            text += f" [{self.code}]"
        if self.path:
            text += f" (at {self.path})"
        return text


def _diagnostics(error: object) -> List[Diagnostic]:
    """Copies the diagnostics of a ``socle_error*`` (borrowed; may be NULL) into Python."""
    if error == ffi.NULL:
        return []
    found = []
    for i in range(lib.socle_error_diagnostic_count(error)):
        severity: Union[Severity, int] = lib.socle_error_diagnostic_severity(error, i)
        try:
            severity = Severity(severity)
        except ValueError:  # a newer library may add severities: keep the number
            pass
        found.append(Diagnostic(
            severity=severity,
            code=_text(lib.socle_error_diagnostic_code(error, i)),
            path=_text(lib.socle_error_diagnostic_path(error, i)),
            line=lib.socle_error_diagnostic_line(error, i),
            column=lib.socle_error_diagnostic_column(error, i),
            message=_text(lib.socle_error_diagnostic_message(error, i))))
    return found


class Error(Exception):
    """Base class of every error socle reports.

    Attributes: ``code`` (the ``SOCLE_E_*`` status), ``code_name`` (its stable name, e.g.
    ``"POLICY_INVALID"``), ``message`` (a one-line summary; never a secret or a personal
    identifier) and ``diagnostics`` (a list of :class:`Diagnostic`, empty except for policy
    problems).
    """

    #: The status code of the subclass; instances may carry another one (see :func:`check`).
    code: int = -1
    code_name: str = "UNKNOWN"

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = (),
                 code: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics: List[Diagnostic] = list(diagnostics)
        if code is not None and code != type(self).code:
            self.code = code
            self.code_name = _text(lib.socle_status_name(code))

    def __str__(self) -> str:
        return "\n  ".join([self.message, *map(str, self.diagnostics)])

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.message!r}, code={self.code_name}, "
                f"diagnostics={len(self.diagnostics)})")

    def __reduce__(self):  # keeps exceptions picklable despite the keyword arguments
        return (_rebuild_error, (type(self), self.message, self.diagnostics, self.code))


def _rebuild_error(cls: Type[Error], message: str, diagnostics: List[Diagnostic],
                   code: int) -> Error:
    return cls(message, diagnostics, code)


class InvalidArgumentError(Error, ValueError):
    """The caller passed something malformed (a bad format, an embedded NUL…)."""


class NotFoundError(Error):
    """An id, a file or a record that does not exist."""


class AlreadyExistsError(Error):
    """A duplicate id or record."""


class PermissionDeniedError(Error):
    """The caller is not allowed to do this."""


class FailedPreconditionError(Error):
    """The state does not allow the call."""


class OutOfRangeError(Error):
    """A number or a date outside its allowed range."""


class ResourceExhaustedError(Error):
    """A rate limit or a size limit was hit."""


class InternalError(Error):
    """A bug in socle: please report it."""


class NoMemoryError(Error, MemoryError):
    """An allocation failed."""


class IoError(Error, OSError):
    """Reading or writing a file failed (``filename`` is set when known)."""


class ParseError(Error):
    """Input bytes are not well-formed; for a policy, ``diagnostics`` says where."""


class PolicyInvalidError(Error):
    """The policy parsed but does not validate; ``diagnostics`` lists every problem (warnings
    included)."""


class VerificationFailedError(Error):
    """A signature, MAC or authenticated decryption failed (deliberately without detail)."""


class UnsupportedError(Error):
    """A format version or feature this build does not support."""


class DataLossError(Error):
    """Stored data is truncated or corrupted."""


class LogTamperAttemptError(Error):
    """An update or delete of a ledger entry: refused, and recorded as a tamper alert."""


def _class_name(code_name: str) -> str:
    return "".join(part.capitalize() for part in code_name.split("_")) + "Error"


def _build_error_classes() -> Dict[int, Type[Error]]:
    """Maps every SOCLE_E_* constant of the generated declarations to its class, so that a code
    added to socle.h can never be left without one: a code without a hand-written class above
    gets a generated one (marked ``_generated``; a test insists that none is)."""
    classes: Dict[int, Type[Error]] = {}
    for constant in sorted(name for name in dir(lib) if name.startswith("SOCLE_E_")):
        code = getattr(lib, constant)
        code_name = constant[len("SOCLE_E_"):]
        class_name = _class_name(code_name)
        cls = globals().get(class_name)
        if cls is None:
            cls = type(class_name, (Error,), {
                "__doc__": f"Status SOCLE_E_{code_name}.", "__module__": __name__,
                "_generated": True})
            globals()[class_name] = cls
        if not (isinstance(cls, type) and issubclass(cls, Error)):
            raise ImportError(f"socle: {class_name} is not an Error subclass")
        if code in classes:
            raise ImportError(f"socle: status {code} has two names")
        cls.code = code
        cls.code_name = code_name
        classes[code] = cls
        __all__.append(class_name)
    return classes


_ERROR_CLASSES = _build_error_classes()


def error_class(code: int) -> Type[Error]:
    """The exception class raised for status `code` (:class:`Error` for unknown codes)."""
    return _ERROR_CLASSES.get(code, Error)


__all__.append("error_class")


def check(status: int, error: object = ffi.NULL) -> None:
    """Raises the exception for a non-zero status of a C call; does nothing for SOCLE_OK.

    `error` is the ``socle_error*`` the call filled in (or NULL): its message and diagnostics are
    copied into the exception. It stays owned by the caller, who frees it with
    ``socle_error_free``. Without one, the message is the thread's last error message.
    """
    if status == lib.SOCLE_OK:
        return
    if error != ffi.NULL:
        message = _text(lib.socle_error_message(error))
    else:
        message = _text(lib.socle_last_error_message())
    if not message:
        message = _text(lib.socle_status_name(status))
    raise error_class(status)(message, _diagnostics(error), code=status)


class _ErrorSlot:
    """A ``socle_error**`` out-parameter whose content is freed on exit, whatever happens."""

    __slots__ = ("pointer",)

    def __init__(self) -> None:
        self.pointer = ffi.new("socle_error**")

    def __enter__(self) -> "_ErrorSlot":
        return self

    @property
    def error(self) -> object:
        return self.pointer[0]

    def __exit__(self, *exc_info: object) -> None:
        lib.socle_error_free(self.pointer[0])
        self.pointer[0] = ffi.NULL


def _new_object(ctype: str, new: object, free: object) -> object:
    """A new options or secrets object made by ``new(out, error)``, released by ``free`` when it is
    collected or ``ffi.release``d (one way for every such object of the C ABI)."""
    out = ffi.new(ctype + "**")
    with _ErrorSlot() as slot:
        check(new(out, slot.pointer), slot.error)  # type: ignore[operator]
    return ffi.gc(out[0], free)


def _take(buffer: object) -> bytes:
    """The bytes of a filled ``socle_buffer*``, which is then freed (and wiped) by socle."""
    try:
        size = buffer.size  # type: ignore[attr-defined]
        return ffi.buffer(buffer.data, size)[:] if size else b""  # type: ignore[attr-defined]
    finally:
        lib.socle_buffer_free(buffer)


class _Handle:
    """A C handle freed by ``ffi.gc``, or at once by :meth:`close` or a ``with`` block."""

    __slots__ = ("_handle", "__weakref__")
    _kind = "handle"

    def _own(self, handle: object, free: object) -> None:
        self._handle = ffi.gc(handle, free)

    def close(self) -> None:
        """Frees the C handle now. Idempotent; no other thread may be using the object."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None:
            ffi.release(handle)

    @property
    def closed(self) -> bool:
        return getattr(self, "_handle", None) is None

    def __enter__(self):  # type: ignore[no-untyped-def]
        self._live()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _live(self) -> object:
        handle = getattr(self, "_handle", None)
        if handle is None:
            raise ValueError(f"operation on a closed {type(self).__name__}")
        return handle


# ---------------------------------------------------------------------------------------------
# Policy

Text = Union[str, bytes, bytearray, memoryview]
_REGISTER_FORMATS = {
    "markdown": lib.SOCLE_REGISTER_MARKDOWN,
    "md": lib.SOCLE_REGISTER_MARKDOWN,
    "json": lib.SOCLE_REGISTER_JSON,
    "jsonld": lib.SOCLE_REGISTER_JSONLD,
}
_REGISTER_LANGUAGES = {
    "fr": lib.SOCLE_REGISTER_LANG_FR,
    "en": lib.SOCLE_REGISTER_LANG_EN,
}


def _text_argument(text: Text) -> object:
    """Policy text as something cffi passes as ``const char*`` (a length goes with it)."""
    if isinstance(text, str):
        return text.encode("utf-8")
    if isinstance(text, bytes):
        return text
    if isinstance(text, (bytearray, memoryview)):
        return ffi.from_buffer(text)
    raise TypeError(f"policy text must be str or bytes, not {type(text).__name__}")


def _length(argument: object) -> int:
    return len(argument) if isinstance(argument, bytes) else ffi.sizeof(argument)


def _c_string(value: Union[str, bytes, "os.PathLike[str]"], what: str) -> bytes:
    """A NUL-terminated argument; an embedded NUL would silently truncate it, so it is refused."""
    encoded = os.fsencode(value) if not isinstance(value, str) else value.encode("utf-8")
    if b"\0" in encoded:
        raise InvalidArgumentError(f"{what} contains a NUL character")
    return encoded


class Policy(_Handle):
    """A loaded, validated and compiled policy: the register of processing activities and the
    rules socle enforces. Immutable; create it with :meth:`load` or :meth:`load_file`.

    The C handle is freed when the object is garbage-collected, or at once by :meth:`close` or
    at the end of a ``with`` block; using a closed policy raises ``ValueError``.
    """

    __slots__ = ()

    def __init__(self) -> None:
        raise TypeError("use Policy.load() or Policy.load_file()")

    @classmethod
    def _adopt(cls, handle: object) -> "Policy":
        policy = cls.__new__(cls)
        policy._own(handle, lib.socle_policy_free)
        return policy

    @classmethod
    def load(cls, text: Text, source_name: Optional[str] = None) -> "Policy":
        """Parses, validates and compiles a policy in protobuf text format.

        Raises :class:`ParseError` (syntax) or :class:`PolicyInvalidError` (validation), each
        with every problem in ``diagnostics``; `source_name` only names the text in messages.
        """
        data = _text_argument(text)
        name = _c_string(source_name, "source_name") if source_name is not None else ffi.NULL
        out = ffi.new("socle_policy**")
        with _ErrorSlot() as slot:
            check(lib.socle_policy_load(data, _length(data), name, out, slot.pointer), slot.error)
        return cls._adopt(out[0])

    @classmethod
    def load_file(cls, path: Union[str, bytes, "os.PathLike[str]"]) -> "Policy":
        """As :meth:`load`, reading the file at `path`; raises :class:`IoError` if it cannot be
        read."""
        encoded = _c_string(path, "path")
        out = ffi.new("socle_policy**")
        with _ErrorSlot() as slot:
            try:
                check(lib.socle_policy_load_file(encoded, out, slot.pointer), slot.error)
            except IoError as e:
                e.filename = os.fsdecode(encoded)
                raise
        return cls._adopt(out[0])

    @staticmethod
    def validate(text: Text, source_name: Optional[str] = None) -> List[Diagnostic]:
        """Validates a policy without keeping it.

        Returns the warnings of a valid policy (an empty list when it is clean). For an invalid
        policy, raises :class:`ParseError` or :class:`PolicyInvalidError` carrying every
        diagnostic, warnings included, exactly as :meth:`load` does.
        """
        data = _text_argument(text)
        name = _c_string(source_name, "source_name") if source_name is not None else ffi.NULL
        with _ErrorSlot() as slot:
            check(lib.socle_policy_validate(data, _length(data), name, slot.pointer), slot.error)
            return _diagnostics(slot.error)

    # -- contents --------------------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The policy's id, as written in the file."""
        return _text(lib.socle_policy_id(self._live()))

    @property
    def revision(self) -> str:
        """The DPO's label for this version of the policy."""
        return _text(lib.socle_policy_revision(self._live()))

    @property
    def digest(self) -> bytes:
        """The 32-byte digest of the policy's content, which later records cite. Comments,
        whitespace and field order do not change it; any change of content does."""
        out = ffi.new("uint8_t[]", lib.SOCLE_POLICY_DIGEST_BYTES)
        with _ErrorSlot() as slot:
            check(lib.socle_policy_digest(self._live(), out, len(out), slot.pointer), slot.error)
        return ffi.buffer(out)[:]

    @property
    def digest_hex(self) -> str:
        """:attr:`digest` as 64 lower-case hex characters."""
        return _text(lib.socle_policy_digest_hex(self._live()))

    @property
    def activity_count(self) -> int:
        return int(lib.socle_policy_activity_count(self._live()))

    @property
    def role_count(self) -> int:
        return int(lib.socle_policy_role_count(self._live()))

    @property
    def data_category_count(self) -> int:
        return int(lib.socle_policy_data_category_count(self._live()))

    def render_register(self, format: str = "markdown", language: str = "fr") -> str:
        """The register of processing activities (GDPR art. 30(1) a-g for every activity), as
        ``"markdown"`` (alias ``"md"``), ``"json"`` (schema socle.v1.Register) or ``"jsonld"``
        (JSON-LD in the W3C Data Privacy Vocabulary), in ``language`` ``"fr"`` (the default:
        the headings of the CNIL's model register) or ``"en"``.

        Raises :class:`InvalidArgumentError` for any other format or language.
        """
        try:
            code = _REGISTER_FORMATS[format]
        except (KeyError, TypeError):
            raise InvalidArgumentError(
                f"unknown register format {format!r}; expected 'markdown', 'json' or 'jsonld'"
            ) from None
        try:
            lang = _REGISTER_LANGUAGES[language]
        except (KeyError, TypeError):
            raise InvalidArgumentError(
                f"unknown register language {language!r}; expected 'fr' or 'en'") from None
        buffer = ffi.new("socle_buffer*")
        try:
            with _ErrorSlot() as slot:
                check(lib.socle_policy_render_register_lang(self._live(), code, lang, buffer,
                                                            slot.pointer),
                      slot.error)
            if buffer.size == 0:
                return ""
            return ffi.unpack(ffi.cast("char*", buffer.data), buffer.size).decode("utf-8")
        finally:
            lib.socle_buffer_free(buffer)

    def __repr__(self) -> str:
        if self.closed:
            return "<socle.Policy (closed)>"
        return (f"<socle.Policy id={self.id!r} revision={self.revision!r} "
                f"digest={self.digest_hex[:16]}…>")


# ---------------------------------------------------------------------------------------------
# The other sections of the C ABI, one module each, re-exported here. They import the helpers
# above, so they come last. (A test checks that these lists are the modules' __all__. Importing a
# submodule binds its name in this namespace: never name one like a helper above, e.g. `_text`.)

from ._access import (NO_ID, AccessEngine, Action, Audience, BreakGlassSession,  # noqa: E402
                      Decision, Decisions, Effect, EntryKind, Explanation, ExplanationStep,
                      FollowerStatus, ItemIds, Obligation, Reason, RestrictionJustification,
                      Secrecy, View)

__all__ += ["NO_ID", "AccessEngine", "Action", "Audience", "BreakGlassSession", "Decision",
            "Decisions", "Effect", "EntryKind", "Explanation", "ExplanationStep", "FollowerStatus",
            "ItemIds", "Obligation", "Reason", "RestrictionJustification", "Secrecy", "View"]

from ._vault import KeyProvider, Vault  # noqa: E402

__all__ += ["KeyProvider", "Vault"]

from ._ledger import (AccessTrail, Checkpoint, CurrentAccess, Durability, HistoryEntry,  # noqa: E402
                      InclusionProof, Ledger, LedgerEntry, LedgerEntryType, Storage,
                      TrailOperation, Verification)

__all__ += ["AccessTrail", "Checkpoint", "CurrentAccess", "Durability", "HistoryEntry", "InclusionProof",
            "Ledger", "LedgerEntry", "LedgerEntryType", "Storage", "TrailOperation",
            "Verification"]

from ._sharing import (MANDATE_DURATIONS, CreatedMandate, InformationException,  # noqa: E402
                       InformChannel, InformRelation, MandateState, MandateVerdict,
                       PersonInvolvement, PersonToInform, SharedItem, ShareRequest, SharingBasis,
                       SharingCheck, SharingInformation, SharingOutcome, SharingRecord)

__all__ += ["CreatedMandate", "InformChannel", "InformRelation", "InformationException",
            "MANDATE_DURATIONS", "MandateState", "MandateVerdict", "PersonInvolvement",
            "PersonToInform", "ShareRequest", "SharedItem", "SharingBasis", "SharingCheck",
            "SharingInformation", "SharingOutcome", "SharingRecord"]

from ._pseudonym import (PseudonymContext, PseudonymKind, Pseudonymizer,  # noqa: E402
                         ReversalEvent)

__all__ += ["PseudonymContext", "PseudonymKind", "Pseudonymizer", "ReversalEvent"]

from ._text_tools import (  # noqa: E402
    AgeBand, IdentityKind, KnownIdentity, NirCheck, Recognise, Redacted, RedactionType, Redactor,
    generalise_age_band, generalise_amount, generalise_birth_year, generalise_date,
    generalise_insee_commune, generalise_postcode, nir_check, nir_key, nir_normalise, redact)

__all__ += ["AgeBand", "IdentityKind", "KnownIdentity", "NirCheck", "Recognise", "Redacted",
            "RedactionType", "Redactor", "generalise_age_band", "generalise_amount",
            "generalise_birth_year", "generalise_date", "generalise_insee_commune",
            "generalise_postcode", "nir_check", "nir_key", "nir_normalise", "redact"]

from ._consent import (ConsentChannel, ConsentScope, ConsentSpec, ConsentState,  # noqa: E402
                       ConsentStatus, ObjectionKind, ObjectionOutcome, RepresentationKind,
                       VerifiedConsentReceipt, verify_consent_receipt)

__all__ += ["ConsentChannel", "ConsentScope", "ConsentSpec", "ConsentState", "ConsentStatus",
            "ObjectionKind", "ObjectionOutcome", "RepresentationKind", "VerifiedConsentReceipt",
            "verify_consent_receipt"]

from ._retention import (Breach, BreachRisk, ContactOriginator,  # noqa: E402
                         RetentionEndAction, RetentionPhase, RetentionStart, RetentionStatus,
                         RightsRequest, RightsRequestKind, RightsRequestStatus)

__all__ += ["Breach", "BreachRisk", "ContactOriginator", "RetentionEndAction", "RetentionPhase",
            "RetentionStart", "RetentionStatus", "RightsRequest", "RightsRequestKind",
            "RightsRequestStatus"]

from ._erasure import (DeletionCertificate, Erasure, ErasureAssert,  # noqa: E402
                       ErasureCategory, ErasureException, RectificationNotice, Restriction,
                       RestrictionGround, SweepReport, SweepToDo, Tombstone,
                       verify_deletion_certificate)

__all__ += ["DeletionCertificate", "Erasure", "ErasureAssert", "ErasureCategory",
            "ErasureException", "RectificationNotice", "Restriction", "RestrictionGround",
            "SweepReport",
            "SweepToDo", "Tombstone", "verify_deletion_certificate"]

from ._export import (ExportError, ExportFileError, ExportKind, ExportProblem,  # noqa: E402
                      ExportReader, ExportReport, ExportSigningKey, ExportSummary,
                      ExportVerification, ExportWriter, RecipientKey, portability_json_schema,
                      verify_export)

__all__ += ["ExportError", "ExportFileError", "ExportKind", "ExportProblem", "ExportReader",
            "ExportReport", "ExportSigningKey", "ExportSummary", "ExportVerification",
            "ExportWriter", "RecipientKey", "portability_json_schema", "verify_export"]

from ._statistics import (CellStatus, NoiseMechanism, PrivacyBudget,  # noqa: E402
                          StatisticsRelease, Table)

__all__ += ["CellStatus", "NoiseMechanism", "PrivacyBudget", "StatisticsRelease", "Table"]

from ._analysis import (AnalysedCase, CaseOutcome, PolicyAnalysis, PolicyChange,  # noqa: E402
                        PolicyDiff, PropertyReport, PropertyResult, diff_policies)

__all__ += ["AnalysedCase", "CaseOutcome", "PolicyAnalysis", "PolicyChange", "PolicyDiff",
            "PropertyReport", "PropertyResult", "diff_policies"]

from ._approval import (PolicyActivation, PolicyInForce, generate_approval_key,  # noqa: E402
                        sign_policy_approval)

__all__ += ["PolicyActivation", "PolicyInForce", "generate_approval_key", "sign_policy_approval"]
