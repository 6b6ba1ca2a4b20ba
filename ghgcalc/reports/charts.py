"""Charts of the disclosure pack (matplotlib, Agg backend): emissions by scope, energy by
carrier, and the trend by period. Rendered as SVG (inline in the HTML, text kept as text) or
PNG (in the XLSX and beside the Markdown). Chart text is English: the default matplotlib fonts
have no CJK glyphs, and a chart must not depend on fonts installed on the machine; the tables
next to each chart carry the Chinese labels.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from ..errors import GhgcalcError

if TYPE_CHECKING:
    from .disclosure import DisclosurePack

__all__ = ["MissingDependencyError", "chart_figures", "require_matplotlib", "to_png", "to_svg"]


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
_COLOURS = ["#1b6ca8", "#e07b39", "#3a9d5d", "#8e5ea2", "#c44e52", "#8c8c8c", "#d4a72c", "#4aa3a2"]


def chart_figures(pack: DisclosurePack) -> dict[str, Any]:
    """name -> matplotlib Figure for the charts the pack's data supports (``scope``,
    ``energy``, ``trend``; ``trend`` only with several periods)."""
    plt = require_matplotlib()
    from matplotlib.ticker import FuncFormatter

    thousands = FuncFormatter(lambda v, _pos: f"{v:,.0f}")
    figs: dict[str, Any] = {}
    with plt.rc_context(_STYLE):
        s = pack.chart_data.get("scope") or {}
        if s:
            fig, ax = plt.subplots(figsize=(5.2, 3.0))
            names, vals = list(s), [s[k] for k in s]
            bars = ax.bar(names, vals, color=_COLOURS[: len(names)])
            ax.bar_label(bars, labels=[f"{v:,.0f}" for v in vals], padding=2)
            ax.set_ylabel("t CO2e")
            ax.yaxis.set_major_formatter(thousands)
            ax.set_title(f"GHG emissions by scope, {pack.meta['reporting_year']}")
            ax.margins(y=0.15)
            fig.tight_layout()
            figs["scope"] = fig
        e = pack.chart_data.get("energy") or {}
        if e:
            fig, ax = plt.subplots(figsize=(5.2, max(2.0, 0.8 + 0.4 * len(e))))
            names, vals = [_plain(k) for k in e], [e[k] for k in e]
            bars = ax.barh(names, vals, color=_COLOURS[0])
            ax.bar_label(bars, labels=[f"{v:,.0f}" for v in vals], padding=2)
            ax.invert_yaxis()
            ax.set_xlabel("'000 kWh")
            ax.xaxis.set_major_formatter(thousands)
            ax.tick_params(axis="x", labelrotation=30)
            ax.set_title(f"Energy by carrier, {pack.meta['reporting_year']}")
            ax.margins(x=0.2)
            fig.tight_layout()
            figs["energy"] = fig
        t = pack.chart_data.get("trend") or {}
        if t and len(t.get("periods", [])) > 1:
            fig, ax1 = plt.subplots(figsize=(5.2, 3.0))
            x = [str(p) for p in t["periods"]]
            ax1.plot(x, t["scope1_2"], marker="o", color=_COLOURS[0], label="Scope 1+2 (t CO2e)")
            ax1.set_ylabel("t CO2e")
            ax1.yaxis.set_major_formatter(thousands)
            ax2 = ax1.twinx()
            ax2.plot(x, t["energy_total"], marker="s", linestyle="--", color=_COLOURS[1], label="Energy ('000 kWh)")
            ax2.set_ylabel("'000 kWh")
            ax2.yaxis.set_major_formatter(thousands)
            ax2.spines["right"].set_visible(True)
            lines = ax1.get_lines() + ax2.get_lines()
            ax1.legend(lines, [ln.get_label() for ln in lines], loc="best", frameon=False)
            ax1.set_title("Trend by period")
            fig.tight_layout()
            figs["trend"] = fig
    return figs


def _plain(text: str) -> str:
    """User text shown as typed: ``$`` would start matplotlib mathtext."""
    return str(text).replace("$", r"\$")


def to_svg(fig: Any, prefix: str) -> str:
    """The figure as an ``<svg>`` element for inline use; element ids get ``prefix`` so that
    several charts in one HTML page never share an id."""
    plt = require_matplotlib()
    buf = io.StringIO()
    with plt.rc_context(_STYLE):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    return text


def to_png(fig: Any, dpi: int = 110) -> bytes:
    plt = require_matplotlib()
    buf = io.BytesIO()
    with plt.rc_context(_STYLE):
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def close(figs: dict[str, Any]) -> None:
    plt = require_matplotlib()
    for f in figs.values():
        plt.close(f)
