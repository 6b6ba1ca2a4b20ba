"""Hong Kong factor rows and HKEX KPI labels (issue 4 item 7 and earlier): provenance and review status,
series and supply areas, the Towngas unit, the exchange's label text.

The values of the Hong Kong rows are pinned with their sources in tests/data/factor_pins.csv
(tests/test_factor_pins.py).
"""
from __future__ import annotations

import unicodedata
from fractions import Fraction

import pytest

import ghgcalc
from ghgcalc.core.carriers import metric_definitions
from ghgcalc.core.units import conversion_factor

# rows added in session 3 from a press report or an automated extraction (sources in factor_pins.csv)
NEW_IDS = ["hk-clp-2014", "hk-clp-2015", "hk-towngas-2015", "hk-towngas-2017"]

# HKEX 《如何編備環境、社會及管治報告》(March 2020) p.21, as printed there (half-width brackets).
HKEX_2020_P21 = {
    "A1.3": "所產生有害廢棄物總量(以噸計算)及(如適用)密度(如以每產量單位、每項設施計算)",
    "A1.4": "所產生無害廢棄物總量(以噸計算)及(如適用)密度(如以每產量單位、每項設施計算)",
}


@pytest.mark.parametrize("factor_id", NEW_IDS)
def test_new_rows_carry_their_provenance_and_stay_unverified(factor_id: str) -> None:
    row = ghgcalc.default_library().get(factor_id)
    assert row.publisher and row.document and row.reference and row.published and row.url
    # press report / automated extraction only: never 'verified'
    assert row.review_status == "unverified"
    assert row.valid_from is not None and row.valid_from == row.valid_to


def test_clp_press_rows_sit_in_the_clp_series_and_area() -> None:
    lib = ghgcalc.default_library()
    for fid, year in (("hk-clp-2014", 2014), ("hk-clp-2015", 2015)):
        row = lib.get(fid)
        assert (row.series, row.region, row.gas) == ("hk-clp-electricity-sold", "HK-CLP", "CO2")
        assert row.covers_year(year) and not row.covers_year(year + 1) and not row.covers_year(year - 1)
        assert not row.covers_region("HK") and not row.covers_region("HK-HKE")


@pytest.mark.parametrize("series", ["hk-clp-electricity-sold", "hk-hkelectric-electricity-sold", "hk-towngas-carbon-intensity"])
def test_hong_kong_series_years_never_overlap(series: str) -> None:
    rows = [r for r in ghgcalc.default_library() if r.series == series]
    assert len(rows) >= 2
    years = [y for r in rows for y in range(int(r.valid_from or 0), int(r.valid_to or 0) + 1)]
    assert len(years) == len(set(years)), series


def test_towngas_unit_is_48_megajoules() -> None:
    """1 Towngas unit = 48 MJ (HKEX 'How to prepare an ESG Report' Appendix 2): the rows keep the
    printed per-unit value, so per MJ they are value/48 exactly."""
    lib = ghgcalc.default_library()
    for fid, per_unit in (("hk-towngas-2015", Fraction(605, 1000)), ("hk-towngas-2017", Fraction(592, 1000))):
        row = lib.get(fid)
        assert (row.carrier, row.region, row.gas, row.unit) == ("towngas", "HK", "CO2e", "kg CO2e/(48 MJ)")
        assert Fraction(row.value) * conversion_factor(row.unit, "kg CO2e/MJ") == per_unit / 48
        assert "NOT a combustion factor" in row.notes


@pytest.mark.parametrize("kpi", sorted(HKEX_2020_P21))
def test_hkex_waste_kpi_labels_are_the_exchange_text(kpi: str) -> None:
    spec = metric_definitions()["hkex_kpis"][kpi]
    assert unicodedata.normalize("NFKC", spec["zh_hant"]) == HKEX_2020_P21[kpi]


def test_every_hkex_kpi_label_keeps_the_intensity_clause() -> None:
    kpis = metric_definitions()["hkex_kpis"]
    assert set(kpis) >= {"A1.2", "A1.3", "A1.4", "A2.1", "A2.2"}
    for kpi, spec in kpis.items():
        assert spec["en"].endswith("(e.g. per unit of production volume, per facility)"), kpi
        assert spec["zh_hant"].endswith("（如以每產量單位、每項設施計算）"), kpi
        assert spec["zh_hans"].endswith("（如以每产量单位、每项设施计算）"), kpi


RESTATUSED = ["hk-clp-2019", "hk-clp-2020",
              "hk-hkelectric-2005", "hk-hkelectric-2017", "hk-hkelectric-2018", "hk-hkelectric-2019"]


@pytest.mark.parametrize("factor_id", RESTATUSED)
def test_summaries_and_extractions_are_not_verified(factor_id: str) -> None:
    """Rule of data 2026.11.2: a press summary, a quotation or an automated extraction is not the
    document, so these rows (whose sources are such) are unverified and their notes say why."""
    row = ghgcalc.default_library().get(factor_id)
    assert row.review_status == "unverified"
    assert "Review status (session 3" in row.notes


def test_government_reprint_of_the_territory_wide_default_counts() -> None:
    """The 0.7 kg/kWh default is printed, with attribution to the EPD/EMSD Guidelines, by two
    HKSAR government publications: an official reprint, so verified under the rule."""
    row = ghgcalc.default_library().get("hk-epd-emsd-default-electricity")
    assert row.review_status == "verified"
    assert "cas.gov.hk" in row.notes and "Guidelines' own table was not read" in row.notes


def test_hong_kong_utility_factors_sit_in_their_supply_areas() -> None:
    lib = ghgcalc.default_library()
    clp = [r for r in lib if r.series == "hk-clp-electricity-sold"]
    hke = [r for r in lib if r.series == "hk-hkelectric-electricity-sold"]
    assert clp and hke
    assert {r.region for r in clp} == {"HK-CLP"}
    assert {r.region for r in hke} == {"HK-HKE"}
    for r in clp + hke:
        assert r.covers_region(r.region) and not r.covers_region("HK")
    territory = lib.get("hk-epd-emsd-default-electricity")
    assert territory.region == "HK" and territory.covers_region("HK-CLP")
