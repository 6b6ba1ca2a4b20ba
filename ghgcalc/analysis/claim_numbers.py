"""Claims check, stage 2: numbers in text -- printed numbers (``3,000``, ``1.2萬``, ``三百萬``,
``1.2 million``, full-width digits) to exact fractions with their precision, the interval a
printed figure stands for, and how claim values are written. Arabic digits are read by
:mod:`ghgcalc.printed`. See :mod:`ghgcalc.claim_check` for the whole flow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from ..printed import format_at, format_significant, last_nonzero_unit, parse_decimal, parse_printed, unit_of
from .claim_text import Qualifier, fold_text, lexicon

__all__ = [
    "ARABIC_NUMBER",
    "PrintedNumber",
    "chinese_numeral",
    "exact_text",
    "fmt",
    "implied_interval",
    "parse_number",
    "printed_interval",
]

# --------------------------------------------------------------------------- numbers


@dataclass(frozen=True)
class PrintedNumber:
    """A number as printed: exact value, the place value of its last printed digit
    (``step``) and of its last non-zero digit (``lead``)."""

    value: Fraction
    step: Fraction
    lead: Fraction
    text: str
    more: bool = False  # printed with 多/餘 ("300多萬")


# digits with thousands separators: commas ("3,000"), or spaces as SI-style and Hong Kong
# government reports print them ("578 194 396 kWh", "11 008 tonnes"; also no-break and thin
# spaces); without the space form "578 194 396 kWh" was read as 396 kWh
ARABIC_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?")


def _arabic(text: str) -> tuple[Fraction, Fraction, Fraction]:
    """(value, step, lead) of Arabic digits with optional thousands separators."""
    d = parse_decimal(text)
    v, step = Fraction(d), unit_of(d)
    return v, step, last_nonzero_unit(v) if v else step


def chinese_numeral(text: str) -> Fraction:
    """The value of a Chinese (or mixed Arabic/Chinese) numeral.

    ``三百萬`` -> 3,000,000; ``1.2萬`` -> 12,000; ``兩千`` -> 2,000; ``一億二千萬`` ->
    120,000,000; ``３００萬`` -> 3,000,000; ``十二萬`` -> 120,000; ``一千零五十`` -> 1,050.
    Digits without any counting unit are positional (``二〇二二`` -> 2022).

    Raises
    ------
    ValueError
        If the text is not a numeral.
    """
    lex = lexicon()
    s = fold_text(text).strip().replace(",", "")
    if not s:
        raise ValueError("empty numeral")
    tokens: list[tuple[str, Fraction]] = []
    i = 0
    while i < len(s):
        m = ARABIC_NUMBER.match(s, i)
        if m:
            tokens.append(("num", parse_printed(m.group(0))))
            i = m.end()
            continue
        c = s[i]
        if c in lex.digits:
            tokens.append(("digit", Fraction(lex.digits[c])))
        elif c in lex.small_units:
            tokens.append(("small", Fraction(lex.small_units[c])))
        elif c in lex.big_units:
            tokens.append(("big", Fraction(lex.big_units[c])))
        else:
            raise ValueError(f"not a numeral character: {c!r} in {text!r}")
        i += 1
    kinds = [k for k, _ in tokens]
    if all(k == "digit" for k in kinds):  # positional: 二〇二二
        return Fraction(int("".join(str(int(v)) for _, v in tokens)))
    if kinds.count("num") + kinds.count("digit") > 1 and not any(k in ("small", "big") for k in kinds):
        raise ValueError(f"not a numeral: {text!r}")
    total = Fraction(0)  # value of completed big-unit groups
    section = Fraction(0)  # value below the current big unit
    number: Fraction | None = None
    for kind, val in tokens:
        if kind == "digit" and val == 0:  # 零 is a placeholder between places (一千零五十)
            continue
        if kind in ("num", "digit"):
            if number is not None:
                raise ValueError(f"two numbers in a row in {text!r}")
            number = val
        elif kind == "small":
            section += (number if number is not None else Fraction(1)) * val
            number = None
        else:
            section += number if number is not None else Fraction(0)
            number = None
            if section == 0 and total:  # 萬億: the big units multiply
                total *= val
                continue
            if section == 0:  # a bare 萬 is ten thousand
                section = Fraction(1)
            if val >= 10**8:
                total = (total + section) * val
            else:
                total += section * val
            section = Fraction(0)
    return total + section + (number or 0)


def parse_number(text: str) -> PrintedNumber:
    """A printed number (Arabic, Chinese or mixed, with 萬/億 and English scale words).

    ``step`` is the place value of the last printed digit, ``lead`` that of the last
    non-zero digit: ``3,000`` -> (3000, 1, 1000); ``1.2萬`` -> (12000, 1000, 1000);
    ``三百萬`` -> (3,000,000, 1,000,000, 1,000,000); ``1.2 million`` -> (1.2e6, 1e5, 1e5).

    Raises
    ------
    ValueError
        If the text is not a number.
    """
    lex = lexicon()
    s = fold_text(text).strip()
    more = False
    for suf in lex.more_suffixes:
        if suf in s:
            more = True
            s = s.replace(suf, "")
    m = re.fullmatch(r"(" + ARABIC_NUMBER.pattern + r")\s*([A-Za-z]+)", s)
    if m and m.group(2).lower() in lex.scale_words:
        v, step, lead = _arabic(m.group(1))
        k = Fraction(lex.scale_words[m.group(2).lower()])
        return PrintedNumber(v * k, step * k, lead * k, text, more)
    m = ARABIC_NUMBER.fullmatch(s)
    if m:
        v, step, lead = _arabic(s)
        return PrintedNumber(v, step, lead, text, more)
    v = chinese_numeral(s)
    lead = last_nonzero_unit(v)
    # an Arabic part followed only by counting units keeps its own decimal step, scaled by
    # them (1.2萬: step 1,000; 1,000千: step 1,000, not the 10^6 of its leading digit)
    units = {**lex.small_units, **lex.big_units}
    m = re.fullmatch(r"(" + ARABIC_NUMBER.pattern + r")([" + "".join(units) + r"]+)", s)
    if m:
        a, step, _l = _arabic(m.group(1))
        mult = Fraction(1)
        for c in m.group(2):
            mult *= units[c]
        if a * mult == v:   # read as the digits times the units (not 3千5 or 萬萬 read otherwise)
            return PrintedNumber(v, step * mult, lead, text, more)
    return PrintedNumber(v, lead, lead, text, more)


def printed_interval(num: PrintedNumber, qualifier: Qualifier | None) -> tuple[Fraction, Fraction | None]:
    """The interval a printed figure stands for (``None`` as upper bound: unbounded).

    No qualifier: the contract's printed-precision rule, ``[v - step/2, v + step/2]``.
    ``about`` (約, approximately): rounded at the last non-zero digit, ``[v - lead/2, v + lead/2]``.
    ``over`` (逾, 超過, more than, 多): ``[v, v + lead]``. ``under`` (近, nearly, 不足): ``[v - lead, v]``.
    """
    if num.more and qualifier is None:
        qualifier = "over"
    v, step, lead = num.value, num.step, num.lead
    if qualifier is None:
        return max(v - step / 2, Fraction(0)), v + step / 2
    if qualifier == "about":
        return max(v - lead / 2, Fraction(0)), v + lead / 2
    if qualifier == "over":
        return v, v + lead
    return max(v - lead, Fraction(0)), v


def implied_interval(
    emission: tuple[Fraction, Fraction | None], activity: tuple[Fraction, Fraction | None]
) -> tuple[Fraction, Fraction | None]:
    """The interval of ``emission / activity`` over the two printed intervals (both ≥ 0)."""
    e_lo, e_hi = emission
    a_lo, a_hi = activity
    lo = Fraction(0) if a_hi is None else e_lo / a_hi
    hi = None if (e_hi is None or a_lo == 0) else e_hi / a_lo
    return lo, hi



# --------------------------------------------------------------------------- writing


def fmt(x: Fraction | None, sig: int = 4) -> str:
    """A fraction as a decimal string with ``sig`` significant digits (at least the
    integer part), half-up, thousands grouped (:func:`ghgcalc.printed.format_significant`)."""
    if x is None:
        return "∞"
    return format_significant(x, sig)


def exact_text(x: Fraction | None) -> str | None:
    """A fraction as its exact decimal when it terminates within 12 places, else 10
    significant digits."""
    if x is None:
        return None
    if (x * 10**12).denominator == 1:
        places = next(p for p in range(13) if (x * 10**p).denominator == 1)
        return format_at(x, places, grouping=True)
    return fmt(x, 10)
