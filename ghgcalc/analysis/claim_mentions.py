"""Claims check, stage 3: mentions -- number + unit mentions in a sentence, classified as
activity or emission, and paired into claims. See :mod:`ghgcalc.claim_check`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from typing import Literal

from ..core.units import dims_of, gas_of
from .claim_numbers import ARABIC_NUMBER, PrintedNumber, parse_number
from .claim_text import Lexicon, Qualifier, Sentence, find_words, lexicon, word_pattern

__all__ = [
    "Claim",
    "Mention",
    "dims_key",
    "find_mentions",
    "pair_claims",
]

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
    m = ARABIC_NUMBER.match(s, i)
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
            if any(word_pattern(sp).match(s, k) for sp, _ in lex.units if sp[0] == c):
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
    return any(word_pattern(sp).match(rest) for sp, _ in lex.units)


def _qualifier_before(s: str, start: int, lex: Lexicon) -> tuple[Qualifier | None, int]:
    window = s[max(0, start - 24) : start]
    trimmed = re.sub(r"(?:[為为達达是到]|\s|\bis\b|\bby\b|\bof\b)*$", "", window)
    if trimmed.endswith(lex.not_qualifiers):
        return None, start
    for word, kind in lex.qualifiers_before:
        pat = word_pattern(word)
        for mt in pat.finditer(trimmed):
            if mt.end() == len(trimmed):
                return kind, start - (len(window) - mt.start())
    return None, start


def _match_unit(s: str, k: int, lex: Lexicon) -> tuple[str, str, int] | None:
    j = k
    while j < len(s) and s[j] == " ":
        j += 1
    for spell, unit in lex.units:
        mt = word_pattern(spell).match(s, j)
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
    hits = find_words(text, words)
    if not hits:
        return None
    best = max(hits, key=lambda h: (h[1], h[1] - h[0]))
    return best[1], best[2]


def dims_key(unit: str) -> frozenset[tuple[str, Fraction]]:
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
                if word_pattern(word).match(after.lstrip()):
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
    if is_mass and (em or find_words(after[:16], lex.emission_words)):
        # the nearer keyword decides between emission and fuel (柴油 ... 二氧化碳 ... 50噸)
        if act is None or (em is not None and em[0] >= act[0]):
            return make("emission", punit)
    act_after = find_words(after[:24], act_words)
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
    if not find_words(sentence.text, lex.claim_words):  # totals, not a claim
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
            if later and find_words(sentence.text[e.end : later[0].start], lex.cause_words):
                acts = later
            elif later:
                out.append(Claim(sentence, e, None, f"activity figure {later[0].text} follows the emission figure with no word linking them (by, through, 通過)"))
                continue
        if not acts:
            if find_words(sentence.text, [w for w, _, _ in lex.activity_words]):
                out.append(Claim(sentence, e, None, "no activity figure (energy or fuel quantity) to pair with in the sentence"))
            continue
        seg = sentence.text[acts[-1].end : e.start] if acts[-1].end <= e.start else ""
        if len(acts) > 1:
            links = [sentence.text[a.end : b.start] for a, b in pairwise(acts)]
            coal = [a for a in acts if "tce" in a.unit]
            restated = all(find_words(t, lex.restatement_words) for t in links) or (len(coal) >= 1 and len(acts) - len(coal) <= 1)
            if not restated or find_words(seg, lex.combined_words):
                names = ", ".join(f"{a.text} ({a.carrier})" for a in acts)
                out.append(Claim(sentence, e, None, f"one emission figure for several activities ({names}): a combined figure, not checked per activity"))
                continue
        elif find_words(seg, lex.combined_words):
            out.append(Claim(sentence, e, None, "the emission figure is a total (共計/in total) that may cover more than the activity named"))
            continue
        for a in acts:
            out.append(Claim(sentence, e, a))
    return out
