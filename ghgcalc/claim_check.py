"""Claims check: quantitative statements in a report's text that pair an activity with an
emission figure ("每年可供應綠色電力300萬度，可減少碳排放量約3,000噸"), checked against the
report's own factor and the official factors shipped with ghgcalc.

The flow, in small pure functions:

1. :func:`join_sentences` -- PDF-extracted text to sentences: lines joined across breaks
   (no space between CJK characters, de-hyphenated English), page numbers and running
   headers/footers dropped, each sentence keeping the line numbers it came from.
2. :func:`parse_number` / :func:`chinese_numeral` -- printed numbers (``3,000``, ``1.2萬``,
   ``三百萬``, ``一億二千萬``, ``1.2 million``, full-width digits) to exact fractions, with
   the place value of the last printed digit (its precision).
3. :func:`find_mentions` / :func:`pair_claims` -- number + unit mentions classified as
   activity (carrier from keywords) or emission (a gas unit or an emission word in the
   clause), paired within a sentence.
4. :func:`printed_interval` / :func:`implied_interval` -- the interval a printed figure
   stands for (the contract's half-unit rule, widened by 約/逾/近/about/over/nearly, see
   ``data/claims.yaml``) and the interval of implied factors (emission / activity).
5. :func:`evaluate` -- the verdict: with a report factor (from ``--profile``, from a factor
   printed in the text, or from the factor series the text names, edition of the report
   year) the claim is ``flagged`` when that factor lies outside the implied interval; with
   none, when no official factor valid for the report year does. Official factors of
   every edition are listed for context (range, nearest).

All keywords, unit spellings and qualifiers live in ``ghgcalc/data/claims.yaml``. Numbers
are exact (:class:`fractions.Fraction`); factor values come from the factor rows (contract
section 6), fuels' factors per natural unit are the product of an emission row (per
energy) and the carrier's heating-value / coal-equivalent rows (IPCC 2006 Vol. 2 ch. 1
eq. 1.1: emissions = fuel x NCV x EF).
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from itertools import pairwise, permutations
from pathlib import Path
from typing import Any, Literal

from .errors import InputError, UnitError
from .factors import FactorLibrary, FactorRow, default_library
from .units import dims_of, gas_of, parse_unit

__all__ = [
    "Claim",
    "ClaimResult",
    "ClaimsReport",
    "Mention",
    "PrintedNumber",
    "ReferenceFactor",
    "Sentence",
    "check_claims",
    "chinese_numeral",
    "find_mentions",
    "implied_interval",
    "join_sentences",
    "lexicon",
    "official_factors",
    "pair_claims",
    "parse_number",
    "printed_interval",
    "read_text",
]

Qualifier = Literal["about", "over", "under"]
Status = Literal["flagged", "consistent", "unparsed"]


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Lexicon:
    """The contents of ``data/claims.yaml`` in lookup-ready form."""

    digits: Mapping[str, int]
    small_units: Mapping[str, int]
    big_units: Mapping[str, int]
    scale_words: Mapping[str, int]
    more_suffixes: tuple[str, ...]
    qualifiers_before: tuple[tuple[str, Qualifier], ...]  # longest first
    qualifiers_after: tuple[tuple[str, Qualifier], ...]
    not_qualifiers: tuple[str, ...]
    units: tuple[tuple[str, str], ...]  # (spelling, pint unit), longest first
    emission_words: tuple[str, ...]
    activity_words: tuple[tuple[str, str, str | None], ...]  # (word, carrier, mass_unit), longest first
    default_carrier_units: Mapping[str, str]
    restatement_words: tuple[str, ...]
    cause_words: tuple[str, ...]
    claim_words: tuple[str, ...]
    combined_words: tuple[str, ...]
    clause_breaks: str
    sentence_ends: str
    abbreviations: frozenset[str]
    bullets: tuple[str, ...]
    implied_units: Mapping[str, tuple[tuple[str, str], ...]]
    factor_cues: tuple[tuple[str, str, tuple[str, ...]], ...]


def _longest_first(items: Iterable[tuple[Any, ...]]) -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda t: -len(t[0])))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The claims lexicon, loaded once from ``ghgcalc/data/claims.yaml``."""
    import yaml

    raw = yaml.safe_load(resources.files("ghgcalc").joinpath("data/claims.yaml").read_text(encoding="utf-8"))
    num = raw["numerals"]
    q = raw["qualifiers"]
    words: list[tuple[str, str, str | None]] = []
    defaults: dict[str, str] = {}
    for key, spec in raw["activities"].items():
        carrier = spec.get("carrier", key)
        for w in spec["words"]:
            words.append((w, carrier, spec.get("mass_unit")))
        for u in spec.get("default_units", []):
            defaults[u] = carrier
    implied = {k: tuple((e["mass"], e["per"]) for e in v) for k, v in raw["implied_factor_units"].items()}
    return Lexicon(
        digits=num["digits"],
        small_units=num["small_units"],
        big_units=num["big_units"],
        scale_words={k.lower(): v for k, v in num["scale_words"].items()},
        more_suffixes=tuple(num["more_suffixes"]),
        qualifiers_before=_longest_first((w, k) for k, ws in q["before"].items() for w in ws),
        qualifiers_after=_longest_first((w, k) for k, ws in q["after"].items() for w in ws),
        not_qualifiers=tuple(q.get("not_before", [])),
        units=_longest_first((s, u["unit"]) for u in raw["units"] for s in u["spell"]),
        emission_words=tuple(raw["emission_words"]),
        activity_words=_longest_first(words),
        default_carrier_units=defaults,
        restatement_words=tuple(raw["restatement_words"]),
        cause_words=tuple(raw["cause_words"]),
        claim_words=tuple(raw["claim_words"]),
        combined_words=tuple(raw["combined_words"]),
        clause_breaks="".join(raw["clause_breaks"]),
        sentence_ends="".join(raw["sentence_ends"]),
        abbreviations=frozenset(a.lower() for a in raw["abbreviations"]),
        bullets=tuple(raw["bullets"]),
        implied_units=implied,
        factor_cues=tuple((c["series"], c["carrier"], tuple(c["cues"])) for c in raw["report_factor_cues"]),
    )


def _is_latin(s: str) -> bool:
    return any("a" <= c.lower() <= "z" for c in s)


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern[str]:
    """A keyword/unit spelling as a regex: whitespace inside matches any whitespace run;
    Latin spellings are case-insensitive and must not continue into a letter or digit."""
    parts = [re.escape(p) for p in word.split(" ")]
    body = r"\s*".join(parts) if not _is_latin(word) else r"\s+".join(parts)
    if _is_latin(word):
        lead = r"(?<![A-Za-z])" if word[0].isalpha() else ""
        tail = r"(?![A-Za-z0-9])" if word[-1].isalnum() else ""
        return re.compile(lead + body + tail, re.IGNORECASE)
    return re.compile(body)


def _find_words(text: str, words: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every occurrence (start, end, word) of any of ``words`` in ``text``."""
    out = []
    for w in words:
        for m in _word_pattern(w).finditer(text):
            out.append((m.start(), m.end(), w))
    return sorted(out)


# --------------------------------------------------------------------------- text


def fold_text(text: str) -> str:
    """NFKC-fold a line (full-width digits/letters to ASCII) but keep the Chinese comma
    "，" so it is never read as a thousands separator."""
    return "".join(c if c == "，" else unicodedata.normalize("NFKC", c) for c in text)


@dataclass(frozen=True)
class Sentence:
    """A sentence joined across line breaks, with the 1-based source lines it spans."""

    text: str
    lines: tuple[int, ...]
    # offset in ``text`` -> source line, as sorted (offset, line) pairs
    line_starts: tuple[tuple[int, int], ...] = ()

    def lines_of(self, start: int, end: int) -> tuple[int, ...]:
        """The source lines covering ``text[start:end]``."""
        out = []
        for i, (off, line) in enumerate(self.line_starts):
            nxt = self.line_starts[i + 1][0] if i + 1 < len(self.line_starts) else len(self.text) + 1
            if off < end and nxt > start:
                out.append(line)
        return tuple(out) or self.lines


_PAGE_MARK = re.compile(r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|page\s+\d+(?:\s+of\s+\d+)?|第\s*\d+\s*[頁页]|\d+\s*/\s*\d+)$", re.I)


def furniture_lines(lines: Sequence[str], *, min_repeats: int = 3, max_len: int = 80) -> set[int]:
    """0-based indices of page furniture: page numbers and short lines that repeat, up to
    their digits, at least ``min_repeats`` times without ending a sentence (running
    headers and footers of PDF-extracted text, "快手科技 2022 ESG報告 54"). A footer left in
    would glue its page number onto the number that starts the next page."""
    stripped = [ln.strip() for ln in lines]
    shape = [re.sub(r"\d+", "#", s) for s in stripped]
    counts = Counter(sh for s, sh in zip(stripped, shape, strict=True) if s and len(s) <= max_len)
    out = set()
    for i, s in enumerate(stripped):
        if not s or all(c in "".join(lexicon().bullets) or c.isspace() for c in s):
            continue
        if _PAGE_MARK.match(s) or (counts[shape[i]] >= min_repeats and not any(ch in s for ch in "。.!?！？")):
            out.add(i)
    return out


def _continues_number(s: str, lex: Lexicon) -> bool:
    """Whether a line starting with ``s`` can continue a sentence broken right after a
    number: a digit, a counting unit (萬), a unit (噸, kWh), an English scale word or any
    lower-case word ("in 2022 / the company"). A capital or other CJK start after a
    number is read as the next row of a table."""
    if not s:
        return False
    c = s[0]
    if c.isdigit() or c in ".,%" or c in lex.big_units or c in lex.small_units or c.islower():
        return True
    w = re.match(r"[A-Za-z]+", s)
    if w and w.group(0).lower() in lex.scale_words:
        return True
    return any(_word_pattern(sp).match(s) for sp, _ in lex.units)


def join_sentences(text: str) -> list[Sentence]:
    """Split a report's text into sentences, joining lines broken by PDF extraction.

    Blank lines and page furniture (:func:`furniture_lines`) are transparent; a line that
    starts with a bullet opens a new sentence; a line ending in a digit followed by a line
    that cannot continue a number (a table row) ends one. CJK text is joined without a
    space, Latin text with one, and ``electri-`` + ``city`` is de-hyphenated.
    """
    lex = lexicon()
    raw_lines = text.splitlines()
    skip = furniture_lines(raw_lines)
    buf: list[str] = []
    starts: list[tuple[int, int]] = []
    sentences: list[Sentence] = []
    offset = 0  # length of "".join(buf)

    def flush() -> None:
        nonlocal offset
        _split_into("".join(buf), starts, sentences, lex)
        buf.clear()
        starts.clear()
        offset = 0

    for idx, raw in enumerate(raw_lines):
        if idx in skip:
            continue
        line = fold_text(raw).strip()
        if not line:
            continue
        lineno = idx + 1
        if all(c in "".join(lex.bullets) or c.isspace() for c in line):  # a bullet on its own line
            if buf:
                flush()
            continue
        if buf:
            prev = buf[-1]
            if line.startswith(lex.bullets) or ((prev[-1].isdigit() or prev[-1] == "%") and not _continues_number(line, lex)):
                flush()
        if buf:
            prev = buf[-1]
            if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and line[:1].islower():
                buf[-1] = prev[:-1]
                offset -= 1
            elif _is_latin(prev[-1]) or prev[-1].isdigit() or prev[-1] in ".,;:)%":
                if _is_latin(line[0]) or line[0].isdigit() or line[0] in "(":
                    buf.append(" ")
                    offset += 1
        starts.append((offset, lineno))
        buf.append(line)
        offset += len(line)
    if buf:
        flush()
    return sentences


def _split_into(joined: str, starts: Sequence[tuple[int, int]], out: list[Sentence], lex: Lexicon) -> None:
    cuts = []
    for i, c in enumerate(joined):
        if c in lex.sentence_ends:
            cuts.append(i + 1)
        elif c == "." and (i + 1 == len(joined) or joined[i + 1].isspace()):
            word = re.search(r"([A-Za-z.]+)$", joined[:i])
            if word and word.group(1).lower().rstrip(".") in lex.abbreviations:
                continue
            cuts.append(i + 1)
    offsets = [off for off, _ in starts]
    begin = 0
    for end in [*cuts, len(joined)]:
        seg = joined[begin:end]
        lead = len(seg) - len(seg.lstrip())
        s, e = begin + lead, end
        if joined[s:e].strip():
            text = joined[s:e].rstrip()
            ls = []
            j = max(bisect_right(offsets, s) - 1, 0)  # the line the sentence starts in
            while j < len(starts) and starts[j][0] < s + len(text):
                ls.append((max(starts[j][0] - s, 0), starts[j][1]))
                j += 1
            out.append(Sentence(text=text, lines=tuple(line for _, line in ls), line_starts=tuple(ls)))
        begin = end


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
_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?")
_GROUPING = re.compile(r"[,\s\u00a0\u2009\u202f]")


def _lead(v: Fraction) -> Fraction:
    """The place value of the last non-zero digit of a terminating decimal (3000 -> 1000,
    684 -> 1, 0.25 -> 0.01; 1 for zero)."""
    if v == 0:
        return Fraction(1)
    k = 0
    while (v / Fraction(10) ** (k + 1)).denominator == 1:
        k += 1
    while (v / Fraction(10) ** k).denominator != 1 and k > -30:
        k -= 1
    return Fraction(10) ** k


def _arabic(text: str) -> tuple[Fraction, Fraction, Fraction]:
    """(value, step, lead) of Arabic digits with optional thousands separators."""
    d = Decimal(_GROUPING.sub("", text))
    exp = d.as_tuple().exponent
    assert isinstance(exp, int)
    v = Fraction(d)
    return v, Fraction(10) ** exp, _lead(v) if v else Fraction(10) ** exp


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
        m = _ARABIC.match(s, i)
        if m:
            tokens.append(("num", Fraction(Decimal(_GROUPING.sub("", m.group(0))))))
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
    m = re.fullmatch(r"(" + _ARABIC.pattern + r")\s*([A-Za-z]+)", s)
    if m and m.group(2).lower() in lex.scale_words:
        v, step, lead = _arabic(m.group(1))
        k = Fraction(lex.scale_words[m.group(2).lower()])
        return PrintedNumber(v * k, step * k, lead * k, text, more)
    m = _ARABIC.fullmatch(s)
    if m:
        v, step, lead = _arabic(s)
        return PrintedNumber(v, step, lead, text, more)
    v = chinese_numeral(s)
    lead = _lead(v)
    # an Arabic part followed only by big units keeps its own decimal step (1.2萬: step 1,000)
    m = re.fullmatch(r"(" + _ARABIC.pattern + r")([" + "".join(lex.big_units) + r"]+)", s)
    if m:
        _v, step, _l = _arabic(m.group(1))
        mult = Fraction(1)
        for c in m.group(2):
            mult *= lex.big_units[c]
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


# --------------------------------------------------------------------------- mentions


@dataclass(frozen=True)
class Mention:
    """A number followed by a unit in a sentence."""

    start: int  # of the number (or its qualifier)
    end: int  # after the unit
    number: PrintedNumber
    unit: str  # pint unit
    unit_text: str
    qualifier: Qualifier | None
    role: Literal["activity", "emission"]
    carrier: str | None = None
    gas: str | None = None

    printed: str = ""  # as printed, qualifier included ("約3,000噸")

    @property
    def text(self) -> str:
        return self.printed or (self.number.text + self.unit_text)


def _scan_number(s: str, i: int, lex: Lexicon) -> tuple[str, int] | None:
    """The printed number starting at ``s[i]`` (text, end) or None."""
    m = _ARABIC.match(s, i)
    j = i
    if m:
        j = m.end()
        # English scale word
        w = re.match(r"\s*([A-Za-z]+)(?![A-Za-z])", s[j:])
        if w and w.group(1).lower() in lex.scale_words:
            return s[i : j + w.end()], j + w.end()
    elif s[i] not in lex.digits and lex.small_units.get(s[i]) != 10:  # 十二萬, not 百萬 of 數百萬
        return None
    k = j
    unit_chars = set(lex.digits) | set(lex.small_units) | set(lex.big_units) | set(lex.more_suffixes)
    while k < len(s):
        c = s[k]
        if c in lex.small_units or c in lex.digits:
            # 千 in 千瓦時 / 千克 is the unit, not a multiplier
            if any(_word_pattern(sp).match(s, k) for sp, _ in lex.units if sp[0] == c):
                break
        if c not in unit_chars:
            break
        k += 1
    text = s[i:k]
    if not m:
        # a Chinese-only numeral needs a counting unit (not 一度, 一些)
        if not any(ch in lex.small_units or ch in lex.big_units for ch in text):
            return None
    return text, k


def _is_rate(s: str, uend: int, lex: Lexicon) -> bool:
    """Whether the unit ending at ``uend`` is the numerator of a rate per another unit
    ("0.5703 tCO2/MWh", "0.39 kg CO2e per kWh"); "3,000噸/年" (per year) stays a quantity."""
    m = re.match(r"\s*(?:[/╱／∕每]|per\b)\s*[萬万億亿]?", s[uend:], re.I)
    if not m:
        return False
    rest = s[uend + m.end() :]
    return any(_word_pattern(sp).match(rest) for sp, _ in lex.units)


def _qualifier_before(s: str, start: int, lex: Lexicon) -> tuple[Qualifier | None, int]:
    window = s[max(0, start - 24) : start]
    trimmed = re.sub(r"(?:[為为達达是到]|\s|\bis\b|\bby\b|\bof\b)*$", "", window)
    if trimmed.endswith(lex.not_qualifiers):
        return None, start
    for word, kind in lex.qualifiers_before:
        pat = _word_pattern(word)
        for mt in pat.finditer(trimmed):
            if mt.end() == len(trimmed):
                return kind, start - (len(window) - mt.start())
    return None, start


def _match_unit(s: str, k: int, lex: Lexicon) -> tuple[str, str, int] | None:
    j = k
    while j < len(s) and s[j] == " ":
        j += 1
    for spell, unit in lex.units:
        mt = _word_pattern(spell).match(s, j)
        if mt:
            return spell, unit, mt.end()
    return None


def _clause_start(s: str, pos: int, lex: Lexicon, floor: int) -> int:
    i = pos - 1
    while i >= floor:
        if s[i] in lex.clause_breaks and not (s[i] == "," and 0 < i < len(s) - 1 and s[i - 1].isdigit() and s[i + 1].isdigit()):
            return i + 1
        i -= 1
    return floor


def _clause_end(s: str, pos: int, lex: Lexicon) -> int:
    i = pos
    while i < len(s):
        if s[i] in lex.clause_breaks and not (s[i] == "," and 0 < i < len(s) - 1 and s[i - 1].isdigit() and s[i + 1].isdigit()):
            return i
        i += 1
    return len(s)


def _last_word(text: str, words: Iterable[str]) -> tuple[int, str] | None:
    hits = _find_words(text, words)
    if not hits:
        return None
    best = max(hits, key=lambda h: (h[1], h[1] - h[0]))
    return best[1], best[2]


def _dims_key(unit: str) -> frozenset[tuple[str, Fraction]]:
    return frozenset(dims_of(unit).items())


def find_mentions(sentence: str) -> list[Mention]:
    """Every number + unit in ``sentence``, classified.

    An ``emission`` has a gas unit (``t CO2e``, ``噸二氧化碳``) or a mass unit with an
    emission word in its clause (before the number or right after the unit). An
    ``activity`` is an energy, volume, coal-equivalent or mass figure whose carrier is
    named by an activity word in its clause (an electric-energy unit alone means
    electricity). Everything else (money, people, percentages, water tonnes) is skipped.
    """
    lex = lexicon()
    s = sentence
    out: list[Mention] = []
    i = 0
    prev_end = 0
    while i < len(s):
        c = s[i]
        if (c.isdigit() or c in lex.digits or lex.small_units.get(c) == 10) and not (i > 0 and (s[i - 1].isdigit() or s[i - 1] == "." or (s[i - 1].isalpha() and s[i - 1].isascii()))):
            scanned = _scan_number(s, i, lex)
            if scanned is None:
                i += 1
                continue
            ntext, k = scanned
            unit = _match_unit(s, k, lex)
            if unit is None:
                i = max(k, i + 1)
                continue
            _spell, punit, uend = unit
            if _is_rate(s, uend, lex):  # a factor (0.5703 tCO2/MWh), not a quantity
                i = uend
                continue
            try:
                number = parse_number(ntext)
            except ValueError:
                i = max(k, i + 1)
                continue
            qual, qstart = _qualifier_before(s, i, lex)
            after = s[uend : uend + 12]
            for word, kind in lex.qualifiers_after:
                if _word_pattern(word).match(after.lstrip()):
                    qual = qual or kind
                    break
            m = _classify(s, i, uend, number, ntext, punit, qual, qstart, lex, prev_end)
            if m is not None:
                out.append(m)
                prev_end = uend
            i = uend
            continue
        i += 1
    return out


def _classify(
    s: str, i: int, uend: int, number: PrintedNumber, ntext: str, punit: str, qual: Qualifier | None,
    qstart: int, lex: Lexicon, prev_end: int,
) -> Mention | None:
    """Classify the number + unit at ``s[qstart:uend]`` as an emission or an activity
    figure from its unit and the keywords of its clause (None: neither)."""

    def make(role: Literal["activity", "emission"], unit: str, carrier: str | None = None, gas: str | None = None) -> Mention:
        return Mention(
            start=qstart, end=uend, number=number, unit=unit, unit_text=s[i + len(ntext) : uend], qualifier=qual,
            role=role, carrier=carrier, gas=gas, printed=s[qstart:uend].strip(),
        )

    gas = gas_of(punit)
    if gas is not None:
        return make("emission", punit, gas=gas)
    before = s[_clause_start(s, qstart, lex, prev_end) : qstart]
    after = s[uend : _clause_end(s, uend, lex)]
    is_mass = dims_of(punit) == {"[mass]": Fraction(1)}
    act_words = [w for w, _, _ in lex.activity_words]
    em = _last_word(before, lex.emission_words)
    act = _last_word(before, act_words)
    if is_mass and (em or _find_words(after[:16], lex.emission_words)):
        # the nearer keyword decides between emission and fuel (柴油 ... 二氧化碳 ... 50噸)
        if act is None or (em is not None and em[0] >= act[0]):
            return make("emission", punit)
    act_after = _find_words(after[:24], act_words)
    word = act[1] if act else (act_after[0][2] if act_after else None)
    if word is not None:
        carrier, mass_unit = {w: (c, mu) for w, c, mu in lex.activity_words}[word]
        if mass_unit and is_mass:
            punit = f"{mass_unit} * ({punit}) / t"
        return make("activity", punit, carrier=carrier)
    if punit in lex.default_carrier_units:
        return make("activity", punit, carrier=lex.default_carrier_units[punit])
    return None


# --------------------------------------------------------------------------- pairing


@dataclass(frozen=True)
class Claim:
    """An activity paired with an emission figure in one sentence (or a candidate that
    could not be paired: ``activity`` None and ``reason`` set)."""

    sentence: Sentence
    emission: Mention
    activity: Mention | None
    reason: str | None = None


def pair_claims(sentence: Sentence) -> list[Claim]:
    """Pair each emission figure with the activity figure(s) of its sentence.

    The activities between the previous emission figure (or the sentence start) and
    this one are its candidates; if there are none, those after it (English "684 t of CO2e
    by saving 1.2 million kWh"). Several activities are each paired when a restatement
    word (相當於, equivalent to) or a standard-coal figure links them; otherwise, or when
    a total word (共計, in total) precedes the emission, the claim is a combined figure
    and listed as unparsed. A sentence with no claim word (減少, 節約, avoided, saving ...)
    states totals and gives no claim.
    """
    lex = lexicon()
    if not _find_words(sentence.text, lex.claim_words):  # totals, not a claim
        return []
    mentions = find_mentions(sentence.text)
    out: list[Claim] = []
    emissions = [m for m in mentions if m.role == "emission"]
    for idx, e in enumerate(emissions):
        lo = emissions[idx - 1].end if idx > 0 else 0
        hi = emissions[idx + 1].start if idx + 1 < len(emissions) else len(sentence.text)
        acts = [m for m in mentions if m.role == "activity" and lo <= m.start and m.end <= e.start]
        if not acts:
            later = [m for m in mentions if m.role == "activity" and e.end <= m.start and m.end <= hi]
            if later and _find_words(sentence.text[e.end : later[0].start], lex.cause_words):
                acts = later
            elif later:
                out.append(Claim(sentence, e, None, f"activity figure {later[0].text} follows the emission figure with no word linking them (by, through, 通過)"))
                continue
        if not acts:
            if _find_words(sentence.text, [w for w, _, _ in lex.activity_words]):
                out.append(Claim(sentence, e, None, "no activity figure (energy or fuel quantity) to pair with in the sentence"))
            continue
        seg = sentence.text[acts[-1].end : e.start] if acts[-1].end <= e.start else ""
        if len(acts) > 1:
            links = [sentence.text[a.end : b.start] for a, b in pairwise(acts)]
            coal = [a for a in acts if "tce" in a.unit]
            restated = all(_find_words(t, lex.restatement_words) for t in links) or (len(coal) >= 1 and len(acts) - len(coal) <= 1)
            if not restated or _find_words(seg, lex.combined_words):
                names = ", ".join(f"{a.text} ({a.carrier})" for a in acts)
                out.append(Claim(sentence, e, None, f"one emission figure for several activities ({names}): a combined figure, not checked per activity"))
                continue
        elif _find_words(seg, lex.combined_words):
            out.append(Claim(sentence, e, None, "the emission figure is a total (共計/in total) that may cover more than the activity named"))
            continue
        for a in acts:
            out.append(Claim(sentence, e, a))
    return out


# --------------------------------------------------------------------------- factors


@dataclass(frozen=True)
class ReferenceFactor:
    """A factor in the implied factor's unit: one row, or a product of rows (fuels)."""

    id: str
    value: Fraction
    rows: tuple[FactorRow, ...]
    source: str = ""

    def covers_year(self, year: int | None) -> bool:
        return year is None or all(r.covers_year(year) for r in self.rows)

    @property
    def years(self) -> str:
        return " & ".join(dict.fromkeys(r.years_text() for r in self.rows))


def _as(q: Any, target: str) -> Fraction | None:
    try:
        r = (q / parse_unit(target)).to("dimensionless").magnitude
    except Exception:  # pint.DimensionalityError and friends
        return None
    return r if isinstance(r, Fraction) else Fraction(r)


def implied_units(carrier: str, activity_unit: str) -> tuple[str, str] | None:
    """(mass unit, per unit) of the implied factor for an activity unit, or None."""
    lex = lexicon()
    want = _dims_key(activity_unit)
    for mass, per in lex.implied_units.get(carrier, lex.implied_units["default"]):
        if _dims_key(per) == want:
            return mass, per
    return None


@dataclass(frozen=True)
class _Base:
    """The CO2 (or CO2e) part of a chain: one emission row, or a carbon content times an
    oxidation rate times 44/12 (GB/T 32151.1-2015 formula (3))."""

    rows: tuple[FactorRow, ...]
    quantity: Any
    gas: str

    @property
    def id(self) -> str:
        return " × ".join(r.id for r in self.rows) + (" × 44/12" if len(self.rows) > 1 else "")


def _bases(rows: Iterable[FactorRow]) -> list[_Base]:
    """Emission rows (CO2, CO2e) and coherent carbon-content x oxidation-rate pairs."""
    rows = list(rows)
    out = [_Base((r,), r.quantity, r.gas or "CO2") for r in rows if r.kind == "emission" and (r.gas or "").upper() in ("CO2", "CO2E")]
    ccs = [r for r in rows if r.kind == "carbon_content"]
    ofs = [r for r in rows if r.kind == "oxidation_rate"]
    for cc in ccs:
        for of in ofs:
            if _coherent([cc, of]):
                out.append(_Base((cc, of), cc.quantity * of.quantity * parse_unit("carbon_to_co2"), "CO2"))
    return out


def factor_value(base: _Base, bridges: Sequence[tuple[FactorRow, int]], mass: str, per: str) -> Fraction | None:
    """``base`` times bridging rows (each to the power ±1) in ``mass <gas> / per``, or None
    when the dimensions do not come out as an emission per activity unit."""
    q = base.quantity
    for row, p in bridges:
        q = q * row.quantity if p > 0 else q / row.quantity
    return _as(q, f"{mass} {base.gas} / ({per})")


_KIND_TOKENS = frozenset({"cc", "of", "ncv", "co2", "ch4", "n2o", "co2e"})


def _fuel_key(row: FactorRow) -> str:
    """The fuel a row is for within its publisher's tables: its id without table numbers,
    kind tokens and editions (``ipcc-2006-v2-t1.4-lignite-co2`` -> ``ipcc-2006-v2-lignite``,
    ``cn-default-cc-diesel-ndrc2015`` -> ``cn-default-diesel``)."""
    toks = [t for t in row.id.split("-") if t not in _KIND_TOKENS and not re.fullmatch(r"t\d+(?:\.\d+)*|(?:ndrc)?\d{4}", t)]
    return "-".join(toks)


def _coherent(rows: Sequence[FactorRow]) -> bool:
    """Rows of one publisher in a chain must be for the same fuel (no IPCC lignite CO2
    factor times the IPCC sub-bituminous heating value)."""
    seen: dict[str, str] = {}
    for r in rows:
        pub = r.publisher or r.id
        if seen.setdefault(pub, _fuel_key(r)) != _fuel_key(r):
            return False
    return True


def _chains(bases: Sequence[_Base], bridges: Sequence[FactorRow], mass: str, per: str) -> list[ReferenceFactor]:
    """Each base alone, or times one or two bridging rows (heating value, coal
    equivalent, density), that comes out in ``mass gas / per`` (IPCC 2006 Vol. 2 ch. 1
    eq. 1.1: emissions = fuel x NCV x EF)."""
    out: list[ReferenceFactor] = []
    for b in bases:
        v = factor_value(b, [], mass, per)
        if v is not None:
            out.append(ReferenceFactor(b.id, v, b.rows))
            continue
        for n in (1, 2):
            for combo in permutations(bridges, n):
                if n == 2 and (combo[0].kind == combo[1].kind or combo[0].id > combo[1].id):
                    continue
                if not _coherent([*b.rows, *combo]):
                    continue
                for signs in ([1], [-1]) if n == 1 else ([1, 1], [1, -1], [-1, 1], [-1, -1]):
                    v = factor_value(b, list(zip(combo, signs, strict=True)), mass, per)
                    if v is not None:
                        rid = " × ".join([b.id, *(c.id if sg > 0 else f"1/{c.id}" for c, sg in zip(combo, signs, strict=True))])
                        out.append(ReferenceFactor(rid, v, (*b.rows, *combo)))
    return out


def official_factors(carrier: str, activity_unit: str, library: FactorLibrary | None = None) -> list[ReferenceFactor]:
    """Every shipped factor for ``carrier`` (all editions, regions) in the implied
    factor's unit: CO2/CO2e emission rows, for fuels times the carrier's heating-value,
    coal-equivalent or density rows (IPCC 2006 Vol. 2 eq. 1.1)."""
    return list(_official(carrier, activity_unit, library or default_library()))


@lru_cache(maxsize=64)
def _official(carrier: str, activity_unit: str, library: FactorLibrary) -> tuple[ReferenceFactor, ...]:
    units = implied_units(carrier, activity_unit)
    if units is None:
        return ()
    own = [r for r in library if r.carrier == carrier and r.serves(*claim_uses(carrier, r.kind))]
    bridges = [r for r in own if r.kind in ("heating_value", "coal_equivalent", "density")]
    return tuple(_chains(_bases(own), bridges, *units))


#: the uses of an emission factor behind a saved/avoided electricity or heat claim: the grid
#: it displaces (location-based average, residual mix, CDM/CCER margin); never a life-cycle
#: footprint (a solar PV footprint of 0.05 t/MWh is not what a kWh saved avoids) or an
#: upstream-only figure
GRID_CLAIM_USES = ("grid_location", "grid_residual", "grid_avoided")


def claim_uses(carrier: str, kind: str) -> tuple[str, ...]:
    """The ``use`` a factor row must serve to check a claim about ``carrier``: heating
    values, coal equivalents and densities ``conversion``; carbon content and oxidation
    rate ``combustion``; emission factors of purchased electricity, heat and steam
    :data:`GRID_CLAIM_USES`, of fuels ``combustion``."""
    if kind in ("heating_value", "coal_equivalent", "density", "gwp"):
        return ("conversion",)
    if kind != "emission":
        return ("combustion",)
    from .carriers import carriers

    ctype = getattr(carriers().get(carrier), "type", None)
    if ctype in ("electricity", "heat") or carrier in ("electricity", "heat", "steam"):
        return GRID_CLAIM_USES
    return ("combustion", "direct")


def profile_factors(profile: Any, carrier: str, activity_unit: str, year: int | None,
                    region: str | None = None) -> tuple[list[ReferenceFactor], str | None]:
    """The factor a methodology profile uses for ``carrier`` in ``year`` (default: the
    profile's reporting year) and ``region`` (default: the profile's, else none), computed by
    the calculation core itself (:meth:`ghgcalc.calculation.Method.resolve`: the same
    edition choice, conversions and carbon content route as :func:`ghgcalc.calculate`), as
    CO2 (or, for a CO2e factor, CO2e) per activity unit. Returns (factors, note)."""
    from .calculation import method_for
    from .profiles import load_profile

    prof = load_profile(profile)
    if prof.method(carrier) is None:
        return [], f"profile {prof.id} gives no factor for {carrier}"
    y = year if year is not None else prof.reporting_year
    units = implied_units(carrier, activity_unit)
    if units is None:
        return [], f"profile {prof.id} has no CO2 factor for {carrier} in {y} in a unit comparable with {activity_unit}"
    mass, per = units
    method = method_for(prof)
    reg = region if region is not None else (prof.region or "")
    first = _profile_factor(method, prof.id, carrier, per, mass, y, reg)
    if isinstance(first, ReferenceFactor):
        return [first], None
    # a region the profile's factors only cover in parts (HK: HK-CLP and HK-HKE): each part
    # the profile pins a factor for, each resolved by the same core
    pinned = {(r.region or "").upper() for ref in prof.method(carrier).refs("emission")  # type: ignore[union-attr]
              for r in [method.factor(ref)] if r is not None}
    parts = sorted(p for p in pinned if reg and p.startswith(reg.upper() + "-"))
    found = [f for f in (_profile_factor(method, prof.id, carrier, per, mass, y, p) for p in parts) if isinstance(f, ReferenceFactor)]
    return (found, None) if found else ([], first)


def _profile_factor(method: Any, pid: str, carrier: str, per: str, mass: str, year: int, region: str) -> ReferenceFactor | str:
    """The profile's factor for one (year, region) in ``mass / per`` by ``Method.resolve``, or why none."""
    res = method.resolve(carrier, per, year, region, 0)
    no_factor = f"profile {pid} has no CO2 factor for {carrier} in {year} in a unit comparable with {per}"
    if res.error is not None:
        return f"profile {pid}: {carrier} in {year}: {res.error[1]}"
    col = "co2_t" if res.coef.get("co2_t") is not None else "co2e_t"
    coef, chain = res.coef.get(col), res.chains.get(col, {})
    rows = [r for r in (method.factor(fid) for fid in chain) if r is not None]
    if coef is None or not any(r.kind in ("emission", "carbon_content") for r in rows):
        return no_factor
    skipped = [f"{r.id} (use {r.use})" for r in rows if not r.serves(*claim_uses(carrier, r.kind))]
    if skipped:
        return f"{no_factor} ({', '.join(skipped)} allowed by allow_uses, but no claim factor)"
    value = _as(coef * parse_unit("t"), mass)
    assert value is not None
    fid = " × ".join(f if e > 0 else f"1/{f}" for f, e in chain.items() if (r := method.factor(f)) is None or r.kind != "gwp")
    if any(r.kind == "carbon_content" for r in rows):
        fid += " × 44/12"
    return ReferenceFactor(fid, value, tuple(r for r in rows if r.kind != "gwp"), f"profile {pid}")


@lru_cache(maxsize=1)
def _printed_factor_pattern() -> re.Pattern[str]:
    """number + mass (of a gas) + per + energy unit, from the unit lexicon."""
    lex = lexicon()
    mass = [sp for sp, u in lex.units if dims_of(u).get("[mass]") == 1 and len(dims_of(u)) <= 2 and "tce" not in u]
    energy = [sp for sp, u in lex.units if _dims_key(u) == _dims_key("MWh")]
    big = "".join(lex.big_units)
    m = "|".join(_word_pattern(x).pattern for x in mass)
    e = "|".join(_word_pattern(x).pattern for x in energy)
    return re.compile(
        rf"(?P<num>{_ARABIC.pattern})\s*(?P<mass>{m})\s*(?:[/╱／∕每]|per\b)\s*(?P<big>[{big}]?)\s*(?P<energy>{e})", re.IGNORECASE
    )


def _unit_of(spelling: str) -> str:
    for sp, u in lexicon().units:
        if _word_pattern(sp).fullmatch(spelling):
            return u
    raise UnitError("unknown unit spelling", value=spelling, column="text")


def printed_factors(sentences: Sequence[Sentence]) -> list[ReferenceFactor]:
    """Electricity factors printed in the text ("0.5703 tCO2/MWh", "0.5810噸二氧化碳/兆瓦時",
    "5703噸二氧化碳/萬千瓦時"), in t CO2/MWh, with their source line."""
    lex = lexicon()
    out = []
    for s in sentences:
        for m in _printed_factor_pattern().finditer(s.text):
            mass_u = _unit_of(m.group("mass"))
            energy_u = _unit_of(m.group("energy"))
            big = Fraction(lex.big_units[m.group("big")]) if m.group("big") else Fraction(1)
            gas = gas_of(mass_u) or "CO2"
            mass_u = mass_u if gas_of(mass_u) else f"{mass_u} {gas}"
            q = Fraction(Decimal(m.group("num").replace(",", ""))) * parse_unit(f"({mass_u}) / ({energy_u})") / big
            v = _as(q, f"t {gas} / MWh")
            if v is None:
                continue
            lines = s.lines_of(m.start(), m.end())
            out.append(ReferenceFactor(f"printed: {m.group(0)}", v, (), f"printed in the report, line {'-'.join(map(str, lines))}"))
    return out


def _plausible(printed: Sequence[ReferenceFactor], official: Sequence[ReferenceFactor]) -> tuple[list[ReferenceFactor], list[str]]:
    """Printed electricity factors within ten times the span of the shipped ones (a
    misread unit, e.g. t per 萬 kWh taken as t per kWh, is noted and not used)."""
    if not official:
        return list(printed), []
    lo = min(f.value for f in official) / 10
    hi = max(f.value for f in official) * 10
    keep = [f for f in printed if lo <= f.value <= hi]
    notes = [f"{f.id} ({f.source}) reads as {fmt(f.value)} t CO2/MWh, far outside every shipped electricity factor: not used"
             for f in printed if not lo <= f.value <= hi]
    return keep, notes


def cued_factors(sentences: Sequence[Sentence], year: int | None, library: FactorLibrary) -> tuple[list[ReferenceFactor], list[str]]:
    """Factors of the series the text names (``全國電網平均排放因子``), edition for ``year``."""
    lex = lexicon()
    out: list[ReferenceFactor] = []
    notes: list[str] = []
    for series, carrier, cues in lex.factor_cues:
        for s in sentences:
            flat = re.sub(r"\s+", "", s.text)
            hit = next((c for c in cues if c in flat), None)
            if hit is None:
                continue
            where = _word_pattern(hit).search(s.text)
            at = s.lines_of(where.start(), where.end()) if where else s.lines
            line = at[0] if at else 0
            rows = [r for r in library.select(carrier=carrier, kind="emission")
                    if r.series == series and r.serves(*claim_uses(carrier, "emission"))]
            if year is None:
                notes.append(f"line {line} names {hit} (series {series}) but the report year is unknown (use --year)")
                break
            rows = [r for r in rows if r.covers_year(year)]
            if not rows:
                notes.append(f"line {line} names {hit} (series {series}) but no shipped edition covers {year}")
                break
            units = implied_units(carrier, "MWh")
            assert units is not None
            for r in rows:
                v = factor_value(_Base((r,), r.quantity, r.gas or "CO2"), [], *units)
                if v is not None:
                    out.append(ReferenceFactor(r.id, v, (r,), f"named in the report at line {line} ({hit}); edition for {year}"))
            break
    return out, notes


# --------------------------------------------------------------------------- evaluation


@dataclass
class ClaimResult:
    """The check of one claim (JSON-ready via :meth:`as_dict`)."""

    sentence: str
    lines: tuple[int, ...]
    status: Status
    reason: str
    activity: dict[str, Any] | None = None
    emission: dict[str, Any] | None = None
    implied_factor: dict[str, Any] | None = None
    report_factors: list[dict[str, Any]] = field(default_factory=list)
    official: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "lines": list(self.lines),
            "status": self.status,
            "reason": self.reason,
            "activity": self.activity,
            "emission": self.emission,
            "implied_factor": self.implied_factor,
            "report_factors": self.report_factors,
            "official": self.official,
        }


def fmt(x: Fraction | None, sig: int = 4) -> str:
    """A fraction as a decimal string with ``sig`` significant digits (at least the
    integer part), half-up."""
    if x is None:
        return "∞"
    d = Decimal(x.numerator) / Decimal(x.denominator)
    if d == 0:
        return "0"
    exp = d.adjusted()
    places = max(sig - 1 - exp, 0)
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{q:,}" if places == 0 else f"{q:,.{places}f}"


def exact_text(x: Fraction | None) -> str | None:
    """A fraction as its exact decimal when it terminates within 12 places, else 10
    significant digits."""
    if x is None:
        return None
    d = Decimal(x.numerator) / Decimal(x.denominator)
    if (x * 10**12).denominator == 1:
        d = d.quantize(Decimal(1).scaleb(-12)).normalize()
        return f"{d:,f}" if d == d.to_integral() else f"{d:,}"
    return fmt(x, 10)


def _inside(v: Fraction, lo: Fraction, hi: Fraction | None) -> bool:
    return lo <= v and (hi is None or v <= hi)


_QUAL_TEXT = {"about": "about (rounded at its last non-zero digit)", "over": "more than", "under": "nearly / not more than"}


def evaluate(
    claim: Claim, *, report: Sequence[ReferenceFactor], official: Sequence[ReferenceFactor], year: int | None
) -> ClaimResult:
    """The verdict on one paired claim.

    ``flagged`` when report factors are known and none lies in the implied interval, or,
    with no report factor, when no official factor valid for ``year`` (every edition if
    the year is unknown) does; else ``consistent``.
    """
    s = claim.sentence
    e, a = claim.emission, claim.activity
    lines = s.lines
    if a is None:
        return ClaimResult(s.text, lines, "unparsed", claim.reason or "not paired", emission=_mention_dict(e, None, None))
    assert a.carrier is not None
    units = implied_units(a.carrier, a.unit)
    if units is None:
        return ClaimResult(s.text, lines, "unparsed", f"no factor unit for {a.carrier} in {a.unit}", activity=_mention_dict(a, None, None))
    mass, per = units
    e_unit = f"{mass} {e.gas}" if e.gas else mass
    e_to = _as(parse_unit(e.unit), e_unit)
    a_to = _as(parse_unit(a.unit), per)
    if e_to is None or a_to is None:
        return ClaimResult(s.text, lines, "unparsed", f"cannot convert {e.unit} to {e_unit} or {a.unit} to {per}")
    e_lo, e_hi = printed_interval(e.number, e.qualifier)
    a_lo, a_hi = printed_interval(a.number, a.qualifier)
    e_iv = (e_lo * e_to, None if e_hi is None else e_hi * e_to)
    a_iv = (a_lo * a_to, None if a_hi is None else a_hi * a_to)
    e_pt, a_pt = e.number.value * e_to, a.number.value * a_to
    if a_pt == 0:
        return ClaimResult(s.text, lines, "unparsed", "activity figure is zero", activity=_mention_dict(a, a_to, per))
    point = e_pt / a_pt
    lo, hi = implied_interval(e_iv, a_iv)
    gas = e.gas or "CO2"
    funit = f"{mass} {gas}/{per}"
    implied = {"value": fmt(point), "low": fmt(lo), "high": fmt(hi) if hi is not None else None, "unit": funit}
    rep = []
    for f in report:
        rep.append({
            "id": f.id, "value": fmt(f.value), "unit": funit, "source": f.source,
            "expected_emission": fmt(f.value * a_pt, 6), "expected_unit": e_unit,
            "claim_vs_factor": f"{float(point / f.value - 1) * 100:+.1f} %" if f.value else None,
            "inside": _inside(f.value, lo, hi),
        })
    valid = [f for f in official if f.covers_year(year)]
    inside_valid = [f for f in valid if _inside(f.value, lo, hi)]
    inside_any = [f for f in official if _inside(f.value, lo, hi)]
    nearest: list[ReferenceFactor] = []
    for f in sorted(official, key=lambda f: (abs(f.value - point), f.id)):
        if all(f.value != n.value for n in nearest):  # one per value: sibling editions often agree
            nearest.append(f)
        if len(nearest) == 3:
            break
    off: dict[str, Any] = {
        "unit": funit,
        "count": len(official),
        "range": [fmt(min(f.value for f in official)), fmt(max(f.value for f in official))] if official else None,
        "year": year,
        "range_for_year": [fmt(min(f.value for f in valid)), fmt(max(f.value for f in valid))] if valid else None,
        "nearest": [{"id": f.id, "value": fmt(f.value), "years": f.years} for f in nearest],
        "inside_interval": [f.id for f in inside_any][:10],
    }
    act = _mention_dict(a, a_to, per)
    act["interval"] = [exact_text(a_iv[0]), exact_text(a_iv[1])]
    emi = _mention_dict(e, e_to, e_unit)
    emi["interval"] = [exact_text(e_iv[0]), exact_text(e_iv[1])]
    span = f"{fmt(lo)}–{fmt(hi)}" if hi is not None else f"≥ {fmt(lo)}"
    if report:
        ok = [f for f in report if _inside(f.value, lo, hi)]
        if ok:
            status: Status = "consistent"
            reason = f"the report's factor {ok[0].id} = {fmt(ok[0].value)} {funit} lies in the implied range {span}"
        else:
            f0 = report[0]
            status = "flagged"
            reason = (
                f"implies {fmt(point)} {funit} ({span} at the printed precision), "
                f"{float(point / f0.value - 1) * 100:+.0f} % against the report's own {fmt(f0.value)} ({f0.id}); "
                f"at that factor the figure would be {fmt(f0.value * a_pt, 6)} {e_unit}"
            )
            if inside_any:
                reason += _fits_text(inside_valid, inside_any, year)
    elif not official:
        status, reason = "unparsed", f"no shipped factor for {a.carrier} per {per}"
    elif inside_valid:
        status = "consistent"
        reason = f"no report factor found; {len(inside_valid)} official factor(s){' for ' + str(year) if year else ''} in the implied range {span}, e.g. {inside_valid[0].id} = {fmt(inside_valid[0].value)}"
    else:
        status = "flagged"
        pool = f"valid for {year}" if year else "of any edition"
        rng = off["range_for_year"] if year else off["range"]
        reason = f"implies {fmt(point)} {funit} ({span}); no official factor {pool} lies in that range (they span {rng[0] if rng else '—'}–{rng[1] if rng else '—'})"
        if inside_any:
            reason += f"; only factors for other years fit: {', '.join(f.id for f in inside_any[:3])}"
    return ClaimResult(s.text, lines, status, reason, act, emi, implied, rep, off)


def _fits_text(valid: Sequence[ReferenceFactor], any_year: Sequence[ReferenceFactor], year: int | None) -> str:
    """Which shipped factors would give the claim: those of the report year first."""
    def show(fs: Sequence[ReferenceFactor]) -> str:
        return ", ".join(f"{f.id} ({fmt(f.value)})" for f in fs[:3]) + (f" and {len(fs) - 3} more" if len(fs) > 3 else "")

    others = [f for f in any_year if f not in valid]
    parts = []
    if valid:
        parts.append(f"official factors{' for ' + str(year) if year else ''} that would give it: {show(valid)}")
    if others:
        parts.append(f"{'other' if valid else 'shipped'} factors (other years or methods) that would: {show(others)}")
    return "; " + "; ".join(parts) if parts else "; no shipped factor gives it"


def _mention_dict(m: Mention, to: Fraction | None, unit: str | None) -> dict[str, Any]:
    d: dict[str, Any] = {"text": m.text.strip(), "printed": m.number.text, "unit": m.unit, "qualifier": m.qualifier}
    if m.carrier:
        d["carrier"] = m.carrier
    if m.gas:
        d["gas"] = m.gas
    if to is not None and unit is not None:
        d["value"] = exact_text(m.number.value * to)
        d["in"] = unit
    return d


# --------------------------------------------------------------------------- driver


@dataclass
class ClaimsReport:
    """All claims found in one text, with what was used to judge them."""

    results: list[ClaimResult]
    year: int | None
    year_source: str
    report_factor_notes: list[str]
    source: str = "<text>"
    region: str | None = None

    def counts(self) -> dict[str, int]:
        c = Counter(r.status for r in self.results)
        return {k: c.get(k, 0) for k in ("flagged", "consistent", "unparsed")}

    @property
    def flagged(self) -> list[ClaimResult]:
        return [r for r in self.results if r.status == "flagged"]

    def to_list(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self.results]

    def to_json(self) -> str:
        return json.dumps(
            {"source": self.source, "year": self.year, "year_source": self.year_source, "region": self.region, "notes": self.report_factor_notes,
             "counts": self.counts(), "claims": self.to_list()},
            ensure_ascii=False, indent=2,
        )

    def to_table(self) -> str:
        where = f", official factors of region {self.region}" if self.region else ""
        lines = [f"claims in {self.source}: report year {self.year or 'unknown'} ({self.year_source}){where}"]
        lines += [f"note: {n}" for n in self.report_factor_notes]
        mark = {"flagged": "✗ FLAGGED", "consistent": "✓ consistent", "unparsed": "? unparsed"}
        for r in self.results:
            where = f"line {r.lines[0]}" if len(r.lines) == 1 else f"lines {r.lines[0]}-{r.lines[-1]}" if r.lines else "line ?"
            lines.append("")
            lines.append(f"{mark[r.status]}  {where}")
            lines.append(f"  {r.sentence}")
            if r.activity and "value" in r.activity:
                lines.append(f"  activity  {r.activity['text']} = {r.activity['value']} {r.activity['in']} {r.activity.get('carrier', '')}")
            if r.emission and "value" in r.emission:
                q = f" [{r.emission['qualifier']}: {r.emission['interval'][0]}–{r.emission['interval'][1]}]" if r.emission.get("qualifier") else ""
                lines.append(f"  emission  {r.emission['text']} = {r.emission['value']} {r.emission['in']}{q}")
            if r.implied_factor:
                f = r.implied_factor
                hi = f["high"] if f["high"] is not None else "∞"
                lines.append(f"  implied   {f['value']} {f['unit']} (printed precision: {f['low']}–{hi})")
            for rf in r.report_factors:
                lines.append(f"  report    {rf['id']} = {rf['value']} {rf['unit']} [{rf['source']}] -> expected {rf['expected_emission']} {rf['expected_unit']}; claim {rf['claim_vs_factor']}")
            if r.official and r.official.get("range"):
                o = r.official
                yr = f"; valid for {o['year']}: {o['range_for_year'][0]}–{o['range_for_year'][1]}" if o.get("range_for_year") else ""
                near = ", ".join(f"{n['id']} {n['value']} ({n['years']})" for n in o["nearest"])
                lines.append(f"  official  {o['count']} shipped factors {o['range'][0]}–{o['range'][1]} {o['unit']}{yr}; nearest: {near}")
            lines.append(f"  -> {r.reason}")
        c = self.counts()
        lines.append("")
        lines.append(f"{c['flagged']} flagged, {c['consistent']} consistent, {c['unparsed']} unparsed")
        return "\n".join(lines)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*(?:年|財年|财年|年度)|(?:FY|fiscal year|year|in)\s*((?:19|20)\d\d)(?!\d)", re.I)


def detect_year(text: str) -> int | None:
    """The report year: the year most often written as ``2022年``/``FY2022``/``in 2022``."""
    c = Counter(int(m.group(1) or m.group(2)) for m in _YEAR.finditer(fold_text(text)))
    return c.most_common(1)[0][0] if c else None


def read_text(path: str | Path) -> str:
    """A report's text file (UTF-8 with or without BOM, UTF-16 with BOM, or GB18030).

    Raises
    ------
    InputError
        If the file does not exist or cannot be decoded.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", column="path", value=str(path))
    data = p.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError("cannot decode the text (tried UTF-8, UTF-16, GB18030)", column="path", value=str(path))


def _check_text(
    text: str,
    *,
    profile: Any = None,
    year: int | None = None,
    region: str | None = None,
    library: FactorLibrary | None = None,
    source: str = "<text>",
) -> ClaimsReport:
    """Find and check every activity/emission claim in ``text`` (see the module docstring).

    ``region`` (default: the profile's, else every region) limits the official factors to
    those of that region and its sub-regions (``CN`` covers ``CN-BJ``, not ``HK``)."""
    lib = library or default_library()
    sentences = join_sentences(text)
    year_source = "given"
    prof = None
    if profile is not None:
        from .profiles import load_profile

        prof = load_profile(profile)
    if year is None and prof is not None:
        year, year_source = prof.reporting_year, f"profile {prof.id}"
    if region is None and prof is not None:
        region = prof.region
    if year is None:
        year = detect_year(text)
        year_source = "most frequent year in the text" if year else "not found"
    printed, dropped = _plausible(printed_factors(sentences), official_factors("electricity", "MWh", lib))
    cued, notes = ([], []) if (prof is not None or printed) else cued_factors(sentences, year, lib)
    notes = dropped + notes
    results: list[ClaimResult] = []
    for s in sentences:
        for c in pair_claims(s):
            report: list[ReferenceFactor] = []
            official: list[ReferenceFactor] = []
            if c.activity is not None and c.activity.carrier is not None:
                carrier = c.activity.carrier
                official = [f for f in official_factors(carrier, c.activity.unit, lib) if all(_within(r.region, region) for r in f.rows)]
                if prof is not None:
                    report, note = profile_factors(prof, carrier, c.activity.unit, year, region)
                    if note and note not in notes:
                        notes.append(note)
                elif carrier == "electricity":
                    report = printed or cued
            results.append(evaluate(c, report=report, official=official, year=year))
    return ClaimsReport(results, year, year_source, notes, source, region)


def _within(row_region: str | None, region: str | None) -> bool:
    """Whether a factor row's region lies in ``region`` (any when None; GLOBAL rows always)."""
    if region is None or row_region is None or row_region.upper() == "GLOBAL":
        return True
    own, want = row_region.upper(), region.upper()
    return own == want or own.startswith(want + "-")


def check_claims(
    text_or_path: str | Path, *, profile: Any = None, year: int | None = None, region: str | None = None,
    library: FactorLibrary | None = None, source: str | None = None,
) -> ClaimsReport:
    """Find and check every activity/emission claim of a report given as text or as a path to
    a text file (see the module docstring).

    A :class:`~pathlib.Path`, or a one-line string naming an existing file, is read with
    :func:`read_text`; any other string is the text itself. ``source`` names the text in the
    report (default: the path, else ``<text>``). ``region`` (default: the profile's, else every
    region) limits the official factors to those of that region and its sub-regions (``CN``
    covers ``CN-BJ``, not ``HK``).
    """
    if isinstance(text_or_path, Path) or _is_file(text_or_path):
        return _check_text(read_text(text_or_path), profile=profile, year=year, region=region, library=library,
                           source=source or str(text_or_path))
    return _check_text(text_or_path, profile=profile, year=year, region=region, library=library, source=source or "<text>")


def _is_file(text: str) -> bool:
    if "\n" in text or len(text) > 4096:
        return False
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # a sentence is no file name (too long, NUL byte)
        return False
