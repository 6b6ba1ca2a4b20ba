"""Chunk-invariant sums, and streamed calculation of files larger than memory.

The totals of a table must be the same bits whether it is computed in memory, streamed in
chunks of any size, or split into Dask partitions: per-key sums are taken in fixed blocks of
input row numbers and the block sums combined in block order (ghgcalc.core.results.KeySums).
"""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core import results
from ghgcalc.core.results import KeySums
from ghgcalc.core.streaming import calculate_stream
from ghgcalc.errors import ActivityDataError, GhgcalcError


def _sums(keys: np.ndarray, q: np.ndarray, cuts: list[int], rows: np.ndarray | None = None) -> np.ndarray:
    ks = KeySums()
    bounds = [0, *sorted(set(cuts)), len(keys)]
    for a, b in itertools.pairwise(bounds):
        if rows is None:
            ks.add(keys[a:b], q[a:b], start=a)
        else:
            ks.add(keys[a:b], q[a:b], rows=rows[a:b])
    return ks.result()[0]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3000), st.lists(st.integers(0, 3000), max_size=8), st.integers(0, 2**32 - 1), st.sampled_from([7, 64, 1000]))
def test_key_sums_do_not_depend_on_the_cut(n: int, cuts: list[int], seed: int, block: int) -> None:
    old = results.BLOCK_ROWS
    results.BLOCK_ROWS = block
    try:
        rng = np.random.default_rng(seed)
        keys = rng.integers(0, 5, n)
        q = rng.gamma(1.0, 1e3, n) * 10.0 ** rng.integers(-6, 7, n)
        whole = _sums(keys, q, [])
        cut = _sums(keys, q, [c for c in cuts if 0 < c < n])
        assert whole.tobytes() == cut.tobytes()
        # with gaps in the row numbers (rows in error left out) the blocks follow the row numbers
        rows = np.cumsum(rng.integers(1, 4, n))
        assert _sums(keys, q, [], rows).tobytes() == _sums(keys, q, [c for c in cuts if 0 < c < n], rows).tobytes()
    finally:
        results.BLOCK_ROWS = old


def test_key_sums_are_accurate() -> None:
    """Block sums combined with compensation: the error is that of one block's running sum
    (65,536 values), not of the whole column's."""
    rng = np.random.default_rng(1)
    n = 1_000_000
    keys = np.zeros(n, dtype=np.intp)
    q = rng.gamma(2.0, 500.0, n).round(3)
    got = _sums(keys, q, [123_457, 700_001])[0]
    # the exact sum of the floats: each is mant * 2**(e - 53) with an integer mant of 53 bits,
    # summed per exponent in Python integers (the same Fraction as adding Fraction(x) per value)
    frac, exp = np.frexp(q)
    mant = (frac * 2.0**53).astype(np.int64)
    exact = sum((Fraction(sum(mant[exp == e].tolist())) * Fraction(2) ** (int(e) - 53) for e in np.unique(exp)), Fraction(0))
    assert abs(Fraction(got) - exact) <= abs(exact) * Fraction(1, 10**13)


def test_key_sums_count_rows_per_key() -> None:
    ks = KeySums()
    ks.add(np.array([0, 2, 2]), np.array([1.0, 2.0, 3.0]), start=0)
    ks.add(np.array([1]), np.array([4.0]), start=3)
    sums, counts = ks.result()
    assert sums.tolist() == [1.0, 4.0, 5.0]
    assert counts.tolist() == [1, 1, 2]


# -- streamed files ------------------------------------------------------------------------
PROFILE = "kuaishou-2022"
MIX = [("electricity", "MWh"), ("外購電力", "萬千瓦時"), ("diesel", "t"), ("柴油", "噸"), ("natural_gas", "m**3"),
       ("天然氣", "萬立方米"), ("heat", "GJ")]


def _table(n: int, seed: int = 0, bad: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(MIX), n)
    df = pd.DataFrame({
        "facility": [f"F{i}" for i in rng.integers(0, 40, n)],
        "carrier": [MIX[i][0] for i in pick],
        "quantity": [f"{x:,.3f}" for x in rng.gamma(2.0, 500.0, n)],
        "unit": [MIX[i][1] for i in pick],
        "period": 2022,
    })
    if bad:
        df.loc[5, "quantity"] = "-3"
        df.loc[n // 2, "unit"] = "furlong"
        df.loc[n - 2, "carrier"] = "unobtainium"
    return df


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "BLOCK_ROWS", 1000)


def _issues(errs: list[Any]) -> list[tuple[Any, Any]]:
    return sorted((e.row, e.column) for e in errs)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_stream_equals_in_memory(tmp_path: Path, fmt: str, small_blocks: None) -> None:
    df = _table(5000)
    src = tmp_path / f"acts.{fmt}"
    if fmt == "csv":
        df.to_csv(src, index=False)
    else:
        df.to_parquet(src)
    mem = ghgcalc.calculate(src, PROFILE, on_error="collect")
    out = tmp_path / "rows.parquet"
    st = calculate_stream(src, PROFILE, on_error="collect", chunk_rows=777, output=out, progress=False)
    assert st.chunks == 7
    tm, ts = mem.totals(), st.totals()
    assert list(tm) == list(ts)
    for k in tm:  # the same bits, not just close
        assert tm[k].magnitude == ts[k].magnitude or (math.isnan(tm[k].magnitude) and math.isnan(ts[k].magnitude)), k
    assert _issues(st.errors) == _issues(mem.errors) == [(5, "quantity"), (2500, "unit"), (4998, "carrier")]
    assert st.n_input_rows == 5000 and st.rows_computed == len(mem.rows) == 4997 and st.rows_accounted
    rows = pd.read_parquet(out).set_index("row")
    assert rows.index.tolist() == mem.rows.index.tolist()
    for c in ("co2e_t", "energy_mwh", "energy_tce"):
        assert np.array_equal(rows[c].to_numpy(), mem.rows[c].to_numpy())
    assert rows["factor_ids"].tolist() == mem.rows["factor_ids"].astype(str).tolist()
    assert [f.id for f in st.factors_used()] == [f.id for f in mem.factors_used()]


def test_stream_raise_lists_every_bad_row_and_removes_partial_output(tmp_path: Path) -> None:
    src = tmp_path / "acts.csv"
    _table(3000).to_csv(src, index=False)
    out = tmp_path / "rows.csv"
    with pytest.raises(ActivityDataError) as ei:
        calculate_stream(src, PROFILE, chunk_rows=1000, output=out, progress=False)
    assert [(i.row, i.column) for i in ei.value.issues] == [(5, "quantity"), (1500, "unit"), (2998, "carrier")]
    assert not out.exists()


def test_stream_keeps_no_rows_and_says_so(tmp_path: Path) -> None:
    src = tmp_path / "acts.parquet"
    _table(100, bad=False).to_parquet(src)
    st = ghgcalc.calculate(src, PROFILE, chunk_rows=30)
    assert st.rows.empty and st.rows_computed == 100
    with pytest.raises(GhgcalcError, match="per-row results"):
        st.to_frame()
    with pytest.raises(GhgcalcError, match="select_group"):
        st.select_mask(facility="F1")
    assert st.kpis()["metric"].tolist() == ghgcalc.calculate(src, PROFILE).kpis()["metric"].tolist()


def test_stream_missing_column_is_one_table_error(tmp_path: Path) -> None:
    src = tmp_path / "acts.csv"
    _table(50, bad=False).drop(columns=["unit"]).to_csv(src, index=False)
    st = calculate_stream(src, PROFILE, chunk_rows=10, on_error="collect", progress=False)
    assert [(e.row, e.column) for e in st.errors] == [(None, "unit")]


def test_cli_streams_with_chunk_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str], small_blocks: None) -> None:
    src = tmp_path / "acts.csv"
    _table(4000, bad=False).to_csv(src, index=False)
    rows = tmp_path / "rows.csv"
    assert main(["calc", str(src), "--profile", PROFILE, "--chunk-rows", "900", "--quiet", "--format", "json", "-o", str(rows)]) == 0
    cap = capsys.readouterr()
    assert cap.err == ""
    streamed = json.loads(cap.out)
    assert main(["calc", str(src), "--profile", PROFILE, "--format", "json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert streamed["totals"] == whole["totals"]
    assert streamed["rows_in"] == streamed["rows_computed"] == 4000
    written = pd.read_csv(rows)
    assert len(written) == 4000 and written["row"].tolist() == list(range(4000))


def test_cli_streaming_refuses_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "acts.csv"
    _table(10, bad=False).to_csv(src, index=False)
    assert main(["calc", str(src), "--profile", PROFILE, "--chunk-rows", "5", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "whole table in memory" in capsys.readouterr().err


def test_stream_numbers_rows_after_empty_lines_as_in_memory(tmp_path: Path) -> None:
    src = tmp_path / "gaps.csv"
    src.write_text("carrier,quantity,unit\nelectricity,1,MWh\n\ndiesel,-2,t\n\nheat,3,GJ\nheat,x,GJ\n", encoding="utf-8")
    mem = ghgcalc.calculate(src, PROFILE, on_error="collect")
    st = calculate_stream(src, PROFILE, on_error="collect", chunk_rows=2, progress=False)
    assert _issues(st.errors) == _issues(mem.errors) == [(2, "quantity"), (5, "quantity")]
    assert st.n_input_rows == mem.n_input_rows == 4 and st.rows_accounted
    assert st.totals()["scope2"].magnitude == mem.totals()["scope2"].magnitude


def test_stream_finds_title_rows_and_delimiter_as_in_memory(tmp_path: Path) -> None:
    src = tmp_path / "titled.csv"
    src.write_text("Group energy data 2023\nprepared by the EHS team\ncarrier;quantity;unit\nelectricity;1.5;MWh\n\n"
                   "diesel;-2;t\nheat;3;GJ\n外購電力;12;萬千瓦時\n", encoding="utf-8")
    mem = ghgcalc.calculate(src, PROFILE, on_error="collect")
    st = calculate_stream(src, PROFILE, on_error="collect", chunk_rows=2, progress=False)
    assert _issues(st.errors) == _issues(mem.errors) == [(2, "quantity")]
    assert st.n_input_rows == mem.n_input_rows == 4 and st.rows_accounted
    tm, ts = mem.totals(), st.totals()
    assert all(tm[k].magnitude == ts[k].magnitude for k in tm)
