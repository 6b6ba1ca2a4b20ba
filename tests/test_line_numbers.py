"""Line numbers as a spreadsheet shows them (issue 15, item 5; contract section 8, "Row
numbers"): each problem names the ``line`` a person finds it on (the editor's line of a CSV,
header and title rows counted; the sheet's own row number of an XLSX) beside ``row`` (the
0-based data row); with title rows, blank rows, quoted cells holding line breaks, and wide
tables. A problem repeated over many rows is listed once with its lines; a message names at
most five candidates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.errors import FEW, ActivityDataError, RowIssue, few, grouped_lines, number_ranges
from ghgcalc.io.readers import record_lines

PROFILE = "kuaishou-2022"


def _issues(src: Any) -> list[tuple[int | None, int | None, str | None]]:
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(src, PROFILE)
    return sorted((i.line, i.row, i.column) for i in ei.value.issues)


def test_csv_header_is_line_1(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("carrier,quantity,unit\nelectricity,1,MWh\nelectricity,1,kwhh\n", encoding="utf-8")
    assert _issues(p) == [(3, 1, "unit")]


def test_csv_title_rows_and_blank_lines(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("2022年能源台账,,\n\n说明：单位见各行,,\n"          # lines 1-3: title rows (one blank)
                 "能源品种,消耗量,单位\n"                             # line 4: the header
                 "外购电力,10,MWh\n"                                  # line 5
                 ",,\n"                                               # line 6: blank row, skipped
                 "\n"                                                 # line 7: empty line
                 "柴油,x,吨\n"                                        # line 8
                 "天然气,1,furlongs\n", encoding="utf-8")             # line 9
    assert _issues(p) == [(8, 3, "quantity"), (9, 4, "unit")]


def test_csv_quoted_cells_with_line_breaks(tmp_path: Path) -> None:
    """A quoted cell that spans lines (a note typed with Alt+Enter) moves every later record down
    by the lines it holds: the line is where the record starts, as an editor shows it."""
    p = tmp_path / "a.csv"
    p.write_text("carrier,quantity,unit,note\n"                       # line 1
                 'electricity,1,MWh,"meter read\nby hand\non site"\n'   # lines 2-4
                 'electricity,2,kwhh,"one ""quoted"" word"\n'         # line 5
                 'diesel,x,t,"two\nlines"\n'                           # lines 6-7
                 "diesel,1,furlongs,\n", encoding="utf-8")            # line 8
    assert _issues(p) == [(5, 1, "unit"), (6, 2, "quantity"), (8, 3, "unit")]


def test_record_lines_directly() -> None:
    text = 'title\nh1,h2\n"a\nb",1\nc,2\n'
    assert record_lines(text, 1, 2).tolist() == [3, 5]
    assert record_lines("h1,h2\na,1\nb,2\n", 0, 2) is None          # one line per record: no table needed


def _sheet(path: Path, cells: dict[str, Any]) -> Path:
    wb = openpyxl.Workbook()
    for ref, v in cells.items():
        wb.active[ref] = v
    wb.save(path)
    return path


def test_xlsx_sheet_row_numbers_with_title_and_blank_rows(tmp_path: Path) -> None:
    p = _sheet(tmp_path / "a.xlsx", {
        "B2": "2022年环境数据",                                # rows 1 and 3 empty, row 2 a title
        "A4": "能源品种", "B4": "消耗量", "C4": "单位",         # row 4: the header
        "A5": "外购电力", "B5": 10, "C5": "MWh",
        "A8": "柴油", "B8": "—", "C8": "吨",                    # rows 6-7 blank
        "A9": "天然气", "B9": 1, "C9": "furlongs",
    })
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(p, PROFILE)
    got = sorted((i.line, i.row, i.column, i.header) for i in ei.value.issues)
    assert got == [(8, 3, "quantity", "消耗量"), (9, 4, "unit", "单位")]


def test_xlsx_merged_title_and_header_below(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Energy 2022"
    ws.merge_cells("A1:C2")
    for j, (head, cell) in enumerate([("carrier", "electricity"), ("quantity", 5), ("unit", "kwhh")], start=1):
        ws.cell(row=4, column=j, value=head)           # row 4: the header (row 3 empty)
        ws.cell(row=5, column=j, value=cell)           # row 5
    wb.save(tmp_path / "m.xlsx")
    assert _issues(tmp_path / "m.xlsx") == [(5, 0, "unit")]


def test_dataframe_rows_have_no_line() -> None:
    df = pd.DataFrame({"carrier": ["electricity", "electricity"], "quantity": [1, -1], "unit": ["MWh", "MWh"]})
    assert _issues(df) == [(None, 1, "quantity")]


def test_issue_dict_keeps_row_and_line_apart(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("t,,\ncarrier,quantity,unit\nelectricity,x,MWh\n", encoding="utf-8")
    res = ghgcalc.calculate(p, PROFILE, on_error="collect")
    d = res.errors[0].as_dict()
    assert (d["row"], d["line"], d["column"]) == (0, 3, "quantity")


# -- one message per problem -------------------------------------------------------------
def _many_bad_units(tmp_path: Path) -> Path:
    good = "electricity,1,MWh"
    bad = "electricity,1,kwhh"
    body = [bad, good, bad, good, good, good, bad, bad, bad, bad, bad, bad]      # rows 0..11 -> lines 2..13
    p = tmp_path / "many.csv"
    p.write_text("carrier,quantity,unit\n" + "\n".join(body) + "\n", encoding="utf-8")
    return p


def test_a_repeated_problem_is_one_message_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = _many_bad_units(tmp_path)
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(p, PROFILE)
    assert len(ei.value.issues) == 8                                     # the API keeps one issue per row
    assert [i.line for i in ei.value.issues] == [2, 4, 8, 9, 10, 11, 12, 13]
    msg = str(ei.value)
    assert "lines 2, 4, 8\u201313, rows 0, 2, 6\u201311 (8 rows), column 'unit': unknown unit" in msg
    assert msg.count("kwhh") == 2                                        # once in the reason, once as the value
    assert main(["calc", str(p), "--profile", PROFILE]) == 2
    err = capsys.readouterr().err
    assert err.count("  - ") == 1 and "(8 rows)" in err


def test_grouping_keeps_different_problems_apart() -> None:
    issues = [RowIssue(row=0, column="unit", value="kwhh", reason="unknown unit", line=2),
              RowIssue(row=1, column="unit", value="mwhh", reason="unknown unit", line=3),
              RowIssue(row=2, column="unit", value="kwhh", reason="unknown unit", line=4),
              RowIssue(row=None, column="quantity", value=None, reason="required column 'quantity' is missing")]
    lines = grouped_lines(issues)
    assert lines == ["lines 2, 4, rows 0, 2 (2 rows), column 'unit': unknown unit (value: 'kwhh')",
                     "line 3, row 1, column 'unit': unknown unit (value: 'mwhh')",
                     "column 'quantity': required column 'quantity' is missing (value: None)"]
    assert grouped_lines(issues, limit=1) == [lines[0], "... and 2 more problem(s)"]


def test_number_ranges_and_few() -> None:
    assert number_ranges([14, 3, 5, 9, 10, 11, 12, 13]) == "3, 5, 9\u201314"
    assert number_ranges(range(0, 40, 2), limit=3) == "0, 2, 4, ..."
    assert few(["a", "b"]) == "a, b"
    assert few(range(8), more="see X") == "0, 1, 2, 3, 4 and 3 more (see X)"
    assert FEW == 5


# -- at most a few candidates --------------------------------------------------------------
def _listed(text: str, start: str) -> int:
    part = text.split(start, 1)[1].split(" and ", 1)[0]
    return len([x for x in part.split("), ") if x.strip()])


def test_no_factors_hint_names_five_rows_and_how_many_more() -> None:
    df = pd.DataFrame({"carrier": ["electricity"], "quantity": [1], "unit": ["MWh"]})
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(df, "ipcc-2006-tier1-commercial")
    hint = ei.value.issues[0].hint or ""
    assert _listed(hint, "can pin for 'electricity': ") == 5
    assert "more (ghgcalc factors list --carrier electricity)" in hint


def test_region_candidates_are_capped() -> None:
    """cn-mee-nbs-2023-province pins thirty provincial factors; a row for region CN (no
    provincial factor) names five of them and says how many more."""
    df = pd.DataFrame({"carrier": ["electricity"], "quantity": [1], "unit": ["MWh"], "period": [2023], "region": ["CN"]})
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(df, "cn-mee-nbs-2023-province")
    reason = ei.value.issues[0].reason
    assert reason.count("cn-mee-nbs-grid-") == 5
    assert "and 25 more (ghgcalc profiles show lists them all)" in reason


def test_unknown_carrier_hint_is_capped() -> None:
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(pd.DataFrame({"carrier": ["plutonium"], "quantity": [1], "unit": ["MWh"]}), PROFILE)
    hint = ei.value.issues[0].hint or ""
    shown = hint.split("use a shipped carrier (", 1)[1].split(" and ", 1)[0]
    assert len(shown.split(", ")) == 5 and "more (ghgcalc factors list)" in hint
