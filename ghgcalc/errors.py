"""Exception classes of ghgcalc.

Every error about user input names where it happened (row, column, value) and why, so that
an analyst can fix the spreadsheet without reading a traceback. ``row`` is the 0-based
position in the activity table as read (the first row under the header is row 0); ``line``,
when the table came from a file, is the line a person finds it on: in a CSV the line number in
an editor (the header's line counted), in an XLSX sheet the sheet's own row number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
            where.append(f"column {self.column!r}")
        loc = ", ".join(where) if where else "input"
        text = f"{loc}: {self.reason} (value: {self.value!r})"
        if self.hint:
            text += f"; hint: {self.hint}"
        return text

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
        }


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
        body = "\n".join(f"  - {issue}" for issue in self.issues[:50])
        more = f"\n  ... and {len(self.issues) - 50} more" if len(self.issues) > 50 else ""
        super().__init__(f"{head}:\n{body}{more}")


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
