"""Units that the row's carrier gives a meaning (activities._carrier_units).

- Hong Kong reports print Towngas in "units": 1 unit = 48 MJ (HKEX, How to prepare an ESG
  report, Appendix 2: Reporting Guidance on Environmental KPIs). On a Towngas row, "unit" is
  that unit; on any other row it stays an error (pint would read it as micro-nit).
- A carrier label that names a refrigerant gas ("R-410A", "冷媒（R-22）") with a bare mass unit
  is a mass of that gas: fugitive Scope 1 through the GWP row of the profile's set (GHG Protocol
  Corporate Standard, ch. 4). Expected values are written out by hand from the GWP rows.
"""
from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.core.factors import default_library
from ghgcalc.core.units import gas_of

TOWNGAS_PROFILE = {"id": "t", "reporting_year": 2023, "gwp_set": "AR5",
                   "carriers": {"towngas": {"emission": ["0.592 kg CO2e/towngas_unit"]}}}


@pytest.mark.parametrize("printed", ["unit", "Units", "UNITS", "(unit)", "（單位）", "單位", "单位", "Towngas unit"])
def test_towngas_units_are_the_48_megajoule_billing_unit(printed: str) -> None:
    df = pd.DataFrame({"carrier": ["Towngas"], "quantity": ["12,345"], "unit": [printed]})
    r = ghgcalc.calculate(df, TOWNGAS_PROFILE)
    assert list(r.rows["unit"].astype(str)) == ["towngas_unit"]
    # 12,345 units x 0.592 kg CO2e/unit = 7,308.24 kg = 7.30824 t
    assert r.metric_exact("scope1")[0] == Fraction("7.30824")
    # 12,345 x 48 MJ = 592,560 MJ = 164.6 MWh
    assert r.metric_exact("energy_direct")[0] == Fraction(592560, 3600)


def test_unit_alone_stays_an_error_on_other_carriers() -> None:
    df = pd.DataFrame({"carrier": ["Diesel", "Towngas"], "quantity": ["5", "5"], "unit": ["unit", "unit"]})
    r = ghgcalc.calculate(df, TOWNGAS_PROFILE | {"carriers": {**TOWNGAS_PROFILE["carriers"],  # type: ignore[dict-item]
                                                              "diesel": {"emission": ["2.6 kg CO2/L"]}}},
                          on_error="collect")
    assert [(e.row, e.column) for e in r.errors] == [(0, "unit")]
    assert "alone is not a unit" in r.errors[0].reason


@pytest.mark.parametrize(("label", "unit", "gas"), [
    ("R-410A", "kg", "R-410A"),
    ("Refrigerant R-410A", "kg", "R-410A"),
    ("雪種 R410A", "千克", "R-410A"),
    ("冷媒（R-32）", "kg", "HFC-32"),
    ("R-410A (kg)", "kg", "R-410A"),
    ("HFC-134a", "t", "HFC-134a"),
    ("SF6", "kg", "SF6"),
    ("Refrigerant", "kg R-410A", "R-410A"),     # the gas in the unit, as before
])
def test_refrigerant_named_in_the_carrier_label(label: str, unit: str, gas: str) -> None:
    lib = default_library()
    df = pd.DataFrame({"carrier": [label], "quantity": ["12"], "unit": [unit]})
    r = ghgcalc.calculate(df, {"id": "t", "reporting_year": 2023, "gwp_set": "AR5"})
    mass_t = Fraction(12, 1000) if unit != "t" else Fraction(12)
    assert r.metric_exact("scope1")[0] == mass_t * lib.gwp("AR5", gas).exact
    assert list(r.rows["carrier"].astype(str)) == ["refrigerant"]
    assert list(r.rows["carrier_input"]) == [label]
    assert gas_of(str(r.rows["unit"].iloc[0])) == gas


def test_r410a_12kg_ar5_by_hand() -> None:
    """12 kg R-410A at AR5: GWP 1923.5 (50 % HFC-32 at 677, 50 % HFC-125 at 3170), so 23.082 t CO2e."""
    df = pd.DataFrame({"carrier": ["R-410A"], "quantity": ["12"], "unit": ["kg"]})
    r = ghgcalc.calculate(df, {"id": "t", "reporting_year": 2023, "gwp_set": "AR5"})
    gwp = default_library().gwp("AR5", "R-410A").exact
    assert gwp == Fraction("1923.5")
    assert r.metric_exact("scope1")[0] == Fraction("23.082")


@pytest.mark.parametrize(("label", "unit", "reason"), [
    ("R-410A", "kg R-32", "the carrier names R-410A but the unit is a mass of HFC-32"),
    ("冷媒", "kg", "a refrigerant row is a mass of the gas"),
])
def test_refrigerant_label_and_unit_that_disagree_are_errors(label: str, unit: str, reason: str) -> None:
    df = pd.DataFrame({"carrier": ["electricity", label], "quantity": ["1", "2"], "unit": ["MWh", unit]})
    prof = {"id": "t", "reporting_year": 2023, "gwp_set": "AR5",
            "carriers": {"electricity": {"emission": ["0.5 t CO2/MWh"]}}}
    r = ghgcalc.calculate(df, prof, on_error="collect")
    assert [(e.row, e.column) for e in r.errors] == [(1, "unit")]
    assert reason in r.errors[0].reason
    with pytest.raises(ghgcalc.ActivityDataError):
        ghgcalc.calculate(df, prof)


@pytest.mark.parametrize("label", ["CO2", "Diesel R-410A", "R-32 top-up"])
def test_other_labels_are_not_read_as_refrigerants(label: str) -> None:
    df = pd.DataFrame({"carrier": [label], "quantity": ["2"], "unit": ["kg"]})
    r = ghgcalc.calculate(df, {"id": "t", "reporting_year": 2023, "gwp_set": "AR5"}, on_error="collect")
    assert [(e.row, e.column, e.reason) for e in r.errors] == [(0, "carrier", "unknown carrier")]


def test_refrigerant_label_with_a_co2e_mass_is_a_direct_entry() -> None:
    """A refrigerant leak already converted by the reporter (2.5 t CO2e) is added as it is."""
    df = pd.DataFrame({"carrier": ["R-410A", "R-410A"], "quantity": ["2.5", "1"], "unit": ["t CO2e", "kg"]})
    r = ghgcalc.calculate(df, {"id": "t", "reporting_year": 2023, "gwp_set": "AR5"})
    assert r.metric_exact("scope1")[0] == Fraction("2.5") + Fraction(1, 1000) * Fraction("1923.5")
