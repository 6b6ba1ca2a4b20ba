"""Which recomputed metric a reported figure is compared with, decided by its printed unit.

A report prints a figure under a metric's heading in the unit it chose: mainland reports print
Scope 2 in 吨二氧化碳 (t CO2), because the MEE grid factors are CO2 factors, and energy in 吨标准煤
(tce, GB/T 2589-2020) under the plain energy heading. The printed unit asks for a variant of
the metric (contract section 8, "Reported figures"):

- a unit of the metric's own kind is a conversion (GJ for a metric in MWh, 萬噸 for t CO2e);
- a mass of another gas than the metric's (t CO2 under a CO2e heading) is compared with the
  metric's sum of that gas (``scope2`` -> ``scope2_co2``), the variants listed under
  ``printed_variants`` in ``ghgcalc/data/metrics.yaml``; where the metric has no such variant,
  its total stands in only when every factor behind it is a factor of that gas
  (:func:`all_of_gas`), which the caller says in its reason;
- coal equivalent under an energy heading is compared with the tce metric
  (``energy_indirect`` -> ``energy_indirect_tce``), and the reverse;
- a resource figure printed in a mass where the metric is a volume (water) is converted with
  the carrier's conventional density (``ghgcalc/data/carriers.yaml``).

Anything else cannot be bridged: :func:`bridge_printed_unit` raises :class:`UnitError` with
the reason, and reconciliation shows the figure as ``not_recomputed``, never ``differs``.
:func:`bridge_printed_unit` is the one answer; reconciliation and explain both call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..errors import UnitError
from ..printed import exact
from .carriers import carriers, metric_definitions
from .metrics import metric_specs, metric_unit
from .resolution import GAS_COLUMN
from .results import Totals, intensity_unit
from .units import GAS_DIMENSIONS, conversion_factor, dims_of, metric_conversion

__all__ = ["Bridge", "all_of_gas", "bridge_printed_unit", "printed_variants"]


@dataclass(frozen=True)
class Bridge:
    """How a printed figure meets a recomputed metric.

    Attributes
    ----------
    metric : str
        The base metric compared with (the one asked, or its variant: ``scope2_co2``).
    factor : Fraction
        Exact factor from ``metric``'s unit (per the denominator's, for an intensity) to the
        printed unit.
    note : str or None
        What the printed unit made of the comparison, for the reason; None for a plain
        conversion.
    gas : str or None
        The gas the printed unit is a mass of, when it differs from the asked metric's
        (``CO2`` for t CO2 under a CO2e heading).
    stand_in : bool
        The asked metric has no variant in that gas: its total stands in, only where every
        factor behind it is a factor of ``gas`` (:func:`all_of_gas`).
    """

    metric: str
    factor: Fraction
    note: str | None = None
    gas: str | None = None
    stand_in: bool = False


@lru_cache(maxsize=1)
def printed_variants() -> dict[str, tuple[str, ...]]:
    """Metric id -> the variants a printed unit may ask for (``printed_variants`` in metrics.yaml)."""
    data = metric_definitions().get("printed_variants") or {}
    return {str(m): tuple(str(v) for v in vs) for m, vs in data.items()}


def _unit(metric: str, per_unit: str) -> str:
    return intensity_unit(metric_unit(metric) or "dimensionless", per_unit)


def _gas_mass(unit: str) -> str | None:
    """The gas a unit is a mass of (per anything: ``t CO2/person`` -> CO2), else None."""
    try:
        dims = dims_of(unit)
    except UnitError:
        return None
    gases = [g for k, g in GAS_DIMENSIONS.items() if dims.get(k) == 1]
    return gases[0] if len(gases) == 1 else None


def _label(metric: str) -> str:
    spec = metric_definitions()["metrics"].get(metric) or {}
    return str(spec.get("en") or metric)


def bridge_printed_unit(metric: str, printed_unit: str, per_unit: str = "") -> Bridge:
    """The metric a figure printed in ``printed_unit`` under ``metric`` is compared with.

    Parameters
    ----------
    metric : str
        The base metric the figure is reported under (``scope2``, ``energy_indirect``;
        without an intensity's ``_per_...`` suffix).
    printed_unit : str
        The unit the report prints (``吨二氧化碳``, ``吨标准煤``, ``GJ``, ``tce/人``).
    per_unit : str
        The unit of the intensity's denominator (``person``), empty for a total or a
        denominator given as a bare number.

    Returns
    -------
    Bridge

    Raises
    ------
    UnitError
        When no variant of the metric is in a unit the printed one converts to; the reason
        names the units tried.

    Notes
    -----
    Contract section 8: "the printed unit chooses the variant: an energy figure in tce
    (吨标准煤, 噸標準煤) is compared with the tce metric; a Scope figure in t CO2 (吨二氧化碳) with the
    scope's CO2 sum, or with its total where every factor behind it is a CO2 factor".
    """
    printed = printed_unit if printed_unit and printed_unit not in ("1",) else "dimensionless"
    own = _unit(metric, per_unit)
    try:
        k, note = metric_conversion(own, printed)
        return Bridge(metric, k, note)
    except UnitError as exc:
        first = exc
    tried = [own]
    for variant in printed_variants().get(metric, ()):
        vu = _unit(variant, per_unit)
        tried.append(vu)
        try:
            k, note = metric_conversion(vu, printed)
        except UnitError:
            continue
        gas = _gas_mass(vu)
        if gas is not None:
            text = (f"printed in {printed_unit!r}, a mass of {gas}: compared with {variant} ({_label(variant)}), "
                    f"the {gas} the method counts, not the CO2e total (they are equal where every factor behind "
                    f"it is a {gas} factor)")
        else:
            text = f"printed in {printed_unit!r}: compared with {variant} ({_label(variant)})"
        return Bridge(variant, k, "; ".join(x for x in (text, note) if x), gas=gas)
    asked_gas, printed_gas = _gas_mass(own), _gas_mass(printed)
    if asked_gas == "CO2e" and printed_gas is not None and printed_gas != "CO2e":
        # no variant in that gas (market-based Scope 2): the total only where it is all that gas
        try:
            k = conversion_factor(f"({own}) / CO2e * {printed_gas}", printed)
        except UnitError:
            raise first from None
        return Bridge(metric, k, f"printed in {printed_unit!r}, a mass of {printed_gas}", gas=printed_gas, stand_in=True)
    water = _density_bridge(metric, own, printed)
    if water is not None:
        return water
    if len(tried) > 1:
        raise UnitError(f"{first.reason}; nor does {', '.join(repr(t) for t in tried[1:])} "
                        f"(the variants of {metric}) convert to {printed_unit!r}", value=printed_unit, column="unit") from None
    raise first


def _density_bridge(metric: str, own: str, printed: str) -> Bridge | None:
    """A resource metric in a volume printed in a mass (or the reverse), through the
    carrier's conventional density (carriers.yaml ``density``, recorded in the note)."""
    c = carriers().get(metric)
    if c is None or c.density is None:
        return None
    dens = exact(str(c.density["value"]))
    du = c.density["unit"]
    for expr, k in ((f"({own}) * ({du})", dens), (f"({own}) / ({du})", 1 / dens)):
        try:
            return Bridge(metric, conversion_factor(expr, printed) * k,
                          f"converted with the conventional water density {c.density['value']} {du}")
        except UnitError:
            continue
    return None


def all_of_gas(result: Totals, metric: str, gas: str, mask: np.ndarray | None = None) -> tuple[bool, list[str], list[str]]:
    """Whether every part of a CO2e metric is ``gas``: each factor behind it is a factor of
    that gas, each direct entry a mass of it. Returns (all of it, the emission factor ids of
    that gas, the factor ids or entries that are not).

    A CO2 grid factor (MEE: t CO2/MWh) makes Scope 2 all CO2; a CO2e factor (Hong Kong power
    companies: kg CO2e/kWh) or a CH4/N2O factor does not. The GWP of CO2 is 1 by definition
    (IPCC AR5 WG1 ch. 8), so a CO2 part is the same number in t CO2 and in t CO2e."""
    base, _den = result.split_metric(metric)
    col = metric_specs()[base][0]
    gas_col = GAS_COLUMN.get(gas)
    same: dict[str, None] = {}
    other: dict[str, None] = {}
    for _k, res, carrier, coef in result.counted_keys(base, result.quantity_sums(mask)):
        if res.category == "direct":
            if gas_col is None or res.coef.get(gas_col) != coef:
                other[f"direct {carrier} entries not in {gas}"] = None
            continue
        rows = [r for r in (result.method.factor(fid) for fid in res.chains.get(col, {})) if r is not None]
        emission = [r for r in rows if r.kind == "emission"]
        if not emission and not any(r.kind == "carbon_content" for r in rows):
            other[f"{carrier} rows with no emission factor"] = None
        for r in rows:
            if r.kind in ("emission", "gwp") and str(r.gas or "").upper() != gas.upper():
                other[r.id] = None
            elif r.kind == "emission" or (r.kind == "carbon_content" and gas == "CO2"):
                same[r.id] = None
    return not other, list(same), list(other)
