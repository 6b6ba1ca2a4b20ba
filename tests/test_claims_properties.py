"""Hypothesis invariants of the claims check.

The oracle below is written from the contract's printed-precision rule, independently of
ghgcalc.analysis.claim_check: a figure printed with ``d`` decimals stands for ``[x - 0.5·10^-d, x + 0.5·10^-d]``,
so a claim "A MWh ... E t" allows the factors ``[E_lo / A_hi, E_hi / A_lo]``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ghgcalc.analysis.claim_check import check_claims, chinese_numeral
from ghgcalc.core.factors import default_library
from ghgcalc.core.units import conversion_factor

REPORT_FACTORS = ["0.5703", "0.5810", "0.6101", "0.7", "0.4326"]


def _round(x: Fraction, d: int) -> Decimal:
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)


def _allowed(a: int, e: Decimal) -> tuple[Fraction, Fraction]:
    exp = e.as_tuple().exponent
    assert isinstance(exp, int)
    half_e = Fraction(1, 2) * Fraction(10) ** exp
    ev = Fraction(e)
    return (ev - half_e) / (a + Fraction(1, 2)), (ev + half_e) / (a - Fraction(1, 2))


def _claim_text(a: int, e: Decimal, english: bool) -> str:
    if english:
        return f"In 2022 the project saved {a:,} MWh of electricity, avoiding {e:,} tonnes of CO2."
    return f"2022年，項目節約用電{a:,}兆瓦時，減少二氧化碳排放{e:,}噸。"


@settings(max_examples=60, deadline=None)
@given(
    a=st.integers(min_value=1_000, max_value=5_000_000),
    r=st.sampled_from(REPORT_FACTORS),
    delta=st.one_of(st.just(Fraction(0)), st.fractions(min_value=Fraction(-9, 10), max_value=Fraction(2), max_denominator=1000)),
    d=st.integers(min_value=0, max_value=2),
    english=st.booleans(),
)
def test_verdict_against_the_reports_printed_factor(a: int, r: str, delta: Fraction, d: int, english: bool) -> None:
    rv = Fraction(Decimal(r))
    f = rv * (1 + delta)
    e = _round(a * f, d)
    assume(e > 0)
    text = f"排放因子為{r} tCO2/MWh。\n" + _claim_text(a, e, english)
    [res] = check_claims(text).results
    lo, hi = _allowed(a, e)
    assert res.status == ("consistent" if lo <= rv <= hi else "flagged")
    if delta == 0:  # a figure computed with the report's own factor is never flagged
        assert res.status == "consistent"
    if abs(delta) > Fraction(2, 100):  # and one 2 % off is always caught at these precisions
        assert res.status == "flagged"


def _official_2022() -> list[Fraction]:
    out = []
    for row in default_library().select(carrier="electricity", kind="emission", year=2022):
        gas = "CO2e" if "CO2e" in row.unit else "CO2"  # every factor in t/MWh (Shanghai prints t CO2/10^4 kWh)
        out.append(Fraction(Decimal(row.value)) * conversion_factor(row.unit, f"t {gas}/MWh"))
    return out


OFFICIAL_2022 = _official_2022()


@settings(max_examples=60, deadline=None)
@given(
    a=st.integers(min_value=1_000, max_value=5_000_000),
    f=st.one_of(
        st.sampled_from(OFFICIAL_2022),
        st.sampled_from(OFFICIAL_2022).flatmap(lambda v: st.fractions(min_value=v * Fraction(98, 100), max_value=v * Fraction(102, 100))),
        st.fractions(min_value=Fraction(1, 20), max_value=Fraction(3, 2), max_denominator=10_000),
    ),
    d=st.integers(min_value=0, max_value=1),
)
def test_verdict_against_official_factors_of_the_year(a: int, f: Fraction, d: int) -> None:
    e = _round(a * f, d)
    assume(e > 0)
    [res] = check_claims(_claim_text(a, e, english=False)).results
    lo, hi = _allowed(a, e)
    fits = any(lo <= v <= hi for v in OFFICIAL_2022)
    assert res.status == ("consistent" if fits else "flagged")
    if f in OFFICIAL_2022:
        assert res.status == "consistent"


_DIGITS = "零一二三四五六七八九"


def _to_chinese(n: int) -> str:
    """Standard Chinese numeral of 0 < n < 10^12 (test-side writer, 萬/億 sections)."""

    def below_10k(x: int) -> str:
        out, zero = "", False
        for place, ch in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            q, x = divmod(x, place)
            if q:
                if zero and out:
                    out += "零"
                out += _DIGITS[q] + ch
                zero = False
            else:
                zero = True
        return out

    parts = []
    for unit, size in (("億", 10**8), ("萬", 10**4), ("", 1)):
        q, n = divmod(n, size)
        if q:
            parts.append(below_10k(q) + unit)
        elif parts:
            parts.append("零")
    return "".join(parts).rstrip("零").replace("零零", "零")


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1, max_value=10**12 - 1))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert chinese_numeral(_to_chinese(n)) == n


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=1, max_value=10**9), big=st.sampled_from([("萬", 10**4), ("万", 10**4), ("億", 10**8)]))
def test_arabic_times_big_unit(n: int, big: tuple[str, int]) -> None:
    x = Fraction(n, 100)
    text = f"{Decimal(n) / 100}{big[0]}"
    assert chinese_numeral(text) == x * big[1]


@settings(max_examples=80, deadline=None)
@given(
    a=st.integers(min_value=100, max_value=5_000_000),
    r=st.sampled_from(REPORT_FACTORS),
    k=st.integers(min_value=0, max_value=4),
    qualifier=st.sampled_from([("約", "half"), ("about ", "half"), ("逾", "floor"), ("超過", "floor"), ("近", "ceil"), ("nearly ", "ceil")]),
)
def test_a_correct_figure_rounded_any_way_its_qualifier_allows_is_never_flagged(
    a: int, r: str, k: int, qualifier: tuple[str, str]
) -> None:
    """約/about: rounded half-up at 10^k; 逾/超過 (more than): rounded down; 近/nearly: rounded up."""
    word, how = qualifier
    exact = a * Fraction(Decimal(r))
    unit = 10**k
    q = {"half": round(exact / unit + Fraction(1, 10**9)), "floor": exact // unit, "ceil": -((-exact) // unit)}[how]
    e = int(q) * unit
    assume(e > 0)
    if word.isascii():
        text = f"Scope 2 uses {r} tCO2/MWh. In 2022 we saved {a:,} MWh of electricity, avoiding {word}{e:,} tonnes of CO2."
    else:
        text = f"排放因子為{r} tCO2/MWh。2022年節約用電{a:,}兆瓦時，減少二氧化碳排放{word}{e:,}噸。"
    [res] = check_claims(text).results
    assert res.status == "consistent", (text, res.reason)
