"""Spreadsheet shapes that silently gave wrong numbers (issue "One core", A2 and A3).

A2: a total row (合计, 小计, 總計, Total, Subtotal, Grand total, ...) is refused as bad input,
naming the line a person sees and the label, never computed as one more facility; where it
provably equals the rows above it that it totals it is dropped with a warning, never added.
A3: an Excel cell merged down over several rows fills those rows from its top-left cell; a
blank cell that is not merged stays missing and shows as "(none)" in a breakdown, never "nan".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_process import run

import ghgcalc
from ghgcalc.errors import ActivityDataError

PROFILE = "kuaishou-2022"
REASON = "spreadsheet total row: would double-count the rows it totals"
def _csv(tmp_path: Path, text: str, name: str = "a.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _co2e(res: Any) -> float:
    return float(res.totals()["scope1_2"].magnitude)


def _by_facility(res: Any) -> dict[str, float]:
    df = res.totals(by="facility")
    return {str(k): float(v) for k, v in df["scope1_2"].items()}


# -- A2: total rows -------------------------------------------------------------------------

TWO_ROWS = "能源,數量,單位,設施\n外購電力,100.5,兆瓦時,廠區A\n外購電力,200.25,兆瓦時,廠區B\n"


@pytest.mark.parametrize("label", ["合计", "小计", "總計", "合計", "小計", "总计", "共计", "总和", "總和", "Total", "Total:",
                                   "TOTAL", "合计（集团）", "Total - Group", "Grand total", "Subtotal", "Sub-total",
                                   "Sum", "集团合计", "Group total"])
def test_total_row_in_facility_is_refused_naming_its_line(tmp_path: Path, label: str) -> None:
    # 310 is not 100.5 + 200.25: the total cannot be proved equal to its parts
    p = _csv(tmp_path, TWO_ROWS + f"外購電力,310,兆瓦時,{label}\n")
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(p, PROFILE)
    issues = ei.value.issues
    assert len(issues) == 1
    issue = issues[0]
    assert issue.line == 4 and issue.row == 2
    assert issue.column == "facility" and str(issue.value).strip() == label.strip()
    assert issue.reason == REASON
    assert str(issue).startswith("line 4")


def test_total_row_collected_and_group_not_doubled(tmp_path: Path) -> None:
    clean = ghgcalc.calculate(_csv(tmp_path, TWO_ROWS, "clean.csv"), PROFILE)
    res = ghgcalc.calculate(_csv(tmp_path, TWO_ROWS + "外購電力,310,兆瓦時,合计\n"), PROFILE, on_error="collect")
    assert [(e.line, e.column, e.value, e.reason) for e in res.errors] == [(4, "facility", "合计", REASON)]
    assert _co2e(res) == _co2e(clean)
    assert set(_by_facility(res)) == {"廠區A", "廠區B"}
    assert len(res.rows) == 2


def test_total_row_in_carrier_column_english(tmp_path: Path) -> None:
    text = ("carrier,quantity,unit,facility\nelectricity,10,MWh,HQ\ndiesel,2,t,HQ\n"
            "Total:,12,,HQ\n")
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(_csv(tmp_path, text), PROFILE)
    # the total row's one issue is that it is a total row (not also "unknown carrier")
    assert [(i.line, i.column, i.value, i.reason) for i in ei.value.issues] == [(4, "carrier", "Total:", REASON)]


def test_total_row_in_a_carried_column(tmp_path: Path) -> None:
    text = "carrier,quantity,unit,部門\nelectricity,10,MWh,IT\nelectricity,5,MWh,小計\n"
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(_csv(tmp_path, text), PROFILE)
    assert [(i.line, i.column, i.reason) for i in ei.value.issues] == [(3, "部門", REASON)]


@pytest.mark.parametrize("name", ["TotalEnergies", "Total Energy Ltd", "Totalfina depot", "总计划部", "Summit Tower",
                                  "Sum Kee Building", "Lok Sum House"])
def test_names_that_only_contain_a_total_word_are_not_refused(tmp_path: Path, name: str) -> None:
    res = ghgcalc.calculate(_csv(tmp_path, f"carrier,quantity,unit,facility\nelectricity,10,MWh,{name}\n"), PROFILE)
    assert not res.errors
    assert list(_by_facility(res)) == [name]


def test_total_row_in_xlsx_names_the_sheet_row(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "2023 能源消耗"
    ws.append([])
    ws.append(["能源", "數量", "單位", "設施"])         # header on sheet row 3
    ws.append(["外購電力", 100, "兆瓦時", "廠區A"])      # row 4
    ws.append(["外購電力", 250, "兆瓦時", "廠區B"])      # row 5
    ws.append(["外購電力", 999, "兆瓦時", "總計"])       # row 6
    p = tmp_path / "t.xlsx"
    wb.save(p)
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(p, PROFILE)
    assert [(i.line, i.column, i.value) for i in ei.value.issues] == [(6, "設施", "總計")] or \
        [(i.line, i.column, i.value) for i in ei.value.issues] == [(6, "facility", "總計")]


def test_total_row_equal_to_its_parts_is_dropped_with_a_warning(tmp_path: Path) -> None:
    clean = ghgcalc.calculate(_csv(tmp_path, TWO_ROWS, "clean.csv"), PROFILE)
    res = ghgcalc.calculate(_csv(tmp_path, TWO_ROWS + "外購電力,300.75,兆瓦時,合计\n"), PROFILE)
    assert not res.errors
    assert _co2e(res) == _co2e(clean)
    assert [(w.line, w.column, w.value) for w in res.warnings] == [(4, "facility", "合计")]
    assert "dropped" in res.warnings[0].reason


def test_cli_collect_lists_total_row_with_its_line(tmp_path: Path) -> None:
    p = _csv(tmp_path, TWO_ROWS + "外購電力,310,兆瓦時,Total - Group\n")
    r = run("calc", str(p), "--profile", PROFILE, "--on-error", "collect", "--format", "json")
    assert r.returncode == 2, r.stderr  # a partial result (the total row not computed) exits 2
    assert "3 rows in, 2 computed, 1 in error" in r.stderr
    errs = json.loads(r.stdout)["errors"]
    assert [(e["line"], e["column"], e["value"], e["reason"]) for e in errs] == [(4, "facility", "Total - Group", REASON)]
    r = run("calc", str(p), "--profile", PROFILE)
    assert r.returncode == 2
    assert "line 4" in r.stderr and "Total - Group" in r.stderr and REASON in r.stderr


def test_cli_warns_on_stderr_when_a_total_row_is_dropped(tmp_path: Path) -> None:
    p = _csv(tmp_path, TWO_ROWS + "外購電力,300.75,兆瓦時,合计\n")
    r = run("calc", str(p), "--profile", PROFILE, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert "line 4" in r.stderr and "合计" in r.stderr
    assert json.loads(r.stdout)["warnings"][0]["line"] == 4


# -- A3: merged cells -----------------------------------------------------------------------

def _merged_book(tmp_path: Path, *, title_rows: int = 0) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for t in range(title_rows):
        ws.append([f"title {t}", None, None, None, None])
    if title_rows:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)  # a title across the columns
    h = title_rows + 1
    ws.append(["facility", "carrier", "quantity", "unit", "period"])
    ws.append(["Plant A", "electricity", 1, "MWh", 2022])
    ws.append([None, "electricity", 2, "MWh", None])
    ws.append([None, "diesel", 3, "t", None])
    ws.append(["Plant B", "electricity", 4, "MWh", None])
    ws.append([None, "electricity", 8, "MWh", 2022])    # blank, not merged: no facility
    ws.merge_cells(start_row=h + 1, start_column=1, end_row=h + 3, end_column=1)   # Plant A over 3 rows
    ws.merge_cells(start_row=h + 1, start_column=5, end_row=h + 4, end_column=5)   # 2022 over 4 rows
    p = tmp_path / f"merged{title_rows}.xlsx"
    wb.save(p)
    return p


def _flat(tmp_path: Path) -> Path:
    p = tmp_path / "flat.csv"
    p.write_text("facility,carrier,quantity,unit,period\nPlant A,electricity,1,MWh,2022\nPlant A,electricity,2,MWh,2022\n"
                 "Plant A,diesel,3,t,2022\nPlant B,electricity,4,MWh,2022\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("title_rows", [0, 2])
def test_merged_cells_fill_down(tmp_path: Path, title_rows: int) -> None:
    res = ghgcalc.calculate(_merged_book(tmp_path, title_rows=title_rows), PROFILE)
    flat = ghgcalc.calculate(_flat(tmp_path), PROFILE)
    by = _by_facility(res)
    assert list(by) == ["Plant A", "Plant B", "(none)"]
    assert "nan" not in {str(k).lower() for k in res.totals(by="facility").index}
    assert by["Plant A"] == _by_facility(flat)["Plant A"]
    assert by["Plant B"] == _by_facility(flat)["Plant B"]
    assert res.rows["period"].astype(str).tolist()[:4] == ["2022"] * 4
    # which cells were filled is recorded on the rows
    filled = res.rows["filled_from_merge"].tolist()
    assert filled[0] in ("", None) and filled[4] in ("", None)
    assert "facility" in str(filled[1]) and "period" in str(filled[1]) and "facility" not in str(filled[3])
    assert res.input_info["merged_cells_filled"] == 5


def test_blank_facility_is_none_in_breakdowns_not_nan(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["carrier", "quantity", "unit", "facility"])
    ws.append(["electricity", 1, "MWh", "HQ"])
    ws.append(["electricity", 2, "MWh", None])
    p = tmp_path / "blank.xlsx"
    wb.save(p)
    res = ghgcalc.calculate(p, PROFILE)
    assert list(_by_facility(res)) == ["HQ", "(none)"]
    pack = ghgcalc.disclosure_pack(res)
    assert "(none)" in pack.by_facility["facility"].tolist()
    # a CSV's empty cell and a DataFrame's None are the same "(none)" group
    csv = _csv(tmp_path, "carrier,quantity,unit,facility\nelectricity,1,MWh,HQ\nelectricity,2,MWh,\nelectricity,4,MWh, \n")
    assert list(_by_facility(ghgcalc.calculate(csv, PROFILE))) == ["HQ", "(none)"]


def test_merged_cells_visible_in_cli_json(tmp_path: Path) -> None:
    r = run("calc", str(_merged_book(tmp_path)), "--profile", PROFILE, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["input"]["merged_cells_filled"] == 5


def test_cli_collect_counts_a_dropped_total_row_apart_from_errors(tmp_path: Path) -> None:
    # the total row equals its parts (100.5 + 200.25): dropped with a warning, not an error
    p = _csv(tmp_path, TWO_ROWS + "外購電力,300.75,兆瓦時,合计\n外購電力,abc,兆瓦時,廠區C\n")
    r = run("calc", str(p), "--profile", PROFILE, "--on-error", "collect", "--format", "json")
    assert r.returncode == 2, r.stderr  # the bad quantity was not computed
    assert "4 rows in, 2 computed, 1 in error, 1 total row(s) dropped" in r.stderr
    assert "line 4" in r.stderr and "dropped, not added" in r.stderr
