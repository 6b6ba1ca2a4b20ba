"""Charts of the disclosure pack (matplotlib, Agg backend) in the pack's language: emissions by
scope, energy by carrier, emissions and energy by period, intensities by period, and the path
to each base-year target. Rendered as SVG (inline in the HTML) or PNG (in the XLSX and beside
the Markdown).

Words, colours and fonts are data (``data/charts.yaml``; metric labels and units from
``data/metrics.yaml`` through :mod:`ghgcalc.reports.labels`, carrier labels from
``data/carriers.yaml``):

* SVG keeps its text as text (``svg.fonttype = "none"``) with the CJK fonts of ``cjk_fonts``
  first in its font-family list, so the reader's browser draws the Chinese with its own fonts.
* PNG draws with a font that has CJK glyphs when matplotlib's font manager finds one of
  ``cjk_fonts``; where none is installed the charts fall back to English, and the pack says so
  once (:func:`chart_language`), never drawing empty boxes.
* A scope, carrier or metric has one colour (``palette``) in every chart and every pack.

All matplotlib settings are local (``matplotlib.rc_context``), never global.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import warnings
import weakref
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import GhgcalcError
from ..io.data import load_yaml
from .labels import unit_text

if TYPE_CHECKING:
    from .disclosure import DisclosurePack

__all__ = ["MissingDependencyError", "chart_colour", "chart_figures", "chart_language", "cjk_font", "close",
           "require_matplotlib", "to_png", "to_svg"]

#: chart languages (the pack's ``all`` draws English charts)
_CHART_LANGS = ("en", "zh_hant", "zh_hans")


class MissingDependencyError(GhgcalcError):
    """An optional dependency a feature needs is not installed."""


def require_matplotlib() -> Any:
    """The pyplot module on the Agg backend, or a :class:`MissingDependencyError` that says
    which extra to install."""
    try:
        import matplotlib
    except ImportError:
        raise MissingDependencyError(
            "the disclosure pack draws its charts with matplotlib, which is not installed: "
            "pip install 'ghgcalc[report]'") from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


_STYLE = {"svg.fonttype": "none", "svg.hashsalt": "ghgcalc", "font.size": 9, "axes.spines.top": False,
          "axes.spines.right": False}


#: figure -> (language, font) it was drawn in: saved in the same settings (tick labels are made at draw time)
_DRAWN_IN: weakref.WeakKeyDictionary[Any, tuple[str, str | None]] = weakref.WeakKeyDictionary()


def _spec() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml("charts.yaml")
    return data


def _word(key: str, lang: str, **fields: Any) -> str:
    spec = _spec()["text"][key]
    text = str(spec.get(lang, spec["en"]))
    for k, v in fields.items():
        text = text.replace("{" + k + "}", str(v))
    return text


def cjk_font(lang: str) -> str | None:
    """The first family of ``cjk_fonts[lang]`` (``data/charts.yaml``) that matplotlib's font
    manager has, None when the machine has none (or ``lang`` is English)."""
    names = _spec().get("cjk_fonts", {}).get(lang) or []
    if not names:
        return None
    have = _font_names(refresh=False)
    found = next((n for n in names if n in have), None)
    if found is None:   # matplotlib's font cache may predate fonts installed since
        have = _font_names(refresh=True)
        found = next((n for n in names if n in have), None)
    return found


@lru_cache(maxsize=2)
def _font_names(refresh: bool) -> frozenset[str]:
    """The font families matplotlib's font manager has; with ``refresh``, after adding the
    system's font files its cache does not list yet (once per process: matplotlib rebuilds
    that cache only when its own version changes, not when fonts are installed)."""
    require_matplotlib()
    from matplotlib import font_manager

    fm = font_manager.fontManager
    if refresh:
        known = {f.fname for f in fm.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known:
                try:
                    fm.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue   # a file FreeType cannot read: not a font we can draw with
    return frozenset(f.name for f in fm.ttflist)


def chart_language(lang: str, raster: bool) -> tuple[str, str | None, str | None]:
    """The language, font and note of a pack's charts: ``(chart_lang, font, note)``.

    ``lang`` is the pack's (``all`` draws English charts). SVG (``raster=False``) keeps the
    language whatever the fonts here: the reader's browser draws the text. PNG needs a CJK font
    on this machine; without one the charts are English and ``note`` (in the pack's language)
    says so."""
    cl = lang if lang in _CHART_LANGS else "en"
    if cl == "en":
        return cl, None, None
    font = cjk_font(cl)
    if font is None and raster:
        return "en", None, _word("no_cjk_font", cl)
    return cl, font, None


def chart_colour(kind: str, key: str) -> str:
    """The colour of a scope, carrier or metric id (``kind``: ``scopes``, ``carriers`` or
    ``metrics``) from ``palette`` in ``data/charts.yaml``; an id not listed gets a colour of
    ``other`` picked by the CRC-32 of the id, so the same id has the same colour everywhere."""
    pal = _spec()["palette"]
    known = pal.get(kind, {})
    if key in known:
        return str(known[key])
    other = pal["other"]
    return str(other[zlib.crc32(str(key).encode("utf-8")) % len(other)])


def _plain(text: str) -> str:
    """Text shown as typed: ``$`` would start matplotlib mathtext."""
    return str(text).replace("$", r"\$")


def _wrap(text: str, lang: str, width: int) -> str:
    """A long title on lines of about ``width`` Latin characters (half as many CJK ones)."""
    return textwrap.fill(text, width if lang == "en" else max(8, width // 2))


def _with_unit(label: str, unit: str, lang: str) -> str:
    """``label (unit)``; Chinese text takes full-width brackets."""
    return f"{label} ({unit})" if lang == "en" else f"{label}（{unit}）"


def _finite(xs: list[str], ys: list[float]) -> tuple[list[str], list[float]]:
    keep = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None and not math.isnan(float(y))]
    return [x for x, _ in keep], [float(y) for _, y in keep]


@contextmanager
def _context(lang: str, font: str | None) -> Iterator[Any]:
    """pyplot inside local rc settings: for Chinese the CJK fonts lead the sans-serif list
    (the SVG's font-family names them all); matplotlib's missing-glyph warnings are silenced
    where no CJK font is here (the SVG text is drawn by the reader's browser)."""
    plt = require_matplotlib()
    rc: dict[str, Any] = dict(_STYLE)
    if lang != "en":
        names = list(_spec().get("cjk_fonts", {}).get(lang) or [])
        if font is not None:
            names = [font, *(n for n in names if n != font)]
        # the font found here first by name (the text keeps it whatever the rc at save time)
        rc["font.family"] = ["sans-serif"] if font is None else [font, "sans-serif"]
        rc["font.sans-serif"] = [*names, "DejaVu Sans"]
    with plt.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        warnings.filterwarnings("ignore", message=r"findfont: Font family", category=UserWarning)
        yield plt


def chart_figures(pack: DisclosurePack, lang: str = "en", font: str | None = None) -> dict[str, Any]:
    """name -> matplotlib Figure for the charts the pack's data supports, with titles, axis
    labels and legend entries in ``lang`` (``en``, ``zh_hant`` or ``zh_hans``; see
    :func:`chart_language` for the font): ``scope``, ``energy``; with several periods
    ``trend`` and ``intensity``; with targets ``targets``."""
    if lang not in _CHART_LANGS:
        lang = "en"
    figs: dict[str, Any] = {}
    cd = pack.chart_data
    with _context(lang, font) as plt:
        from matplotlib.ticker import FuncFormatter

        fmt = FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 10 or v == 0 else f"{v:,.3g}")
        if cd.get("scope"):
            figs["scope"] = _scope_chart(plt, cd["scope"], lang, fmt, pack.meta["reporting_year"])
        if cd.get("energy"):
            figs["energy"] = _energy_chart(plt, cd["energy"], cd.get("labels") or {}, lang, fmt, pack.meta["reporting_year"])
        if len((cd.get("trend") or {}).get("periods", [])) > 1:
            figs["trend"] = _trend_chart(plt, pack, lang, fmt)
        inten = cd.get("intensity") or {}
        if inten.get("series"):
            figs["intensity"] = _small_multiples(plt, inten["series"], lang, fmt, _word("intensity_title", lang),
                                                 lambda ax, ser: _intensity_panel(ax, ser, [str(p) for p in inten["periods"]]))
        if cd.get("targets"):
            figs["targets"] = _small_multiples(plt, cd["targets"], lang, fmt, _word("target_title", lang),
                                               lambda ax, ser: _target_panel(ax, ser, lang))
    for f in figs.values():
        _DRAWN_IN[f] = (lang, font)
    return figs


def _scope_chart(plt: Any, s: dict[str, float], lang: str, fmt: Any, ry: str) -> Any:
    """Emissions of the reporting year by scope (t CO2e), a bar per scope in its colour."""
    scopes = _spec()["scopes"]
    fig, ax = plt.subplots(figsize=(5.2, 3.0))
    names = [_plain(scopes.get(k, {}).get(lang, k)) for k in s]
    vals = [s[k] for k in s]
    bars = ax.bar(names, vals, color=[chart_colour("scopes", k) for k in s])
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in vals], padding=2)
    ax.set_ylabel(unit_text("t CO2e", lang))
    ax.yaxis.set_major_formatter(fmt)
    ax.set_title(_word("scope_title", lang, year=ry))
    ax.margins(y=0.15)
    fig.tight_layout()
    return fig


def _energy_chart(plt: Any, e: dict[str, float], labels: dict[str, dict[str, str]], lang: str, fmt: Any, ry: str) -> Any:
    """The energy mix of the reporting year ('000 kWh and share), a bar per carrier in its colour."""
    fig, ax = plt.subplots(figsize=(5.2, max(2.0, 0.8 + 0.4 * len(e))))
    names = [_plain((labels.get(k) or {}).get(lang, k)) for k in e]
    vals = [e[k] for k in e]
    total = sum(v for v in vals if v == v)
    bars = ax.barh(names, vals, color=[chart_colour("carriers", k) for k in e])
    ax.bar_label(bars, labels=["n/a" if v != v else f"{v:,.0f} ({v / total * 100:.0f}%)" if total else f"{v:,.0f}"
                               for v in vals], padding=2)
    ax.invert_yaxis()
    ax.set_xlabel(unit_text("'000 kWh", lang))
    ax.xaxis.set_major_formatter(fmt)
    ax.tick_params(axis="x", labelrotation=30)
    ax.set_title(_word("energy_title", lang, year=ry))
    ax.margins(x=0.25)
    fig.tight_layout()
    return fig


def _trend_chart(plt: Any, pack: DisclosurePack, lang: str, fmt: Any) -> Any:
    """Scope 1+2 emissions and total energy by period, on two axes."""
    t = pack.chart_data["trend"]
    fig, ax1 = plt.subplots(figsize=(5.2, 3.0))
    x = [str(p) for p in t["periods"]]
    co2e, kwh = unit_text("t CO2e", lang), unit_text("'000 kWh", lang)
    ax1.plot(*_finite(x, t["scope1_2"]), marker="o", color=chart_colour("metrics", "scope1_2"),
             label=_with_unit(_metric(pack, "scope1_2", lang), co2e, lang))
    ax1.set_ylabel(co2e)
    ax1.yaxis.set_major_formatter(fmt)
    ax2 = ax1.twinx()
    ax2.plot(*_finite(x, t["energy_total"]), marker="s", linestyle="--", color=chart_colour("metrics", "energy_total"),
             label=_with_unit(_metric(pack, "energy_total", lang), kwh, lang))
    ax2.set_ylabel(kwh)
    ax2.yaxis.set_major_formatter(fmt)
    ax2.spines["right"].set_visible(True)
    lines = ax1.get_lines() + ax2.get_lines()
    ax1.legend(lines, [_wrap(ln.get_label(), lang, 40) for ln in lines], loc="best", frameon=False, fontsize=8)
    ax1.set_xlabel(_word("period", lang))
    ax1.set_title(_word("trend_title", lang))
    fig.tight_layout()
    return fig


def _metric(pack: DisclosurePack, metric: str, lang: str) -> str:
    """A metric's label from the KPI table (``label_<lang>``), the id when it is not there."""
    k = pack.kpis
    hit = k[(k["metric"] == metric) & (k["carrier"] == "")]
    return _plain(str(hit[f"label_{lang}"].iloc[0])) if len(hit) else metric


def _small_multiples(plt: Any, series: list[dict[str, Any]], lang: str, fmt: Any, title: str, draw: Any) -> Any:
    """One panel per series, two a row, each titled with the series' label and its unit."""
    n = len(series)
    cols = 1 if n == 1 else 2
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 if cols == 1 else 8.0, 0.6 + 2.5 * rows), squeeze=False)
    for i, ser in enumerate(series):
        ax = axes[i // cols][i % cols]
        draw(ax, ser)
        ax.set_title(_wrap(_plain(ser["labels"][lang]), lang, 44), fontsize=8)
        ax.set_ylabel(_plain(unit_text(ser["unit"], lang)), fontsize=8)
        ax.yaxis.set_major_formatter(fmt)
    for j in range(n, rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _intensity_panel(ax: Any, ser: dict[str, Any], periods: list[str]) -> None:
    x, y = _finite(periods, ser["values"])
    ax.plot(x, y, marker="o", color=chart_colour("metrics", ser["base"]))
    for xi, yi in zip(x, y, strict=True):
        ax.annotate(f"{yi:,.3g}" if abs(yi) < 100 else f"{yi:,.0f}", (xi, yi), textcoords="offset points", xytext=(0, 4),
                    ha="center", fontsize=7)
    ax.margins(y=0.2)


def _target_panel(ax: Any, ser: dict[str, Any], lang: str) -> None:
    """The straight line from the base-year value to the target (the linear trajectory of the
    SBTi target-setting tool for absolute contraction), the actual value of each period since
    the base year, and the target as a point."""
    b, g = ser["base_year"], ser["target_year"]
    ax.plot([b, g], [ser["base_value"], ser["target_value"]], linestyle="--", color=_spec()["palette"]["target_path"],
            label=_word("target_path", lang))
    x, y = _finite([str(p) for p in ser["periods"]], ser["values"])
    ax.plot([int(v) for v in x], y, marker="o", color=chart_colour("metrics", ser["base"]), label=_word("target_actual", lang))
    ax.plot([g], [ser["target_value"]], marker="*", markersize=10, linestyle="none",
            color=chart_colour("metrics", ser["base"]), label=_word("target_goal", lang, year=g))
    # base and target year labelled; a year in between only where its label has room
    room = (g - b) / 6
    years = sorted({int(v) for v in x} - {b, g})
    labelled = [y for y in years if y - b >= room and g - y >= room]
    ax.set_xticks(sorted({b, g, *labelled}))
    ax.set_xticks(years, minor=True)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0f}")
    ax.legend(loc="best", frameon=False, fontsize=7)
    ax.margins(y=0.15)


def to_svg(fig: Any, prefix: str) -> str:
    """The figure as an ``<svg>`` element for inline use; element ids get ``prefix`` so that
    several charts in one HTML page never share an id."""
    with _context(*_DRAWN_IN.get(fig, ("en", None))):
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    return text


def to_png(fig: Any, dpi: int = 110) -> bytes:
    with _context(*_DRAWN_IN.get(fig, ("en", None))):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def close(figs: dict[str, Any]) -> None:
    plt = require_matplotlib()
    for f in figs.values():
        plt.close(f)
