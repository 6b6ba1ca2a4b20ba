"""The reason a figure is ``consistent`` shows the interval the rounding of the printed inputs
allows at one place more than the figure is printed to: at six significant digits a large figure
read "allows [167662, 167662], which contains the printed 167,661.53" (Tatung Co., 2019:
46,572.65 thousand kWh printed as 167,661.53 GJ; tests/data/cases/tw-tatung-2019)."""

from __future__ import annotations

from typing import Any

import pytest

import ghgcalc


def _entry(quantity: str, unit: str, printed: str, printed_unit: str) -> dict[str, Any]:
    profile = {"id": "t", "reporting_year": 2019, "gwp_set": "AR5", "energy_basis": "heating_value",
               "carriers": {"electricity": {"emission": ["0.5 t CO2/MWh"]}}}
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": quantity, "unit": unit}], profile)
    rec = ghgcalc.reconcile(res, {"reported": [{"metric": "energy_indirect", "value": printed, "unit": printed_unit}]})
    return rec.entries[0]


@pytest.mark.parametrize(("quantity", "unit", "printed", "printed_unit", "exact", "low", "high"), [
    # 46,572.65 MWh stands for [46,572.645, 46,572.655) -> x 3.6 GJ/MWh
    ("46,572.65", "kkw-hr", "167,661.53", "GJ", "167661.540", "167661.522", "167661.558"),
    ("46,572.65", "MWh", "167661.53", "GJ", "167661.540", "167661.522", "167661.558"),
    # printed without decimals: one decimal shown
    ("1,001", "MWh", "3603", "GJ", "3603.6", "3601.8", "3605.4"),
])
def test_consistent_reason_shows_the_interval_one_place_finer(quantity: str, unit: str, printed: str, printed_unit: str,
                                                              exact: str, low: str, high: str) -> None:
    e = _entry(quantity, unit, printed, printed_unit)
    assert e["status"] == "consistent", e
    assert f"exact recomputation {exact} rounds to {e['recomputed']}" in e["reason"]
    assert f"allows [{low}, {high}], which contains the printed {printed}" in e["reason"]
