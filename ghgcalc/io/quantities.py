"""Quantity cells as reports print them, read per distinct value: a counting word after the
number (``1.2万``, ``3.5億``, ``1.5 million``), a dash or ``N/A`` meaning "not reported", and
accounting negatives in parentheses (``(1,234)``). The words are data
(``ghgcalc/data/quantities.yaml``); this module only finds them. Whether the number itself is
well printed (digit grouping, NaN, range) is the core's (``ghgcalc.core.activities``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..printed import SEPARATORS
from .data import load_yaml

__all__ = ["PrintedQuantities", "is_not_reported", "quantity_words", "read_printed_quantities", "scaled_text"]


@lru_cache(maxsize=1)
def quantity_words() -> dict[str, Any]:
    """The words of ``ghgcalc/data/quantities.yaml``: ``not_reported`` (folded: NFKC, case),
    ``multipliers`` (word -> power of ten) and ``negative_brackets``."""
    data: dict[str, Any] = load_yaml("quantities.yaml")
    return data


@lru_cache(maxsize=1)
def _patterns() -> tuple[frozenset[str], re.Pattern[str], re.Pattern[str], dict[str, int]]:
    words = quantity_words()
    not_reported = frozenset(pd.Series([str(w) for w in words["not_reported"]]).str.normalize("NFKC").str.casefold())
    mult = {str(k).casefold(): int(v) for k, v in words["multipliers"].items()}
    alternation = "|".join(re.escape(w) for w in sorted(mult, key=len, reverse=True))
    multiplier = re.compile(rf"^(?P<number>.*\d\.?)\s*(?P<word>{alternation})$", re.IGNORECASE)
    brackets = "|".join(rf"{re.escape(o)}\s*(?P<n{i}>.*?)\s*{re.escape(c)}" for i, (o, c) in enumerate(words["negative_brackets"]))
    negative = re.compile(rf"^(?:{brackets})$")
    return not_reported, multiplier, negative, mult


def is_not_reported(text: str) -> bool:
    """Whether a printed cell says no figure was reported (a dash, ``N/A``, ``不适用``: the
    ``not_reported`` words of ghgcalc/data/quantities.yaml, folded: NFKC, case, spaces)."""
    folded = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    return folded in _patterns()[0]


@dataclass
class PrintedQuantities:
    """What :func:`read_printed_quantities` found in each distinct cell text."""

    #: the number text to read (the counting word removed; the text itself otherwise)
    number: pd.Series
    #: the power of ten of the counting word (0: none)
    exponent: np.ndarray
    #: the cell says the figure was not reported (a dash, N/A, 不适用 ...)
    not_reported: np.ndarray
    #: the cell is a number in parentheses: an accounting negative
    bracket_negative: np.ndarray


#: a text that may hold a word, a dash or a bracket: a character outside those of a plain
#: number (digits, point, comma, sign, exponent, the separators), or no digit at all
_MAYBE_PRINTED = "[^0-9.,+\\-eE\\s'_\u2018\u2019]|^[^0-9]*$"   # RE2 syntax (Arrow): the quotes as characters


def _maybe_printed(t: pd.Series) -> np.ndarray:
    """Which texts need reading (:data:`_MAYBE_PRINTED`): one regex pass in Arrow's C++ kernels
    over the distinct texts (a column of a million distinct plain numbers costs a fraction of a
    second), so the word patterns run on the few that are not plain numbers."""
    arr = pa.array(t, type=pa.string(), from_pandas=True)
    hit = pc.fill_null(pc.match_substring_regex(arr, _MAYBE_PRINTED), True)
    out: np.ndarray = hit.to_numpy(zero_copy_only=False).astype(bool)
    return out


def read_printed_quantities(texts: pd.Series) -> PrintedQuantities:
    """Read the distinct texts of a quantity column (already NFKC-folded and stripped).

    Vectorised over the distinct values: one Arrow regex pass finds the texts that are not
    plain numbers, and pandas string methods read only those."""
    n = len(texts)
    exponent = np.zeros(n, dtype=np.int64)
    nr = np.zeros(n, dtype=bool)
    neg = np.zeros(n, dtype=bool)
    cand = np.flatnonzero(_maybe_printed(texts)) if n else np.zeros(0, dtype=np.intp)
    if not len(cand):
        return PrintedQuantities(number=texts, exponent=exponent, not_reported=nr, bracket_negative=neg)
    not_reported, multiplier, negative, mult = _patterns()
    sub = texts.iloc[cand]
    t = sub.astype(object).where(sub.notna(), "").astype(str)
    s_nr = t.str.casefold().isin(not_reported).to_numpy(dtype=bool)
    s_neg = t.str.fullmatch(negative).to_numpy(dtype=bool) & ~s_nr
    found = t.str.extract(multiplier)
    has = found["number"].notna().to_numpy(dtype=bool) & ~s_nr & ~s_neg
    number = texts.copy()
    if has.any():
        number.iloc[cand[has]] = found["number"][has].str.strip().to_numpy(dtype=object)
        exponent[cand[has]] = found["word"][has].str.casefold().map(mult).to_numpy(dtype=np.int64)
    nr[cand] = s_nr
    neg[cand] = s_neg
    return PrintedQuantities(number=number, exponent=exponent, not_reported=nr, bracket_negative=neg)


def scaled_text(number: str, exponent: int) -> str | None:
    """The exact text of a printed number times ``10**exponent``, keeping its printed
    precision: ``("1.2", 4)`` -> ``"1.2E+4"`` (12000, printed to the thousand), ``("12,345",
    4)`` -> ``"1.2345E+8"``. None when ``number`` (separators removed) is not a decimal number."""
    try:
        d = Decimal(SEPARATORS.sub("", number))
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    return str(d.scaleb(exponent))
