"""Spreadsheet total rows across the chunks of a stream (contract section 8: a total row is
refused, or dropped with a warning where it provably equals its parts, never added).

In memory a total row's parts are the rows above it since the previous total row, of its
carrier and unit (:func:`ghgcalc.core.activities.read_activities`); a stream reads the file in
chunks, and the parts of the first total row of a chunk may lie in earlier chunks. So that a
streamed file gives the outcome the whole file gives (same bits, same errors, same warnings),
:class:`TotalCarry` keeps, per (carrier, unit), what the rows since the last total row of the
chunks so far add up to: their exact decimal sum (the printed digits, as in memory), their
float sum, how many there are and whether one has a problem of its own. With it the first total
row of each chunk is judged as in memory: dropped with a warning when the parts above it (in
earlier chunks and in its own) provably sum to it, refused otherwise.

A carrier label that names its carrier and a total ("Total electricity consumption") is a total
only beside rows of that carrier and period (and facility, where it names one) anywhere in the
table; alone it is that carrier. A chunk sees only its own rows, so a stream also keeps the
(carrier, period, facility) keys of such rows: when a label read as its carrier in one chunk has
such rows in another, the streamed result would have added a row that the whole table refuses
or drops, and the run stops with an :class:`~ghgcalc.errors.InputError` saying so, never a
wrong total.

A chunk's part is :class:`ChunkTotals` (:func:`chunk_totals`: its first total row, the rows
after its last, its keys), small and computed from the chunk alone; :class:`TotalCarry` folds
them in order. A stream folds each chunk as it reads it; Dask computes the :class:`ChunkTotals`
of each partition on its worker and folds them on the client
(:mod:`ghgcalc.core.dask_support`): one rule for both.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, RowIssue
from .activities import TOTAL_ROW_REASON, ActivityTable, total_row_issue
from .results import PieceSums, exact_sums

__all__ = ["ChunkTotals", "FirstTotal", "TotalCarry", "chunk_totals", "first_total"]


@dataclass
class _Segment:
    """The rows of one (carrier, unit) since the last total row: exact and float sums of the
    quantities of those without a problem, how many rows, and whether one has a problem."""

    exact: Fraction = Fraction(0)
    total: float = 0.0
    rows: int = 0
    bad: bool = False

    def add(self, other: _Segment) -> None:
        self.exact += other.exact
        self.total += other.total
        self.rows += other.rows
        self.bad = self.bad or other.bad


def _codes(table: ActivityTable, name: str) -> tuple[np.ndarray, list[Any]]:
    """A key column as per-row codes into distinct values (equal values merged: two spellings
    of one carrier are one code, as the whole table compares carrier ids)."""
    assert table.keys is not None
    part = table.keys[name].deduplicated()
    codes = np.zeros(table.n_rows, dtype=np.int64) if part.codes is None else part.codes.astype(np.int64)
    return codes, list(part.values)


def _pair_sums(table: ActivityTable, rows: np.ndarray | None, carrier: tuple[np.ndarray, list[Any]],
               unit: tuple[np.ndarray, list[Any]]) -> tuple[np.ndarray, list[tuple[str, str]], dict[int, _Segment], np.ndarray]:
    """The (carrier, unit) pairs among ``rows`` (None: every row): each row's pair code, the
    pairs, a :class:`_Segment` per pair without its exact sum (row count, problem, float sum of
    the rows without a problem: one factorize and ``bincount``), and which rows have no problem."""
    assert table.quantity is not None
    c, u = (carrier[0], unit[0]) if rows is None else (carrier[0][rows], unit[0][rows])
    nu = max(len(unit[1]), 1)
    pair, uniq = pd.factorize(c * nu + u)
    bad = table.bad if table.bad is not None else np.zeros(table.n_rows, dtype=bool)
    bad = bad if rows is None else bad[rows]
    ok = ~bad
    q = table.quantity if rows is None else table.quantity[rows]
    counts = np.bincount(pair, minlength=len(uniq))
    bads = np.bincount(pair[bad], minlength=len(uniq))
    totals = np.bincount(pair[ok], weights=q[ok], minlength=len(uniq))
    keys: list[tuple[str, str]] = []
    segs: dict[int, _Segment] = {}
    for j, code in enumerate(np.asarray(uniq, dtype=np.int64).tolist()):
        ci, ui = divmod(code, nu)
        keys.append((str(carrier[1][ci]), str(unit[1][ui])))
        segs[j] = _Segment(Fraction(0), float(totals[j]), int(counts[j]), bool(bads[j]))
    return pair, keys, segs, ok


def _segments(table: ActivityTable, rows: np.ndarray, carrier: tuple[np.ndarray, list[Any]], unit: tuple[np.ndarray, list[Any]]
              ) -> dict[tuple[str, str], _Segment]:
    """The :class:`_Segment` of each (carrier, unit) among ``rows`` (:func:`_pair_sums`), with
    the exact sums of the printed quantities (:func:`exact_sums`)."""
    if not len(rows):
        return {}
    assert table.quantity is not None
    pair, keys, segs, ok = _pair_sums(table, rows, carrier, unit)
    texts = table.quantity_text[rows][ok] if table.quantity_text is not None else None
    exact = exact_sums(pair[ok].astype(np.int64), texts, table.quantity[rows][ok]).by_group(np.arange(len(keys), dtype=np.int64))
    for j, seg in segs.items():
        seg.exact = exact.get(j, [Fraction(0)])[0]
    return {keys[j]: seg for j, seg in segs.items()}


def _whole_chunk(table: ActivityTable, carrier: tuple[np.ndarray, list[Any]], unit: tuple[np.ndarray, list[Any]],
                 computed: tuple[PieceSums, list[tuple[str, str]]] | None) -> dict[tuple[str, str], _Segment]:
    """The :class:`_Segment` of each (carrier, unit) over a whole chunk (one without a total
    row, :func:`_pair_sums`), the exact sums from the chunk's per-(group, key) exact sums,
    which the stream has already taken (its computed rows are the rows without a problem),
    summed per (carrier, unit) of their keys."""
    if table.n_rows == 0:
        return {}
    _pair, keys, segs, _ok = _pair_sums(table, None, carrier, unit)
    out: dict[tuple[str, str], _Segment] = {}
    for j, seg in segs.items():   # pairs whose texts are equal are one (carrier, unit)
        out.setdefault(keys[j], _Segment()).add(seg)
    if computed is not None:
        piece, key_pairs = computed
        names = list(dict.fromkeys(key_pairs))
        of_key = np.array([names.index(kp) for kp in key_pairs], dtype=np.int64)
        for g, vals in piece.exact.by_group(of_key[piece.cell_key]).items():
            out.setdefault(names[g], _Segment()).exact += vals[0]
    return out


def _labels(table: ActivityTable, name: str) -> tuple[np.ndarray, list[str]]:
    """A carried column as per-row codes into its distinct cells as text ("" where blank), as
    the whole table's total-row check keys them (one factorize)."""
    assert table.column is not None
    codes, uniq = pd.factorize(table.column(name), use_na_sentinel=True)
    texts = ["" if u is None or (isinstance(u, float) and u != u) else str(u).strip() for u in uniq]
    if len(codes) and codes.min() < 0:
        codes = np.where(codes < 0, len(texts), codes)
        texts.append("")
    return codes.astype(np.int64), texts


@dataclass(frozen=True)
class FirstTotal:
    """A chunk's first total row: what judging it over the parts in earlier chunks needs."""

    #: its (carrier id, unit as read)
    key: tuple[str, str]
    #: its row number as the chunk's issues give it, and its label column
    row: int
    column: str
    #: no problem of its own, carrier known, unit read (:class:`~ghgcalc.core.activities.TotalRows`)
    provable: bool
    #: its quantity and the exact value of its printed digits (None: not provable)
    quantity: float
    exact: Fraction | None
    #: the rows of its carrier and unit above it in its own chunk
    parts: _Segment


def first_total(table: ActivityTable, offset: int = 0, keys: Container[tuple[str, str]] | None = None) -> FirstTotal | None:
    """The chunk's first total row (None: it has none, or its (carrier, unit) is not in
    ``keys``, when given: no part of it in an earlier chunk). ``offset`` is added to its row
    number (the chunk's issues numbered in the whole file)."""
    tr = table.total_rows
    if tr is None or not len(tr.positions):
        return None
    t = int(tr.positions[0])
    carrier, unit = _codes(table, "carrier"), _codes(table, "unit")
    key = (str(carrier[1][carrier[0][t]]), str(unit[1][unit[0][t]]))
    if keys is not None and key not in keys:
        return None
    assert table.index is not None and table.quantity is not None
    parts = np.flatnonzero((carrier[0][:t] == carrier[0][t]) & (unit[0][:t] == unit[0][t]))
    mine = _segments(table, parts, carrier, unit).get(key, _Segment())
    exact: Fraction | None = None
    if bool(tr.provable[0]):
        texts = table.quantity_text[[t]] if table.quantity_text is not None else None
        own = exact_sums(np.zeros(1, dtype=np.int64), texts, table.quantity[[t]]).by_group(np.zeros(1, dtype=np.int64))
        exact = own.get(0, [None])[0]
    return FirstTotal(key, int(table.index[t]) + offset, tr.columns[0], bool(tr.provable[0]), float(table.quantity[t]),
                      exact, mine)


@dataclass
class ChunkTotals:
    """What one chunk says about spreadsheet total rows, for the chunks after it: small (a few
    numbers per (carrier, unit), the chunk's (carrier, period, facility) keys), so that a Dask
    partition computes it where it is and the client folds them in order (:class:`TotalCarry`)."""

    #: its first total row (None: none, or not asked for)
    first: FirstTotal | None
    #: it has a total row: the rows since the last total row restart after its last
    resets: bool
    #: per (carrier, unit): the rows after its last total row (or all of it)
    tail: dict[tuple[str, str], _Segment]
    #: (carrier, period, facility or "") of its rows that are no total label, and without facility
    part_keys: set[tuple[str, str, str]]
    part_keys_any_facility: set[tuple[str, str]]
    #: its labels naming a carrier and a total read as their carrier: (key, facility named, issue)
    named_alone: list[tuple[tuple[str, str, str], bool, RowIssue]]


def chunk_totals(table: ActivityTable, offset: int, first_line: int | None,
                 computed: tuple[PieceSums, list[tuple[str, str]]] | None, with_first: bool = False) -> ChunkTotals:
    """The :class:`ChunkTotals` of a chunk whose rows start at ``offset`` in the file.
    ``computed``: the chunk's per-(group, key) sums and each key's (carrier, unit), whose exact
    sums a chunk without a total row reuses (:func:`_whole_chunk`). ``with_first``: its first
    total row too, numbered in the file (:func:`first_total`)."""
    tr = table.total_rows
    n = table.n_rows
    carrier, unit = _codes(table, "carrier"), _codes(table, "unit")
    resets = tr is not None and bool(len(tr.positions))
    if resets:
        assert tr is not None
        tail = _segments(table, np.arange(int(tr.positions[-1]) + 1, n), carrier, unit)
    else:
        tail = _whole_chunk(table, carrier, unit, computed)
    part_keys, any_facility, alone = _named(table, carrier, offset, first_line)
    return ChunkTotals(first_total(table, offset) if with_first else None, resets, tail, part_keys, any_facility, alone)


def _named(table: ActivityTable, carrier: tuple[np.ndarray, list[Any]], offset: int, first_line: int | None
           ) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]], list[tuple[tuple[str, str, str], bool, RowIssue]]]:
    """The (carrier, period, facility) keys of the chunk's rows that are no total label (and
    (carrier, period)), and its carrier labels naming a total that were read as their carrier.
    Keyed on codes, the distinct keys decoded once."""
    n = table.n_rows
    tr = table.total_rows
    named = tr.named if tr is not None and tr.named is not None else np.zeros(n, dtype=bool)
    cols = table.source_columns or []
    none = (np.zeros(n, dtype=np.int64), [""])
    period = _labels(table, "period") if "period" in cols else none
    facility = _labels(table, "facility") if "facility" in cols else none
    cvals = [str(v) for v in carrier[1]]
    n_p, n_f = max(len(period[1]), 1), max(len(facility[1]), 1)
    combined = (carrier[0] * n_p + period[0]) * n_f + facility[0]
    part_keys: set[tuple[str, str, str]] = set()
    any_facility: set[tuple[str, str]] = set()
    for code in pd.unique(combined[~named]).tolist():
        cp, fi = divmod(code, n_f)
        ci, pi = divmod(cp, n_p)
        part_keys.add((cvals[ci], period[1][pi], facility[1][fi]))
        any_facility.add((cvals[ci], period[1][pi]))
    alone = named.copy()
    if tr is not None:
        alone[tr.positions] = False
    assert table.index is not None
    found: list[tuple[tuple[str, str, str], bool, RowIssue]] = []
    for i in np.flatnonzero(alone).tolist():
        row = int(table.index[i]) + offset
        line = first_line + row if first_line is not None else None
        key = (cvals[carrier[0][i]], period[1][period[0][i]], facility[1][facility[0][i]])
        found.append((key, bool(key[2]), RowIssue(row=row, column="carrier", value=None, reason="", line=line)))
    return part_keys, any_facility, found


#: how the error of a carrier label naming a total calls a piece of the table and what to do
_WORDING = {
    "chunk": ("chunk", "streamed, it would be added",
              "run without chunk_rows / --chunk-rows (or with chunks that hold the whole table), or delete the total row"),
    "partition": ("partition", "judged per partition: run in memory or streamed in one chunk (on Dask it would be added)",
                  "run in memory (calculate(ddf.compute(), profile)), or delete the total row"),
}


@dataclass
class TotalCarry:
    """What the chunks of a stream (or the partitions of a Dask DataFrame, folded in order)
    so far say about spreadsheet total rows (module docstring)."""

    #: per (carrier id, unit as read): the rows since the last total row of the chunks so far
    segment: dict[tuple[str, str], _Segment] = field(default_factory=dict)
    #: (carrier, period, facility or "") of rows that are no total label, over the chunks so far
    part_keys: set[tuple[str, str, str]] = field(default_factory=set)
    part_keys_any_facility: set[tuple[str, str]] = field(default_factory=set)
    #: labels naming a carrier and a total that were read as their carrier: (key, facility named, issue)
    named_alone: list[tuple[tuple[str, str, str], bool, RowIssue]] = field(default_factory=list)
    #: "chunk" (a stream) or "partition" (Dask): the words of the error of :meth:`_check`
    piece: str = "chunk"

    def settle(self, table: ActivityTable, errors: list[RowIssue], warnings: list[RowIssue]) -> tuple[list[RowIssue], list[RowIssue]]:
        """The chunk's errors and warnings (its own row numbers) with its first total row
        judged over the parts in earlier chunks too, as the whole file judges it."""
        tr = table.total_rows
        if tr is None or not len(tr.positions) or not self.segment:
            return errors, warnings
        return self.judge(first_total(table, 0, self.segment), errors, warnings)

    def judge(self, first: FirstTotal | None, errors: list[RowIssue], warnings: list[RowIssue]
              ) -> tuple[list[RowIssue], list[RowIssue]]:
        """``errors`` and ``warnings`` of a chunk with its first total row (``first``, numbered
        as they are) judged over the parts in earlier chunks too: dropped with a warning when
        they and the parts above it in its chunk provably sum to it, refused otherwise."""
        before = self.segment.get(first.key) if first is not None else None
        if first is None or before is None:   # no part of its carrier and unit in an earlier chunk: the chunk's verdict stands
            return errors, warnings
        whole = _Segment()
        whole.add(before)
        whole.add(first.parts)
        n_parts: int | None = None
        if first.provable and not whole.bad and whole.rows and np.isclose(whole.total, first.quantity, rtol=1e-9, atol=0.0) \
                and first.exact is not None and first.exact == whole.exact:
            n_parts = whole.rows
        old = [x for x in [*errors, *warnings] if x.row == first.row and x.column == first.column
               and (x.reason == TOTAL_ROW_REASON or x.reason.startswith("spreadsheet total row equal"))]
        if not old:
            return errors, warnings
        issue = replace(total_row_issue(first.row, first.column, old[0].value, n_parts), line=old[0].line, header=old[0].header)
        gone = {id(x) for x in old}
        errors = [x for x in errors if id(x) not in gone]
        warnings = [x for x in warnings if id(x) not in gone]
        return ([*errors, issue], warnings) if n_parts is None else (errors, [*warnings, issue])

    def advance(self, table: ActivityTable, offset: int, first_line: int | None,
                computed: tuple[PieceSums, list[tuple[str, str]]] | None) -> None:
        """Take in a chunk whose rows start at ``offset`` in the file (:func:`chunk_totals`)."""
        self.take(chunk_totals(table, offset, first_line, computed))

    def take(self, chunk: ChunkTotals) -> None:
        """Take in the next chunk: the rows after its last total row (or all of it) extend the
        segment; its carrier labels naming a total, checked against the keys of every chunk so
        far (:meth:`_check`)."""
        if chunk.resets:
            self.segment = {}
        for k, seg in chunk.tail.items():
            self.segment.setdefault(k, _Segment()).add(seg)
        self.part_keys |= chunk.part_keys
        self.part_keys_any_facility |= chunk.part_keys_any_facility
        self.named_alone.extend(chunk.named_alone)
        if self.named_alone:
            self._check()

    def _check(self) -> None:
        piece, added, hint = _WORDING[self.piece]
        for key, names_facility, issue in self.named_alone:
            found = key in self.part_keys if names_facility else key[:2] in self.part_keys_any_facility
            if found:
                where = f"line {issue.line}" if issue.line is not None else f"row {issue.row}"
                raise InputError(
                    f"{where}: a carrier label naming a total ({key[0]}, period {key[1] or '(none)'}) was read as its carrier in "
                    f"its {piece}, but rows of that carrier and period in another {piece} make it a total row in the whole "
                    f"table: {added}", column="carrier", row=issue.row, hint=hint)
