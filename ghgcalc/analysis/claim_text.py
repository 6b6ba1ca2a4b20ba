"""Claims check, stage 1: the lexicon (``data/claims.yaml``) and the text -- PDF-extracted
text to sentences (lines joined across breaks, page furniture dropped), each keeping its
source lines. See :mod:`ghgcalc.claim_check` for the whole flow."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

__all__ = [
    "Lexicon",
    "Qualifier",
    "Sentence",
    "find_words",
    "fold_text",
    "furniture_lines",
    "join_sentences",
    "lexicon",
    "word_pattern",
]

Qualifier = Literal["about", "over", "under"]


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
def word_pattern(word: str) -> re.Pattern[str]:
    """A keyword/unit spelling as a regex: whitespace inside matches any whitespace run;
    Latin spellings are case-insensitive and must not continue into a letter or digit."""
    parts = [re.escape(p) for p in word.split(" ")]
    body = r"\s*".join(parts) if not _is_latin(word) else r"\s+".join(parts)
    if _is_latin(word):
        lead = r"(?<![A-Za-z])" if word[0].isalpha() else ""
        tail = r"(?![A-Za-z0-9])" if word[-1].isalnum() else ""
        return re.compile(lead + body + tail, re.IGNORECASE)
    return re.compile(body)


def find_words(text: str, words: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every occurrence (start, end, word) of any of ``words`` in ``text``."""
    out = []
    for w in words:
        for m in word_pattern(w).finditer(text):
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
    return any(word_pattern(sp).match(s) for sp, _ in lex.units)


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
