"""Fuels in litres with per-litre emission factors (issue 4 item 7: Hong Kong carbon audits).

Hong Kong practice (EPD/EMSD 2010 Guidelines for buildings; HKEX "Reporting Guidance on
Environmental KPIs") multiplies litres of diesel, petrol or LPG by factors printed per litre,
one per gas (kg CO2/litre, g CH4/litre, g N2O/litre), and adds the gases with GWPs. No
official per-litre value is shipped yet (none could be read in a stored copy), so these tests
pin the mechanism with user-supplied literal factors written in the profile: the numbers
below are illustrative, NOT any publication's values. Expected results are worked by hand in
each test from the literals it writes.
"""
from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ghgcalc

# illustrative user-supplied per-litre factors (not EPD/EMSD's): CO2 2.6 kg/L, CH4 0.1 g/L, N2O 0.02 g/L
DIESEL = {"emission": ["2.6 kg CO2/L", "0.1 g CH4/L", "0.02 g N2O/L"], "heating_value": []}


def _profile(gwp_set: str = "AR5", **carriers: dict[str, object]) -> dict[str, object]:
    return {"id": "hk-litres", "reporting_year": 2023, "region": "HK", "gwp_set": gwp_set,
            "carriers": carriers or {"diesel": DIESEL}}


def _rows(carrier: str = "柴油", quantity: str = "1250", unit: str = "公升", region: str = "HK") -> pd.DataFrame:
    return pd.DataFrame({"carrier": [carrier], "quantity": [quantity], "unit": [unit], "region": [region], "period": [2023]})


def test_diesel_litres_worked_example_ar5() -> None:
    r = ghgcalc.calculate(_rows(), _profile())
    # by hand, AR5 GWP100 (CH4 28, N2O 265; IPCC AR5 WG1 Table 8.A.1):
    # 1250 L x (2.6 kg CO2 + 0.0001 kg CH4 x 28 + 0.00002 kg N2O x 265) per L
    # = 1250 x (2.6 + 0.0028 + 0.0053) kg = 1250 x 2.6081 kg = 3260.125 kg = 3.260125 t CO2e
    assert r.metric_exact("scope1")[0] == Fraction("3.260125")
    assert r.metric_exact("scope1_co2")[0] == Fraction("3.25")       # 1250 x 2.6 kg
    assert r.metric_exact("scope1_ch4")[0] == Fraction("0.000125")   # 1250 x 0.1 g
    assert r.metric_exact("scope1_n2o")[0] == Fraction("0.000025")   # 1250 x 0.02 g
    row = r.rows.iloc[0]
    assert row["carrier"] == "diesel" and int(row["scope"]) == 1
    ids = str(row["factor_ids"])
    for part in ("literal:hk-litres:carriers.diesel.emission[0]", "literal:hk-litres:carriers.diesel.emission[2]",
                 "ipcc-ar5-gwp100-ch4", "ipcc-ar5-gwp100-n2o"):
        assert part in ids
    assert math.isnan(float(row["energy_mwh"]))
    assert "energy not computed: heating_value = []" in str(row["method_notes"])
    assert not r.errors


def test_the_profiles_gwp_set_is_the_one_applied() -> None:
    r = ghgcalc.calculate(_rows(), _profile("AR4"))
    # AR4 (CH4 25, N2O 298): 1250 x (2.6 + 0.0001 x 25 + 0.00002 x 298) kg = 1250 x 2.60846 kg = 3.260575 t
    assert r.metric_exact("scope1")[0] == Fraction("3.260575")
    assert "ipcc-ar4-gwp100-n2o" in str(r.rows["factor_ids"].iloc[0])


def test_petrol_and_lpg_by_their_hong_kong_names() -> None:
    prof = _profile(gasoline={"emission": ["2.3 kg CO2/L"], "heating_value": []},
                    lpg={"emission": ["3.0 kg CO2/kg"], "density": "0.5 kg/L", "heating_value": []})
    df = pd.concat([_rows("無鉛汽油", "100", "L"), _rows("石油氣", "40", "litres")], ignore_index=True)
    r = ghgcalc.calculate(df, prof)
    assert list(r.rows["carrier"]) == ["gasoline", "lpg"]
    # petrol: 100 L x 2.3 kg = 0.23 t; LPG: 40 L x 0.5 kg/L x 3.0 kg CO2/kg = 60 kg = 0.06 t
    assert r.metric_exact("scope1")[0] == Fraction("0.29")
    assert "literal:hk-litres:carriers.lpg.density" in str(r.rows["factor_ids"].iloc[1])


def test_heating_value_empty_list_reads_from_a_toml_profile(tmp_path: Path) -> None:
    path = tmp_path / "hk.toml"
    path.write_text('id = "hk-toml"\nreporting_year = 2023\nregion = "HK"\ngwp_set = "AR5"\n'
                    '[carriers.diesel]\nemission = ["2.6 kg CO2/L"]\nheating_value = []\n', encoding="utf-8")
    r = ghgcalc.calculate(_rows(), str(path))
    assert r.metric_exact("scope1")[0] == Fraction("3.25")


def test_an_energy_unit_row_still_gets_its_energy() -> None:
    # heating_value = [] only says there is no heating value; a row already in energy needs none
    prof = _profile(diesel={"emission": ["0.27 t CO2/MWh"], "heating_value": []})
    r = ghgcalc.calculate(_rows(quantity="10", unit="MWh"), prof)
    assert r.metric_exact("energy_total")[0] == Fraction(10)
    assert "energy not computed" not in str(r.rows["method_notes"].iloc[0])


# -- bad input: never a silent fallback -------------------------------------------------------

def test_without_the_key_a_litre_row_that_cannot_reach_energy_is_an_error() -> None:
    prof = _profile(diesel={"emission": ["2.6 kg CO2/L"]})
    with pytest.raises(ghgcalc.ActivityDataError) as info:
        ghgcalc.calculate(_rows(), prof)
    (issue,) = info.value.issues
    assert (issue.row, issue.column, issue.value) == (0, "unit", "公升")
    assert "heating_value = []" in str(issue.hint)


def test_a_per_kg_factor_on_litres_without_density_is_an_error() -> None:
    prof = _profile(lpg={"emission": ["3.0 kg CO2/kg"], "heating_value": []})
    with pytest.raises(ghgcalc.ActivityDataError) as info:
        ghgcalc.calculate(_rows("LPG", "40", "L"), prof)
    (issue,) = info.value.issues
    assert issue.column == "unit" and "density" in str(issue.hint)


def test_a_per_energy_factor_on_litres_stays_an_error_with_the_empty_heating_value() -> None:
    # heating_value = [] never lets an emission factor per TJ apply to litres
    prof = _profile(diesel={"emission": ["ipcc-2006-v2-t1.4-diesel-co2"], "heating_value": []})
    with pytest.raises(ghgcalc.ActivityDataError) as info:
        ghgcalc.calculate(_rows(), prof)
    (issue,) = info.value.issues
    assert issue.column == "unit" and "ipcc-2006-v2-t1.4-diesel-co2" in issue.reason


def test_builtin_hong_kong_profile_still_names_the_missing_fuel_factors() -> None:
    # no EPD/EMSD fuel factor is shipped: a diesel row under the built-in profile is an error, not a zero
    with pytest.raises(ghgcalc.ActivityDataError) as info:
        ghgcalc.calculate(_rows(), "hk-epd-emsd-2010")
    (issue,) = info.value.issues
    assert issue.column == "carrier" and "diesel" in issue.reason
    notes = ghgcalc.load_profile("hk-epd-emsd-2010").notes["fuels"]
    assert "heating_value = []" in notes and "kg CO2/L" in notes


@given(st.integers(min_value=1, max_value=10**7))
def test_per_litre_emissions_are_linear_in_the_litres(litres: int) -> None:
    r = ghgcalc.calculate(_rows(quantity=str(litres)), _profile())
    assert r.metric_exact("scope1")[0] == litres * Fraction("2.6081") / 1000


def test_a_profile_extending_the_hong_kong_builtin_adds_per_litre_diesel(tmp_path: Path) -> None:
    # extends keeps the built-in's electricity factor (0.7 kg CO2e/kWh) and adds diesel in litres
    path = tmp_path / "mine.toml"
    path.write_text('id = "mine"\nextends = "hk-epd-emsd-2010"\n'
                    '[carriers.diesel]\nemission = ["2.6 kg CO2/L"]\nheating_value = []\n', encoding="utf-8")
    df = pd.concat([_rows(quantity="100"), _rows("electricity", "1000", "kWh")], ignore_index=True)
    r = ghgcalc.calculate(df, str(path))
    # diesel: 100 L x 2.6 kg = 0.26 t CO2 (Scope 1); electricity: 1000 kWh x 0.7 kg = 0.7 t CO2e (Scope 2)
    assert r.metric_exact("scope1")[0] == Fraction("0.26")
    assert r.metric_exact("scope2")[0] == Fraction("0.7")
    assert "hk-epd-emsd-default-electricity" in str(r.rows["factor_ids"].iloc[1])
