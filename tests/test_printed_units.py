"""Units as ESG reports print them: Chinese gas names, CO2-eq spellings, currencies and areas
in intensity units, and denominators given with their unit.

Spellings taken from HKEX ESG reports (e.g. 噸二氧化碳當量／人, 噸二氧化碳當量／百萬港元收入) and
mainland reports (吨二氧化碳当量/万元营业收入); the expected dimensions are written out by hand.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.core.units import conversion_factor, dims_of
from ghgcalc.errors import GhgcalcError

CO2E_MASS = {"[co2_equivalent]": 1, "[mass]": 1}


@pytest.mark.parametrize(
    ("printed", "same_as"),
    [
        ("噸二氧化碳當量", "t CO2e"),
        ("吨二氧化碳当量", "t CO2e"),
        ("萬噸二氧化碳當量", "10^4 t CO2e"),
        ("公噸二氧化碳當量", "t CO2e"),
        ("千克二氧化碳當量", "kg CO2e"),
        ("噸二氧化碳", "t CO2"),
        ("千克甲烷", "kg CH4"),
        ("噸氧化亞氮", "t N2O"),
        ("吨氧化亚氮", "t N2O"),
        ("t CO2-eq", "t CO2e"),
        ("tCO2-e", "t CO2e"),
        ("t CO2 eq.", "t CO2e"),
        ("tonnes CO2e", "t CO2e"),
        ("噸二氧化碳當量/人", "t CO2e/person"),
        ("噸二氧化碳當量／每名僱員", "t CO2e/person"),
        ("MWh/名員工", "MWh/person"),
        ("千克二氧化碳當量/平方米", "kg CO2e/m**2"),
        ("kWh/㎡", "kWh/m**2"),
        ("噸二氧化碳當量/百萬港元收入", "t CO2e/(1e6 HKD)"),
        ("tCO2e/HK$ million", "t CO2e/(1e6 HKD)"),
        ("t CO2e/RMB million", "t CO2e/(1e6 CNY)"),
        ("吨二氧化碳当量/万元营业收入", "t CO2e/(1e4 CNY)"),
        ("tCO2e/百萬元人民幣", "t CO2e/(1e6 CNY)"),
        ("兆瓦時/千港元", "MWh/(1000 HKD)"),
    ],
)
def test_printed_spelling_is_the_unit(printed: str, same_as: str) -> None:
    assert conversion_factor(printed, same_as) == 1
    assert dims_of(printed) == dims_of(same_as)


def test_chinese_gas_is_its_own_dimension() -> None:
    assert dims_of("噸二氧化碳當量") == {k: Fraction(v) for k, v in CO2E_MASS.items()}
    with pytest.raises(ghgcalc.errors.UnitError):
        conversion_factor("噸二氧化碳當量", "t CO2")


def _table() -> pd.DataFrame:
    return pd.DataFrame({"carrier": ["electricity"], "quantity": ["1000"], "unit": ["MWh"],
                         "period": [2022]})


def _yaml(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "reported.yaml"
    p.write_text(body, encoding="utf-8")
    return p


def test_intensity_per_currency_reproduces_with_a_denominator_unit(tmp_path: Path) -> None:
    # 1000 MWh x 0.5703 t/MWh = 570.3 t CO2; revenue 57.03 百萬港元 -> 10 t CO2e per HK$ million
    result = ghgcalc.calculate(_table(), profile="cn-mee-ets-2022")
    rep = _yaml(tmp_path, """
denominators:
  revenue: {value: "57.03", unit: 百萬港元}
reported:
  - {metric: scope2_per_revenue, value: "10.00", unit: 噸二氧化碳當量/百萬港元收入}
  - {metric: scope2_per_revenue, value: "10,000", unit: kg CO2e/HK$ million}
  - {metric: scope2_per_revenue, value: "0.0100", unit: tCO2e/千港元}
""")
    rows = ghgcalc.reconcile(result, rep).to_list()
    assert [r["status"] for r in rows] == ["reproduced", "reproduced", "reproduced"]
    assert rows[2]["recomputed"] == "0.0100"


def test_denominator_as_number_with_unit_text() -> None:
    result = ghgcalc.calculate(_table(), profile="cn-mee-ets-2022", denominators={"revenue": "5,703 萬元"})
    q = result.totals()["scope2_per_revenue"]
    assert q.to("t CO2e / CNY").magnitude == pytest.approx(570.3 / 5703e4, rel=1e-12)


def test_denominator_with_unknown_unit_is_an_error() -> None:
    with pytest.raises(GhgcalcError, match="bananas"):
        ghgcalc.calculate(_table(), profile="cn-mee-ets-2022", denominators={"revenue": "5703 bananas"})


def test_bare_number_denominator_against_currency_unit_says_what_to_do(tmp_path: Path) -> None:
    result = ghgcalc.calculate(_table(), profile="cn-mee-ets-2022")
    rep = _yaml(tmp_path, """
denominators:
  revenue: 57.03
reported:
  - {metric: scope2_per_revenue, value: "10.00", unit: 噸二氧化碳當量/百萬港元}
""")
    (row,) = ghgcalc.reconcile(result, rep).to_list()
    assert row["status"] == "not_recomputed"   # a unit that cannot be bridged: never "differs" (contract section 8)
    assert "bare number" in row["reason"] and "revenue" in row["reason"]
