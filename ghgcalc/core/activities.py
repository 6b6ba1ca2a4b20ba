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
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, RowIssue
from ..io.data import load_yaml
from ..io.readers import (
    HEADER_SCAN_ROWS,
    MERGE_COLUMN,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    RawTable,
    blank_cell,
    canonical_column,
    column_aliases,
    find_header_row,
    read_raw,
    read_table,
)
from ..printed import GROUPED_NUMBER, SEPARATORS, exact, plain
from .carriers import billing_units, carrier_aliases, carriers, column_words, label_qualifiers, normalize_key
from .periods import CN_DIGITS, PeriodRule, period_span, year_in_words, year_pattern
from .profiles import Profile
from .regions import region_names, supplier_areas
from .units import dims_of, gas_of, parse_unit, restated_unit

__all__ = ["MERGE_COLUMN", "OPTIONAL_COLUMNS", "REQUIRED_COLUMNS", "ActivityTable", "RawTable", "canonical_column", "find_header_row", "label_region", "read_activities", "read_raw", "read_table"]


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
    #: how the source was read: format, delimiter, the 0-based row/line of the header in the
    #: file or sheet (title rows above it skipped), the sheet, and the blank rows skipped
    format: str = "dataframe"
    delimiter: str | None = None
    header_row: int | None = None
    sheet: str | None = None
    blank_rows: list[int] = field(default_factory=list)
    #: cells of merged Excel ranges filled from the range's top-left cell (rows: ``filled_from_merge``)
    merged_cells_filled: int = 0
    #: rows not computed and not in error: spreadsheet total rows that provably equal the rows
    #: they total, dropped (never added) with a warning each
    warnings: list[RowIssue] = field(default_factory=list)
    #: financial years and other periods that are not a calendar year, and the data year each
    #: took under the profile's ``period_year`` (``{"rule": ..., "read": {text: year}}``; empty: none)
    periods: dict[str, Any] = field(default_factory=dict)

    def input_info(self) -> dict[str, Any]:
        """How the input was read, for reports (``calc --format json`` key ``input``)."""
        return {"source": self.source, "format": self.format, "encoding": self.encoding, "delimiter": self.delimiter,
                "header_row": self.header_row, "sheet": self.sheet, "rows": self.n_input_rows,
                "blank_rows_skipped": len(self.blank_rows), "merged_cells_filled": self.merged_cells_filled,
                "total_rows_dropped": len(self.warnings), **({"periods": self.periods} if self.periods else {})}

    @property
    def first_line(self) -> int | None:
        """The line (CSV) or sheet row (XLSX), 1-based, of the first row under the header;
        None for a table given as a DataFrame or Parquet."""
        if self.format in ("csv", "xlsx") and self.header_row is not None:
            return self.header_row + 2
        return None

    def number_lines(self, issues: Sequence[RowIssue]) -> None:
        """Set ``line`` on the issues about one row (the line a person finds it on)."""
        first = self.first_line
        if first is None:
            return
        for issue in issues:
            if issue.row is not None and issue.line is None:
                issue.line = first + issue.row


def _fold(s: str) -> str:
    return normalize_key(s)


@lru_cache(maxsize=1)
def _scope_words() -> tuple[str, dict[str, int]]:
    """The ``scope`` column's words (``scope`` in ghgcalc/data/columns.yaml): the pattern of a
    leading "Scope"/"範圍" word, and what is left -> the scope ("1", "一" -> 1)."""
    spec = column_words()["scope"]
    prefix = "^(" + "|".join(re.escape(str(w).lower()) for w in spec["prefixes"]) + r")\s*"
    return prefix, {str(k): int(v) for k, v in spec["values"].items()}


def _rename_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, list[RowIssue]]:
    """Map headers to the standard columns. Two headers that are the same text, or that
    both name one required column (``quantity`` and ``數量``), are an error: which one
    holds the numbers would be a guess. For an optional column the exact name wins over
    an alias (then the first alias); the other header is carried through under its name."""
    issues: list[RowIssue] = []
    names = [str(c) for c in df.columns]
    seen: dict[str, list[str]] = {}
    for c in names:
        seen.setdefault(unicodedata.normalize("NFKC", c).strip().casefold(), []).append(c)
    dups = [v for v in seen.values() if len(v) > 1]
    for group in dups:
        issues.append(RowIssue(row=None, column=group[0], value=group, reason="duplicate column header",
                               hint="give each column a distinct header; ghgcalc does not guess which one holds the data"))
    canon_of = {c: canonical_column(c) for c in df.columns}
    for req in REQUIRED_COLUMNS:
        holders = [str(c) for c in df.columns if canon_of[c] == req]
        if len(holders) > 1 and not any(set(holders) <= set(g) for g in dups):
            issues.append(RowIssue(row=None, column=req, value=holders, reason=f"more than one column reads as {req!r}",
                                   hint=f"keep one of {holders} (or rename the others); ghgcalc does not guess which one holds the data"))
    mapping: dict[Any, str] = {}
    taken: set[str] = set()
    # exact canonical names win over aliases
    for c in df.columns:
        k = _fold(str(c))
        if k in column_aliases() and k not in taken:
            mapping[c] = k
            taken.add(k)
    for c in df.columns:
        if c in mapping:
            continue
        canon = canon_of[c]
        if canon and canon not in taken:
            mapping[c] = canon
            taken.add(canon)
    out = df.rename(columns=mapping) if not dups else df
    # a KPI table as reports print it, one column per year ("Indicator, Unit, 2022, 2023"):
    # say so, rather than only that the quantity column is missing
    year_cols = [n for n in names if canon_of.get(n) is None and _year_pattern().match(unicodedata.normalize("NFKC", n).translate(_CN_DIGITS))]
    for req in REQUIRED_COLUMNS:
        if req not in taken:
            hint = (f"an activity table needs the columns carrier, quantity, unit (looked for a header in the first "
                    f"{HEADER_SCAN_ROWS} rows)")
            if req == "quantity" and year_cols and "period" not in taken:
                hint = (f"the table has one column per year ({', '.join(year_cols[:4])}): give one row per year instead, "
                        f"with the columns carrier, quantity, unit, period (e.g. pandas DataFrame.melt)")
            issues.append(RowIssue(row=None, column=req, value=names, reason=f"required column {req!r} is missing", hint=hint))
    return out, issues


#: how many rows at the top of a sheet are searched for the header row
def categorical(codes: np.ndarray, labels: list[str]) -> pd.Categorical:
    """A Categorical whose row ``i`` is ``labels[codes[i]]``; equal labels share one category."""
    cats = list(dict.fromkeys(labels)) or [""]
    pos = {c: i for i, c in enumerate(cats)}
    # codes in the smallest integer type from the start (one gather, no later down-cast pass)
    small = np.int8 if len(cats) < 2**7 else np.int16 if len(cats) < 2**15 else np.int32
    remap = np.array([pos[lab] for lab in labels], dtype=small)
    return pd.Categorical.from_codes(np.take(remap, codes) if len(codes) else codes, categories=cats, validate=False)


def _factorize(col: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Codes and distinct values of a column, missing values folded into ``""`` (a
    categorical column gives its own codes and categories: no hashing)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes, uniq = col.cat.codes.to_numpy().astype(np.intp), list(col.cat.categories)
    else:
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        uniq = [u for u in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniq), codes)
        uniq.append("")
    return codes, uniq


_NOT_FINITE_WORDS = frozenset({"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"})
#: no measured activity comes near this in any unit; above it a product may overflow float64
MAX_QUANTITY = 1e100
_NUM_TYPES = (int, float, np.integer, np.floating)


def _clean_number_text(s: pd.Series) -> pd.Series:
    t = s.astype(str).str.normalize("NFKC").str.strip()
    return t.str.replace(SEPARATORS, "", regex=True)


def _quantity_reason(raw: Any, text: str, value: float, grouped_ok: bool, comma_ambiguous: bool) -> tuple[str, str | None]:
    """Why a quantity cell is bad (called for bad cells only)."""
    if text == "":
        return "empty quantity", None
    if not grouped_ok:
        if comma_ambiguous and "," in text:
            return ("a comma in a number of a semicolon-separated file may be a decimal comma",
                    "write the number with a decimal point and no thousands separator (1234.5)")
        return ("digits are not grouped in threes: a thousands separator cannot be told from a decimal comma",
                "write 1234.5 or 1,234.5")
    if text.lower() in _NOT_FINITE_WORDS or (isinstance(raw, float) and raw != raw):
        return "quantity is not a finite number (NaN or infinity)", None
    if np.isinf(value):
        if isinstance(raw, _NUM_TYPES) and not isinstance(raw, bool):
            return "quantity is infinite", None
        return "quantity overflows a 64-bit float", "check the unit and the decimal separator"
    if np.isfinite(value) and abs(value) > MAX_QUANTITY:
        return f"quantity is implausibly large (above {MAX_QUANTITY:g})", "check the unit and the decimal separator"
    return "quantity is not a number", "a number >= 0, e.g. 1534956.48 or \"1,534,956.48\""


def _parse_quantities(col: pd.Series, issues: list[RowIssue], *, comma_ambiguous: bool = False
                      ) -> tuple[np.ndarray, pd.Series | None, np.ndarray]:
    """float64 quantities, their printed text (or None when numeric), and a bad-row mask.

    Text is read per distinct value: NFKC (full-width digits and punctuation), stripped;
    thousands separators (``,``, spaces, ``'``, ``_``) are accepted only when they group
    the digits in threes, so ``1,23`` or ``1.234,5`` is an error rather than a silently
    different number. NaN, infinities, overflow and values above :data:`MAX_QUANTITY`
    are errors, as are negatives."""
    n = len(col)
    bad = np.zeros(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        q = col.to_numpy(dtype="float64", na_value=np.nan)
        text = None
        invalid = ~np.isfinite(q) | (np.abs(q) > MAX_QUANTITY)
        for i in np.flatnonzero(invalid):
            v = plain(col.iloc[i])
            reason, hint = _quantity_reason(v, "nan" if v is None or v != v else repr(v), q[i], True, False)
            if v is None or v != v:
                reason = "empty quantity (or NaN)"
            issues.append(RowIssue(row=_row_label(col.index[i]), column="quantity", value=v, reason=reason, hint=hint))
        bad |= invalid
    else:
        obj = col.astype(object)
        codes, uniq_idx = pd.factorize(obj, use_na_sentinel=True)
        uniq = np.asarray(uniq_idx, dtype=object)
        u_isnum = np.fromiter((isinstance(v, _NUM_TYPES) and not isinstance(v, bool) for v in uniq), dtype=bool, count=len(uniq))
        u = pd.Series(uniq, dtype=object)
        norm = u.where(~u_isnum, "").astype(str).str.normalize("NFKC").str.strip()
        clean = norm.str.replace(SEPARATORS, "", regex=True)
        has_sep = (clean != norm).to_numpy(dtype=bool)   # a separator was removed: check its grouping
        grouped_ok = np.ones(len(norm), dtype=bool)
        if has_sep.any():
            grouped_ok[has_sep] = norm[has_sep].str.fullmatch(GROUPED_NUMBER).to_numpy(dtype=bool)
            if comma_ambiguous:
                grouped_ok[has_sep] &= ~norm[has_sep].str.contains(",", regex=False).to_numpy(dtype=bool)
        if u_isnum.any():
            clean[u_isnum] = [repr(float(v)) for v in uniq[u_isnum]]
        uq = np.array(pd.to_numeric(clean.where(clean != "", None), errors="coerce").to_numpy(dtype="float64", na_value=np.nan))
        if u_isnum.any():
            uq[u_isnum] = uniq[u_isnum].astype("float64")
        u_bad = ~np.isfinite(uq) | ~grouped_ok | (np.abs(np.nan_to_num(uq, nan=0.0)) > MAX_QUANTITY)
        # missing cells (code -1) read as empty text
        uq_all = np.append(uq, np.nan)
        clean_all = np.append(clean.to_numpy(dtype=object), "")
        u_bad_all = np.append(u_bad, True)
        q = uq_all[codes]
        q = np.where(u_bad_all[codes], np.nan, q)
        text = pd.Series(clean_all[codes], index=col.index, dtype=object)
        for i in np.flatnonzero(u_bad_all[codes]):
            c = int(codes[i])
            raw = col.iloc[i]
            if c < 0:
                issues.append(RowIssue(row=_row_label(col.index[i]), column="quantity", value=None, reason="empty quantity"))
                continue
            reason, hint = _quantity_reason(uniq[c], str(clean.iloc[c]) if not u_isnum[c] else repr(uniq[c]), float(uq[c]),
                                            bool(grouped_ok[c]), comma_ambiguous)
            issues.append(RowIssue(row=_row_label(col.index[i]), column="quantity", value=None if reason == "empty quantity" else plain(raw),
                                   reason=reason, hint=hint))
        bad |= u_bad_all[codes]
    neg = np.isfinite(q) & (q < 0) & ~bad
    for i in np.flatnonzero(neg):
        issues.append(RowIssue(row=_row_label(col.index[i]), column="quantity", value=plain(col.iloc[i]), reason="quantity is negative",
                               hint="activity quantities are >= 0; a correction is a separate, documented adjustment"))
    bad |= neg
    return q, text, bad


def _row_label(label: Any) -> int | None:
    try:
        return int(label)
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=8)
def _supplier_patterns(carrier: str = "electricity") -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(region code, pattern of its names) for the supply areas a label of ``carrier`` can
    name by its supplier (``supplier_areas`` in ``regions.yaml``: the Hong Kong power companies,
    HK-CLP and HK-HKE): the company names only, not the district names (``districts`` there: a
    label "Kowloon office" names a place)."""
    out = []
    for code in supplier_areas().get(carrier, ()):
        names = [a for a in region_names(code) if "(" not in a and "（" not in a]
        parts = []
        for a in sorted(names, key=len, reverse=True):
            body = r"\s*".join(re.escape(w) for w in a.split())
            parts.append(rf"(?<![A-Za-z]){body}(?![A-Za-z])" if a.isascii() else body)
        out.append((code, re.compile("|".join(parts), re.I)))
    return tuple(out)


def label_region(label: str, carrier: str = "electricity") -> str | None:
    """The supply area of the supplier a carrier label names (an electricity label naming a Hong
    Kong power company), else None."""
    text = unicodedata.normalize("NFKC", label)
    found = {code for code, pat in _supplier_patterns(carrier) if pat.search(text)}
    return found.pop() if len(found) == 1 else None


def _year_pattern() -> re.Pattern[str]:
    """A period starts with its year, optionally after a fiscal-year word (:func:`~ghgcalc.core.periods.year_pattern`)."""
    return year_pattern()


_CN_DIGITS = CN_DIGITS


def _year_in_words(s: str) -> int | None:
    """The year a period written in words starts in (:func:`~ghgcalc.core.periods.year_in_words`)."""
    return year_in_words(s)


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
                m = _year_pattern().match(s.translate(_CN_DIGITS))
                worded = None if m else _year_in_words(s)
                parsed[j] = float(m.group(1)) if m else float(worded) if worded is not None else -1.0
        years = parsed[codes]
    empty = np.isnan(years)
    years = np.where(empty, default, years)
    invalid = (years < 1900) | (years > 2200) | (years != np.floor(years))
    for i in np.flatnonzero(invalid):
        issues.append(RowIssue(row=_row_label(index[i]), column="period", value=plain(col.iloc[i]), reason="period is not a year or a date",
                               hint="use a year (2022) or a date/month (2022-03)"))
    bad |= invalid
    return np.where(invalid, default, years).astype(np.int64), bad


#: bounds of the number written in a unit (``10^4 t``, ``'000 kWh``): beyond them a coefficient
#: could overflow float64, and no report prints such a unit
_MIN_UNIT_SCALE, _MAX_UNIT_SCALE = Fraction(1, 10**15), Fraction(10**15)
_BRACKETED = re.compile(r"^(.*?)\s*[（(\[【](.*?)[)）\]】]\s*$")
_LABEL_SPLIT = re.compile(r"[()（）\[\]【】/|｜、:：;；]+")
_CJK_RUNS = re.compile(r"[\u3400-\u9fff]+|[^\u3400-\u9fff]+")
#: a unit that is 度 with at most a counting prefix (度, 萬度, 千度); the carriers for which 度
#: does not mean kWh are those with a ``billing_unit`` in carriers.yaml (Hong Kong Towngas)
_KWH_DU = re.compile(r"^\s*(?:萬|万|千|百萬|百万)?\s*度\s*$")
#: a dash with space on both sides separates a category from a carrier ("Direct energy - Petrol");
#: a dash inside a word ("coke-oven gas") does not
_SPACED_DASH = re.compile(r"\s+[-\u2013\u2014]\s+")


def _bilingual_unit(text: str) -> str:
    """``兆瓦時（MWh）``, ``兆瓦時【MWh】`` -> ``兆瓦時`` when the two spellings are exactly the
    same unit (:func:`~ghgcalc.units.restated_unit`, with every bracket kind a label prints);
    any other text unchanged (``t (CO2e)`` stays a mass of CO2e)."""
    return restated_unit(text, _BRACKETED) or text


def _carrier_with_qualifiers(key: str, lookup: Any) -> str | None:
    """A folded label that is a carrier name with category words written onto it
    ("electricityconsumption", "柴油消耗量"): the carrier, when the words fit its type."""
    qualifiers = label_qualifiers()
    for word in sorted(qualifiers, key=len, reverse=True):
        for rest in ((key[len(word):] if key.startswith(word) else None), (key[:-len(word)] if key.endswith(word) else None)):
            if not rest or rest == key:
                continue
            cid = lookup(rest) or _carrier_with_qualifiers(rest, lookup)
            known = carriers().get(cid) if cid else None
            if cid and (known is None or known.type in qualifiers[word]):
                return str(cid)
    return None


def _label_pieces(text: str) -> list[str]:
    """The parts of a carrier label: split at brackets, slashes and colons, at a spaced dash,
    and between Chinese and Latin runs (``外購電力（Purchased electricity）``, ``冷媒 R-22``)."""
    pieces = [run.strip(" ,，-_.") for chunk in _LABEL_SPLIT.split(unicodedata.normalize("NFKC", str(text)))
              for part in _SPACED_DASH.split(chunk) for run in _CJK_RUNS.findall(part)]
    return [p for p in pieces if p]


def _carrier_from_parts(text: str, lookup: Any) -> str | None:
    """A bilingual or annotated carrier label (``外購電力（Purchased electricity）``,
    ``天然氣 Natural gas``, ``柴油（噸）``): its parts must all name one carrier, or be a unit."""
    pieces = _label_pieces(text)
    if len(pieces) < 2:
        return None
    found: set[str] = set()
    qualifier_types: list[frozenset[str]] = []
    qualifiers = label_qualifiers()
    for p in pieces:
        key = normalize_key(p)
        c = lookup(key) or _carrier_with_qualifiers(key, lookup)
        if c:
            found.add(c)
            continue
        if key in qualifiers:      # "Direct energy - Petrol": a category word beside the carrier
            qualifier_types.append(qualifiers[key])
            continue
        try:
            parse_unit(p)
        except InputError:
            return None
    if len(found) != 1:
        return None
    cid = found.pop()
    known = carriers().get(cid)
    if known is not None and any(known.type not in types for types in qualifier_types):
        return None                # "Indirect energy - Diesel": the words contradict the carrier
    return cid


#: gases a fugitive-carrier label may name ("R-410A", "冷媒（R-22）", "SF6"); CO2, CH4 and N2O
#: are combustion or process gases, never read off a carrier label
_NOT_REFRIGERANT_GASES = frozenset({"CO2", "CO2e", "CH4", "N2O"})


def _gas_in_label(piece: str) -> str | None:
    """The fluorinated gas a label piece names (``R-410A``, ``HFC-134a``), else None."""
    try:
        g = gas_of(f"kg {piece.strip()}")
    except InputError:
        return None
    return g if g and g not in _NOT_REFRIGERANT_GASES else None


def _fugitive_label(text: str, lookup: Any) -> tuple[str, str] | None:
    """A carrier label that names a refrigerant gas (``R-410A``, ``Refrigerant R-410A``,
    ``冷媒（R-22）``, ``HFC-134a top-up``): the fugitive carrier and the gas, so that a row in
    bare ``kg`` is read as ``kg R-410A`` (GHG Protocol Corporate Standard, ch. 4: fugitive
    emissions are Scope 1). Every piece must be the gas, a fugitive-carrier word or a unit."""
    fugitive = [c for c in carriers().values() if c.type == "fugitive"]
    if not fugitive:
        return None
    pieces = _label_pieces(text)
    gases: set[str] = set()
    carrier_id = fugitive[0].id

    def is_fugitive_word(words: str) -> str | None:
        cid = lookup(normalize_key(words)) if words else None
        return cid if cid and carriers()[cid].type == "fugitive" else None

    for p in pieces:
        if (cid := is_fugitive_word(p)) is not None:
            carrier_id = cid
            continue
        g = _gas_in_label(p)
        if g is None:   # "Refrigerant R-410A", "R-410A top-up": fugitive words on either side
            words = p.split()
            for k in range(1, len(words)):
                head, tail = " ".join(words[:k]), " ".join(words[k:])
                if (cid := is_fugitive_word(head)) and (g := _gas_in_label(tail)):
                    carrier_id = cid
                    break
                if (cid := is_fugitive_word(tail)) and (g := _gas_in_label(head)):
                    carrier_id = cid
                    break
        if g is not None:
            gases.add(g)
            continue
        try:
            parse_unit(p)
        except InputError:
            return None
    if len(gases) != 1:
        return None
    return carrier_id, gases.pop()


def _carrier_units(carrier_ids: np.ndarray, label_gas: np.ndarray, unit_col: pd.Series, df_index: pd.Index,
                   issues: list[RowIssue]) -> tuple[pd.Series, np.ndarray]:
    """Units that the row's carrier gives a meaning: a Towngas row in ``units`` is in
    towngas_unit (``unit_aliases`` in carriers.yaml); a row whose carrier label names a
    refrigerant gas and whose unit is a bare mass is a mass of that gas (``kg`` -> ``kg R-410A``).
    The rewritten unit is what the row's results show; a unit naming another gas than the
    label is an error. Per distinct (carrier, gas, unit), so large tables pay little."""
    bad = np.zeros(len(unit_col), dtype=bool)
    aliased = {cid: {normalize_key(k): v for k, v in c.unit_aliases.items()} for cid, c in carriers().items() if c.unit_aliases}
    has_gas = np.array([g is not None for g in label_gas], dtype=bool)
    cand = has_gas | np.isin(carrier_ids.astype(str), list(aliased))
    if not cand.any():
        return unit_col, bad
    idx = np.flatnonzero(cand)
    units = unit_col.astype(object)
    new: dict[tuple[str, str | None, str], tuple[str | None, str | None]] = {}
    out = units.copy()
    for i in idx:
        cid, g, u = str(carrier_ids[i]), label_gas[i], units.iloc[i]
        text = "" if u is None or (isinstance(u, float) and u != u) else str(u).strip()
        key = (cid, g, text)
        if key not in new:
            rewritten: str | None = None
            reason: str | None = None
            if g is None:
                rewritten = aliased.get(cid, {}).get(normalize_key(text.strip("()（）[]【】 ")))
            else:
                try:
                    d = dims_of(text)
                    ug = gas_of(text)
                except InputError:
                    d, ug = {}, None
                if d == {"[mass]": 1}:
                    rewritten = f"{text} {g}"
                elif ug is not None and ug != g and ug not in _NOT_REFRIGERANT_GASES:  # t CO2e: already converted
                    reason = f"the carrier names {g} but the unit is a mass of {ug}"
            new[key] = (rewritten, reason)
        rewritten, reason = new[key]
        if rewritten is not None:
            out.iloc[i] = rewritten
        elif reason is not None:
            issues.append(RowIssue(row=_row_label(df_index[i]), column="unit", value=plain(u), reason=reason,
                                   hint=f"give the mass of {g} (e.g. kg), or name the gas in the carrier column to match"))
            bad[i] = True
    return out, bad


def _blank_rows(df: pd.DataFrame) -> np.ndarray | None:
    """Rows whose every cell is empty (Excel's trailing rows, blank lines): not data, skipped
    and counted. Checked only where the carrier cell is empty, so clean tables pay little."""
    if "carrier" not in df.columns or len(df) == 0:
        return None
    cand = blank_cell(df["carrier"])
    if not cand.any():
        return None
    idx = np.flatnonzero(cand)
    sub = df.iloc[idx]
    all_blank = np.ones(len(idx), dtype=bool)
    for c in range(sub.shape[1]):
        all_blank &= blank_cell(sub.iloc[:, c])
    out = np.zeros(len(df), dtype=bool)
    out[idx[all_blank]] = True
    return out


TOTAL_ROW_REASON = "spreadsheet total row: would double-count the rows it totals"
#: the columns where a label may also END with a total word ("集团合计", "Group total")
_LABEL_COLUMNS = frozenset({"carrier", *OPTIONAL_COLUMNS})


@lru_cache(maxsize=1)
def _total_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a cell that is a total word, maybe with a qualifier after a separator; a label that
    ends with a total word) from ``data/total_rows.yaml`` (which documents the rule)."""
    data: dict[str, Any] = load_yaml("total_rows.yaml")

    def fold(w: str) -> str:
        return unicodedata.normalize("NFKC", str(w)).casefold().strip()

    def alternation(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted({fold(w) for w in words}, key=len, reverse=True))

    seps = "".join(re.escape(c) for c in unicodedata.normalize("NFKC", str(data["separators"])))
    tail = rf"(?:\s*[{seps}].*|[\W_]*)"
    starts = re.compile(rf"[\W_]*(?:{alternation(data['words'])}){tail}", re.S)
    suffix = [fold(w) for w in data["suffix_words"]]
    latin = [w for w in suffix if w.isascii()]
    cjk = [w for w in suffix if not w.isascii()]
    ends = re.compile(rf"(?:.*[\W_](?:{alternation(latin)})|.*(?:{alternation(cjk)}))[\W_]*", re.S)
    return starts, ends


@lru_cache(maxsize=1)
def _total_word_roots() -> tuple[str, ...]:
    """The total words that contain no other (``total`` covers ``subtotal``, ``grand total``)."""
    data: dict[str, Any] = load_yaml("total_rows.yaml")
    words = {unicodedata.normalize("NFKC", str(w)).casefold().strip() for w in [*data["words"], *data["suffix_words"]]}
    return tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))


def _arrow_text(s: pd.Series) -> str | None:
    """All the text of a pyarrow-backed string column at once (its UTF-8 data buffers, no
    per-cell objects), or None for other columns."""
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"):
        return None
    import pyarrow as pa

    try:
        arr = pa.array(s.array)
    except (TypeError, ValueError, pa.ArrowException):
        return None
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    data = [c.buffers()[2] for c in chunks]
    return b"\x00".join(bytes(b) for b in data if b is not None).decode("utf-8", errors="replace")


def _may_hold_totals(uniq: Sequence[Any] | str) -> bool:
    """Whether any of these values (or this text) contains a total word at all: one pass
    over their text joined (NFKC, case-folded), so a column without one costs one join."""
    if isinstance(uniq, str):
        text = uniq
    else:
        try:
            text = "\x00".join(uniq)
        except TypeError:  # numbers or other objects among the text
            text = "\x00".join(v for v in uniq if isinstance(v, str))
    text = unicodedata.normalize("NFKC", text).casefold()
    return any(w in text for w in _total_word_roots())


def _is_total_label(value: Any, *, label_column: bool) -> bool:
    if not isinstance(value, str):
        return False
    text = unicodedata.normalize("NFKC", value).casefold().strip()
    if not text or text[0] in "=+@":   # the text of a formula ("=SUM(B2:B5)", "@SUM(A1)"), not a label
        return False
    starts, ends = _total_patterns()
    return bool(starts.fullmatch(text) or (label_column and ends.fullmatch(text)))


def _total_rows(df: pd.DataFrame, factorized: dict[str, tuple[np.ndarray, list[Any]]], carrier_known: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose label in some text column is a spreadsheet total label, and that column
    (the first such); judged once per distinct value of each column (``factorized``: the
    codes and values of columns already factorized). A carrier label that names a carrier
    ("Electricity (group total)") is that carrier, not a total."""
    n = len(df)
    hit = np.zeros(n, dtype=bool)
    where = np.full(n, None, dtype=object)
    for c in df.columns:
        if c in ("quantity", "unit", MERGE_COLUMN):
            continue
        s = df[c]
        if not (s.dtype == object or isinstance(s.dtype, (pd.StringDtype, pd.CategoricalDtype))):
            continue
        if c not in factorized:
            text = _arrow_text(s)   # an Arrow string column: its text without a factorize
            if text is not None and not _may_hold_totals(text):
                continue
        codes, uniq = factorized[c] if c in factorized else _factorize(s)
        if not _may_hold_totals(uniq):
            continue
        u_hit = np.array([_is_total_label(u, label_column=c in _LABEL_COLUMNS) for u in uniq], dtype=bool)
        if c == "carrier":
            u_hit &= ~carrier_known
        if not u_hit.any():
            continue
        new = u_hit[codes] & ~hit
        where[new] = c
        hit |= new
    return hit, where


def _provable_totals(total: np.ndarray, total_col: np.ndarray, carrier_ids: np.ndarray, unit_text: np.ndarray,
                     q: np.ndarray, qtext: pd.Series | None, bad: np.ndarray) -> list[list[int] | None]:
    """For each total row (in order), the positions of the rows above it that it provably
    totals, or None: the rows since the previous total row (or the header) with the same
    carrier and unit, whose printed quantities sum exactly (as decimals) to the total's. A
    total in the carrier column, or one whose rows have another problem, is never proved."""
    def value(i: int) -> Fraction:
        return exact(str(qtext.iloc[i])) if qtext is not None else exact(float(q[i]))

    out: list[list[int] | None] = []
    start = 0
    for t in np.flatnonzero(total).tolist():
        seg_start, start = start, t + 1
        if total_col[t] == "carrier" or bad[t] or carrier_ids[t] is None or not unit_text[t]:
            out.append(None)
            continue
        seg = np.arange(seg_start, t)
        seg = seg[(carrier_ids[seg_start:t] == carrier_ids[t]) & (unit_text[seg_start:t] == unit_text[t]) & ~total[seg_start:t]]
        # a part with a problem of its own is not provably part of the total
        if len(seg) == 0 or bad[seg].any() or not np.isclose(q[seg].sum(), q[t], rtol=1e-9, atol=0.0):
            out.append(None)
            continue
        try:
            equal = sum((value(i) for i in seg.tolist()), Fraction(0)) == value(t)
        except ValueError:
            equal = False
        out.append(seg.tolist() if equal else None)
    return out


@dataclass
class _Carriers:
    """The carrier column, resolved once per distinct spelling (``codes`` into ``uniques``)."""

    codes: np.ndarray
    uniques: list[Any]
    #: per distinct spelling: the carrier id, ``?label`` when unknown, None when empty
    resolved: list[str | None]
    #: per row: the carrier id (``?label`` when unknown, until a direct emission entry is accepted)
    ids: np.ndarray
    #: per row: the gas a fugitive label names ("R-410A top-up"), else None
    label_gas: np.ndarray
    empty: np.ndarray
    unknown: np.ndarray


@dataclass
class _Units:
    """The unit column after the carrier gave its meaning, parsed once per distinct spelling."""

    col: pd.Series
    codes: np.ndarray
    #: per distinct spelling: the unit as the core reads it ("" when bad), and whether it parsed
    text: np.ndarray
    ok: np.ndarray


def _read_table(source: Any, sheet: str | int | None) -> tuple[pd.DataFrame, dict[str, Any], list[RowIssue], ActivityTable | None]:
    """Stage 1: read the source (format, encoding, header row), map the headers to the standard
    columns and drop blank rows. Returns the frame, how it was read (``blank_rows`` included) and
    the issues so far; or, when there is nothing to validate, the finished (empty) table."""
    raw = read_raw(source, sheet=sheet)
    df = raw.frame
    meta: dict[str, Any] = {"source": raw.source, "encoding": raw.encoding, "format": raw.format, "delimiter": raw.delimiter,
                            "header_row": raw.header_row, "sheet": raw.sheet, "merged_cells_filled": raw.merged_cells_filled}
    df, issues = _rename_columns(df)
    if issues:
        return df, meta, issues, ActivityTable(frame=df.iloc[0:0], issues=issues, n_input_rows=len(df), **meta)
    if not isinstance(df.index, pd.RangeIndex) or df.index.start != 0 or df.index.step != 1:
        df = df.reset_index(drop=True)
    blank = _blank_rows(df)
    meta["blank_rows"] = np.flatnonzero(blank).tolist() if blank is not None else []
    if blank is not None and meta["blank_rows"]:
        df = df[~blank]
    if len(df) == 0:
        issues.append(RowIssue(row=None, column=None, value=raw.source, reason="the activity table has no rows"))
        return df, meta, issues, ActivityTable(frame=df, issues=issues, n_input_rows=0, **meta)
    return df, meta, issues, None


def _carrier_column(col: pd.Series, profile: Profile) -> _Carriers:
    """Stage 2: each distinct carrier spelling resolved once (an alias, a profile carrier, a label
    with category words or a fugitive gas); an unknown one is kept as ``?label`` for
    :func:`_check_carriers`, which needs the unit and scope to judge it."""
    codes, uniques = _factorize(col)
    aliases = carrier_aliases()
    profile_carriers = {normalize_key(k): k for k in profile.carriers}

    def lookup(key: str) -> str | None:
        return aliases.get(key) or profile_carriers.get(key)

    resolved: list[str | None] = []
    label_gases: list[str | None] = []
    for u in uniques:
        k = normalize_key(str(u))
        cid = lookup(k) or _carrier_from_parts(str(u), lookup) or _carrier_with_qualifiers(k, lookup)
        fugitive_or_none = cid is None or (cid in carriers() and carriers()[cid].type == "fugitive")
        fug = _fugitive_label(str(u), lookup) if fugitive_or_none and k else None
        if fug is not None:
            cid = fug[0]
        label_gases.append(fug[1] if fug is not None else None)
        resolved.append(cid or (None if not k else f"?{u}"))
    u_empty = np.array([c is None for c in resolved], dtype=bool)
    u_unknown = np.array([isinstance(c, str) and c.startswith("?") for c in resolved], dtype=bool)
    return _Carriers(codes=codes, uniques=uniques, resolved=resolved, ids=np.array(resolved, dtype=object)[codes],
                     label_gas=np.array(label_gases, dtype=object)[codes], empty=u_empty[codes], unknown=u_unknown[codes])


def _quantity_column(col: pd.Series, delimiter: str | None) -> tuple[np.ndarray, pd.Series | None, np.ndarray, list[RowIssue]]:
    """Stage 3: float64 quantities, their printed text, the bad rows and their issues (a decimal
    comma is ambiguous in a ``;``-separated file)."""
    issues: list[RowIssue] = []
    q, qtext, bad = _parse_quantities(col, issues, comma_ambiguous=delimiter == ";")
    return q, qtext, bad, issues


def _unit_column(col: pd.Series, car: _Carriers, index: pd.Index, prior_bad: np.ndarray) -> tuple[_Units, np.ndarray, list[RowIssue]]:
    """Stage 4: units, with the meaning a carrier gives some (Towngas "units", a refrigerant
    label's gas), then each distinct spelling parsed once; a number in the unit is bounded.
    ``prior_bad``: rows already bad (their quantity), not asked about 度 again."""
    issues: list[RowIssue] = []
    unit_col, bad = _carrier_units(car.ids, car.label_gas, col, index, issues)
    ucodes, uuniques = _factorize(unit_col)
    unit_ok = np.zeros(len(uuniques), dtype=bool)
    unit_text = np.empty(len(uuniques), dtype=object)
    unit_err: dict[int, str] = {}
    for j, u in enumerate(uuniques):
        s = unicodedata.normalize("NFKC", str(u)).strip() if not isinstance(u, str) else u.strip()
        unit_text[j] = _bilingual_unit(str(u).strip())
        try:
            scale = abs(parse_unit(unit_text[j]).magnitude)
            if not _MIN_UNIT_SCALE <= scale <= _MAX_UNIT_SCALE:
                unit_err[j] = "the number in the unit is implausibly large or small (e.g. '1e400 GJ')"
            else:
                unit_ok[j] = True
        except InputError as exc:
            unit_err[j] = exc.reason if s else "empty unit"
        if not unit_ok[j]:
            unit_text[j] = ""   # its rows are bad: the core never resolves a unit it cannot use
    for i in np.flatnonzero(~unit_ok[ucodes]):
        issues.append(RowIssue(row=_row_label(index[i]), column="unit", value=unit_col.iloc[i], reason=unit_err[int(ucodes[i])],
                               hint="e.g. MWh, kWh, 萬千瓦時, GJ, t, 噸, m**3, 立方米, L, scf, btu"))
    units = _Units(col=unit_col, codes=ucodes, text=unit_text, ok=unit_ok)
    bad |= ~unit_ok[ucodes]
    du_bad, du_issues = _billing_unit_check(units, uuniques, car.ids, index, bad | prior_bad)
    return units, bad | du_bad, issues + du_issues


def _billing_unit_check(units: _Units, uuniques: Sequence[Any], carrier_ids: np.ndarray, index: pd.Index, bad: np.ndarray
                        ) -> tuple[np.ndarray, list[RowIssue]]:
    """度 is a kWh of electricity, but Hong Kong bills Towngas in 度 too (1 度 = 1 unit = 48 MJ,
    ``billing_unit`` in carriers.yaml): a Towngas row in 度 would be read 13 times too small, so ask."""
    issues: list[RowIssue] = []
    u_du = np.array([bool(_KWH_DU.match(unicodedata.normalize("NFKC", str(u)))) for u in uuniques], dtype=bool)
    if not u_du.any():
        return np.zeros(len(carrier_ids), dtype=bool), issues
    billed = billing_units()
    gas_rows = np.isin(carrier_ids.astype(str), list(billed)) & u_du[units.codes] & ~bad
    for i in np.flatnonzero(gas_rows):
        cid = str(carrier_ids[i])
        bu, name = billed[cid], carriers()[cid].labels.get("en", cid)
        issues.append(RowIssue(row=_row_label(index[i]), column="unit", value=units.col.iloc[i],
                               reason=f"度 for {name} is its billing unit ({bu.size}), not a kWh",
                               hint=f"write {bu.unit} (or {', '.join([*bu.also, 'the MJ'])}) for {name}"))
    return gas_rows, issues


def _scope_column(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[RowIssue]]:
    """Stage 5: the scope override per row (0: the carrier's default), each distinct cell read
    once with the words of ``scope`` in columns.yaml ("Scope 1", "範圍一")."""
    n = len(df)
    issues: list[RowIssue] = []
    if "scope" not in df.columns:
        return np.zeros(n, dtype=np.int8), np.zeros(n, dtype=bool), issues
    scope_col = df["scope"]
    sc = scope_col.astype(object).where(scope_col.notna(), "")
    prefix, words = _scope_words()
    scodes, suniq = pd.factorize(sc.astype(str).str.normalize("NFKC").str.strip().str.lower()
                                 .str.replace(prefix, "", regex=True), use_na_sentinel=False)
    svals = np.zeros(len(suniq), dtype=np.int8)
    sbad = np.zeros(len(suniq), dtype=bool)
    for j, u in enumerate(suniq):
        if u == "":
            continue
        if u in words:
            svals[j] = words[u]
        else:
            sbad[j] = True
    for i in np.flatnonzero(sbad[scodes]):
        issues.append(RowIssue(row=_row_label(df.index[i]), column="scope", value=plain(scope_col.iloc[i]), reason="scope must be 1 or 2",
                               hint="Scope 3 is outside ghgcalc's remit; leave the cell empty for the carrier's default"))
    return svals[scodes], sbad[scodes], issues


def _check_carriers(car: _Carriers, units: _Units, scope_override: np.ndarray, col: pd.Series) -> tuple[np.ndarray, list[RowIssue]]:
    """Stage 6: an unknown carrier is acceptable only as a direct emission entry (unit = a mass
    of a gas) with a scope 1 or 2 (its id is then the label); an empty one never. Decided per
    distinct unit, broadcast to the rows; accepted rows get their id in ``car.ids``."""
    issues: list[RowIssue] = []
    bad = np.zeros(len(car.ids), dtype=bool)
    if car.unknown.any():
        u_direct = np.array([bool(ok) and gas_of(str(t)) is not None for t, ok in zip(units.text, units.ok, strict=True)], dtype=bool)
        accepted = car.unknown & u_direct[units.codes] & np.isin(scope_override, (1, 2))
        if accepted.any():
            car.ids[accepted] = np.array([str(c)[1:] for c in car.resolved], dtype=object)[car.codes[accepted]]
        refused = car.unknown & ~accepted
        for i in np.flatnonzero(refused):
            issues.append(RowIssue(
                row=_row_label(col.index[i]), column="carrier", value=plain(col.iloc[i]), reason="unknown carrier",
                hint=f"use a shipped carrier ({', '.join(list(carriers())[:8])}, ...), a Chinese label such as 外購電力, "
                     "define it under [carriers] in the profile, or give a GHG-mass unit and a scope for a direct emission entry",
            ))
        bad |= refused
    for i in np.flatnonzero(car.empty):
        issues.append(RowIssue(row=_row_label(col.index[i]), column="carrier", value=None, reason="empty carrier"))
    return bad | car.empty, issues


def _period_column(df: pd.DataFrame, profile: Profile) -> tuple[np.ndarray, np.ndarray, list[RowIssue], dict[str, int]]:
    """Stage 7: the data year of each row (the profile's reporting year when no period is given),
    financial years mapped by the profile's ``period_year`` (:func:`_period_rule`)."""
    issues: list[RowIssue] = []
    years, bad = _parse_years(df["period"] if "period" in df.columns else None, profile.reporting_year, len(df), df.index, issues)
    read = _period_rule(df["period"] if "period" in df.columns else None, years, bad, PeriodRule.of(profile), issues)
    return years, bad, issues, read


def _period_rule(col: pd.Series | None, years: np.ndarray, bad: np.ndarray, rule: PeriodRule, issues: list[RowIssue]) -> dict[str, int]:
    """The data year of each distinct period text that is not a plain calendar year, by the
    profile's rule (:class:`~ghgcalc.core.periods.PeriodRule`), broadcast to its rows (``years``
    and ``bad`` updated in place); a period the rule cannot map is an issue naming the setting
    it needs. Returns the periods read (text -> data year), for ``input_info``. Numbers and
    dates are calendar years and months: nothing to map."""
    if col is None or pd.api.types.is_datetime64_any_dtype(col.dtype) or (
            pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)):
        return {}
    codes, uniques = pd.factorize(col.astype(object).where(col.notna(), ""), use_na_sentinel=False)
    read: dict[str, int] = {}
    mapped = np.full(len(uniques), -1, dtype=np.int64)
    why: dict[int, str] = {}
    for j, u in enumerate(uniques):
        if not isinstance(u, str) or not u.strip() or u.strip().isdigit():
            continue
        text = unicodedata.normalize("NFKC", u)
        got = rule.data_year(text)
        if isinstance(got, str):
            why[j] = got
        elif got is not None:
            mapped[j] = got
            span = period_span(text, rule.fiscal_year_start_month)
            if span is not None and span.fiscal:
                read[u.strip()] = got
    rows_mapped = mapped[codes]
    use = (rows_mapped >= 0) & ~bad
    years[use] = rows_mapped[use]
    for j, reason in why.items():
        for i in np.flatnonzero((codes == j) & ~bad):
            issues.append(RowIssue(row=_row_label(col.index[i]), column="period", value=plain(col.iloc[i]), reason=reason,
                                   hint=f"the profile sets {rule.describe()}"))
            bad[i] = True
    return read


def _region_column(df: pd.DataFrame, profile: Profile, car: _Carriers) -> tuple[pd.Categorical, tuple[np.ndarray, list[Any]] | None]:
    """Stage 8: the region per distinct value (blank -> the profile's region, or "": a region is
    never invented), then the supply area an electricity label names ("Electricity (CLP)") on
    rows that give none. No issues here: unknown codes are the core's to judge. Returns the
    region and the factorized column (for the total-row check)."""
    n = len(df)
    factorized = None
    if "region" in df.columns:
        rcodes, runiq = _factorize(df["region"])
        factorized = (rcodes, runiq)
        region = categorical(rcodes, [str(u).strip() or profile.region or "" for u in runiq])
    else:
        region = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[profile.region or ""])
    u_supplier = np.array([label_region(str(u), str(c)) if c in supplier_areas() else None
                           for u, c in zip(car.uniques, car.resolved, strict=True)], dtype=object)
    u_has = np.array([x is not None for x in u_supplier], dtype=bool)
    has_supplier = u_has[car.codes]
    if has_supplier.any():
        given = (df["region"].astype(object).where(df["region"].notna(), "").astype(str).str.strip().to_numpy()
                 if "region" in df.columns else np.full(n, "", dtype=object))
        use = has_supplier & (given == "")
        region = pd.Categorical(np.where(use, u_supplier[car.codes], np.asarray(region.astype(object))))
    return region, factorized


def _instrument_column(df: pd.DataFrame) -> pd.Series | None:
    """Stage 9: the contractual instrument as given. Not judged here: which instruments a
    market-based method accepts is the core's (``canonical_instrument``, the profile)."""
    return df["instrument"] if "instrument" in df.columns else None


def _total_row_stage(df: pd.DataFrame, car: _Carriers, units: _Units, q: np.ndarray, qtext: pd.Series | None,
                     bad: np.ndarray, issues: list[RowIssue], factorized: dict[str, tuple[np.ndarray, list[Any]]]
                     ) -> tuple[np.ndarray, list[RowIssue]]:
    """Stage 10: spreadsheet total rows (合计, Total, ...): refused, or dropped with a warning
    where they provably equal their parts. A total row's one issue is that it is a total row
    (its other issues are removed from ``issues``). Returns the total rows and the warnings."""
    known = np.array([c is not None and not c.startswith("?") for c in car.resolved], dtype=bool)
    total, total_col = _total_rows(df, factorized, known)
    warnings: list[RowIssue] = []
    if not total.any():
        return total, warnings
    dropped = _provable_totals(total, total_col, car.ids, units.text[units.codes], q, qtext, bad)
    pos = np.flatnonzero(total)
    rows_of = {_row_label(df.index[i]) for i in pos}
    issues[:] = [x for x in issues if x.row not in rows_of]
    for t, parts in zip(pos.tolist(), dropped, strict=True):
        col = str(total_col[t])
        issue = RowIssue(row=_row_label(df.index[t]), column=col, value=plain(df[col].iloc[t]), reason=TOTAL_ROW_REASON,
                         hint="delete the total row (ghgcalc adds the rows it totals); a facility named like a total, "
                              "e.g. 'Total Energy Ltd', is read as a name")
        if parts is None:
            issues.append(issue)
        else:
            issue.reason = (f"spreadsheet total row equal to the sum of the {len(parts)} row(s) above it that it totals "
                            f"(same carrier and unit): dropped, not added")
            issue.hint = None
            warnings.append(issue)
    return total, warnings


def _assemble(df: pd.DataFrame, car: _Carriers, q: np.ndarray, qtext: pd.Series | None, units: _Units, years: np.ndarray,
              region: pd.Categorical, scope_override: np.ndarray, instrument: pd.Series | None, bad: np.ndarray) -> pd.DataFrame:
    """Stage 11: the validated frame: the canonical columns, then every extra column, and ``_bad``."""
    out = pd.DataFrame(index=df.index)
    if car.unknown.any() or car.empty.any():
        ids = car.ids.copy()
        ids[bad & (car.empty | car.unknown)] = None
        out["carrier"] = pd.Series(ids, index=df.index, dtype=object)
    else:
        out["carrier"] = categorical(car.codes, [str(c) for c in car.resolved])
    out["carrier_input"] = df["carrier"]
    out["quantity"] = q
    if qtext is not None:
        out["quantity_text"] = qtext
    out["unit"] = categorical(units.codes, [str(u) for u in units.text])
    out["period"] = df["period"] if "period" in df.columns else years
    out["year"] = years
    out["region"] = region
    out["scope_override"] = scope_override
    if "facility" in df.columns:
        out["facility"] = df["facility"]
    if instrument is not None:
        out["instrument"] = instrument
    for c in df.columns:
        if c not in out.columns and c not in REQUIRED_COLUMNS and c not in OPTIONAL_COLUMNS:
            out[c] = df[c]
    out["_bad"] = bad
    return out


def read_activities(source: Any, profile: Profile, *, sheet: str | int | None = 0) -> ActivityTable:
    """Read and validate an activity table against a profile.

    Every problem is collected as a :class:`~ghgcalc.errors.RowIssue` (row, column, value,
    reason); nothing is dropped silently. Rows with an issue are kept in ``frame`` with
    ``_bad`` set, so callers can decide to raise or to collect.

    Stages: :func:`_read_table` (reading, header, blank rows), one validator per contract
    column (carrier, quantity, unit, scope, the carrier check that needs unit and scope,
    period, region, instrument), each deciding per distinct value and returning its column,
    its bad rows and its issues; then total rows and :func:`_assemble`.
    """
    df, meta, issues, early = _read_table(source, sheet)
    if early is not None:
        return early
    car = _carrier_column(df["carrier"], profile)
    q, qtext, qbad, q_issues = _quantity_column(df["quantity"], meta["delimiter"])
    units, ubad, u_issues = _unit_column(df["unit"], car, df.index, qbad)
    scope_override, sbad, s_issues = _scope_column(df)
    cbad, c_issues = _check_carriers(car, units, scope_override, df["carrier"])
    years, ybad, y_issues, periods_read = _period_column(df, profile)
    region, rfact = _region_column(df, profile, car)
    instrument = _instrument_column(df)
    issues += q_issues + u_issues + s_issues + c_issues + y_issues
    bad = qbad | ubad | sbad | cbad | ybad
    factorized = {"carrier": (car.codes, car.uniques), **({"region": rfact} if rfact is not None else {})}
    total, warnings = _total_row_stage(df, car, units, q, qtext, bad, issues, factorized)
    bad |= total
    out = _assemble(df, car, q, qtext, units, years, region, scope_override, instrument, bad)
    table = ActivityTable(frame=out, issues=issues, n_input_rows=len(df), warnings=warnings, **meta)
    if periods_read:
        table.periods = {"rule": PeriodRule.of(profile).describe(), "read": periods_read}
    table.number_lines(issues)
    table.number_lines(warnings)
    return table
