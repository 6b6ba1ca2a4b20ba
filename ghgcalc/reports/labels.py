"""What a reader of the disclosure pack sees instead of ids: labels of metrics, columns and
settings, units as reports print them, and values at their declared precision.

All words are data (``data/metrics.yaml``: ``metrics`` (labels, ``precision``), ``intensity``
(``precision``), ``report_text.columns``, ``report_fields``, ``report_values``,
``report_units``, ``report_footnotes``). Ids stay in the XLSX, the JSON and the HTML's
``data-*`` attributes, for scripts.

Units: the HKEX ESG Reporting Guide asks for energy "in kWh in '000s" (KPI A2.1; Chinese text
以千個千瓦時計算); tonnes of standard coal (吨标准煤, tce) are those of GB/T 2589-2020
综合能耗计算通则.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..core.carriers import metric_definitions
from ..printed import format_at, round_half_up

__all__ = ["column_title", "field_label", "footnote_kinds", "footnote_text", "metric_label", "metric_precision", "number_text", "signed_text",
           "unit_text", "value_text"]

_SUPER = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _pick(spec: Any, lang: str, default: str) -> str:
    if not isinstance(spec, dict):
        return default
    return str(spec.get("en" if lang == "all" else lang, default))


def _typeset(unit: str) -> str:
    """A unit not in ``report_units`` with its powers as superscripts (``m^3`` -> ``m³``) and a
    bracketed denominator unbracketed (``GJ/(10^4 m^3)`` -> ``GJ/10⁴ m³``)."""
    s = re.sub(r"\^(-?[0-9]+)", lambda m: m.group(1).translate(_SUPER), unit)
    s = re.sub(r"\*\*(-?[0-9]+)", lambda m: m.group(1).translate(_SUPER), s)
    return re.sub(r"/\(([^()/]*)\)", r"/\1", s)


def unit_text(unit: Any, lang: str) -> str:
    """``unit`` as a report in ``lang`` prints it (``t CO2e`` -> 噸二氧化碳當量; an intensity
    ``'000 kWh / person`` -> 千個千瓦時／人)."""
    if unit is None or (isinstance(unit, float) and math.isnan(unit)):
        return ""
    text = str(unit)
    table = metric_definitions().get("report_units", {})
    if text in table:
        return _pick(table[text], lang, text)
    parts = text.split(" / ")
    if len(parts) == 1:
        return _typeset(text)
    sep = "／" if lang in ("zh_hant", "zh_hans") else " / "
    return sep.join(unit_text(p, lang) for p in parts)


def metric_precision(metric: str, base: str | None = None) -> int:
    """The decimals ``metric`` is printed at (``precision`` in ``metrics.yaml``); an intensity
    (``base`` given and not the metric itself) at ``intensity.precision``; 2 when none is declared."""
    defs = metric_definitions()
    if base is not None and base != metric:
        return int(defs.get("intensity", {}).get("precision", 2))
    spec = defs.get("metrics", {}).get(metric)
    return int(spec.get("precision", 2)) if isinstance(spec, dict) else 2


def number_text(v: Any, decimals: int, signed: bool = False) -> str:
    """``v`` with thousands separators at ``decimals`` decimals, rounded half-up on the decimal
    digits (:func:`ghgcalc.printed.format_at`: 2.675 -> ``2.68``, as the reports that
    reconciliation checks print it, never the binary float's 2.67); ``n/a`` for NaN; with
    ``signed``, a change with its sign (``+1,234.50``, ``-3.20``, ``0.00``)."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return str(x)
    text = format_at(x, decimals, grouping=True)
    if signed and round_half_up(x, decimals) > 0:   # a change that rounds to zero has no sign
        return "+" + text
    return text


def signed_text(v: Any, decimals: int) -> str:
    """A change with its sign (``+1,234.50``, ``-3.20``, ``0.00``); ``n/a`` for NaN."""
    return number_text(v, decimals, signed=True)


def metric_label(metric: str, lang: str) -> str | None:
    """A metric's label in ``lang`` (``metrics`` in ``metrics.yaml``), None for an unknown id."""
    spec = metric_definitions().get("metrics", {}).get(metric)
    return _pick(spec, lang, metric) if isinstance(spec, dict) else None


def column_title(col: str, lang: str) -> str:
    """A table column's heading in ``lang``: ``report_text.columns``, else the metric's label
    (by-facility columns are metric ids), ``change_YEAR_pct`` as "Change YEAR (%)", a year as
    itself; the id when none of these applies."""
    cols = metric_definitions().get("report_text", {}).get("columns", {})
    if col in cols:
        return _pick(cols[col], lang, col)
    m = re.fullmatch(r"change_([0-9]{4})_pct", col)
    if m and "change_pct" in cols:
        return _pick(cols["change_pct"], lang, col).replace("{year}", m.group(1))
    label = metric_label(col, lang)
    return label if label is not None else col


def field_label(key: str, lang: str) -> str:
    """A pack setting's label (``report_fields``), the id when it has none."""
    return _pick(metric_definitions().get("report_fields", {}).get(key), lang, key)


def value_text(key: str, value: Any, lang: str) -> Any:
    """A setting's value in words where ``report_values`` has them (``energy_basis``)."""
    spec = metric_definitions().get("report_values", {}).get(key)
    if isinstance(spec, dict) and isinstance(value, str) and value in spec:
        return _pick(spec[value], lang, value)
    return value


def footnote_kinds() -> list[tuple[str, set[str], set[str]]]:
    """(footnote key, factor kinds, factor uses) of the footnotes that name factor rows, in
    order (``kinds`` and ``uses`` of ``report_footnotes``; no ``uses``: any use)."""
    out = []
    for key, spec in metric_definitions().get("report_footnotes", {}).items():
        if isinstance(spec, dict) and spec.get("kinds"):
            out.append((str(key), {str(k) for k in spec["kinds"]}, {str(u) for u in spec.get("uses") or ()}))
    return out


def footnote_text(key: str, lang: str, wording: str | None = None, **fields: str) -> str:
    """A footnote of the KPI table (``report_footnotes``, or ``wording`` when a profile
    rewords it: ``[report] footnotes``) with ``fields`` filled in."""
    spec = metric_definitions().get("report_footnotes", {}).get(key)
    text = wording if wording is not None else _pick(spec, lang, key)
    for k, v in fields.items():
        text = text.replace("{" + k + "}", v)
    return text
