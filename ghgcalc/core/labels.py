"""Carrier labels read by their words: "Grid supplied electricity", "Natural gas (stationary
combustion)", "Petrol for company vehicles", "Purchased heat/steam", "绿电".

A label is cut into words (Latin words, and Chinese characters one by one), and the longest
phrases of the vocabulary are matched from the left: carrier names (``aliases`` and
``labels`` of ``ghgcalc/data/carriers.yaml``), qualifier words that say nothing about which
carrier it is (``label_qualifiers``: purchased, grid, consumption, stationary combustion,
company vehicles, ...), words that say the electricity is not a plain grid purchase
(``label_flags``: renewable, on-site, exported), words that name a contractual instrument
(``label_instruments``, from ``instruments.yaml``) and words that name no one carrier
(``label_ambiguous``: "gas"). A unit written into the label ("Diesel (litres)") is set aside.
Where words are left that the vocabulary does not know, the label is cut again with Latin words
also cut inside, where a word is known phrases written together ("dieselcombustion",
"ElectricityConsumption", "mainsCoke"); that cut is used when it leaves nothing unknown. It is the
cut with the fewest phrases, so a known word stays whole ("indirect" is never "in" + "direct").
This is the only carrier-label reader: the activity table asks nothing else.

The label names its carrier when exactly one carrier remains and every other word fits the
carrier's type. Otherwise it is refused with the reason: two carriers ("Diesel and petrol"),
an ambiguous word ("Gas"), on-site or exported electricity (never a grid purchase: GHG Protocol
Scope 2 Guidance, WRI/WBCSD 2015, ch. 5-6), renewable electricity without its instrument, or
words that name nothing, with the closest carrier names (did-you-mean, :mod:`difflib`).

Everything here is decided once per distinct label; :func:`read_label` is cached.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from ..errors import InputError
from .carriers import carriers, load_yaml
from .regions import instruments
from .units import ambiguous_unit, dims_of

__all__ = ["LabelReading", "label_words", "read_label"]

#: a word: a run of Latin letters and digits, or one Chinese character
_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: suggestions listed at most, and how close a word must be to a carrier name to be one
MAX_SUGGESTIONS = 3
_CUTOFF = 0.75
_CLOSE_TO_BEST = 0.05
#: what a unit written into a label may measure: energy (also on the gross calorific basis),
#: mass, volume (pint dimensionalities as :func:`ghgcalc.core.units.dims_of` gives them)
_ACTIVITY_DIMS = ({"[length]": 2, "[mass]": 1, "[time]": -2}, {"[mass]": 1}, {"[length]": 3},
                  {"[length]": 2, "[mass]": 1, "[time]": -2, "[gross_calorific_value]": 1})

Kind = Literal["resolved", "needs_instrument", "refused", "unknown"]


@dataclass(frozen=True)
class LabelReading:
    """How one carrier label reads.

    ``kind``: ``resolved`` (``carrier`` is its carrier), ``needs_instrument`` (renewable
    electricity: its rows need a contractual instrument, else ``reason``), ``refused`` (the
    label is not read as a carrier, for ``reason``), ``unknown`` (its words name no carrier;
    ``suggestions`` are the closest carrier ids). ``ignored``: the qualifier words and units
    set aside; ``instrument``: the instrument the label names (instruments.yaml id)."""

    kind: Kind
    carrier: str | None = None
    ignored: tuple[str, ...] = ()
    instrument: str | None = None
    reason: str | None = None
    hint: str | None = None
    suggestions: tuple[str, ...] = field(default=())

    def record(self) -> dict[str, Any]:
        """What ``input.carrier_labels`` shows for the label (see ActivityTable.input_info)."""
        out: dict[str, Any] = {"carrier": self.carrier, "how": "words"}
        if self.ignored:
            out["ignored"] = list(self.ignored)
        if self.instrument:
            out["instrument"] = self.instrument
        return out


def _words(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) of each word of ``text`` (NFKC, lower case)."""
    return [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def label_words(text: str) -> str:
    """A phrase folded as labels are matched: its words run together (``"Gas/diesel oil"`` ->
    ``"gasdieseloil"``, ``"non-renewable"`` -> ``"nonrenewable"``)."""
    return "".join(w for w, _, _ in _words(unicodedata.normalize("NFKC", str(text))))


@dataclass(frozen=True)
class _Vocabulary:
    carriers: dict[str, str]                  # phrase -> carrier id
    qualifiers: dict[str, frozenset[str]]     # phrase -> carrier types it fits
    flags: dict[str, str]                     # phrase -> flag name
    flag_specs: dict[str, dict[str, Any]]     # flag name -> types, needs, reason, hint
    instruments: dict[str, str]               # phrase -> instrument id
    instrument_carrier: str
    ambiguous: dict[str, tuple[str, ...]]     # phrase -> the carriers it may mean
    covers: dict[str, frozenset[str]]         # carrier -> the carriers it covers in a label
    longest: int                              # the longest phrase, in folded characters

    def knows(self, phrase: str) -> bool:
        return (phrase in self.carriers or phrase in self.qualifiers or phrase in self.flags
                or phrase in self.instruments or phrase in self.ambiguous)


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    """The label vocabulary of ``ghgcalc/data/carriers.yaml`` (and the instrument words of
    ``instruments.yaml``), each phrase folded by :func:`label_words`."""
    data = load_yaml("carriers.yaml")
    names: dict[str, str] = {}
    for cid, spec in data["carriers"].items():
        for a in [cid, *(spec.get("aliases") or []), *(spec.get("labels") or {}).values()]:
            k = label_words(str(a))
            if k:
                names.setdefault(k, cid)   # the first carrier to name a phrase keeps it (as carrier_alias_map)
    quals: dict[str, frozenset[str]] = {}
    for entry in data.get("label_qualifiers", []):
        for w in entry["words"]:
            k = label_words(str(w))
            quals[k] = quals.get(k, frozenset()) | frozenset(entry["types"])
    flags: dict[str, str] = {}
    specs: dict[str, dict[str, Any]] = {}
    for name, spec in (data.get("label_flags") or {}).items():
        specs[name] = {"types": frozenset(spec["types"]), "needs": spec["needs"], "reason": spec["reason"], "hint": spec["hint"]}
        for w in spec["words"]:
            flags.setdefault(label_words(str(w)), name)
    li = data.get("label_instruments") or {}
    inst_words: dict[str, str] = {}
    for iid in li.get("instruments", []):
        spec = instruments()[iid]
        for a in [iid, *(spec.get("aliases") or []), *(spec.get("labels") or {}).values()]:
            k = label_words(str(a))
            if k:
                inst_words.setdefault(k, iid)
    amb = {label_words(str(w)): tuple(ids) for w, ids in (data.get("label_ambiguous") or {}).items()}
    covers = {cid: frozenset(ids) for cid, ids in (data.get("label_covers") or {}).items()}
    longest = max(len(k) for k in [*names, *quals, *flags, *inst_words, *amb])
    return _Vocabulary(carriers=names, qualifiers=quals, flags=flags, flag_specs=specs, instruments=inst_words,
                       instrument_carrier=str(li.get("carrier", "electricity")), ambiguous=amb, covers=covers, longest=longest)


@dataclass
class _Match:
    phrase: str
    text: str          # as printed


def _segment(text: str, voc: _Vocabulary, extra: Mapping[str, str]) -> tuple[list[_Match], list[str]]:
    """The label's known phrases, longest first from the left, and the runs of words between
    them that the vocabulary does not know (as printed)."""
    words = _words(text)
    longest = max([voc.longest, *map(len, extra)])
    matches: list[_Match] = []
    unknown: list[str] = []
    run: list[tuple[int, int]] = []

    def close_run() -> None:
        if run:
            unknown.append(text[run[0][0]:run[-1][1]].strip())
            run.clear()

    i = 0
    while i < len(words):
        found = None
        phrase = ""
        for j in range(i + 1, len(words) + 1):
            phrase += words[j - 1][0]
            if len(phrase) > longest:
                break
            if phrase in extra or voc.knows(phrase):
                found = j, phrase
        if found is None:
            run.append((words[i][1], words[i][2]))
            i += 1
            continue
        close_run()
        j, phrase = found
        matches.append(_Match(phrase, text[words[i][1]:words[j - 1][2]]))
        i = j
    close_run()
    return matches, unknown


def _segment_run_together(text: str, voc: _Vocabulary, extra: Mapping[str, str]) -> tuple[list[_Match], list[str]]:
    """The label cut as :func:`_segment` does, but a Latin word may also be cut inside, where it
    is known phrases written together ("dieselcombustion", "mainsCoke", "Gas oilconsumption"):
    the cut with the fewest unknown words, then the fewest phrases, then the fewest cuts inside
    words (so "indirect" stays one word, never "in" + "direct"). A word that is not all known
    phrases stays whole and unknown."""
    words = _words(text)
    longest = max([voc.longest, *map(len, extra)])
    folded = "".join(w for w, _, _ in words)
    start_at: dict[int, int] = {}      # a cut in the folded text -> where a phrase starting there starts in the text
    end_at: dict[int, int] = {}        # ... where a phrase ending there ends
    word_end: dict[int, int] = {}      # a word's start in the folded text -> its end
    inside: set[int] = set()
    a = 0
    for w, st, en in words:
        b = a + len(w)
        start_at[a], end_at[b], word_end[a] = st, en, b
        if len(w) == en - st and not _CJK.match(w):   # a Latin word that folds one character to one
            for p in range(a + 1, b):
                start_at[p], end_at[p] = st + p - a, st + p - a
                inside.add(p)
        a = b
    # best[p]: (unknown words, phrases, cuts inside words) of the best cut of folded[:p], and the cut before p
    best: dict[int, tuple[tuple[int, int, int], int, bool]] = {0: ((0, 0, 0), -1, False)}
    for p in sorted(start_at):
        if p not in best:
            continue
        cost = best[p][0]
        for q in range(p + 1, min(len(folded), p + longest) + 1):
            if q in end_at:
                phrase = folded[p:q]
                if phrase in extra or voc.knows(phrase):
                    c = (cost[0], cost[1] + 1, cost[2] + (q in inside))
                    if q not in best or c < best[q][0]:
                        best[q] = (c, p, True)
        if p in word_end:
            q = word_end[p]
            c = (cost[0] + 1, cost[1] + 1, cost[2])
            if q not in best or c < best[q][0]:
                best[q] = (c, p, False)
    pieces: list[tuple[int, int, bool]] = []
    q = len(folded)
    while q > 0:
        _, p, known = best[q]
        pieces.append((p, q, known))
        q = p
    matches: list[_Match] = []
    unknown: list[str] = []
    run: list[tuple[int, int]] = []
    for p, q, known in reversed(pieces):
        if not known:
            run.append((start_at[p], end_at[q]))
            continue
        if run:
            unknown.append(text[run[0][0]:run[-1][1]].strip())
            run = []
        matches.append(_Match(folded[p:q], text[start_at[p]:end_at[q]]))
    if run:
        unknown.append(text[run[0][0]:run[-1][1]].strip())
    return matches, unknown


def _is_activity_unit(text: str) -> bool:
    """Whether printed text is a unit of energy, mass or volume ("litres", "kWh (gross CV)"),
    or an ambiguous spelling of one ("mt", "MBtu": refused in the unit column, but in a label
    still a unit word, not a carrier word; the unit column says which unit the rows are in)."""
    if ambiguous_unit(text) is not None:
        return True
    try:
        d = {k: int(v) for k, v in dims_of(text).items() if v != 0}
    except (InputError, ValueError, TypeError):
        return False
    return d in _ACTIVITY_DIMS


@lru_cache(maxsize=1)
def _suggestion_keys() -> dict[str, str]:
    return dict(_vocabulary().carriers)


def _suggest(runs: list[str], whole: str) -> tuple[str, ...]:
    """The carriers whose names are closest to the unknown words (:func:`difflib.get_close_matches`
    on the folded phrases), at most :data:`MAX_SUGGESTIONS`."""
    keys = _suggestion_keys()
    scored: dict[str, float] = {}
    for probe in [label_words(r) for r in runs] + [label_words(whole)]:
        if not probe:
            continue
        for k in difflib.get_close_matches(probe, list(keys), n=8, cutoff=_CUTOFF):
            score = difflib.SequenceMatcher(None, probe, k).ratio()
            scored[keys[k]] = max(scored.get(keys[k], 0.0), score)
    if not scored:
        return ()
    best = max(scored.values())
    # only the names about as close as the closest ("electricty": electricity, not it_electricity)
    ranked = sorted((c for c, sc in scored.items() if sc >= best - _CLOSE_TO_BEST), key=lambda c: -scored[c])
    return tuple(ranked[:MAX_SUGGESTIONS])


def _did_you_mean(suggestions: tuple[str, ...]) -> str:
    return "did you mean " + " or ".join(repr(s) for s in suggestions) + "?"


@lru_cache(maxsize=8192)
def _read(text: str, extra_items: tuple[tuple[str, str], ...]) -> LabelReading:
    voc = _vocabulary()
    extra = dict(extra_items)
    norm = unicodedata.normalize("NFKC", text).strip()
    matches, runs = _segment(norm, voc, extra)
    if any(not _is_activity_unit(r) for r in runs):    # words written together ("dieselcombustion")?
        joined, joined_runs = _segment_run_together(norm, voc, extra)
        if all(_is_activity_unit(r) for r in joined_runs):
            matches, runs = joined, joined_runs
    units = [r for r in runs if _is_activity_unit(r)]
    unknown = [r for r in runs if r not in units]

    hard: dict[str, list[_Match]] = {}     # carrier -> its phrases that are only carrier names
    soft: dict[str, list[_Match]] = {}     # carrier -> its phrases that are also qualifier words ("heating")
    for m in matches:
        cid = extra.get(m.phrase) or voc.carriers.get(m.phrase)
        if cid is not None:
            (soft if m.phrase in voc.qualifiers else hard).setdefault(cid, []).append(m)
    if len(set(hard) | set(soft)) > 1 and len(hard) == 1:   # "Natural gas for heating": heating is a word about the gas
        soft = {c: ms for c, ms in soft.items() if c in hard}
    found = list(dict.fromkeys([*hard, *soft]))
    for cid in list(found):                 # "Purchased heat/steam": heat covers steam (contract section 1)
        if any(cid in voc.covers.get(other, frozenset()) for other in found if other != cid):
            found.remove(cid)
    named = {id(m) for ms in [*hard.values(), *soft.values()] for m in ms}
    others = [m for m in matches if id(m) not in named]
    inst = list(dict.fromkeys(voc.instruments[m.phrase] for m in others if m.phrase in voc.instruments))
    amb = [m for m in others if m.phrase in voc.ambiguous]
    flagged = [m for m in others if m.phrase in voc.flags]

    if len(inst) > 1:
        return LabelReading("refused", reason=f"the label names {len(inst)} instruments ({', '.join(inst)})",
                            hint="one instrument per row: split the row")
    if not found and inst:
        found = [voc.instrument_carrier]
    if len(found) > 1:
        return LabelReading("refused", reason=f"unknown carrier: the label names {len(found)} carriers ({', '.join(found)})",
                            hint="give each carrier its own row", suggestions=tuple(found[:MAX_SUGGESTIONS]))
    if not found:
        return _no_carrier(norm, voc, amb, flagged, unknown, inst)
    cid = found[0]
    known = carriers().get(cid)
    ctype = known.type if known is not None else None   # a profile's own carrier: any qualifier fits
    ignored: list[str] = []
    needs: dict[str, Any] | None = None
    for m in others:
        if m.phrase in voc.instruments:
            if cid != voc.instrument_carrier:
                return LabelReading("refused", reason=f"unknown carrier: the instrument {voc.instruments[m.phrase]!r} in the "
                                    f"label is for {voc.instrument_carrier}, not {cid}",
                                    hint="name the instrument in the 'instrument' column of an electricity row")
            continue
        quals = voc.qualifiers.get(m.phrase)
        fits = ctype is None or (quals is not None and ctype in quals)
        flag = voc.flags.get(m.phrase)
        spec = voc.flag_specs[flag] if flag is not None and ctype is not None else None
        if spec is not None and ctype in spec["types"]:
            if spec["needs"] == "never":
                return LabelReading("refused", reason=spec["reason"], hint=spec["hint"])
            needs = spec
            ignored.append(m.text)
            continue
        if not fits and m.phrase in voc.ambiguous:
            return LabelReading("refused", reason=f"unknown carrier: the label names {cid} and {m.text!r}, which may be "
                                f"{' or '.join(voc.ambiguous[m.phrase])}", hint="give each carrier its own row",
                                suggestions=voc.ambiguous[m.phrase][:MAX_SUGGESTIONS])
        if not fits:
            what = f"{cid} (a {ctype})" if ctype else cid
            return LabelReading("refused", reason="unknown carrier",
                                hint=f"the words {m.text!r} in the label do not fit {what}: say which carrier the row is, "
                                     f"e.g. {cid!r}")
        ignored.append(m.text)
    if unknown:
        sugg = _suggest(unknown, norm)
        hint = (f"{_did_you_mean(sugg)} " if sugg and cid not in sugg else "") + (
            f"the label names {cid} but its words {', '.join(repr(u) for u in unknown)} are not carrier or qualifier words: "
            f"write the carrier alone (e.g. {cid!r}) and put other information in its own column")
        return LabelReading("unknown", reason="unknown carrier", hint=hint, suggestions=sugg)
    instrument = inst[0] if inst else None
    ignored += [f"{u} (unit)" for u in units]
    if needs is not None and instrument is None:
        return LabelReading("needs_instrument", carrier=cid, ignored=tuple(ignored), reason=needs["reason"], hint=needs["hint"])
    return LabelReading("resolved", carrier=cid, ignored=tuple(ignored), instrument=instrument)


def _no_carrier(norm: str, voc: _Vocabulary, amb: list[_Match], flagged: list[_Match], unknown: list[str],
                inst: list[str]) -> LabelReading:
    """A label whose words name no carrier: an ambiguous word, a flag ("Solar PV"), or words to
    suggest carriers for."""
    if amb and not unknown:
        m = amb[0]
        ids = voc.ambiguous[m.phrase]
        return LabelReading("refused", reason=f"unknown carrier: {m.text!r} names no one carrier (it may be {' or '.join(ids)})",
                            hint=f"say which: {', '.join(ids)}", suggestions=ids[:MAX_SUGGESTIONS])
    if flagged and not unknown:
        spec = voc.flag_specs[voc.flags[flagged[0].phrase]]
        return LabelReading("refused", reason=spec["reason"], hint=spec["hint"])
    sugg = _suggest(unknown, norm)
    hint = None
    if sugg:
        hint = f"{_did_you_mean(sugg)} (the words {', '.join(repr(u) for u in unknown) or repr(norm)} name no carrier)"
    return LabelReading("unknown", reason="unknown carrier", hint=hint, suggestions=sugg)


def read_label(text: str, extra: Mapping[str, str] | None = None) -> LabelReading:
    """Read a carrier label by its words (see the module docstring).

    Parameters
    ----------
    text
        The label as printed ("Grid supplied electricity", "天然气（固定燃烧）").
    extra
        More carrier names: folded name (:func:`label_words`) -> carrier id, e.g. the carriers a
        profile defines.

    Returns
    -------
    LabelReading
        Its carrier and how, or why it is not read as one. Decided once per distinct label
        (cached)."""
    return _read(str(text), tuple(sorted((extra or {}).items())))
