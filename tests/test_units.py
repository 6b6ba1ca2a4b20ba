from __future__ import annotations

from fractions import Fraction

import pytest

from ghgcalc.core.units import Q_, conversion_factor, dims_of, gas_of, parse_unit
from ghgcalc.errors import UnitError

# spelling -> (target unit, exact factor)
SPELLINGS = [
    ("兆瓦時", "MWh", 1), ("兆瓦时", "MWh", 1), ("千瓦時", "kWh", 1), ("千瓦时", "kWh", 1), ("度", "kWh", 1),
    ("萬千瓦時", "MWh", 10), ("万千瓦时", "MWh", 10), ("億千瓦時", "MWh", 100000), ("亿千瓦时", "GWh", 100),
    ("吉焦", "GJ", 1), ("噸", "t", 1), ("吨", "kg", 1000), ("萬噸", "t", 10000), ("万吨", "t", 10000),
    ("立方米", "m**3", 1), ("萬立方米", "m**3", 10000), ("m³", "m**3", 1), ("Nm3", "m**3", 1), ("升", "L", 1), ("公升", "L", 1),
    ("噸標準煤", "kgce", 1000), ("吨标准煤", "tce", 1), ("'000 kWh", "MWh", 1), ("thousand kWh", "MWh", 1), ("MWh'000", "GWh", 1),
    ("10^4 t CO2e", "t CO2e", 10000), ("10⁴ t", "t", 10000), ("tCO2e", "kg CO2e", 1000), ("GJ", "MWh", Fraction(5, 18)),
    ("GJ/(10^4 m^3)", "MJ/m**3", Fraction(1, 10)), ("GJ/10^4Nm3", "MJ/m**3", Fraction(1, 10)), ("噸╱人", "kg/person", 1000),
    ("千克╱人", "kg/person", 1), ("therm (EC)", "MJ", Fraction("105.506")), ("mmbtu", "btu", 1000000), ("scf", "ft**3", 1),
]


@pytest.mark.parametrize("spelling, target, factor", SPELLINGS)
def test_spellings(spelling: str, target: str, factor: Fraction) -> None:
    assert conversion_factor(spelling, target) == Fraction(factor)


def test_gases_are_distinct_dimensions() -> None:
    with pytest.raises(UnitError):
        conversion_factor("t CH4", "t CO2e")
    with pytest.raises(UnitError):
        conversion_factor("t CO2", "t CO2e")
    assert gas_of("kg CH4") == "CH4"
    assert gas_of("t CO2e") == "CO2e"
    assert gas_of("MWh") is None
    assert gas_of("t CO2/MWh") is None


def test_coal_equivalent_is_not_an_energy_unit() -> None:
    with pytest.raises(UnitError):
        conversion_factor("tce", "GJ")


def test_unknown_unit() -> None:
    with pytest.raises(UnitError) as info:
        parse_unit("bananas")
    assert info.value.column == "unit"


def test_public_quantities_print() -> None:
    assert str(Q_(3.0, "m³")) == "3.0 meter ** 3"


def test_user_registry_untouched() -> None:
    import pint

    ureg = pint.UnitRegistry()
    with pytest.raises(pint.UndefinedUnitError):
        ureg.Unit("萬千瓦時")


@pytest.mark.parametrize(
    ("unit", "dims"),
    [
        # a GWP as the IPCC tables print it: CO2e per mass of the gas, not CO2e times the gas
        ("t CO2e/t CH4", {"[co2_equivalent]": 1, "[methane]": -1}),
        ("kg CO2e/kg N2O", {"[co2_equivalent]": 1, "[nitrous_oxide]": -1}),
        ("W/m**2 K", {"[mass]": 1, "[time]": -3, "[temperature]": -1}),
        ("GJ/10^4Nm3", {"[mass]": 1, "[length]": -1, "[time]": -2}),
        ("kg CO2/TJ", {"[carbon_dioxide]": 1, "[length]": -2, "[time]": 2}),
    ],
)
def test_denominator_of_several_units_is_one_group(unit: str, dims: dict[str, int]) -> None:
    assert dims_of(unit) == {k: Fraction(v) for k, v in dims.items()}


def test_gwp_units_convert_by_mass_ratio_only() -> None:
    assert conversion_factor("kg CO2e/kg CH4", "t CO2e/t CH4") == 1
    assert conversion_factor("kg CO2e/g N2O", "t CO2e/t N2O") == 1000
    with pytest.raises(UnitError):
        conversion_factor("t CO2e/t CH4", "t CO2e/t N2O")
