"""Property-based testing of reporting pipelines built on ghgcalc.

Hypothesis strategies that draw activity tables, methodology profiles, printed quantities
and unit spellings, and assertion helpers that compare results exactly (from the printed
digits, in rational arithmetic) or against a report at its printed precision::

    from hypothesis import given
    from ghgcalc.testing import activity_tables, profiles, assert_rows_accounted

    @given(profiles(), activity_tables())
    def test_my_pipeline(profile, table):
        result = my_pipeline(table, profile)      # your code, calling ghgcalc.calculate
        assert_rows_accounted(result)

This module needs hypothesis (``pip install 'ghgcalc[test]'``); ``import ghgcalc`` never
imports it. The strategies draw from the carriers and unit spellings of contract section 1;
factor values in :func:`profiles` are arbitrary positive literals for invariance testing,
not real factors (real factors come from ``ghgcalc factors list``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "ghgcalc.testing needs hypothesis, a test-only dependency: pip install 'ghgcalc[test]' (or pip install hypothesis)"
    ) from exc

import pandas as pd

from .analysis.reconciliation import Reconciliation, reconcile
from .errors import RowIssue
from .printed import format_at, parse_printed

__all__ = [
    "BAD_CELLS",
    "CARRIER_DIMENSIONS",
    "UNIT_SPELLINGS",
    "activity_rows",
    "activity_tables",
    "assert_reproduces",
    "assert_rows_accounted",
    "assert_same_totals",
    "bad_rows",
    "exact_totals",
    "printed",
    "profiles",
    "quantities",
    "scaled_quantity",
    "unit_spellings",
]

#: spellings of one unit per dimension and how many of them make one canonical unit
#: (MWh, t, m**3): a quantity ``q`` in the canonical unit is ``q * scale`` in the spelling.
UNIT_SPELLINGS: dict[str, tuple[tuple[str, Fraction], ...]] = {
    "energy": (("MWh", Fraction(1)), ("kWh", Fraction(1000)), ("兆瓦時", Fraction(1)), ("千瓦時", Fraction(1000)),
               ("度", Fraction(1000)), ("萬千瓦時", Fraction(1, 10)), ("万千瓦时", Fraction(1, 10)), ("GJ", Fraction(18, 5)),
               ("MJ", Fraction(3600)), ("吉焦", Fraction(18, 5))),
    "mass": (("t", Fraction(1)), ("kg", Fraction(1000)), ("噸", Fraction(1)), ("吨", Fraction(1)), ("萬噸", Fraction(1, 10000)),
             ("tonne", Fraction(1))),
    "volume": (("m**3", Fraction(1)), ("m³", Fraction(1)), ("立方米", Fraction(1)), ("萬立方米", Fraction(1, 10000)),
               ("万立方米", Fraction(1, 10000)), ("L", Fraction(1000)), ("升", Fraction(1000))),
}

#: the dimension each carrier drawn by default is measured in
CARRIER_DIMENSIONS: dict[str, str] = {"electricity": "energy", "heat": "energy", "diesel": "mass", "gasoline": "mass",
                                      "natural_gas": "volume"}

#: cells that make a row bad, by column: what :func:`bad_rows` draws from
BAD_CELLS: dict[str, tuple[str, ...]] = {
    "quantity": ("-1", "abc", "", "nan", "inf", "1e400", "1,23", "1.234,5"),
    "carrier": ("unobtainium", "", "plutonium-239"),
    "unit": ("zorkmids", "", "G+J"),
}


def printed(x: Fraction, places: int) -> str:
    """``x`` (exactly representable at ``places`` decimals) as printed digits."""
    return format_at(x, places)


def quantities(*, min_value: int = 0, max_value: int = 10**9, max_places: int = 4, grouped: bool = False) -> st.SearchStrategy[str]:
    """Printed quantities (text, exact): ``"1534956.48"``, or ``"1,534,956.48"`` with ``grouped``."""

    @st.composite
    def _draw(draw: Any) -> str:
        places = draw(st.integers(0, max_places))
        units = draw(st.integers(min_value * 10**places, max_value * 10**places))
        text = printed(Fraction(units, 10**places), places)
        if grouped:
            whole, dot, frac = text.partition(".")
            whole = f"{int(whole):,}"
            text = whole + dot + frac
        return text

    return _draw()


def unit_spellings(dimension: str = "energy") -> st.SearchStrategy[tuple[str, Fraction]]:
    """(spelling, scale) of a unit of ``dimension`` (``energy``, ``mass``, ``volume``), see :data:`UNIT_SPELLINGS`."""
    return st.sampled_from(UNIT_SPELLINGS[dimension])


def scaled_quantity(q: str, scale: Fraction) -> str:
    """The printed quantity ``q`` times ``scale``, exactly, with as many decimals as it needs
    (``scaled_quantity("1.5", Fraction(1, 1000)) == "0.0015"``)."""
    x = parse_printed(q) * scale
    places = 0
    while (x * 10**places).denominator != 1:
        places += 1
    return printed(x, places)


def activity_rows(carriers: Mapping[str, str] | None = None, *, spellings: bool = True,
                  facilities: Sequence[str] = ("A", "B", "C")) -> st.SearchStrategy[dict[str, Any]]:
    """One activity row (a dict): a carrier, a printed quantity, a unit of the carrier's
    dimension (any spelling when ``spellings``), a facility."""
    dims = dict(carriers or CARRIER_DIMENSIONS)

    @st.composite
    def _draw(draw: Any) -> dict[str, Any]:
        carrier = draw(st.sampled_from(sorted(dims)))
        q = draw(quantities(max_value=10**7))
        unit, scale = draw(unit_spellings(dims[carrier])) if spellings else (UNIT_SPELLINGS[dims[carrier]][0][0], Fraction(1))
        return {"carrier": carrier, "quantity": scaled_quantity(q, scale), "unit": unit, "facility": draw(st.sampled_from(list(facilities)))}

    return _draw()


def bad_rows(carriers: Mapping[str, str] | None = None) -> st.SearchStrategy[tuple[dict[str, Any], str]]:
    """(row, column) of a row made bad in one column with a cell from :data:`BAD_CELLS`."""

    @st.composite
    def _draw(draw: Any) -> tuple[dict[str, Any], str]:
        row = draw(activity_rows(carriers))
        col = draw(st.sampled_from(sorted(BAD_CELLS)))
        row[col] = draw(st.sampled_from(BAD_CELLS[col]))
        return row, col

    return _draw()


def activity_tables(carriers: Mapping[str, str] | None = None, *, min_rows: int = 1, max_rows: int = 20,
                    spellings: bool = True) -> st.SearchStrategy[pd.DataFrame]:
    """Activity tables (contract section 1) of valid rows: ``carrier``, ``quantity`` (printed
    text), ``unit``, ``facility``. ``carriers`` maps carrier -> dimension (default
    :data:`CARRIER_DIMENSIONS`); every table is valid for a profile from :func:`profiles`
    with the same carriers."""
    return st.lists(activity_rows(carriers, spellings=spellings), min_size=min_rows, max_size=max_rows).map(
        lambda rows: pd.DataFrame(rows, columns=["carrier", "quantity", "unit", "facility"]))


def _decimal(lo: str, hi: str, places: int) -> st.SearchStrategy[str]:
    a, b = int(parse_printed(lo) * 10**places), int(parse_printed(hi) * 10**places)
    return st.integers(a, b).map(lambda n: printed(Fraction(n, 10**places), places))


def profiles(carriers: Mapping[str, str] | None = None, *, reporting_year: int = 2022) -> st.SearchStrategy[dict[str, Any]]:
    """Methodology profiles (as dicts, contract section 7) with literal factors for the
    carriers of :func:`activity_tables`: energy carriers get an emission factor per MWh; fuels a
    heating value (per t or per 10^4 m^3) and CO2, CH4 and N2O factors per TJ. The values are
    arbitrary positive literals (for invariance tests), each recorded on the rows as
    user-supplied."""
    dims = dict(carriers or CARRIER_DIMENSIONS)

    @st.composite
    def _draw(draw: Any) -> dict[str, Any]:
        section: dict[str, Any] = {}
        for carrier, dim in sorted(dims.items()):
            if dim == "energy":
                section[carrier] = {"emission": [f"{draw(_decimal('0.01', '2', 4))} t CO2/MWh"]}
            else:
                hv = (f"{draw(_decimal('10', '60', 3))} GJ/t" if dim == "mass"
                      else f"{draw(_decimal('300', '450', 2))} GJ/(10^4 m^3)")
                section[carrier] = {"heating_value": hv, "emission": [
                    f"{draw(_decimal('50000', '100000', 0))} kg CO2/TJ", f"{draw(_decimal('0.5', '10', 1))} kg CH4/TJ",
                    f"{draw(_decimal('0.1', '2', 1))} kg N2O/TJ"]}
        return {"id": "hypothesis", "reporting_year": reporting_year, "gwp_set": draw(st.sampled_from(["AR4", "AR5", "AR6"])),
                "energy_basis": "heating_value", "carriers": section}

    return _draw()


# -- assertions -------------------------------------------------------------------------------

def exact_totals(result: Any) -> dict[str, Fraction | None]:
    """Every metric of a result as an exact fraction from the printed inputs (``Result.metric_exact``)."""
    return {m: result.metric_exact(m)[0] for m in result.metric_ids()}


def assert_same_totals(a: Any, b: Any) -> None:
    """Two results have the same metrics with exactly equal values (rational, not float)."""
    ta, tb = exact_totals(a), exact_totals(b)
    if ta != tb:
        lines = [f"  {m}: {ta.get(m)} != {tb.get(m)}" for m in sorted(set(ta) | set(tb)) if ta.get(m) != tb.get(m)]
        raise AssertionError("totals differ:\n" + "\n".join(lines))


def assert_reproduces(result: Any, reported: Any, *, accept: Sequence[str] = ("reproduced",)) -> Reconciliation:
    """Reconcile ``result`` against ``reported`` (a YAML path, dict or ReportedFigures, contract
    section 5) and raise :class:`AssertionError` listing every figure whose status is not in
    ``accept`` (default: only ``reproduced``; add ``"consistent"`` or ``"not_recomputed"`` to
    allow those). Returns the reconciliation."""
    rec = reconcile(result, reported)
    bad = [e for e in rec if e["status"] not in accept]
    if bad:
        lines = []
        for e in bad:
            group = "".join(f" [{k}={e[k]}]" for k in ("carrier", "facility", "period") if k in e)
            lines.append(f"  {e['metric']}{group}: printed {e['reported']} {e['unit']}, recomputed {e['recomputed']} -> "
                         f"{e['status']}" + (f" ({e['reason']})" if e["reason"] else ""))
        raise AssertionError(f"{len(bad)} of {len(rec)} figure(s) not {' / '.join(accept)}:\n" + "\n".join(lines))
    return rec


def assert_rows_accounted(result: Any, n_input_rows: int | None = None) -> None:
    """Every input row is in ``result.rows`` or in ``result.errors`` (never both, never
    neither); ``n_input_rows`` defaults to the count the reader recorded."""
    n_in = result.n_input_rows if n_input_rows is None else n_input_rows
    errors: list[RowIssue] = list(result.errors)
    if any(e.row is None for e in errors):
        if len(result.rows):
            raise AssertionError(f"the whole table is in error but {len(result.rows)} row(s) were computed")
        return
    bad = {int(e.row) for e in errors if e.row is not None}
    computed = {int(i) for i in result.rows.index}
    n_computed = len(computed)
    streamed_count: int = int(getattr(result, "rows_computed", 0) or 0)
    if not computed and streamed_count:   # a streamed result keeps counts, not rows
        n_computed = streamed_count
    problems = []
    if computed & bad:
        problems.append(f"rows both computed and in error: {sorted(computed & bad)[:20]}")
    if n_computed + len(bad) != n_in:
        problems.append(f"{n_in} rows in, but {n_computed} computed + {len(bad)} in error")
    if problems:
        raise AssertionError("input rows not accounted for: " + "; ".join(problems))
