"""Wide KPI tables: one column per year (``指标 | 单位 | 2021 | 2022 | 2023``, ``Indicator | Unit
| FY2022 | FY2023``), as sustainability reports print them, turned into one row per indicator and
year, so that they read like any activity table (contract section 8, "Input shapes").

The year heads are recognised by the words of ``year_heads`` and ``period.fiscal_prefixes`` in
``ghgcalc/data/columns.yaml``; the head's text becomes the rows' ``period``, read by the core
like any period cell. The reshaping is one ``pandas.melt`` (no loop over rows), ordered row by
row of the original table, and keeps for each new row the position of the row it came from and
the head of its year column, so that a problem is reported on the line a person finds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .data import column_words

__all__ = ["WideTable", "chinese_year_digits", "head_text", "melt_wide", "period_of_head", "year_of_head"]

#: the years a column head may name (a number outside is not a year head)
_YEARS = (1900, 2200)


@lru_cache(maxsize=1)
def chinese_year_digits() -> dict[int, int]:
    """``str.translate`` table of the year digits Chinese heads print (二零二二 -> 2022),
    from ``year_heads.chinese_digits`` in columns.yaml."""
    return {ord(str(k)): ord(str(v)) for k, v in column_words()["year_heads"]["chinese_digits"].items()}


@lru_cache(maxsize=1)
def _head_pattern() -> re.Pattern[str]:
    words = column_words()
    spec = words["year_heads"]

    def alternation(ws: Sequence[Any]) -> str:
        return "|".join(re.escape(unicodedata.normalize("NFKC", str(w))) for w in sorted(map(str, ws), key=len, reverse=True))

    fiscal = alternation(words["period"]["fiscal_prefixes"])
    prefix = alternation(spec["prefixes"])
    suffix = alternation(spec["suffixes"])
    what = alternation(words["headers"]["quantity"])
    note = r"(?:\s*[(\[【][^)\]】]*[)\]】])?"
    return re.compile(rf"^(?:(?P<before>{what})\s*)?(?P<period>(?:(?:{fiscal})\s*|(?:{prefix})\s+)?(?P<year>\d{{4}})"
                      rf"(?:\s*[/\-–]\s*(?:\d{{2}}|\d{{4}}))?\s*(?:{suffix})?)(?:\s*(?P<after>{what}))?{note}$",
                      re.IGNORECASE)


def _head_match(head: Any) -> re.Match[str] | None:
    if isinstance(head, bool) or head is None:
        return None
    if isinstance(head, (int, np.integer)):
        text = str(int(head))
    elif isinstance(head, (float, np.floating)):
        if head != head or not float(head).is_integer():
            return None
        text = str(int(head))
    else:
        text = unicodedata.normalize("NFKC", str(head)).strip().translate(chinese_year_digits())
    m = _head_pattern().match(text)
    if not m or (m.group("before") and m.group("after")):
        return None
    return m if _YEARS[0] <= int(m.group("year")) <= _YEARS[1] else None


def year_of_head(head: Any) -> int | None:
    """The year a column head names (``2022``, ``"2022年"``, ``"二零二二年"``, ``"FY2022"``,
    ``"FY2019/20"`` -> 2019, ``"Year 2021"``, ``"2020 (base year)"``, and with a quantity word of
    columns.yaml before or after it, ``"2024年耗用量"``, ``"Consumption 2024"``), else None.

    A period's data year is the year it starts in, as for a ``period`` cell."""
    m = _head_match(head)
    return None if m is None else int(m.group("year"))


def period_of_head(head: Any) -> str:
    """The period a year column's head names, as the rows' ``period`` text: the head without a
    quantity word (``"2024年耗用量"`` -> ``"2024年"``; ``"FY2023 (restated)"`` unchanged)."""
    m = _head_match(head)
    if m is None or not (m.group("before") or m.group("after")):
        return head_text(head)
    return m.group("period").strip()


@dataclass
class WideTable:
    """A wide table turned into rows: the long frame (index 0, 1, ...), for each of its rows the
    position (in the wide frame) of the row it came from and the head of its year column."""

    frame: pd.DataFrame
    source_rows: np.ndarray
    year_heads: np.ndarray


def melt_wide(df: pd.DataFrame, year_columns: Sequence[Any], *, quantity: str = "quantity", period: str = "period") -> WideTable:
    """One row per (row of ``df``, year column): the year column's cell in ``quantity``, its head's
    period (:func:`period_of_head`) in ``period``, every other column repeated. Rows stay in the order of the table (all
    the years of its first row, then its second row's ...): ``pandas.melt``, then a stable sort
    on the original position. Blank cells stay blank (the core reports them; never 0)."""
    years = list(year_columns)
    ids = [c for c in df.columns if c not in set(years)]
    pos_name = "__ghgcalc_source_row__"
    head_name = "__ghgcalc_year_head__"
    work = df.reset_index(drop=True)
    work.insert(0, pos_name, np.arange(len(work), dtype=np.int64))
    long = work.melt(id_vars=[pos_name, *ids], value_vars=years, var_name=head_name, value_name=quantity)
    # melt gives column-major order (every row of the first year, then the second year ...):
    # back to the table's row order, each row's years left to right
    year_pos = pd.Series(np.repeat(np.arange(len(years)), len(work)))
    order = np.lexsort((year_pos.to_numpy(), long[pos_name].to_numpy()))
    long = long.iloc[order].reset_index(drop=True)
    heads = np.array([period_of_head(h) for h in years], dtype=object)[year_pos.to_numpy()[order]]
    source_rows = long[pos_name].to_numpy(dtype=np.int64)
    long[period] = heads
    long = long.drop(columns=[pos_name, head_name])
    return WideTable(frame=long, source_rows=source_rows, year_heads=heads)


def head_text(head: Any) -> str:
    """A column head as text: a spreadsheet's number 2022.0 as ``"2022"``."""
    if isinstance(head, (float, np.floating)) and float(head).is_integer():
        return str(int(head))
    return str(head).strip()
