"""Bad input at the command line (issue 5): exit code 2, a message naming row, column,
value and reason, and never a traceback. The catalogue is the one the API tests use
(bad_inputs.py). Every case runs through ``ghgcalc.cli.main`` in process, and through the
installed console script's entry point (``console_scripts`` metadata, reading ``sys.argv``
and exiting as the script does) in process too; a real console-script process is tested in
tests/test_cli.py::test_installed_console_script."""

from __future__ import annotations

import json
import re
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from bad_inputs import CASES, HEADER, PROFILE, Case
from cli_process import run


def _argv(case: Case, args: dict[str, Any]) -> list[str]:
    if case.kind == "reported":
        return ["reconcile", str(args["activity"]), str(args["reported"]), "--profile", PROFILE]
    dens = [f"--denominator={k}={v}" for k, v in args.get("denominators", {}).items()]
    return ["calc", str(args["activity"]), "--profile", str(args.get("profile", PROFILE)), *dens]


#: every case runs through the console script's entry point
SUB_CASES = list(CASES)


def _check(case: Case, code: int, out: str, err: str, d: Path) -> None:
    assert code == 2, (code, out[-500:], err[-2000:])
    assert "Traceback" not in err and "Traceback" not in out
    assert err.startswith("ghgcalc: ")
    for fragment in case.text:
        assert fragment in err, (fragment, err)
    for row, col in case.issues:
        if row is not None and col is not None:
            assert f"row {row}, column '{col}'" in err or row in _grouped_rows(err, col), err
    assert not (d / "PWNED").exists()


def _grouped_rows(err: str, col: str) -> set[int]:
    """The rows a grouped message line names for a column ("rows 0, 3–5 (4 rows), column 'x'")."""
    out: set[int] = set()
    for m in re.finditer(rf"rows ([\d, \u2013.]+) \(\d+ rows\), column '{re.escape(col)}'", err):
        for part in m.group(1).split(","):
            a, _, b = part.strip().partition("\u2013")
            if a.isdigit():
                out.update(range(int(a), int(b or a) + 1))
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_main_exit_2_with_message(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from ghgcalc.cli import main

    monkeypatch.chdir(tmp_path)
    code = main(_argv(case, case.build(tmp_path)))
    cap = capsys.readouterr()
    _check(case, code, cap.out, cap.err, tmp_path)


def test_subprocess_cases_cover_each_kind() -> None:
    assert {c.kind for c in SUB_CASES} == {"activity", "profile", "reported"}
    assert len(SUB_CASES) >= 60


def _console_entry() -> Any:
    eps = [e for e in entry_points(group="console_scripts") if e.name == "ghgcalc"]
    assert len(eps) == 1, "the ghgcalc console script is not installed (pip install '.[test]')"
    (ep,) = eps
    assert ep.value == "ghgcalc.cli:main"
    return ep.load()


@pytest.mark.parametrize("case", SUB_CASES, ids=[c.id for c in SUB_CASES])
def test_console_script_exit_2_with_message_and_no_traceback(case: Case, tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """As the generated ``ghgcalc`` script runs: ``sys.exit(main())`` with the arguments in
    ``sys.argv``; output captured at the file descriptors."""
    script = _console_entry()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["ghgcalc", *_argv(case, case.build(tmp_path))])
    with pytest.raises(SystemExit) as exit_:
        sys.exit(script())
    cap = capfd.readouterr()
    _check(case, exit_.value.code, cap.out, cap.err, tmp_path)


def test_cli_collect_writes_good_rows_and_lists_bad_ones(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text(HEADER + "electricity,5,MWh\nunobtainium,1,MWh\nelectricity,-1,MWh\n", encoding="utf-8")
    p = run("calc", str(f), "--profile", PROFILE, "--format", "json", "--on-error", "collect")
    assert p.returncode == 2, p.stderr  # partial: written, exit 2
    out = json.loads(p.stdout)
    assert out["partial"] is True and out["rows_in"] == 3 and out["rows_computed"] == 1
    assert sorted((e["row"], e["column"]) for e in out["errors"]) == [(1, "carrier"), (2, "quantity")]
    assert out["input"]["encoding"] == "utf-8" and out["input"]["header_row"] == 0
    p = run("calc", str(f), "--profile", PROFILE, "--format", "csv", "--on-error", "collect")
    assert p.returncode == 2
    assert "ghgcalc: 3 rows in, 1 computed, 2 in error (exit 2)" in p.stderr
    assert "2 problem(s), rows not computed (partial totals)" in p.stderr and "row 1, column 'carrier'" in p.stderr
    p = run("calc", str(f), "--profile", PROFILE, "--on-error", "collect")
    assert "2 row(s) not computed (partial totals)" in p.stdout


def test_cli_unwritable_output_is_exit_2(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text(HEADER + "electricity,5,MWh\n", encoding="utf-8")
    p = run("calc", str(f), "--profile", PROFILE, "--format", "json", "-o", str(tmp_path / "no" / "such" / "dir" / "out.json"))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "No such file or directory" in p.stderr


def test_cli_reports_the_encoding_it_used(tmp_path: Path) -> None:
    f = tmp_path / "big5.csv"
    f.write_bytes("報告標題\n\n能源,數量,單位\n外購電力,\"1,000\",兆瓦時\n".encode("cp950"))
    p = run("calc", str(f), "--profile", PROFILE, "--format", "json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["input"]["encoding"] in ("cp950", "big5") and out["input"]["header_row"] == 2
    assert out["totals"]["scope2"]["value"] == pytest.approx(1000 * 0.5703, rel=1e-12)
