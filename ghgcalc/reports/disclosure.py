"""The disclosure pack: the HKEX ESG Reporting Guide environmental KPIs with their sources.

:func:`disclosure_pack` gathers, from a :class:`~ghgcalc.core.results.Result`, the tables a
sustainability report needs (pure, no I/O); :func:`report` writes them as one self-contained
HTML page, an XLSX workbook or Markdown with PNG charts beside it.

What the pack holds
-------------------
* KPIs of the HKEX ESG Reporting Guide (Listing Rules Appendix C2, Part C, Aspects A1/A2):
  A1.2 Scope 1 and 2 GHG emissions and intensity, A1.3/A1.4 hazardous and non-hazardous
  waste and intensity, A2.1 energy by type in '000 kWh and intensity, A2.2 water and
  intensity, with English, traditional and simplified Chinese labels (``data/metrics.yaml``
  ``hkex_kpis`` and ``report_text``; carrier labels from ``data/carriers.yaml``).
* Breakdowns by carrier and by facility; data-centre PUE/CUE/WUE where IT energy is given.
* With several periods (the ``year`` of the rows): the KPI table shows the reporting year
  beside the prior years (latest first) with the change against the year before, absolute
  and in % (each year's intensities over that year's denominators, n/a without one); a
  table per metric by period with the change against the previous period; the breakdowns
  are those of the reporting year (the profile's ``reporting_year`` when the data has it,
  else the latest year).
* Footnotes under the KPI table, one per method choice, from the factor rows' provenance
  (:func:`_footnotes`; wording in ``data/metrics.yaml`` ``report_footnotes``, reworded by a
  profile's ``[report.footnotes]``).
* Progress against base-year targets: ``Target.parse("scope1_2=-30%@2030")`` with a base
  year. Progress = (current - base) / (target - base), and the straight-line path from the
  base year to the target year gives the value expected in the reporting year (the linear
  trajectory used by the SBTi target-setting tool for absolute contraction).
* Every factor used with publisher, document, reference, publication date and review status,
  and every input row that was not computed (``on_error="collect"``).

Every cell written to XLSX is made formula-safe (:func:`ghgcalc.io.exports.safe_cell`); all
text in HTML and Markdown is escaped (facility names and carrier names are user input).
"""

from __future__ import annotations

import html
import math
import re
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import __version__
from ..analysis.reconciliation import read_yaml_document, reconciliation_html
from ..core.carriers import carriers, metric_definitions
from ..core.datacentre import IT_CARRIER, RATIO_METRICS
from ..core.denominators import denominator_label
from ..core.factors import file_sha256
from ..core.reasons import Reason, cells_label, labelled_reasons, reasons_by_cells
from ..core.results import NO_GROUP, Denominator, group_codes, is_blank_label, normalize_denominators, result_html
from ..core.units import conversion_factor
from ..errors import GhgcalcError
from ..io.data import load_yaml
from ..io.exports import atomic_path, safe_cell
from ..printed import format_at, format_significant, parse_printed
from .browser import A4_MARGIN, BROWSER_MISSING, BrowserError, find_chromium, print_to_pdf
from .labels import (
    column_title,
    field_label,
    footnote_kinds,
    footnote_text,
    metric_label,
    metric_precision,
    number_text,
    signed_text,
    unit_text,
    value_text,
)

if TYPE_CHECKING:
    from ..core.results import Result

__all__ = ["LANGS", "DisclosurePack", "Target", "disclosure_pack", "load_targets", "reconciliation_html", "report",
           "result_html"]

#: label languages: English, traditional Chinese, simplified Chinese
LANGS = ("en", "zh_hant", "zh_hans")
_LABEL_COLS = tuple(f"label_{lang}" for lang in LANGS)
_FACILITY_METRICS = ("scope1", "scope2", "scope1_2", "energy_total", "fresh_water", "wastewater",
                     "hazardous_waste", "non_hazardous_waste", "pue", "cue", "wue")
_KWH000 = "'000 kWh"
_NO_DATA_VERSION = "n/a (the factor data used has no version: a library passed in, or an unreadable factors/manifest.json)"


@dataclass(frozen=True)
class Target:
    """A reduction (or growth) target against a base year: ``metric`` changes by ``change``
    (a fraction, ``-0.3`` for -30 %) by ``year``."""

    metric: str
    change: Fraction
    year: int

    @classmethod
    def parse(cls, text: str) -> Target:
        """``METRIC=-30%@2030`` (or ``METRIC=-0.3@2030``)."""
        m = re.fullmatch(r"\s*([A-Za-z0-9_]+)\s*=\s*([+-]?[0-9.]+)\s*(%?)\s*@\s*([0-9]{4})\s*", str(text))
        if not m:
            raise GhgcalcError(f"target {text!r}: expected METRIC=CHANGE%@YEAR, e.g. scope1_2=-30%@2030")
        try:
            change = parse_printed(m.group(2))
        except ValueError:
            raise GhgcalcError(f"target {text!r}: {m.group(2)!r} is not a number") from None
        if m.group(3):
            change /= 100
        if change <= -1:
            raise GhgcalcError(f"target {text!r}: a change of {float(change) * 100:g} % would go below zero")
        return cls(metric=m.group(1), change=change, year=int(m.group(4)))


def load_targets(source: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """Targets from a YAML file (or dict), as keyword arguments of :func:`report` /
    :func:`disclosure_pack`::

        base_year: 2021
        targets:
          - scope1_2=-30%@2030                      # METRIC=CHANGE@YEAR
          - {metric: scope1_2_per_capita, change: "-50%", year: 2030}
        denominators:                               # other years' denominators (optional)
          2021: {headcount: 25000}
    """
    data = read_yaml_document(source, GhgcalcError, "targets ")
    if not isinstance(data, Mapping) or not isinstance(data.get("targets"), list):
        raise GhgcalcError("targets: expected a mapping with base_year and a list 'targets'")
    unknown = set(data) - {"base_year", "targets", "denominators"}
    if unknown:
        raise GhgcalcError(f"targets: unknown key(s) {', '.join(sorted(map(str, unknown)))} (known: base_year, targets, denominators)")
    out: list[Target] = []
    for i, t in enumerate(data["targets"]):
        if isinstance(t, str):
            out.append(Target.parse(t))
        elif isinstance(t, Mapping) and {"metric", "change", "year"} <= set(t):
            out.append(Target.parse(f"{t['metric']}={str(t['change']).strip()}@{t['year']}"))
        else:
            raise GhgcalcError(f"targets[{i}]: expected 'METRIC=CHANGE%@YEAR' or {{metric, change, year}}, got {t!r}")
    base = data.get("base_year")
    if base is not None and not isinstance(base, int):
        raise GhgcalcError(f"targets: base_year must be a year, got {base!r}")
    dens = data.get("denominators") or {}
    if not isinstance(dens, Mapping):
        raise GhgcalcError("targets: denominators must map a year to {name: value}")
    return {"base_year": base, "targets": out, "denominators_by_period": dict(dens)}


@dataclass
class DisclosurePack:
    """The tables of a disclosure pack (see the module docstring)."""

    meta: dict[str, Any]
    text: dict[str, dict[str, str]]
    hkex: pd.DataFrame
    kpis: pd.DataFrame
    by_carrier: pd.DataFrame
    by_facility: pd.DataFrame
    by_period: pd.DataFrame | None
    targets: pd.DataFrame | None
    datacentre: pd.DataFrame | None
    factors: pd.DataFrame
    errors: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    chart_data: dict[str, Any] = field(default_factory=dict)
    #: footnotes of the KPI table, each in every language (``{lang: text}``)
    footnotes: list[dict[str, str]] = field(default_factory=list)
    #: footnotes under another table, by section name (``by_facility``: why each n/a cell is
    #: n/a, for its own facility), each in every language
    table_footnotes: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    #: the intensity denominators as a reader sees them, per language (``{lang: text}``):
    #: "員工人數 = 27,402 人" where ``meta["denominators"]`` keeps "headcount = 27,402 person"
    denominators_text: dict[str, str] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Section name -> table, for the sections this pack has, in report order."""
        out = {"kpis": self.kpis, "by_carrier": self.by_carrier}
        if len(self.by_facility):   # no facility column (or no rows): no empty section
            out["by_facility"] = self.by_facility
        for name in ("by_period", "targets", "datacentre"):
            df = getattr(self, name)
            if df is not None:
                out[name] = df
        out["factors"] = self.factors
        if len(self.errors):
            out["errors"] = self.errors
        return out


# -- building the pack (pure) ---------------------------------------------------------------
def _labels_of_metrics(result: Result) -> dict[str, dict[str, str]]:
    kp = result.kpis()
    return {r["metric"]: {lang: str(r[f"label_{lang}" if lang != "en" else "label"]) for lang in LANGS}
            for r in kp.to_dict("records")}


def _carrier_labels(cid: str) -> dict[str, str]:
    c = carriers().get(cid)
    labs = c.labels if c is not None else {}
    return {lang: str(labs.get(lang, cid)) for lang in LANGS}


def _year_masks(result: Result) -> tuple[list[int], np.ndarray]:
    if not len(result.rows) or "year" not in result.rows.columns:
        return [], np.zeros(0, dtype=np.int64)
    years = pd.to_numeric(result.rows["year"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return [int(y) for y in np.unique(years[~np.isnan(years)])], years


def _convert(value: float, unit: str, display: str | None) -> tuple[float, str]:
    """A value in its canonical unit shown in ``display`` (e.g. MWh -> '000 kWh); an
    intensity keeps its denominator (``MWh / person`` -> ``'000 kWh / person``)."""
    if not display:
        return value, unit
    head, sep, tail = unit.partition(" / ")
    k = float(conversion_factor(head, display))
    return value * k, display + (sep + tail if sep else "")


def _denominators_by_year(result: Result, by_period: Mapping[Any, Mapping[str, Any]] | None,
                          reporting_year: int) -> dict[int, dict[str, Denominator]]:
    out: dict[int, dict[str, Denominator]] = {reporting_year: {d.name: d for d in result.denominators}}
    for y, dens in (by_period or {}).items():
        try:
            yi = int(y)
        except (TypeError, ValueError):
            raise GhgcalcError(f"period denominators: {y!r} is not a year") from None
        out.setdefault(yi, {}).update({d.name: d for d in normalize_denominators(dens)})
    return out


class _Values:
    """Metric values per year (one grouped pass over the rows for all metrics and years),
    with the denominators each year has, and one-pass breakdowns within a year."""

    def __init__(self, result: Result, years: list[int], year_of_row: np.ndarray,
                 dens: dict[int, dict[str, Denominator]]) -> None:
        self.result, self.years, self.year_of_row, self.dens = result, years, year_of_row, dens
        self.base = set(result.base_metrics()) | set(result.metric_ids())
        self.has_rows = isinstance(result.rows, pd.DataFrame) and len(result.rows) > 0
        self._by_year: pd.DataFrame | None = None
        if len(years) > 1:
            codes = np.searchsorted(np.asarray(years, dtype=float), year_of_row)
            codes[~np.isin(year_of_row, years)] = len(years)  # rows without a year: a group of their own
            self._year_codes = codes.astype(np.intp)
            self._by_year = result._group_frame(self._year_codes, pd.Index([*years, -1]))

    def in_year(self, year: int | None) -> np.ndarray | None:
        """Rows of ``year`` (None: all rows, when the data has one period)."""
        if year is None or self._by_year is None:
            return None
        return np.asarray(self._year_codes == self.years.index(year))

    def split(self, metric: str) -> tuple[str, str | None]:
        names = {n for d in self.dens.values() for n in d}
        for n in names:
            suffix = "_per_capita" if n == "headcount" else f"_per_{n}"
            if metric.endswith(suffix) and metric[: -len(suffix)] in self.base:
                return metric[: -len(suffix)], n
        return metric, None

    def per(self, value: float, unit: str, den: str | None, year: int | None) -> tuple[float, str]:
        """A base value over ``year``'s denominator ``den`` (NaN when that year has none)."""
        if den is None:
            return value, unit
        d = self.dens.get(year if year is not None else -1, {}).get(den)
        if d is None:
            return float("nan"), f"{unit} / {den}"
        return value / float(d.value), (f"{unit} / {d.unit}" if d.unit else unit)

    def get(self, metric: str, year: int | None) -> tuple[float, str]:
        base, den = self.split(metric)
        if self._by_year is not None and year is not None:
            v, u = float(self._by_year.at[year, base]), str(self._by_year.attrs["units"][base])
        else:
            v, u = self.result.metric_value(base)
        return self.per(v, u, den, year)

    def grouped(self, column: str, year: int | None) -> tuple[pd.DataFrame, list[Any]]:
        """Every metric per group of ``column`` within ``year`` (one pass), and the group
        values, for the groups that have rows in that year."""
        codes, groups, keep = self._group_codes(column, year)
        frame = self.result._group_frame(codes, pd.RangeIndex(len(groups) + 1))
        out = frame.iloc[keep].reset_index(drop=True)
        out.attrs["units"] = frame.attrs["units"]
        return out, [groups[i] for i in keep]

    def grouped_why(self, column: str, year: int | None) -> pd.DataFrame:
        """Why each n/a value of :meth:`grouped` is n/a, for its own group (rows as there; a
        :class:`~ghgcalc.core.reasons.Reason` or None per base metric:
        :meth:`~ghgcalc.core.results.Result.breakdown_why`), within ``year``."""
        codes, groups, keep = self._group_codes(column, year)
        why = self.result._group_why(codes, pd.RangeIndex(len(groups) + 1))
        return why.iloc[keep].reset_index(drop=True)

    def _group_codes(self, column: str, year: int | None) -> tuple[np.ndarray, Any, np.ndarray]:
        """(each row's group, rows outside ``year`` in one more group; the groups; the groups
        with rows in ``year``)."""
        codes, groups = group_codes(self.result.rows[column])
        n = len(groups)
        sel = self.in_year(year)
        if sel is not None:
            codes = np.where(sel, codes, n)
        present = np.bincount(codes, minlength=n + 1)[:n] > 0
        return codes, groups, np.flatnonzero(present)


def disclosure_pack(result: Result, *, reporting_year: int | None = None, base_year: int | None = None,
                    targets: Sequence[str | Target] = (),
                    denominators_by_period: Mapping[Any, Mapping[str, Any]] | None = None) -> DisclosurePack:
    """Gather the disclosure-pack tables of a result.

    Parameters
    ----------
    result : Result
        From :func:`ghgcalc.calculate`; its denominators are those of the reporting year.
    reporting_year : int, optional
        The year the KPI table and breakdowns cover; default: the profile's reporting year
        when the data has rows in it, else the latest year in the data.
    base_year : int, optional
        The base year of ``targets`` (must have rows in the data).
    targets : sequence of ``"METRIC=-30%@2030"`` or :class:`Target`
        Targets against the base year; an intensity target needs the base year's
        denominator in ``denominators_by_period``.
    denominators_by_period : mapping year -> {name: value}, optional
        Denominators of other years, for intensities in the year-over-year table and targets.
    """
    years, year_of_row = _year_masks(result)
    if reporting_year is None:
        py = getattr(result.profile, "reporting_year", None)
        reporting_year = py if (py in years or not years) else years[-1]
    if years and reporting_year not in years:
        raise GhgcalcError(f"reporting year {reporting_year} has no rows in the data (years: {', '.join(map(str, years))})")
    ry = int(reporting_year) if reporting_year is not None else 0
    dens = _denominators_by_year(result, denominators_by_period, ry)
    vals = _Values(result, years, year_of_row, dens)
    defs = metric_definitions()
    text = {k: {lang: str(v.get(lang, k)) for lang in LANGS} for k, v in defs.get("report_text", {}).items() if k != "columns"}
    labels = _labels_of_metrics(result)
    notes: list[str] = []

    kpis, hkex, footnotes = _kpi_table(result, vals, defs, labels, text, ry)
    year_mask = vals.in_year(ry)

    by_carrier = _by_carrier(result, vals, ry)
    by_facility = _by_facility(result, vals, ry)
    table_footnotes = {"by_facility": foot} if (foot := _by_facility_footnotes(result, vals, ry, by_facility, labels)) else {}
    datacentre = _datacentre(result, vals, ry, text, notes)
    by_period = _by_period(result, vals, defs, labels) if len(years) > 1 else None
    tgt = _targets(vals, labels, ry, base_year, [t if isinstance(t, Target) else Target.parse(t) for t in targets]) if targets else None
    if base_year is not None and not targets:
        notes.append(f"base year {base_year} given without targets: no progress table")

    fcols = ["id", "carrier", "kind", "gas", "value", "unit", "region", "valid_from", "valid_to", "gwp_set", "publisher",
             "document", "reference", "published", "url", "uncertainty_low", "uncertainty_high", "review_status", "notes"]
    factors = pd.DataFrame([f.public_dict() for f in result.factors_used()], columns=fcols)
    errors = pd.DataFrame([e.as_dict() for e in result.errors], columns=["row", "line", "column", "value", "reason", "hint"])
    if not (isinstance(result.rows, pd.DataFrame) and len(result.rows)) and result.n_input_rows > len(result.errors):
        notes.append("computed without a per-row frame (streamed or Dask): the totals and KPIs are complete, but the "
                     "breakdowns by carrier, facility and period need the table in memory")
    if result.partial:
        notes.insert(0, f"{len(result.errors)} input row(s) were not computed; the totals are partial (see '{text['errors']['en']}')")
    for w in result.warnings:   # placeholder factors used: the figures are provisional
        if w.row is None and w.column == "factor":
            notes.insert(0, f"warning: {w.reason}" + (f"; {w.hint}" if w.hint else ""))

    chart_data = _chart_data(result, vals, ry, year_mask, by_period, tgt)
    prof = result.profile
    meta = {
        "title": text["title"]["en"],
        "profile": prof.id,
        "profile_title": getattr(prof, "title", None) or "",
        "reporting_year": str(ry),
        "periods": ", ".join(map(str, years)),
        **_input_fields(result.source),
        "rows_in": result.n_input_rows,
        "rows_computed": result.rows_computed,
        "rows_not_computed": len(result.errors),
        "gwp_set": getattr(prof, "gwp_set", ""),
        "energy_basis": getattr(prof, "energy_basis", ""),
        "denominators": "; ".join(f"{d.name} = {d.text or _den_value_text(d.value)} {d.unit}".strip() for d in result.denominators),
        "ghgcalc": __version__,
        # the data version the result was computed with (a profile may pin an older release)
        "factor_data": result.data_version or _NO_DATA_VERSION,
    }
    return DisclosurePack(meta=meta, text=text, hkex=hkex, kpis=kpis, by_carrier=by_carrier, by_facility=by_facility,
                          by_period=by_period, targets=tgt, datacentre=datacentre, factors=factors, errors=errors,
                          notes=notes, chart_data=chart_data, footnotes=footnotes, table_footnotes=table_footnotes,
                          denominators_text=_denominators_text(result.denominators))


def _denominators_text(dens: Sequence[Denominator]) -> dict[str, str]:
    """The denominators as a reader sees them, in each language: the name by its label (the
    caller's, metrics.yaml's, else the name), the value without decimals when whole, the unit
    as the language prints it."""
    out = {}
    for lang in ("en", "zh_hant", "zh_hans"):
        out[lang] = "; ".join(
            f"{denominator_label(d.name, lang, dict(d.labels))} = {d.text or _den_value_text(d.value)} {unit_text(d.unit, lang)}".strip()
            for d in dens)
    return out


def _kpi_table(result: Result, vals: _Values, defs: dict[str, Any], labels: dict[str, dict[str, str]],
               text: dict[str, dict[str, str]], ry: int) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, str]]]:
    """The HKEX KPI table of the reporting year ``ry`` (one row per indicator, grouped by KPI),
    beside the prior years in the data (latest first) with the change against the year before
    ``ry`` (:func:`_yoy`); each year's intensities over that year's denominators (n/a without
    one). Returns the KPI rows, the KPI headings and the footnotes (:func:`_footnotes`)."""
    years, dens = vals.years, vals.dens
    base_metrics = result.base_metrics()
    hkex_rows, kpi_rows = [], []
    prior = sorted((y for y in years if y < ry), reverse=True)
    shown_years = [ry, *prior]
    year_mask = vals.in_year(ry)
    energy_of = {y: dict(_energy_by_carrier(result, vals.in_year(y) if prior else year_mask)) for y in shown_years}
    tce_first = getattr(result.profile, "energy_basis", "") == "coal_equivalent"
    shown_units: set[str] = set()
    not_in_data: list[dict[str, str]] = []

    def row(kpi: str, metric: str, carrier: str, labs: Mapping[str, str], got: Mapping[int, tuple[float, str]],
            decimals: int) -> dict[str, Any]:
        v, u = got[ry]
        rec: dict[str, Any] = {"hkex_kpi": kpi, "metric": metric, "carrier": carrier,
                               **{f"label_{lg}": labs[lg] for lg in LANGS}, "value": v, "unit": u, "decimals": decimals}
        for y in prior:
            rec[f"value_{y}"] = got[y][0]
        if prior:
            rec.update(_yoy(v, got[prior[0]][0]))
        return rec

    for kpi, spec in defs["hkex_kpis"].items():
        hkex_rows.append({"hkex_kpi": kpi, **{f"label_{lang}": spec[lang] for lang in LANGS}})
        displays: dict[str, str] = dict(spec.get("display_units") or {})
        present = [m for m in spec["metrics"] if m in base_metrics]
        if not present:
            not_in_data.append({lg: f"{kpi} {spec[lg]}" for lg in LANGS})
        if tce_first:   # the profile's energy basis first: tce, then '000 kWh
            present.sort(key=lambda m: not m.endswith("_tce"))

        def shown(metric: str, displays: dict[str, str] = displays) -> dict[int, tuple[float, str]]:
            out = {}
            for y in shown_years:
                v, u = vals.get(metric, y)
                out[y] = _convert(v, u, displays.get(u.partition(" / ")[0]))
            return out

        for m in present:
            got = shown(m)
            shown_units.add(got[ry][1])
            kpi_rows.append(row(kpi, m, "", labels[m], got, metric_precision(m)))
            if spec.get("by_carrier") and m == "energy_total":
                cids = list(dict.fromkeys(c for y in shown_years for c in energy_of[y]))
                for cid in cids:
                    cl = _carrier_labels(cid)
                    # a carrier without rows in a year: n/a there, not 0 (nothing was reported)
                    got_c = {y: _convert(energy_of[y].get(cid, float("nan")), "MWh", displays.get("MWh")) for y in shown_years}
                    kpi_rows.append(row(kpi, "energy_total", cid, {lg: f"{text['of_which'][lg]}: {cl[lg]}" for lg in LANGS},
                                        got_c, metric_precision(m)))
        for d in result.denominators:
            for m in present:
                im = f"{m}_{d.suffix}"
                if im not in labels:
                    continue
                kpi_rows.append(row(kpi, im, "", labels[im], shown(im), metric_precision(im, m)))
    kpi_cols = ["hkex_kpi", "metric", "carrier", *_LABEL_COLS, "value", *(f"value_{y}" for y in prior),
                *(("change", "change_pct") if prior else ()), "unit", "decimals"]
    kpis = pd.DataFrame(kpi_rows, columns=kpi_cols)
    hkex = pd.DataFrame(hkex_rows, columns=["hkex_kpi", *_LABEL_COLS])
    has_intensity = bool(len(kpis)) and any(result.split_metric(str(m))[1] is not None for m in kpis["metric"])
    missing_dens = {y: [d.name for d in result.denominators if d.name not in dens.get(y, {})] for y in prior} if has_intensity else {}
    footnotes = _footnotes(result, shown_units, {y: n for y, n in missing_dens.items() if n}, not_in_data, labels)
    return kpis, hkex, footnotes


def _yoy(current: float, previous: float) -> dict[str, float]:
    """The change of the reporting year against the year before it: absolute (current -
    previous, in the indicator's unit) and in % of the previous year; n/a (NaN) where either
    year is n/a, and the % also where the previous year is 0."""
    if math.isnan(current) or math.isnan(previous):
        return {"change": float("nan"), "change_pct": float("nan")}
    return {"change": current - previous, "change_pct": (current - previous) / previous * 100 if previous else float("nan")}


def _chart_data(result: Result, vals: _Values, ry: int, year_mask: np.ndarray | None, by_period: pd.DataFrame | None,
                tgt: pd.DataFrame | None) -> dict[str, Any]:
    """What the charts draw, keyed by ids (scope, carrier, metric), with every label in every
    language: ``scope`` (id -> t CO2e), ``energy`` (carrier -> '000 kWh), ``labels`` (carrier
    -> {lang: label}); with several periods ``trend`` and ``intensity`` (the intensities of
    ``intensity_bases`` in ``data/charts.yaml`` that have values in two periods or more); with
    targets ``targets`` (base, goal and the actual value of each period from the base year)."""
    base_metrics = result.base_metrics()
    energy = _energy_by_carrier(result, year_mask)
    out: dict[str, Any] = {
        "scope": {k: vals.get(k, ry)[0] for k in ("scope1", "scope2", "scope2_market") if k in base_metrics},
        "energy": {cid: ev * float(conversion_factor("MWh", _KWH000)) for cid, ev in energy},
        "labels": {cid: _carrier_labels(cid) for cid, _ in energy},
    }
    years = vals.years
    if len(years) > 1 and "scope1_2" in base_metrics:
        out["trend"] = {"periods": years, "scope1_2": [vals.get("scope1_2", y)[0] for y in years],
                        "energy_total": [vals.get("energy_total", y)[0] for y in years]}
    if by_period is not None:
        bases = load_yaml("charts.yaml").get("intensity_bases", [])
        series = []
        for rec in by_period.to_dict("records"):
            base, den = vals.split(rec["metric"])
            values = [float(rec[str(y)]) for y in years]
            if den is None or base not in bases or sum(v == v for v in values) < 2:
                continue
            series.append({"metric": rec["metric"], "base": base, "unit": rec["unit"], "values": values,
                           "labels": {lg: str(rec[f"label_{lg}"]) for lg in LANGS}})
        if series:
            out["intensity"] = {"periods": years, "series": series}
    if tgt is not None and len(tgt):
        out["targets"] = []
        for rec in tgt.to_dict("records"):
            b = int(rec["base_year"])
            ys = [y for y in years if y >= b]
            out["targets"].append({"metric": rec["metric"], "base": vals.split(rec["metric"])[0], "unit": rec["unit"],
                                   "labels": {lg: str(rec[f"label_{lg}"]) for lg in LANGS},
                                   "base_year": b, "base_value": float(rec["base_value"]),
                                   "target_year": int(rec["target_year"]), "target_value": float(rec["target_value"]),
                                   "periods": ys, "values": [vals.get(rec["metric"], y)[0] for y in ys]})
    return out


def _input_fields(source: str | None) -> dict[str, str]:
    """The input named by its file name only (never the folder it was read from on the machine
    that ran the calculation), and its SHA-256 for traceability; empty fields for a table
    passed in without a file ("" here, words when rendered)."""
    if not source:
        return {"input": "", "input_sha256": ""}
    p = Path(source)
    try:
        digest = file_sha256(p) if p.is_file() else ""
    except OSError:
        digest = ""
    return {"input": p.name, "input_sha256": digest}


def _factor_item(f: Any, lang: str) -> str:
    """One factor row as a footnote names it: ``id (value unit; years; reference)``, the value
    as its source prints it."""
    years = ""
    if f.valid_from is not None:
        years = str(f.valid_from) if f.valid_to in (None, f.valid_from) else f"{f.valid_from}–{f.valid_to}"
    parts = [f"{f.value} {unit_text(f.unit, lang)}".strip(), years, str(f.reference or "")]
    return f"{f.id} (" + "; ".join(p for p in parts if p) + ")"


def _sources(factors: Sequence[Any]) -> str:
    """The documents of ``factors``, each once, with publisher, publication date and URL."""
    out: dict[str, None] = {}
    for f in factors:
        extra = ", ".join(str(x) for x in (f.publisher, f.published, f.url) if x not in (None, ""))
        out[f"{f.document}" + (f" ({extra})" if extra else "")] = None
    return "; ".join(out) or "n/a"


def _footnotes(result: Result, shown_units: set[str], missing_dens: Mapping[int, Sequence[str]],
               not_in_data: Sequence[Mapping[str, str]], labels: Mapping[str, Mapping[str, str]]) -> list[dict[str, str]]:
    """The KPI table's footnotes in every language, one per method choice (``report_footnotes``
    of data/metrics.yaml, in that order; a profile's ``[report] footnotes`` rewords any):

    * the factor rows used, by kind: the grid factor(s) and the notice that published them,
      other emission factors and fuel parameters, the GWP set, heating values and densities,
      the coal-equivalent coefficients (each row ``id (value unit; years; reference)``, each
      document with its publisher, publication date and URL: :meth:`Result.factors_used`);
    * energy in '000 kWh where shown (HKEX ESG Reporting Guide KPI A2.1);
    * what is excluded: metrics n/a and why, in the pack's language (:meth:`Result.unavailable_why`), HKEX KPIs
      without any data, input rows not computed, prior years' intensities without denominators."""
    prof = result.profile

    def note(key: str, **fields: Any) -> dict[str, str]:
        return _footnote(result, key, **fields)

    groups: dict[str, list[Any]] = {}
    kinds = footnote_kinds()
    for f in result.factors_used():
        key = next((k for k, ks, us in kinds if f.kind in ks and (not us or f.use in us)), "emission")
        groups.setdefault(key, []).append(f)
    show_tce = any(u.partition(" / ")[0] == "tce" for u in shown_units)
    out: list[dict[str, str]] = []
    for key in metric_definitions().get("report_footnotes", {}):
        rows = groups.get(key, [])
        if key == "coal_equivalent" and not (rows or show_tce):
            continue
        if key in groups or key == "coal_equivalent":
            out.append(note(key, factors=lambda lg, rows=rows: "; ".join(_factor_item(f, lg) for f in rows) or "n/a",
                            sources=_sources(rows),
                            documents="; ".join(dict.fromkeys(str(f.document) for f in rows)) or "n/a",
                            gwp_set=getattr(prof, "gwp_set", "")))
        elif key == "kwh000" and any(u.partition(" / ")[0] == _KWH000 for u in shown_units):
            out.append(note(key))
        elif key == "not_available":
            # each reason in the pack's language (a code of data/reasons.yaml), not the core's English
            reasons = {m: why for m, why in result.unavailable_why().items() if result.split_metric(m)[1] is None and m in labels}
            if reasons:
                out.append(note(key, metrics=lambda lg, r=reasons: labelled_reasons([(labels[m][lg], why) for m, why in r.items()], lg)))
        elif key == "not_in_data" and not_in_data:
            out.append(note(key, metrics=lambda lg: "; ".join(t[lg] for t in not_in_data)))
        elif key == "rows_not_computed" and result.errors:
            out.append(note(key, n=len(result.errors)))
        elif key == "no_denominator" and missing_dens:
            names = list(dict.fromkeys(n for ns in missing_dens.values() for n in ns))
            out.append(note(key, years=", ".join(map(str, sorted(missing_dens))),
                            denominators=lambda lg, names=names: ", ".join(denominator_label(n, lg) for n in names)))
    return out


def _by_facility_footnotes(result: Result, vals: _Values, ry: int, table: pd.DataFrame,
                           labels: Mapping[str, Mapping[str, str]]) -> list[dict[str, str]]:
    """The footnote under the table by facility, in every language: each n/a cell with the
    reason of its own facility (:meth:`~ghgcalc.core.results.Result.breakdown_why`: the carriers
    of that facility whose rows carry no value, and why), one entry per distinct reason with the
    facilities and metrics it applies to (``group_not_available`` of ``report_footnotes``, a
    profile's ``[report.footnotes]`` rewords it). None of it when no cell is n/a."""
    if not len(table):
        return []
    why = vals.grouped_why("facility", ry)
    cells: dict[Reason, dict[tuple[str, ...], list[str]]] = reasons_by_cells(
        {m: [c if isinstance(c, Reason) else None for c in why[m].tolist()] for m in why.columns
         if m in table.columns and m in labels}, table["facility"].tolist())
    if not cells:
        return []

    def text(lg: str) -> str:
        items = [(cells_label(names, [labels[m][lg] for m in ms], lg), cell)
                 for cell, parts in cells.items() for names, ms in parts.items()]
        return labelled_reasons(items, lg)

    return [_footnote(result, "group_not_available", cells=text)]


def _footnote(result: Result, key: str, **fields: Any) -> dict[str, str]:
    """Footnote ``key`` of ``report_footnotes`` in every language (a field: a text, or a
    function of the language), as the profile's ``[report.footnotes]`` words it, if it does."""
    options = getattr(result.profile, "report", None)
    out = {}
    for lg in LANGS:
        wording = options.footnote(key, lg) if options is not None else None
        out[lg] = footnote_text(key, lg, wording, **{k: (v(lg) if callable(v) else str(v)) for k, v in fields.items()})
    return out


def _carrier_sums(result: Result, mask: np.ndarray | None, column: str) -> tuple[np.ndarray, list[str]]:
    """Per carrier (one bincount): the sum of a per-row output column; NaN for a carrier with a
    row that carries no value (not counted: ``count_emissions = false``, ``heating_value = []``),
    which the pack prints n/a with its reason, never 0 (README "Not counted is not zero")."""
    codes, cats = pd.factorize(result.rows["carrier"], use_na_sentinel=False)
    raw = result.rows[column].to_numpy(dtype="float64")
    missing, vals = np.isnan(raw), np.nan_to_num(raw, nan=0.0)
    if mask is not None:
        codes, vals, missing = codes[mask], vals[mask], missing[mask]
    sums = np.bincount(codes, weights=vals, minlength=len(cats))
    sums[np.bincount(codes, weights=missing, minlength=len(cats)) > 0] = np.nan
    return sums, [str(c) for c in cats]


def _energy_by_carrier(result: Result, mask: np.ndarray | None) -> list[tuple[str, float]]:
    """(carrier id, energy in MWh) for the carriers with energy rows, largest first."""
    if not (isinstance(result.rows, pd.DataFrame) and len(result.rows)) or "energy_total" not in result.base_metrics():
        return []
    sums, cats = _carrier_sums(result, mask, "energy_mwh")
    out = [(c, float(v)) for c, v in zip(cats, sums, strict=True) if v != 0]
    return sorted(out, key=lambda t: -t[1])


def _group_name(g: Any) -> str:
    return NO_GROUP if is_blank_label(g) else str(g)


def _by_carrier(result: Result, vals: _Values, ry: int) -> pd.DataFrame:
    cols = ["carrier", *_LABEL_COLS, "scope", "co2e_t", "share_of_scope1_2_pct", "energy_kwh000", "amount", "amount_unit"]
    if not vals.has_rows:
        return pd.DataFrame(columns=cols)
    mask = vals.in_year(ry)
    co2e, cats = _carrier_sums(result, mask, "co2e_t")
    energy, _ = _carrier_sums(result, mask, "energy_mwh")
    amount, _ = _carrier_sums(result, mask, "amount")
    codes, _ = pd.factorize(result.rows["carrier"], use_na_sentinel=False)
    scope = result.rows["scope"].to_numpy(dtype=np.int64)
    if mask is not None:
        codes, scope = codes[mask], scope[mask]
    present = np.bincount(codes, minlength=len(cats)) > 0
    pairs = {(int(x) // 16, int(x) % 16) for x in np.unique(codes.astype(np.int64) * 16 + scope) if x % 16}
    rows_at = np.flatnonzero(mask) if mask is not None else np.arange(len(codes))
    uniq, first = np.unique(codes, return_index=True)
    units = {int(c): str(result.rows["amount_unit"].iloc[int(rows_at[f])]) for c, f in zip(uniq, first, strict=True)}
    resource = np.array([(c := carriers().get(cid)) is not None and c.type == "resource" for cid in cats], dtype=bool)
    total = float(co2e[present & ~resource].sum())   # NaN when a carrier's emissions are not counted: no share
    recs = []
    for i, cid in enumerate(cats):
        if not present[i]:
            continue
        is_resource = bool(resource[i])
        lab = _carrier_labels(cid)
        recs.append({"carrier": cid, **{f"label_{lg}": lab[lg] for lg in LANGS},
                     "scope": ", ".join(str(sc) for sc in sorted(sc for cc, sc in pairs if cc == i)),
                     "co2e_t": float("nan") if is_resource else float(co2e[i]),
                     "share_of_scope1_2_pct": float("nan") if (is_resource or not total) else float(co2e[i]) / total * 100,
                     "energy_kwh000": float("nan") if is_resource else float(energy[i]),
                     "amount": float(amount[i]) if is_resource else float("nan"),
                     "amount_unit": units.get(i, "") if is_resource else ""})
    out = pd.DataFrame(recs, columns=cols)
    out.attrs["units"] = {"co2e_t": "t CO2e", "energy_kwh000": _KWH000}
    # an energy row has no single amount (litres, kg, MWh...), a resource row no emissions or energy
    out.attrs["not_applicable"] = ["co2e_t", "share_of_scope1_2_pct", "energy_kwh000", "amount", "amount_unit"]
    return out


def _by_facility(result: Result, vals: _Values, ry: int) -> pd.DataFrame:
    metrics = [m for m in _FACILITY_METRICS if m in result.metric_ids()]
    if not vals.has_rows or "facility" not in result.rows.columns:
        return pd.DataFrame(columns=["facility", *metrics])
    frame, groups = vals.grouped("facility", ry)
    df = frame[metrics].copy()
    if "energy_total" in df:
        df["energy_total"] = df["energy_total"] * float(conversion_factor("MWh", _KWH000))
    df.insert(0, "facility", [_group_name(g) for g in groups])
    df.attrs["units"] = {m: (_KWH000 if m == "energy_total" else frame.attrs["units"][m]) for m in metrics}
    return df


def _datacentre(result: Result, vals: _Values, ry: int, text: dict[str, dict[str, str]], notes: list[str]) -> pd.DataFrame | None:
    ratios = [m for m in RATIO_METRICS if m in result.metric_ids()]
    if not ratios:
        return None
    cols = ["facility", "it_energy_mwh", "energy_total_mwh", *ratios]
    recs: list[dict[str, Any]] = []
    if "facility" in result.rows.columns:
        frame, groups = vals.grouped("facility", ry)
        for i in np.flatnonzero(frame[IT_CARRIER].to_numpy() > 0):
            name = _group_name(groups[i])
            rec: dict[str, Any] = {"facility": name, "it_energy_mwh": float(frame[IT_CARRIER].iloc[i]),
                                   "energy_total_mwh": float(frame["energy_total"].iloc[i])}
            for m in ratios:
                rec[m] = float(frame[m].iloc[i])
            if "pue" in rec and rec["pue"] < 1:
                notes.append(f"PUE {rec['pue']:.3f} < 1 at facility {name!r}: its IT energy exceeds its total energy; "
                             "the IT meter must be inside the facility's metered energy")
            recs.append(rec)
    total: dict[str, Any] = {"facility": text["facility_total"]["en"], "it_energy_mwh": vals.get(IT_CARRIER, ry)[0],
                             "energy_total_mwh": float("nan")}
    for m in ratios:
        total[m] = vals.get(m, ry)[0]
    recs.append(total)
    out = pd.DataFrame(recs, columns=cols)
    out.attrs["datacentre_total"] = dict(text["facility_total"])   # the total row's label in every language
    return out


def _period_metrics(vals: _Values, defs: dict[str, Any]) -> list[str]:
    out = [m for spec in defs["hkex_kpis"].values() for m in spec["metrics"] if m in vals.result.base_metrics()]
    out += [m for m in RATIO_METRICS if m in vals.result.metric_ids()]
    names = sorted({n for y, d in vals.dens.items() for n in d})
    inten = []
    for n in names:
        suffix = "per_capita" if n == "headcount" else f"per_{n}"
        inten += [f"{m}_{suffix}" for m in out if m not in RATIO_METRICS]
    return out + inten


def _by_period(result: Result, vals: _Values, defs: dict[str, Any], labels: dict[str, dict[str, str]]) -> pd.DataFrame:
    recs = []
    for m in _period_metrics(vals, defs):
        base, den = vals.split(m)
        if den is not None and sum(den in vals.dens.get(y, {}) for y in vals.years) < 1:
            continue
        rec: dict[str, Any] = {"metric": m, **{f"label_{lg}": _label(labels, m, base, den, lg) for lg in LANGS},
                               "decimals": metric_precision(m, base)}   # as the KPI table prints it
        prev = None
        unit = ""
        for y in vals.years:
            v, unit = vals.get(m, y)
            disp = _KWH000 if base.startswith("energy_") and not base.endswith("_tce") else None
            v, unit = _convert(v, unit, disp)
            rec[str(y)] = v
            if prev is not None:
                rec[f"change_{y}_pct"] = ((v - prev) / prev * 100) if (prev and prev == prev and v == v) else float("nan")
            prev = v
        rec["unit"] = unit
        recs.append(rec)
    cols = ["metric", *_LABEL_COLS, "unit", "decimals"]
    for i, y in enumerate(vals.years):
        cols.append(str(y))
        if i:
            cols.append(f"change_{y}_pct")
    return pd.DataFrame(recs, columns=cols)


def _label(labels: dict[str, dict[str, str]], metric: str, base: str, den: str | None, lang: str) -> str:
    if metric in labels:
        return labels[metric][lang]
    b = labels.get(base, {lg: base for lg in LANGS})[lang]
    if den is None:
        return b
    per = metric_definitions().get("intensity", {}).get("per_capita" if den == "headcount" else "", {})
    if den == "headcount" and per:
        return f"{per[lang]}{b}" if lang != "en" else f"{b} {per['en']}"
    name = denominator_label(den, lang)
    return f"{b} (per {name})" if lang == "en" else f"{b}（每{name}）"


def _targets(vals: _Values, labels: dict[str, dict[str, str]], ry: int, base_year: int | None,
             targets: list[Target]) -> pd.DataFrame:
    if base_year is None:
        raise GhgcalcError("targets need a base year (--base-year YEAR)")
    if base_year not in vals.years:
        raise GhgcalcError(f"base year {base_year} has no rows in the data (years: {', '.join(map(str, vals.years))}); "
                           "give the base year's activity rows with period = the base year")
    recs = []
    for t in targets:
        base, den = vals.split(t.metric)
        if base not in vals.base:
            raise GhgcalcError(f"target {t.metric!r}: not a metric of this result (have: {', '.join(vals.result.metric_ids())})")
        if t.year <= base_year:
            raise GhgcalcError(f"target {t.metric!r}: the target year {t.year} must come after the base year {base_year}")
        b, unit = vals.get(t.metric, base_year)
        c, _ = vals.get(t.metric, ry)
        if den is not None and not (b == b):
            raise GhgcalcError(f"target {t.metric!r}: no {den} denominator for the base year {base_year} "
                               f"(give --denominator {den}@{base_year}=N)")
        goal = b * (1 + float(t.change))
        path = b + (goal - b) * (ry - base_year) / (t.year - base_year)
        achieved = (c - b) / (goal - b) * 100 if goal != b else float("nan")
        on_track = (c <= path) if t.change < 0 else (c >= path)
        recs.append({"metric": t.metric, **{f"label_{lg}": _label(labels, t.metric, base, den, lg) for lg in LANGS},
                     "unit": unit, "base_year": str(base_year), "base_value": b, "target_year": str(t.year),
                     "target_change_pct": float(t.change) * 100, "target_value": goal, "reporting_year": str(ry),
                     "current_value": c, "change_since_base_pct": (c - b) / b * 100 if b else float("nan"),
                     "linear_path_value": path, "progress_pct": achieved, "on_track": bool(on_track)})
    return pd.DataFrame(recs)


# -- formatting helpers ---------------------------------------------------------------------
def _den_value_text(value: Any) -> str:
    """A denominator's value as given: a whole number without decimals (27,402 persons, not
    27,402.00), any other number as the tables print it."""
    x = float(value)
    return f"{int(x):,}" if x.is_integer() and abs(x) < 1e15 else _num_text(x)


def _num_text(v: Any) -> str:
    if v is None or isinstance(v, str):
        return "" if v is None else v
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if x != x:
        return "n/a"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if x == 0:
        return "0"
    if math.isinf(x):
        return str(x)
    if abs(x) >= 1:   # half-up on the decimal digits, as every printed figure (ghgcalc.printed)
        return format_at(x, 2, grouping=True)
    text = format_significant(x, 4)   # four significant digits, trailing zeros dropped
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell(v: Any) -> str:
    """Display text of a cell (numbers formatted, missing as empty)."""
    if v is None:
        return ""
    if isinstance(v, (int, float, np.integer, np.floating, bool, np.bool_)):
        return _num_text(v)
    if v != v:  # NaN / NA in object columns
        return ""
    return str(v)


_PLAIN_INT = ("valid_from", "valid_to", "published", "row")


def _display(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """The columns as display text: numbers formatted (years and row numbers without
    separators), missing text as empty, missing numbers as ``n/a``."""
    out = pd.DataFrame(index=df.index)
    for c in cols:
        col = df[c]
        if c in _PLAIN_INT or c.endswith("year"):
            out[c] = col.map(lambda v: "" if v is None or v != v else (str(int(v)) if isinstance(v, (int, float, np.integer, np.floating)) else str(v)))
        elif pd.api.types.is_numeric_dtype(col) and col.dtype != bool:
            out[c] = col.map(_num_text)
        else:
            out[c] = col.map(lambda v: "" if v is None or (not isinstance(v, str) and v != v) else _cell(v))
    return out


def _columns(df: pd.DataFrame, lang: str) -> list[str]:
    """The columns shown for ``lang`` (all three label columns for ``all``)."""
    keep = set(_LABEL_COLS) if lang == "all" else {f"label_{lang}"}
    return [c for c in df.columns if not c.startswith("label_") or c in keep]


_ID_COLS = ("metric", "carrier", "decimals")
#: the year-over-year table's change columns (``change_2023_pct``)
_YOY_PCT = re.compile(r"change_\d{4}_pct")


@dataclass
class _View:
    """A pack table as a reader sees it: headings, display cells, which cells are numbers, and
    the ids of each row (``data-metric`` / ``data-carrier`` in HTML, never visible)."""

    heads: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    ids: list[dict[str, str]]
    #: the column ids behind ``heads`` (empty where the view has none)
    cols: list[str] = field(default_factory=list)


def _unit_lang(lang: str) -> str:
    return "en" if lang == "all" else lang


def _view(df: pd.DataFrame, lang: str) -> _View:
    """Labels instead of ids: id columns (``metric``, and ``carrier`` where the table has its
    labels) hidden and kept as row ids; a factor's carrier by its label; headings from
    :func:`~ghgcalc.reports.labels.column_title` with their units as printed; units as printed;
    metric columns at the metric's precision; not-applicable cells (``attrs["not_applicable"]``)
    as a dash, not ``n/a``."""
    cols = _columns(df, lang)
    has_labels = any(c.startswith("label_") for c in cols)
    hidden = {c for c in _ID_COLS if c in cols and (c != "carrier" or has_labels)}
    shown = [c for c in cols if c not in hidden]
    ul = _unit_lang(lang)
    units: Mapping[str, str] = df.attrs.get("units") or {}
    na_cols = set(df.attrs.get("not_applicable") or ())
    dash = str(metric_definitions().get("report_values", {}).get("not_applicable", {}).get(ul, "–"))
    if lang != "all" and len([c for c in shown if c.startswith("label_")]) == 1:
        title = {f"label_{lang}": column_title("metric" if "metric" in hidden else "carrier", lang)}
    else:
        title = {}
    heads = [title.get(c) or (column_title(c, lang) + (f" [{unit_text(units[c], ul)}]" if units.get(c) else "")) for c in shown]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and df[c].dtype != bool for c in shown]
    disp = _display(df, shown)
    out_cols: list[list[str]] = []
    for c, num in zip(shown, numeric, strict=True):
        col = disp[c].tolist()
        raw = df[c]
        if c in ("unit", "amount_unit"):
            col = [unit_text(v, ul) if v else "" for v in raw]
        elif c == "facility" and "datacentre_total" in df.attrs:   # the data-centre table's total row, in words
            total = df.attrs["datacentre_total"]
            col = [str(total.get(ul, d)) if v == total.get("en") else d for v, d in zip(raw, col, strict=True)]
        elif c in ("kind", "review_status"):   # the factor table's kind and status in words
            col = [str(value_text(c, v, ul)) if isinstance(v, str) else d for v, d in zip(raw, col, strict=True)]
        elif c == "carrier":   # the factor table's carrier: its label
            col = ["" if is_blank_label(v) else _carrier_labels(str(v)).get(ul, str(v)) for v in raw]
        elif num and metric_label(c, "en") is not None:
            col = [number_text(v, metric_precision(c)) for v in raw]
        elif num and "decimals" in df.columns and str(c).isdigit():   # a year's value, at its metric's precision
            col = [number_text(v, int(d)) for v, d in zip(raw, df["decimals"], strict=True)]
        elif num and "decimals" in df.columns and _YOY_PCT.fullmatch(str(c)):   # a change in %, as the KPI table's
            col = [signed_text(v, 2) for v in raw]
        if c in na_cols:
            col = [dash if (not isinstance(v, str) and v != v) or v == "" else t for v, t in zip(raw, col, strict=True)]
        out_cols.append(col)
    rows = [list(r) for r in zip(*out_cols, strict=True)] if out_cols else [[] for _ in range(len(df))]
    ids = [{c: "" if is_blank_label(v) else str(v) for c, v in zip(sorted(hidden - {"decimals"}), vals, strict=True)}
           for vals in zip(*(df[c] for c in sorted(hidden - {"decimals"})), strict=True)] if hidden - {"decimals"} \
        else [{} for _ in range(len(df))]
    return _View(heads, rows, numeric, ids, shown)


def _kpi_view(pack: DisclosurePack, sub: pd.DataFrame, lang: str) -> _View:
    """The KPI rows of one HKEX KPI: indicator name(s), value at the metric's precision, unit as
    printed; with several periods, the unit first, then the reporting year, the prior years
    (latest first) and the change against the year before (signed, at the metric's precision,
    and in %), as annual reports lay out their KPI tables."""
    ul = _unit_lang(lang)
    label_cols = list(_LABEL_COLS) if lang == "all" else [f"label_{lang}"]
    heads = [column_title(c, lang) for c in label_cols] if lang == "all" else [column_title("metric", lang)]
    prior = [c for c in sub.columns if str(c).startswith("value_")]
    rows, ids = [], []
    if not prior:
        heads += [column_title("value", lang), column_title("unit", lang)]
        for r in sub.to_dict("records"):
            rows.append([str(r[c]) for c in label_cols] + [number_text(r["value"], int(r["decimals"])), unit_text(r["unit"], ul)])
            ids.append({"metric": str(r["metric"]), "carrier": str(r["carrier"])})
        return _View(heads, rows, [False] * len(label_cols) + [True, False], ids)
    before = prior[0].removeprefix("value_")
    heads += [column_title("unit", lang), str(pack.meta["reporting_year"]), *(c.removeprefix("value_") for c in prior),
              column_title("yoy_change", lang).replace("{year}", before),
              column_title("yoy_change_pct", lang).replace("{year}", before)]
    for r in sub.to_dict("records"):
        d = int(r["decimals"])
        rows.append([str(r[c]) for c in label_cols] + [unit_text(r["unit"], ul), number_text(r["value"], d)]
                    + [number_text(r[c], d) for c in prior] + [signed_text(r["change"], d), signed_text(r["change_pct"], 2)])
        ids.append({"metric": str(r["metric"]), "carrier": str(r["carrier"])})
    return _View(heads, rows, [False] * len(label_cols) + [False] + [True] * (len(prior) + 3), ids)


def _footnote_texts(pack: DisclosurePack, lang: str, table: str | None = None) -> list[str]:
    """The footnotes of the KPI table (``table`` None) or of another table, in ``lang``."""
    notes = pack.footnotes if table is None else pack.table_footnotes.get(table, [])
    return [" · ".join(f[lg] for lg in LANGS) if lang == "all" else f[lang] for f in notes]


def _about(pack: DisclosurePack, lang: str) -> list[tuple[str, str, str]]:
    """(field id, label, value) of the pack's settings, values in words where they have them."""
    ul = _unit_lang(lang)
    words = metric_definitions().get("report_values", {})
    out = []
    for k, v in pack.meta.items():
        if k == "title":
            continue
        if k == "input" and not v:
            v = words.get("input_none", {}).get(ul, "")
        elif k == "input_sha256" and not v:
            if not pack.meta.get("input"):
                continue
            v = words.get("input_unreadable", {}).get(ul, "")
        if k == "denominators" and pack.denominators_text.get(ul):
            v = pack.denominators_text[ul]
        out.append((k, field_label(k, lang), _cell(value_text(k, v, ul))))
    return out


def _heading(text: dict[str, dict[str, str]], key: str, lang: str) -> str:
    t = text.get(key, {lg: key for lg in LANGS})
    return " · ".join(t[lg] for lg in LANGS) if lang == "all" else t[lang]


# -- HTML -----------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK TC","Noto Sans CJK SC","Microsoft JhengHei",sans-serif;
margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d1d1f;line-height:1.4}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}th,td{border:1px solid #ddd;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f5f7;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.group th{background:#e6eef6}figure{display:inline-block;margin:.5rem 1rem .5rem 0}figure svg{max-width:100%;height:auto}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.1rem 1rem;font-size:.85rem}dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
.scroll{overflow-x:auto}.note{background:#fff8e1;border-left:4px solid #e0a800;padding:.4rem .8rem;font-size:.85rem}
.status-reproduced{color:#1b7f3b}.status-consistent{color:#8a6d00}.status-differs{color:#b00020;font-weight:600}
@media print, screen and (max-width:50rem){
.scroll{overflow:visible}table{width:100%}th{overflow-wrap:break-word;hyphens:auto}td{overflow-wrap:anywhere}
table.cards{border:0}table.cards thead{display:none}table.cards,table.cards tbody{display:block}
table.cards tr{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));grid-auto-flow:row dense;border:1px solid #bbb;margin:0 0 .4rem;
break-inside:avoid}
table.cards td{display:block;border:0;border-top:1px solid #eee;padding:.1rem .4rem;text-align:left;white-space:normal}
table.cards td::before{content:attr(data-label);display:block;font-size:.75em;color:#555;font-weight:600}
table.cards td.wide,table.cards td:first-child{grid-column:1/-1}
table.cards td:first-child{background:#f3f5f7;font-weight:600;border-top:0}
}
@page{size:A4;margin:""" + A4_MARGIN + """}
@media print{
body{margin:0;padding:0;max-width:none;font-size:10pt;-webkit-print-color-adjust:exact;print-color-adjust:exact}
h1{font-size:15pt}h2{font-size:12pt;margin-top:1.2rem;break-after:avoid}table{font-size:8pt}dl,.note,.footnotes{font-size:9pt}th,td{padding:.15rem .3rem}
thead{display:table-header-group}tr,figure,dl{break-inside:avoid}figure{max-width:47%;margin:.3rem 1% .3rem 0}
}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(v: Any) -> str:
    return html.escape(_cell(v), quote=True)


#: a table of more columns than this is printed (and shown on narrow screens) as one card per
#: row, each cell under its heading, so that no column is cut off at the page's edge
CARD_COLUMNS = 8
#: in a card, a cell whose column holds a text longer than this spans the card's width
_WIDE_CELL = 28


def _html_rows(v: _View, cards: bool = False) -> str:
    """The body rows; in a card table each cell also carries its heading (``data-label``,
    shown before the cell in the card layout) and its column id (``data-col``)."""
    body = []
    wide = [max((len(r[j]) for r in v.rows), default=0) > _WIDE_CELL for j in range(len(v.heads))] if cards else []
    for cells, ids, in zip(v.rows, v.ids, strict=True):
        attrs = "".join(f' data-{k}="{_e(x)}"' for k, x in ids.items() if x)
        tds = []
        for j, (c, num) in enumerate(zip(cells, v.numeric, strict=True)):
            classes = [n for n, on in (("num", num), ("wide", cards and wide[j])) if on]
            attr = f' class="{" ".join(classes)}"' if classes else ""
            if cards:
                attr += f' data-label="{_e(v.heads[j])}"' + (f' data-col="{_e(v.cols[j])}"' if j < len(v.cols) else "")
            tds.append(f"<td{attr}>{_e(c)}</td>")
        body.append(f"<tr{attrs}>{''.join(tds)}</tr>")
    return "".join(body)


def _html_table(df: pd.DataFrame, table_id: str, lang: str) -> str:
    v = _view(df, lang)
    cards = len(v.heads) > CARD_COLUMNS
    head = "".join(f"<th>{_e(h)}</th>" for h in v.heads)
    cls = ' class="cards"' if cards else ""
    return (f'<div class="scroll"><table id="{_e(table_id)}"{cls}><thead><tr>{head}</tr></thead>'
            f"<tbody>{_html_rows(v, cards)}</tbody></table></div>")


def _kpi_html(pack: DisclosurePack, lang: str) -> str:
    head = ""
    body = []
    for kpi in pack.hkex.to_dict("records"):
        sub = pack.kpis[pack.kpis["hkex_kpi"] == kpi["hkex_kpi"]]
        if not len(sub):
            continue
        v = _kpi_view(pack, sub, lang)
        head = "".join(f"<th>{_e(h)}</th>" for h in v.heads)
        title = " / ".join(str(kpi[f"label_{lg}"]) for lg in LANGS) if lang == "all" else str(kpi[f"label_{lang}"])
        body.append(f'<tr class="group" data-hkex="{_e(kpi["hkex_kpi"])}"><th colspan="{len(v.heads)}">'
                    f'{_e(kpi["hkex_kpi"])} {_e(title)}</th></tr>')
        body.append(_html_rows(v))
    notes = "".join(f"<li>{_e(t)}</li>" for t in _footnote_texts(pack, lang))
    foot = f'<ol class="footnotes" id="kpi-footnotes">{notes}</ol>' if notes else ""
    return f'<table id="kpi-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{foot}'


def render_html(pack: DisclosurePack, lang: str = "all", svgs: Mapping[str, str] | None = None) -> str:
    """One self-contained HTML page: inline CSS and SVG, no script, no external resource
    (a Content-Security-Policy forbids any)."""
    html_lang = {"en": "en", "zh_hant": "zh-Hant", "zh_hans": "zh-Hans"}.get(lang, "zh-Hant")
    parts = [f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
             f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
             f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{_e(_heading(pack.text, 'title', lang))} {pack.meta['reporting_year']}</title>\n"
             f"<style>{_CSS}</style>\n</head>\n<body>\n"]
    parts.append(f"<h1>{_e(_heading(pack.text, 'title', lang))} — {pack.meta['reporting_year']}</h1>\n")
    parts.append('<dl id="about">' + "".join(f'<dt data-field="{_e(k)}">{_e(lab)}</dt><dd>{_e(v)}</dd>'
                                             for k, lab, v in _about(pack, lang)) + "</dl>\n")
    for n in pack.notes:
        parts.append(f'<p class="note">{_e(n)}</p>\n')
    parts.append(f'<section id="kpis"><h2>{_e(_heading(pack.text, "kpis", lang))}</h2>{_kpi_html(pack, lang)}</section>\n')
    if svgs:
        figs = "".join(f'<figure id="chart-{_e(k)}">{v}</figure>' for k, v in svgs.items())
        parts.append(f'<section id="charts"><h2>{_e(_heading(pack.text, "charts", lang))}</h2>{figs}</section>\n')
    for name, df in pack.tables().items():
        if name == "kpis":
            continue
        notes = "".join(f"<li>{_e(t)}</li>" for t in _footnote_texts(pack, lang, name))
        foot = f'<ol class="footnotes" id="{name}-footnotes">{notes}</ol>' if notes else ""
        parts.append(f'<section id="{name}"><h2>{_e(_heading(pack.text, name, lang))}</h2>'
                     f"{_html_table(df, name + '-table', lang)}{foot}</section>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts)



# -- Markdown -------------------------------------------------------------------------------
_MD_ESCAPE = str.maketrans({"|": "\\|", "\\": "\\\\", "`": "\\`", "[": "\\[", "]": "\\]", "*": "\\*", "_": "\\_",
                            "<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "})


def _md(v: Any) -> str:
    return _cell(v).translate(_MD_ESCAPE)


def _md_view(v: _View) -> str:
    head = "| " + " | ".join(_md(h) for h in v.heads) + " |"
    sep = "|" + "|".join("---:" if num else "---" for num in v.numeric) + "|"
    body = ["| " + " | ".join(_md(c) for c in cells) + " |" for cells in v.rows]
    return "\n".join([head, sep, *body])


def _md_table(df: pd.DataFrame, lang: str) -> str:
    return _md_view(_view(df, lang))


def render_markdown(pack: DisclosurePack, lang: str = "all", images: Mapping[str, str] | None = None) -> str:
    out = [f"# {_md(_heading(pack.text, 'title', lang))} — {pack.meta['reporting_year']}", ""]
    out += [f"- **{_md(lab)}**: {_md(v)}" for _, lab, v in _about(pack, lang)]
    out.append("")
    for n in pack.notes:
        out += [f"> {_md(n)}", ""]
    out += [f"## {_md(_heading(pack.text, 'kpis', lang))}", ""]
    for kpi in pack.hkex.to_dict("records"):
        sub = pack.kpis[pack.kpis["hkex_kpi"] == kpi["hkex_kpi"]]
        if not len(sub):
            continue
        title = " / ".join(str(kpi[f"label_{lg}"]) for lg in LANGS) if lang == "all" else str(kpi[f"label_{lang}"])
        out += [f"### {_md(kpi['hkex_kpi'])} {_md(title)}", "", _md_view(_kpi_view(pack, sub, lang)), ""]
    out += [f"{i}. {_md(t)}" for i, t in enumerate(_footnote_texts(pack, lang), 1)]
    if pack.footnotes:
        out.append("")
    if images:
        out += [f"## {_md(_heading(pack.text, 'charts', lang))}", ""]
        out += [f"![{_md(k)}]({Path(v).as_posix()})" for k, v in images.items()]
        out.append("")
    for name, df in pack.tables().items():
        if name == "kpis":
            continue
        out += [f"## {_md(_heading(pack.text, name, lang))}", "", _md_table(df, lang), ""]
        if notes := _footnote_texts(pack, lang, name):
            out += [*(f"{i}. {_md(t)}" for i, t in enumerate(notes, 1)), ""]
    return "\n".join(out)


# -- XLSX -----------------------------------------------------------------------------------
def _number_format(col: str, series: pd.Series) -> str | None:
    """The XLSX number format of a numeric column: a metric at its declared precision, years
    and row numbers plain, percentages at 2 decimals, counts with separators; None for text."""
    if not pd.api.types.is_numeric_dtype(series) or series.dtype == bool:
        return None
    if col in _PLAIN_INT or col.endswith("year"):
        return "0"
    if metric_label(col, "en") is not None:
        d = metric_precision(col)
        return "#,##0" + ("." + "0" * d if d else "")
    if pd.api.types.is_integer_dtype(series):
        return "#,##0"
    return "#,##0.00" if col.endswith("_pct") else "#,##0.00##"


def _format_sheet(ws: Any, df: pd.DataFrame, lang: str) -> None:
    """Formats of one pack sheet: a number format per column (per row in the KPI sheet: each
    metric's declared precision), the header row frozen, widths fitted to the text."""
    cols = _columns(df, lang)
    for j, c in enumerate(cols, start=1):
        fmt = _number_format(c, df[c])
        if (c in ("value", "change") or c.startswith("value_") or str(c).isdigit()) and "decimals" in df.columns:
            for i, d in enumerate(df["decimals"].tolist(), start=2):
                f = "#,##0" + ("." + "0" * int(d) if int(d) else "")
                ws.cell(row=i, column=j).number_format = f"+{f};-{f};{f}" if c == "change" else f
        elif c == "change_pct" and "decimals" in df.columns:   # the KPI table's year-on-year change, signed
            for i in range(2, len(df) + 2):
                ws.cell(row=i, column=j).number_format = "+#,##0.00;-#,##0.00;0.00"
        elif fmt is not None:
            for i in range(2, len(df) + 2):
                ws.cell(row=i, column=j).number_format = fmt
    ws.freeze_panes = "A2"
    for col in ws.columns:
        width = max((len(str(c.value)) if not isinstance(c.value, float) else 14 for c in col if c.value is not None), default=8)
        ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))


def write_xlsx(pack: DisclosurePack, path: Path, lang: str = "all", pngs: Mapping[str, bytes] | None = None) -> None:
    """One sheet per table (every cell formula-safe), the KPI texts, and the charts as PNG."""
    import io

    from openpyxl.drawing.image import Image

    def safe(df: pd.DataFrame) -> pd.DataFrame:
        out = df[_columns(df, lang)].copy()
        units = df.attrs.get("units") or {}
        out.columns = [safe_cell(f"{c} [{units[c]}]" if units.get(c) else str(c)) for c in out.columns]
        for c in out.columns:
            if not pd.api.types.is_numeric_dtype(out[c]) or out[c].dtype == bool:
                out[c] = out[c].astype(object).map(lambda v: safe_cell(v if not (isinstance(v, float) and math.isnan(v)) else None))
        return out

    # field id and value first (as before labels were added: scripts read columns A and B), the label beside
    about = pd.DataFrame([{"field": k, "value": v, "label": lab} for k, lab, v in _about(pack, lang)]
                         + [{"field": "note", "value": n, "label": field_label("note", lang)} for n in pack.notes])
    foot = pd.DataFrame([{"field": "footnote", "value": t, "label": field_label("note", lang)} for t in _footnote_texts(pack, lang)]
                        + [{"field": f"footnote_{name}", "value": t, "label": field_label("note", lang)}
                           for name in pack.table_footnotes for t in _footnote_texts(pack, lang, name)])
    frames = {"about": pd.concat([about, foot], ignore_index=True) if len(foot) else about, "hkex_kpis": pack.hkex,
              **{name[:31]: df for name, df in pack.tables().items()}}
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in frames.items():
            safe(df).to_excel(xw, sheet_name=name, index=False)
            _format_sheet(xw.sheets[name], df, lang)
        if pngs:
            ws = xw.book.create_sheet("charts")
            row = 1
            for name, data in pngs.items():
                ws.cell(row=row, column=1, value=safe_cell(name))
                img = Image(io.BytesIO(data))
                ws.add_image(img, f"A{row + 1}")
                row += int(img.height / 20) + 3


# -- entry point ----------------------------------------------------------------------------
def report(result: Result, path: str | Path, *, lang: str = "all", reporting_year: int | None = None,
           base_year: int | None = None, targets: Sequence[str | Target] = (),
           denominators_by_period: Mapping[Any, Mapping[str, Any]] | None = None) -> list[Path]:
    """Write the disclosure pack of ``result`` to ``path`` (``.html``, ``.xlsx``, ``.md`` or ``.pdf``).

    ``lang``: ``all`` (English, 繁體 and 简体 labels side by side; the default), ``en``,
    ``zh_hant`` or ``zh_hans``. The other keywords are those of :func:`disclosure_pack`.
    For Markdown the charts are written as PNG files into ``<stem>_charts/`` beside the file.
    A PDF is the HTML page printed on A4 by headless Chromium (:mod:`ghgcalc.reports.browser`;
    without Chromium a :class:`~ghgcalc.reports.browser.BrowserError` says what to install).
    Returns the paths written. Needs matplotlib (``pip install 'ghgcalc[report]'``).
    """
    from .charts import chart_figures, chart_language, close, require_matplotlib, to_png, to_svg

    if lang not in ("all", *LANGS):
        raise GhgcalcError(f"lang must be one of all, {', '.join(LANGS)}; got {lang!r}")
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("html", "htm", "xlsx", "md", "pdf"):
        raise GhgcalcError(f"report output {p.name!r}: the file name must end in .html, .xlsx, .md or .pdf")
    if not p.parent.is_dir():
        raise GhgcalcError(f"report output {p}: the directory {p.parent} does not exist")
    require_matplotlib()
    if fmt == "pdf" and find_chromium() is None:   # before computing anything
        raise BrowserError(BROWSER_MISSING)
    pack = disclosure_pack(result, reporting_year=reporting_year, base_year=base_year, targets=targets,
                           denominators_by_period=denominators_by_period)
    chart_lang, font, font_note = chart_language(lang, raster=fmt not in ("html", "htm"))
    if font_note:   # said once: in the pack's notes and on stderr
        pack.notes.append(font_note)
        print(f"ghgcalc: warning: {font_note}", file=sys.stderr)
    figs = chart_figures(pack, chart_lang, font)
    written = [p]
    try:
        if fmt in ("html", "htm"):
            svgs = {k: to_svg(f, f"c{i}") for i, (k, f) in enumerate(figs.items())}
            with atomic_path(p) as tmp:   # every file under a temporary name, renamed when complete
                tmp.write_text(render_html(pack, lang, svgs), encoding="utf-8")
        elif fmt == "pdf":
            svgs = {k: to_svg(f, f"c{i}") for i, (k, f) in enumerate(figs.items())}
            with tempfile.TemporaryDirectory(prefix="ghgcalc-pdf-") as work, atomic_path(p) as tmp:
                page = Path(work) / "pack.html"
                page.write_text(render_html(pack, lang, svgs), encoding="utf-8")
                print_to_pdf(page, tmp)
        elif fmt == "xlsx":
            with atomic_path(p) as tmp:
                write_xlsx(pack, tmp, lang, {k: to_png(f) for k, f in figs.items()})
        else:
            img_dir = p.with_name(p.stem + "_charts")
            images: dict[str, str] = {}
            if figs:
                img_dir.mkdir(parents=True, exist_ok=True)
            for k, f in figs.items():
                fp = img_dir / f"{k}.png"
                with atomic_path(fp) as tmp:
                    tmp.write_bytes(to_png(f))
                written.append(fp)
                images[k] = f"{img_dir.name}/{fp.name}"
            with atomic_path(p) as tmp:
                tmp.write_text(render_markdown(pack, lang, images), encoding="utf-8")
    finally:
        close(figs)
    return written
