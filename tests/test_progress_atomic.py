"""Progress on long work and outputs written whole or not at all (issue 14, item 6).

- the computing code reports :class:`ProgressEvent` s to a callback; the command line draws
  them with tqdm on stderr only when it is a terminal and ``--quiet`` is not given;
- every output file is written under a temporary name beside it and renamed when complete
  (``ghgcalc.io.exports.atomic_path``): a failing or killed run leaves nothing under the
  name asked for.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.streaming import calculate_stream
from ghgcalc.io.exports import TEMP_MARK, atomic_path, safe_cell, safe_column
from ghgcalc.io.progress import ProgressEvent, TerminalProgress, terminal_progress
from ghgcalc.reports import reporting

PROFILE = "kuaishou-2022"
MIX = [("electricity", "MWh"), ("外購電力", "萬千瓦時"), ("diesel", "t"), ("柴油", "噸"), ("natural_gas", "m**3"),
       ("heat", "GJ"), ("fresh_water", "m**3")]


def _table(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(MIX), n)
    return pd.DataFrame({
        "facility": [f"F{i}" for i in rng.integers(0, 20, n)],
        "carrier": [MIX[i][0] for i in pick],
        "quantity": rng.gamma(2.0, 500.0, n).round(3),
        "unit": [MIX[i][1] for i in pick],
        "period": 2022,
    })


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_MARK in p.name)


# -- atomic_path -------------------------------------------------------------------------
def test_atomic_path_renames_when_complete_and_keeps_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".out.csv" + TEMP_MARK) and tmp.exists()
        assert not target.exists()   # nothing under the name asked for while writing
        tmp.write_bytes(b"a,b\r\n1,2\r\n")
    assert target.read_bytes() == b"a,b\r\n1,2\r\n"
    assert _leftovers(tmp_path) == []
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_atomic_path_removes_the_temporary_file_and_keeps_the_old_one_on_error(tmp_path: Path) -> None:
    target = tmp_path / "pack.html"
    target.write_text("the finished pack of the last run", encoding="utf-8")
    with pytest.raises(RuntimeError, match="stopped"), atomic_path(target) as tmp:
        tmp.write_text("half a pack", encoding="utf-8")
        raise RuntimeError("stopped")
    assert target.read_text(encoding="utf-8") == "the finished pack of the last run"
    assert _leftovers(tmp_path) == []


def test_atomic_path_in_a_missing_folder_fails_without_writing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "no" / "out.csv"):
        pass   # pragma: no cover


@pytest.mark.parametrize("values", [
    ["=1+1", "plain", None, "+3", "plain", "@x", float("nan")],
    ["a", "b", "a"],
    ["  =cmd", "－1", "text", "'=already"],
])
@pytest.mark.parametrize("dtype", [object, "category"])
def test_safe_column_equals_safe_cell_per_value(values: list[Any], dtype: Any) -> None:
    s = pd.Series(values, dtype=dtype, index=pd.RangeIndex(10, 10 + len(values)))
    got = safe_column(s)
    want = s.astype(object).map(safe_cell)
    assert got.index.equals(s.index)
    assert [None if (isinstance(v, float) and math.isnan(v)) else v for v in got.tolist()] == \
        [None if (isinstance(v, float) and math.isnan(v)) else v for v in want.tolist()]


# -- progress events ----------------------------------------------------------------------
def _events(source: Any, **kw: Any) -> list[ProgressEvent]:
    seen: list[ProgressEvent] = []
    calculate_stream(source, PROFILE, on_error="collect", progress=seen.append, **kw)
    return seen


def test_stream_reports_rows_of_a_parquet_file_from_its_metadata(tmp_path: Path) -> None:
    src = tmp_path / "acts.parquet"
    _table(1000).to_parquet(src, row_group_size=300)
    ev = _events(src, chunk_rows=250)
    assert [e.done for e in ev] == [250, 500, 750, 1000, 1000]
    assert {e.total for e in ev} == {1000} and {e.unit for e in ev} == {"rows"}
    assert [e.final for e in ev] == [False] * 4 + [True]


def test_stream_reports_bytes_of_a_csv_file(tmp_path: Path) -> None:
    src = tmp_path / "acts.csv"
    _table(3000).to_csv(src, index=False)
    size = src.stat().st_size
    ev = _events(src, chunk_rows=1000)
    assert {e.total for e in ev} == {size} and {e.unit for e in ev} == {"B"}
    done = [e.done for e in ev]
    assert done == sorted(done) and 0 < done[0] < size and done[-1] == size
    assert [e.rows for e in ev] == [1000, 2000, 3000, 3000] and ev[-1].final


def test_stream_of_a_table_in_memory_reports_its_rows() -> None:
    ev = _events(_table(500), chunk_rows=200)
    assert [(e.done, e.total) for e in ev] == [(200, 500), (400, 500), (500, 500), (500, 500)]


def test_in_memory_calculate_reports_its_two_steps() -> None:
    seen: list[ProgressEvent] = []
    ghgcalc.calculate(_table(50), PROFILE, progress=seen.append)
    assert [(e.done, e.total, e.final) for e in seen] == [(0, 2, False), (1, 2, False), (2, 2, True)]


def test_terminal_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert terminal_progress() is None   # captured stderr is no terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert isinstance(terminal_progress(), TerminalProgress)
    assert terminal_progress(quiet=True) is None


# -- the command line -----------------------------------------------------------------------
@pytest.fixture
def acts(tmp_path: Path) -> Path:
    src = tmp_path / "acts.csv"
    _table(2000).to_csv(src, index=False)
    return src


def test_cli_prints_no_bar_when_stderr_is_not_a_terminal(acts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = [
        ["calc", str(acts), "--profile", PROFILE, "--chunk-rows", "500", "--format", "json"],
        ["calc", str(acts), "--profile", PROFILE, "--chunk-rows", "500", "-o", str(tmp_path / "rows.parquet")],
        ["calc", str(acts), "--profile", PROFILE, "--format", "csv", "-o", str(tmp_path / "rows.csv")],
        ["calc", str(acts), "--profile", PROFILE, "--format", "json", "--uncertainty", "approach1"],
    ]
    for argv in runs:
        assert main(argv) == 0, argv
        assert capsys.readouterr().err == "", argv


def test_cli_draws_a_bar_on_a_terminal(acts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    out = tmp_path / "rows.parquet"
    assert main(["calc", str(acts), "--profile", PROFILE, "--chunk-rows", "500", "-o", str(out), "--format", "json"]) == 0
    err = capsys.readouterr().err
    size = acts.stat().st_size
    last = err.replace("\r", "\n").strip().splitlines()[-1]
    # description, percentage, done/total (bytes of the CSV file), elapsed<remaining, rate, rows done
    assert last.startswith("calc: 100%|") and "2,000 rows" in last and "B/s" in last, last
    assert f"{size / 1024:.1f}k/{size / 1024:.1f}k" in last or f"/{size / 1024:.1f}k" in last, (last, size)
    assert "<00:00" in last
    assert pq.ParquetFile(out).metadata.num_rows == 2000

    rows_out = tmp_path / "rows.csv"
    monkeypatch.setattr(reporting, "WRITE_ROWS", 300)
    assert main(["calc", str(acts), "--profile", PROFILE, "--format", "csv", "-o", str(rows_out)]) == 0
    err = capsys.readouterr().err
    assert "calc: 100%|" in err and "2/2" in err   # reading and computing, in memory
    assert "write rows: 100%|" in err and "2.00k/2.00k" in err and "rows/s" in err

    assert main(["calc", str(acts), "--profile", PROFILE, "--format", "json", "--uncertainty", "approach1"]) == 0
    err = capsys.readouterr().err
    assert "uncertainty: 100%|" in err and "totals/s" in err

    # --quiet: nothing, even on a terminal
    assert main(["calc", str(acts), "--profile", PROFILE, "--chunk-rows", "500", "--format", "json", "--quiet"]) == 0
    assert main(["calc", str(acts), "--profile", PROFILE, "--format", "csv", "-o", str(rows_out), "--quiet"]) == 0
    assert capsys.readouterr().err == ""


# -- outputs: whole or not at all -------------------------------------------------------------
@pytest.mark.parametrize("name", ["rows.parquet", "rows.csv"])
def test_stream_stopped_by_an_exception_leaves_no_output(acts: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    seen: list[str] = []

    def stop_at_60(ev: ProgressEvent) -> None:
        seen.extend(_leftovers(tmp_path))   # the rows so far are in the temporary file
        if ev.rows is not None and ev.rows >= 1200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        calculate_stream(acts, PROFILE, chunk_rows=400, output=out, progress=stop_at_60)
    assert seen and all(s.startswith(f".{name}{TEMP_MARK}") for s in seen)
    assert not out.exists() and _leftovers(tmp_path) == []


def test_stream_with_bad_rows_raised_writes_no_output(tmp_path: Path) -> None:
    df = _table(900)
    df.loc[850, "unit"] = "furlong"
    out = tmp_path / "rows.csv"
    with pytest.raises(ghgcalc.ActivityDataError):
        calculate_stream(df, PROFILE, chunk_rows=100, output=out)
    assert not out.exists() and _leftovers(tmp_path) == []


def test_rows_written_in_pieces_equal_one_piece(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = ghgcalc.calculate(_table(700), PROFILE)
    whole, pieces = tmp_path / "whole.csv", tmp_path / "pieces.csv"
    reporting.write_rows(res, whole, "csv")
    monkeypatch.setattr(reporting, "WRITE_ROWS", 64)
    events: list[ProgressEvent] = []
    reporting.write_rows(res, pieces, "csv", progress=events.append)
    assert pieces.read_bytes() == whole.read_bytes()
    assert [e.done for e in events] == [*range(64, 700, 64), 700] and events[-1].final
    xlsx = tmp_path / "rows.xlsx"
    reporting.write_rows(res, xlsx, "xlsx")
    back = pd.read_excel(xlsx, sheet_name="rows", index_col=0)
    assert back.index.tolist() == list(range(700))
    assert np.allclose(back["co2e_t"].to_numpy(float), res.rows["co2e_t"].to_numpy(float), rtol=1e-15, equal_nan=True)
    assert back["factor_ids"].fillna("").tolist() == res.rows["factor_ids"].astype(str).tolist()


def test_rows_writing_stopped_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = ghgcalc.calculate(_table(500), PROFILE)
    out = tmp_path / "rows.xlsx"
    out.write_bytes(b"previous complete file")
    monkeypatch.setattr(reporting, "WRITE_ROWS", 100)

    def stop(ev: ProgressEvent) -> None:
        if ev.done >= 300:
            raise KeyboardInterrupt

    for fmt in ("xlsx", "csv"):
        with pytest.raises(KeyboardInterrupt):
            reporting.write_rows(res, out, fmt, progress=stop)
        assert out.read_bytes() == b"previous complete file" and _leftovers(tmp_path) == []


_KILLED_RUN = textwrap.dedent("""
    import sys, time
    from ghgcalc.core.streaming import calculate_stream

    def progress(ev):
        print(ev.done, ev.total, flush=True)
        if ev.done >= 0.6 * ev.total:   # 60 %: say so, then wait to be killed
            print("60%", flush=True)
            time.sleep(60)

    calculate_stream(sys.argv[1], "kuaishou-2022", chunk_rows=int(sys.argv[3]), output=sys.argv[2], progress=progress)
""")


def test_a_killed_stream_leaves_no_file_that_looks_finished(tmp_path: Path) -> None:
    """SIGKILL at 60 % of a streamed CSV: no file under the requested name (only a clearly
    temporary one, ``.rows.csv.tmp-XXXXXXXX``); run again, the file is there and complete."""
    src = tmp_path / "acts.parquet"
    n = 20_000
    _table(n, seed=3).to_parquet(src, row_group_size=2_000)
    out = tmp_path / "rows.csv"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(ghgcalc.__file__).parents[1]), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_RUN, str(src), str(out), "2000"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        for line in proc.stdout:
            if line.strip() == "60%" or time.monotonic() > deadline:
                break
        else:   # pragma: no cover - the run ended before 60 %
            raise AssertionError(f"the run ended early: {proc.stderr.read() if proc.stderr else ''}")
        temp = _leftovers(tmp_path)
        assert len(temp) == 1 and temp[0].startswith(f".rows.csv{TEMP_MARK}")
        assert (tmp_path / temp[0]).stat().st_size > 0   # rows were being written ...
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:   # pragma: no cover
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()   # ... but nothing under the requested name
    assert _leftovers(tmp_path) == temp
    partial = (tmp_path / temp[0]).read_bytes().count(b"\r\n") - 1
    assert 0 < partial < n
    # run again to the end: the file is there, with every row
    res = calculate_stream(src, PROFILE, chunk_rows=2000, output=out)
    back = pd.read_csv(out, index_col="row")
    assert back.index.tolist() == list(range(n)) and res.rows_computed == n
    assert math.isclose(back["co2e_t"].sum(), res.totals()["scope1_2"].magnitude, rel_tol=1e-9)


def test_cli_report_writes_whole_files_and_draws_a_bar_on_a_terminal(acts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    md = tmp_path / "pack.md"
    assert main(["report", str(acts), "--profile", PROFILE, "-o", str(md)]) == 0
    assert capsys.readouterr().err == ""   # not a terminal: no bar
    charts = sorted(p.name for p in (tmp_path / "pack_charts").iterdir())
    assert md.read_text(encoding="utf-8").count("pack_charts/") == len(charts) > 0
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    html = tmp_path / "pack.html"
    assert main(["report", str(acts), "--profile", PROFILE, "-o", str(html)]) == 0
    assert "calc: 100%|" in capsys.readouterr().err and html.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert main(["report", str(acts), "--profile", PROFILE, "-o", str(html), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert _leftovers(tmp_path) == [] and _leftovers(tmp_path / "pack_charts") == []


def test_cli_explain_draws_a_bar_on_a_terminal_and_writes_the_profile_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], example_dir: Path) -> None:
    reported = tmp_path / "reported.yaml"   # two of the example's figures: a quick search
    reported.write_text("reporting_year: 2022\nreported:\n"
                        "  - {metric: scope1, value: \"1.02\", unit: 10^4 t CO2e}\n"
                        "  - {metric: scope2, value: \"87.82\", unit: 10^4 t CO2e}\n", encoding="utf-8")
    argv = ["explain", str(example_dir / "activity.csv"), str(reported), "--format", "json"]
    prof = tmp_path / "best.toml"
    assert main([*argv, "--write-profile", str(prof)]) == 0
    assert capsys.readouterr().err == "" and prof.read_text(encoding="utf-8").startswith("id = ")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "explain: 100%|" in err and "settings/s" in err and _leftovers(tmp_path) == []


def test_in_memory_and_streamed_parquet_rows_are_the_same(acts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from ghgcalc.io import exports

    monkeypatch.setattr(exports, "PARQUET_SLICE_ROWS", 300)   # several row groups from one chunk too
    mem, st = tmp_path / "mem.parquet", tmp_path / "st.parquet"
    assert main(["calc", str(acts), "--profile", PROFILE, "-o", str(mem)]) == 0
    assert main(["calc", str(acts), "--profile", PROFILE, "--chunk-rows", "700", "-o", str(st), "--quiet"]) == 0
    capsys.readouterr()
    a, b = pq.read_table(mem), pq.read_table(st)
    assert a.schema.equals(b.schema) and a.num_rows == b.num_rows == 2000
    assert pq.ParquetFile(mem).metadata.num_row_groups == 7
    pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())
    assert _leftovers(tmp_path) == []
