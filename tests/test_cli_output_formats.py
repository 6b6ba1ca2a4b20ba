"""``calc -o FILE``: the suffix picks the format (.xlsx, .csv, .json, .parquet), a ``--format`` that
contradicts it is an error (exit 2), and what is written reads back as numbers, never as live formulas
(issue 15 item 13; contract section 8). In-process (``ghgcalc.cli.main``), several input shapes."""
from __future__ import annotations

import json
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from cli_process import literal_profile

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.group_labels import fold_label

# facility names a spreadsheet would read as formulas: they must arrive as text
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "＝1+1", "  =2*3"]


def _shapes(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    """Activity tables of several shapes with their profile: English CSV with formula-like facility
    names, an XLSX sheet, and a Chinese-labelled CSV for the Kuaishou profile."""
    prof = literal_profile(tmp_path)
    en = tmp_path / "en.csv"
    pd.DataFrame({"carrier": ["electricity", "electricity", "diesel", "diesel", "electricity"],
                  "quantity": ["100", "1,234.5", "2", "1.5", "7"], "unit": ["MWh", "kWh", "t", "t", "MWh"],
                  "facility": [*FORMULAS], "period": [2022, 2023, 2023, 2022, 2023]}).to_csv(en, index=False)
    xl = tmp_path / "acts.xlsx"
    pd.DataFrame({"carrier": ["electricity", "diesel"], "quantity": [40, 3], "unit": ["MWh", "t"],
                  "facility": ["Plant A", "Plant B"]}).to_excel(xl, index=False)
    zh = tmp_path / "zh.csv"
    zh.write_text("carrier,quantity,unit,facility,period\n外購電力,\"1,200\",兆瓦時,總部,2022\n柴油,3.5,噸,廠房,2022\n"
                  "天然氣,\"10,000\",立方米,總部,2022\n", encoding="utf-8")
    return {"en": (en, prof), "xlsx": (xl, prof), "zh": (zh, Path("kuaishou-2022"))}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _calc(shape: tuple[Path, Path]) -> ghgcalc.Result:
    return ghgcalc.calculate(shape[0], str(shape[1]))


SUFFIXES = [".xlsx", ".csv", ".json", ".parquet", ".XLSX", ".pq", ".Json"]


@pytest.mark.parametrize("shape", ["en", "xlsx", "zh"])
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_suffix_picks_the_format(tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: str, suffix: str) -> None:
    src, prof = _shapes(tmp_path)[shape]
    out = tmp_path / f"results{suffix}"
    code, stdout, _ = _run(capsys, "calc", str(src), "--profile", str(prof), "-o", str(out))
    assert code == 0 and stdout == ""
    expected = _calc((src, prof))
    total = expected.totals()["scope1_2"].magnitude
    fmt = suffix.lower()
    if fmt == ".xlsx":
        assert out.read_bytes()[:2] == b"PK"  # a workbook (zip), not a text table
        wb = openpyxl.load_workbook(out)
        assert wb.sheetnames[:4] == ["kpis", "rows", "factors", "errors"]
        kp = {r[0]: r for r in wb["kpis"].iter_rows(min_row=2, values_only=True)}
        assert isinstance(kp["scope1_2"][1], float) and kp["scope1_2"][1] == pytest.approx(total, rel=1e-12)
        head = [c.value for c in wb["rows"][1]]
        q = head.index("quantity")
        qs = [r[q] for r in wb["rows"].iter_rows(min_row=2, values_only=True)]
        assert all(isinstance(v, (int, float)) for v in qs) and qs == pytest.approx(list(expected.rows["quantity"]))
    elif fmt == ".csv":
        df = pd.read_csv(out)
        assert len(df) == len(expected.rows) and df["co2e_t"].sum() == pytest.approx(total)
    elif fmt == ".json":
        obj = json.loads(out.read_text(encoding="utf-8"))
        assert obj["totals"]["scope1_2"]["value"] == pytest.approx(total)
    else:
        df = pd.read_parquet(out)
        assert df["row"].tolist() == list(range(len(expected.rows)))
        assert pd.api.types.is_float_dtype(df["quantity"]) and df["co2e_t"].sum() == pytest.approx(total)
        assert df["facility"].tolist() == [str(f) for f in expected.rows["facility"]]


@pytest.mark.parametrize("name", ["results.txt", "results", "out.table"])
def test_another_suffix_gets_the_text_table(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    src, prof = _shapes(tmp_path)["en"]
    out = tmp_path / name
    assert _run(capsys, "calc", str(src), "--profile", str(prof), "-o", str(out))[0] == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("metric ") and "scope1_2" in text


@pytest.mark.parametrize(("fmt", "name"), [("csv", "r.xlsx"), ("table", "r.json"), ("json", "r.xlsx"), ("xlsx", "r.csv"),
                                           ("parquet", "r.csv"), ("csv", "r.parquet"), ("json", "r.csv"), ("table", "r.xlsx")])
def test_a_format_that_contradicts_the_suffix_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            fmt: str, name: str) -> None:
    src, prof = _shapes(tmp_path)["en"]
    out = tmp_path / name
    code, stdout, err = _run(capsys, "calc", str(src), "--profile", str(prof), "--format", fmt, "-o", str(out))
    assert code == 2 and stdout == ""
    assert f"--format {fmt} contradicts -o {out}" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(("fmt", "name"), [("xlsx", "r.XLSX"), ("csv", "r.csv"), ("json", "r.json"), ("parquet", "r.pq"),
                                           ("table", "r.txt"), ("csv", "r.dat")])
def test_a_format_that_agrees_or_a_suffix_that_names_none_is_fine(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   fmt: str, name: str) -> None:
    src, prof = _shapes(tmp_path)["xlsx"]
    out = tmp_path / name
    assert _run(capsys, "calc", str(src), "--profile", str(prof), "--format", fmt, "-o", str(out))[0] == 0
    assert out.stat().st_size > 0
    if fmt == "csv":
        assert len(pd.read_csv(out)) == 2


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_a_file_format_needs_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    src, prof = _shapes(tmp_path)["en"]
    code, stdout, err = _run(capsys, "calc", str(src), "--profile", str(prof), "--format", fmt)
    assert code == 2 and stdout == "" and f"give -o FILE.{fmt}" in err


def test_xlsx_cells_from_input_text_are_never_formulas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, prof = _shapes(tmp_path)["en"]
    out = tmp_path / "r.xlsx"
    assert _run(capsys, "calc", str(src), "--profile", str(prof), "--by", "facility", "-o", str(out))[0] == 0
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    head = [c.value for c in wb["rows"][1]]
    fac = [r[head.index("facility")] for r in wb["rows"].iter_rows(min_row=2, values_only=True)]
    # the label as folded (NFKC, spaces: ghgcalc.core.group_labels): "＝1+1" prints "=1+1", still inert
    assert fac == ["'" + fold_label(f) for f in FORMULAS]
    groups = {r[0] for r in wb["by_facility"].iter_rows(min_row=2, values_only=True)}
    assert groups == {"'" + fold_label(f) for f in FORMULAS}


def test_collect_writes_the_good_rows_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("carrier,quantity,unit\nelectricity,10,MWh\ndiesel,—,t\nelectricity,5,MWh\n", encoding="utf-8")
    prof = _shapes(tmp_path)["en"][1]
    out = tmp_path / "r.parquet"
    code, _, err = _run(capsys, "calc", str(src), "--profile", str(prof), "--on-error", "collect", "-o", str(out))
    assert code == 2 and "1 problem(s)" in err and "3 rows in, 2 computed, 1 in error" in err
    df = pd.read_parquet(out)
    assert df["row"].tolist() == [0, 2] and df["co2e_t"].sum() == pytest.approx(7.5)


def test_streamed_calc_picks_the_format_from_the_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, prof = _shapes(tmp_path)["en"]
    whole = _calc((src, prof)).totals()["scope1_2"].magnitude
    pq_out = tmp_path / "rows.parquet"
    code, stdout, _ = _run(capsys, "calc", str(src), "--profile", str(prof), "--chunk-rows", "2", "--quiet", "-o", str(pq_out))
    assert code == 0 and "scope1_2" in stdout  # the rows go to the file, the KPI table to stdout
    assert pd.read_parquet(pq_out)["co2e_t"].sum() == pytest.approx(whole)
    js = tmp_path / "totals.json"
    assert _run(capsys, "calc", str(src), "--profile", str(prof), "--chunk-rows", "2", "--quiet", "-o", str(js))[0] == 0
    assert math.isclose(json.loads(js.read_text(encoding="utf-8"))["totals"]["scope1_2"]["value"], whole, rel_tol=1e-12)
    code, _, err = _run(capsys, "calc", str(src), "--profile", str(prof), "--chunk-rows", "2", "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "whole table in memory" in err
    code, _, err = _run(capsys, "calc", str(src), "--profile", str(prof), "--chunk-rows", "2", "--format", "csv",
                        "-o", str(tmp_path / "x.parquet"))
    assert code == 2 and "contradicts" in err
