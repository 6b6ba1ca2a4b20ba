"""The shipped China default fuel parameters, used through the carbon content method, give the
CO2 factors Chinese reports and tools print from them (GB/T 32151 Table C.1 / NDRC guideline
appendix table 常用化石燃料相关参数缺省值): diesel 42.652 GJ/t x 20.2 t C/TJ x 98 % x 44/12 =
3.0959 t CO2/t; natural gas 389.31 GJ/10^4 Nm3 x 15.3 t C/TJ x 99 % x 44/12 = 21.622 t CO2/10^4 Nm3
(the same figures appear in third-party tools, file id 58550553546). Factor ids, not literals, so a
silent change of a shipped row fails here.

Also: the GB/T 32151.22-2024 Table C.1 transcription (26 fuels, unverified), the China purchased-heat
defaults, and the MEE 2021 power-facility guideline's Table B.1 and coal defaults (环办气候〔2021〕9号
附件2, read in its PDF: jacobwujian/tzc db16401) -- table completeness, review status, the CO2 factor
they give, and the Chinese labels that reach their rows. The printed values of all these rows are
pinned with their citations in tests/data/factor_pins.csv (tests/test_factor_pins.py).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.core.carriers import carrier_aliases, carriers, normalize_key
from ghgcalc.core.method import Method


def _coef(carrier: str, unit: str, suffix: str = "", year: int = 2023) -> Fraction:
    """t CO2 per unit of ``carrier`` by the carbon content method with the China default rows
    ``cn-default-<ncv|cc|of>-<carrier><suffix>``, for data year ``year``."""
    slug = carrier.replace("_", "-")
    prof = {"id": "cn-default", "reporting_year": year, "gwp_set": "AR5", "carriers": {carrier: {
        "heating_value": f"cn-default-ncv-{slug}{suffix}",
        "carbon_content": f"cn-default-cc-{slug}{suffix}",
        "oxidation_rate": f"cn-default-of-{slug}{suffix}",
    }}}
    res = Method.from_profile(ghgcalc.load_profile(prof)).resolve(carrier, unit, year, "CN", 0)
    assert res.error is None, res.error
    coef = res.coef["co2_t"]
    assert coef is not None
    return Fraction(coef)


def _half_up(x: Fraction, places: str) -> Decimal:
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("carrier, unit, places, printed", [
    ("diesel", "t", "0.0001", "3.0959"),
    ("gasoline", "t", "0.0001", "2.9251"),
    ("natural_gas", "萬立方米", "0.001", "21.622"),
])
def test_gbt32151_defaults_give_the_printed_co2_factor(carrier: str, unit: str, places: str, printed: str) -> None:
    assert _half_up(_coef(carrier, unit), places) == Decimal(printed)


def test_the_2015_table_differs_from_the_gbt32151_table() -> None:
    # NDRC 2015 third-batch table: diesel 43.33 GJ/t x 20.20 t C/TJ x 98 % x 44/12
    hand = Fraction("43.33") * Fraction("20.20") / 1000 * Fraction("0.98") * Fraction(44, 12)
    assert _coef("diesel", "t", "-ndrc2015") == hand
    assert _coef("diesel", "t", "-ndrc2015") != _coef("diesel", "t")


def test_every_china_default_fuel_has_all_three_parameters_per_table() -> None:
    """Each fuel of each China default table ships NCV, carbon content and oxidation rate
    (NDRC 2015 table: 27 fuels; GB/T 32151.22-2024 Table C.1 transcription: 26 fuels; petroleum coke
    in the coking-sector table has no printed oxidation rate: recorded as such)."""
    kinds: dict[tuple[str, str], set[str]] = {}
    for r in ghgcalc.default_library():
        full = r.id.endswith(("-ndrc2015", "-gbt32151-2024"))
        if r.id.startswith(("cn-default-cc-", "cn-default-of-")) or (r.id.startswith("cn-default-ncv-") and full):
            table = "ndrc2015" if r.id.endswith("-ndrc2015") else "gbt32151-2024" if full else "gbt32151"
            kinds.setdefault((table, r.carrier or ""), set()).add(r.kind)
    missing = {k: v for k, v in kinds.items()
               if v != {"carbon_content", "oxidation_rate"} | ({"heating_value"} if k[0] != "gbt32151" else set())}
    assert missing == {("gbt32151", "petroleum_coke"): {"carbon_content"}}
    assert len([k for k in kinds if k[0] == "ndrc2015"]) == 27
    assert len([k for k in kinds if k[0] == "gbt32151-2024"]) == 26


def test_every_carbon_content_row_has_its_heating_value() -> None:
    lib = ghgcalc.default_library()
    for r in lib.select(kind="carbon_content"):
        if r.id.startswith("cn-default-cc-"):
            ncv = r.id.replace("-cc-", "-ncv-", 1)
            assert ncv in lib, f"{r.id} has no {ncv}"
            assert lib.get(ncv).carrier == r.carrier


# --- GB/T 32151.22-2024 transcription and purchased heat

def test_the_2024_table_is_complete_and_unverified() -> None:
    """26 fuels x (NCV, carbon content, oxidation rate); one transcription only, so none is verified."""
    rows = [r for r in ghgcalc.default_library() if r.id.endswith("-gbt32151-2024")]
    assert len(rows) == 3 * 26 == 78
    assert {r.review_status for r in rows} == {"unverified"}
    assert {r.valid_from for r in rows} == {2024}


def test_verified_heat_rows_say_where_they_were_read() -> None:
    lib = ghgcalc.default_library()
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
    stray = sorted({(r.carrier, r.id) for r in ghgcalc.default_library() if r.carrier and r.carrier not in known})
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
    assert carrier_aliases()[normalize_key(label)] == ghgcalc.default_library().get(factor_id).carrier


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
    res = Method.from_profile(ghgcalc.load_profile(prof)).resolve("diesel", "t", 2023, "CN", 0)
    assert res.error is not None


def test_raw_coal_without_sourced_parameters_is_an_error_naming_the_row() -> None:
    """The carbon-market profiles pin no raw-coal parameters (the only official ones shipped are the
    MEE 2021 power guideline's conservative coal defaults, pinned in cn-mee-power-2021 only): a raw-coal
    row is reported, not silently dropped or given another fuel's factor."""
    data = [{"carrier": "柴油", "amount": 1, "unit": "t", "period": 2022},
            {"carrier": "原煤", "amount": 100, "unit": "t", "period": 2022}]
    res = ghgcalc.calculate(data, "cn-mee-ets-2022", on_error="collect")
    assert len(res.errors) == 1
    err = res.errors[0]
    assert err.row == 1 and err.column == "carrier" and "raw_coal" in err.reason


# --- MEE 2021 guideline for power facilities

_SUFFIX = "-mee-power-2021"


def test_the_power_guideline_table_is_complete_verified_and_says_where_it_was_read() -> None:
    """Table B.1 (12 oil and gas fuels) and the coal defaults of clauses 6.2.2.3 / 6.2.3.5 / 6.2.4.1."""
    rows = [r for r in ghgcalc.default_library() if r.id.endswith(_SUFFIX)]
    assert len(rows) == 3 * (12 + 1) == 39
    for r in rows:
        assert r.review_status == "verified"
        assert "jacobwujian/tzc" in (r.notes or "") and "db16401b8a2b4e085c8cbbb2a4e5b1e7a88ce2e3" in (r.notes or "")
        assert (r.valid_from, r.valid_to) == (2019, 2021)
        assert "环办气候〔2021〕9号" in (r.document or "")
    assert {r.unit for r in rows if r.kind == "carbon_content"} == {"t C/GJ"}  # as printed (tC/GJ)


@pytest.mark.parametrize("carrier, unit, places, expected", [
    # hand arithmetic from the printed values: NCV x carbon content x oxidation x 44/12
    ("diesel", "t", "0.0001", Fraction("42.652") * Fraction("0.0202") * Fraction("0.98") * Fraction(44, 12)),
    ("natural_gas", "万立方米", "0.0001", Fraction("389.31") * Fraction("0.01532") * Fraction("0.99") * Fraction(44, 12)),
    ("coke_oven_gas", "万立方米", "0.0001", Fraction("173.54") * Fraction("0.0121") * Fraction("0.99") * Fraction(44, 12)),
])
def test_table_b1_parameters_give_the_co2_factor(carrier: str, unit: str, places: str, expected: Fraction) -> None:
    assert _half_up(_coef(carrier, unit, _SUFFIX, year=2020), places) == _half_up(expected, places)


def test_diesel_agrees_with_the_co2_factor_chinese_tools_print() -> None:
    # 3.0959 t CO2/t, the figure of the GB/T 32151 / NDRC parameters (tests/test_cn_default_fuel.py)
    assert _half_up(_coef("diesel", "t", _SUFFIX, year=2020), "0.0001") == Decimal("3.0959")


def test_natural_gas_differs_from_the_gbt32151_transcription() -> None:
    # the guideline prints 0.01532 tC/GJ, the GB/T 32151 transcriptions 15.3 t C/TJ: 21.650 vs 21.622
    assert _half_up(_coef("natural_gas", "万立方米", _SUFFIX, year=2020), "0.001") == Decimal("21.650")
    assert _half_up(_coef("natural_gas", "万立方米"), "0.001") == Decimal("21.622")


def test_raw_coal_has_the_power_guideline_default_in_its_profile() -> None:
    """原煤 in tonnes under the built-in profile of the guideline: 26.7 x 0.03356 x 99 % x 44/12 t CO2/t."""
    res = ghgcalc.calculate([{"carrier": "原煤", "amount": 100, "unit": "t", "period": 2020}], "cn-mee-power-2021")
    assert not res.errors
    per_t = Fraction("26.7") * Fraction("0.03356") * Fraction("0.99") * Fraction(44, 12)
    assert res.metric_exact("scope1_co2")[0] == 100 * per_t
    assert _half_up(per_t, "0.0001") == Decimal("3.2527")


def test_the_profile_is_not_used_outside_its_data_years() -> None:
    res = ghgcalc.calculate([{"carrier": "原煤", "amount": 1, "unit": "t", "period": 2022}], "cn-mee-power-2021",
                            on_error="collect")
    assert len(res.errors) == 1 and res.errors[0].row == 0


def test_raw_coal_error_names_the_shipped_rows_a_profile_can_pin() -> None:
    df = pd.DataFrame({"carrier": ["原煤"], "quantity": ["10"], "unit": ["t"]})
    with pytest.raises(ghgcalc.ActivityDataError) as info:
        ghgcalc.calculate(df, "ipcc-2006-tier1-manufacturing")
    (issue,) = info.value.issues
    assert issue.column == "carrier"
    assert "cn-default-cc-coal-mee-power-2021" in str(issue.hint) and "2019-2021" in str(issue.hint)


def test_coal_defaults_are_for_raw_coal_only() -> None:
    """The guideline's coal defaults sit on raw_coal; coal reported by rank keeps its own rows."""
    prof = ghgcalc.load_profile("cn-mee-power-2021")
    assert "anthracite" not in prof.carriers and "raw_coal" in prof.carriers
    assert Method.from_profile(prof).resolve("anthracite", "t", 2020, "CN", 0).error is not None


def test_the_guideline_word_for_coal_reaches_raw_coal() -> None:
    # the guideline writes 燃煤 (fired coal, any rank); claims.yaml already reads it as raw coal
    assert carrier_aliases()[normalize_key("燃煤")] == "raw_coal"
