"""The shipped China default fuel parameters, used through the carbon content method, give the
CO2 factors Chinese reports and tools print from them (GB/T 32151 Table C.1 / NDRC guideline
appendix table 常用化石燃料相关参数缺省值): diesel 42.652 GJ/t x 20.2 t C/TJ x 98 % x 44/12 =
3.0959 t CO2/t; natural gas 389.31 GJ/10^4 Nm3 x 15.3 t C/TJ x 99 % x 44/12 = 21.622 t CO2/10^4 Nm3
(the same figures appear in third-party tools, file id 58550553546). Factor ids, not literals, so a
silent change of a shipped row fails here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from ghgcalc.core.factors import default_library
from ghgcalc.core.method import Method
from ghgcalc.core.profiles import load_profile


def _coef(carrier: str, unit: str, suffix: str = "", year: int = 2023) -> Fraction:
    """t CO2 per unit of ``carrier`` by the carbon content method with the China default rows
    ``cn-default-<ncv|cc|of>-<carrier><suffix>``, for data year ``year``."""
    slug = carrier.replace("_", "-")
    prof = {"id": "cn-default", "reporting_year": year, "gwp_set": "AR5", "carriers": {carrier: {
        "heating_value": f"cn-default-ncv-{slug}{suffix}",
        "carbon_content": f"cn-default-cc-{slug}{suffix}",
        "oxidation_rate": f"cn-default-of-{slug}{suffix}",
    }}}
    res = Method.from_profile(load_profile(prof)).resolve(carrier, unit, year, "CN", 0)
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
    for r in default_library():
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
    lib = default_library()
    for r in lib.select(kind="carbon_content"):
        if r.id.startswith("cn-default-cc-"):
            ncv = r.id.replace("-cc-", "-ncv-", 1)
            assert ncv in lib, f"{r.id} has no {ncv}"
            assert lib.get(ncv).carrier == r.carrier


def table_pins(table: list[tuple[str, str, str, str, str]], suffix: str, cite: str,
               of_word: str = "碳氧化率") -> list[tuple[str, str, str]]:
    """Value pins of a printed default-parameter table, three per fuel: (factor id, printed
    value, citation) for its NCV, carbon content and oxidation rate; each table row is
    (slug, Chinese name, NCV, carbon content, oxidation rate) as printed."""
    return [pin for slug, zh, ncv, cc, of in table for pin in (
        (f"cn-default-ncv-{slug}{suffix}", ncv, f"{cite}, 低位发热量 {zh}"),
        (f"cn-default-cc-{slug}{suffix}", cc, f"{cite}, 单位热值含碳量 {zh}"),
        (f"cn-default-of-{slug}{suffix}", of, f"{cite}, {of_word} {zh}"),
    )]
