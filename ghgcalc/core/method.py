"""The calculation core: resolve each distinct activity key once, then apply numpy arrays.

For every distinct (carrier, unit, year, region, scope override) the profile's factors
are resolved into exact coefficients per unit of activity (one pint conversion per key,
in exact fractions); the rows then flow as float64 arrays: ``output = quantity *
coefficient[key]``. Formulas:

* Emissions of gas *g* from fuel or purchased energy (IPCC 2006 Vol. 2, Ch. 1 eq. 1.1,
  Ch. 2 eq. 2.1; MEE/NDRC guideline formulas for purchased electricity and heat):
  ``E_g = activity × [heating value] × [density] × EF_g``, the conversions chosen by
  dimension so that the activity reaches the unit of the factor's denominator.
* CO2 by the carbon content method (GB/T 32151.1-2015 formula 3; NDRC industry
  guidelines; IPCC 2006 Vol. 2 Ch. 1 section 1.4.2.1): ``CO2 = activity × NCV × CC × OF
  × 44/12``, the 44/12 being ``carbon_to_co2`` in ``ghgcalc/data/units.txt``.
* Market-based Scope 2 (GHG Protocol Scope 2 Guidance, 2015, ch. 6): ``E = activity ×
  EF_instrument`` for a row with a contractual instrument, ``× EF_residual`` without one.
* CO2e: ``Σ_g E_g × GWP_g`` with the profile's GWP set (IPCC AR4 Table 2.14, AR5
  Table 8.A.1, AR6 Table 7.15).
* Energy, ``heating_value`` basis: activity × heating value, in MWh. ``coal_equivalent``
  basis (GB/T 2589-2020, clause 4 and Annex A): ``tce = activity × coefficient``;
  ``MWh = tce ÷ (electricity coefficient, kgce/kWh)``, electricity counted as its own MWh.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import FEW, FactorError, InputError, ProfileError, few
from .carriers import Carrier, carriers
from .chain import EditionError, carbon_content_chain, choose_edition, co2e_chain, conversion_path, emission_chain
from .factors import FactorLibrary, FactorRow
from .profiles import CarrierMethod, MarketBased, MarketMethod, Profile, profile_library, resolve_ref, use_allowance
from .reasons import Reason, reason
from .regions import canonical_instrument, canonical_region, grid_of, instruments, regions, split_grids
from .resolution import GAS_COLUMN, MARKET_COLUMN, OUTPUT_COLUMNS, Resolution
from .units import dims_of, gas_of, parse_unit, unit_notes

__all__ = ["Method", "gases_not_counted_note", "method_for", "resolve_keys"]

class _Unresolvable(Exception):
    def __init__(self, column: str, reason: str, hint: str | None = None) -> None:
        self.column, self.reason, self.hint = column, reason, hint
        super().__init__(reason)


@dataclass
class Method:
    """A profile bound to its factor library: what the core needs to resolve keys."""

    profile: Profile
    library: FactorLibrary
    literals: dict[str, FactorRow] = field(default_factory=dict)
    #: rows pinned for a purpose their ``use`` does not serve, admitted by the profile's
    #: ``allow_uses``: factor id -> the note recorded on each result row that uses it
    use_notes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_profile(cls, profile: Profile, library: FactorLibrary | None = None) -> Method:
        lib = profile_library(profile, library)
        m = cls(profile=profile, library=lib)
        m.check()
        return m

    def check(self) -> None:
        """Resolve every reference of the profile once, so a wrong id fails early with its key."""
        p = self.profile
        for cid, cm in p.carriers.items():
            for kind in ("heating_value", "coal_equivalent", "density", "carbon_content", "oxidation_rate"):
                for i, ref in enumerate(cm.refs(kind)):
                    self._checked(ref, carrier=cid, kind=kind, key=f"carriers.{cid}.{kind}[{i}]")
            emission_rows = [self._checked(ref, carrier=cid, kind="emission",
                                         key=f"carriers.{cid}.emission[{i}]") for i, ref in enumerate(cm.emission or [])]
            if bool(cm.refs("carbon_content")) != bool(cm.refs("oxidation_rate")):
                missing = "oxidation_rate" if cm.refs("carbon_content") else "carbon_content"
                raise ProfileError("the carbon content method needs both carbon_content and oxidation_rate "
                                   "(GB/T 32151.1-2015 formula 3)", key=f"carriers.{cid}.{missing}", profile=p.id)
            if cm.refs("carbon_content") and any(r.gas == "CO2" for r in emission_rows):
                raise ProfileError("CO2 is given twice: by a CO2 emission factor and by carbon_content/oxidation_rate; "
                                   "keep one of them", key=f"carriers.{cid}.carbon_content", profile=p.id)
        if p.mwh_coal_equivalent:
            self._checked(p.mwh_coal_equivalent, carrier="electricity", kind="coal_equivalent", key="mwh_coal_equivalent")
        for gas, ref in p.gwp.items():
            self._checked(ref, carrier=gas, kind="gwp", key=f"gwp.{gas}")
        if p.market_based is not None:
            self._check_market(p.market_based)
        if p.energy_basis == "coal_equivalent" and not p.mwh_coal_equivalent:
            elec = p.carriers.get("electricity")
            if elec is None or not elec.refs("coal_equivalent"):
                raise ProfileError(
                    "energy_basis = 'coal_equivalent' needs mwh_coal_equivalent (the kgce/kWh coefficient that turns tce "
                    "into MWh, e.g. 'gbt2589-2020-electricity-calorific') or a coal_equivalent for electricity",
                    key="mwh_coal_equivalent", profile=p.id)
        known = {sets for r in self.library.select(kind="gwp") for sets in [r.gwp_set]}
        if p.gwp_set not in known:
            raise ProfileError(f"unknown GWP set {p.gwp_set!r} (shipped: {sorted(s for s in known if s)})", key="gwp_set", profile=p.id)

    def _check_market(self, mb: MarketBased) -> None:
        p = self.profile
        if "electricity" in mb.carriers and (mb.residual is not None or mb.instrument_factors):
            raise ProfileError("electricity's market-based factors are given twice: at the top of [market_based] and in "
                               "[market_based.carriers.electricity]; keep one", key="market_based.carriers.electricity", profile=p.id)
        for cid in mb.carriers:
            shipped, method = carriers().get(cid), p.method(cid)
            scope = (method.scope if method is not None and method.scope else None) or (shipped.scope if shipped else None)
            if scope != 2:
                raise ProfileError(f"market-based factors apply to Scope 2 carriers (purchased electricity, heat, steam), "
                                   f"not {cid!r}", key=f"market_based.carriers.{cid}", profile=p.id)
        specs: list[tuple[str, str, MarketMethod]] = [("market_based", "electricity", mb)]
        specs += [(f"market_based.carriers.{cid}", cid, m) for cid, m in mb.carriers.items()]
        for prefix, cid, spec in specs:
            for i, ref in enumerate(spec.residual or []):
                self._checked(ref, carrier=cid, kind="emission", key=f"{prefix}.residual[{i}]")
            for inst, refs in spec.instrument_factors.items():
                if canonical_instrument(inst) != inst:
                    raise ProfileError(f"unknown instrument {inst!r} (known: {few(instruments(), more='ghgcalc/data/instruments.yaml')})",
                                       key=f"{prefix}.instrument_factors.{inst}", profile=p.id)
                for i, ref in enumerate(refs):
                    self._checked(ref, carrier=cid, kind="emission",
                                key=f"{prefix}.instrument_factors.{inst}[{i}]")

    def _checked(self, ref: str, *, carrier: str | None, kind: str, key: str) -> FactorRow:
        """:func:`resolve_ref`, remembering a row admitted only by ``allow_uses`` for provenance."""
        row = resolve_ref(ref, profile=self.profile, library=self.library, carrier=carrier, kind=kind, key=key)
        note = use_allowance(row, profile=self.profile, carrier=carrier, kind=kind, key=key)
        if note is not None:
            self.use_notes.setdefault(row.id, note)
        return row

    # -- factor selection -------------------------------------------------------------
    def ref(self, ref: str, *, carrier: str | None, kind: str, key: str) -> FactorRow:
        """Resolve one profile reference; literal quantities are remembered for provenance."""
        row = resolve_ref(ref, profile=self.profile, library=self.library, carrier=carrier, kind=kind, key=key)
        if row.review_status == "user-supplied":
            self.literals[row.id] = row
        return row

    def factor(self, factor_id: str) -> FactorRow | None:
        """A factor used by this method (shipped, from the profile's tables, or a literal)."""
        if factor_id in self.library:
            return self.library.get(factor_id)
        return self.literals.get(factor_id)

    def _rows(self, refs: Sequence[str], carrier: str, kind: str, key: str | None = None) -> list[FactorRow]:
        key = key or f"carriers.{carrier}.{kind}"
        ck = (tuple(refs), carrier, kind, key)
        cache = self.__dict__.setdefault("_rows_cache", {})
        if ck not in cache:
            cache[ck] = [self.ref(r, carrier=carrier, kind=kind, key=f"{key}[{i}]") for i, r in enumerate(refs)]
        return list(cache[ck])

    def _choose(self, cands: Sequence[FactorRow], year: int, region: str, what: str) -> tuple[FactorRow, str | None]:
        """One row among ``cands`` for (year, region) by :func:`ghgcalc.core.chain.choose_edition`
        (the profile's ``edition_mismatch`` decides a data year no row covers); no row is an
        error for the activity row."""
        try:
            return choose_edition(cands, year, region, what=what, mismatch=self.profile.edition_mismatch)
        except EditionError as exc:
            raise _Unresolvable(exc.column, exc.reason, exc.hint) from None

    @cached_property
    def known_regions(self) -> frozenset[str]:
        """Region codes a row may give: ghgcalc/data/regions.yaml's, and any region the
        profile or a factor row of its library uses (a user's own ``GB``, ``US-TX``)."""
        known = {c.upper() for c in regions()} | {"GLOBAL"}
        known |= {r.region.upper() for r in self.library if r.region}
        if self.profile.region:
            known.add(canonical_region(self.profile.region).upper())
        return frozenset(known)

    def check_region(self, region: str) -> None:
        """An unknown region is an error with a did-you-mean, never a silent fallback."""
        code = canonical_region(region)
        if not code or code.upper() in self.known_regions:
            return
        close = difflib.get_close_matches(code.upper(), sorted(self.known_regions), n=3, cutoff=0.6)
        hint = (f"did you mean {', '.join(close)}? " if close else "") + (
            "use a region of ghgcalc/data/regions.yaml (CN, a province such as CN-GD or 广东, a grid, HK), "
            "or one that your profile or factor table uses")
        raise _Unresolvable("region", f"unknown region {region!r}: no shipped region, and neither the profile nor a "
                            "factor table uses it", hint)

    def _pick(self, refs: Sequence[str], carrier: str, kind: str, year: int, region: str, what: str,
              notes: list[str], key: str | None = None) -> FactorRow | None:
        """The one factor of ``refs`` for (year, region), its mismatch note recorded; None without refs."""
        if not refs:
            return None
        row, note = self._choose(self._rows(refs, carrier, kind, key), year, region, what)
        if note:
            notes.append(note)
        return row

    def gwp_row(self, gas: str) -> FactorRow:
        cache = self.__dict__.setdefault("_gwp_cache", {})
        if gas not in cache:
            cache[gas] = self._gwp_row(gas)
        row: FactorRow = cache[gas]
        return row

    def _gwp_row(self, gas: str) -> FactorRow:
        ref = self.profile.gwp.get(gas)
        if ref is not None:
            return self.ref(ref, carrier=gas, kind="gwp", key=f"gwp.{gas}")
        try:
            return self.library.gwp(self.profile.gwp_set, gas)
        except FactorError as exc:
            raise _Unresolvable("unit", exc.reason, f"add a [gwp] entry for {gas} to the profile") from None

    def _mwh_row(self, year: int, region: str, notes: list[str]) -> FactorRow:
        p = self.profile
        what = "electricity coal equivalent (turns tce into MWh)"
        if p.mwh_coal_equivalent:
            # checked against the row's data year like every other factor (a mismatch is an error or recorded)
            pinned = self.ref(p.mwh_coal_equivalent, carrier="electricity", kind="coal_equivalent", key="mwh_coal_equivalent")
            row, note = self._choose([pinned], year, region, what)
            if note:
                notes.append(note)
            return row
        chosen = self._pick(p.carriers["electricity"].refs("coal_equivalent"), "electricity", "coal_equivalent", year, region,
                            what, notes)
        assert chosen is not None  # check() requires it
        return chosen

    # -- resolution of one key ----------------------------------------------------------
    def resolve(self, carrier: str, unit: str, year: int, region: str, scope_override: int, instrument: Any = "") -> Resolution:
        """How rows of one (carrier, unit, data year, region, scope override, instrument) key
        are computed; an unresolvable key gives an ``error`` resolution naming the column."""
        try:
            return self._resolve(carrier, unit, year, region, scope_override, instrument)
        except _Unresolvable as exc:
            return Resolution(category="error", error=(exc.column, exc.reason, exc.hint))
        except ProfileError as exc:
            return Resolution(category="error", error=("carrier", str(exc), None))
        except InputError as exc:  # a unit pint cannot read (its rows are already marked bad)
            return Resolution(category="error", error=(exc.column or "unit", exc.reason, exc.hint))

    def _carrier(self, carrier: str) -> tuple[Carrier | None, CarrierMethod | None]:
        return carriers().get(carrier), self.profile.method(carrier)

    def _region(self, region: str, method: CarrierMethod | None, carrier: str, notes: list[str]) -> str:
        """The region that picks this carrier's factors: the row's region as a canonical code
        (ghgcalc/data/regions.yaml), mapped to its MEE/NBS regional grid when the profile
        says ``region_level = "grid"`` for the carrier. Each mapping is recorded."""
        if not region.strip():  # the row gives no region and the profile sets none
            if method is not None and method.region_level == "grid":
                raise _Unresolvable("region", f"{carrier}: the row gives no region, and region_level = 'grid' needs one",
                                    "give the row a province or grid region (e.g. 广东 or 南方), or set region in the profile")
            return ""
        code = canonical_region(region)
        if code != region.strip():
            notes.append(f"region {region!r} = {code}")
        if method is None or method.region_level != "grid":
            return code
        grid = grid_of(code)
        if grid is None:
            known = regions().get(code)
            parts = split_grids(code)
            why = (f"it spans {'two' if len(parts) == 2 else len(parts)} regional grids ({', '.join(f'{lab} {p} -> {g}' for lab, p, g in parts)})"
                   if parts else "it is no province or grid of ghgcalc/data/regions.yaml"
                   if known is None else "it is not inside one regional grid")
            raise _Unresolvable("region", f"{carrier}: region_level = 'grid' but region {region!r} has no regional grid: {why}",
                                "give the row a province or grid region (e.g. 广东 or 南方)")
        if grid != code:
            notes.append(f"{carrier}: region {code} -> regional grid {grid} (region_level = 'grid')")
        return grid

    def _emissions(self, refs: Sequence[str], carrier: str, activity: Any, unit: str, convs: Sequence[FactorRow], year: int,
                   region: str, notes: list[str], key: str) -> dict[str, tuple[Fraction, dict[str, int]]]:
        """Per gas: the emission per unit of activity and its factor chain, one factor per gas
        chosen for (year, region) among ``refs`` (IPCC 2006 Vol. 2 Ch. 1 eq. 1.1)."""
        by_gas: dict[str, list[FactorRow]] = {}
        for r in self._rows(refs, carrier, "emission", key):
            by_gas.setdefault(str(r.gas), []).append(r)
        _one_of_co2_and_co2e(by_gas, carrier, region, notes)
        out: dict[str, tuple[Fraction, dict[str, int]]] = {}
        for g, cands in by_gas.items():
            row, note = self._choose(cands, year, region, f"{carrier} {g} emission factor")
            if note:
                notes.append(note)
            found = emission_chain(activity, row, convs)
            if found is None:
                have = ", ".join(f"{c.id} [{c.unit}]" for c in convs) or "none"
                raise _Unresolvable("unit", f"cannot apply {row.id} [{row.unit}] to {carrier} in {unit!r} "
                                    f"(conversions in the profile: {have})", _conversion_hint(carrier, unit, convs))
            out[g] = found
        return out

    def _co2_from_carbon(self, method: CarrierMethod, carrier: str, activity: Any, unit: str, convs: Sequence[FactorRow],
                         year: int, region: str, notes: list[str]) -> tuple[Fraction, dict[str, int]]:
        """CO2 by the carbon content method, GB/T 32151.1-2015 formula (3) and the NDRC
        industry guidelines: ``CO2 = activity x NCV x CC x OF x 44/12`` (IPCC 2006 Vol. 2
        Ch. 1, section 1.4.2.1); the 44/12 is ``carbon_to_co2`` in ghgcalc/data/units.txt."""
        cc = self._pick(method.refs("carbon_content"), carrier, "carbon_content", year, region, f"{carrier} carbon content", notes)
        of = self._pick(method.refs("oxidation_rate"), carrier, "oxidation_rate", year, region, f"{carrier} oxidation rate", notes)
        assert cc is not None and of is not None  # check() requires both
        found = carbon_content_chain(activity, cc, of, convs)
        if found is None:
            have = ", ".join(f"{c.id} [{c.unit}]" for c in convs) or "none"
            raise _Unresolvable("unit", f"cannot apply carbon content {cc.id} [{cc.unit}] to {carrier} in {unit!r} "
                                f"(conversions in the profile: {have})", _conversion_hint(carrier, unit, convs))
        notes.append(f"CO2 = activity x heating value x carbon content {cc.id} x oxidation rate {of.id} x 44/12 (GB/T 32151.1 formula 3)")
        return found

    def _co2e(self, gas_coefs: Mapping[str, tuple[Fraction, dict[str, int]]]) -> tuple[Fraction, dict[str, int]]:
        """CO2e of per-gas coefficients with the profile's GWP set (:func:`ghgcalc.core.chain.co2e_chain`)."""
        return co2e_chain(gas_coefs, self.gwp_row)[0]

    def _co2e_terms(self, gas_coefs: Mapping[str, tuple[Fraction, dict[str, int]]]) -> list[tuple[Fraction, dict[str, int]]]:
        """The products whose sum is :meth:`_co2e` (one per gas), for the uncertainty analysis."""
        return co2e_chain(gas_coefs, self.gwp_row)[1]

    def _market(self, carrier: str, activity: Any, unit: str, convs: Sequence[FactorRow], year: int, region: str, instrument: Any,
                location: tuple[Fraction, dict[str, int]], notes: list[str]) -> tuple[Fraction, dict[str, int]]:
        """Market-based CO2e per unit of activity of a Scope 2 row (GHG Protocol Scope 2
        Guidance, 2015, ch. 6): the instrument's factor, the residual factor for a row with
        no instrument, or the location-based figure for a carrier the profile's
        ``[market_based]`` does not cover (recorded). An instrument the profile does not
        cover is an error for the row, never a fallback."""
        mb = self.profile.market_based
        assert mb is not None
        inst = canonical_instrument(instrument)
        if inst is None:
            raise _Unresolvable("instrument", f"unknown instrument {instrument!r}",
                                f"use one of {few(instruments(), more='ghgcalc/data/instruments.yaml')} (or a label such as 绿证, 绿电交易, PPA)")
        spec = mb.for_carrier(carrier)
        if spec is None:
            if inst != "none":
                raise _Unresolvable("instrument", f"the profile's [market_based] gives no factors for {carrier}, "
                                    f"so instrument {inst!r} cannot be applied",
                                    f"add [market_based.carriers.{carrier}] with instrument_factors.{inst}")
            notes.append(f"market-based = location-based for {carrier} (no [market_based] factors for it in the profile)")
            return location
        prefix = "market_based" if spec is mb else f"market_based.carriers.{carrier}"
        if inst == "none":
            refs, key, what = spec.residual, f"{prefix}.residual", "residual factor (no instrument)"
            if not refs:
                raise _Unresolvable("instrument", f"no instrument on the row and the profile's [market_based] gives no "
                                    f"residual factor for {carrier}", f"set residual under [{prefix}]")
        else:
            refs, key, what = spec.instrument_factors.get(inst), f"{prefix}.instrument_factors.{inst}", f"instrument {inst}"
            if refs is None:
                raise _Unresolvable("instrument", f"the profile's [market_based] gives no factor for instrument {inst!r} "
                                    f"({carrier})", f"add {inst} = \"<factor id or literal>\" to instrument_factors under [{prefix}]")
        gas = self._emissions(refs, carrier, activity, unit, convs, year, region, notes, key)
        co2e, chain = self._co2e(gas)
        ids = ", ".join(dict.fromkeys(fid for _, ch in gas.values() for fid in ch))
        notes.append(f"market-based: {what}: {ids}")
        return co2e, chain

    def _resolve(self, carrier: str, unit: str, year: int, region: str, scope_override: int, instrument: Any = "") -> Resolution:
        """The stages of one key: carrier and scope, then (for an energy carrier) pick the
        factors for the data year and region, build the conversion path to each factor,
        apply the GWP set, compute energy, record provenance."""
        shipped, method = self._carrier(carrier)
        self.check_region(region)
        activity = parse_unit(unit)
        gas = gas_of(unit)
        inst = canonical_instrument(instrument)
        if gas is not None:
            self._no_instrument(inst, instrument, "is a direct emission entry")
            return self._direct(carrier, shipped, method, activity, gas, scope_override)
        ctype = shipped.type if shipped is not None else (method.type if method and method.type else None)
        if ctype == "resource":
            assert shipped is not None
            self._no_instrument(inst, instrument, "is a resource flow")
            return self._resource(carrier, shipped, method, activity, unit, year, region)
        method = self._energy_method(carrier, shipped, method, ctype, unit, scope_override)
        scope = self._scope(carrier, shipped, method, scope_override)
        if scope != 2:
            self._no_instrument(inst, instrument, f"is Scope {scope}")
        notes: list[str] = [f"profile note: {method.note}"] if method.note else []  # e.g. why a gas is left out on purpose
        notes += unit_notes(unit)   # which therm, an energy on the gross calorific basis
        region = self._region(region, method, carrier, notes)
        convs = self._pick_conversions(method, carrier, year, region, notes)
        coef: dict[str, Fraction | None] = dict.fromkeys(OUTPUT_COLUMNS, Fraction(0))
        chains: dict[str, dict[str, int]] = {c: {} for c in OUTPUT_COLUMNS}
        missing: dict[str, Reason] = {}
        if method.count_emissions:
            gas_coefs = self._gas_chains(method, carrier, activity, unit, convs, year, region, notes)
            self._gas_columns(shipped, method, scope, gas_coefs, coef, chains, missing, notes)
            terms = self._apply_gwp(carrier, activity, unit, convs, year, region, scope, inst, instrument, gas_coefs, coef,
                                    chains, notes)
        else:
            terms = _emissions_not_counted(coef, missing, notes, market=self.profile.market_based is not None)
        mwh_ids = self._energy(method, shipped, carrier, activity, unit, convs, year, region, coef, chains, missing, notes)
        used, notes = self._provenance(chains, mwh_ids, notes)
        return Resolution(category="energy", scope=scope, coef=coef, chains=chains, factor_ids=used, notes=tuple(notes), terms=terms,
                          missing=missing)

    # -- stages of :meth:`_resolve` ---------------------------------------------------------
    def _scope(self, carrier: str, shipped: Carrier | None, method: CarrierMethod | None, scope_override: int) -> int:
        """The row's scope: its override, else the profile's for the carrier, else the carrier's."""
        if scope_override:
            return scope_override
        if method is not None and method.scope:
            return method.scope
        if shipped is not None and shipped.scope:
            return shipped.scope
        raise _Unresolvable("scope", f"carrier {carrier!r} has no default scope",
                            f"set scope = 1 or 2 under [carriers.{carrier}] in the profile, or fill the scope column")

    @staticmethod
    def _no_instrument(inst: str | None, instrument: Any, why: str) -> None:
        if inst != "none":
            raise _Unresolvable("instrument", f"instrument {instrument!r} on a row that {why}",
                                "an instrument applies to purchased electricity or heat (Scope 2) only")

    def _direct(self, carrier: str, shipped: Carrier | None, method: CarrierMethod | None, activity: Any, gas: str,
                scope_override: int) -> Resolution:
        """A direct emission entry: a mass of a greenhouse gas, added to its scope as it is."""
        scope = self._scope(carrier, shipped, method, scope_override)
        used: dict[str, None] = {}
        coef: dict[str, Fraction | None] = dict.fromkeys(OUTPUT_COLUMNS, Fraction(0))
        chains: dict[str, dict[str, int]] = {c: {} for c in OUTPUT_COLUMNS}
        missing: dict[str, Reason] = {}
        conv = Fraction((activity / parse_unit(f"t {gas}")).to("dimensionless").magnitude)
        if gas == "CO2e":
            coef["co2e_t"] = conv
            if shipped is None or shipped.type != "fugitive":  # a refrigerant release holds no CO2, CH4 or N2O
                for col in GAS_COLUMN.values():
                    coef[col] = None
                    missing[col] = reason("direct_co2e_entry")
        else:
            gwp = self.gwp_row(gas)
            used[gwp.id] = None
            if gas in GAS_COLUMN:
                coef[GAS_COLUMN[gas]] = conv
            coef["co2e_t"] = conv * gwp.exact
            chains["co2e_t"] = {gwp.id: 1}
        coef["energy_mwh"] = coef["energy_tce"] = Fraction(0)
        dnotes = ["direct emission entry"]
        if self.profile.market_based is not None:
            coef[MARKET_COLUMN], chains[MARKET_COLUMN] = coef["co2e_t"], dict(chains["co2e_t"])
            if scope == 2:
                dnotes.append("market-based = the entry as given")
        return Resolution(category="direct", scope=scope, coef=coef, chains=chains, factor_ids=tuple(used), notes=tuple(dnotes),
                          missing=missing)

    def _resource(self, carrier: str, shipped: Carrier, method: CarrierMethod | None, activity: Any, unit: str, year: int,
                  region: str) -> Resolution:
        """A resource flow (water, waste): its amount in the carrier's metric unit."""
        notes: list[str] = []
        target = shipped.metric_unit or unit
        convs = []
        if method is not None and method.density is not None:
            reg = self._region(region, method, carrier, notes)
            row = self._pick(method.refs("density"), carrier, "density", year, reg, f"{carrier} density", notes)
            convs = [row] if row is not None else []
        elif shipped.density is not None:
            convs = [FactorRow(id=f"carrier:{carrier}:density", carrier=carrier, kind="density", use="conversion",
                               value=shipped.density["value"], unit=shipped.density["unit"],
                               publisher="ghgcalc carrier data", document="ghgcalc/data/carriers.yaml",
                               reference=shipped.density.get("note", ""), review_status="derived")]
        found = conversion_path(activity, target, convs)
        if found is None:
            raise _Unresolvable("unit", f"a {carrier} quantity in {unit!r} cannot be expressed in {target!r}")
        mag, chain = found
        if chain:
            notes.append(f"converted with {', '.join(chain)}")
        coef: dict[str, Fraction | None] = dict.fromkeys(OUTPUT_COLUMNS, Fraction(0))
        coef["amount"] = mag
        return Resolution(category="resource", scope=0, coef=coef, chains={"amount": chain}, factor_ids=tuple(chain),
                          notes=tuple(notes), amount_unit=target)

    def _energy_method(self, carrier: str, shipped: Carrier | None, method: CarrierMethod | None, ctype: str | None, unit: str,
                       scope_override: int) -> CarrierMethod:
        """The profile's method for an energy (or fugitive) carrier, or the error saying what is missing."""
        if ctype == "fugitive" and (method is None or not (method.emission or method.refs("carbon_content"))):
            raise _Unresolvable("unit", f"a {carrier} row is a mass of the gas released or topped up, e.g. 'kg R-410A', "
                                f"'kg HFC-134a' (the gases are listed in ghgcalc/data/gases.yaml), not {unit!r}",
                                "write the gas into the unit; its GWP in the profile's set turns it into CO2e")
        if method is not None:
            return method
        hint = f"add [carriers.{carrier}] with its factors to the profile"
        gap = self._gap_note(carrier, shipped)
        if gap:
            hint += f"; the profile's note: {gap.strip().rstrip('.')}"
        scope_hint = scope_override or (shipped.scope if shipped is not None else None)
        params = _shipped_parameters(self.library, carrier, int(scope_hint) if scope_hint else None)
        if not any(r.kind in ("emission", "carbon_content") for r in params):   # no CO2 factor, no carbon content
            hint += (f"; no shipped factor table has a CO2 factor or carbon content for {carrier!r}, so give "
                     f"measured or supplier values as literals or in your own table"
                     + (f" (or report the coal by rank: {', '.join(shipped.ranks)})"
                        if shipped is not None and shipped.ranks else ""))
        else:
            hint += _shipped_parameter_hint(params, carrier)
        raise _Unresolvable("carrier", f"the profile {self.profile.id!r} gives no factors for carrier {carrier!r}", hint)

    def _gap_note(self, carrier: str, shipped: Carrier | None) -> str | None:
        """What the profile itself says of a carrier it leaves out: its note for the carrier, or
        for a fuel its ``fuels`` note (a built-in profile states its gaps there, e.g. the Hong
        Kong profiles: no EPD/EMSD fuel factors shipped, and the ``extends`` recipe)."""
        notes = self.profile.notes
        if carrier in notes:
            return notes[carrier]
        if shipped is not None and shipped.type == "fuel":
            return notes.get("fuels")
        return None

    def _pick_conversions(self, method: CarrierMethod, carrier: str, year: int, region: str, notes: list[str]) -> list[FactorRow]:
        """The heating value and density for (year, region), when the profile gives them."""
        return [r for r in (
            self._pick(method.refs("heating_value"), carrier, "heating_value", year, region, f"{carrier} heating value", notes),
            self._pick(method.refs("density"), carrier, "density", year, region, f"{carrier} density", notes),
        ) if r is not None]

    def _gas_chains(self, method: CarrierMethod, carrier: str, activity: Any, unit: str, convs: Sequence[FactorRow], year: int,
                    region: str, notes: list[str]) -> dict[str, tuple[Fraction, dict[str, int]]]:
        """Per gas: emission per unit of activity and its chain, one factor per gas (or CO2 by
        the carbon content method)."""
        carbon = bool(method.refs("carbon_content"))
        if method.emission is None and not carbon:
            raise _Unresolvable("carrier", f"the profile gives no emission factors for {carrier!r}",
                                f"set emission = [ids] under [carriers.{carrier}], or emission = [] to say on purpose it has none")
        if method.emission is not None and not method.emission and not carbon:
            notes.append("no emission factor on purpose (emission = [] in the profile)")
        gas_coefs = self._emissions(method.emission or [], carrier, activity, unit, convs, year, region, notes, f"carriers.{carrier}.emission")
        if carbon:
            gas_coefs = {"CO2": self._co2_from_carbon(method, carrier, activity, unit, convs, year, region, notes), **gas_coefs}
            if method.emission is None:
                notes.append("CO2 only: the profile gives no CH4/N2O factors for this carrier")
        return gas_coefs

    def _gas_columns(self, shipped: Carrier | None, method: CarrierMethod, scope: int,
                     gas_coefs: Mapping[str, tuple[Fraction, dict[str, int]]], coef: dict[str, Fraction | None],
                     chains: dict[str, dict[str, int]], missing: dict[str, Reason], notes: list[str]) -> None:
        """The per-gas columns: a gas without a factor is n/a (never 0, its reason in
        ``missing``), biogenic CO2 is 0."""
        none_on_purpose = method.emission is not None and not method.emission and not method.refs("carbon_content")
        for g, col in GAS_COLUMN.items():
            if g in gas_coefs:
                coef[col], chains[col] = gas_coefs[g]
            elif g == "CO2" and shipped is not None and shipped.biogenic:
                notes.append("CO2 counted as 0 in Scope 1: biogenic (biomass), reported outside the scopes "
                             "(IPCC 2006 Vol. 2 Ch. 1-2; GHG Protocol Corporate Standard ch. 9)")
            elif not none_on_purpose:
                coef[col] = None  # not counted by this method: n/a, never 0 (contract section 8)
        uncounted = [g for g, col in GAS_COLUMN.items() if coef[col] is None]
        if uncounted and not none_on_purpose:
            why = gases_not_counted_note(uncounted, gas_coefs)
            missing.update(dict.fromkeys((GAS_COLUMN[g] for g in uncounted), why))
            if scope == 1:  # the per-gas metrics are Scope 1's
                notes.append(str(why))

    def _apply_gwp(self, carrier: str, activity: Any, unit: str, convs: Sequence[FactorRow], year: int, region: str, scope: int,
                   inst: str | None, instrument: Any, gas_coefs: Mapping[str, tuple[Fraction, dict[str, int]]],
                   coef: dict[str, Fraction | None], chains: dict[str, dict[str, int]],
                   notes: list[str]) -> dict[str, list[tuple[Fraction, dict[str, int]]]]:
        """CO2e (location-based, and market-based when the profile has ``[market_based]``) with
        the profile's GWP set; returns the per-gas terms of each CO2e column."""
        (coef["co2e_t"], chains["co2e_t"]), co2e_terms = co2e_chain(gas_coefs, self.gwp_row)
        terms = {"co2e_t": co2e_terms}
        if self.profile.market_based is not None:
            loc = (coef["co2e_t"] or Fraction(0), chains["co2e_t"])
            m = self._market(carrier, activity, unit, convs, year, region, instrument, loc, notes) if scope == 2 else loc
            coef[MARKET_COLUMN], chains[MARKET_COLUMN] = m[0], dict(m[1])
            if m == loc:
                terms[MARKET_COLUMN] = terms["co2e_t"]
        elif inst != "none":
            notes.append(f"instrument {instrument!r} not used: the profile has no [market_based] section (location-based only)")
        return terms

    def _energy(self, method: CarrierMethod, shipped: Carrier | None, carrier: str, activity: Any, unit: str,
                convs: Sequence[FactorRow], year: int, region: str, coef: dict[str, Fraction | None],
                chains: dict[str, dict[str, int]], missing: dict[str, Reason], notes: list[str]) -> tuple[str, ...]:
        """Energy in MWh and tce by the profile's energy basis (GB/T 2589-2020 for tce; a column
        left uncounted gets its reason in ``missing``); returns
        the id of the electricity coefficient that turned tce into MWh, if one did."""
        crow = self._pick(method.refs("coal_equivalent"), carrier, "coal_equivalent", year, region, f"{carrier} coal equivalent", notes)
        tce: tuple[Fraction, dict[str, int]] | None = None
        if crow is not None:
            tce_found = conversion_path(activity * crow.quantity, "tce", convs)
            if tce_found is None:
                raise _Unresolvable("unit", f"cannot apply {crow.id} [{crow.unit}] to {carrier} in {unit!r}")
            tce = (tce_found[0], {crow.id: 1, **tce_found[1]})
        if self.profile.energy_basis == "coal_equivalent":
            if tce is None:
                raise _Unresolvable("carrier", f"energy_basis is coal_equivalent but the profile gives no coal_equivalent for {carrier!r}",
                                    f"set coal_equivalent under [carriers.{carrier}]")
            coef["energy_tce"], chains["energy_tce"] = tce
            coef["energy_mwh"], chains["energy_mwh"] = self._mwh_of_tce(shipped, carrier, activity, unit, tce, year, region, notes)
            return tuple(fid for fid, e in chains["energy_mwh"].items() if e == -1 and fid not in tce[1])
        found = conversion_path(activity, "MWh", convs)
        if found is None and _no_heating_value_on_purpose(method):
            coef["energy_mwh"] = None
            missing["energy_mwh"] = reason("energy_not_counted", carrier=carrier)
            notes.append(str(missing["energy_mwh"]))
        elif found is None:
            raise _Unresolvable("unit", f"cannot express {carrier} in {unit!r} as energy: the profile gives no heating value "
                                "that fits", _gross_hint(carrier) if "[gross_calorific_value]" in _dims_or_empty(unit) else
                                f"set heating_value under [carriers.{carrier}], or heating_value = [] to say "
                                "on purpose that its energy is not computed")
        else:
            coef["energy_mwh"], chains["energy_mwh"] = found
        if tce is not None:
            coef["energy_tce"], chains["energy_tce"] = tce
        else:
            coef["energy_tce"] = None
            missing["energy_tce"] = reason("no_coal_equivalent")
            notes.append(str(missing["energy_tce"]))
        return ()

    def _mwh_of_tce(self, shipped: Carrier | None, carrier: str, activity: Any, unit: str, tce: tuple[Fraction, dict[str, int]],
                    year: int, region: str, notes: list[str]) -> tuple[Fraction, dict[str, int]]:
        """MWh under the coal-equivalent basis: a carrier counted as its own MWh as it is,
        any other as tce ÷ the electricity coefficient (kgce/kWh)."""
        if shipped is not None and shipped.own_mwh:
            found = conversion_path(activity, "MWh", [])
            if found is None:
                raise _Unresolvable("unit", f"{carrier} must be given in an energy unit (kWh, MWh, GJ), got {unit!r}")
            return found
        mrow = self._mwh_row(year, region, notes)
        per_mwh = Fraction((mrow.quantity / parse_unit("tce/MWh")).to("dimensionless").magnitude)
        return tce[0] / per_mwh, {**tce[1], mrow.id: -1}

    def _provenance(self, chains: Mapping[str, Mapping[str, int]], mwh_ids: Sequence[str],
                    notes: list[str]) -> tuple[tuple[str, ...], list[str]]:
        """The factor ids the key uses (emissions, the tce-to-MWh coefficient, then energy, in
        chain order) and its notes, with a note for each factor admitted by ``allow_uses``."""
        used: dict[str, None] = {}
        for col in ("co2e_t", MARKET_COLUMN):
            for fid in chains.get(col, {}):
                used[fid] = None
        used.update(dict.fromkeys(mwh_ids))
        for col in ("energy_mwh", "energy_tce"):
            for fid in chains[col]:
                used[fid] = None
        notes = notes + [f"factor use: {self.use_notes[fid]}" for fid in used if fid in self.use_notes]
        return tuple(used), notes


def _conversion_hint(carrier: str, unit: str, convs: Sequence[FactorRow]) -> str:
    """What the profile lacks to bring an activity in ``unit`` to its factor: a density when
    the activity is a volume and the heating values are per mass (or the reverse), which no
    shipped table supplies for liquid fuels (densities vary by grade and temperature:
    the supplier's specification gives it), else a heating value."""
    d = _dims_or_empty(unit)
    if "[gross_calorific_value]" in d:
        return _gross_hint(carrier)
    volume, mass = {"[length]": 3}, {"[mass]": 1}
    per_mass = any(_dims_or_empty(f"({c.unit}) * kg") == {"[length]": 2, "[time]": -2, "[mass]": 1} for c in convs)
    per_volume = any(_dims_or_empty(f"({c.unit}) * m^3") == {"[length]": 2, "[time]": -2, "[mass]": 1} for c in convs)
    if (d == volume and per_mass) or (d == mass and per_volume):
        return (f"{unit!r} is a {'volume' if d == volume else 'mass'} and the heating value is per "
                f"{'mass' if d == volume else 'volume'}: add density = \"<value> kg/L\" (from the supplier's "
                f"specification or your own measurement) under [carriers.{carrier}], or give the quantity in "
                f"{'t' if d == volume else 'm^3'}")
    return (f"set heating_value (or density) under [carriers.{carrier}] so the activity becomes heat, "
            "or use a unit the factor accepts")


def _gross_hint(carrier: str) -> str:
    """What to do with an energy on the gross calorific basis ("kWh (gross CV)") that meets a
    factor or heating value per net-basis energy (units.txt gross_cv): never mixed silently."""
    return (f"the row is an energy on the gross calorific value basis (gross CV) and the factor is not: pin a factor per "
            f"gross-CV energy under [carriers.{carrier}] (the UK government factors print 'kg CO2e/kWh (Gross CV)'), or a "
            f"gross-to-net conversion as its heating_value (e.g. \"<net/gross> kWh/(kWh gross_cv)\" from your source), "
            f"or give the energy on the net basis ('kWh (net CV)')")


def _dims_or_empty(unit: str) -> dict[str, Fraction]:
    try:
        return dims_of(unit)
    except InputError:
        return {}


def _emissions_not_counted(coef: dict[str, Fraction | None], missing: dict[str, Reason], notes: list[str], *,
                           market: bool) -> dict[str, list[tuple[Fraction, dict[str, int]]]]:
    """``count_emissions = false`` in a profile: the carrier's gas and CO2e columns are n/a
    (None), with the reason on every row (contract section 8: not counted is n/a, never 0)."""
    why = reason("emissions_not_counted")
    for col in (*GAS_COLUMN.values(), "co2e_t", *((MARKET_COLUMN,) if market else ())):
        coef[col] = None
        missing[col] = why
    notes.append(str(why))
    return {}


def _no_heating_value_on_purpose(method: CarrierMethod) -> bool:
    """``heating_value = []`` (an empty list, not an absent key) in a profile says on purpose
    that the carrier's activity is not turned into energy: emission factors given per litre
    of fuel (as Hong Kong carbon audits apply them, EPD/EMSD 2010 Guidelines) reach CO2, CH4
    and N2O without one. Such rows carry no energy figure (``energy_mwh`` empty), and that is
    recorded on each of them, as ``emission = []`` is for emissions. Without the key, a row
    that cannot reach energy stays an error."""
    return isinstance(method.heating_value, list) and not method.heating_value


def _one_of_co2_and_co2e(by_gas: dict[str, list[FactorRow]], carrier: str, region: str, notes: list[str]) -> None:
    """CO2 and CO2e factors of one carrier that cover different regions are alternatives, not
    two gases to add: a profile pinning CLP's factor (printed in kg CO2/kWh) for HK-CLP and HK
    Electric's (kg CO2e/kWh) for HK-HKE applies to each row the one whose region covers it.
    Only when exactly one of the two gases has a factor for the row's region is the other
    dropped for that row, and the choice is recorded; otherwise both stay (and a region that
    neither covers is the usual error)."""
    if "CO2" not in by_gas or "CO2e" not in by_gas:
        return
    covers = {g: any(r.covers_region(region) for r in by_gas[g]) for g in ("CO2", "CO2e")}
    if covers["CO2"] == covers["CO2e"]:
        return
    used, other = ("CO2", "CO2e") if covers["CO2"] else ("CO2e", "CO2")
    dropped = ", ".join(f"{r.id} ({r.region})" for r in by_gas.pop(other))
    notes.append(f"{carrier}: region {region} is covered by the profile's {used} factor only; its {other} factor(s) "
                 f"{dropped} apply to other regions")


#: the uses a hinted row must serve, by kind (emission rows: by the carrier's scope)
_HINT_USES = {"carbon_content": ("combustion",), "oxidation_rate": ("combustion",), "heating_value": ("conversion",)}


def _shipped_parameters(library: FactorLibrary, carrier: str, scope: int | None = None) -> list[FactorRow]:
    """The shipped rows a profile could pin for a carrier: carbon content method parameters
    and CO2 (or CO2e) emission factors, each only if its ``use`` serves that purpose
    (carbon content and oxidation rate: combustion; heating values: conversion; emission
    factors of a Scope 2 carrier: grid_location, of any other: combustion, fugitive or
    direct). A row of another use (Towngas' per-unit intensity ``hk-towngas-*``, upstream;
    an electricity footprint, lifecycle; a CCER baseline, grid_avoided) is never suggested."""
    rows = [r for kind in ("carbon_content", "heating_value", "oxidation_rate")
            for r in library.select(carrier=carrier, kind=kind) if r.serves(*_HINT_USES[kind])]
    emission_uses = ("grid_location",) if scope == 2 else ("combustion", "fugitive", "direct")
    return rows + [r for r in library.select(carrier=carrier, kind="emission")
                   if str(r.gas).upper() in ("CO2", "CO2E") and r.serves(*emission_uses)]


def _shipped_parameter_hint(rows: Sequence[FactorRow], carrier: str) -> str:
    """The shipped rows a profile could pin for a fuel it leaves out (:func:`_shipped_parameters`),
    with the data years each is published for, so the error names them instead of leaving the
    user to search (e.g. 原煤: the MEE 2021 power guideline's coal defaults,
    cn-default-*-coal-mee-power-2021)."""
    if not rows:
        return ""

    def years(r: FactorRow) -> str:
        if r.valid_from is None and r.valid_to is None:
            return "any year"
        return f"{r.valid_from or '...'}-{r.valid_to or '...'}"

    shown = few((f"{r.kind} {r.id} ({r.region or 'any region'}, {years(r)}, {r.review_status})" for r in rows), FEW,
                more=f"ghgcalc factors list --carrier {carrier}")
    return f"; shipped rows a profile can pin for {carrier!r}: {shown}"


def gases_not_counted_note(gases: Sequence[str], counted: Mapping[str, Any]) -> Reason:
    """The reason recorded on a row whose method does not count some gases separately, so
    that their per-gas totals read n/a rather than 0 (contract section 8: "not counted is
    not zero"). One wording for the row notes (``str``: English) and
    :meth:`Result.unavailable_reasons`; its words in each language in ghgcalc/data/reasons.yaml."""
    if "CO2e" in counted and not any(g in counted for g in GAS_COLUMN):
        return reason("gases_in_co2e_factor", gases=tuple(gases))
    return reason("gas_not_counted" if len(gases) == 1 else "gases_not_counted", gases=tuple(gases))


_METHODS: dict[tuple[Any, ...], Method] = {}


def method_for(profile: Profile, library: FactorLibrary | None = None) -> Method:
    """The :class:`Method` of a profile, reused while the profile, the content of its factor
    tables (SHA-256 of each file's bytes) and the content of the library
    (:attr:`FactorLibrary.fingerprint`) are the same, so that each activity key is resolved
    (in exact arithmetic, through pint) once per process rather than once per call, per
    streamed chunk or per Dask partition. Nothing is keyed on an object's ``id()`` or a
    file's modification time: a table rewritten in place, or a new library that Python
    happens to allocate at a freed address, is always read afresh."""
    tables = []
    for t in [*profile.inherited_tables, *profile.factor_tables]:
        p = Path(t) if Path(t).is_absolute() or profile.base_dir is None else Path(profile.base_dir) / t
        try:
            tables.append((str(p), hashlib.sha256(p.read_bytes()).hexdigest()))
        except OSError:
            tables.append((str(p), ""))
    ck = (profile.model_dump_json(), profile.base_dir, tuple(tables), library.fingerprint if library is not None else None)
    m = _METHODS.get(ck)
    if m is None:
        m = Method.from_profile(profile, library)
        if len(_METHODS) >= 16:
            _METHODS.pop(next(iter(_METHODS)))
        _METHODS[ck] = m
    return m


def resolve_keys(method: Method, keys: pd.DataFrame) -> list[Resolution]:
    """The resolution of each key (row of ``keys``: carrier, unit, year, region,
    scope_override), memoised on the method."""
    cache: dict[tuple[Any, ...], Resolution] = method.__dict__.setdefault("_key_cache", {})
    out: list[Resolution] = []
    for k in keys.itertuples(index=False):
        if k.carrier is None or k.unit is None:
            out.append(Resolution(category="error", error=("carrier", "unknown carrier", None)))
            continue
        kt = (str(k.carrier), str(k.unit), int(k.year), str(k.region), int(k.scope_override), getattr(k, "instrument", ""))
        res = cache.get(kt)
        if res is None:
            res = method.resolve(*kt)
            cache[kt] = res
        out.append(res)
    return out
