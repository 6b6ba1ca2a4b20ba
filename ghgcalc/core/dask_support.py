"""Dask: ``ghgcalc.calculate(dask_dataframe, profile)`` beyond one machine.

Each partition runs through the same core as a pandas table (``read_activities`` and
``compute``), on whatever scheduler is active: the local threads, or a
``distributed.Client`` connected to a cluster (``Client("tcp://scheduler:8786")``). ghgcalc
adds no engine of its own: the per-row results are a lazy ``map_partitions``, and the
totals are computed on demand from small per-partition summaries.

Row numbers are global (the position of the row in the whole DataFrame), as for pandas:
``calculate`` counts the rows of each partition once (``map_partitions(len)``) to know where
each partition starts. Totals are the same bits as ``calculate(ddf.compute(), profile)``: the
per-key quantity sums are taken per block of :data:`~ghgcalc.results.BLOCK_ROWS` input rows, in
row order, and added in block order (:class:`~ghgcalc.results.KeySums`), wherever the rows are:

* on the workers, each partition sums the blocks that lie wholly inside it (``bincount`` per
  key) and keeps the rows of the (at most two) blocks it shares with its neighbours;
* on the workers, one task per shared block sums its rows from the partitions that share it,
  in row order (the rows move between workers, never to the client);
* on the client, the per-key sums of every block (a few numbers per key and block) are added
  in block order.

Each partition also returns its :class:`~ghgcalc.core.results.PieceSums` (per-(group, key) sums
of the quantities for the groups of ``facility`` and ``period``, exact sums of the printed
quantities), so that breakdowns (``totals(by=...)``: equal to pandas to about 1e-15, not bit for
bit; a column other than the key columns, facility and period costs one more pass),
:meth:`~ghgcalc.core.results.AggregatedResult.select_group`, :func:`~ghgcalc.reconcile`, the KPIs
and the uncertainty (also ``uncertainty(by=...)``) work without the rows. What reaches the client
grows with the number of keys, groups and blocks, not with the number of rows.

Spreadsheet total rows are judged as in memory (and as streamed): each partition returns its
:class:`~ghgcalc.core.stream_totals.ChunkTotals` (where its total rows are, the exact sums per
(carrier, unit) of its rows since its last total row, its (carrier, period, facility) keys) and
the client folds them in partition order (:class:`~ghgcalc.core.stream_totals.TotalCarry`),
judging each partition's first total row over the parts in the partitions before it. A carrier
label naming a total read as its carrier in its partition while another partition holds its parts
raises :class:`~ghgcalc.errors.InputError` when the totals are first computed.

Bad rows: with ``on_error="raise"`` (the default) :class:`~ghgcalc.errors.ActivityDataError`
is raised when the totals or the errors are first computed (listing every bad row), not at
``calculate`` time, since nothing has been read then; the lazy ``rows`` skip bad rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from dask.base import compute as dask_compute
from dask.delayed import delayed

from ..errors import ActivityDataError, RowIssue
from . import results
from .activities import ActivityTable, read_activities
from .compute import compute
from .factors import placeholder_warnings
from .method import method_for, resolve_keys
from .results import AggregatedResult, CellSums, KeySums, Result, normalize_denominators
from .stream_totals import TotalCarry, chunk_totals

__all__ = ["DaskResult", "calculate_dask"]


def _part_table_result(pdf: pd.DataFrame, profile: Any, library: Any) -> tuple[ActivityTable, Result]:
    pdf = pdf.reset_index(drop=True)
    table = read_activities(pdf, profile)
    res: Result = compute(table, method_for(profile, library), None, on_error="collect")
    return table, res


def _part_result(pdf: pd.DataFrame, profile: Any, library: Any) -> Result:
    return _part_table_result(pdf, profile, library)[1]


def _part_rows(pdf: pd.DataFrame, offsets: list[int], profile: Any, library: Any, meta: pd.DataFrame | None = None,
               partition_info: Any = None) -> pd.DataFrame:
    """Per-row results of one partition, indexed by global row number (an empty partition,
    common after a filter: ``meta``, no rows)."""
    num = partition_info["number"] if partition_info else 0
    if len(pdf) == 0 and meta is not None:
        return meta.copy()
    res = _part_result(pdf, profile, library)
    rows = res.rows
    if len(rows.columns) == 0:  # nothing computed (e.g. a missing column): an empty frame
        return rows
    rows.index = pd.Index(np.asarray(rows.index, dtype=np.int64) + offsets[num], name=None)
    for c in rows.columns:
        if isinstance(rows[c].dtype, pd.CategoricalDtype):
            rows[c] = rows[c].astype(object)  # categories differ between partitions
    return rows


#: the rows of one partition in a block it shares with a neighbour: (key code, quantity, input row)
_EdgeRows = tuple[np.ndarray, np.ndarray, np.ndarray]


def _part_summary(pdf: pd.DataFrame, offset: int, profile: Any, library: Any, by: tuple[str, ...], block_rows: int,
                  skip_empty: bool = True, with_totals: bool = True
                  ) -> tuple[dict[str, Any], list[tuple[Any, ...]], dict[int, _EdgeRows]]:
    """What the totals need from one partition, computed where the partition is:

    (summary, keys, edge rows). The summary (sent to the client): input rows, errors, rows
    computed, per-key sums and counts of each block of ``block_rows`` input rows that lies
    wholly inside the partition, the :class:`PieceSums` of the groups of ``by``. The keys: the
    partition's (carrier, unit, year, region, ...) keys, numbered as its key codes. The edge
    rows (left on the worker, for :func:`_edge_block`): per block shared with a neighbour, the
    key code, quantity and input row of each of its rows here. An empty partition adds
    nothing (``skip_empty``; a DataFrame with no rows at all is an empty table, as in pandas).
    ``with_totals``: the summary also holds the partition's row warnings and its
    :class:`~ghgcalc.core.stream_totals.ChunkTotals` (its spreadsheet total rows, judged over
    the partitions before it on the client)."""
    n = len(pdf)
    if n == 0 and skip_empty:   # an empty partition (common after a filter) adds nothing
        return {"n": 0, "errors": [], "warnings": [], "computed": 0, "blocks": [], "piece": None, "totals": None}, [], {}
    table, res = _part_table_result(pdf, profile, library)
    errors = [e if e.row is None else replace(e, row=int(e.row) + offset) for e in res.errors]
    warnings = [replace(w, row=int(w.row) + offset) for w in res.warnings if w.row is not None] if with_totals else []
    out: dict[str, Any] = {"n": n, "errors": errors, "warnings": warnings, "computed": res.rows_computed, "blocks": [],
                           "piece": None, "totals": None}
    edges: dict[int, _EdgeRows] = {}
    with_totals = with_totals and not any(e.row is None for e in errors)   # a problem with the table itself: no rows read
    if res.rows_computed == 0:
        if with_totals:
            out["totals"] = chunk_totals(table, offset, None, None, with_first=True)
        return out, [], edges
    key_frame = res.__dict__.get("_keys")
    assert key_frame is not None
    keys = list(key_frame.itertuples(index=False, name=None))
    k, q = res._inv, res._q
    rows = (np.arange(len(k), dtype=np.int64) if res._row_numbers is None else res._row_numbers) + offset
    blk = rows // block_rows
    cut = np.flatnonzero(np.diff(blk)) + 1
    bounds = [0, *cut.tolist(), len(k)]
    K = len(keys)
    for j in range(len(bounds) - 1):
        i0, i1 = bounds[j], bounds[j + 1]
        b = int(blk[i0])
        if b * block_rows >= offset and (b + 1) * block_rows <= offset + n:   # every row of the block is here
            out["blocks"].append((b, np.bincount(k[i0:i1], weights=q[i0:i1], minlength=K),
                                  np.bincount(k[i0:i1], minlength=K)))
        else:
            edges[b] = (k[i0:i1].copy(), np.asarray(q[i0:i1], dtype=np.float64).copy(), rows[i0:i1].copy())
    out["piece"] = res.piece_sums(by, offset)   # per-(group, key) sums, exact sums of the printed quantities
    if with_totals:   # the rows since its last total row reuse the exact sums just taken
        pairs = list(zip(map(str, key_frame["carrier"]), map(str, key_frame["unit"]), strict=True))
        out["totals"] = chunk_totals(table, offset, None, (out["piece"], pairs), with_first=True)
    return out, keys, edges


def _edge_block(block: int, parts: list[tuple[list[tuple[Any, ...]], dict[int, _EdgeRows]]]
                ) -> tuple[int, list[tuple[Any, ...]], np.ndarray, np.ndarray]:
    """The per-key sums and counts of a block shared by neighbouring partitions, from their
    edge rows (``parts``: (keys, edge rows) of each, in partition order, so the rows are in
    input order and each key's sum is the same bits as in memory): (block, keys, sums, counts)."""
    registry: dict[tuple[Any, ...], int] = {}
    codes, qs = [], []
    for keys, edges in parts:
        piece = edges.get(block)
        if piece is None:
            continue
        local = np.array([registry.setdefault(kt, len(registry)) for kt in keys], dtype=np.intp)
        codes.append(local[piece[0]])
        qs.append(piece[1])
    K = len(registry)
    if not codes:
        return block, [], np.zeros(0), np.zeros(0, dtype=np.int64)
    k = np.concatenate(codes)
    q = np.concatenate(qs)
    return block, list(registry), np.bincount(k, weights=q, minlength=K), np.bincount(k, minlength=K)


def _shared_blocks(offsets: list[int], lengths: list[int], block_rows: int) -> dict[int, list[int]]:
    """Block -> the partitions that share it (a block not wholly inside one partition)."""
    shared: dict[int, list[int]] = {}
    for i, (lo, n) in enumerate(zip(offsets, lengths, strict=True)):
        if n == 0:
            continue
        hi = lo + n
        for b in sorted({lo // block_rows, (hi - 1) // block_rows}):
            if not (b * block_rows >= lo and (b + 1) * block_rows <= hi):
                shared.setdefault(b, []).append(i)
    return shared


#: the carried columns whose groups are summed in the first pass (others: one more pass each)
DEFAULT_BY = ("facility", "period")


class DaskResult(AggregatedResult):
    """A result over a Dask DataFrame: ``rows`` is a lazy Dask DataFrame of the per-row
    results; totals, KPIs, breakdowns, exact values for reconciliation and errors are
    computed from per-partition sums on first use (and cached)."""

    _rows_advice = "select on the lazy result.rows (a Dask DataFrame) or compute_rows() instead"

    def __init__(self) -> None:
        super().__init__()
        self._ddf: Any = None
        self._offsets: list[int] = []
        self._lengths: list[int] = []
        self._profile: Any = None
        self._library: Any = None
        self._on_error = "raise"
        self._done = False
        self._errors_list: list[RowIssue] = []
        self._warnings_list: list[RowIssue] = []
        self._extra_cells: dict[str, CellSums] = {}

    # errors are known once the partitions are summarised
    @property
    def errors(self) -> list[RowIssue]:
        self._ensure()
        return self._errors_list

    @errors.setter
    def errors(self, value: list[RowIssue]) -> None:
        self._errors_list = list(value)

    # so are the warnings (total rows dropped, placeholder factors), as in memory
    @property
    def warnings(self) -> list[RowIssue]:
        self._ensure()
        return self._warnings_list

    @warnings.setter
    def warnings(self, value: list[RowIssue]) -> None:
        self._warnings_list = list(value)

    def _tasks(self, by: tuple[str, ...], with_totals: bool = True) -> tuple[list[Any], list[Any], list[Any], int]:
        """The lazy (summary, keys, edge rows) of every partition, and the block size (read
        here, on the client, so the workers and the client cut the same blocks)."""
        block_rows = results.BLOCK_ROWS
        parts = self._ddf.to_delayed()
        any_rows = sum(self._lengths) > 0   # no rows at all: the first partition says the table is empty
        tasks = [delayed(_part_summary, nout=3)(p, off, self._profile, self._library, by, block_rows, any_rows or i > 0,
                                                with_totals)
                 for i, (p, off) in enumerate(zip(parts, self._offsets, strict=True))]
        return [t[0] for t in tasks], [t[1] for t in tasks], [t[2] for t in tasks], block_rows

    def _summaries(self, by: tuple[str, ...]) -> list[dict[str, Any]]:
        """The partitions' summaries only (a further breakdown column: no totals needed)."""
        summaries, keys, _, _ = self._tasks(by, with_totals=False)
        out = dask_compute(*summaries, *keys)  # type: ignore[no-untyped-call]
        n = len(summaries)
        return [{**s, "keys": k} for s, k in zip(out[:n], out[n:], strict=True)]

    def _ensure(self) -> None:
        if self._done:
            return
        summaries, keys, edges, block_rows = self._tasks(DEFAULT_BY)
        shared = _shared_blocks(self._offsets, self._lengths, block_rows)
        edge_tasks = [delayed(_edge_block)(b, [(keys[i], edges[i]) for i in parts]) for b, parts in sorted(shared.items())]
        out = dask_compute(*summaries, *keys, *edge_tasks)  # type: ignore[no-untyped-call]
        n = len(summaries)
        self._ingest([{**s, "keys": k} for s, k in zip(out[:n], out[n:2 * n], strict=True)], list(out[2 * n:]))

    def _ingest(self, summaries: list[dict[str, Any]], edge_sums: list[tuple[int, list[tuple[Any, ...]], np.ndarray, np.ndarray]]
                ) -> None:
        """Combine on the client: keys numbered in order of first appearance, block sums added
        in block order (:class:`KeySums`), cells (:class:`CellSums`), errors."""
        registry: dict[tuple[Any, ...], int] = {}
        cells = CellSums(DEFAULT_BY)
        errors: list[RowIssue] = []
        warnings: list[RowIssue] = []
        computed = 0
        carry = TotalCarry(piece="partition")   # total rows whose parts lie in earlier partitions, folded in order
        key_rows: list[tuple[Any, ...]] = []

        def gids(keys: list[tuple[Any, ...]]) -> np.ndarray:
            ids = []
            for kt in keys:
                g = registry.get(kt)
                if g is None:
                    g = registry[kt] = len(key_rows)
                    key_rows.append(kt)
                ids.append(g)
            return np.array(ids, dtype=np.intp)

        blocks: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []   # (block, key ids, sums, counts)
        for s in summaries:
            errs, warns = s["errors"], s["warnings"]
            if s["totals"] is not None:   # its first total row judged over the partitions before it, as in memory
                errs, warns = carry.judge(s["totals"].first, errs, warns)
                carry.take(s["totals"])
            errors.extend(errs)
            warnings.extend(warns)
            computed += s["computed"]
            gid = gids(s["keys"])
            blocks.extend((b, gid, vec, cnt) for b, vec, cnt in s["blocks"])
            if s["piece"] is not None:
                cells.add(s["piece"], gid)
        blocks.extend((b, gids(kts), vec, cnt) for b, kts, vec, cnt in edge_sums)
        K = len(key_rows)
        ks = KeySums(K)
        for b, gid, vec, cnt in sorted(blocks, key=lambda x: x[0]):
            full = np.zeros(K)
            full_n = np.zeros(K, dtype=np.int64)
            full[gid] = vec
            full_n[gid] = cnt
            ks.add_block(b, full, full_n)
        cols = ["carrier", "unit", "year", "region", "scope_override", "instrument"]
        width = max((len(kt) for kt in key_rows), default=5)
        keys = pd.DataFrame(key_rows, columns=cols[:width]) if key_rows else pd.DataFrame(columns=cols[:5])
        method = self.method
        self._res = resolve_keys(method, keys)
        self._key_carrier = [str(c) for c in keys["carrier"].tolist()]
        self._key_tuples = key_rows
        ks.grow(len(self._res))
        cells.grow(len(self._res))
        self.cells = cells
        self._key_totals = ks.result()
        self._rows_computed = computed
        errors.sort(key=lambda e: (e.row if e.row is not None else -1))
        self._errors_list = errors
        self._done = True
        warnings.sort(key=lambda w: (w.row if w.row is not None else -1))
        self._warnings_list = [*warnings, *placeholder_warnings(self.factors_used())]   # as in memory
        if errors and self._on_error == "raise":
            raise ActivityDataError(errors)

    def key_totals(self) -> tuple[np.ndarray, np.ndarray]:
        self._ensure()
        assert self._key_totals is not None
        return self._key_totals

    def _key_weights_uncached(self, metric: str) -> Any:
        self._ensure()
        return super()._key_weights_uncached(metric)

    @property
    def rows_computed(self) -> int:
        self._ensure()
        return super().rows_computed

    def _cells(self, by: str | None = None) -> CellSums:
        """The (group, key) sums; for a breakdown by a column not summed in the first pass,
        one more pass over the partitions (cached)."""
        self._ensure()
        if by is None or by in self.cells.present or by not in self.cells.columns:
            return self.cells
        # a column not summed in the first pass: one more pass with it (and facility, period)
        if by not in self._extra_cells:
            registry = {kt: i for i, kt in enumerate(self._key_tuples)}
            extra = CellSums((by, *DEFAULT_BY))   # facility kept too: the data-centre ratios per group
            for s in self._summaries((by, *DEFAULT_BY)):
                if s["piece"] is not None:
                    extra.add(s["piece"], np.array([registry[kt] for kt in s["keys"]], dtype=np.intp))
            extra.grow(len(self._res))
            self._extra_cells[by] = extra
        return self._extra_cells[by]

    def totals(self, by: str | None = None, denominators: Any = None) -> Any:
        self._ensure()
        return super().totals(by, denominators)

    def compute_rows(self) -> pd.DataFrame:
        """The per-row results as one pandas DataFrame (``result.rows.compute()``)."""
        out: pd.DataFrame = self.rows.compute()
        return out

    def __repr__(self) -> str:
        return f"<ghgcalc.DaskResult profile={self.profile.id!r} partitions={len(self._offsets)} rows_in={self.n_input_rows}>"


def calculate_dask(activities: Any, method: Any, denominators: Mapping[str, Any] | None, *, on_error: str,
                   library: Any = None) -> DaskResult:
    """``calculate`` over a Dask DataFrame (see the module docstring)."""
    prof = method.profile
    lengths = [int(x) for x in activities.map_partitions(len).compute().tolist()]
    offsets = [int(x) for x in np.concatenate([[0], np.cumsum(lengths)[:-1]])] if lengths else []
    r = DaskResult()
    r.method = method
    r.denominators = normalize_denominators(denominators)
    r.n_input_rows = int(sum(lengths))
    r._ddf, r._offsets, r._lengths, r._profile, r._library, r._on_error = activities, offsets, lengths, prof, library, on_error
    # meta of the per-row results: the pipeline run on the first rows
    first = next((i for i, n in enumerate(lengths) if n), None)   # the first partition with rows (one is computed)
    head = activities.partitions[first].head(min(lengths[first], 50), npartitions=1, compute=True) if first is not None \
        else activities._meta
    sample = _part_rows(head, [0], prof, library)
    meta = sample.iloc[:0]
    r.rows = activities.map_partitions(_part_rows, offsets, prof, library, meta, meta=meta, align_dataframes=False)
    return r


if TYPE_CHECKING:   # checked by mypy: a Dask result is a Totals
    from .results import Totals

    def _dask_result_is_totals(r: DaskResult) -> Totals:
        return r
