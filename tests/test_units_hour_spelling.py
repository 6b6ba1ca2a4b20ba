"""Watt-hours with the hour spelt "hr", and thousands of kWh as "kkWh" (issue 15 item 6: units as
reports print them). A Taiwanese CSR page (Tatung Co., tests/data/cases/tw-tatung-2019) prints
purchased electricity as "46,572.65 kkw-hr" and, two years on, "38,558.99 kkWh", each restating a
GJ figure at 3.6 GJ per thousand kWh; US bills and inventories print "kW-hr" and "kWhr"."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ghgcalc.core.units import conversion_factor, normalize_unit_text
from ghgcalc.errors import UnitError


@pytest.mark.parametrize(("printed", "kwh"), [
    ("kkw-hr", 1000), ("kkWh", 1000), ("kkwh", 1000), ("KKWH", 1000), ("kk W-hr", None),
    ("kW-hr", 1), ("KW-HR", 1), ("kWhr", 1), ("kw hr", 1), ("kWhrs", 1), ("kW-hr.", 1),
    ("MW-hr", 1000), ("mw-hr", 1000), ("GW-hrs", 1_000_000), ("w-hr", Fraction(1, 1000)),
])
def test_hour_spelt_hr_and_thousands_of_kwh_read_as_energy(printed: str, kwh: int | Fraction | None) -> None:
    if kwh is None:   # a space inside the prefix is not a spelling any page prints: refused, not guessed
        with pytest.raises(UnitError):
            conversion_factor(printed, "kWh")
        return
    assert conversion_factor(printed, "kWh") == kwh


def test_a_thousand_kwh_is_a_megawatt_hour_and_3_6_gj() -> None:
    """The Tatung page's own restatement: 46,572.65 kkw-hr is 167,661.54 GJ (printed 167,661.53,
    the kWh being rounded to ten)."""
    assert conversion_factor("kkw-hr", "MWh") == 1
    assert conversion_factor("kkWh", "GJ") == Fraction(18, 5)
    assert Fraction("46572.65") * conversion_factor("kkw-hr", "GJ") == Fraction("167661.54")


@pytest.mark.parametrize("unit", ["t/hr", "hr", "kW", "kWh", "MWh", "kg/kWh", "L/hr"])
def test_other_units_with_hr_or_w_are_left_alone(unit: str) -> None:
    """Only a watt followed by an hour spelt hr is rewritten: a rate per hour stays a rate, a
    power stays a power."""
    assert "Wh" not in normalize_unit_text(unit).replace("kWh", "").replace("MWh", "")
    assert conversion_factor(unit, unit) == 1


def test_per_unit_spelling_keeps_its_denominator() -> None:
    assert conversion_factor("kg CO2e/kW-hr", "kg CO2e/kWh") == 1
    assert conversion_factor("kWh/kkw-hr", "dimensionless") == Fraction(1, 1000)
