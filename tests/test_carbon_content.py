"""CO2 by the carbon content method: activity x NCV x carbon content x oxidation rate x 44/12.

Formula: GB/T 32151.1-2015 formula (3) and the NDRC industry accounting guidelines
(e.g. 中国发电企业温室气体排放核算方法与报告指南（试行）, 发改办气候〔2013〕2526号, formula 4);
IPCC 2006 Vol. 2 Ch. 1 section 1.4.2.1. Default parameters of the NDRC guidelines' appendix
table (常用化石燃料相关参数缺省值): diesel NCV 42.652 GJ/t, carbon content 20.20 t C/TJ,
oxidation rate 98 %; natural gas NCV 389.31 GJ/10^4 Nm3, 15.30 t C/TJ, 99 %. The derived
factors 3.0959 t CO2/t (diesel) and 21.622 t CO2/10^4 Nm3 (2.1622 kg CO2/Nm3, natural gas)
are the figures Chinese reports and tools print from these defaults.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest

import ghgcalc
from ghgcalc.core.factors import FactorRow
from ghgcalc.core.method import Method
from ghgcalc.core.profiles import load_profile
from ghgcalc.core.units import conversion_factor
from ghgcalc.errors import ActivityDataError, FactorError, ProfileError


def profile(**diesel: Any) -> dict[str, Any]:
    spec = {"heating_value": "42.652 GJ/t", "carbon_content": "20.20 t C/TJ", "oxidation_rate": "98 percent", **diesel}
    return {"id": "cc", "reporting_year": 2022, "gwp_set": "AR5", "carriers": {
        "diesel": spec,
        "natural_gas": {"heating_value": "389.31 GJ/(10^4 m^3)", "carbon_content": "15.30 t C/TJ", "oxidation_rate": "99 percent"},
    }}


def _half_up(x: Fraction, places: str) -> Decimal:
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _exact_coef(prof: dict[str, Any], carrier: str, unit: str) -> Fraction:
    res = Method.from_profile(load_profile(prof)).resolve(carrier, unit, 2022, "CN", 0)
    assert res.error is None, res.error
    coef = res.coef["co2_t"]
    assert coef is not None
    return coef


def test_diesel_by_hand() -> None:
    # hand computation: 42.652 GJ/t x 20.20 t C/TJ x 0.98 x 44/12, in t CO2 per t
    hand = Fraction("42.652") * Fraction("20.20") / 1000 * Fraction("0.98") * Fraction(44, 12)
    got = _exact_coef(profile(), "diesel", "t")
    assert got == hand
    assert _half_up(got, "0.0001") == Decimal("3.0959")


def test_natural_gas_by_hand() -> None:
    hand = Fraction("389.31") * Fraction("15.30") / 1000 * Fraction("0.99") * Fraction(44, 12)  # t CO2 / 10^4 m3
    got = _exact_coef(profile(), "natural_gas", "萬立方米")
    assert got == hand
    assert _half_up(got, "0.001") == Decimal("21.622")


def test_rows_record_the_chain_and_the_formula() -> None:
    res = ghgcalc.calculate([{"carrier": "柴油", "quantity": "10", "unit": "噸"}], profile())
    row = res.rows.iloc[0]
    ids = str(row["factor_ids"]).split(";")
    assert {"literal:cc:carriers.diesel.carbon_content[0]", "literal:cc:carriers.diesel.oxidation_rate[0]",
            "literal:cc:carriers.diesel.heating_value[0]"} <= set(ids)
    assert "44/12" in str(row["method_notes"])
    hand = 10 * Fraction("42.652") * Fraction("20.20") / 1000 * Fraction("0.98") * Fraction(44, 12)
    assert row["co2e_t"] == pytest.approx(float(hand), rel=1e-12)
    assert row["co2_t"] == row["co2e_t"]


def test_44_over_12_is_data_not_code() -> None:
    # the ratio comes from ghgcalc/data/units.txt, exactly 44/12 as the guidelines print it
    assert conversion_factor("t carbon_to_co2 * t C", "t CO2 * t") == Fraction(44, 12)


def test_oxidation_rate_as_fraction_equals_percent() -> None:
    a = _exact_coef(profile(), "diesel", "t")
    b = _exact_coef(profile(oxidation_rate="0.98 dimensionless"), "diesel", "t")
    assert a == b


def test_carbon_content_per_gj_equals_per_tj() -> None:
    assert _exact_coef(profile(carbon_content="0.02020 t C/GJ"), "diesel", "t") == _exact_coef(profile(), "diesel", "t")


def test_ch4_n2o_factors_besides_carbon_content() -> None:
    prof = profile(emission=["ipcc-2006-v2-t2.2-diesel-ch4", "ipcc-2006-v2-t2.2-diesel-n2o"])
    res = ghgcalc.calculate([{"carrier": "diesel", "quantity": "1", "unit": "t"}], prof)
    row = res.rows.iloc[0]
    tj = 42.652e-3
    assert row["ch4_t"] == pytest.approx(tj * 3e-3, rel=1e-12)
    assert row["n2o_t"] == pytest.approx(tj * 0.6e-3, rel=1e-12)
    # AR5 GWP: CH4 28, N2O 265 (IPCC AR5 WG1 Table 8.A.1)
    assert row["co2e_t"] == pytest.approx(row["co2_t"] + 28 * row["ch4_t"] + 265 * row["n2o_t"], rel=1e-12)


def test_co2_given_twice_is_a_profile_error() -> None:
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate([{"carrier": "diesel", "quantity": "1", "unit": "t"}],
                          profile(emission=["ipcc-2006-v2-t1.4-diesel-co2"]))
    assert info.value.key == "carriers.diesel.carbon_content"


def test_carbon_content_without_oxidation_rate_is_a_profile_error() -> None:
    prof = profile()
    del prof["carriers"]["diesel"]["oxidation_rate"]
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate([{"carrier": "diesel", "quantity": "1", "unit": "t"}], prof)
    assert info.value.key == "carriers.diesel.oxidation_rate"


def test_without_heating_value_a_mass_is_a_row_error() -> None:
    prof = profile()
    del prof["carriers"]["diesel"]["heating_value"]
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate([{"carrier": "diesel", "quantity": "1", "unit": "t"}], prof)
    assert info.value.issues[0].column == "unit"
    # in energy units the heating value is not needed
    res = ghgcalc.calculate([{"carrier": "diesel", "quantity": "1", "unit": "TJ"}], prof)
    assert res.rows["co2_t"].iloc[0] == pytest.approx(20.20 * 0.98 * 44 / 12, rel=1e-12)


def test_factor_rows_validate_their_kind() -> None:
    common = {"carrier": "diesel", "publisher": "x"}
    FactorRow(id="a", kind="carbon_content", gas="C", value="20.2", unit="t C/TJ", **common)
    FactorRow(id="b", kind="oxidation_rate", value="98", unit="percent", **common)
    with pytest.raises(ValueError, match="carbon in its numerator"):
        FactorRow(id="c", kind="carbon_content", gas="C", value="20.2", unit="t CO2/TJ", **common)
    with pytest.raises(ValueError, match="gas 'C'"):
        FactorRow(id="d", kind="carbon_content", gas="CO2", value="20.2", unit="t C/TJ", **common)
    with pytest.raises(ValueError, match="percent"):
        FactorRow(id="e", kind="oxidation_rate", value="98", unit="t", **common)
    with pytest.raises(ValueError, match="oxidation rate must lie"):
        FactorRow(id="f", kind="oxidation_rate", value="101", unit="percent", **common)


def test_shipped_rows_of_the_new_kinds_are_consistent() -> None:
    from ghgcalc.core.factors import default_library

    lib = default_library()
    for r in lib.select(kind="oxidation_rate"):
        assert 0 < r.quantity.to("dimensionless").magnitude <= 1, r.id
    for r in lib.select(kind="carbon_content"):
        assert r.gas in (None, "C"), r.id
    with pytest.raises(FactorError):
        lib.get("no-such-carbon-content")
