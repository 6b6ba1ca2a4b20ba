"""The metrics of contract section 4: what each one sums over the rows, and its unit.

Labels and units are data (``ghgcalc/data/metrics.yaml``); a resource carrier
(``carriers.yaml``, ``type: resource``) is a metric of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from .carriers import carriers, metric_definitions
from .resolution import Resolution

__all__ = ["EMISSION_METRICS", "metric_specs", "metric_unit"]


@lru_cache(maxsize=1)
def metric_specs() -> dict[str, tuple[str, Callable[[Resolution, str], bool]]]:
    """Metric id -> (the per-row output column it sums, which resolutions count: a predicate
    on (resolution, carrier id)). The one definition of what each metric of contract
    section 4 adds up, used by results, reconciliation, explain and uncertainty."""
    def scope(n: int) -> Callable[[Resolution, str], bool]:
        return lambda r, c: r.category in ("energy", "direct") and r.scope == n

    def energy(n: int | None) -> Callable[[Resolution, str], bool]:
        return lambda r, c: r.category == "energy" and (n is None or r.scope == n)

    specs: dict[str, tuple[str, Callable[[Resolution, str], bool]]] = {
        "scope1": ("co2e_t", scope(1)),
        "scope2": ("co2e_t", scope(2)),
        "scope1_2": ("co2e_t", lambda r, c: r.category in ("energy", "direct") and r.scope in (1, 2)),
        "scope2_market": ("co2e_market_t", scope(2)),
        "scope1_2_market": ("co2e_market_t", lambda r, c: r.category in ("energy", "direct") and r.scope in (1, 2)),
        # CO2e of energy use only (no direct emission entries): the CUE numerator (datacentre.py)
        "co2e_energy": ("co2e_t", lambda r, c: r.category == "energy" and r.scope in (1, 2)),
        "scope1_co2": ("co2_t", scope(1)),
        "scope1_ch4": ("ch4_t", scope(1)),
        "scope1_n2o": ("n2o_t", scope(1)),
        "energy_total": ("energy_mwh", energy(None)),
        "energy_direct": ("energy_mwh", energy(1)),
        "energy_indirect": ("energy_mwh", energy(2)),
        "energy_total_tce": ("energy_tce", energy(None)),
        "energy_direct_tce": ("energy_tce", energy(1)),
        "energy_indirect_tce": ("energy_tce", energy(2)),
    }
    for cid, c in carriers().items():
        if c.type == "resource":
            specs[cid] = ("amount", (lambda target: (lambda r, c2: r.category == "resource" and c2 == target))(cid))
    return specs


EMISSION_METRICS = ("scope1", "scope2", "scope2_market", "scope1_2", "scope1_2_market", "scope1_co2", "scope1_ch4", "scope1_n2o",
                     "energy_total", "energy_direct", "energy_indirect",
                     "energy_total_tce", "energy_direct_tce", "energy_indirect_tce")


def metric_unit(metric: str) -> str:
    """The canonical unit of a base metric id (ghgcalc/data/metrics.yaml, or a resource
    carrier's ``metric_unit``)."""
    defs = metric_definitions()["metrics"]
    if metric in defs:
        return str(defs[metric]["unit"])
    c = carriers().get(metric)
    return str(c.metric_unit) if c and c.metric_unit else ""
