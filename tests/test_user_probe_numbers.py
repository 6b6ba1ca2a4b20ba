"""Numbers and units as analysts hold them, found wrong by a new-user probe (README and
``--help`` only): a footnote marker printed as a superscript, subscript or circled digit
(``1,234.5¹``, ``100²``, ``100①``) was folded by NFKC into one more digit (``1234.51``,
``1002``, ``1001``), in activity quantities and in reported figures; a Chinese counting word
glued to a unit with an exponent (``万m³``, ``万m3``, the usual natural-gas unit of mainland
tables) scaled the length before it was cubed (10^12 m³ instead of 10^4 m³). Each is now read
right or refused with its line, column and reason. Built from CSV, XLSX and DataFrames, and
through ``calculate``, ``reconcile`` and the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.units import parse_unit
from ghgcalc.errors import ActivityDataError
from ghgcalc.printed import parse_printed

PROFILE: dict[str, Any] = {
    "id": "probe", "reporting_year": 2023, "gwp_set": "AR5", "energy_basis": "heating_value",
    "carriers": {
        "electricity": {"emission": ["0.5 t CO2/MWh"]},
        "natural_gas": {"heating_value": "0.0389 GJ/m**3", "emission": ["56100 kg CO2/TJ"]},
    },
}

FOOTNOTED = ["1,234.5¹", "100¹", "100²", "12.5³", "100₁", "100①", "100⑴", "1,234¹"]


def _table(kind: str, tmp: Path, rows: list[list[Any]]) -> Any:
    head = ["carrier", "quantity", "unit"]
    if kind == "dataframe":
        return pd.DataFrame(rows, columns=head)
    if kind == "csv":
        p = tmp / "t.csv"
        body = "\n".join(",".join('"' + str(x) + '"' for x in r) for r in rows)
        p.write_text(",".join(head) + "\n" + body + "\n", encoding="utf-8")
        return p
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(head)
    for r in rows:
        ws.append(r)
    p = tmp / "t.xlsx"
    wb.save(p)
    return p


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
def test_a_footnote_marker_is_never_a_digit_of_the_quantity(kind: str, tmp_path: Path) -> None:
    rows = [["electricity", c, "MWh"] for c in FOOTNOTED] + [["electricity", "1,000", "MWh"]]
    res = ghgcalc.calculate(_table(kind, tmp_path, rows), PROFILE, on_error="collect")
    bad = {e.row: e for e in res.errors}
    assert sorted(bad) == list(range(len(FOOTNOTED)))
    for i, cell in enumerate(FOOTNOTED):
        assert bad[i].column == "quantity" and bad[i].value == cell
        assert "footnote" in bad[i].reason, bad[i].reason
        assert bad[i].line == (None if kind == "dataframe" else i + 2)   # a DataFrame has no lines
    # the one clean row alone is computed: 1,000 MWh x 0.5 t CO2/MWh
    assert res.totals()["scope2"].magnitude == pytest.approx(500.0)
    assert len(res.rows) == 1


def test_full_width_digits_are_still_digits(tmp_path: Path) -> None:
    res = ghgcalc.calculate(_table("csv", tmp_path, [["electricity", "１，２３４．５", "MWh"]]), PROFILE)
    assert res.totals()["scope2"].magnitude == pytest.approx(617.25)


def test_footnote_markers_raise_with_their_line(tmp_path: Path) -> None:
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(_table("csv", tmp_path, [["electricity", "100", "MWh"], ["electricity", "250²", "MWh"]]), PROFILE)
    (issue,) = ei.value.issues
    assert (issue.line, issue.row, issue.column, issue.value) == (3, 1, "quantity", "250²")


@pytest.mark.parametrize("text", ["150¹", "150²", "150①", "1,234.5³"])
def test_a_printed_figure_with_a_footnote_marker_is_not_read_as_one_more_digit(text: str) -> None:
    with pytest.raises(ValueError, match="footnote"):
        parse_printed(text)


def test_reconcile_refuses_a_footnoted_figure_instead_of_calling_it_different(tmp_path: Path,
                                                                              capsys: pytest.CaptureFixture[str]) -> None:
    act = tmp_path / "a.csv"
    act.write_text("carrier,quantity,unit\nelectricity,300,MWh\n", encoding="utf-8")
    prof = tmp_path / "p.toml"
    prof.write_text('id = "probe"\nreporting_year = 2023\n[carriers.electricity]\nemission = ["0.5 t CO2/MWh"]\n',
                    encoding="utf-8")
    rep = tmp_path / "r.yaml"
    rep.write_text('reported:\n  - {metric: scope2, value: "150¹", unit: t CO2e}\n', encoding="utf-8")
    assert main(["reconcile", str(act), str(rep), "--profile", str(prof)]) == 2
    err = capsys.readouterr().err
    assert "150¹" in err and "footnote" in err
    rep.write_text('reported:\n  - {metric: scope2, value: "150", unit: t CO2e}\n', encoding="utf-8")
    assert main(["reconcile", str(act), str(rep), "--profile", str(prof)]) == 0


# 万m³ is 10^4 m³ (a counting word, GB 3101-1993 counting units), never (10^4 m)³
@pytest.mark.parametrize(("unit", "m3"), [
    ("万m3", 1e4), ("万m³", 1e4), ("萬m³", 1e4), ("万 m3", 1e4), ("万Nm3", 1e4), ("万Nm³", 1e4), ("万m^3", 1e4),
    ("亿m3", 1e8), ("億m³", 1e8), ("百万m3", 1e6), ("千m3", 1e3), ("万立方米", 1e4), ("10⁴m³", 1e4), ("m³", 1.0),
])
def test_a_counting_word_before_a_cubed_unit_counts_cubic_metres(unit: str, m3: float) -> None:
    q = parse_unit(unit)
    assert float(q.to("m**3").magnitude) == pytest.approx(m3, rel=1e-12)


@pytest.mark.parametrize(("unit", "mwh"), [("万kWh", 10.0), ("万千瓦时", 10.0), ("万kwh", 10.0), ("亿kWh", 1e5)])
def test_a_counting_word_before_a_latin_energy_unit(unit: str, mwh: float) -> None:
    assert float(parse_unit(unit).to("MWh").magnitude) == pytest.approx(mwh, rel=1e-12)


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
def test_natural_gas_in_wan_cubic_metres_end_to_end(kind: str, tmp_path: Path) -> None:
    # 12.3 万m³ = 123,000 m³ x 0.0389 GJ/m³ = 4,784.7 GJ = 1,329.0833 MWh; x 56.1 t CO2/TJ = 268.4217 t
    rows = [["天然气", "12.3", "万m³"], ["natural gas", "12.3", "万m3"], ["natural gas", "123000", "m3"]]
    res = ghgcalc.calculate(_table(kind, tmp_path, rows), PROFILE)
    e = res.rows["energy_mwh"].to_numpy()
    assert e == pytest.approx([4784.7 / 3.6] * 3, rel=1e-12)
    assert res.totals()["scope1"].magnitude == pytest.approx(3 * 4.7847 * 56.1, rel=1e-12)


@pytest.mark.parametrize("hv", ["389.31 GJ/万m³", "389.31 GJ/万m3", "389.31 GJ/(10^4 m3)", "0.038931 GJ/m**3"])
@pytest.mark.parametrize(("qty", "unit"), [("123000", "m³"), ("12.3", "万m³"), ("12.3", "万立方米")])
def test_a_heating_value_per_wan_cubic_metre(hv: str, qty: str, unit: str) -> None:
    # GB/T 32151 prints natural gas NCV as 389.31 GJ/万Nm³: 123,000 m³ x 0.038931 GJ/m³ = 4,788.513 GJ
    prof = {"id": "probe", "reporting_year": 2023, "carriers": {"natural_gas": {"heating_value": hv, "emission": ["56100 kg CO2/TJ"]}}}
    res = ghgcalc.calculate(pd.DataFrame([["natural gas", qty, unit]], columns=["carrier", "quantity", "unit"]), prof)
    assert res.rows["energy_mwh"].iloc[0] == pytest.approx(4788.513 / 3.6, rel=1e-12)
