"""Printed numbers: one implementation of how ghgcalc reads, rounds and writes them.

A figure in a report is its printed digits. ghgcalc reads them exactly (a
:class:`fractions.Fraction`, never a float), takes their precision from the last printed
digit, rounds half-up to a printed precision and writes a number at a declared precision
with these functions only:

* :func:`parse_printed` -- printed text to its exact value (NFKC: full-width digits and
  punctuation; thousands separators ``,`` ``_`` ``'`` and spaces, including no-break and
  thin spaces, accepted only when they group the digits in threes: ``1,534,956.48``,
  ``578 194 396``; ``1,23`` is an error, not 123).
* :func:`decimals_of`, :func:`unit_of`, :func:`half_unit`, :func:`interval` -- the printed
  precision and the rounding interval ``[x - u/2, x + u/2)`` where ``u`` is one unit of the
  last printed digit (an input printed as ``300.638`` stands for [300.6375, 300.6385)).
* :func:`round_half_up`, :func:`format_at`, :func:`format_significant` -- rounding half
  away from zero, the rule of ISO 80000-1:2009 Annex B (rule B) as reports apply it and as
  the HKEX ESG Reporting Guide figures are printed (2.5 -> 3, -2.5 -> -3, 1.005 -> 1.01 at
  two places, which float ``round`` gets wrong).
* :func:`exact` -- any number ghgcalc is given (printed text, int, Decimal, Fraction, a
  float by its shortest repr) as an exact fraction.
* :func:`plain`, :func:`as_float` -- numeric unwrapping: numpy scalars and pint Quantities
  to plain Python values (for messages, JSON and issues).

This module imports only the standard library (numpy only if the caller has loaded it),
so ``import ghgcalc`` stays light.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

__all__ = [
    "FOOTNOTE_HINT",
    "FOOTNOTE_REASON",
    "GROUPED_NUMBER",
    "SEPARATORS",
    "as_float",
    "decimals_of",
    "digits",
    "exact",
    "footnote_marker",
    "format_at",
    "format_general",
    "format_significant",
    "half_unit",
    "interval",
    "last_nonzero_unit",
    "number_problem",
    "parse_decimal",
    "parse_printed",
    "plain",
    "round_half_up",
    "unit_of",
]

#: characters removed from a printed number before it is read: thousands separators
#: (``,``, ``_``, apostrophes, any whitespace after NFKC folding; the Swiss ``1'234``)
#: and the spreadsheet's leading "this is text" apostrophe
SEPARATORS = re.compile(r"[,\s_'’‘]")
#: a printed number whose separators group the digits in threes, by one kind of
#: separator (after an optional leading apostrophe, the spreadsheet's text marker):
#: ``1,534,956.48``, ``1 534 956.48``, ``1534956.48``, ``-1,234``, ``1.5e3``; not ``1_000``, a
#: programming language's digit separator that no report prints (:func:`number_problem`)
GROUPED_NUMBER = r"['‘’]?[+-]?(?:\d+|\d{1,3}(?:(?P<sep>[,\s'’])\d{3})(?:(?P=sep)\d{3})*)(?:\.\d*)?(?:[eE][+-]?\d+)?"
_GROUPED = re.compile(GROUPED_NUMBER)
#: what remains after the separators are removed: a decimal number, optionally signed and
#: with an exponent (``.5`` and ``12.`` included)
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_MAX_EXPONENT = 1000


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def footnote_marker(text: str) -> str | None:
    """The first character of ``text`` that prints a digit as a mark, not as a digit of the
    number: a superscript, subscript, circled or parenthesized digit (``1,234.5¹``, ``100₁``,
    ``100①``, ``100⑴``), as reports and spreadsheets print footnote markers; else None.

    Unicode compatibility folding (NFKC, UAX #15), which turns full-width digits into ASCII,
    would turn these into one more digit of the number (``100¹`` -> ``1001``), so they are
    found before it. Full-width and other decimal digits (``１２３``, Unicode category Nd)
    are digits, not marks.
    """
    if text.isascii():
        return None
    for ch in text:
        if ch.isascii() or unicodedata.decimal(ch, None) is not None or unicodedata.decomposition(ch).startswith("<fraction>"):
            continue   # a digit, or a vulgar fraction (½: not a number, but not a mark either)
        if any(c.isdigit() for c in unicodedata.normalize("NFKC", ch)):
            return ch
    return None


#: why a number with a footnote marker is refused (:func:`footnote_marker`)
FOOTNOTE_REASON = "{mark!r} is a footnote marker (a superscript, subscript or circled digit), not a digit of the number"
FOOTNOTE_HINT = "remove the footnote marker from the cell (keep the note elsewhere), e.g. '1,234.5¹' -> '1,234.5'"


#: footnote markers printed after a number in ASCII and typographic symbols ("1,234*", "56.2†")
_MARKED = re.compile(r"^(?P<n>['‘’]?[+-]?[\d.,\s'’]*\d\.?)\s*(?P<m>[*†‡§¶#]+)$")
#: a number followed by text (a unit, a word): "100 MWh", "12.5 t", "100kWh", "3,000 m³"
_TEXT_AFTER = re.compile(r"^(?P<n>['‘’]?[+-]?[\d.,\s'’]*\d\.?)\s*(?![eE][+-]?\d+$)(?P<t>[^\W\d_].*)$")
#: a decimal comma: "1 234,5", "1.234,5", "1'234,5" (grouped by another mark, a comma before the
#: decimals), or "1234,5", "1,23", "12,3456" (a comma not followed by three digits)
_DECIMAL_COMMA = re.compile(r"^[+-]?(?:\d{1,3}(?:(?P<g>[\s.'’])\d{3})(?:(?P=g)\d{3})*|\d+),(?:\d{1,2}|\d{4,})$"
                            r"|^[+-]?\d{1,3}(?:(?P<g2>[\s.'’])\d{3})+,\d+$")
#: digits grouped in lakhs and crores (India): "12,34,567", "1,23,45,678.50"
_LAKH = re.compile(r"^[+-]?\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?$")


def number_problem(text: str) -> tuple[str, str] | None:
    """Why a printed text that is not a number is not one, when it is one of the shapes tables
    print: a number with a footnote marker after it (``1,234*``, ``56.2†``), with a unit or word
    after it (``100 MWh``), with a decimal comma (``1 234,5``, ``1.234,5``, ``1234,5``), with
    digits grouped in lakhs (``12,34,567``) or with an underscore (``1_000``, a programming
    language's digit separator); (reason, hint), or None for any other text. Nothing is
    guessed: each is refused with what it is and how to write the number."""
    t = _fold(str(text))
    if "_" in t and any(c.isdigit() for c in t):
        return (f"an underscore in a number ({t!r}) is a programming language's digit separator, not a printed one",
                f"write {t.replace('_', '')} or group the digits with commas")
    m = _MARKED.match(t)
    if m:
        return (f"{m.group('m')!r} after the number is a footnote marker, not part of the number",
                f"remove the footnote marker from the cell (keep the note elsewhere): {m.group('n').strip()}")
    m = _TEXT_AFTER.match(t)
    if m:
        return (f"text after the number ({m.group('t').strip()!r}): the cell holds the number alone, a unit or a word "
                "belongs in its own column", f"put the number alone in the cell ({m.group('n').strip()}) and the unit in the unit column")
    if _DECIMAL_COMMA.match(t):
        plain = re.sub(r"[\s.'’]", "", t).replace(",", ".")
        return (f"a decimal comma ({t!r} is {plain} where a comma marks the decimals): which mark is the decimal one is not "
                "guessed", f"write {plain} (a decimal point, no thousands separator)")
    if _LAKH.match(t):
        return (f"digits grouped in lakhs and crores ({t!r}): only groups of three are read",
                f"write {t.replace(',', '')}")
    return None


def parse_decimal(text: str) -> Decimal:
    """The printed text of a number as a :class:`decimal.Decimal` keeping its printed
    exponent (``"1,534,956.48"`` -> ``Decimal("1534956.48")``, ``"1.50"`` keeps two places).

    Full-width digits and punctuation are folded (NFKC); thousands separators (see
    :data:`SEPARATORS`) are accepted only when they group the digits in threes, one kind
    per number (:data:`GROUPED_NUMBER`).

    Raises
    ------
    ValueError
        If the text is not a finite printed number, or its separators do not group the
        digits in threes (``"1,23"``, ``"1.234,5"``: a decimal comma cannot be told apart),
        or it carries a footnote marker (``"150¹"``, :func:`footnote_marker`).
    """
    mark = footnote_marker(str(text))
    if mark is not None:
        raise ValueError(f"{text!r}: " + FOOTNOTE_REASON.format(mark=mark))
    t = _fold(str(text))
    clean = SEPARATORS.sub("", t)
    if (clean != t and not _GROUPED.fullmatch(t)) or not _PLAIN_NUMBER.fullmatch(clean):
        why = number_problem(t)
        if why is not None:
            raise ValueError(f"{text!r}: {why[0]}")
        if clean != t and not _GROUPED.fullmatch(t):
            raise ValueError(f"{text!r}: digits are not grouped in threes (a thousands separator cannot be told from a decimal comma)")
        raise ValueError(f"{text!r} is not a printed number")
    try:
        d = Decimal(clean)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(f"{text!r} is not a printed number") from None
    exp = d.as_tuple().exponent
    if not isinstance(exp, int) or abs(exp) > _MAX_EXPONENT:  # exact arithmetic on 10**100000 would hang
        raise ValueError(f"{text!r}: exponent out of range")
    return d


def digits(text: str) -> str:
    """The printed digits of a number, folded (NFKC) and without its thousands separators,
    as it is stored and shown (``"1,534,956.48"`` -> ``"1534956.48"``, ``"１２.５０"`` ->
    ``"12.50"``: every printed digit kept).

    Raises
    ------
    ValueError
        As :func:`parse_decimal`.
    """
    parse_decimal(text)
    return SEPARATORS.sub("", _fold(str(text)))


def parse_printed(text: str) -> Fraction:
    """The exact value of a printed number (``"1,534,956.48"`` -> 153495648/100).

    See :func:`parse_decimal` for what is accepted.

    Raises
    ------
    ValueError
        If the text is not a printed number.
    """
    return Fraction(parse_decimal(text))


def decimals_of(text: str | Decimal) -> int:
    """The number of printed decimal places: ``"88.84"`` -> 2, ``"1,234"`` -> 0,
    ``"12.50"`` -> 2; negative when an exponent puts the last printed digit above the
    units (``"1.5e3"`` -> -2: its last digit is the hundreds)."""
    d = text if isinstance(text, Decimal) else parse_decimal(text)
    exp = d.as_tuple().exponent
    assert isinstance(exp, int)
    return -exp


def unit_of(text: str | Decimal) -> Fraction:
    """One unit of the last printed digit: ``"300.638"`` -> 1/1000, ``"1,234"`` -> 1,
    ``"1.5e3"`` -> 100."""
    return Fraction(10) ** -decimals_of(text)


def half_unit(text: str | Decimal) -> Fraction:
    """Half a unit of the last printed digit (``"300.638"`` -> 1/2000): how far the true
    value of a printed number may lie from it under half-up rounding."""
    return unit_of(text) / 2


def interval(text: str) -> tuple[Fraction, Fraction]:
    """The rounding interval ``[lo, hi)`` a printed number stands for.

    ``lo = x - u/2`` and ``hi = x + u/2`` with ``u`` one unit of the last printed digit:
    ``"300.638"`` stands for [300.6375, 300.6385). Under half-up rounding a value ``v``
    prints as ``text`` exactly when ``lo <= v < hi`` for ``x > 0``; for a negative printed
    number (half away from zero) the closed end is ``hi`` (``lo < v <= hi``), and for zero
    neither end (``lo < v < hi``).
    """
    d = parse_decimal(text)
    x, h = Fraction(d), half_unit(d)
    return x - h, x + h


def last_nonzero_unit(value: Fraction) -> Fraction:
    """The place value of the last non-zero digit of a terminating decimal (3000 -> 1000,
    684 -> 1, 0.25 -> 0.01; 1 for zero): the precision of a figure printed "about" it."""
    v = abs(Fraction(value))
    if v == 0:
        return Fraction(1)
    k = 0
    while (v / Fraction(10) ** (k + 1)).denominator == 1:
        k += 1
    while (v / Fraction(10) ** k).denominator != 1 and k > -30:
        k -= 1
    return Fraction(10) ** k


def exact(value: Any) -> Fraction:
    """An exact fraction of a number: printed text by :func:`parse_printed`, an int,
    Decimal or Fraction as it is, a float (Python or numpy) by its shortest repr (``0.1``
    -> 1/10, not the binary double), numpy and pint values unwrapped first.

    Raises
    ------
    ValueError
        If the value is not a finite number.
    """
    value = plain(value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return Fraction(Decimal(repr(value)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value!r} is not a finite number")
        return Fraction(value)
    return parse_printed(str(value))


def round_half_up(value: Any, decimals: int) -> Fraction:
    """Round exactly, half away from zero, to ``decimals`` places (negative: tens,
    hundreds, ...).

    The rule of ISO 80000-1:2009 Annex B as reports apply it (HKEX ESG figures): 2.5 -> 3,
    -2.5 -> -3, 1.005 -> 1.01 at two places. ``value`` is read by :func:`exact`.
    """
    x = exact(value)
    scale = Fraction(10) ** decimals
    r = Fraction(math.floor(abs(x) * scale + Fraction(1, 2))) / scale
    return r if x >= 0 else -r


def format_at(value: Any, decimals: int, grouping: bool = False) -> str:
    """``value`` rounded half-up (:func:`round_half_up`) and written with exactly
    ``decimals`` places (``format_at(Fraction(1, 8), 2) == "0.13"``, ``format_at(2, 2) ==
    "2.00"``); negative ``decimals`` round to tens, hundreds, ... and print no point.
    ``grouping`` puts commas between thousands (``"1,534,956.48"``). Exact at any size (no
    float, no decimal context)."""
    r = round_half_up(value, decimals)
    places = max(decimals, 0)
    n = abs(r) * 10**places
    assert n.denominator == 1
    whole, frac = divmod(int(n), 10**places)
    head = f"{whole:,}" if grouping else str(whole)
    body = f"{head}.{frac:0{places}d}" if places else head
    return f"-{body}" if r < 0 else body


def format_significant(value: Any, sig: int = 4, grouping: bool = True) -> str:
    """``value`` half-up at ``sig`` significant digits, but never fewer than its integer
    digits (``format_significant(Fraction(2, 3)) == "0.6667"``,
    ``format_significant(1234567) == "1,234,567"``); ``"0"`` for zero."""
    x = exact(value)
    if x == 0:
        return "0"
    a = abs(x)
    exp = len(str(a.numerator)) - len(str(a.denominator))  # floor(log10(a)), within one
    while Fraction(10) ** exp > a:
        exp -= 1
    while Fraction(10) ** (exp + 1) <= a:
        exp += 1
    return format_at(x, max(sig - 1 - exp, 0), grouping=grouping)


def format_general(value: Any, sig: int = 6) -> str:
    """A short display of a derived value (``%g`` with ``sig`` significant digits), for
    messages only, never for a figure compared with a printed one."""
    return f"{float(exact(value)):.{sig}g}"


def plain(value: Any) -> Any:
    """Numeric unwrapping: a numpy scalar (or 0-d array) to the Python scalar it holds, a
    pint Quantity to its (unwrapped) magnitude; anything else as it is (text, Decimal and
    Fraction stay exact)."""
    if hasattr(value, "magnitude") and hasattr(value, "units"):
        value = value.magnitude
    np = sys.modules.get("numpy")  # a numpy value implies numpy is loaded: never import it here
    if np is not None and (isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0)):
        return value.item()
    return value


def as_float(value: Any) -> float | None:
    """A number as a plain float for JSON and charts; ``None`` for a missing value (None,
    NaN, pandas NA) or text that is not a number."""
    value = plain(value)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return float(parse_printed(value))
        except ValueError:
            return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f
