"""Units as HKEX / mainland ESG KPI tables print them (each spelling below is quoted from an
extraction of a published report on esg.hkubs.ai, report id in the comment). Before these
fixes each one was an error, or -- worse -- a silently wrong number: ``kg/HK$'000`` was read
as 1000 kg per HK$ (10^6 too large) and ``tCO2e/RMB 10,000`` as 10,000 t per RMB (10^8 too
large)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import ghgcalc
from ghgcalc.core.units import conversion_factor, parse_unit
from ghgcalc.errors import UnitError


@pytest.mark.parametrize(("printed", "unit", "factor"), [
    # intensities per money: the thousands / ten-thousands belong to the denominator
    ("kg/HK$'000", "kg/HKD", Fraction(1, 1000)),                                  # 2024043000537 p.83
    ("tCO2e/HK$'000 revenue", "t CO2e/HKD", Fraction(1, 1000)),                   # 2024071500384 p.10
    ("Tonne of CO2 equivalent/HK$'000", "t CO2e/HKD", Fraction(1, 1000)),         # 2025041701805 p.67
    ("tonne of CO2e/RMB10000", "t CO2e/CNY", Fraction(1, 10000)),                 # 2023042502997 p.89
    ("tCO2e/RMB 10,000", "t CO2e/CNY", Fraction(1, 10000)),
    ("t CO2e/10,000 RMB", "t CO2e/CNY", Fraction(1, 10000)),
    ("kWh/HK$1,000", "kWh/HKD", Fraction(1, 1000)),
    ("tonnes of carbon dioxide equivalent/output value 10000 yuan", "t CO2e/CNY", Fraction(1, 10000)),  # 2022053101131 p.14
    ("tCO2e/RMB million revenue", "t CO2e/CNY", Fraction(1, 10**6)),
    # a mass "of" a gas, the gas in words
    ("tonnes of CO2e", "t CO2e", 1),                                               # 2024071600232 p.9
    ("Tonne of CO2 equivalent", "t CO2e", 1),                                      # 2025041701805 p.67
    ("tonnes of carbon dioxide equivalent", "t CO2e", 1),                          # 2022053101131 p.14
    ("tonne of CO₂e", "t CO2e", 1),                                                # 2025042904692 p.87
    ("Tonnes CO2 equivalent (tCO2e)", "t CO2e", 1),                                # 2021070501290 p.18
    ("tonnes of standard coal", "tce", 1),
    ("tonnes of coal equivalent", "tce", 1),
    ("tonnes of carbon dioxide (CO2) equivalent", "t CO2e", 1),                   # 2019102500389 p.21
    ("tonnes of CO2 equivalent/HK$ million", "t CO2e/HKD", Fraction(1, 10**6)),    # 2021102701071 p.20
    ("MWh/HK$ thousand", "MWh/HKD", Fraction(1, 1000)),                           # idem
    ("tonnes/HK$10 million turnover", "t/HKD", Fraction(1, 10**7)),               # 2021082000744 p.34
    ("tCO2e/HKD'000 revenue", "t CO2e/HKD", Fraction(1, 1000)),                   # 2023042702723 p.13
    # per word, floor area, employees
    ("tCO₂e/Total floor area (m²)", "t CO2e/m**2", 1),                             # 2021070501290 p.36
    ("tonnes of CO2-e/thousand ft²", "t CO2e/ft**2", Fraction(1, 1000)),          # 2024042500490 p.91
    ("tonnes of CO2e per sq.m.", "t CO2e/m**2", 1),                                # 2024071600232 p.9
    ("kg CO2e/square meter", "kg CO2e/m**2", 1),                                   # 2021093000869 p.7
    ("tCO2e/Employee", "t CO2e/person", 1),                                        # 2020093000952 p.30
    ("tCO2e per employee", "t CO2e/person", 1),
    ("kWh per capita", "kWh/person", 1),
    # symbols in another case, spelt out, or with "(s)"
    ("KWh", "kWh", 1), ("kwh", "kWh", 1), ("MWH", "MWh", 1), ("Gj", "GJ", 1), ("KG", "kg", 1), ("Kgs", "kg", 1),
    ("Ltr", "L", 1), ("litre(s)", "L", 1), ("tonne(s)", "t", 1), ("M3", "m**3", 1), ("cu.m", "m**3", 1),
    ("cbm", "m**3", 1), ("KL", "L", 1000), ("Kilolitres", "L", 1000), ("Kilowatt hours", "kWh", 1),
    ("kilowatt-hour", "kWh", 1), ("Gigajoules", "GJ", 1), ("Kg/ten thousand RMB revenue", "kg/CNY", Fraction(1, 10000)),
    ("Tce/10000 m²", "tce/m**2", Fraction(1, 10000)), ("Kilogram/person", "kg/person", 1),   # 2024042904483 p.32
    ("Ton CO₂e/10000 m²", "t CO2e/m**2", Fraction(1, 10000)),                                # idem
    # kilotonnes: pint's "kt" is the knot
    ("kt CO2e", "t CO2e", 1000), ("ktCO2e", "t CO2e", 1000), ("KgCO2e", "kg CO2e", 1), ("kilotonnes", "t", 1000),  # 2021062800395 p.10
    ("千噸二氧化碳當量", "t CO2e", 1000), ("millions kWh", "kWh", 10**6),                     # idem p.11
    # case still matters where it means something
    ("ML", "L", 10**6), ("mL", "L", Fraction(1, 1000)),
    # counting words
    ("10 thousand kWh", "kWh", 10000),
    ("thousands of kWh", "kWh", 1000),
])
def test_printed_units_convert_exactly(printed: str, unit: str, factor: Fraction | int) -> None:
    assert conversion_factor(printed, unit) == factor


@pytest.mark.parametrize("printed", ["ton", "tons", "Tons CO2e", "ton of carbon dioxide equivalent", "metric tons"])
def test_ton_in_these_reports_is_the_metric_tonne(printed: str) -> None:
    """2023072000399 p.170 prints "NOx ton", 2022053101131 "ton of carbon dioxide
    equivalent" for 噸: pint's "ton" (US short ton, 907.18 kg) would be 9 % off silently."""
    assert conversion_factor(printed, "t CO2e" if "CO2" in printed or "carbon" in printed else "t") == 1
    assert conversion_factor("short_ton", "kg") == Fraction(45359237, 50000)


def test_a_bracket_restating_the_unit_is_not_multiplied_in() -> None:
    """"Tonnes CO2 equivalent (tCO2e)" was t² CO2e²; a bracket naming something else is kept."""
    assert conversion_factor("Tonnes CO2 equivalent (tCO2e)", "t CO2e") == 1
    assert conversion_factor("t (CO2e)", "t CO2e") == 1          # the bracket is the gas
    assert conversion_factor("kWh ('000)", "kWh") == 1000         # the bracket is a scale
    with pytest.raises(UnitError):
        parse_unit("t CO2e (location-based)")                      # words are still an error


def test_reported_yaml_with_printed_units_reconciles() -> None:
    """A reported-figures file with the units as printed reconciles instead of failing to load."""
    activity = {"carrier": ["electricity"], "quantity": ["1000"], "unit": ["MWh"], "period": [2023]}
    import pandas as pd

    result = ghgcalc.calculate(pd.DataFrame(activity), "hk-epd-emsd-2010")
    reported = {"reporting_year": 2023,
                "denominators": {"revenue": {"value": "350000", "unit": "HK$'000"}},
                "reported": [{"metric": "scope2", "value": "700", "unit": "tonnes of CO2e"},
                             {"metric": "scope2", "value": "700000", "unit": "kg of carbon dioxide equivalent"},
                             {"metric": "scope1_2_per_revenue", "value": "2", "unit": "kg CO2e/HK$'000 revenue"}]}
    got = list(ghgcalc.reconcile(result, reported))
    assert [e["status"] for e in got] == ["reproduced"] * 3, got


# -- carrier labels as KPI tables print them -------------------------------------------------

@pytest.mark.parametrize(("label", "carrier"), [
    ("Unleaded petrol", "gasoline"),                          # Towngas ESG report 2020 p.93 (vehicle fleet)
    ("Diesel oil (generators)", "diesel"),
    ("Gasoline (mobile combustion)", "gasoline"),
    ("Diesel (stationary combustion)", "diesel"),
    ("Vehicle fuel - diesel", "diesel"),
    ("Electricity (CLP)", "electricity"),
    ("Electricity purchased from HK Electric", "electricity"),
    ("Total electricity consumption in Hong Kong", "electricity"),       # 2021070501290 p.17
    ("Total electricity consumption in Mainland China", "electricity"),  # idem
    ("Piped natural gas", "natural_gas"),
    ("Purchased natural gas", "natural_gas"),                 # 2024043000537 p.83 (emissions "from purchased natural gas")
    ("Purchased heating", "heat"),
    ("集中供热", "heat"),
    ("市政热力", "heat"),
    ("锅炉天然气", "natural_gas"),
    ("Gasoline usage for owned vehicles", "gasoline"),                    # 2024042904483 p.32
    ("Electricity purchased from power companies", "electricity"),        # 2019102500389 p.21
    ("Electricity consumption (Group total)", "electricity"),             # 2021062800395 p.11
    ("Electricity (office)", "electricity"),
    ("自有车辆汽油", "gasoline"),
])
def test_more_kpi_labels_name_their_carrier(label: str, carrier: str) -> None:
    import pandas as pd

    from ghgcalc.core.activities import read_activities
    from ghgcalc.core.profiles import load_profile

    table = read_activities(pd.DataFrame({"carrier": [label], "quantity": [1], "unit": ["MWh"]}), load_profile("kuaishou-2022"))
    assert table.frame["carrier"].tolist() == [carrier], table.issues


@pytest.mark.parametrize("label", ["Diesel (CLP)", "Electricity (generators)", "Purchase of energy (Hong Kong)"])
def test_words_that_do_not_fit_the_carrier_still_make_an_error(label: str) -> None:
    """A supplier of electricity on a diesel row, a generator on an electricity row, or no carrier at all."""
    import pandas as pd

    from ghgcalc.errors import ActivityDataError

    with pytest.raises(ActivityDataError) as exc:
        ghgcalc.calculate(pd.DataFrame({"carrier": [label], "quantity": [1], "unit": ["MWh"]}), "kuaishou-2022")
    assert exc.value.issues[0].column == "carrier"


# -- claims: numbers grouped with spaces -----------------------------------------------------

def test_claims_read_space_grouped_numbers_whole() -> None:
    """Hong Kong Housing Authority, Sustainability Report 2010/11 (docslib.org/doc/435131):
    "electricity consumption ... was 578 194 396 kWh" and "a reduction of 11 008 tonnes of
    carbon dioxide equivalent". The activity was read as 396 kWh before."""
    from ghgcalc.analysis.claim_check import find_mentions, parse_number

    assert parse_number("578 194 396").value == 578194396
    assert parse_number("11 008").value == 11008
    assert parse_number("12 345.6").value == Fraction("12345.6")
    s = ("In 2010/11, electricity consumption for PRH blocks, offices and other premises was 578 194 396 kWh, "
         "a reduction of 2.65% from the electricity consumed in 2009/10.")
    acts = [(m.number.value, m.carrier) for m in find_mentions(s) if m.role == "activity"]
    assert acts == [(578194396, "electricity")]
    s = "This accounts for a reduction of 11 008 tonnes of carbon dioxide equivalent (CO2-e)."
    assert [(m.number.value, m.unit) for m in find_mentions(s)] == [(11008, "t CO2e")]
    # a year before a number is not a group: "in 2011 899 kWh" stays 899 kWh
    assert [m.number.value for m in find_mentions("The office used in 2011 899 kWh of electricity.")] == [899]


# -- periods written in words -----------------------------------------------------------------

@pytest.mark.parametrize(("period", "year"), [
    ("Year 2021", 2021),
    ("31 December 2021", 2021),
    ("December 31, 2021", 2021),
    ("Year ended 31 December 2021", 2021),
    ("截至2021年12月31日止年度", 2021),
    # a year that ends in another month is the year it starts in, as "2020/21" is 2020
    ("For the year ended 31 March 2021", 2020),
    ("year ended March 31, 2021", 2020),
    ("截至2021年3月31日止年度", 2020),
    ("1 April 2020 to 31 March 2021", 2020),
])
def test_periods_written_in_words(period: str, year: int) -> None:
    import pandas as pd

    from ghgcalc.core.activities import read_activities
    from ghgcalc.core.profiles import load_profile

    df = pd.DataFrame({"carrier": ["electricity"], "quantity": [1], "unit": ["MWh"], "period": [period]})
    table = read_activities(df, load_profile("kuaishou-2022"))
    assert not table.issues, table.issues
    assert table.frame["year"].tolist() == [year]


@pytest.mark.parametrize("period", ["Year ended 31 Foo 2021", "Q3", "the year"])
def test_worded_periods_without_a_year_or_month_stay_errors(period: str) -> None:
    import pandas as pd

    from ghgcalc.errors import ActivityDataError

    df = pd.DataFrame({"carrier": ["electricity"], "quantity": [1], "unit": ["MWh"], "period": [period]})
    with pytest.raises(ActivityDataError) as exc:
        ghgcalc.calculate(df, "kuaishou-2022")
    assert exc.value.issues[0].column == "period"


def test_a_ghg_figure_printed_in_bare_tonnes_is_a_mass_of_co2e() -> None:
    """HKEX KPI tables print "Scope 2 Energy indirect emissions | tonnes" (2021062100702 p.34,
    2022052701869 p.37) and "Indirect emissions (Scope II) ... ton" (2021040104835 p.69): the KPI
    is a GHG figure, so the bare mass is of CO2e; reconcile says so in the reason. It was
    "cannot compare" (and explain found nothing). An energy figure in tonnes stays uncompared
    (not_recomputed: a unit that cannot be bridged never "differs", contract section 8)."""
    import pandas as pd

    activity = pd.DataFrame({"carrier": ["Total Electricity consumption"], "quantity": ["57071"], "unit": ["kWh"], "period": [2021]})
    result = ghgcalc.calculate(activity, "cn-mee-ets-2021")          # 57.071 MWh x 0.5810 = 33.158
    reported = {"reporting_year": 2021, "reported": [
        {"metric": "scope2", "value": "33.2", "unit": "tonnes"},
        {"metric": "scope2", "value": "33.2", "unit": "ton"},
        {"metric": "scope2", "value": "33.2", "unit": "噸"},
        {"metric": "energy_total", "value": "57.1", "unit": "tonnes"}]}
    got = list(ghgcalc.reconcile(result, reported))
    assert [e["status"] for e in got] == ["reproduced", "reproduced", "reproduced", "not_recomputed"]
    assert all("names no gas: read as a mass of CO2e" in e["reason"] for e in got[:3])
    assert "cannot compare" in got[3]["reason"]
    ex = ghgcalc.explain(activity, reported)
    fig = ex.figures[0]
    assert fig.candidates and fig.candidates[0].status == "reproduced", fig.reason


def test_claims_read_tons_of_carbon_dioxide_equivalent_as_co2e() -> None:
    """"16,870.85 tons of carbon dioxide equivalent" was read as t CO2 (the CO2e spellings had
    "tonnes of carbon dioxide equivalent" only, the CO2 ones "tons of carbon dioxide")."""
    from ghgcalc.analysis.claim_check import find_mentions

    s = ("In 2021, electricity consumption was 29,037.6 thousand kWh, with Scope 2 emissions of "
         "16,870.85 tons of carbon dioxide equivalent.")
    em = [m for m in find_mentions(s) if m.role == "emission"]
    assert [(m.number.value, m.unit) for m in em] == [(Fraction("16870.85"), "t CO2e")]


def test_intensity_labels_name_the_denominator_in_each_language() -> None:
    """"範圍二排放量（每revenue）" printed the denominator's id inside a Chinese label."""
    import pandas as pd

    activity = pd.DataFrame({"carrier": ["electricity"], "quantity": ["1000"], "unit": ["MWh"], "period": [2021]})
    result = ghgcalc.calculate(activity, "cn-mee-ets-2021").with_denominators(
        {"revenue": ("1410.76", "RMB million"), "floor_area": ("2257", "m2")})
    kp = result.kpis().set_index("metric")
    assert kp.loc["scope2_per_revenue", "label_zh_hant"] == "範圍二排放量（每營業收入）"
    assert kp.loc["scope2_per_revenue", "label_zh_hans"].endswith("（每营业收入）")
    assert kp.loc["scope2_per_floor_area", "label"].endswith("per floor area")


@pytest.mark.parametrize(("printed", "code"), [
    ("The PRC", "CN"), ("Mainland", "CN"), ("Guangdong Province", "CN-GD"), ("Shanghai Municipality", "CN-SH"),
    ("北京市", "CN-BJ"), ("Hong Kong (CLP)", "HK-CLP"), ("Kowloon", "HK-CLP"), ("New Territories", "HK-CLP"),
    ("Hong Kong Island", "HK-HKE"), ("香港島", "HK-HKE"), ("Macau SAR", "MO"),
])
def test_region_names_as_reports_print_them(printed: str, code: str) -> None:
    from ghgcalc.core.regions import canonical_region

    assert canonical_region(printed) == code


def test_a_hong_kong_island_row_takes_hk_electrics_factor() -> None:
    """HK Electric supplies Hong Kong Island and Lamma, CLP Power Kowloon and the New
    Territories: a region column naming the district picks the utility's factor."""
    import pandas as pd

    activity = pd.DataFrame({"carrier": ["electricity", "electricity"], "quantity": ["1000", "1000"], "unit": ["kWh", "kWh"],
                             "period": [2023, 2023], "region": ["Hong Kong Island", "Kowloon"]})
    rows = ghgcalc.calculate(activity, "hk-utilities-2023").rows
    assert [str(x) for x in rows["factor_ids"]] == ["hk-hkelectric-2023", "hk-clp-2023"]


def test_a_table_with_one_column_per_year_is_read_one_row_per_year() -> None:
    """A KPI table transcribed as printed ("Indicator, Unit, 2020, 2021") was refused with a
    hint (issue 14); it is now read one row per year (issue 15, item 3; tests/test_wide_tables.py):
    2021 is computed with the 2021 grid factor, 2020, which the profile has no factor for, is an
    error on its own row, never dropped."""
    import pandas as pd

    wide = pd.DataFrame({"Indicator": ["Electricity consumption"], "Unit": ["MW·h"], "2020": [15313], "2021": [29032]})
    res = ghgcalc.calculate(wide, "cn-mee-ets-2021", on_error="collect")
    assert res.rows[["carrier", "quantity", "year"]].values.tolist() == [["electricity", 29032.0, 2021]]
    assert [(e.row, e.column, e.value) for e in res.errors] == [(0, "period", "2020")]
    assert res.input_info["wide"]["year_columns"] == ["2020", "2021"]


@pytest.mark.parametrize(("label", "region", "factor"), [
    ("Electricity (CLP)", "HK-CLP", "hk-clp-2023"),
    ("Electricity purchased from HK Electric", "HK-HKE", "hk-hkelectric-2023"),
    ("電力（港燈）", "HK-HKE", "hk-hkelectric-2023"),
])
def test_an_electricity_label_naming_its_supplier_gives_the_row_its_region(label: str, region: str, factor: str) -> None:
    """HK tables split electricity by supplier in the label; under hk-utilities-2023 a row with
    region HK alone was an error although the label said which company supplied it."""
    import pandas as pd

    df = pd.DataFrame({"carrier": [label], "quantity": ["1000"], "unit": ["kWh"], "period": [2023]})
    rows = ghgcalc.calculate(df, "hk-utilities-2023").rows
    assert (str(rows["region"].iloc[0]), str(rows["factor_ids"].iloc[0])) == (region, factor)


def test_a_region_column_wins_over_the_supplier_in_the_label_and_districts_name_no_supplier() -> None:
    import pandas as pd

    from ghgcalc.core.activities import label_region

    df = pd.DataFrame({"carrier": ["Electricity (CLP)"], "quantity": ["1000"], "unit": ["kWh"], "period": [2023],
                       "region": ["HK Electric"]})
    assert str(ghgcalc.calculate(df, "hk-utilities-2023").rows["factor_ids"].iloc[0]) == "hk-hkelectric-2023"
    assert label_region("Kowloon office electricity") is None          # a place, not a company
    assert label_region("Electricity (CLP and HK Electric)") is None   # two companies: no guess
