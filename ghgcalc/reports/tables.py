"""Command-line tables and outputs: the format an ``-o FILE`` suffix names, the KPI table and
breakdowns (``calc --by``) in one label language (``calc --lang``), and the writers of
breakdowns and of per-row results as CSV or Parquet.

Labels and headings are data (``data/metrics.yaml``: ``metrics``, ``report_text``; carrier
labels ``data/carriers.yaml``). Text written to CSV or XLSX is made inert where a spreadsheet
would read it as a formula (:func:`ghgcalc.io.exports.safe_cell`; OWASP, "CSV Injection").
"""

from __future__ import annotations

import contextlib
import math
import unicodedata
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from ..core.carriers import carriers, metric_definitions
from ..core.reasons import Reason, reason, reasons_by_cells
from ..core.results import Totals
from ..errors import GhgcalcError
from ..io.exports import CSV_LINE_END, ParquetRows, atomic_path, safe_cell, safe_column
from ..printed import as_float, format_at

__all__ = ["LANGUAGES", "OUTPUT_SUFFIXES", "ROW_FORMATS", "breakdown_frame", "breakdown_json", "breakdown_text",
           "heading", "kpi_text", "output_format", "suffix_format", "write_parquet_rows", "write_table"]

#: the label languages of ``data/metrics.yaml``
LANGUAGES = ("en", "zh_hant", "zh_hans")

#: the file formats an output file's suffix names (case-insensitive)
OUTPUT_SUFFIXES = {".xlsx": "xlsx", ".csv": "csv", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}

#: formats that hold per-row results (or, with ``--by``, the breakdown): a table, not a summary
ROW_FORMATS = ("csv", "parquet")


def suffix_format(path: str | Path | None) -> str | None:
    """The format ``path``'s suffix names (``results.XLSX`` -> ``xlsx``), or None for another suffix."""
    if path is None:
        return None
    return OUTPUT_SUFFIXES.get(Path(str(path)).suffix.lower())


def output_format(output: str | Path | None, explicit: str | None, *, rows_beside_summary: bool = False) -> str:
    """The output format of ``calc``: ``explicit`` (``--format``), else the one ``output``'s
    suffix names (contract section 8), else ``table``.

    An explicit format that contradicts the suffix raises :class:`GhgcalcError` (a ``.xlsx``
    file gets a workbook or nothing). With ``rows_beside_summary`` (a streamed ``calc``, whose
    per-row results go to ``-o FILE.csv|.parquet``) ``--format table|json`` names what is
    printed beside that file and so contradicts nothing. ``xlsx`` and ``parquet`` are files:
    they need ``output``.
    """
    named = suffix_format(output)
    if explicit is None:
        fmt = named or "table"
    elif named is None or explicit == named or (rows_beside_summary and named in ROW_FORMATS and explicit in ("table", "json")):
        fmt = explicit
    else:
        ext = Path(str(output)).suffix
        want = next((s for s, f in OUTPUT_SUFFIXES.items() if f == explicit), None)
        rename = f", or name the file {Path(str(output)).stem}{want}" if want else ""
        raise GhgcalcError(f"--format {explicit} contradicts -o {output}: a {ext} file is written as {named}; "
                           f"drop --format (the suffix picks the format){rename}")
    if fmt in ("xlsx", "parquet") and output is None:
        raise GhgcalcError(f"--format {fmt} writes a file: give -o FILE.{fmt}")
    return fmt


def heading(key: str, lang: str | None) -> str:
    """A CLI table heading in ``lang`` from ``report_text`` in ``metrics.yaml`` (its ``columns``
    for a column id); the key itself when it has no entry or no language is asked (the
    tables' lower-case English headings, as before ``--lang``)."""
    if lang is None:
        return key
    text = metric_definitions().get("report_text", {})
    spec = text.get(key) if key != "columns" else None
    if not isinstance(spec, dict):
        spec = text.get("columns", {}).get(key)
    if not isinstance(spec, dict):
        return key
    return str(spec.get(lang or "en", key))


def _label(kpi_row: Any, lang: str | None) -> str:
    """A KPI row's label: in ``lang``, or Traditional Chinese / English when none is asked."""
    if lang is None:
        return f"{kpi_row['label_zh_hant']} / {kpi_row['label_en']}"
    return str(kpi_row[f"label_{lang}"])


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for a wide (CJK) character (Unicode UAX #11)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (right-aligned with ``right``)."""
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def _number(v: Any) -> str:
    f = as_float(v)
    if f is None or math.isnan(f):
        return "n/a"
    return str(f) if math.isinf(f) else format_at(f, 4, grouping=True)   # half-up, as printed figures


def _reason_lines(result: Totals) -> list[str]:
    by_reason: dict[str, list[str]] = {}
    for m, why in result.unavailable_reasons().items():
        by_reason.setdefault(why, []).append(m)
    return [f"n/a: {', '.join(ms)}: {why}" for why, ms in by_reason.items()]


def kpi_text(result: Totals, lang: str | None = None) -> str:
    """The ``calc`` KPI table: metric id, value, unit and label. ``lang`` (``en``, ``zh_hant``,
    ``zh_hans``) sets the label and the headings; None keeps the labels in Traditional
    Chinese and English side by side, with English headings."""
    kp = result.kpis()
    recs = kp.to_dict(orient="records")
    lines = [f"{_pad(heading('metric', lang), 34)} {_pad(heading('value', lang), 20, True)}  {_pad(heading('unit', lang), 22)} "
             f"{heading('label', lang)}"]
    for r in recs:
        lines.append(f"{r['metric']:34} {_number(r['value']):>20}  {r['unit']:22} {_label(r, lang)}")
    return "\n".join(lines + _reason_lines(result))


def _breakdown(result: Totals, by: str) -> pd.DataFrame:
    """``result.totals(by=by)``, a column the results lack being an input error (exit 2)."""
    try:
        frame: pd.DataFrame = result.totals(by=by)
    except KeyError as exc:
        raise GhgcalcError(f"--by {by}: {exc.args[0] if exc.args else exc}") from None
    return frame


def _group_label(by: str, group: Any, lang: str | None) -> str:
    if by == "carrier" and lang is not None:
        c = carriers().get(str(group))
        if c is not None:
            return str(c.labels.get(lang, group))
    return str(group)


def _plain(v: Any) -> Any:
    """A group label as JSON and Parquet take it (numpy scalars as Python ones)."""
    return v.item() if isinstance(v, np.generic) else v


def breakdown_frame(result: Totals, by: str) -> pd.DataFrame:
    """The breakdown by ``by`` as a long table: one row per group and metric, columns ``by``,
    ``metric``, ``value`` (NaN where not available) and ``unit``; groups in their order in
    the data, metrics in the result's order."""
    frame = _breakdown(result, by)
    units: dict[str, str] = frame.attrs.get("units", {})
    groups = [_plain(g) for g in frame.index]
    metrics = list(frame.columns)
    values = frame.to_numpy(dtype=float)
    return pd.DataFrame({by: np.repeat(np.array(groups, dtype=object), len(metrics)),
                         "metric": np.tile(np.array(metrics, dtype=object), len(groups)),
                         "value": values.reshape(-1),
                         "unit": np.tile(np.array([units.get(m, "") for m in metrics], dtype=object), len(groups))})


def _base_of(result: Totals, metric: str) -> str | None:
    """The metric an intensity divides (``scope1`` of ``scope1_per_capita``), None for a base metric."""
    den = result.denominator_of(metric)
    return metric[: -len(den.suffix) - 1] if den is not None else None


def _no_denominator(result: Totals, by: str, metric: str) -> str:
    den = result.denominator_of(metric)
    return (f"no {den.name if den else 'denominator'} for this {by} group (an organisation's denominator is never divided "
            "into one group's figures; ghgcalc.Result.with_group_denominators gives them per group)")


def _why_cells(result: Totals, by: str, frame: pd.DataFrame, *, any_group: bool = False) -> dict[str, list[str | None]]:
    """Why each n/a cell of a breakdown is n/a, for its own group: metric -> per group the
    reason (None where the cell has a value). The reason of the group's own rows
    (:meth:`~ghgcalc.core.results.Result.breakdown_why`: its carriers whose rows carry no value),
    for an intensity its base metric's; an intensity whose base has a value lacks the group's
    denominator ("for this facility group"; ``any_group``: "for a facility group", as the text
    table's lines under a breakdown say it). Computed only when the frame has an n/a cell."""
    values = frame.to_numpy(dtype=float)
    na = np.isnan(values)
    if not na.any():
        return {}
    why = result.breakdown_why(by)
    aligned = len(why) == len(frame)
    org = result.unavailable_reasons()
    cols = {m: j for j, m in enumerate(frame.columns)}
    worded: dict[Reason, str] = {}
    out: dict[str, list[str | None]] = {}
    for m, j in cols.items():
        if not na[:, j].any():
            continue
        base = _base_of(result, m)
        own = why[base or m].tolist() if aligned and (base or m) in why.columns else [None] * len(frame)
        texts: list[str | None] = []
        for i in range(len(frame)):
            if not na[i, j]:
                texts.append(None)
            elif base is not None and base in cols and not na[i, cols[base]]:
                no_den = _no_denominator(result, by, m)
                texts.append(no_den.replace("this", "a") if any_group else no_den)
            elif isinstance(cell := own[i], Reason):
                if cell not in worded:
                    worded[cell] = reason("not_available", why=cell).text("en")
                texts.append(worded[cell])
            else:
                texts.append(org.get(m) or org.get(base or m) or "not available: no value could be computed for it")
        out[m] = texts
    return out


def breakdown_json(result: Totals, by: str, frame: pd.DataFrame | None = None) -> dict[str, Any]:
    """The ``breakdown`` of ``calc --by BY --format json``: ``{"by", "groups": [{BY: label,
    "totals": {metric: {"value", "unit"[, "reason"]}}}]}``; a value not available is null with
    the reason of its own group (contract section 8; :func:`_why_cells`). ``frame``:
    ``result.totals(by=by)`` when the caller has it already (computed once), else computed here."""
    frame = _breakdown(result, by) if frame is None else frame
    units: dict[str, str] = frame.attrs.get("units", {})
    why = _why_cells(result, by, frame)
    groups = []
    for i, (g, row) in enumerate(zip(frame.index, frame.to_numpy(dtype=float), strict=True)):
        totals: dict[str, Any] = {}
        for m, v in zip(frame.columns, row, strict=True):
            entry: dict[str, Any] = {"value": None if math.isnan(v) else float(v), "unit": units.get(m, "")}
            if entry["value"] is None:
                entry["reason"] = why[m][i]
            totals[m] = entry
        groups.append({by: _plain(g), "totals": totals})
    return {"by": by, "groups": groups}


def breakdown_text(result: Totals, by: str, lang: str | None = None, frame: pd.DataFrame | None = None) -> str:
    """The breakdown by ``by`` as a text table: one line per metric (id, unit, a column per
    group, label), headings and labels in ``lang`` as :func:`kpi_text`; under it one ``n/a:``
    line per distinct reason, with the metrics and the groups it applies to (each group's own
    reason: :func:`_why_cells`). ``frame``: ``result.totals(by=by)`` when the caller has it
    already (computed once), else computed here."""
    frame = _breakdown(result, by) if frame is None else frame
    units: dict[str, str] = frame.attrs.get("units", {})
    labels = {r["metric"]: _label(r, lang) for r in result.kpis().to_dict(orient="records")}
    heads = [_group_label(by, g, lang) for g in frame.index]
    cells = [[_number(v) for v in frame[m].to_numpy(dtype=float)] for m in frame.columns]
    widths = [max([_width(h), *(len(row[j]) for row in cells)]) for j, h in enumerate(heads)]
    title = heading("by_column", lang or "en").replace("{column}", heading(by, lang))
    lines = [title, f"{_pad(heading('metric', lang), 34)} {_pad(heading('unit', lang), 16)} "
             + " ".join(_pad(h, w, True) for h, w in zip(heads, widths, strict=True)) + f"  {heading('label', lang)}"]
    for m, row in zip(frame.columns, cells, strict=True):
        lines.append(f"{m:34} {units.get(m, ''):16} " + " ".join(f"{c:>{w}}" for c, w in zip(row, widths, strict=True))
                     + f"  {labels.get(m, '')}")
    return "\n".join(lines + _why_lines(_why_cells(result, by, frame, any_group=True), heads))


def _why_lines(why: dict[str, list[str | None]], heads: list[str]) -> list[str]:
    """One ``n/a:`` line per distinct reason: the metrics it applies to, each set of them with
    its groups ("n/a: scope1, scope1_2 (Plant A); energy_total (Plant A, Plant B): ..."), in
    the order of the table."""
    out = []
    for text, parts in reasons_by_cells(why, heads).items():
        applies = "; ".join(", ".join(ms) + " (" + ", ".join(gs) + ")" for gs, ms in parts.items())
        out.append(f"n/a: {applies}: {text}")
    return out


def write_table(frame: pd.DataFrame, path: str | Path | TextIO, fmt: str) -> None:
    """Write a table (a breakdown) as CSV (text made formula-safe, CRLF lines, RFC 4180) or
    Parquet (text columns as strings, numbers as numbers); a path under a temporary name
    beside it, renamed when complete (:func:`~ghgcalc.io.exports.atomic_path`)."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown table format {fmt!r}")
    with contextlib.ExitStack() as stack:
        target = stack.enter_context(atomic_path(path)) if isinstance(path, (str, Path)) else path
        if fmt == "parquet":
            _parquet_frame(frame).to_parquet(str(target), index=False)
            return
        out = frame.copy(deep=False)
        for c in out.columns:
            if out[c].dtype == object:
                out[c] = safe_column(out[c])   # each distinct text once
        out.columns = pd.Index([safe_cell(str(c)) for c in out.columns], dtype=object)
        out.to_csv(target, index=False, encoding="utf-8", lineterminator=CSV_LINE_END)


def _parquet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers and booleans as they are; every other column as text (None where missing), so
    a column mixing labels of several types (periods ``2022`` and ``"FY2023"``) has one type."""
    out = {}
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_bool_dtype(s.dtype) or (pd.api.types.is_numeric_dtype(s.dtype)
                                                   and not isinstance(s.dtype, pd.CategoricalDtype)):
            out[str(c)] = s.to_numpy()
        else:
            out[str(c)] = s.astype("string")
    return pd.DataFrame(out)


def write_parquet_rows(rows: pd.DataFrame, path: str | Path) -> None:
    """The per-row results as Parquet, the 0-based input row number as column ``row`` (the
    same layout and writer as a streamed ``calc -o FILE.parquet``: :class:`ParquetRows`, text
    decided per distinct value, a slice of rows at a time), under a temporary name renamed when
    complete."""
    with atomic_path(path) as tmp:
        out = ParquetRows(tmp)
        try:
            out.write(rows.reset_index(names="row"))
        finally:
            out.close()
