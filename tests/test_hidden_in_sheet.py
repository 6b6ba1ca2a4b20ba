"""Rows and columns hidden in an Excel sheet (user probe: a hidden "A+B" helper row doubled a
total). What the analyst sees is what is computed: a row hidden by hand, in a collapsed outline
group or by a filter is an error naming its sheet row ("hidden in the sheet ... unhide it or
delete it"), an uncomputed row with ``on_error="collect"``; a hidden column holding a contract
column is an error for the table; a hidden extra column is carried and recorded under
``input.hidden_in_sheet``. Built from several sheet shapes (openpyxl), through ``calculate`` and
the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.errors import ActivityDataError

PROFILE: dict[str, Any] = {"id": "probe", "reporting_year": 2023,
                           "carriers": {"electricity": {"emission": ["0.5 t CO2/MWh"]},
                                        "diesel": {"heating_value": "0.04 GJ/kg", "emission": ["70000 kg CO2/TJ"]}}}
HEAD = ["facility", "carrier", "quantity", "unit", "notes"]
ROWS = [["A", "electricity", 100, "MWh", "meter 1"], ["B", "electricity", 200, "MWh", "meter 2"],
        ["A+B", "electricity", 300, "MWh", "helper"], ["C", "diesel", 10, "t", ""]]


def _book(tmp: Path, rows: list[list[Any]], shape: Callable[[Any], None], title_rows: int = 0, name: str = "h.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.append([f"Energy use 2023 (table {i + 1})"])
    for r in [HEAD, *rows]:
        ws.append(r)
    shape(ws)
    p = tmp / name
    wb.save(p)
    return p


def _helper_row(ws: Any) -> int:
    """The sheet row of the "A+B" helper row."""
    return next(c.row for c in ws["A"] if c.value == "A+B")


def _by_hand(ws: Any) -> None:
    ws.row_dimensions[_helper_row(ws)].hidden = True


def _outline(ws: Any) -> None:
    ws.row_dimensions.group(_helper_row(ws), _helper_row(ws), hidden=True, outline_level=1)


def _filtered(ws: Any) -> None:
    ws.auto_filter.ref = f"A{_helper_row(ws) - 3}:E{ws.max_row}"
    ws.row_dimensions[_helper_row(ws)].hidden = True            # Excel hides the rows a filter leaves out


@pytest.mark.parametrize("shape", [_by_hand, _outline, _filtered], ids=["by-hand", "outline", "filter"])
@pytest.mark.parametrize("title_rows", [0, 2])
def test_a_hidden_row_is_an_error_naming_its_sheet_row(tmp_path: Path, shape: Callable[[Any], None], title_rows: int) -> None:
    path = _book(tmp_path, ROWS, shape, title_rows)
    line = title_rows + 4                                        # header, A, B, then the hidden row
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(path, PROFILE)
    (issue,) = ei.value.issues
    assert (issue.line, issue.row) == (line, 2)
    assert "hidden in the sheet" in issue.reason and "unhide it or delete it" in str(issue.hint)
    assert str(issue).startswith(f"line {line}")
    res = ghgcalc.calculate(path, PROFILE, on_error="collect")
    assert res.totals()["scope2"].magnitude == pytest.approx(150.0)    # 300 MWh seen, not 600
    assert res.totals()["scope1"].magnitude == pytest.approx(28.0)
    assert [e.line for e in res.errors] == [line]
    assert list(res.rows["facility"]) == ["A", "B", "C"]
    assert res.n_input_rows == len(res.rows) + len(res.errors)
    assert res.input_info["hidden_in_sheet"]["rows"] == 1


def test_a_hidden_row_with_another_problem_has_one_issue(tmp_path: Path) -> None:
    rows = [*ROWS[:2], ["A+B", "electricty", "n/a", "MWhh", ""]]
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(_book(tmp_path, rows, _by_hand), PROFILE)
    (issue,) = ei.value.issues
    assert issue.line == 4 and "hidden" in issue.reason


def test_several_hidden_rows_each_an_error(tmp_path: Path) -> None:
    def hide(ws: Any) -> None:
        for r in (2, 4, 5):
            ws.row_dimensions[r].hidden = True
    res = ghgcalc.calculate(_book(tmp_path, ROWS, hide), PROFILE, on_error="collect")
    assert sorted(e.line for e in res.errors) == [2, 4, 5]
    assert res.totals()["scope2"].magnitude == pytest.approx(100.0)   # row B only
    assert list(res.rows["facility"]) == ["B"]


def test_a_hidden_blank_row_is_a_blank_row(tmp_path: Path) -> None:
    rows = [ROWS[0], [None] * 5, ROWS[1]]
    def hide(ws: Any) -> None:
        ws.row_dimensions[3].hidden = True
    res = ghgcalc.calculate(_book(tmp_path, rows, hide), PROFILE)
    assert res.totals()["scope2"].magnitude == pytest.approx(150.0) and not res.errors


def test_a_hidden_row_of_a_wide_table(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [["指标", "单位", "2022年", "2023年"], ["外购电力", "MWh", 100, 120], ["外购电力", "MWh", 50, 60],
              ["柴油", "t", 10, 12]]:
        ws.append(r)
    ws.row_dimensions[3].hidden = True
    p = tmp_path / "wide.xlsx"
    wb.save(p)
    res = ghgcalc.calculate(p, PROFILE, on_error="collect")
    assert sorted(e.line for e in res.errors) == [3, 3]                 # its 2022 and its 2023 row
    assert all("hidden" in e.reason for e in res.errors)
    assert res.totals()["scope2"].magnitude == pytest.approx(110.0)


def test_no_hidden_rows_no_record(tmp_path: Path) -> None:
    res = ghgcalc.calculate(_book(tmp_path, ROWS[:2], lambda ws: None), PROFILE)
    assert "hidden_in_sheet" not in res.input_info


# -- columns ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("letter", "column"), [("C", "quantity"), ("D", "unit"), ("A", "facility")])
def test_a_hidden_contract_column_is_an_error(tmp_path: Path, letter: str, column: str) -> None:
    def hide(ws: Any) -> None:
        ws.column_dimensions[letter].hidden = True
    path = _book(tmp_path, ROWS[:2], hide)
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(path, PROFILE)
    (issue,) = ei.value.issues
    assert issue.column == column and "hidden in the sheet" in issue.reason and issue.row is None
    res = ghgcalc.calculate(path, PROFILE, on_error="collect")
    assert len(res.rows) == 0 and len(res.errors) == 1


def test_a_hidden_year_column_of_a_wide_table_is_an_error(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [["指标", "单位", "2022年", "2023年"], ["外购电力", "MWh", 100, 120]]:
        ws.append(r)
    ws.column_dimensions.group("C", "C", hidden=True)
    p = tmp_path / "wide.xlsx"
    wb.save(p)
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(p, PROFILE)
    (issue,) = ei.value.issues
    assert (issue.column, issue.value) == ("quantity", "2022年")


def test_a_hidden_extra_column_is_carried_and_recorded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def hide(ws: Any) -> None:
        ws.column_dimensions["E"].hidden = True
    path = _book(tmp_path, ROWS[:2], hide)
    res = ghgcalc.calculate(path, PROFILE)
    assert list(res.rows["notes"]) == ["meter 1", "meter 2"]
    assert res.input_info["hidden_in_sheet"] == {"rows": 0, "rows_not_computed": "each is an error: unhide it or delete it",
                                                 "columns_carried": ["notes"]}
    prof = tmp_path / "p.toml"
    prof.write_text('id = "probe"\nreporting_year = 2023\n[carriers.electricity]\nemission = ["0.5 t CO2/MWh"]\n', encoding="utf-8")
    assert main(["calc", str(path), "--profile", str(prof), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["input"]["hidden_in_sheet"]["columns_carried"] == ["notes"]


def test_cli_collect_lists_the_hidden_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _book(tmp_path, ROWS[:3], _by_hand)
    prof = tmp_path / "p.toml"
    prof.write_text('id = "probe"\nreporting_year = 2023\n[carriers.electricity]\nemission = ["0.5 t CO2/MWh"]\n', encoding="utf-8")
    assert main(["calc", str(path), "--profile", str(prof)]) == 2
    assert "line 4" in capsys.readouterr().err
    main(["calc", str(path), "--profile", str(prof), "--on-error", "collect", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert [e["line"] for e in out["errors"]] == [4]
    assert out["input"]["hidden_in_sheet"]["rows"] == 1
