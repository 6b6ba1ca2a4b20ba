from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

import ghgcalc
from ghgcalc.analysis.reconciliation import round_half_up
from ghgcalc.errors import ReportedFiguresError


def _profile(factor: str = "1 t CO2/MWh") -> dict[str, Any]:
    return {"id": "t", "reporting_year": 2022, "gwp_set": "AR5", "energy_basis": "heating_value",
            "carriers": {"electricity": {"emission": [factor]}}}


def _status(quantity: str, printed: str, unit: str = "t CO2e", factor: str = "1 t CO2/MWh", metric: str = "scope2") -> dict[str, Any]:
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": quantity, "unit": "MWh"}], _profile(factor))
    rec = ghgcalc.reconcile(res, {"reported": [{"metric": metric, "value": printed, "unit": unit}]})
    return rec.entries[0]


def test_round_half_up_is_exact() -> None:
    assert round_half_up(Fraction("1.005"), 2) == Fraction("1.01")   # float round(1.005, 2) gives 1.0
    assert round_half_up(Fraction("2.5"), 0) == 3
    assert round_half_up(Fraction("-2.5"), 0) == -3
    assert round_half_up(Fraction("0.125"), 2) == Fraction("0.13")


def test_figure_exactly_on_a_rounding_boundary_rounds_up() -> None:
    # 1.005 MWh x 1 t/MWh = 1.005 t exactly; half-up at 2 decimals is 1.01 (a float would say 1.00)
    assert _status("1.005", "1.01")["status"] == "reproduced"
    e = _status("1.005", "1.00")
    assert e["status"] == "consistent"   # the input printed as 1.005 allows [1.0045, 1.0055]


def test_boundary_reached_through_a_factor() -> None:
    # 0.3 MWh x 0.35 t/MWh = 0.105 t exactly -> 0.11 half-up (float: 0.10499999999999998)
    assert _status("0.3", "0.11", factor="0.35 t CO2/MWh")["status"] == "reproduced"


def test_differs_says_by_how_much_and_what_would_reproduce() -> None:
    e = _status("100", "120", factor="1 t CO2/MWh")
    assert e["status"] == "differs"
    assert e["recomputed"] == "100"
    assert "differs by -20" in e["reason"]
    assert "[1.195, 1.205)" in e["reason"]        # the factor value that would reproduce 120
    assert "quantity 100 would have to lie in [119.5, 120.5)" in e["reason"]


def test_consistent_when_inputs_are_too_coarse() -> None:
    # input printed 0.3 stands for [0.25, 0.35); 0.32 is reachable but 0.3 x 1 = 0.30
    e = _status("0.3", "0.32")
    assert e["status"] == "consistent"
    assert _status("0.30", "0.32")["status"] == "differs"   # more digits, narrower range


def test_unit_conversion_to_printed_unit() -> None:
    assert _status("12345", "1.23", unit="10^4 t CO2e")["status"] == "reproduced"
    assert _status("12345", "1.24", unit="萬噸 CO2e")["status"] == "differs"


def test_not_recomputed() -> None:
    assert _status("1", "1.35", unit="", metric="data_centre_pue")["status"] == "not_recomputed"
    e = _status("1", "1", unit="m**3", metric="fresh_water")
    assert e["status"] == "not_recomputed"


def test_breakdown_by_carrier() -> None:
    res = ghgcalc.calculate("ghgcalc/data/examples/kuaishou-2022/activity.csv", "kuaishou-2022")
    rec = ghgcalc.reconcile(res, {"reported": [
        {"metric": "energy_direct", "carrier": "diesel", "value": "36,819.70", "unit": "MWh"},
        {"metric": "scope2", "carrier": "外購電力", "value": "875,385.68", "unit": "t CO2e"},
    ]})
    assert [e["status"] for e in rec] == ["reproduced", "reproduced"]


@pytest.mark.parametrize("bad", [
    {"reported": [{"metric": "scope1", "value": 1.02, "unit": "t CO2e"}]},
    {"reported": [{"metric": "scope1", "value": "abc", "unit": "t CO2e"}]},
    {"reported": [{"metric": "scope1", "value": "1", "unit": "parsecs of joy"}]},
    {"nothing": []},
])
def test_malformed_reported_figures(bad: dict[str, Any]) -> None:
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": "1", "unit": "MWh"}], _profile())
    with pytest.raises(ReportedFiguresError):
        ghgcalc.reconcile(res, bad)
