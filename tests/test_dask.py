"""Dask: calculate() on a Dask DataFrame, run on a distributed.LocalCluster, equals pandas."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import ghgcalc
from ghgcalc.core import results
from ghgcalc.errors import ActivityDataError

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

PROFILE = "kuaishou-2022"
MIX = [("electricity", "MWh"), ("外購電力", "萬千瓦時"), ("diesel", "t"), ("柴油", "噸"), ("natural_gas", "m**3"),
       ("天然氣", "萬立方米"), ("heat", "GJ"), ("fresh_water", "m**3")]


def _table(n: int, seed: int = 0, bad: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(MIX), n)
    df = pd.DataFrame({
        "facility": [f"F{i}" for i in rng.integers(0, 30, n)],
        "carrier": [MIX[i][0] for i in pick],
        "quantity": rng.gamma(2.0, 500.0, n).round(3),
        "unit": [MIX[i][1] for i in pick],
        "period": 2022,
    })
    if bad:
        df.loc[7, "quantity"] = -1.0
        df.loc[n // 2 + 3, "unit"] = "furlong"
    return df


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # blocks smaller than a partition, so that blocks straddle partition boundaries
    monkeypatch.setattr(results, "BLOCK_ROWS", 300)


@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_dask_totals_and_rows_equal_pandas(client: Any, small_blocks: None, npartitions: int) -> None:
    df = _table(4000)
    ddf = dd.from_pandas(df, npartitions=npartitions)
    pd_res = ghgcalc.calculate(df, PROFILE, on_error="collect")
    dk_res = ghgcalc.calculate(ddf, PROFILE, on_error="collect")
    assert isinstance(dk_res.rows, dd.DataFrame)  # lazy
    tp, tk = pd_res.totals(), dk_res.totals()
    assert list(tp) == list(tk)
    for m in tp:  # the same bits
        assert tp[m].magnitude == tk[m].magnitude or (math.isnan(tp[m].magnitude) and math.isnan(tk[m].magnitude)), m
    assert sorted((e.row, e.column) for e in dk_res.errors) == sorted((e.row, e.column) for e in pd_res.errors) \
        == [(7, "quantity"), (2003, "unit")]
    assert dk_res.n_input_rows == 4000 and dk_res.rows_computed == len(pd_res.rows) == 3998 and dk_res.rows_accounted
    rows = dk_res.rows.compute()
    assert rows.index.tolist() == pd_res.rows.index.tolist()
    for c in ("co2e_t", "energy_mwh", "energy_tce", "amount", "scope"):
        assert np.array_equal(rows[c].to_numpy(), pd_res.rows[c].to_numpy(), equal_nan=True), c
    assert rows["factor_ids"].astype(str).tolist() == pd_res.rows["factor_ids"].astype(str).tolist()
    kp, kk = pd_res.kpis(), dk_res.kpis()
    assert kp["metric"].tolist() == kk["metric"].tolist() and np.array_equal(kp["value"].to_numpy(float), kk["value"].to_numpy(float), equal_nan=True)


def test_dask_breakdown_matches_pandas(client: Any) -> None:
    df = _table(3000, bad=False)
    pd_by = ghgcalc.calculate(df, PROFILE).totals(by="facility")
    dk_by = ghgcalc.calculate(dd.from_pandas(df, npartitions=4), PROFILE).totals(by="facility").reindex(pd_by.index)
    assert list(dk_by.columns) == list(pd_by.columns)
    assert np.allclose(dk_by.to_numpy(), pd_by.to_numpy(), rtol=1e-12, atol=0.0, equal_nan=True)
    assert dk_by.attrs["units"] == pd_by.attrs["units"]


def test_dask_raise_lists_bad_rows_when_computed(client: Any) -> None:
    ddf = dd.from_pandas(_table(1000), npartitions=3)
    res = ghgcalc.calculate(ddf, PROFILE)  # nothing read yet
    with pytest.raises(ActivityDataError) as ei:
        res.totals()
    assert [(i.row, i.column) for i in ei.value.issues] == [(7, "quantity"), (503, "unit")]
