"""Cross-check of the MEE/NBS 2022 electricity CO2 factors (公告2024年第33号, unverified: the
attachment table was not read) against the verified 2023 table and what the MEE official said
about the change from 2022 to 2023 (issue 4 item 1).

The 2023 rows are verified in the attachment PDF of 公告2025年第47号 (tests/test_cn_mee_nbs_grid.py).
When that table was published, the MEE climate department official (生态环境部应对气候变化司相关负责人)
stated the change against 2022 for the national average, the residual calibre and the seven regional
grids, to one decimal of a percent, and how many provinces went down or up. The statement is read in
press reproductions, not on an MEE page: Guangming Daily (光明日报) via
https://www.163.com/dy/article/KIQVBKCG05567I2C.html and China Electric Power News (中国电力报,
2026-01-15) via reportify.ai. So this file re-statuses nothing; it checks that the 2022 values we
ship are consistent with those statements. With four-decimal values and one-decimal percentages the
check pins each 2022 regional value to about +-0.0004, so a wrong digit in a transcription fails here.

No rows were added or re-statused in this work; the 2022 values are pinned in
tests/data/factor_pins.csv (tests/test_factor_pins.py).
"""
from __future__ import annotations

from fractions import Fraction

import pytest

import ghgcalc

LIB = ghgcalc.default_library()
HALF_4DP = Fraction(1, 20000)  # a printed 4-decimal value stands for +- half a unit of its last digit
HALF_1DP = Fraction(1, 20)  # a printed 1-decimal percentage likewise

_QA = ("MEE climate department official on the 2023 factors (Guangming Daily via "
       "163.com/dy/article/KIQVBKCG05567I2C.html; China Electric Power News 2026-01-15 via reportify.ai)")

# (calibre or grid, percent change 2022 -> 2023 as stated, the words as printed)
STATED_CHANGES = [
    ("national", "-1.1", "2023年全国电力平均二氧化碳排放因子为0.5306kgCO2/kWh，较2022年0.5366kgCO2/kWh下降1.1%"),
    ("national-residual", "4.1", "（不包括市场化交易的非化石能源电量）为0.6096千克二氧化碳/千瓦时，较2022年上升4.1%"),
    ("north", "-6.1", "华北、东北、华东、华中、西北……较2022年分别下降6.1%、8.0%、2.1%、2.3%、5.4%"),
    ("northeast", "-8.0", "同上，东北 8.0%"),
    ("east", "-2.1", "同上，华东 2.1%"),
    ("central", "-2.3", "同上，华中 2.3%"),
    ("northwest", "-5.4", "同上，西北 5.4%"),
    ("south", "4.5", "2023年南方、西南……较2022年分别上升4.5%、9.0%"),
    ("southwest", "9.0", "同上，西南 9.0%"),
]


def change_can_print_as(old: str, new: str, printed_pct: str) -> bool:
    """True when some pair of true values that print as ``old`` and ``new`` (4 decimals) has a relative
    change that prints as ``printed_pct`` (1 decimal), in exact arithmetic."""
    o, n = Fraction(old), Fraction(new)
    lowest = ((n - HALF_4DP) / (o + HALF_4DP) - 1) * 100
    highest = ((n + HALF_4DP) / (o - HALF_4DP) - 1) * 100
    p = Fraction(printed_pct)
    return lowest <= p + HALF_1DP and highest >= p - HALF_1DP


def row(name: str, year: int) -> ghgcalc.FactorRow:
    return LIB.get(f"cn-mee-nbs-grid-{name}-{year}")


@pytest.mark.parametrize(("name", "pct", "words"), STATED_CHANGES)
def test_2022_value_reproduces_the_stated_change_to_2023(name: str, pct: str, words: str) -> None:
    r22, r23 = row(name, 2022), row(name, 2023)
    assert r23.review_status == "verified", r23.id  # the anchor is the attachment table itself
    assert change_can_print_as(r22.value, r23.value, pct), (r22.id, r22.value, r23.value, pct, words, _QA)


def test_the_statement_prints_the_2022_national_value() -> None:
    # "较2022年0.5366kgCO2/kWh下降1.1%" (same statement as above)
    assert row("national", 2022).value == "0.5366", _QA


@pytest.mark.parametrize(("old", "new", "pct"), [
    ("0.6676", "0.6361", "-6.1"),  # 华北 2022 with one digit wrong (0.6776 -> 0.6676)
    ("0.5664", "0.5122", "-8.0"),  # 东北 2022 with one digit wrong
    ("0.2286", "0.2472", "9.0"),  # 西南 2022 with two digits swapped (0.2268)
    ("0.5366", "0.5306", "1.1"),  # the sign of the change matters
])
def test_the_check_rejects_a_mistyped_value(old: str, new: str, pct: str) -> None:
    assert not change_can_print_as(old, new, pct)


def test_the_check_allows_for_the_rounding_of_the_printed_values() -> None:
    # 东北: 0.5122/0.5564 - 1 = -7.94 %, printed -8.0 %: possible for unrounded values such as
    # 0.51215/0.55645 (-7.96 %), so it must pass; a 2022 value three units lower must not.
    assert change_can_print_as("0.5564", "0.5122", "-8.0")
    assert not change_can_print_as("0.5561", "0.5122", "-8.0")


def test_province_directions_match_the_statement() -> None:
    """'北京等20个省份2023年电力平均二氧化碳排放因子相较2022年呈现下降趋势……广东等10个省份……有所上升'."""
    provinces = [r for r in LIB if r.id.startswith("cn-mee-nbs-grid-") and r.id.endswith("-2023")
                 and r.region is not None and len(r.region) == 5]
    assert len(provinces) == 30
    down, up = set(), set()
    for r23 in provinces:
        r22 = LIB.get(r23.id.removesuffix("-2023") + "-2022")
        assert r22.region == r23.region, r22.id
        (down if Fraction(r23.value) < Fraction(r22.value) else up).add(r23.region)
        assert Fraction(r23.value) != Fraction(r22.value), r23.id  # the statement counts 20 + 10 = 30
    assert (len(down), len(up)) == (20, 10), (sorted(down), sorted(up), _QA)
    assert "CN-BJ" in down and "CN-GD" in up
