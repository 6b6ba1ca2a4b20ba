"""Uncertainty of totals from the factors' published ranges: IPCC Approach 1 and Approach 2.

A total is a sum over activity keys of ``quantity × coefficient``, and each coefficient is
a product of factor values raised to ±1 (emission factor × heating value × GWP, or a coal
equivalent ÷ the kgce/kWh coefficient ...), kept per key as a *chain* by the core
(:class:`~ghgcalc.core.resolution.Resolution`). The uncertainty analysis works on that
structure: one term per distinct chain (keys with the same chain are summed first), so its
cost depends on the number of distinct factor combinations, not on the number of rows.

Conventions
-----------
* **Ranges.** A factor row's ``uncertainty_low``/``uncertainty_high`` are read as its
  ``uncertainty_coverage`` says: blank means the 2.5th and 97.5th percentiles of the factor
  value (a 95 % confidence interval, the form in which the IPCC 2006 Guidelines give
  default ranges [1]_), with the printed value as the median; a number *p* means the
  central *p* % interval (``90`` for the 5-95 % ranges of IPCC AR6 WG1 Table 7.15), turned
  into 95 % half-widths with the normal quantiles; ``range`` means the source prints a
  span of admissible values, not a statistical interval (GB/T 2589 natural gas
  1.100-1.330 kgce/m³): the factor is then uniform over that span (every value in it
  equally plausible), and Approach 1 uses that uniform's 2.5th/97.5th percentiles. Such
  readings are listed in ``range_readings``. A factor without both bounds is treated as
  **exact** and listed in ``exact_factors``, never dropped silently; so are literal
  factors in a profile.
* **Activity data** is exact unless ``activity_uncertainty`` gives, per carrier, a relative
  half-width of its 95 % interval (``{"electricity": 0.02}`` = ±2 %). One carrier's
  activity is one uncertain input shared by all its rows (fully correlated: a metering or
  estimation error of that carrier's data), different carriers independent.
* **Correlation.** A factor used by several keys (the same grid factor for every
  facility, the same NCV for the CO2, CH4 and N2O of a fuel) is one uncertain input: fully
  correlated across those keys; different factors are independent.
* **Approach 1** (error propagation, [1]_ Section 3.2.3.1): the first-order propagation
  of relative 95 % half-widths ``U_i``. For one product it is Equation 3.1,
  ``U = sqrt(Σ U_i²)``; for a sum of independent terms Equation 3.2,
  ``U = sqrt(Σ (U_j·x_j)²) / |Σ x_j|``. A factor shared by several terms enters once with
  its summed sensitivity ``S_i = Σ_terms x_j·e_ij`` (``e`` its exponent): ``U_total =
  sqrt(Σ_i (S_i·U_i)²) / |x|``. Asymmetric ranges: **the larger of the two half-widths**
  is used (conservative; such factors are listed in ``asymmetric_factors``). Approach 1
  is a small-uncertainty approximation; for ranges of tens of percent or strongly
  asymmetric ones (IPCC CH4/N2O factors such as 10 (3-30) kg/TJ), use Approach 2.
* **Approach 2** (Monte Carlo, [1]_ Section 3.2.3.2): each uncertain input is drawn ``n``
  times with :func:`numpy.random.default_rng` seeded by ``seed`` (same seed, same
  numbers), inputs in sorted id order. Distribution: a **two-piece normal** with median at
  the printed value, ``X = v + σ₋·z`` for ``z < 0`` and ``v + σ₊·z`` for ``z ≥ 0``,
  ``z ~ N(0, 1)``, ``σ₋ = (v − low)/z₀.₉₇₅``, ``σ₊ = (high − v)/z₀.₉₇₅``: it reproduces
  the printed value as the median and both bounds as the 2.5th/97.5th percentiles exactly,
  is the normal distribution when the range is symmetric, and follows the skew of the
  range in either direction (a lognormal is always right-skewed, while many IPCC ranges,
  e.g. diesel CO2 74 100 (72 600-74 800) kg/TJ, are left-skewed). A factor value cannot
  be negative: draws ≤ 0 are redrawn (truncation at zero). The interval is the
  ``(1 ∓ confidence)/2`` empirical quantiles of the simulated totals.

References
----------
.. [1] IPCC (2006). 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Volume 1
   General Guidance and Reporting, Chapter 3 Uncertainties: Section 3.2.3.1 (Approach 1,
   propagation of error, Equations 3.1 and 3.2) and Section 3.2.3.2 (Approach 2, Monte
   Carlo simulation).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..errors import FactorError, GhgcalcError
from .carriers import carrier_aliases, normalize_key
from .metrics import metric_specs

if TYPE_CHECKING:
    from .results import Result

__all__ = ["InputRange", "MetricStructure", "Uncertainty", "metric_structure", "simulate", "uncertainty"]

Method = Literal["approach1", "approach2"]
#: z of the 97.5th percentile of the standard normal (the 95 % ranges' half-width in σ)
Z975 = NormalDist().inv_cdf(0.975)
_CHUNK = 4_000_000  # draws × terms per block of the Monte Carlo product


@dataclass(frozen=True)
class InputRange:
    """One uncertain input: a factor (from its printed range) or a carrier's activity data.

    ``minus``/``plus`` are the relative distances from the value to the 2.5th and 97.5th
    percentiles (``(v − low)/v``, ``(high − v)/v``)."""

    id: str
    minus: float
    plus: float
    symmetric: bool
    kind: Literal["factor", "activity"] = "factor"
    #: ``two-piece-normal`` (from percentiles) or ``uniform`` over [low, high] (relative to the value)
    dist: Literal["two-piece-normal", "uniform"] = "two-piece-normal"
    low: float = 0.0
    high: float = 0.0
    reading: str = "95 % interval"

    @property
    def half_width(self) -> float:
        """The relative 95 % half-width used by Approach 1 (the larger side)."""
        return max(self.minus, self.plus)


@dataclass(frozen=True)
class Uncertainty:
    """The uncertainty of one metric.

    ``value`` is the calculated total; ``mean``/``median`` those of the simulated totals
    (Approach 2; equal to ``value`` for Approach 1); ``lower``/``upper`` the interval, all
    in ``unit``; ``rel_minus``/``rel_plus`` the interval's distances below/above ``value``
    relative to it. ``exact_factors``: factors used without a range (treated as exact);
    ``asymmetric_factors``: ranges whose larger half Approach 1 used; ``range_readings``:
    ranges not read as 95 % intervals; ``exact_activity``: carriers whose activity data
    was exact while others had ``activity_uncertainty``; ``contributions``: each uncertain
    input's share of the first-order (Approach 1) variance, largest first.
    """

    metric: str
    unit: str
    method: str
    confidence: float
    value: float
    mean: float
    median: float
    lower: float
    upper: float
    n: int | None
    seed: int | None
    ranged_factors: tuple[str, ...]
    exact_factors: tuple[str, ...]
    asymmetric_factors: tuple[str, ...]
    range_readings: dict[str, str] = field(default_factory=dict)
    activity_uncertainty: dict[str, float] = field(default_factory=dict)
    exact_activity: tuple[str, ...] = ()
    contributions: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def rel_minus(self) -> float:
        return (self.value - self.lower) / abs(self.value) if self.value else math.nan

    @property
    def rel_plus(self) -> float:
        return (self.upper - self.value) / abs(self.value) if self.value else math.nan

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric, "unit": self.unit, "method": self.method, "confidence": self.confidence,
            "value": self.value, "mean": self.mean, "median": self.median, "lower": self.lower, "upper": self.upper,
            "rel_minus": _finite(self.rel_minus), "rel_plus": _finite(self.rel_plus), "n": self.n, "seed": self.seed,
            "ranged_factors": list(self.ranged_factors), "exact_factors": list(self.exact_factors),
            "asymmetric_factors": list(self.asymmetric_factors), "range_readings": dict(self.range_readings),
            "activity_uncertainty": dict(self.activity_uncertainty),
            "exact_activity": list(self.exact_activity), "contributions": dict(self.contributions), "notes": list(self.notes),
        }

    def __str__(self) -> str:
        how = ("IPCC Approach 1 (error propagation)" if self.method == "approach1"
               else f"IPCC Approach 2 (Monte Carlo, n={self.n}, seed={self.seed})")
        pct = f"{self.confidence * 100:g} %"
        if not self.value:
            return f"{self.metric} = 0 {self.unit}: {pct} interval [{self.lower:,.4g}, {self.upper:,.4g}], {how}"
        return (f"{self.metric} = {self.value:,.6g} {self.unit}, {pct} interval [{self.lower:,.6g}, {self.upper:,.6g}] "
                f"(-{self.rel_minus * 100:.2f} % / +{self.rel_plus * 100:.2f} %), {how}")


def _finite(x: float) -> float | None:
    return None if math.isnan(x) else x


# -- the structure of a metric ---------------------------------------------------------------
@dataclass
class MetricStructure:
    value: float
    unit: str
    weights: np.ndarray  # per term: Σ over keys of quantity × coefficient (÷ denominator)
    chains: list[dict[str, int]]  # per term: input id -> exponent
    carriers: set[str]


def _activity_map(result: Result, activity: Mapping[str, float] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    present = set(result._key_carrier)
    aliases = carrier_aliases()
    for name, u in (activity or {}).items():
        cid = aliases.get(normalize_key(str(name)), str(name))
        if cid not in present:
            raise GhgcalcError(f"activity_uncertainty names carrier {name!r}, which is not in the results "
                               f"(carriers: {', '.join(sorted(present))})")
        try:
            val = float(u)
        except (TypeError, ValueError):
            raise GhgcalcError(f"activity_uncertainty[{name!r}] must be a number (relative 95 % half-width), got {u!r}") from None
        if not math.isfinite(val) or val < 0:
            raise GhgcalcError(f"activity_uncertainty[{name!r}] must be a relative half-width >= 0 (0.02 = ±2 %), got {u!r}")
        out[cid] = val
    return out


def metric_structure(result: Result, metric: str, mask: np.ndarray | None, activity: Mapping[str, float]) -> MetricStructure:
    if metric not in result.metric_ids():
        raise GhgcalcError(f"unknown metric {metric!r} for this result (have: {', '.join(result.metric_ids())})")
    value, unit = result.metric_value(metric, mask)
    if math.isnan(value):
        raise GhgcalcError(f"metric {metric!r} is not computed for every row (see method_notes), so it has no uncertainty")
    base, den = result.split_metric(metric)
    col = metric_specs()[base][0]
    sums = result.quantity_sums(mask)
    scale = 1.0 / float(den.value) if den is not None else 1.0
    grouped: dict[tuple[tuple[str, int], ...], float] = {}
    carriers: set[str] = set()
    for k, res, carrier, coef in result.counted_keys(base, sums):
        carriers.add(carrier)
        terms = res.terms.get(col) or [(coef, res.chains.get(col, {}))]
        for c, chain in terms:
            ch = dict(chain)
            if carrier in activity:
                ch[f"activity:{carrier}"] = 1
            key = tuple(sorted(ch.items()))
            grouped[key] = grouped.get(key, 0.0) + float(c) * float(sums[k]) * scale
    chains = [dict(k) for k in grouped]
    return MetricStructure(value=value, unit=unit, weights=np.array(list(grouped.values()), dtype=float), chains=chains,
                      carriers=carriers)


def factor_range(row: Any) -> InputRange | None:
    """A factor row's printed range as an uncertain input (``None`` without both bounds),
    read as its ``uncertainty_coverage`` says (module docstring).

    Raises :class:`FactorError` if the value lies outside its own range or is not > 0."""
    if row is None or row.uncertainty_low is None or row.uncertainty_high is None:
        return None
    v, lo, hi = row.exact, Fraction(row.uncertainty_low), Fraction(row.uncertainty_high)
    if v <= 0:
        raise FactorError("a factor with an uncertainty range must have a value > 0", factor_id=row.id)
    if not lo <= v <= hi:
        raise FactorError(f"value {row.value} lies outside its uncertainty range {row.uncertainty_low}-{row.uncertainty_high}",
                          factor_id=row.id)
    symmetric = (v - lo) == (hi - v)
    coverage = getattr(row, "uncertainty_coverage", None)
    if coverage == "range":
        if lo <= 0:
            raise FactorError("a span of admissible values ('range') must start above zero", factor_id=row.id)
        q_lo, q_hi = lo + (hi - lo) / 40, lo + (hi - lo) * 39 / 40  # 2.5th / 97.5th percentile of the uniform
        return InputRange(id=row.id, minus=float(max(v - q_lo, Fraction(0)) / v), plus=float(max(q_hi - v, Fraction(0)) / v),
                          symmetric=symmetric, dist="uniform", low=float(lo / v), high=float(hi / v),
                          reading="span of admissible values: uniform over it")
    if coverage is None:
        return InputRange(id=row.id, minus=float((v - lo) / v), plus=float((hi - v) / v), symmetric=symmetric)
    p = float(coverage) / 100
    to95 = Z975 / NormalDist().inv_cdf(0.5 + p / 2)  # half-width at coverage p -> at 95 %
    return InputRange(id=row.id, minus=float((v - lo) / v) * to95, plus=float((hi - v) / v) * to95, symmetric=symmetric,
                      reading=f"{coverage} % interval")


def _inputs(result: Result, st: MetricStructure, activity: Mapping[str, float]) -> tuple[list[InputRange], list[str]]:
    ids = sorted({i for ch in st.chains for i in ch})
    ranged: list[InputRange] = []
    exact: list[str] = []
    for i in ids:
        if i.startswith("activity:"):
            u = activity[i.split(":", 1)[1]]
            ranged.append(InputRange(id=i, minus=u, plus=u, symmetric=True, kind="activity"))
            continue
        r = factor_range(result.method.factor(i))
        if r is None:
            exact.append(i)
        else:
            ranged.append(r)
    return ranged, exact


def _sensitivities(st: MetricStructure, inputs: list[InputRange]) -> np.ndarray:
    """First-order sensitivity of the total to a relative change of each input:
    ``S_i = Σ_terms weight × exponent``."""
    col = {r.id: j for j, r in enumerate(inputs)}
    s = np.zeros(len(inputs))
    for w, ch in zip(st.weights, st.chains, strict=True):
        for i, e in ch.items():
            if i in col:
                s[col[i]] += w * e
    return s


def _draws(inputs: list[InputRange], n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` draws of every input as multipliers of its value (two-piece normal, median 1,
    2.5/97.5 percentiles at ``1 − minus`` and ``1 + plus``; draws ≤ 0 redrawn)."""
    sig_m = np.array([r.minus for r in inputs]) / Z975
    sig_p = np.array([r.plus for r in inputs]) / Z975
    z = rng.standard_normal((n, len(inputs)))
    x = 1.0 + np.where(z < 0, z * sig_m, z * sig_p)
    uni = [j for j, r in enumerate(inputs) if r.dist == "uniform"]
    if uni:  # drawn after the normals, so the other inputs' draws do not depend on them
        lo = np.array([inputs[j].low for j in uni])
        hi = np.array([inputs[j].high for j in uni])
        x[:, uni] = lo + (hi - lo) * rng.random((n, len(uni)))
    for _ in range(1000):
        bad = np.nonzero(x <= 0)
        if not len(bad[0]):
            return x
        z2 = rng.standard_normal(len(bad[0]))
        cols = bad[1]
        x[bad] = 1.0 + np.where(z2 < 0, z2 * sig_m[cols], z2 * sig_p[cols])
    raise GhgcalcError("Monte Carlo: could not draw positive factor values (a range reaching far below zero?)")


def simulate(st: MetricStructure, inputs: list[InputRange], n: int, seed: int) -> np.ndarray:
    """``n`` simulated totals: Σ_terms weight × Π_inputs draw^exponent (vectorised, in blocks)."""
    rng = np.random.default_rng(seed)
    if not inputs:
        return np.full(n, float(st.weights.sum()))
    col = {r.id: j for j, r in enumerate(inputs)}
    expo = np.zeros((len(st.chains), len(inputs)))
    for t, ch in enumerate(st.chains):
        for i, e in ch.items():
            if i in col:
                expo[t, col[i]] = e
    logx = np.log(_draws(inputs, n, rng))
    out = np.empty(n)
    step = max(1, _CHUNK // max(1, len(st.chains)))
    for a in range(0, n, step):
        out[a:a + step] = np.exp(logx[a:a + step] @ expo.T) @ st.weights
    return out


def _one(result: Result, metric: str, method: Method, n: int, seed: int, confidence: float,
         activity: dict[str, float], mask: np.ndarray | None) -> Uncertainty:
    st = metric_structure(result, metric, mask, activity)
    inputs, exact = _inputs(result, st, activity)
    sens = _sensitivities(st, inputs)
    var_parts = (sens * np.array([r.half_width for r in inputs])) ** 2 if inputs else np.zeros(0)
    total_var = float(var_parts.sum())
    contributions = {r.id: float(v / total_var) for r, v in zip(inputs, var_parts, strict=True)} if total_var > 0 else {}
    contributions = dict(sorted(contributions.items(), key=lambda kv: -kv[1]))
    factors = [r for r in inputs if r.kind == "factor"]
    asym = tuple(r.id for r in factors if not r.symmetric and r.dist != "uniform")
    readings = {r.id: r.reading for r in factors if r.reading != "95 % interval"}
    notes: list[str] = []
    if exact:
        notes.append(f"{len(exact)} factor(s) without a published range treated as exact: {', '.join(exact)}")
    if readings:
        notes.append("ranges not read as 95 % intervals: " + "; ".join(f"{k} ({v})" for k, v in readings.items()))
    if not activity:
        notes.append("activity data treated as exact (no activity_uncertainty given)")
    exact_activity = tuple(sorted(st.carriers - set(activity)))
    if method == "approach1":
        half = math.sqrt(total_var) * NormalDist().inv_cdf(0.5 + confidence / 2) / Z975
        if asym:
            notes.append(f"asymmetric ranges: the larger half-width used for {', '.join(asym)}")
        mean = median = st.value
        lower, upper = st.value - half, st.value + half
        n_out: int | None = None
        seed_out: int | None = None
    else:
        sims = simulate(st, inputs, n, seed)
        lo_q, hi_q = (1 - confidence) / 2, (1 + confidence) / 2
        lower, upper = (float(x) for x in np.quantile(sims, [lo_q, hi_q]))
        mean, median = float(sims.mean()), float(np.median(sims))
        n_out, seed_out = n, seed
    return Uncertainty(
        metric=metric, unit=st.unit, method=method, confidence=confidence, value=st.value, mean=mean, median=median,
        lower=lower, upper=upper, n=n_out, seed=seed_out, ranged_factors=tuple(r.id for r in factors),
        exact_factors=tuple(exact), asymmetric_factors=asym, range_readings=readings, activity_uncertainty=dict(activity),
        exact_activity=exact_activity if activity else (), contributions=contributions, notes=tuple(notes))


def uncertainty(
    result: Result,
    metric: str = "scope1_2",
    method: Method = "approach2",
    *,
    n: int = 10_000,
    seed: int = 0,
    confidence: float = 0.95,
    activity_uncertainty: Mapping[str, float] | None = None,
    by: str | None = None,
) -> Any:
    """The uncertainty of a total (IPCC 2006 Vol. 1 Ch. 3; conventions in the module docstring).

    Parameters
    ----------
    result : Result
        From :func:`ghgcalc.calculate`.
    metric : str
        Any metric of ``result.metric_ids()`` (``scope1``, ``scope2``, ``scope1_2``,
        ``energy_total``, intensities ...).
    method : {"approach1", "approach2"}
        Error propagation (Section 3.2.3.1) or Monte Carlo (Section 3.2.3.2).
    n, seed : int
        Approach 2 only: number of draws and the seed of :func:`numpy.random.default_rng`.
    confidence : float
        Width of the interval (0.95: the 2.5th to 97.5th percentile).
    activity_uncertainty : mapping, optional
        Per carrier (id or alias), the relative half-width of the activity data's 95 %
        interval (``{"electricity": 0.02}``); carriers not named are exact.
    by : str, optional
        A column of the results (``carrier``, ``facility``, ``period``, ...): one interval per
        group (each group computed on its own, with the same seed), as a DataFrame. Streamed
        and Dask results give it from their per-(group, key) sums
        (:meth:`~ghgcalc.core.results.Result.groups_of`).

    Returns
    -------
    Uncertainty, or DataFrame with ``by``
        Value, mean, median, lower, upper [unit of the metric], relative half-widths
        ``rel_minus``/``rel_plus``, the factors treated as exact, and the share of each
        uncertain input in the first-order variance (``contributions``).
    """
    if method not in ("approach1", "approach2"):
        raise GhgcalcError(f"method must be 'approach1' or 'approach2', got {method!r}")
    if not 0 < confidence < 1:
        raise GhgcalcError(f"confidence must be between 0 and 1, got {confidence!r}")
    if method == "approach2" and (int(n) != n or n < 100):
        raise GhgcalcError(f"n must be an integer >= 100 draws, got {n!r}")
    activity = _activity_map(result, activity_uncertainty)
    if by is None:
        return _one(result, metric, method, int(n), int(seed), confidence, activity, None)
    codes, groups = result.groups_of(by)
    recs = []
    exact: dict[str, None] = {}
    for g in range(len(groups)):
        u = _one(result, metric, method, int(n), int(seed), confidence, activity, codes == g)
        exact.update(dict.fromkeys(u.exact_factors))
        recs.append({"value": u.value, "mean": u.mean, "lower": u.lower, "upper": u.upper,
                     "rel_minus": u.rel_minus, "rel_plus": u.rel_plus})
    df = pd.DataFrame.from_records(recs, index=groups,
                                   columns=["value", "mean", "lower", "upper", "rel_minus", "rel_plus"])
    df.attrs.update({"metric": metric, "unit": result.metric_value(metric)[1], "method": method, "confidence": confidence,
                     "n": n if method == "approach2" else None, "seed": seed if method == "approach2" else None,
                     "exact_factors": list(exact)})
    return df
