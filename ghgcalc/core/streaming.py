"""Streaming: activity files larger than memory, computed chunk by chunk.

:func:`calculate_stream` reads a Parquet file (or a directory of them, through
``pyarrow.dataset``) or a CSV/TSV file (through ``pyarrow.csv.open_csv``) in chunks of
``chunk_rows`` rows, runs each chunk through the same core as :func:`ghgcalc.calculate`,
and keeps only what the totals need: per-key sums of the quantities
(:class:`~ghgcalc.results.KeySums`, fixed blocks of input row numbers, so the totals are the
same bits as the in-memory run of the same file), per-key row counts, the resolutions of
the keys met so far, and the row errors with their global row numbers. Memory is bounded by
the chunk size, whatever the size of the file. Per-row results can be written chunk by chunk
to a CSV or Parquet file.

When it kicks in: ``ghgcalc calc`` streams when ``--chunk-rows N`` is given, or when the
activity file is a ``.parquet``/``.csv``/``.tsv`` larger than :data:`STREAM_THRESHOLD_BYTES`
(256 MiB); in Python, ``ghgcalc.calculate(path, profile, chunk_rows=N)`` or
:func:`calculate_stream`.

What a streamed result has (:class:`~ghgcalc.core.results.Totals`, as an in-memory result):
``totals()``, breakdowns ``totals(by=...)`` by the key columns (carrier, scope, year, region,
unit) and by the columns named in ``by`` (default: facility and period), ``kpis()``,
``metric_ids()``, ``metric_value()``, ``metric_exact()`` and ``select_group()``, so that
:func:`~ghgcalc.reconcile` gives the same entries as in memory; ``errors`` (every bad row, row
numbers counted over the whole file), ``n_input_rows``, ``rows_computed`` and ``rows_accounted``.
Each chunk adds per-(group, key) quantity sums and exact per-(group, key) sums of the printed
quantities (:func:`~ghgcalc.core.results.exact_sums`: each distinct text parsed once, integer
mantissas summed with ``bincount``). What it does not keep: the per-row frame (``result.rows`` is
empty; write the rows with ``output=``); what needs it (``select_mask``, ``to_frame``,
``row_contributions`` beyond 1000 rows, ``uncertainty(by=...)``) raises
:class:`~ghgcalc.errors.RowsNotKeptError`. The data-centre ratios (PUE, CUE, WUE) need the sums by
facility (kept by default; not when ``by`` leaves facility out of a table that has it).

CSV streaming finds the encoding, the delimiter and the header row (title rows above it
skipped) in the first megabyte as the in-memory reader does, and reads every cell as text.
Unlike the in-memory reader it keeps a column whose header and cells are all blank (it cannot
see every cell first); such a column is carried through empty.
"""

from __future__ import annotations

import dataclasses
import gc
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np
import pandas as pd

from ..errors import ActivityDataError, InputError, RowIssue
from ..io.exports import CSV_LINE_END, safe_cell
from ..io.readers import csv_records, detect_encoding, header_names, maybe_header_below, sniff_text
from .activities import read_activities
from .compute import compute
from .factors import placeholder_warnings
from .method import method_for
from .profiles import load_profile
from .results import AggregatedResult, CellSums, KeySums, Totals, normalize_denominators

__all__ = ["DEFAULT_CHUNK_ROWS", "STREAM_THRESHOLD_BYTES", "StreamResult", "calculate_stream", "should_stream"]

#: rows per chunk when streaming (about 100-200 MB of working memory for typical tables)
DEFAULT_CHUNK_ROWS = 1_000_000
#: files larger than this are streamed by ``ghgcalc calc`` without being asked
STREAM_THRESHOLD_BYTES = 256 * 2**20
#: the cyclic collector runs after a chunk that passes a multiple of this many rows: after
#: every chunk of a large file, not after each of many small ones (a full collection takes
#: 30 ms in a process holding only pandas and pint, 0.1-0.2 s in a test run: longer than
#: computing a small chunk)
_COLLECT_EVERY_ROWS = 50_000
_STREAM_SUFFIXES = (".parquet", ".pq", ".csv", ".tsv")


def should_stream(path: Any, chunk_rows: int | None) -> bool:
    """Whether ``ghgcalc calc`` streams this input: asked for (``chunk_rows``), or a large
    Parquet/CSV file."""
    if chunk_rows:
        return True
    if not isinstance(path, (str, Path)):
        return False
    p = Path(path)
    if p.suffix.lower() not in _STREAM_SUFFIXES:
        return False
    try:
        size = p.stat().st_size if p.is_file() else sum(f.stat().st_size for f in p.rglob("*.parquet"))
    except OSError:
        return False
    return size > STREAM_THRESHOLD_BYTES


#: the columns a stream keeps per-group sums of, when present (besides the key columns)
DEFAULT_BY = ("facility", "period")


class StreamResult(AggregatedResult):
    """The result of a streamed calculation: totals, breakdowns (``totals(by=...)``), KPIs,
    exact values for :func:`~ghgcalc.reconcile` and errors over the whole input, from sums
    kept chunk by chunk; no per-row frame (``rows`` is empty; see the module docstring)."""

    _rows_advice = "compute the table in memory (without chunk_rows) or write the rows with output="

    def __init__(self) -> None:
        super().__init__()
        self._rows_computed = 0
        self.chunks = 0

    def to_frame(self) -> pd.DataFrame:
        raise self._not_kept("to_frame()")

    def __repr__(self) -> str:
        return (f"<ghgcalc.StreamResult profile={self.profile.id!r} rows_in={self.n_input_rows} "
                f"rows_computed={self.rows_computed} errors={len(self.errors)} chunks={self.chunks}>")


# -- reading ----------------------------------------------------------------------------
def _detect_encoding(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(1 << 20)
    if b"\n" in head and len(head) == 1 << 20:
        head = head[: head.rfind(b"\n") + 1]
    return detect_encoding(head, str(path))   # as the in-memory reader decides (Big5 is not GB18030)


def _renumber(issue: RowIssue, offset: int, first_line: int | None) -> RowIssue:
    """An issue of a chunk with its row (and line, for a CSV) in the whole file."""
    row = int(issue.row) + offset if issue.row is not None else None
    return dataclasses.replace(issue, row=row, line=first_line + row if first_line is not None and row is not None else None)


def _csv_batches(path: Path, chunk_rows: int, columns: Mapping[str, str] | None = None
                 ) -> tuple[Iterator[Any], int | None, str, int, int | None]:
    """Record batches of a CSV/TSV file, every column as text; (batches, rows or None,
    encoding, size in bytes, line of the first row under the header)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    enc = _detect_encoding(path)
    with path.open("rb") as f:
        head = f.read(1 << 20)
    text = head.decode(enc, errors="ignore")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError("the activity file is empty", value=str(path))
    # delimiter and header row found as the in-memory reader finds them (title rows skipped)
    _, delim, idx, line = sniff_text(text, path.suffix.lower(), columns)   # the profile's header mapping tells the header too
    recs = csv_records(text, delim, idx + 1)
    header = header_names(recs[idx][0]) if len(recs) > idx else []
    if not header:
        raise InputError("the activity file has no table in it", value=str(path))
    read = pcsv.ReadOptions(encoding=enc, block_size=1 << 24, use_threads=True, skip_rows=line + 1, column_names=header)
    # empty lines stay rows (all cells empty): the reader then skips them as blank rows
    # while they keep their place in the row numbering, as in memory
    parse = pcsv.ParseOptions(delimiter=delim, ignore_empty_lines=False)
    conv = pcsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False,
                               quoted_strings_can_be_null=False)
    try:
        reader = pcsv.open_csv(path, read_options=read, parse_options=parse, convert_options=conv)
    except Exception as exc:  # pyarrow raises ArrowInvalid and friends
        raise InputError(f"cannot read as CSV: {exc}", value=str(path)) from None

    def gen() -> Iterator[Any]:
        try:
            yield from reader
        except Exception as exc:
            raise InputError(f"cannot read as CSV: {exc}", value=str(path)) from None

    return gen(), None, enc, path.stat().st_size, line + 2   # the line of the first row under the header


def _parquet_batches(path: Path, chunk_rows: int) -> tuple[Iterator[Any], int | None, None, int, int | None]:
    """Record batches of a Parquet file, or of the files of a Parquet dataset directory (in
    ``pyarrow.dataset``'s file order), one row group at a time: no read-ahead or pre-buffering
    of the whole file, so memory stays at about one chunk."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    try:
        files = ds.dataset(str(path), format="parquet").files if path.is_dir() else [str(path)]
        handles = [pq.ParquetFile(f, pre_buffer=False) for f in files]
        total = sum(h.metadata.num_rows for h in handles)
    except Exception as exc:
        raise InputError(f"cannot read as Parquet: {exc}", value=str(path)) from None

    def gen() -> Iterator[Any]:
        for h in handles:
            yield from h.iter_batches(batch_size=chunk_rows, use_threads=True)

    return gen(), total, None, 0, None


def _rebatch(batches: Iterator[Any], chunk_rows: int) -> Iterator[pd.DataFrame]:
    """DataFrames of ``chunk_rows`` rows (the last one shorter) from record batches of any size."""
    import pyarrow as pa

    buf: list[Any] = []
    have = 0
    for b in batches:
        if b.num_rows == 0:
            continue
        buf.append(b)
        have += b.num_rows
        while have >= chunk_rows:
            t = pa.Table.from_batches(buf)
            yield _to_pandas(t.slice(0, chunk_rows))
            rest = t.slice(chunk_rows)
            buf, have = (rest.to_batches() if rest.num_rows else []), rest.num_rows
    if have:
        yield _to_pandas(pa.Table.from_batches(buf))


def _in_memory_table(source: Any) -> pd.DataFrame | None:
    """A DataFrame or list of dicts as one DataFrame (its header found as in memory), None
    for a path; anything else is an :class:`InputError`."""
    if isinstance(source, (str, Path)):
        return None
    if isinstance(source, (list, tuple)):
        try:
            source = pd.DataFrame(list(source))
        except (TypeError, ValueError) as exc:
            raise InputError(f"cannot make a table of the rows given: {exc}") from None
    if not isinstance(source, pd.DataFrame):
        raise InputError(f"chunk_rows streams a Parquet/CSV path, a DataFrame or a list of dicts, not "
                         f"{type(source).__name__}", column="chunk_rows", value=type(source).__name__)
    frame, _ = maybe_header_below(source)
    return frame.reset_index(drop=True)


def _frame_chunks(frame: pd.DataFrame, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Slices of ``chunk_rows`` rows of an in-memory table."""
    for start in range(0, len(frame), chunk_rows):
        yield frame.iloc[start:start + chunk_rows]


def _to_pandas(t: Any) -> pd.DataFrame:
    """A chunk as pandas, text columns dictionary-encoded by pyarrow (categoricals: the core
    then reads their codes instead of hashing strings)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = [pc.dictionary_encode(c) if pa.types.is_string(c.type) or pa.types.is_large_string(c.type) else c for c in t.columns]
    df: pd.DataFrame = pa.table(cols, names=t.column_names).to_pandas()
    return df


# -- output -----------------------------------------------------------------------------
class _RowWriter:
    """Per-row results appended chunk by chunk to a CSV (text, formula-safe) or Parquet file."""

    def __init__(self, target: str | Path | TextIO, fmt: str) -> None:
        self.target, self.fmt = target, fmt
        self._pq: Any = None
        self._schema: Any = None
        self._fh: TextIO | None = None
        self._first = True

    def write(self, rows: pd.DataFrame) -> None:
        if self.fmt == "csv":
            df = rows.copy()
            for c in df.columns:
                if df[c].dtype == object or isinstance(df[c].dtype, (pd.CategoricalDtype, pd.StringDtype)):
                    df[c] = df[c].astype(object).map(safe_cell)
            if self._fh is None:
                self._fh = self.target if not isinstance(self.target, (str, Path)) else \
                    open(self.target, "w", encoding="utf-8", newline="")
            df.columns = pd.Index([safe_cell(str(c)) for c in df.columns], dtype=object)
            df.to_csv(self._fh, header=self._first, index_label="row", lineterminator=CSV_LINE_END)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            df = rows.reset_index(names="row")
            arrays = {}
            for c in df.columns:
                s = df[c]
                if pd.api.types.is_bool_dtype(s.dtype) or (pd.api.types.is_numeric_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype)):
                    arrays[c] = pa.array(s.to_numpy())
                else:
                    arrays[c] = pa.array(s.astype(object).where(s.notna(), None).map(lambda v: v if v is None else str(v)).tolist(),
                                         type=pa.string())
            t = pa.table(arrays)
            if self._pq is None:
                self._schema = t.schema
                self._pq = pq.ParquetWriter(str(self.target), self._schema)
            else:
                t = t.select(self._schema.names).cast(self._schema)
            self._pq.write_table(t)
        self._first = False

    def close(self) -> None:
        if self._pq is not None:
            self._pq.close()
        if self._fh is not None and isinstance(self.target, (str, Path)):
            self._fh.close()


class _Progress:
    """A one-line progress report on stderr (only on a terminal, unless forced)."""

    def __init__(self, enabled: bool, total_rows: int | None, total_bytes: int) -> None:
        self.enabled, self.total_rows, self.total_bytes = enabled, total_rows, total_bytes
        self.t0 = time.perf_counter()

    def update(self, rows: int, bytes_done: int | None = None) -> None:
        if not self.enabled:
            return
        el = max(time.perf_counter() - self.t0, 1e-9)
        if self.total_rows:
            frac = rows / self.total_rows
        elif self.total_bytes and bytes_done is not None:
            frac = bytes_done / self.total_bytes
        else:
            frac = None
        bar = ""
        if frac is not None:
            n = int(30 * min(frac, 1.0))
            bar = f"[{'#' * n}{'.' * (30 - n)}] {100 * min(frac, 1.0):5.1f}% "
        sys.stderr.write(f"\r{bar}{rows:,} rows, {rows / el:,.0f} rows/s")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


# -- the stream ---------------------------------------------------------------------------
def calculate_stream(
    source: str | Path | pd.DataFrame | list[dict[str, Any]],
    profile: Any,
    denominators: Mapping[str, Any] | None = None,
    *,
    on_error: str = "raise",
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    output: str | Path | TextIO | None = None,
    output_format: str | None = None,
    progress: bool | None = None,
    library: Any = None,
    by: tuple[str, ...] | list[str] | None = None,
) -> StreamResult:
    """Compute a Parquet or CSV file chunk by chunk with bounded memory.

    Parameters
    ----------
    source : path, DataFrame or list of dicts
        A ``.parquet`` file or directory of Parquet files, or a ``.csv``/``.tsv`` file; or a
        table already in memory, computed ``chunk_rows`` rows at a time (row numbers are
        positions in the whole table, as in memory).
    profile, denominators, on_error, library
        As for :func:`ghgcalc.calculate`. With ``on_error="raise"`` the whole file is read
        and :class:`~ghgcalc.errors.ActivityDataError` lists every bad row (and a partly
        written ``output`` file is removed).
    chunk_rows : int
        Rows per chunk (memory grows with it; 1e6 rows is about 100-200 MB).
    output : path or text stream, optional
        Where to write the per-row results, chunk by chunk: ``.parquet`` or CSV.
    progress : bool, optional
        A progress line on stderr; default: when stderr is a terminal.
    by : columns, optional
        The carried columns whose groups ``totals(by=...)`` and reconciliation of a figure
        naming a group can use (default: ``facility`` and ``period``, when present). The key
        columns (``carrier``, ``scope``, ``year``, ``region``, ``unit``) always can.

    Returns
    -------
    StreamResult
        Totals identical (same bits) to ``calculate(source, profile).totals()``, every
        row error with its row number in the whole file, no per-row frame.
    """
    if on_error not in ("raise", "collect"):
        raise ValueError("on_error must be 'raise' or 'collect'")
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be >= 1")
    frame = _in_memory_table(source)
    if frame is None:
        path = Path(source)  # type: ignore[arg-type]  # a str or Path, checked by _in_memory_table
        if not path.exists():
            raise InputError("activity file not found", value=str(source))
    prof = load_profile(profile)
    method = method_for(prof, library)
    total: int | None
    enc: str | None
    if frame is not None:
        chunks: Iterator[pd.DataFrame] = _frame_chunks(frame, chunk_rows)
        total, enc, nbytes, label, fmt_in = len(frame), None, 0, "<DataFrame>", "dataframe"
        first_line: int | None = None
    else:
        suffix = path.suffix.lower()
        if path.is_dir() or suffix in (".parquet", ".pq"):
            batches, total, enc, nbytes, first_line = _parquet_batches(path, chunk_rows)
        elif suffix in (".csv", ".tsv", ".txt"):
            batches, total, enc, nbytes, first_line = _csv_batches(path, chunk_rows, prof.input.columns)
        else:
            raise InputError("streaming reads .parquet, .csv or .tsv files", value=str(source))
        chunks, label, fmt_in = _rebatch(batches, chunk_rows), str(path), "parquet" if enc is None else "csv"
    fmt = output_format or ("parquet" if isinstance(output, (str, Path)) and str(output).lower().endswith((".parquet", ".pq")) else "csv")
    writer = _RowWriter(output, fmt) if output is not None else None
    bar = _Progress(sys.stderr.isatty() if progress is None else progress, total, nbytes)

    result = StreamResult()
    result.method = method
    result.denominators = normalize_denominators(denominators)
    result.source, result.encoding = label, enc
    keysums = KeySums()
    cells = CellSums(DEFAULT_BY if by is None else tuple(by))
    registry: dict[tuple[Any, ...], int] = {}
    resolutions: list[Any] = []
    key_carrier: list[str] = []
    key_tuples: list[tuple[Any, ...]] = []
    offset = 0
    blank_rows = 0
    carrier_labels: dict[str, Any] = {}   # how each distinct label / unit was read, over all chunks
    unit_read: dict[str, Any] = {}
    periods: dict[str, Any] = {}   # financial years read and the data year each took (every chunk's)
    ok_run = False
    try:
        for chunk in chunks:
            n = len(chunk)
            chunk.index = pd.RangeIndex(n)
            table = read_activities(chunk, prof)
            if table.wide is not None:   # its rows would be numbered per chunk of the wide table: read it whole
                raise InputError("a wide table (one column per year) is read whole, not streamed in chunks",
                                 value=label, hint="run without --chunk-rows / chunk_rows (a KPI table is small)")
            part = compute(table, method, None, on_error="collect")
            whole = [e for e in part.errors if e.row is None]
            if whole:  # a problem with the table itself (a missing column): the same in every chunk
                result.errors.extend(whole)
                result.n_input_rows = offset + n
                break
            result.errors.extend(_renumber(e, offset, first_line) for e in part.errors if e.row is not None)
            result.warnings.extend(_renumber(w, offset, first_line) for w in part.warnings if w.row is not None)
            if part.rows_computed:
                keys = part.__dict__.get("_keys")
                assert keys is not None
                gid = np.empty(len(keys), dtype=np.intp)
                for j, kt in enumerate(keys.itertuples(index=False, name=None)):
                    g = registry.get(kt)
                    if g is None:
                        g = registry[kt] = len(resolutions)
                        key_tuples.append(kt)
                        resolutions.append(part._res[j])
                        key_carrier.append(part._key_carrier[j])
                    gid[j] = g
                global_keys = gid[part._inv]
                if part._row_numbers is None:
                    keysums.add(global_keys, part._q, start=offset)
                else:
                    keysums.add(global_keys, part._q, rows=part._row_numbers + offset)
                cells.add(part.piece_sums(cells.by, offset), gid)
                result._rows_computed = result.rows_computed + part.rows_computed
                if writer is not None:
                    rows = part.rows
                    rows.index = rows.index + offset
                    writer.write(rows)
            offset += n
            blank_rows += len(table.blank_rows)  # all-empty rows are skipped, not input rows
            carrier_labels.update(table.carrier_labels)
            unit_read.update(table.unit_choices)
            if table.periods:
                periods = {"rule": table.periods["rule"], "read": {**periods.get("read", {}), **table.periods["read"]}}
            result.chunks += 1
            bar.update(offset)
            # pandas objects in reference cycles keep whole chunks alive until the cyclic
            # collector runs, which it does by object counts, not bytes: collect now
            del chunk, table, part
            if offset // _COLLECT_EVERY_ROWS != (offset - n) // _COLLECT_EVERY_ROWS:
                gc.collect()
        else:
            result.n_input_rows = offset - blank_rows
        result.input_info = {"source": label, "format": fmt_in, "encoding": enc,
                             "streamed": True, "chunks": result.chunks, "rows": result.n_input_rows,
                             "blank_rows_skipped": blank_rows, "carrier_labels": carrier_labels, "unit_choices": unit_read,
                             **({"periods": periods} if periods else {})}
        ok_run = True
    finally:
        bar.close()
        if writer is not None:
            writer.close()
        if not ok_run and isinstance(output, (str, Path)):
            Path(output).unlink(missing_ok=True)
    keysums.grow(len(resolutions))
    cells.grow(len(resolutions))
    result.cells = cells
    result._key_tuples = key_tuples
    result._res = resolutions
    result._key_carrier = key_carrier
    result._key_totals = keysums.result()
    result.rows = pd.DataFrame()
    result.warnings.extend(placeholder_warnings(result.factors_used()))
    if result.errors and on_error == "raise":
        if isinstance(output, (str, Path)):
            Path(output).unlink(missing_ok=True)
        result.errors.sort(key=lambda x: (x.row if x.row is not None else -1))
        raise ActivityDataError(result.errors)
    return result


if TYPE_CHECKING:   # checked by mypy: a streamed result is a Totals
    def _stream_result_is_totals(r: StreamResult) -> Totals:
        return r
