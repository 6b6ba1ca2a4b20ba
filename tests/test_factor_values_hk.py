"""Pin the Hong Kong rows and labels added in session 3 of issue 4 (item 7) to their sources.

Each pin: (factor_id, value string as the source prints it, citation). The literals are typed from
the sources named in the citation (and in each row's notes), not read from the CSV, so a silent
edit of a CSV value fails here. The older Hong Kong rows are pinned in test_factor_values.py.
"""
from __future__ import annotations

import unicodedata
from fractions import Fraction

import pytest

from ghgcalc.core.carriers import metric_definitions
from ghgcalc.core.factors import default_library
from ghgcalc.core.units import conversion_factor

_MINGPAO = "Ming Pao 2016-03-16 (mingpaocanada.com/tor/htm/News/20160316/HK-gnb1_r.htm), quoting the CLP 2015 annual report"
_TG15 = "Towngas Sustainability Report 2015 pp.10, 42 (esg.hkubs.ai/reports/ltn20160630537)"
_TG17 = "Towngas Sustainability Report 2017 p.39 (esg.hkubs.ai/reports/ltn20180423662)"

PINS = [
    ("hk-clp-2014", "0.64", _MINGPAO + ": 較2014年0.64公斤"),
    ("hk-clp-2015", "0.54", _MINGPAO + ": 每度電碳排放為0.54公斤"),
    ("hk-towngas-2015", "0.605", _TG15 + ": carbon intensity, kg per unit of town gas"),
    ("hk-towngas-2017", "0.592", _TG17 + ": kg CO2e per gas unit"),
]
NEW_IDS = [p[0] for p in PINS]

# HKEX 《如何編備環境、社會及管治報告》(March 2020) p.21, as printed there (half-width brackets).
HKEX_2020_P21 = {
    "A1.3": "所產生有害廢棄物總量(以噸計算)及(如適用)密度(如以每產量單位、每項設施計算)",
    "A1.4": "所產生無害廢棄物總量(以噸計算)及(如適用)密度(如以每產量單位、每項設施計算)",
}


@pytest.mark.parametrize("factor_id, value, citation", PINS)
def test_factor_value_matches_its_document(factor_id: str, value: str, citation: str) -> None:
    row = default_library().get(factor_id)
    assert row.value == value, citation


@pytest.mark.parametrize("factor_id", NEW_IDS)
def test_new_rows_carry_their_provenance_and_stay_unverified(factor_id: str) -> None:
    row = default_library().get(factor_id)
    assert row.publisher and row.document and row.reference and row.published and row.url
    # press report / automated extraction only: never 'verified'
    assert row.review_status == "unverified"
    assert row.valid_from is not None and row.valid_from == row.valid_to


def test_clp_press_rows_sit_in_the_clp_series_and_area() -> None:
    lib = default_library()
    for fid, year in (("hk-clp-2014", 2014), ("hk-clp-2015", 2015)):
        row = lib.get(fid)
        assert (row.series, row.region, row.gas) == ("hk-clp-electricity-sold", "HK-CLP", "CO2")
        assert row.covers_year(year) and not row.covers_year(year + 1) and not row.covers_year(year - 1)
        assert not row.covers_region("HK") and not row.covers_region("HK-HKE")


@pytest.mark.parametrize("series", ["hk-clp-electricity-sold", "hk-hkelectric-electricity-sold", "hk-towngas-carbon-intensity"])
def test_hong_kong_series_years_never_overlap(series: str) -> None:
    rows = [r for r in default_library() if r.series == series]
    assert len(rows) >= 2
    years = [y for r in rows for y in range(int(r.valid_from or 0), int(r.valid_to or 0) + 1)]
    assert len(years) == len(set(years)), series


def test_towngas_unit_is_48_megajoules() -> None:
    """1 Towngas unit = 48 MJ (HKEX 'How to prepare an ESG Report' Appendix 2): the rows keep the
    printed per-unit value, so per MJ they are value/48 exactly."""
    lib = default_library()
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
    row = default_library().get(factor_id)
    assert row.review_status == "unverified"
    assert "Review status (session 3" in row.notes


def test_government_reprint_of_the_territory_wide_default_counts() -> None:
    """The 0.7 kg/kWh default is printed, with attribution to the EPD/EMSD Guidelines, by two
    HKSAR government publications: an official reprint, so verified under the rule."""
    row = default_library().get("hk-epd-emsd-default-electricity")
    assert row.review_status == "verified"
    assert "cas.gov.hk" in row.notes and "Guidelines' own table was not read" in row.notes

