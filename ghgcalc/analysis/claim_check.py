"""Claims check: quantitative statements in a report's text that pair an activity with an
emission figure ("每年可供應綠色電力300萬度，可減少碳排放量約3,000噸"), checked against the
report's own factor and the official factors shipped with ghgcalc.

The flow, in small pure functions, one module a stage (each imports only the stages before
it; this module re-exports their public names):

1. text, :mod:`ghgcalc.claim_text` -- the lexicon; :func:`join_sentences`: PDF-extracted
   text to sentences: lines joined across breaks (no space between CJK characters,
   de-hyphenated English), page numbers and running headers/footers dropped, each sentence
   keeping the line numbers it came from.
2. numbers, :mod:`ghgcalc.claim_numbers` -- :func:`parse_number` / :func:`chinese_numeral`:
   printed numbers (``3,000``, ``1.2萬``, ``三百萬``, ``一億二千萬``, ``1.2 million``,
   full-width digits) to exact fractions, with the place value of the last printed digit
   (its precision; Arabic digits read by :mod:`ghgcalc.printed`); :func:`printed_interval` /
   :func:`implied_interval`: the interval a printed figure stands for (the contract's
   half-unit rule, widened by 約/逾/近/about/over/nearly, see ``data/claims.yaml``) and the
   interval of implied factors (emission / activity).
3. mentions, :mod:`ghgcalc.claim_mentions` -- :func:`find_mentions` / :func:`pair_claims`:
   number + unit mentions classified as activity (carrier from keywords) or emission (a gas
   unit or an emission word in the clause), paired within a sentence.
4. references, :mod:`ghgcalc.claim_references` -- the factors a claim is checked against:
   official ones of every edition, the profile's, those printed in the text and the series
   the text names.
5. verdict, this module -- :func:`evaluate`: with a report factor (from ``--profile``, from
   a factor printed in the text, or from the factor series the text names, edition of the
   report year) the claim is ``flagged`` when that factor lies outside the implied interval;
   with none, when no official factor valid for the report year does. Official factors of
   every edition are listed for context (range, nearest). :func:`check_claims` runs it all.

All keywords, unit spellings and qualifiers live in ``ghgcalc/data/claims.yaml``. Numbers
are exact (:class:`fractions.Fraction`); factor values come from the factor rows (contract
section 6), fuels' factors per natural unit are the product of an emission row (per
energy) and the carrier's heating-value / coal-equivalent rows (IPCC 2006 Vol. 2 ch. 1
eq. 1.1: emissions = fuel x NCV x EF).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from ..core.factors import FactorLibrary, default_library
from ..core.profiles import load_profile
from ..core.regions import region_within
from ..core.units import parse_unit
from ..errors import InputError
from .claim_mentions import Claim, Mention, find_mentions, pair_claims
from .claim_numbers import PrintedNumber, chinese_numeral, exact_text, fmt, implied_interval, parse_number, printed_interval
from .claim_references import (
    ReferenceFactor,
    cued_factors,
    implied_units,
    in_unit,
    official_factors,
    plausible_factors,
    printed_factors,
    profile_factors,
)
from .claim_text import Sentence, fold_text, join_sentences, lexicon

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
    "printed_factors",
    "printed_interval",
    "read_text",
]

Status = Literal["flagged", "consistent", "unparsed"]


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
    e_to = in_unit(parse_unit(e.unit), e_unit)
    a_to = in_unit(parse_unit(a.unit), per)
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
        prof = load_profile(profile)
    if year is None and prof is not None:
        year, year_source = prof.reporting_year, f"profile {prof.id}"
    if region is None and prof is not None:
        region = prof.region
    if year is None:
        year = detect_year(text)
        year_source = "most frequent year in the text" if year else "not found"
    printed, dropped = plausible_factors(printed_factors(sentences), official_factors("electricity", "MWh", lib))
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
    return region_within(row_region, region)


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
