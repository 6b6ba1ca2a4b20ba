"""Why a figure is not available (n/a), as a code with its fields, worded in each language.

The method records on a resolution why a column has no coefficient (a gas the method does not
count, energy left out on purpose, no coal equivalent): n/a with its reason, never 0 (contract
section 8). The reason is a :class:`Reason`, a code of ``ghgcalc/data/reasons.yaml`` and the
fields its words take; :meth:`Reason.text` words it in English (what the API, JSON and the CLI
print, ``str(reason)``) or in Traditional or Simplified Chinese (what a Chinese disclosure pack
prints). The words are data; this module only fills them in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias, TypeVar

from .carriers import carriers, load_yaml
from .denominators import LANGUAGES

__all__ = ["Reason", "cells_label", "labelled_reasons", "reason", "reason_codes", "reasons_by_cells"]

_K = TypeVar("_K")

#: fields whose values are carrier ids, printed as the carrier's label in a Chinese text
_CARRIER_FIELDS = frozenset({"carrier", "carriers"})

#: the value of a field: a text, a list of texts, a reason or a list of reasons
FieldValue: TypeAlias = "str | tuple[str, ...] | Reason | tuple[Reason, ...]"


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml("reasons.yaml")
    return data


def reason_codes() -> dict[str, dict[str, str]]:
    """Every reason code of ``ghgcalc/data/reasons.yaml`` with its words by language."""
    return {str(k): {str(lg): str(t) for lg, t in v.items()} for k, v in _words()["reasons"].items()}


@dataclass(frozen=True)
class Reason:
    """A reason code (``ghgcalc/data/reasons.yaml``) and the values of its fields: a text, a
    tuple of texts (a list), another reason or a tuple of reasons (joined)."""

    code: str
    fields: tuple[tuple[str, FieldValue], ...] = ()

    def text(self, language: str = "en") -> str:
        """The reason in ``language`` (``en``, ``zh_hant``, ``zh_hans``); an unknown language
        raises :class:`ValueError`."""
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; reasons are worded in {', '.join(LANGUAGES)}")
        template = reason_codes()[self.code][language]
        return template.format(**{name: _field_text(name, value, language) for name, value in self.fields})

    def __str__(self) -> str:
        return self.text("en")


def reason(code: str, **fields: FieldValue) -> Reason:
    """A :class:`Reason`; an unknown code raises :class:`KeyError` (every code is data)."""
    if code not in reason_codes():
        raise KeyError(f"unknown reason code {code!r} (ghgcalc/data/reasons.yaml)")
    return Reason(code, tuple(sorted(fields.items())))


def _field_text(name: str, value: FieldValue, language: str) -> str:
    seps = _words()["separators"]
    if isinstance(value, Reason):
        return value.text(language)
    if isinstance(value, str):
        return _carrier_text(value, language) if name in _CARRIER_FIELDS else value
    items: Sequence[Any] = value
    if all(isinstance(v, Reason) for v in items):
        return str(seps["reasons"][language]).join(v.text(language) for v in items)
    return str(seps["list"][language]).join(_carrier_text(v, language) if name in _CARRIER_FIELDS else str(v) for v in items)


def _carrier_text(cid: str, language: str) -> str:
    """A carrier as a reason names it: its id in English (as the rows show it), its label in
    Chinese (a carrier a profile defines, without a shipped label, keeps its id)."""
    if language == "en":
        return cid
    known = carriers().get(cid)
    return str(known.labels.get(language, cid)) if known is not None else cid


def labelled_reasons(items: Sequence[tuple[str, Reason]], language: str) -> str:
    """``(label, reason)`` pairs as one text in ``language``: "Scope 1 CH4: rows of diesel
    ...; Total energy consumption: ..." (the separators of ``ghgcalc/data/reasons.yaml``)."""
    seps = _words()["separators"]
    return str(seps["reasons"][language]).join(f"{label}{seps['label'][language]}{why.text(language)}" for label, why in items)


def cells_label(groups: Sequence[str], metrics: Sequence[str], language: str) -> str:
    """The cells of a breakdown one reason applies to, as a label for :func:`labelled_reasons`:
    "Plant A, Plant B (Scope 1, Scope 1 CH4)" (the groups and the metrics' labels, already in
    ``language``; the template ``separators.cells`` of ``ghgcalc/data/reasons.yaml``)."""
    seps = _words()["separators"]
    sep = str(seps["list"][language])
    return str(seps["cells"][language]).format(groups=sep.join(groups), metrics=sep.join(metrics))


def reasons_by_cells(cells: Mapping[str, Sequence[_K | None]], groups: Sequence[str]) -> dict[_K, dict[tuple[str, ...], list[str]]]:
    """The n/a cells of a table by reason: ``cells`` gives per metric (column) each group's
    reason (None: the cell has a value), ``groups`` the groups' names (rows). Each distinct
    reason, in the order met, with the groups it applies to and, per such set of groups, the
    metrics ("scope1, scope1_2 (Plant A); energy_total (Plant A, Plant B)")."""
    out: dict[_K, dict[tuple[str, ...], list[str]]] = {}
    for m, per_group in cells.items():
        at: dict[_K, list[str]] = {}
        for name, why in zip(groups, per_group, strict=True):
            if why is not None:
                at.setdefault(why, []).append(str(name))
        for why, names in at.items():
            out.setdefault(why, {}).setdefault(tuple(names), []).append(m)
    return out

