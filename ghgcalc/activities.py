"""Activities: reading and validating the activity table (contract section 1).

One row per measured quantity: ``carrier``, ``quantity``, ``unit`` and optionally
``facility``, ``period``, ``region``, ``scope``, ``instrument``; any other column is carried
through. Quantities given as text keep their printed digits (``quantity_text``), because
reconciliation needs the precision they were printed at. Parsing works on the distinct
values of each column (carriers, units), never row by row in Python.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .carriers import carrier_aliases, carriers, normalize_key
from .errors import InputError, RowIssue
from .profiles import Profile
from .units import gas_of, parse_unit

__all__ = ["OPTIONAL_COLUMNS", "REQUIRED_COLUMNS", "ActivityTable", "read_activities", "read_table"]

REQUIRED_COLUMNS = ("carrier", "quantity", "unit")
OPTIONAL_COLUMNS = ("facility", "period", "region", "scope", "instrument")

#: header spellings accepted for the standard columns (folded with normalize_key)
_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "carrier": ("carrier", "energy", "energytype", "fuel", "type", "能源", "能源類型", "能源类型", "能源種類", "能源种类", "類別", "类别", "項目", "项目", "指標", "指标"),
    "quantity": ("quantity", "amount", "value", "consumption", "數量", "数量", "用量", "消耗量", "數值", "数值"),
    "unit": ("unit", "units", "單位", "单位"),
    "facility": ("facility", "site", "設施", "设施", "廠區", "厂区", "地點", "地点"),
    "period": ("period", "year", "date", "month", "年份", "年度", "期間", "期间", "月份"),
    "region": ("region", "province", "grid", "地區", "地区", "省份"),
    "scope": ("scope", "範圍", "范围"),
    "instrument": ("instrument", "contractualinstrument"),
}


@dataclass
class ActivityTable:
    """A validated activity table.

    ``frame`` has the canonical columns ``carrier`` (id), ``carrier_input`` (as given),
    ``quantity`` (float64), ``quantity_text`` (printed digits, when given as text),
    ``unit``, ``period``, ``year``, ``region``, ``scope_override``, ``facility``,
    ``instrument`` and every extra column; its index is the input row number.
    ``issues`` lists every bad cell found while reading.
    """

    frame: pd.DataFrame
    issues: list[RowIssue] = field(default_factory=list)
    source: str | None = None
    encoding: str | None = None
    n_input_rows: int = 0


def _fold(s: str) -> str:
    return normalize_key(s)


def _rename_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, list[RowIssue]]:
    issues: list[RowIssue] = []
    cols = [str(c) for c in df.columns]
    seen: dict[str, int] = {}
    for c in cols:
        seen[c.strip()] = seen.get(c.strip(), 0) + 1
    dups = [c for c, n in seen.items() if n > 1]
    if dups:
        issues.append(RowIssue(row=None, column=dups[0], value=dups, reason="duplicate column header(s)"))
    lookup = {_fold(a): canon for canon, aliases in _COLUMN_ALIASES.items() for a in aliases}
    mapping: dict[Any, str] = {}
    taken: set[str] = set()
    # exact canonical names win over aliases
    for c in df.columns:
        k = _fold(str(c))
        if k in _COLUMN_ALIASES and k not in taken:
            mapping[c] = k
            taken.add(k)
    for c in df.columns:
        if c in mapping:
            continue
        canon = lookup.get(_fold(str(c)))
        if canon and canon not in taken:
            mapping[c] = canon
            taken.add(canon)
    out = df.rename(columns=mapping)
    for req in REQUIRED_COLUMNS:
        if req not in out.columns:
            issues.append(
                RowIssue(row=None, column=req, value=list(map(str, df.columns)), reason=f"required column {req!r} is missing",
                         hint="an activity table needs the columns carrier, quantity, unit")
            )
    return out, issues


def read_table(source: Any, *, sheet: str | int | None = 0) -> tuple[pd.DataFrame, str | None, str | None]:
    """Read a DataFrame, a CSV/TSV, Excel or Parquet file into a DataFrame of text cells
    (CSV) or native cells (Excel/Parquet). Returns (frame, source name, encoding)."""
    if isinstance(source, pd.DataFrame):
        return source, None, None
    if isinstance(source, (list, tuple)):
        return pd.DataFrame(list(source)), None, None
    path = Path(source)
    if not path.is_file():
        raise InputError("activity file not found", value=str(source))
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path), str(path), None
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return pd.read_excel(path, sheet_name=sheet, dtype=object), str(path), None
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("the activity file is empty", value=str(path))
    encoding = "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text, encoding = _decode_other(raw, path)
    sep = "\t" if suffix == ".tsv" else ","
    import io

    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, skipinitialspace=True)
    except Exception as exc:  # pandas raises several parser errors
        raise InputError(f"cannot read as CSV: {exc}", value=str(path)) from None
    return df, str(path), encoding


def _decode_other(raw: bytes, path: Path) -> tuple[str, str]:
    for enc in ("gb18030", "big5"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise InputError("cannot decode the file as text (tried UTF-8, GB18030, Big5)", value=str(path))


def categorical(codes: np.ndarray, labels: list[str]) -> pd.Categorical:
    """A Categorical whose row ``i`` is ``labels[codes[i]]``; equal labels share one category."""
    cats = list(dict.fromkeys(labels)) or [""]
    pos = {c: i for i, c in enumerate(cats)}
    remap = np.array([pos[lab] for lab in labels], dtype=np.int64)
    return pd.Categorical.from_codes(remap[codes] if len(codes) else codes, categories=cats, validate=False)


def _factorize(col: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Codes and distinct values of a column, missing values folded into ``""``."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    uniq = [u for u in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniq), codes)
        uniq.append("")
    return codes, uniq


_NUM_CLEAN = re.compile(r"[,，\s_'’]")


def _clean_number_text(s: pd.Series) -> pd.Series:
    t = s.astype(str).str.normalize("NFKC").str.strip()
    return t.str.replace(_NUM_CLEAN, "", regex=True)


def _parse_quantities(col: pd.Series, issues: list[RowIssue]) -> tuple[np.ndarray, pd.Series | None, np.ndarray]:
    """float64 quantities, their printed text (or None when numeric), and a bad-row mask."""
    n = len(col)
    bad = np.zeros(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        q = col.to_numpy(dtype="float64", na_value=np.nan)
        text = None
        invalid = ~np.isfinite(q)
    else:
        obj = col.astype(object)
        isnull = obj.isna().to_numpy()
        is_num = np.array([isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in obj]) if obj.dtype == object else np.zeros(n, bool)
        text = _clean_number_text(obj.where(~isnull, ""))
        if is_num.any():
            text = text.where(~is_num, obj[is_num].map(lambda v: repr(float(v))))
        q = pd.to_numeric(text.where(text != "", None), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        invalid = ~np.isfinite(q)
        empty = (text == "").to_numpy()
        for i in np.flatnonzero(invalid):
            label = col.index[i]
            raw = col.iloc[i]
            reason = "empty quantity" if empty[i] else "quantity is not a finite number"
            issues.append(RowIssue(row=_row_label(label), column="quantity", value=None if empty[i] else raw, reason=reason))
        bad |= invalid
        invalid = np.zeros(n, bool)
    if text is None:
        for i in np.flatnonzero(invalid):
            issues.append(RowIssue(row=_row_label(col.index[i]), column="quantity", value=_py(col.iloc[i]), reason="quantity is not a finite number"))
        bad |= invalid
    neg = np.isfinite(q) & (q < 0)
    for i in np.flatnonzero(neg):
        issues.append(RowIssue(row=_row_label(col.index[i]), column="quantity", value=_py(col.iloc[i]), reason="quantity is negative",
                               hint="activity quantities are >= 0; a correction is a separate, documented adjustment"))
    bad |= neg
    return q, text, bad


def _py(v: Any) -> Any:
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def _row_label(label: Any) -> int | None:
    try:
        return int(label)
    except (TypeError, ValueError):
        return None


_YEAR = re.compile(r"^\s*(\d{4})")


def _parse_years(col: pd.Series | None, default: int, n: int, index: pd.Index, issues: list[RowIssue]) -> tuple[np.ndarray, np.ndarray]:
    bad = np.zeros(n, dtype=bool)
    if col is None:
        return np.full(n, default, dtype=np.int64), bad
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        years = col.dt.year.to_numpy(dtype="float64", na_value=np.nan)
    elif pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        years = col.to_numpy(dtype="float64", na_value=np.nan)
    else:
        codes, uniques = pd.factorize(col.astype(object).where(col.notna(), ""), use_na_sentinel=False)
        parsed = np.empty(len(uniques), dtype="float64")
        for j, u in enumerate(uniques):
            s = unicodedata.normalize("NFKC", str(u))
            if hasattr(u, "year") and not isinstance(u, str):
                parsed[j] = float(u.year)
            elif not s.strip():
                parsed[j] = np.nan
            else:
                m = _YEAR.match(s)
                parsed[j] = float(m.group(1)) if m else -1.0
        years = parsed[codes]
    empty = np.isnan(years)
    years = np.where(empty, default, years)
    invalid = (years < 1900) | (years > 2200) | (years != np.floor(years))
    for i in np.flatnonzero(invalid):
        issues.append(RowIssue(row=_row_label(index[i]), column="period", value=_py(col.iloc[i]), reason="period is not a year or a date",
                               hint="use a year (2022) or a date/month (2022-03)"))
    bad |= invalid
    return np.where(invalid, default, years).astype(np.int64), bad


def read_activities(source: Any, profile: Profile, *, sheet: str | int | None = 0) -> ActivityTable:
    """Read and validate an activity table against a profile.

    Every problem is collected as a :class:`~ghgcalc.errors.RowIssue` (row, column, value,
    reason); nothing is dropped silently. Rows with an issue are kept in ``frame`` with
    ``_bad`` set, so callers can decide to raise or to collect.
    """
    df, src, enc = read_table(source, sheet=sheet)
    n_input = len(df)
    issues: list[RowIssue] = []
    df, col_issues = _rename_columns(df)
    issues.extend(col_issues)
    if any(i.column in REQUIRED_COLUMNS and i.row is None for i in col_issues) or any("duplicate" in i.reason for i in col_issues):
        return ActivityTable(frame=df.iloc[0:0], issues=issues, source=src, encoding=enc, n_input_rows=n_input)
    if n_input == 0:
        issues.append(RowIssue(row=None, column=None, value=src, reason="the activity table has no rows"))
        return ActivityTable(frame=df, issues=issues, source=src, encoding=enc, n_input_rows=0)
    if not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index(drop=True)
    n = len(df)
    bad = np.zeros(n, dtype=bool)

    # carriers: resolve each distinct spelling once
    carrier_col = df["carrier"]
    codes, uniques = _factorize(carrier_col)
    aliases = carrier_aliases()
    profile_carriers = {normalize_key(k): k for k in profile.carriers}
    resolved: list[str | None] = []
    for u in uniques:
        k = normalize_key(str(u))
        resolved.append(aliases.get(k) or profile_carriers.get(k) or (None if not k else f"?{u}"))
    resolved_arr = np.array(resolved, dtype=object)
    carrier_ids = resolved_arr[codes]
    u_empty = np.array([c is None for c in resolved], dtype=bool)
    u_unknown = np.array([isinstance(c, str) and c.startswith("?") for c in resolved], dtype=bool)

    # quantities
    q, qtext, qbad = _parse_quantities(df["quantity"], issues)
    bad |= qbad

    # units: parse each distinct spelling once
    unit_col = df["unit"]
    ucodes, uuniques = _factorize(unit_col)
    unit_ok = np.zeros(len(uuniques), dtype=bool)
    unit_text = np.empty(len(uuniques), dtype=object)
    unit_err: dict[int, str] = {}
    for j, u in enumerate(uuniques):
        s = unicodedata.normalize("NFKC", str(u)).strip() if not isinstance(u, str) else u.strip()
        unit_text[j] = str(u).strip()
        try:
            parse_unit(str(u).strip())
            unit_ok[j] = True
        except InputError as exc:
            unit_err[j] = exc.reason if s else "empty unit"
    for i in np.flatnonzero(~unit_ok[ucodes]):
        issues.append(RowIssue(row=int(i), column="unit", value=unit_col.iloc[i], reason=unit_err[int(ucodes[i])],
                               hint="e.g. MWh, kWh, 萬千瓦時, GJ, t, 噸, m**3, 立方米, L, scf, btu"))
    bad |= ~unit_ok[ucodes]

    # carriers that are unknown: acceptable only as direct emission entries with a scope
    scope_col = df["scope"] if "scope" in df.columns else None
    scope_override = np.zeros(n, dtype=np.int8)
    if scope_col is not None:
        sc = scope_col.astype(object).where(scope_col.notna(), "")
        scodes, suniq = pd.factorize(sc.astype(str).str.normalize("NFKC").str.strip().str.lower()
                                     .str.replace(r"^(scope|範圍|范围)\s*", "", regex=True), use_na_sentinel=False)
        svals = np.zeros(len(suniq), dtype=np.int8)
        sbad = np.zeros(len(suniq), dtype=bool)
        for j, u in enumerate(suniq):
            u = {"一": "1", "二": "2", "1.0": "1", "2.0": "2"}.get(u, u)
            if u == "":
                continue
            if u in ("1", "2"):
                svals[j] = int(u)
            else:
                sbad[j] = True
        scope_override = svals[scodes]
        for i in np.flatnonzero(sbad[scodes]):
            issues.append(RowIssue(row=int(i), column="scope", value=_py(scope_col.iloc[i]), reason="scope must be 1 or 2",
                                   hint="Scope 3 is outside ghgcalc's remit; leave the cell empty for the carrier's default"))
        bad |= sbad[scodes]

    empty_carrier = u_empty[codes]
    unknown = u_unknown[codes]
    if unknown.any():
        # an unknown carrier is allowed for a direct emission entry (unit = mass of a gas) with a scope
        for i in np.flatnonzero(unknown):
            u_ok = unit_ok[ucodes[i]]
            is_direct = bool(u_ok and gas_of(str(unit_text[ucodes[i]])) is not None)
            if is_direct and scope_override[i] in (1, 2):
                carrier_ids[i] = str(carrier_ids[i])[1:]
                continue
            issues.append(RowIssue(
                row=int(i), column="carrier", value=_py(carrier_col.iloc[i]), reason="unknown carrier",
                hint=f"use a shipped carrier ({', '.join(list(carriers())[:8])}, ...), a Chinese label such as 外購電力, "
                     "define it under [carriers] in the profile, or give a GHG-mass unit and a scope for a direct emission entry",
            ))
            bad[i] = True
    for i in np.flatnonzero(empty_carrier):
        issues.append(RowIssue(row=int(i), column="carrier", value=None, reason="empty carrier"))
        bad[i] = True

    years, ybad = _parse_years(df["period"] if "period" in df.columns else None, profile.reporting_year, n, df.index, issues)
    bad |= ybad

    if "region" in df.columns:  # per distinct value: blank or missing -> the profile's region
        rcodes, runiq = _factorize(df["region"])
        region = categorical(rcodes, [str(u).strip() or profile.region for u in runiq])
    else:
        region = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[profile.region])

    out = pd.DataFrame(index=df.index)
    if unknown.any() or empty_carrier.any():
        out["carrier"] = pd.Series(np.where(bad & (empty_carrier | unknown), None, carrier_ids), index=df.index, dtype=object)
    else:
        out["carrier"] = categorical(codes, [str(c) for c in resolved])
    out["carrier_input"] = carrier_col
    out["quantity"] = q
    if qtext is not None:
        out["quantity_text"] = qtext
    out["unit"] = categorical(ucodes, [str(u) for u in unit_text])
    out["period"] = df["period"] if "period" in df.columns else years
    out["year"] = years
    out["region"] = region
    out["scope_override"] = scope_override
    for c in ("facility", "instrument"):
        if c in df.columns:
            out[c] = df[c]
    for c in df.columns:
        if c not in out.columns and c not in REQUIRED_COLUMNS and c not in OPTIONAL_COLUMNS:
            out[c] = df[c]
    out["_bad"] = bad
    return ActivityTable(frame=out, issues=issues, source=src, encoding=enc, n_input_rows=n_input)
