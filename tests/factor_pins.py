"""The factor pins: ``tests/data/factor_pins.csv``, one row per shipped factor id with the value its
document prints and the citation it was typed from.

The file is an independent record of the source documents: its values were typed from the documents
(first as literals in the old ``tests/test_factor_values*.py`` files, which it replaces), never read
from the shipped tables, so a silent edit of a shipped value fails a test. Columns:

* ``id``, ``value`` (as printed), ``unit``;
* ``uncertainty_low``, ``uncertainty_high``: the printed range where it is pinned; ``none`` when the
  document prints no usable range (the row must ship none); blank when not pinned;
* ``uncertainty_coverage``, ``review_status``: pinned where not blank;
* ``notes_contain``, ``reference_contains``: texts (separated by `` | ``) the row's notes / reference must
  contain, e.g. where it was read;
* ``source``: the citation(s), separated by `` | ``.

The ``unit`` column was taken from the shipped rows when the file was made (2026-12-07): the old pins did
not pin units, so it guards against a later silent unit change, not against a wrong unit then.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

PINS_CSV = Path(__file__).parent / "data" / "factor_pins.csv"
COLUMNS = ("id", "value", "unit", "uncertainty_low", "uncertainty_high", "uncertainty_coverage", "review_status",
           "notes_contain", "reference_contains", "source")
NO_RANGE = "none"
SEP = " | "


@dataclass(frozen=True)
class Pin:
    id: str
    value: str
    unit: str
    uncertainty_low: str
    uncertainty_high: str
    uncertainty_coverage: str
    review_status: str
    notes_contain: tuple[str, ...]
    reference_contains: tuple[str, ...]
    source: str

    @property
    def range_pinned(self) -> bool:
        return bool(self.uncertainty_low or self.uncertainty_high)

    @property
    def no_range(self) -> bool:
        return self.uncertainty_low == NO_RANGE


def _decimal(text: str, where: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{PINS_CSV.name}: {where}: {text!r} is not a decimal number") from None


@cache
def load_pins() -> dict[str, Pin]:
    """The pins by factor id; raises ValueError on a malformed file (duplicate id, bad number, no source)."""
    out: dict[str, Pin] = {}
    with PINS_CSV.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{PINS_CSV.name}: columns {reader.fieldnames}, expected {list(COLUMNS)}")
        for line, raw in enumerate(reader, start=2):
            where = f"line {line} ({raw['id']})"
            pin = Pin(
                id=raw["id"], value=raw["value"], unit=raw["unit"],
                uncertainty_low=raw["uncertainty_low"], uncertainty_high=raw["uncertainty_high"],
                uncertainty_coverage=raw["uncertainty_coverage"], review_status=raw["review_status"],
                notes_contain=tuple(t for t in raw["notes_contain"].split(SEP) if t),
                reference_contains=tuple(t for t in raw["reference_contains"].split(SEP) if t),
                source=raw["source"],
            )
            if not pin.id or pin.id in out:
                raise ValueError(f"{PINS_CSV.name}: {where}: empty or repeated id")
            if not pin.source.strip() or not pin.unit.strip():
                raise ValueError(f"{PINS_CSV.name}: {where}: no source or no unit")
            _decimal(pin.value, where)
            if pin.no_range:
                if pin.uncertainty_high != NO_RANGE:
                    raise ValueError(f"{PINS_CSV.name}: {where}: 'none' must be in both range columns")
            elif pin.range_pinned:
                _decimal(pin.uncertainty_low, where)
                _decimal(pin.uncertainty_high, where)
            out[pin.id] = pin
    return out
