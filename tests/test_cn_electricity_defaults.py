"""China electricity defaults besides the MEE/NBS annual tables: the shape of the MEE carbon-market
and CDM/CCER baseline series (issue 4 item 1), and the Shanghai local default's unit.

The values of these rows are pinned in tests/data/factor_pins.csv (tests/test_factor_pins.py).
"""
from __future__ import annotations

from fractions import Fraction

import ghgcalc
from ghgcalc.core.profiles import builtin_profiles
from ghgcalc.core.units import conversion_factor


def test_carbon_market_editions_cover_each_data_year_once() -> None:
    """The MEE carbon-market editions follow one another without gap or overlap from the first
    compliance period (2019-2020 data) on: one national factor per data year."""
    rows = [r for r in ghgcalc.default_library().select(carrier="electricity") if r.series == "cn-mee-ets-grid-national"]
    assert rows
    years: list[int] = []
    for r in rows:
        assert r.valid_from is not None and r.valid_to is not None, r.id
        years.extend(range(r.valid_from, r.valid_to + 1))
    assert sorted(years) == list(range(2019, max(years) + 1))
    assert {r.region for r in rows} == {"CN"} and {r.unit for r in rows} == {"t CO2/MWh"}


def test_ccer_baselines_are_marked_for_avoided_emissions_only() -> None:
    """CDM/CCER baseline margins (OM/BM) are for avoided-emission and offset claims, never a
    Scope 2 inventory factor: every row says so, and no built-in profile pins one."""
    rows = [r for r in ghgcalc.default_library().select(carrier="electricity") if r.id.startswith("cn-ccer-")]
    assert rows
    for r in rows:
        notes = r.notes or ""
        assert "avoided-emission" in notes and "NOT for Scope 2" in notes, r.id
    for pid in builtin_profiles():
        assert "cn-ccer-" not in ghgcalc.load_profile(pid).model_dump_json(), pid


def test_shanghai_electricity_default_is_per_ten_thousand_kwh() -> None:
    row = ghgcalc.default_library().get("cn-sh-electricity-2022")
    # 4.2 t CO2 per 10^4 kWh = 0.42 t CO2/MWh
    assert Fraction(row.value) * conversion_factor(row.unit, "t CO2/MWh") == Fraction(42, 100)
