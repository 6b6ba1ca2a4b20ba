"""Pin the China default fuel parameters read in the MEE 2021 guideline for power facilities.

《企业温室气体排放核算方法与报告指南 发电设施》 (环办气候〔2021〕9号, 附件2), read in its PDF kept in
GitHub jacobwujian/tzc (commit db16401b8a2b4e085c8cbbb2a4e5b1e7a88ce2e3, file 'public/核查指南 新版.pdf',
sha256 25054a55...4d): 附录B 附表B.1 常用化石燃料相关参数缺省值 (printed page 18) for twelve oil and gas
fuels, and clauses 6.2.2.3 / 6.2.3.5 / 6.2.4.1 for coal of any rank (26.7 GJ/t, 0.03356 tC/GJ, 99 %).

Each tuple: (factor_id, value string as the document prints it, citation). The values are typed
from the rendered pages, not read from the CSV file, so a silent edit of a CSV value fails here.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest
from test_cn_default_fuel import _coef, _half_up, table_pins

import ghgcalc
from ghgcalc.core.carriers import carrier_aliases, normalize_key
from ghgcalc.core.factors import default_library
from ghgcalc.core.method import Method
from ghgcalc.core.profiles import load_profile

_SUFFIX = "-mee-power-2021"
_B1 = "环办气候〔2021〕9号 附件2 发电设施指南 附录B 附表B.1 常用化石燃料相关参数缺省值 (p. 18; jacobwujian/tzc db16401)"
_COAL = "环办气候〔2021〕9号 附件2 发电设施指南 (jacobwujian/tzc db16401)"

# (slug, name as printed, NCV, carbon content tC/GJ, oxidation %), as the table prints them
_TABLE_B1 = [
    ("crude-oil", "原油", "41.816", "0.02008", "98"),
    ("fuel-oil", "燃料油", "41.816", "0.0211", "98"),
    ("gasoline", "汽油", "43.070", "0.0189", "98"),
    ("kerosene", "煤油", "43.070", "0.0196", "98"),
    ("diesel", "柴油", "42.652", "0.0202", "98"),
    ("lpg", "液化石油气", "50.179", "0.0172", "98"),
    ("refinery-gas", "炼厂干气", "45.998", "0.0182", "98"),
    ("natural-gas", "天然气", "389.31", "0.01532", "99"),
    ("coke-oven-gas", "焦炉煤气", "173.54", "0.0121", "99"),
    ("blast-furnace-gas", "高炉煤气", "33.00", "0.0708", "99"),
    ("converter-gas", "转炉煤气", "84.00", "0.0496", "99"),
    ("other-coal-gas", "其它煤气", "52.27", "0.0122", "99"),
]

PINS = [
    ("cn-default-ncv-coal-mee-power-2021", "26.7", f"{_COAL}, 6.2.2.3 燃煤收到基低位发热量 不区分煤种取26.7GJ/t"),
    ("cn-default-cc-coal-mee-power-2021", "0.03356", f"{_COAL}, 6.2.3.5 燃煤单位热值含碳量 不区分煤种取0.03356tC/GJ"),
    ("cn-default-of-coal-mee-power-2021", "99", f"{_COAL}, 6.2.4.1 燃煤的碳氧化率不区分煤种取99%"),
]
PINS += table_pins(_TABLE_B1, _SUFFIX, _B1)


@pytest.mark.parametrize("factor_id, value, citation", PINS)
def test_factor_value_matches_its_document(factor_id: str, value: str, citation: str) -> None:
    row = default_library().get(factor_id)
    assert row.value == value, citation


def test_the_table_is_complete_verified_and_says_where_it_was_read() -> None:
    rows = [r for r in default_library() if r.id.endswith(_SUFFIX)]
    assert len(rows) == 3 * (len(_TABLE_B1) + 1) == 39
    for r in rows:
        assert r.review_status == "verified"
        assert "jacobwujian/tzc" in (r.notes or "") and "db16401b8a2b4e085c8cbbb2a4e5b1e7a88ce2e3" in (r.notes or "")
        assert (r.valid_from, r.valid_to) == (2019, 2021)
        assert "环办气候〔2021〕9号" in (r.document or "")
    assert {r.unit for r in rows if r.kind == "carbon_content"} == {"t C/GJ"}  # as printed (tC/GJ)


@pytest.mark.parametrize("carrier, unit, places, expected", [
    # hand arithmetic from the printed values: NCV x carbon content x oxidation x 44/12
    ("diesel", "t", "0.0001", Fraction("42.652") * Fraction("0.0202") * Fraction("0.98") * Fraction(44, 12)),
    ("natural_gas", "万立方米", "0.0001", Fraction("389.31") * Fraction("0.01532") * Fraction("0.99") * Fraction(44, 12)),
    ("coke_oven_gas", "万立方米", "0.0001", Fraction("173.54") * Fraction("0.0121") * Fraction("0.99") * Fraction(44, 12)),
])
def test_table_b1_parameters_give_the_co2_factor(carrier: str, unit: str, places: str, expected: Fraction) -> None:
    assert _half_up(_coef(carrier, unit, _SUFFIX, year=2020), places) == _half_up(expected, places)


def test_diesel_agrees_with_the_co2_factor_chinese_tools_print() -> None:
    # 3.0959 t CO2/t, the figure of the GB/T 32151 / NDRC parameters (tests/test_cn_default_fuel.py)
    assert _half_up(_coef("diesel", "t", _SUFFIX, year=2020), "0.0001") == Decimal("3.0959")


def test_natural_gas_differs_from_the_gbt32151_transcription() -> None:
    # the guideline prints 0.01532 tC/GJ, the GB/T 32151 transcriptions 15.3 t C/TJ: 21.650 vs 21.622
    assert _half_up(_coef("natural_gas", "万立方米", _SUFFIX, year=2020), "0.001") == Decimal("21.650")
    assert _half_up(_coef("natural_gas", "万立方米"), "0.001") == Decimal("21.622")


def test_raw_coal_has_the_power_guideline_default_in_its_profile() -> None:
    """原煤 in tonnes under the built-in profile of the guideline: 26.7 x 0.03356 x 99 % x 44/12 t CO2/t."""
    res = ghgcalc.calculate([{"carrier": "原煤", "amount": 100, "unit": "t", "period": 2020}], "cn-mee-power-2021")
    assert not res.errors
    per_t = Fraction("26.7") * Fraction("0.03356") * Fraction("0.99") * Fraction(44, 12)
    assert res.metric_exact("scope1_co2")[0] == 100 * per_t
    assert _half_up(per_t, "0.0001") == Decimal("3.2527")


def test_the_profile_is_not_used_outside_its_data_years() -> None:
    res = ghgcalc.calculate([{"carrier": "原煤", "amount": 1, "unit": "t", "period": 2022}], "cn-mee-power-2021",
                            on_error="collect")
    assert len(res.errors) == 1 and res.errors[0].row == 0


def test_raw_coal_error_names_the_shipped_rows_a_profile_can_pin() -> None:
    df = pd.DataFrame({"carrier": ["原煤"], "quantity": ["10"], "unit": ["t"]})
    with pytest.raises(ghgcalc.ActivityDataError) as info:
        ghgcalc.calculate(df, "ipcc-2006-tier1-manufacturing")
    (issue,) = info.value.issues
    assert issue.column == "carrier"
    assert "cn-default-cc-coal-mee-power-2021" in str(issue.hint) and "2019-2021" in str(issue.hint)


def test_coal_defaults_are_for_raw_coal_only() -> None:
    """The guideline's coal defaults sit on raw_coal; coal reported by rank keeps its own rows."""
    prof = load_profile("cn-mee-power-2021")
    assert "anthracite" not in prof.carriers and "raw_coal" in prof.carriers
    assert Method.from_profile(prof).resolve("anthracite", "t", 2020, "CN", 0).error is not None


def test_the_guideline_word_for_coal_reaches_raw_coal() -> None:
    # the guideline writes 燃煤 (fired coal, any rank); claims.yaml already reads it as raw coal
    assert carrier_aliases()[normalize_key("燃煤")] == "raw_coal"
