"""Reading activity tables as files hold them: encodings (UTF-8/16, GB18030, Big5), delimiters,
title rows above the header, the header row itself (header words in English and Chinese,
``ghgcalc/data/columns.yaml``), Excel sheets with merged cells, Parquet.

The result is a :class:`RawTable` of text cells and how it was read; validating what the
cells mean is the core's (:func:`ghgcalc.core.activities.read_activities`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .data import carrier_words, column_words, normalize_key
from .wide import year_of_head

#: the contract's columns (contract section 1)
REQUIRED_COLUMNS = ("carrier", "quantity", "unit")
OPTIONAL_COLUMNS = ("facility", "period", "region", "scope", "instrument")

__all__ = [
    "HEADER_SCAN_ROWS",
    "MERGE_COLUMN",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "RawTable",
    "blank_cell",
    "canonical_column",
    "column_aliases",
    "csv_records",
    "detect_encoding",
    "find_header_row",
    "header_names",
    "maybe_header_below",
    "read_raw",
    "read_table",
    "record_lines",
    "sniff_text",
]

#: a header -> contract column mapping given by the user (``--columns``, a profile's
#: ``[input] columns``), which wins over the header words
ColumnMap = Mapping[str, str]


def column_aliases() -> dict[str, list[str]]:
    """Header spellings accepted for the standard columns (``headers`` in ghgcalc/data/columns.yaml)."""
    aliases: dict[str, list[str]] = column_words()["headers"]
    return aliases


@lru_cache(maxsize=1)
def _alias_lookup() -> dict[str, str]:
    return {normalize_key(str(a)): canon for canon, aliases in column_aliases().items() for a in aliases}


_HEADER_PARTS = re.compile(r"[()\[\]{}<>/|:;,、]+")


_CJK_OR_NOT = re.compile(r"[\u3400-\u9fff]+|[^\u3400-\u9fff]+")


def canonical_column(name: Any, columns: ColumnMap | None = None) -> str | None:
    """The standard column a header names (``"數量（噸）"`` -> ``quantity``), or None.

    ``columns``, the user's own mapping (header -> column), is looked up first. Then the
    header is folded (NFKC, case, spaces, ``_`` and ``-``) and compared with the header words
    (``headers`` in columns.yaml); failing that, a bilingual or annotated header (``"數量
    (Quantity)"``, ``"能源品种 Energy type"``, ``"Carrier："``) names a column when all its
    recognised parts agree on one."""
    if name is None or (isinstance(name, float) and name != name):
        return None
    text = unicodedata.normalize("NFKC", str(name)).strip().strip(":*").strip()
    key = normalize_key(text)
    if columns:
        given = {normalize_key(k): v for k, v in columns.items()}.get(key)
        if given:
            return given
    canon = _alias_lookup().get(key)
    if canon:
        return canon
    parts = [p for p in _HEADER_PARTS.split(text) if p.strip()]
    if len(parts) < 2:
        # a Chinese header with its English beside it, no bracket between
        parts = [p for p in _CJK_OR_NOT.findall(text) if p.strip(" .:-_")]
        if len(parts) < 2:
            return None
    found = {_alias_lookup().get(normalize_key(p)) for p in parts} - {None}
    return found.pop() if len(found) == 1 else None


HEADER_SCAN_ROWS = 20


def _header_score(cells: Sequence[Any], columns: ColumnMap | None = None) -> int:
    """How many of the required columns a row of cells names; the year heads of a wide KPI
    table (``指标 | 单位 | 2021 | 2022``) stand for its quantities when no cell names them and
    none names a period."""
    found = {canonical_column(c, columns) for c in cells}
    score = found & set(REQUIRED_COLUMNS)
    if "quantity" not in found and "period" not in found and any(year_of_head(c) is not None for c in cells):
        score.add("quantity")
    return len(score)


def find_header_row(rows: Sequence[Sequence[Any]], columns: ColumnMap | None = None) -> tuple[int, int]:
    """(index, score) of the first row among the first 20 that names the most required
    columns (all three, ideally): title rows above the header are skipped. ``columns``: the
    user's own header mapping (:func:`canonical_column`)."""
    best, best_score = 0, 0
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = _header_score(cells, columns)
        if score > best_score:
            best, best_score = i, score
            if score == len(REQUIRED_COLUMNS):
                break
    return best, best_score


@dataclass
class RawTable:
    """A table as read from its source, before validation, with how it was read."""

    frame: pd.DataFrame
    source: str | None = None
    format: str = "dataframe"
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    sheet: str | None = None
    #: cells of merged ranges (Excel) filled from the range's top-left cell
    merged_cells_filled: int = 0
    #: the 1-based line of each row of ``frame`` (by position) where it is not simply the line
    #: under the header plus the row number: a CSV whose quoted cells hold line breaks
    lines: np.ndarray | None = None
    #: rows under the header hidden in the sheet (Excel: by hand, a collapsed outline group or a
    #: filter), a mask by position; None when none is
    hidden_rows: np.ndarray | None = None
    #: the headers of the columns hidden in the sheet
    hidden_columns: list[str] = field(default_factory=list)

    @property
    def first_line(self) -> int | None:
        """The line (CSV) or sheet row (XLSX), 1-based, of the first row under the header
        (header and title rows counted, as an editor or Excel numbers them); None for a
        DataFrame or Parquet table."""
        if self.format in ("csv", "xlsx") and self.header_row is not None:
            return self.header_row + 2
        return None


def header_names(cells: Sequence[Any]) -> list[str]:
    out = []
    for j, c in enumerate(cells):
        blank = c is None or (isinstance(c, float) and c != c) or not str(c).strip()
        out.append(f"column_{j + 1}" if blank else str(c).strip())
    return out


def blank_cell(s: pd.Series) -> np.ndarray:
    """Missing or whitespace-only cells, judged once per distinct value (codes of a
    categorical, or one factorize), never by converting every cell to text."""
    if s.dtype == object or isinstance(s.dtype, (pd.StringDtype, pd.CategoricalDtype)):
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes, uniq = s.cat.codes.to_numpy(), s.cat.categories
        else:
            codes, uniq = pd.factorize(s, use_na_sentinel=True)
        blank_u = np.array([u is None or (isinstance(u, float) and u != u) or not str(u).strip() for u in uniq], dtype=bool)
        out: np.ndarray = codes < 0
        if len(blank_u):
            out |= blank_u[np.maximum(codes, 0)]
        return out
    na: np.ndarray = s.isna().to_numpy(dtype=bool)
    return na


def _head_cells(df: pd.DataFrame) -> list[list[Any]]:
    head = df.head(HEADER_SCAN_ROWS)
    cells: list[list[Any]] = head.astype(object).where(head.notna(), "").values.tolist()
    return cells


def _promote_header(df: pd.DataFrame, idx: int | None = None, columns: ColumnMap | None = None) -> tuple[pd.DataFrame, int]:
    """Use the header row found among the first rows (``header=None`` reads), or row ``idx``:
    columns from its cells, data from the rows below it (index 0, 1, ... from the first of them).
    A column whose header and cells are all blank (Excel's trailing columns) is dropped."""
    head = _head_cells(df)
    if idx is None:
        idx, _ = find_header_row(head, columns)
    names = header_names(head[idx] if head else [])
    body = df.iloc[idx + 1:].reset_index(drop=True)
    body.columns = pd.Index(names, dtype=object)
    keep = [j for j, c in enumerate(df.columns) if not (str(head[idx][j]).strip() == "" and blank_cell(body.iloc[:, j]).all())] if head else []
    return body.iloc[:, keep], idx


def maybe_header_below(df: pd.DataFrame, columns: ColumnMap | None = None) -> tuple[pd.DataFrame, int | None]:
    """A DataFrame whose column names lack the required columns but whose first rows hold
    them (a sheet read with title rows above the header) gets its header from that row."""
    own = _header_score(list(df.columns), columns)
    if own == len(REQUIRED_COLUMNS) or len(df) == 0:
        return df, None
    head = df.head(HEADER_SCAN_ROWS).astype(object).where(df.head(HEADER_SCAN_ROWS).notna(), "").values.tolist()
    idx, score = find_header_row(head, columns)
    if score <= own:
        return df, None
    body = df.iloc[idx + 1:].reset_index(drop=True)
    body.columns = pd.Index(header_names(head[idx]), dtype=object)
    return body, idx + 1


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"GIF8", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"), (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!", "a RAR archive"), (b"\x7fELF", "an executable"), (b"MZ", "an executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Excel (.xls) or other OLE2 file"),
)
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_PARQUET_SUFFIXES = (".parquet", ".pq")


def read_raw(source: Any, *, sheet: str | int | None = 0, columns: ColumnMap | None = None) -> RawTable:
    """Read a DataFrame, list of dicts, CSV/TSV (any delimiter, encoding), Excel or
    Parquet file into a :class:`RawTable` with its header found (``columns``: the user's own
    header mapping, which also tells the header row).

    What a file is comes from its bytes (zip -> Excel, ``PAR1`` -> Parquet, else text), so a
    misnamed file is read for what it is and a binary or truncated one is a clean
    :class:`~ghgcalc.errors.InputError`, never a parser's own exception.
    """
    if isinstance(source, pd.DataFrame):
        df, hdr = maybe_header_below(source, columns)
        return RawTable(frame=df, header_row=hdr)
    if isinstance(source, (list, tuple)):
        try:
            return RawTable(frame=pd.DataFrame(list(source)))
        except (TypeError, ValueError) as exc:
            raise InputError(f"cannot make a table of the rows given: {exc}") from None
    if not isinstance(source, (str, Path)):
        raise InputError(f"activities must be a DataFrame, a list of dicts or a path, not {type(source).__name__}")
    path = Path(source)
    if path.is_dir():
        raise InputError("the activity path is a directory, not a file", value=str(source))
    if not path.is_file():
        raise InputError("activity file not found", value=str(source))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the activity file: {exc.strerror or exc}", value=str(source)) from None
    suffix = path.suffix.lower()
    src = str(path)
    if not raw.strip():
        raise InputError("the activity file is empty", value=src)
    if raw.startswith(b"PK\x03\x04") or suffix in _EXCEL_SUFFIXES:
        return _read_excel(raw, src, sheet, columns)
    if raw.startswith(b"PAR1") or suffix in _PARQUET_SUFFIXES:
        return _read_parquet(raw, src, columns)
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            hint = "save the sheet as .xlsx or CSV" if "xls" in what else "give a CSV, XLSX or Parquet table"
            raise InputError(f"not an activity table: the file is {what}", value=src, hint=hint)
    return _read_text(raw, src, suffix, columns)


def read_table(source: Any, *, sheet: str | int | None = 0) -> tuple[pd.DataFrame, str | None, str | None]:
    """(frame, source name, encoding) of :func:`read_raw`, for callers that need only those."""
    t = read_raw(source, sheet=sheet)
    return t.frame, t.source, t.encoding


def _read_excel(raw: bytes, src: str, sheet: str | int | None, columns: ColumnMap | None = None) -> RawTable:
    import io
    import zipfile

    if not raw.startswith(b"PK\x03\x04"):
        raise InputError("not an Excel workbook: an .xlsx file is a zip archive, and this one is not", value=src,
                         hint="the file may be truncated, or another format with an .xlsx name")
    try:
        names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
    except Exception as exc:  # BadZipFile, NotImplementedError (zip version), OSError, EOFError ...
        raise InputError(f"not a readable Excel workbook (damaged or truncated zip: {exc})", value=src) from None
    if not any(n.startswith("xl/") for n in names):
        raise InputError("not an Excel workbook: a zip archive without a workbook inside", value=src)
    def read(which: str | int | None) -> Any:
        try:
            # a cell's text is kept as written ("N/A", "NA", "null": a "not reported" the core reports, never
            # pandas' missing value); only an empty cell is missing
            return pd.read_excel(io.BytesIO(raw), sheet_name=which, header=None, dtype=object, engine="openpyxl",
                                 keep_default_na=False, na_values=[""])
        except Exception as exc:  # openpyxl, zipfile and XML parsers raise many unrelated types
            raise InputError(f"cannot read the Excel workbook ({type(exc).__name__}: {exc})", value=src,
                             hint="open it in Excel and save it again as .xlsx, or export the sheet as CSV") from None

    book = read(sheet)
    sheet_name = sheet if isinstance(sheet, str) else None
    if sheet == 0 and _header_score_of(book, columns) < len(REQUIRED_COLUMNS):
        # the first sheet is a cover or notes page: take the first sheet that has the header
        for name, other in read(None).items():
            if _header_score_of(other, columns) == len(REQUIRED_COLUMNS):
                book, sheet_name = other, str(name)
                break
    if book.shape[0] == 0:
        raise InputError("the Excel sheet is empty" + (f" ({sheet_name})" if sheet_name else ""), value=src)
    idx, _ = find_header_row(_head_cells(book), columns)
    layout = _sheet_layout(raw, names, sheet_name if sheet_name is not None else sheet)
    book, filled = _fill_merged(book, idx, layout.merged) if layout is not None else (book, None)
    head_names = header_names(_head_cells(book)[idx])
    df, idx = _promote_header(book, idx, columns)
    n_filled = 0
    if filled is not None:
        body_filled = filled[idx + 1:, :]
        n_filled = int(body_filled.sum())
        if n_filled:
            df = df.assign(**{MERGE_COLUMN: _filled_names(body_filled, book.iloc[idx].tolist())})
    hidden_rows, hidden_columns = _hidden_body(layout, idx, len(df), head_names, df.columns)
    return RawTable(frame=df, source=src, format="xlsx", header_row=idx, sheet=sheet_name, merged_cells_filled=n_filled,
                    hidden_rows=hidden_rows, hidden_columns=hidden_columns)


#: the column that lists, on a row read from Excel, the columns whose cell was filled from a
#: merged range above it (``"facility;period"``; empty where none was)
MERGE_COLUMN = "filled_from_merge"


@dataclass
class _SheetLayout:
    """What pandas does not read of a sheet: its merged ranges (0-based ``(row0, col0, row1,
    col1)``) and the rows and columns hidden in it (0-based sheet positions: rows hidden by
    hand, by a collapsed outline group or by a filter are all ``hidden`` in the sheet's XML)."""

    merged: list[tuple[int, int, int, int]]
    hidden_rows: np.ndarray
    hidden_columns: np.ndarray


#: a row or column hidden in a worksheet's XML (``<row r="4" hidden="1">``, ``<col ... hidden="1"/>``)
_HIDDEN_XML = re.compile(rb'\shidden="(?:1|true)"')


def _sheet_layout(raw: bytes, names: list[str], which: str | int | None) -> _SheetLayout | None:
    """The merged ranges and hidden rows and columns of sheet ``which``, read once (openpyxl,
    which knows them) and only when a sheet of the workbook has any at all (a look at the bytes
    of its XML first); None when none has, or when openpyxl cannot read the sheet (pandas did:
    it is then read as pandas sees it)."""
    import io
    import zipfile

    zf = zipfile.ZipFile(io.BytesIO(raw))
    sheets = [zf.read(n) for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    if not any(b"<mergeCell " in x or _HIDDEN_XML.search(x) for x in sheets):
        return None
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=False, data_only=True)
        ws = wb[which] if isinstance(which, str) else wb.worksheets[which or 0]
        ranges = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
        rows = sorted(int(r) - 1 for r, d in ws.row_dimensions.items() if d.hidden)
        cols = sorted({j - 1 for d in ws.column_dimensions.values() if d.hidden and d.min
                       for j in range(int(d.min), int(d.max or d.min) + 1)})
    except Exception:  # pandas read the sheet: without its layout it is read as before
        return None
    return _SheetLayout(ranges, np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))


def _hidden_body(layout: _SheetLayout | None, header: int, n_body: int, head_names: list[str], kept: pd.Index
                 ) -> tuple[np.ndarray | None, list[str]]:
    """Which rows under the header are hidden in the sheet (a mask by position; None: none),
    and the headers of the hidden columns that were read (a column dropped as all blank is not
    one)."""
    if layout is None:
        return None, []
    rows = layout.hidden_rows[(layout.hidden_rows > header) & (layout.hidden_rows <= header + n_body)] - header - 1
    mask: np.ndarray | None = None
    if len(rows):
        mask = np.zeros(n_body, dtype=bool)
        mask[rows] = True
    kept_names = set(map(str, kept))
    cols = [head_names[j] for j in layout.hidden_columns.tolist() if j < len(head_names) and head_names[j] in kept_names]
    return mask, cols


def _fill_merged(book: pd.DataFrame, header: int, ranges: list[tuple[int, int, int, int]]) -> tuple[pd.DataFrame, np.ndarray | None]:
    """Fill each merged range of the sheet below the header row from its top-left cell, as a
    reader sees the sheet (a facility merged down over three rows is that facility on all
    three), and say which cells were filled. Ranges that reach the header row or the title
    rows above it are left as read (header detection sees the sheet as before). ``ranges``:
    the sheet's merged ranges (:func:`_sheet_layout`)."""
    if not ranges:
        return book, None
    nrow, ncol = book.shape
    blank = book.isna().to_numpy()
    filled = np.zeros((nrow, ncol), dtype=bool)
    cells: np.ndarray | None = None
    for r0, c0, r1, c1 in sorted(ranges):
        if r0 <= header or r0 >= nrow or c0 >= ncol:
            continue
        value = book.iat[r0, c0]
        if blank[r0, c0] or (isinstance(value, str) and not value.strip()):
            continue
        sub = blank[r0:r1 + 1, c0:c1 + 1].copy()
        sub[0, 0] = False
        if not sub.any():
            continue
        if cells is None:
            cells = book.to_numpy(dtype=object, copy=True)
        cells[r0:r1 + 1, c0:c1 + 1][sub] = value
        filled[r0:r1 + 1, c0:c1 + 1] |= sub
    if cells is None:
        return book, None
    return pd.DataFrame(cells, index=book.index, columns=book.columns), filled


def _filled_names(filled: np.ndarray, header: list[Any]) -> np.ndarray:
    """Per body row, the ``;``-joined names (standard name where the header is one) of the
    columns filled from a merged range; ``""`` where none was."""
    names = header_names(header)
    acc = np.full(filled.shape[0], "", dtype=object)
    for j in np.flatnonzero(filled.any(axis=0)).tolist():
        name = canonical_column(names[j]) or names[j]
        acc = acc + np.where(filled[:, j], ";" + name, "")
    out: np.ndarray = pd.Series(acc, dtype=object).str[1:].to_numpy(dtype=object)
    return out


def _header_score_of(sheet: pd.DataFrame, columns: ColumnMap | None = None) -> int:
    head = sheet.head(HEADER_SCAN_ROWS).astype(object).where(sheet.head(HEADER_SCAN_ROWS).notna(), "").values.tolist()
    return find_header_row(head, columns)[1] if head else 0


def _read_parquet(raw: bytes, src: str, columns: ColumnMap | None = None) -> RawTable:
    import io

    try:
        df = pd.read_parquet(io.BytesIO(raw))
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise InputError(f"cannot read the Parquet file ({type(exc).__name__}: {exc})", value=src,
                         hint="the file may be truncated or not Parquet") from None
    df, hdr = maybe_header_below(df, columns)
    return RawTable(frame=df, source=src, format="parquet", header_row=hdr)


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
#: decoders used for what charset-normalizer names (the superset Excel actually writes)
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "cp936": "gb18030"}
_SCORE_CHARS = 65536


def _encodings(raw: bytes) -> list[str]:
    """Candidate encodings: a BOM decides; else UTF-8 if the bytes are valid UTF-8; else
    charset-normalizer's guesses, best first, then GB18030 and Big5 (CP950)."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            return [enc]
    try:
        raw.decode("utf-8")
        return ["utf-8"]
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    guesses = [_SUPERSET.get(m.encoding, m.encoding) for m in from_bytes(raw[:1_000_000])]
    return list(dict.fromkeys([*guesses[:4], "gb18030", "cp950"]))


def _binary_text(text: str) -> bool:
    sample = text[:_SCORE_CHARS]
    if "\x00" in sample:
        return True
    ctrl = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    return ctrl > max(2, len(sample) // 200)


def csv_records(text: str, delimiter: str, limit: int) -> list[tuple[list[str], int]]:
    """The first ``limit`` CSV records and the line each starts on."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text[:_SCORE_CHARS]), delimiter=delimiter, skipinitialspace=True)
    out: list[tuple[list[str], int]] = []
    start = 0
    try:
        for rec in reader:
            out.append((rec, start))
            start = reader.line_num
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def sniff_text(text: str, suffix: str, columns: ColumnMap | None = None) -> tuple[int, str, int, int]:
    """(score, delimiter, header record index, line the header starts on) for a text."""
    delims = ["\t", ",", ";", "|"] if suffix == ".tsv" else [",", "\t", ";", "|"]
    best = (-1, ",", 0, 0)
    for d in delims:
        recs = csv_records(text, d, HEADER_SCAN_ROWS + 40)
        idx, score = find_header_row([r for r, _ in recs], columns)
        if score == 0:
            continue
        # recognised carriers and units in the rows below break ties between encodings
        known = carrier_words()
        cells = [c for r, _ in recs[idx + 1:] for c in r]
        bonus = sum(1 for c in cells if normalize_key(c) in known)
        total = score * 1000 + min(bonus, 999)
        if total > best[0]:
            best = (total, d, idx, recs[idx][1])
    return best


def detect_encoding(raw: bytes, source: str | None = None) -> str:
    """The encoding :func:`read_raw` would choose for these bytes (the first megabyte of a
    file is enough): a BOM, else UTF-8, else charset-normalizer's candidates ranked by which
    decoding yields the header and known carriers. A UTF-8 BOM is reported as ``utf-8``."""
    best: tuple[int, str] | None = None
    for enc in _encodings(raw):
        try:
            text = raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _binary_text(text):
            continue
        score = sniff_text(text, "")[0]
        if best is None or score > best[0]:
            best = (score, enc)
    if best is None:
        raise InputError("cannot decode the file as text: a binary file?", value=source,
                         hint="give a CSV (UTF-8, GB18030 or Big5), XLSX or Parquet table")
    return "utf-8" if best[1] == "utf-8-sig" else best[1]


def _read_text(raw: bytes, src: str, suffix: str, columns: ColumnMap | None = None) -> RawTable:
    import io

    cands = _encodings(raw)
    chosen: tuple[int, str, str, str, int, int] | None = None  # score, encoding, text, delimiter, header idx, header line
    binary = 0
    for enc in cands:
        try:
            text = raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _binary_text(text):
            binary += 1
            continue
        score, delim, idx, line = sniff_text(text, suffix, columns)
        if chosen is None or score > chosen[0]:
            chosen = (score, enc, text, delim, idx, line)
        if score >= len(REQUIRED_COLUMNS) * 1000 and enc in ("utf-8", "utf-8-sig", "utf-16", "utf-32"):
            break
    if chosen is None:
        if binary:
            raise InputError("not an activity table: the file holds binary data, not text", value=src,
                             hint="give a CSV (UTF-8, GB18030 or Big5), XLSX or Parquet table")
        raise InputError(f"cannot decode the file as text (tried {', '.join(cands)}): a binary file?", value=src,
                         hint="give a CSV (UTF-8, GB18030 or Big5), XLSX or Parquet table")
    _, enc, text, delim, _, line = chosen
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=delim, header=None, skiprows=line,
                         skipinitialspace=True, skip_blank_lines=False, engine="c")
    except pd.errors.EmptyDataError:
        raise InputError("the activity file has no table in it", value=src) from None
    except Exception as exc:  # pandas raises several parser errors
        msg = " ".join(str(exc).split())
        raise InputError(f"cannot read as CSV: {msg}", value=src,
                         hint="every row must have as many cells as the header; quote cells that contain the delimiter") from None
    if len(df) == 0:
        raise InputError("the activity file has no table in it", value=src)
    names = header_names(df.iloc[0].tolist())
    body = df.iloc[1:].reset_index(drop=True)
    body.columns = pd.Index(names, dtype=object)
    keep = [j for j, c in enumerate(df.iloc[0].tolist()) if not (not str(c).strip() and blank_cell(body.iloc[:, j]).all())]
    body = body.iloc[:, keep]
    lines = record_lines(text, line, len(body))
    return RawTable(frame=body, source=src, format="csv", encoding=enc, delimiter=delim, header_row=line, lines=lines)


def record_lines(text: str, header_line: int, n_rows: int) -> np.ndarray | None:
    """The 1-based line each CSV record under the header starts on, when a quoted cell holds a
    line break (so records and lines differ); None when every record is one line (then row
    ``i`` is on line ``header_line + 2 + i``). ``header_line``: the 0-based line of the header.

    Vectorised over the bytes: a line break ends a record where the quotes before it are
    balanced (a doubled quote ``""`` inside a cell counts twice, so it keeps the balance)."""
    if '"' not in text:
        return None
    b = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)   # '"' and '\n' never occur inside a UTF-8 sequence
    newline = b == 0x0A
    line_start = np.flatnonzero(newline)
    if header_line > 0:
        if header_line > len(line_start):
            return None
        b = b[line_start[header_line - 1] + 1:]
        newline = b == 0x0A
    quoted = (np.cumsum(b == 0x22) & 1).astype(bool)
    if not (newline & quoted).any():
        return None
    ends = np.flatnonzero(newline & ~quoted)
    # line (0-based, from the header) each record starts on: 0, then after each record's end
    starts = np.concatenate(([0], np.cumsum(newline)[ends]))
    body = starts[1:n_rows + 1]
    if len(body) < n_rows:
        return None
    out: np.ndarray = (body + header_line + 1).astype(np.int64)
    return out
