"""What one activity key resolves to: the per-row output columns and the :class:`Resolution`
(exact coefficients per unit of activity, each column's factor chain, the notes recorded).

The method (:mod:`ghgcalc.core.method`) produces resolutions; results
(:mod:`ghgcalc.core.results`) broadcast them over the rows by key codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .reasons import Reason

__all__ = ["GAS_COLUMN", "MARKET_COLUMN", "OUTPUT_COLUMNS", "Resolution"]

#: per-row output columns and their units
OUTPUT_COLUMNS: dict[str, str] = {
    "co2_t": "t CO2",
    "ch4_t": "t CH4",
    "n2o_t": "t N2O",
    "co2e_t": "t CO2e",
    "co2e_market_t": "t CO2e",
    "energy_mwh": "MWh",
    "energy_tce": "tce",
    "amount": "",
}
GAS_COLUMN = {"CO2": "co2_t", "CH4": "ch4_t", "N2O": "n2o_t"}
#: market-based CO2e per row (only when the profile has a [market_based] section): Scope 2
#: rows by their instrument or the residual factor, every other row as its co2e_t
MARKET_COLUMN = "co2e_market_t"


@dataclass
class Resolution:
    """How one activity key turns into results: exact coefficients per unit of activity,
    the factor chain behind each output column, and what was recorded."""

    category: str  # "energy" | "resource" | "direct" | "error"
    scope: int = 0
    coef: dict[str, Fraction | None] = field(default_factory=dict)
    chains: dict[str, dict[str, int]] = field(default_factory=dict)
    factor_ids: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    amount_unit: str = ""
    error: tuple[str, str, str | None] | None = None  # (column, reason, hint)
    #: a column that is a sum of products (``co2e_t`` over gases): each product's exact
    #: coefficient and factor chain; a column not listed is the one product (coef, chains)
    terms: dict[str, list[tuple[Fraction, dict[str, int]]]] = field(default_factory=dict)
    #: why a column has no coefficient (``None`` in ``coef``: a gas the method does not count,
    #: energy not counted on purpose, no coal equivalent): n/a with this reason, never 0; a
    #: code with its words in each language (ghgcalc/data/reasons.yaml)
    missing: dict[str, Reason] = field(default_factory=dict)
