"""Hong Kong offices in both supply areas: CLP Power (factor printed in kg CO2/kWh before
2021) and HK Electric (kg CO2e/kWh) pinned in one profile. The CO2 and CO2e factors cover
different regions, so each row takes the one for its region, and the choice is recorded."""
from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

import ghgcalc

PROFILE = {"id": "hk-2019", "reporting_year": 2019, "gwp_set": "AR5",
           "carriers": {"electricity": {"emission": ["hk-clp-2019", "hk-hkelectric-2019"]}}}


def _table(regions: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"carrier": ["electricity"] * len(regions), "quantity": ["1000"] * len(regions),
                         "unit": ["MWh"] * len(regions), "region": regions, "period": [2019] * len(regions)})


def test_each_supply_area_takes_its_utility_factor() -> None:
    r = ghgcalc.calculate(_table(["HK-CLP", "HK-HKE"]), PROFILE)
    # CLP 2019: 0.49 kg CO2/kWh (x AR5 GWP of CO2, 1); HK Electric 2019: 0.81 kg CO2e/kWh
    assert r.metric_exact("scope2")[0] == Fraction(1000) * (Fraction("0.49") + Fraction("0.81"))
    ids = list(r.rows["factor_ids"].astype(str))
    assert "hk-clp-2019" in ids[0] and "hk-hkelectric-2019" not in ids[0]
    assert "hk-hkelectric-2019" in ids[1] and "hk-clp-2019" not in ids[1]
    assert "covered by the profile's CO2 factor only" in str(r.rows["method_notes"].iloc[0])
    assert "covered by the profile's CO2e factor only" in str(r.rows["method_notes"].iloc[1])


def test_a_region_neither_utility_covers_is_an_error() -> None:
    with pytest.raises(ghgcalc.ActivityDataError, match="region"):
        ghgcalc.calculate(_table(["HK"]), PROFILE)


def test_co2_and_co2e_for_the_same_region_still_add() -> None:
    # both gases cover the row's region: they are two gases, not alternatives (nothing dropped)
    prof = {"id": "t", "reporting_year": 2022, "gwp_set": "AR5",
            "carriers": {"electricity": {"emission": ["0.5 t CO2/MWh", "0.01 t CO2e/MWh"]}}}
    r = ghgcalc.calculate(_table(["CN"]).assign(period=2022), prof)
    assert r.metric_exact("scope2")[0] == Fraction(1000) * Fraction("0.51")


def test_carrier_without_any_shipped_co2_factor_says_so() -> None:
    # 洗中煤 (washed middlings): GB/T 2589 coal equivalents only, no CO2 factor/carbon content shipped
    # (原煤 has one since the MEE 2021 power guideline's coal defaults: tests/test_cn_default_fuel.py)
    df = pd.DataFrame({"carrier": ["洗中煤"], "quantity": ["10"], "unit": ["t"]})
    with pytest.raises(ghgcalc.ActivityDataError) as info:
        ghgcalc.calculate(df, "ipcc-2006-tier1-manufacturing")
    (issue,) = info.value.issues
    assert issue.column == "carrier" and "no shipped factor table has a CO2 factor" in str(issue.hint)
    assert "by rank" not in str(issue.hint)
