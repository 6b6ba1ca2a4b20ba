"""Invariants (hypothesis): linearity, additivity over a split of the rows, order and unit invariance."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import ghgcalc

PROFILE = "kuaishou-2022"
CARRIER_UNITS = {
    "electricity": [("MWh", 1.0), ("kWh", 1000.0), ("萬千瓦時", 0.1)],
    "diesel": [("t", 1.0), ("kg", 1000.0)],
    "natural_gas": [("m**3", 1.0), ("萬立方米", 1e-4)],
    "heat": [("GJ", 1.0), ("MJ", 1000.0)],
}
METRICS = ("scope1", "scope2", "scope1_2", "energy_total", "energy_direct", "energy_indirect", "energy_total_tce")

rows_strategy = st.lists(
    st.tuples(st.sampled_from(sorted(CARRIER_UNITS)), st.floats(min_value=0, max_value=1e7, allow_nan=False), st.integers(0, 9)),
    min_size=1, max_size=25,
)


def _frame(rows: list[tuple[str, float, int]], unit_pick: int = 0) -> pd.DataFrame:
    recs: list[dict[str, Any]] = []
    for carrier, q, fac in rows:
        unit, scale = CARRIER_UNITS[carrier][unit_pick % len(CARRIER_UNITS[carrier])]
        recs.append({"carrier": carrier, "quantity": q * scale, "unit": unit, "facility": f"F{fac}"})
    return pd.DataFrame(recs)


def _totals(df: pd.DataFrame) -> dict[str, float]:
    t = ghgcalc.calculate(df, PROFILE).totals()
    return {m: float(t[m].magnitude) for m in METRICS}


def _close(a: dict[str, float], b: dict[str, float], rel: float = 1e-9) -> None:
    for m in METRICS:
        assert np.isclose(a[m], b[m], rtol=rel, atol=1e-9), (m, a[m], b[m])


@given(rows_strategy, st.floats(min_value=0.001, max_value=1000))
def test_linearity_in_quantity(rows: list[tuple[str, float, int]], k: float) -> None:
    df = _frame(rows)
    scaled = df.assign(quantity=df["quantity"] * k)
    a, b = _totals(df), _totals(scaled)
    _close({m: v * k for m, v in a.items()}, b)


@given(rows_strategy, st.integers(0, 25))
def test_additivity_over_a_split(rows: list[tuple[str, float, int]], cut: int) -> None:
    df = _frame(rows)
    left, right = df.iloc[:cut], df.iloc[cut:]
    whole = _totals(df)
    parts = [(_totals(p) if len(p) else dict.fromkeys(METRICS, 0.0)) for p in (left, right)]
    _close(whole, {m: parts[0][m] + parts[1][m] for m in METRICS})


@given(rows_strategy, st.randoms(use_true_random=False))
def test_order_invariance(rows: list[tuple[str, float, int]], rnd: Any) -> None:
    df = _frame(rows)
    idx = list(range(len(df)))
    rnd.shuffle(idx)
    _close(_totals(df), _totals(df.iloc[idx].reset_index(drop=True)))


@given(rows_strategy, st.integers(0, 2))
def test_unit_invariance(rows: list[tuple[str, float, int]], pick: int) -> None:
    _close(_totals(_frame(rows, 0)), _totals(_frame(rows, pick)))


@settings(max_examples=25, deadline=None)
@given(rows_strategy)
def test_breakdown_sums_to_total(rows: list[tuple[str, float, int]]) -> None:
    df = _frame(rows)
    res = ghgcalc.calculate(df, PROFILE)
    by = res.totals(by="facility")
    tot = res.totals()
    for m in METRICS:
        assert np.isclose(by[m].sum(), tot[m].magnitude, rtol=1e-9, atol=1e-9)
