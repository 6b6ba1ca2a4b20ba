"""MEE/NBS annual electricity CO2 factors (factors/cn-mee-nbs-electricity/): table completeness and
review-status honesty, checked against the announcements' own attachment tables.

The value pins of these rows are in tests/data/factor_pins.csv (one row per factor). This file pins
what the attachment tables print besides the values: which rows each year's table has (表1 national,
表2 seven regional grids, 表3 30 provinces -- no Tibet --, 表4 national excluding market-traded
non-fossil power, 表5 fossil-fuel power), and that a row is `verified` only where its notes name the
document copy it was read in.

Source for 2023 (公告2025年第47号): the attachment 《2023年电力二氧化碳排放因子》 read in a byte copy
of the official PDF (GitHub leo21468/CarbonCalculator data/2023.pdf at commit
bebed06283f1b353e8206c0728b715129d2b88a9, sha256 d43b60a3...f018e5a).
"""
from __future__ import annotations

import pytest

import ghgcalc
from ghgcalc.core.regions import grid_of, regions

LIB = ghgcalc.default_library()
YEARS = (2021, 2022, 2023)
GRIDS = ("north", "northeast", "east", "central", "northwest", "south", "southwest")
NATIONAL = ("national", "national-residual", "national-fossil")

# 表3 of the 2023 attachment, in the order it prints the 30 provinces (pages 3-4).
TABLE3_2023_ORDER = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
    "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西",
    "海南", "重庆", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "宁夏", "新疆",
)
PDF23_SHA256 = "d43b60a3eaad9f3fe59ca37c204d3d0e1b6ea52742a092f0d856971a3f018e5a"


def nbs_rows(year: int) -> list[ghgcalc.FactorRow]:
    return [r for r in LIB if r.id.startswith("cn-mee-nbs-grid-") and r.id.endswith(f"-{year}")]


@pytest.mark.parametrize("year", YEARS)
def test_each_year_has_the_attachment_tables_rows(year: int) -> None:
    rows = nbs_rows(year)
    ids = {r.id for r in rows}
    assert len(rows) == 40, year  # 3 national calibres + 7 grids + 30 provinces
    for name in NATIONAL + GRIDS:
        assert f"cn-mee-nbs-grid-{name}-{year}" in ids
    provinces = [r for r in rows if r.region and r.region.startswith("CN-") and len(r.region) == 5]
    assert len(provinces) == 30
    codes = {r.region for r in provinces}
    assert "CN-XZ" not in codes  # the tables print no Tibet row
    assert all(regions()[str(c)].kind == "province" for c in codes)
    for r in rows:
        assert (r.valid_from, r.valid_to) == (year, year), r.id
        assert r.unit == "t CO2/MWh" and r.gas == "CO2", r.id


def test_2023_province_rows_are_the_printed_table3() -> None:
    by_label = {}
    for r in nbs_rows(2023):
        if r.reference and r.reference.startswith("附件 表3 "):
            by_label[r.reference.split(": ", 1)[1]] = r
    assert tuple(sorted(by_label, key=TABLE3_2023_ORDER.index)) == TABLE3_2023_ORDER
    for label, r in by_label.items():
        zh = regions()[str(r.region)].labels["zh_hans"]
        assert zh.startswith(label), (label, r.region)


@pytest.mark.parametrize("table,ids", [
    ("表1", ["cn-mee-nbs-grid-national-2023"]),
    ("表2", [f"cn-mee-nbs-grid-{g}-2023" for g in GRIDS]),
    ("表4", ["cn-mee-nbs-grid-national-residual-2023"]),
    ("表5", ["cn-mee-nbs-grid-national-fossil-2023"]),
])
def test_2023_reference_names_its_table(table: str, ids: list[str]) -> None:
    for fid in ids:
        assert (LIB.get(fid).reference or "").startswith(f"附件 {table} 2023年"), fid


def test_2023_rows_verified_against_the_attachment_copy() -> None:
    for r in nbs_rows(2023):
        assert r.review_status == "verified", r.id
        assert PDF23_SHA256 in (r.notes or ""), r.id
        assert "W020251231726284332528.pdf" in (r.notes or ""), r.id
        assert r.published == "2025-12-31", r.id


@pytest.mark.parametrize("year", YEARS)
def test_verified_rows_name_where_they_were_read(year: int) -> None:
    for r in nbs_rows(year):
        notes = r.notes or ""
        if r.review_status == "verified":
            assert "http" in notes or "file id" in notes or "sha256" in notes, r.id
        else:
            assert r.review_status == "unverified", r.id


@pytest.mark.parametrize(("year", "published", "number"), [
    (2021, "2024-04-12", "公告2024年第12号"),
    (2022, "2024-12-20", "公告2024年第33号"),
    (2023, "2025-12-31", "公告2025年第47号"),
])
def test_document_and_date_per_edition(year: int, published: str, number: str) -> None:
    for r in nbs_rows(year):
        assert r.published == published, r.id
        assert number in (r.document or "") and f"关于发布{year}年电力二氧化碳排放因子的公告" in (r.document or ""), r.id
        assert "Ministry of Ecology and Environment" in (r.publisher or "") and "National Bureau of Statistics" in (
            r.publisher or ""), r.id


# Province -> regional grid as transcribed from 表1 of 《2021年电力二氧化碳排放因子计算说明》 (attachment 2
# of 公告2024年第12号) by a third party (GitHub edg127117/building-energy-carbon-platform,
# ElectricityGridRegions.java, file id 67458399212); the document itself was not read, so
# ghgcalc/data/regions.yaml keeps review_status unverified. Tibet is not in that transcription.
GRID_MEMBERS_TRANSCRIBED = {
    "CN-NORTH": ("CN-BJ", "CN-TJ", "CN-HE", "CN-SX", "CN-SD", "CN-NM-W"),
    "CN-NORTHEAST": ("CN-LN", "CN-JL", "CN-HL", "CN-NM-E"),
    "CN-EAST": ("CN-SH", "CN-JS", "CN-ZJ", "CN-AH", "CN-FJ"),
    "CN-CENTRAL": ("CN-JX", "CN-HA", "CN-HB", "CN-HN"),
    "CN-NORTHWEST": ("CN-SN", "CN-GS", "CN-QH", "CN-NX", "CN-XJ"),
    "CN-SOUTH": ("CN-GD", "CN-GX", "CN-HI", "CN-GZ", "CN-YN"),
    "CN-SOUTHWEST": ("CN-CQ", "CN-SC"),
}


def test_province_grids_match_the_transcribed_calculation_note() -> None:
    for grid, members in GRID_MEMBERS_TRANSCRIBED.items():
        for code in members:
            assert grid_of(code) == grid, (code, grid_of(code), grid)
    mapped = {c for ms in GRID_MEMBERS_TRANSCRIBED.values() for c in ms}
    provinces = {c for c, r in regions().items() if r.kind == "province"}
    # every province the factor tables print is covered; only Tibet (no row) and the split CN-NM are not
    assert provinces - mapped == {"CN-XZ", "CN-NM"}
    assert grid_of("CN-NM") is None
