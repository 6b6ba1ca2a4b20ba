"""Market-based Scope 2 (GHG Protocol Scope 2 Guidance, 2015, ch. 6; contract section 4,
metric ``scope2_market``): instruments on the rows, residual factor for the rest."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.core.regions import canonical_instrument, instruments
from ghgcalc.errors import ActivityDataError, ProfileError

# MEE/NBS 2022 factors (公告2024年第33号): national average 0.5366, national excluding
# market-traded non-fossil electricity 0.5856 t CO2/MWh (factors/cn-mee-nbs-electricity/2022.csv)
NATIONAL, RESIDUAL = 0.5366, 0.5856


def profile(**market: Any) -> dict[str, Any]:
    mb = {"residual": "cn-mee-nbs-grid-national-residual-2022",
          "instrument_factors": {"green_certificate": "0 t CO2/MWh", "green_power_trading": "0 t CO2/MWh"}, **market}
    return {"id": "mb", "reporting_year": 2022, "gwp_set": "AR5", "carriers": {
        "electricity": {"emission": ["cn-mee-nbs-grid-national-2022"]},
        "heat": {"emission": ["cn-ndrc-heat-2015"]},
        "diesel": {"heating_value": "cn-default-ncv-diesel", "emission": ["ipcc-2006-v2-t1.4-diesel-co2"]},
    }, "market_based": mb}


ROWS = [
    {"carrier": "electricity", "quantity": "1000", "unit": "MWh", "instrument": ""},
    {"carrier": "外购电力", "quantity": "300", "unit": "MWh", "instrument": "绿证"},
    {"carrier": "electricity", "quantity": "200", "unit": "MWh", "instrument": "綠電交易"},
    {"carrier": "heat", "quantity": "100", "unit": "GJ", "instrument": None},
    {"carrier": "diesel", "quantity": "2", "unit": "t"},
]


def test_hand_computed_example() -> None:
    res = ghgcalc.calculate(ROWS, profile())
    t = res.totals()
    heat = 100 * 0.11  # NDRC 2015 purchased heat 0.11 t CO2/GJ
    diesel = 2 * 42.652e-3 * 74.1  # NCV 42.652 GJ/t x IPCC 74 100 kg CO2/TJ
    # location-based: every MWh at the national average
    assert t["scope2"].m == pytest.approx(1500 * NATIONAL + heat, rel=1e-12)
    # market-based: 1000 MWh without instrument at the residual factor, 500 MWh with
    # certificates / green power at 0, heat market = location (no [market_based] for heat)
    assert t["scope2_market"].m == pytest.approx(1000 * RESIDUAL + 0 + heat, rel=1e-12)
    assert t["scope1_2_market"].m == pytest.approx(1000 * RESIDUAL + heat + diesel, rel=1e-12)
    assert t["scope1_2"].m == pytest.approx(1500 * NATIONAL + heat + diesel, rel=1e-12)
    assert str(t["scope2_market"].u) == str(t["scope2"].u)


def test_every_choice_is_recorded_on_the_row() -> None:
    rows = ghgcalc.calculate(ROWS, profile()).rows
    notes = rows["method_notes"].astype(str).tolist()
    ids = rows["factor_ids"].astype(str).tolist()
    assert "residual factor (no instrument): cn-mee-nbs-grid-national-residual-2022" in notes[0]
    assert "cn-mee-nbs-grid-national-residual-2022" in ids[0] and "cn-mee-nbs-grid-national-2022" in ids[0]
    assert "instrument green_certificate" in notes[1]
    assert "literal:mb:market_based.instrument_factors.green_certificate[0]" in ids[1]
    assert "instrument green_power_trading" in notes[2]
    assert "market-based = location-based for heat" in notes[3]
    assert list(rows["co2e_market_t"]) == pytest.approx([1000 * RESIDUAL, 0, 0, 11, rows["co2e_t"].iloc[4]], rel=1e-12)


def test_uncovered_instrument_is_an_error_not_a_fallback() -> None:
    rows = [*ROWS, {"carrier": "electricity", "quantity": "50", "unit": "MWh", "instrument": "PPA"}]
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate(rows, profile())
    issue = info.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (5, "instrument", "PPA")
    assert "ppa" in issue.reason
    res = ghgcalc.calculate(rows, profile(), on_error="collect")
    assert len(res.rows) == 5 and [e.row for e in res.errors] == [5]


def test_unknown_instrument_and_instrument_on_scope1() -> None:
    rows = [{"carrier": "electricity", "quantity": "1", "unit": "MWh", "instrument": "carbon offsets"},
            {"carrier": "diesel", "quantity": "1", "unit": "t", "instrument": "GEC"},
            {"carrier": "heat", "quantity": "1", "unit": "GJ", "instrument": "GEC"}]
    res = ghgcalc.calculate(rows, profile(), on_error="collect")
    assert [(e.row, e.column) for e in res.errors] == [(0, "instrument"), (1, "instrument"), (2, "instrument")]
    assert "unknown instrument" in res.errors[0].reason
    assert "Scope 1" in res.errors[1].reason
    assert "no factors for heat" in res.errors[2].reason


def test_heat_market_factor_when_the_profile_gives_one() -> None:
    prof = profile(carriers={"heat": {"residual": "0.12 t CO2/GJ", "instrument_factors": {"supplier_specific": "0.05 t CO2/GJ"}}})
    rows = [{"carrier": "heat", "quantity": "100", "unit": "GJ"}, {"carrier": "heat", "quantity": "10", "unit": "GJ", "instrument": "供电商排放因子"}]
    res = ghgcalc.calculate(rows, prof)
    assert res.totals()["scope2_market"].m == pytest.approx(100 * 0.12 + 10 * 0.05, rel=1e-12)
    assert res.totals()["scope2"].m == pytest.approx(110 * 0.11, rel=1e-12)


def test_no_residual_is_an_error_for_rows_without_instrument() -> None:
    prof = profile()
    del prof["market_based"]["residual"]
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate(ROWS[:1], prof)
    assert info.value.issues[0].column == "instrument"
    assert "residual" in info.value.issues[0].reason


def test_residual_edition_chosen_by_year() -> None:
    prof = profile(residual=["cn-mee-nbs-grid-national-residual-2021", "cn-mee-nbs-grid-national-residual-2022"])
    prof["carriers"]["electricity"]["emission"] = ["cn-mee-nbs-grid-national-2021", "cn-mee-nbs-grid-national-2022"]
    rows = [{"carrier": "electricity", "quantity": "1000", "unit": "MWh", "period": y} for y in (2021, 2022)]
    res = ghgcalc.calculate(rows, prof)
    # 2021 residual 0.5942 (公告2024年第12号), 2022 residual 0.5856
    assert list(res.rows["co2e_market_t"]) == pytest.approx([594.2, 585.6], rel=1e-12)
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate([{**rows[0], "period": 2023}], prof)
    assert info.value.issues[0].column == "period"


def test_profile_errors_name_the_key() -> None:
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate(ROWS[:1], profile(instrument_factors={"green_certs": "0 t CO2/MWh"}))
    assert info.value.key == "market_based.instrument_factors.green_certs"
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate(ROWS[:1], profile(residual="cn-mee-nbs-grid-national-residal-2022"))
    assert info.value.key == "market_based.residual[0]"
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate(ROWS[:1], profile(residual="gbt2589-2020-electricity-calorific"))
    assert "not emission" in str(info.value)


def test_without_market_section_no_market_metrics() -> None:
    prof = profile()
    del prof["market_based"]
    res = ghgcalc.calculate(ROWS[:1], prof)
    assert "scope2_market" not in res.totals()
    assert "co2e_market_t" not in res.rows.columns


def test_kpis_label_the_market_metrics() -> None:
    k = ghgcalc.calculate(ROWS, profile()).kpis().set_index("metric")
    assert k.loc["scope2_market", "label_zh_hans"] == "范围二排放量（市场法）"
    assert "market-based" in k.loc["scope1_2_market", "label"]


def test_instrument_aliases_are_data() -> None:
    assert {"none", "green_certificate", "green_power_trading", "ppa", "onsite"} <= set(instruments())
    for text, iid in [("绿证", "green_certificate"), ("綠證", "green_certificate"), ("GEC", "green_certificate"),
                      ("绿电交易", "green_power_trading"), ("On-site generation", "onsite"), ("PPA", "ppa"),
                      ("", "none"), (None, "none"), ("I-REC", "i_rec")]:
        assert canonical_instrument(text) == iid
    assert canonical_instrument("offsets") is None
    for iid, spec in instruments().items():
        assert set(spec["labels"]) == {"en", "zh_hant", "zh_hans"}, iid


# -- invariant: market-based Scope 2 is the sum of quantity x the factor its instrument selects --

_FACTOR = {"": Fraction("0.5856"), "绿证": Fraction(0), "PPA": Fraction("0.3120")}
_PROFILE = profile(instrument_factors={"green_certificate": "0 t CO2/MWh", "ppa": "0.3120 t CO2/MWh"})


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
                          st.sampled_from(sorted(_FACTOR))), min_size=1, max_size=8))
def test_market_total_is_exact_sum(rows: list[tuple[Decimal, str]]) -> None:
    data = [{"carrier": "electricity", "quantity": str(q), "unit": "MWh", "instrument": i} for q, i in rows]
    res = ghgcalc.calculate(data, _PROFILE)
    market, _, _, unit = res.metric_exact("scope2_market")
    location, _, _, _ = res.metric_exact("scope2")
    assert unit == "t CO2e"
    assert market == sum((Fraction(q) * _FACTOR[i] for q, i in rows), Fraction(0))
    assert location == sum((Fraction(q) for q, _ in rows), Fraction(0)) * Fraction("0.5366")


def test_instrument_without_market_section_is_recorded_not_used() -> None:
    prof = profile()
    del prof["market_based"]
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": "10", "unit": "MWh", "instrument": "绿证"}], prof)
    assert res.rows["co2e_t"].iloc[0] == pytest.approx(10 * NATIONAL, rel=1e-12)
    assert "not used" in str(res.rows["method_notes"].iloc[0])


def test_reconcile_market_based_figures(tmp_path: Any) -> None:
    # 1000 MWh x 0.5856 + 11 t heat = 596.6; 598.0 lies outside what the rounding of the inputs allows
    rep = tmp_path / "reported.yaml"
    rep.write_text('reported:\n  - {metric: scope2_market, value: "596.6", unit: t CO2e}\n'
                   '  - {metric: scope2_market, value: "598.0", unit: t CO2e}\n', encoding="utf-8")
    out = ghgcalc.reconcile(ghgcalc.calculate(ROWS, profile()), rep)
    statuses = [e["status"] for e in out.entries]
    assert statuses == ["reproduced", "differs"]


def test_market_section_errors() -> None:
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate(ROWS[:1], profile(carriers={"electricity": {"residual": "0.6 t CO2/MWh"}}))
    assert info.value.key == "market_based.carriers.electricity"
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate(ROWS[:1], profile(carriers={"diesel": {"residual": "3 t CO2/t"}}))
    assert info.value.key == "market_based.carriers.diesel"
    # only [market_based.carriers.electricity], nothing at the top: used for electricity
    prof = profile(carriers={"electricity": {"residual": "0.6 t CO2/MWh"}})
    del prof["market_based"]["residual"]
    del prof["market_based"]["instrument_factors"]
    res = ghgcalc.calculate(ROWS[:1], prof)
    assert res.totals()["scope2_market"].m == pytest.approx(600.0)
