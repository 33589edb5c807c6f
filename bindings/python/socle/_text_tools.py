"""Text: the NIR, generalisation of quasi-identifiers, free-text redaction (section "text" of
socle.h; docs/redaction.md). Re-exported by ``socle``: ``socle.redact``, ``socle.Redactor``,
``socle.nir_check``…
"""

from __future__ import annotations

import datetime
import enum
from typing import (Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union)

from . import InvalidArgumentError, _ErrorSlot, _Handle, _take, _text, check
from ._native import ffi, lib

__all__ = [
    "AgeBand",
    "Identity",
    "IdentityKind",
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
        status = lib.socle_nir_check(problem, warnings, data, len(data), slot.pointer)
        if status not in (lib.SOCLE_OK, lib.SOCLE_E_INVALID_ARGUMENT):
            check(status, slot.error)
    return NirCheck(status == lib.SOCLE_OK, int(problem[0]), int(warnings[0]))


def nir_normalise(text: Text) -> str:
    """The NIR as 15 characters without separators (upper-case 2A/2B);
    :class:`InvalidArgumentError` if it is not a valid NIR (the message never holds it)."""
    data = _data(text, "text")
    buffer = ffi.new("socle_buffer*")
    with _ErrorSlot() as slot:
        status = lib.socle_nir_normalise(buffer, data, len(data), slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(buffer)
            check(status, slot.error)
    return _take(buffer).decode("ascii")


def nir_key(body: Text) -> int:
    """The key (1 to 97) of a 13-character NIR body."""
    data = _data(body, "body")
    key = ffi.new("int32_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_nir_key(key, data, len(data), slot.pointer), slot.error)
    return int(key[0])


# ---------------------------------------------------------------------------------------------
# Generalisation


def _buffer_call(function: Any, *arguments: Any) -> str:
    buffer = ffi.new("socle_buffer*")
    with _ErrorSlot() as slot:
        status = function(buffer, *arguments, slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(buffer)
            check(status, slot.error)
    return _take(buffer).decode("utf-8")


def generalise_birth_year(birth: Date) -> int:
    """The year of a birth date ("YYYY-MM-DD" or a ``datetime.date``)."""
    data = _data(birth, "birth")
    year = ffi.new("int32_t*")
    with _ErrorSlot() as slot:
        check(lib.socle_generalise_birth_year(year, data, len(data), slot.pointer), slot.error)
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
        status = lib.socle_generalise_age_band(low, high, buffer, b, len(b), r, len(r), width,
                                               open_from, slot.pointer)
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
        status = lib.socle_generalise_amount(index, buffer, c_bounds, len(bounds), amount,
                                             slot.pointer)
        if status != lib.SOCLE_OK:
            lib.socle_buffer_free(buffer)
            check(status, slot.error)
    return int(index[0]), _take(buffer).decode("utf-8")


# ---------------------------------------------------------------------------------------------
# Redaction


class Identity(NamedTuple):
    """An identity the case file knows: its :class:`IdentityKind` (or its name, ``"name"``,
    ``"first_name"``, ``"phone"``…), the value, and the individual it belongs to (names and
    first names with the same `person` share one placeholder number)."""

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


KnownIdentities = Union[str, bytes, Iterable[Union[Identity, Tuple[Any, ...]]]]


def _identity_kind(kind: Union[int, str]) -> int:
    if isinstance(kind, str):
        try:
            return int(IdentityKind[kind.upper()])
        except KeyError:
            raise InvalidArgumentError(f"unknown identity kind {kind!r}") from None
    return int(kind)


class Redactor(_Handle):
    """Redacts French free text: first the identities the file knows (`known`, matched
    regardless of case, accents, hyphens and spacing), then NIRs, phone numbers, e-mails,
    IBANs and birth dates found by their shape. Replacements are typed placeholders
    ([PERSONNE-1], [NIR], [TÉLÉPHONE]…), numbered per text.

    `known` is a sequence of :class:`Identity` (or ``(kind, value[, person])`` tuples), or the
    text format of ``socle redact --known`` (str or bytes). `recognisers` selects the
    :class:`Recognise` bits (all by default). `common_words_need_capital` (True, the default)
    gives precise names: a known name that is an everyday word (Rose, Blanc…) is redacted where
    it is used as a name (a capital, a civility before it, another name of the person beside
    it), not in "une rose", and no name inside a place name ("Saint-Martin-d'Hères"); False is
    the aggressive mode, every case-insensitive match.
    Build it once per file and redact any number of notes, from any number of threads.
    """

    __slots__ = ()

    def __init__(self, known: KnownIdentities = (), *,
                 recognisers: int = Recognise.ALL,  # type: ignore[attr-defined]
                 common_words_need_capital: bool = True) -> None:
        out_options = ffi.new("socle_redactor_options**")
        with _ErrorSlot() as slot:
            check(lib.socle_redactor_options_new(out_options, slot.pointer), slot.error)
        options = ffi.gc(out_options[0], lib.socle_redactor_options_free)
        try:
            with _ErrorSlot() as slot:
                check(lib.socle_redactor_options_set_recognisers(options, int(recognisers),
                                                                 slot.pointer), slot.error)
                check(lib.socle_redactor_options_set_common_words_need_capital(
                    options, 1 if common_words_need_capital else 0, slot.pointer), slot.error)
            out = ffi.new("socle_redactor**")
            if isinstance(known, (str, bytes)):
                data = _data(known, "known")
                with _ErrorSlot() as slot:
                    check(lib.socle_redactor_new_from_text(out, data, len(data), options,
                                                           slot.pointer), slot.error)
            else:
                entries = [k if isinstance(k, Identity) else Identity(*k) for k in known]
                values = [_data(e.value, "identity value") for e in entries]
                identities = ffi.new("socle_identity[]", max(1, len(entries)))
                keep = []
                for i, (entry, value) in enumerate(zip(entries, values)):
                    identities[i].kind = _identity_kind(entry.kind)
                    identities[i].person = entry.person
                    pointer = ffi.from_buffer(value)
                    keep.append(pointer)
                    identities[i].value = ffi.cast("char*", pointer)
                    identities[i].value_len = len(value)
                with _ErrorSlot() as slot:
                    check(lib.socle_redactor_new(out, identities if entries else ffi.NULL,
                                                 len(entries), options, slot.pointer),
                          slot.error)
                del keep
        finally:
            ffi.release(options)
        self._own(out[0], lib.socle_redactor_free)

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

    def redact_many(self, texts: Sequence[Text]) -> Tuple[List[str], Dict[RedactionType, int]]:
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


def redact(text: Text, known: KnownIdentities = (), **options: Any) -> str:
    """Redacts one text with the identities `known` (see :class:`Redactor`, which takes the
    same options and is the one to keep for many texts); returns the redacted text."""
    with Redactor(known, **options) as redactor:
        return redactor.redact(text).text
