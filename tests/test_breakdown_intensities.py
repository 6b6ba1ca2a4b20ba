"""Intensities in a breakdown use that group's own denominators, or read n/a.

Issue "One core" A5 / contract section 8: ``totals(by="facility")`` divided each facility's
emissions by the whole group's headcount, so every facility showed an intensity that looked
real and was not.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import ghgcalc

# 2023 national grid average 0.5306 t CO2/MWh (MEE/NBS 2023 data; profile cn-mee-nbs-2023-national)
_ROWS = pd.DataFrame({"carrier": ["electricity"] * 3, "quantity": [100, 200, 300], "unit": ["MWh"] * 3,
                      "facility": ["A", "B", "C"], "period": [2023] * 3})


@pytest.fixture(scope="module")
def result() -> ghgcalc.Result:
    return ghgcalc.calculate(_ROWS, "cn-mee-nbs-2023-national", {"headcount": 100})


def test_the_organisations_headcount_is_never_divided_into_one_facility(result: ghgcalc.Result) -> None:
    df = result.totals(by="facility")
    assert df["scope2"].tolist() == pytest.approx([53.06, 106.12, 159.18])
    assert df["scope2_per_capita"].isna().all()


def test_per_facility_denominators_as_a_mapping_or_a_table(result: ghgcalc.Result) -> None:
    df = result.totals(by="facility", denominators={"A": {"headcount": 10}, "B": {"headcount": 20, "floor_area": "500 m**2"}})
    assert df.loc["A", "scope2_per_capita"] == pytest.approx(5.306)
    assert df.loc["B", "scope2_per_capita"] == pytest.approx(106.12 / 20)
    assert math.isnan(df.loc["C", "scope2_per_capita"])  # none given for C: n/a
    assert df.loc["B", "scope2_per_floor_area"] == pytest.approx(106.12 / 500)
    assert math.isnan(df.loc["A", "scope2_per_floor_area"])
    assert df.attrs["units"]["scope2_per_floor_area"] == "t CO2e / (m**2)"
    table = pd.DataFrame({"headcount": [10, 20, 30]}, index=["A", "B", "C"])
    df2 = result.totals(by="facility", denominators=table)
    assert df2["scope2_per_capita"].tolist() == pytest.approx([5.306, 5.306, 5.306])
    # the result itself is unchanged
    assert result.totals(by="facility")["scope2_per_capita"].isna().all()


def test_periods_have_their_own_denominators() -> None:
    rows = pd.concat([_ROWS, _ROWS.assign(period=2022)], ignore_index=True)
    prof = ghgcalc.load_profile("cn-mee-nbs-2023-national").model_dump(exclude={"base_dir"})
    prof["carriers"]["electricity"]["emission"] = ["cn-mee-grid-national-2022", *prof["carriers"]["electricity"]["emission"]]
    prof["edition_mismatch"] = "record"
    r = ghgcalc.calculate(rows, prof, {"headcount": 100})
    df = r.totals(by="period")
    # the organisation's denominators are the reporting year's (2023), not 2022's
    assert df.loc[2023, "scope2_per_capita"] == pytest.approx(df.loc[2023, "scope2"] / 100)
    assert math.isnan(df.loc[2022, "scope2_per_capita"])
    df = r.totals(by="period", denominators={"2022": {"headcount": 80}})
    assert df.loc[2022, "scope2_per_capita"] == pytest.approx(df.loc[2022, "scope2"] / 80)


def test_carrier_and_scope_groups_share_the_organisations_denominators(result: ghgcalc.Result) -> None:
    # parts of one organisation-year: each group's intensity is its part, and they add up
    df = result.totals(by="carrier")
    assert df["scope2_per_capita"].sum() == pytest.approx(result.totals()["scope2_per_capita"].magnitude)


def test_bad_group_denominators_are_refused(result: ghgcalc.Result) -> None:
    with pytest.raises(ghgcalc.GhgcalcError, match="group 'A' needs a mapping"):
        result.totals(by="facility", denominators={"A": 10})
    with pytest.raises(ghgcalc.GhgcalcError, match="must be > 0"):
        result.totals(by="facility", denominators={"A": {"headcount": 0}})
