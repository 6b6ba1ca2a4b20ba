"""Unit spellings whose size depends on a tradition the table does not name
(``ghgcalc/data/ambiguous_units.yaml``; user probe). ``MBtu`` is 1,000 Btu in US building usage
(M the Roman thousand, as in Mcf and MMBtu) and 10^6 Btu as an SI prefix: refused with a hint
(MMBtu, kBtu), never read as either. Built from activity tables (CSV, XLSX, DataFrame), a
profile's literal factor, a reported figure and the command line."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from table_files import table_in

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.units import conversion_factor, parse_unit
from ghgcalc.errors import ActivityDataError, ProfileError, UnitError

GAS: dict[str, Any] = {"id": "gas", "reporting_year": 2023, "gwp_set": "AR5",
                       "carriers": {"natural_gas": {"emission": ["53.06 kg CO2/mmBtu"]},
                                    "diesel": {"heating_value": "0.04 GJ/kg", "emission": ["70000 kg CO2/TJ"]}}}
HEAD = ["carrier", "quantity", "unit"]


def _table(kind: str, tmp: Path, rows: list[list[Any]]) -> Any:
    return table_in(kind, tmp, HEAD, rows)


MBTU = ["MBtu", "Mbtu", "mbtu", "MBTU", "MBtu/h", "kg CO2/MBtu", " MBtu "]


@pytest.mark.parametrize("unit", MBTU)
def test_mbtu_is_refused_with_a_hint(unit: str) -> None:
    with pytest.raises(UnitError) as ei:
        parse_unit(unit)
    assert "ambiguous" in ei.value.reason and "thousand" in ei.value.reason and "million" in ei.value.reason
    assert "MMBtu" in str(ei.value.hint) and "kBtu" in str(ei.value.hint)


@pytest.mark.parametrize(("unit", "btu"), [("MMBtu", 10**6), ("mmBtu", 10**6), ("MMBTU", 10**6), ("mmbtu", 10**6),
                                          ("kBtu", 10**3), ("Btu", 1), ("btu", 1)])
def test_unambiguous_btu_multiples_still_read(unit: str, btu: int) -> None:
    assert conversion_factor(unit, "Btu") == btu


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
def test_an_mbtu_row_is_an_error_and_the_rest_computes(kind: str, tmp_path: Path) -> None:
    rows = [["natural gas", 1, "MBtu"], ["natural gas", "2,000", "MMBtu"], ["natural gas", 5, "kBtu"]]
    src = _table(kind, tmp_path, rows)
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(src, GAS)
    (issue,) = ei.value.issues
    assert (issue.row, issue.column, issue.value) == (0, "unit", "MBtu")
    assert "MMBtu" in str(issue.hint) and "kBtu" in str(issue.hint)
    assert issue.line == (None if kind == "dataframe" else 2)
    res = ghgcalc.calculate(src, GAS, on_error="collect")
    assert [e.row for e in res.errors] == [0]
    # 2,000 MMBtu + 5 kBtu = 2,000.005 MMBtu x 53.06 kg CO2/MMBtu
    assert res.metric_exact("scope1_co2")[0] == Fraction("2000.005") * Fraction("53.06") / 1000


def test_a_profile_factor_per_mbtu_is_a_profile_error() -> None:
    prof = {**GAS, "carriers": {"natural_gas": {"emission": ["53.06 kg CO2/MBtu"]}}}
    with pytest.raises(ProfileError, match="MBtu' is ambiguous"):
        ghgcalc.calculate(pd.DataFrame([["natural gas", 1, "MMBtu"]], columns=HEAD), prof)


def test_a_reported_figure_in_mbtu_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    act = tmp_path / "a.csv"
    act.write_text("carrier,quantity,unit\nnatural gas,1000,MMBtu\n", encoding="utf-8")
    prof = tmp_path / "p.toml"
    prof.write_text('id = "gas"\nreporting_year = 2023\n[carriers.natural_gas]\nemission = ["53.06 kg CO2/mmBtu"]\n',
                    encoding="utf-8")
    rep = tmp_path / "r.yaml"
    rep.write_text('reported:\n  - {metric: energy_total, value: "1,000", unit: MBtu}\n', encoding="utf-8")
    assert main(["reconcile", str(act), str(rep), "--profile", str(prof)]) == 2
    assert "MBtu' is ambiguous" in capsys.readouterr().err


def test_cli_names_the_line_and_the_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    act = tmp_path / "a.csv"
    act.write_text("carrier,quantity,unit\nnatural gas,10,MMBtu\nnatural gas,10,Mbtu\n", encoding="utf-8")
    prof = tmp_path / "p.toml"
    prof.write_text('id = "gas"\nreporting_year = 2023\n[carriers.natural_gas]\nemission = ["53.06 kg CO2/mmBtu"]\n',
                    encoding="utf-8")
    assert main(["calc", str(act), "--profile", str(prof)]) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "write MMBtu for 10^6 Btu, or kBtu for 10^3 Btu" in err


# -- mt / MT: metric ton, millitonne or megatonne ------------------------------------------------
# pint read "mt" as a millitonne (1 kg: a US table's metric tons 1000 times too small) and "MT" as a
# megatesla; a US or Indian table means the metric ton; "Mt" is the SI megatonne

METRIC_TON = ["mt", "MT", "mts", "MTs", "MT/yr", "MTCO2e", "mtCO2e", "MT CO2e", "kg/MT"]


@pytest.mark.parametrize("unit", METRIC_TON)
def test_mt_is_refused_with_a_hint(unit: str) -> None:
    with pytest.raises(UnitError) as ei:
        parse_unit(unit)
    assert "ambiguous" in ei.value.reason and "metric ton" in ei.value.reason and "millitonne" in ei.value.reason
    assert "write t" in str(ei.value.hint) and "kt" in str(ei.value.hint) and "Mt" in str(ei.value.hint)


@pytest.mark.parametrize(("unit", "t"), [("t", 1), ("tonne", 1), ("tonnes", 1), ("metric ton", 1), ("metric tons", 1),
                                        ("kt", 1000), ("Mt", 10**6), ("Mt CO2e", None)])
def test_the_spellings_the_hint_offers_read(unit: str, t: int | None) -> None:
    if t is None:
        assert conversion_factor(unit, "t CO2e") == 10**6
    else:
        assert conversion_factor(unit, "t") == t


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
@pytest.mark.parametrize("unit", ["mt", "MT"])
def test_a_row_in_mt_is_an_error_never_a_kilogram(kind: str, unit: str, tmp_path: Path) -> None:
    rows = [["diesel", 1, unit], ["diesel", 2, "t"]]
    res = ghgcalc.calculate(_table(kind, tmp_path, rows), GAS, on_error="collect")
    (err,) = res.errors
    assert (err.row, err.column, err.value) == (0, "unit", unit)
    assert "write t" in str(err.hint)
    # 2 t diesel x 0.04 GJ/kg = 80 GJ = 22.2 MWh; 80 GJ x 70 t CO2/TJ = 5.6 t
    assert res.rows["energy_mwh"].to_numpy() == pytest.approx([80 / 3.6])
    assert res.totals()["scope1"].magnitude == pytest.approx(5.6)


def test_a_direct_entry_in_mtco2e_is_refused() -> None:
    df = pd.DataFrame([["Process emissions", "120", "MTCO2e", 1]], columns=[*HEAD, "scope"])
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(df, GAS)
    # the unit, and the label (a direct entry needs a GHG-mass unit to be accepted as a carrier)
    assert [i.column for i in ei.value.issues] == ["unit", "carrier"]
    assert "'MT' is ambiguous" in ei.value.issues[0].reason


def test_a_reported_figure_in_mt_co2e_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    act = tmp_path / "a.csv"
    act.write_text("carrier,quantity,unit\ndiesel,1,t\n", encoding="utf-8")
    prof = tmp_path / "p.toml"
    prof.write_text('id = "gas"\nreporting_year = 2023\n[carriers.diesel]\nheating_value = "0.04 GJ/kg"\n'
                    'emission = ["70000 kg CO2/TJ"]\n', encoding="utf-8")
    rep = tmp_path / "r.yaml"
    rep.write_text('reported:\n  - {metric: scope1, value: "2.8", unit: MT CO2e}\n', encoding="utf-8")
    assert main(["reconcile", str(act), str(rep), "--profile", str(prof)]) == 2
    assert "'MT' is ambiguous" in capsys.readouterr().err
    rep.write_text('reported:\n  - {metric: scope1, value: "2.8", unit: t CO2e}\n', encoding="utf-8")
    assert main(["reconcile", str(act), str(rep), "--profile", str(prof)]) == 0


# -- mWh, mJ: read as mega, and the row says so ---------------------------------------------------
# a milliwatt-hour is 10^-9 MWh, no unit of energy use: a lower-case m before Wh or J can only mean
# mega in an activity table, so it is read so (refusing would stop real tables over their one
# reading), and every such row's notes say it (ambiguous_units.yaml, read_as)

ELEC: dict[str, Any] = {"id": "e", "reporting_year": 2023, "carriers": {"electricity": {"emission": ["0.5 t CO2/MWh"]},
                                                                     "natural_gas": {"emission": ["56.1 kg CO2/GJ"]}}}


@pytest.mark.parametrize(("unit", "mwh"), [("mWh", 1.0), ("mwh", 1.0), ("mWH", 1.0), ("mw-hr", 1.0), ("mJ", 1 / 3600)])
def test_lower_case_mega_is_read_as_mega_and_noted(unit: str, mwh: float) -> None:
    carrier = "natural gas" if unit == "mJ" else "electricity"
    res = ghgcalc.calculate(pd.DataFrame([[carrier, 1000, unit]], columns=HEAD), ELEC)
    assert res.rows["energy_mwh"].iloc[0] == pytest.approx(1000 * mwh, rel=1e-12)
    (notes,) = res.rows["method_notes"]
    assert f"'{unit}' read with a lower-case m as mega" in notes


@pytest.mark.parametrize("unit", ["MWh", "MWH", "Mwh", "kWh", "MJ", "GJ"])
def test_upper_case_mega_has_no_such_note(unit: str) -> None:
    res = ghgcalc.calculate(pd.DataFrame([["electricity", 10, unit]], columns=HEAD), ELEC)
    assert "lower-case m" not in res.rows["method_notes"].iloc[0]
