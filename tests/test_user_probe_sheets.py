"""Spreadsheet shapes a new-user probe found counted wrong without a word: a quantity merged
over several rows (one shared meter reading) filled down and counted on each row; a carrier
label that names its carrier and a total ("Total electricity consumption", "Electricity
(group total)") added beside the rows it totals. Fixed shapes assert the right answer; shapes
that were strict xfails (hidden rows, MBtu, mt, label spellings, a streamed total) now pass. Built from
XLSX (openpyxl), CSV and DataFrames."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import ghgcalc
from ghgcalc.errors import ActivityDataError

PROFILE: dict[str, Any] = {
    "id": "probe", "reporting_year": 2023, "gwp_set": "AR5", "energy_basis": "heating_value",
    "carriers": {
        "electricity": {"emission": ["0.5 t CO2/MWh"]},
        "diesel": {"heating_value": "0.04 GJ/kg", "emission": ["70000 kg CO2/TJ"]},
        "natural_gas": {"heating_value": "0.0389 GJ/m**3", "emission": ["56100 kg CO2/TJ"]},
    },
}
HEAD = ["facility", "carrier", "quantity", "unit", "period"]


def _xlsx(tmp: Path, rows: list[list[Any]], merges: tuple[str, ...] = (), hidden_rows: tuple[int, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [HEAD, *rows]:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    for r in hidden_rows:
        ws.row_dimensions[r].hidden = True
    p = tmp / "t.xlsx"
    wb.save(p)
    return p


def _csv(tmp: Path, rows: list[list[Any]]) -> Path:
    p = tmp / "t.csv"
    p.write_text("\n".join(",".join(str(x) for x in r) for r in [HEAD, *rows]) + "\n", encoding="utf-8")
    return p


# -- merged quantity cells -------------------------------------------------------------------

@pytest.mark.parametrize(("rows", "merge", "bad_lines"), [
    # one 300 MWh reading for two sites: filled down it was 600 MWh
    ([["A", "electricity", 300, "MWh", 2023], ["B", "electricity", None, "MWh", 2023]], "C2:C3", [2, 3]),
    # over three rows, below a clean row
    ([["Z", "electricity", 10, "MWh", 2023], ["A", "electricity", 300, "MWh", 2023],
      ["B", "electricity", None, "MWh", 2023], ["C", "electricity", None, "MWh", 2023]], "C3:C5", [3, 4, 5]),
])
def test_a_quantity_merged_over_rows_is_refused_not_counted_on_each(tmp_path: Path, rows: list[list[Any]], merge: str,
                                                                    bad_lines: list[int]) -> None:
    path = _xlsx(tmp_path, rows, merges=(merge,))
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(path, PROFILE)
    assert sorted(i.line for i in ei.value.issues) == bad_lines
    assert all(i.column == "quantity" and "merged" in i.reason for i in ei.value.issues)
    res = ghgcalc.calculate(path, PROFILE, on_error="collect")
    assert len(res.errors) == len(bad_lines)
    ok = res.totals()["energy_total"].magnitude if len(res.rows) else 0.0
    assert ok == pytest.approx(10.0 if len(rows) == 4 else 0.0)


def test_merged_labels_are_still_filled_down(tmp_path: Path) -> None:
    # a facility merged over two rows: the same facility on both, each its own quantity
    path = _xlsx(tmp_path, [["A", "electricity", 100, "MWh", 2023], [None, "diesel", 10, "t", 2023],
                            ["B", "electricity", 200, "MWh", 2023]], merges=("A2:A3",))
    res = ghgcalc.calculate(path, PROFILE)
    assert res.totals()["scope2"].magnitude == pytest.approx(150.0)
    assert res.totals()["scope1"].magnitude == pytest.approx(28.0)   # 10 t x 0.04 GJ/kg x 70 t/TJ
    assert list(res.rows["facility"]) == ["A", "A", "B"]


# -- carrier labels naming a total -----------------------------------------------------------

@pytest.mark.parametrize("label", ["Total electricity consumption", "Total electricity", "Electricity (group total)",
                                   "Electricity total", "Total purchased electricity"])
@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
def test_a_carrier_total_beside_its_parts_is_not_added(label: str, kind: str, tmp_path: Path) -> None:
    rows = [["A", "Purchased electricity", 100, "MWh", 2023], ["B", "electricity", 50, "MWh", 2023],
            ["A", "diesel", 10, "t", 2023], ["", label, 150, "MWh", 2023]]
    src: Any = (_csv(tmp_path, rows) if kind == "csv" else _xlsx(tmp_path, rows) if kind == "xlsx"
                else pd.DataFrame(rows, columns=HEAD))
    res = ghgcalc.calculate(src, PROFILE)
    assert res.totals()["scope2"].magnitude == pytest.approx(75.0)   # 150 MWh once, not 300
    assert len(res.rows) == 3
    (w,) = res.warnings
    assert w.column == "carrier" and w.value == label and "dropped" in w.reason


def test_a_carrier_total_that_does_not_add_up_is_refused(tmp_path: Path) -> None:
    rows = [["", "electricity", 100, "MWh", 2023], ["", "electricity", 50, "MWh", 2023],
            ["", "Total electricity consumption", 160, "MWh", 2023]]
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(_csv(tmp_path, rows), PROFILE)
    (issue,) = ei.value.issues
    assert (issue.line, issue.column, issue.value) == (4, "carrier", "Total electricity consumption")
    assert "total row" in issue.reason


def test_a_carrier_total_alone_is_its_carrier(tmp_path: Path) -> None:
    # an HKEX KPI table: one "Total electricity consumption" line per year, no parts beside it
    rows = [["", "Total electricity consumption", 100, "MWh", 2022], ["", "Total electricity consumption", 120, "MWh", 2023],
            ["", "Diesel", 10, "t", 2023]]
    res = ghgcalc.calculate(_csv(tmp_path, rows), PROFILE)
    assert res.totals()["scope2"].magnitude == pytest.approx(110.0)
    assert not res.warnings and len(res.rows) == 3


# -- once strict xfails, now fixed (hidden rows, MBtu, mt, a spelling of a facility, a streamed total) ------

def test_hidden_rows_are_said(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["A", "electricity", 100, "MWh", 2023], ["B", "electricity", 200, "MWh", 2023],
                            ["A+B", "electricity", 300, "MWh", 2023]], hidden_rows=(4,))
    res = ghgcalc.calculate(path, PROFILE, on_error="collect")
    said = [*res.warnings, *res.errors]
    assert any(getattr(x, "line", None) == 4 and "hidden" in x.reason for x in said)


def test_mbtu_is_not_silently_a_million_btu() -> None:
    res = ghgcalc.calculate(pd.DataFrame([["natural gas", 1, "MBtu"]], columns=["carrier", "quantity", "unit"]), PROFILE,
                            on_error="collect")
    assert len(res.errors) == 1 and "MBtu" in str(res.errors[0].value)


def test_mt_is_not_silently_a_millitonne() -> None:
    res = ghgcalc.calculate(pd.DataFrame([["diesel", 1, "mt"]], columns=["carrier", "quantity", "unit"]), PROFILE,
                            on_error="collect")
    assert len(res.errors) == 1 or res.rows["energy_mwh"].iloc[0] == pytest.approx(40 / 3.6)


def test_a_facility_with_a_trailing_space_is_the_same_facility(tmp_path: Path) -> None:
    rows = [["Plant A", "electricity", 100, "MWh", 2023], ["Plant A ", "electricity", 100, "MWh", 2023]]
    res = ghgcalc.calculate(_csv(tmp_path, rows), PROFILE)
    by = res.totals(by="facility")
    assert len(by) == 1


def test_a_provable_total_is_dropped_when_streamed_too(tmp_path: Path) -> None:
    rows = [["A", "electricity", 100, "MWh", 2023], ["B", "electricity", 200, "MWh", 2023],
            ["C", "electricity", 50, "MWh", 2023], ["小计", "electricity", 350, "MWh", 2023], ["D", "electricity", 10, "MWh", 2023]]
    path = _csv(tmp_path, rows)
    whole = ghgcalc.calculate(path, PROFILE)
    assert whole.totals()["scope2"].magnitude == pytest.approx(180.0)
    streamed = ghgcalc.calculate(path, PROFILE, chunk_rows=2)
    assert streamed.totals()["scope2"].magnitude == pytest.approx(180.0)
