"""What the real-case tests share: where a case lives, and the check that it reconciles with
the statuses recorded for it (printed value, status, recomputed value, and why)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import ghgcalc

CASES = Path(__file__).parent / "data" / "cases"


def case(name: str) -> tuple[Path, Path, Path]:
    """(activity table, printed figures, profile) of a case under tests/data/cases."""
    d = CASES / name
    return d / "activity.csv", d / "reported.yaml", d / "profile.toml"


def check_reconciles(name: str, expected: Mapping[str, tuple[str, str, str, str]], also: Iterable[str] = ()) -> dict[str, Any]:
    """Calculate the case (every activity row read and used), reconcile it, and check each
    figure in ``expected`` (metric -> printed, status, recomputed, why); the figures reconciled
    are exactly those and ``also``. Returns the reconciliation by metric."""
    activity, reported, profile = case(name)
    result = ghgcalc.calculate(activity, str(profile))
    assert not result.errors, result.errors   # every transcribed activity row is read and used
    got = {e["metric"]: e for e in ghgcalc.reconcile(result, reported)}
    assert set(got) == set(expected) | set(also)
    for metric, (printed, status, recomputed, why) in expected.items():
        e = got[metric]
        assert e["reported"].replace(",", "") == printed, metric
        assert (e["status"], e["recomputed"]) == (status, recomputed), (metric, why, e)
    return got
