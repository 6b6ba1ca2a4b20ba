"""ghgcalc: traceable Scope 1/2 greenhouse-gas and energy figures from activity data.

The data flows one way: activities (units, carriers) -> factors (versioned, sourced tables)
selected by a methodology profile -> the vectorised calculation -> results (per-row
provenance, totals, intensities, KPIs) -> reconciliation against a published report.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

__version__ = "0.7.0"

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
    from .analysis.claim_check import ClaimsReport, check_claims
    from .analysis.explanation import Explanation, explain
    from .analysis.reconciliation import Reconciliation, load_reported, reconcile
    from .core.calculation import calculate
    from .core.factors import FactorLibrary, FactorRow, default_library
    from .core.profiles import Profile, load_profile
    from .core.results import Result
    from .core.streaming import StreamResult, calculate_stream
    from .reports.disclosure import disclosure_pack, report

#: where each public name lives; imported on first use (PEP 562), so that ``import ghgcalc``
#: costs almost nothing and pandas, pint, pydantic and the factor tables load with the first call
_LAZY = {
    "calculate": "core.calculation", "FactorLibrary": "core.factors", "FactorRow": "core.factors",
    "default_library": "core.factors", "Profile": "core.profiles", "load_profile": "core.profiles", "Result": "core.results",
    "StreamResult": "core.streaming", "calculate_stream": "core.streaming",
    "Explanation": "analysis.explanation", "explain": "analysis.explanation", "Reconciliation": "analysis.reconciliation",
    "load_reported": "analysis.reconciliation", "reconcile": "analysis.reconciliation",
    "check_claims": "analysis.claim_check", "ClaimsReport": "analysis.claim_check",
    "disclosure_pack": "reports.disclosure", "report": "reports.disclosure",
}


def _claims(*args: Any, **kwargs: Any) -> Any:
    """Deprecated alias of :func:`check_claims` (``ghgcalc.claims`` was both a module and a
    function; the module is now ``ghgcalc.claim_check``)."""
    warnings.warn("ghgcalc.claims() is deprecated and will be removed; use ghgcalc.check_claims()",
                  DeprecationWarning, stacklevel=2)
    from .analysis.claim_check import check_claims

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
