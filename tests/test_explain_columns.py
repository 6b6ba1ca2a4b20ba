"""``ghgcalc explain --columns`` (issue 15 item 1): explain reads a table whose headers the words
of data/columns.yaml do not know through the same mapping as ``calc --columns`` and a profile's
``[input] columns`` (one parser: ghgcalc.io.headers.parse_column_mapping), and the method it
writes keeps the mapping. Before, explain read neither the option nor the profile's mapping.

1,000 MWh of purchased electricity x 0.5703 t CO2/MWh (cn-mee-grid-national-2022, MEE
环办气候函〔2023〕43号) = 570.3 t; 900 MWh (the other quantity column) would be 513.27 t.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import ghgcalc
from ghgcalc.cli import main

HEADS = "物料名称,上期,本期,计量\n"
ROWS = '外购电力,900,"1,000",MWh\n'
REPORTED = 'reporting_year: 2022\nreported:\n  - {metric: scope2, value: "570.3", unit: t CO2}\n'


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "a.csv").write_text(HEADS + ROWS, encoding="utf-8")
    (tmp_path / "rep.yaml").write_text(REPORTED, encoding="utf-8")
    return tmp_path / "a.csv", tmp_path / "rep.yaml"


def _best(out: str) -> dict[str, object]:
    [fig] = json.loads(out)
    best: dict[str, object] = fig["candidates"][0]
    return best


def test_explain_columns_maps_the_headers(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    act, rep = files
    # unmapped: refused, with the hint naming the option explain now has
    assert main(["explain", str(act), str(rep), "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert "required column 'carrier' is missing" in err and "--columns HEADER=carrier" in err
    # mapped, two options adding up (as calc)
    code = main(["explain", str(act), str(rep), "--format", "json", "--columns", "物料名称=carrier,本期=quantity",
                 "--columns", "计量=unit"])
    best = _best(capsys.readouterr().out)
    assert code == 0 and best["status"] == "reproduced" and best["recomputed"] == "570.3"
    assert best["factors"] == ["cn-mee-grid-national-2022"]


def test_the_option_wins_over_the_profiles_mapping(files: tuple[Path, Path], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    act, rep = files
    prof = tmp_path / "p.toml"
    prof.write_text('id = "mine"\nextends = "kuaishou-2022"\n[input]\ncolumns = {"物料名称" = "carrier", "上期" = "quantity", '
                    '"计量" = "unit"}\n', encoding="utf-8")
    # the profile's own mapping is read: the stated method on the 上期 column (900 MWh) gives 513.3
    main(["explain", str(act), str(rep), "--profile", str(prof), "--format", "json"])
    assert _stated(capsys.readouterr().out) == ("513.3", "differs")
    # --columns names another quantity column: it wins, as in calc (1,000 MWh)
    assert main(["explain", str(act), str(rep), "--profile", str(prof), "--format", "json", "--columns", "本期=quantity"]) == 0
    assert _stated(capsys.readouterr().out) == ("570.3", "reproduced")


def _stated(out: str) -> tuple[object, object]:
    """The recomputed value and status of the method the profile states (explain's candidate
    noted "the stated method")."""
    [fig] = json.loads(out)
    [c] = [c for c in fig["candidates"] if any(str(n).startswith("the stated method") for n in c["notes"])]
    return c["recomputed"], c["status"]


def test_the_written_method_keeps_the_mapping(files: tuple[Path, Path], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    act, rep = files
    out = tmp_path / "found.toml"
    assert main(["explain", str(act), str(rep), "--columns", "物料名称=carrier,本期=quantity,计量=unit",
                 "--write-profile", str(out)]) == 0
    capsys.readouterr()
    written = tomllib.loads(out.read_text(encoding="utf-8"))
    assert written["input"]["columns"] == {"物料名称": "carrier", "本期": "quantity", "计量": "unit"}
    # calc with the written profile reads the same table, with no option, and reproduces the figure
    assert main(["reconcile", str(act), str(rep), "--profile", str(out), "--format", "json"]) == 0
    [e] = json.loads(capsys.readouterr().out)
    assert (e["status"], e["recomputed"]) == ("reproduced", "570.3")


@pytest.mark.parametrize("bad", ["物料名称", "物料名称=nonsense", "物料名称=carrier,本期=carrier"])
def test_a_bad_mapping_is_the_same_error_in_explain_and_calc(files: tuple[Path, Path], bad: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    act, rep = files
    assert main(["calc", str(act), "--profile", "kuaishou-2022", "--columns", bad]) == 2
    calc_err = capsys.readouterr().err
    assert main(["explain", str(act), str(rep), "--columns", bad]) == 2
    explain_err = capsys.readouterr().err
    assert calc_err == explain_err and "column 'columns'" in calc_err


def test_explain_api_takes_the_mapping_as_text_or_dict(files: tuple[Path, Path]) -> None:
    act, rep = files
    as_text = ghgcalc.explain(act, rep, columns="物料名称=carrier,本期=quantity,计量=unit")
    as_dict = ghgcalc.explain(act, rep, columns={"物料名称": "carrier", "本期": "quantity", "计量": "unit"})
    for ex in (as_text, as_dict):
        assert ex.ok and ex.figures[0].candidates[0].recomputed == "570.3"
