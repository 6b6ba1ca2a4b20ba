"""ghgcalc: traceable Scope 1/2 greenhouse-gas and energy figures from activity data.

The data flows one way: activities (units, carriers) -> factors (versioned, sourced tables)
selected by a methodology profile -> the vectorised calculation -> results (per-row
provenance, totals, intensities, KPIs) -> reconciliation against a published report.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .calculation import calculate
from .claims import ClaimsReport, claims
from .disclosure import disclosure_pack, report
from .errors import (
    ActivityDataError,
    FactorError,
    GhgcalcError,
    InputError,
    MissingFactorError,
    ProfileError,
    ReportedFiguresError,
    RowIssue,
    UnitError,
    UnknownCarrierError,
)
from .explanation import Explanation, explain
from .factors import FactorLibrary, FactorRow, default_library
from .profiles import Profile, load_profile
from .reconciliation import Reconciliation, load_reported, reconcile
from .results import Result
from .streaming import StreamResult, calculate_stream

__all__ = [
    "ActivityDataError",
    "ClaimsReport",
    "Explanation",
    "FactorError",
    "FactorLibrary",
    "FactorRow",
    "GhgcalcError",
    "InputError",
    "MissingFactorError",
    "Profile",
    "ProfileError",
    "Reconciliation",
    "ReportedFiguresError",
    "Result",
    "RowIssue",
    "StreamResult",
    "UnitError",
    "UnknownCarrierError",
    "__version__",
    "calculate",
    "calculate_stream",
    "claims",
    "default_library",
    "disclosure_pack",
    "explain",
    "load_profile",
    "load_reported",
    "reconcile",
    "report",
]
