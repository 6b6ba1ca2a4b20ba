"""Streaming: activity files larger than memory, computed chunk by chunk.

:func:`calculate_stream` reads a Parquet file (or a directory of them, through
``pyarrow.dataset``) or a CSV/TSV file (through ``pyarrow.csv.open_csv``) in chunks of
``chunk_rows`` rows, runs each chunk through the same core as :func:`ghgcalc.calculate`,
and keeps only what the totals need: per-key sums of the quantities
(:class:`~ghgcalc.results.KeySums`, fixed blocks of input row numbers, so the totals are the
same bits as the in-memory run of the same file), per-key row counts, the resolutions of
the keys met so far, and the row errors with their global row numbers. Memory is bounded by
the chunk size, whatever the size of the file. Per-row results can be written chunk by chunk
to a CSV or Parquet file, under a temporary name renamed when the run completes
(:func:`~ghgcalc.io.exports.atomic_path`). Progress is reported to a callback
(:class:`~ghgcalc.io.progress.ProgressEvent`: rows of a Parquet file or table, bytes of a CSV
file), which the command line draws as a progress bar.

When it kicks in: ``ghgcalc calc`` streams when ``--chunk-rows N`` is given, or when the
activity file is a ``.parquet``/``.csv``/``.tsv`` larger than :data:`STREAM_THRESHOLD_BYTES`
(256 MiB); in Python, ``ghgcalc.calculate(path, profile, chunk_rows=N)`` or
:func:`calculate_stream`.

What a streamed result has (:class:`~ghgcalc.core.results.Totals`, as an in-memory result):
``totals()``, breakdowns ``totals(by=...)`` by the key columns (carrier, scope, year, region,
unit) and by the columns named in ``by`` (default: facility and period), ``kpis()``,
``metric_ids()``, ``metric_value()``, ``metric_exact()`` and ``select_group()``, so that
:func:`~ghgcalc.reconcile` gives the same entries as in memory; ``uncertainty()``, also by a
group (``uncertainty(by="facility")``, from the per-(group, key) sums); ``errors`` (every bad row, row
numbers counted over the whole file), ``n_input_rows``, ``rows_computed`` and ``rows_accounted``.
Each chunk adds per-(group, key) quantity sums and exact per-(group, key) sums of the printed
quantities (:func:`~ghgcalc.core.results.exact_sums`: each distinct text parsed once, integer
mantissas summed with ``bincount``). What it does not keep: the per-row frame (``result.rows`` is
empty; write the rows with ``output=``); what needs it (``select_mask``, ``to_frame``,
``row_contributions`` beyond 1000 rows) raises
:class:`~ghgcalc.errors.RowsNotKeptError`. The data-centre ratios (PUE, CUE, WUE) need the sums by
facility (kept by default; not when ``by`` leaves facility out of a table that has it).

CSV streaming finds the encoding, the delimiter and the header row (title rows above it
skipped) in the first megabyte as the in-memory reader does, and reads every cell as text.
Unlike the in-memory reader it keeps a column whose header and cells are all blank (it cannot
see every cell first); such a column is carried through empty.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np
import pandas as pd

from ..errors import ActivityDataError, InputError, RowIssue
from ..io.exports import CSV_LINE_END, ParquetRows, atomic_path, safe_cell, safe_column
from ..io.progress import ProgressCallback, ProgressEvent, terminal_progress
from ..io.readers import csv_records, detect_encoding, header_names, maybe_header_below, sniff_text
from .activities import ActivityTable, read_activities
from .compute import compute
from .factors import placeholder_warnings
from .method import method_for
from .profiles import Profile, load_profile
from .results import AggregatedResult, CellSums, KeySums, PieceSums, Result, Totals, normalize_denominators
from .stream_totals import TotalCarry

__all__ = ["DEFAULT_CHUNK_ROWS", "STREAM_THRESHOLD_BYTES", "StreamResult", "calculate_stream", "should_stream"]

#: rows per chunk when streaming: a chunk's working memory (reading, computing, its per-(group,
#: key) sums, its rows written) is about 100-200 MB for typical tables, so that a streamed run
#: stays below an in-memory run of the same file (measured with ``benchmarks/bench_core.py``
#: batches, 2e6 rows written to Parquet: chunks of 250,000 rows 550 MB peak resident, chunks of
#: 1,000,000 840 MB, in memory 720 MB)
DEFAULT_CHUNK_ROWS = 250_000
#: files larger than this are streamed by ``ghgcalc calc`` without being asked
STREAM_THRESHOLD_BYTES = 256 * 2**20
#: the cyclic collector runs after a chunk that passes a multiple of this many rows: after
#: every chunk of a large file, not after each of many small ones (a full collection takes
#: 30 ms in a process holding only pandas and pint, 0.1-0.2 s in a test run: longer than
#: computing a small chunk)
_COLLECT_EVERY_ROWS = 50_000
_STREAM_SUFFIXES = (".parquet", ".pq", ".csv", ".tsv")
#: bytes of CSV text parsed per block (pyarrow's default)
_CSV_BLOCK_BYTES = 1 << 20


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


#: (record batches, rows in all or None, encoding or None, size in bytes, line of the first
#: row under the header or None, for a CSV the bytes done after so many rows, else None)
_Batches = tuple[Iterator[Any], int | None, str | None, int, int | None, Callable[[int], int] | None]


def _csv_batches(path: Path, chunk_rows: int, columns: Mapping[str, str] | None = None) -> _Batches:
    """Record batches of a CSV/TSV file, every column as text (see :data:`_Batches`). The
    progress in bytes: the rows done times the bytes per row of the first megabyte, never
    beyond the reader's position in the file (which runs ahead of the rows by the blocks it
    has read ahead)."""
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
    # blocks of 1 MiB: the reader parses ahead up to a few dozen blocks in the background, so the
    # block size bounds that read-ahead (memory) and how far the position (progress) runs ahead
    read = pcsv.ReadOptions(encoding=enc, block_size=_CSV_BLOCK_BYTES, use_threads=True, skip_rows=line + 1, column_names=header)
    # empty lines stay rows (all cells empty): the reader then skips them as blank rows
    # while they keep their place in the row numbering, as in memory
    parse = pcsv.ParseOptions(delimiter=delim, ignore_empty_lines=False)
    conv = pcsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False,
                               quoted_strings_can_be_null=False)
    lines = head.split(b"\n")[line + 1:]
    if len(head) == 1 << 20:   # the last line may be cut off
        lines = lines[:-1]
    row_bytes = (sum(map(len, lines)) + len(lines)) / max(len(lines), 1)
    raw = pa.OSFile(str(path))   # its position: the bytes the reader has taken so far
    try:
        reader = pcsv.open_csv(raw, read_options=read, parse_options=parse, convert_options=conv)
    except Exception as exc:  # pyarrow raises ArrowInvalid and friends
        raw.close()
        raise InputError(f"cannot read as CSV: {exc}", value=str(path)) from None

    def gen() -> Iterator[Any]:
        try:
            yield from reader
        except Exception as exc:
            raise InputError(f"cannot read as CSV: {exc}", value=str(path)) from None
        finally:
            raw.close()

    def bytes_done(rows: int) -> int:
        return int(min(rows * row_bytes, path.stat().st_size if raw.closed else raw.tell()))

    return gen(), None, enc, path.stat().st_size, line + 2, bytes_done   # line: the first row under the header


def _parquet_batches(path: Path, chunk_rows: int) -> _Batches:
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

    return gen(), total, None, 0, None, None   # rows in all from the files' metadata


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
    """Per-row results appended chunk by chunk to a CSV (text, formula-safe) or Parquet file.

    A file is written under a temporary name (:func:`~ghgcalc.io.exports.atomic_path`, entered
    on ``stack`` at the first write) and renamed when ``stack`` closes normally; an exception
    removes it. No rows written: no file."""

    def __init__(self, target: str | Path | TextIO, fmt: str, stack: contextlib.ExitStack) -> None:
        self.target, self.fmt, self.stack = target, fmt, stack
        self._pq: ParquetRows | None = None
        self._fh: TextIO | None = None
        self._first = True

    def _open_path(self) -> Path:
        path = self.stack.enter_context(atomic_path(self.target))  # type: ignore[arg-type]  # a path (checked by the caller)
        self.stack.callback(self.close)   # closed before the rename (the stack unwinds last in, first out)
        return path

    def write(self, rows: pd.DataFrame) -> None:
        if self.fmt == "csv":
            df = rows.copy(deep=False)
            for c in df.columns:
                if df[c].dtype == object or isinstance(df[c].dtype, (pd.CategoricalDtype, pd.StringDtype)):
                    df[c] = safe_column(df[c])
            if self._fh is None:
                self._fh = self.target if not isinstance(self.target, (str, Path)) else \
                    open(self._open_path(), "w", encoding="utf-8", newline="")  # closed by close()
            df.columns = pd.Index([safe_cell(str(c)) for c in df.columns], dtype=object)
            df.to_csv(self._fh, header=self._first, index_label="row", lineterminator=CSV_LINE_END)
        else:
            if self._pq is None:
                self._pq = ParquetRows(self._open_path())
            self._pq.write(rows.reset_index(names="row"))   # converted and written a slice at a time
        self._first = False

    def close(self) -> None:
        if self._pq is not None:
            self._pq.close()
            self._pq = None
        if self._fh is not None and isinstance(self.target, (str, Path)):
            self._fh.close()
        self._fh = None


def _release_arrow_memory() -> None:
    """Give the memory Arrow's pool holds for reuse back to the system (mimalloc, pyarrow's
    default pool on Linux, otherwise keeps the buffers of every chunk read and written)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _progress_callback(progress: ProgressCallback | bool | None) -> ProgressCallback | None:
    """``progress`` as a callback: True is the command line's terminal bar on stderr
    (:func:`~ghgcalc.io.progress.terminal_progress`), False or None no progress."""
    if progress is None or progress is False:
        return None
    if progress is True:
        return terminal_progress(force=True)
    if not callable(progress):
        raise TypeError(f"progress must be a callable taking a ProgressEvent, True or None, not {type(progress).__name__}")
    return progress


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
    progress: ProgressCallback | bool | None = None,
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
        and :class:`~ghgcalc.errors.ActivityDataError` lists every bad row (and no ``output``
        file is written).
    chunk_rows : int
        Rows per chunk (memory grows with it; see :data:`DEFAULT_CHUNK_ROWS`).
    output : path or text stream, optional
        Where to write the per-row results, chunk by chunk: ``.parquet`` or CSV. A path is
        written under a temporary name beside it (``.rows.parquet.tmp-1a2b3c4d``) and renamed
        to ``output`` when the run completes; a run that fails or is stopped leaves no file
        under that name.
    progress : callable, True or None, optional
        Called with a :class:`~ghgcalc.io.progress.ProgressEvent` after each chunk (rows
        done of the rows in all for Parquet files and tables in memory, bytes read of the
        file's size for CSV). True: a progress bar on stderr
        (:func:`~ghgcalc.io.progress.terminal_progress`). Default: none.
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
    prof = load_profile(profile)
    src = _open_source(source, chunk_rows, prof)
    method = method_for(prof, library)
    fmt = output_format or ("parquet" if isinstance(output, (str, Path)) and str(output).lower().endswith((".parquet", ".pq")) else "csv")
    result = StreamResult()
    result.method = method
    result.denominators = normalize_denominators(denominators)
    result.source, result.encoding = src.label, src.encoding
    sums = _StreamSums(DEFAULT_BY if by is None else tuple(by))
    totals = TotalCarry()   # spreadsheet total rows whose parts lie in earlier chunks
    tell = _Teller(_progress_callback(progress), src)
    # the output file (if a path) is written under a temporary name, renamed when the stack
    # closes normally and removed when anything below raises (bad rows with on_error="raise" too)
    with contextlib.ExitStack() as stack:
        stack.callback(tell, final=True)   # the progress closed whatever happens (a no-op after the last event)
        writer = _RowWriter(output, fmt, stack) if output is not None else None
        for chunk in src.chunks:
            n = len(chunk)
            chunk.index = pd.RangeIndex(n)
            table = read_activities(chunk, prof)
            if table.wide is not None:   # its rows would be numbered per chunk of the wide table: read it whole
                raise InputError("a wide table (one column per year) is read whole, not streamed in chunks",
                                 value=src.label, hint="run without --chunk-rows / chunk_rows (a KPI table is small)")
            part = compute(table, method, None, on_error="collect")
            whole = [e for e in part.errors if e.row is None]
            if whole:  # a problem with the table itself (a missing column): the same in every chunk
                result.errors.extend(whole)
                result.n_input_rows = sums.offset + n
                break
            # its first total row judged over the parts in earlier chunks too, as the whole file judges it
            errors, warnings = totals.settle(table, part.errors, part.warnings)
            result.errors.extend(_renumber(e, sums.offset, src.first_line) for e in errors if e.row is not None)
            result.warnings.extend(_renumber(w, sums.offset, src.first_line) for w in warnings if w.row is not None)
            if part.rows_computed and writer is not None:
                rows = part.rows
                rows.index = rows.index + sums.offset
                writer.write(rows)
                del rows
            start = sums.offset
            totals.advance(table, start, src.first_line, sums.add(part, table, n))
            result.chunks += 1
            tell(offset=sums.offset)
            # pandas objects in reference cycles keep whole chunks alive until the cyclic
            # collector runs, which it does by object counts, not bytes: collect now and then
            del chunk, table, part
            if sums.offset // _COLLECT_EVERY_ROWS != (sums.offset - n) // _COLLECT_EVERY_ROWS:
                gc.collect()
                _release_arrow_memory()
        else:
            result.n_input_rows = sums.offset - sums.blank_rows
        result.input_info = {"source": src.label, "format": src.format, "encoding": src.encoding,
                             "streamed": True, "chunks": result.chunks, "rows": result.n_input_rows, **sums.input_record()}
        if result.errors and on_error == "raise":   # raised inside the stack: no output file
            result.errors.sort(key=lambda x: (x.row if x.row is not None else -1))
            raise ActivityDataError(result.errors)
        tell(offset=sums.offset, final=True, complete=True)
    sums.finish(result)
    result.warnings.extend(placeholder_warnings(result.factors_used()))
    return result


@dataclasses.dataclass
class _Source:
    """Stage 1 of a streamed run: the chunks of the source and what is known of it beforehand."""

    chunks: Iterator[pd.DataFrame]
    #: rows in all (Parquet metadata, a table in memory), else None
    total: int | None
    encoding: str | None
    #: the file's size in bytes (CSV: the progress is bytes read)
    nbytes: int
    label: str
    format: str
    #: the line of the first data row (CSV), for the errors' line numbers
    first_line: int | None
    #: bytes read after so many rows (CSV), else None
    position: Callable[[int], int] | None


def _open_source(source: Any, chunk_rows: int, prof: Profile) -> _Source:
    """A table in memory cut into chunks, or a Parquet/CSV file read in batches of ``chunk_rows``."""
    frame = _in_memory_table(source)
    if frame is not None:
        return _Source(_frame_chunks(frame, chunk_rows), len(frame), None, 0, "<DataFrame>", "dataframe", None, None)
    path = Path(source)
    if not path.exists():
        raise InputError("activity file not found", value=str(source))
    suffix = path.suffix.lower()
    if path.is_dir() or suffix in (".parquet", ".pq"):
        batches, total, enc, nbytes, first_line, position = _parquet_batches(path, chunk_rows)
    elif suffix in (".csv", ".tsv", ".txt"):
        batches, total, enc, nbytes, first_line, position = _csv_batches(path, chunk_rows, prof.input.columns)
    else:
        raise InputError("streaming reads .parquet, .csv or .tsv files", value=str(source))
    return _Source(_rebatch(batches, chunk_rows), total, enc, nbytes, str(path), "parquet" if enc is None else "csv",
                   first_line, position)


class _Teller:
    """Stage 2: progress events after each chunk (rows of the rows in all, or bytes read of the
    file's size for CSV); the last one (``final``) once, also when the run fails."""

    def __init__(self, report: ProgressCallback | None, src: _Source) -> None:
        self.report, self.src, self.closed, self.offset = report, src, False, 0

    def __call__(self, offset: int | None = None, final: bool = False, complete: bool = False) -> None:
        if offset is not None:
            self.offset = offset
        if self.report is None or self.closed:
            return
        self.closed = final
        src = self.src
        if src.position is not None:   # a CSV file: bytes read of its size
            done = src.nbytes if complete else min(src.position(self.offset), src.nbytes)
            self.report(ProgressEvent("calc", done, src.nbytes, "B", rows=self.offset, final=final))
        else:
            self.report(ProgressEvent("calc", self.offset, src.total, "rows", final=final))


class _StreamSums:
    """Stage 3: what the chunks add up to: the per-key sums (:class:`KeySums`, in input row
    order), the per-(group, key) cells of the breakdowns (:class:`CellSums`), the keys met
    (numbered globally, each resolved once) and how the input was read."""

    def __init__(self, by: tuple[str, ...]) -> None:
        self.keysums = KeySums()
        self.cells = CellSums(by)
        self.registry: dict[tuple[Any, ...], int] = {}
        self.resolutions: list[Any] = []
        self.key_carrier: list[str] = []
        self.key_tuples: list[tuple[Any, ...]] = []
        self.offset = 0
        self.blank_rows = 0
        self.rows_computed = 0
        self.carrier_labels: dict[str, Any] = {}   # how each distinct label / unit was read, over all chunks
        self.unit_read: dict[str, Any] = {}
        self.periods: dict[str, Any] = {}   # financial years read and the data year each took
        self.labels_folded: dict[str, dict[str, list[str]]] = {}   # label spellings folded into one, over all chunks

    def add(self, part: Result, table: ActivityTable, n: int) -> tuple[PieceSums, list[tuple[str, str]]] | None:
        """A chunk of ``n`` input rows, computed (``part``) from ``table``. Returns its
        per-(group, key) sums and the (carrier, unit) of each of its keys (None: no row computed)."""
        out: tuple[PieceSums, list[tuple[str, str]]] | None = None
        if part.rows_computed:
            keys = part.__dict__.get("_keys")
            assert keys is not None
            gid = np.empty(len(keys), dtype=np.intp)
            for j, kt in enumerate(keys.itertuples(index=False, name=None)):
                g = self.registry.get(kt)
                if g is None:
                    g = self.registry[kt] = len(self.resolutions)
                    self.key_tuples.append(kt)
                    self.resolutions.append(part._res[j])
                    self.key_carrier.append(part._key_carrier[j])
                gid[j] = g
            global_keys = gid[part._inv]
            if part._row_numbers is None:
                self.keysums.add(global_keys, part._q, start=self.offset)
            else:
                self.keysums.add(global_keys, part._q, rows=part._row_numbers + self.offset)
            piece = part.piece_sums(self.cells.by, self.offset)
            self.cells.add(piece, gid)
            self.rows_computed += part.rows_computed
            out = piece, list(zip(map(str, keys["carrier"]), map(str, keys["unit"]), strict=True))
        self.offset += n
        self.blank_rows += len(table.blank_rows)  # all-empty rows are skipped, not input rows
        self.carrier_labels.update(table.carrier_labels)
        self.unit_read.update(table.unit_choices)
        for col, labels in table.labels_folded.items():
            mine = self.labels_folded.setdefault(col, {})
            for label, spellings in labels.items():
                mine[label] = list(dict.fromkeys([*mine.get(label, []), *spellings]))
        if table.periods:
            self.periods = {"rule": table.periods["rule"], "read": {**self.periods.get("read", {}), **table.periods["read"]}}
        return out

    def input_record(self) -> dict[str, Any]:
        return {"blank_rows_skipped": self.blank_rows, "carrier_labels": self.carrier_labels, "unit_choices": self.unit_read,
                **({"periods": self.periods} if self.periods else {}),
                **({"labels_folded": self.labels_folded} if self.labels_folded else {})}

    def finish(self, result: StreamResult) -> None:
        """Hand the sums to the result (no per-row frame)."""
        self.keysums.grow(len(self.resolutions))
        self.cells.grow(len(self.resolutions))
        result.cells = self.cells
        result._key_tuples = self.key_tuples
        result._res = self.resolutions
        result._key_carrier = self.key_carrier
        result._key_totals = self.keysums.result()
        result._rows_computed = self.rows_computed
        result.rows = pd.DataFrame()

if TYPE_CHECKING:   # checked by mypy: a streamed result is a Totals
    def _stream_result_is_totals(r: StreamResult) -> Totals:
        return r
