"""Year heads that also name what the column holds (issue 15 items 1 and 3).

Taiwan and mainland energy tables print the quantity column with its year in the head:
``能源項目 | 單位 | 2024年耗用量 | 轉換係數 | 焦耳`` (Perfect Medical's 2024 energy table,
tests/data/cases/tw-perfectmedical-2024), ``2023年用量 | 2024年用量``, ``Consumption 2024``. Such
a head is a year column whose period is the year part; a quantity word alone is the quantity
column, as before.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.core.activities import read_activities
from ghgcalc.core.profiles import load_profile
from ghgcalc.io.wide import period_of_head, year_of_head

PROFILE = {"id": "t", "reporting_year": 2024, "gwp_set": "AR6", "energy_basis": "heating_value",
           "carriers": {"electricity": {"emission": ["0.474 kg CO2e/kWh"]},
                        "diesel": {"emission": ["2.606 kg CO2e/L"], "heating_value": "0.035196 GJ/L"}}}


@pytest.mark.parametrize(("head", "year", "period"), [
    ("2024年耗用量", 2024, "2024年"), ("2024年用量", 2024, "2024年"), ("2024年度消耗量", 2024, "2024年度"),
    ("2023年 使用量", 2023, "2023年"), ("２０２４年耗用量", 2024, "2024年"), ("二零二四年用量", 2024, "2024年"),
    ("Consumption 2024", 2024, "2024"), ("2024 consumption", 2024, "2024"), ("Usage FY2023", 2023, "FY2023"),
    ("FY2023/24 quantity", 2023, "FY2023/24"), ("2024", 2024, "2024"), ("2022年", 2022, "2022年"),
    ("2020 (base year)", 2020, "2020 (base year)"),
])
def test_a_year_head_with_a_quantity_word(head: Any, year: int, period: str) -> None:
    assert year_of_head(head) == year
    assert period_of_head(head) == period


@pytest.mark.parametrize("head", ["耗用量", "consumption", "2024年耗用量用量", "Consumption 2024 consumption",
                                  "2024 target", "2024年目标", "耗用量2024年耗用量"])
def test_not_a_year_head(head: str) -> None:
    assert year_of_head(head) is None


@pytest.mark.parametrize("columns", [
    ["能源項目", "單位", "2024年耗用量"],
    ["能源项目", "单位", "2024年用量"],
    ["Energy source", "Unit", "Consumption 2024"],
    ["能源別", "計量單位", "2024年度消耗量"],
])
def test_a_one_year_table_reads_as_rows_of_that_period(columns: list[str]) -> None:
    df = pd.DataFrame([["外購電力", "度", "1,155,394"], ["柴油", "公升", "542.12"]], columns=columns)
    table = read_activities(df, load_profile(PROFILE))
    assert not table.issues
    f = table.frame
    assert f["carrier"].tolist() == ["electricity", "diesel"]
    assert f["year"].tolist() == [2024, 2024]
    assert f["period"].tolist() == [period_of_head(columns[2])] * 2


def test_two_year_columns_with_quantity_words_are_a_wide_table() -> None:
    df = pd.DataFrame([["外購電力", "度", "1,000", "2,000"]], columns=["能源項目", "單位", "2023年耗用量", "2024年耗用量"])
    prof = {**PROFILE, "carriers": {"electricity": {"emission": ["0.494 kg CO2e/kWh"]}}}
    r = ghgcalc.calculate(df, prof)
    assert r.rows["period"].tolist() == ["2023年", "2024年"]
    assert r.rows["quantity"].tolist() == [1000.0, 2000.0]
    assert r.input_info["wide"]["year_columns"] == ["2023年耗用量", "2024年耗用量"]


def test_a_quantity_column_beside_a_year_quantity_column_is_not_guessed() -> None:
    """用量 and 2024年用量: the table has a quantity column, so it is not wide; 用量 holds the
    numbers and 2024年用量 is carried through as a column of its own (shown on every row)."""
    df = pd.DataFrame([["柴油", "公升", "1", "2"]], columns=["能源項目", "單位", "用量", "2024年用量"])
    r = ghgcalc.calculate(df, PROFILE)
    assert r.rows["quantity"].tolist() == [1.0]
    assert r.rows["2024年用量"].tolist() == ["2"]
    assert "wide" not in r.input_info
