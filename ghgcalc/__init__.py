"""ghgcalc: traceable Scope 1/2 greenhouse-gas and energy figures from activity data.

The data flows one way: activities (units, carriers) -> factors (versioned, sourced tables)
selected by a methodology profile -> the vectorised calculation -> results (per-row
provenance, totals, intensities, KPIs) -> reconciliation against a published report.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

__version__ = "0.4.0"

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

if TYPE_CHECKING:
    from .calculation import calculate
    from .claim_check import ClaimsReport, check_claims
    from .disclosure import disclosure_pack, report
    from .explanation import Explanation, explain
    from .factors import FactorLibrary, FactorRow, default_library
    from .profiles import Profile, load_profile
    from .reconciliation import Reconciliation, load_reported, reconcile
    from .results import Result
    from .streaming import StreamResult, calculate_stream

#: where each public name lives; imported on first use (PEP 562), so that ``import ghgcalc``
#: costs almost nothing and pandas, pint, pydantic and the factor tables load with the first call
_LAZY = {
    "calculate": "calculation", "disclosure_pack": "disclosure", "report": "disclosure", "Explanation": "explanation",
    "explain": "explanation", "FactorLibrary": "factors", "FactorRow": "factors", "default_library": "factors",
    "Profile": "profiles", "load_profile": "profiles", "Reconciliation": "reconciliation", "load_reported": "reconciliation",
    "reconcile": "reconciliation", "Result": "results", "StreamResult": "streaming", "calculate_stream": "streaming",
    "check_claims": "claim_check", "ClaimsReport": "claim_check",
}


def _claims(*args: Any, **kwargs: Any) -> Any:
    """Deprecated alias of :func:`check_claims` (``ghgcalc.claims`` was both a module and a
    function; the module is now ``ghgcalc.claim_check``)."""
    warnings.warn("ghgcalc.claims() is deprecated and will be removed; use ghgcalc.check_claims()",
                  DeprecationWarning, stacklevel=2)
    from .claim_check import check_claims

    return check_claims(*args, **kwargs)


_claims.__name__ = _claims.__qualname__ = "claims"


def __getattr__(name: str) -> Any:
    if name == "claims":  # deprecated: ghgcalc.check_claims
        return _claims
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'ghgcalc' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{mod}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
    "check_claims",
    "default_library",
    "disclosure_pack",
    "explain",
    "load_profile",
    "load_reported",
    "reconcile",
    "report",
]
