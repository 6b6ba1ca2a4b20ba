"""Uncertainty by group of a result that keeps sums, not rows (a streamed file; the Dask case is
in test_dask.py): the same intervals as in memory, from the per-(group, key) sums (issue 14,
item 5)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ghgcalc
from ghgcalc.errors import GhgcalcError

PROFILE = "kuaishou-2022"
MIX = [("electricity", "MWh"), ("diesel", "t"), ("柴油", "噸"), ("natural_gas", "m**3"), ("heat", "GJ"),
       ("外購電力", "萬千瓦時"), ("fresh_water", "m**3")]


def _table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(MIX), n)
    return pd.DataFrame({
        "facility": rng.choice(["Plant A", "Plant B", "HQ", ""], n),
        "carrier": [MIX[i][0] for i in pick],
        "quantity": rng.gamma(2.0, 300.0, n).round(2),
        "unit": [MIX[i][1] for i in pick],
        "period": rng.choice(["2022-03", "2022-09"], n),
    })


@pytest.mark.parametrize(("seed", "by", "method"), [(0, "facility", "approach1"), (1, "carrier", "approach2"),
                                                    (2, "period", "approach1"), (3, "scope", "approach2")])
def test_streamed_uncertainty_by_group_equals_in_memory(seed: int, by: str, method: str) -> None:
    df = _table(400, seed)
    mem = ghgcalc.calculate(df, PROFILE, {"headcount": 100})
    st = ghgcalc.calculate(df, PROFILE, {"headcount": 100}, chunk_rows=70)
    for metric in ("scope1_2", "scope1", "energy_total"):
        want = mem.uncertainty(metric, method, n=500, seed=seed, by=by)  # type: ignore[arg-type]
        got = st.uncertainty(metric, method, n=500, seed=seed, by=by)  # type: ignore[arg-type]
        assert sorted(map(str, got.index)) == sorted(map(str, want.index)), (metric, by)
        got = got.set_axis(list(map(str, got.index))).loc[list(map(str, want.index))]
        assert np.allclose(got.to_numpy(float), want.to_numpy(float), rtol=1e-9, atol=1e-12, equal_nan=True), (metric, by)
        assert got.attrs["unit"] == want.attrs["unit"] and got.attrs["exact_factors"] == want.attrs["exact_factors"]
    # the whole: the same bits
    a, b = mem.uncertainty("scope1_2", method, n=500, seed=seed), st.uncertainty("scope1_2", method, n=500, seed=seed)  # type: ignore[arg-type]
    assert (a.value, a.lower, a.upper) == (b.value, b.lower, b.upper)


def test_streamed_uncertainty_by_a_column_not_kept_says_how() -> None:
    df = _table(100, 5)
    df["site"] = "north"
    st = ghgcalc.calculate(df, PROFILE, chunk_rows=30)
    with pytest.raises(GhgcalcError, match=r"by=\('site'"):
        st.uncertainty("scope1_2", "approach1", by="site")
    with pytest.raises(KeyError, match="no column 'nowhere'"):
        st.uncertainty("scope1_2", "approach1", by="nowhere")
    with pytest.raises(KeyError, match="no column 'nowhere'"):
        ghgcalc.calculate(df, PROFILE).uncertainty("scope1_2", "approach1", by="nowhere")
