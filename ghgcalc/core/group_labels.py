"""Group labels as people type them: ``Plant A``, ``Plant A `` (a trailing space), ``Plant  A``
and ``Ｐｌａｎｔ Ａ`` (full-width letters) are one facility, printed alike; left apart they were
two groups of a breakdown (``--by facility``, ``totals(by=...)``) that print the same.

The ``facility``, ``period`` and ``region`` columns are folded before anything groups by them:
each distinct text is folded once (Unicode NFKC, the compatibility folding of full-width forms,
Unicode Standard Annex #15; whitespace stripped and inner runs of it one space) and its rows take
the folded text, which is the spelling they print (a label already folded keeps its spelling). The
folding is of the text alone, never of a row, so a table streamed in chunks folds as the whole
table does. Case is kept (``plant a`` is not folded into ``Plant A``): a capital can tell sites
apart. Which spellings were folded into which label is recorded (``input.labels_folded``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FOLDED_COLUMNS", "fold_label", "fold_label_columns"]

#: the label columns whose spellings are folded
FOLDED_COLUMNS = ("facility", "period", "region")


def fold_label(value: Any) -> Any:
    """A label's folded spelling: NFKC, stripped, inner whitespace one space; a value that is
    not text, or text that is only whitespace, as it is."""
    if not isinstance(value, str):
        return value
    folded = " ".join(unicodedata.normalize("NFKC", value).split())
    return folded if folded else value


def _number_text(value: Any) -> str | None:
    """The text a number prints as (``2023`` and ``2023.0`` as ``"2023"``), to meet the same
    label typed as text in one column; None for other values."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return None


#: text that folding would change: whitespace at either end of a value (values joined by NUL),
#: a run of it inside, or whitespace other than a plain space
_UNFOLDED_SPACE = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)|\s\s|[^\S ]")
_ASCII_UNFOLDED = (" \x00", "\x00 ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def _all_folded(uniq: list[Any]) -> bool:
    """Whether no distinct value would change: one look at their text joined (NFKC-normal, no
    stray whitespace), without folding each; False when some value is not text."""
    try:
        text = "\x00".join(uniq)
    except TypeError:
        return False
    if text.isascii():   # the common case, without a regex: substring scans only
        return not (text[:1].isspace() or text[-1:].isspace() or any(w in text for w in _ASCII_UNFOLDED))
    return unicodedata.is_normalized("NFKC", text) and not _UNFOLDED_SPACE.search(text)


def _fold_distinct(uniq: list[Any]) -> list[Any] | None:
    """The folded label of each distinct value, or None when none changes. A number meets the
    text that prints it only where both are in the column (``2023`` and ``"2023 "``): then both
    take the text."""
    if _all_folded(uniq):
        return None
    folded = [fold_label(u) for u in uniq]
    texts = {f for f in folded if isinstance(f, str)}
    for j, u in enumerate(uniq):
        t = _number_text(u)
        if t is not None and t in texts:
            folded[j] = t
    if all(f is u or (isinstance(f, str) and isinstance(u, str) and f == u) for f, u in zip(folded, uniq, strict=True)):
        return None
    return folded


def _record(uniq: list[Any], folded: list[Any]) -> dict[str, list[str]]:
    """Printed label -> the other spellings folded into it (the label's own spelling is not
    listed, so that each chunk of a stream records what the whole table does)."""
    groups: dict[str, list[str]] = {}
    for u, f in zip(uniq, folded, strict=True):
        if not (type(u) is type(f) and u == f):
            groups.setdefault(str(f), []).append(u if isinstance(u, str) else f"{u!r} (a number)")
    return groups


def fold_label_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict[str, list[str]]], dict[str, tuple[np.ndarray, list[Any]]]]:
    """``df`` with its label columns (:data:`FOLDED_COLUMNS`) folded, what was folded
    (column -> printed label -> spellings), and the codes and distinct values of each text
    column looked at (missing values as ``""`` at the end, as the activity reader's
    factorization), for the stages after it to reuse. Decided per distinct value: a
    categorical column by its categories alone, any other column by one factorize."""
    record: dict[str, dict[str, list[str]]] = {}
    factorized: dict[str, tuple[np.ndarray, list[Any]]] = {}
    new_cols: dict[str, Any] = {}
    for c in FOLDED_COLUMNS:
        if c not in df.columns:
            continue
        s = df[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            uniq = s.dtype.categories.tolist()
            folded = _fold_distinct(uniq)
            if folded is None:
                continue
            cats = list(dict.fromkeys(folded))
            pos = {v: i for i, v in enumerate(cats)}
            remap = np.array([pos[f] for f in folded] + [-1], dtype=np.int64)   # -1 (missing) stays missing
            new_cols[c] = pd.Series(pd.Categorical.from_codes(remap[s.cat.codes.to_numpy()], categories=cats),
                                    index=s.index, name=c)
            record[c] = _record(uniq, folded)
            continue
        if not (s.dtype == object or isinstance(s.dtype, pd.StringDtype)):
            continue   # numbers and dates: nothing to fold
        codes, uniq_idx = pd.factorize(s, use_na_sentinel=True)
        uniq = list(uniq_idx)
        folded = _fold_distinct(uniq)
        if folded is not None:
            labels = list(dict.fromkeys(folded))
            pos = {v: i for i, v in enumerate(labels)}
            remap = np.array([pos[f] for f in folded], dtype=np.int64)
            codes = np.where(codes < 0, -1, remap[np.maximum(codes, 0)])
            values = np.empty(len(labels), dtype=object)
            values[:] = labels
            col = values[np.maximum(codes, 0)]
            col[codes < 0] = None
            new_cols[c] = pd.Series(col, index=s.index, name=c, dtype=object)
            record[c] = _record(uniq, folded)
            uniq = labels
        if len(codes) and codes.min() < 0:
            codes = np.where(codes < 0, len(uniq), codes)
            uniq = [*uniq, ""]
        factorized[c] = (codes, uniq)
    if new_cols:
        df = df.assign(**new_cols)
    return df, record, factorized
