"""Every shipped factor row is pinned to the value its document prints (issue 4, Done when).

The pins are the rows of tests/data/factor_pins.csv (tests/factor_pins.py); tests/test_factor_pins.py
checks each shipped row against its pin. Here: no shipped row (in particular no ``verified`` one) lacks a
pin, every pin names a shipped row, and the file is well formed.
"""
from __future__ import annotations

from decimal import Decimal

from factor_pins import load_pins

import ghgcalc


def test_every_shipped_row_is_pinned() -> None:
    pins = load_pins()
    lib = ghgcalc.default_library()
    missing_verified = sorted(r.id for r in lib if r.review_status == "verified" and r.id not in pins)
    assert not missing_verified, f"{len(missing_verified)} verified rows have no pin: {missing_verified[:20]}"
    missing = sorted(r.id for r in lib if r.id not in pins)
    assert not missing, f"{len(missing)} shipped rows have no pin: {missing[:20]}"


def test_every_pin_names_a_shipped_row() -> None:
    ids = {r.id for r in ghgcalc.default_library()}
    unknown = sorted(set(load_pins()) - ids)
    assert not unknown, f"pins of rows that are not shipped: {unknown}"


def test_the_pins_file_is_well_formed() -> None:
    pins = load_pins()  # raises on a repeated id, a value that is not a decimal, a pin without source or unit
    assert len(pins) >= 1185
    for pin in pins.values():
        assert pin.source.strip() and Decimal(pin.value).is_finite(), pin.id
        if pin.range_pinned and not pin.no_range:
            assert Decimal(pin.uncertainty_low) <= Decimal(pin.uncertainty_high), pin.id
