"""The fast paths of issue 14 give the same answers as the slow ones.

* Keys as codes (``ghgcalc.core.keys``): the combined code of a row names its key tuple, by
  arithmetic or, for astronomically many combinations, by factorizing the tuples.
* Totals come from per-key sums computed while calculating; the per-row frame is built only
  when asked for, and the totals and breakdowns are the same bits whether it was built or not.
* The content-keyed cache of the factor rows and YAML files (``ghgcalc.io.cache``) gives the
  same library as parsing, and a changed table is never read from a stale entry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.core import factors as factors_mod
from ghgcalc.core.keys import KeyPart, key_space
from ghgcalc.io import cache as cache_mod


def _reference(parts: list[tuple[str, KeyPart]], n: int) -> list[tuple[object, ...]]:
    """Each row's key tuple, value by value (the slow way the codes must agree with)."""
    cols = [[p.values[0]] * n if p.codes is None else [p.values[int(c)] for c in p.codes] for _, p in parts]
    return list(zip(*cols, strict=True))


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 4)), min_size=1, max_size=60),
       st.booleans())
def test_combined_code_names_the_row_key(rows: list[tuple[int, int, int]], constant_region: bool) -> None:
    a = np.array([r[0] for r in rows], dtype=np.int8)
    b = np.array([r[1] for r in rows], dtype=np.int16)
    c = np.array([r[2] for r in rows], dtype=np.int64)
    parts = [("carrier", KeyPart(a, ["electricity", "diesel", "diesel", "heat"])),   # a repeated value merges
             ("unit", KeyPart(b, ["MWh", "t", "GJ"])),
             ("year", KeyPart(c, [2019, 2020, 2021, 2022, 2023])),
             ("region", KeyPart(None, ["CN"]) if constant_region else KeyPart(c % 2, ["CN-BJ", "CN-SH"]))]
    n = len(rows)
    space = key_space(parts, n)
    ref = _reference(parts, n)
    got = [tuple(r) for r in space.frame(space.codes).itertuples(index=False)]
    assert got == ref
    assert len(np.unique(space.codes)) == len(set(ref))   # one code per distinct tuple


def test_astronomically_many_combinations_are_factorized() -> None:
    rng = np.random.default_rng(1)
    n = 500
    parts = [(f"c{i}", KeyPart(rng.integers(0, 2**20, n), list(range(2**20)))) for i in range(4)]
    space = key_space(parts, n)
    assert space.factorized is not None          # 2**80 combinations: the tuples were hashed
    frame = space.frame(space.codes)
    ref = _reference(parts, n)
    assert [tuple(r) for r in frame.itertuples(index=False)] == ref


def _table(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    mix = [("electricity", "kWh"), ("electricity", "MWh"), ("diesel", "t"), ("natural_gas", "m**3"), ("heat", "GJ")]
    pick = rng.integers(0, len(mix), n)
    return pd.DataFrame({"facility": [f"F{i}" for i in rng.integers(0, 7, n)],
                         "carrier": [mix[k][0] for k in pick], "unit": [mix[k][1] for k in pick],
                         "quantity": np.round(rng.gamma(2.0, 50.0, n), 3)})


@pytest.mark.parametrize("categorical", [False, True])
def test_totals_are_the_same_bits_with_or_without_the_rows(categorical: bool) -> None:
    df = _table(3000)
    if categorical:
        df = df.astype({"facility": "category", "carrier": "category", "unit": "category"})
    lazy = ghgcalc.calculate(df, "kuaishou-2022")
    tot_lazy = {k: v.magnitude for k, v in lazy.totals().items()}
    by_lazy = lazy.totals(by="facility")
    by_carrier_lazy = lazy.totals(by="carrier")
    by_period_lazy = lazy.totals(by="period")      # no period column: the reporting year
    by_scope_lazy = lazy.totals(by="scope")
    built = ghgcalc.calculate(df, "kuaishou-2022")
    rows = built.rows                              # build the per-row frame first
    assert len(rows) == len(df) == built.rows_computed == lazy.rows_computed
    tot_built = {k: v.magnitude for k, v in built.totals().items()}
    assert tot_lazy.keys() == tot_built.keys()
    for k in tot_lazy:
        assert tot_lazy[k] == tot_built[k] or (np.isnan(tot_lazy[k]) and np.isnan(tot_built[k])), k
    pd.testing.assert_frame_equal(by_lazy, built.totals(by="facility"))
    pd.testing.assert_frame_equal(by_carrier_lazy, built.totals(by="carrier"))
    pd.testing.assert_frame_equal(by_period_lazy, built.totals(by="period"))
    pd.testing.assert_frame_equal(by_scope_lazy, built.totals(by="scope"))
    # and the per-row results add up to the totals
    assert np.isclose(rows.loc[rows["scope"] == 2, "co2e_t"].sum(), tot_lazy["scope2"], rtol=1e-12)


def test_rows_in_error_are_not_computed_and_totals_skip_them() -> None:
    df = _table(400, seed=3)
    df.loc[[5, 17, 200], "unit"] = "furlong"
    df.loc[[9], "quantity"] = -1.0
    res = ghgcalc.calculate(df, "kuaishou-2022", on_error="collect")
    assert sorted(e.row for e in res.errors) == [5, 9, 17, 200]
    assert res.rows_computed == 396
    good = ghgcalc.calculate(df.drop(index=[5, 9, 17, 200]), "kuaishou-2022")
    for k, v in good.totals().items():
        got = res.totals()[k].magnitude
        assert got == v.magnitude or (np.isnan(got) and np.isnan(v.magnitude)), k
    assert list(res.rows.index) == [i for i in range(400) if i not in (5, 9, 17, 200)]


def test_factor_cache_gives_the_parsed_library(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GHGCALC_CACHE_DIR", str(tmp_path))
    root = factors_mod.factors_dir()
    first = factors_mod.load_directory(root, require_use=True, cache=True)     # parses and stores
    assert list(tmp_path.glob("factors-*.pickle"))
    second = factors_mod.load_directory(root, require_use=True, cache=True)    # reads the entry
    parsed = factors_mod.load_directory(root, require_use=True, cache=False)
    assert first.fingerprint == second.fingerprint == parsed.fingerprint
    assert [r.model_dump() for r in second] == [r.model_dump() for r in parsed]


def test_factor_cache_never_serves_a_changed_table(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GHGCALC_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "factors"
    root.mkdir()
    head = "id,kind,carrier,gas,value,unit,publisher,document,reference,published,valid_from,valid_to,region,review_status,use\n"
    row = "t-grid,emission,electricity,CO2,{v},t CO2/MWh,P,D,R,2024-01-01,2023,2023,CN,unverified,grid_location\n"
    table = root / "t.csv"
    table.write_text(head + row.format(v="0.5"), encoding="utf-8")
    assert factors_mod.load_directory(root, cache=True).get("t-grid").value == "0.5"
    table.write_text(head + row.format(v="0.6"), encoding="utf-8")   # same size, same name
    assert factors_mod.load_directory(root, cache=True).get("t-grid").value == "0.6"


def test_unreadable_cache_is_ignored(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GHGCALC_CACHE_DIR", str(tmp_path))
    calls: list[int] = []

    def compute() -> list[int]:
        calls.append(1)
        return [1, 2, 3]

    assert cache_mod.cached("probe", "k", compute, lambda v: isinstance(v, list)) == [1, 2, 3]
    assert cache_mod.cached("probe", "k", compute, lambda v: isinstance(v, list)) == [1, 2, 3]
    assert len(calls) == 1                                           # the second came from the cache
    (tmp_path / "probe-k.pickle").write_bytes(b"not a pickle")
    assert cache_mod.cached("probe", "k", compute, lambda v: isinstance(v, list)) == [1, 2, 3]
    assert len(calls) == 2
    monkeypatch.setenv("GHGCALC_NO_CACHE", "1")
    assert cache_mod.cache_dir() is None
