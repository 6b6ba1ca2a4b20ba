"""The command line: ``ghgcalc.cli.main`` in process (tests/cli_process.py), and the installed
console script itself in a subprocess for a handful of cases (``test_installed_console_script``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_process import run, run_console_script


def test_example_exit_0_with_statuses() -> None:
    p = run("example")
    assert p.returncode == 0, p.stderr
    assert "16 reproduced, 1 consistent, 0 differs, 1 not recomputed" in p.stdout


def test_example_json() -> None:
    p = run("example", "--format", "json")
    data = json.loads(p.stdout)
    assert len(data) == 18
    assert {"metric", "reported", "recomputed", "unit", "status", "reason"} <= set(data[0])


def test_reconcile_with_report_labels(example_dir: Path) -> None:
    p = run("reconcile", str(example_dir / "activity.csv"), str(example_dir / "reported.yaml"), "--profile", "kuaishou-2022",
            "--format", "json")
    assert p.returncode == 0, p.stderr
    statuses = [e["status"] for e in json.loads(p.stdout)]
    assert statuses.count("reproduced") == 16


def test_reconcile_exit_1_when_a_figure_differs(tmp_path: Path, example_dir: Path) -> None:
    rep = tmp_path / "r.yaml"
    rep.write_text('reported:\n  - {metric: scope2, value: "80.00", unit: 10^4 t CO2e}\n', encoding="utf-8")
    p = run("reconcile", str(example_dir / "activity.csv"), str(rep), "--profile", "kuaishou-2022")
    assert p.returncode == 1
    assert "DIFFERS" in p.stdout


def test_bad_input_exit_2_without_traceback(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("carrier,quantity,unit\nelectricity,-5,MWh\nunobtainium,1,MWh\n", encoding="utf-8")
    p = run("calc", str(f), "--profile", "kuaishou-2022")
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert "row 0, column 'quantity'" in p.stderr and "row 1, column 'carrier'" in p.stderr


def test_calc_collect_lists_errors_in_json(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("carrier,quantity,unit\nelectricity,5,MWh\nunobtainium,1,MWh\n", encoding="utf-8")
    p = run("calc", str(f), "--profile", "kuaishou-2022", "--format", "json", "--on-error", "collect")
    assert p.returncode == 2, p.stderr  # a partial result: written, and exit 2
    assert "ghgcalc: 2 rows in, 1 computed, 1 in error (exit 2)" in p.stderr
    out = json.loads(p.stdout)
    assert out["totals"]["scope2"]["value"] == pytest.approx(5 * 0.5703)
    assert out["errors"][0]["row"] == 1 and out["partial"] is True
    assert any(f["id"] == "cn-mee-grid-national-2022" for f in out["factors"])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_calc_exports(tmp_path: Path, example_dir: Path, fmt: str) -> None:
    out = tmp_path / f"r.{fmt}"
    p = run("calc", str(example_dir / "activity.csv"), "--profile", "kuaishou-2022", "--format", fmt, "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert out.stat().st_size > 0


def test_factors_commands() -> None:
    assert run("factors", "verify").returncode == 0
    p = run("factors", "list", "--carrier", "electricity", "--year", "2022", "--format", "json")
    rows = json.loads(p.stdout)
    assert any(r["id"] == "cn-mee-grid-national-2022" and r["value"] == "0.5703" for r in rows)
    for r in rows:
        for k in ("publisher", "document", "reference", "published", "review_status"):
            assert r[k], (r["id"], k)
    assert "0.5703" in run("factors", "show", "cn-mee-grid-national-2022").stdout


def test_factors_summary_counts_every_row_by_table_and_status() -> None:
    from ghgcalc.core.factors import default_library

    lib = default_library()
    p = run("factors", "summary", "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["total"]["rows"] == len(lib.select())
    assert sum(t["rows"] for t in data["tables"]) == len(lib.select())
    for status in ("verified", "derived", "unverified"):
        assert data["total"][status] == sum(1 for r in lib.select() if r.review_status == status)
        listed = json.loads(run("factors", "list", "--status", status, "--format", "json").stdout)
        assert len(listed) == data["total"][status] and {r["review_status"] for r in listed} <= {status}
    grid = next(t for t in data["tables"] if t["table"] == "cn-mee-ets-grid/national.csv")
    assert grid["rows"] == len([r for r in lib.select() if r.source_file == "cn-mee-ets-grid/national.csv"])
    assert "total" in run("factors", "summary").stdout


def test_profiles_commands() -> None:
    assert "kuaishou-2022" in run("profiles", "list").stdout
    p = run("profiles", "show", "kuaishou-2022")
    assert p.returncode == 0 and "0.5810" in p.stdout   # the footnote discrepancy is documented


def _console_cases(tmp: Path, example_dir: Path) -> dict[str, list[str]]:
    bad = tmp / "bad.csv"
    bad.write_text("carrier,quantity,unit\nelectricity,-5,MWh\nunobtainium,1,MWh\n", encoding="utf-8")
    differs = tmp / "r.yaml"
    differs.write_text('reported:\n  - {metric: scope2, value: "80.00", unit: 10^4 t CO2e}\n', encoding="utf-8")
    big5 = tmp / "big5.csv"
    big5.write_bytes("報告標題\n\n能源,數量,單位\n外購電力,\"1,000\",兆瓦時\n".encode("cp950"))
    return {
        "example": ["example"],
        "bad-input": ["calc", str(bad), "--profile", "kuaishou-2022"],
        "differs": ["reconcile", str(example_dir / "activity.csv"), str(differs), "--profile", "kuaishou-2022"],
        "big5-json": ["calc", str(big5), "--profile", "kuaishou-2022", "--format", "json"],
    }


def _data_dir(text: str) -> str:
    return re.sub(r"\S*?ghgcalc[/\\]data[/\\]", "<ghgcalc>/data/", text)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["example", "bad-input", "differs", "big5-json"])
def test_installed_console_script(case: str, tmp_path: Path, example_dir: Path) -> None:
    """The installed ``ghgcalc`` script in a real process: exit codes 0, 2 and 1, messages on
    stderr without a traceback, non-ASCII output; and the same output as ``main`` in process
    (what every other CLI test calls)."""
    args = _console_cases(tmp_path, example_dir)[case]
    p = run_console_script(*args)
    assert "Traceback" not in p.stderr
    inproc = run(*args)
    # the script runs the installed package; in process, ghgcalc may be the source tree's
    # (pyproject's pythonpath): where the bundled data lies is the only difference allowed
    assert (p.returncode, _data_dir(p.stdout), _data_dir(p.stderr)) == \
        (inproc.returncode, _data_dir(inproc.stdout), _data_dir(inproc.stderr))
    if case == "example":
        assert p.returncode == 0, p.stderr
        assert "16 reproduced, 1 consistent, 0 differs, 1 not recomputed" in p.stdout
    elif case == "bad-input":
        assert p.returncode == 2 and p.stderr.startswith("ghgcalc: ")
        assert "row 0, column 'quantity'" in p.stderr and "row 1, column 'carrier'" in p.stderr
    elif case == "differs":
        assert p.returncode == 1 and "DIFFERS" in p.stdout
    else:
        assert p.returncode == 0, p.stderr
        out = json.loads(p.stdout)
        assert out["input"]["encoding"] in ("cp950", "big5") and out["input"]["header_row"] == 2
        assert out["totals"]["scope2"]["value"] == pytest.approx(1000 * 0.5703, rel=1e-12)
