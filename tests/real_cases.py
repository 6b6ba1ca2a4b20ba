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


def entry_key(entry: Mapping[str, Any]) -> str:
    """A reconciliation entry's key: its metric, and the group it is limited to when it is
    (``energy_total[carrier=diesel]``)."""
    group = ",".join(f"{k}={entry[k]}" for k in ("carrier", "facility", "period") if entry.get(k) is not None)
    return f"{entry['metric']}[{group}]" if group else str(entry["metric"])


def check_reconciles(name: str, expected: Mapping[str, tuple[str, str, str, str]], also: Iterable[str] = ()) -> dict[str, Any]:
    """Calculate the case (every activity row read and used), reconcile it, and check each
    figure in ``expected`` (:func:`entry_key` -> printed, status, recomputed, why); the figures reconciled
    are exactly those and ``also``. Returns the reconciliation by metric."""
    activity, reported, profile = case(name)
    result = ghgcalc.calculate(activity, str(profile))
    assert not result.errors, result.errors   # every transcribed activity row is read and used
    got = {entry_key(e): e for e in ghgcalc.reconcile(result, reported)}
    assert set(got) == set(expected) | set(also)
    for metric, (printed, status, recomputed, why) in expected.items():
        e = got[metric]
        assert e["reported"].replace(",", "") == printed, metric
        assert (e["status"], e["recomputed"]) == (status, recomputed), (metric, why, e)
    return got
