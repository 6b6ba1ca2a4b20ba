"""Exports at the edge of the library: cells written to CSV and XLSX made inert, files
written whole or not at all.

Exports never turn a cell into a live spreadsheet formula: text starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return is prefixed with an apostrophe (OWASP, "CSV Injection").

Every file ghgcalc writes goes through :func:`atomic_path`: it is written under a temporary
name in the same folder and renamed to the name asked for (:func:`os.replace`, atomic on
POSIX and Windows within one file system) only once it is complete. A run that fails, or is
killed, never leaves a partial file under that name that looks like a finished one.
"""

from __future__ import annotations

import contextlib
import html
import os
import secrets
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CSV_LINE_END", "TEMP_MARK", "ParquetRows", "atomic_path", "html_text", "parquet_column", "safe_cell", "safe_column"]

#: CSV exports end lines with CRLF (RFC 4180), so that a cell holding a lone carriage return
#: is quoted (Python's csv writer quotes the characters of the line terminator) and cannot
#: split a row in two
CSV_LINE_END = "\r\n"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(v: Any) -> Any:
    """Text that a spreadsheet would read as a formula, made inert (prefixed with ``'``).

    Caught also after leading spaces (``"  =1+1"``) and in full-width form (``＝``, ``＋``,
    ``－``, ``＠``, which NFKC folds to the ASCII signs and some spreadsheets accept)."""
    if not isinstance(v, str) or not v:
        return v
    if v.startswith(_FORMULA_START):
        return "'" + v
    folded = unicodedata.normalize("NFKC", v[:8]).lstrip(" \u3000\xa0")
    if folded.startswith(_FORMULA_START):
        return "'" + v
    return v


def html_text(v: Any) -> str:
    """A value as HTML text (``&``, ``<``, ``>`` and quotes escaped), for the notebook displays."""
    return html.escape(str(v))


def safe_column(s: pd.Series) -> pd.Series:
    """A text (object, string or categorical) column with :func:`safe_cell` applied to each
    distinct value once (codes from :func:`pandas.factorize`), missing values kept missing.
    The column itself when no value needed a change."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = list(uniques)
    safe = [safe_cell(v) for v in values]
    if all(a is b for a, b in zip(values, safe, strict=True)):
        return s
    table = np.empty(len(safe) + 1, dtype=object)
    table[:-1] = safe
    table[-1] = None   # code -1: a missing value
    return pd.Series(table[codes], index=s.index, name=s.name, dtype=object)


#: the part of a temporary file's name that says it is one (``.rows.csv.tmp-1a2b3c4d``)
TEMP_MARK = ".tmp-"


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; renamed to ``target`` when the block
    ends normally, removed when it raises.

    The temporary file is ``.<name>.tmp-<8 hex digits>`` in the folder of ``target`` (the
    same file system, so the rename is atomic: :func:`os.replace`), created empty with the
    permissions a new file gets (mode 0o666 less the umask) so the finished file has them
    too. Writers that choose a format by the file name must be told the format (the
    temporary name does not end in ``.csv``, ``.xlsx``, ...).
    """
    dest = Path(target)
    folder = dest.parent
    for _ in range(100):
        tmp = folder / f".{dest.name}{TEMP_MARK}{secrets.token_hex(4)}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        break
    else:   # pragma: no cover - 100 collisions of 32 random bits
        raise FileExistsError(f"no free temporary name beside {dest}")
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


#: rows converted to Arrow and written at a time (one Parquet row group each)
PARQUET_SLICE_ROWS = 1 << 17


def parquet_column(s: pd.Series) -> Any:
    """A result column as an Arrow array: numbers and booleans as they are, anything else as
    text (``str`` of each distinct value, decided once per distinct value; missing values null),
    so a column mixing labels of several types (periods ``2022`` and ``"FY2023"``) has one type."""
    import pyarrow as pa  # imported when a Parquet file is written: `import ghgcalc` stays light

    if pd.api.types.is_bool_dtype(s.dtype) or (pd.api.types.is_numeric_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype)):
        return pa.array(s.to_numpy())
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    texts = pa.array([str(v) for v in uniques], type=pa.string())
    return texts.take(pa.array(codes, mask=codes < 0))


class ParquetRows:
    """Rows appended to a Parquet file, :data:`PARQUET_SLICE_ROWS` at a time (each slice
    converted with :func:`parquet_column` and written as a row group, so the Arrow copy of a
    large table is never whole in memory). The first slice fixes the schema; later ones are
    cast to it. Write to a path from :func:`atomic_path`; :meth:`close` finishes the file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = path
        self._writer: Any = None
        self._schema: Any = None

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame``'s rows (its index is not written: put it in a column first)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        for a in range(0, max(len(frame), 1), PARQUET_SLICE_ROWS):   # an empty frame: the schema, no rows
            part = frame.iloc[a:a + PARQUET_SLICE_ROWS]
            t = pa.table({str(c): parquet_column(part[c]) for c in part.columns})
            if self._writer is None:
                self._schema = t.schema
                self._writer = pq.ParquetWriter(str(self.path), self._schema)
            else:
                t = t.select(self._schema.names).cast(self._schema)
            self._writer.write_table(t)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
