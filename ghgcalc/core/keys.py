"""Activity keys as integer codes: each key column (carrier, unit, year, region, scope override,
instrument) is held as per-row codes into its distinct values, and the columns' codes are
combined into one key code per row. Everything a key decides (its factors, its coefficients)
is decided once per distinct key and broadcast by these codes (MetPy's habit: arrays inside,
units and words at the boundary; ``pd.factorize`` / categorical codes instead of Python loops
over rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["KEY_COLUMNS", "KeyPart", "KeySpace", "key_space", "small_codes"]

#: the columns that make an activity key (plus ``instrument`` when the table has one)
KEY_COLUMNS = ("carrier", "unit", "year", "region", "scope_override")


def small_codes(codes: np.ndarray, n_values: int) -> np.ndarray:
    """Codes in the smallest signed integer type that holds ``n_values`` (a gather through a
    small table is cheaper, and the per-row arrays are smaller)."""
    dtype = np.int8 if n_values < 2**7 else np.int16 if n_values < 2**15 else np.int32 if n_values < 2**31 else np.int64
    return codes.astype(dtype, copy=False)


@dataclass
class KeyPart:
    """One key column: per-row ``codes`` into ``values`` (distinct, in any order), or
    ``codes=None`` when every row has ``values[0]``."""

    codes: np.ndarray | None
    values: list[Any]

    def deduplicated(self) -> KeyPart:
        """The same column with equal values merged into one code (two spellings that resolve
        to one carrier id, two unit spellings that read the same): one small gather, only when
        some value repeats."""
        if self.codes is None:   # every row has values[0]
            return self
        uniq = list(dict.fromkeys(self.values))
        if len(uniq) == len(self.values):
            return self
        pos = {v: i for i, v in enumerate(uniq)}
        remap = small_codes(np.array([pos[v] for v in self.values], dtype=np.int64), len(uniq))
        return KeyPart(np.take(remap, self.codes), uniq)


@dataclass
class KeySpace:
    """Every row's key as one integer ``code`` below ``size``: the combination of the key
    columns' codes (or, for astronomically many combinations, a factorized code).
    :meth:`frame` names the keys of some codes."""

    codes: np.ndarray
    size: int
    parts: list[tuple[str, KeyPart]]
    #: per varying column (more than one value): its size, in combination order
    radices: list[int]
    #: the rows' tuples when the codes were factorized (None: combined arithmetically)
    factorized: list[np.ndarray] | None = None

    def frame(self, codes: np.ndarray) -> pd.DataFrame:
        """The keys of ``codes`` (one row per code: one column per key column)."""
        codes = np.asarray(codes, dtype=np.int64)
        if self.factorized is not None:
            digits: tuple[np.ndarray, ...] = tuple(d[codes] for d in self.factorized)
        elif self.radices:
            digits = tuple(np.unravel_index(codes, self.radices))
        else:
            digits = ()
        columns: dict[str, np.ndarray] = {}
        it = iter(digits)
        for name, p in self.parts:
            vals = np.empty(len(p.values), dtype=object)
            vals[:] = p.values
            if p.codes is not None and len(p.values) > 1:
                columns[name] = vals[next(it)]
            else:
                columns[name] = np.full(len(codes), p.values[0] if p.values else None, dtype=object)
        return pd.DataFrame(columns)


def key_space(parts: Sequence[tuple[str, KeyPart]], n: int) -> KeySpace:
    """The rows' keys as one integer per row: one multiply-add pass per column that has more
    than one distinct value (a column with one value costs nothing per row), in the smallest
    integer type that holds every combination; a hash of the rows' tuples when the
    combinations would not fit in 62 bits."""
    dparts = [(name, p.deduplicated()) for name, p in parts]
    varying = [p for _, p in dparts if p.codes is not None and len(p.values) > 1]
    radices = [len(p.values) for p in varying]
    size = int(np.prod(np.array(radices, dtype=object))) if varying else 1
    if not varying:
        return KeySpace(np.zeros(n, dtype=np.int8), 1, dparts, [])
    if size < 2**62:
        dtype = np.int16 if size < 2**15 else np.int32 if size < 2**31 else np.int64
        assert varying[0].codes is not None
        combined: np.ndarray = varying[0].codes.astype(dtype)
        for p in varying[1:]:
            assert p.codes is not None
            np.multiply(combined, len(p.values), out=combined)
            np.add(combined, p.codes, out=combined, casting="unsafe")
        return KeySpace(combined, size, dparts, radices)
    tup = pd.MultiIndex.from_arrays([p.codes for p in varying])
    inv, uniq = pd.factorize(tup)
    digits = [np.asarray(uniq.get_level_values(i), dtype=np.int64) for i in range(len(varying))]
    return KeySpace(inv.astype(np.intp, copy=False), len(uniq), dparts, radices, factorized=digits)
