"""Units: one pint registry for ghgcalc, built once, plus the spellings reports print.

pint is used at the boundary only (MetPy's pattern): each distinct unit string is parsed
once (cached) and turned into an exact conversion factor (a :class:`fractions.Fraction`,
because the registry is built with ``non_int_type=Fraction``); rows then flow as float
arrays multiplied by ``float(factor)``. The exact factor is kept for reconciliation,
where a figure close to a rounding boundary is settled in exact arithmetic.

The registry is private to ghgcalc: a user's own registry is never mutated and no
context is enabled globally. Greenhouse gases and coal equivalent are their own
dimensions (see ``ghgcalc/data/units.txt``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache, partial
from importlib import resources
from typing import Any

import pint

from ..errors import UnitError
from ..io.quantities import quantity_words
from ..printed import exact
from .carriers import billing_units, load_yaml

__all__ = [
    "GAS_DIMENSIONS",
    "Q_",
    "UNKNOWN_UNIT_HINT",
    "UnitChoice",
    "ambiguous_unit",
    "apply_unit_choices",
    "conversion_factor",
    "dimensionality",
    "gas_of",
    "is_dimensionless",
    "leading_number_error",
    "metric_conversion",
    "normalize_unit_text",
    "parse_unit",
    "registry",
    "restated_unit",
    "unit_choices",
    "unit_notes",
]

#: dimension name -> gas symbol for the greenhouse gases that are their own dimensions
GAS_DIMENSIONS: dict[str, str] = {
    "[carbon_dioxide]": "CO2",
    "[co2_equivalent]": "CO2e",
    "[methane]": "CH4",
    "[nitrous_oxide]": "N2O",
    "[sulphur_hexafluoride]": "SF6",
    "[nitrogen_trifluoride]": "NF3",
    "[hydrofluorocarbon]": "HFC",
}


def _build(non_int_type: type) -> pint.UnitRegistry[Any]:
    """pint's default definitions come from pint's own on-disk cache of the parsed file
    (``cache_folder=":auto:"``, keyed by the file's content; about ten times faster than
    parsing it), falling back to parsing when the cache folder cannot be used."""
    reg: pint.UnitRegistry[Any]
    try:
        reg = pint.UnitRegistry(non_int_type=non_int_type, cache_folder=":auto:")
    except Exception:  # an unwritable or corrupt cache folder: parse the definitions instead
        reg = pint.UnitRegistry(non_int_type=non_int_type)
    text = resources.files("ghgcalc").joinpath("data/units.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            reg.define(line)
    # lowercase spelling of pint's BTU used in US disclosures
    reg.define("btu = BTU")
    for name, aliases in fluorinated_gases().items():
        safe = _safe_gas(name)
        reg.define(" = ".join([f"{safe} = [{safe.lower()}]", *(_safe_gas(a) for a in aliases if _safe_gas(a) != safe)]))
    return reg


def _safe_gas(name: str) -> str:
    """A registry name for a gas (``R-410A`` -> ``R_410A``, ``c-C4F8`` -> ``c_C4F8``,
    ``HFO-1234ze(E)`` -> ``HFO_1234ze_E``)."""
    return name.replace("-", "_").replace(" ", "_").replace("(", "_").replace(")", "")


@lru_cache(maxsize=1)
def fluorinated_gases() -> dict[str, list[str]]:
    """Gas name (as the GWP rows spell it) -> other printed spellings, from
    ``ghgcalc/data/gases.yaml``; each is its own unit dimension."""
    import yaml

    text = resources.files("ghgcalc").joinpath("data/gases.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    out = {str(k): [str(a) for a in (v or [])] for k, v in data.items()}
    for name in out:
        GAS_DIMENSIONS[f"[{_safe_gas(name).lower()}]"] = name
    return out


@lru_cache(maxsize=1)
def _gas_pattern() -> re.Pattern[str]:
    """Printed spellings of the fluorinated gases ("R-410A", "R410A", "HFC 134a") -> registry names."""
    names = [n for name, al in fluorinated_gases().items() for n in (name, *al)]
    parts = []
    for n in sorted(names, key=len, reverse=True):
        prefix, _, rest = n.partition("-")
        if rest:  # the hyphen may be printed as a space or left out
            parts.append(re.escape(prefix) + r"[-\s]?" + re.escape(rest).replace(r"\-", r"[-\s]?"))
        else:
            parts.append(re.escape(n))
    return re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(parts) + r")(?![A-Za-z0-9_])")


def _rewrite_gases(s: str) -> str:
    if not any(ch.isdigit() for ch in s):
        return s
    lookup: dict[str, str] = {}
    for name, al in fluorinated_gases().items():
        for n in (name, *al):
            lookup[re.sub(r"[-\s]", "", n)] = _safe_gas(n)
    return _gas_pattern().sub(lambda m: lookup.get(re.sub(r"[-\s]", "", m.group(1)), m.group(1)), s)


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry[Any]:
    """The public ghgcalc unit registry (float magnitudes; built on first use, then cached).

    Quantities returned to users (``result.totals()``) live here.
    """
    return _build(float)


@lru_cache(maxsize=1)
def exact_registry() -> pint.UnitRegistry[Any]:
    """A twin of :func:`registry` with exact (Fraction) magnitudes, used to derive
    conversion factors without float error. Never handed to users."""
    return _build(Fraction)


def Q_(value: Any, unit: str) -> Any:
    """A Quantity in the public registry, with the unit spelled as reports print it."""
    return value * _unit_quantity(unit, registry())


@lru_cache(maxsize=1024)
def _unit_quantity(unit: str, reg: pint.UnitRegistry[Any]) -> Any:
    """One of ``unit`` in ``reg`` (parsed once per spelling and registry; a Quantity is never
    changed in place here: ``value * q`` makes a new one)."""
    q = reg.parse_expression(normalize_unit_text(unit))
    if not isinstance(q, reg.Quantity):
        q = reg.Quantity(1, q)
    return q


_BARE_UNIT_WORD = re.compile(r"^\s*[(（]?\s*(?:units?|單位|单位)\s*[)）]?\s*$", re.I)
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_GAS_GLUED = re.compile(r"(?<![A-Za-z])(Mt|kt|kg|g|t|mt)(CO2e|CO2eq|CO2|CH4|N2O)(?![A-Za-z])")
# a mass of carbon as the Chinese guidelines print it ("t C/TJ", "tC/GJ"); pint's C is the coulomb
_CARBON_MASS = re.compile(r"(?<![A-Za-z])(Mt|kt|kg|g|t)\s*C(?![A-Za-z0-9])")
# gases as Chinese reports print them, glued to the unit ("噸二氧化碳當量", "千克甲烷"); longest first
_CHINESE_GASES: tuple[tuple[str, str], ...] = (
    ("二氧化碳排放當量", "CO2e"), ("二氧化碳排放当量", "CO2e"),
    ("二氧化碳當量", "CO2e"), ("二氧化碳当量", "CO2e"), ("二氧化碳等效", "CO2e"),
    ("二氧化碳", "CO2"), ("甲烷", "CH4"), ("氧化亞氮", "N2O"), ("氧化亚氮", "N2O"),
    ("六氟化硫", "SF6"), ("三氟化氮", "NF3"),
)
# "CO2-eq", "CO2-e", "CO2 eq.", "CO2equivalent": CO2e (a hyphen would read as a minus)
_CO2E_SPELLING = re.compile(r"CO2[\s-]*(?:eq(?:uivalents?|uiv)?\.?|e)(?![A-Za-z0-9])", re.I)
# currencies printed with a symbol (HK$, RMB¥, US$); pint cannot read "$"
_CURRENCY_SYMBOL = ((re.compile(r"HK\$"), " HKD "), (re.compile(r"US\$"), " USD "),
                    (re.compile(r"(?:RMB|CN)?[¥￥]"), " CNY "), (re.compile(r"£"), " GBP "), (re.compile(r"€"), " EUR "))
# "萬元營業收入" (10^4 yuan of revenue): the words after the currency name the denominator, not a unit
_REVENUE_WORDS = re.compile(r"(?<=元|幣|币)\s*(?:營業收入|营业收入|營業額|营业额|總收入|总收入|收入|產值|产值)")
# per employee as Chinese reports print it: "/人", "/名員工", "/每名僱員", "/每位員工"
_PER_EMPLOYEE = re.compile(r"/\s*每?\s*[名位]?\s*(?:員工|员工|僱員|雇员|雇員|職員|职员|人)")
_UNIT_TOKEN = r"[A-Za-z0-9_.\u4e00-\u9fff]+(?:\*\*-?\d+)?"
_DENOMINATOR_RUN = re.compile(rf"/\s*({_UNIT_TOKEN}(?:\s+{_UNIT_TOKEN})+)(?=\s*(?:$|[*/)]))")
_SQUARE_CUBE = re.compile(r"(?<![A-Za-z])(km|cm|mm|m|ft)([23])(?![0-9])")
# a thousands separator inside a number written in a unit ("RMB10,000", "HK$1,000"): without
# it the number is one token of the denominator, not a separate factor (pint read
# "t CO2e/RMB 10,000" as 10,000 t CO2e per RMB)
_GROUPED_NUMBER = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# a number glued to a currency code ("RMB10000", "HKD1000"): two tokens
_CODE_NUMBER = re.compile(r"(?<![A-Za-z])(CNY|RMB|HKD|USD|GBP|EUR)\s*(\d+)(?![\d.])")
# English words reports print between a mass and its gas or coal equivalent ("tonnes of CO2e",
# "Tonne of CO2 equivalent", "tonnes of carbon dioxide equivalent", "tonnes of standard coal")
_ENGLISH_GASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bcarbon\s+dioxide\s*(?:\(\s*CO2\s*\)\s*)?equivalents?\b", re.I), " CO2e "),
    (re.compile(r"\bcarbon\s+dioxide\b", re.I), " CO2 "),
    (re.compile(r"\b(?:standard\s+coal(?:\s+equivalents?)?|coal\s+equivalents?)\b", re.I), " standard_coal "),
)
# "ton"/"tons" in Hong Kong and mainland reports is the metric tonne (噸): pint's own "ton" is
# the US short ton (907.18 kg), which such a report never means; "short_ton" stays available
_TON = re.compile(r"\b(?:metric\s+)?tons?\b", re.I)
# "per" as a word, and the per-head / floor-area spellings KPI tables print
_PER_WORD = re.compile(r"\s+per\s+", re.I)
_PER_CAPITA = re.compile(r"/\s*(?:capita|head|headcount)\b", re.I)
# unit symbols printed in another case or spelt out ("KWh", "kwh", "MWH", "Gj", "KG", "kgs",
# "Ltr", "M3", "cbm", "cu.m", "Kilowatt hours", "kilowatt-hour", "Gigajoules", "kt CO2e"): the
# symbol; pint's "kt" is the knot, which no energy report means. Case matters elsewhere
# ("ML" megalitre vs "mL"), so only these spellings are folded.
_FOLDED_SYMBOLS = {"kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "twh": "TWh", "gj": "GJ", "mj": "MJ", "tj": "TJ",
                   "kg": "kg", "kgs": "kg", "ltr": "L", "ltrs": "L", "m3": "m**3", "cbm": "m**3", "kl": "kL",
                   "kilolitre": "kL", "kilolitres": "kL", "kiloliter": "kL", "kiloliters": "kL", "kt": "kilotonne",
                   "tce": "tce", "kgce": "kgce", "kilogram": "kg", "kilograms": "kg"}
_FOLDED_SYMBOL = re.compile(r"(?<![A-Za-z0-9_*])(" + "|".join(sorted(_FOLDED_SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z0-9_])", re.I)
_SPELT_ENERGY = re.compile(r"\b(kilo|mega|giga|tera)[\s-]*watt[\s-]*hours?\b|\b(kilo|mega|giga|tera)[\s-]*joules?\b", re.I)
_SPELT_PREFIX = {"kilo": "k", "mega": "M", "giga": "G", "tera": "T"}
_CU_METRE = re.compile(r"(?<![A-Za-z])cu\.?\s*m\b\.?", re.I)
# a denominator named in words with its unit in brackets ("tCO2e/Total floor area (m2)",
# "Tonnes/Floor area (m²)"): the unit in the brackets
_AREA_WORDS = re.compile(r"/\s*(?:(?:total|gross|construction)\s+)?(?:floor\s+area|area|GFA)\s*\(([^()]+)\)", re.I)
_SQ_METRE = re.compile(r"(?<![A-Za-z])sq\.?\s*(?:m|metres?|meters?)\b\.?", re.I)
_SQ_FOOT = re.compile(r"(?<![A-Za-z])sq\.?\s*(?:ft|feet|foot)\b\.?", re.I)
# words after a currency that name what the money is (revenue, turnover, output value):
# the denominator is the money ("tCO2e/HK$'000 revenue", "t/output value 10,000 yuan")
_ENGLISH_REVENUE_WORDS = re.compile(
    r"\b(?:(?:of|in)\s+)?(?:sales\s+revenue|operating\s+revenue|revenue|turnover|output\s+value|operating\s+income|income)\b",
    re.I)
_CURRENCY_TOKEN = re.compile(r"(?<![A-Za-z])(?:HKD|CNY|USD|RMB|GBP|EUR|yuan)(?![A-Za-z])|元|港元")


@dataclass(frozen=True)
class _Scales:
    """The scales printed with a unit (``unit_scales`` and ``multipliers`` of
    ``ghgcalc/data/quantities.yaml``), as patterns; each group that holds a scale text maps to
    its power of ten through ``power``."""

    power: dict[str, int]
    #: a Chinese counting word before a Latin unit symbol, a bracket, a space or a measure word
    counting: re.Pattern[str]
    #: a counting word with no unit after it ("万", "t/万")
    dangling: re.Pattern[str]
    #: zeros or words in front of the whole unit ("'000 kWh", "0000'kWh", "thousands of kWh")
    prefix: re.Pattern[str]
    #: zeros after the whole unit ("kWh'000", "kWh in '000s", "kWh ('000)")
    suffix: re.Pattern[str]
    #: zeros after or before a denominator ("kg/HK$'000", "t/'000 HK$"): the denominator's scale
    per_after: re.Pattern[str]
    per_before: re.Pattern[str]
    #: a unit that is only zeros ("'000", "0000'")
    only_zeros: re.Pattern[str]


_WORD_BEFORE = r"(?<![A-Za-z0-9_\u4e00-\u9fff])"
_DENOMINATOR_UNIT = r"([A-Za-z\u4e00-\u9fff]\w*(?:\*\*\d+)?)"


def _alternation(words: Any) -> str:
    """A regex alternation of ``words``, longest first (百万 before 万, 0000 before 000)."""
    return "|".join(re.escape(str(w)) for w in sorted(words, key=lambda w: (-len(str(w)), str(w))))


@lru_cache(maxsize=1)
def _scales() -> _Scales:
    data = quantity_words()
    spec = data["unit_scales"]
    counting = {str(w): int(p) for w, p in data["multipliers"].items() if not str(w).isascii()}
    zeros = {str(z): int(p) for z, p in spec["zeros"].items()}
    words = {re.sub(r"\s+", " ", str(w).casefold()): int(p) for w, p in spec["words"].items()}
    power = {**counting, **zeros, **words}
    c, z, q = _alternation(counting), _alternation(zeros), "".join(re.escape(str(x)) for x in spec["quotes"])
    w = _alternation(words).replace(r"\ ", r"\s+")
    measure = _alternation(spec["measure_words"])
    return _Scales(
        power=power,
        counting=re.compile(rf"{_WORD_BEFORE}({c})(?:\s*(?:{measure})\s*|\s+|(?=[A-Za-z(]))"),
        dangling=re.compile(rf"{_WORD_BEFORE}({c})(?=\s*(?:$|[/*)]))"),
        prefix=re.compile(rf"^\(?\s*(?:[{q}]({z})|({z})[{q}]|({z})(?=\s+\D)|({w}))\s*\)?\s*(.+)$", re.I),
        suffix=re.compile(rf"^(.+?)\s*(?:[{q}]({z})|\s+in\s+[{q}]?({z})s?|\(\s*[{q}]?({z})s?\s*\))$", re.I),
        per_after=re.compile(rf"/\s*{_DENOMINATOR_UNIT}\s*[{q}]({z})s?(?!\d)"),
        per_before=re.compile(rf"/\s*(?:[{q}]({z})s?|({w}))\s+{_DENOMINATOR_UNIT}", re.I),
        only_zeros=re.compile(rf"^\(?\s*[{q}]?({z})[{q}]?\s*\)?$"),
    )


def _scale_of(sc: _Scales, m: re.Match[str], groups: Sequence[int]) -> int:
    """10 to the power of the scale text in the first of ``groups`` that matched."""
    text = next(g for g in (m.group(i) for i in groups) if g)
    power: int = sc.power[re.sub(r"\s+", " ", text.casefold())]
    return int(10**power)


def _counted_units(s: str) -> str:
    """A Chinese counting word before a unit -> its power of ten ("万kWh" -> "10**4 kWh",
    "千個千瓦時" -> "10**3 千瓦時"); ``unit_scales`` of quantities.yaml."""
    sc = _scales()
    return sc.counting.sub(lambda m: f"10**{sc.power[m.group(1)]} ", s)


def _denominator_scales(s: str) -> str:
    """Thousands of a denominator: "kg/HK$'000" is kg per thousand HK$, not a thousand kg per HK$."""
    sc = _scales()
    s = sc.per_after.sub(lambda m: f"/({_scale_of(sc, m, (2,))} {m.group(1)})", s)
    return sc.per_before.sub(lambda m: f"/({_scale_of(sc, m, (1, 2))} {m.group(3)})", s)


def _whole_unit_scale(s: str) -> str:
    """Zeros or words for thousands in front of or after the whole unit ("'000 kWh",
    "0000'kWh", "kWh'000", "kWh in '000s", "thousands of kWh") -> ``10**n * (unit)``."""
    sc = _scales()
    m = sc.prefix.match(s)
    if m:
        return f"{_scale_of(sc, m, (1, 2, 3, 4))} * ({m.group(5).strip()})"
    m = sc.suffix.match(s)
    if m:
        return f"{_scale_of(sc, m, (2, 3, 4))} * ({m.group(1).strip()})"
    return s


def _scale_without_unit(text: str) -> UnitError | None:
    """The error for a scale with no unit after it ("万", "萬", "'000", "t/万"): what is counted
    is not said, so it is not guessed."""
    sc = _scales()
    folded = unicodedata.normalize("NFKC", text).strip()
    m = sc.only_zeros.match(folded)
    if m:
        return UnitError(f"{text.strip()!r} is a scale (x 10^{sc.power[m.group(1)]}) with no unit: what it scales is not said",
                         value=text, column="unit", hint="write the unit it scales: '000 kWh, 0000'kWh, kWh'000")
    m = sc.dangling.search(normalize_unit_text(text))
    if m:
        w = m.group(1)
        return UnitError(f"{w!r} in {text.strip()!r} is a counting word (x 10^{sc.power[w]}) with no unit after it: "
                         "what it counts is not said", value=text, column="unit",
                         hint=f"write the unit it counts ({w}kWh, {w}吨, {w}立方米, {w}元), or put {w} in the quantity (1.2{w})")
    return None


# US and UK spellings (issue 15): "short ton(s)"/"US ton" (2,000 lb) and "long ton"/"UK ton"
# (2,240 lb) before the rule that reads a bare "ton" as the tonne; US and imperial gallons; cubic feet
_SHORT_TON = re.compile(r"\b(?:short|US|U\.S\.)\s+tons?\b|\btons?\s*\(\s*(?:short|US|U\.S\.)\s*\)", re.I)
_LONG_TON = re.compile(r"\b(?:long|UK|imperial)\s+tons?\b|\btons?\s*\(\s*(?:long|UK|imperial)\s*\)", re.I)
_US_GALLON = re.compile(r"\b(?:US|U\.S\.)\s+(?:gal|gals|gallons?)\b\.?|\b(?:gal|gals|gallons?)\s*\(\s*(?:US|U\.S\.)\s*\)", re.I)
_IMP_GALLON = re.compile(r"\b(?:imp|imperial|UK)\.?\s+(?:gal|gals|gallons?)\b\.?|\b(?:gal|gals|gallons?)\s*\(\s*(?:imp|imperial|UK)\.?\s*\)", re.I)
_GALLON_WORD = re.compile(r"\b(?:gals|GAL|Gal|GALLONS?|Gallons?)\b")
_CUBIC_FEET = re.compile(r"(?<![A-Za-z])(?:cubic\s+(?:feet|foot|ft)|cu\.?\s*(?:ft|feet|foot)\b\.?)", re.I)
# watt-hours with the hour spelt "hr" ("kW-hr", "KWHR", "kWhr", "MW-hr", and "kkw-hr", thousands of kWh as
# a Taiwanese CSR page prints it): pint reads "kW-hr" as a difference and knows no "kWhr". The prefix
# keeps its meaning (k, kk = 10^3 k, M, G, T); an "m" is the mega of energy reports, as "mwh" is in
# _FOLDED_SYMBOLS below
_HOUR_SPELT_HR = re.compile(r"(?<![A-Za-z])(kk|[kmgt])?w[\s-]*hrs?\.?(?![A-Za-z])", re.I)
_HR_PREFIX = {"kk": "kk", "k": "k", "m": "M", "g": "G", "t": "T"}


def _watt_hour(m: re.Match[str]) -> str:
    return _HR_PREFIX.get((m.group(1) or "").lower(), "") + "Wh"
# the calorific basis of an energy ("kWh (Gross CV)", "MWh gross", "kWh HHV"; "kWh (net CV)", "kWh NCV"):
# gross marks the energy (units.txt gross_cv); net is the basis energies are taken on (no mark)
_CV_BASIS = re.compile(r"([A-Za-z]\w*)\s*[(]?\s*(?:(gross)(?:\s*(?:CV|calorific\s+value))?|(GCV|HHV)|(higher)\s+heating\s+value"
                       r"|(net)(?:\s*(?:CV|calorific\s+value))?|(NCV|LHV)|(lower)\s+heating\s+value)\s*[)]?(?=\s*(?:$|[/*)]))", re.I)


def _cv_basis(m: re.Match[str]) -> str:
    gross = any(m.group(g) for g in (2, 3, 4))
    return f"({m.group(1)} * gross_cv)" if gross else m.group(1)


def _us_uk_spellings(s: str) -> str:
    """US and UK unit spellings in any case (short ton, long ton, US gal, imp gal, cubic feet,
    kW-hr / kWhr, Therms qualified as US or EC, kWh (gross CV)) -> registry names."""
    s = _SHORT_TON.sub(" short_ton ", s)
    s = _LONG_TON.sub(" long_ton ", s)
    s = _US_GALLON.sub(" gallon ", s)
    s = _IMP_GALLON.sub(" imperial_gallon ", s)
    s = _GALLON_WORD.sub("gallon", s)
    s = _CUBIC_FEET.sub(" ft**3 ", s)
    s = _HOUR_SPELT_HR.sub(_watt_hour, s)
    s = _qualified_therms(s)
    s = _CV_BASIS.sub(_cv_basis, s)
    return s


class UnitChoice:
    """A unit whose size is a convention (``ghgcalc/data/unit_choices.yaml``): its bare
    spellings (-> multiple), the words that say which, and the options (registry unit, size,
    source)."""

    def __init__(self, name: str, spec: dict[str, Any]) -> None:
        self.name = name
        self.spellings: dict[str, int] = {str(k).lower(): int(v) for k, v in spec["spellings"].items()}
        self.qualifiers: dict[str, str] = {str(k).lower(): str(v) for k, v in spec["qualifiers"].items()}
        self.options: dict[str, dict[str, str]] = {str(k): {kk: str(vv) for kk, vv in v.items()} for k, v in spec["options"].items()}
        words = "|".join(re.escape(w) for w in sorted(self.spellings, key=len, reverse=True))
        quals = "|".join(re.escape(w) for w in sorted(self.qualifiers, key=len, reverse=True))
        self.bare = re.compile(rf"(?<![A-Za-z0-9_])({words})(?![A-Za-z0-9_])", re.I)
        self.qualified = re.compile(
            rf"(?<![A-Za-z0-9_])(?:({quals})\s+({words})|({words})\s*\(\s*({quals})\s*\)|({words})\s+({quals}))(?![A-Za-z0-9_])", re.I)

    def unit_for(self, spelling: str, option: str) -> str:
        k = self.spellings[spelling.lower()]
        unit = self.options[option]["unit"]
        return unit if k == 1 else f"({k} * {unit})"

    def describe(self) -> str:
        return " or ".join(f"the {o.upper()} {self.name} ({v['size']})" for o, v in self.options.items())


@lru_cache(maxsize=1)
def unit_choices() -> dict[str, UnitChoice]:
    """The units that need a choice (``ghgcalc/data/unit_choices.yaml``), by name."""
    return {str(k): UnitChoice(str(k), v) for k, v in (load_yaml("unit_choices.yaml") or {}).items()}


def _qualified_therms(s: str) -> str:
    """"US therms", "therm (EC)", "Dth (US)" -> the registry unit of that option."""
    for ch in unit_choices().values():
        def sub(m: re.Match[str], ch: UnitChoice = ch) -> str:
            q = next(g for g in (m.group(1), m.group(4), m.group(6)) if g)
            w = next(g for g in (m.group(2), m.group(3), m.group(5)) if g)
            return f" {ch.unit_for(w, ch.qualifiers[q.lower()])} "
        s = ch.qualified.sub(sub, s)
    return s


def _unchosen(text: str) -> UnitChoice | None:
    """The choice a unit needs: it spells a therm without saying which (after the qualified
    spellings are read), else None."""
    s = _qualified_therms(unicodedata.normalize("NFKC", text))
    for ch in unit_choices().values():
        if ch.bare.search(s):
            return ch
    return None


def _chosen_spelling(ch: UnitChoice, option: str, m: re.Match[str]) -> str:
    return ch.unit_for(m.group(1), option)


def apply_unit_choices(text: str, choices: dict[str, str]) -> str | None:
    """The unit with its bare conventional spellings replaced by the profile's choice
    (``{"therm": "ec"}``: "Therms" -> ``therm_EC``); None when the text spells none or the
    profile makes no choice for it (then :func:`parse_unit` asks)."""
    if not isinstance(text, str):
        return None
    s = _qualified_therms(unicodedata.normalize("NFKC", text))
    changed = False
    for name, ch in unit_choices().items():
        option = choices.get(name)
        if option is None or not ch.bare.search(s):
            continue
        s = ch.bare.sub(partial(_chosen_spelling, ch, option), s)
        changed = True
    return s.strip() if changed else None


@dataclass(frozen=True)
class _Ambiguous:
    """The spellings of ``ghgcalc/data/ambiguous_units.yaml``: refused ones (pattern, reason,
    hint) and ones read one way with a note (pattern, note)."""

    refused: tuple[tuple[re.Pattern[str], str, str], ...]
    read_as: tuple[tuple[re.Pattern[str], str], ...]


#: after a word of ambiguous_units.yaml: the end of the word, or a gas glued to it ("MTCO2e")
_WORD_END = r"(?=$|[^A-Za-z0-9_]|CO2|CH4|N2O)"


@lru_cache(maxsize=1)
def _ambiguous() -> _Ambiguous:
    data = load_yaml("ambiguous_units.yaml") or {}
    refused = tuple((re.compile(rf"(?<![A-Za-z0-9_])({_alternation(spec['words'])}){_WORD_END}"), str(spec["reason"]), str(spec["hint"]))
                    for spec in (data.get("refused") or {}).values())
    read_as = tuple((re.compile(str(spec["pattern"])), str(spec["note"])) for spec in (data.get("read_as") or {}).values())
    return _Ambiguous(refused, read_as)


def ambiguous_unit(text: str) -> UnitError | None:
    """The error for a unit that spells an ambiguous one (``MBtu``: 10^3 or 10^6 Btu; ``mt``,
    ``MT``: metric ton, millitonne or megatonne; ``ghgcalc/data/ambiguous_units.yaml``), else None."""
    folded = unicodedata.normalize("NFKC", text)
    for pattern, reason, hint in _ambiguous().refused:
        m = pattern.search(folded)
        if m:
            return UnitError(reason.format(word=m.group(1)), value=text, column="unit", hint=hint)
    return None


def unit_notes(unit: str) -> list[str]:
    """What a row's notes say about its unit: the therm it was read in (which one, its size,
    the source), an energy read on the gross calorific basis, and a spelling read one way of
    two (``mWh`` as MWh: ``read_as`` in ``ghgcalc/data/ambiguous_units.yaml``)."""
    notes = []
    folded = unicodedata.normalize("NFKC", unit)
    notes += [note.format(unit=unit) for pattern, note in _ambiguous().read_as if pattern.search(folded)]
    for ch in unit_choices().values():
        for option, spec in ch.options.items():
            if re.search(rf"(?<![A-Za-z0-9_]){re.escape(spec['unit'])}(?![A-Za-z0-9_])", unit):
                notes.append(f"unit: {spec['unit']} is the {option.upper()} {ch.name}, {spec['size']} ({spec['source']})")
    if "gross_cv" in normalize_unit_text(unit):
        notes.append("unit: an energy on the gross calorific value basis (gross CV): only factors per gross-CV energy apply to it")
    return notes


def normalize_unit_text(text: str) -> str:
    """Rewrite the spellings reports print into a pint expression.

    Handles full-width characters, superscripts (m³, 10⁴), the HKEX spellings
    ``'000 kWh``, ``000'kWh``, ``0000'kWh`` (10⁴ kWh), ``thousand kWh`` and ``MWh'000``, a
    Chinese counting word glued to a Latin symbol or a measure word (``万kWh``,
    ``千個千瓦時``; ``unit_scales`` of quantities.yaml), glued gas names (``tCO2e``),
    ``m3``/``Nm3``, the box-drawing slash ``╱`` and ``10^4``/``10**4`` prefixes.
    """
    s = text.strip()
    # normal / standard cubic metres are cubic metres (the reference conditions are the factor's)
    s = re.sub(r"(?<![A-Za-z])[NS]m(?:³|3|\*\*3|\^3)(?![0-9])", "m**3", s)
    # superscript exponents before NFKC (which would turn '³' into a plain '3')
    s = re.sub(r"10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", lambda m: "10**" + m.group(1).translate(_SUPERSCRIPTS), s)
    s = re.sub(r"([A-Za-z\u4e00-\u9fff])([²³])", lambda m: m.group(1) + "**" + m.group(2).translate(_SUPERSCRIPTS), s)
    s = unicodedata.normalize("NFKC", s)
    s = s.replace("╱", "/").replace("∕", "/").replace("·", "*").replace("×", "*")
    s = s.replace("（", "(").replace("）", ")")
    s = s.replace("^", "**")
    for word, gas in _CHINESE_GASES:
        s = s.replace(word, f" {gas} ")
    s = _CO2E_SPELLING.sub("CO2e", s)
    for pattern, code in _CURRENCY_SYMBOL:
        s = pattern.sub(code, s)
    s = _PER_EMPLOYEE.sub("/person", s)
    s = _REVENUE_WORDS.sub("", s)
    s = _GROUPED_NUMBER.sub("", s)
    s = _CODE_NUMBER.sub(r"\1 \2", s)
    s = _counted_units(s)
    for pattern, gas in _ENGLISH_GASES:
        s = pattern.sub(gas, s)
    s = re.sub(r"\bten\s+thousand\b", "10000", s, flags=re.I)
    s = _us_uk_spellings(s)
    s = _TON.sub("t", s)
    s = _PER_WORD.sub(" / ", s)
    s = _PER_CAPITA.sub("/person", s)
    s = re.sub(r"(?<=[A-Za-z])\(s\)", "", s)                 # "litre(s)", "tonne(s)", "kWh(s)"
    s = _SPELT_ENERGY.sub(lambda m: _SPELT_PREFIX[(m.group(1) or m.group(2)).lower()] + ("Wh" if m.group(1) else "J"), s)
    s = _CU_METRE.sub("m**3", s)
    s = re.sub(r"(?<![A-Za-z])kt(?=CO2|CH4|N2O)", "kilotonne ", s)   # "ktCO2e"
    s = re.sub(r"(?<![A-Za-z])(?:Kg|KG)(?=CO2|CH4|N2O)", "kg ", s)     # "KgCO2e"
    s = _FOLDED_SYMBOL.sub(lambda m: _FOLDED_SYMBOLS[m.group(1).lower()], s)
    s = _AREA_WORDS.sub(r"/(\1)", s)
    s = re.sub(r"\b(Cubic|Square|CUBIC|SQUARE)\b", lambda m: m.group(1).lower(), s)
    s = _SQ_METRE.sub("m**2", s)
    s = _SQ_FOOT.sub("ft**2", s)
    if _CURRENCY_TOKEN.search(s):
        s = _ENGLISH_REVENUE_WORDS.sub("", s)
    s = _denominator_scales(s)
    s = re.sub(r"\s+", " ", s).strip()
    s = _whole_unit_scale(s)
    # "tonnes of CO2e": the word between a unit and its gas (after "thousands of" above)
    s = re.sub(r"\s+of\s+", " ", s, flags=re.I)
    s = _rewrite_gases(s)
    s = _GAS_GLUED.sub(r"\1 \2", s)
    s = _CARBON_MASS.sub(r"\1 carbon", s)
    s = _SQUARE_CUBE.sub(r"\1**\2", s)
    # "GJ/10**4 m**3" means GJ per (10**4 m**3)
    s = re.sub(r"/\s*(10\*\*\d+)\s*([A-Za-z\u4e00-\u9fff][\w]*(?:\*\*\d+)?)", r"/(\1 * \2)", s)
    # "t CO2e/t CH4" means t CO2e per (t CH4): a denominator of several space-separated units
    # is one group (pint alone would read it as (t CO2e / t) * CH4)
    s = _DENOMINATOR_RUN.sub(lambda m: "/(" + m.group(1) + ")", s)
    return s


#: a number at the start of a unit (ASCII or full-width digits, grouped or not), and what
#: follows it: an exponent (10^4, 10**4, 10⁴, 1e3) or the rest of the unit
_LEADING_NUMBER = re.compile(r"^\s*['’‘]?([0-9０-９][0-9０-９,，.．]*)(\s*(?:\^|\*\*|[eE](?=[+-]?[0-9]))|[⁰¹²³⁴⁵⁶⁷⁸⁹])?")


def leading_number_error(text: str) -> UnitError | None:
    """The error for a unit that begins with a number that is not a power of ten (``104m3``,
    ``12 kWh``, ``2.5 t``), else None. A unit may begin with a power of ten (``1000 kWh``,
    ``10^4 m3``, ``10⁴m³``, ``1e3 kWh``) or with the zeros of an HKEX table (``'000 kWh``,
    ``0000'kWh``); ``104m3`` is what ``10⁴m³`` becomes when a PDF loses its superscript, and
    read as it stands it is 104 m³, 96 times too small, so it is refused, never guessed."""
    m = _LEADING_NUMBER.match(text)
    if m is None:
        return None
    digits = re.sub(r"[,，]", "", unicodedata.normalize("NFKC", m.group(1)))
    exponent = (m.group(2) or "").strip()
    if not exponent:                                   # 1000 kWh, '000 kWh, 0000'kWh
        ok = re.fullmatch(r"10*|0{3,4}", digits) is not None
    elif exponent in ("e", "E"):                       # 1e3 kWh
        ok = re.fullmatch(r"10*", digits) is not None
    else:                                              # 10^4, 10**4, 10⁴
        ok = digits == "10"
    if ok:
        return None
    return UnitError(f"the unit begins with the number {m.group(1)!r}, which is not a power of ten: a quantity belongs in the "
                     "quantity column, and a unit may begin only with a power of ten (1000 kWh, 10^4 m3)", value=text, column="unit",
                     hint=f"if {text.strip()!r} was copied from a PDF, it may have lost a superscript (10⁴m³ becomes 104m3): "
                          "write 10^4 m3 or 万m3")


#: the hint of a unit pint cannot read at all (callers with a better one of their own use theirs)
UNKNOWN_UNIT_HINT = "use a pint unit (MWh, GJ, t, m**3, L, scf, btu) or a Chinese spelling (兆瓦時, 萬千瓦時, 噸)"


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> Any:
    """Parse a unit as printed (``萬千瓦時``, ``10^4 t CO2e``, ``'000 kWh``) into a Quantity.

    The result is a pint Quantity whose magnitude is exact (a Fraction or int); it is
    cached, so each distinct spelling meets pint once per process.

    Raises
    ------
    UnitError
        If pint cannot make sense of the text.
    """
    if not isinstance(text, str) or not text.strip():
        raise UnitError("empty unit", value=text, column="unit")
    if _BARE_UNIT_WORD.match(text):   # pint would read "unit" as micro-nit, a luminance
        units = "; ".join(f"a {b.name} is {b.size}: write {b.unit} (or the MJ)" for b in billing_units().values())
        raise UnitError("'unit' alone is not a unit of measure", value=text, column="unit",
                        hint=f"{units}; for other fuels give kg, L or m³")
    no_unit = _scale_without_unit(text) or ambiguous_unit(text)
    if no_unit is not None:
        raise no_unit
    ch = _unchosen(text)
    if ch is not None:
        options = " or ".join(f'"{o}"' for o in ch.options)
        named = " / ".join(o["unit"] for o in ch.options.values())
        raise UnitError(f"{text.strip()!r} does not say which {ch.name}: {ch.describe()}", value=text, column="unit",
                        hint=f"set [units] {ch.name} = {options} in the profile, or write {named} "
                             f"('US therm', 'therm (EC)') in the unit column")
    same = restated_unit(text)
    if same is not None:
        return parse_unit(same)
    reg = exact_registry()
    expr = normalize_unit_text(text)
    try:
        q = reg.parse_expression(expr)
    except Exception as exc:  # pint raises several unrelated exception types
        try:
            detail = str(exc)
        except Exception:  # pint cannot format exact (Fraction) exponents in some messages
            detail = "units that cannot be combined" if isinstance(exc, pint.DimensionalityError) else "cannot parse"
        raise UnitError(
            f"unknown unit ({type(exc).__name__}: {detail})",
            value=text,
            column="unit",
            hint=UNKNOWN_UNIT_HINT,
        ) from None
    if not isinstance(q, reg.Quantity):
        q = reg.Quantity(1, q)
    mag = q.magnitude
    if isinstance(mag, float):
        mag = exact(mag)
        q = reg.Quantity(mag, q.units)
    if mag <= 0:
        raise UnitError("a unit must have a positive scale", value=text, column="unit",
                        hint="a number in a unit multiplies it ('000 kWh = 1000 kWh, 10^4 t); 0 or a negative number cannot")
    return q


_TRAILING_PARENS = re.compile(r"^(.*[^\s(（])\s*[(（]([^()（）]+)[)）]\s*$")


def restated_unit(text: str, pattern: re.Pattern[str] = _TRAILING_PARENS) -> str | None:
    """The unit before a bracket that restates it (``Tonnes CO2 equivalent (tCO2e)``,
    ``兆瓦時（MWh）``): that unit, when both spellings are exactly the same unit; else None
    (``t (CO2e)`` stays a mass of CO2e, ``kWh ('000)`` a thousand kWh). Without this, pint
    multiplied the two spellings (t² CO2e²). ``pattern`` splits the text into the unit and
    the bracketed restatement (groups 1 and 2)."""
    m = pattern.match(text.strip())
    if not m:
        return None
    outer, inner = m.group(1).strip(), m.group(2).strip()
    if not outer or outer.count("(") != outer.count(")") or outer.count("（") != outer.count("）"):
        return None
    try:
        return outer if conversion_factor(outer, inner) == 1 else None
    except UnitError:
        return None


@lru_cache(maxsize=16384)
def conversion_factor(from_unit: str, to_unit: str) -> Fraction:
    """Exact factor ``k`` such that ``x [from_unit] == k * x [to_unit]``.

    Raises
    ------
    UnitError
        If either unit is unknown or the dimensions differ.
    """
    a = parse_unit(from_unit)
    b = parse_unit(to_unit)
    try:
        ratio = (a / b).to("dimensionless").magnitude
    except pint.DimensionalityError:
        raise UnitError(
            f"cannot convert {from_unit!r} ({dimensionality(from_unit)}) to {to_unit!r} ({dimensionality(to_unit)})",
            value=from_unit,
            column="unit",
        ) from None
    return Fraction(ratio) if not isinstance(ratio, Fraction) else ratio


def metric_conversion(metric_unit: str, printed_unit: str) -> tuple[Fraction, str | None]:
    """Exact factor from a metric's unit to the unit a report prints for it, and a note when
    the printed unit had to be read in the metric's terms: a GHG figure printed in a bare mass
    ("Scope 2 ... tonnes", "ton", "噸") is a mass of the metric's gas (t CO2e), as the KPI's
    own label says; the note records it. Any other mismatch raises :class:`UnitError`."""
    try:
        return conversion_factor(metric_unit, printed_unit), None
    except UnitError:
        metric_gases = [g for k, g in GAS_DIMENSIONS.items() if dims_of(metric_unit).get(k) == 1]
        printed_dims = dims_of(printed_unit)
        if len(metric_gases) != 1 or any(k in GAS_DIMENSIONS for k in printed_dims) or printed_dims.get("[mass]") != 1:
            raise
        gas = metric_gases[0]
        k = conversion_factor(metric_unit, f"({printed_unit}) * {gas}")
        return k, f"the printed unit {printed_unit!r} names no gas: read as a mass of {gas}, the metric's gas"


@lru_cache(maxsize=4096)
def dimensionality(unit: str) -> str:
    """The dimensionality of a unit as a canonical string (``[length] ** 3``)."""
    d = dims_of(unit)
    return " * ".join(f"{k}" if v == 1 else f"{k} ** {v}" for k, v in sorted(d.items())) or "dimensionless"


def dims_of(unit: str) -> dict[str, Fraction]:
    """The dimensionality of a unit as a plain dict ``{"[mass]": 1, ...}``."""
    q = parse_unit(unit)
    return {str(k): Fraction(v) for k, v in q.dimensionality.items()}


def is_dimensionless(unit: str) -> bool:
    return not dims_of(unit)


def gas_of(unit: str) -> str | None:
    """The greenhouse gas of a unit that is a mass of one gas (``t CO2e`` -> ``CO2e``), else None."""
    d = dims_of(unit)
    gases = [GAS_DIMENSIONS[k] for k, v in d.items() if k in GAS_DIMENSIONS and v == 1]
    rest = {k: v for k, v in d.items() if k not in GAS_DIMENSIONS}
    if len(gases) == 1 and rest == {"[mass]": 1} and len(d) == 2:
        return gases[0]
    return None
