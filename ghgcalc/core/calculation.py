"""``calculate``: the entry point that reads activity data (a table, a file, a Dask
DataFrame, or chunks of either) and runs it through a methodology profile.

The work is done in named stages below it: reading and validation
(:mod:`~ghgcalc.core.activities`), the method (:mod:`~ghgcalc.core.method`: which factors, which
conversion path, which GWPs), the vectorised computation (:mod:`~ghgcalc.core.compute`) and the
results (:mod:`~ghgcalc.core.results`); streamed and Dask inputs go through
:mod:`~ghgcalc.core.streaming` and :mod:`~ghgcalc.core.dask_support`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import GhgcalcError
from ..io.progress import ProgressEvent
from .activities import read_activities
from .compute import compute
from .factors import FactorLibrary, placeholder_warnings
from .method import Method, method_for
from .profiles import Profile, load_profile
from .streaming import calculate_stream

__all__ = ["calculate"]


def calculate(
    activities: Any,
    profile: str | Mapping[str, Any] | Profile,
    denominators: Mapping[str, Any] | None = None,
    *,
    on_error: str = "raise",
    library: FactorLibrary | None = None,
    chunk_rows: int | None = None,
    progress: Any = None,
) -> Any:
    """Compute emissions and energy for an activity table under a methodology profile.

    Parameters
    ----------
    activities : DataFrame, path (CSV, Excel, Parquet), list of dicts, or Dask DataFrame
        One row per measured quantity (contract section 1).
    profile : str, path, dict or Profile
        A built-in profile id, a TOML file or the same structure as a dict (section 7).
    denominators : mapping, optional
        Intensity denominators, e.g. ``{"headcount": 27402}``; a value may be a number,
        a ``(value, unit)`` pair or a pint Quantity.
    on_error : {"raise", "collect"}
        ``raise`` stops with :class:`~ghgcalc.errors.ActivityDataError` listing every bad
        row; ``collect`` computes the good rows and lists the bad ones in ``result.errors``.
    chunk_rows : int, optional
        Stream a Parquet or CSV file (or a DataFrame / list of dicts already in memory) in
        chunks of this many rows (bounded memory; see
        :func:`ghgcalc.core.streaming.calculate_stream`): the totals are the same bits, the
        result keeps no per-row frame.
    progress : callable, optional
        Called with a :class:`~ghgcalc.io.progress.ProgressEvent`: with ``chunk_rows`` after
        each chunk (see :func:`~ghgcalc.core.streaming.calculate_stream`); in memory after
        each of its two steps (reading and checking the table, computing it). A Dask
        DataFrame reports through Dask (the ``distributed`` dashboard, or
        ``dask.diagnostics.ProgressBar`` on the local scheduler).

    Returns
    -------
    Result
        Per-row results (``result.rows``), totals, breakdowns, intensities and KPIs.
    """

    if on_error not in ("raise", "collect"):
        raise ValueError("on_error must be 'raise' or 'collect'")
    prof = load_profile(profile)
    if chunk_rows is not None:
        return calculate_stream(activities, prof, denominators, on_error=on_error, chunk_rows=chunk_rows, library=library,
                                progress=progress)
    method = method_for(prof, library)
    if _is_dask(activities):
        return _calculate_dask(activities, method, denominators, on_error=on_error, library=library)
    if progress is not None:
        progress(ProgressEvent("calc", 0, 2, "steps"))
    table = read_activities(activities, prof)
    if progress is not None:
        progress(ProgressEvent("calc", 1, 2, "steps"))
    result = compute(table, method, denominators, on_error=on_error)
    result.warnings.extend(placeholder_warnings(result.factors_used()))   # a streamed result has them too
    if progress is not None:
        progress(ProgressEvent("calc", 2, 2, "steps", final=True))
    return result


def _is_dask(obj: Any) -> bool:
    return type(obj).__module__.startswith("dask")


def _calculate_dask(activities: Any, method: Method, denominators: Mapping[str, Any] | None, *, on_error: str,
                    library: FactorLibrary | None) -> Any:
    """``calculate`` over a Dask DataFrame: lazy per-row results, totals on demand
    (:mod:`ghgcalc.core.dask_support`, which needs the ``dask`` extra)."""
    try:
        from .dask_support import calculate_dask
    except ImportError as exc:  # dask not installed: an optional dependency, imported when used
        raise GhgcalcError(f"Dask support needs the 'dask' extra (pip install 'ghgcalc[dask]'): {exc}") from None
    return calculate_dask(activities, method, denominators, on_error=on_error, library=library)
