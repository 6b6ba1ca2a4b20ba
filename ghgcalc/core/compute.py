"""The vectorised calculation over a validated activity table: resolve each distinct key once
through the :class:`~ghgcalc.core.method.Method`, broadcast the coefficients by key codes into a
:class:`~ghgcalc.core.results.Result`, and check that every input row is accounted for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ActivityDataError, GhgcalcError, RowIssue
from ..printed import plain
from .activities import ActivityTable
from .keys import small_codes
from .method import Method, resolve_keys
from .results import KeySums, Result

__all__ = ["check_rows_accounted", "compute"]


def compute(table: ActivityTable, method: Method, denominators: Mapping[str, Any] | None, *, on_error: str) -> Any:
    """Vectorised core over a validated :class:`ActivityTable`: the key code of each row
    (:meth:`ActivityTable.key_space`), each distinct key resolved once
    (:func:`~ghgcalc.core.method.resolve_keys`), rows whose key cannot be resolved in error."""
    issues = list(table.issues)
    if table.keys is None or table.n_rows == 0:
        table.number_lines(issues)
        if issues and on_error == "raise":
            raise ActivityDataError(issues)
        return check_rows_accounted(Result.empty(method, denominators, issues, table), table)
    good = None if table.bad is None else ~table.bad
    q = table.quantity
    assert q is not None
    space = table.key_space()
    n = len(q)
    if space.size > 4 * n + (1 << 20):   # very many combinations: number the ones present
        fcodes, fcombos = pd.factorize(space.codes)
        codes, combos, size = fcodes, np.asarray(fcombos, dtype=np.int64), len(fcombos)
    else:
        codes, combos, size = space.codes, None, space.size
    sums, counts = key_sums(codes, q, size, good, table)
    present = np.flatnonzero(counts)
    keys = space.frame(present if combos is None else combos[present])
    resolutions = resolve_keys(method, keys)
    key_err = np.array([r.error is not None for r in resolutions], dtype=bool)
    ok = good
    if key_err.any():
        err_code = np.zeros(size, dtype=bool)
        err_code[present[key_err]] = True
        row_err = np.take(err_code, codes)
        if good is not None:
            row_err &= good
        ok = ~row_err if good is None else good & ~row_err
        position = _positions(present, size)
        frame = table.frame
        for i in np.flatnonzero(row_err):
            err = resolutions[int(position[codes[i]])].error
            assert err is not None
            col, reason, hint = err
            value_col = {"carrier": "carrier_input", "period": "period"}.get(col, col)
            value = frame[value_col].iloc[i] if value_col in frame.columns else None
            if col == "scope":
                value = frame["carrier_input"].iloc[i]
            value = plain(value)
            issues.append(RowIssue(row=int(frame.index[i]), column=col, value=None if value == "" else value,
                                   reason=reason, hint=hint))
        # the keys in error have no computed row left; every other key keeps exactly its rows,
        # and the per-key sums are per key (KeySums), so theirs stand as they are
        keep = ~key_err
        present, keys = present[keep], keys[keep].reset_index(drop=True)
        resolutions = [r for r, k in zip(resolutions, keep, strict=True) if k]
    dense = small_codes(_positions(present, size), len(present) + 1)
    rows_ok = ok

    def inv() -> np.ndarray:
        out: np.ndarray = np.take(dense, codes if rows_ok is None else codes[rows_ok])
        return out

    table.number_lines(issues)
    if issues and on_error == "raise":
        issues.sort(key=lambda x: (x.row if x.row is not None else -1))
        raise ActivityDataError(issues)
    result = Result.build(table, ok, inv, resolutions, method, denominators, issues, keys=keys,
                          key_totals=(sums[present], counts[present]))
    return check_rows_accounted(result, table)


def _positions(present: np.ndarray, size: int) -> np.ndarray:
    """For each of ``size`` codes, its position among the ``present`` ones (-1: absent)."""
    out = np.full(size, -1, dtype=np.int64)
    out[present] = np.arange(len(present))
    return out


def key_sums(codes: np.ndarray, q: np.ndarray, size: int, ok: np.ndarray | None, table: ActivityTable
             ) -> tuple[np.ndarray, np.ndarray]:
    """Per-key sums of the quantities and row counts over the rows in ``ok`` (None: all), by
    :class:`~ghgcalc.core.results.KeySums` in blocks of input row numbers, so that they are the
    same bits as a streamed or Dask run of the same rows."""
    ks = KeySums(size)
    index = table.index
    dense = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    if ok is None:
        ks.add(codes, q, rows=None if dense else np.asarray(index, dtype=np.int64))
    else:
        rows = np.flatnonzero(ok) if dense else np.asarray(index, dtype=np.int64)[ok]
        ks.add(codes[ok], q[ok], rows=rows)
    return ks.result()


def check_rows_accounted(result: Any, table: ActivityTable) -> Any:
    """Every input row is in ``result.rows`` or in ``result.errors`` (or, a spreadsheet total
    row dropped, in ``result.warnings``), never both, never neither (rows in == rows computed + rows in error). Checked on every result; a
    violation is a bug in ghgcalc and raises :class:`~ghgcalc.errors.GhgcalcError`."""
    n_in = table.n_input_rows
    n_computed = result.rows_computed
    bad = {e.row for e in result.errors if e.row is not None}
    bad |= {w.row for w in getattr(result, "warnings", ()) if w.row is not None}   # total rows dropped, never added
    whole_table = any(e.row is None for e in result.errors)
    problems = []
    if whole_table and not bad:
        if n_computed:
            problems.append(f"{n_computed} row(s) computed although the whole table is in error")
    else:
        if n_computed + len(bad) != n_in:
            problems.append(f"{n_in} rows in, {n_computed} computed + {len(bad)} in error")
        if bad and np.isin(result.row_numbers(), np.fromiter(bad, dtype=np.int64, count=len(bad))).any():
            problems.append("a row is both computed and in error")
        index = table.index if table.index is not None else table.frame.index
        if bad and not pd.Index(list(bad)).isin(index).all():
            problems.append("an error names a row that is not in the input")
    if problems:
        raise GhgcalcError("internal error: input rows not accounted for (" + "; ".join(problems) + "); please report this")
    return result
