"""Text: the NIR, generalisation of quasi-identifiers, free-text redaction (section "text" of
socle.h; docs/redaction.md). Re-exported by ``socle``: ``socle.redact``, ``socle.Redactor``,
``socle.nir_check``…
"""

from __future__ import annotations

import datetime
import enum
from typing import (Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union)

from . import InvalidArgumentError, _ErrorSlot, _Handle, _new_object, _take, _text, check
from ._native import ffi, lib

__all__ = [
    "AgeBand",
    "IdentityKind",
    "KnownIdentity",
    "NirCheck",
    "Recognise",
    "Redacted",
    "RedactionType",
    "Redactor",
    "generalise_age_band",
    "generalise_amount",
    "generalise_birth_year",
    "generalise_date",
    "generalise_insee_commune",
    "generalise_postcode",
    "nir_check",
    "nir_key",
    "nir_normalise",
    "redact",
]

Text = Union[str, bytes]
Date = Union[str, datetime.date]


def _data(value: Any, what: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, datetime.date):
        return value.isoformat()[:10].encode("ascii")
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


def _constants(prefix: str, exclude: Tuple[str, ...] = ()) -> Dict[str, int]:
    found = {name[len(prefix):]: int(getattr(lib, name)) for name in dir(lib)
             if name.startswith(prefix) and name[len(prefix):] not in exclude}
    return dict(sorted(found.items(), key=lambda item: item[1]))


IdentityKind = enum.IntEnum(  # type: ignore[misc]
    "IdentityKind", _constants("SOCLE_IDENTITY_"), module=__name__)
IdentityKind.__doc__ = "The kind of a known identity (SOCLE_IDENTITY_*)."
RedactionType = enum.IntEnum(  # type: ignore[misc]
    "RedactionType", _constants("SOCLE_REDACTION_", ("TYPE_COUNT",)), module=__name__)
RedactionType.__doc__ = ("A placeholder type (SOCLE_REDACTION_*); ``placeholder`` is its name "
                         "in the text (\"PERSONNE\", \"TÉLÉPHONE\"…).")
RedactionType.placeholder = property(  # type: ignore[attr-defined]
    lambda self: _text(lib.socle_redaction_type_name(int(self))))
Recognise = enum.IntFlag(  # type: ignore[misc]
    "Recognise", _constants("SOCLE_RECOGNISE_"), module=__name__)
Recognise.__doc__ = "The recognisers of undeclared identifiers (SOCLE_RECOGNISE_* bits)."
_TYPE_COUNT = int(lib.SOCLE_REDACTION_TYPE_COUNT)


# ---------------------------------------------------------------------------------------------
# The NIR


class NirCheck(NamedTuple):
    """What :func:`nir_check` found: ``valid``, the ``problem`` (a ``SOCLE_NIR_*`` code, 0 when
    valid) and the plausibility ``warnings`` of a valid NIR (``SOCLE_NIR_WARN_*`` bits)."""

    valid: bool
    problem: int
    warnings: int


def nir_check(text: Text) -> NirCheck:
    """Validates a NIR (spaces, dots and dashes between characters ignored; 2A/2B accepted).
    Never raises for an invalid NIR: see ``valid`` and ``problem``."""
    data = _data(text, "text")
    problem = ffi.new("int32_t*")
    warnings = ffi.new("uint32_t*")
    with _ErrorSlot() as slot:
        status = lib.socle_nir_check(data, len(data), problem, warnings, slot.pointer)
        if status not in (lib.SOCLE_OK, lib.SOCLE_E_INVALID_ARGUMENT):
            check(status, slot.error)
    return NirCheck(status == lib.SOCLE_OK, int(problem[0]), int(warnings[0]))


def nir_normalise(text: Text) -> str:
    """The NIR as 15 characters without separators (upper-case 2A/2B);
    :class:`InvalidArgumentError` if it is not a valid NIR (the message never holds it)."""
    data = _data(text, "text")
    buffer = ffi.new("socle_buffer*")
    with _ErrorSlot() as slot:
        status = lib.socle_nir_normalise(data, len(data), buffer, slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(buffer)
            check(status, slot.error)
    return _take(buffer).decode("ascii")


def nir_key(body: Text) -> int:
    """The key (1 to 97) of a 13-character NIR body."""
    data = _data(body, "body")
    key = ffi.new("int32_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_nir_key(data, len(data), key, slot.pointer), slot.error)
    return int(key[0])


# ---------------------------------------------------------------------------------------------
# Generalisation


def _buffer_call(function: Any, *arguments: Any) -> str:
    """Calls ``function(*arguments, socle_buffer* out, socle_error** error)``; the text out."""
    buffer = ffi.new("socle_buffer*")
    with _ErrorSlot() as slot:
        status = function(*arguments, buffer, slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(buffer)
            check(status, slot.error)
    return _take(buffer).decode("utf-8")


def generalise_birth_year(birth: Date) -> int:
    """The year of a birth date ("YYYY-MM-DD" or a ``datetime.date``)."""
    data = _data(birth, "birth")
    year = ffi.new("int32_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_generalise_birth_year(data, len(data), year, slot.pointer), slot.error)
    return int(year[0])


class AgeBand(NamedTuple):
    """An age band: inclusive bounds (``high`` None for the open band) and its label."""

    low: int
    high: Optional[int]
    label: str


def generalise_age_band(birth: Date, reference: Date, width: int = 5,
                        open_from: int = 0) -> AgeBand:
    """The age band at `reference` of a person born on `birth`: `width` 5 or 10, `open_from` 0
    or a multiple of the width from which all ages fall in one open band ("90+")."""
    b, r = _data(birth, "birth"), _data(reference, "reference")
    low, high = ffi.new("int32_t*"), ffi.new("int32_t*")
    buffer = ffi.new("socle_buffer*")
    with _ErrorSlot() as slot:
        status = lib.socle_generalise_age_band(b, len(b), r, len(r), width, open_from, low, high,
                                               buffer, slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(buffer)
            check(status, slot.error)
    label = _take(buffer).decode("utf-8")
    return AgeBand(int(low[0]), None if high[0] < 0 else int(high[0]), label)


def generalise_date(date: Date, granularity: str = "month") -> str:
    """A date reduced to its ``"month"`` ("2024-03") or its ``"year"`` ("2024")."""
    codes = {"month": lib.SOCLE_DATE_MONTH, "year": lib.SOCLE_DATE_YEAR}
    if granularity not in codes:
        raise InvalidArgumentError(f"granularity must be 'month' or 'year', not {granularity!r}")
    data = _data(date, "date")
    return _buffer_call(lib.socle_generalise_date, data, len(data), codes[granularity])


def generalise_postcode(postcode: Text) -> str:
    """The département ("75", "2A", "971"…) of a French postcode."""
    data = _data(postcode, "postcode")
    return _buffer_call(lib.socle_generalise_postcode, data, len(data))


def generalise_insee_commune(code: Text) -> str:
    """The département of an INSEE commune code ("2A004" -> "2A", "97411" -> "974")."""
    data = _data(code, "code")
    return _buffer_call(lib.socle_generalise_insee_commune, data, len(data))


def generalise_amount(amount: int, bounds: Sequence[int]) -> Tuple[int, str]:
    """The bracket of `amount` among strictly increasing `bounds`: (index, label), index 0
    below ``bounds[0]``, ``len(bounds)`` at or above the last."""
    c_bounds = ffi.new("int64_t[]", list(bounds))
    index = ffi.new("size_t*")
    buffer = ffi.new("socle_buffer*")
    with _ErrorSlot() as slot:
        status = lib.socle_generalise_amount(c_bounds, len(bounds), amount, index, buffer,
                                             slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(buffer)
            check(status, slot.error)
    return int(index[0]), _take(buffer).decode("utf-8")


# ---------------------------------------------------------------------------------------------
# Redaction


class KnownIdentity(NamedTuple):
    """An identity the case file knows (``socle_known_identity``): its :class:`IdentityKind`
    (or its name, ``"name"``, ``"first_name"``, ``"phone"``…), the value, and the individual it
    belongs to (names and first names with the same `person` share one placeholder number)."""

    kind: Union[int, str]
    value: str
    person: int = 0


class Redacted(NamedTuple):
    """A redacted text and how many placeholders of each :class:`RedactionType` it got (the
    counts of a batch are summed over its texts). ``str()`` gives the text."""

    text: str
    counts: Dict[RedactionType, int]

    def __str__(self) -> str:
        return self.text


KnownIdentities = Iterable[Union[KnownIdentity, Tuple[Any, ...]]]


def _identity_kind(kind: Union[int, str]) -> int:
    if isinstance(kind, str):
        try:
            return int(IdentityKind[kind.upper()])
        except KeyError:
            raise InvalidArgumentError(f"unknown identity kind {kind!r}") from None
    return int(kind)


class Redactor(_Handle):
    """Redacts French free text (``socle_redactor``, ``socle::Redactor``): first the identities
    the file knows (matched regardless of case, accents, hyphens and spacing), then NIRs, phone
    numbers, e-mails, IBANs and birth dates found by their shape. Replacements are typed
    placeholders ([PERSONNE-1], [NIR], [TÉLÉPHONE]…), numbered per text.

    :meth:`create` takes the known identities as :class:`KnownIdentity` values (or
    ``(kind, value[, person])`` tuples); :meth:`create_from_text` takes the text format of
    ``socle redact --known``. Both take the options: `recognisers` selects the
    :class:`Recognise` bits (all by default); `common_words_need_capital` (True, the default)
    gives precise names: a known name that is an everyday word (Rose, Blanc…) is redacted where
    it is used as a name (a capital, a civility before it, another name of the person beside
    it), not in "une rose", and no name inside a place name ("Saint-Martin-d'Hères"); False is
    the aggressive mode, every case-insensitive match.
    Build it once per file and redact any number of notes, from any number of threads.
    """

    __slots__ = ()

    def __init__(self) -> None:
        raise TypeError("use Redactor.create(identities) or Redactor.create_from_text(known)")

    @classmethod
    def create(cls, identities: KnownIdentities = (), *,
               recognisers: int = Recognise.ALL,  # type: ignore[attr-defined]
               common_words_need_capital: bool = True) -> "Redactor":
        """A redactor of the known `identities` (none: only the shapes)."""
        entries = [k if isinstance(k, KnownIdentity) else KnownIdentity(*k) for k in identities]
        values = [_data(e.value, "identity value") for e in entries]
        c_identities = ffi.new("socle_known_identity[]", max(1, len(entries)))
        keep = []
        for i, (entry, value) in enumerate(zip(entries, values)):
            c_identities[i].kind = _identity_kind(entry.kind)
            c_identities[i].person = entry.person
            pointer = ffi.from_buffer(value)
            keep.append(pointer)
            c_identities[i].value = ffi.cast("char*", pointer)
            c_identities[i].value_len = len(value)
        return cls._create(
            lambda options, out, error: lib.socle_redactor_create(
                c_identities if entries else ffi.NULL, len(entries), options, out, error),
            recognisers, common_words_need_capital)

    @classmethod
    def create_from_text(cls, known: Text, *,
                         recognisers: int = Recognise.ALL,  # type: ignore[attr-defined]
                         common_words_need_capital: bool = True) -> "Redactor":
        """A redactor of the identities in the text format of ``socle redact --known`` (one
        ``kind value`` per line, ``person`` between individuals; docs/redaction.md).
        :class:`ParseError` gives the line number only."""
        data = _data(known, "known")
        return cls._create(
            lambda options, out, error: lib.socle_redactor_create_from_text(
                data, len(data), options, out, error),
            recognisers, common_words_need_capital)

    @classmethod
    def _create(cls, create: Any, recognisers: int,
                common_words_need_capital: bool) -> "Redactor":
        """Builds the options, then calls `create(options, out, error)`."""
        options = _new_object("socle_redactor_options", lib.socle_redactor_options_new,
                              lib.socle_redactor_options_free)
        try:
            with _ErrorSlot() as slot:
                check(lib.socle_redactor_options_set_recognisers(options, int(recognisers),
                                                                 slot.pointer), slot.error)
                check(lib.socle_redactor_options_set_common_words_need_capital(
                    options, 1 if common_words_need_capital else 0, slot.pointer), slot.error)
            out = ffi.new("socle_redactor**")
            with _ErrorSlot() as slot:
                check(create(options, out, slot.pointer), slot.error)
        finally:
            ffi.release(options)
        redactor = cls.__new__(cls)
        redactor._own(out[0], lib.socle_redactor_free)
        return redactor

    @staticmethod
    def _counts(counts: Any) -> Dict[RedactionType, int]:
        return {t: int(counts[int(t)]) for t in RedactionType}

    def redact(self, text: Text) -> Redacted:
        """Redacts one text; returns the text and the placeholder counts by type."""
        data = _data(text, "text")
        buffer = ffi.new("socle_buffer*")
        counts = ffi.new("uint64_t[]", _TYPE_COUNT)
        with _ErrorSlot() as slot:
            status = lib.socle_redactor_redact(self._live(), data, len(data), buffer, counts,
                                               _TYPE_COUNT, slot.pointer)
            if status != lib.SOCLE_OK:
                lib.socle_buffer_free(buffer)
                check(status, slot.error)
        return Redacted(_take(buffer).decode("utf-8"), self._counts(counts))

    def redact_batch(self, texts: Sequence[Text]) -> Tuple[List[str], Dict[RedactionType, int]]:
        """Redacts many texts (each numbered on its own) in one C call; returns the redacted
        texts and the placeholder counts summed over the batch."""
        encoded = [_data(t, "text") for t in texts]
        counts = ffi.new("uint64_t[]", _TYPE_COUNT)
        if not encoded:
            return [], self._counts(counts)
        keep = [ffi.from_buffer(e) for e in encoded]
        pointers = ffi.new("char*[]", [ffi.cast("char*", k) for k in keep])
        lengths = ffi.new("size_t[]", [len(e) for e in encoded])
        ends = ffi.new("size_t[]", len(encoded))
        buffer = ffi.new("socle_buffer*")
        with _ErrorSlot() as slot:
            status = lib.socle_redactor_redact_batch(self._live(), pointers, lengths,
                                                     len(encoded), buffer, ends, counts,
                                                     _TYPE_COUNT, slot.pointer)
            if status != lib.SOCLE_OK:
                lib.socle_buffer_free(buffer)
                check(status, slot.error)
        del keep
        data = _take(buffer)
        out, start = [], 0
        for i in range(len(encoded)):
            out.append(data[start:ends[i]].decode("utf-8"))
            start = ends[i]
        return out, self._counts(counts)

    def __repr__(self) -> str:
        return "<socle.Redactor (closed)>" if self.closed else "<socle.Redactor>"


def redact(text: Text, known: Union[Text, KnownIdentities] = (), **options: Any) -> str:
    """Redacts one text with the identities `known`: the text format of ``socle redact
    --known`` (str or bytes, :meth:`Redactor.create_from_text`) or :class:`KnownIdentity`
    values (:meth:`Redactor.create`), with the same options. Keep a :class:`Redactor` for many
    texts. Returns the redacted text."""
    if isinstance(known, (str, bytes)):
        redactor = Redactor.create_from_text(known, **options)
    else:
        redactor = Redactor.create(known, **options)
    with redactor:
        return redactor.redact(text).text
