"""Smaller shapes a new-user probe found read wrong or refused for the wrong reason, each now read
right or refused with its own reason: a unit that begins with a number that is not a power of ten
(``104m3``: ``10⁴m³`` copied from a PDF); a quantity cell holding a unit, a footnote marker or a
decimal comma; ``1_000``; a header row repeated mid-table; a reported figure printed ``-``. Built
from CSV, XLSX and DataFrames, reported-figure files, and the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from table_files import table_in

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.units import conversion_factor, leading_number_error

PROFILE: dict[str, Any] = {"id": "probe", "reporting_year": 2023,
                           "carriers": {"electricity": {"emission": ["0.5 t CO2/MWh"]},
                                        "natural_gas": {"heating_value": "0.0389 GJ/m**3", "emission": ["56100 kg CO2/TJ"]}}}
HEAD = ["carrier", "quantity", "unit"]


def _table(kind: str, tmp: Path, rows: list[list[Any]], head: list[str] = HEAD) -> Any:
    return table_in(kind, tmp, head, rows)


def _files(tmp: Path, reported: str) -> tuple[str, str, str]:
    act = tmp / "a.csv"
    act.write_text("carrier,quantity,unit\nelectricity,300,MWh\n", encoding="utf-8")
    prof = tmp / "p.toml"
    prof.write_text('id = "probe"\nreporting_year = 2023\n[carriers.electricity]\nemission = ["0.5 t CO2/MWh"]\n', encoding="utf-8")
    rep = tmp / "r.yaml"
    rep.write_text(reported, encoding="utf-8")
    return str(act), str(rep), str(prof)


# -- a unit that begins with a number -------------------------------------------------------------

@pytest.mark.parametrize("unit", ["104m3", "104 m3", "104m³", "１０４m3", "2 t", "2.5 t", "12kWh", "5e3 kWh", "1.000 kWh"])
def test_a_unit_beginning_with_a_number_not_a_power_of_ten_is_refused(unit: str) -> None:
    err = leading_number_error(unit)
    assert err is not None and "not a power of ten" in err.reason and "10^4 m3" in str(err.hint)


@pytest.mark.parametrize(("unit", "to", "k"), [("10⁴m³", "m**3", 10**4), ("10^4 m3", "m**3", 10**4), ("10**4 kWh", "kWh", 10**4),
                                               ("1000 kWh", "kWh", 1000), ("1,000 m3", "m**3", 1000), ("1e3 kWh", "kWh", 1000),
                                               ("'000 kWh", "kWh", 1000), ("0000'kWh", "kWh", 10**4), ("10 m3", "m**3", 10),
                                               ("１０００ kWh", "kWh", 1000), ("万m3", "m**3", 10**4)])
def test_a_unit_beginning_with_a_power_of_ten_reads(unit: str, to: str, k: int) -> None:
    assert leading_number_error(unit) is None
    assert conversion_factor(unit, to) == k


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
def test_a_row_in_104m3_is_an_error_and_10_4_m3_computes(kind: str, tmp_path: Path) -> None:
    rows = [["natural gas", 5, "104m3"], ["natural gas", 5, "10^4 m3"], ["natural gas", 5, "10⁴m³"]]
    res = ghgcalc.calculate(_table(kind, tmp_path, rows), PROFILE, on_error="collect")
    (err,) = res.errors
    assert (err.row, err.column, err.value) == (0, "unit", "104m3")
    assert "lost a superscript" in str(err.hint)
    assert err.line == (None if kind == "dataframe" else 2)
    # 2 x 5 x 10^4 m³ x 0.0389 GJ/m³ = 3890 GJ
    assert res.rows["energy_mwh"].sum() == pytest.approx(3890 / 3.6)


def test_a_reported_figure_unit_beginning_with_a_number_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    act, rep, prof = _files(tmp_path, 'reported:\n  - {metric: scope2, value: "150", unit: 104 t CO2e}\n')
    assert main(["reconcile", act, rep, "--profile", prof]) == 2
    assert "not a power of ten" in capsys.readouterr().err


# -- a quantity cell that is not a number: its own reason -----------------------------------------

QUANTITY_CELLS = [
    ("100 MWh", "text after the number ('MWh')", "put the number alone in the cell (100)"),
    ("100kWh", "text after the number ('kWh')", "put the number alone in the cell (100)"),
    ("12.5 t", "text after the number ('t')", "(12.5)"),
    ("1.2万吨", "text after the number ('万吨')", "(1.2)"),
    ("1,234*", "'*' after the number is a footnote marker", "1,234"),
    ("56.2†", "'†' after the number is a footnote marker", "56.2"),
    ("1,234.5 ‡", "'‡' after the number is a footnote marker", "1,234.5"),
    ("1 234,5", "a decimal comma ('1 234,5' is 1234.5", "write 1234.5"),
    ("1.234,5", "a decimal comma ('1.234,5' is 1234.5", "write 1234.5"),
    ("1234,5", "a decimal comma ('1234,5' is 1234.5", "write 1234.5"),
    ("1,23", "a decimal comma ('1,23' is 1.23", "write 1.23"),
    ("1,23万", "a decimal comma ('1,23' is 1.23", "write 1.23"),
    ("12,34,567", "digits grouped in lakhs and crores", "write 1234567"),
    ("1_000", "an underscore in a number ('1_000')", "write 1000"),
    ("1_234_567.5", "an underscore in a number", "write 1234567.5"),
    ("1,2,3", "digits are not grouped in threes", "1,234.5"),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
def test_each_bad_quantity_cell_gets_its_own_reason(kind: str, tmp_path: Path) -> None:
    rows = [["electricity", cell, "MWh"] for cell, _, _ in QUANTITY_CELLS] + [["electricity", "1,000", "MWh"]]
    res = ghgcalc.calculate(_table(kind, tmp_path, rows), PROFILE, on_error="collect")
    got = {e.row: e for e in res.errors}
    assert sorted(got) == list(range(len(QUANTITY_CELLS)))
    for i, (cell, reason, hint) in enumerate(QUANTITY_CELLS):
        assert got[i].column == "quantity" and got[i].value == cell
        assert reason in got[i].reason, (cell, got[i].reason)
        assert hint in str(got[i].hint), (cell, got[i].hint)
    assert res.totals()["scope2"].magnitude == pytest.approx(500.0)     # the one clean row: 1,000 MWh


@pytest.mark.parametrize("cell", ["1,234", "1 234", "1\u00a0234", "1'234", "１，２３４", "1234", "1.5e3", "12 345.5"])
def test_numbers_as_printed_still_read(cell: str) -> None:
    res = ghgcalc.calculate(pd.DataFrame([["electricity", cell, "MWh"]], columns=HEAD), PROFILE)
    assert res.rows["quantity"].iloc[0] in (1234.0, 1500.0, 12345.5)


def test_a_semicolon_file_keeps_its_comma_reason(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("carrier;quantity;unit\nelectricity;1234,5;MWh\nelectricity;1,234;MWh\nelectricity;1234;MWh\n", encoding="utf-8")
    res = ghgcalc.calculate(p, PROFILE, on_error="collect")
    assert [e.row for e in res.errors] == [0, 1]
    assert all("semicolon-separated file may be a decimal comma" in e.reason for e in res.errors)


@pytest.mark.parametrize(("value", "reason"), [("1_000", "underscore"), ("150 t", "text after the number"),
                                               ("1 234,5", "a decimal comma"), ("150*", "footnote marker")])
def test_a_reported_figure_gets_the_same_reasons(value: str, reason: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    act, rep, prof = _files(tmp_path, f'reported:\n  - {{metric: scope2, value: "{value}", unit: t CO2e}}\n')
    assert main(["reconcile", act, rep, "--profile", prof]) == 2
    assert reason in capsys.readouterr().err


# -- a header row repeated mid-table ---------------------------------------------------------------

@pytest.mark.parametrize("head", [["facility", "carrier", "quantity", "unit", "period"],
                                  ["工厂", "能源品种", "消耗量", "单位", "年份"],
                                  ["Site", "Fuel type", "Consumption", "Unit", "Year"]])
@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
def test_a_repeated_header_row_is_one_issue(head: list[str], kind: str, tmp_path: Path) -> None:
    rows: list[list[Any]] = [["A", "electricity", 100, "MWh", 2023], head, ["B", "electricity", 50, "MWh", 2023], head]
    res = ghgcalc.calculate(_table(kind, tmp_path, rows, head), PROFILE, on_error="collect")
    assert [(e.row, e.column) for e in res.errors] == [(1, None), (3, None)]
    assert all(e.reason.startswith("repeated header row") and e.hint == "delete the row" for e in res.errors)
    assert [e.line for e in res.errors] == ([None, None] if kind == "dataframe" else [3, 5])
    assert res.totals()["scope2"].magnitude == pytest.approx(75.0)


def test_a_repeated_header_row_streamed(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["electricity", 100, "MWh"], HEAD, ["electricity", 50, "MWh"]]
    path = _table("csv", tmp_path, rows)
    for chunk in (None, 1, 2):
        res = ghgcalc.calculate(path, PROFILE, on_error="collect", chunk_rows=chunk)
        assert [(e.line, e.reason[:19]) for e in res.errors] == [(3, "repeated header row")]


def test_a_repeated_header_of_a_wide_table(tmp_path: Path) -> None:
    p = tmp_path / "wide.csv"
    p.write_text("指标,单位,2022年,2023年\n外购电力,MWh,100,120\n指标,单位,2022年,2023年\n外购电力,MWh,10,12\n", encoding="utf-8")
    res = ghgcalc.calculate(p, PROFILE, on_error="collect")
    assert [(e.line, e.reason[:19]) for e in res.errors] == [(3, "repeated header row")] * 2
    assert res.totals()["scope2"].magnitude == pytest.approx(121.0)


def test_a_carrier_named_like_a_header_word_is_still_data() -> None:
    # "Fuel" is a header word of the carrier column; with a number in its quantity it is a row (here unknown)
    res = ghgcalc.calculate(pd.DataFrame([["Fuel", 5, "MWh"]], columns=HEAD), PROFILE, on_error="collect")
    assert [e.column for e in res.errors] == ["carrier"]


# -- a reported figure printed as a dash -----------------------------------------------------------

@pytest.mark.parametrize("printed", ["-", "—", "–", "N/A", "n/a", "不适用", "--"])
def test_a_figure_printed_as_not_reported_is_not_recomputed_and_the_rest_goes_on(printed: str, tmp_path: Path,
                                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    act, rep, prof = _files(tmp_path, 'reported:\n  - {metric: scope2, value: "150", unit: t CO2e}\n'
                                      f'  - {{metric: scope1, value: "{printed}", unit: t CO2e}}\n'
                                      '  - {metric: energy_total, value: "300", unit: MWh}\n')
    assert main(["reconcile", act, rep, "--profile", prof]) == 0
    out = capsys.readouterr().out
    assert "2 reproduced, 0 consistent, 0 differs, 1 not recomputed" in out
    assert f"not reported ({printed})" in out
    rec = ghgcalc.reconcile(ghgcalc.calculate(act, prof), rep)
    entry = rec.entries[1]
    assert (entry["status"], entry["recomputed"], entry["reported"]) == ("not_recomputed", None, printed)


def test_explain_goes_on_past_a_dash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    act, rep, _ = _files(tmp_path, 'reported:\n  - {metric: scope1, value: "-", unit: t CO2e}\n'
                                   '  - {metric: energy_total, value: "300", unit: MWh}\n')
    assert main(["explain", act, rep]) == 0
    assert "not reported (-)" in capsys.readouterr().out


def test_reported_file_errors_are_numbered_one_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ghgcalc.analysis.reconciliation import load_reported
    from ghgcalc.errors import ReportedFiguresError

    bad = {"reported": [{"metric": "scope2", "value": "150", "unit": "t CO2e"}, {"metric": "scope1", "value": "abc"},
                        {"metric": "scope1", "unit": "t CO2e"}, {"metric": "scope_1", "value": "1", "unit": "t"}]}
    with pytest.raises(ReportedFiguresError) as ei:
        load_reported(bad)
    text = str(ei.value)
    assert text.startswith("entry 1, key 'value': value 'abc' is not a printed number")
    assert "; entry 2, key 'value': Field required" in text
    assert "reported.2" not in text and "Value error" not in text
    assert (ei.value.entry, ei.value.key) == (1, "value")
    bad = {"reported": [{"metric": "scope_1", "value": "1", "unit": "t"}, {"metric": "scope1", "value": "1", "unit": "tCO2x"}]}
    with pytest.raises(ReportedFiguresError) as ei:
        load_reported(bad)
    assert str(ei.value).startswith("entry 0, key 'metric': unknown metric 'scope_1'")
    assert "; entry 1, key 'unit': unit 'tCO2x'" in str(ei.value)
