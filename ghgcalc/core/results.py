"""Results: per-row results with provenance, totals, breakdowns, intensities and KPIs.

Totals are computed from per-key sums of the activity quantities (``bincount``), so a
breakdown or a total costs one pass over the rows. For reconciliation the same sums are
available in exact arithmetic (from the printed digits of the inputs) and as intervals
(from the precision the inputs were printed at).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from ..errors import GhgcalcError, RowIssue, RowsNotKeptError, UnitError
from ..io.exports import html_text
from ..printed import exact as decimal_of
from ..printed import half_unit, parse_decimal
from .activities import categorical
from .carriers import carrier_aliases, carriers, metric_definitions, normalize_key
from .datacentre import IT_CARRIER, RATIO_METRICS, datacentre_masks, ratio_exact, ratio_metric_ids, ratio_value, ratios_by_group
from .denominators import LANGUAGES, denominator_labels, split_denominator
from .group_labels import fold_label
from .metrics import emission_metrics, metric_specs, metric_unit
from .reasons import Reason, reason
from .resolution import MARKET_COLUMN, OUTPUT_COLUMNS, Resolution
from .uncertainty import uncertainty as _uncertainty_of
from .units import Q_, conversion_factor, parse_unit

if TYPE_CHECKING:
    from .activities import ActivityTable
    from .method import Method

__all__ = ["CellSums", "Denominator", "PieceSums", "Result", "Totals", "decimal_of", "exact_sums", "intensity_unit", "normalize_denominators"]


@dataclass(frozen=True)
class Denominator:
    name: str
    value: Fraction
    unit: str
    text: str | None = None
    #: the denominator's name in the KPI labels, by language, as the caller gave it (else metrics.yaml, else its name)
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def suffix(self) -> str:
        return "per_capita" if self.name == "headcount" else f"per_{self.name}"


#: the group label of rows with no value in the column a breakdown is by (never "nan")
NO_GROUP = "(none)"


def is_blank_label(v: Any) -> bool:
    """A missing label: None, NaN/NaT/NA, or text that is empty or only whitespace."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, (float, np.floating)):
        return bool(v != v)
    return isinstance(v, str) and not v.strip()


def group_codes(col: pd.Series) -> tuple[np.ndarray, Any]:
    """Group codes and labels of a breakdown column (one factorize; the labels as factorize
    gives them, a Categorical for a categorical column): every missing or blank value is one
    group labelled :data:`NO_GROUP`, never "nan"."""
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    blank = [is_blank_label(u) for u in uniques]
    if any(blank):
        labels = [NO_GROUP if b else u for u, b in zip(uniques, blank, strict=True)]
        lcodes, lgroups = pd.factorize(pd.Index(labels, dtype=object), use_na_sentinel=False)
        return lcodes[codes].astype(np.intp, copy=False), pd.Index(lgroups, dtype=object)
    return codes.astype(np.intp, copy=False), uniques


#: the languages of the KPI labels (``data/metrics.yaml``)
_KPI_LANGUAGES = ("en", "zh_hant", "zh_hans")
_NUMBER_THEN_UNIT = re.compile(r"^\s*([+-]?\d[\d,_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")


def _check_denominator_unit(name: str, unit: str) -> None:
    try:
        parse_unit(unit)
    except UnitError as exc:
        raise GhgcalcError(f"denominator {name!r}: unit {unit!r}: {exc.reason}") from None


def normalize_denominators(denominators: Mapping[str, Any] | None) -> list[Denominator]:
    out: list[Denominator] = []
    for name, v in (denominators or {}).items():
        unit = "person" if name == "headcount" else ""
        text = None
        labels: tuple[tuple[str, str], ...] = ()
        if isinstance(v, Mapping):
            unit = str(v.get("unit", unit) or "")
            labels = _given_labels(str(name), v.get("labels", v.get("label")))
            v = v.get("value")
        elif isinstance(v, tuple) and len(v) == 2:
            v, unit = v
        elif hasattr(v, "magnitude") and hasattr(v, "units"):
            unit = format(v.units, "~") if str(v.units) != "dimensionless" else ""
            v = v.magnitude
        if isinstance(v, str) and (cur := split_denominator(v)) is not None:   # "RMB 1.2 billion", "£10m"
            v, unit = cur
            _check_denominator_unit(str(name), unit)
        if isinstance(v, str):
            m = _NUMBER_THEN_UNIT.match(v)
            if m and m.group(2):  # "567.89 RMB million", "25000 m2": a number with its unit
                v, unit = m.group(1), m.group(2)
                _check_denominator_unit(str(name), unit)
            text = v
        try:
            val = decimal_of(v)
        except Exception:
            raise GhgcalcError(f"denominator {name!r}: {v!r} is not a number") from None
        if val <= 0:
            raise GhgcalcError(f"denominator {name!r} must be > 0, got {v!r}")
        if unit in ("dimensionless", "1"):
            unit = ""
        out.append(Denominator(name=str(name), value=val, unit=str(unit), text=text, labels=labels))
    return out


def _given_labels(name: str, given: Any) -> tuple[tuple[str, str], ...]:
    """A denominator's labels as the caller gave them: one text for every language, or a
    mapping language -> text (languages: ``en``, ``zh_hant``, ``zh_hans``)."""
    if given is None:
        return ()
    if isinstance(given, str):
        return tuple((lang, given) for lang in LANGUAGES)
    if not isinstance(given, Mapping) or any(k not in LANGUAGES for k in given):
        raise GhgcalcError(f"denominator {name!r}: labels must map a language ({', '.join(LANGUAGES)}) to a text, got {given!r}")
    return tuple((str(k), str(t)) for k, t in given.items())


#: breakdowns whose groups share the organisation's denominators (parts of one organisation-year)
_SHARED_DENOMINATOR_COLUMNS = frozenset({"carrier", "scope"})


def _group_key(label: Any) -> str:
    """A group label as text, for matching group denominators (``2022`` == ``"2022"``)."""
    if isinstance(label, (float, np.floating)) and float(label).is_integer():
        return str(int(label))
    return str(label)




#: rows per summation block (by input row number); see :class:`KeySums`
BLOCK_ROWS = 1 << 16


class KeySums:
    """Per-key sums of the activity quantities that do not depend on how the rows were cut.

    The rows are cut into blocks of :data:`BLOCK_ROWS` consecutive *input row numbers*;
    each block is summed per key in row order (``bincount``), and the block sums are added
    in block order with Neumaier's compensated summation (Neumaier 1974, ZAMM 54: 39-51).
    A table in memory, the same file streamed in chunks of any size and a Dask DataFrame
    in any partitions therefore give the same bits; and the rounding error is that of one
    block's running sum, however many rows there are.

    Feed pieces in increasing row order with :meth:`add`; a block that straddles two
    pieces is held back (at most ``BLOCK_ROWS`` rows) until it is complete.
    """

    def __init__(self, n_keys: int = 0) -> None:
        self.acc = np.zeros(n_keys)
        self.comp = np.zeros(n_keys)
        self.count = np.zeros(n_keys, dtype=np.int64)
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending_block = -1

    @property
    def n_keys(self) -> int:
        return len(self.acc)

    def grow(self, n_keys: int) -> None:
        """Make room for more keys (keys found in later pieces get higher codes)."""
        extra = n_keys - len(self.acc)
        if extra > 0:
            self.acc = np.concatenate([self.acc, np.zeros(extra)])
            self.comp = np.concatenate([self.comp, np.zeros(extra)])
            self.count = np.concatenate([self.count, np.zeros(extra, dtype=np.int64)])

    def _combine(self, part: np.ndarray) -> None:
        acc = self.acc
        t = acc + part
        big = np.abs(acc) >= np.abs(part)
        self.comp += np.where(big, (acc - t) + part, (part - t) + acc)
        self.acc = t

    def _block(self, k: np.ndarray, q: np.ndarray) -> None:
        """Add one whole block: its per-key sums (in row order) and row counts. The block's
        codes are widened to ``intp`` here, while they are in cache (``bincount`` casts any
        other integer type anyway, more slowly)."""
        k = k.astype(np.intp, copy=False)
        self._combine(np.bincount(k, weights=q, minlength=self.n_keys))
        self.count += np.bincount(k, minlength=self.n_keys)

    def _flush(self) -> None:
        if not self._pending:
            return
        if len(self._pending) == 1:
            k, q = self._pending[0]
        else:
            k = np.concatenate([p[0] for p in self._pending])
            q = np.concatenate([p[1] for p in self._pending])
        self._block(k, q)
        self._pending = []
        self._pending_block = -1

    def add(self, keys: np.ndarray, q: np.ndarray, *, start: int = 0, rows: np.ndarray | None = None) -> None:
        """Add rows with global key codes ``keys`` and quantities ``q``: either contiguous
        input rows from ``start``, or the (increasing) input row numbers ``rows``."""
        n = len(keys)
        if n == 0:
            return
        if int(keys.max()) >= self.n_keys:
            self.grow(int(keys.max()) + 1)
        B = BLOCK_ROWS
        if rows is None:
            first, last = start // B, (start + n - 1) // B
            bounds = [max(b * B - start, 0) for b in range(first, last + 1)] + [n]
            blocks = list(range(first, last + 1))
        else:
            blk = rows // B
            cut = np.flatnonzero(np.diff(blk)) + 1
            bounds = [0, *cut.tolist(), n]
            blocks = blk[[0, *cut.tolist()]].tolist()
        for j, b in enumerate(blocks):
            i0, i1 = bounds[j], bounds[j + 1]
            if b != self._pending_block:
                self._flush()
            if j == len(blocks) - 1:  # may continue in the next piece: hold back a copy
                self._pending.append((np.array(keys[i0:i1]), np.array(q[i0:i1], dtype="float64")))
                self._pending_block = b
            elif self._pending:
                self._pending.append((keys[i0:i1], q[i0:i1]))
                self._flush()
            else:
                self._block(keys[i0:i1], q[i0:i1])

    def add_block(self, block: int, sums: np.ndarray, counts: np.ndarray) -> None:
        """A whole block's per-key sums and row counts, summed elsewhere (a Dask partition
        that holds every row of the block), in block order with the rows added by :meth:`add`."""
        if block == self._pending_block:
            raise ValueError(f"block {block} was already started by add()")
        self._flush()
        self.grow(len(sums))
        part = np.zeros(self.n_keys)
        part[: len(sums)] = sums
        self._combine(part)
        self.count[: len(counts)] += counts

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(per-key sums, per-key row counts); the held-back block is added first."""
        self._flush()
        return self.acc + self.comp, self.count


#: printed quantities with at most this many digits are summed as int64 mantissas; longer
#: ones (and exponents, non-ASCII digits) through :func:`decimal_of` one distinct text at a time
_FAST_DIGITS = 17
_PART_BITS = 21
_PART_MASK = (1 << _PART_BITS) - 1
#: rows per exact bincount slice: parts below 2**21 summed over at most 2**30 rows stay below 2**53
_SLICE_ROWS = 1 << 30


def _object_array(values: Any) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _plain_label(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def float_texts(values: np.ndarray) -> np.ndarray:
    """``repr(float(v))`` of each value (the shortest text that reads back as the same float,
    which is the precision a float quantity is taken at), vectorised: pyarrow's shortest
    round-trip text, with ".0" on whole numbers as Python writes them; values of 1e14 and more,
    which pyarrow writes with an exponent where Python does not, through ``repr``. An exponent
    may be written ``e-7`` where Python writes ``e-07``: the same decimal."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pc.cast(pa.array(values, type=pa.float64()), pa.string())
    whole = pc.match_substring_regex(arr, r"^-?[0-9]+$")
    arr = pc.if_else(whole, pc.binary_join_element_wise(arr, pa.scalar(".0"), ""), arr)
    out: np.ndarray = np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)
    big = np.flatnonzero(~(np.abs(values) < 1e14))
    if len(big):
        out[big] = [repr(float(v)) for v in values[big]]
    return out


def _text_mantissas(texts: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For distinct printed quantities: (M, e, fast) with the value ``M / 10**e`` and half its
    last printed digit ``5 / 10**e`` (``M`` = 10 × the signed digits, ``e`` = decimals + 1),
    for the texts that are plain decimals (``-?digits[.digits]``, as the reader leaves them)
    of at most 17 digits (``fast``); parsed in pyarrow, with the semantics of
    :func:`decimal_of` and the half-ulp of the printed text. Other texts go the slow way."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(texts)
    try:
        arr = pa.array(texts, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array([str(t) for t in texts], type=pa.string())
    ok = np.asarray(pc.fill_null(pc.match_substring_regex(arr, r"^-?[0-9]+(\.[0-9]*)?$"), False), dtype=bool)
    length = np.asarray(pc.fill_null(pc.utf8_length(arr), 0), dtype=np.int64)
    dot = np.asarray(pc.fill_null(pc.find_substring(arr, "."), -1), dtype=np.int64)
    neg = np.asarray(pc.fill_null(pc.starts_with(arr, "-"), False), dtype=bool)
    ok &= length - (dot >= 0) - neg <= _FAST_DIGITS
    m = np.zeros(n, dtype=np.int64)
    e = np.zeros(n, dtype=np.int64)
    if ok.any():
        d = np.asarray(pc.cast(pc.replace_substring(pc.filter(arr, pa.array(ok)), ".", ""), pa.int64()), dtype=np.int64)
        m[ok] = d * 10
        e[ok] = np.where(dot[ok] < 0, 0, length[ok] - dot[ok] - 1) + 1
    return m, e, ok


@dataclass
class ExactSums:
    """Exact sums of printed quantities per cell (an integer per row: a key, or a (group, key)
    pair), kept as integers: for each (cell, decimals ``e``) pair, the sums of the mantissas
    ``M`` (value ``M / 10**e``) and of ``max(M - 5, 0)`` (the low ends of the rounding
    intervals) as three 21-bit parts each, and the row count (the high ends are ``M + 5``).
    The parts are float64 sums of integers below 2**21, exact while a cell has fewer than
    2**32 rows. Texts too long or unusual for this (more than 17 digits, exponents) are kept
    as exact fractions per cell in ``slow``."""

    cell: np.ndarray
    e: np.ndarray
    stats: np.ndarray
    slow: dict[int, list[Fraction]]
    #: each (cell, decimals) pair appears once (summed in one slice of rows)
    unique: bool = True

    @staticmethod
    def empty() -> ExactSums:
        return ExactSums(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((0, 7)), {})

    def by_group(self, group_of_cell: np.ndarray, keep: np.ndarray | None = None) -> dict[int, list[Fraction]]:
        """Per group: ``[Σ x, Σ lo, Σ hi]`` as fractions, over the cells in ``keep`` (a mask
        over cells); the integer parts are summed per (group, decimals) first, so Python
        integers are made once per (group, decimals), never per row or per cell."""
        sel = np.ones(len(self.cell), dtype=bool) if keep is None else keep[self.cell]
        grp = group_of_cell[self.cell[sel]].astype(np.int64)
        out: dict[int, list[Fraction]] = {}
        if len(grp):
            g, gu = pd.factorize(grp * 32 + self.e[sel])
            st = self.stats[sel]
            cols = [np.rint(np.bincount(g, weights=st[:, j], minlength=len(gu))).astype(np.int64).tolist() for j in range(7)]
            for j, key in enumerate(np.asarray(gu, dtype=np.int64).tolist()):
                grp_j, ex = divmod(key, 32)
                den = 10**ex
                mx = cols[0][j] + (cols[1][j] << _PART_BITS) + (cols[2][j] << (2 * _PART_BITS))
                ml = cols[3][j] + (cols[4][j] << _PART_BITS) + (cols[5][j] << (2 * _PART_BITS))
                acc = out.setdefault(grp_j, [Fraction(0), Fraction(0), Fraction(0)])
                acc[0] += Fraction(mx, den)
                acc[1] += Fraction(ml, den)
                acc[2] += Fraction(mx + 5 * cols[6][j], den)
        for cell, vals in self.slow.items():
            if keep is None or keep[cell]:
                acc = out.setdefault(int(group_of_cell[cell]), [Fraction(0), Fraction(0), Fraction(0)])
                for i in range(3):
                    acc[i] += vals[i]
        return out


def exact_sums(cells: np.ndarray, texts: np.ndarray | None, q: np.ndarray) -> ExactSums:
    """The :class:`ExactSums` of rows in ``cells``: ``x`` the decimal of each row's printed
    quantity (``texts``; the float's shortest repr without them) and ``h`` half its last
    printed digit (an input printed as ``300.638`` stands for [300.6375, 300.6385)); per cell
    ``Σ x``, ``Σ max(x - h, 0)`` and ``Σ (x + h)``.

    Vectorised: each distinct text is parsed once (pyarrow), and the integer mantissas are
    summed per (cell, decimals) with ``bincount`` on 21-bit parts."""
    if len(cells) == 0:
        return ExactSums.empty()
    if texts is None:
        codes, uq = pd.factorize(q)
        uniques: Any = float_texts(np.asarray(uq, dtype=np.float64))
    else:
        codes, uq = pd.factorize(texts, use_na_sentinel=False)
        uniques = uq
    codes = codes.astype(np.intp, copy=False)
    m, e, ok = _text_mantissas(uniques)
    row_ok = ok[codes]
    all_fast = bool(row_ok.all())
    fast = slice(None) if all_fast else np.flatnonzero(row_ok)
    c_f, t_f = cells[fast].astype(np.int64), codes[fast]
    out_cell, out_e, out_stats = [], [], []
    for i0 in range(0, len(c_f), _SLICE_ROWS):
        c, t = c_f[i0:i0 + _SLICE_ROWS], t_f[i0:i0 + _SLICE_ROWS]
        g, gu = pd.factorize(c * 32 + e[t])
        G = len(gu)
        mx = m[t]
        cols = []
        for arr in (mx, np.maximum(mx - 5, 0)):
            cols += [np.bincount(g, weights=((arr >> sh) & _PART_MASK).astype(np.float64), minlength=G)
                     for sh in (0, _PART_BITS)]
            cols.append(np.bincount(g, weights=(arr >> (2 * _PART_BITS)).astype(np.float64), minlength=G))
        cols.append(np.bincount(g, minlength=G).astype(np.float64))
        gu = np.asarray(gu, dtype=np.int64)
        out_cell.append(gu // 32)
        out_e.append(gu % 32)
        out_stats.append(np.stack(cols, axis=1))
    slow: dict[int, list[Fraction]] = {}
    if not all_fast:   # long or unusual texts: one exact parse per distinct text
        rows = np.flatnonzero(~row_ok)
        nu = len(uniques)
        pairs, counts = np.unique(cells[rows].astype(np.int64) * nu + codes[rows], return_counts=True)
        parsed: dict[int, tuple[Fraction, Fraction, Fraction]] = {}
        for p, k in zip(pairs.tolist(), counts.tolist(), strict=True):
            cell, t_ = divmod(p, nu)
            if t_ not in parsed:
                d = parse_decimal(str(uniques[t_]))
                x, h = Fraction(d), half_unit(d)
                parsed[t_] = (x, max(x - h, Fraction(0)), x + h)
            acc = slow.setdefault(cell, [Fraction(0), Fraction(0), Fraction(0)])
            for i, v in enumerate(parsed[t_]):
                acc[i] += k * v
    if not out_cell:
        return ExactSums(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((0, 7)), slow)
    return ExactSums(np.concatenate(out_cell), np.concatenate(out_e), np.concatenate(out_stats), slow, len(out_cell) == 1)


#: a streamed or Dask result keeps its computed rows' printed quantities (for the per-row
#: explanation of a reconciliation) while it has at most this many; reconcile explains by row up to it
ROWS_KEPT = 1000

#: breakdown columns that are functions of the activity key: position in the key tuple
KEY_DERIVED_COLUMNS = {"carrier": 0, "unit": 1, "year": 2, "region": 3, "scope_override": 4, "instrument": 5}


@dataclass
class PieceSums:
    """What one streamed chunk or one Dask partition adds to the breakdowns and the exact sums.
    A group is one combination of the values of the ``by`` columns; a cell is a (group, key)
    pair that has rows. Per cell: the quantity sum and the :class:`ExactSums` of the printed
    quantities; the first input row of each group and key (the order of a breakdown's groups)."""

    by: tuple[str, ...]
    columns: tuple[str, ...]
    #: per ``by`` column: each group's code into that column's distinct labels, and the labels
    combo_codes: list[np.ndarray]
    combo_labels: list[np.ndarray]
    n_combos: int
    combo_first: list[int]
    key_first: list[int]
    cell_combo: np.ndarray
    cell_key: np.ndarray
    sums: np.ndarray
    exact: ExactSums
    rows: list[tuple[int, str, int]] | None

    @property
    def combos(self) -> list[tuple[Any, ...]]:
        """Each group's labels (one tuple per group)."""
        if not self.combo_codes:
            return [()] * self.n_combos
        return list(zip(*(lab[c].tolist() for c, lab in zip(self.combo_codes, self.combo_labels, strict=True)), strict=True))


#: cells are numbered by ``group << _KEY_BITS | key``
_KEY_BITS = 24


class CellSums:
    """Per-(group, key) sums over a whole stream or Dask DataFrame (see :class:`PieceSums`),
    pieces added in row order, their local groups, keys and cells mapped to global numbers
    (vectorised: a hash index of the cells, ``np.add.at`` of the per-cell sums)."""

    def __init__(self, by: Sequence[str]) -> None:
        self.by = tuple(by)
        self.present: tuple[str, ...] = ()
        self.columns: set[str] = set()
        #: per ``by`` column: its distinct labels (global numbering) and their hash index
        self._labels: list[list[Any]] = [[] for _ in self.by]
        self._label_index: list[pd.Index] = [pd.Index([], dtype=object) for _ in self.by]
        #: per column: each group's label code; the groups' combined codes and their index
        self._combo_cols: list[np.ndarray] = [np.zeros(0, dtype=np.int64) for _ in self.by]
        self._combo_index = pd.Index(np.zeros(0, dtype=np.int64))
        self._n_combos = 0
        self.combo_first = np.zeros(0, dtype=np.int64)
        self.key_first: list[int] = []
        self.cell_combo = np.zeros(0, dtype=np.int64)
        self.cell_key = np.zeros(0, dtype=np.int64)
        self._cell_index = pd.Index(np.zeros(0, dtype=np.int64))
        self.sums = np.zeros(0)
        self._stats: dict[int, np.ndarray] = {}
        self._slow: dict[int, list[Fraction]] = {}
        self.rows: list[tuple[int, str, int]] | None = []

    @property
    def n_cells(self) -> int:
        return len(self.cell_combo)

    @property
    def combos(self) -> list[tuple[Any, ...]]:
        """Each group's labels (one tuple per group, in the order groups were first met)."""
        cached = self.__dict__.get("_combos")
        if cached is None or len(cached) != self._n_combos:
            labels = [_object_array(lab) for lab in self._labels]
            cached = self.__dict__["_combos"] = (
                list(zip(*(lab[c].tolist() for c, lab in zip(self._combo_cols, labels, strict=True)), strict=True))
                if self.present else [()] * self._n_combos)
        out: list[tuple[Any, ...]] = cached
        return out

    def combo_labels(self, column: str) -> tuple[np.ndarray, list[Any]]:
        """(each group's code into the column's labels, the labels) for one ``by`` column."""
        j = self.present.index(column)
        return self._combo_cols[j], list(self._labels[j])

    def _group_ids(self, piece: PieceSums) -> np.ndarray:
        """The global number of each of the piece's groups (new groups numbered in order), by
        hashing each column's labels and the groups' combined label codes: no Python per group."""
        n = piece.n_combos
        if not self.present:
            if self._n_combos == 0:
                self._n_combos = 1
                self.combo_first = np.asarray(piece.combo_first[:1], dtype=np.int64)
            else:
                self.combo_first[0] = min(int(self.combo_first[0]), int(piece.combo_first[0]))
            return np.zeros(n, dtype=np.int64)
        combined = np.zeros(n, dtype=np.int64)
        bits = 62 // len(self.present)   # each column's label code in its own bits of one int64
        gcols = []
        for j, (codes, labels) in enumerate(zip(piece.combo_codes, piece.combo_labels, strict=True)):
            at = self._label_index[j].get_indexer(pd.Index(labels, dtype=object))
            new = np.flatnonzero(at < 0)
            if len(new):
                at[new] = len(self._labels[j]) + np.arange(len(new))
                self._labels[j].extend(labels[new].tolist())
                self._label_index[j] = pd.Index(self._labels[j], dtype=object)
            g = at[codes].astype(np.int64)
            gcols.append(g)
            if len(self._labels[j]) >= 1 << bits:
                raise GhgcalcError(f"more than {1 << bits:,} distinct {self.present[j]!r} groups: keep fewer columns "
                                   "(calculate_stream(by=...))")
            combined = (combined << bits) | g
        cid: np.ndarray = np.asarray(self._combo_index.get_indexer(combined), dtype=np.int64)
        first = np.asarray(piece.combo_first, dtype=np.int64)
        seen = cid >= 0
        if seen.any():   # groups met before: keep their first row
            np.minimum.at(self.combo_first, cid[seen], first[seen])
        fresh = np.flatnonzero(~seen)
        if len(fresh):   # new groups, numbered in order of first appearance
            cid[fresh] = self._n_combos + np.arange(len(fresh))
            self._n_combos += len(fresh)
            self._combo_cols = [np.concatenate([old, g[fresh]]) for old, g in zip(self._combo_cols, gcols, strict=True)]
            self.combo_first = np.concatenate([self.combo_first, first[fresh]])
            self._combo_index = pd.Index(np.concatenate([np.asarray(self._combo_index, dtype=np.int64), combined[fresh]]))
        return cid

    def facility_codes(self) -> np.ndarray:
        """The facility (a code) of each cell, when the groups have a facility (cached)."""
        cached = self.__dict__.get("_facility_codes")
        if cached is None or len(cached) != self.n_cells:
            of_combo, _ = self.combo_labels("facility")
            cached = self.__dict__["_facility_codes"] = np.asarray(of_combo, dtype=np.int64)[self.cell_combo]
        out: np.ndarray = cached
        return out

    def grow(self, n_keys: int) -> None:
        self.key_first.extend([2**62] * (n_keys - len(self.key_first)))

    def exact(self) -> ExactSums:
        cells, es, stats = [], [], []
        for e, arr in sorted(self._stats.items()):
            used = np.flatnonzero(arr[: self.n_cells, 6])
            cells.append(used)
            es.append(np.full(len(used), e, dtype=np.int64))
            stats.append(arr[used])
        if not cells:
            return ExactSums(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((0, 7)), self._slow)
        return ExactSums(np.concatenate(cells).astype(np.int64), np.concatenate(es), np.concatenate(stats), self._slow)

    def add(self, piece: PieceSums, gid: np.ndarray) -> None:
        if not piece.n_combos:
            return
        if not self._n_combos:
            self.present = piece.by
            if len(self._labels) != len(piece.by):
                self._labels = [[] for _ in piece.by]
                self._label_index = [pd.Index([], dtype=object) for _ in piece.by]
                self._combo_cols = [np.zeros(0, dtype=np.int64) for _ in piece.by]
        elif piece.by != self.present:
            raise GhgcalcError(f"the columns {', '.join(piece.by)} differ from those of the first piece "
                               f"({', '.join(self.present)})")
        self.columns.update(piece.columns)
        cid = self._group_ids(piece)
        gid = np.asarray(gid, dtype=np.int64)
        self.grow(int(gid.max()) + 1 if len(gid) else 0)
        for j, first in enumerate(piece.key_first):
            k = int(gid[j])
            if first < self.key_first[k]:
                self.key_first[k] = first
        gcombo, gkey = cid[piece.cell_combo], gid[piece.cell_key]
        code = (gcombo << _KEY_BITS) | gkey
        at = self._cell_index.get_indexer(code)
        new = at < 0
        if new.any():
            n0 = self.n_cells
            at[new] = n0 + np.arange(int(new.sum()))
            self.cell_combo = np.concatenate([self.cell_combo, gcombo[new]])
            self.cell_key = np.concatenate([self.cell_key, gkey[new]])
            self.sums = np.concatenate([self.sums, np.zeros(int(new.sum()))])
            self._cell_index = pd.Index((self.cell_combo << _KEY_BITS) | self.cell_key)
        self.sums[at] += piece.sums
        ex = piece.exact
        for e in np.unique(ex.e).tolist():
            sel = ex.e == e
            arr = self._stats.get(e)
            if arr is None or len(arr) < self.n_cells:
                grown = np.zeros((max(self.n_cells, 2 * (0 if arr is None else len(arr))), 7))
                if arr is not None:
                    grown[: len(arr)] = arr
                arr = self._stats[e] = grown
            if ex.unique:   # distinct cells: a plain fancy-index add
                arr[at[ex.cell[sel]]] += ex.stats[sel]
            else:
                np.add.at(arr, at[ex.cell[sel]], ex.stats[sel])
        for cell, vals in ex.slow.items():
            acc = self._slow.setdefault(int(at[cell]), [Fraction(0), Fraction(0), Fraction(0)])
            for i in range(3):
                acc[i] += vals[i]
        if self.rows is not None:
            if piece.rows is None or len(self.rows) + len(piece.rows) > ROWS_KEPT:
                self.rows = None
            else:
                self.rows.extend((r, t, int(at[c])) for r, t, c in piece.rows)



def _rows_without_value(carriers: Sequence[str], reasons: Mapping[Reason, None]) -> Reason:
    """Why a figure has no value: rows of ``carriers`` carry none, for ``reasons`` (the ones
    recorded on those rows, in order), or because their method gives no coefficient."""
    return reason("rows_without_value", carriers=tuple(carriers), reasons=tuple(reasons) if reasons else reason("no_coefficient"))

class Result:
    """The outcome of :func:`ghgcalc.calculate`.

    Attributes
    ----------
    rows : DataFrame
        Every computed input row with ``co2_t, ch4_t, n2o_t, co2e_t`` [t], ``energy_mwh``
        [MWh], ``energy_tce`` [tce], ``amount`` (resource rows, in ``amount_unit``),
        ``scope``, ``factor_ids`` (every factor used, ``;``-separated), ``method_notes``
        (fallbacks, mismatches and literal factors, recorded) and ``profile``.
    errors : list of RowIssue
        The rows that could not be computed (``on_error="collect"``), with the reason.
    warnings : list of RowIssue
        Spreadsheet total rows dropped because they provably equal the rows they total; and
        (row None, column ``factor``) each placeholder factor used (:func:`ghgcalc.calculate`).
    """

    def __init__(self) -> None:
        self._rows: pd.DataFrame | None = pd.DataFrame()
        #: builds ``rows`` on first access (the calculation itself needs only per-key sums)
        self._rows_builder: Callable[[], pd.DataFrame] | None = None
        #: the columns ``rows`` has (known without building it), and a carried input column
        #: of the computed rows (``facility``, ``period``, any extra column)
        self._row_columns: list[Any] | None = None
        self._input_column: Callable[[str], pd.Series | None] | None = None
        self.errors: list[RowIssue] = []
        #: rows neither computed nor in error: spreadsheet total rows that provably equal the
        #: rows they total, dropped (never added), each with its line and why
        self.warnings: list[RowIssue] = []
        self.method: Method
        self.denominators: list[Denominator] = []
        self.n_input_rows = 0
        self.source: str | None = None
        self.encoding: str | None = None
        #: how the input was read (format, encoding, delimiter, header row, blank rows skipped)
        self.input_info: dict[str, Any] = {}
        self._inv_codes: np.ndarray | None = np.zeros(0, dtype=np.int64)
        #: computes ``_inv`` (each computed row's key) on first use: totals need only the per-key sums
        self._inv_fn: Callable[[], np.ndarray] | None = None
        self._q = np.zeros(0)
        self._qtext: np.ndarray | None = None
        self._res: list[Resolution] = []
        self._key_carrier: list[str] = []
        self._row_numbers: np.ndarray | None = None
        self._keys: pd.DataFrame | None = None
        self._rows_computed: int | None = None
        #: breakdown column -> group (as text) -> denominator name -> Denominator
        self.group_denominators: dict[str, dict[str, dict[str, Denominator]]] = {}
        self._key_totals: tuple[np.ndarray, np.ndarray] | None = None

    # -- construction ---------------------------------------------------------------
    @classmethod
    def empty(cls, method: Method, denominators: Mapping[str, Any] | None, issues: list[RowIssue],
              table: ActivityTable) -> Result:
        r = cls()
        r.method = method
        r.denominators = normalize_denominators(denominators)
        r.errors = list(issues)
        r.warnings = list(table.warnings)
        r.n_input_rows = table.n_input_rows
        r.source, r.encoding = table.source, table.encoding
        r.input_info = table.input_info()
        return r

    @property
    def _inv(self) -> np.ndarray:
        """Each computed row's key (its index in ``_res``), built on first use."""
        if self._inv_codes is None:
            assert self._inv_fn is not None
            self._inv_codes = self._inv_fn()
            self._inv_fn = None
        return self._inv_codes

    @_inv.setter
    def _inv(self, value: np.ndarray) -> None:
        self._inv_codes, self._inv_fn = value, None

    @classmethod
    def build(cls, table: ActivityTable, ok: np.ndarray | None, inv: np.ndarray | Callable[[], np.ndarray],
              resolutions: list[Resolution], method: Method, denominators: Mapping[str, Any] | None,
              issues: list[RowIssue], keys: pd.DataFrame | None = None,
              key_totals: tuple[np.ndarray, np.ndarray] | None = None) -> Result:
        """A result over the computed rows of ``table`` (``ok``: those rows; None: every row),
        each with key code ``inv`` into ``resolutions``. Totals need only the per-key sums of the
        quantities; the per-row frame (``rows``: ``quantity × coefficient[key]``, one ``take``
        and one multiply per output column, provenance as key-indexed categoricals) is built
        on first access."""
        r = cls.empty(method, denominators, issues, table)
        q_all = table.quantity
        assert q_all is not None and table.index is not None
        index = table.index
        if callable(inv):   # each computed row's key, computed when first needed
            r._inv_codes, r._inv_fn = None, inv
        else:
            r._inv = inv if ok is None else inv[ok]
        r._key_totals = key_totals
        if ok is None:
            q = q_all
            dense = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
            r._row_numbers = None if dense else np.asarray(index, dtype=np.int64)
            r._qtext = table.quantity_text
        else:
            q = q_all[ok]
            r._row_numbers = np.asarray(index, dtype=np.int64)[ok]
            r._qtext = table.quantity_text[ok] if table.quantity_text is not None else None
        r._q = q
        r._res = resolutions
        r._keys = keys
        if keys is not None:
            r._key_carrier = [str(c) for c in keys["carrier"].tolist()]
        out_cols = [c for c in OUTPUT_COLUMNS if not (c == MARKET_COLUMN and method.profile.market_based is None)]
        extra = ["amount_unit", "scope", "factor_ids", "method_notes", "profile"]
        base_cols = [c for c in table.frame_column_names if c != "_bad" and c not in out_cols and c not in extra]
        r._row_columns = [*base_cols, *out_cols, *extra]
        r._rows = None

        def carried(name: str) -> pd.Series | None:
            if table.column is None or name in ("carrier", "unit", "quantity", "region", "year", "scope_override", "_bad") \
                    or name not in (table.source_columns or ()):
                return None
            col = table.column(name)
            return col if ok is None else col[ok]

        def rows() -> pd.DataFrame:
            inv_ok = r._inv
            frame = table.frame
            sub = frame if ok is None else frame[ok]
            K = len(resolutions)
            coef = np.zeros((len(out_cols), K))
            for k, res in enumerate(resolutions):
                for j, col in enumerate(out_cols):
                    x = res.coef.get(col)
                    if col == "amount":
                        coef[j, k] = float(x or 0) if res.category == "resource" else np.nan
                    else:
                        coef[j, k] = np.nan if x is None else float(x)
            outputs: dict[str, Any] = {}
            for j, col in enumerate(out_cols):
                arr = np.take(coef[j], inv_ok)
                arr *= q
                outputs[col] = arr
            outputs["amount_unit"] = categorical(inv_ok, [res.amount_unit for res in resolutions])
            outputs["scope"] = np.take(np.array([res.scope for res in resolutions], dtype=np.int8), inv_ok)
            outputs["factor_ids"] = categorical(inv_ok, [";".join(res.factor_ids) for res in resolutions])
            outputs["method_notes"] = categorical(inv_ok, ["; ".join(res.notes) for res in resolutions])
            outputs["profile"] = pd.Categorical.from_codes(np.zeros(len(q), dtype=np.int8), categories=[method.profile.id])
            base = sub.drop(columns=["_bad", *(c for c in outputs if c in sub.columns)])
            return pd.concat([base, pd.DataFrame(outputs, index=base.index, copy=False)], axis=1)

        r._rows_builder = rows
        r._input_column = carried
        return r

    def row_numbers(self) -> np.ndarray:
        """The input row number of each computed row."""
        if self._row_numbers is not None:
            return self._row_numbers
        return np.arange(len(self._q), dtype=np.int64)   # None: every row, numbered from 0

    @property
    def rows(self) -> pd.DataFrame:
        """Every computed input row with its results and provenance (built on first access)."""
        if self._rows is None:
            self._rows = self._rows_builder() if self._rows_builder is not None else pd.DataFrame()
            self._rows_builder = None
        return self._rows

    @rows.setter
    def rows(self, value: pd.DataFrame) -> None:
        self._rows = value
        self._rows_builder = None
        self._row_columns = None

    def row_columns(self) -> list[Any]:
        """The columns of ``rows``, without building it."""
        if self._rows is None and self._row_columns is not None:
            return list(self._row_columns)
        return list(self.rows.columns)

    def group_column(self, by: str) -> pd.Series | pd.Categorical:
        """The values of column ``by`` over the computed rows (for breakdowns), without building
        ``rows`` when the column is a key column or a carried input column."""
        if self._rows is None and self._input_column is not None:
            col = self._input_column(by)
            if col is not None:
                return col
            if by == "period":   # no period column: the rows' period is their data year
                by = "year"
        if self._rows is None and self._keys is not None and by in ("carrier", "unit", "year", "region") and by in self._keys:
            vals = self._keys[by].tolist()
            if by == "year":
                return pd.Series(np.take(np.asarray(vals, dtype=np.int64), self._inv))
            return categorical(self._inv, [str(v) for v in vals])
        if self._rows is None and by == "scope":
            return pd.Series(np.take(np.array([res.scope for res in self._res], dtype=np.int8), self._inv))
        return self.rows[by]

    # -- basic facts ----------------------------------------------------------------
    @property
    def profile(self) -> Any:
        return self.method.profile

    @property
    def data_version(self) -> str | None:
        """The factor data version the calculation used (``None`` for an unversioned library)."""
        return self.method.library.data_version

    @property
    def partial(self) -> bool:
        """True when some input rows are in ``errors`` rather than in ``rows``."""
        return bool(self.errors)

    @property
    def rows_computed(self) -> int:
        """How many input rows were computed (``len(rows)``; counted for a streamed result)."""
        if self._rows_computed is not None:
            return self._rows_computed
        return len(self._q) if self._rows is None else len(self.rows)

    @property
    def rows_accounted(self) -> bool:
        """Rows in == rows computed + rows with an error (every input row accounted for)."""
        bad_rows = {e.row for e in self.errors if e.row is not None}
        whole_table = any(e.row is None for e in self.errors)
        return whole_table or self.rows_computed + len(bad_rows) == self.n_input_rows

    def factors_used(self) -> list[Any]:
        """Every factor row the computed rows used, with its provenance."""
        ids: dict[str, None] = {}
        for k in self._present_keys():
            for fid in self._res[k].factor_ids:
                ids[fid] = None
        out = [self.method.factor(fid) for fid in ids]
        return [f for f in out if f is not None]

    # -- metrics --------------------------------------------------------------------
    def _key_weights(self, metric: str) -> tuple[list[Fraction | None], str]:
        cache = self.__dict__.setdefault("_weights_cache", {})
        if metric not in cache:
            cache[metric] = self._key_weights_uncached(metric)
        w, unit = cache[metric]
        return list(w), unit

    def _key_weights_float(self, metric: str) -> np.ndarray:
        """The weights as floats, NaN where a coefficient is undefined (e.g. no tce)."""
        cache = self.__dict__.setdefault("_weights_float_cache", {})
        if metric not in cache:
            w, _ = self._key_weights(metric)
            cache[metric] = np.array([np.nan if x is None else float(x) for x in w], dtype="float64")
        arr: np.ndarray = cache[metric]
        return arr

    def _key_weights_uncached(self, metric: str) -> tuple[list[Fraction | None], str]:
        specs = metric_specs()
        col, pred = specs[metric]
        w: list[Fraction | None] = []
        for res, carrier in zip(self._res, self._key_carrier, strict=True):
            if res.category != "error" and pred(res, carrier):
                w.append(res.coef.get(col))
            else:
                w.append(Fraction(0))
        unit = self._metric_unit(metric)
        return w, unit

    def _metric_unit(self, metric: str) -> str:
        return metric_unit(metric)

    def base_metrics(self) -> list[str]:
        """The metrics this result has (emission and energy metrics when any such row was
        computed; a resource metric when its carrier appears; tce metrics only when every
        energy row has a coal equivalent)."""
        present = self._present_keys()
        cats = {(self._res[k].category, self._key_carrier[k]) for k in present}
        out: list[str] = []
        if any(c in ("energy", "direct") for c, _ in cats):
            for m in emission_metrics():
                if m.endswith("_market") and self.method.profile.market_based is None:
                    continue  # market-based Scope 2 only when the profile has a [market_based] section
                if m.endswith("_tce"):
                    w, _ = self._key_weights(m)
                    if any(w[k] is None for k in present):
                        continue
                out.append(m)
        for cid, c in carriers().items():
            if c.type == "resource" and ("resource", cid) in cats:
                out.append(cid)
        return out

    def metric_ids(self) -> list[str]:
        base = self.base_metrics()
        return base + [f"{m}_{d.suffix}" for d in self.denominators for m in base] + (ratio_metric_ids(base, self.rows) if IT_CARRIER in base else [])

    def _split(self, metric: str) -> tuple[str, Denominator | None]:
        if metric in RATIO_METRICS:
            return metric, None
        for d in self.denominators:
            suf = "_" + d.suffix
            if metric.endswith(suf) and metric[: -len(suf)] in metric_specs():
                return metric[: -len(suf)], d
        if metric in metric_specs():
            return metric, None
        raise KeyError(metric)

    def denominator_of(self, metric: str) -> Denominator | None:
        """The denominator of an intensity metric (``scope1_per_revenue`` -> ``revenue``), else None."""
        try:
            return self._split(metric)[1]
        except KeyError:
            return None

    def key_totals(self) -> tuple[np.ndarray, np.ndarray]:
        """(per-key sums of the quantities, per-key row counts) over every computed row,
        summed by :class:`KeySums` (the same bits as a streamed or Dask run of the same rows)."""
        if self._key_totals is None:
            ks = KeySums(len(self._res))
            ks.add(self._inv, self._q, rows=self._row_numbers)
            self._key_totals = ks.result()
        return self._key_totals

    def _present_keys(self) -> list[int]:
        return [int(k) for k in np.flatnonzero(self.key_totals()[1])]

    def _sums(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Per-key sums of the quantities (all rows, or the rows in ``mask``)."""
        if mask is None:
            return self.key_totals()[0]
        return np.bincount(self._inv[mask], weights=self._q[mask], minlength=len(self._res))

    def metric_value(self, metric: str, mask: np.ndarray | None = None) -> tuple[float, str]:
        """A metric as a float in its canonical unit, optionally over a subset of rows."""
        if metric in RATIO_METRICS:
            return ratio_value(self, metric, mask)
        base, den = self._split(metric)
        w, unit = self._key_weights(base)
        s = self._sums(mask)
        if any(x is None and s[k] != 0 for k, x in enumerate(w)):
            return float("nan"), (_per(unit, den) if den is not None else unit)
        # fsum: exactly rounded, so independent of the order of the keys (streamed runs number them differently)
        val = math.fsum(float(x) * float(s[k]) for k, x in enumerate(w) if x)
        if den is not None:
            val /= float(den.value)
            unit = _per(unit, den)
        return val, unit

    def _exact_parts(self, mask: np.ndarray | None) -> tuple[list[Fraction], list[Fraction], list[Fraction]]:
        """Per-key exact quantity sums and their rounding intervals (from printed digits)."""
        ck = "all" if mask is None else mask.tobytes()
        cache = self.__dict__.setdefault("_exact_cache", {})
        if ck not in cache:
            cache[ck] = self._exact_parts_uncached(mask)
        return cache[ck]  # type: ignore[no-any-return]

    def _exact_parts_uncached(self, mask: np.ndarray | None) -> tuple[list[Fraction], list[Fraction], list[Fraction]]:
        K = len(self._res)
        inv = self._inv if mask is None else self._inv[mask]
        texts = self._qtext if mask is None or self._qtext is None else self._qtext[mask]
        q = self._q if mask is None else self._q[mask]
        s = [Fraction(0)] * K
        lo = [Fraction(0)] * K
        hi = [Fraction(0)] * K
        for k, (x, xl, xh) in exact_sums(inv, texts, q).by_group(np.arange(K)).items():
            s[k], lo[k], hi[k] = x, xl, xh
        return s, lo, hi

    def piece_sums(self, by: Sequence[str], offset: int = 0) -> PieceSums:
        """This result's contribution to a stream or a Dask DataFrame (:class:`PieceSums`),
        its rows numbered from ``offset``; groups of the ``by`` columns it has."""
        have = self.row_columns()
        cols = tuple(c for c in by if c in have)
        columns = tuple(map(str, have))
        n, K = len(self._q), len(self._res)
        rownum = (np.arange(n, dtype=np.int64) if self._row_numbers is None else self._row_numbers) + offset
        if n == 0:
            z = np.zeros(0, dtype=np.int64)
            return PieceSums(cols, columns, [], [], 0, [], [], z, z, np.zeros(0), ExactSums.empty(), [])
        parts = [group_codes(self.group_column(c)) for c in cols]
        if not parts:
            codes = np.zeros(n, dtype=np.intp)
        elif len(parts) == 1:
            codes = parts[0][0]
        elif int(np.prod(np.array([max(len(lab), 1) for _, lab in parts], dtype=object))) < 2**62:
            combined = np.zeros(n, dtype=np.int64)
            for cds, lab in parts:
                combined *= max(len(lab), 1)
                combined += cds
            codes = pd.factorize(combined)[0].astype(np.intp, copy=False)
        else:
            codes = pd.factorize(pd.MultiIndex.from_arrays([c for c, _ in parts]))[0].astype(np.intp, copy=False)
        _, first = np.unique(codes, return_index=True)
        combo_codes = [np.asarray(cds[first], dtype=np.int64) for cds, _ in parts]     # each group's label, per column
        combo_labels = [_object_array(lab) for _, lab in parts]
        cell, cu = pd.factorize(codes.astype(np.int64) * K + self._inv)
        cu = np.asarray(cu, dtype=np.int64)
        sums = np.bincount(cell, weights=self._q, minlength=len(cu))
        present, kfirst = np.unique(self._inv, return_index=True)
        key_first = [2**62] * K
        for k, i in zip(present.tolist(), kfirst.tolist(), strict=True):
            key_first[k] = int(rownum[i])
        rows = None
        if n <= ROWS_KEPT:
            texts = self._qtext if self._qtext is not None else [repr(float(x)) for x in self._q]
            rows = [(int(rownum[i]), str(texts[i]), int(cell[i])) for i in range(n)]
        return PieceSums(cols, columns, combo_codes, combo_labels, len(first), rownum[first].tolist(), key_first,
                         cu // K, cu % K, sums, exact_sums(cell, self._qtext, self._q), rows)

    def metric_exact(self, metric: str, mask: np.ndarray | None = None) -> tuple[Fraction | None, Fraction | None, Fraction | None, str]:
        """(exact value, interval low, interval high, unit) of a metric from the printed inputs.

        The interval is what the rounding of the printed inputs allows: an input printed
        as ``300.638`` stands for [300.6375, 300.6385]. Factors are exact as printed."""
        if metric in RATIO_METRICS:
            return ratio_exact(self, metric, mask)
        base, den = self._split(metric)
        w, unit = self._key_weights(base)
        s, lo, hi = self._exact_parts(mask)
        if any(x is None and s[k] != 0 for k, x in enumerate(w)):
            return None, None, None, (_per(unit, den) if den is not None else unit)
        val = sum((x * s[k] for k, x in enumerate(w) if x), Fraction(0))
        vlo = sum((x * lo[k] for k, x in enumerate(w) if x), Fraction(0))
        vhi = sum((x * hi[k] for k, x in enumerate(w) if x), Fraction(0))
        if den is not None:
            val, vlo, vhi = val / den.value, vlo / den.value, vhi / den.value
            unit = _per(unit, den)
        return val, vlo, vhi, unit

    def split_metric(self, metric: str) -> tuple[str, Denominator | None]:
        """(base metric, its denominator or None): ``scope1_per_capita`` -> (``scope1``, headcount)."""
        return self._split(metric)

    def quantity_sums(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Per-key sums of the quantities (all computed rows, or those in ``mask``)."""
        return self._sums(mask)

    def counted_keys(self, base: str, sums: Sequence[Any] | np.ndarray) -> Iterator[tuple[int, Resolution, str, Fraction]]:
        """The keys a base metric sums (:func:`~ghgcalc.core.metrics.metric_specs`) with a
        non-zero quantity sum and coefficient: (key, resolution, carrier, coefficient). The
        one loop behind :meth:`contributions` and the uncertainty structure."""
        col, pred = metric_specs()[base]
        for k, (res, carrier) in enumerate(zip(self._res, self._key_carrier, strict=True)):
            if res.category == "error" or not pred(res, carrier) or not sums[k]:
                continue
            coef = res.coef.get(col)
            if coef:
                yield k, res, carrier, coef

    def contributions(self, metric: str, mask: np.ndarray | None = None) -> dict[str, tuple[Fraction, int]]:
        """Per factor id: the exact part of the metric that scales with that factor, and the
        exponent with which it enters (+1 multiplied, -1 divided). Empty for the data-centre ratios."""
        if metric in RATIO_METRICS:
            return {}
        base, den = self._split(metric)
        col = metric_specs()[base][0]
        s, _, _ = self._exact_parts(mask)
        out: dict[str, tuple[Fraction, int]] = {}
        for k, res, _carrier, coef in self.counted_keys(base, s):
            part = coef * s[k] / (den.value if den else 1)
            for fid, e in res.chains.get(col, {}).items():
                prev = out.get(fid, (Fraction(0), e))
                out[fid] = (prev[0] + part, e)
        return out

    def row_contributions(self, metric: str, mask: np.ndarray | None = None) -> list[tuple[int, str, Fraction, Fraction]]:
        """Per input row: (row label, printed quantity, exact quantity, metric per unit of quantity)."""
        if metric in RATIO_METRICS:
            return []
        base, den = self._split(metric)
        w, _ = self._key_weights(base)
        idx = np.arange(len(self._q)) if mask is None else np.flatnonzero(mask)
        out = []
        labels = self.rows.index.to_numpy()
        for i in idx:
            k = int(self._inv[i])
            if not w[k]:
                continue
            text = self._qtext[i] if self._qtext is not None else repr(float(self._q[i]))
            wk = w[k]
            assert wk is not None
            per = wk / (den.value if den else Fraction(1))
            out.append((int(labels[i]), str(text), decimal_of(text), per))
        return out

    # -- public summaries ----------------------------------------------------------------
    def totals(self, by: str | None = None, denominators: Any = None) -> Any:
        """Metric -> pint Quantity (contract section 4); with ``by``, a DataFrame of every
        metric per group of that column (``carrier``, ``facility``, ``period``, ``scope`` or
        any carried column), values in the units listed in ``df.attrs['units']``.

        Intensities in a breakdown use each group's own denominators: ``denominators`` (or
        :meth:`with_group_denominators`) gives them per group, e.g. ``{"Plant A": {"headcount":
        120}}``. A group without one shows n/a. By ``carrier`` or ``scope`` the groups share
        the organisation's denominators (their intensities add up to the organisation's)."""
        if by is None:
            out: dict[str, Any] = {}
            for m in self.metric_ids():
                v, u = self.metric_value(m)
                out[m] = Q_(v, u) if u else Q_(v, "dimensionless")
            return out
        have = self.row_columns()
        if by not in have:
            raise KeyError(f"no column {by!r} in the results (have: {', '.join(map(str, have))})")
        res = self if denominators is None else self.with_group_denominators(by, denominators)
        codes, groups = group_codes(res.group_column(by))
        return res._group_frame(codes, pd.Index(groups, name=by))

    def with_group_denominators(self, by: str, denominators: Any) -> Result:
        """A copy of this result with intensity denominators for the groups of column ``by``
        (``facility``, ``period`` or any carried column), used by ``totals(by=by)``.

        ``denominators`` is a mapping ``group -> {name: value}`` (values as for
        ``calculate(denominators=...)``: a number, ``"567.89 RMB million"``, ``(value, unit)``)
        or a DataFrame indexed by group with one column per denominator name. Groups are
        matched on their text (``2022`` and ``"2022"`` are one period). A group without a value
        for a denominator shows its intensities as n/a (NaN): an organisation's headcount is
        never divided into one facility's emissions (contract section 8)."""
        if isinstance(denominators, pd.DataFrame):
            table = {g: {str(c): v for c, v in row.items() if not (isinstance(v, float) and math.isnan(v))}
                     for g, row in denominators.to_dict(orient="index").items()}
        elif isinstance(denominators, Mapping):
            table = dict(denominators)
        else:
            raise GhgcalcError(f"group denominators for {by!r}: give a mapping group -> {{name: value}} or a DataFrame "
                               f"indexed by group, not {type(denominators).__name__}")
        import copy

        new = copy.copy(self)
        merged = {k: dict(v) for k, v in self.group_denominators.get(by, {}).items()}
        for g, dens in table.items():
            if not isinstance(dens, Mapping):
                raise GhgcalcError(f"group denominators for {by!r}: group {g!r} needs a mapping name -> value, not {dens!r}")
            merged.setdefault(_group_key(g), {}).update({d.name: d for d in normalize_denominators(dens)})
        new.group_denominators = {**self.group_denominators, by: merged}
        return new

    def _group_denominator_columns(self, by: str | None, labels: Sequence[Any]) -> dict[str, tuple[np.ndarray, str]]:
        """Denominator name -> (value per group, NaN where the group has none; unit) for a
        breakdown by ``by``. Groups of ``carrier`` or ``scope`` share the organisation's
        denominators (each group's intensity is its part of the organisation's, and they add
        up to it). Groups of any other column have only what :meth:`with_group_denominators`
        gave them; a ``period`` group of the profile's reporting year also has the
        organisation's denominators, which are that year's."""
        out: dict[str, tuple[np.ndarray, str]] = {}
        n = len(labels)
        if by in _SHARED_DENOMINATOR_COLUMNS:
            for d in self.denominators:
                out[d.name] = (np.full(n, float(d.value)), d.unit)
            return out
        table = self.group_denominators.get(by or "", {})
        keys = [_group_key(g) for g in labels]
        names = [d.name for d in self.denominators]
        for dens in table.values():
            names.extend(nm for nm in dens if nm not in names)
        ry = str(self.method.profile.reporting_year) if by == "period" else None
        org = {d.name: d for d in self.denominators}
        for nm in names:
            vals = np.full(n, np.nan)
            unit = org[nm].unit if nm in org else ""
            for i, k in enumerate(keys):
                given: Denominator | None = table.get(k, {}).get(nm) or (org.get(nm) if k == ry else None)
                if given is not None:
                    vals[i] = float(given.value)
                    unit = unit or given.unit
            out[nm] = (vals, unit)
        return out

    def _group_sums(self, codes: np.ndarray, n_groups: int) -> np.ndarray:
        """Per-(group, key) sums of the quantities, shape (groups, keys): one bincount."""
        K = len(self._res)
        if n_groups * K <= 4 * len(codes) + (1 << 22):
            g = codes * K
            g += self._inv
            return np.bincount(g, weights=self._q, minlength=n_groups * K).reshape(n_groups, K)
        out = np.zeros((n_groups, K))
        for k in range(K):  # very many groups and keys: one pass per key present
            m = self._inv == k
            if m.any():
                out[:, k] = np.bincount(codes[m], weights=self._q[m], minlength=n_groups)
        return out

    def _group_frame(self, codes: np.ndarray, index: pd.Index) -> pd.DataFrame:
        df = self._frame_of_group_sums(self._group_sums(codes, len(index)), index)
        ratios = [m for m in self.metric_ids() if m in RATIO_METRICS]  # data-centre ratios (datacentre.py)
        for m, col in (ratios_by_group(self, ratios, codes, len(index)) if ratios else {}).items():
            df[m] = col
            df.attrs["units"][m] = RATIO_METRICS[m].unit
        return df

    def _frame_of_group_sums(self, sums: np.ndarray, index: pd.Index) -> pd.DataFrame:
        """Every metric per group from per-(group, key) quantity sums (not the data-centre
        ratios, which need the rows' facilities)."""
        metrics = [m for m in self.metric_ids() if m not in RATIO_METRICS]
        bases = [self._split(m) for m in metrics]
        W = np.stack([self._key_weights_float(b) for b, _ in bases], axis=1) if metrics else np.zeros((sums.shape[1], 0))
        undefined = np.isnan(W)
        vals = sums @ np.where(undefined, 0.0, W)
        if undefined.any():  # a metric with an undefined coefficient is undefined where that key has rows
            used = sums != 0
            for jj in np.flatnonzero(undefined.any(axis=0)).tolist():
                vals[used[:, undefined[:, jj]].any(axis=1), jj] = np.nan
        data: dict[str, np.ndarray] = {}
        units: dict[str, str] = {}
        base_cols = {b: vals[:, j] for j, (b, den) in enumerate(bases) if den is None}
        for j, (m, (b, den)) in enumerate(zip(metrics, bases, strict=True)):
            if den is None:
                data[m] = vals[:, j]
                units[m] = self._metric_unit(b)
        # intensities: each group over its own denominator (n/a where it has none)
        for name, (per_group, dunit) in self._group_denominator_columns(index.name, list(index)).items():
            den = Denominator(name=name, value=Fraction(1), unit=dunit)
            for b, col in base_cols.items():
                m = f"{b}_{den.suffix}"
                data[m] = col / per_group
                units[m] = _per(self._metric_unit(b), den)
        df = pd.DataFrame(data, index=index)
        df.attrs["units"] = units
        return df

    def uncertainty(self, metric: str = "scope1_2", method: str = "approach2", *, n: int = 10_000, seed: int = 0,
                    confidence: float = 0.95, activity_uncertainty: Mapping[str, float] | None = None,
                    by: str | None = None) -> Any:
        """The 95 % (or ``confidence``) interval of a total from the factors' published ranges:
        IPCC 2006 Vol. 1 Ch. 3 Approach 1 (error propagation) or Approach 2 (Monte Carlo,
        reproducible from ``seed``). Conventions and parameters: :func:`ghgcalc.core.uncertainty.uncertainty`."""
        return _uncertainty_of(self, metric, method, n=n, seed=seed, confidence=confidence,  # type: ignore[arg-type]
                           activity_uncertainty=activity_uncertainty, by=by)

    def groups_of(self, by: str) -> tuple[np.ndarray, pd.Index]:
        """The groups of a column as a breakdown has them (:func:`group_codes`: in order of
        first appearance, blanks one group :data:`NO_GROUP`): (the group of each row, as a code,
        the groups); a mask ``codes == g`` selects a group for :meth:`metric_value` and the
        uncertainty (``uncertainty(by=...)``)."""
        if by not in self.rows.columns:
            raise KeyError(f"no column {by!r} in the results (have: {', '.join(self.rows.columns)})")
        codes, groups = group_codes(self.rows[by])
        return codes, pd.Index(groups, name=by)

    def unavailable(self) -> dict[str, list[str]]:
        """Metrics with no value (NaN) and the carriers whose computed rows carry none for
        them (a fuel whose profile says ``heating_value = []``: no energy), so that a
        missing figure is never silent (the rows' ``method_notes`` say why)."""
        out: dict[str, list[str]] = {}
        present = self._present_keys()
        for m in self.metric_ids():
            if m in RATIO_METRICS:
                continue
            base, _den = self._split(m)
            try:
                w, _u = self._key_weights(base)
            except KeyError:
                continue
            cars = sorted({self._key_carrier[k] for k in present if w[k] is None})
            if cars:
                out[m] = cars
        return out

    def unavailable_reasons(self) -> dict[str, str]:
        """Metric -> why it has no value (``n/a``), for every metric of :meth:`unavailable`:
        the carriers whose rows carry none and the reasons recorded on those rows (a gas
        the method does not count, a fuel whose energy is not counted on purpose, a missing
        coal equivalent). Null in JSON and ``n/a`` in tables, never 0 (contract section 8).
        In English; :meth:`unavailable_why` gives each reason as a code, to word in another
        language."""
        return {m: reason("not_available", why=why).text("en") for m, why in self.unavailable_why().items()}

    def unavailable_why(self) -> dict[str, Reason]:
        """Metric -> why it has no value, as a :class:`~ghgcalc.core.reasons.Reason` (a code of
        ``ghgcalc/data/reasons.yaml`` and its fields; ``.text(language)`` words it in ``en``,
        ``zh_hant`` or ``zh_hans``), without the "not available" of :meth:`unavailable_reasons`."""
        out: dict[str, Reason] = {}
        present = self._present_keys()
        for m, cars in self.unavailable().items():
            base, _den = self._split(m)
            w, _u = self._key_weights(base)
            col = metric_specs()[base][0]
            reasons = dict.fromkeys(self._res[k].missing[col] for k in present if w[k] is None and col in self._res[k].missing)
            out[m] = _rows_without_value(cars, reasons)
        return out

    def why_not_available(self, metric: str, mask: np.ndarray) -> Reason | None:
        """Why ``metric`` has no value over the selection ``mask`` (:meth:`select_group`: a
        carrier, facility or period, or a combination), as :meth:`breakdown_why` says it for a
        group: the carriers in the selection whose rows carry no value and the reasons recorded
        on them. None when no key in the selection lacks a coefficient (a ratio, a missing
        denominator)."""
        base, _den = self._split(metric)
        if base in RATIO_METRICS or base not in metric_specs():
            return None
        keys = np.flatnonzero(np.isnan(self._key_weights_float(base)) & (self.quantity_sums(mask) != 0))
        return self._why_of_keys(metric_specs()[base][0], keys.tolist()) if len(keys) else None

    def breakdown_why(self, by: str) -> pd.DataFrame:
        """Why each cell of the breakdown ``totals(by=by)`` that has no value (n/a) has none,
        for its own group: the carriers of that group whose rows carry no value for the metric
        and the reasons recorded on those rows, as a :class:`~ghgcalc.core.reasons.Reason`
        (``.text(language)`` words it in ``en``, ``zh_hant`` or ``zh_hans``). A reason must be
        true of the cell it explains: facility A with only diesel rows is never told about
        natural gas (contract section 8, "not counted is not zero").

        Returns
        -------
        DataFrame
            The groups of ``totals(by=by)`` (same index, same order) by the base metrics of
            :meth:`base_metrics`: a Reason where the group's value is n/a, None where it has
            one. An intensity (``scope1_per_capita``) is n/a where its base metric is, for the
            same reason; where the base has a value and the intensity none, the group lacks
            the denominator (:meth:`with_group_denominators`).

        Notes
        -----
        Decided per (group, key) from the per-key sums the breakdown itself is computed from
        (a key with a non-zero sum in the group and no coefficient makes the cell n/a, as in
        :meth:`totals`), one reason per distinct set of such keys: nothing per row, and the
        same for a result in memory, streamed or over a Dask DataFrame. The reasons of a cell
        are listed by carrier (then by their words), so every kind of result lists them alike.
        """
        sums, index = self._breakdown_sums(by)
        return self._why_of_group_sums(sums, index)

    def _breakdown_sums(self, by: str) -> tuple[np.ndarray, pd.Index]:
        """The per-(group, key) quantity sums of the breakdown by ``by`` and its groups."""
        have = self.row_columns()
        if by not in have:
            raise KeyError(f"no column {by!r} in the results (have: {', '.join(map(str, have))})")
        codes, groups = group_codes(self.group_column(by))
        return self._group_sums(codes, len(groups)), pd.Index(groups, name=by)

    def _group_why(self, codes: np.ndarray, index: pd.Index) -> pd.DataFrame:
        """:meth:`breakdown_why` of the groups ``codes`` (one per computed row) numbers, as
        :meth:`_group_frame` computes their values (the disclosure pack's tables within a year)."""
        return self._why_of_group_sums(self._group_sums(codes, len(index)), index)

    def _why_of_group_sums(self, sums: np.ndarray, index: pd.Index) -> pd.DataFrame:
        """Per group and base metric, why the value is n/a (see :meth:`breakdown_why`) from the
        per-(group, key) sums, shape (groups, keys): the keys without a coefficient that the
        group has rows of, as a pattern per group; one reason per distinct pattern."""
        bases = [m for m in self.base_metrics() if m not in RATIO_METRICS]
        n = len(index)
        out = pd.DataFrame({m: np.full(n, None, dtype=object) for m in bases}, index=index, columns=pd.Index(bases, dtype=object))
        used = sums != 0
        specs = metric_specs()
        known: dict[tuple[str, tuple[int, ...]], Reason] = {}
        for m in bases:
            undefined = np.flatnonzero(np.isnan(self._key_weights_float(m)))
            if not len(undefined) or n == 0:
                continue
            pattern = used[:, undefined]
            if not pattern.any():
                continue
            distinct, inverse = np.unique(pattern, axis=0, return_inverse=True)
            col = specs[m][0]
            whys = np.full(len(distinct), None, dtype=object)
            for i, row in enumerate(distinct):
                if row.any():
                    keys = tuple(undefined[row].tolist())
                    if (col, keys) not in known:
                        known[col, keys] = self._why_of_keys(col, keys)
                    whys[i] = known[col, keys]
            out[m] = whys[np.asarray(inverse).reshape(-1)]
        return out

    def _why_of_keys(self, col: str, keys: Sequence[int]) -> Reason:
        """Why output column ``col`` has no value over rows of ``keys`` (keys without a
        coefficient): their carriers (sorted) and the reasons recorded on them, by carrier."""
        cars = sorted({self._key_carrier[k] for k in keys})
        found = sorted(((self._key_carrier[k], str(self._res[k].missing[col]), self._res[k].missing[col])
                        for k in keys if col in self._res[k].missing), key=lambda t: (t[0], t[1]))
        return _rows_without_value(cars, dict.fromkeys(r for _, _, r in found))

    def kpis(self, language: str = "en") -> pd.DataFrame:
        """The KPI table: metric, value, unit, ``label`` in ``language`` (``en``, ``zh_hant``
        or ``zh_hans``; ``zh-Hant`` spelt either way), the labels in every language
        (``label_en``, ``label_zh_hant``, ``label_zh_hans``) and the HKEX KPI the metric serves.
        An unknown language raises :class:`ValueError`."""
        lang = str(language).strip().lower().replace("-", "_")
        if lang not in _KPI_LANGUAGES:
            raise ValueError(f"kpis: unknown language {language!r}; the labels are in {', '.join(_KPI_LANGUAGES)}")
        defs = metric_definitions()
        mdefs = defs["metrics"]
        recs = []
        for m in self.metric_ids():
            v, u = self.metric_value(m)
            base, den = self._split(m)
            if base in mdefs:
                lab = dict(mdefs[base])
            else:
                c = carriers()[base]
                lab = {"en": c.labels.get("en", base), "zh_hant": c.labels.get("zh_hant", base),
                       "zh_hans": c.labels.get("zh_hans", base), "hkex": "A2.2" if "water" in base else "A1.3"}
            if den is not None:
                if den.name == "headcount":
                    lab = {"en": f"{lab['en']} per employee", "zh_hant": f"人均{lab['zh_hant']}",
                           "zh_hans": f"人均{lab['zh_hans']}", "hkex": lab.get("hkex")}
                else:
                    dl = denominator_labels(den.name, dict(den.labels))
                    lab = {"en": f"{lab['en']} per {dl['en']}", "zh_hant": f"{lab['zh_hant']}（每{dl['zh_hant']}）",
                           "zh_hans": f"{lab['zh_hans']}（每{dl['zh_hans']}）", "hkex": lab.get("hkex")}
            recs.append({"metric": m, "value": v, "unit": u, "label": lab[lang], "label_en": lab["en"],
                         "label_zh_hant": lab["zh_hant"], "label_zh_hans": lab["zh_hans"], "hkex_kpi": lab.get("hkex")})
        return pd.DataFrame.from_records(recs, columns=["metric", "value", "unit", "label", "label_en", "label_zh_hant",
                                                        "label_zh_hans", "hkex_kpi"])

    def select_mask(self, carrier: str | None = None, facility: str | None = None, period: str | None = None) -> np.ndarray:
        """Boolean mask of the computed rows in one group of a breakdown."""
        mask = np.ones(len(self.rows), dtype=bool)
        if carrier is not None:
            cid = carrier_aliases().get(normalize_key(carrier), carrier)
            mask &= (self.rows["carrier"].astype(str) == cid).to_numpy()
        if facility is not None:   # labels are folded as the rows' are (ghgcalc.core.group_labels)
            mask &= (self.rows["facility"].astype(str) == str(fold_label(str(facility)))).to_numpy() if "facility" in self.rows else False
        if period is not None:
            per = self.rows["period"].astype(str).to_numpy()
            yr = self.rows["year"].astype(str).to_numpy()
            want = str(fold_label(str(period)))
            mask &= (per == want) | (yr == want)
        return mask

    def select_group(self, carrier: str | None = None, facility: str | None = None, period: str | None = None) -> np.ndarray:
        """The selection of one group of a breakdown (a carrier, a facility, a period or a
        combination), for ``metric_value``, ``metric_exact`` and ``contributions`` of this
        result: a mask over the computed rows here, over the (group, key) sums of a streamed
        or Dask result. ``period`` matches the period or its year."""
        return self.select_mask(carrier, facility, period)

    def with_denominators(self, denominators: Mapping[str, Any] | None) -> Result:
        """A copy of this result with more intensity denominators (existing names win)."""
        import copy

        new = copy.copy(self)
        have = {d.name for d in self.denominators}
        new.denominators = [*self.denominators, *(d for d in normalize_denominators(denominators) if d.name not in have)]
        return new

    def to_frame(self) -> pd.DataFrame:
        return self.rows

    def _repr_html_(self) -> str:
        return result_html(self)

    def __repr__(self) -> str:
        return f"<ghgcalc.Result profile={self.profile.id!r} rows={self.rows_computed} errors={len(self.errors)}>"


@runtime_checkable
class Totals(Protocol):
    """What every result of :func:`ghgcalc.calculate` offers, whether the rows were computed
    in memory (:class:`Result`), streamed from a file (:class:`~ghgcalc.core.streaming.StreamResult`)
    or summed over a Dask DataFrame (:class:`~ghgcalc.core.dask_support.DaskResult`): totals,
    breakdowns, KPIs, exact values for reconciliation and group selections. Reconciliation,
    the disclosure pack and the CLI are written against this."""

    method: Method
    denominators: list[Denominator]
    errors: list[RowIssue]
    warnings: list[RowIssue]
    n_input_rows: int
    input_info: dict[str, Any]

    @property
    def profile(self) -> Any: ...
    @property
    def data_version(self) -> str | None: ...
    @property
    def rows_computed(self) -> int: ...
    @property
    def partial(self) -> bool: ...
    def metric_ids(self) -> list[str]: ...
    def base_metrics(self) -> list[str]: ...
    def denominator_of(self, metric: str) -> Denominator | None: ...
    def metric_value(self, metric: str, mask: np.ndarray | None = None) -> tuple[float, str]: ...
    def metric_exact(self, metric: str, mask: np.ndarray | None = None
                     ) -> tuple[Fraction | None, Fraction | None, Fraction | None, str]: ...
    def contributions(self, metric: str, mask: np.ndarray | None = None) -> dict[str, tuple[Fraction, int]]: ...
    def split_metric(self, metric: str) -> tuple[str, Denominator | None]: ...
    def quantity_sums(self, mask: np.ndarray | None = None) -> np.ndarray: ...
    def counted_keys(self, base: str, sums: Sequence[Any] | np.ndarray) -> Iterator[tuple[int, Resolution, str, Fraction]]: ...
    def row_contributions(self, metric: str, mask: np.ndarray | None = None) -> list[tuple[int, str, Fraction, Fraction]]: ...
    def totals(self, by: str | None = None, denominators: Any = None) -> Any: ...
    def kpis(self, language: str = "en") -> pd.DataFrame: ...
    def unavailable(self) -> dict[str, list[str]]: ...
    def unavailable_reasons(self) -> dict[str, str]: ...
    def unavailable_why(self) -> dict[str, Reason]: ...
    def why_not_available(self, metric: str, mask: np.ndarray) -> Reason | None: ...
    def breakdown_why(self, by: str) -> pd.DataFrame: ...
    def factors_used(self) -> list[Any]: ...
    def select_group(self, carrier: str | None = None, facility: str | None = None,
                     period: str | None = None) -> np.ndarray: ...
    def with_denominators(self, denominators: Mapping[str, Any] | None) -> Totals: ...


class AggregatedResult(Result):
    """A result that keeps sums rather than rows (streamed chunks, Dask partitions): totals
    per key (:class:`KeySums`, the same bits as in memory), per-(group, key) sums for the
    breakdowns and exact per-(group, key) sums of the printed quantities for reconciliation
    (:class:`CellSums`). A selection (:meth:`select_group`) is a mask over the (group, key)
    cells. What needs the rows themselves raises :class:`~ghgcalc.errors.RowsNotKeptError`."""

    #: what the subclass tells a user who asks for the rows
    _rows_advice = "compute the table in memory"

    def __init__(self) -> None:
        super().__init__()
        self.cells = CellSums(())
        self._key_tuples: list[tuple[Any, ...]] = []

    def _not_kept(self, what: str) -> RowsNotKeptError:
        return RowsNotKeptError(f"{what} needs the per-row results, which a {type(self).__name__} does not keep; "
                                f"{self._rows_advice}")

    def _cells(self, by: str | None = None) -> CellSums:
        """The (group, key) sums; ``by``: sums that have that column among their groups."""
        return self.cells

    def metric_ids(self) -> list[str]:
        base = self.base_metrics()
        out = base + [f"{m}_{d.suffix}" for d in self.denominators for m in base]
        ratios = ratio_metric_ids(base)
        if ratios and self._dc_entries(self._cells()) is not None:   # data-centre ratios: facilities kept
            out += ratios
        return out

    def _dc_entries(self, cells: CellSums) -> tuple[np.ndarray, np.ndarray | None] | None:
        """(is IT energy, facility code) per (group, key) cell; the facility None when the
        data has no facility column (one data centre); None when the data has one but the
        sums were not kept by facility (no data-centre ratios then)."""
        if "facility" in cells.columns and "facility" not in cells.present:
            return None
        it_key = np.array([c == IT_CARRIER for c in self._key_carrier], dtype=bool)
        it = it_key[cells.cell_key] if len(it_key) else np.zeros(cells.n_cells, dtype=bool)
        if "facility" not in cells.present:
            return it, None
        return it, cells.facility_codes()

    def _dc_masks(self, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        cells = self._cells()
        entries = self._dc_entries(cells)
        if entries is None:
            raise GhgcalcError("the data-centre ratios need the sums by facility: pass by=('facility', ...) to calculate_stream")
        base = np.ones(cells.n_cells, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        return datacentre_masks(base, entries[0], entries[1])

    def metric_value(self, metric: str, mask: np.ndarray | None = None) -> tuple[float, str]:
        if metric in RATIO_METRICS:
            return ratio_value(self, metric, masks=self._dc_masks(mask))
        return super().metric_value(metric, mask)

    def metric_exact(self, metric: str, mask: np.ndarray | None = None
                     ) -> tuple[Fraction | None, Fraction | None, Fraction | None, str]:
        if metric in RATIO_METRICS:
            return ratio_exact(self, metric, masks=self._dc_masks(mask))
        return super().metric_exact(metric, mask)

    def _sums(self, mask: np.ndarray | None = None) -> np.ndarray:
        if mask is None:
            return self.key_totals()[0]
        cells = self._cells()
        sel = np.asarray(mask, dtype=bool)
        out: np.ndarray = np.bincount(cells.cell_key[sel], weights=cells.sums[sel], minlength=len(self._res))
        return out

    def _exact_parts_uncached(self, mask: np.ndarray | None) -> tuple[list[Fraction], list[Fraction], list[Fraction]]:
        cells = self._cells()
        n = len(self._res)
        s, lo, hi = [Fraction(0)] * n, [Fraction(0)] * n, [Fraction(0)] * n
        keep = None if mask is None else np.asarray(mask, dtype=bool)
        for k, (x, xl, xh) in cells.exact().by_group(cells.cell_key, keep).items():
            s[k], lo[k], hi[k] = x, xl, xh
        return s, lo, hi

    def select_group(self, carrier: str | None = None, facility: str | None = None, period: str | None = None) -> np.ndarray:
        cells = self._cells()
        K = len(self._res)
        keys = np.ones(K, dtype=bool)
        if carrier is not None:
            cid = carrier_aliases().get(normalize_key(carrier), carrier)
            keys &= np.array([str(c) == cid for c in self._key_carrier], dtype=bool)
        mask = keys[cells.cell_key]
        if facility is not None:
            mask &= self._group_hit(cells, "facility", facility)[cells.cell_combo]
        if period is not None:   # the period, or its year (as in memory)
            year = np.array([len(kt) > 2 and str(kt[2]) == str(period) for kt in self._key_tuples], dtype=bool)
            mask &= self._group_hit(cells, "period", period)[cells.cell_combo] | year[cells.cell_key]
        out: np.ndarray = mask
        return out

    def _group_hit(self, cells: CellSums, col: str, want: str) -> np.ndarray:
        if col in cells.present:
            codes, labels = cells.combo_labels(col)
            want = str(fold_label(str(want)))   # folded as the rows' labels are
            hit = np.array([str(lab) == want for lab in labels], dtype=bool)   # per distinct label
            out: np.ndarray = np.take(hit, codes) if len(hit) else np.zeros(len(codes), dtype=bool)
            return out
        if col in cells.columns:
            raise GhgcalcError(f"a {col} group: the sums were not kept by {col}; pass by=(..., {col!r}) to "
                               "calculate_stream (by default facility and period are kept)")
        return np.zeros(len(cells.combos), dtype=bool)

    def select_mask(self, carrier: str | None = None, facility: str | None = None, period: str | None = None) -> np.ndarray:
        raise RowsNotKeptError(f"select_mask needs the per-row results, which a {type(self).__name__} does not keep; "
                               "use select_group(carrier=..., facility=..., period=...), which metric_value, "
                               "metric_exact and contributions of this result accept")

    def row_contributions(self, metric: str, mask: np.ndarray | None = None) -> list[tuple[int, str, Fraction, Fraction]]:
        cells = self._cells()
        if cells.rows is None:
            raise self._not_kept(f"row_contributions (kept up to {ROWS_KEPT} computed rows, this result has "
                                 f"{self.rows_computed})")
        if metric in RATIO_METRICS:
            return []
        base, den = self._split(metric)
        w, _ = self._key_weights(base)
        out = []
        for row, text, cell in cells.rows:
            wk = w[int(cells.cell_key[cell])]
            if not wk or (mask is not None and not mask[cell]):
                continue
            out.append((row, text, decimal_of(text), wk / (den.value if den else Fraction(1))))
        return out

    def _breakdown(self, by: str) -> tuple[np.ndarray, pd.Index, CellSums, np.ndarray]:
        """Per-(group, key) sums and the groups (in order of first appearance) of a breakdown,
        with the cells and the group of each cell."""
        K = len(self._res)
        if by == "scope" or by in KEY_DERIVED_COLUMNS:
            if by == "scope":
                raw: list[Any] = [res.scope for res in self._res]
            else:
                pos = KEY_DERIVED_COLUMNS[by]
                raw = [kt[pos] if pos < len(kt) else None for kt in self._key_tuples]
            labels = [NO_GROUP if is_blank_label(v) else _plain_label(v) for v in raw]
            sums, counts = self.key_totals()
            firsts = self.cells.key_first + [2**62] * (K - len(self.cells.key_first))
            present = [k for k in range(K) if counts[k]]
            order = sorted(present, key=lambda k: firsts[k])
            gi: dict[Any, int] = {}
            for k in order:
                gi.setdefault(labels[k], len(gi))
            out = np.zeros((len(gi), K))
            for k in present:
                out[gi[labels[k]], k] = sums[k]
            gkey = np.array([gi.get(lab, 0) for lab in labels], dtype=np.int64)
            return out, pd.Index(list(gi), name=by), self.cells, gkey[self.cells.cell_key]
        cells = self._cells(by)
        if by not in cells.present:
            if by in cells.columns or by in self.cells.columns:
                raise GhgcalcError(f"totals(by={by!r}): a {type(self).__name__} keeps the sums of the groups of "
                                   f"{', '.join(self.cells.present) or 'no column'} (and of the key columns: carrier, "
                                   f"scope, year, region, unit); pass by=({by!r}, ...) to calculate_stream")
            raise KeyError(f"no column {by!r} in the results (have: {', '.join(sorted(self.cells.columns))})")
        lcodes, llabels = cells.combo_labels(by)
        # groups numbered by the first row of any of their (group, key) cells, as in memory
        first_of_label = np.full(len(llabels), 2**62, dtype=np.int64)
        np.minimum.at(first_of_label, lcodes, cells.combo_first)
        by_first = np.argsort(first_of_label, kind="stable")
        by_first = by_first[first_of_label[by_first] < 2**62]
        rank = np.full(len(llabels), -1, dtype=np.int64)
        rank[by_first] = np.arange(len(by_first))
        glab = rank[lcodes]
        gi = {llabels[i]: r for r, i in enumerate(by_first.tolist())}
        G = len(gi)
        gcell = glab[cells.cell_combo]
        flat: np.ndarray = np.bincount(gcell * K + cells.cell_key, weights=cells.sums, minlength=G * K)
        return flat.reshape(G, K), pd.Index(list(gi), name=by), cells, gcell

    def totals(self, by: str | None = None, denominators: Any = None) -> Any:
        if by is None:
            return super().totals()
        res = self if denominators is None else self.with_group_denominators(by, denominators)
        sums, index, cells, gcell = self._breakdown(by)
        df = res._frame_of_group_sums(sums, index)
        ratios = [m for m in self.metric_ids() if m in RATIO_METRICS]
        entries = self._dc_entries(cells) if ratios else None
        if entries is not None:   # data-centre ratios per group, from the cells (as ratios_by_group from rows)
            got = ratios_by_group(self, ratios, gcell, len(index), entries=(*entries, cells.cell_key, cells.sums))
            for m, col in got.items():
                df[m] = col
                df.attrs["units"][m] = RATIO_METRICS[m].unit
        return df

    def _breakdown_sums(self, by: str) -> tuple[np.ndarray, pd.Index]:
        self.key_totals()   # a Dask result sums its partitions first
        sums, index, _, _ = self._breakdown(by)
        return sums, index

    def groups_of(self, by: str) -> tuple[np.ndarray, pd.Index]:
        """The groups of a breakdown, in order of first appearance: (the group of each
        (group, key) cell, the groups); a mask ``codes == g`` over the cells selects a group,
        as :meth:`select_group` does, so ``uncertainty(by=...)`` needs no rows."""
        self.key_totals()   # a Dask result sums its partitions first
        _, index, _, gcell = self._breakdown(by)
        return gcell, index


def _per(unit: str, den: Denominator) -> str:
    return intensity_unit(unit, den.unit)


def intensity_unit(unit: str, per_unit: str) -> str:
    """The unit of a metric in ``unit`` per a denominator in ``per_unit`` (``unit`` itself for a
    denominator given as a bare number); the denominator's unit is bracketed only when it
    holds an operator or a space (``HK$'000`` parses bare, not bracketed)."""
    if not per_unit:
        return unit
    u = f"({unit})" if "/" in unit else unit
    d = f"({per_unit})" if any(ch in per_unit for ch in "/* ") else per_unit
    return f"{u} / {d}"


def convert_exact(value: Fraction, from_unit: str, to_unit: str) -> Fraction:
    return value * conversion_factor(from_unit, to_unit)


def result_html(result: Result) -> str:
    """Jupyter display of a result: the KPI table and a provenance summary (profile, rows
    computed, rows not computed, every factor used with its source)."""
    kp = result.kpis()
    rows = []
    for r in kp.to_dict("records"):
        rows.append(f"<tr><td>{html_text(r['hkex_kpi'] if r['hkex_kpi'] == r['hkex_kpi'] else '')}</td><td><code>{html_text(r['metric'])}</code></td>"
                    f"<td>{html_text(r['label'])}</td><td>{html_text(r['label_zh_hant'])}</td><td>{html_text(r['label_zh_hans'])}</td>"
                    f'<td style="text-align:right">{html_text(r["value"])}</td><td>{html_text(r["unit"])}</td></tr>')
    prof = result.profile
    facts = "".join(f"<tr><td><code>{html_text(f.id)}</code></td><td>{html_text(f.value)} {html_text(f.unit)}</td><td>{html_text(f.publisher)}</td>"
                    f"<td>{html_text(f.document)}</td><td>{html_text(f.reference)}</td><td>{html_text(f.review_status)}</td></tr>"
                    for f in result.factors_used())
    errs = ""
    if result.errors:
        items = "".join(f"<li>{html_text(str(e))}</li>" for e in result.errors[:20])
        more = f"<li>… {len(result.errors) - 20} more</li>" if len(result.errors) > 20 else ""
        errs = f"<p><b>{len(result.errors)} row(s) not computed (partial totals):</b></p><ul>{items}{more}</ul>"
    return (f"<div><p><b>ghgcalc result</b> — profile <code>{html_text(prof.id)}</code> {html_text(getattr(prof, 'title', '') or '')}; "
            f"{result.rows_computed} of {result.n_input_rows} input rows computed; GWP {html_text(getattr(prof, 'gwp_set', ''))}, "
            f"energy basis {html_text(getattr(prof, 'energy_basis', ''))}</p>"
            "<table><thead><tr><th>HKEX</th><th>metric</th><th>label</th><th>繁體</th><th>简体</th><th>value</th><th>unit</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>{errs}"
            "<details><summary>factors used (" + str(len(result.factors_used())) + ")</summary><table><thead><tr><th>id</th>"
            "<th>value</th><th>publisher</th><th>document</th><th>reference</th><th>review</th></tr></thead>"
            f"<tbody>{facts}</tbody></table></details></div>")


if TYPE_CHECKING:   # checked by mypy: every kind of result is a Totals
    def _every_result_is_totals(r: Result, a: AggregatedResult) -> tuple[Totals, Totals]:
        return r, a
