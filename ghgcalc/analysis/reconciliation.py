"""Reconciliation: reported figures against a recomputation, at their printed precision.

A reported figure is its printed digits in its printed unit (contract section 5). It is
``reproduced`` when the recomputed value, converted exactly to the printed unit, rounds
half-up to exactly those digits; ``consistent`` when not, but the printed figure lies
inside the range that the rounding of the printed inputs allows (an input printed as
``300.638`` stands for [300.6375, 300.6385)); ``differs`` otherwise, with by how much and,
where one factor or one input explains it, which value of it would reproduce the figure;
``not_recomputed`` when no input stands behind it. All comparisons are made in exact
rational arithmetic (factors as printed, inputs as printed), so float error never flips a
status.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..core.bridge import Bridge, all_of_gas, bridge_printed_unit
from ..core.datacentre import IT_CARRIER, RATIO_METRICS, canonical_metric
from ..core.factors import FactorRow
from ..core.metrics import metric_specs
from ..core.reasons import reason
from ..core.results import ROWS_KEPT, Totals
from ..core.units import leading_number_error, parse_unit
from ..errors import ReportedFiguresError, UnitError
from ..io.exports import html_text
from ..io.quantities import is_not_reported
from ..printed import decimals_of, format_at, format_general, half_unit, parse_decimal, round_half_up

__all__ = ["STATUSES", "Reconciliation", "ReportedFigure", "ReportedFigures", "load_reported", "reconcile", "round_half_up"]

STATUSES = ("reproduced", "consistent", "differs", "not_recomputed")


class ReportedFigure(BaseModel):
    model_config = ConfigDict(extra="allow")

    metric: str
    value: str
    unit: str = ""
    carrier: str | None = None
    facility: str | None = None
    period: str | None = None
    label: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, v: Any) -> str:
        if isinstance(v, bool) or v is None:
            raise ValueError("value must be the printed digits, e.g. \"88.84\"")
        if isinstance(v, float):
            raise ValueError(f"value {v!r} must be quoted as a string so its printed digits are kept (\"{v}\")")
        text = str(v).strip()
        if is_not_reported(text):   # "-", "—", "N/A": no figure printed; compared with nothing (not_recomputed)
            return text
        try:
            parse_decimal(text)
        except ValueError as exc:
            raise ValueError(f"value {v!r} is not a printed number ({exc})") from None
        return text

    @property
    def not_reported(self) -> bool:
        """The report prints no figure here (a dash or N/A: ``not_reported`` in
        ghgcalc/data/quantities.yaml): the entry is ``not_recomputed``, never compared with 0."""
        return is_not_reported(self.value)

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, v: Any) -> Any:
        return None if v is None else str(v)

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, v: Any) -> str:
        return "" if v is None else str(v)


class ReportedFigures(BaseModel):
    model_config = ConfigDict(extra="allow")

    report: str | None = None
    reporting_year: int | None = None
    denominators: dict[str, Any] = Field(default_factory=dict)
    activity: list[dict[str, Any]] = Field(default_factory=list)
    reported: list[ReportedFigure]


def read_yaml_document(source: str | Path | Mapping[str, Any], fail: Callable[[str], Exception], what: str = "") -> Any:
    """A YAML document from a file (safe loader: no tags that run code) or a mapping as it is;
    a missing or malformed file raises ``fail(message)``."""
    if isinstance(source, Mapping):
        return dict(source)
    p = Path(source)
    if not p.is_file():
        raise fail(f"{what}file not found: {p}")
    try:
        return yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise fail(f"{what}{p}: not valid YAML: {exc}") from None


def load_reported(source: str | Path | Mapping[str, Any] | ReportedFigures) -> ReportedFigures:
    """Read a reported-figures YAML (safe loader) or dict; errors name the entry and key."""
    if isinstance(source, ReportedFigures):
        return source
    data = read_yaml_document(source, ReportedFiguresError)
    if not isinstance(data, dict) or "reported" not in data:
        raise ReportedFiguresError("expected a mapping with a 'reported' list of {metric, value, unit}")
    try:
        out = ReportedFigures.model_validate(data)
    except ValidationError as exc:
        errs = [_where(list(x["loc"]), x["msg"]) for x in exc.errors()]
        entry, key, reason = errs[0]
        more = "".join(f"; {_entry_text(j, k)}{r}" for j, k, r in errs[1:10])
        raise ReportedFiguresError(reason + more, entry=entry, key=key) from None
    problems: list[tuple[int, str, str]] = []
    for i, f in enumerate(out.reported):
        if f.unit and f.unit not in ("dimensionless", "1"):
            try:
                leading = leading_number_error(f.unit)   # "104 t": 10⁴ t that lost its superscript
                if leading is not None:
                    raise leading
                parse_unit(f.unit)
            except UnitError as exc:
                problems.append((i, "unit", f"unit {f.unit!r}: {exc.reason}"))
        guess = _misspelt_metric(f.metric)
        if guess:
            problems.append((i, "metric", f"unknown metric {f.metric!r} (did you mean {guess!r}?)"))
    if problems:
        i, key, reason = problems[0]
        more = "".join(f"; {_entry_text(j, k)}{r}" for j, k, r in problems[1:10])
        raise ReportedFiguresError(reason + more, entry=i, key=key)
    return out


def _where(loc: list[Any], msg: str) -> tuple[int | None, str | None, str]:
    """(entry, key, reason) of a validation error of the reported-figures file: the entry of
    ``reported`` it is about (0-based, as :class:`~ghgcalc.errors.ReportedFiguresError` numbers
    it), its key, and pydantic's message without its "Value error, " prefix."""
    entry = loc[1] if len(loc) > 1 and loc[0] == "reported" and isinstance(loc[1], int) else None
    key = str(loc[-1]) if loc and not isinstance(loc[-1], int) else None
    if entry is None and loc:   # a top-level key ("denominators", "reported" itself)
        key = ".".join(str(x) for x in loc)
    return entry, key, re.sub(r"^Value error, ", "", msg)


def _entry_text(entry: int | None, key: str | None) -> str:
    """``entry 2, key 'value': `` as :class:`~ghgcalc.errors.ReportedFiguresError` prints it."""
    where = ([f"entry {entry}"] if entry is not None else []) + ([f"key {key!r}"] if key else [])
    return (", ".join(where) + ": ") if where else ""


def _misspelt_metric(metric: str) -> str | None:
    """The metric id a name is a near miss of (``Scope1``, ``scope_1`` -> ``scope1``), else None.

    A name far from every metric id (``data_centre_pue``) is a figure ghgcalc does not
    compute and is reported as ``not_recomputed``; a near miss is a typo that would
    otherwise pass silently as ``not_recomputed``."""
    import difflib

    bases = list(metric_specs())
    if metric in bases or metric.split("_per_")[0] in bases:
        return None
    known = bases + [f"{b}_per_capita" for b in bases]
    folded = metric.strip().lower().replace(" ", "").replace("-", "_")
    if folded in known:
        return folded
    bare = {k.replace("_", ""): k for k in known}
    if folded.replace("_", "") in bare:
        return bare[folded.replace("_", "")]
    close = difflib.get_close_matches(folded, known, n=1, cutoff=0.85)
    return close[0] if close else None


@dataclass
class Reconciliation:
    """The outcome of :func:`reconcile`: one entry per reported figure."""

    entries: list[dict[str, Any]]

    @property
    def ok(self) -> bool:
        """True when no figure differs."""
        return not any(e["status"] == "differs" for e in self.entries)

    def counts(self) -> dict[str, int]:
        return {s: sum(e["status"] == s for e in self.entries) for s in STATUSES}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.entries)

    def to_list(self) -> list[dict[str, Any]]:
        return [dict(e) for e in self.entries]

    def __iter__(self) -> Any:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def _repr_html_(self) -> str:
        return reconciliation_html(self)


def reconcile(result: Totals, reported: str | Path | Mapping[str, Any] | ReportedFigures,
              denominators: Mapping[str, Any] | None = None) -> Reconciliation:
    """Compare a recomputation with reported figures at their printed precision.

    Parameters
    ----------
    result : Totals
        From :func:`ghgcalc.calculate`: in memory, streamed (``chunk_rows``) or over a Dask
        DataFrame; the entries are the same for each.
    reported : path, dict or ReportedFigures
        YAML as in contract section 5; its ``denominators`` are used for intensities the
        result does not already have.
    denominators : mapping, optional
        Extra denominators (they win over the YAML's).
    """
    rep = load_reported(reported)
    dens = {**rep.denominators, **(denominators or {})}
    if dens:
        result = result.with_denominators(dens)
    entries = []
    for fig in rep.reported:
        entries.append(_one(result, fig))
    return Reconciliation(entries)


def _one(result: Totals, fig: ReportedFigure) -> dict[str, Any]:
    out: dict[str, Any] = {"metric": fig.metric}
    for k in ("carrier", "facility", "period"):
        if getattr(fig, k) is not None:
            out[k] = getattr(fig, k)
    out.update({"reported": fig.value, "recomputed": None, "unit": fig.unit, "status": "not_recomputed", "reason": ""})
    if fig.not_reported:
        out["reason"] = f"not reported ({fig.value}): the report prints no figure to compare"
        return out
    printed = parse_decimal(fig.value)
    decimals = decimals_of(printed)
    p = Fraction(printed)
    half = half_unit(printed)
    metric = canonical_metric(fig.metric)
    bridge: Bridge | UnitError | None = None
    compared = metric
    try:
        base, den = result.split_metric(metric)
    except KeyError:
        base, den = "", None
    if base:
        try:
            bridge = bridge_printed_unit(base, fig.unit, den.unit if den is not None else "")
            compared = bridge.metric + metric[len(base):]
        except UnitError as exc:
            bridge = exc
    ids = result.metric_ids()
    if metric not in ids and compared not in ids:
        out["reason"] = ("no input behind this figure in the activity data" if _known_metric(metric)
                         else "not a metric ghgcalc computes (no input behind it)")
        if metric in RATIO_METRICS:
            out["reason"] = (f"no input behind this figure: {metric} needs IT equipment energy rows "
                             f"(carrier {IT_CARRIER}) in the activity data")
        if fig.metric.endswith("_per_capita") and not any(d.name == "headcount" for d in result.denominators):
            out["reason"] = "no headcount denominator given"
        return out
    if not isinstance(bridge, Bridge):
        reason = bridge.reason if isinstance(bridge, UnitError) else f"no unit bridge for {metric}"
        out["reason"] = f"cannot compare: {reason}"
        if den is not None and not den.unit:
            shown = den.text or format(float(den.value), "g")
            out["reason"] += (f"; the denominator {den.name!r} was given as a bare number: give its unit too, "
                              f"e.g. denominators: {{{den.name}: {{value: {shown}, unit: ...}}}}")
        return out
    mask = None
    if fig.carrier is not None or fig.facility is not None or fig.period is not None:
        mask = result.select_group(fig.carrier, fig.facility, fig.period)
        if not mask.any():
            out["reason"] = "no computed row in that group"
            return out
    got = _bridged_value(result, metric, compared, bridge, fig.unit, mask)
    if isinstance(got, str):
        out["reason"] = got
        return out
    val, lo, hi, compared, note = got
    kconv = bridge.factor
    v = val * kconv
    rounded = round_half_up(v, decimals)
    out["recomputed"] = format_at(rounded, decimals)
    notes = [note] if note else []
    if rounded == p:
        out["status"] = "reproduced"
        out["reason"] = "; ".join(notes)
        return out
    vlo, vhi = lo * kconv, hi * kconv
    if vlo < p + half and vhi >= p - half:
        out["status"] = "consistent"
        # one place more than printed: six significant digits hid the interval of a large figure
        # ("allows [167662, 167662]" for a printed 167,661.53)
        finer = decimals + 1
        notes.insert(0, f"exact recomputation {format_at(v, finer)} rounds to {out['recomputed']}, but the rounding of the printed "
                        f"inputs allows [{format_at(vlo, finer)}, {format_at(vhi, finer)}], which contains the printed {fig.value}")
        out["reason"] = "; ".join(notes)
        return out
    out["status"] = "differs"
    diff = v - p
    rel = (diff / p * 100) if p else None
    msg = f"recomputed {out['recomputed']} vs printed {fig.value} {fig.unit}: differs by {float(diff):+.6g}"
    if rel is not None:
        msg += f" ({float(rel):+.3g} %)"
    expl = _explain_difference(result, fig.model_copy(update={"metric": compared}), mask, val, (p - half) / kconv, (p + half) / kconv)
    if expl:
        msg += "; " + expl
    out["reason"] = "; ".join([msg, *notes])
    return out


def _bridged_value(result: Totals, metric: str, compared: str, bridge: Bridge, printed_unit: str, mask: Any
                   ) -> tuple[Fraction, Fraction, Fraction, str, str | None] | str:
    """(value, interval low, high, the metric it is, the note for the reason) of the metric a
    printed figure is compared with (:func:`~ghgcalc.core.bridge.bridge_printed_unit`), or why
    it cannot be recomputed. A figure printed in a mass of one gas under a CO2e heading is
    compared with that gas's sum, or with the CO2e total where every factor behind it is a
    factor of that gas (:func:`~ghgcalc.core.bridge.all_of_gas`), and the note says which."""
    base = metric.split("_per_")[0] if metric not in metric_specs() else metric
    note = bridge.note
    if bridge.gas is not None and bridge.gas != "CO2e" and base in metric_specs():
        whole, same, other = all_of_gas(result, metric, bridge.gas, mask)
        if whole:
            note = (f"printed in {printed_unit!r}, a mass of {bridge.gas}: every factor behind {base} is a {bridge.gas} factor "
                    f"({_few(same)}), so it is compared with its total (all {bridge.gas})")
            if bridge.stand_in:
                compared = metric
        elif bridge.stand_in:
            return (f"printed in {printed_unit!r}, a mass of {bridge.gas}, but {base} is a CO2e figure and not every factor "
                    f"behind it is a {bridge.gas} factor ({_few(other)}), and the method has no {bridge.gas}-only sum of it: "
                    f"cannot compare")
    elif bridge.stand_in:
        return f"cannot compare: {bridge.note}"
    val, lo, hi, _unit = result.metric_exact(compared, mask)
    if val is None or lo is None or hi is None:
        if bridge.gas is not None and bridge.metric != base:
            _whole, _same, other = all_of_gas(result, metric, bridge.gas, mask)
            return (f"printed in {printed_unit!r}, a mass of {bridge.gas}, but the method does not count the {bridge.gas} of "
                    f"{base} apart ({bridge.metric} is n/a: {_missing(result, bridge.metric)}) and not every factor behind "
                    f"it is a {bridge.gas} factor ({_few(other)}): cannot compare")
        return _why_not_available(result, compared if compared in metric_specs() else base, mask) + (
            f"; {note}" if note else "")
    return val, lo, hi, compared, note


def _few(items: list[str], n: int = 3) -> str:
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


def _missing(result: Totals, base: str) -> str:
    return result.unavailable_reasons().get(base) or "some rows carry no value for it"


def _why_not_available(result: Totals, base: str, mask: Any) -> str:
    """Why a figure's metric has no value, true of the figure: for a figure limited to a group
    (``mask``), the reason of the rows in it (:meth:`Result.why_not_available`), else the reason
    for the whole data (:meth:`Result.unavailable_reasons`)."""
    why = result.why_not_available(base, mask) if mask is not None else None
    if why is not None:
        return str(reason("not_available", why=why))
    return result.unavailable_reasons().get(base) or "some rows carry no value for it"


def _known_metric(metric: str) -> bool:
    return metric.split("_per_")[0] in metric_specs()


def _explain_difference(result: Totals, fig: ReportedFigure, mask: Any, total: Fraction, t_lo: Fraction, t_hi: Fraction) -> str:
    """Which single factor or input value would reproduce the printed figure."""
    parts: list[str] = []
    contrib = result.contributions(fig.metric, mask)
    options: list[tuple[Fraction, str]] = []
    for fid, (a, e) in contrib.items():
        row = result.method.factor(fid)
        if row is None or a == 0:
            continue
        if row.kind == "gwp" and str(row.gas or "").upper() == "CO2":
            continue   # the GWP of CO2 is 1 by definition (IPCC AR5 WG1 ch.8): never a value to change
        rest = total - a
        lo_r, hi_r = (t_lo - rest) / a, (t_hi - rest) / a
        if hi_r <= 0:
            continue
        lo_r = max(lo_r, Fraction(0))
        if e == 1:
            vlo, vhi = row.exact * lo_r, row.exact * hi_r
        else:
            vlo, vhi = row.exact / hi_r, (row.exact / lo_r if lo_r else None)  # type: ignore[assignment]
        change = abs((vlo + (vhi if vhi is not None else vlo)) / 2 / row.exact - 1)
        text = (f"{fid} = {row.value} {row.unit} would have to lie in [{format_general(vlo)}, {format_general(vhi) if vhi is not None else '∞'})")
        fit = _shipped_alternatives(result, row, vlo, vhi)
        if fit:
            text += f" (shipped: {', '.join(fit)} fit)"
        options.append((change - (1 if fit else 0), text))
    options.sort(key=lambda t: t[0])
    parts.extend(t for _, t in options[:2])
    rows = result.row_contributions(fig.metric, mask) if result.rows_computed <= ROWS_KEPT else []
    best: tuple[Fraction, str] | None = None
    for label, text, q, per in rows:
        rest = total - q * per
        qlo, qhi = (t_lo - rest) / per, (t_hi - rest) / per
        if qhi <= 0:
            continue
        qlo = max(qlo, Fraction(0))
        change = abs((qlo + qhi) / 2 / q - 1) if q else Fraction(10**9)
        cand = (change, f"row {label} quantity {text} would have to lie in [{format_general(qlo)}, {format_general(qhi)})")
        if best is None or cand[0] < best[0]:
            best = cand
    if best is not None:
        parts.append(best[1])
    return "; or ".join(parts)


def _shipped_alternatives(result: Totals, row: FactorRow, lo: Fraction, hi: Fraction | None) -> list[str]:
    out = []
    for r in result.method.library.select(carrier=row.carrier, kind=row.kind):
        if r.id == row.id or (row.gas and r.gas != row.gas) or r.unit != row.unit:
            continue
        if r.exact >= lo and (hi is None or r.exact < hi):
            out.append(f"{r.id} ({r.value})")
    return out[:3]


def reconciliation_html(rec: Reconciliation) -> str:
    """Jupyter display of a reconciliation: one row per reported figure, status coloured."""
    rows = []
    for e in rec.entries:
        group = " ".join(f"{k}={e[k]}" for k in ("carrier", "facility", "period") if k in e)
        rows.append(f"<tr><td><code>{html_text(e['metric'])}</code> {html_text(group)}</td><td style='text-align:right'>{html_text(e['reported'])}</td>"
                    f"<td style='text-align:right'>{html_text(e['recomputed'] if e['recomputed'] is not None else '—')}</td>"
                    f"<td>{html_text(e['unit'])}</td><td class='status-{html_text(e['status'])}'>{html_text(e['status'])}</td><td>{html_text(e['reason'])}</td></tr>")
    c = rec.counts()
    summary = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in c.items())
    return ("<div><p><b>ghgcalc reconciliation</b> — " + html_text(summary) + "</p><table><thead><tr><th>metric</th><th>reported</th>"
            "<th>recomputed</th><th>unit</th><th>status</th><th>reason</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table></div>")
