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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, RowIssue, few
from ..io.data import load_yaml
from ..io.headers import HeaderMap, map_headers
from ..io.quantities import read_printed_quantities, scaled_text
from ..io.readers import (
    MERGE_COLUMN,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    RawTable,
    blank_cell,
    canonical_column,
    find_header_row,
    read_raw,
    read_table,
)
from ..io.wide import chinese_year_digits, head_text, melt_wide, year_of_head
from ..printed import FOOTNOTE_HINT, FOOTNOTE_REASON, GROUPED_NUMBER, SEPARATORS, exact, footnote_marker, number_problem, plain
from .carriers import billing_units, carrier_aliases, carriers, column_words, normalize_key
from .group_labels import fold_label_columns
from .keys import KEY_COLUMNS, KeyPart, KeySpace, key_space, small_codes
from .labels import LabelReading, label_words, read_label
from .periods import PeriodRule, period_span, year_in_words, year_pattern
from .profiles import Profile
from .regions import canonical_instrument, region_names, supplier_areas
from .units import (
    UNKNOWN_UNIT_HINT,
    apply_unit_choices,
    dims_of,
    gas_of,
    leading_number_error,
    parse_unit,
    restated_unit,
    unit_choices,
)

__all__ = ["MERGE_COLUMN", "OPTIONAL_COLUMNS", "REQUIRED_COLUMNS", "TOTAL_ROW_REASON", "ActivityTable", "RawTable", "TotalRows", "canonical_column", "find_header_row", "frame_columns", "label_region", "read_activities", "read_raw", "read_table", "total_row_issue"]


@dataclass
class ActivityTable:
    """A validated activity table.

    ``frame`` has the canonical columns ``carrier`` (id), ``carrier_input`` (as given),
    ``quantity`` (float64), ``quantity_text`` (printed digits, when given as text),
    ``unit``, ``period``, ``year``, ``region``, ``scope_override``, ``facility``,
    ``instrument`` and every extra column; its index is the input row number.
    ``issues`` lists every bad cell found while reading.

    The calculation itself does not need ``frame``: it reads ``quantity``, ``bad`` and the key
    columns as codes (``keys``), so the frame is assembled only when someone asks for it
    (``result.rows``, an error message, ``explain``).
    """

    frame_: pd.DataFrame | None = None
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
    #: rows hidden in the sheet (their row numbers; each is an error) and the headers of the
    #: hidden extra columns (carried as the other columns); a hidden contract column is an error
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[str] = field(default_factory=list)
    #: label spellings folded into one (:mod:`ghgcalc.core.group_labels`): column -> printed
    #: label -> the spellings its rows had ("Plant A" -> ["Plant A", "Plant A "])
    labels_folded: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: the spreadsheet total rows, for a stream that proves them across chunks (None: none)
    total_rows: TotalRows | None = None
    #: rows not computed and not in error: spreadsheet total rows that provably equal the rows
    #: they total, dropped (never added) with a warning each
    warnings: list[RowIssue] = field(default_factory=list)
    #: which header became which contract column (header -> column), and the reverse where the
    #: header is not the column's name (column -> header, for messages)
    columns: dict[str, str] = field(default_factory=dict)
    column_headers: dict[str, str] = field(default_factory=dict)
    #: the 1-based line of each row (by row number) where it is not the line under the header
    #: plus the row number: a wide table's rows (the line of their indicator row), a CSV whose
    #: quoted cells hold line breaks
    row_lines: np.ndarray | None = None
    #: a wide table's rows: the head of each row's year column (the column a person finds the
    #: cell in); and how the table was turned into rows
    quantity_heads: np.ndarray | None = None
    wide: dict[str, Any] | None = None
    #: carrier label as given -> {"carrier": id, "how": "id" | "alias" | "profile" | "words" | "gas" | ...,
    #: "ignored": [qualifier words and units set aside], "instrument": id named by the label}
    carrier_labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: unit as given -> the unit it was read as by the profile's [units] choice ("Therms" ->
    #: therm_EC), with the choice, the unit's size and its source
    unit_choices: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: per row: the quantity (float64) and whether the row has a problem (None: no row has one)
    quantity: np.ndarray | None = None
    bad: np.ndarray | None = None
    #: the key columns as codes (:data:`~ghgcalc.core.keys.KEY_COLUMNS`, and ``instrument``)
    keys: dict[str, KeyPart] | None = None
    #: the input row numbers (the frame's index)
    index: pd.Index | None = None
    #: printed digits of the quantities, when they were given as text (per row, object)
    quantity_text: np.ndarray | None = None
    build: Callable[[], pd.DataFrame] | None = None
    #: the input's columns after the header mapping (for :attr:`columns`)
    source_columns: list[Any] | None = None
    #: a column of the input as given (renamed), for the computed rows' carried columns
    column: Callable[[str], pd.Series] | None = None

    @property
    def frame(self) -> pd.DataFrame:
        """The validated frame (assembled on first use)."""
        if self.frame_ is None:
            self.frame_ = self.build() if self.build is not None else pd.DataFrame()
            self.build = None
        return self.frame_

    @property
    def frame_column_names(self) -> list[Any]:
        """The frame's columns (without building it)."""
        if self.frame_ is None and self.source_columns is not None:
            return frame_columns(self.source_columns, self.quantity_text is not None)
        return list(self.frame.columns)

    @property
    def n_rows(self) -> int:
        """Rows in the validated table (blank rows skipped)."""
        if self.quantity is not None:
            return len(self.quantity)
        return len(self.frame)

    def key_space(self) -> KeySpace:
        """Each row's key as one integer (:func:`~ghgcalc.core.keys.key_space`)."""
        assert self.keys is not None
        return key_space(list(self.keys.items()), self.n_rows)
    #: financial years and other periods that are not a calendar year, and the data year each
    #: took under the profile's ``period_year`` (``{"rule": ..., "read": {text: year}}``; empty: none)
    periods: dict[str, Any] = field(default_factory=dict)

    def input_info(self) -> dict[str, Any]:
        """How the input was read, for reports (``calc --format json`` key ``input``)."""
        info = {"source": self.source, "format": self.format, "encoding": self.encoding, "delimiter": self.delimiter,
                "header_row": self.header_row, "sheet": self.sheet, "rows": self.n_input_rows,
                "blank_rows_skipped": len(self.blank_rows), "merged_cells_filled": self.merged_cells_filled,
                "total_rows_dropped": len(self.warnings), "carrier_labels": self.carrier_labels,
                "unit_choices": self.unit_choices, "columns": dict(self.columns),
                **({"periods": self.periods} if self.periods else {})}
        if self.wide is not None:
            info["wide"] = dict(self.wide)
        if self.labels_folded:
            info["labels_folded"] = {c: dict(v) for c, v in self.labels_folded.items()}
        if self.hidden_rows or self.hidden_columns:
            info["hidden_in_sheet"] = {"rows": len(self.hidden_rows), "rows_not_computed": "each is an error: unhide it or delete it",
                                       "columns_carried": list(self.hidden_columns)}
        return info

    @property
    def first_line(self) -> int | None:
        """The line (CSV) or sheet row (XLSX), 1-based, of the first row under the header;
        None for a table given as a DataFrame or Parquet."""
        if self.format in ("csv", "xlsx") and self.header_row is not None:
            return self.header_row + 2
        return None

    def number_lines(self, issues: Sequence[RowIssue]) -> None:
        """Set ``line`` on the issues about one row (the line a person finds it on: the CSV
        line or the sheet's row number, title rows, header and blank rows counted; a wide
        table's rows are on their indicator row's line), and ``header`` where the column's head
        in the file is not its contract name (a wide table's quantity: its year column)."""
        first = self.first_line
        for issue in issues:
            if issue.row is not None and issue.line is None and 0 <= issue.row:
                if self.row_lines is not None and issue.row < len(self.row_lines):
                    issue.line = int(self.row_lines[issue.row])
                elif first is not None:
                    issue.line = first + issue.row
            if issue.header is None and issue.column is not None:
                if (issue.column == "quantity" and self.quantity_heads is not None and issue.row is not None
                        and 0 <= issue.row < len(self.quantity_heads)):
                    issue.header = str(self.quantity_heads[issue.row])
                else:
                    issue.header = self.column_headers.get(issue.column)


def _fold(s: str) -> str:
    return normalize_key(s)


@lru_cache(maxsize=1)
def _scope_words() -> tuple[str, dict[str, int]]:
    """The ``scope`` column's words (``scope`` in ghgcalc/data/columns.yaml): the pattern of a
    leading "Scope"/"範圍" word, and what is left -> the scope ("1", "一" -> 1)."""
    spec = column_words()["scope"]
    prefix = "^(" + "|".join(re.escape(str(w).lower()) for w in spec["prefixes"]) + r")\s*"
    return prefix, {str(k): int(v) for k, v in spec["values"].items()}


def _rename_columns(df: pd.DataFrame, columns: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, list[RowIssue], HeaderMap]:
    """Map headers to the standard columns (:func:`ghgcalc.io.headers.map_headers`: the header
    words of columns.yaml, the user's ``columns`` mapping first). Two headers that are the same
    text, or that both name one column (``quantity`` and ``數量``), are an error: which one
    holds the data would be a guess. A wide table's year columns are listed, not renamed."""
    hm = map_headers(list(df.columns), columns)
    has_dups = any(i.reason == "duplicate column header" for i in hm.issues)
    out = df.rename(columns=hm.rename_map()) if not has_dups else df
    return out, list(hm.issues), hm


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
    categorical column gives its own codes and categories: no hashing, no copy)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes, uniq = col.cat.codes.to_numpy(), list(col.cat.categories)
    else:
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        codes = small_codes(codes, len(uniques) + 1)
        uniq = list(uniques)
    if len(codes) and codes.min() < 0:
        codes = np.where(codes < 0, len(uniq), small_codes(codes, len(uniq) + 1))
        uniq.append("")
    return codes, uniq


def _distinct_values(col: pd.Series) -> list[Any] | None:
    """The distinct values of a categorical column (its categories, without reading the rows),
    else None."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return list(col.cat.categories)
    return None


def _rows_where(u_mask: np.ndarray, codes: np.ndarray) -> np.ndarray | None:
    """The rows whose value (``codes``) is flagged in the per-distinct ``u_mask``; None when no
    distinct value is flagged (no pass over the rows)."""
    if not u_mask.any():
        return None
    out: np.ndarray = np.take(u_mask, codes)
    return out


_NOT_FINITE_WORDS = frozenset({"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"})
#: no measured activity comes near this in any unit; above it a product may overflow float64
MAX_QUANTITY = 1e100
_NUM_TYPES = (int, float, np.integer, np.floating)


def _clean_number_text(s: pd.Series) -> pd.Series:
    t = s.astype(str).str.normalize("NFKC").str.strip()
    return t.str.replace(SEPARATORS, "", regex=True)


def _quantity_reason(raw: Any, text: str, value: float, grouped_ok: bool, comma_ambiguous: bool,
                     number: str | None = None) -> tuple[str, str | None]:
    """Why a quantity cell is bad (called for bad cells only); ``number``: the cell's number
    text, a counting word after it set aside (``1,23`` of ``1,23万``)."""
    if text == "":
        return "empty quantity", None
    if comma_ambiguous and not grouped_ok and "," in str(raw):
        return ("a comma in a number of a semicolon-separated file may be a decimal comma",
                "write the number with a decimal point and no thousands separator (1234.5)")
    why = number_problem(number if number is not None else str(raw)) if isinstance(raw, str) else None   # a unit, a mark, 1,5, 1_000
    if why is not None:
        return why
    if not grouped_ok:
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
    are errors, as are negatives. As reports print them (:mod:`ghgcalc.io.quantities`,
    words in ghgcalc/data/quantities.yaml): a counting word multiplies exactly (``1.2万`` is
    12000, kept as the printed text ``1.2E+4`` so its precision stays the thousand); a dash or
    ``N/A`` is "not reported", an error, never 0; ``(1,234)`` is an accounting negative, an
    error that says so."""
    n = len(col)
    bad = np.zeros(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        q = col.to_numpy() if col.dtype == np.float64 else col.to_numpy(dtype="float64", na_value=np.nan)
        text = None
        if len(q) and bool(np.min(q) >= 0) and bool(np.max(q) <= MAX_QUANTITY):   # NaN propagates: fails both
            return q, None, bad
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
        printed = read_printed_quantities(norm)
        special = _printed_reasons(norm, printed)
        marked = _footnote_marked(u.where(~u_isnum, "").astype(str), special)
        norm = printed.number
        clean = norm.str.replace(SEPARATORS, "", regex=True)
        has_sep = (clean != norm).to_numpy(dtype=bool)   # a separator was removed: check its grouping
        grouped_ok = np.ones(len(norm), dtype=bool)
        if has_sep.any():
            grouped_ok[has_sep] = norm[has_sep].str.fullmatch(GROUPED_NUMBER).to_numpy(dtype=bool)
            if comma_ambiguous:
                grouped_ok[has_sep] &= ~norm[has_sep].str.contains(",", regex=False).to_numpy(dtype=bool)
        scaled = printed.exponent != 0
        if scaled.any():   # per distinct value: the exact text of the number times its counting word
            for j in np.flatnonzero(scaled & grouped_ok):
                clean.iloc[j] = scaled_text(str(clean.iloc[j]), int(printed.exponent[j])) or clean.iloc[j] + "?"
        if u_isnum.any():
            clean[u_isnum] = [repr(float(v)) for v in uniq[u_isnum]]
        uq = np.array(pd.to_numeric(clean.where(clean != "", None), errors="coerce").to_numpy(dtype="float64", na_value=np.nan))
        if u_isnum.any():
            uq[u_isnum] = uniq[u_isnum].astype("float64")
        u_bad = ~np.isfinite(uq) | ~grouped_ok | (np.abs(np.nan_to_num(uq, nan=0.0)) > MAX_QUANTITY)
        u_bad |= printed.not_reported | printed.bracket_negative | marked
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
            if c in special:
                reason, hint = special[c]
            else:
                reason, hint = _quantity_reason(uniq[c], str(clean.iloc[c]) if not u_isnum[c] else repr(uniq[c]), float(uq[c]),
                                                bool(grouped_ok[c]), comma_ambiguous, str(norm.iloc[c]))
            issues.append(RowIssue(row=_row_label(col.index[i]), column="quantity", value=None if reason == "empty quantity" else plain(raw),
                                   reason=reason, hint=hint))
        bad |= u_bad_all[codes]
    neg = np.isfinite(q) & (q < 0) & ~bad
    for i in np.flatnonzero(neg):
        issues.append(RowIssue(row=_row_label(col.index[i]), column="quantity", value=plain(col.iloc[i]), reason="quantity is negative",
                               hint="activity quantities are >= 0; a correction is a separate, documented adjustment"))
    bad |= neg
    return q, text, bad


def _footnote_marked(texts: pd.Series, special: dict[int, tuple[str, str | None]]) -> np.ndarray:
    """Which distinct quantity texts (before NFKC folding) carry a footnote marker
    (``1,234.5¹``, ``100①``: :func:`ghgcalc.printed.footnote_marker`), which folding would
    read as one more digit; their reasons are added to ``special``. Only texts that are not
    ASCII are looked at, one by one."""
    out = np.zeros(len(texts), dtype=bool)
    for j in np.flatnonzero(~texts.str.isascii().to_numpy(dtype=bool)).tolist():
        mark = footnote_marker(str(texts.iloc[j]))
        if mark is not None:
            out[j] = True
            special[j] = (FOOTNOTE_REASON.format(mark=mark), FOOTNOTE_HINT)
    return out


def _printed_reasons(texts: pd.Series, printed: Any) -> dict[int, tuple[str, str | None]]:
    """Why a distinct quantity text that reports print is not a quantity: a dash or N/A (not
    reported) or an accounting negative in parentheses; by the position of the distinct value."""
    out: dict[int, tuple[str, str | None]] = {}
    for j in np.flatnonzero(printed.not_reported).tolist():
        out[j] = (f"not reported ({texts.iloc[j]})",
                  "a dash or N/A in a quantity cell says no figure was reported; ghgcalc never reads it as 0: give "
                  "the figure, or leave the row out")
    for j in np.flatnonzero(printed.bracket_negative).tolist():
        out[j] = ("quantity is negative (accounting notation: a number in parentheses)",
                  "activity quantities are >= 0; a correction is a separate, documented adjustment")
    return out


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


def _year_of_text(u: Any) -> float:
    """The data year of one distinct period cell (NaN when empty, -1 when not a year)."""
    s = unicodedata.normalize("NFKC", str(u))
    if hasattr(u, "year") and not isinstance(u, str):
        return float(u.year)
    if not s.strip() or (isinstance(u, float) and u != u):
        return float("nan")
    m = year_pattern().match(s.translate(chinese_year_digits()))
    worded = None if m else year_in_words(s)
    return float(m.group(1)) if m else float(worded) if worded is not None else -1.0


def _parse_years(col: pd.Series | None, default: int, n: int, index: pd.Index, issues: list[RowIssue]
                 ) -> tuple[KeyPart, np.ndarray | None, list[Any] | None]:
    """The data year of each row as a key column (codes into the distinct years), and the rows
    whose period is not a year or a date (None: none). Text and categorical periods are read
    once per distinct value; numbers and dates per row, vectorised."""
    if col is None:
        return KeyPart(None, [default]), None, None
    if pd.api.types.is_datetime64_any_dtype(col.dtype) or (
            pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)):
        years = (col.dt.year if pd.api.types.is_datetime64_any_dtype(col.dtype) else col).to_numpy(dtype="float64", na_value=np.nan)
        years = np.where(np.isnan(years), default, years)
        invalid = (years < 1900) | (years > 2200) | (years != np.floor(years))
        yrs = np.where(invalid, default, years).astype(np.int64)
        lo, hi = (int(yrs.min()), int(yrs.max())) if len(yrs) else (default, default)
        part = KeyPart(small_codes(yrs - lo, hi - lo + 1), list(range(lo, hi + 1)))
        bad = invalid if invalid.any() else None
        uniques: list[Any] | None = None
    else:
        codes, uniques = _factorize(col)
        parsed = np.array([_year_of_text(u) for u in uniques], dtype="float64")
        parsed = np.where(np.isnan(parsed), default, parsed)
        u_invalid = (parsed < 1900) | (parsed > 2200) | (parsed != np.floor(parsed))
        part = KeyPart(codes, [int(default if bad_u else y) for y, bad_u in zip(parsed, u_invalid, strict=True)])
        bad = _rows_where(u_invalid, codes)
        invalid = bad if bad is not None else np.zeros(0, dtype=bool)
    for i in np.flatnonzero(invalid) if bad is not None else ():
        issues.append(RowIssue(row=_row_label(index[i]), column="period", value=plain(col.iloc[i]), reason="period is not a year or a date",
                               hint="use a year (2022) or a date/month (2022-03)"))
    return part, bad, uniques


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


def _label_pieces(text: str) -> list[str]:
    """The parts of a carrier label: split at brackets, slashes and colons, at a spaced dash,
    and between Chinese and Latin runs (``外購電力（Purchased electricity）``, ``冷媒 R-22``)."""
    pieces = [run.strip(" ,，-_.") for chunk in _LABEL_SPLIT.split(unicodedata.normalize("NFKC", str(text)))
              for part in _SPACED_DASH.split(chunk) for run in _CJK_RUNS.findall(part)]
    return [p for p in pieces if p]


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


def _carrier_units(car: _Carriers, ucodes: np.ndarray, uuniques: list[Any], df_index: pd.Index,
                   issues: list[RowIssue]) -> tuple[np.ndarray, list[Any], np.ndarray | None]:
    """Units that the row's carrier gives a meaning: a Towngas row in ``units`` is in
    towngas_unit (``unit_aliases`` in carriers.yaml); a row whose carrier label names a
    refrigerant gas and whose unit is a bare mass is a mass of that gas (``kg`` -> ``kg R-410A``).
    The rewritten unit is what the row's results show; a unit naming another gas than the
    label is an error. Decided per distinct (carrier spelling, unit spelling) pair and
    broadcast by codes. Returns the unit codes and values (rewritten units appended) and the
    bad rows (None: none)."""
    aliased = {cid: {normalize_key(k): v for k, v in c.unit_aliases.items()} for cid, c in carriers().items() if c.unit_aliases}
    u_cand = np.array([g is not None or str(cid) in aliased for g, cid in zip(car.gas, car.resolved, strict=True)], dtype=bool)
    cand = _rows_where(u_cand, car.codes)
    if cand is None or not cand.any():
        return ucodes, uuniques, None
    idx = np.flatnonzero(cand)
    nu = max(len(uuniques), 1)
    pair = car.codes[idx].astype(np.int64) * nu + ucodes[idx]
    upair, pinv = np.unique(pair, return_inverse=True)
    values = list(uuniques)
    where = {v: j for j, v in enumerate(values) if isinstance(v, str)}
    new_code = np.empty(len(upair), dtype=np.int64)
    reasons: list[tuple[str, str] | None] = []
    for j, pc in enumerate(upair.tolist()):
        ci, ui = divmod(int(pc), nu)
        cid, g, u = str(car.resolved[ci]), car.gas[ci], uuniques[ui]
        text = "" if u is None or (isinstance(u, float) and u != u) else str(u).strip()
        rewritten: str | None = None
        reason: tuple[str, str] | None = None
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
                reason = (f"the carrier names {g} but the unit is a mass of {ug}",
                          f"give the mass of {g} (e.g. kg), or name the gas in the carrier column to match")
        if rewritten is not None:
            if rewritten not in where:
                where[rewritten] = len(values)
                values.append(rewritten)
            new_code[j] = where[rewritten]
        else:
            new_code[j] = ui
        reasons.append(reason)
    out = ucodes.astype(np.int64)
    out[idx] = new_code[pinv]
    p_bad = np.array([r is not None for r in reasons], dtype=bool)
    bad: np.ndarray | None = None
    if p_bad.any():
        bad = np.zeros(len(ucodes), dtype=bool)
        bad_rows = idx[p_bad[pinv]]
        bad[bad_rows] = True
        for i, jp in zip(bad_rows.tolist(), pinv[p_bad[pinv]].tolist(), strict=True):
            reason_hint = reasons[jp]
            assert reason_hint is not None
            issues.append(RowIssue(row=_row_label(df_index[i]), column="unit", value=plain(uuniques[int(ucodes[i])]),
                                   reason=reason_hint[0], hint=reason_hint[1]))
    return small_codes(out, len(values)), values, bad


def _blank_rows(df: pd.DataFrame, carrier: tuple[np.ndarray, list[Any]]) -> np.ndarray | None:
    """Rows whose every cell is empty (Excel's trailing rows, blank lines): not data, skipped
    and counted. Checked only where the carrier cell is empty (``carrier``: the carrier
    column's codes and distinct values), so clean tables pay one look at the distinct values."""
    if len(df) == 0:
        return None
    codes, uniq = carrier
    blank_u = np.array([u is None or (isinstance(u, float) and u != u) or not str(u).strip() for u in uniq], dtype=bool)
    cand = _rows_where(blank_u, codes)
    if cand is None or not cand.any():
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
def _leading_total_word() -> re.Pattern[str]:
    """A label that starts with a total word followed by more words ("Total electricity
    consumption", "合计 外购电力"): in the carrier column, when the rest names a carrier, a
    total of that carrier's rows if they are beside it (:func:`_totals_among_parts`)."""
    data: dict[str, Any] = load_yaml("total_rows.yaml")
    words = sorted({unicodedata.normalize("NFKC", str(w)).casefold().strip() for w in data["words"]}, key=len, reverse=True)
    return re.compile(rf"[\W_]*(?:{'|'.join(re.escape(w) for w in words)})[\s\W_].*", re.S)


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


def _total_rows(df: pd.DataFrame, factorized: dict[str, tuple[np.ndarray, list[Any]]], carrier_known: np.ndarray,
                carrier_codes: Callable[[], np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Rows whose label in some text column is a spreadsheet total label, and that column
    (the first such); judged once per distinct value of each column (``factorized``: the
    codes and values of columns already factorized). A carrier label that names a carrier
    ("Electricity (group total)") is that carrier, not a total, unless it sits beside the
    rows it totals (:func:`_totals_among_parts`; ``carrier_codes``: each row's resolved carrier as
    an integer code, asked for only then); the rows of such labels are the third value (None: none)."""
    n = len(df)
    hit = np.zeros(0, dtype=bool)
    where = np.zeros(0, dtype=object)
    named_rows: np.ndarray | None = None
    for c in df.columns:
        if c in ("quantity", "unit", MERGE_COLUMN):
            continue
        s = df[c]
        if not (s.dtype == object or isinstance(s.dtype, (pd.StringDtype, pd.CategoricalDtype))):
            continue
        if c not in factorized:
            cats = _distinct_values(s)   # a categorical column: its categories, no pass over the rows
            if cats is not None and not _may_hold_totals([str(v) for v in cats]):
                continue
            text = _arrow_text(s)   # an Arrow string column: its text without a factorize
            if text is not None and not _may_hold_totals(text):
                continue
        codes, uniq = factorized[c] if c in factorized else _factorize(s)
        if not _may_hold_totals(uniq):
            continue
        u_hit = np.array([_is_total_label(u, label_column=c in _LABEL_COLUMNS) for u in uniq], dtype=bool)
        rows_hit = None
        if c == "carrier":
            lead = _leading_total_word()
            led = np.array([isinstance(u, str) and bool(lead.fullmatch(unicodedata.normalize("NFKC", u).casefold().strip()))
                            for u in uniq], dtype=bool)
            u_hit = u_hit | (led & carrier_known)
        if c == "carrier" and (named := u_hit & carrier_known).any():
            u_hit = u_hit & ~carrier_known
            rows_hit = _totals_among_parts(df, codes, named, carrier_codes())
            named_rows = np.take(named, codes)
        if not u_hit.any() and rows_hit is None:
            continue
        if not len(hit):
            hit, where = np.zeros(n, dtype=bool), np.full(n, None, dtype=object)
        new = (u_hit[codes] if rows_hit is None else u_hit[codes] | rows_hit) & ~hit
        where[new] = c
        hit |= new
    return hit, where, named_rows


def _totals_among_parts(df: pd.DataFrame, codes: np.ndarray, named: np.ndarray, carrier_codes: np.ndarray) -> np.ndarray | None:
    """The rows of a carrier label that names a carrier and a total ("Total electricity
    consumption", "Electricity (group total)": ``named``, per distinct label) that total
    other rows: rows of the same carrier, not so labelled, in the same period and (where the
    total names one) the same facility. Alone, such a label is its carrier (an HKEX KPI
    table's one electricity line); beside its parts, adding it would count them twice.
    Groups are integer codes combined (no per-row text)."""
    is_named = np.take(named, codes)
    key = carrier_codes.astype(np.int64)
    if "period" in df.columns:
        key = _combined(key, df["period"])

    def has_parts(k: np.ndarray) -> np.ndarray:
        g, _ = pd.factorize(k)
        parts = np.bincount(g[~is_named], minlength=int(g.max()) + 1)
        out: np.ndarray = parts[g] > 0
        return out

    found = has_parts(key)
    if "facility" in df.columns:   # a total naming a facility totals that facility's rows
        fac = df["facility"]
        named_fac = is_named & ~blank_cell(fac)
        if named_fac.any():
            found = np.where(named_fac, has_parts(_combined(key, fac)), found)
    hit: np.ndarray = is_named & found
    return hit if hit.any() else None


def _combined(key: np.ndarray, column: pd.Series) -> np.ndarray:
    """``key`` (int codes) refined by a column's distinct values (its text, blank as ""): int codes."""
    col, _ = pd.factorize(column.astype(object).where(column.notna(), "").astype(str))
    k, _ = pd.factorize(key * (int(col.max()) + 1 if len(col) else 1) + col)
    out: np.ndarray = np.asarray(k, dtype=np.int64)
    return out


def _could_be_proved(t: int, carrier_ids: np.ndarray, unit_text: np.ndarray, bad: np.ndarray) -> bool:
    """Whether total row ``t`` could be proved equal to its parts: no problem of its own, its
    carrier known ("Sub-total" as the carrier is not) and its unit read."""
    cid = carrier_ids[t]
    return not bad[t] and cid is not None and not str(cid).startswith("?") and bool(unit_text[t])


def _provable_totals(total: np.ndarray, total_col: np.ndarray, carrier_ids: np.ndarray, unit_text: np.ndarray,
                     q: np.ndarray, qtext: pd.Series | None, bad: np.ndarray) -> list[list[int] | None]:
    """For each total row (in order), the positions of the rows above it that it provably
    totals, or None: the rows since the previous total row (or the header) with the same
    carrier and unit, whose printed quantities sum exactly (as decimals) to the total's. A
    total whose carrier is not known ("Sub-total" as the carrier), or one whose rows have
    another problem, is never proved."""
    def value(i: int) -> Fraction:
        return exact(str(qtext.iloc[i])) if qtext is not None else exact(float(q[i]))

    out: list[list[int] | None] = []
    start = 0
    for t in np.flatnonzero(total).tolist():
        seg_start, start = start, t + 1
        if not _could_be_proved(t, carrier_ids, unit_text, bad):
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
    #: per distinct spelling: the carrier id, ``?label`` when unknown, None when empty (an
    #: unknown label accepted as a direct emission entry becomes its label)
    resolved: list[str | None]
    #: per distinct spelling: the gas a fugitive label names ("R-410A top-up"), else None
    gas: list[str | None]
    #: per distinct spelling: empty; unknown (before any direct entry was accepted)
    u_empty: np.ndarray
    u_unknown: np.ndarray
    #: per distinct spelling: how it was read ("id", "alias", "profile", "words", "gas") and the
    #: word reading of a label that is not an id or alias (:func:`ghgcalc.core.labels.read_label`)
    how: list[str | None] = field(default_factory=list)
    readings: list[LabelReading | None] = field(default_factory=list)

    def row_ids(self) -> np.ndarray:
        """The carrier id of each row (object array; for messages and the assembled frame)."""
        ids = np.empty(len(self.resolved), dtype=object)
        ids[:] = self.resolved
        return np.take(ids, self.codes)

    def id_codes(self) -> np.ndarray:
        """Each row's resolved carrier id as an integer code (spellings of one carrier share it)."""
        per_spelling, _ = pd.factorize(pd.Series(self.resolved, dtype=object).fillna("\x00none"))
        return np.take(per_spelling, self.codes)

    def rows(self, u_mask: np.ndarray) -> np.ndarray | None:
        """The rows whose spelling is flagged in ``u_mask`` (None: no spelling is)."""
        return _rows_where(u_mask, self.codes)


@dataclass
class _Units:
    """The unit column after the carrier gave its meaning, parsed once per distinct spelling."""

    codes: np.ndarray
    #: per distinct spelling: as given (rewritten where the carrier gave it a meaning)
    values: list[Any]
    #: per distinct spelling: the unit as the core reads it ("" when bad), and whether it parsed
    text: np.ndarray
    ok: np.ndarray


def _or(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """Union of two row masks, where None is "no row"."""
    if a is None:
        return b
    if b is None:
        return a
    out: np.ndarray = a | b
    return out


def _read_table(source: Any, sheet: str | int | None, columns: Mapping[str, str] | None = None
                ) -> tuple[pd.DataFrame, dict[str, Any], list[RowIssue], ActivityTable | None, tuple[np.ndarray, list[Any]]]:
    """Stage 1: read the source (format, encoding, header row), map the headers to the standard
    columns (``columns``: the user's own mapping, which wins), drop blank rows, and turn a wide
    table (one column per year) into rows. Returns the frame, how it was read (``blank_rows``
    included), the issues so far and the carrier column's codes and distinct values; or, when there is nothing to validate, the finished
    (empty) table."""
    raw = read_raw(source, sheet=sheet, columns=columns)
    df = raw.frame
    meta: dict[str, Any] = {"source": raw.source, "encoding": raw.encoding, "format": raw.format, "delimiter": raw.delimiter,
                            "header_row": raw.header_row, "sheet": raw.sheet, "merged_cells_filled": raw.merged_cells_filled}
    df, issues, hm = _rename_columns(df, columns)
    meta["columns"], meta["column_headers"] = hm.record(), hm.header_of()
    h_issues, meta["hidden_columns"] = _hidden_columns(raw, hm)
    issues += h_issues
    none: tuple[np.ndarray, list[Any]] = (np.zeros(0, dtype=np.int8), [])
    if issues:
        return df, meta, issues, ActivityTable(frame_=df.iloc[0:0], issues=issues, n_input_rows=len(df), **meta), none
    if not isinstance(df.index, pd.RangeIndex) or df.index.start != 0 or df.index.step != 1:
        df = df.reset_index(drop=True)
    carrier = _factorize(df["carrier"])
    blank = _blank_rows(df, carrier)
    meta["blank_rows"] = np.flatnonzero(blank).tolist() if blank is not None else []
    if blank is not None and meta["blank_rows"]:
        df = df[~blank]
        carrier = (carrier[0][~blank], carrier[1])
    meta["row_lines"] = raw.lines
    hidden = raw.hidden_rows[df.index.to_numpy()] if raw.hidden_rows is not None else None   # labels: positions in the sheet's body
    if hm.wide:
        df, source_rows = _widen_to_rows(df, raw, hm, meta)
        carrier = _factorize(df["carrier"])    # the rows were remade: one per indicator and year
        hidden = hidden[source_rows] if hidden is not None else None
    meta["hidden_rows"] = df.index[hidden].tolist() if hidden is not None else []
    if len(df) == 0:
        issues.append(RowIssue(row=None, column=None, value=raw.source, reason="the activity table has no rows"))
        return df, meta, issues, ActivityTable(frame_=df, issues=issues, n_input_rows=0, **meta), none
    return df, meta, issues, None, carrier


def _hidden_columns(raw: RawTable, hm: HeaderMap) -> tuple[list[RowIssue], list[str]]:
    """Columns hidden in the sheet: one that holds a contract column (a wide table's year
    column holds quantities) is an error for the table, since what the sheet shows is not what
    would be computed; a hidden extra column is carried as any other, and recorded
    (``input.hidden_in_sheet``). Returns the issues and the carried headers."""
    issues: list[RowIssue] = []
    carried: list[str] = []
    years = {str(c) for c in hm.year_columns}
    contract = {str(k): v for k, v in hm.mapping.items()}
    for head in raw.hidden_columns:
        col = contract.get(head) or ("quantity" if head in years else None)
        if col is None:
            carried.append(head)
            continue
        issues.append(RowIssue(row=None, column=col, value=head, reason=f"{HIDDEN_COLUMN_REASON} (it holds the {col} column)",
                               hint="unhide the column, or delete it (and map another header to the column: --columns)"))
    return issues, carried


#: why a row or column hidden in the sheet is not computed
HIDDEN_ROW_REASON = "row hidden in the sheet (by hand, a collapsed group or a filter): not on screen, so not added unseen"
HIDDEN_COLUMN_REASON = "column hidden in the sheet: not on screen, so not read unseen"


def _hidden_row_stage(df: pd.DataFrame, hidden: list[int], issues: list[RowIssue]) -> np.ndarray | None:
    """Stage 9c: rows hidden in the sheet (an Excel row hidden by hand, in a collapsed outline
    group or by a filter: a helper row "A+B", an old figure) are errors, never added: the
    person sees the sheet without them. A hidden row's one issue is that it is hidden (its
    other issues are removed from ``issues``). Returns the hidden rows (None: none)."""
    if not hidden:
        return None
    rows = np.isin(df.index.to_numpy(), np.asarray(hidden, dtype=np.int64))
    labels = set(hidden)
    issues[:] = [x for x in issues if x.row not in labels]
    for i in np.flatnonzero(rows).tolist():
        issues.append(RowIssue(row=_row_label(df.index[i]), column=None, value=None, reason=HIDDEN_ROW_REASON,
                               hint="unhide it or delete it (a helper row, a sum or an old figure belongs outside the table)"))
    return rows


REPEATED_HEADER_REASON = ("repeated header row: its cells repeat the table's header (a table pasted twice, or pages "
                          "printed with their headers), not data")


def _repeated_header_stage(df: pd.DataFrame, car: _Carriers, columns: Mapping[str, str] | None, wide: bool,
                           issues: list[RowIssue]) -> np.ndarray | None:
    """Stage 9d: a row whose carrier, quantity and unit cells are the header words of those
    columns (``carrier,quantity,unit`` or ``能源品种,消耗量,单位`` again under the header; in a
    wide table, a year head in the quantity) is one issue, "repeated header row", not one per
    cell. Its other issues are removed from ``issues``. Decided per distinct carrier cell first
    (the few rows whose carrier cell is a header word), then on those rows."""
    u_head = np.array([isinstance(u, str) and canonical_column(u, columns) == "carrier" for u in car.uniques], dtype=bool)
    cand = car.rows(u_head)
    if cand is None or not cand.any():
        return None
    idx = np.flatnonzero(cand)

    def names(col: str, cell: Any) -> bool:
        if col == "quantity" and wide:
            return year_of_head(cell) is not None
        return isinstance(cell, str) and canonical_column(cell, columns) == col

    heads = [i for i in idx.tolist() if names("quantity", df["quantity"].iloc[i]) and names("unit", df["unit"].iloc[i])]
    if not heads:
        return None
    rows = np.zeros(len(df), dtype=bool)
    rows[heads] = True
    labels = {_row_label(df.index[i]) for i in heads}
    issues[:] = [x for x in issues if x.row not in labels]
    for i in heads:
        issues.append(RowIssue(row=_row_label(df.index[i]), column=None, value=plain(df["carrier"].iloc[i]),
                               reason=REPEATED_HEADER_REASON, hint="delete the row"))
    return rows


def _widen_to_rows(df: pd.DataFrame, raw: RawTable, hm: HeaderMap, meta: dict[str, Any]) -> tuple[pd.DataFrame, np.ndarray]:
    """A wide KPI table (``指标 | 单位 | 2021 | 2022``) as one row per indicator and year
    (:func:`ghgcalc.io.wide.melt_wide`), recorded in ``meta``: its year columns, and for each new
    row the line of its indicator row and the head of its year column. Returns the rows and,
    for each, the position of its indicator row in ``df``."""
    wt = melt_wide(df, hm.year_columns)
    labels = df.index.to_numpy()[wt.source_rows]          # the row numbers of the table as read
    if raw.lines is not None:
        meta["row_lines"] = raw.lines[labels]
    elif raw.first_line is not None:
        meta["row_lines"] = (labels + raw.first_line).astype(np.int64)
    meta["quantity_heads"] = wt.year_heads
    record = hm.record()
    meta["wide"] = {"year_columns": [head_text(c) for c in hm.year_columns],
                    "indicator_column": next((h for h, c in record.items() if c == "carrier"), None),
                    "unit_column": next((h for h, c in record.items() if c == "unit"), None),
                    "table_rows": len(df), "rows": len(wt.frame)}
    return wt.frame, wt.source_rows


def _carrier_column(carrier: tuple[np.ndarray, list[Any]], profile: Profile) -> _Carriers:
    """Stage 2: each distinct carrier spelling resolved once (an alias, a profile carrier, a label
    read by its words, :func:`ghgcalc.core.labels.read_label`, or a fugitive gas); an unknown one is kept as ``?label`` for
    :func:`_check_carriers`, which needs the unit and scope to judge it."""
    codes, uniques = carrier
    aliases = carrier_aliases()
    profile_carriers = {normalize_key(k): k for k in profile.carriers}

    def lookup(key: str) -> str | None:
        return aliases.get(key) or profile_carriers.get(key)

    resolved: list[str | None] = []
    label_gases: list[str | None] = []
    hows: list[str | None] = []
    readings: list[LabelReading | None] = []
    profile_words = {label_words(c): c for c in profile.carriers}
    for u in uniques:
        k = normalize_key(str(u)) if not (u is None or (isinstance(u, float) and u != u)) else ""
        cid = lookup(k) if k else None
        how, reading = _how_exact(k, cid, aliases), None
        if cid is None and k:   # read by its words (ghgcalc.core.labels)
            reading = read_label(str(u), profile_words)
            cid = reading.carrier
            how = "words" if cid else None
        fugitive_or_none = cid is None or (cid in carriers() and carriers()[cid].type == "fugitive")
        fug = _fugitive_label(str(u), lookup) if fugitive_or_none and k else None
        if fug is not None:
            cid, how = fug[0], "gas"
        label_gases.append(fug[1] if fug is not None else None)
        resolved.append(cid or (None if not k else f"?{u}"))
        hows.append(how)
        readings.append(reading)
    u_empty = np.array([c is None for c in resolved], dtype=bool)
    u_unknown = np.array([isinstance(c, str) and c.startswith("?") for c in resolved], dtype=bool)
    return _Carriers(codes=codes, uniques=uniques, resolved=resolved, gas=label_gases, u_empty=u_empty, u_unknown=u_unknown,
                     how=hows, readings=readings)


def _how_exact(key: str, cid: str | None, aliases: dict[str, str]) -> str | None:
    """How a label that is a carrier name as it stands was read: its id, an alias of
    carriers.yaml, or a carrier the profile defines."""
    if cid is None:
        return None
    return "id" if key == normalize_key(cid) else "alias" if key in aliases else "profile"


def _quantity_column(col: pd.Series, delimiter: str | None) -> tuple[np.ndarray, pd.Series | None, np.ndarray | None, list[RowIssue]]:
    """Stage 3: float64 quantities, their printed text, the bad rows (None: none) and their
    issues (a decimal comma is ambiguous in a ``;``-separated file)."""
    issues: list[RowIssue] = []
    q, qtext, bad = _parse_quantities(col, issues, comma_ambiguous=delimiter == ";")
    return q, qtext, (bad if issues else None), issues


MERGED_QUANTITY_REASON = "quantity merged over several rows (an Excel merged cell): filled down, one figure would be counted on each row"


def _merged_quantities(df: pd.DataFrame) -> tuple[np.ndarray | None, list[RowIssue]]:
    """Stage 3b: quantity cells of a merged Excel range. Filling a label down a merged range
    (:func:`ghgcalc.io.readers.read_raw`) repeats a name; filling a quantity down would add
    the one printed figure once per row, so every row of such a range (its top-left cell
    included: the row just above a run of filled rows) is an error. Decided per distinct
    ``filled_from_merge`` value, then on the few rows it flags."""
    if MERGE_COLUMN not in df.columns:
        return None, []
    codes, uniq = _factorize(df[MERGE_COLUMN])
    filled = _rows_where(np.array([isinstance(u, str) and "quantity" in u.split(";") for u in uniq], dtype=bool), codes)
    if filled is None:
        return None, []
    bad = filled.copy()
    starts = np.flatnonzero(filled & ~np.concatenate(([False], filled[:-1])))
    bad[starts[starts > 0] - 1] = True   # the range's top-left cell holds the figure
    issues = [RowIssue(row=_row_label(df.index[i]), column="quantity", value=plain(df["quantity"].iloc[i]),
                       reason=MERGED_QUANTITY_REASON,
                       hint="unmerge the cell and give each row its own quantity, or keep one row with the whole quantity")
              for i in np.flatnonzero(bad).tolist()]
    return bad, issues


def _unit_column(col: pd.Series, car: _Carriers, index: pd.Index, prior_bad: np.ndarray | None
                 ) -> tuple[_Units, np.ndarray | None, list[RowIssue]]:
    """Stage 4: units, with the meaning a carrier gives some (Towngas "units", a refrigerant
    label's gas), then each distinct spelling parsed once; a number in the unit is bounded.
    ``prior_bad``: rows already bad (their quantity), not asked about 度 again."""
    issues: list[RowIssue] = []
    ucodes0, uuniques0 = _factorize(col)
    ucodes, uuniques, bad = _carrier_units(car, ucodes0, uuniques0, index, issues)
    unit_ok = np.zeros(len(uuniques), dtype=bool)
    unit_text = np.empty(len(uuniques), dtype=object)
    unit_err: dict[int, str] = {}
    unit_hint: dict[int, str] = {}   # a hint of the unit's own (which therm)
    for j, u in enumerate(uuniques):
        s = unicodedata.normalize("NFKC", str(u)).strip() if not isinstance(u, str) else u.strip()
        unit_text[j] = _bilingual_unit(str(u).strip())
        try:
            leading = leading_number_error(s) if s else None   # "104m3": 10⁴m³ that lost its superscript
            if leading is not None:
                raise leading
            scale = abs(parse_unit(unit_text[j]).magnitude)
            if not _MIN_UNIT_SCALE <= scale <= _MAX_UNIT_SCALE:
                unit_err[j] = "the number in the unit is implausibly large or small (e.g. '1e400 GJ')"
            else:
                unit_ok[j] = True
        except InputError as exc:
            unit_err[j] = exc.reason if s else "empty unit"
            if s and exc.hint and exc.hint != UNKNOWN_UNIT_HINT:   # the unit's own hint (which therm, MMBtu or kBtu)
                unit_hint[j] = exc.hint
        if not unit_ok[j]:
            unit_text[j] = ""   # its rows are bad: the core never resolves a unit it cannot use
    units = _Units(codes=ucodes, values=uuniques, text=unit_text, ok=unit_ok)
    not_ok = _rows_where(~unit_ok, ucodes)
    if not_ok is not None:
        for i in np.flatnonzero(not_ok):
            issues.append(RowIssue(row=_row_label(index[i]), column="unit", value=plain(uuniques[int(ucodes[i])]),
                                   reason=unit_err[int(ucodes[i])],
                                   hint=unit_hint.get(int(ucodes[i]), "e.g. MWh, kWh, 萬千瓦時, GJ, t, 噸, m**3, 立方米, L, scf, btu")))
    bad = _or(bad, not_ok)
    du_bad, du_issues = _billing_unit_check(units, car, index, _or(bad, prior_bad))
    return units, _or(bad, du_bad), issues + du_issues


def _unit_choice_column(col: pd.Series, profile: Profile) -> tuple[pd.Series, dict[str, dict[str, Any]]]:
    """Stage 4a: units whose size is a national convention, read by the profile's ``[units]``
    choice ("Therms" -> therm_EC with ``therm = "ec"``; ghgcalc/data/unit_choices.yaml), once per
    distinct spelling; the rewritten unit is what the rows show. Without a choice the spelling is
    left as it is, and :func:`~ghgcalc.core.units.parse_unit` asks for one. Returns the column and
    what was chosen for which spelling."""
    chosen = profile.units.chosen()
    if not chosen:
        return col, {}
    codes, uniq = _factorize(col)
    new = [apply_unit_choices(u, chosen) if isinstance(u, str) else None for u in uniq]
    if not any(new):
        return col, {}
    record: dict[str, dict[str, Any]] = {}
    for u, n in zip(uniq, new, strict=True):
        if n is None:
            continue
        for name, option in chosen.items():
            spec = unit_choices()[name].options[option]
            if spec["unit"] in n:
                record[str(u)] = {"unit": n, "choice": f"{name} = {option!r}", "size": spec["size"], "source": spec["source"]}
    values = np.array([n if n is not None else u for u, n in zip(uniq, new, strict=True)], dtype=object)
    return pd.Series(values[codes], index=col.index, dtype=object), record


def _billing_unit_check(units: _Units, car: _Carriers, index: pd.Index, bad: np.ndarray | None
                        ) -> tuple[np.ndarray | None, list[RowIssue]]:
    """度 is a kWh of electricity, but Hong Kong bills Towngas in 度 too (1 度 = 1 unit = 48 MJ,
    ``billing_unit`` in carriers.yaml): a Towngas row in 度 would be read 13 times too small, so ask."""
    issues: list[RowIssue] = []
    u_du = np.array([bool(_KWH_DU.match(unicodedata.normalize("NFKC", str(u)))) for u in units.values], dtype=bool)
    billed = billing_units()
    u_billed = np.array([str(c) in billed for c in car.resolved], dtype=bool)
    du_rows = _rows_where(u_du, units.codes)
    billed_rows = car.rows(u_billed)
    if du_rows is None or billed_rows is None:
        return None, issues
    gas_rows = du_rows & billed_rows
    if bad is not None:
        gas_rows &= ~bad
    if not gas_rows.any():
        return None, issues
    for i in np.flatnonzero(gas_rows):
        cid = str(car.resolved[int(car.codes[i])])
        bu, name = billed[cid], carriers()[cid].labels.get("en", cid)
        issues.append(RowIssue(row=_row_label(index[i]), column="unit", value=plain(units.values[int(units.codes[i])]),
                               reason=f"度 for {name} is its billing unit ({bu.size}), not a kWh",
                               hint=f"write {bu.unit} (or {', '.join([*bu.also, 'the MJ'])}) for {name}"))
    return gas_rows, issues


def _scope_column(df: pd.DataFrame) -> tuple[KeyPart, np.ndarray | None, list[RowIssue]]:
    """Stage 5: the scope override per row (0: the carrier's default), each distinct cell read
    once with the words of ``scope`` in columns.yaml ("Scope 1", "範圍一")."""
    issues: list[RowIssue] = []
    if "scope" not in df.columns:
        return KeyPart(None, [0]), None, issues
    scope_col = df["scope"]
    scodes, suniq = _factorize(scope_col)
    prefix, words = _scope_words()
    svals = np.zeros(len(suniq), dtype=np.int8)
    sbad = np.zeros(len(suniq), dtype=bool)
    for j, raw in enumerate(suniq):
        u = re.sub(prefix, "", unicodedata.normalize("NFKC", "" if raw is None or (isinstance(raw, float) and raw != raw) else str(raw)).strip().lower())
        if u == "":
            continue
        if u in words:
            svals[j] = words[u]
        else:
            sbad[j] = True
    bad = _rows_where(sbad, scodes)
    for i in np.flatnonzero(bad) if bad is not None else ():
        issues.append(RowIssue(row=_row_label(df.index[i]), column="scope", value=plain(scope_col.iloc[i]), reason="scope must be 1 or 2",
                               hint="Scope 3 is outside ghgcalc's remit; leave the cell empty for the carrier's default"))
    return KeyPart(scodes, [int(v) for v in svals]), bad, issues


def _check_carriers(car: _Carriers, units: _Units, scope: KeyPart, col: pd.Series) -> tuple[np.ndarray | None, list[RowIssue]]:
    """Stage 6: an unknown carrier is acceptable only as a direct emission entry (unit = a mass
    of a gas) with a scope 1 or 2 (its id is then the label); an empty one never. Decided per
    distinct unit, broadcast to the rows; a spelling accepted on some row gets its label as id
    in ``car.resolved`` (its refused rows are bad)."""
    issues: list[RowIssue] = []
    bad: np.ndarray | None = None
    unknown = car.rows(car.u_unknown)
    if unknown is not None and unknown.any():
        u_direct = np.array([bool(ok) and gas_of(str(t)) is not None for t, ok in zip(units.text, units.ok, strict=True)], dtype=bool)
        s_ok = np.isin(np.asarray(scope.values), (1, 2))
        scope_ok = (np.full(len(unknown), bool(s_ok[0])) if scope.codes is None else np.take(s_ok, scope.codes))
        accepted = unknown & np.take(u_direct, units.codes) & scope_ok
        for j in np.unique(car.codes[accepted]).tolist():
            car.resolved[j] = str(car.resolved[j])[1:]
        refused = unknown & ~accepted
        for i in np.flatnonzero(refused):
            reading = car.readings[car.codes[i]] if car.readings else None
            issues.append(RowIssue(
                row=_row_label(col.index[i]), column="carrier", value=plain(col.iloc[i]),
                reason=reading.reason if reading is not None and reading.reason else "unknown carrier",
                hint=reading.hint if reading is not None and reading.hint else
                f"use a shipped carrier ({few(carriers(), more='ghgcalc factors list')}), a Chinese label such as 外購電力, "
                "define it under [carriers] in the profile, or give a GHG-mass unit and a scope for a direct emission entry",
            ))
        bad = refused
    empty = car.rows(car.u_empty)
    if empty is not None:
        for i in np.flatnonzero(empty):
            issues.append(RowIssue(row=_row_label(col.index[i]), column="carrier", value=None, reason="empty carrier"))
    return _or(bad, empty), issues


def _period_column(df: pd.DataFrame, profile: Profile) -> tuple[KeyPart, np.ndarray | None, list[RowIssue], dict[str, int]]:
    """Stage 7: the data year of each row (the profile's reporting year when no period is given),
    financial years mapped by the profile's ``period_year`` (:func:`_period_rule`)."""
    issues: list[RowIssue] = []
    col = df["period"] if "period" in df.columns else None
    years, bad, uniques = _parse_years(col, profile.reporting_year, len(df), df.index, issues)
    if col is None or uniques is None or years.codes is None:   # numbers and dates: calendar years and months
        return years, bad, issues, {}
    years, bad, read = _period_rule(col, years, uniques, bad, PeriodRule.of(profile), issues)
    return years, bad, issues, read


def _period_rule(col: pd.Series, years: KeyPart, uniques: list[Any], bad: np.ndarray | None, rule: PeriodRule,
                 issues: list[RowIssue]) -> tuple[KeyPart, np.ndarray | None, dict[str, int]]:
    """The data year of each distinct period text that is not a plain calendar year, by the
    profile's rule (:class:`~ghgcalc.core.periods.PeriodRule`), set on that distinct value of
    ``years`` (codes into ``uniques``); a period the rule cannot map is an issue naming the
    setting it needs (its rows are bad). Returns the years, the bad rows and the periods read
    (text -> data year), for ``input_info``."""
    assert years.codes is not None
    read: dict[str, int] = {}
    values = list(years.values)
    why: dict[int, str] = {}
    for j, u in enumerate(uniques):
        if not isinstance(u, str) or not u.strip() or u.strip().isdigit():
            continue
        text = unicodedata.normalize("NFKC", u)
        got = rule.data_year(text)
        if isinstance(got, str):
            why[j] = got
        elif got is not None:
            values[j] = int(got)
            span = period_span(text, rule.fiscal_year_start_month)
            if span is not None and span.fiscal:
                read[u.strip()] = int(got)
    if why:
        u_bad = np.zeros(len(uniques), dtype=bool)
        u_bad[list(why)] = True
        rows = np.take(u_bad, years.codes)
        if bad is not None:
            rows &= ~bad
        for i in np.flatnonzero(rows):
            issues.append(RowIssue(row=_row_label(col.index[i]), column="period", value=plain(col.iloc[i]),
                                   reason=why[int(years.codes[i])], hint=f"the profile sets {rule.describe()}"))
        bad = _or(bad, rows)
    return KeyPart(years.codes, values), bad, read


def _region_column(df: pd.DataFrame, profile: Profile, car: _Carriers) -> tuple[KeyPart, tuple[np.ndarray, list[Any]] | None]:
    """Stage 8: the region per distinct value (blank -> the profile's region, or "": a region is
    never invented), then the supply area an electricity label names ("Electricity (CLP)") on
    rows that give none. No issues here: unknown codes are the core's to judge. Returns the
    region and the factorized column (for the total-row check)."""
    factorized = None
    if "region" in df.columns:
        rcodes, runiq = _factorize(df["region"])
        factorized = (rcodes, runiq)
        given = [str(u).strip() if not (u is None or (isinstance(u, float) and u != u)) else "" for u in runiq]
        region = KeyPart(rcodes, [g or profile.region or "" for g in given])
        u_blank = np.array([g == "" for g in given], dtype=bool)
    else:
        region = KeyPart(None, [profile.region or ""])
        u_blank = np.ones(1, dtype=bool)
    u_supplier = [label_region(str(u), str(c)) if c in supplier_areas() else None
                  for u, c in zip(car.uniques, car.resolved, strict=True)]
    has_supplier = car.rows(np.array([x is not None for x in u_supplier], dtype=bool))
    if has_supplier is None or not has_supplier.any():
        return region, factorized
    values = list(region.values)
    code_of = {v: j for j, v in enumerate(values)}
    for x in u_supplier:
        if x is not None and x not in code_of:
            code_of[x] = len(values)
            values.append(x)
    sup_code = np.array([code_of[x] if x is not None else -1 for x in u_supplier], dtype=np.int64)
    blank_rows = (np.full(len(has_supplier), bool(u_blank[0])) if region.codes is None else np.take(u_blank, region.codes))
    use = has_supplier & blank_rows
    base = np.zeros(len(has_supplier), dtype=np.int64) if region.codes is None else region.codes.astype(np.int64)
    codes = np.where(use, np.take(sup_code, car.codes), base)
    return KeyPart(small_codes(codes, len(values)), values), factorized


def _instrument_column(df: pd.DataFrame) -> KeyPart | None:
    """Stage 9: the contractual instrument as given. Not judged here: which instruments a
    market-based method accepts is the core's (``canonical_instrument``, the profile)."""
    if "instrument" not in df.columns:
        return None
    codes, uniq = pd.factorize(df["instrument"], use_na_sentinel=False)
    return KeyPart(small_codes(codes, len(uniq)), list(uniq))


def _label_instruments(car: _Carriers, instrument: pd.Series | None, index: pd.Index
                       ) -> tuple[pd.Series | None, np.ndarray | None, list[RowIssue]]:
    """Stage 9b: the instrument a carrier label names ("Electricity (PPA)", "绿电") goes on its
    rows whose instrument cell is empty (a cell naming another instrument is an error); a label
    that says renewable without naming one ("Renewable electricity") needs an instrument on the
    row, or the row is an error: never counted as plain grid electricity (``label_flags`` in
    carriers.yaml; GHG Protocol Scope 2 Guidance, 2015, ch. 6). Per distinct label and cell."""
    n = len(car.codes)
    issues: list[RowIssue] = []
    u_inst = [r.instrument if r is not None and r.kind == "resolved" else None for r in car.readings]
    u_needs = [r if r is not None and r.kind == "needs_instrument" else None for r in car.readings]
    if not any(u_inst) and not any(u_needs):
        return None, None, issues
    bad = np.zeros(n, dtype=bool)
    cells = instrument if instrument is not None else pd.Series([None] * n, index=index, dtype=object)
    icodes, iuniq = _factorize(cells)
    u_blank = blank_cell(pd.Series(iuniq, dtype=object))
    # per distinct cell: its instrument id, "none" for an empty cell, None for one no instrument names
    canon = ["none" if b else canonical_instrument(u) for u, b in zip(iuniq, u_blank, strict=True)]
    rows = np.flatnonzero(np.array([u_inst[c] is not None or u_needs[c] is not None for c in range(len(u_inst))], dtype=bool)[car.codes])
    pair_u, pair_of_row = np.unique(car.codes[rows] * (len(iuniq) + 1) + icodes[rows], return_inverse=True)
    values = cells.to_numpy(dtype=object, na_value=None).copy()
    for p, pair in enumerate(pair_u.tolist()):   # decided once per (label, instrument cell)
        c, k = divmod(pair, len(iuniq) + 1)
        want, needs, given = u_inst[c], u_needs[c], canon[k]
        these = rows[pair_of_row == p]
        if want is not None and (bool(u_blank[k]) or given == want):
            values[these] = want
            continue
        if want is not None and given is not None:
            reason, hint, column = (f"the carrier label names instrument {want!r} but the instrument column says {given!r}",
                                    "keep one: the label's instrument or the column's", "instrument")
        elif needs is not None and given == "none":
            reason, hint, column = str(needs.reason), needs.hint, "carrier"
        else:
            continue            # an instrument no alias names: the core says so for the row
        bad[these] = True
        for i in these:
            issues.append(RowIssue(row=_row_label(index[i]), column=column,
                                   value=plain(cells.iloc[i] if column == "instrument" else car.uniques[c]), reason=reason, hint=hint))
    out = pd.Series(values, index=cells.index, dtype=object)
    return out, (bad if bad.any() else None), issues


def _carrier_labels(car: _Carriers) -> dict[str, dict[str, Any]]:
    """Label as given -> its carrier and how it was read, for ``input.carrier_labels``; a label
    accepted as the name of a direct emission entry says so. Unread and empty labels are left
    out (their rows are in error)."""
    out: dict[str, dict[str, Any]] = {}
    for j, (u, how) in enumerate(zip(car.uniques, car.how or [None] * len(car.uniques), strict=True)):
        reading = car.readings[j] if car.readings else None
        cid = car.resolved[j]
        if how is not None and cid is not None:
            rec = reading.record() if how == "words" and reading is not None and reading.carrier == cid else {"carrier": cid, "how": how}
            if reading is not None and reading.kind == "needs_instrument":
                rec["needs"] = "instrument"
            out[str(u)] = rec
        elif car.u_unknown[j] and isinstance(cid, str) and not cid.startswith("?"):
            out[str(u)] = {"carrier": cid, "how": "direct emission entry (the label names it)"}
    return out


@dataclass
class TotalRows:
    """A table's spreadsheet total rows, kept for a stream that proves them across the chunks
    of a file (:mod:`ghgcalc.core.stream_totals`): in memory a total row's parts are the rows
    above it since the previous total row, which a chunk may not hold."""

    #: positions of the total rows, in table order, and the label column of each
    positions: np.ndarray
    columns: list[str]
    #: per total row: it has no problem of its own, its carrier is known and its unit read (a
    #: total that could be proved equal to its parts)
    provable: np.ndarray
    #: per row: its carrier label names its carrier and a total ("Total electricity
    #: consumption"), a total only beside rows of that carrier (None: no such label)
    named: np.ndarray | None


def total_row_issue(row: int | None, column: str, value: Any, parts: int | None) -> RowIssue:
    """The issue of a spreadsheet total row: refused (``parts`` None), or, when it provably
    equals the ``parts`` rows above it that it totals, a warning that it was dropped."""
    if parts is None:
        return RowIssue(row=row, column=column, value=value, reason=TOTAL_ROW_REASON,
                        hint="delete the total row (ghgcalc adds the rows it totals); a facility named like a total, "
                             "e.g. 'Total Energy Ltd', is read as a name")
    return RowIssue(row=row, column=column, value=value,
                    reason=(f"spreadsheet total row equal to the sum of the {parts} row(s) above it that it totals "
                            f"(same carrier and unit): dropped, not added"))


def _total_row_stage(df: pd.DataFrame, car: _Carriers, units: _Units, q: np.ndarray, qtext: pd.Series | None,
                     bad: np.ndarray | None, issues: list[RowIssue], factorized: dict[str, tuple[np.ndarray, list[Any]]]
                     ) -> tuple[np.ndarray | None, list[RowIssue], TotalRows | None]:
    """Stage 10: spreadsheet total rows (合计, Total, ...): refused, or dropped with a warning
    where they provably equal their parts. A total row's one issue is that it is a total row
    (its other issues are removed from ``issues``). Returns the total rows (None: none), the
    warnings, and what a stream needs to prove them across chunks."""
    known = np.array([c is not None and not c.startswith("?") for c in car.resolved], dtype=bool)
    total, total_col, named = _total_rows(df, factorized, known, car.id_codes)
    warnings: list[RowIssue] = []
    if not len(total) or not total.any():
        empty = np.zeros(0, dtype=np.int64)
        return None, warnings, (TotalRows(empty, [], np.zeros(0, dtype=bool), named) if named is not None else None)
    unit_rows = np.take(np.asarray(units.text, dtype=object), units.codes)
    prior_bad = bad if bad is not None else np.zeros(len(q), dtype=bool)
    ids = car.row_ids()
    dropped = _provable_totals(total, total_col, ids, unit_rows, q, qtext, prior_bad)
    pos = np.flatnonzero(total)
    rows_of = {_row_label(df.index[i]) for i in pos}
    issues[:] = [x for x in issues if x.row not in rows_of]
    for t, parts in zip(pos.tolist(), dropped, strict=True):
        col = str(total_col[t])
        issue = total_row_issue(_row_label(df.index[t]), col, plain(df[col].iloc[t]), None if parts is None else len(parts))
        (issues if parts is None else warnings).append(issue)
    provable = np.array([_could_be_proved(t, ids, unit_rows, prior_bad) for t in pos.tolist()], dtype=bool)
    return total, warnings, TotalRows(pos, [str(total_col[t]) for t in pos.tolist()], provable, named)


def _assemble(df: pd.DataFrame, car: _Carriers, q: np.ndarray, qtext: pd.Series | None, units: _Units, keys: dict[str, KeyPart],
              bad: np.ndarray | None) -> pd.DataFrame:
    """Stage 11: the validated frame: the canonical columns, then every extra column, and ``_bad``.
    Built only when asked for (:attr:`ActivityTable.frame`)."""
    n = len(df)
    out = pd.DataFrame(index=df.index)
    bad_rows = bad if bad is not None else np.zeros(n, dtype=bool)
    names = frame_columns(list(df.columns), qtext is not None)
    if car.u_unknown.any() or car.u_empty.any():
        ids = car.row_ids()
        unknown_or_empty = np.take(car.u_unknown | car.u_empty, car.codes)
        ids[bad_rows & unknown_or_empty] = None
        out["carrier"] = pd.Series(ids, index=df.index, dtype=object)
    else:
        out["carrier"] = categorical(car.codes, [str(c) for c in car.resolved])
    out["carrier_input"] = df["carrier"]
    out["quantity"] = q
    if qtext is not None:
        out["quantity_text"] = qtext
    out["unit"] = categorical(units.codes, [str(u) for u in units.text])
    year = keys["year"]
    years = np.full(n, year.values[0], dtype=np.int64) if year.codes is None else np.take(np.asarray(year.values, dtype=np.int64), year.codes)
    out["period"] = df["period"] if "period" in df.columns else years
    out["year"] = years
    region = keys["region"]
    out["region"] = (pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[region.values[0]]) if region.codes is None
                     else categorical(region.codes, [str(v) for v in region.values]))
    scope = keys["scope_override"]
    out["scope_override"] = (np.zeros(n, dtype=np.int8) + scope.values[0] if scope.codes is None
                             else np.take(np.asarray(scope.values, dtype=np.int8), scope.codes))
    if "facility" in df.columns:
        out["facility"] = df["facility"]
    if "instrument" in df.columns:
        out["instrument"] = df["instrument"]
    for c in df.columns:
        if c not in out.columns and c not in REQUIRED_COLUMNS and c not in OPTIONAL_COLUMNS:
            out[c] = df[c]
    out["_bad"] = bad_rows
    assert list(out.columns) == names, (list(out.columns), names)
    return out


def frame_columns(columns: Sequence[Any], has_quantity_text: bool) -> list[Any]:
    """The columns of the validated frame (:func:`_assemble`) of a table with these (renamed)
    columns, without building it."""
    out: list[Any] = ["carrier", "carrier_input", "quantity", *(["quantity_text"] if has_quantity_text else []),
                      "unit", "period", "year", "region", "scope_override"]
    out += [c for c in ("facility", "instrument") if c in columns]
    out += [c for c in columns if c not in out and c not in REQUIRED_COLUMNS and c not in OPTIONAL_COLUMNS]
    return [*out, "_bad"]


def read_activities(source: Any, profile: Profile, *, sheet: str | int | None = 0) -> ActivityTable:
    """Read and validate an activity table against a profile.

    Every problem is collected as a :class:`~ghgcalc.errors.RowIssue` (row, column, value,
    reason); nothing is dropped silently. Rows with an issue are marked in ``bad`` (and in the
    frame's ``_bad``), so callers can decide to raise or to collect.

    Stages: :func:`_read_table` (reading, header, blank rows), one validator per contract
    column (carrier, quantity, unit, scope, the carrier check that needs unit and scope,
    period, region, instrument), each deciding per distinct value and returning its column as
    codes (:class:`~ghgcalc.core.keys.KeyPart`), its bad rows and its issues; then total rows.
    The frame (:func:`_assemble`) is built only when asked for.
    """
    df, meta, issues, early, carrier = _read_table(source, sheet, profile.input.columns)
    if early is not None:
        return early
    as_read = df
    df, labels_folded, label_codes = fold_label_columns(df)   # "Plant A " is "Plant A": one group
    car = _carrier_column(carrier, profile)
    q, qtext, qbad, q_issues = _quantity_column(df["quantity"], meta["delimiter"])
    mbad, m_issues = _merged_quantities(df)
    qbad, q_issues = _or(qbad, mbad), q_issues + m_issues
    unit_in, unit_record = _unit_choice_column(df["unit"], profile)
    units, ubad, u_issues = _unit_column(unit_in, car, df.index, qbad)
    scope, sbad, s_issues = _scope_column(df)
    cbad, c_issues = _check_carriers(car, units, scope, df["carrier"])
    years, ybad, y_issues, periods_read = _period_column(df, profile)
    region, rfact = _region_column(df, profile, car)
    inst_col, ibad, i_issues = _label_instruments(car, df["instrument"] if "instrument" in df.columns else None, df.index)
    if inst_col is not None:   # instruments named by carrier labels ("Electricity (PPA)") are on their rows
        df = df.assign(instrument=inst_col)
    instrument = _instrument_column(df)
    issues += q_issues + u_issues + s_issues + c_issues + y_issues + i_issues
    bad = _or(_or(_or(qbad, ubad), _or(sbad, cbad)), _or(ybad, ibad))
    bad = _or(bad, _repeated_header_stage(df, car, profile.input.columns, meta.get("wide") is not None, issues))
    bad = _or(bad, _hidden_row_stage(df, meta["hidden_rows"], issues))
    factorized = {**label_codes, "carrier": (car.codes, car.uniques), **({"region": rfact} if rfact is not None else {})}
    total, warnings, total_rows = _total_row_stage(df, car, units, q, qtext, bad, issues, factorized)
    bad = _or(bad, total)
    if bad is not None and not bad.any():
        bad = None
    keys = {"carrier": KeyPart(car.codes, list(car.resolved)), "unit": KeyPart(units.codes, list(units.text)),
            "year": years, "region": region, "scope_override": scope}
    assert tuple(keys) == KEY_COLUMNS
    if instrument is not None:
        keys["instrument"] = instrument
    table = ActivityTable(issues=issues, n_input_rows=len(df), warnings=warnings, quantity=q, bad=bad, keys=keys,
                          index=df.index, quantity_text=qtext.to_numpy(dtype=object) if qtext is not None else None,
                          build=lambda: _assemble(df, car, q, qtext, units, keys, bad), source_columns=list(df.columns),
                          column=df.__getitem__, carrier_labels=_carrier_labels(car), unit_choices=unit_record,
                          labels_folded=labels_folded, total_rows=total_rows, **meta)
    if periods_read:
        table.periods = {"rule": PeriodRule.of(profile).describe(), "read": periods_read}
    if labels_folded:   # a message quotes the cell as the file has it
        _cells_as_read(issues, as_read, set(labels_folded))
        _cells_as_read(warnings, as_read, set(labels_folded))
    table.number_lines(issues)
    table.number_lines(warnings)
    return table


def _cells_as_read(issues: Sequence[RowIssue], as_read: pd.DataFrame, columns: set[str]) -> None:
    """Set the value of the issues about a cell of a folded label column (``columns``) to the
    cell as read (``"Total "``, not its folded ``"Total"``): a person searches the file for it."""
    for issue in issues:
        if issue.column in columns and issue.row is not None and issue.row in as_read.index:
            issue.value = plain(as_read.at[issue.row, issue.column])
