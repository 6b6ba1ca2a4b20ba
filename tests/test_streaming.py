"""Chunk-invariant sums, and streamed calculation of files larger than memory.

The totals of a table must be the same bits whether it is computed in memory, streamed in
chunks of any size, or split into Dask partitions: per-key sums are taken in fixed blocks of
input row numbers and the block sums combined in block order (ghgcalc.results.KeySums).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ghgcalc import results
from ghgcalc.results import KeySums


def _sums(keys: np.ndarray, q: np.ndarray, cuts: list[int], rows: np.ndarray | None = None) -> np.ndarray:
    ks = KeySums()
    bounds = [0, *sorted(set(cuts)), len(keys)]
    for a, b in itertools.pairwise(bounds):
        if rows is None:
            ks.add(keys[a:b], q[a:b], start=a)
        else:
            ks.add(keys[a:b], q[a:b], rows=rows[a:b])
    return ks.result()[0]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3000), st.lists(st.integers(0, 3000), max_size=8), st.integers(0, 2**32 - 1), st.sampled_from([7, 64, 1000]))
def test_key_sums_do_not_depend_on_the_cut(n: int, cuts: list[int], seed: int, block: int) -> None:
    old = results.BLOCK_ROWS
    results.BLOCK_ROWS = block
    try:
        rng = np.random.default_rng(seed)
        keys = rng.integers(0, 5, n)
        q = rng.gamma(1.0, 1e3, n) * 10.0 ** rng.integers(-6, 7, n)
        whole = _sums(keys, q, [])
        cut = _sums(keys, q, [c for c in cuts if 0 < c < n])
        assert whole.tobytes() == cut.tobytes()
        # with gaps in the row numbers (rows in error left out) the blocks follow the row numbers
        rows = np.cumsum(rng.integers(1, 4, n))
        assert _sums(keys, q, [], rows).tobytes() == _sums(keys, q, [c for c in cuts if 0 < c < n], rows).tobytes()
    finally:
        results.BLOCK_ROWS = old


def test_key_sums_are_accurate() -> None:
    """Block sums combined with compensation: the error is that of one block's running sum
    (65,536 values), not of the whole column's."""
    rng = np.random.default_rng(1)
    n = 1_000_000
    keys = np.zeros(n, dtype=np.intp)
    q = rng.gamma(2.0, 500.0, n).round(3)
    got = _sums(keys, q, [123_457, 700_001])[0]
    exact = sum((Fraction(x) for x in q.tolist()), Fraction(0))
    assert abs(Fraction(got) - exact) <= abs(exact) * Fraction(1, 10**13)


def test_key_sums_count_rows_per_key() -> None:
    ks = KeySums()
    ks.add(np.array([0, 2, 2]), np.array([1.0, 2.0, 3.0]), start=0)
    ks.add(np.array([1]), np.array([4.0]), start=3)
    sums, counts = ks.result()
    assert sums.tolist() == [1.0, 4.0, 5.0]
    assert counts.tolist() == [1, 1, 2]
