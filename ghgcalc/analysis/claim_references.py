"""Claims check, stage 4: references -- the factors a claim is checked against: official
factors shipped with ghgcalc, a profile's factors, factors printed in the text and the
series the text names. See :mod:`ghgcalc.claim_check`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from ..core.carriers import carriers
from ..core.chain import carbon_to_co2, conversion_paths
from ..core.factors import FactorLibrary, FactorRow, default_library
from ..core.method import method_for
from ..core.profiles import load_profile
from ..core.units import dims_of, gas_of, parse_unit
from ..errors import UnitError
from ..printed import parse_printed
from .claim_mentions import dims_key
from .claim_numbers import ARABIC_NUMBER, fmt
from .claim_text import Sentence, lexicon, word_pattern

__all__ = [
    "GRID_CLAIM_USES",
    "ReferenceFactor",
    "claim_uses",
    "cued_factors",
    "factor_value",
    "implied_units",
    "in_unit",
    "official_factors",
    "plausible_factors",
    "printed_factors",
    "profile_factors",
]

# --------------------------------------------------------------------------- factors


@dataclass(frozen=True)
class ReferenceFactor:
    """A factor in the implied factor's unit: one row, or a product of rows (fuels)."""

    id: str
    value: Fraction
    rows: tuple[FactorRow, ...]
    source: str = ""

    def covers_year(self, year: int | None) -> bool:
        return year is None or all(r.covers_year(year) for r in self.rows)

    @property
    def years(self) -> str:
        return " & ".join(dict.fromkeys(r.years_text() for r in self.rows))


def in_unit(q: Any, target: str) -> Fraction | None:
    try:
        r = (q / parse_unit(target)).to("dimensionless").magnitude
    except Exception:  # pint.DimensionalityError and friends
        return None
    return r if isinstance(r, Fraction) else Fraction(r)


def implied_units(carrier: str, activity_unit: str) -> tuple[str, str] | None:
    """(mass unit, per unit) of the implied factor for an activity unit, or None."""
    lex = lexicon()
    want = dims_key(activity_unit)
    for mass, per in lex.implied_units.get(carrier, lex.implied_units["default"]):
        if dims_key(per) == want:
            return mass, per
    return None


@dataclass(frozen=True)
class _Base:
    """The CO2 (or CO2e) part of a chain: one emission row, or a carbon content times an
    oxidation rate times 44/12 (GB/T 32151.1-2015 formula (3))."""

    rows: tuple[FactorRow, ...]
    quantity: Any
    gas: str

    @property
    def id(self) -> str:
        return " × ".join(r.id for r in self.rows) + (" × 44/12" if len(self.rows) > 1 else "")


def _bases(rows: Iterable[FactorRow]) -> list[_Base]:
    """Emission rows (CO2, CO2e) and coherent carbon-content x oxidation-rate pairs."""
    rows = list(rows)
    out = [_Base((r,), r.quantity, r.gas or "CO2") for r in rows if r.kind == "emission" and (r.gas or "").upper() in ("CO2", "CO2E")]
    ccs = [r for r in rows if r.kind == "carbon_content"]
    ofs = [r for r in rows if r.kind == "oxidation_rate"]
    for cc in ccs:
        for of in ofs:
            if _coherent([cc, of]):
                out.append(_Base((cc, of), carbon_to_co2(cc, of), "CO2"))
    return out


def factor_value(base: _Base, bridges: Sequence[tuple[FactorRow, int]], mass: str, per: str) -> Fraction | None:
    """``base`` times bridging rows (each to the power ±1) in ``mass <gas> / per``, or None
    when the dimensions do not come out as an emission per activity unit."""
    q = base.quantity
    for row, p in bridges:
        q = q * row.quantity if p > 0 else q / row.quantity
    return in_unit(q, f"{mass} {base.gas} / ({per})")


_KIND_TOKENS = frozenset({"cc", "of", "ncv", "co2", "ch4", "n2o", "co2e"})


def _fuel_key(row: FactorRow) -> str:
    """The fuel a row is for within its publisher's tables: its id without table numbers,
    kind tokens and editions (``ipcc-2006-v2-t1.4-lignite-co2`` -> ``ipcc-2006-v2-lignite``,
    ``cn-default-cc-diesel-ndrc2015`` -> ``cn-default-diesel``)."""
    toks = [t for t in row.id.split("-") if t not in _KIND_TOKENS and not re.fullmatch(r"t\d+(?:\.\d+)*|(?:ndrc)?\d{4}", t)]
    return "-".join(toks)


def _coherent(rows: Sequence[FactorRow]) -> bool:
    """Rows of one publisher in a chain must be for the same fuel (no IPCC lignite CO2
    factor times the IPCC sub-bituminous heating value)."""
    seen: dict[str, str] = {}
    for r in rows:
        pub = r.publisher or r.id
        if seen.setdefault(pub, _fuel_key(r)) != _fuel_key(r):
            return False
    return True


def _chains(bases: Sequence[_Base], bridges: Sequence[FactorRow], mass: str, per: str) -> list[ReferenceFactor]:
    """Each base alone, or times one or two bridging rows of different kinds (heating value,
    coal equivalent, density), that comes out in ``mass gas / per`` (IPCC 2006 Vol. 2 ch. 1
    eq. 1.1: emissions = fuel x NCV x EF): every such path, by the core's own path search
    (:func:`ghgcalc.core.chain.conversion_paths`), each row of one publisher for one fuel."""
    out: list[ReferenceFactor] = []
    for b in bases:
        target = f"{mass} {b.gas} / ({per})"
        alone = factor_value(b, [], mass, per)
        if alone is not None:
            out.append(ReferenceFactor(b.id, alone, b.rows))
            continue

        def allow(rows: Sequence[FactorRow], b: _Base = b) -> bool:
            return len({r.kind for r in rows}) == len(rows) and _coherent([*b.rows, *rows])

        by_id = {r.id: r for r in bridges}
        for value, chain in conversion_paths(b.quantity, target, bridges, max_steps=2, allow=allow):
            if not chain:
                continue
            rows = [by_id[i] for i in chain]
            rid = " × ".join([b.id, *(i if sg > 0 else f"1/{i}" for i, sg in chain.items())])
            out.append(ReferenceFactor(rid, value, (*b.rows, *rows)))
    return out


def official_factors(carrier: str, activity_unit: str, library: FactorLibrary | None = None) -> list[ReferenceFactor]:
    """Every shipped factor for ``carrier`` (all editions, regions) in the implied
    factor's unit: CO2/CO2e emission rows, for fuels times the carrier's heating-value,
    coal-equivalent or density rows (IPCC 2006 Vol. 2 eq. 1.1)."""
    return list(_official(carrier, activity_unit, library or default_library()))


@lru_cache(maxsize=64)
def _official(carrier: str, activity_unit: str, library: FactorLibrary) -> tuple[ReferenceFactor, ...]:
    units = implied_units(carrier, activity_unit)
    if units is None:
        return ()
    own = [r for r in library if r.carrier == carrier and r.serves(*claim_uses(carrier, r.kind))]
    bridges = [r for r in own if r.kind in ("heating_value", "coal_equivalent", "density")]
    return tuple(_chains(_bases(own), bridges, *units))


#: the uses of an emission factor behind a saved/avoided electricity or heat claim: the grid
#: it displaces (location-based average, residual mix, CDM/CCER margin); never a life-cycle
#: footprint (a solar PV footprint of 0.05 t/MWh is not what a kWh saved avoids) or an
#: upstream-only figure
GRID_CLAIM_USES = ("grid_location", "grid_residual", "grid_avoided")


def claim_uses(carrier: str, kind: str) -> tuple[str, ...]:
    """The ``use`` a factor row must serve to check a claim about ``carrier``: heating
    values, coal equivalents and densities ``conversion``; carbon content and oxidation
    rate ``combustion``; emission factors of purchased electricity, heat and steam
    :data:`GRID_CLAIM_USES`, of fuels ``combustion``."""
    if kind in ("heating_value", "coal_equivalent", "density", "gwp"):
        return ("conversion",)
    if kind != "emission":
        return ("combustion",)
    ctype = getattr(carriers().get(carrier), "type", None)
    if ctype in ("electricity", "heat") or carrier in ("electricity", "heat", "steam"):
        return GRID_CLAIM_USES
    return ("combustion", "direct")


def profile_factors(profile: Any, carrier: str, activity_unit: str, year: int | None,
                    region: str | None = None) -> tuple[list[ReferenceFactor], str | None]:
    """The factor a methodology profile uses for ``carrier`` in ``year`` (default: the
    profile's reporting year) and ``region`` (default: the profile's, else none), computed by
    the calculation core itself (:meth:`ghgcalc.core.method.Method.resolve`: the same
    edition choice, conversions and carbon content route as :func:`ghgcalc.calculate`), as
    CO2 (or, for a CO2e factor, CO2e) per activity unit. Returns (factors, note)."""
    prof = load_profile(profile)
    if prof.method(carrier) is None:
        return [], f"profile {prof.id} gives no factor for {carrier}"
    y = year if year is not None else prof.reporting_year
    units = implied_units(carrier, activity_unit)
    if units is None:
        return [], f"profile {prof.id} has no CO2 factor for {carrier} in {y} in a unit comparable with {activity_unit}"
    mass, per = units
    method = method_for(prof)
    reg = region if region is not None else (prof.region or "")
    first = profile_factor(method, prof.id, carrier, per, mass, y, reg)
    if isinstance(first, ReferenceFactor):
        return [first], None
    # a region the profile's factors only cover in parts (HK: HK-CLP and HK-HKE): each part
    # the profile pins a factor for, each resolved by the same core
    pinned = {(r.region or "").upper() for ref in prof.method(carrier).refs("emission")  # type: ignore[union-attr]
              for r in [method.factor(ref)] if r is not None}
    parts = sorted(p for p in pinned if reg and p.startswith(reg.upper() + "-"))
    found = [f for f in (profile_factor(method, prof.id, carrier, per, mass, y, p) for p in parts) if isinstance(f, ReferenceFactor)]
    return (found, None) if found else ([], first)


def profile_factor(method: Any, pid: str, carrier: str, per: str, mass: str, year: int, region: str) -> ReferenceFactor | str:
    """The profile's factor for one (year, region) in ``mass / per`` by ``Method.resolve``, or why none."""
    res = method.resolve(carrier, per, year, region, 0)
    no_factor = f"profile {pid} has no CO2 factor for {carrier} in {year} in a unit comparable with {per}"
    if res.error is not None:
        return f"profile {pid}: {carrier} in {year}: {res.error[1]}"
    col = "co2_t" if res.coef.get("co2_t") is not None else "co2e_t"
    coef, chain = res.coef.get(col), res.chains.get(col, {})
    rows = [r for r in (method.factor(fid) for fid in chain) if r is not None]
    if coef is None or not any(r.kind in ("emission", "carbon_content") for r in rows):
        return no_factor
    skipped = [f"{r.id} (use {r.use})" for r in rows if not r.serves(*claim_uses(carrier, r.kind))]
    if skipped:
        return f"{no_factor} ({', '.join(skipped)} allowed by allow_uses, but no claim factor)"
    value = in_unit(coef * parse_unit("t"), mass)
    assert value is not None
    fid = " × ".join(f if e > 0 else f"1/{f}" for f, e in chain.items() if (r := method.factor(f)) is None or r.kind != "gwp")
    if any(r.kind == "carbon_content" for r in rows):
        fid += " × 44/12"
    return ReferenceFactor(fid, value, tuple(r for r in rows if r.kind != "gwp"), f"profile {pid}")


@lru_cache(maxsize=1)
def _printed_factor_pattern() -> re.Pattern[str]:
    """number + mass (of a gas) + per + energy unit, from the unit lexicon."""
    lex = lexicon()
    mass = [sp for sp, u in lex.units if dims_of(u).get("[mass]") == 1 and len(dims_of(u)) <= 2 and "tce" not in u]
    energy = [sp for sp, u in lex.units if dims_key(u) == dims_key("MWh")]
    big = "".join(lex.big_units)
    m = "|".join(word_pattern(x).pattern for x in mass)
    e = "|".join(word_pattern(x).pattern for x in energy)
    return re.compile(
        rf"(?P<num>{ARABIC_NUMBER.pattern})\s*(?P<mass>{m})\s*(?:[/╱／∕每]|per\b)\s*(?P<big>[{big}]?)\s*(?P<energy>{e})", re.IGNORECASE
    )


def _unit_of(spelling: str) -> str:
    for sp, u in lexicon().units:
        if word_pattern(sp).fullmatch(spelling):
            return u
    raise UnitError("unknown unit spelling", value=spelling, column="text")


def printed_factors(sentences: Sequence[Sentence]) -> list[ReferenceFactor]:
    """Electricity factors printed in the text ("0.5703 tCO2/MWh", "0.5810噸二氧化碳/兆瓦時",
    "5703噸二氧化碳/萬千瓦時"), in t CO2/MWh, with their source line."""
    lex = lexicon()
    out = []
    for s in sentences:
        for m in _printed_factor_pattern().finditer(s.text):
            mass_u = _unit_of(m.group("mass"))
            energy_u = _unit_of(m.group("energy"))
            big = Fraction(lex.big_units[m.group("big")]) if m.group("big") else Fraction(1)
            gas = gas_of(mass_u) or "CO2"
            mass_u = mass_u if gas_of(mass_u) else f"{mass_u} {gas}"
            q = parse_printed(m.group("num")) * parse_unit(f"({mass_u}) / ({energy_u})") / big
            v = in_unit(q, f"t {gas} / MWh")
            if v is None:
                continue
            lines = s.lines_of(m.start(), m.end())
            out.append(ReferenceFactor(f"printed: {m.group(0)}", v, (), f"printed in the report, line {'-'.join(map(str, lines))}"))
    return out


def plausible_factors(printed: Sequence[ReferenceFactor], official: Sequence[ReferenceFactor]) -> tuple[list[ReferenceFactor], list[str]]:
    """Printed electricity factors within ten times the span of the shipped ones (a
    misread unit, e.g. t per 萬 kWh taken as t per kWh, is noted and not used)."""
    if not official:
        return list(printed), []
    lo = min(f.value for f in official) / 10
    hi = max(f.value for f in official) * 10
    keep = [f for f in printed if lo <= f.value <= hi]
    notes = [f"{f.id} ({f.source}) reads as {fmt(f.value)} t CO2/MWh, far outside every shipped electricity factor: not used"
             for f in printed if not lo <= f.value <= hi]
    return keep, notes


def cued_factors(sentences: Sequence[Sentence], year: int | None, library: FactorLibrary) -> tuple[list[ReferenceFactor], list[str]]:
    """Factors of the series the text names (``全國電網平均排放因子``), edition for ``year``."""
    lex = lexicon()
    out: list[ReferenceFactor] = []
    notes: list[str] = []
    for series, carrier, cues in lex.factor_cues:
        for s in sentences:
            flat = re.sub(r"\s+", "", s.text)
            hit = next((c for c in cues if c in flat), None)
            if hit is None:
                continue
            where = word_pattern(hit).search(s.text)
            at = s.lines_of(where.start(), where.end()) if where else s.lines
            line = at[0] if at else 0
            rows = [r for r in library.select(carrier=carrier, kind="emission")
                    if r.series == series and r.serves(*claim_uses(carrier, "emission"))]
            if year is None:
                notes.append(f"line {line} names {hit} (series {series}) but the report year is unknown (use --year)")
                break
            rows = [r for r in rows if r.covers_year(year)]
            if not rows:
                notes.append(f"line {line} names {hit} (series {series}) but no shipped edition covers {year}")
                break
            units = implied_units(carrier, "MWh")
            assert units is not None
            for r in rows:
                v = factor_value(_Base((r,), r.quantity, r.gas or "CO2"), [], *units)
                if v is not None:
                    out.append(ReferenceFactor(r.id, v, (r,), f"named in the report at line {line} ({hit}); edition for {year}"))
            break
    return out, notes
