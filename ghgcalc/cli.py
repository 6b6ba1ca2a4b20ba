"""Command line: ``ghgcalc example | calc | reconcile | explain | claims | report | factors | profiles``.

Exit codes (contract section 3): 0 ok; 1 a reconciled figure differs; 2 bad input, with a
message that names row, column, value and reason, and no traceback. ``calc`` and ``report``
with ``--on-error collect`` write the partial results and exit 2 whenever a row was not
computed (0 only when every row was), with a one-line count on stderr. A file that cannot be
read or written, and any unexpected failure, also exit 2 with a one-line message (an
unexpected one is labelled an internal error; ``GHGCALC_DEBUG=1`` shows its traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import ActivityDataError, GhgcalcError, InputError, RowIssue, grouped_lines

if TYPE_CHECKING:   # the result types: imported when used (``ghgcalc --help`` stays fast)
    from .core.results import Totals

EXIT_OK, EXIT_DIFFERS, EXIT_BAD_INPUT = 0, 1, 2

_EXIT_CODES = ("exit codes: 0 ok (with --on-error collect: every row computed); 1 a reconciled figure differs; 2 bad "
               "input, or with --on-error collect any row not computed (the partial results are still written, and "
               "stderr says: N rows in, C computed, E in error)")
_COLLECT_HELP = ("raise: stop at bad rows, list them, exit 2; collect: compute the good rows, write them and list "
                 "the bad ones, exit 2 if any row was not computed (0 only when every row was)")


def _denoms(items: Sequence[str] | None) -> dict[str, str]:
    out = {}
    for it in items or []:
        if "=" not in it:
            raise GhgcalcError(f"--denominator expects NAME=VALUE, got {it!r}")
        k, v = it.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _labelled_denoms(items: Sequence[str] | None, labels: Sequence[str] | None) -> dict[str, Any]:
    """``--denominator`` values with the ``--denominator-label NAME.LANG=TEXT`` labels of their names
    (LANG: en, zh_hant, zh_hans, or all)."""
    out: dict[str, Any] = dict(_denoms(items))
    for it in labels or []:
        key, eq, text = it.partition("=")
        name, dot, lang = key.strip().rpartition(".")
        if not eq or not dot or not name or not text.strip():
            raise GhgcalcError(f"--denominator-label expects NAME.LANG=TEXT (LANG: en, zh_hant, zh_hans or all), got {it!r}")
        if name not in out:
            raise GhgcalcError(f"--denominator-label {it!r}: no --denominator {name}=... to label")
        v = out[name]
        out[name] = {"value": v["value"], "labels": {**v["labels"], lang: text.strip()}} if isinstance(v, dict) else \
            {"value": v, "labels": {lang: text.strip()}}
    return out


def _problems(issues: Sequence[RowIssue]) -> str:
    """The problems, one line each; a problem repeated over many rows once, with its lines."""
    return "\n".join(f"  - {line}" for line in grouped_lines(issues))


def _columns(args: argparse.Namespace) -> dict[str, str]:
    """``--columns HEADER=COLUMN,...`` (repeatable) as ``{header: column}``; {} without it. The
    one parser of the option for every command (:func:`ghgcalc.io.headers.parse_column_mapping`)."""
    given = getattr(args, "columns", None)
    if not given:
        return {}
    from .io.headers import parse_column_mapping

    return parse_column_mapping(given)


def _profile(args: argparse.Namespace) -> Any:
    """The ``--profile`` argument, with ``--columns HEADER=COLUMN,...`` added to its ``[input]
    columns`` (the option wins over the profile's own mapping)."""
    columns = _columns(args)
    if not columns:
        return args.profile
    from .core.profiles import load_profile

    return load_profile(args.profile).with_columns(columns)


_COLUMNS_HELP = ("which header is which column, where the header words do not tell (they win over them): "
                 "e.g. --columns 能源品种=carrier,消耗量=quantity (repeatable; a profile's [input] columns does the same)")


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _confidence(text: str) -> float:
    """An argparse type: a confidence level strictly between 0 and 1 (``--confidence 0.9``)."""
    try:
        c = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, e.g. 0.9, got {text!r}") from None
    if not 0 < c < 1:   # NaN fails too
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), e.g. 0.9 for a 90 % interval, got {text!r}")
    return c


def _write_text(path: str | Path, text: str) -> None:
    """A text output written whole or not at all (a temporary file beside it, renamed)."""
    from .io.exports import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _progress(args: argparse.Namespace) -> Any:
    """The progress bar of a long run: a callback drawing on stderr when it is a terminal and
    ``--quiet`` is not given; None otherwise (nothing is printed to a pipe or a log). One per
    command, closed by :func:`main` whatever happens."""
    from .io.progress import terminal_progress

    if "progress_bar" not in vars(args):
        args.progress_bar = terminal_progress(bool(getattr(args, "quiet", False)))
    return args.progress_bar


def _language(text: str) -> str:
    """An argparse type: a label language, ``en``, ``zh_hans`` or ``zh_hant`` (``zh-Hant`` too)."""
    lang = text.strip().lower().replace("-", "_")
    if lang not in ("en", "zh_hans", "zh_hant"):
        raise argparse.ArgumentTypeError(f"expected en, zh_hans or zh_hant, got {text!r}")
    return lang


def _example_dir() -> Path:
    return Path(str(resources.files("ghgcalc"))) / "data" / "examples" / "kuaishou-2022"


def _print_reconciliation(rec: Any, fmt: str, title: str | None = None) -> None:
    if fmt == "json":
        print(json.dumps(rec.to_list(), ensure_ascii=False, indent=2))
        return
    if title:
        print(title)
    mark = {"reproduced": "✓ reproduced", "consistent": "~ consistent", "differs": "✗ DIFFERS", "not_recomputed": "- not recomputed"}
    print(f"{'metric':32} {'printed':>14} {'recomputed':>14}  {'unit':16} status")
    for e in rec:
        group = "".join(f" [{k}={e[k]}]" for k in ("carrier", "facility", "period") if k in e)
        rc = e["recomputed"] if e["recomputed"] is not None else "—"
        print(f"{(e['metric'] + group):32} {e['reported']:>14} {rc:>14}  {e['unit']:16} {mark[e['status']]}")
        if e["reason"]:   # a reproduced figure's reason says how its printed unit was read
            print(f"{'':34}{e['reason']}")
    c = rec.counts()
    print(f"\n{c['reproduced']} reproduced, {c['consistent']} consistent, {c['differs']} differs, {c['not_recomputed']} not recomputed")


def cmd_example(args: argparse.Namespace) -> int:
    from .analysis.reconciliation import load_reported, reconcile
    from .core.calculation import calculate

    d = _example_dir()
    reported = load_reported(d / "reported.yaml")
    result = calculate(d / "activity.csv", "kuaishou-2022")
    rec = reconcile(result, reported)
    title = (f"{reported.report}\nprofile: kuaishou-2022 (ghgcalc profiles show kuaishou-2022)\n"
             f"activity: {d / 'activity.csv'}\n")
    _print_reconciliation(rec, args.format, title if args.format == "table" else None)
    return EXIT_OK if rec.ok else EXIT_DIFFERS


def _collect_exit(result: Totals, on_error: str) -> int:
    """The exit code of a computed result: 2 when any input row was not computed (the partial
    results are written before), else 0. In collect mode one line on stderr counts the rows."""
    code = EXIT_BAD_INPUT if result.partial else EXIT_OK
    if on_error == "collect":
        n_in, done = result.n_input_rows, result.rows_computed
        dropped = len({w.row for w in getattr(result, "warnings", ()) if w.row is not None})
        also = f", {dropped} total row(s) dropped (equal to their parts)" if dropped else ""
        print(f"ghgcalc: {n_in} rows in, {done} computed, {n_in - done - dropped} in error{also} (exit {code})", file=sys.stderr)
    return code


def _calc_stream(args: argparse.Namespace) -> int:
    """``calc`` on a file streamed in chunks (``--chunk-rows``, or a large Parquet/CSV file)."""
    from .core.streaming import DEFAULT_BY, DEFAULT_CHUNK_ROWS, calculate_stream
    from .reports.tables import output_format, suffix_format

    out = args.output
    fmt = args.format = output_format(out, args.format, rows_beside_summary=True)
    _check_uncertainty_format(args)
    if fmt == "xlsx":
        raise GhgcalcError("--format xlsx needs the whole table in memory; a streamed file writes its rows with "
                           "-o FILE.csv or -o FILE.parquet")
    rows_out: Any = None
    if not args.by and suffix_format(out) in ("csv", "parquet"):
        rows_out = out
    elif fmt == "csv" and not args.by:
        rows_out = out or sys.stdout
    # a breakdown by a column other than facility and period needs its group sums kept too
    keep = (*DEFAULT_BY, args.by) if args.by and args.by not in DEFAULT_BY else None
    result = calculate_stream(args.activity, _profile(args), _labelled_denoms(args.denominator, args.denominator_label),
                              on_error=args.on_error,
                              chunk_rows=args.chunk_rows or DEFAULT_CHUNK_ROWS, output=rows_out,
                              progress=_progress(args), by=keep)
    _warn_dropped(result)
    if args.by and fmt in ("csv", "parquet"):
        return _write_breakdown(result, args, fmt)
    if fmt == "csv" and rows_out is not None and not out:
        _list_errors(result)
        return _collect_exit(result, args.on_error)
    text = _summary_text(result, args, "json" if fmt == "json" else "table")
    if out and rows_out is None:
        _write_text(out, text + "\n")
    else:
        print(text)
    return _collect_exit(result, args.on_error)


def _list_errors(result: Totals) -> None:
    """The rows not computed, on stderr, beside a table written to a file or stdout."""
    if result.errors:  # the bad rows are listed too, so every input row is accounted for
        print(f"ghgcalc: {len(result.errors)} problem(s), rows not computed (partial totals):", file=sys.stderr)
        print(_problems(result.errors), file=sys.stderr)


def _summary_text(result: Totals, args: argparse.Namespace, fmt: str) -> str:
    """The ``calc`` summary as JSON or as the KPI table (labels in ``--lang``), with the
    ``--by`` breakdown and the ``--uncertainty`` section."""
    from .reports.reporting import dumps, kpi_table_text, result_json
    from .reports.tables import breakdown_json, breakdown_text, heading

    if fmt == "json":
        obj = result_json(result)
        by_period = _by_period(result)   # once: the periods listed, and the breakdown of --by period
        if args.by:
            obj["breakdown"] = breakdown_json(result, args.by, by_period if args.by == "period" else None)
        periods = _periods(by_period)
        if len(periods) > 1:   # the totals add these periods
            obj["periods"] = periods
        return _with_uncertainty(result, args, dumps(obj))
    text = kpi_table_text(result, args.lang)
    if args.by:
        text += "\n\n" + breakdown_text(result, args.by, args.lang)
    else:
        by_period = _by_period(result)   # once: the periods listed and the table printed
        periods = _periods(by_period)
        if len(periods) > 1:   # totals over several years are a sum of years: say so, and show each year
            note = heading("several_periods", args.lang or "en").replace("{n}", str(len(periods)))
            text += "\n\n" + note.replace("{periods}", ", ".join(periods)) + "\n" + breakdown_text(result, "period", args.lang,
                                                                                                       by_period)
    text = _with_uncertainty(result, args, text)
    if result.errors:
        text += f"\n\n{len(result.errors)} row(s) not computed (partial totals):\n" + _problems(result.errors)
    return text


def _by_period(result: Totals) -> Any:
    """The totals by period (``result.totals(by="period")``, a DataFrame), computed once per
    ``calc`` for both the list of periods and the breakdown printed; None for a streamed result
    that kept no period groups."""
    try:
        return result.totals(by="period")
    except (GhgcalcError, KeyError):
        return None


def _periods(by_period: Any) -> list[str]:
    """The periods of the computed rows, as text, in the order of the breakdown ([] without one)."""
    return [] if by_period is None else [str(p) for p in by_period.index]


def _write_breakdown(result: Totals, args: argparse.Namespace, fmt: str) -> int:
    """``calc --by COLUMN`` with CSV or Parquet output: the file (or stdout, CSV) holds the
    breakdown, one row per group and metric, instead of the per-row results."""
    from .reports.tables import breakdown_frame, write_table

    write_table(breakdown_frame(result, args.by), args.output or sys.stdout, fmt)
    _list_errors(result)
    return _collect_exit(result, args.on_error)


def _warn_dropped(result: Totals) -> None:
    """The result's warnings on stderr: spreadsheet total rows dropped because they equal the
    rows they total, and placeholder factors used (figures provisional)."""
    for w in result.warnings:
        print(f"ghgcalc: warning: {w}", file=sys.stderr)


def cmd_calc(args: argparse.Namespace) -> int:
    from .core.calculation import calculate
    from .core.streaming import should_stream
    from .reports.reporting import write_rows
    from .reports.tables import breakdown_frame, output_format

    if should_stream(args.activity, getattr(args, "chunk_rows", None)):
        return _calc_stream(args)
    fmt = args.format = output_format(args.output, args.format)
    _check_uncertainty_format(args)
    result = calculate(args.activity, _profile(args), _labelled_denoms(args.denominator, args.denominator_label),
                       on_error=args.on_error, progress=_progress(args))
    _warn_dropped(result)
    if args.by and fmt in ("csv", "parquet"):
        return _write_breakdown(result, args, fmt)
    if fmt in ("csv", "xlsx", "parquet"):
        sheets = {_sheet_name(args.by): breakdown_frame(result, args.by)} if args.by else None
        write_rows(result, args.output if args.output else sys.stdout, fmt, sheets=sheets, progress=_progress(args))
        _list_errors(result)
    else:
        text = _summary_text(result, args, fmt)
        if args.output:
            _write_text(args.output, text + "\n")
        else:
            print(text)
    return _collect_exit(result, args.on_error)


def _sheet_name(by: str) -> str:
    """The XLSX sheet of a breakdown: ``by_COLUMN``, without the characters Excel refuses in a
    sheet name (``[]:*?/\\``), at most 31 characters."""
    return ("by_" + "".join("_" if ch in "[]:*?/\\" else ch for ch in by))[:31]


def _check_uncertainty_format(args: argparse.Namespace) -> None:
    if getattr(args, "uncertainty", None) and args.format not in ("table", "json"):
        raise GhgcalcError("--uncertainty adds a section to --format table or json, not to the per-row csv/xlsx/parquet")


def _with_uncertainty(result: Any, args: argparse.Namespace, text: str) -> str:
    """The ``calc`` output with the ``--uncertainty`` section added (JSON key or table lines)."""
    if not getattr(args, "uncertainty", None):
        return text
    unc = _uncertainty_section(result, args.uncertainty, args.seed, args.draws, args.activity_uncertainty or [],
                               confidence=args.confidence, progress=_progress(args))
    if args.format == "json":
        from .reports.reporting import dumps

        obj = json.loads(text)
        obj["uncertainty"] = unc
        return dumps(obj)
    return text + "\n\n" + _uncertainty_text(unc)


def _uncertainty_section(result: Any, method: str, seed: int, draws: int, activity_items: Sequence[str],
                         confidence: float = 0.95, progress: Any = None) -> dict[str, Any]:
    """``calc --uncertainty``: the interval of every emission and energy total (JSON section);
    ``progress`` is told after each total."""
    from .core.uncertainty import uncertainty
    from .io.progress import ProgressEvent

    activity: dict[str, float] = {}
    for it in activity_items:
        k, _, v = it.partition("=")
        try:
            activity[k.strip()] = float(v)
        except ValueError:
            raise GhgcalcError(f"--activity-uncertainty expects CARRIER=NUMBER (0.02 = ±2 %), got {it!r}") from None

    metrics = {}
    exact: dict[str, None] = {}
    todo = result.base_metrics()
    if progress is not None:
        progress(ProgressEvent("uncertainty", 0, len(todo), "totals", final=not todo))
    for i, m in enumerate(todo):
        try:
            u = uncertainty(result, m, method, n=draws, seed=seed,  # type: ignore[arg-type]
                            activity_uncertainty=activity, confidence=confidence)
        except GhgcalcError:
            continue  # a metric not computed for every row (tce without coefficients) has no interval
        finally:
            if progress is not None:
                progress(ProgressEvent("uncertainty", i + 1, len(todo), "totals", final=i + 1 == len(todo)))
        d = u.to_dict()
        exact.update(dict.fromkeys(u.exact_factors))
        metrics[m] = {k: d[k] for k in ("value", "lower", "upper", "mean", "rel_minus", "rel_plus", "unit", "exact_factors",
                                        "contributions")}
    return {"method": method, "n": draws if method == "approach2" else None, "seed": seed if method == "approach2" else None,
            "confidence": confidence,
            "activity_uncertainty": activity or "none given: activity data exact",
            "exact_factors": list(exact), "metrics": metrics}


def _uncertainty_text(unc: dict[str, Any]) -> str:
    how = ("IPCC 2006 Approach 1 (error propagation)" if unc["method"] == "approach1"
           else f"IPCC 2006 Approach 2 (Monte Carlo, n={unc['n']}, seed={unc['seed']})")
    act = unc["activity_uncertainty"]
    act_text = ("activity data exact" if isinstance(act, str)
                else "activity " + ", ".join(f"{k} ±{v * 100:g} %" for k, v in act.items()))
    lines = [f"uncertainty, {unc['confidence'] * 100:g} % interval, {how}; {act_text}:"]
    for m in ("scope1", "scope2", "scope2_market", "scope1_2", "scope1_2_market"):
        e = unc["metrics"].get(m)
        if e is None:
            continue
        rel = ("" if e["rel_minus"] is None else f"  (-{e['rel_minus'] * 100:.2f} % / +{e['rel_plus'] * 100:.2f} %)")
        lines.append(f"  {m:12} {e['value']:>16,.4f}  [{e['lower']:,.4f}, {e['upper']:,.4f}] {e['unit']}{rel}")
    if unc["exact_factors"]:
        lines.append(f"  factors without a published range (treated as exact): {', '.join(unc['exact_factors'])}")
    return "\n".join(lines)


def cmd_reconcile(args: argparse.Namespace) -> int:
    from .analysis.reconciliation import load_reported, reconcile
    from .core.calculation import calculate
    from .core.streaming import DEFAULT_CHUNK_ROWS, should_stream

    reported = load_reported(args.reported)
    # a large Parquet/CSV file is streamed: the reconciliation is the same (exact sums kept per group)
    chunk_rows = DEFAULT_CHUNK_ROWS if should_stream(args.activity, None) else None
    result = calculate(args.activity, _profile(args), _denoms(args.denominator), chunk_rows=chunk_rows,
                       progress=_progress(args) if chunk_rows else None)
    rec = reconcile(result, reported)
    _print_reconciliation(rec, args.format)
    return EXIT_OK if rec.ok else EXIT_DIFFERS


def cmd_report(args: argparse.Namespace) -> int:
    """``ghgcalc report``: the disclosure pack (ghgcalc/disclosure.py) as HTML, XLSX or Markdown."""
    from .core.calculation import calculate
    from .reports.charts import require_matplotlib
    from .reports.disclosure import load_targets, report

    require_matplotlib()  # fail before computing when the `report` extra is missing
    now: dict[str, str] = {}
    by_period: dict[int, dict[str, str]] = {}
    for k, v in _denoms(args.denominator).items():
        name, at, year = k.partition("@")
        if not at:
            now[name] = v
            continue
        try:
            by_period.setdefault(int(year), {})[name.strip()] = v
        except ValueError:
            raise GhgcalcError(f"--denominator {k}={v}: expected NAME=N or NAME@YEAR=N") from None
    base_year, targets = args.base_year, list(args.target or ())
    if args.targets:  # a targets YAML; the command-line flags add to it and win
        spec = load_targets(args.targets)
        base_year = base_year if base_year is not None else spec["base_year"]
        targets = [*spec["targets"], *targets]
        for y, dens in spec["denominators_by_period"].items():
            by_period[int(y)] = {**dict(dens), **by_period.get(int(y), {})}
    result = calculate(args.activity, _profile(args), now, on_error=args.on_error, progress=_progress(args))
    _warn_dropped(result)
    written = report(result, args.output, lang=args.lang, reporting_year=args.reporting_year, base_year=base_year,
                     targets=targets, denominators_by_period=by_period)
    for w in written:
        print(f"wrote {w}")
    if result.errors:
        print(f"{len(result.errors)} row(s) not computed (partial totals; listed in the report):", file=sys.stderr)
        print(_problems(result.errors), file=sys.stderr)
    return _collect_exit(result, args.on_error)


def cmd_explain(args: argparse.Namespace) -> int:
    from .analysis.explanation import explain

    ex = explain(args.activity, args.reported, profile=args.profile, year=args.year, region=args.region,
                 denominators=_denoms(args.denominator), max_candidates=max(1, args.candidates), max_search=args.max_search,
                 progress=_progress(args), columns=_columns(args))
    if args.write_profile:
        text = ex.best_profile_toml()
        if text is None:
            raise GhgcalcError("no whole method reproduces any figure: nothing to write")
        _write_text(args.write_profile, text)
    if args.format == "json":
        print(json.dumps(ex.to_list(), ensure_ascii=False, indent=2))
        return EXIT_OK if ex.ok else EXIT_DIFFERS
    print(ex.to_text())
    return EXIT_OK if ex.ok else EXIT_DIFFERS


def _factors_summary(lib: Any, fmt: str) -> int:
    """Rows per source table (``factors/<source>/<table>``) and review status, with totals."""
    from .core.factors import REVIEW_STATUSES, data_version

    statuses = REVIEW_STATUSES
    counts: dict[str, dict[str, int]] = {}
    for r in lib.select():
        src = r.source_file or "(no file)"
        counts.setdefault(src, dict.fromkeys(statuses, 0))[r.review_status] += 1
    total = {s: sum(c[s] for c in counts.values()) for s in statuses}
    if fmt == "json":
        print(json.dumps({"data_version": data_version(),
                          "tables": [{"table": t, "rows": sum(c.values()), **c} for t, c in sorted(counts.items())],
                          "total": {"rows": sum(total.values()), **total}}, ensure_ascii=False, indent=2))
        return EXIT_OK
    width = max([len(t) for t in counts] + [5])
    print(f"{'table':{width}} {'rows':>6} " + " ".join(f"{s:>10}" for s in statuses))
    for t, c in sorted(counts.items()):
        print(f"{t:{width}} {sum(c.values()):>6} " + " ".join(f"{c[s]:>10}" for s in statuses))
    print(f"{'total':{width}} {sum(total.values()):>6} " + " ".join(f"{total[s]:>10}" for s in statuses))
    print(f"data version {data_version()}")
    return EXIT_OK

def cmd_factors(args: argparse.Namespace) -> int:
    from .core.factors import data_version, default_library, factors_dir, snapshot_versions, unreleased_changes, verify
    from .core.regions import canonical_region

    if args.factors_cmd == "diff":
        return cmd_factors_diff(args)
    if args.factors_cmd == "verify":
        problems = verify()
        if problems:
            print("factor data NOT intact:")
            for p in problems:
                print(f"  - {p}")
            return EXIT_DIFFERS
        print(f"factor data intact: {len(default_library())} rows, data version {data_version()} ({factors_dir()})")
        print(f"released versions with a snapshot: {', '.join(snapshot_versions()) or 'none'}")
        pending = unreleased_changes()
        if pending:
            print(f"unreleased changes since the {data_version()} snapshot: {pending.summary()} "
                  f"(ghgcalc factors diff {data_version()} current)")
        return EXIT_OK
    lib = default_library()
    if args.factors_cmd == "show":
        row = lib.get(args.id)
        if args.format == "json":
            print(json.dumps(row.public_dict(), ensure_ascii=False, indent=2))
        else:
            for k, v in row.public_dict().items():
                if v is not None:
                    print(f"{k:17} {v}")
        return EXIT_OK
    if args.factors_cmd == "summary":
        return _factors_summary(lib, args.format)
    # a region lists its sub-regions too (HK: the supply areas HK-CLP, HK-HKE), by its code or a name (香港, CLP)
    region = canonical_region(args.region) if args.region else None
    rows = lib.select(carrier=args.carrier, kind=args.kind, region=region, year=args.year, within=True)
    if args.status:
        rows = [r for r in rows if r.review_status == args.status]
    if args.format == "json":
        print(json.dumps([r.public_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        print(f"{'id':46} {'value':>10} {'unit':18} {'years':10} {'status':11} document")
        for r in rows:
            print(f"{r.id:46} {r.value:>10} {r.unit:18} {r.years_text():10} {r.review_status:11} {(r.document or '')[:60]}")
        print(f"\n{len(rows)} row(s); data version {data_version()}")
    return EXIT_OK


def cmd_factors_diff(args: argparse.Namespace) -> int:
    """``factors diff OLD [NEW]``: rows added, removed, changed; exit 0 if none, 1 if any (as ``diff``)."""
    from .core.factors import diff_libraries, open_factor_data

    old_label, old = open_factor_data(args.old)
    new_label, new = open_factor_data(args.new)
    d = diff_libraries(old, new, old_label, new_label)
    if args.format == "json":
        print(json.dumps(d.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(d.lines()))
    return EXIT_DIFFERS if d else EXIT_OK


def cmd_profiles(args: argparse.Namespace) -> int:
    from .core.carriers import carriers
    from .core.method import Method
    from .core.profiles import builtin_profiles, load_profile

    if args.profiles_cmd == "list":
        builtins = builtin_profiles()
        width = max((len(pid) for pid in builtins), default=0) + 1
        for pid, path in builtins.items():
            p = load_profile(path)
            print(f"{pid:{width}} {p.title or ''}")
        return EXIT_OK
    prof = load_profile(args.id)
    if args.brief:
        return _profile_brief(prof, args.format)
    method = Method.from_profile(prof)
    if args.format == "json":
        print(json.dumps(prof.model_dump(exclude={"base_dir"}), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"id: {prof.id}\ntitle: {prof.title or ''}\nreporting year: {prof.reporting_year}  "
          f"region: {prof.region or '(none: rows give their own; pinned factors apply by period)'}  "
          f"GWP set: {prof.gwp_set}  energy basis: {prof.energy_basis}")
    if prof.allow_uses:
        print(f"allow_uses: {', '.join(prof.allow_uses)} (rows of these uses may be pinned for any purpose)")
    chosen = prof.units.chosen()
    print("units: " + (", ".join(f"{k} = {v!r}" for k, v in chosen.items()) if chosen else
                       "no [units] choice (a bare 'therm' in the data is an error that asks which)"))
    pin = f" (pinned by factor_data_version = {prof.factor_data_version!r})" if prof.factor_data_version else ""
    print(f"factor data version: {method.library.data_version}{pin}")
    if prof.extends:
        print(f"extends: {prof.extends} (its settings and factors, with this profile's own on top)")
    if prof.description:
        print(prof.description.strip())
    if not any(c.type == "fuel" for cid, c in carriers().items() if cid in prof.carriers):
        print("\nScope 1 fuels: none pinned. A row of a fuel (diesel, petrol, LPG, natural gas ...) is an error under this "
              "profile" + (": see note (fuels) for what to do." if "fuels" in prof.notes else
                           f"; pin its factors in your own profile, e.g. with extends = \"{prof.id}\" and [carriers.diesel]."))
    for cid, cm in prof.carriers.items():
        print(f"\n[{cid}]" + (f" scope {cm.scope}" if cm.scope else "")
              + (f" region_level {cm.region_level}" if cm.region_level != "as_given" else "")
              + (f" allow_uses {', '.join(cm.allow_uses)}" if cm.allow_uses else ""))
        for line in _on_purpose(cm):
            print(f"  {line}")
        for kind in _PROFILE_KINDS:
            refs = cm.emission if kind == "emission" else cm.refs(kind)
            for ref in refs or []:
                row = method.ref(ref, carrier=cid, kind=kind, key=f"carriers.{cid}.{kind}")
                print(f"  {kind:16} {row.id} = {row.value} {row.unit}  [{row.review_status}; use {row.use}] {row.citation()}")
    if prof.market_based is not None:
        specs = [("electricity", prof.market_based), *prof.market_based.carriers.items()]
        for cid, spec in specs:
            entries = [("residual", r) for r in spec.residual or []]
            entries += [(inst, r) for inst, refs in spec.instrument_factors.items() for r in refs]
            if entries:
                print(f"\n[market_based {cid}]")
            for what, ref in entries:
                row = method.ref(ref, carrier=cid, kind="emission", key=f"market_based.{cid}.{what}")
                print(f"  {what:19} {row.id} = {row.value} {row.unit}  [{row.review_status}] {row.citation()}")
    if prof.mwh_coal_equivalent:
        row = method.ref(prof.mwh_coal_equivalent, carrier="electricity", kind="coal_equivalent", key="mwh_coal_equivalent")
        print(f"\nMWh from tce: {row.id} = {row.value} {row.unit}")
    for k, v in prof.notes.items():
        print(f"\nnote ({k}): {' '.join(v.split())}")
    return EXIT_OK


def _on_purpose(cm: Any) -> list[str]:
    """What a profile's carrier says on purpose it does not compute (``profiles show``)."""
    out = []
    if not cm.count_emissions:
        out.append("count_emissions = false: emissions not computed (n/a, not 0)")
    elif cm.emission == [] and not cm.refs("carbon_content"):
        out.append("emission = []: no emissions on purpose (counted as 0)")
    if isinstance(cm.heating_value, list) and not cm.heating_value:
        out.append("heating_value = []: energy not computed (n/a)")
    return out


#: the factor kinds a profile pins per carrier, in the order ``profiles show`` lists them
_PROFILE_KINDS = ("emission", "heating_value", "carbon_content", "oxidation_rate", "coal_equivalent", "density")


def _profile_brief(prof: Any, fmt: str) -> int:
    """``profiles show ID --brief``: id, title, year, region, GWP set, energy basis and one line
    per carrier with the factor ids (or literal quantities) it pins, as the profile gives them."""
    pins = {cid: {k: cm.refs(k) for k in _PROFILE_KINDS if cm.refs(k)} for cid, cm in prof.carriers.items()}
    if fmt == "json":
        print(json.dumps({"id": prof.id, "title": prof.title, "reporting_year": prof.reporting_year, "region": prof.region,
                          "gwp_set": prof.gwp_set, "energy_basis": prof.energy_basis, "carriers": pins,
                          "on_purpose": {cid: _on_purpose(cm) for cid, cm in prof.carriers.items() if _on_purpose(cm)}},
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{prof.id}: {prof.title or ''}\nyear {prof.reporting_year}  region {prof.region or '(none)'}  "
          f"GWP set {prof.gwp_set}  energy basis {prof.energy_basis}")
    width = max((len(c) for c in pins), default=0)
    for cid, kinds in pins.items():
        listed = "; ".join([*(f"{k} {', '.join(refs)}" for k, refs in kinds.items()), *_on_purpose(prof.carriers[cid])])
        print(f"  {cid:{width}}  {listed}")
    return EXIT_OK


def cmd_claims(args: argparse.Namespace) -> int:
    """``ghgcalc claims REPORT.txt``: exit 0 if no claim is flagged, 1 if any is, 2 bad input."""
    from .analysis.claim_check import check_claims

    report = check_claims(Path(args.report), profile=args.profile, year=args.year, region=args.region)
    print(report.to_json() if args.format == "json" else report.to_table())
    return EXIT_DIFFERS if report.flagged else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ghgcalc", description="Traceable Scope 1/2 GHG and energy figures from activity data.",
                                epilog=_EXIT_CODES)
    p.add_argument("--version", action="version", version=f"ghgcalc {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("example", help="recompute the bundled Kuaishou 2022 table beside the printed figures")
    ex.add_argument("--format", choices=["table", "json"], default="table")
    ex.set_defaults(func=cmd_example)

    c = sub.add_parser("calc", help="compute results for an activity table", epilog=_EXIT_CODES)
    c.add_argument("activity", help="activity table (CSV, XLSX, Parquet)")
    c.add_argument("--profile", required=True, help="built-in profile id or TOML file")
    c.add_argument("--denominator", action="append", metavar="NAME=N",
                   help="intensity denominator, e.g. headcount=27402, floor_area=\"50,000 m²\", revenue=\"RMB 1.2 billion\", "
                        "revenue=\"£10m\"")
    c.add_argument("--denominator-label", action="append", metavar="NAME.LANG=TEXT",
                   help="the denominator's name in the KPI labels, LANG en, zh_hant, zh_hans or all "
                        "(default: ghgcalc's words for common names, else NAME)")
    c.add_argument("--format", choices=["table", "json", "csv", "xlsx", "parquet"],
                   help="table (default), json, csv (per-row results), xlsx (KPIs, rows, factors, errors) or parquet "
                        "(per-row results); with -o the file's suffix (.xlsx .csv .json .parquet) picks it, and a --format "
                        "that contradicts the suffix is an error")
    c.add_argument("-o", "--output", help="write to this file (.xlsx, .csv, .json, .parquet: that format; other suffixes: "
                                          "the text table)")
    c.add_argument("--by", metavar="COLUMN",
                   help="also show every metric per group of COLUMN: facility, period, carrier, scope or any column of "
                        "the input (json: key 'breakdown'; xlsx: sheet by_COLUMN; csv/parquet: the file holds the "
                        "breakdown, one row per group and metric, instead of the per-row results)")
    c.add_argument("--lang", type=_language, metavar="{en,zh_hans,zh_hant}",
                   help="language of the table labels and headings (default: Traditional Chinese and English labels)")
    c.add_argument("--on-error", choices=["raise", "collect"], default="raise", help=_COLLECT_HELP)
    c.add_argument("--columns", action="append", metavar="HEADER=COLUMN,...", help=_COLUMNS_HELP)
    c.add_argument("--uncertainty", choices=["approach1", "approach2"],
                   help="interval of each total (95 %% unless --confidence) from the factors' ranges (IPCC 2006 Vol. 1 Ch. 3)")
    c.add_argument("--confidence", type=_confidence, default=0.95, metavar="C",
                   help="width of the --uncertainty interval, 0 < C < 1 (default 0.95: the 2.5th to 97.5th percentile; "
                        "0.9: the 5th to 95th)")
    c.add_argument("--seed", type=int, default=0, help="seed of the Monte Carlo draws (approach2)")
    c.add_argument("--draws", type=int, default=10_000, help="number of Monte Carlo draws (approach2)")
    c.add_argument("--activity-uncertainty", action="append", metavar="CARRIER=U",
                   help="relative 95 %% half-width of a carrier's activity data, e.g. electricity=0.02 (default: exact)")
    c.add_argument("--chunk-rows", type=int, metavar="N",
                   help="stream the file in chunks of N rows (bounded memory; Parquet/CSV files over 256 MiB are streamed "
                        "in chunks of 250,000 rows without asking); per-row results go to -o FILE.csv|FILE.parquet")
    c.add_argument("--quiet", action="store_true", help="no progress bar on stderr (shown only on a terminal: while a file "
                                                       "is streamed, the rows are written, the uncertainty is computed)")
    c.set_defaults(func=cmd_calc)

    r = sub.add_parser("reconcile", help="compare a recomputation with reported figures at their printed precision")
    r.add_argument("activity")
    r.add_argument("reported", help="reported figures (YAML)")
    r.add_argument("--profile", required=True)
    r.add_argument("--denominator", action="append", metavar="NAME=N")
    r.add_argument("--format", choices=["table", "json"], default="table")
    r.add_argument("--columns", action="append", metavar="HEADER=COLUMN,...", help=_COLUMNS_HELP)
    r.add_argument("--quiet", action="store_true", help="no progress bar on stderr (shown only on a terminal, while a large "
                                                       "file is streamed)")
    r.set_defaults(func=cmd_reconcile)

    x = sub.add_parser("explain", help="search the shipped factors for the choices that reproduce each reported figure")
    x.add_argument("activity")
    x.add_argument("reported", help="reported figures (YAML)")
    x.add_argument("--profile", help="the method the report says it used: evaluated beside the candidates")
    x.add_argument("--year", type=int, help="the report's data year (default: the YAML's reporting_year)")
    x.add_argument("--region", help="the rows' default region (default: none; rows without one are searched with the factors of every region)")
    x.add_argument("--denominator", action="append", metavar="NAME=N")
    x.add_argument("--format", choices=["table", "json"], default="table")
    x.add_argument("--candidates", type=int, default=6, help="candidates listed per figure (default 6)")
    x.add_argument("--max-search", type=_positive_int, default=200, metavar="N",
                   help="keep at most N partial methods while combining figures into whole methods (default 200); "
                        "when the cap cuts the search, the output says so (a note per figure, 'notes' in JSON)")
    x.add_argument("--columns", action="append", metavar="HEADER=COLUMN,...", help=_COLUMNS_HELP)
    x.add_argument("--write-profile", metavar="FILE.toml", help="write the best whole method as a profile")
    x.add_argument("--quiet", action="store_true", help="no progress bar on stderr (shown only on a terminal)")
    x.set_defaults(func=cmd_explain)

    rp = sub.add_parser("report", help="write the disclosure pack (HKEX KPIs, breakdowns, charts, factor sources)",
                        epilog=_EXIT_CODES)
    rp.add_argument("activity", help="activity table (CSV, XLSX, Parquet)")
    rp.add_argument("--profile", required=True, help="built-in profile id or TOML file")
    rp.add_argument("--denominator", action="append", metavar="NAME[@YEAR]=N",
                    help="intensity denominator of the reporting year (headcount=27402) or of another year (headcount@2021=25000)")
    rp.add_argument("--lang", choices=["all", "en", "zh_hant", "zh_hans"], default="all",
                    help="label language(s): all (English, 繁體, 简体 side by side; default) or one")
    rp.add_argument("--reporting-year", type=int, help="year of the KPI table (default: the profile's, else the latest in the data)")
    rp.add_argument("--base-year", type=int, help="base year of --target")
    rp.add_argument("--target", action="append", metavar="METRIC=CHANGE%@YEAR", help="e.g. scope1_2=-30%%@2030 (repeatable)")
    rp.add_argument("--targets", metavar="TARGETS.yaml", help="base_year, targets and other years' denominators from a YAML file")
    rp.add_argument("--on-error", choices=["raise", "collect"], default="raise", help=_COLLECT_HELP)
    rp.add_argument("--columns", action="append", metavar="HEADER=COLUMN,...", help=_COLUMNS_HELP)
    rp.add_argument("-o", "--output", required=True, help="FILE.html, FILE.xlsx, FILE.md (charts as PNG beside it) or FILE.pdf (A4, printed by headless Chromium)")
    rp.add_argument("--quiet", action="store_true", help="no progress bar on stderr (shown only on a terminal)")
    rp.set_defaults(func=cmd_report)

    f = sub.add_parser("factors", help="list, show or verify the shipped factor data")
    fs = f.add_subparsers(dest="factors_cmd", required=True)
    fl = fs.add_parser("list")
    fl.add_argument("--carrier")
    fl.add_argument("--kind")
    fl.add_argument("--region")
    fl.add_argument("--year", type=int)
    # the statuses of core.factors.REVIEW_STATUSES, spelt out so the parser loads no library module
    fl.add_argument("--status", choices=["verified", "derived", "unverified", "placeholder"], help="only rows of this review status")
    fl.add_argument("--format", choices=["table", "json"], default="table")
    fsum = fs.add_parser("summary", help="rows per source table and review status")
    fsum.add_argument("--format", choices=["table", "json"], default="table")
    fsh = fs.add_parser("show")
    fsh.add_argument("id")
    fsh.add_argument("--format", choices=["table", "json"], default="table")
    fs.add_parser("verify")
    fd = fs.add_parser("diff", help="rows added, removed and changed between two data versions (exit 1 if any)",
                       description="OLD and NEW: a released data version (e.g. 2026.11.0), 'current' (the shipped "
                                   "tables), a factors directory, a snapshot (.json.gz) or one table (.csv/.yaml).")
    fd.add_argument("old")
    fd.add_argument("new", nargs="?", default="current")
    fd.add_argument("--format", choices=["table", "json"], default="table")
    f.set_defaults(func=cmd_factors)

    cl = sub.add_parser("claims", help="check a report's activity/emission statements against its own and the official factors")
    cl.add_argument("report", help="the report's text (UTF-8, UTF-16 or GB18030), e.g. extracted from its PDF")
    cl.add_argument("--profile", help="built-in profile id or TOML file whose factors are the report's own")
    cl.add_argument("--year", type=int, help="report (data) year; default: the profile's, else the year the text names most")
    cl.add_argument("--region", help="compare with official factors of this region and its sub-regions only (CN, HK); default: the profile's, else all")
    cl.add_argument("--format", choices=["table", "json"], default="table")
    cl.set_defaults(func=cmd_claims)

    pr = sub.add_parser("profiles", help="list or show the built-in methodology profiles")
    ps = pr.add_subparsers(dest="profiles_cmd", required=True)
    ps.add_parser("list")
    psh = ps.add_parser("show")
    psh.add_argument("id")
    psh.add_argument("--format", choices=["table", "json"], default="table")
    psh.add_argument("--brief", action="store_true",
                     help="short form: id, title, year, region, GWP set, energy basis, one line per carrier with its factor ids")
    pr.set_defaults(func=cmd_profiles)
    return p


def _run(args: argparse.Namespace) -> int:
    """Run the command; its progress bar (if it drew one) closed before anything else is printed."""
    try:
        code: int = args.func(args)
        return code
    finally:
        bar = vars(args).get("progress_bar")
        if bar is not None:
            bar.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except ActivityDataError as exc:
        print(f"ghgcalc: bad input: {len(exc.issues)} problem(s) (line: the line of the file or the sheet's row "
              "number; row: numbered from 0 at the first row under the header):", file=sys.stderr)
        print(_problems(exc.issues), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (GhgcalcError, InputError) as exc:
        print(f"ghgcalc: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a file that cannot be read or written
        where = f" {exc.filename}" if exc.filename else ""
        print(f"ghgcalc: error:{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # an unexpected failure: say so, without a traceback (GHGCALC_DEBUG=1 shows it)
        if os.environ.get("GHGCALC_DEBUG"):
            raise
        print(f"ghgcalc: internal error while processing the input ({type(exc).__name__}: {exc}); please report it "
              "with the input (GHGCALC_DEBUG=1 shows the traceback)", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
