"""The factor chain and the edition choice: one implementation for calculate, explain and claims.

* :func:`choose_edition`: which of a profile's candidate rows applies to a (data year,
  region). A row must cover the year and the region; among those covering, the most
  specific region wins (a province row ``CN-GD`` over the national ``CN`` row over a
  ``GLOBAL``/blank row); two rows equally specific are an error. When no row covers the
  year, ``mismatch = "record"`` takes the edition nearest in years (recorded), else it is
  an error (no silent fallback).
* :func:`conversion_path`: the fewest conversions (heating value, density) that bring an
  activity to a factor's denominator.
* :func:`emission_chain` (IPCC 2006 Vol. 2 Ch. 1 eq. 1.1: ``E = activity × [density] ×
  [heating value] × EF``), :func:`carbon_content_chain` (GB/T 32151.1-2015 formula 3:
  ``CO2 = activity × NCV × CC × OF × 44/12``) and :func:`co2e_chain` (``Σ_g E_g × GWP_g``):
  exact coefficients per unit of activity with their factor chains ``{factor id: exponent}``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, Literal

from ..errors import GhgcalcError, few
from .factors import FactorRow
from .units import parse_unit

__all__ = [
    "Chain",
    "EditionError",
    "carbon_content_chain",
    "carbon_to_co2",
    "choose_edition",
    "co2e_chain",
    "conversion_path",
    "conversion_paths",
    "emission_chain",
    "region_depth",
    "year_distance",
]

#: an exact coefficient per unit of activity and its factor chain (factor id -> exponent)
Chain = tuple[Fraction, dict[str, int]]


class EditionError(GhgcalcError):
    """No single row of a profile's candidates applies to a (data year, region).

    ``column`` is the activity column to blame (``period`` or ``region``), ``hint`` what to do."""

    def __init__(self, column: str, reason: str, hint: str | None = None) -> None:
        self.column, self.reason, self.hint = column, reason, hint
        super().__init__(reason)


def year_distance(row: FactorRow, year: int) -> int:
    """How many data years lie between ``year`` and the years ``row`` is published for."""
    if row.covers_year(year):
        return 0
    if row.valid_from is not None and year < row.valid_from:
        return row.valid_from - year
    assert row.valid_to is not None
    return year - row.valid_to


def region_depth(row: FactorRow) -> int:
    """How specific a row's region is: 0 for any region (blank, ``GLOBAL``), 1 for a
    country (``CN``, ``HK``), one more per sub-region level (``CN-GD``, ``HK-CLP``)."""
    reg = (row.region or "").upper()
    return 0 if reg in ("", "GLOBAL") else 1 + reg.count("-")


def _region_of(row: FactorRow) -> str:
    """A row's region for the no-region rule: "" for any region (blank or GLOBAL)."""
    r = (row.region or "").upper()
    return "" if r == "GLOBAL" else r


def _ids(cands: Sequence[FactorRow]) -> str:
    """The candidates of a message: a few, then how many more (``ghgcalc profiles show`` lists them)."""
    return few((f"{r.id} (data years {r.years_text()}, {r.region or 'any region'})" for r in cands),
               more="ghgcalc profiles show lists them all")


def choose_edition(cands: Sequence[FactorRow], year: int, region: str, *, what: str,
                   mismatch: Literal["error", "record"] = "error") -> tuple[FactorRow, str | None]:
    """The one row among ``cands`` for (year, region), and a note to record (or None).

    Rows covering both the year and the region qualify; the most specific region among them
    wins (:func:`region_depth`), and a choice between regions is recorded. Two rows equally
    specific are an error (:class:`EditionError`, column ``period``). If none covers the data
    year: with ``mismatch="record"`` the row fitting the region whose years lie nearest is
    used and the mismatch recorded (two equally near stay an error), else an error naming
    each candidate with its years. A ``region`` of "" (the row gives none and no profile
    region): the candidates apply by period when they are all for one region, several
    regions are an error (no region is invented)."""
    if not region:
        return _choose_without_region(cands, year, what=what, mismatch=mismatch)
    fit_region = [r for r in cands if r.covers_region(region)]
    fit = [r for r in fit_region if r.covers_year(year)]
    if fit:
        best = max(region_depth(r) for r in fit)
        top = [r for r in fit if region_depth(r) == best]
        if len(top) == 1:
            row = top[0]
            wider = [r for r in fit if r is not row]
            note = None
            if wider:
                others = ", ".join(f"{r.id} ({r.region or 'any region'})" for r in wider)
                note = f"{what}: region {region}: the profile's factor for {row.region} ({row.id}) applies, not the wider {others}"
            return row, note
        raise EditionError("period", f"{what}: more than one factor covers data year {year} in region {region}: {_ids(cands)}")
    if not fit_region:
        raise EditionError("region", f"{what}: no factor in the profile applies to region {region!r} (candidates: {_ids(cands)})",
                           "give the row a region the factor covers, or pin a factor for that region")
    if mismatch == "record":
        dist = sorted((year_distance(r, year), -region_depth(r), i) for i, r in enumerate(fit_region))
        if len(dist) == 1 or dist[0][:2] < dist[1][:2]:
            r = fit_region[dist[0][2]]
            return r, (f"edition mismatch: {what} {r.id} is published for data years {r.years_text()}, "
                       f"used for data year {year} (edition_mismatch = 'record')")
        raise EditionError("period", f"{what}: no factor in the profile covers data year {year}, and two editions are "
                           f"equally near (candidates: {_ids(cands)})", "pin the edition to use for that data year")
    nearest = sorted(cands, key=lambda r: year_distance(r, year))     # the editions nearest the data year first
    raise EditionError("period", f"{what}: no factor in the profile covers data year {year} (candidates: {_ids(nearest)})",
                       "pin a factor published for that data year, or set edition_mismatch = 'record' in the profile")


def _choose_without_region(cands: Sequence[FactorRow], year: int, *, what: str,
                           mismatch: Literal["error", "record"]) -> tuple[FactorRow, str | None]:
    regs = sorted({_region_of(r) for r in cands})
    if not regs:
        raise EditionError("period", f"{what}: no factor in the profile covers data year {year}")
    if len(regs) > 1:
        few = ", ".join(f"{r.id} ({r.region or 'any region'})" for r in cands[:3]) + (", ..." if len(cands) > 3 else "")
        raise EditionError("region", f"{what}: the row gives no region, and the profile pins factors for "
                           f"{len(regs)} regions (candidates: {few})",
                           "give the row a region (a region column), or set region in the profile")
    pseudo = regs[0] or "GLOBAL"
    row, note = choose_edition(cands, year, pseudo, what=what, mismatch=mismatch)
    if regs[0]:
        extra = f"{what}: the row gives no region; the profile's factor for region {regs[0]} ({row.id}) applies"
        note = f"{note}; {extra}" if note else extra
    return row, note


def _dims(q: Any) -> dict[str, Fraction]:
    return {str(k): Fraction(v) for k, v in q.dimensionality.items() if v != 0}


_PATH_CACHE: dict[tuple[Any, ...], Chain | None] = {}


def conversion_path(start: Any, target_unit: str, convs: Sequence[FactorRow]) -> Chain | None:
    """Multiply the pint quantity ``start`` by the conversions (each used at most once, × or
    ÷) so that it reaches the dimension of ``target_unit``; the fewest conversions win, in the
    order given. Returns the exact magnitude in ``target_unit`` and ``{conversion id: ±1}``.

    Memoised on (start magnitude and units, target, the conversions' ids, values and units):
    the search multiplies pint quantities, and the same one recurs for every year and region."""
    ck = (start.magnitude, start._units, target_unit, tuple((c.id, c.value, c.unit) for c in convs))
    if ck in _PATH_CACHE:
        found = _PATH_CACHE[ck]
        return None if found is None else (found[0], dict(found[1]))
    found = _path_search(start, target_unit, convs)
    if len(_PATH_CACHE) > 65536:
        _PATH_CACHE.clear()
    _PATH_CACHE[ck] = found
    return None if found is None else (found[0], dict(found[1]))


def _path_search(start: Any, target_unit: str, convs: Sequence[FactorRow]) -> Chain | None:
    return next(conversion_paths(start, target_unit, convs), None)


def conversion_paths(start: Any, target_unit: str, convs: Sequence[FactorRow], *, max_steps: int | None = None,
                     allow: Callable[[Sequence[FactorRow]], bool] | None = None) -> Iterator[Chain]:
    """Every way of multiplying the pint quantity ``start`` by conversions (each at most once,
    × or ÷; at most ``max_steps`` of them; only combinations ``allow`` accepts) that reaches
    the dimension of ``target_unit``, fewest conversions first, in the order given: the
    magnitude in ``target_unit`` and ``{conversion id: ±1}``. :func:`conversion_path` is the
    first of them (what a calculation applies); a search over every edition (the claims
    check's official factors) takes them all."""
    target = parse_unit(target_unit)
    tdims = _dims(target)
    top = len(convs) if max_steps is None else min(max_steps, len(convs))
    for n in range(top + 1):
        for combo in itertools.combinations(range(len(convs)), n):
            rows = [convs[idx] for idx in combo]
            if allow is not None and not allow(rows):
                continue
            for signs in itertools.product((1, -1), repeat=n):
                q = start
                for row, sg in zip(rows, signs, strict=True):
                    q = q * row.quantity if sg == 1 else q / row.quantity
                if _dims(q) == tdims:
                    yield Fraction((q / target).to("dimensionless").magnitude), {r.id: sg for r, sg in zip(rows, signs, strict=True)}


def carbon_to_co2(carbon_content: FactorRow, oxidation_rate: FactorRow) -> Any:
    """CO2 per unit of fuel energy by the carbon content method, GB/T 32151.1-2015 formula
    (3): ``CC × OF × 44/12`` (the 44/12 is ``carbon_to_co2`` in ghgcalc/data/units.txt)."""
    return carbon_content.quantity * oxidation_rate.quantity * parse_unit("carbon_to_co2")


def emission_chain(activity: Any, row: FactorRow, convs: Sequence[FactorRow]) -> Chain | None:
    """Tonnes of ``row.gas`` per ``activity`` (a pint quantity, e.g. ``1 t``) by the emission
    factor ``row`` and the fewest ``convs`` (IPCC 2006 Vol. 2 Ch. 1 eq. 1.1); None when no
    conversion brings the activity to the factor's denominator."""
    found = conversion_path(activity * row.quantity, f"t {row.gas}", convs)
    return None if found is None else (found[0], {row.id: 1, **found[1]})


def carbon_content_chain(activity: Any, carbon_content: FactorRow, oxidation_rate: FactorRow,
                         convs: Sequence[FactorRow]) -> Chain | None:
    """Tonnes of CO2 per ``activity`` by the carbon content method, GB/T 32151.1-2015
    formula (3): ``activity × NCV × CC × OF × 44/12`` (the 44/12 is ``carbon_to_co2`` in
    ghgcalc/data/units.txt); None when no conversion fits."""
    found = conversion_path(activity * carbon_to_co2(carbon_content, oxidation_rate), "t CO2", convs)
    return None if found is None else (found[0], {carbon_content.id: 1, oxidation_rate.id: 1, **found[1]})


def co2e_chain(gas_chains: Mapping[str, Chain], gwp: Callable[[str], FactorRow]) -> tuple[Chain, list[Chain]]:
    """CO2e of per-gas chains: ``Σ_g E_g × GWP_g`` with ``gwp(gas)`` the GWP row of each gas
    (a ``CO2e`` chain is taken as it is). Returns the sum and its terms (one per gas)."""
    terms: list[Chain] = []
    for g, (mag, ch) in gas_chains.items():
        if g == "CO2e":
            terms.append((mag, dict(ch)))
        else:
            gw = gwp(g)
            terms.append((mag * gw.exact, {**ch, gw.id: 1}))
    total = Fraction(0)
    chain: dict[str, int] = {}
    for mag, ch in terms:
        total += mag
        chain.update(ch)
    return (total, chain), terms
