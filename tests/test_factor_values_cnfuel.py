"""Pin the China purchased-heat defaults and the GB/T 32151.22-2024 default fuel table to the values
their documents (or the transcriptions named in each row) print.

Each tuple: (factor_id, value string as printed by the source, citation). The values are typed from
the sources, not read from the CSV files, so a silent edit of a CSV value fails here. The
GB/T 32151.22-2024 rows are ``unverified`` (one transcription, file id 52627613573); the two heat
rows are ``verified`` (guideline text / notice text, see their notes).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_cn_default_fuel import _coef, _half_up, table_pins

from ghgcalc.core.calculation import calculate
from ghgcalc.core.carriers import carrier_aliases, carriers, normalize_key
from ghgcalc.core.factors import default_library
from ghgcalc.core.method import Method
from ghgcalc.core.profiles import load_profile

_PB = "中国公共建筑运营单位（企业）温室气体排放核算方法与报告指南（试行）, EF热 现可采用0.11tCO2/GJ (PDF text, file id 28468522964)"
_SH = "沪环气〔2022〕34号: 热力排放因子缺省值由0.11t CO2/GJ调整为0.06t CO2/GJ (tanzhonghe.xny365.com/zhengcefagui/38966.html)"
_C24 = "GB/T 32151.22-2024 表C.1 常用化石燃料相关参数的缺省值 (transcription, file id 52627613573)"

# (slug, Chinese name, NCV, carbon content t C/TJ, oxidation %), as the transcription prints them
_TABLE_2024 = [
    ("anthracite", "无烟煤", "26.7", "27.4", "94"),
    ("bituminous-coal", "烟煤", "19.570", "26.1", "93"),
    ("lignite", "褐煤", "11.9", "28.0", "96"),
    ("cleaned-coal", "洗精煤", "26.334", "25.41", "90"),
    ("other-washed-coal", "其他洗煤", "12.545", "25.41", "90"),
    ("briquette", "型煤", "17.460", "33.6", "90"),
    ("other-coal-products", "其他煤制品", "17.460", "33.6", "98"),
    ("coke", "焦炭", "28.435", "29.5", "93"),
    ("petroleum-coke", "石油焦", "32.5", "27.50", "98"),
    ("crude-oil", "原油", "41.816", "20.1", "98"),
    ("fuel-oil", "燃料油", "41.816", "21.1", "98"),
    ("gasoline", "汽油", "43.070", "18.9", "98"),
    ("diesel", "柴油", "42.652", "20.2", "98"),
    ("kerosene", "一般煤油", "43.070", "19.6", "98"),
    ("lng", "液化天然气", "51.498", "15.3", "98"),
    ("lpg", "液化石油气", "50.179", "17.2", "98"),
    ("naphtha", "石脑油", "44.5", "20.0", "98"),
    ("coal-tar", "焦油", "33.453", "22.0", "98"),
    ("crude-benzene", "粗苯", "41.816", "22.7", "98"),
    ("other-petroleum-products", "其他石油制品", "41.031", "20.0", "98"),
    ("natural-gas", "天然气", "389.31", "15.3", "99"),
    ("blast-furnace-gas", "高炉煤气", "33.00", "70.80", "99"),
    ("converter-gas", "转炉煤气", "84.00", "49.60", "99"),
    ("coke-oven-gas", "焦炉煤气", "179.81", "13.58", "99"),
    ("refinery-gas", "炼厂干气", "45.998", "18.2", "99"),
    ("other-coal-gas", "其他煤气", "52.270", "12.2", "99"),
]

PINS = [
    ("cn-ndrc-heat-public-building-2015", "0.11", _PB),
    ("cn-sh-heat-2022", "0.06", _SH),
]
PINS += table_pins(_TABLE_2024, "-gbt32151-2024", _C24, of_word="燃料碳氧化率")


@pytest.mark.parametrize("factor_id, value, citation", PINS)
def test_factor_value_matches_its_document(factor_id: str, value: str, citation: str) -> None:
    row = default_library().get(factor_id)
    assert row.value == value, citation


def test_the_2024_table_is_complete_and_unverified() -> None:
    """26 fuels x (NCV, carbon content, oxidation rate); one transcription only, so none is verified."""
    rows = [r for r in default_library() if r.id.endswith("-gbt32151-2024")]
    assert len(rows) == 3 * len(_TABLE_2024) == 78
    assert {r.review_status for r in rows} == {"unverified"}
    assert {r.valid_from for r in rows} == {2024}


def test_verified_heat_rows_say_where_they_were_read() -> None:
    lib = default_library()
    for fid, marker in (("cn-ndrc-heat-public-building-2015", "28468522964"), ("cn-sh-heat-2022", "tanzhonghe.xny365.com")):
        row = lib.get(fid)
        assert row.review_status == "verified"
        assert marker in (row.notes or "") + (row.url or "")
    assert lib.get("cn-sh-heat-2022").region == "CN-SH"


def test_every_factor_row_names_a_carrier_users_can_write() -> None:
    """A factor row on a carrier that carriers.yaml does not know can never be reached from an
    activity table (before 2026.11.2 the China converter-gas rows sat on 'converter_gas', an id no
    alias led to, and a dozen GB/T 2589 / NDRC fuels had no carrier)."""
    known = set(carriers())
    stray = sorted({(r.carrier, r.id) for r in default_library() if r.carrier and r.carrier not in known})
    assert stray == []


@pytest.mark.parametrize("label, factor_id", [
    ("转炉煤气", "cn-default-ncv-converter-gas"),
    ("转炉煤气", "cn-default-ncv-converter-gas-ndrc2015"),
    ("其它洗煤", "cn-default-ncv-other-washed-coal-ndrc2015"),
    ("型煤", "cn-default-ncv-briquette-ndrc2015"),
    ("粗苯", "cn-default-ncv-crude-benzene-ndrc2015"),
    ("其他煤气", "cn-default-ncv-other-coal-gas-ndrc2015"),
    ("密闭电石炉炉气", "cn-default-ncv-carbide-furnace-gas-ndrc2015"),
    ("其他煤制品", "cn-default-ncv-other-coal-products-gbt32151-2024"),
    ("煤泥", "gbt2589-2008-coal-slime"),
    ("洗中煤", "gbt2589-2008-washed-middlings"),
    ("渣油", "gbt2589-2008-residual-oil"),
    ("煤矿瓦斯气", "gbt2589-2008-coal-mine-methane"),
    ("发生炉煤气", "gbt2589-2008-producer-gas"),
    ("水煤气", "gbt2589-2008-water-gas"),
])
def test_the_chinese_table_label_reaches_the_row(label: str, factor_id: str) -> None:
    assert carrier_aliases()[normalize_key(label)] == default_library().get(factor_id).carrier


@pytest.mark.parametrize("carrier, unit, places, printed", [
    # diesel 42.652 GJ/t x 20.2 t C/TJ x 98 % x 44/12; natural gas 389.31 x 15.3 x 99 % x 44/12
    # (the CO2 factors Chinese tools print from the same three parameters, file id 58550553546)
    ("diesel", "t", "0.0001", "3.0959"),
    ("natural_gas", "万立方米", "0.001", "21.622"),
])
def test_2024_parameters_give_the_co2_factor(carrier: str, unit: str, places: str, printed: str) -> None:
    assert _half_up(_coef(carrier, unit, "-gbt32151-2024", year=2024), places) == Decimal(printed)


def test_2024_table_is_not_before_its_year() -> None:
    prof = {"id": "cn-2024", "reporting_year": 2023, "gwp_set": "AR5", "carriers": {"diesel": {
        "heating_value": "cn-default-ncv-diesel-gbt32151-2024",
        "carbon_content": "cn-default-cc-diesel-gbt32151-2024",
        "oxidation_rate": "cn-default-of-diesel-gbt32151-2024",
    }}}
    res = Method.from_profile(load_profile(prof)).resolve("diesel", "t", 2023, "CN", 0)
    assert res.error is not None


def test_raw_coal_without_sourced_parameters_is_an_error_naming_the_row() -> None:
    """The carbon-market profiles pin no raw-coal parameters (the only official ones shipped are the
    MEE 2021 power guideline's conservative coal defaults, pinned in cn-mee-power-2021 only): a raw-coal
    row is reported, not silently dropped or given another fuel's factor."""
    data = [{"carrier": "柴油", "amount": 1, "unit": "t", "period": 2022},
            {"carrier": "原煤", "amount": 100, "unit": "t", "period": 2022}]
    res = calculate(data, "cn-mee-ets-2022", on_error="collect")
    assert len(res.errors) == 1
    err = res.errors[0]
    assert err.row == 1 and err.column == "carrier" and "raw_coal" in err.reason
