"""Reporting: turning results into tables, JSON, CSV and XLSX at the edge of the library.

Exports never turn a cell into a live spreadsheet formula: text starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return is prefixed with an apostrophe (OWASP CSV injection).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from ..core.results import Result, Totals
from ..io.exports import CSV_LINE_END, atomic_path, safe_cell, safe_column
from ..io.progress import ProgressCallback, ProgressEvent
from ..printed import as_float
from .tables import kpi_text, write_parquet_rows

__all__ = ["kpi_table_text", "result_json", "safe_cell", "totals_json", "write_rows"]


def totals_json(result: Totals) -> dict[str, Any]:
    out: dict[str, Any] = {}
    reasons = result.unavailable_reasons()
    for m in result.metric_ids():
        v, u = result.metric_value(m)
        out[m] = {"value": as_float(v), "unit": u}
        if out[m]["value"] is None:
            base = result.denominator_of(m)
            out[m]["reason"] = reasons.get(m) or reasons.get(m[: -len(base.suffix) - 1] if base else m) \
                or "not available: no value could be computed for it"
    return out


def result_json(result: Totals) -> dict[str, Any]:
    """The ``calc --format json`` object (contract section 3)."""
    prof = result.profile.model_dump(exclude={"base_dir"})
    prof["data_version"] = result.data_version
    return {
        "totals": totals_json(result),
        "profile": prof,
        "factors": [f.public_dict() for f in result.factors_used()],
        "errors": [e.as_dict() for e in result.errors],
        "warnings": [w.as_dict() for w in result.warnings],
        "rows_in": result.n_input_rows,
        "rows_computed": result.rows_computed,
        "partial": result.partial,
        "input": dict(result.input_info),
    }


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False, default=str)


def _export_frame(result: Result) -> pd.DataFrame:
    df = result.rows.copy(deep=False)
    for c in df.columns:
        if df[c].dtype == object or isinstance(df[c].dtype, (pd.CategoricalDtype, pd.StringDtype)):
            df[c] = safe_column(df[c])   # each distinct text once
    df.columns = pd.Index([safe_cell(str(c)) for c in df.columns], dtype=object)
    return df


#: rows written per piece (one progress event each)
WRITE_ROWS = 100_000


def write_rows(result: Result, path: str | Path | TextIO, fmt: str, sheets: Mapping[str, pd.DataFrame] | None = None,
               progress: ProgressCallback | None = None) -> None:
    """Write the per-row results (CSV, Parquet) or the rows, totals, factors and errors (XLSX;
    ``sheets``: more sheets by name, e.g. a breakdown). Numbers stay numbers; text a
    spreadsheet would read as a formula is made inert.

    A path is written under a temporary name beside it and renamed when complete
    (:func:`~ghgcalc.io.exports.atomic_path`). CSV and XLSX rows go out :data:`WRITE_ROWS` at
    a time, each piece reported to ``progress`` (a :class:`~ghgcalc.io.progress.ProgressEvent`)."""
    if fmt not in ("csv", "xlsx", "parquet"):
        raise ValueError(f"unknown format {fmt!r}")
    if fmt == "parquet":   # written whole or not at all by write_parquet_rows itself
        write_parquet_rows(result.rows, path if isinstance(path, (str, Path)) else str(path))
        return
    with contextlib.ExitStack() as stack:
        target = stack.enter_context(atomic_path(path)) if isinstance(path, (str, Path)) else path
        df = _export_frame(result)
        n = len(df)

        def pieces() -> Any:
            for a in range(0, max(n, 1), WRITE_ROWS):
                yield a, df.iloc[a:a + WRITE_ROWS]
                if progress is not None:
                    done = min(a + WRITE_ROWS, n)
                    progress(ProgressEvent("write rows", done, n, "rows", final=done >= n))

        if fmt == "csv":
            fh = stack.enter_context(open(target, "w", encoding="utf-8", newline="")) if isinstance(target, Path) else target
            for a, piece in pieces():
                piece.to_csv(fh, header=a == 0, index_label="row", lineterminator=CSV_LINE_END)
            return
        kp = result.kpis()
        factors = pd.DataFrame([f.public_dict() for f in result.factors_used()])
        errors = pd.DataFrame([e.as_dict() for e in result.errors], columns=["row", "line", "column", "value", "reason", "hint"])
        # a binary handle, not the path: pandas refuses a suffix in capitals (``R.XLSX``) or none (the temporary name)
        with open(target, "wb") if isinstance(target, Path) else target as bh, pd.ExcelWriter(bh, engine="openpyxl") as xw:
            kp.map(safe_cell).to_excel(xw, sheet_name="kpis", index=False)
            for a, piece in pieces():   # one sheet, written piece by piece under its header row
                piece.to_excel(xw, sheet_name="rows", index_label="row", header=a == 0, startrow=a + 1 if a else 0)
            factors.map(safe_cell).to_excel(xw, sheet_name="factors", index=False)
            errors.map(safe_cell).to_excel(xw, sheet_name="errors", index=False)
            for name, frame in (sheets or {}).items():
                out = frame.map(safe_cell)
                out.columns = pd.Index([safe_cell(str(c)) for c in out.columns], dtype=object)
                out.to_excel(xw, sheet_name=name[:31], index=False)


def kpi_table_text(result: Totals, lang: str | None = None) -> str:
    """The ``calc`` KPI table (:func:`ghgcalc.reports.tables.kpi_text`): labels in ``lang``,
    or Traditional Chinese and English side by side."""
    return kpi_text(result, lang)
