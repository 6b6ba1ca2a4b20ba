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
from .method import Method, key_codes, resolve_keys
from .results import Result

__all__ = ["check_rows_accounted", "compute"]


def compute(table: ActivityTable, method: Method, denominators: Mapping[str, Any] | None, *, on_error: str) -> Any:
    """Vectorised core over a validated :class:`ActivityTable`."""
    frame = table.frame
    issues = list(table.issues)
    if len(frame) == 0 or "_bad" not in frame.columns:
        table.number_lines(issues)
        if issues and on_error == "raise":
            raise ActivityDataError(issues)
        return check_rows_accounted(Result.empty(method, denominators, issues, table), table)
    good_mask = ~frame["_bad"].to_numpy()
    inv, keys = key_codes(frame)
    resolutions = resolve_keys(method, keys)
    key_err = np.array([r.error is not None for r in resolutions], dtype=bool)
    if key_err.any():
        row_err = key_err[inv] & good_mask
        ok = good_mask & ~row_err
    else:
        row_err = None
        ok = good_mask
    if row_err is not None and row_err.any():
        for i in np.flatnonzero(row_err):
            err = resolutions[inv[i]].error
            assert err is not None
            col, reason, hint = err
            value_col = {"carrier": "carrier_input", "period": "period"}.get(col, col)
            value = frame[value_col].iloc[i] if value_col in frame.columns else None
            if col == "scope":
                value = frame["carrier_input"].iloc[i]
            value = plain(value)
            issues.append(RowIssue(row=int(frame.index[i]), column=col, value=None if value == "" else value,
                                   reason=reason, hint=hint))
    table.number_lines(issues)
    if issues and on_error == "raise":
        issues.sort(key=lambda x: (x.row if x.row is not None else -1))
        raise ActivityDataError(issues)
    return check_rows_accounted(Result.build(frame, ok, inv, resolutions, method, denominators, issues, table, keys=keys), table)


def check_rows_accounted(result: Any, table: ActivityTable) -> Any:
    """Every input row is in ``result.rows`` or in ``result.errors`` (or, a spreadsheet total
    row dropped, in ``result.warnings``), never both, never neither (rows in == rows computed + rows in error). Checked on every result; a
    violation is a bug in ghgcalc and raises :class:`~ghgcalc.errors.GhgcalcError`."""
    n_in = table.n_input_rows
    computed = result.rows.index
    bad = {e.row for e in result.errors if e.row is not None}
    bad |= {w.row for w in getattr(result, "warnings", ()) if w.row is not None}   # total rows dropped, never added
    whole_table = any(e.row is None for e in result.errors)
    problems = []
    if whole_table and not bad:
        if len(computed):
            problems.append(f"{len(computed)} row(s) computed although the whole table is in error")
    else:
        if len(computed) + len(bad) != n_in:
            problems.append(f"{n_in} rows in, {len(computed)} computed + {len(bad)} in error")
        if bad and computed.isin(list(bad)).any():
            problems.append("a row is both computed and in error")
        if bad and not pd.Index(list(bad)).isin(table.frame.index).all():
            problems.append("an error names a row that is not in the input")
    if problems:
        raise GhgcalcError("internal error: input rows not accounted for (" + "; ".join(problems) + "); please report this")
    return result
