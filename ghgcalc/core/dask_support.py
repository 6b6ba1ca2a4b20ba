"""Dask: ``ghgcalc.calculate(dask_dataframe, profile)`` beyond one machine.

Each partition runs through the same core as a pandas table (``read_activities`` and
``compute``), on whatever scheduler is active: the local threads, or a
``distributed.Client`` connected to a cluster (``Client("tcp://scheduler:8786")``). ghgcalc
adds no engine of its own: the per-row results are a lazy ``map_partitions``, and the
totals are computed on demand from small per-partition summaries.

Row numbers are global (the position of the row in the whole DataFrame), as for pandas:
``calculate`` counts the rows of each partition once (``map_partitions(len)``) to know where
each partition starts. Totals are the same bits as ``calculate(ddf.compute(), profile)``:
each partition returns its per-key block sums (blocks of
:data:`~ghgcalc.results.BLOCK_ROWS` row numbers that lie wholly inside it) and the raw
(key, quantity) rows of the blocks it shares with its neighbours, and the client adds them
in block order (:class:`~ghgcalc.results.KeySums`). Each partition also returns its
:class:`~ghgcalc.core.results.PieceSums` (per-(group, key) sums of the quantities for the groups
of ``facility`` and ``period``, exact sums of the printed quantities), so that breakdowns
(``totals(by=...)``: equal to pandas to about 1e-15, not bit for bit; a column other than the key
columns, facility and period costs one more pass), :meth:`~ghgcalc.core.results.AggregatedResult.select_group`
and :func:`~ghgcalc.reconcile` (the same entries as in memory) work without the rows.

Bad rows: with ``on_error="raise"`` (the default) :class:`~ghgcalc.errors.ActivityDataError`
is raised when the totals or the errors are first computed (listing every bad row), not at
``calculate`` time, since nothing has been read then; the lazy ``rows`` skip bad rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ActivityDataError, RowIssue
from .results import BLOCK_ROWS, AggregatedResult, CellSums, KeySums, Result, normalize_denominators

__all__ = ["DaskResult", "calculate_dask"]


def _part_result(pdf: pd.DataFrame, profile: Any, library: Any) -> Result:
    from .activities import read_activities
    from .compute import compute
    from .method import method_for

    pdf = pdf.reset_index(drop=True)
    table = read_activities(pdf, profile)
    res: Result = compute(table, method_for(profile, library), None, on_error="collect")
    return res


def _part_rows(pdf: pd.DataFrame, offsets: list[int], profile: Any, library: Any, partition_info: Any = None) -> pd.DataFrame:
    """Per-row results of one partition, indexed by global row number."""
    num = partition_info["number"] if partition_info else 0
    res = _part_result(pdf, profile, library)
    rows = res.rows
    if len(rows.columns) == 0:  # nothing computed (e.g. a missing column): an empty frame
        return rows
    rows.index = pd.Index(np.asarray(rows.index, dtype=np.int64) + offsets[num], name=None)
    for c in rows.columns:
        if isinstance(rows[c].dtype, pd.CategoricalDtype):
            rows[c] = rows[c].astype(object)  # categories differ between partitions
    return rows


def _part_summary(pdf: pd.DataFrame, offset: int, profile: Any, library: Any, by: tuple[str, ...]) -> dict[str, Any]:
    """What the totals need from one partition: keys, block sums, edge rows, errors, groups."""
    res = _part_result(pdf, profile, library)
    errors = [RowIssue(row=None if e.row is None else int(e.row) + offset, column=e.column, value=e.value, reason=e.reason,
                       hint=e.hint) for e in res.errors]
    out: dict[str, Any] = {"n": len(pdf), "errors": errors, "computed": res.rows_computed, "keys": [], "blocks": [],
                           "head": None, "tail": None, "piece": None}
    if res.rows_computed == 0:
        return out
    keys = res.__dict__.get("_keys")
    assert keys is not None
    out["keys"] = list(keys.itertuples(index=False, name=None))
    k, q = res._inv, res._q
    rows = (np.arange(len(k), dtype=np.int64) if res._row_numbers is None else res._row_numbers) + offset
    blk = rows // BLOCK_ROWS
    cut = np.flatnonzero(np.diff(blk)) + 1
    bounds = [0, *cut.tolist(), len(k)]
    K = len(keys)
    for j in range(len(bounds) - 1):
        i0, i1 = bounds[j], bounds[j + 1]
        piece = (k[i0:i1].copy(), q[i0:i1].copy(), rows[i0:i1].copy())
        if j == 0:
            out["head"] = piece
        elif j == len(bounds) - 2:
            out["tail"] = piece
        else:
            out["blocks"].append((int(blk[i0]), np.bincount(k[i0:i1], weights=q[i0:i1], minlength=K),
                                  np.bincount(k[i0:i1], minlength=K)))
    out["piece"] = res.piece_sums(by, offset)   # per-(group, key) sums, exact sums of the printed quantities
    return out


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
        self._profile: Any = None
        self._library: Any = None
        self._on_error = "raise"
        self._done = False
        self._errors_list: list[RowIssue] = []
        self._extra_cells: dict[str, CellSums] = {}

    # errors are known once the partitions are summarised
    @property
    def errors(self) -> list[RowIssue]:
        self._ensure()
        return self._errors_list

    @errors.setter
    def errors(self, value: list[RowIssue]) -> None:
        self._errors_list = list(value)

    def _summaries(self, by: tuple[str, ...]) -> list[dict[str, Any]]:
        from dask.base import compute
        from dask.delayed import delayed

        parts = self._ddf.to_delayed()
        tasks = [delayed(_part_summary)(p, off, self._profile, self._library, by)
                 for p, off in zip(parts, self._offsets, strict=True)]
        out: tuple[dict[str, Any], ...] = compute(*tasks)  # type: ignore[no-untyped-call]
        return list(out)

    def _ensure(self) -> None:
        if self._done:
            return
        self._ingest(self._summaries(DEFAULT_BY))

    def _ingest(self, summaries: list[dict[str, Any]]) -> None:
        from .method import resolve_keys

        registry: dict[tuple[Any, ...], int] = {}
        ks = KeySums()
        cells = CellSums(DEFAULT_BY)
        errors: list[RowIssue] = []
        computed = 0
        key_rows: list[tuple[Any, ...]] = []
        for s in summaries:
            errors.extend(s["errors"])
            computed += s["computed"]
            ids = []
            for kt in s["keys"]:
                g = registry.get(kt)
                if g is None:
                    g = registry[kt] = len(key_rows)
                    key_rows.append(kt)
                ids.append(g)
            gid = np.array(ids, dtype=np.intp)
            ks.grow(len(registry))
            if s["head"] is not None:
                k, q, rows = s["head"]
                ks.add(gid[k], q, rows=rows)
            for b, vec, cnt in s["blocks"]:
                full = np.zeros(len(registry))
                full_n = np.zeros(len(registry), dtype=np.int64)
                full[gid] = vec
                full_n[gid] = cnt
                ks.add_block(b, full, full_n)
            if s["tail"] is not None:
                k, q, rows = s["tail"]
                ks.add(gid[k], q, rows=rows)
            if s["piece"] is not None:
                cells.add(s["piece"], gid)
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
    r._ddf, r._offsets, r._profile, r._library, r._on_error = activities, offsets, prof, library, on_error
    # meta of the per-row results: the pipeline run on the first rows
    head = activities.head(min(lengths[0], 50) if lengths else 0, npartitions=1, compute=True) if lengths else activities._meta
    sample = _part_rows(head, [0], prof, library)
    meta = sample.iloc[:0]
    r.rows = activities.map_partitions(_part_rows, offsets, prof, library, meta=meta, align_dataframes=False)
    return r


if TYPE_CHECKING:   # checked by mypy: a Dask result is a Totals
    from .results import Totals

    def _dask_result_is_totals(r: DaskResult) -> Totals:
        return r
