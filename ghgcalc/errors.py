"""Exception classes of ghgcalc.

Every error about user input names where it happened (row, column, value) and why, so that
an analyst can fix the spreadsheet without reading a traceback. ``row`` is the 0-based
position in the activity table as read (the first row under the header is row 0; in a wide
table turned into rows, the position among those rows); ``line``, when the table came from a
file, is the line a person finds it on: in a CSV the line number in an editor (the header's
line counted), in an XLSX sheet the sheet's own row number. ``header`` is the column's head in
the file where it is not the contract's name (``消耗量`` for ``quantity``; the year column of a
wide table). A problem that repeats over many rows is listed once with its lines
(:func:`grouped_lines`), while ``ActivityDataError.issues`` keeps one issue per row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .printed import plain


class GhgcalcError(Exception):
    """Base class of every error ghgcalc raises on purpose."""


@dataclass
class RowIssue:
    """One problem with one cell of the activity table."""

    row: int | None
    column: str | None
    value: Any
    reason: str
    hint: str | None = None
    #: the line of a CSV file, or the row number of an XLSX sheet (1-based, header and any
    #: title rows counted); None for a DataFrame or when the issue is not about one row
    line: int | None = None
    #: the column's head in the file where it differs from ``column`` (``"消耗量"`` for
    #: ``quantity``, ``"2022"`` for the quantity of a wide table's 2022 column)
    header: str | None = None

    def __post_init__(self) -> None:
        if self.row is not None:
            self.row = int(self.row)
        if self.line is not None:
            self.line = int(self.line)
        self.value = plain(self.value)

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(self._column_text())
        loc = ", ".join(where) if where else "input"
        return f"{loc}: {self._what()}"

    def _column_text(self) -> str:
        head = f" ({self.header!r})" if self.header is not None and self.header != self.column else ""
        return f"column {self.column!r}{head}"

    def _what(self) -> str:
        text = f"{self.reason} (value: {self.value!r})"
        if self.hint:
            text += f"; hint: {self.hint}"
        return text

    def _same_problem(self) -> tuple[Any, ...]:
        return (self.column, self.header, self.reason, repr(self.value), self.hint)

    def as_dict(self) -> dict[str, Any]:
        value = self.value
        if not isinstance(value, (str, int, float, bool)) and value is not None:
            value = str(value)
        return {
            "row": self.row,
            "line": self.line,
            "column": self.column,
            "value": value,
            "reason": self.reason,
            "hint": self.hint,
            "header": self.header,
        }


#: how many candidates a message lists before "and N more"
FEW = 5


def few(items: Iterable[Any], limit: int = FEW, more: str | None = None) -> str:
    """At most ``limit`` items, comma-separated, then "and N more" (with ``more``, e.g. a
    command that lists them all): a message names a few candidates, never thirty."""
    seq = [str(x) for x in items]
    shown = ", ".join(seq[:limit])
    if len(seq) <= limit:
        return shown
    rest = f" and {len(seq) - limit} more"
    return f"{shown}{rest}" + (f" ({more})" if more else "")


def number_ranges(numbers: Iterable[int], limit: int = 12) -> str:
    """``[3, 5, 9, 10, 11, 12, 13, 14]`` -> ``"3, 5, 9–14"``; after ``limit`` runs, ``", ..."``."""
    nums = sorted(set(numbers))
    runs: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        runs.append(str(nums[i]) if i == j else f"{nums[i]}\u2013{nums[j]}")
        i = j + 1
    return ", ".join(runs[:limit]) + (", ..." if len(runs) > limit else "")


def grouped_lines(issues: Sequence[RowIssue], limit: int | None = None) -> list[str]:
    """The issues as message lines, one per problem: issues with the same column, reason,
    value and hint on several rows become one line listing the lines (or rows, for a
    DataFrame): ``"lines 3, 5, 9–14, rows 1, 3, 7–12 (8 rows), column 'unit': unknown unit (value:
    'kwhh')"``.
    Problems keep the order of their first row; ``limit``: at most that many lines, then
    "... and N more problem(s)"."""
    groups: dict[tuple[Any, ...], list[RowIssue]] = {}
    order: list[tuple[Any, ...] | int] = []
    for k, issue in enumerate(issues):
        if issue.row is None:
            order.append(k)
            continue
        key = issue._same_problem()
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(issue)
    out: list[str] = []
    for entry in order:
        if isinstance(entry, int):
            out.append(str(issues[entry]))
            continue
        members = groups[entry]
        if len(members) == 1:
            out.append(str(members[0]))
            continue
        first = members[0]
        lines = [m.line for m in members if m.line is not None]
        rows = f"rows {number_ranges(int(m.row) for m in members if m.row is not None)} ({len(members)} rows)"
        one_line = len(set(lines)) == 1      # the years of one row of a wide table
        where = (f"line{'' if one_line else 's'} {number_ranges(lines)}, {rows}" if len(lines) == len(members) else rows)
        if first.column is not None:
            where += f", {first._column_text()}"
        out.append(f"{where}: {first._what()}")
    if limit is not None and len(out) > limit:
        return [*out[:limit], f"... and {len(out) - limit} more problem(s)"]
    return out


class InputError(GhgcalcError, ValueError):
    """A single bad cell. Carries ``row``, ``column``, ``value``, ``reason`` and ``hint``."""

    def __init__(
        self,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        hint: str | None = None,
    ) -> None:
        self.issue = RowIssue(row=row, column=column, value=value, reason=reason, hint=hint)
        super().__init__(str(self.issue))

    @property
    def row(self) -> int | None:
        return self.issue.row

    @property
    def column(self) -> str | None:
        return self.issue.column

    @property
    def value(self) -> Any:
        return self.issue.value

    @property
    def reason(self) -> str:
        return self.issue.reason

    @property
    def hint(self) -> str | None:
        return self.issue.hint


class UnitError(InputError):
    """A unit that pint cannot parse, or of the wrong dimension for its use."""


class ActivityDataError(GhgcalcError, ValueError):
    """Several bad rows at once: ``issues`` lists every one of them.

    When every issue is of one kind, ``ActivityDataError(issues)`` is an instance of that
    kind's class (:class:`UnknownCarrierError`, :class:`QuantityError`,
    :class:`MissingFactorError`, :class:`MissingColumnError`), each both an
    ``ActivityDataError`` and an :class:`InputError` (whose ``row``, ``column``, ``value``,
    ``reason`` and ``hint`` are those of the first issue); problems of several kinds stay a
    plain ``ActivityDataError``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> ActivityDataError:
        if cls is ActivityDataError and args and not isinstance(args[0], str):
            kinds = {_kind_of(i) for i in args[0]}
            one = kinds.pop() if len(kinds) == 1 else None
            if one is not None:
                cls = one
        instance: ActivityDataError = super().__new__(cls)
        return instance

    def __init__(self, issues: Sequence[RowIssue]) -> None:
        self.issues = list(issues)
        head = f"{len(self.issues)} problem(s) in the activity data"
        body = "\n".join(f"  - {line}" for line in grouped_lines(self.issues, limit=50))
        super().__init__(f"{head}:\n{body}")


class ProfileError(GhgcalcError, ValueError):
    """A methodology profile that is malformed: names the key and why."""

    def __init__(self, reason: str, *, key: str | None = None, profile: str | None = None) -> None:
        self.key = key
        self.reason = reason
        self.profile = profile
        where = f"profile {profile!r}" if profile else "profile"
        if key:
            where += f", key {key!r}"
        super().__init__(f"{where}: {reason}")


class FactorError(GhgcalcError, ValueError):
    """A factor table or row that is malformed, or an unknown factor id."""

    def __init__(self, reason: str, *, factor_id: str | None = None, source: str | None = None) -> None:
        self.factor_id = factor_id
        self.reason = reason
        self.source = source
        where = []
        if source:
            where.append(str(source))
        if factor_id:
            where.append(f"factor {factor_id!r}")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + reason)


class ReportedFiguresError(GhgcalcError, ValueError):
    """A reported-figures file (for reconcile/explain) that is malformed."""

    def __init__(self, reason: str, *, entry: int | None = None, key: str | None = None) -> None:
        self.entry = entry
        self.key = key
        self.reason = reason
        where = []
        if entry is not None:
            where.append(f"entry {entry}")
        if key:
            where.append(f"key {key!r}")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + reason)


class _RowsOfOneKind(InputError, ActivityDataError):
    """Bad rows all of one kind: an :class:`InputError` (one cell: ``reason`` and the keywords)
    and an :class:`ActivityDataError` (``issues``; the cell attributes are the first issue's)."""

    def __init__(self, reason: str | Sequence[RowIssue], *, row: int | None = None, column: str | None = None,
                 value: Any = None, hint: str | None = None) -> None:
        if isinstance(reason, str):
            self.issue = RowIssue(row=row, column=column, value=value, reason=reason, hint=hint)
            self.issues = [self.issue]
            GhgcalcError.__init__(self, str(self.issue))
        else:
            ActivityDataError.__init__(self, reason)
            self.issue = self.issues[0]


class UnknownCarrierError(_RowsOfOneKind):
    """The carrier is neither shipped nor defined by the profile."""


class QuantityError(_RowsOfOneKind):
    """A quantity that is not a finite number >= 0."""


class MissingFactorError(_RowsOfOneKind):
    """No factor in the profile covers this row (carrier, period, region or instrument)."""


class MissingColumnError(_RowsOfOneKind):
    """A required column is absent from the activity table."""


#: a reason that says no factor of the profile covers a row ("no factor in the profile covers
#: data year 1990", "the profile gives no emission factors for 'x'", "... gives no factors for ...")
_NO_FACTOR = re.compile(r"\bno (?:[a-z_]+ )?factors?\b")


def _kind_of(issue: RowIssue) -> type[_RowsOfOneKind] | None:
    """The class of one row issue, from the column and reason the readers and the core give."""
    if issue.row is None:
        return MissingColumnError if issue.column and issue.reason.startswith("required column") else None
    if issue.column == "quantity":
        return QuantityError
    if issue.column == "carrier" and issue.reason == "unknown carrier":
        return UnknownCarrierError
    if _NO_FACTOR.search(issue.reason):
        return MissingFactorError
    return None


class RowsNotKeptError(GhgcalcError):
    """A question about individual rows asked of a streamed or Dask result, which keeps
    per-group sums rather than the rows (the message says what to do instead)."""
