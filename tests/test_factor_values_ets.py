"""Pin the MEE carbon-market national grid factors to the texts they were read in, and check the
shape of the carbon-market and CDM/CCER baseline series (issue 4 item 1).

Each pin: (factor_id, value string as the source prints it, citation). The literals are typed
from the sources named in the citation (and in each row's notes), not read from the CSV files,
so a silent edit of a CSV value fails here. The same values are also pinned with shorter
citations in tests/test_factors.py (SEED_PINS); the NDRC legacy and CCER OM rows are pinned in
tests/test_factor_values.py.
"""
from __future__ import annotations

import pytest

from ghgcalc.core.factors import default_library
from ghgcalc.core.profiles import builtin_profiles, load_profile

_JD111 = "MEE 解读 of 环办气候函〔2022〕111号 (repost, stored file id 11524602097; beidouzhiku.cn itemid=28229)"

PINS = [
    ("cn-mee-grid-national-2019-2020", "0.6101",
     "2015年全国电网平均排放因子0.6101tCO2/MWh (MEE 补充数据表, tanjiaoyi.com/article-25827-1.html); "
     + _JD111 + ": 由0.6101tCO2/MWh调整为最新的0.5810tCO2/MWh"),
    ("cn-mee-grid-national-2021", "0.5810", _JD111 + ": 调整为最新的0.5810tCO2/MWh"),
    ("cn-mee-grid-national-2022", "0.5703",  # press summary only: unverified
     "press summary of 环办气候函〔2023〕43号 (tanpaifang.com/tanguwen/2023/0215/94510.html): "
     "《通知》还明确了2022年度全国电网平均排放因子为0.5703tCO2/MWh"),
]


@pytest.mark.parametrize("factor_id, value, citation", PINS)
def test_factor_value_matches_its_document(factor_id: str, value: str, citation: str) -> None:
    row = default_library().get(factor_id)
    assert row.value == value, citation


def test_carbon_market_editions_cover_each_data_year_once() -> None:
    """The MEE carbon-market editions follow one another without gap or overlap from the first
    compliance period (2019-2020 data) on: one national factor per data year."""
    rows = [r for r in default_library().select(carrier="electricity") if r.series == "cn-mee-ets-grid-national"]
    assert rows
    years: list[int] = []
    for r in rows:
        assert r.valid_from is not None and r.valid_to is not None, r.id
        years.extend(range(r.valid_from, r.valid_to + 1))
    assert sorted(years) == list(range(2019, max(years) + 1))
    assert {r.region for r in rows} == {"CN"} and {r.unit for r in rows} == {"t CO2/MWh"}


def test_ccer_baselines_are_marked_for_avoided_emissions_only() -> None:
    """CDM/CCER baseline margins (OM/BM) are for avoided-emission and offset claims, never a
    Scope 2 inventory factor: every row says so, and no built-in profile pins one."""
    rows = [r for r in default_library().select(carrier="electricity") if r.id.startswith("cn-ccer-")]
    assert rows
    for r in rows:
        notes = r.notes or ""
        assert "avoided-emission" in notes and "NOT for Scope 2" in notes, r.id
    for pid in builtin_profiles():
        assert "cn-ccer-" not in load_profile(pid).model_dump_json(), pid
