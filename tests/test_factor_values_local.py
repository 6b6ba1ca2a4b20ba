"""Pins for local (provincial/municipal) defaults: (factor_id, printed value, citation)."""
from __future__ import annotations

import pytest

from ghgcalc.core.factors import default_library

PINS = [
    ("cn-sh-electricity-2022", "4.2",
     "沪环气〔2022〕34号: 电力排放因子缺省值由7.88t CO2/10^4kWh调整为4.2t CO2/10^4kWh "
     "(repost tanzhonghe.xny365.com/zhengcefagui/38966.html)"),
]


@pytest.mark.parametrize(("factor_id", "value", "citation"), PINS)
def test_factor_value_matches_its_document(factor_id: str, value: str, citation: str) -> None:
    assert default_library().get(factor_id).value == value, citation


def test_shanghai_electricity_default_is_per_ten_thousand_kwh() -> None:
    from fractions import Fraction

    row = default_library().get("cn-sh-electricity-2022")
    from ghgcalc.core.units import conversion_factor

    # 4.2 t CO2 per 10^4 kWh = 0.42 t CO2/MWh
    assert Fraction(row.value) * conversion_factor(row.unit, "t CO2/MWh") == Fraction(42, 100)
