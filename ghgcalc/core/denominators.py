"""Intensity denominators as people write them, and their labels.

"RMB 1.2 billion", "HK$ 350 million", "US$ 2.5m", "£10m", "12亿元", "50,000 m²", "27,402
employees": the number keeps its printed digits and the unit carries the currency and the
scale (``ghgcalc/data/denominators.yaml``: currencies, scale words; a one-letter scale such as
the "m" of "£10m" is read only beside a currency, since "50,000 m²" is square metres). A
denominator's label in each language (en, zh_hant, zh_hans) comes from the caller, else from
``intensity.denominators`` in ``ghgcalc/data/metrics.yaml``, else from its own name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from .carriers import load_yaml, metric_definitions

__all__ = ["LANGUAGES", "denominator_label", "denominator_labels", "split_denominator"]

#: the languages of KPI labels
LANGUAGES = ("en", "zh_hant", "zh_hans")
_NUMBER = r"[+-]?\d[\d,_]*(?:\.\d+)?(?:[eE][+-]?\d+)?"


@lru_cache(maxsize=1)
def _words() -> tuple[dict[str, str], dict[str, str], dict[str, str], re.Pattern[str], re.Pattern[str]]:
    data: dict[str, Any] = load_yaml("denominators.yaml")
    cur = {str(k).lower(): str(v) for k, v in data["currencies"].items()}
    scales = {str(k).lower(): str(v) for k, v in data["scales"].items()}
    short = {str(k).lower(): str(v) for k, v in data["short_scales"].items()}
    cur_alt = "|".join(re.escape(c) for c in sorted(cur, key=len, reverse=True))
    scale_alt = "|".join(re.escape(c) for c in sorted([*scales, *short], key=len, reverse=True))
    before = re.compile(rf"^\s*({cur_alt})\s*({_NUMBER})\s*(?:({scale_alt})(?![A-Za-z]))?\s*(.*?)\s*$", re.I)
    after = re.compile(rf"^\s*({_NUMBER})\s*(?:({scale_alt})(?![A-Za-z]))?\s*({cur_alt})\s*$", re.I)
    return cur, scales, short, before, after


def split_denominator(text: str) -> tuple[str, str] | None:
    """The printed number and the unit of a denominator written with a currency
    (``"RMB 1.2 billion"`` -> ``("1.2", "CNY billion")``, ``"£10m"`` -> ``("10", "GBP million")``,
    ``"2.5m USD"`` -> ``("2.5", "USD million")``); None for any other text (a number followed by
    its unit, ``"50,000 m²"``, is read as it stands)."""
    cur, scales, short, before, after = _words()
    s = unicodedata.normalize("NFKC", str(text)).strip()
    m = before.match(s)
    if m and not m.group(4):
        code, number, scale = cur[m.group(1).lower()], m.group(2), m.group(3)
    else:
        m = after.match(s)
        if not m:
            return None
        number, scale, code = m.group(1), m.group(2), cur[m.group(3).lower()]
    if scale is None:
        return number, code
    word = scales.get(scale.lower()) or short[scale.lower()]
    return number, f"{code} {word}"


def denominator_labels(name: str, given: Mapping[str, str] | None = None) -> dict[str, str]:
    """A denominator's name in each language of :data:`LANGUAGES`: the labels given (a text for
    all languages under ``"all"``), else ``intensity.denominators`` of metrics.yaml (by name,
    case and spaces folded), else the name itself with its underscores as spaces."""
    table = metric_definitions().get("intensity", {}).get("denominators", {})
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    known = table.get(name) or table.get(key) or {}
    plain = name.replace("_", " ")
    given = dict(given or {})
    out = {lang: str(given.get(lang, given.get("all", known.get(lang, plain)))) for lang in LANGUAGES}
    return out


def denominator_label(name: str, lang: str, given: Mapping[str, str] | None = None) -> str:
    """:func:`denominator_labels` in one language."""
    return denominator_labels(name, given)[lang]
