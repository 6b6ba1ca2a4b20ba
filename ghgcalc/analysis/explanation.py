"""Explain a report: search the shipped factors for the choices that reproduce its figures.

Given the activity data behind a report and the figures it printed, :func:`explain` tries
every factor that applies to the carriers in the data -- every edition, region and
province of the grid factors, every heating value, emission-factor set (CO2 alone, or with
the CH4/N2O of one IPCC sector table, or CO2 by the carbon content method), standard-coal
coefficient, GWP set and energy basis
-- and keeps the combinations that reproduce each printed figure exactly at its printed
precision (half-up, contract section 5). Combinations that reproduce every figure of the
report at once come first: they are the report's method. For a figure nothing reproduces
it says which single factor value would.

How the search stays fast: a calculation is a sum over carriers, and every carrier's
contribution to a metric depends only on that carrier's own choice (and on the global GWP
set and energy basis). So each carrier's options are evaluated once, exactly, with the
calculation core's own factor chain (:mod:`ghgcalc.core.chain`), and only the
*distinct* contributions are combined: by outer sums when the product is small, by a
sorted meet-in-the-middle search when it is not. Candidates found are exact (rational
arithmetic); the best method is then run through :func:`ghgcalc.calculate` and
:func:`ghgcalc.reconcile`, so the statuses it shows are the engine's own.

Formulas are those of :mod:`ghgcalc.core.method` (IPCC 2006 Vol. 2 Ch. 1 eq. 1.1 and Ch. 2
eq. 2.1; GB/T 2589-2020 clause 4 for standard coal).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..core.activities import ActivityTable, read_activities
from ..core.bridge import bridge_printed_unit
from ..core.carriers import carrier_aliases, carriers, normalize_key
from ..core.chain import EditionError, carbon_content_chain, choose_edition, conversion_path, emission_chain
from ..core.compute import compute
from ..core.factors import FactorLibrary, FactorRow, default_library
from ..core.method import Method
from ..core.metrics import metric_specs
from ..core.profiles import Profile, load_profile
from ..core.regions import canonical_region, grid_of
from ..core.resolution import Resolution
from ..core.results import normalize_denominators
from ..core.units import gas_of, parse_unit
from ..errors import ActivityDataError, FactorError, GhgcalcError, UnitError
from ..io.headers import parse_column_mapping
from ..io.progress import ProgressCallback, ProgressEvent
from ..printed import decimals_of, exact, format_at, format_general, half_unit, parse_decimal
from .reconciliation import (
    ReportedFigure,
    ReportedFigures,
    load_reported,
    reconcile,
)

__all__ = ["DIRECT_LIMIT", "MAX_SEARCH", "Candidate", "ExplainedFigure", "Explanation", "MethodCandidate", "combine", "explain"]

#: how many candidates each figure lists (reproducing ones first, then the nearest others)
MAX_CANDIDATES = 6
#: at most this many partial methods (choices that reproduce the figures combined so far) are
#: kept while figures are combined into whole methods; past it the search is cut and says so
MAX_SEARCH = 200
#: above this many combinations the search switches from outer sums to meet-in-the-middle
DIRECT_LIMIT = 200_000
#: at most this many reproducing combinations are kept per figure and global setting
_MAX_SOLUTIONS = 2_000
#: the output columns whose factors explain searches (market-based Scope 2 depends on the
#: contractual instruments, which the activity data must name: not searched)
_SEARCHED_COLUMNS = ("co2e_t", "co2_t", "ch4_t", "n2o_t", "energy_mwh", "energy_tce")
#: factor kinds that act on emissions only (an energy figure's candidate does not list them)
_EMISSION_KINDS = frozenset({"emission", "gwp", "carbon_content", "oxidation_rate"})
_STATUS_RANK = {"verified": 0, "derived": 1, "user-supplied": 2, "unverified": 3, "placeholder": 4}


# ---------------------------------------------------------------------------------------
# options: what a carrier's rows could have been computed with
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Option:
    """One way to compute one carrier's rows, for one facet of the calculation.

    ``facet`` is ``"emission"`` (heating value, density and emission factors: the
    emissions and, under the heating-value basis, the energy) or ``"coal"`` (the
    standard-coal coefficient: tce and, under the coal-equivalent basis, the energy)."""

    carrier: str
    facet: str
    emission: tuple[FactorRow, ...] = ()
    heating_value: FactorRow | None = None
    density: FactorRow | None = None
    coal_equivalent: FactorRow | None = None
    #: a family of single-gas rows chosen per row by its year and region (e.g. one series
    #: across years, or the provinces of one notice), as the engine chooses among ids
    family: tuple[FactorRow, ...] = ()
    #: CO2 by the carbon content method: (carbon content, oxidation rate), GB/T 32151.1 formula (3)
    carbon: tuple[FactorRow, FactorRow] | None = None
    #: ``"grid"``: a family of regional-grid rows applied to province rows through their grid
    #: (the profile's ``region_level = "grid"``, ghgcalc/data/regions.yaml)
    region_level: str = "as_given"

    @property
    def rows(self) -> tuple[FactorRow, ...]:
        out = [*(self.carbon or ()), *self.emission, *self.family, self.heating_value, self.density, self.coal_equivalent]
        return tuple(r for r in out if r is not None)

    @property
    def has_nonco2(self) -> bool:
        """Whether CH4 or N2O enter (so the GWP set matters)."""
        return any((r.gas or "").upper() in ("CH4", "N2O") for r in self.emission)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.rows]

    def main_row(self) -> FactorRow | None:
        """The factor the contribution is proportional to (for 'which value would')."""
        if self.facet == "coal":
            return self.coal_equivalent
        if self.carbon is not None:
            return self.carbon[0]
        for r in (*self.emission, *self.family):
            if (r.gas or "").upper() in ("CO2", "CO2E"):
                return r
        return self.emission[0] if self.emission else None


@dataclass
class _Coef:
    """Exact coefficients per unit of activity for one (option, unit)."""

    gases: dict[str, Fraction] = field(default_factory=dict)  # CO2, CH4, N2O, CO2e masses (t)
    mwh_hv: Fraction | None = None  # energy under the heating-value basis
    tce: Fraction | None = None
    own_mwh: Fraction | None = None  # carriers counted as their own energy (electricity, heat)


def _gas_stem(row: FactorRow) -> str:
    gas = (row.gas or "").lower()
    return re.sub(rf"(^|-){re.escape(gas)}(-|$)", r"\1\2", row.id).strip("-") if gas else row.id


def _emission_sets(rows: Sequence[FactorRow]) -> list[tuple[FactorRow, ...]]:
    """CO2e rows alone; each CO2 row alone or with one CH4/N2O group of the same table."""
    co2e = [r for r in rows if (r.gas or "").upper() == "CO2E"]
    co2 = [r for r in rows if (r.gas or "").upper() == "CO2"]
    others: dict[str, list[FactorRow]] = {}
    for r in rows:
        if (r.gas or "").upper() in ("CH4", "N2O"):
            others.setdefault(_gas_stem(r), []).append(r)
    groups = [tuple(sorted(g, key=lambda r: str(r.gas))) for g in others.values()]
    out: list[tuple[FactorRow, ...]] = [(r,) for r in co2e]
    for r in co2:
        out.append((r,))
        out.extend((r, *g) for g in groups)
    return out


def _family_row(family: Sequence[FactorRow], year: int, region: str) -> FactorRow | None:
    """The row of a family the engine would use for (year, region): :func:`ghgcalc.core.chain.choose_edition`
    (the most specific region winning); None where the engine would stop with an error."""
    try:
        return choose_edition(family, year, region, what="family")[0]
    except EditionError:
        return None


def _is_province(code: str | None) -> bool:
    return bool(re.fullmatch(r"[A-Z]{2}-[A-Z]{2}", (code or "").upper()))


def _level_region(code: str, level: str) -> str:
    """The region a row is looked up by: its own, or its grid under ``region_level = "grid"``."""
    if level == "grid":
        return grid_of(code) or code
    return code


def _families(rows: Sequence[FactorRow]) -> list[tuple[FactorRow, ...]]:
    """Families of single-gas rows that a profile would list together and the engine would
    choose among per row: one series across its years; the regions of one document and
    edition at one level (provinces, grid regions); and that across editions."""

    def level(r: FactorRow) -> str:
        reg = (r.region or "").upper()
        return "national" if "-" not in reg else ("province" if _is_province(reg) else "subregion")

    groups: dict[tuple[Any, ...], list[FactorRow]] = {}
    for r in rows:
        gas = (r.gas or "").upper()
        if gas not in ("CO2", "CO2E"):
            continue
        if r.series:
            groups.setdefault(("series", r.series, gas), []).append(r)
        groups.setdefault(("edition", r.publisher, r.document, r.valid_from, r.valid_to, level(r), gas), []).append(r)
        groups.setdefault(("publisher", r.publisher, level(r), gas), []).append(r)
        # sibling regions of one parent for the same data years, whoever publishes them (e.g.
        # the two Hong Kong utilities, HK-CLP and HK-HKE)
        reg = (r.region or "").upper()
        if "-" in reg:
            groups.setdefault(("siblings", reg.rsplit("-", 1)[0], r.valid_from, r.valid_to, gas), []).append(r)
    out: dict[tuple[str, ...], tuple[FactorRow, ...]] = {}
    for g in groups.values():
        if len(g) < 2:
            continue
        cells = {(r.region, r.valid_from, r.valid_to) for r in g}
        if len(cells) != len(g):
            continue  # two rows for the same region and years: the engine could not choose
        fam = tuple(sorted(g, key=lambda r: r.id))
        out[tuple(r.id for r in fam)] = fam
    return list(out.values())


def _coef_emission(opt: Option, unit: str, year: int = 0, region: str = "") -> _Coef | None:
    act = parse_unit(unit)
    convs = [r for r in (opt.heating_value, opt.density) if r is not None]
    c = _Coef()
    used: set[str] = set()
    emission = opt.emission
    if opt.family:
        row0 = _family_row(opt.family, year, _level_region(region, opt.region_level))
        if row0 is None:
            return None
        emission = (row0,)
    if opt.carbon is not None:
        cc, of = opt.carbon
        found = carbon_content_chain(act, cc, of, convs)
        if found is None:
            return None
        c.gases["CO2"] = found[0]
        used.update(found[1])
    for row in emission:
        gas = str(row.gas)
        found = emission_chain(act, row, convs)
        if found is None:
            return None
        c.gases[gas.upper() if gas.upper() != "CO2E" else "CO2e"] = found[0]
        used.update(found[1])
    e = conversion_path(act, "MWh", convs)
    if e is not None:
        c.mwh_hv = e[0]
        used.update(e[1])
    # a conversion that no output uses is not a distinct option
    if any(r.id not in used for r in convs):
        return None
    return c


def _coef_coal(opt: Option, unit: str, convs_pool: Sequence[FactorRow]) -> _Coef | None:
    act = parse_unit(unit)
    assert opt.coal_equivalent is not None
    for convs in ([], *([r] for r in convs_pool)):
        found = conversion_path(act * opt.coal_equivalent.quantity, "tce", convs)
        if found is not None:
            return _Coef(tce=found[0])
    return None


# ---------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------
@dataclass
class Candidate:
    """One way of reproducing (or nearly reproducing) one figure."""

    factors: list[str]
    recomputed: str | None
    status: str
    notes: list[str] = field(default_factory=list)
    method: int | None = None  # index into Explanation.methods, when part of a whole method

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"factors": self.factors, "recomputed": self.recomputed, "status": self.status, "notes": self.notes}
        if self.method is not None:
            d["method"] = self.method
        return d


@dataclass
class ExplainedFigure:
    """A reported figure with the candidates that reproduce it, best first."""

    figure: ReportedFigure
    candidates: list[Candidate] = field(default_factory=list)
    searched: bool = True
    reason: str = ""
    needed: str | None = None
    #: what the search says about this figure (e.g. that it was cut at ``max_search``)
    notes: list[str] = field(default_factory=list)

    @property
    def reproduced(self) -> bool:
        """Some candidate reproduces the figure (exactly, or within the printed inputs' rounding)."""
        return any(c.status in ("reproduced", "consistent") for c in self.candidates)

    def as_dict(self) -> dict[str, Any]:
        f = self.figure
        d: dict[str, Any] = {"metric": f.metric}
        for k in ("carrier", "facility", "period"):
            if getattr(f, k) is not None:
                d[k] = getattr(f, k)
        d.update({"reported": f.value, "unit": f.unit, "candidates": [c.as_dict() for c in self.candidates]})
        if self.needed:
            d["needed"] = self.needed
        if self.reason:
            d["reason"] = self.reason
        if self.notes:
            d["notes"] = list(self.notes)
        return d


@dataclass
class MethodCandidate:
    """A whole method (one choice per carrier, a GWP set and an energy basis) and the
    figures it reproduces."""

    profile: dict[str, Any]
    explains: list[str]
    statuses: dict[str, str]
    notes: list[str]
    factor_ids: list[str]
    entries: list[dict[str, Any]] = field(default_factory=list)
    #: factors that reproduce every figure equally in place of the chosen ones (a tie the
    #: printed figures cannot break: same values in two documents, or two tables printing one value)
    equivalent_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, "explains": self.explains, "factors": self.factor_ids, "notes": self.notes,
                "statuses": self.statuses, "equivalent_factors": self.equivalent_ids}


@dataclass
class Explanation:
    """The outcome of :func:`explain`."""

    figures: list[ExplainedFigure]
    methods: list[MethodCandidate]
    reporting_year: int | None
    #: the search was cut at ``max_search`` partial methods: a method combining more figures may exist
    truncated: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every figure that could be searched has at least one reproducing (or, where the
        printed inputs' rounding allows no exact reproduction, consistent) candidate."""
        return all(f.reproduced for f in self.figures if f.searched)

    def to_list(self) -> list[dict[str, Any]]:
        return [f.as_dict() for f in self.figures]

    def to_text(self) -> str:
        """A plain-text report: the best methods, then each figure with its candidates."""
        mark = {"reproduced": "✓", "consistent": "~", "differs": "✗", "not_recomputed": "-"}
        out: list[str] = [f"note: {n}" for n in self.notes]
        if self.methods:
            out.append("Whole methods, best first (each reproduces the figures listed):")
            for i, meth in enumerate(self.methods):
                out.append(f"  [{i}] {len(meth.explains)} figures: basis {meth.profile['energy_basis']}, "
                           f"GWP {meth.profile['gwp_set']}; {', '.join(meth.factor_ids)}")
                out.extend(f"      note: {n}" for n in meth.notes)
            out.append("")
        else:
            out.append("No whole method reproduces any figure.\n")
        for f in self.figures:
            fig = f.figure
            group = "".join(f" [{k}={getattr(fig, k)}]" for k in ("carrier", "facility", "period") if getattr(fig, k) is not None)
            out.append(f"{fig.metric}{group} = {fig.value} {fig.unit}")
            if not f.candidates:
                out.append(f"    {f.reason or 'no candidate'}")
            for c in f.candidates:
                m = f" (method [{c.method}])" if c.method is not None else ""
                out.append(f"    {mark.get(c.status, '?')} {c.status:10} {c.recomputed or '—':>14}  {', '.join(c.factors) or '(no factor)'}{m}")
                out.extend(f"        {n}" for n in c.notes)
            if f.needed:
                out.append(f"    needed: {f.needed}")
            out.extend(f"    note: {n}" for n in f.notes)
        n_ok = sum(1 for f in self.figures if f.searched and f.reproduced)
        n_s = sum(1 for f in self.figures if f.searched)
        out.append(f"\n{n_ok} of {n_s} factor-dependent figures reproduced by at least one candidate")
        return "\n".join(out)

    def best_profile(self) -> dict[str, Any] | None:
        """The best whole method as a profile dict (usable with :func:`ghgcalc.calculate`)."""
        return dict(self.methods[0].profile) if self.methods else None

    def best_profile_toml(self) -> str | None:
        prof = self.best_profile()
        return None if prof is None else profile_toml(prof)

    def __iter__(self) -> Any:
        return iter(self.figures)

    def __len__(self) -> int:
        return len(self.figures)

    def _repr_html_(self) -> str:
        import html

        rows = []
        for f in self.figures:
            best = f.candidates[0] if f.candidates else None
            rows.append("<tr>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in (
                f.figure.metric, f.figure.value, f.figure.unit,
                best.status if best else ("not searched" if not f.searched else "no candidate"),
                best.recomputed if best else "", ", ".join(best.factors) if best else f.reason)) + "</tr>")
        head = "".join(f"<th>{h}</th>" for h in ("metric", "reported", "unit", "best status", "recomputed", "factors"))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def profile_toml(prof: Mapping[str, Any]) -> str:
    """A profile dict written as TOML (the subset profiles use: strings, ints, lists, tables)."""

    def val(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, Mapping):   # an inline table ([input] columns = {"能源品种" = "carrier"})
            return "{" + ", ".join(f"{val(str(k))} = {val(x)}" for k, x in v.items()) + "}"
        s = str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{s}"'

    lines = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for k, v in prof.items():
        if isinstance(v, Mapping):
            if k == "carriers":
                tables.extend((f"carriers.{c}", m) for c, m in v.items())
            else:
                tables.append((k, v))
        elif v is not None:
            lines.append(f"{k} = {val(v)}")
    for name, table in tables:
        lines.append("")
        lines.append(f"[{name}]")
        lines.extend(f"{k} = {val(v)}" for k, v in table.items() if v is not None)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# the search
# ---------------------------------------------------------------------------------------
@dataclass
class _Var:
    """One carrier facet: its options and, per figure, the contribution of each option."""

    carrier: str
    facet: str
    options: list[Option]


@dataclass
class _Setting:
    gwp_set: str | None  # None: no option with CH4/N2O, the set does not matter
    basis: str
    mwh_row: FactorRow | None


@dataclass
class _Figure:
    fig: ReportedFigure
    base: str
    column: str
    scopes: frozenset[int]
    categories: frozenset[str]
    lo: Fraction  # window of the base metric, in its canonical unit: [lo, hi)
    hi: Fraction
    printed: Fraction
    decimals: int
    kconv: Fraction  # canonical (base or intensity) unit -> printed unit
    den: Fraction
    qty: dict[tuple[str, str, int, int, str], Fraction]  # (carrier, unit, scope, year, region) -> exact quantity

    #: how the printed unit was read (compared with a variant of the metric: ``scope2_co2``, ``energy_indirect_tce``)
    note: str | None = None
    qty_lo: dict[tuple[str, str, int, int, str], Fraction] = field(default_factory=dict)
    qty_hi: dict[tuple[str, str, int, int, str], Fraction] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted({k[3] for k in self.qty})


def _metric_columns() -> dict[str, tuple[str, frozenset[int], frozenset[str]]]:
    """Per metric id: output column, scopes and categories it sums (read off the core's
    own metric definitions, so explain can never disagree with them)."""
    out: dict[str, tuple[str, frozenset[int], frozenset[str]]] = {}
    for m, (col, pred) in metric_specs().items():
        if col not in _SEARCHED_COLUMNS:
            continue  # resource amounts do not depend on factors; market-based figures on instruments
        scopes: set[int] = set()
        cats: set[str] = set()
        for cat in ("energy", "direct"):
            for s in (1, 2):
                if pred(Resolution(category=cat, scope=s), ""):
                    scopes.add(s)
                    cats.add(cat)
        out[m] = (col, frozenset(scopes), frozenset(cats))
    return out


def explain(
    activities: Any,
    reported: str | Path | Mapping[str, Any] | ReportedFigures,
    *,
    profile: Any = None,
    year: int | None = None,
    region: str | None = None,
    denominators: Mapping[str, Any] | None = None,
    library: FactorLibrary | None = None,
    max_candidates: int = MAX_CANDIDATES,
    max_search: int = MAX_SEARCH,
    progress: ProgressCallback | None = None,
    columns: str | Sequence[str] | Mapping[str, str] | None = None,
) -> Explanation:
    """Find the factor choices that reproduce each reported figure.

    Parameters
    ----------
    activities : DataFrame or path
        The activity data behind the report (contract section 1).
    reported : path, dict or ReportedFigures
        The printed figures (contract section 5); its ``reporting_year`` and
        ``denominators`` are used.
    profile : profile id, path or dict, optional
        The method the report says it used: it is evaluated too and shown beside the
        candidates (a footnote's factor that does not reproduce a figure shows up here).
    year, region : optional
        The report's data year and the rows' default region (default: the YAML's
        ``reporting_year``, the data's single period; no region: rows without one are
        searched with the factors of every region, as the engine applies pinned factors by
        period, contract section 8).
    denominators : mapping, optional
        Extra intensity denominators (win over the YAML's).
    library : FactorLibrary, optional
        The factors to search (default: every shipped factor).
    max_candidates : int
        Candidates listed per figure.
    max_search : int
        At most this many partial methods are kept while the figures are combined into whole
        methods (default :data:`MAX_SEARCH`, 200). When the cap cuts the search, the
        Explanation says so (``truncated``, ``notes``, and a note on each searched figure).
    progress : callable, optional
        Called with a :class:`~ghgcalc.io.progress.ProgressEvent` after each setting searched
        (a combination of energy basis and GWP set).
    columns : mapping or text, optional
        Which header is which contract column (``{"能源品种": "carrier"}`` or
        ``"能源品种=carrier,消耗量=quantity"``, as ``calc --columns``): added to the
        ``[input] columns`` of ``profile`` and winning over them. The activity data is read
        with the mapping, and every method proposed keeps it.

    Returns
    -------
    Explanation
        ``figures`` (one :class:`ExplainedFigure` per reported figure, candidates best
        first), ``methods`` (whole methods, best first), ``ok``.
    """
    if max_search < 1:
        raise GhgcalcError(f"max_search must be at least 1, got {max_search!r}")
    lib = library or default_library()
    rep = load_reported(reported)
    yr = year or rep.reporting_year
    # the stated method with the header mapping given (it wins over the profile's own, as in calc)
    mapping = parse_column_mapping(columns)
    stated = load_profile(profile).with_columns(mapping) if profile is not None else None
    periods = _reading_settings(stated, mapping)
    # no region is invented (contract section 8): rows without one take the factors' by period
    base = Profile(id="explain", reporting_year=yr or 1, region=region or None, edition_mismatch="record", **periods)
    table = read_activities(activities, base)
    if table.issues:
        raise ActivityDataError(table.issues)
    frame = table.frame
    if yr is None:
        years = sorted({int(y) for y in frame["year"].tolist()})
        if len(years) != 1:
            raise GhgcalcError("cannot tell the report's data year: give year= (--year) or reporting_year in the YAML")
        yr = years[0]
    dens = normalize_denominators({**rep.denominators, **(denominators or {})})
    searcher = _Search(lib, table, yr, region or "", dens)
    searcher.periods = periods
    if isinstance(activities, (str, Path)) or type(activities).__name__ == "DataFrame":
        searcher.source = activities   # re-readable (a stream is read once: its rows keep the default region)
    out = searcher.run(rep, stated, max_candidates, max_search, progress)
    if table.periods:
        read = ", ".join(f"{k} -> {v}" for k, v in list(table.periods["read"].items())[:6])
        out.notes.append(f"periods read as data years by {table.periods['rule']}: {read}")
    return out


def _reading_settings(stated: Profile | None, columns: Mapping[str, str]) -> dict[str, Any]:
    """How the activity data is read: the period settings (``period_year``,
    ``fiscal_year_start_month``, ``fiscal_year_label``; ghgcalc.core.periods) and the header
    mapping (``[input] columns``) of the profile the report says it used, ``columns`` (the
    ``--columns`` option) already added to it (:meth:`Profile.with_columns`, as for ``calc``);
    ``columns`` alone without one. The search reads the table by them and every method it
    proposes keeps them; the defaults without them."""
    if stated is None:
        return {"input": {"columns": dict(columns)}} if columns else {}
    keys = ("period_year", "fiscal_year_start_month", "fiscal_year_label")
    out = {k: getattr(stated, k) for k in keys if k in stated.model_fields_set}
    if stated.input.columns:
        out["input"] = {"columns": dict(stated.input.columns)}
    return out


class _Search:
    def __init__(self, lib: FactorLibrary, table: ActivityTable, year: int, region: str, dens: list[Any]) -> None:
        self.lib = lib
        self.table = table
        self.year = year
        self.region = region
        self.dens = dens
        #: the period settings the table was read by, kept in every method proposed
        self.periods: dict[str, Any] = {}
        #: the activity data as given (re-read when a method's profile sets another default region)
        self.source: Any = None
        #: tables re-read from ``source``, by what reading takes from a profile (see :meth:`_table_for`)
        self._reread: dict[tuple[str, int, tuple[str, ...]], ActivityTable] = {}
        frame = table.frame
        self.frame = frame
        known = carriers()
        scope_col = frame["scope_override"].to_numpy() if "scope_override" in frame else np.zeros(len(frame), dtype=int)
        self.row_carrier = [str(c) for c in frame["carrier"].tolist()]
        self.row_unit = [str(u) for u in frame["unit"].tolist()]
        self.row_scope: list[int] = []
        self.row_cat: list[str] = []
        for c, u, s in zip(self.row_carrier, self.row_unit, scope_col.tolist(), strict=True):
            car = known.get(c)
            self.row_scope.append(int(s) if s else int(car.scope or 0) if car is not None else 0)
            if gas_of(u) is not None:
                self.row_cat.append("direct")
            elif car is not None and car.type == "resource":
                self.row_cat.append("resource")
            else:
                self.row_cat.append("energy")
        texts = frame["quantity_text"].tolist() if "quantity_text" in frame else [None] * len(frame)
        qs = frame["quantity"].tolist()
        self.row_q = [exact(t) if isinstance(t, str) and t.strip() else exact(float(q)) for t, q in zip(texts, qs, strict=True)]
        # half a unit in the last printed digit of each quantity (a number: of its shortest
        # repr), the same intervals Result.metric_exact and reconcile use
        self.row_half = [half_unit(t) if isinstance(t, str) and t.strip() else half_unit(repr(float(q)))
                         for t, q in zip(texts, qs, strict=True)]
        self.energy_carriers = sorted({c for c, k in zip(self.row_carrier, self.row_cat, strict=True) if k == "energy"})
        self.row_year = [int(y) for y in frame["year"].tolist()]
        self.row_region = [canonical_region(str(r)) for r in frame["region"].tolist()] if "region" in frame else [region] * len(frame)
        self.has_provinces = any(_is_province(r) for r in self.row_region)
        # rows that name a region other than the default (the frame fills blanks with it)
        self.region_given = any(r != canonical_region(region) for r in self.row_region)
        self.keys_of: dict[str, set[tuple[str, int, str]]] = {}
        for i, (c, u, k) in enumerate(zip(self.row_carrier, self.row_unit, self.row_cat, strict=True)):
            if k == "energy":
                self.keys_of.setdefault(c, set()).add((u, self.row_year[i], self.row_region[i]))

        self.direct_gases = {str(gas_of(u)) for u, k in zip(self.row_unit, self.row_cat, strict=True) if k == "direct"}
        #: an emission option's coefficients per (option, unit, year, region), shared by the
        #: choice of options (:meth:`_variables`) and the search (:meth:`coef`)
        self.emission_coefs: dict[tuple[Option, str, int, str], _Coef | None] = {}
        self.vars = self._variables()
        self.coef_cache: dict[tuple[int, int, str, int, str], _Coef | None] = {}
        #: a coefficient's value per (variable, option, key, column, setting): the same for every
        #: figure and bound that asks (see :meth:`_value`)
        self.value_cache: dict[tuple[Any, ...], Fraction | None] = {}
        #: the per-option sums of a variable over the same keys and quantities (see :meth:`_option_sums`)
        self.sums_cache: dict[tuple[Any, ...], list[Fraction | None]] = {}
        #: an option's preference key per (variable, option) (see :meth:`_pref_key`)
        self.pref_cache: dict[tuple[int, int], tuple[Any, ...]] = {}

    # -- options -----------------------------------------------------------------------
    def _variables(self) -> list[_Var]:
        out: list[_Var] = []
        for c in self.energy_carriers:
            em = [r for r in self.lib.select(carrier=c, kind="emission") if r.serves(*self._emission_uses(c))]
            hvs = [None, *self._conversions(c, "heating_value")]
            dns = [None, *self._conversions(c, "density")]
            opts = []
            shapes: list[dict[str, Any]] = [{"emission": e} for e in _emission_sets(em)]
            for f in _families(em):
                shapes.append({"family": f})
                if any(not _is_province(r.region) and "-" in (r.region or "") for r in f) and self.has_provinces:
                    shapes.append({"family": f, "region_level": "grid"})
            # the carbon content method: CO2 from carbon content x oxidation rate x 44/12, alone
            # or with one CH4/N2O group
            nonco2 = [e[1:] for e in _emission_sets(em) if len(e) > 1 and (e[0].gas or "").upper() == "CO2"]
            nonco2 = list(dict.fromkeys([(), *nonco2]))
            for cc, of in itertools.product([r for r in self.lib.select(carrier=c, kind="carbon_content") if r.serves("combustion")],
                                            [r for r in self.lib.select(carrier=c, kind="oxidation_rate") if r.serves("combustion")]):
                shapes += [{"carbon": (cc, of), "emission": g} for g in nonco2]
            for shape in shapes:
                for hv, dn in itertools.product(hvs, dns):
                    opt = Option(carrier=c, facet="emission", heating_value=hv, density=dn, **shape)
                    if self._regions_fit(opt) and all(self._emission_coef(opt, u, y, reg) is not None for u, y, reg in self.keys_of[c]):
                        opts.append(opt)
            out.append(_Var(c, "emission", opts))
            ces = self._conversions(c, "coal_equivalent")
            pool = [r for r in (*hvs, *dns) if r is not None]
            copts = [Option(carrier=c, facet="coal", coal_equivalent=r) for r in ces
                     if self._regions_fit(Option(carrier=c, facet="coal", coal_equivalent=r)) and all(_coef_coal(Option(carrier=c, facet="coal", coal_equivalent=r), u, pool) is not None
                            for u in {k[0] for k in self.keys_of[c]})]
            out.append(_Var(c, "coal", copts))
        return out

    def _emission_uses(self, carrier: str) -> tuple[str, ...]:
        """The ``use`` a candidate emission row of ``carrier`` must serve for a scope figure:
        ``grid_location`` when the carrier's rows are Scope 2, ``combustion``/``fugitive``/
        ``direct`` when Scope 1 (both when its rows are of either). A life-cycle footprint,
        an upstream intensity or a CCER baseline is never a candidate."""
        scopes = {s for c, s in zip(self.row_carrier, self.row_scope, strict=True) if c == carrier}
        uses: tuple[str, ...] = ()
        if 2 in scopes:
            uses += ("grid_location",)
        if scopes - {2}:
            uses += ("combustion", "fugitive", "direct")
        return uses

    def _conversions(self, carrier: str, kind: str) -> list[FactorRow]:
        return [r for r in self.lib.select(carrier=carrier, kind=kind) if r.serves("conversion")]

    def _regions_fit(self, opt: Option, all_rows: bool = False) -> bool:
        """With a region column, a factor applied to every row must cover each row's region, as
        the engine requires (no silent fallback across regions); a family is chosen per row.
        Without one, the rows take the profile's region, which explain sets to the factor's."""
        if not self.region_given or opt.family:
            return True
        regions = set(self.row_region) if all_rows else {r for (_u, _y, r) in self.keys_of.get(opt.carrier, set())}
        # a row without a region takes a pinned factor of any one region by period (core.chain.choose_edition)
        return all(row.covers_region(reg) for row in opt.rows for reg in regions if reg)

    def coef(self, vi: int, oi: int, unit: str, year: int, region: str) -> _Coef | None:
        var = self.vars[vi]
        opt = var.options[oi]
        if not opt.family:
            year, region = 0, ""  # one factor for every row: the key's year and region do not matter
        key = (vi, oi, unit, year, region)
        if key not in self.coef_cache:
            if var.facet == "emission":
                self.coef_cache[key] = self._emission_coef(opt, unit, year, region)
            else:
                pool = [*self._conversions(var.carrier, "heating_value"), *self._conversions(var.carrier, "density")]
                self.coef_cache[key] = _coef_coal(opt, unit, pool)
        return self.coef_cache[key]

    def _emission_coef(self, opt: Option, unit: str, year: int, region: str) -> _Coef | None:
        """:func:`_coef_emission`, once per search for each option and key (the year and region
        matter only to a family, which picks its row by them)."""
        if not opt.family:
            year, region = 0, ""
        k = (opt, unit, year, region)
        if k not in self.emission_coefs:
            self.emission_coefs[k] = _coef_emission(opt, unit, year, region)
        return self.emission_coefs[k]

    def own_mwh(self, carrier: str, unit: str) -> Fraction | None:
        car = carriers().get(carrier)
        if car is None or not car.own_mwh:
            return None
        found = conversion_path(parse_unit(unit), "MWh", [])
        return None if found is None else found[0]

    def settings(self) -> list[_Setting]:
        gsets: list[str | None] = [None]
        for s in sorted({r.gwp_set for r in self.lib.select(kind="gwp") if r.gwp_set}):
            try:
                self.lib.gwp(s, "CH4")
                self.lib.gwp(s, "N2O")
            except FactorError:
                continue
            gsets.append(s)
        bases: list[tuple[str, FactorRow | None]] = [("heating_value", None)]
        bases += [("coal_equivalent", r) for r in self.lib.select(carrier="electricity", kind="coal_equivalent")
                  if self._regions_fit(Option(carrier="electricity", facet="coal", coal_equivalent=r), all_rows=True)]
        return [_Setting(g, b, m) for g in gsets for b, m in bases]

    # -- figures -----------------------------------------------------------------------
    def figure(self, fig: ReportedFigure) -> _Figure | str:
        if fig.not_reported:   # a dash or N/A: nothing printed to explain
            return f"not reported ({fig.value}): the report prints no figure to explain"
        cols = _metric_columns()
        metric, den = fig.metric, None
        for d in self.dens:
            suf = "_" + d.suffix
            if metric.endswith(suf) and metric[: -len(suf)] in metric_specs():
                metric, den = metric[: -len(suf)], d
                break
        bridge_note = None
        if metric in metric_specs():
            try:
                bridge = bridge_printed_unit(metric, fig.unit, den.unit if den is not None and den.unit else "")
            except UnitError as exc:
                return f"cannot compare units: {exc.reason}"
            if bridge.stand_in:
                return f"{bridge.note}, under a CO2e heading with no {bridge.gas}-only sum: not searched"
            metric, bridge_note = bridge.metric, bridge.note
        if metric not in cols:
            if metric in metric_specs() and metric_specs()[metric][0] != "amount":
                return "market-based figures depend on the contractual instruments, not searched (see the best method's recomputation)"
            return "its value does not depend on factor choices (see the best method's recomputation)" if metric in metric_specs() \
                else "not a metric ghgcalc computes (no input behind it)"
        col, scopes, cats = cols[metric]
        kconv = bridge.factor
        printed_dec = parse_decimal(fig.value)
        printed = Fraction(printed_dec)
        decimals = decimals_of(printed_dec)
        half = half_unit(printed_dec)
        dv = Fraction(den.value) if den is not None else Fraction(1)
        lo, hi = (printed - half) / kconv * dv, (printed + half) / kconv * dv
        mask = self._mask(fig)
        qty: dict[tuple[str, str, int, int, str], Fraction] = {}
        width: dict[tuple[str, str, int, int, str], Fraction] = {}
        for i in np.flatnonzero(mask):
            if self.row_cat[i] == "resource":
                continue
            k = (self.row_carrier[i], self.row_unit[i], self.row_scope[i], self.row_year[i], self.row_region[i])
            qty[k] = qty.get(k, Fraction(0)) + self.row_q[i]
            width[k] = width.get(k, Fraction(0)) + self.row_half[i]
        if not qty:
            return "no input behind this figure in the activity data"
        fg = _Figure(fig, metric, col, scopes, cats, lo, hi, printed, int(decimals), kconv, dv, qty, note=bridge_note)
        fg.qty_lo = {k: max(q - width[k], Fraction(0)) for k, q in qty.items()}
        fg.qty_hi = {k: q + width[k] for k, q in qty.items()}
        return fg

    def _mask(self, fig: ReportedFigure) -> np.ndarray:
        f = self.frame
        mask = np.ones(len(f), dtype=bool)
        if fig.carrier is not None:
            cid = carrier_aliases().get(normalize_key(fig.carrier), fig.carrier)
            mask &= np.array([c == cid for c in self.row_carrier])
        if fig.facility is not None:
            mask &= (f["facility"].astype(str) == str(fig.facility)).to_numpy() if "facility" in f else False
        if fig.period is not None:
            mask &= ((f["period"].astype(str) == str(fig.period)) | (f["year"].astype(str) == str(fig.period))).to_numpy()
        return mask

    def contributions(self, fg: _Figure, st: _Setting, bound: str = "mid") -> tuple[Fraction, list[tuple[int, list[Fraction | None]]]] | None:
        """(constant part, [(variable, value per option)]) of a figure's base metric, with the
        quantities as printed (``mid``) or at the ends of their rounding (``lo``, ``hi``)."""
        qty = {"mid": fg.qty, "lo": fg.qty_lo, "hi": fg.qty_hi}[bound]
        const = Fraction(0)
        per_var: list[tuple[int, list[Fraction | None]]] = []
        gwp = self._gwps(st.gwp_set)
        energy_col = fg.column in ("energy_mwh", "energy_tce")
        for (_c, u, s, _y, _r), q in qty.items():
            if s not in fg.scopes:
                continue
            if self._is_direct(u):
                if "direct" not in fg.categories or energy_col:
                    continue
                val = self._direct(u, fg.column, gwp, _c)
                if val is None:
                    return None
                const += q * val
        for vi, var in enumerate(self.vars):
            keys = [((u, y, r), q) for (c, u, s, y, r), q in qty.items() if c == var.carrier and s in fg.scopes
                    and not self._is_direct(u) and "energy" in fg.categories]
            if not keys:
                continue
            facet_needed = self._facet_for(fg.column, st)
            if facet_needed != var.facet:
                continue
            own = None
            if fg.column == "energy_mwh" and st.basis == "coal_equivalent":
                if not var.options:
                    return None  # the coal-equivalent basis needs a coefficient for every energy row
                owns = [self.own_mwh(var.carrier, k[0]) for k, _ in keys]
                if all(o is not None for o in owns):
                    own = sum((q * o for (u, q), o in zip(keys, owns, strict=True) if o is not None), Fraction(0))
            if own is not None:
                const += own
                continue
            per_var.append((vi, self._option_sums(vi, tuple(keys), fg.column, st, gwp)))
        return const, per_var

    def _option_sums(self, vi: int, keys: tuple[tuple[tuple[str, int, str], Fraction], ...], column: str, st: _Setting,
                     gwp: dict[str, Fraction] | None) -> list[Fraction | None]:
        """Σ quantity × coefficient over ``keys`` for each option of variable ``vi`` (None where an
        option has no coefficient for a key); computed once per search for the same keys,
        quantities, column and setting (figures that share their rows share it)."""
        memo = (vi, keys, column, st.gwp_set, st.basis, None if st.mwh_row is None else st.mwh_row.id)
        if memo not in self.sums_cache:
            vals: list[Fraction | None] = []
            for oi in range(len(self.vars[vi].options)):
                total: Fraction | None = Fraction(0)
                for k, q in keys:
                    v = self._value(vi, oi, k, column, st, gwp)
                    if v is None:
                        total = None
                        break
                    total = total + q * v  # type: ignore[operator]
                vals.append(total)
            self.sums_cache[memo] = vals
        return list(self.sums_cache[memo])

    @staticmethod
    def _facet_for(column: str, st: _Setting) -> str:
        if column == "energy_tce":
            return "coal"
        if column == "energy_mwh":
            return "emission" if st.basis == "heating_value" else "coal"
        return "emission"

    def _gwps(self, gset: str | None) -> dict[str, Fraction] | None:
        if gset is None:
            return None
        out: dict[str, Fraction] = {}
        for g in ("CH4", "N2O", *sorted(self.direct_gases)):
            try:
                out[g] = self.lib.gwp(gset, g).exact
            except FactorError:
                continue  # a direct entry of a gas this set lacks: its figures cannot be searched here
        return out

    @staticmethod
    def _is_direct(unit: str) -> bool:
        return gas_of(unit) is not None

    def _direct(self, unit: str, column: str, gwp: dict[str, Fraction] | None, carrier: str = "") -> Fraction | None:
        gas = str(gas_of(unit))
        if gas == "CO2e" and column in ("co2_t", "ch4_t", "n2o_t"):
            # as the engine (core.method): an entry in CO2e does not say how much of it is each gas,
            # except a refrigerant release, which holds none of them
            car = carriers().get(carrier)
            return Fraction(0) if car is not None and car.type == "fugitive" else None
        conv = Fraction((parse_unit(unit) / parse_unit(f"t {gas}")).to("dimensionless").magnitude)
        if column == "co2e_t":
            if gas == "CO2e" or gas == "CO2":
                return conv
            if gwp is None or gas not in gwp:
                return None
            return conv * gwp[gas]
        want = {"co2_t": "CO2", "ch4_t": "CH4", "n2o_t": "N2O"}.get(column)
        return conv if want == gas else Fraction(0)

    def _value(self, vi: int, oi: int, key: tuple[str, int, str], column: str, st: _Setting,
               gwp: dict[str, Fraction] | None) -> Fraction | None:
        """Option ``oi``'s coefficient for ``column`` on the rows of ``key`` under setting ``st``,
        computed once per search (``gwp`` is the setting's :meth:`_gwps`, fixed by its set)."""
        memo = (vi, oi, key, column, st.gwp_set, st.basis, None if st.mwh_row is None else st.mwh_row.id)
        if memo not in self.value_cache:
            self.value_cache[memo] = self._value_of_option(vi, oi, key, column, st, gwp)
        return self.value_cache[memo]

    def _value_of_option(self, vi: int, oi: int, key: tuple[str, int, str], column: str, st: _Setting,
                         gwp: dict[str, Fraction] | None) -> Fraction | None:
        c = self.coef(vi, oi, *key)
        if c is None:
            return None
        if column == "energy_tce":
            return c.tce
        if column == "energy_mwh":
            if st.basis == "heating_value":
                return c.mwh_hv
            if c.tce is None or st.mwh_row is None:
                return None
            per_mwh = Fraction((st.mwh_row.quantity / parse_unit("tce/MWh")).to("dimensionless").magnitude)
            return c.tce / per_mwh
        if column == "co2e_t":
            total = c.gases.get("CO2", Fraction(0)) + c.gases.get("CO2e", Fraction(0))
            for g in ("CH4", "N2O"):
                if g in c.gases:
                    if gwp is None:
                        return None
                    total += c.gases[g] * gwp[g]
            return total
        gas = {"co2_t": "CO2", "ch4_t": "CH4", "n2o_t": "N2O"}[column]
        if gas == "CO2" and "CO2" not in c.gases and "CO2e" in c.gases:
            return None   # a CO2e factor says nothing of the CO2 in it (the engine's co2_t is n/a then)
        return c.gases.get(gas, Fraction(0))

    # -- combination search --------------------------------------------------------------
    def solutions(self, fg: _Figure, st: _Setting) -> tuple[list[int], list[dict[int, set[int]]], bool] | None:
        """The variables the figure depends on; every combination of their options (as sets
        of equivalent options) whose sum reproduces the figure; and whether they reproduce it
        exactly (True) or only within the rounding of the printed inputs (False, tried only
        when nothing reproduces it exactly: contract section 3, status ``consistent``)."""
        got = self.contributions(fg, st)
        if got is None:
            return None
        const, per_var = got
        relevant = [vi for vi, _ in per_var]
        classes: list[tuple[int, list[Fraction], list[list[int]]]] = []
        for vi, vals in per_var:
            distinct: dict[Fraction, list[int]] = {}
            for oi, v in enumerate(vals):
                if v is not None:
                    distinct.setdefault(v, []).append(oi)
            if not distinct:
                return relevant, [], True
            keys = sorted(distinct)
            classes.append((vi, keys, [distinct[k] for k in keys]))
        combos = combine([c[1] for c in classes], fg.lo - const, fg.hi - const)
        exact = True
        if not combos and fg.qty_lo != fg.qty_hi:
            combos = self._consistent(fg, st, const, classes)
            exact = False
        out = [{classes[j][0]: set(classes[j][2][k]) for j, k in enumerate(combo)} for combo in combos]
        return relevant, out, exact

    def _consistent(self, fg: _Figure, st: _Setting, const: Fraction,
                    classes: Sequence[tuple[int, list[Fraction], list[list[int]]]]) -> list[tuple[int, ...]]:
        """Combinations whose interval from the printed inputs' rounding contains the figure:
        sum(lo) < printed + half and sum(hi) >= printed - half, checked exactly."""
        got_lo, got_hi = self.contributions(fg, st, "lo"), self.contributions(fg, st, "hi")
        if got_lo is None or got_hi is None:
            return []
        c_lo, pv_lo = got_lo
        c_hi, pv_hi = got_hi
        lo_of = {vi: vals for vi, vals in pv_lo}
        hi_of = {vi: vals for vi, vals in pv_hi}
        # per class: the widest (lo, hi) over its options (options in a class share the mid value)
        bounds: list[list[tuple[Fraction, Fraction]]] = []
        widen = c_hi - c_lo
        for vi, _keys, groups in classes:
            bl: list[tuple[Fraction, Fraction]] = []
            for g in groups:
                los = [x for x in (lo_of[vi][oi] for oi in g) if x is not None]
                his = [x for x in (hi_of[vi][oi] for oi in g) if x is not None]
                bl.append((min(los) if los else Fraction(0), max(his) if his else Fraction(0)))
            widen += max(h - lo for lo, h in bl)
            bounds.append(bl)
        cands = combine([c[1] for c in classes], fg.lo - const - widen, fg.hi - const + widen)
        out = []
        for combo in cands:
            s_lo = c_lo + sum((bounds[j][k][0] for j, k in enumerate(combo)), Fraction(0))
            s_hi = c_hi + sum((bounds[j][k][1] for j, k in enumerate(combo)), Fraction(0))
            if s_lo < fg.hi and s_hi >= fg.lo:
                out.append(combo)
        return out

    # -- the whole run ---------------------------------------------------------------------
    def run(self, rep: ReportedFigures, profile: Any, max_candidates: int, max_search: int = MAX_SEARCH,
            progress: ProgressCallback | None = None) -> Explanation:
        figs: list[_Figure | str] = [self.figure(f) for f in rep.reported]
        searchable = [i for i, f in enumerate(figs) if isinstance(f, _Figure)]
        found: list[tuple[tuple[Any, ...], int, dict[int, set[int]], list[int]]] = []
        per_fig: dict[tuple[int, int], tuple[list[int], list[dict[int, set[int]]], bool]] = {}
        settings = self.settings()
        truncated = False
        for si, st in enumerate(settings):
            if progress is not None:
                progress(ProgressEvent("explain", si, len(settings), "settings"))
            sols: dict[int, list[dict[int, set[int]]]] = {}
            for i in searchable:
                fg = figs[i]
                assert isinstance(fg, _Figure)
                got = self.solutions(fg, st)
                if got is None:
                    continue
                sols[i] = got[1]
                per_fig[(si, i)] = got
            if st.gwp_set is not None and not self._uses_nonco2(sols) and not (self.direct_gases - {"CO2", "CO2e"}):
                continue  # the set makes no difference: the setting without one covers it
            partials, cut = _intersect(sols, max_search)
            truncated |= cut
            for doms, explained in partials:
                n_exact = sum(1 for i in explained if per_fig[(si, i)][2])
                found.append((self._score(doms, explained, st, n_exact), si, doms, explained))
        if progress is not None:
            progress(ProgressEvent("explain", len(settings), len(settings), "settings", final=True))
        found.sort(key=lambda m: m[0])
        figures = [ExplainedFigure(rep.reported[i]) for i in range(len(figs))]
        for i, f in enumerate(figs):
            if isinstance(f, str):
                figures[i].searched = False
                figures[i].reason = f
            elif f.note:
                figures[i].notes.append(f.note)
        methods: list[MethodCandidate] = []
        kept: list[tuple[int, dict[int, set[int]], list[int]]] = []
        seen: set[tuple[str, ...]] = set()
        same_for_report: set[tuple[Any, ...]] = set()
        verified = 0
        for _score, si, doms, explained in found:
            st = settings[si]
            prof, ids, notes, equivalents = self._profile(st, doms)
            key = (*sorted(ids), st.basis, prof["gwp_set"] if "CO2 only: the GWP set does not change any figure" not in notes else "")
            if key in seen:
                continue
            seen.add(key)
            entries = self._verify(prof, rep)
            verified += 1
            # a method that differs from one already listed only in choices no reported figure
            # depends on (a tce coefficient when no tce figure is printed), and that the engine
            # gives the same figures, is the same method for this report
            core = sorted({i for vi, d in doms.items() if d
                           for i in self._used_ids(self.vars[vi].options[min(d, key=self._pref_key(vi))])})
            sig = (*core, prof["gwp_set"] if "CO2 only: the GWP set does not change any figure" not in notes else "",
                   tuple((e.get("status"), e.get("recomputed")) for e in entries))
            if sig in same_for_report:
                if verified >= 20:
                    break
                continue
            same_for_report.add(sig)
            methods.append(MethodCandidate(profile=prof, explains=[_label(rep.reported[i]) for i in explained],
                                           statuses={_label(f): e["status"] for f, e in zip(rep.reported, entries, strict=False)},
                                           notes=notes, factor_ids=ids, entries=entries, equivalent_ids=equivalents))
            kept.append((si, doms, explained))
            if len(methods) >= 5 or verified >= 20:
                break
        # what the engine reproduces decides among the methods the search found (stable: the
        # search's order otherwise); a method the engine cannot run on some rows sinks
        order = sorted(range(len(methods)), key=lambda k: -sum(1 for v in methods[k].statuses.values() if v == "reproduced"))
        methods, kept = [methods[k] for k in order], [kept[k] for k in order]
        if methods:
            for i, f in enumerate(figs):
                e = methods[0].entries[i] if i < len(methods[0].entries) else None
                if isinstance(f, str) and e is not None and e["status"] != "not_recomputed":
                    figures[i].candidates.append(Candidate(factors=[], recomputed=e["recomputed"], status=e["status"],
                                                           notes=[x for x in [e.get("reason")] if x], method=0))
        for i in searchable:
            fg = figs[i]
            assert isinstance(fg, _Figure)
            ef = figures[i]
            # whole methods first, then other reproducing choices, then the nearest others
            for mi, (si, doms, explained) in enumerate(kept):
                if i not in explained or len(ef.candidates) >= max_candidates:
                    continue
                relevant = per_fig[(si, i)][0]
                choice = {vi: min(doms[vi], key=self._pref_key(vi)) for vi in relevant}
                e = methods[mi].entries[i] if i < len(methods[mi].entries) else {}
                engine = str(e.get("status", "reproduced"))
                notes = [str(e["reason"])] if e.get("reason") and engine != "reproduced" else []
                self._add(ef, Candidate(factors=self._ids_for(fg, settings[si], choice),
                                        recomputed=e.get("recomputed") or self._printed(fg, self._value_of(fg, settings[si], choice)),
                                        status=engine, notes=notes, method=mi), fg.years)
            for si, st in enumerate(settings):
                _rel, sols_i, exact = per_fig.get((si, i), ([], [], True))
                for sol in sols_i:
                    if len(ef.candidates) >= max_candidates:
                        break
                    choice = {vi: min(s, key=self._pref_key(vi)) for vi, s in sol.items()}
                    self._add(ef, Candidate(factors=self._ids_for(fg, st, choice),
                                            recomputed=self._printed(fg, self._value_of(fg, st, choice)),
                                            status="reproduced" if exact else "consistent",
                                            notes=[] if exact else ["reproduced only within the rounding of the printed inputs"]),
                              fg.years)
            si, doms = (kept[0][0], kept[0][1]) if kept else (0, {})
            self._near_misses(fg, ef, settings[si], doms, max_candidates)
            if not ef.candidates and not ef.reason:
                ef.reason = self._why_no_candidate(fg)
            if profile is not None:
                self._profile_candidate(fg, ef, profile, rep)
        cut_notes: list[str] = []
        if truncated:
            note = (f"search truncated: more than max_search = {max_search} partial methods while combining the figures; "
                    f"a whole method explaining more figures may exist (raise max_search, --max-search)")
            cut_notes.append(note)
            for i in searchable:
                figures[i].notes.append(note)
        return Explanation(figures=figures, methods=methods, reporting_year=self.year, truncated=truncated, notes=cut_notes)

    def _why_no_candidate(self, fg: _Figure) -> str:
        """Why nothing was even tried for a figure: the carriers of its rows that no shipped
        factor can turn into it (e.g. raw coal has coal equivalents but no emission factor)."""
        facet = "coal" if fg.column == "energy_tce" else "emission"
        carriers_in = sorted({c for (c, _u, _s, _y, _r) in fg.qty})
        lacking = [v.carrier for v in self.vars if v.facet == facet and v.carrier in carriers_in and not v.options]
        if not lacking and facet == "emission" and fg.column in ("co2e_t", "co2_t"):
            # options that carry CH4/N2O only (IPCC Table 2.2 rows for raw coal, no CO2 row)
            no_co2 = [v.carrier for v in self.vars if v.facet == "emission" and v.carrier in carriers_in and v.options
                      and not any(o.carbon or any((r.gas or "").upper() in ("CO2", "CO2E") for r in (*o.emission, *o.family))
                                  for o in v.options)]
            if no_co2:
                return (f"no candidate: no shipped CO2 factor applies to {', '.join(no_co2)} (only CH4/N2O rows); "
                        f"give one in a profile (a factor id or a literal quantity) to recompute this figure")
        if not lacking:
            return "no candidate"
        what = ("coal-equivalent coefficient" if facet == "coal" else
                "heating value (per unit of the rows' quantities, or with a density)" if fg.column == "energy_mwh" else
                "emission factor")
        return (f"no candidate: no shipped {what} applies to the rows of {', '.join(lacking)} (their units, years "
                f"and regions); give one in a profile (a factor id or a literal quantity) to recompute this figure")

    def _value_of(self, fg: _Figure, st: _Setting, choice: Mapping[int, int]) -> Fraction:
        got = self.contributions(fg, st)
        assert got is not None
        const, per_var = got
        return const + sum((vals[choice[vi]] or Fraction(0) for vi, vals in per_var if vi in choice), Fraction(0))

    def _add(self, ef: ExplainedFigure, cand: Candidate, years: Sequence[int] | None = None) -> None:
        if any(c.factors == cand.factors for c in ef.candidates):
            return
        cand.notes = [*cand.notes, *self._flags(cand.factors, years)]
        ef.candidates.append(cand)

    def _uses_nonco2(self, sols: Mapping[int, list[dict[int, set[int]]]]) -> bool:
        for lst in sols.values():
            for sol in lst:
                for vi, s in sol.items():
                    if any(self.vars[vi].options[oi].has_nonco2 for oi in s):
                        return True
        return False

    # -- preferences ---------------------------------------------------------------------
    def _row_pref(self, r: FactorRow) -> tuple[int, int, int, str]:
        year_ok = 0 if r.covers_year(self.year) else 1
        region_ok = 0 if r.covers_region(self.region) else 1
        return (year_ok, region_ok, _STATUS_RANK.get(r.review_status, 4), r.id)

    def _pref_key(self, vi: int) -> Any:
        opts = self.vars[vi].options

        def key(oi: int) -> tuple[Any, ...]:
            if (vi, oi) not in self.pref_cache:
                o = opts[oi]
                prefs = [self._row_pref(r) for r in o.rows]
                self.pref_cache[(vi, oi)] = (sum(p[0] for p in prefs), sum(p[1] for p in prefs), len(o.rows),
                                             sum(p[2] for p in prefs), tuple(p[3] for p in prefs))
            return self.pref_cache[(vi, oi)]

        return key

    def _score(self, doms: Mapping[int, set[int]], explained: Sequence[int], st: _Setting, n_exact: int) -> tuple[Any, ...]:
        mism = 0
        unver = 0
        for vi, d in doms.items():
            best = min(d, key=self._pref_key(vi))
            for r in self.vars[vi].options[best].rows:
                mism += 0 if r.covers_year(self.year) else 1
                unver += _STATUS_RANK.get(r.review_status, 4)
        extra = []
        if st.mwh_row is not None:
            mism += 0 if st.mwh_row.covers_year(self.year) else 1
            extra.append(st.mwh_row.id)
        # factors the method would bring in that no reported figure depends on (coal-equivalent
        # coefficients under a coal basis when no figure is in tce): a method without them
        # explains the same figures with fewer assumptions, so it ranks first
        unasked = sum(1 for vi, v in enumerate(self.vars) if v.facet == "coal" and v.options and vi not in doms) \
            if st.basis == "coal_equivalent" else 0
        return (-len(explained), -n_exact, mism, unver, unasked, st.gwp_set is not None, st.basis, tuple(extra))

    def _flags(self, ids: Sequence[str], years: Sequence[int] | None = None) -> list[str]:
        notes = []
        yrs = sorted(set(years)) if years else [self.year]
        for fid in ids:
            try:
                r = self.lib.get(fid)
            except FactorError:
                continue
            off = [y for y in yrs if not r.covers_year(y)]
            if off:
                notes.append(f"edition mismatch: {fid} is published for data years {r.years_text()}, "
                             f"used for data year {', '.join(map(str, off))}")
            if r.review_status == "unverified":
                notes.append(f"{fid} is unverified against its source")
            elif r.review_status == "placeholder":
                notes.append(f"{fid} is a placeholder (seen only in a secondary source): check it before relying on it")
            if r.notes and "avoided" in r.notes.lower():
                notes.append(f"{fid}: {r.notes}")
        return notes

    def _ids_for(self, fg: _Figure, st: _Setting, choice: Mapping[int, int]) -> list[str]:
        ids: list[str] = []
        for vi, oi in sorted(choice.items(), key=lambda x: (self.vars[x[0]].carrier, self.vars[x[0]].facet)):
            opt = self.vars[vi].options[oi]
            if opt.family:  # only the members the figure's rows use
                used = {_family_row(opt.family, y, _level_region(r, opt.region_level)) for (c, _u, _s, y, r) in fg.qty if c == opt.carrier}
                ids.extend(sorted(x.id for x in used if x is not None))
                ids.extend(r.id for r in (opt.heating_value, opt.density) if r is not None)
            else:
                ids.extend(opt.ids)
        if fg.column in ("energy_mwh", "energy_tce"):
            # an energy figure never depends on an emission factor: name only what turns the
            # activity into energy (heating value, coal equivalent, density)
            ids = [i for i in ids if i not in self.lib or self.lib.get(i).kind not in _EMISSION_KINDS]
        if fg.column == "energy_mwh" and st.basis == "coal_equivalent" and st.mwh_row is not None:
            ids.append(st.mwh_row.id)
        if st.gwp_set is not None and fg.column == "co2e_t":
            gases: set[str] = set()
            if any(self.vars[vi].options[oi].has_nonco2 for vi, oi in choice.items()):
                gases |= {"CH4", "N2O"}
            gases |= {str(gas_of(k[1])) for k in fg.qty if self._is_direct(k[1])} - {"CO2", "CO2e"}
            ids.extend(self.lib.gwp(st.gwp_set, g).id for g in sorted(gases))
        return list(dict.fromkeys(ids))

    # -- a whole method as a profile ------------------------------------------------------
    def _profile(self, st: _Setting, doms: Mapping[int, set[int]]) -> tuple[dict[str, Any], list[str], list[str], list[str]]:
        """The whole method as a profile dict, its factor ids, its notes, and the ids of the
        factors that reproduce every figure equally in place of the chosen ones (the same
        figures to the printed digits: the report cannot tell them apart)."""
        cars: dict[str, dict[str, Any]] = {}
        notes: list[str] = []
        equivalents: list[str] = []
        ids: list[str] = []
        regions: set[str] = set()
        nonco2 = bool(self.direct_gases - {"CO2", "CO2e"})
        chosen: dict[int, int] = {}
        for vi, var in enumerate(self.vars):
            if not var.options:
                continue
            d = doms.get(vi)
            free = d is None
            oi = min(d if d else range(len(var.options)), key=self._pref_key(vi))
            if free and var.facet == "coal" and st.mwh_row is not None:
                same = [j for j, o in enumerate(var.options) if o.coal_equivalent is not None and o.coal_equivalent.id == st.mwh_row.id]
                oi = same[0] if same else oi
            opt = var.options[oi]
            if var.facet == "coal" and free and st.basis != "coal_equivalent":
                continue  # tce not asked for: leave it out rather than guess (and flag nothing of it)
            chosen[vi] = oi
            nonco2 = nonco2 or opt.has_nonco2
            entry = cars.setdefault(var.carrier, {})
            if var.facet == "emission":
                used_fam = {_family_row(opt.family, y, _level_region(r, opt.region_level)) for (_u, y, r) in self.keys_of.get(var.carrier, set())}
                entry["emission"] = [r.id for r in opt.emission] + sorted(r.id for r in used_fam if r is not None)
                if opt.carbon is not None:
                    entry["carbon_content"], entry["oxidation_rate"] = opt.carbon[0].id, opt.carbon[1].id
                if opt.region_level != "as_given":
                    entry["region_level"] = opt.region_level
                if opt.heating_value is not None:
                    entry["heating_value"] = opt.heating_value.id
                if opt.density is not None:
                    entry["density"] = opt.density.id
            else:
                assert opt.coal_equivalent is not None
                entry["coal_equivalent"] = opt.coal_equivalent.id
            ids.extend(self._used_ids(opt))  # a family: the members its rows pick, as the engine records them
            for r in () if opt.family else opt.rows:
                if r.region and r.region.upper() != "GLOBAL" and not r.covers_region(self.region):
                    regions.add(r.region)
            if free:
                notes.append(f"{var.carrier} {var.facet}: no reported figure depends on it; {', '.join(opt.ids)} chosen by preference")
            elif d is not None and len(d) > 1:
                alts = sorted({i for o in d for i in self._used_ids(var.options[o])} - set(self._used_ids(opt)))
                equivalents.extend(alts)
                if alts:
                    notes.append(f"{var.carrier} {var.facet}: equally reproduced with {', '.join(alts[:6])}{' ...' if len(alts) > 6 else ''}")
        prof: dict[str, Any] = {
            "id": "explained", "title": "Method found by ghgcalc explain", "reporting_year": self.year,
            # rows without a region take the pinned factors by period: no region is set for them
            "region": (sorted(regions)[0] if len(regions) == 1 else self.region) if self.region else None,
            "gwp_set": (st.gwp_set if nonco2 else None) or "AR5", "energy_basis": st.basis, "edition_mismatch": "record",
            **self.periods,
        }
        if st.mwh_row is not None:
            prof["mwh_coal_equivalent"] = st.mwh_row.id
            ids.append(st.mwh_row.id)
        if not self.region and not self.region_given:
            if regions:
                notes.append(f"region assumed: the rows give no region, and this method applies the factors of "
                             f"{', '.join(sorted(regions))} to them (by period); check that the report's operations are there")
        elif len(regions) > 1:
            where = f"rows of region {self.region}" if self.region else "the rows"
            notes.append(f"factors of several regions ({', '.join(sorted(regions))}) applied to {where}")
        elif regions and not self.region_given:
            notes.append(f"region assumed: the rows give no region other than {self.region}, and this method puts every row "
                         f"in {next(iter(regions))} (its factor's region); check that the report's operations are there")
        if not nonco2:
            notes.append("CO2 only: the GWP set does not change any figure")
        prof["carriers"] = cars
        all_years = sorted(set(self.row_year))
        for vi, oi in chosen.items():
            opt = self.vars[vi].options[oi]
            if not opt.family:  # a family is chosen per row by year: no mismatch by construction
                years = sorted({y for (_u, y, _r) in self.keys_of.get(opt.carrier, set())})
                notes.extend(self._flags(opt.ids, years))
        if st.mwh_row is not None:
            notes.extend(self._flags([st.mwh_row.id], all_years))
        unverified = [n.split(" is unverified")[0] for n in notes if n.endswith(" is unverified against its source")]
        notes = [n for n in notes if not n.endswith(" is unverified against its source")]
        if unverified:
            notes.append(f"not yet checked against their source text (review_status unverified): {', '.join(dict.fromkeys(unverified))}")
        return prof, list(dict.fromkeys(ids)), list(dict.fromkeys(notes)), list(dict.fromkeys(equivalents))

    def _used_ids(self, opt: Option) -> list[str]:
        """The factor ids an option uses on this data (for a family: the members its rows pick)."""
        if not opt.family:
            return opt.ids
        used = {_family_row(opt.family, y, _level_region(r, opt.region_level)) for (_u, y, r) in self.keys_of.get(opt.carrier, set())}
        conv = [r.id for r in (opt.heating_value, opt.density) if r is not None]
        return sorted(r.id for r in used if r is not None) + conv

    def _engine(self, profile: Any, rep: ReportedFigures) -> tuple[Any, Any]:
        """(result, reconciliation) of a profile run through the engine on the activity table."""
        prof = load_profile(profile)
        method = Method.from_profile(prof, self.lib)
        result = compute(self._table_for(prof), method, None, on_error="collect")
        return result, reconcile(result, rep, {d.name: (d.value, d.unit) for d in self.dens} if self.dens else None)

    def _table_for(self, prof: Profile) -> ActivityTable:
        """The activity table as the engine reads it under ``prof``: rows without a region take
        the profile's, so a method with another default region gets the table read again under
        it (a region the rows name themselves stays theirs, as in `reconcile`). Each reading is
        kept, keyed by what reading takes from a profile (region, reporting year, carriers), so
        the methods and the per-figure runs of one profile read the source once."""
        if self.source is None or canonical_region(prof.region or "") == canonical_region(self.region):
            return self.table
        key = (canonical_region(prof.region or ""), prof.reporting_year, tuple(sorted(prof.carriers)))
        if key not in self._reread:
            self._reread[key] = read_activities(self.source, prof)
        return self._reread[key]

    def _verify(self, prof: Mapping[str, Any], rep: ReportedFigures) -> list[dict[str, Any]]:
        """Run the method through the engine and reconcile: the engine's own statuses."""
        try:
            result, rec = self._engine(prof, rep)
        except GhgcalcError as exc:
            return [{"status": "not_recomputed", "recomputed": None, "reason": f"the engine could not run this method: {exc}"}
                    for _ in rep.reported]
        entries = [dict(e) for e in rec.entries]
        if result.errors:
            # the method cannot use some rows (e.g. a kgce/kg coefficient for petrol given in
            # MWh): its figures lack them, and a status must say so, never look like a near miss
            first = result.errors[0]
            where = f"row {first.row}, " if first.row is not None else ""
            left = (f"this method cannot use {len(result.errors)} input row(s), left out of its figures "
                    f"({where}{first.column}: {first.reason})")
            for e in entries:   # also on "no input behind this figure": the input is there, unusable
                e["reason"] = "; ".join(x for x in (e.get("reason"), left) if x)
        return entries

    # -- near misses and the factor value that would reproduce ---------------------------
    def _near_misses(self, fg: _Figure, ef: ExplainedFigure, st: _Setting, doms: Mapping[int, set[int]],
                     max_candidates: int) -> None:
        got = self.contributions(fg, st)
        if got is None:
            return
        const, per_var = got
        if not per_var:
            return
        choice: dict[int, int] = {}
        for vi, vals in per_var:
            d = doms.get(vi)
            cands = [oi for oi in (d if d else range(len(vals))) if vals[oi] is not None]
            if not cands:
                return
            choice[vi] = min(cands, key=self._pref_key(vi))
        values = {vi: vals for vi, vals in per_var}
        total = const + sum((values[vi][oi] or Fraction(0) for vi, oi in choice.items()), Fraction(0))
        # the variable with the largest contribution carries the alternatives
        dom_vi = max(choice, key=lambda vi: abs(values[vi][choice[vi]] or Fraction(0)))
        rest = total - (values[dom_vi][choice[dom_vi]] or Fraction(0))
        # other editions of the chosen factor's own series first (a footnote usually names
        # one of them), then the nearest other factors
        chosen_opt = self.vars[dom_vi].options[choice[dom_vi]]
        chosen = chosen_opt.main_row()
        series = chosen.series if chosen is not None else None
        alts: list[tuple[int, Fraction, int]] = []
        seen_vals: set[Fraction] = set()
        for oi, v in enumerate(values[dom_vi]):
            if v is None or oi == choice[dom_vi]:
                continue
            t = rest + v
            if fg.lo <= t < fg.hi or v in seen_vals:
                continue
            seen_vals.add(v)
            alt = self.vars[dom_vi].options[oi]
            main = alt.main_row()
            if chosen_opt.family:
                same = 0 if alt.family else 1
            else:
                same = 0 if (series and main is not None and main.series == series and not alt.family) else 1
            alts.append((same, abs(t - (fg.lo + fg.hi) / 2), oi))
        alts.sort()
        budget = max(2, max_candidates - len(ef.candidates))
        for _same, _d, oi in alts[:budget]:
            ch = dict(choice)
            ch[dom_vi] = oi
            ids = self._ids_for(fg, st, ch)
            t = rest + (values[dom_vi][oi] or Fraction(0))
            shown = self._printed(fg, t)
            diff = (t / fg.den * fg.kconv) - fg.printed
            self._add(ef, Candidate(factors=ids, recomputed=shown, status="differs",
                                    notes=[f"differs by {float(diff):+.6g} {fg.fig.unit}"]), fg.years)
        if not ef.reproduced:
            near = alts[0][2] if alts else choice[dom_vi]
            if alts:  # the nearest option, by distance alone
                near = min(alts, key=lambda a: a[1])[2]
            x = values[dom_vi][near]
            row = self.vars[dom_vi].options[near].main_row()
            if x and row is not None:
                lo_f = row.exact * (fg.lo - rest) / x
                hi_f = row.exact * (fg.hi - rest) / x
                ef.needed = (f"with the rest of the best method fixed, {row.id} ({row.value} {row.unit}) would have to lie in "
                             f"[{format_general(lo_f)}, {format_general(hi_f)}) {row.unit} to reproduce {fg.fig.value} {fg.fig.unit}")
                ef.reason = ef.reason or "no combination of shipped factors reproduces this figure"

    def _printed(self, fg: _Figure, base_value: Fraction) -> str:
        v = base_value / fg.den * fg.kconv
        return format_at(v, fg.decimals)

    def _profile_candidate(self, fg: _Figure, ef: ExplainedFigure, profile: Any, rep: ReportedFigures) -> None:
        """The report's stated method, evaluated as one more candidate."""
        try:
            prof = load_profile(profile)
            result, rec = self._engine(prof, ReportedFigures(reported=[fg.fig], denominators=rep.denominators))
        except GhgcalcError as exc:
            ef.candidates.append(Candidate(factors=[], recomputed=None, status="not_recomputed", notes=[f"profile: {exc}"]))
            return
        e = rec.entries[0]
        ids = [f.id for f in result.factors_used()]
        ef.candidates.append(Candidate(factors=ids, recomputed=e["recomputed"], status=e["status"],
                                       notes=[f"the stated method (profile {prof.id})", *([e["reason"]] if e["reason"] else [])]))


def _label(fig: ReportedFigure) -> str:
    parts = [fig.metric] + [f"{k}={getattr(fig, k)}" for k in ("carrier", "facility", "period") if getattr(fig, k) is not None]
    return " ".join(parts)


def combine(values: Sequence[Sequence[Fraction]], lo: Fraction, hi: Fraction) -> list[tuple[int, ...]]:
    """Index tuples (one per list) whose sum lies in [lo, hi), exactly; the lists are sorted.

    Float sums screen the candidates (with a margin far above float error) and every hit is
    checked in exact arithmetic. Small products are enumerated with outer sums; large ones
    with a meet-in-the-middle search over two halves."""
    if not values:
        return [()] if lo <= 0 < hi else []
    floats = [np.array([float(v) for v in vs]) for vs in values]
    scale = max(float(abs(lo)), float(abs(hi)), max(float(np.abs(f).max()) for f in floats), 1e-300)
    margin = scale * 1e-9
    flo, fhi = float(lo) - margin, float(hi) + margin

    def exact_ok(idx: tuple[int, ...]) -> bool:
        s = sum((values[j][k] for j, k in enumerate(idx)), Fraction(0))
        return lo <= s < hi

    sizes = [len(f) for f in floats]
    total = int(np.prod(sizes, dtype=np.float64))
    hits: list[tuple[int, ...]] = []
    if total <= DIRECT_LIMIT:
        acc = floats[0]
        for f in floats[1:]:
            acc = np.add.outer(acc, f).ravel()
        flat = np.flatnonzero((acc >= flo) & (acc < fhi))
        for fi in flat[: _MAX_SOLUTIONS * 4]:
            idx = tuple(int(x) for x in np.unravel_index(int(fi), sizes))
            if exact_ok(idx):
                hits.append(idx)
                if len(hits) >= _MAX_SOLUTIONS:
                    return hits
        return hits
    # meet in the middle: split the lists so both halves are about the same size
    best_split, best_cost = 1, float("inf")
    for s in range(1, len(sizes)):
        a = float(np.prod(sizes[:s], dtype=np.float64))
        b = float(np.prod(sizes[s:], dtype=np.float64))
        if max(a, b) < best_cost:
            best_split, best_cost = s, max(a, b)
    if best_cost > 5_000_000:
        raise GhgcalcError("too many factor combinations to search; restrict the library or give fewer carriers per figure")

    def sums(fl: Sequence[np.ndarray]) -> np.ndarray:
        acc = fl[0]
        for f in fl[1:]:
            acc = np.add.outer(acc, f).ravel()
        return acc

    left, right = sums(floats[:best_split]), sums(floats[best_split:])
    order = np.argsort(right, kind="stable")
    rs = right[order]
    lsz, rsz = sizes[:best_split], sizes[best_split:]
    starts = np.searchsorted(rs, flo - left, side="left")
    ends = np.searchsorted(rs, fhi - left, side="left")
    for li in np.flatnonzero(ends > starts):
        lidx = tuple(int(x) for x in np.unravel_index(int(li), lsz))
        for pos in range(int(starts[li]), int(ends[li])):
            ridx = tuple(int(x) for x in np.unravel_index(int(order[pos]), rsz))
            idx = lidx + ridx
            if exact_ok(idx):
                hits.append(idx)
                if len(hits) >= _MAX_SOLUTIONS:
                    return hits
    return hits


def _intersect(sols: Mapping[int, list[dict[int, set[int]]]], cap: int = MAX_SEARCH
               ) -> tuple[list[tuple[dict[int, set[int]], list[int]]], bool]:
    """Whole methods: option domains per variable that satisfy as many figures as possible,
    and whether the search was cut (more than ``cap`` partial methods at some figure).

    Figures are taken with the fewest solutions first; a figure that no partial method can
    satisfy is left unexplained (the methods that explain the others are kept)."""
    order = sorted((i for i in sols if sols[i]), key=lambda i: len(sols[i]))
    partials: list[tuple[dict[int, set[int]], list[int]]] = [({}, [])]
    cut = False
    for i in order:
        nxt: list[tuple[dict[int, set[int]], list[int]]] = []
        for doms, expl in partials:
            for sol in sols[i]:
                new = dict(doms)
                ok = True
                for vi, s in sol.items():
                    cur = new.get(vi)
                    inter = s if cur is None else (cur & s)
                    if not inter:
                        ok = False
                        break
                    new[vi] = inter
                if ok:
                    if len(nxt) >= cap:
                        cut = True
                        break
                    nxt.append((new, [*expl, i]))
            if cut and len(nxt) >= cap:
                break
        if nxt:
            partials = _dedupe(nxt)
    return [p for p in partials if p[1]], cut


def _dedupe(parts: list[tuple[dict[int, set[int]], list[int]]]) -> list[tuple[dict[int, set[int]], list[int]]]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for doms, expl in parts:
        key = tuple(sorted((vi, tuple(sorted(s))) for vi, s in doms.items()))
        if key in seen:
            continue
        seen.add(key)
        out.append((doms, expl))
    return out
