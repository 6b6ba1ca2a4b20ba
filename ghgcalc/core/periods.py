"""Periods: what a ``period`` cell covers, and which data year of a factor it takes.

A factor row applies to data years (``valid_from``/``valid_to``, contract section 6). A period
is a calendar year ("2023", "Year 2023"), a month or a date ("2023-03"), or a financial year that
spans two calendar years ("FY2019/20", "2023/24", "財政年度2023/24", "year ended 31 March 2024",
"截至2024年3月31日止年度", "1 April 2023 to 31 March 2024"). Which data year a financial year
takes is a methodology choice, so it is the profile's (contract section 7):

``period_year``
    ``"start"`` (default): the year the period starts in ("2023/24" -> 2023); ``"end"``: the year
    it ends in (2024); ``"most_months"``: the year holding most of its months (April-March: 9
    months in the first year -> 2023; October-September: 9 in the second -> 2024). A July-June
    year holds 6 months in each: an error, never a coin toss.
``fiscal_year_start_month``
    The month (1-12) a financial year written without months starts in ("2023/24", "FY2023"):
    needed by ``most_months`` for such a period, and to say where a one-year label ends.
``fiscal_year_label``
    Which year a one-year fiscal label ("FY2023", "2023財年") names: ``"start"`` (Japan's
    FY2023 = April 2023 - March 2024) or ``"end"`` (the US federal FY2024 = October 2023 -
    September 2024; UK companies' "FY23" = the year ending in 2023). Conventions differ by
    country and company, so it is never guessed: without it, the label's year is taken as
    printed under ``start`` (as before), and ``end``/``most_months`` ask for it.

A period stated with its months (a year ended ..., a date range) needs neither setting.
Where no setting is needed and none is given, ``start`` reproduces the earlier fixed rule
(the year the period starts in). GHG Protocol Corporate Standard (2004) ch. 5 leaves the
reporting period to the company; factor editions are published per calendar data year
(e.g. MEE grid factors "2022年度"), hence the mapping.

The words (fiscal-year words, month names) are data: ``period`` in ``ghgcalc/data/columns.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..io.wide import chinese_year_digits
from .carriers import column_words

__all__ = ["PERIOD_YEAR_RULES", "PeriodRule", "Span", "period_span", "year_in_words", "year_pattern"]

PERIOD_YEAR_RULES = ("start", "end", "most_months")


@dataclass(frozen=True)
class Span:
    """What a period covers: its first year and month, and how many months (``start_month``
    None: a financial year whose months the text does not say). ``fiscal_label``: a one-year
    fiscal label ("FY2023"), whose year may name its start or its end (``fiscal_year_label``)."""

    start_year: int
    start_month: int | None
    months: int
    fiscal: bool = False
    fiscal_label: bool = False

    def month_counts(self) -> dict[int, int]:
        """Calendar year -> months of the period in it."""
        assert self.start_month is not None
        out: dict[int, int] = {}
        y, m = self.start_year, self.start_month
        for _ in range(self.months):
            out[y] = out.get(y, 0) + 1
            m += 1
            if m == 13:
                y, m = y + 1, 1
        return out


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    data: dict[str, Any] = column_words()["period"]
    return data


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    return {str(w).lower(): int(m) for m, ws in _words()["months"].items() for w in ws}


def _fiscal_words() -> str:
    return "|".join(re.escape(str(w)) for w in _words()["fiscal_prefixes"])


@lru_cache(maxsize=1)
def year_pattern() -> re.Pattern[str]:
    """A period starts with its year, optionally after a fiscal-year word (``period.fiscal_prefixes``
    in columns.yaml: "FY2019/20", "財年2020"); group 1 is the year."""
    return re.compile(rf"^\s*(?:{_fiscal_words()})?\s*(\d{{4}})", re.IGNORECASE)


@lru_cache(maxsize=1)
def _leading_year() -> re.Pattern[str]:
    """The year at the start and what follows it: a second year ("/24", "-2024": a financial
    year), or a month ("-03": ISO year-month), and a fiscal word before or after."""
    w = _fiscal_words()
    return re.compile(rf"^\s*(?P<pre>{w})?\s*(?P<y>\d{{4}})\s*(?:年度|年)?\s*(?P<post>{w})?"
                      rf"\s*(?:(?P<sep>[/／\-–—~～]|至|到)\s*(?P<y2>\d{{4}}|\d{{2}})(?!\d))?", re.IGNORECASE)


_MONTH_WORD = r"([A-Za-z]+)\.?"
_DAY_MONTH_YEAR = rf"(?:(\d{{1,2}})\s+{_MONTH_WORD}|{_MONTH_WORD}\s+(\d{{1,2}}))\s*,?\s+(\d{{4}})"
_YEAR_WORD = re.compile(r"^\s*(?:calendar\s+)?year\s+(\d{4})\b", re.I)
_YEAR_ENDED = re.compile(rf"^\s*(?:for\s+the\s+)?(?:financial\s+|fiscal\s+)?(?:years?|fy)\s+ended\s+{_DAY_MONTH_YEAR}\b", re.I)
_CN_YEAR_ENDED = re.compile(r"^\s*截至\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*\d{1,2}\s*日\s*止")
_WRITTEN_DATE = re.compile(rf"^\s*{_DAY_MONTH_YEAR}\b")
#: a written date or month: "1 April 2023", "April 1, 2023", "April 2023"
_DATE_PART = re.compile(rf"^\s*(?:{_DAY_MONTH_YEAR}|{_MONTH_WORD}\s*,?\s+(\d{{4}}))\s*$")
#: what separates the two ends of a written range: "to", "until", "through", a spaced or long dash
_RANGE_SPLIT = re.compile(r"\s+(?:to|until|through|till)\s+|\s*[–—~～]\s*|\s+-\s+", re.I)
#: "2023年4月1日至2024年3月31日", "2023年4月-2024年3月"
_CN_RANGE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?\s*(?:至|到|[-–—~～])\s*"
                       r"(\d{4})\s*年\s*(\d{1,2})\s*月")


def _month(word: str | None) -> int | None:
    return _months().get(word.lower()) if word else None


def _ended(year: int, month: int) -> Span:
    """The twelve months ending with ``month`` of ``year``."""
    return Span(year if month == 12 else year - 1, month % 12 + 1, 12, fiscal=month != 12)


def _range(y1: int, m1: int, y2: int, m2: int) -> Span | None:
    n = (y2 - y1) * 12 + (m2 - m1) + 1
    return Span(y1, m1, n, fiscal=(m1 != 1 or n != 12)) if 1 <= n <= 24 else None


def _date_part(s: str) -> tuple[int, int] | None:
    """(year, month) of a written date or month, else None."""
    m = _DATE_PART.match(s)
    if not m:
        return None
    if m.group(5):
        month, year = _month(m.group(2) or m.group(3)), int(m.group(5))
    else:
        month, year = _month(m.group(6)), int(m.group(7))
    return None if month is None else (year, month)


def _worded_span(s: str) -> Span | None:
    m = _YEAR_WORD.match(s)
    if m:
        return Span(int(m.group(1)), 1, 12)
    m = _YEAR_ENDED.match(s)
    if m:
        month = _month(m.group(2) or m.group(3))
        return None if month is None else _ended(int(m.group(5)), month)
    m = _CN_YEAR_ENDED.match(s)
    if m:
        return _ended(int(m.group(1)), int(m.group(2)))
    ends = _RANGE_SPLIT.split(s, maxsplit=1)
    if len(ends) == 2:
        a, b = _date_part(ends[0]), _date_part(ends[1])
        if a is not None and b is not None:
            return _range(a[0], a[1], b[0], b[1])
    m = _WRITTEN_DATE.match(s)
    if m:
        month = _month(m.group(2) or m.group(3))
        if month is not None:
            return Span(int(m.group(5)), month, 1)
    return None


def year_in_words(s: str) -> int | None:
    """The year a period written in words starts in, else None: "Year 2021", "year ended 31
    December 2021" (2021), "year ended 31 March 2021" (April 2020 - March 2021: 2020),
    "截至2021年12月31日止年度", "1 April 2020 to 31 March 2021" (2020), "31 December 2021"."""
    span = _worded_span(s)
    return None if span is None else span.start_year


def period_span(text: str, fiscal_start_month: int | None = None) -> Span | None:
    """What a period cell covers (:class:`Span`), or None when the text is not a period.

    ``fiscal_start_month`` is the profile's ``fiscal_year_start_month``: the months of a
    financial year written without them ("2023/24", "FY2023")."""
    s = text.translate(chinese_year_digits())
    m = _CN_RANGE.match(s)
    if m:
        return _range(int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)))
    m = _leading_year().match(s)
    if m:
        y = int(m.group("y"))
        fiscal_word = bool(m.group("pre") or m.group("post"))
        y2, sep = m.group("y2"), m.group("sep")
        if y2 is not None:
            follows = int(y2) == y + 1 if len(y2) == 4 else int(y2) == (y + 1) % 100
            iso_month = sep in ("-", "–", "—") and len(y2) == 2 and 1 <= int(y2) <= 12 and not fiscal_word
            if follows and not iso_month:
                return Span(y, fiscal_start_month, 12, fiscal=True)
            if len(y2) == 2 and 1 <= int(y2) <= 12 and sep in ("-", "–", "—", "/", "／"):
                return Span(y, int(y2), 1)       # 2023-03: a month
        if fiscal_word:
            return Span(y, fiscal_start_month, 12, fiscal=True, fiscal_label=True)
        return Span(y, 1, 12)
    return _worded_span(s)


@dataclass(frozen=True)
class PeriodRule:
    """The profile's choice of data year for a period (module docstring)."""

    period_year: str = "start"
    fiscal_year_start_month: int | None = None
    fiscal_year_label: str | None = None

    @classmethod
    def of(cls, profile: Any) -> PeriodRule:
        return cls(str(getattr(profile, "period_year", "start") or "start"), getattr(profile, "fiscal_year_start_month", None),
                   getattr(profile, "fiscal_year_label", None))

    def describe(self) -> str:
        parts = [f"period_year = {self.period_year!r}"]
        if self.fiscal_year_start_month is not None:
            parts.append(f"fiscal_year_start_month = {self.fiscal_year_start_month}")
        if self.fiscal_year_label is not None:
            parts.append(f"fiscal_year_label = {self.fiscal_year_label!r}")
        return ", ".join(parts)

    def data_year(self, text: str) -> int | str | None:
        """The data year of a period cell under this rule; a text saying why it cannot be
        told (the setting it needs); None when the text is not a period this module reads."""
        span = period_span(text, self.fiscal_year_start_month)
        if span is None:
            return None
        if span.fiscal_label:
            labelled = self._labelled(span)
            if isinstance(labelled, str):
                return labelled
            span = labelled
        if span.months <= 12 and span.start_month == 1:
            return span.start_year
        if self.period_year == "start":
            return span.start_year
        if span.start_month is None:   # "2023/24" without months: it ends in the next year
            if self.period_year == "end":
                return span.start_year + 1
            return ("period_year = 'most_months' needs the months of this financial year: set fiscal_year_start_month "
                    "(1-12) in the profile, or write the period with its months ('year ended 31 March 2024')")
        counts = span.month_counts()
        if self.period_year == "end":
            return max(counts)
        best = max(counts.values())
        years = [y for y, n in counts.items() if n == best]
        if len(years) > 1:
            return (f"period_year = 'most_months' cannot choose: the period holds {best} months in each of "
                    f"{' and '.join(map(str, years))}; set period_year = 'start' or 'end' in the profile")
        return years[0]

    def _labelled(self, span: Span) -> Span | str:
        """A one-year fiscal label ("FY2023") with its months, from the profile's settings."""
        fm = self.fiscal_year_start_month
        if fm == 1:
            return Span(span.start_year, 1, 12)
        if self.fiscal_year_label is None:
            if self.period_year == "start":
                return Span(span.start_year, None, 12, fiscal=True)   # the year as printed, as before
            return (f"a one-year fiscal label names its start year in some conventions and its end year in others: set "
                    f"fiscal_year_label = 'start' or 'end' (and fiscal_year_start_month) in the profile for period_year = "
                    f"{self.period_year!r}, or write the period as '2022/23' or 'year ended 31 March 2023'")
        if fm is None:
            if self.fiscal_year_label == "start" and self.period_year == "start":
                return Span(span.start_year, None, 12, fiscal=True)
            return "a one-year fiscal label needs fiscal_year_start_month (1-12) in the profile to say which months it covers"
        start = span.start_year if self.fiscal_year_label == "start" else span.start_year - 1
        return Span(start, fm, 12, fiscal=True)
