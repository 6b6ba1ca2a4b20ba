"""Spreadsheet total rows on Dask give the outcome of the whole table in memory (user probe: a
subtotal whose parts lay in an earlier partition was refused on Dask, dropped with a warning in
memory, and Dask gave no warnings at all). Each partition says, on its worker, where its total
rows are and what the rows since its last total row add up to per (carrier, unit), exactly; the
client folds these in partition order and judges each partition's first total row as streaming
does (``ghgcalc.core.stream_totals``). A carrier label naming a total read as its carrier in one
partition while another partition holds its parts stops the run (never a wrong total).

The cases of ``tests/test_stream_total_rows.py`` at every partition size, from DataFrames and
from CSV files read by ``dask.dataframe.read_csv`` in byte blocks; random tables (hypothesis).
Run on the synchronous scheduler (no cluster: the pickling to workers is ``tests/test_dask.py``'s)."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from test_stream_total_rows import HEAD, PROFILE, SHAPES, random_tables

import ghgcalc
from ghgcalc.errors import ActivityDataError, InputError

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

E = "electricity"
TOTAL_REASON = "spreadsheet total row: would double-count the rows it totals"


@pytest.fixture(autouse=True)
def _synchronous() -> Iterator[None]:
    with dask.config.set(scheduler="synchronous"):
        yield


def _csv(tmp: Path, rows: list[list[Any]]) -> Path:
    p = tmp / "t.csv"
    p.write_text("\n".join(",".join(f'"{x}"' for x in r) for r in [HEAD, *rows]) + "\n", encoding="utf-8")
    return p


def _outcome(res: Any, lines: bool = True) -> tuple[Any, ...]:
    """Errors and row warnings (row, line, column, value, reason), exact Scope 2 and energy,
    rows computed. ``lines``: a Dask DataFrame has no file lines, so those from a file are left out."""
    def key(i: Any) -> tuple[Any, ...]:
        return (i.row, i.line if lines else None, i.column, str(i.value), i.reason)
    errs = sorted(key(e) for e in res.errors)
    warns = sorted(key(w) for w in res.warnings if w.row is not None)
    return errs, warns, res.metric_exact("scope2")[0], res.metric_exact("energy_total")[0], res.rows_computed


def _partitionings(df: pd.DataFrame) -> Iterator[Any]:
    """The DataFrame split into partitions of every size 1..n (and an empty partition first,
    as after a filter)."""
    for size in range(1, len(df) + 1):
        yield size, dd.from_pandas(df, chunksize=size, sort=False)
    yield "empty first", dd.concat([dd.from_pandas(df.iloc[:0], npartitions=1), dd.from_pandas(df, chunksize=2, sort=False)])


def _same_every_partitioning(df: pd.DataFrame) -> tuple[Any, ...]:
    whole = _outcome(ghgcalc.calculate(df, PROFILE, on_error="collect"))
    for size, ddf in _partitionings(df):
        res = ghgcalc.calculate(ddf, PROFILE, on_error="collect")
        assert _outcome(res) == whole, size
    return whole


@pytest.mark.parametrize("name", list(SHAPES))
def test_total_rows_on_dask_as_in_memory(name: str) -> None:
    rows, refused, dropped = SHAPES[name]
    errs, warns, *_ = _same_every_partitioning(pd.DataFrame(rows, columns=HEAD))
    assert sorted(r for r, *_, reason in errs if reason == TOTAL_REASON) == refused
    assert sorted(r for r, *_ in warns) == dropped


@pytest.mark.parametrize("name", list(SHAPES))
def test_total_rows_from_csv_blocks_as_in_memory(name: str, tmp_path: Path) -> None:
    rows, refused, dropped = SHAPES[name]
    path = _csv(tmp_path, rows)
    whole = _outcome(ghgcalc.calculate(path, PROFILE, on_error="collect"), lines=False)
    n_parts = set()
    for blocksize in (30, 45, 60, 10_000):   # bytes: one row a partition up to the whole file
        ddf = dd.read_csv(str(path), blocksize=blocksize, dtype=str, keep_default_na=False)
        n_parts.add(ddf.npartitions)
        assert _outcome(ghgcalc.calculate(ddf, PROFILE, on_error="collect"), lines=False) == whole, blocksize
    assert len(n_parts) > 1 and 1 in n_parts
    assert sorted(r for r, *_, reason in whole[0] if reason == TOTAL_REASON) == refused
    assert sorted(r for r, *_ in whole[1]) == dropped


def test_the_probe_total_is_dropped_with_a_warning_on_dask() -> None:
    rows, _, _ = SHAPES["probe: parts in earlier chunks"]
    res = ghgcalc.calculate(dd.from_pandas(pd.DataFrame(rows, columns=HEAD), chunksize=2, sort=False), PROFILE)
    assert res.metric_exact("scope2")[0] == Fraction(360, 2)
    (w,) = res.warnings
    assert (w.row, w.value) == (3, "小计") and "sum of the 3 row(s) above it" in w.reason


def test_raise_lists_the_same_issues_on_dask() -> None:
    df = pd.DataFrame(SHAPES["equal to its own chunk's rows only"][0], columns=HEAD)
    with pytest.raises(ActivityDataError) as whole:
        ghgcalc.calculate(df, PROFILE)
    on_dask = ghgcalc.calculate(dd.from_pandas(df, chunksize=2, sort=False), PROFILE)   # lazy: raised on first use
    with pytest.raises(ActivityDataError) as lazily:
        on_dask.totals()
    assert [(i.row, i.reason) for i in lazily.value.issues] == [(i.row, i.reason) for i in whole.value.issues] == \
        [(3, TOTAL_REASON)]


def test_only_the_first_total_row_of_a_partition_looks_back() -> None:
    """The second total row of a partition totals only the rows after the first (in memory
    too): A+B = 300 is dropped, C = 5 is dropped, a third equal to A+B+C is refused, however
    the rows fall into partitions."""
    rows = [["A", E, 100, "MWh", 2023], ["B", E, 200, "MWh", 2023], ["小计", E, 300, "MWh", 2023], ["C", E, 5, "MWh", 2023],
            ["小计", E, 5, "MWh", 2023], ["合计", E, 305, "MWh", 2023]]
    errs, warns, s2, *_ = _same_every_partitioning(pd.DataFrame(rows, columns=HEAD))
    assert [r for r, *_ in errs] == [5] and [r for r, *_ in warns] == [2, 4] and s2 == Fraction(305, 2)


# -- carrier labels naming a total ------------------------------------------------------------

def test_a_named_total_alone_is_its_carrier_on_dask() -> None:
    rows = [["", "Total electricity consumption", 100, "MWh", 2022], ["", "Total electricity consumption", 120, "MWh", 2023],
            ["", "diesel", 10, "t", 2023]]
    out = _same_every_partitioning(pd.DataFrame(rows, columns=HEAD))
    assert out[0] == [] and out[2] == Fraction(110)


def test_a_named_total_beside_its_parts_in_one_partition() -> None:
    rows = [["A", E, 100, "MWh", 2023], ["B", E, 50, "MWh", 2023], ["", "Total electricity consumption", 150, "MWh", 2023]]
    df = pd.DataFrame(rows, columns=HEAD)
    whole = _outcome(ghgcalc.calculate(df, PROFILE, on_error="collect"))
    assert whole[1] and whole[2] == Fraction(75)
    assert _outcome(ghgcalc.calculate(dd.from_pandas(df, npartitions=1), PROFILE, on_error="collect")) == whole


@pytest.mark.parametrize("chunksize", [1, 2])
@pytest.mark.parametrize("parts_after", [False, True])
def test_a_named_total_whose_parts_are_in_another_partition_stops(chunksize: int, parts_after: bool) -> None:
    rows = [["A", E, 100, "MWh", 2023], ["B", E, 50, "MWh", 2023], ["", "Total electricity consumption", 150, "MWh", 2023]]
    if parts_after:   # the label first, its carrier's rows in later partitions: a total row in memory too
        rows = [rows[2], ["C", "diesel", 1, "t", 2023], *rows[:2]]
    df = pd.DataFrame(rows, columns=HEAD)
    label_row = 0 if parts_after else 2
    mem = ghgcalc.calculate(df, PROFILE, on_error="collect")
    assert mem.metric_exact("scope2")[0] == Fraction(75)   # in memory: never added
    assert {i.row for i in [*mem.errors, *mem.warnings]} == {label_row}
    res = ghgcalc.calculate(dd.from_pandas(df, chunksize=chunksize, sort=False), PROFILE, on_error="collect")
    with pytest.raises(InputError, match="judged per partition: run in memory or streamed") as ei:
        res.totals()
    assert f"row {label_row}:" in str(ei.value)


# -- random tables ----------------------------------------------------------------------------

@settings(max_examples=6)   # each example is calculated in memory and at every partition size
@given(random_tables())
def test_random_tables_on_dask_as_in_memory(rows: list[list[Any]]) -> None:
    _same_every_partitioning(pd.DataFrame(rows, columns=HEAD))
