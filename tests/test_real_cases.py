"""Real published cases other than the seed: other companies, years, regions and factor editions.

Each case in tests/data/cases/<name>/ is a transcription of a published ESG table (source,
page and caveats in the YAML's comments): ``activity.csv`` (the printed activity rows, with the
report's own labels and units), ``reported.yaml`` (the printed figures) and ``profile.toml``
(the method `ghgcalc explain` found, written down as a case profile; no case's footnotes name
its factors in the stored copies). The expected statuses below are what the library gives,
each with the reason it is the honest status. Nothing in the library knows these cases.
"""

from __future__ import annotations

import pandas as pd
import pytest
from real_cases import case, check_reconciles

import ghgcalc
from ghgcalc.core.activities import read_activities
from ghgcalc.core.profiles import load_profile
from ghgcalc.core.units import conversion_factor, parse_unit
from ghgcalc.errors import ActivityDataError, UnitError

# case -> metric -> (printed digits, expected status, recomputed digits or None, why)
EXPECTED: dict[str, dict[str, tuple[str, str, str | None, str]]] = {
    # HKEX issuer, ESG report 2023 (HKEXnews 2024042902752), 2023 column; PRC operations.
    "hkubs-2024042902752-2023": {
        "scope2": ("84.567", "reproduced", "84.567",
                   "148.285 MWh x 0.5703 t/MWh (MEE national grid, 2022 data, applied to 2023) = 84.5669"),
        "scope1": ("40.448", "differs", "33.018",
                   "petrol is printed in MWh; 40.448 t would need 84.894 kg CO2/GJ, above every gasoline "
                   "factor: the report computed Scope 1 from unprinted litres, not from the printed MWh"),
        "scope1_2": ("125.015", "differs", "117.585", "carries the Scope 1 difference"),
        "scope1_2_per_capita": ("0.481", "differs", "0.452", "carries the Scope 1 difference (260 employees)"),
        "energy_direct": ("132.348", "reproduced", "132.348", "printed in MWh: no conversion"),
        "energy_indirect": ("148.285", "reproduced", "148.285", "printed in MWh: no conversion"),
        "energy_total": ("280.633", "reproduced", "280.633", "132.348 + 148.285"),
        "energy_total_per_capita": ("1.08", "reproduced", "1.08", "280.633 / 260 = 1.0794"),
    },
    # the same report's 2022 comparative column
    "hkubs-2024042902752-2022": {
        "scope2": ("174.67", "reproduced", "174.67",
                   "300.638 MWh x 0.5810 t/MWh (MEE national grid, 2021 data, applied to 2022) = 174.6707"),
        "scope1": ("70.744", "differs", "64.305",
                   "as in 2023: 70.744 t from 257.757 MWh would need 76.239 kg CO2/GJ (and the 2023 column "
                   "implies 84.894): the petrol MWh are not what the emissions were computed from"),
        "scope1_2": ("245.415", "differs", "238.976", "carries the Scope 1 difference"),
        "scope1_2_per_capita": ("0.649", "differs", "0.632", "carries the Scope 1 difference (378 employees)"),
        "energy_direct": ("257.757", "reproduced", "257.757", "printed in MWh"),
        "energy_indirect": ("300.638", "reproduced", "300.638", "printed in MWh"),
        # 257.757 + 300.638 = 558.395; the printed 558.394 is the sum of unrounded inputs:
        # within the rounding of the printed inputs, so consistent, not reproduced
        "energy_total": ("558.394", "consistent", "558.395", "the report summed unrounded inputs"),
        "energy_total_per_capita": ("1.477", "reproduced", "1.477", "558.395 / 378 = 1.47724"),
    },
    # Hong Kong consultancy, Sustainability Report 2020 (HKEXnews 2020093000952), FY2019/20
    "hkubs-2020093000952-2019": {
        "scope2": ("54.99", "reproduced", "54.99",
                   "67,888 kWh x 0.81 kg CO2e/kWh (HK Electric, 2019) = 54.989"),
    },
    # PRC manufacturer, ESG report 2023 (HKEXnews 2024041900927), electricity in "000 kWh"
    "hkubs-2024041900927-2023": {
        "scope2": ("8124", "reproduced", "8124",
                   "13,316 MWh x 0.6101 t/MWh (MEE national grid for 2019-2020 data, applied to 2023) = 8,124.09"),
        # 13,316 thousand kWh is rounded to the thousand; 14,318.06 x 930 = 13,315,796 kWh:
        # the report divided the unrounded figure -- consistent, not reproduced
        "energy_indirect_per_capita": ("14318.06", "consistent", "14318.28",
                                       "the report divided unrounded kWh; 13,316 thousand allows [14317.7, 14318.8]"),
    },
    # PRC company, ESG report 2021 (HKEXnews 2022052001208), data year 2021: MEE 0.5810 applied to
    # its own data year; "Tons", "Thousand kWh", "Cubic meters" and "/RMB million" as printed
    "hkubs-2022052001208-2021": {
        "scope2": ("16870.85", "reproduced", "16870.85",
                   "29,037.6 thousand kWh x 0.5810 t/MWh (MEE national grid, 2021 data) = 16,870.8456"),
        "scope1_2": ("16870.85", "reproduced", "16870.85", "no Scope 1 is printed: the total is Scope 2"),
        "scope1_2_per_revenue": ("11.96", "reproduced", "11.96",
                                 "16,870.8456 t / 1,410.76 RMB million (revenue derived from the water intensity) = 11.9587"),
        "energy_indirect": ("29037.6", "reproduced", "29037.6", "printed in thousand kWh: no conversion"),
        "energy_total": ("29037.6", "reproduced", "29037.6", "electricity is the only energy printed"),
        "energy_total_per_revenue": ("20.58", "reproduced", "20.58", "29,037.6 MWh / 1,410.76 RMB million = 20.5829"),
        "fresh_water": ("537588", "reproduced", "537588", "printed in cubic meters"),
    },
    # Shanghai-headquartered issuer, 2022 Sustainability Report (HKEXnews 2023042501847): the 2020
    # and 2021 columns, each with the MEE edition of its own data year; electricity in "MW·h"
    "hkubs-2023042501847-2020": {
        "scope2": ("9342", "reproduced", "9342", "15,313 MWh x 0.6101 t/MWh (MEE, 2019-2020 data) = 9,342.46"),
        "energy_indirect": ("15313", "reproduced", "15313", "printed in MW·h"),
    },
    "hkubs-2023042501847-2021": {
        "scope2": ("16868", "reproduced", "16868", "29,032 MWh x 0.5810 t/MWh (MEE, 2021 data) = 16,867.59"),
        "energy_indirect": ("29032", "reproduced", "29032", "printed in MW·h"),
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_case_reconciles_with_the_expected_statuses(name: str) -> None:
    check_reconciles(name, EXPECTED[name])


def test_edition_mismatch_is_recorded_on_the_rows() -> None:
    """Each PRC case applies an MEE edition published for earlier data years: recorded per row."""
    for name, edition in (("hkubs-2024042902752-2023", "cn-mee-grid-national-2022"),
                          ("hkubs-2024042902752-2022", "cn-mee-grid-national-2021"),
                          ("hkubs-2024041900927-2023", "cn-mee-grid-national-2019-2020")):
        activity, _, profile = case(name)
        rows = ghgcalc.calculate(activity, str(profile)).rows
        elec = rows[rows["carrier"] == "electricity"].iloc[0]
        assert edition in str(elec["factor_ids"])
        assert "edition mismatch" in str(elec["method_notes"]), name


def test_scope1_difference_names_the_factor_that_would_reproduce_it() -> None:
    """The reason for the Scope 1 difference says what the gasoline factor would have to be,
    and never proposes changing the GWP of CO2 (1 by definition)."""
    activity, reported, profile = case("hkubs-2024042902752-2023")
    got = {e["metric"]: e for e in ghgcalc.reconcile(ghgcalc.calculate(activity, str(profile)), reported)}
    reason = got["scope1"]["reason"]
    assert "ipcc-2006-v2-t1.4-gasoline-co2 = 69300 kg CO2/TJ would have to lie in [84893, 84895.1)" in reason
    for e in got.values():
        assert "gwp100-co2" not in (e["reason"] or ""), e


@pytest.mark.parametrize(("name", "region", "factor"), [
    ("hkubs-2024042902752-2023", None, "cn-mee-grid-national-2022"),
    ("hkubs-2023042501847-2020", None, "cn-mee-grid-national-2019-2020"),
    ("hkubs-2023042501847-2021", None, "cn-mee-grid-national-2021"),
    ("hkubs-2022052001208-2021", None, "cn-mee-grid-national-2021"),
    ("hkubs-2020093000952-2019", "HK", "hk-hkelectric-2019"),
])
def test_explain_finds_the_scope2_factor_and_the_engine_agrees(name: str, region: str | None, factor: str) -> None:
    """explain's best method reproduces Scope 2 through the engine itself (for Hong Kong, the
    rows take the utility's region from the method: they were read with the default HK)."""
    activity, reported, _ = case(name)
    ex = ghgcalc.explain(activity, reported, region=region) if region else ghgcalc.explain(activity, reported)
    best = ex.methods[0]
    assert factor in best.factor_ids
    assert best.statuses["scope2"] == "reproduced"
    fig = next(f for f in ex.figures if f.figure.metric == "scope2")
    assert fig.candidates[0].status == "reproduced" and factor in fig.candidates[0].factors


def test_explain_names_no_emission_factor_behind_an_energy_figure() -> None:
    """Energy printed in MWh needs no factor: the candidate must not credit an emission factor."""
    activity, reported, _ = case("hkubs-2024042902752-2023")
    ex = ghgcalc.explain(activity, reported)
    for f in ex.figures:
        if f.figure.metric.startswith("energy_"):
            for c in f.candidates:
                assert not any("grid" in x or x.endswith("-co2") for x in c.factors), (f.figure.metric, c.factors)


def test_explain_says_when_a_method_leaves_rows_out() -> None:
    """A coal-equivalent method cannot turn petrol in MWh into tce (kgce/kg): its figures lack
    that row, and the candidate says so instead of looking like a near miss."""
    activity, reported, _ = case("hkubs-2024042902752-2023")
    ex = ghgcalc.explain(activity, reported)
    fig = next(f for f in ex.figures if f.figure.metric == "energy_total_per_capita")
    partial = [c for c in fig.candidates if c.status == "differs"]
    assert partial, fig.candidates
    assert all("cannot use 1 input row(s)" in " ".join(c.notes) for c in partial)


# -- spellings the cases print, read by the library (each was an error before) -----------

@pytest.mark.parametrize(("label", "carrier"), [
    ("Direct energy - Petrol", "gasoline"),                        # hkubs-2024042902752, p.48
    ("Indirect energy - Purchased electricity", "electricity"),    # idem
    ("Electricity Consumption", "electricity"),                    # hkubs-2020093000952, p.30
    ("Purchased electricity consumed", "electricity"),             # hkubs-2024041900927, p.10
    ("Diesel oil consumption", "diesel"),
    ("柴油消耗量", "diesel"),
    ("直接能源消耗 - 柴油", "diesel"),
    ("Energy consumption - Natural gas", "natural_gas"),
    ("coke-oven gas", "coke_oven_gas"),                            # a dash inside a name is no separator
    # Hop Fung Group, Annual Report 2020, ESG report p.35 (irasia.com/listco/hk/hopfung/onlinereport/2020/e_annual/37)
    ("Diesel fuel consumption from stationary sources (litres)", "diesel"),
    ("Gasoline consumption from mobile sources (litres)", "gasoline"),
    ("Coal consumption from stationary sources (tonnes)", "raw_coal"),
    ("Electricity consumption by facilities (kWh)", "electricity"),
    ("來自固定源的柴油消耗(升)", "diesel"),
    ("來自流動源的汽油消耗(升)", "gasoline"),
    ("設備耗電(千瓦時)", "electricity"),
])
def test_kpi_labels_with_category_words_name_their_carrier(label: str, carrier: str) -> None:
    table = read_activities(pd.DataFrame({"carrier": [label], "quantity": [1], "unit": ["MWh"]}), load_profile("kuaishou-2022"))
    assert table.frame["carrier"].tolist() == [carrier]


@pytest.mark.parametrize("label", ["Indirect energy - Diesel", "Direct energy - Purchased electricity",
                                   "Fuel Consumption", "Total Energy Consumption", "refrigerant usage",
                                   "Electricity from mobile sources", "Business travel by passenger (km)"])
def test_category_words_never_make_a_carrier_up(label: str) -> None:
    """Words that contradict the carrier's type, or no carrier at all: an error naming the row."""
    with pytest.raises(ActivityDataError) as exc:
        ghgcalc.calculate(pd.DataFrame({"carrier": [label], "quantity": [1], "unit": ["MWh"]}), "kuaishou-2022")
    issue = exc.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (0, "carrier", label)


@pytest.mark.parametrize(("unit", "kwh"), [
    ("000 kWh", 1000),          # hkubs-2024041900927, p.10 (the quote of '000 dropped)
    ("kWh in '000s", 1000),     # the HKEX ESG Reporting Guide's wording for KPI A2.1
    ("kWh ('000)", 1000),
    ("'000 kWh", 1000),
])
def test_thousands_as_hkex_tables_print_them(unit: str, kwh: int) -> None:
    assert parse_unit(unit).to("kWh").magnitude == kwh


@pytest.mark.parametrize(("unit", "target", "factor"), [
    ("Litres", "L", 1), ("Tonnes", "t", 1),                      # table heads print them capitalised
    ("towngas_unit", "MJ", 48), ("煤氣度", "MJ", 48),            # HKEX ESG guide Appendix 2: 1 unit = 48 MJ
])
def test_printed_spellings_of_litres_tonnes_and_the_towngas_unit(unit: str, target: str, factor: int) -> None:
    assert conversion_factor(unit, target) == factor


@pytest.mark.parametrize("unit", ["unit", "Units", "(unit)", "單位"])
def test_a_bare_unit_word_is_an_error_not_a_luminance(unit: str) -> None:
    """pint reads "unit" as micro-nit (cd/m²); a Towngas table printing "(unit)" must be told."""
    with pytest.raises(UnitError) as exc:
        parse_unit(unit)
    assert "towngas_unit" in (exc.value.hint or "")


def test_towngas_in_du_is_an_error_electricity_in_du_is_kwh() -> None:
    """度 is a kWh of electricity but a 48 MJ unit on a Towngas bill: never read silently."""
    df = pd.DataFrame({"carrier": ["煤氣", "煤氣", "electricity"], "quantity": [1, 1, 1],
                       "unit": ["度", "towngas_unit", "度"]})
    table = read_activities(df, load_profile("hk-epd-emsd-2010"))
    assert [(i.row, i.column, i.value) for i in table.issues] == [(0, "unit", "度")]
    assert "48 MJ" in table.issues[0].reason


def test_a_zero_scale_unit_says_what_a_number_in_a_unit_means() -> None:
    with pytest.raises(UnitError) as exc:
        parse_unit("0 kWh")
    assert "'000 kWh = 1000 kWh" in (exc.value.hint or "")


@pytest.mark.parametrize(("period", "year"), [
    ("2019/20", 2019), ("FY2019/20", 2019), ("fy2020", 2020), ("財年2020", 2020),
    ("二零二零年", 2020), ("二〇一九年", 2019),
])
def test_fiscal_and_chinese_numeral_periods(period: str, year: int) -> None:
    df = pd.DataFrame({"carrier": ["electricity"], "quantity": [1], "unit": ["MWh"], "period": [period]})
    assert read_activities(df, load_profile("kuaishou-2022")).frame["year"].tolist() == [year]


@pytest.mark.parametrize("period", ["FY20", "一月", "Apr 2019 - Mar 2020"])
def test_periods_that_name_no_year_stay_errors(period: str) -> None:
    df = pd.DataFrame({"carrier": ["electricity"], "quantity": [1], "unit": ["MWh"], "period": [period]})
    with pytest.raises(ActivityDataError) as exc:
        ghgcalc.calculate(df, "kuaishou-2022")
    assert exc.value.issues[0].column == "period"


def test_explain_says_why_a_figure_has_no_candidate() -> None:
    """Hop Fung Group, Annual Report 2020, ESG report p.35 (Figure II, irasia.com online report):
    diesel and petrol in litres, coal in tonnes, total GHG 174,199 t CO2e. No shipped factor turns
    litres of diesel/petrol into emissions (no density or per-litre factor is shipped): explain must
    say so, not just "no candidate". Raw coal in tonnes has a CO2 path since the MEE 2021 power
    guideline's coal defaults were shipped (cn-default-*-coal-mee-power-2021, data years 2019-2021),
    so it is no longer among the rows without a factor."""
    activity = pd.DataFrame({
        "carrier": ["來自固定源的柴油消耗(升)", "來自流動源的汽油消耗(升)", "來自固定源的煤炭消耗(噸)",
                    "來自流動源的柴油消耗(升)", "設備耗電(千瓦時)"],
        "quantity": ["154,578", "19,422", "100,750", "3,521", "54,813"],
        "unit": ["升", "升", "噸", "升", "千瓦時"], "period": [2020] * 5})
    reported = {"reporting_year": 2020, "reported": [{"metric": "scope1_2", "value": "174,199", "unit": "t CO2e"}]}
    fig = ghgcalc.explain(activity, reported).figures[0]
    assert not fig.candidates
    assert "no shipped emission factor applies to the rows of diesel, gasoline (" in fig.reason


def test_explain_prefers_the_method_without_factors_no_figure_needs() -> None:
    """hkubs-2022052001208-2021: every figure is Scope 2 or energy printed in kWh. A
    coal-equivalent method reproduces them too, but only by bringing in a kWh->tce coefficient
    no figure depends on; the heating-value method with the grid factor alone ranks first, and
    its notes name no factor it does not use."""
    activity, reported, _ = case("hkubs-2022052001208-2021")
    ex = ghgcalc.explain(activity, reported)
    best = ex.methods[0]
    assert best.profile["energy_basis"] == "heating_value"
    assert best.factor_ids == ["cn-mee-grid-national-2021"]
    assert not any("gbt2589" in n for n in best.notes), best.notes
    assert all(s == "reproduced" for s in best.statuses.values()), best.statuses
