"""ghgcalc.printed: the one implementation of printed-number handling (digits, half-up
rounding, rounding intervals, numeric unwrapping)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ghgcalc.core.units import Q_
from ghgcalc.printed import (
    as_float,
    decimals_of,
    digits,
    exact,
    format_at,
    format_significant,
    half_unit,
    interval,
    last_nonzero_unit,
    parse_printed,
    plain,
    round_half_up,
    unit_of,
)


# -- published / worked values ---------------------------------------------------------------
@pytest.mark.parametrize(("text", "value"), [
    ("88.84", Fraction(8884, 100)),                  # Kuaishou 2022 ESG report, scope 1+2 (10^4 t CO2e)
    ("1,534,956.48", Fraction(153495648, 100)),      # comma-grouped
    ("578 194 396", Fraction(578194396)),            # HK government reports: space-grouped kWh
    ("578\u00a0194\u2009396".replace("\u2009", "\u00a0"), Fraction(578194396)),  # no-break spaces
    ("１，２３４．５", Fraction(12345, 10)),          # full-width digits and comma
    ("1'234", Fraction(1234)),                       # Swiss grouping
    ("-1,234.5", Fraction(-12345, 10)),
    ("+0.5", Fraction(1, 2)),
    (".5", Fraction(1, 2)),
    ("12.", Fraction(12)),
    ("1.5e3", Fraction(1500)),
    (" 300.638 ", Fraction(300638, 1000)),
])
def test_parse_printed(text: str, value: Fraction) -> None:
    assert parse_printed(text) == value
    assert exact(text) == value


@pytest.mark.parametrize("text", ["1,23", "1.234,5", "12,34,567", "1,234 567", "", "abc", "nan", "inf", "-inf",
                                  "1e999999", "1..2", "--1", "1,"])
def test_parse_printed_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_printed(text)


@pytest.mark.parametrize(("text", "decimals", "lo", "hi"), [
    ("300.638", 3, Fraction("300.6375"), Fraction("300.6385")),   # the contract's worked example
    ("88.84", 2, Fraction("88.835"), Fraction("88.845")),
    ("1,234", 0, Fraction("1233.5"), Fraction("1234.5")),
    ("12.50", 2, Fraction("12.495"), Fraction("12.505")),         # trailing zeros are printed digits
    ("1.5e3", -2, Fraction(1450), Fraction(1550)),                 # the last printed digit is the hundreds
    ("0", 0, Fraction(-1, 2), Fraction(1, 2)),
])
def test_precision_and_interval(text: str, decimals: int, lo: Fraction, hi: Fraction) -> None:
    assert decimals_of(text) == decimals
    assert unit_of(text) == Fraction(10) ** -decimals
    assert half_unit(text) == unit_of(text) / 2
    assert interval(text) == (lo, hi)


def test_round_half_up_worked_values() -> None:
    assert round_half_up(Fraction("1.005"), 2) == Fraction("1.01")   # float round(1.005, 2) == 1.0
    assert round_half_up(Fraction("2.5"), 0) == 3
    assert round_half_up(Fraction("-2.5"), 0) == -3                  # half away from zero
    assert round_half_up(Fraction("0.125"), 2) == Fraction("0.13")   # not banker's 0.12
    assert round_half_up(1549, -2) == 1500
    assert round_half_up(1550, -2) == 1600
    assert round_half_up(0.1 + 0.2, 1) == Fraction(3, 10)           # a float by its shortest repr
    assert round_half_up("300.6375", 2) == Fraction("300.64")


def test_format_at_and_significant() -> None:
    assert format_at(Fraction(1, 8), 2) == "0.13"
    assert format_at(2, 2) == "2.00"
    assert format_at(Fraction(-1, 1000), 2) == "0.00"                # no "-0.00"
    assert format_at(Fraction(-5, 1000), 2) == "-0.01"
    assert format_at(Fraction("1534956.475"), 2, grouping=True) == "1,534,956.48"
    assert format_at(Fraction(1, 10**7), 7) == "0.0000001"          # never "1E-7"
    big = Fraction(10**40 + 1, 10)
    assert format_at(big, 1) == str(10**39) + ".1"                  # exact beyond a 28-digit context
    assert format_at(1549, -2) == "1500"
    assert format_significant(Fraction(2, 3)) == "0.6667"
    assert format_significant(1234567) == "1,234,567"
    assert format_significant(Fraction("0.5703"), 2) == "0.57"
    assert format_significant(0) == "0"


def test_digits_and_last_nonzero_unit() -> None:
    assert digits("1,534,956.48") == "1534956.48"
    assert digits("１２.５０") == "12.50"
    assert last_nonzero_unit(Fraction(3000)) == 1000
    assert last_nonzero_unit(Fraction(684)) == 1
    assert last_nonzero_unit(Fraction("0.25")) == Fraction(1, 100)
    assert last_nonzero_unit(Fraction(0)) == 1


def test_plain_unwraps_numpy_and_pint() -> None:
    assert type(plain(np.float64(1.5))) is float
    assert type(plain(np.int64(3))) is int
    assert type(plain(np.bool_(True))) is bool
    assert plain(np.array(2.5)) == 2.5 and type(plain(np.array(2.5))) is float
    assert plain(Q_(Fraction(3, 2), "t")) == Fraction(3, 2)
    assert plain("abc") == "abc"
    assert plain(Decimal("1.50")) == Decimal("1.50")
    assert as_float(None) is None and as_float(float("nan")) is None and as_float(np.float64("nan")) is None
    assert as_float(np.int64(5)) == 5.0 and as_float("1,234.5") == 1234.5 and as_float("abc") is None
    with pytest.raises(ValueError):
        exact(float("inf"))
    with pytest.raises(ValueError):
        exact(True)


# -- invariants ------------------------------------------------------------------------------
@st.composite
def printed_numbers(draw: st.DrawFn) -> str:
    """A printed number: optional sign, 0-6 decimals, optionally grouped by one separator."""
    places = draw(st.integers(0, 6))
    n = draw(st.integers(-(10**12), 10**12))
    text = format_at(Fraction(n, 10**places), places)
    sign, body = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, frac = body.partition(".")
    sep = draw(st.sampled_from(["", ",", " ", "\u00a0"]))   # not "_": refused (printed.number_problem)
    if sep:
        whole = f"{int(whole):,}".replace(",", sep)
    return sign + whole + dot + frac


def _normalised(text: str) -> str:
    out = digits(text)
    return out[1:] if out.startswith("-") and parse_printed(text) == 0 else out  # "-0.00" prints "0.00"


@given(printed_numbers())
def test_round_trip(text: str) -> None:
    """round_half_up(parse_printed(s), decimals_of(s)) printed at decimals_of(s) is s without
    its separators (a printed number is already at its printed precision)."""
    d = decimals_of(text)
    assert round_half_up(parse_printed(text), d) == parse_printed(text)
    assert format_at(parse_printed(text), d) == _normalised(text)


@given(printed_numbers(), st.fractions(min_value=-1, max_value=1))
def test_a_value_rounds_to_the_printed_digits_iff_it_lies_in_the_interval(text: str, t: Fraction) -> None:
    """For x > 0: round_half_up(v, d) == x  <=>  lo <= v < hi (half-up closes the low end);
    for x < 0 (half away from zero) the closed end is hi; for 0 both ends round away."""
    x, d = parse_printed(text), decimals_of(text)
    lo, hi = interval(text)
    assert lo < x < hi and hi - lo == unit_of(text)
    v = x + t * unit_of(text)     # within one unit either side: both outcomes are drawn
    inside = (lo <= v < hi) if x > 0 else (lo < v <= hi) if x < 0 else (lo < v < hi)
    assert (round_half_up(v, d) == x) == inside


@given(printed_numbers())
def test_interval_ends_round_as_documented(text: str) -> None:
    x, d = parse_printed(text), decimals_of(text)
    lo, hi = interval(text)
    if x > 0:
        assert round_half_up(lo, d) == x and round_half_up(hi, d) != x
    elif x < 0:
        assert round_half_up(hi, d) == x and round_half_up(lo, d) != x


@given(st.fractions(min_value=-(10**9), max_value=10**9), st.integers(-3, 6))
def test_format_at_reads_back_as_the_rounded_value(x: Fraction, d: int) -> None:
    s = format_at(x, d, grouping=True)
    assert parse_printed(s) == round_half_up(x, d)
    assert decimals_of(s) == max(d, 0)


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_exact_of_a_float_is_its_shortest_repr(f: float) -> None:
    assert exact(f) == parse_printed(repr(f)) == exact(np.float64(f))


# -- the callers read printed numbers the same way -------------------------------------------
def test_a_space_grouped_printed_factor_in_claims_text_is_read() -> None:
    from ghgcalc.analysis.claim_check import join_sentences, parse_number, printed_factors

    found = printed_factors(join_sentences("排放因子為5 703噸二氧化碳/萬千瓦時。"))  # was a decimal.InvalidOperation crash
    assert [f.value for f in found] == [Fraction(5703, 10)]  # t CO2 / MWh (萬千瓦時 = 10 MWh)
    n = parse_number("578 194 396")
    assert (n.value, n.step) == (parse_printed("578 194 396"), unit_of("578 194 396"))


def test_a_reported_figure_whose_separators_do_not_group_in_threes_is_an_error() -> None:
    from ghgcalc.analysis.reconciliation import load_reported
    from ghgcalc.errors import ReportedFiguresError

    with pytest.raises(ReportedFiguresError, match="grouped in threes"):
        load_reported({"reported": [{"metric": "scope1", "value": "1,2,3", "unit": "t CO2e"}]})
    with pytest.raises(ReportedFiguresError, match="a decimal comma"):
        load_reported({"reported": [{"metric": "scope1", "value": "1,23", "unit": "t CO2e"}]})
    fig = load_reported({"reported": [{"metric": "scope1", "value": "１，０２３.５", "unit": "t CO2e"}]}).reported[0]
    assert parse_printed(fig.value) == Fraction("1023.5")


def test_denominators_and_targets_read_printed_numbers() -> None:
    from ghgcalc.core.results import normalize_denominators
    from ghgcalc.errors import GhgcalcError
    from ghgcalc.reports.disclosure import Target

    assert normalize_denominators({"headcount": "27,398"})[0].value == 27398
    with pytest.raises(GhgcalcError):
        normalize_denominators({"headcount": "27,39"})
    assert Target.parse("scope1_2=-30%@2030").change == Fraction(-3, 10)
