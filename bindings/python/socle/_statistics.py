"""Anonymous statistics tables (section "statistics" of socle.h; ``socle/statistics.hpp`` and
``socle/statistics_release.hpp`` in C++; docs/statistics.md, "C ABI and bindings"). Re-exported
by ``socle``: use ``socle.Table``, ``socle.StatisticsRelease``, ``socle.CellStatus``…

A :class:`Table` takes the records in batches (one call of the C ABI per :meth:`Table.add`,
whatever its size), then the access trail publishes it::

    table = socle.Table(["age_band", "commune"])
    table.add({"age_band": ["18-29", "30-44"], "commune": ["Albi", "Castres"]})
    release = trail.publish(table, name="activite_2026", activity="rapport_activite",
                            actor="sw1")                       # suppression + LP audit
    release.rows()      # [{"age_band": "18-29", "commune": "Albi", "status": ..., ...}, ...]
    release.counts_array()   # numpy masked array, shape (n_1 + 1, ..., n_k + 1)
    noisy = trail.publish_noisy(table, name="bruite", activity="rapport_activite",
                                actor="sw1", dataset="activite", parameter=(2, 1))
    engine.privacy_budget("activite").laplace_epsilon_spent   # Fraction(1, 2)

Labels must already be generalised (age bands, communes, brackets): never an identifier. Bad
input raises a :class:`socle.Error` subclass whose message names the record's position and the
dimension, never a label. Thread safety: a :class:`Table` is used by one thread at a time; a
:class:`StatisticsRelease` is immutable.
"""

from __future__ import annotations

import enum
from fractions import Fraction
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from . import _ErrorSlot, _Handle, _take, _text, check
from ._access import AccessEngine, _Strings
from ._consent import _text_args
from ._export import ExportSummary, ExportWriter
from ._ledger import AccessTrail
from ._native import ffi, lib

__all__ = ["CellStatus", "NoiseMechanism", "PrivacyBudget", "StatisticsRelease", "Table"]


class CellStatus(enum.IntEnum):
    """A released cell's status (``SOCLE_CELL_STATUS_*``)."""

    PUBLISHED = lib.SOCLE_CELL_STATUS_PUBLISHED
    PRIMARY_SUPPRESSED = lib.SOCLE_CELL_STATUS_PRIMARY_SUPPRESSED
    SECONDARY_SUPPRESSED = lib.SOCLE_CELL_STATUS_SECONDARY_SUPPRESSED
    NOISY = lib.SOCLE_CELL_STATUS_NOISY


class NoiseMechanism(enum.IntEnum):
    """A noisy release's mechanism (``SOCLE_NOISE_*``): the parameter is the Laplace scale t or
    the Gaussian variance σ²."""

    DISCRETE_LAPLACE = lib.SOCLE_NOISE_DISCRETE_LAPLACE
    DISCRETE_GAUSSIAN = lib.SOCLE_NOISE_DISCRETE_GAUSSIAN


#: The label of a margin (a dimension's total) in :meth:`StatisticsRelease.rows`.
TOTAL = "total"


class Table(_Handle):
    """A statistics table being built (``socle_table_builder``), then finished by the first
    publication (``socle_table_builder_finish``). One thread at a time.

    `dimensions`: 1 to 4 names; `amounts`: whether records carry an amount in cents (the table
    then has sums)."""

    __slots__ = ("_dimensions", "_amounts", "_table")

    def __init__(self, dimensions: Sequence[str], *, amounts: bool = False) -> None:
        if isinstance(dimensions, (str, bytes)):
            raise TypeError("dimensions must be a sequence of names, not one string")
        self._dimensions = [str(d) for d in dimensions]
        self._amounts = bool(amounts)
        self._table = None
        names = _Strings.of(self._dimensions, "dimensions")
        out = ffi.new("socle_table_builder**")
        with _ErrorSlot() as slot:
            check(lib.socle_table_builder_create(names.pointers, names.lengths, names.count,
                                                 1 if amounts else 0, out, slot.pointer),
                  slot.error)
        self._own(out[0], lib.socle_table_builder_free)

    @property
    def dimensions(self) -> List[str]:
        return list(self._dimensions)

    @property
    def records(self) -> int:
        """The records added so far (the grand total once finished)."""
        if self._table is not None:
            return int(lib.socle_statistics_table_record_count(self._table))
        return int(lib.socle_table_builder_records(self._live()))

    def add(self, columns: Union[Mapping[str, Sequence[Any]], Sequence[Sequence[Any]]],
            amounts: Optional[Sequence[int]] = None) -> int:
        """Adds many records in one call: `columns` maps each dimension's name to its labels
        (one per record; a data frame's columns), or is a sequence of label columns in the order
        of the dimensions. `amounts` (cents, ≥ 0): required with amounts, else None. Records
        before a refused one stay added; returns how many were added."""
        if isinstance(columns, Mapping):
            missing = [d for d in self._dimensions if d not in columns]
            if missing or len(columns) != len(self._dimensions):
                raise ValueError("columns must name exactly the table's dimensions")
            ordered = [columns[d] for d in self._dimensions]
        else:
            ordered = list(columns)
            if len(ordered) != len(self._dimensions):
                raise ValueError(f"{len(ordered)} columns for {len(self._dimensions)} dimensions")
        count = len(ordered[0]) if ordered else 0
        if any(len(c) != count for c in ordered):
            raise ValueError("every column must have one label per record")
        labels = _Strings.of([v for column in ordered for v in column], "labels")
        c_amounts = ffi.NULL
        if amounts is not None:
            if len(amounts) != count:
                raise ValueError("amounts must have one value per record")
            c_amounts = ffi.new("int64_t[]", [int(a) for a in amounts])
        added = ffi.new("uint64_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_table_builder_add_columns(self._live(), count, labels.pointers,
                                                      labels.lengths, c_amounts, added,
                                                      slot.pointer), slot.error)
        return int(added[0])

    def _finished(self) -> Any:
        """The finished table (``socle_statistics_table``), made once."""
        if self._table is None:
            out = ffi.new("socle_statistics_table**")
            with _ErrorSlot() as slot:
                check(lib.socle_table_builder_finish(self._live(), out, slot.pointer),
                      slot.error)
            self._table = ffi.gc(out[0], lib.socle_statistics_table_free)
        return self._table


class StatisticsRelease(_Handle):
    """A released table (``socle_statistics_release``): immutable, aggregates only.

    Cells are in row-major order over (category or total) per dimension, the last dimension
    fastest; a margin's label is ``"total"``."""

    __slots__ = ("name", "dimensions", "categories", "noisy", "primary_suppressed",
                 "secondary_suppressed")

    def __init__(self) -> None:
        raise TypeError("use AccessTrail.publish() or AccessTrail.publish_noisy()")

    @classmethod
    def _wrap(cls, handle: Any) -> "StatisticsRelease":
        release = cls.__new__(cls)
        release._own(handle, lib.socle_statistics_release_free)
        h = handle
        release.name = _text(lib.socle_statistics_release_name(h))
        n = lib.socle_statistics_release_dimension_count(h)
        release.dimensions = [_text(lib.socle_statistics_release_dimension_name(h, d))
                              for d in range(n)]
        release.categories = [
            [_text(lib.socle_statistics_release_category(h, d, i))
             for i in range(lib.socle_statistics_release_category_count(h, d))]
            for d in range(n)]
        release.noisy = bool(lib.socle_statistics_release_noisy(h))
        release.primary_suppressed = int(lib.socle_statistics_release_primary_suppressed(h))
        release.secondary_suppressed = int(lib.socle_statistics_release_secondary_suppressed(h))
        return release

    @property
    def shape(self) -> Tuple[int, ...]:
        """(n_1 + 1, …, n_k + 1): each dimension's categories and its total."""
        return tuple(len(c) + 1 for c in self.categories)

    def __len__(self) -> int:
        return int(lib.socle_statistics_release_cell_count(self._live()))

    def _cells(self) -> Tuple[Any, Any, Any, Any, int]:
        """Every cell's status, count, sum and flags, in one call of the C ABI."""
        n = len(self)
        statuses = ffi.new("int32_t[]", n)
        counts = ffi.new("int64_t[]", n)
        sums = ffi.new("int64_t[]", n)
        flags = ffi.new("int32_t[]", n)
        with _ErrorSlot() as slot:
            check(lib.socle_statistics_release_cells(self._live(), 0, n, statuses, counts, sums,
                                                     flags, slot.pointer), slot.error)
        return statuses, counts, sums, flags, n

    def rows(self) -> List[Dict[str, Any]]:
        """One dict per cell, in cell order: each dimension's label (``"total"`` for a margin),
        ``status`` (:class:`CellStatus`), ``count`` and ``sum`` (None when withheld)."""
        statuses, counts, sums, flags, n = self._cells()
        labels = [c + [TOTAL] for c in self.categories]
        out: List[Dict[str, Any]] = []
        index = [0] * len(labels)
        for i in range(n):
            row: Dict[str, Any] = {d: labels[k][index[k]] for k, d in enumerate(self.dimensions)}
            row["status"] = CellStatus(statuses[i])
            row["count"] = int(counts[i]) if flags[i] & 1 else None
            row["sum"] = int(sums[i]) if flags[i] & 2 else None
            out.append(row)
            for k in range(len(index) - 1, -1, -1):  # row-major: the last dimension fastest
                index[k] += 1
                if index[k] < len(labels[k]):
                    break
                index[k] = 0
        return out

    def counts_array(self) -> Any:
        """The counts as a ``numpy.ma.MaskedArray`` of shape :attr:`shape` (index n_d on
        dimension d is its total), int64, suppressed cells masked (never a made-up value).
        Requires numpy."""
        import numpy
        statuses, counts, _sums, flags, n = self._cells()
        data = numpy.frombuffer(ffi.buffer(counts, 8 * n), dtype=numpy.int64).copy()
        published = numpy.frombuffer(ffi.buffer(flags, 4 * n), dtype=numpy.int32) & 1
        return numpy.ma.MaskedArray(data.reshape(self.shape),
                                    mask=(published == 0).reshape(self.shape))

    def json(self) -> str:
        """socle.v1.StatisticsDocument in protobuf's JSON mapping."""
        buffer = ffi.new("socle_buffer*")
        with _ErrorSlot() as slot:
            check(lib.socle_statistics_release_json(self._live(), buffer, slot.pointer),
                  slot.error)
        return _take(buffer).decode("utf-8")

    def csv(self) -> str:
        """CSV (RFC 4180, CRLF): a header, then one line per cell."""
        buffer = ffi.new("socle_buffer*")
        with _ErrorSlot() as slot:
            check(lib.socle_statistics_release_csv(self._live(), buffer, slot.pointer),
                  slot.error)
        return _take(buffer).decode("utf-8")

    def write_export(self, writer: ExportWriter) -> ExportSummary:
        """Writes the release into `writer` (made with ``kind=ExportKind.STATISTICS_TABLE``)
        and finishes the file."""
        records = ffi.new("uint64_t*")
        size = ffi.new("uint64_t*")
        with _ErrorSlot() as slot:
            check(lib.socle_statistics_release_write_export(self._live(), writer._live(),
                                                            records, size, slot.pointer),
                  slot.error)
        return ExportSummary(int(records[0]), int(size[0]))


class PrivacyBudget(NamedTuple):
    """A dataset's privacy budget on the engine's current snapshot
    (:meth:`AccessEngine.privacy_budget`), in exact fractions."""

    epsilon: Fraction
    delta: Fraction
    laplace_epsilon_spent: Fraction  # Σ ε of the discrete Laplace releases
    rho_spent: Fraction  # Σ ρ of the discrete Gaussian releases (zCDP)
    charges: int


def _publication(name: str, activity: str, actor: str) -> list:
    return _text_args((name, "name"), (activity, "activity"), (actor, "actor"))


def publish(self: AccessTrail, table: Table, *, name: str, activity: str, actor: str,
            p_percent: Optional[int] = None) -> StatisticsRelease:
    """Protects `table` by suppression under the policy's rules (and the p% rule at
    `p_percent`), audits it, records the release in the trail and returns it. The table is
    finished by the first publication (it can be published again, e.g. noisily)."""
    out = ffi.new("socle_statistics_release**")
    with _ErrorSlot() as slot:
        check(lib.socle_access_trail_publish_table(self._live(), table._finished(),
                                                   *_publication(name, activity, actor),
                                                   int(p_percent or 0), out, slot.pointer),
              slot.error)
    return StatisticsRelease._wrap(out[0])


def publish_noisy(self: AccessTrail, table: Table, *, name: str, activity: str, actor: str,
                  dataset: str,
                  mechanism: Union[NoiseMechanism, int] = NoiseMechanism.DISCRETE_LAPLACE,
                  parameter: Union[Tuple[int, int], Fraction, int] = (1, 1),
                  records_per_person: int = 1, amount_bound: int = 0,
                  clamp_negative: bool = True) -> StatisticsRelease:
    """Charges the release to `dataset`'s privacy budget in the trail's engine, adds noise,
    records the release and returns it (every cell NOISY). `parameter`: the Laplace scale t or
    the Gaussian σ², as (numerator, denominator), a Fraction or an int."""
    if isinstance(parameter, tuple):
        numerator, denominator = parameter
    else:
        fraction = Fraction(parameter)
        numerator, denominator = fraction.numerator, fraction.denominator
    options = ffi.new("socle_noise_options**")
    with _ErrorSlot() as slot:
        check(lib.socle_noise_options_new(options, slot.pointer), slot.error)
    noise = ffi.gc(options[0], lib.socle_noise_options_free)
    with _ErrorSlot() as slot:
        check(lib.socle_noise_options_set_dataset(noise, *_text_args((dataset, "dataset")),
                                                  slot.pointer), slot.error)
    for setter, value in ((lib.socle_noise_options_set_mechanism, int(mechanism)),
                          (lib.socle_noise_options_set_records_per_person,
                           int(records_per_person)),
                          (lib.socle_noise_options_set_amount_bound, int(amount_bound)),
                          (lib.socle_noise_options_set_clamp_negative,
                           1 if clamp_negative else 0)):
        with _ErrorSlot() as slot:
            check(setter(noise, value, slot.pointer), slot.error)
    with _ErrorSlot() as slot:
        check(lib.socle_noise_options_set_parameter(noise, int(numerator), int(denominator),
                                                    slot.pointer), slot.error)
    out = ffi.new("socle_statistics_release**")
    with _ErrorSlot() as slot:
        check(lib.socle_access_trail_publish_noisy_table(
            self._live(), self.engine._live(), table._finished(),
            *_publication(name, activity, actor), noise, out, slot.pointer), slot.error)
    return StatisticsRelease._wrap(out[0])


def privacy_budget(self: AccessEngine, dataset: str) -> PrivacyBudget:
    """`dataset`'s budget (ε, δ) and what the recorded releases spent
    (:class:`NotFoundError` for a dataset the policy does not declare)."""
    out = ffi.new("socle_privacy_budget**")
    with _ErrorSlot() as slot:
        check(lib.socle_access_engine_privacy_budget(self._live(),
                                                     *_text_args((dataset, "dataset")), out,
                                                     slot.pointer), slot.error)
    b = ffi.gc(out[0], lib.socle_privacy_budget_free)

    def fraction(name: str) -> Fraction:
        return Fraction(int(getattr(lib, f"socle_privacy_budget_{name}_numerator")(b)),
                        int(getattr(lib, f"socle_privacy_budget_{name}_denominator")(b)))

    return PrivacyBudget(fraction("epsilon"), fraction("delta"),
                         fraction("laplace_epsilon_spent"), fraction("rho_spent"),
                         int(lib.socle_privacy_budget_charge_count(b)))


for _cls, _method in ((AccessTrail, publish), (AccessTrail, publish_noisy),
                      (AccessEngine, privacy_budget)):
    _method.__qualname__ = f"{_cls.__name__}.{_method.__name__}"
    setattr(_cls, _method.__name__, _method)
