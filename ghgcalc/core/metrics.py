"""The metrics of contract section 4: what each one sums over the rows, and its unit.

Labels and units are data (``ghgcalc/data/metrics.yaml``); a resource carrier
(``carriers.yaml``, ``type: resource``) is a metric of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .carriers import carriers, metric_definitions
from .resolution import Resolution

__all__ = ["emission_metrics", "metric_specs", "metric_unit"]


def _sum_predicate(spec: dict[str, Any], carrier: str | None = None) -> Callable[[Resolution, str], bool]:
    """Which rows a metric sums, from its ``metric_sums`` entry in metrics.yaml: the row's
    resolution category is listed, its scope too when the entry lists scopes, and (a resource
    metric) its carrier is the metric's."""
    cats = frozenset(spec["category"])
    scopes = frozenset(spec["scope"]) if spec.get("scope") is not None else None
    return lambda r, c: r.category in cats and (scopes is None or r.scope in scopes) and (carrier is None or c == carrier)


@lru_cache(maxsize=1)
def metric_specs() -> dict[str, tuple[str, Callable[[Resolution, str], bool]]]:
    """Metric id -> (the per-row output column it sums, which resolutions count: a predicate
    on (resolution, carrier id)), from ``metric_sums`` and ``resource_sums`` in
    ghgcalc/data/metrics.yaml. The one definition of what each metric of contract section 4
    adds up, used by results, reconciliation, explain and uncertainty."""
    data = metric_definitions()
    specs = {m: (str(spec["column"]), _sum_predicate(spec)) for m, spec in data["metric_sums"].items()}
    res = data["resource_sums"]
    for cid, c in carriers().items():
        if c.type == "resource":
            specs[cid] = (str(res["column"]), _sum_predicate(res, cid))
    return specs


@lru_cache(maxsize=1)
def emission_metrics() -> tuple[str, ...]:
    """The emission and energy metrics a result lists, in order (``metric_sums`` in metrics.yaml
    without those marked ``listed: false``)."""
    return tuple(m for m, spec in metric_definitions()["metric_sums"].items() if spec.get("listed", True))


def metric_unit(metric: str) -> str:
    """The canonical unit of a base metric id (ghgcalc/data/metrics.yaml, or a resource
    carrier's ``metric_unit``)."""
    defs = metric_definitions()["metrics"]
    if metric in defs:
        return str(defs[metric]["unit"])
    c = carriers().get(metric)
    return str(c.metric_unit) if c and c.metric_unit else ""
