"""Data-centre efficiency metrics: PUE, CUE and WUE, where the inputs exist.

The IT equipment energy is an activity row with carrier ``it_electricity`` (aliases
``IT設備用電``/``IT设备用电``, ``IT energy`` ...; ``ghgcalc/data/carriers.yaml``) in an energy
unit. It is a sub-meter reading *inside* the facility's purchased electricity, so it carries no
emission factor and is not added to the energy totals. A facility is a data centre when it has
at least one such row; its other rows (electricity, heat, fuels, water) are its totals.

Formulas (annual values of one data centre; for several, the sums over the data centres):

* PUE, power usage effectiveness (The Green Grid White Paper #49, *PUE: a comprehensive
  examination of the metric*, 2012; ISO/IEC 30134-2:2016, clause 6):
  ``PUE = E_DC / E_IT`` [dimensionless], ``E_DC`` the total data-centre energy (here the
  ``energy_total`` of the facility under the profile's energy basis) and ``E_IT`` the IT
  equipment energy.
* CUE, carbon usage effectiveness (The Green Grid White Paper #32, 2010; ISO/IEC 30134-8:2022,
  clause 6): ``CUE = CO2e(E_DC) / E_IT`` [kg CO2e/kWh], the Scope 1 and 2 CO2e of the facility's
  *energy* rows (direct emission entries such as refrigerant leaks are not energy and are left out).
* WUE, water usage effectiveness (The Green Grid White Paper #35, 2011; ISO/IEC 30134-9:2022,
  clause 6): ``WUE = W_site / E_IT`` [L/kWh], ``W_site`` the site's ``fresh_water``.

The metrics are exact ratios of exact sums, so :func:`ghgcalc.reconcile` recomputes a printed
PUE at its printed precision; the rounding interval of the printed inputs gives
``[N_lo / D_hi, N_hi / D_lo]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .carriers import metric_definitions
from .units import conversion_factor

if TYPE_CHECKING:
    from .results import Result

__all__ = ["IT_CARRIER", "RATIO_METRICS", "RatioMetric", "canonical_metric", "datacentre_masks", "ratio_exact", "ratio_metric_ids",
           "ratio_value", "ratios_by_group"]

#: carrier id of the IT equipment energy rows
IT_CARRIER = "it_electricity"


@dataclass(frozen=True)
class RatioMetric:
    """A data-centre metric: ``numerator`` metric over the IT equipment energy, in ``unit``."""

    id: str
    numerator: str
    unit: str


#: the data-centre metrics (units and labels in ``ghgcalc/data/metrics.yaml``)
RATIO_METRICS: dict[str, RatioMetric] = {
    "pue": RatioMetric("pue", "energy_total", ""),
    "cue": RatioMetric("cue", "co2e_energy", "kg CO2e/kWh"),
    "wue": RatioMetric("wue", "fresh_water", "L/kWh"),
}

_NEEDS = {"pue": "energy_total", "cue": "scope1_2", "wue": "fresh_water"}


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for mid, spec in metric_definitions()["metrics"].items():
        for a in spec.get("aliases", []) or []:
            out[str(a)] = str(mid)
    return out


def canonical_metric(name: str) -> str:
    """The metric id for a name reports use (``data_centre_pue`` -> ``pue``; see the
    ``aliases`` in ``metrics.yaml``); other names are returned unchanged."""
    return _aliases().get(name, name)


def ratio_metric_ids(base: list[str], rows: object = None) -> list[str]:
    """The data-centre metrics a result with these base metrics has: all need IT energy rows,
    and each its numerator (PUE energy, CUE emissions, WUE water). They also need the per-row
    frame (which rows belong to a data centre): a streamed or Dask result has none of them."""
    if IT_CARRIER not in base:
        return []
    if rows is not None and not (isinstance(rows, pd.DataFrame) and "carrier" in rows.columns and len(rows)):
        return []
    return [m for m, need in _NEEDS.items() if need in base]


def _masks(result: Result, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(rows of the data centres within ``mask``, IT energy rows within ``mask``)."""
    n = len(result.rows)
    base = np.ones(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    it_all, codes = _row_keys(result)
    return datacentre_masks(base, it_all, codes)


def _row_keys(result: Result) -> tuple[np.ndarray, np.ndarray | None]:
    """(is an IT energy row, facility code per row), computed once per result."""
    cached = result.__dict__.get("_datacentre_keys")
    if cached is None:
        it = (result.rows["carrier"].astype(str) == IT_CARRIER).to_numpy()
        codes = (pd.factorize(result.rows["facility"], use_na_sentinel=False)[0]
                 if "facility" in result.rows.columns else None)
        cached = (it, codes)
        result.__dict__["_datacentre_keys"] = cached
    return cached


def _factor(metric: RatioMetric, num_unit: str, den_unit: str) -> Fraction:
    return conversion_factor(f"({num_unit}) / ({den_unit})", metric.unit or "dimensionless")


def datacentre_masks(base: np.ndarray, it_all: np.ndarray, facility: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(numerator mask, IT energy mask) within ``base``, from what is an IT energy entry and
    each entry's facility code (None: the organisation is one data centre); the entries are
    rows in memory, (group, key) cells of a streamed or Dask result."""
    it = base & it_all
    if facility is None:
        return base, it
    return base & np.isin(facility, np.unique(facility[it])), it


def ratio_value(result: Result, metric: str, mask: np.ndarray | None = None,
                masks: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[float, str]:
    """A data-centre metric as a float in its unit (NaN where there is no IT energy);
    ``masks``: the (numerator, IT energy) selections, when ``result`` makes its own."""
    spec = RATIO_METRICS[metric]
    num_mask, it_mask = _masks(result, mask) if masks is None else masks
    num, nu = result.metric_value(spec.numerator, num_mask)
    den, du = result.metric_value(IT_CARRIER, it_mask)
    if not den or den != den:
        return float("nan"), spec.unit
    return num / den * float(_factor(spec, nu, du)), spec.unit


def ratio_exact(result: Result, metric: str, mask: np.ndarray | None = None,
                masks: tuple[np.ndarray, np.ndarray] | None = None
                ) -> tuple[Fraction | None, Fraction | None, Fraction | None, str]:
    """(exact value, interval low, interval high, unit) from the printed inputs."""
    spec = RATIO_METRICS[metric]
    num_mask, it_mask = _masks(result, mask) if masks is None else masks
    n, nlo, nhi, nu = result.metric_exact(spec.numerator, num_mask)
    d, dlo, dhi, du = result.metric_exact(IT_CARRIER, it_mask)
    if n is None or nlo is None or nhi is None or not d or not dlo or not dhi:
        return None, None, None, spec.unit
    k = _factor(spec, nu, du)
    return n / d * k, nlo / dhi * k, nhi / dlo * k, spec.unit


def ratios_by_group(result: Result, metrics: list[str], codes: np.ndarray, n_groups: int,
                    entries: tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray] | None = None
                    ) -> dict[str, np.ndarray]:
    """Data-centre metrics per group of a breakdown (``codes``: group of each row), in one
    pass each: within each group, the numerator counts the rows of the facilities that have
    IT energy rows in that group. NaN for a group without IT energy. ``entries``: (is IT
    energy, facility code or None, key, quantity) of the (group, key) cells of a streamed or
    Dask result instead of the rows."""
    it, fac = _row_keys(result) if entries is None else entries[:2]
    inv, q = (result._inv, result._q) if entries is None else entries[2:]
    fac = np.zeros(len(it), dtype=np.int64) if fac is None else np.asarray(fac, dtype=np.int64)
    n_fac = int(fac.max()) + 1 if len(fac) else 1
    pair = codes.astype(np.int64) * n_fac + fac
    has_it = np.bincount(pair, weights=it, minlength=n_groups * n_fac) > 0
    in_dc = has_it[pair]
    den = np.bincount(codes, weights=result._key_weights_float(IT_CARRIER)[inv] * q * it, minlength=n_groups)
    ok = den > 0
    out: dict[str, np.ndarray] = {}
    for metric in metrics:
        spec = RATIO_METRICS[metric]
        num = np.bincount(codes, weights=result._key_weights_float(spec.numerator)[inv] * q * in_dc, minlength=n_groups)
        k = float(_factor(spec, result._metric_unit(spec.numerator), result._metric_unit(IT_CARRIER)))
        out[metric] = np.where(ok, num / np.where(ok, den, 1.0) * k, np.nan)
    return out
