"""Refrigerant top-ups and leaks in kg of the gas become Scope 1 CO2e through the GWP row of
the profile's set (issue 4 item 6; GHG Protocol Scope 1 fugitive emissions)."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.core.factors import default_library
from ghgcalc.core.units import conversion_factor, gas_of


@pytest.mark.parametrize(("unit", "gas"), [
    ("kg R-410A", "R-410A"), ("kg R410A", "R-410A"), ("kg R 410A", "R-410A"), ("t HFC-134a", "HFC-134a"),
    ("kg R-134a", "HFC-134a"), ("kg HFC134a", "HFC-134a"), ("千克 R-32", "HFC-32"), ("kg HCFC-22", "HCFC-22"),
    ("kg R-22", "HCFC-22"), ("kg HFC-43-10mee", "HFC-43-10mee"), ("kg c-C4F8", "c-C4F8"), ("kg PFC-14", "CF4"),
    ("kg SF6", "SF6"), ("kg CH4", "CH4"),
])
def test_refrigerant_unit_spellings(unit: str, gas: str) -> None:
    assert gas_of(unit) == gas


def test_refrigerant_gases_are_their_own_dimensions() -> None:
    assert conversion_factor("kg R-134a", "t HFC-134a") == Fraction(1, 1000)
    with pytest.raises(ghgcalc.UnitError):
        conversion_factor("kg R-410A", "kg HFC-32")  # a blend is not one of its components
    with pytest.raises(ghgcalc.UnitError):
        conversion_factor("kg R-410A", "t CO2e")  # only through a GWP row, never implicitly


@pytest.mark.parametrize("gwp_set", ["AR4", "AR5"])
def test_refrigerant_top_up_is_scope1_co2e(gwp_set: str) -> None:
    lib = default_library()
    df = pd.DataFrame({"carrier": ["冷媒", "refrigerant"], "quantity": ["25", "3.5"], "unit": ["kg R-410A", "kg HFC-134a"]})
    prof = {"id": "t", "reporting_year": 2023, "gwp_set": gwp_set}
    r = ghgcalc.calculate(df, prof)
    want = Fraction(25, 1000) * lib.gwp(gwp_set, "R-410A").exact + Fraction(35, 10000) * lib.gwp(gwp_set, "HFC-134a").exact
    val, _lo, _hi, unit = r.metric_exact("scope1")
    assert val == want and unit == "t CO2e"
    assert set(r.rows["scope"]) == {1}
    ids = ";".join(r.rows["factor_ids"].astype(str))
    assert f"ipcc-{gwp_set.lower()}-gwp100-r-410a" in ids
    assert r.metric_exact("energy_total")[0] == 0  # a refrigerant carries no energy


def test_refrigerant_without_its_gas_is_an_error_naming_the_row() -> None:
    df = pd.DataFrame({"carrier": ["refrigerant", "refrigerant"], "quantity": ["2", "1"], "unit": ["kg", "kg R-410A"]})
    r = ghgcalc.calculate(df, {"id": "t", "reporting_year": 2023}, on_error="collect")
    assert len(r.errors) == 1 and r.errors[0].row == 0 and r.errors[0].column == "unit"
    assert "kg R-410A" in r.errors[0].reason
    with pytest.raises(ghgcalc.ActivityDataError):
        ghgcalc.calculate(df, {"id": "t", "reporting_year": 2023})


def test_gas_missing_from_the_set_is_an_error_not_a_zero() -> None:
    sets_without = [s for s in ("SAR", "AR4", "AR5", "AR6") if not default_library().select(kind="gwp", gwp_set=s, gas="HFC-245fa")]
    assert sets_without, "SAR prints no HFC-245fa"
    df = pd.DataFrame({"carrier": ["refrigerant"], "quantity": ["1"], "unit": ["kg HFC-245fa"]})
    r = ghgcalc.calculate(df, {"id": "t", "reporting_year": 2023, "gwp_set": sets_without[0]}, on_error="collect")
    assert len(r.errors) == 1 and "HFC-245fa" in r.errors[0].reason


@pytest.mark.parametrize("unit", ["kg R-1234ze(E)", "kg HFO-1234ze(E)", "kg R1234ze(E)", "kg R-1234ze（E）"])
def test_gas_name_with_parentheses_is_a_unit(unit: str) -> None:
    assert gas_of(unit) == "HFO-1234ze(E)"


def test_hfo_1234ze_top_up_under_ar6() -> None:
    # AR6 WG1 Table 7.SM.7 data: HFO-1234ze(E) GWP100 1.37 (factors/gwp/ipcc-gwp100-refrigerants.csv)
    df = pd.DataFrame({"carrier": ["refrigerant"], "quantity": ["100"], "unit": ["kg R-1234ze(E)"]})
    r = ghgcalc.calculate(df, {"id": "t", "reporting_year": 2023, "gwp_set": "AR6"})
    assert r.metric_exact("scope1")[0] == Fraction(1, 10) * Fraction("1.37")
    assert "ipcc-ar6-gwp100-hfo-1234ze-e" in str(r.rows["factor_ids"].iloc[0])
