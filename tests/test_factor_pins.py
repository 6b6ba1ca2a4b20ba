"""Every shipped factor row against its pin in tests/data/factor_pins.csv (see tests/factor_pins.py):
the value as its document prints it (compared as decimals, and digit for digit as printed), the unit,
and where pinned the printed range, coverage, review status and the texts the notes must keep.
One test per factor id; tests/test_factor_pins_complete.py checks that no shipped row lacks a pin.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from factor_pins import Pin, load_pins

import ghgcalc

PINS = load_pins()


@pytest.mark.parametrize("pin", [pytest.param(p, id=p.id) for p in PINS.values()])
def test_shipped_row_matches_its_pin(pin: Pin) -> None:
    row = ghgcalc.default_library().get(pin.id)
    cite = f"{pin.id}: {pin.source}"
    assert Decimal(row.value) == Decimal(pin.value), f"shipped {row.value}, document prints {pin.value}; {cite}"
    assert row.value == pin.value, f"same number, but shipped as {row.value!r}, printed as {pin.value!r}; {cite}"
    assert row.unit == pin.unit, cite
    if pin.no_range:
        assert row.uncertainty_low is None and row.uncertainty_high is None, cite
    elif pin.range_pinned:
        assert row.uncertainty_low is not None and row.uncertainty_high is not None, cite
        low, high = Decimal(pin.uncertainty_low), Decimal(pin.uncertainty_high)
        assert (Decimal(row.uncertainty_low), Decimal(row.uncertainty_high)) == (low, high), cite
        assert (row.uncertainty_low, row.uncertainty_high) == (pin.uncertainty_low, pin.uncertainty_high), cite
        assert low <= Decimal(row.value) <= high, cite
    if pin.uncertainty_coverage:
        assert row.uncertainty_coverage is not None, cite
        assert Decimal(str(row.uncertainty_coverage)) == Decimal(pin.uncertainty_coverage), cite
    if pin.review_status:
        assert row.review_status == pin.review_status, cite
    for text in pin.notes_contain:
        assert text in (row.notes or ""), f"notes lack {text!r}; {cite}"
    for text in pin.reference_contains:
        assert text in (row.reference or ""), f"reference lacks {text!r}; {cite}"
