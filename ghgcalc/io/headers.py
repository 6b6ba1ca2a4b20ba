"""Which header of a table is which contract column (contract sections 1 and 8, "Input shapes").

A header names a column by the header words of ``ghgcalc/data/columns.yaml`` (English,
traditional and simplified Chinese: 能源品种 / 能源類型 -> ``carrier``, 消耗量 / 用量 ->
``quantity``, 单位 / 單位 -> ``unit``, 工厂 / 設施 -> ``facility``, 年份 / 年度 -> ``period``,
地区 / 省份 -> ``region``, 范围 / 範圍 -> ``scope``), or by the user's own mapping (``--columns
能源品种=carrier``, a profile's ``[input] columns``), which wins. Two headers that read as one
column are an error naming both: which one holds the data would be a guess. A table with no
quantity column but one column per year (``指标 | 单位 | 2021 | 2022``) is a wide KPI table
(:mod:`ghgcalc.io.wide`). The result says which header became which column, for the record
(``calc --format json`` key ``input``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, RowIssue, few
from .data import normalize_key
from .readers import HEADER_SCAN_ROWS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, canonical_column, header_names
from .wide import year_of_head

__all__ = ["CONTRACT_COLUMNS", "HeaderMap", "map_headers", "parse_column_mapping"]

CONTRACT_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
#: what a column that lost its contract name to the user's mapping is renamed to
_UNUSED = "{name} (not used)"


def parse_column_mapping(text: str | Sequence[str] | Mapping[str, str] | None) -> dict[str, str]:
    """``"能源品种=carrier,消耗量=quantity"`` (or several such texts, or a mapping) as
    ``{header: column}``; every column must be a contract column, once.

    Raises
    ------
    InputError
        For an entry without ``=``, an unknown column, or a column named twice.
    """
    if text is None:
        return {}
    if isinstance(text, Mapping):
        pairs = [(str(k), str(v)) for k, v in text.items()]
    else:
        items = [text] if isinstance(text, str) else list(text)
        pairs = []
        for item in items:
            for part in str(item).split(","):
                if not part.strip():
                    continue
                head, eq, col = part.rpartition("=")
                if not eq or not head.strip() or not col.strip():
                    raise InputError("a column mapping entry is HEADER=COLUMN", column="columns", value=part.strip(),
                                     hint="e.g. --columns 能源品种=carrier,消耗量=quantity")
                pairs.append((head.strip(), col.strip()))
    out: dict[str, str] = {}
    for head, col in pairs:
        canon = normalize_key(col)
        if canon not in CONTRACT_COLUMNS:
            raise InputError(f"{col!r} is not a column of an activity table", column="columns", value=f"{head}={col}",
                             hint=f"map a header to one of {', '.join(CONTRACT_COLUMNS)}")
        if canon in out.values():
            other = next(h for h, c in out.items() if c == canon)
            raise InputError(f"two headers are mapped to {canon!r}: {other!r} and {head!r}", column="columns",
                             value=f"{head}={col}", hint="map one header to each column")
        out[head] = canon
    return out


@dataclass
class HeaderMap:
    """How a table's headers map to the contract columns."""

    #: column label -> contract column (the columns renamed)
    mapping: dict[Any, str] = field(default_factory=dict)
    #: column label -> its new name, for a column that lost its contract name to the user's mapping
    renamed: dict[Any, str] = field(default_factory=dict)
    #: table-level problems (row None): duplicate or ambiguous headers, missing columns
    issues: list[RowIssue] = field(default_factory=list)
    #: the year columns of a wide table (labels, in table order), empty for a long table
    year_columns: list[Any] = field(default_factory=list)
    #: the headers the user's mapping named (header -> column)
    explicit: dict[str, str] = field(default_factory=dict)

    @property
    def wide(self) -> bool:
        return bool(self.year_columns)

    def record(self) -> dict[str, str]:
        """header text -> contract column, for the record (``input.columns``)."""
        return {_text(c): canon for c, canon in self.mapping.items()}

    def header_of(self) -> dict[str, str]:
        """contract column -> the header it was read from, where they differ."""
        return {canon: _text(c) for c, canon in self.mapping.items() if _text(c) != canon}

    def rename_map(self) -> dict[Any, str]:
        return {**self.renamed, **self.mapping}


def _text(label: Any) -> str:
    return header_names([label])[0]


def map_headers(columns: Sequence[Any], explicit: Mapping[str, str] | None = None) -> HeaderMap:
    """Map a table's headers to the contract columns.

    ``explicit`` (header -> column, from ``--columns`` or a profile's ``[input] columns``)
    wins; a header it names that the table lacks is an error. Otherwise each header is read by
    :func:`~ghgcalc.io.readers.canonical_column`. For each column: a header that is exactly
    its name wins over the header words (the others are carried through); two headers that
    both read as it otherwise are an error naming both. With no quantity column, no period
    column, a carrier column and one or more year heads (:func:`~ghgcalc.io.wide.year_of_head`),
    the table is wide: its year columns are listed in ``year_columns``.
    """
    out = HeaderMap(explicit=dict(explicit or {}))
    labels = list(columns)
    names = header_names(labels)
    dups = _duplicate_headers(names, out)
    taken: dict[str, Any] = {}
    by_key: dict[str, list[int]] = {}
    for j, n in enumerate(names):
        by_key.setdefault(normalize_key(unicodedata.normalize("NFKC", n).strip().strip(":*").strip()), []).append(j)
    for head, col in out.explicit.items():
        hits = by_key.get(normalize_key(unicodedata.normalize("NFKC", head).strip()), [])
        if not hits:
            out.issues.append(RowIssue(row=None, column=col, value=head,
                                       reason=f"the column mapping names header {head!r}, which the table does not have",
                                       hint=f"the table's headers are {few(repr(n) for n in names)}"))
            continue
        taken[col] = labels[hits[0]]
        out.mapping[labels[hits[0]]] = col
    canon_of = {j: canonical_column(labels[j]) for j in range(len(labels)) if labels[j] not in out.mapping}
    for col in CONTRACT_COLUMNS:
        holders = [j for j, c in canon_of.items() if c == col]
        if col in taken:
            for j in holders:      # the user's mapping wins: the other header is carried through
                if normalize_key(names[j]) in CONTRACT_COLUMNS:
                    out.renamed[labels[j]] = _UNUSED.format(name=names[j])
            continue
        if not holders:
            continue
        exact = [j for j in holders if normalize_key(names[j]) == col]
        # a required column is never chosen among two (quantity and 數量: which holds the numbers?);
        # an optional one by its exact name when one header is that name
        if len(holders) > 1 and (col in REQUIRED_COLUMNS or not exact):
            heads = [names[j] for j in holders]
            if not any(set(heads) <= set(g) for g in dups):
                out.issues.append(_ambiguous(col, heads))
            taken[col] = None      # not missing: named twice
            continue
        chosen = exact[0] if exact else holders[0]
        taken[col] = labels[chosen]
        out.mapping[labels[chosen]] = col
    _wide_or_missing(labels, names, canon_of, taken, out)
    return out


def _duplicate_headers(names: list[str], out: HeaderMap) -> list[list[str]]:
    """Headers that are the same text (NFKC, case): an error each group; the groups."""
    seen: dict[str, list[str]] = {}
    for n in names:
        seen.setdefault(unicodedata.normalize("NFKC", n).strip().casefold(), []).append(n)
    dups = [g for g in seen.values() if len(g) > 1]
    for group in dups:
        out.issues.append(RowIssue(row=None, column=group[0], value=group, reason="duplicate column header",
                                   hint="give each column a distinct header; ghgcalc does not guess which one holds the data"))
    return dups


def _ambiguous(col: str, heads: list[str]) -> RowIssue:
    first = heads[0]
    return RowIssue(row=None, column=col, value=heads, reason=f"more than one column reads as {col!r}: {few(repr(h) for h in heads)}",
                    hint=f"say which one holds the {col}: --columns {first}={col} (in a profile: [input] columns = "
                         f"{{\"{first}\" = \"{col}\"}}), or rename the others; ghgcalc does not guess which one holds the data")


def _wide_or_missing(labels: list[Any], names: list[str], canon_of: dict[int, str | None], taken: dict[str, Any],
                     out: HeaderMap) -> None:
    """A wide KPI table (year columns instead of a quantity column), or the missing columns."""
    years = {j: year_of_head(labels[j]) for j in range(len(labels)) if labels[j] not in out.mapping and canon_of.get(j) is None}
    year_cols = [j for j, y in years.items() if y is not None]
    if "quantity" not in taken and "period" not in taken and "carrier" in taken and year_cols:
        seen: dict[int, int] = {}
        for j in year_cols:
            y = years[j]
            assert y is not None
            if y in seen:
                out.issues.append(RowIssue(
                    row=None, column="period", value=[names[seen[y]], names[j]],
                    reason=f"two year columns read as data year {y}: {names[seen[y]]!r} and {names[j]!r}",
                    hint="keep one column per year (a restated figure replaces the original; a target is not a quantity)"))
            seen.setdefault(y, j)
        out.year_columns = [labels[j] for j in year_cols]
        taken["quantity"] = None
    for req in REQUIRED_COLUMNS:
        if req in taken:
            continue
        hint = (f"an activity table needs the columns carrier, quantity, unit (looked for a header in the first "
                f"{HEADER_SCAN_ROWS} rows); map a header of another name with --columns HEADER={req} "
                f"(in a profile: [input] columns)")
        if req == "quantity" and year_cols and "period" in taken:
            hint = (f"the table has one column per year ({few(names[j] for j in year_cols)}) and a period column: "
                    "give either one row per period (columns carrier, quantity, unit, period), or one column per year "
                    "without a period column")
        out.issues.append(RowIssue(row=None, column=req, value=names, reason=f"required column {req!r} is missing", hint=hint))
