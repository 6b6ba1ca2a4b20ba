"""Dask: calculate() on a Dask DataFrame, run on a distributed.LocalCluster of two worker
processes (everything the workers compute is pickled to and from them, as on a real cluster),
equals pandas: the same bits for the totals; breakdowns, KPIs, reconciliation and uncertainty
from the per-partition sums, without the rows."""

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

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

PROFILE = "kuaishou-2022"
DENOMS = {"headcount": 27402}
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
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
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


def test_dask_on_worker_processes_gives_every_capability(client: Any, small_blocks: None) -> None:
    """Partitions smaller than a block (blocks of 300 rows shared by up to four partitions,
    summed on the workers), empty partitions (the first one too): totals the same bits as in
    memory; breakdowns, KPIs, reconciliation and uncertainty (also by facility) as in memory."""
    df = _table(1500, seed=4, bad=False)
    parts = [df.iloc[:0], df.iloc[:400], df.iloc[400:400], *[df.iloc[a:a + 110] for a in range(400, 1500, 110)]]
    ddf = dd.from_delayed([dask.delayed(p) for p in parts], meta=df.iloc[:0], verify_meta=False)
    assert ddf.npartitions == 13
    mem = ghgcalc.calculate(df, PROFILE, DENOMS)
    dk = ghgcalc.calculate(ddf, PROFILE, DENOMS)
    tm, tk = mem.totals(), dk.totals()
    assert list(tm) == list(tk)
    for m in tm:   # the same bits
        assert tm[m].magnitude == tk[m].magnitude or (math.isnan(tm[m].magnitude) and math.isnan(tk[m].magnitude)), m
    assert dk.rows_computed == 1500 and dk.n_input_rows == 1500 and not dk.errors
    for by in ("facility", "carrier", "scope"):
        bm, bk = mem.totals(by=by), dk.totals(by=by).reindex(mem.totals(by=by).index)
        assert list(bk.columns) == list(bm.columns), by
        assert np.allclose(bk.to_numpy(float), bm.to_numpy(float), rtol=1e-12, atol=0.0, equal_nan=True), by
    km, kk = mem.kpis(), dk.kpis()
    assert km["metric"].tolist() == kk["metric"].tolist()
    assert np.array_equal(km["value"].to_numpy(float), kk["value"].to_numpy(float), equal_nan=True)
    figures = {"reported": [
        {"metric": "scope1_2", "value": f"{tm['scope1_2'].magnitude:.2f}", "unit": "t CO2e"},
        {"metric": "scope2", "value": "1.00", "unit": "t CO2e"},   # differs, with its reason
        {"metric": "energy_total", "value": f"{mem.totals(by='facility').loc['F3', 'energy_total']:.1f}", "unit": "MWh",
         "facility": "F3"},
        {"metric": "scope1_2_per_capita", "value": f"{tm['scope1_2_per_capita'].magnitude:.4f}", "unit": "t CO2e"},
    ]}
    assert ghgcalc.reconcile(dk, figures).entries == ghgcalc.reconcile(mem, figures).entries
    um, uk = mem.uncertainty("scope1_2", n=2000, seed=7), dk.uncertainty("scope1_2", n=2000, seed=7)
    assert (uk.value, uk.lower, uk.upper, uk.mean) == (um.value, um.lower, um.upper, um.mean)
    bm_u = mem.uncertainty("scope1_2", "approach1", by="facility")
    bk_u = dk.uncertainty("scope1_2", "approach1", by="facility").reindex(bm_u.index)
    assert np.allclose(bk_u.to_numpy(float), bm_u.to_numpy(float), rtol=1e-12, atol=1e-12, equal_nan=True)
