"""Region names as printed -> canonical codes, and the province / regional grid choice
(MEE/NBS 2022 electricity CO2 factors, 公告2024年第33号, factors/cn-mee-nbs-electricity/2022.csv)."""

from __future__ import annotations

from typing import Any

import pytest

import ghgcalc
from ghgcalc.core.factors import default_library
from ghgcalc.core.regions import canonical_region, grid_of, regions
from ghgcalc.errors import ActivityDataError

LIB = default_library()
PROVINCES_2022 = [r.id for r in LIB.select(carrier="electricity", kind="emission", year=2022)
                  if r.series and r.series.startswith("cn-mee-nbs-grid-") and r.region and len(r.region) == 5]
GRIDS = ("north", "northeast", "east", "central", "northwest", "south", "southwest")
GRIDS_2022 = [f"cn-mee-nbs-grid-{g}-2022" for g in GRIDS]


def profile(emission: list[str], **electricity: Any) -> dict[str, Any]:
    return {"id": "r", "reporting_year": 2022, "gwp_set": "AR5",
            "carriers": {"electricity": {"emission": emission, **electricity}}}


def rows(*regions_: str) -> list[dict[str, Any]]:
    return [{"carrier": "electricity", "quantity": "1000", "unit": "MWh", "region": r} for r in regions_]


def test_every_province_of_the_tables_is_known() -> None:
    assert len(PROVINCES_2022) == 30  # the announcement prints 30 provinces (no Tibet)
    for fid in PROVINCES_2022:
        code = LIB.get(fid).region
        assert code in regions() and regions()[code].kind == "province", fid
        labels = regions()[code].labels
        assert set(labels) == {"en", "zh_hans", "zh_hant"}
        for name in labels.values():
            assert canonical_region(name) == code


@pytest.mark.parametrize(("text", "code"), [
    ("广东省", "CN-GD"), ("廣東省", "CN-GD"), ("广东", "CN-GD"), ("Guangdong", "CN-GD"), ("cn-gd", "CN-GD"),
    ("北京市", "CN-BJ"), ("Inner Mongolia", "CN-NM"), ("蒙东", "CN-NM-E"), ("华北", "CN-NORTH"), ("華東電網", "CN-EAST"),
    ("香港", "HK"), ("Hong Kong", "HK"), ("中国", "CN"), ("Shenzhen", "Shenzhen")])
def test_canonical_region(text: str, code: str) -> None:
    assert canonical_region(text) == code


def test_every_grid_region_has_a_factor_each_year_and_every_province_a_grid() -> None:
    for year in (2021, 2022, 2023):
        grid_codes = {r.region for r in LIB.select(carrier="electricity", kind="emission", year=year)
                      if r.series in {f"cn-mee-nbs-grid-{g}" for g in GRIDS}}
        assert grid_codes == {c for c, r in regions().items() if r.kind == "grid"}, year
    for code, r in regions().items():
        if r.kind == "province" and code != "CN-NM":
            assert grid_of(code) in regions() and regions()[str(grid_of(code))].kind == "grid", code
    assert grid_of("CN-NM") is None  # spans two grids


def test_province_name_picks_the_province_factor() -> None:
    res = ghgcalc.calculate(rows("广东省", "Beijing", "四川"), profile(PROVINCES_2022))
    # 广东 0.4403, 北京 0.5580, 四川 0.1404 t CO2/MWh
    assert list(res.rows["co2_t"]) == pytest.approx([440.3, 558.0, 140.4], rel=1e-12)
    assert [ids.split(";")[0] for ids in res.rows["factor_ids"].astype(str)] == [
        "cn-mee-nbs-grid-guangdong-2022", "cn-mee-nbs-grid-beijing-2022", "cn-mee-nbs-grid-sichuan-2022"]
    assert "region '广东省' = CN-GD" in str(res.rows["method_notes"].iloc[0])


def test_grid_level_is_a_profile_choice_and_recorded() -> None:
    res = ghgcalc.calculate(rows("广东省", "Beijing", "四川", "蒙西", "华东"), profile(GRIDS_2022, region_level="grid"))
    # 南方 0.3869, 华北 0.6776, 西南 0.2268, 华北 0.6776, 华东 0.5617
    assert list(res.rows["co2_t"]) == pytest.approx([386.9, 677.6, 226.8, 677.6, 561.7], rel=1e-12)
    assert "CN-GD -> regional grid CN-SOUTH (region_level = 'grid')" in str(res.rows["method_notes"].iloc[0])


def test_no_silent_fallback_from_province_to_grid() -> None:
    # grid factors pinned, but the profile does not say region_level = "grid": an error
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate(rows("广东省"), profile(GRIDS_2022))
    issue = info.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (0, "region", "广东省")
    # province factors pinned, a row for the whole country: an error, not an average
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate(rows("CN"), profile(PROVINCES_2022))
    assert info.value.issues[0].column == "region"


def test_grid_level_needs_a_region_inside_one_grid() -> None:
    res = ghgcalc.calculate(rows("内蒙古", "CN", "Shenzhen"), profile(GRIDS_2022, region_level="grid"), on_error="collect")
    assert [(e.row, e.column) for e in res.errors] == [(0, "region"), (1, "region"), (2, "region")]
    assert "蒙西" in res.errors[0].reason


def test_national_factor_covers_provinces_but_not_hong_kong() -> None:
    res = ghgcalc.calculate(rows("广东省", "HK"), profile(["cn-mee-nbs-grid-national-2022"]), on_error="collect")
    assert res.rows["co2_t"].tolist() == pytest.approx([536.6], rel=1e-12)
    assert [(e.row, e.column) for e in res.errors] == [(1, "region")]


def test_inner_mongolia_halves_take_the_provincial_factor() -> None:
    res = ghgcalc.calculate(rows("蒙西", "蒙东", "内蒙古"), profile(PROVINCES_2022))
    assert {ids.split(";")[0] for ids in res.rows["factor_ids"].astype(str)} == {"cn-mee-nbs-grid-innermongolia-2022"}
