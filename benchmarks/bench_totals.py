"""Benchmark and CI guard (issue 14): ``calculate(df, profile).totals()`` against a numpy twin
that computes only the same headline totals, in one process.

Usage::

    python benchmarks/bench_totals.py --guard                     # CI: 1e6 rows, ratio bound 3x
    python benchmarks/bench_totals.py --sizes 2000000 10000000 --reps 5 --markdown /tmp/t.md
    python benchmarks/bench_totals.py --memory --sizes 2000000    # peak RSS above the input
    python benchmarks/bench_totals.py --import-reps 7             # import + first calculation

The batch (as in the issue): ``n`` rows over 1,000 facilities and six (carrier, unit) keys
(electricity in kWh and MWh, diesel in t and kg, natural gas in m³, heat in GJ), the
``kuaishou-2022`` profile; ``facility``, ``carrier`` and ``unit`` either categorical or string
(pandas' default string dtype).

The twin is what a careful hand-written script does for the same totals: the (carrier, unit)
codes (categorical codes, or ``pd.factorize`` for strings), a lookup table of per-key
coefficients (``co2e_t``, ``energy_mwh``, ``energy_tce`` per unit of activity and the scope,
precomputed outside the timing from ghgcalc itself), then per output ``take`` → multiply →
``bincount`` by scope. It validates nothing, resolves no factor and keeps no provenance;
ghgcalc's ``totals()`` returns every metric of the result (about 20) and checks every row.
The two are asserted equal (1e-12 relative) on Scope 1, Scope 2 and total energy.

Timings are interleaved (ghgcalc, twin, twin, ghgcalc, ...), best and median of ``--reps``.
A second, stricter twin sums the quantities per key (one ``bincount``) and applies each key's
coefficients once, which is what ghgcalc does, minus validation and provenance.

The guard (``--guard``) runs 1e6 categorical rows against the stricter twin and fails only when
the ratio of the minima exceeds ``--bound`` (3x) in two consecutive measurements: noise does
not fail it, a per-row Python loop in the hot path does (a bare ``[float(x) >= 0 for x in q]``
over the quantities takes it to about 5x).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from harness import import_table, memory_child, rss_above

PROFILE = "kuaishou-2022"
MIX = [("electricity", "kWh"), ("electricity", "MWh"), ("diesel", "t"), ("diesel", "kg"),
       ("natural_gas", "m**3"), ("heat", "GJ")]
N_FACILITIES = 1000


def make_batch(n: int, categorical: bool, seed: int = 0) -> pd.DataFrame:
    """``n`` rows over 1,000 facilities and the six keys of :data:`MIX`."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(MIX), n)
    cspell = list(dict.fromkeys(c for c, _ in MIX))
    uspell = list(dict.fromkeys(u for _, u in MIX))
    ccode = np.array([cspell.index(c) for c, _ in MIX])[pick]
    ucode = np.array([uspell.index(u) for _, u in MIX])[pick]
    fac = rng.integers(0, N_FACILITIES, n)
    df = pd.DataFrame({
        "facility": pd.Categorical.from_codes(fac, categories=[f"F{i:04d}" for i in range(N_FACILITIES)]),
        "carrier": pd.Categorical.from_codes(ccode, categories=cspell),
        "quantity": np.round(rng.gamma(2.0, 500.0, n), 3),
        "unit": pd.Categorical.from_codes(ucode, categories=uspell),
    })
    if not categorical:
        for c in ("facility", "carrier", "unit"):
            df[c] = df[c].astype("str")
    return df


def lookup_table() -> tuple[dict[tuple[str, str], np.ndarray], dict[tuple[str, str], int]]:
    """The twin's precomputed table: per (carrier, unit) the coefficients of co2e_t, energy_mwh
    and energy_tce per unit of activity, and the scope (from ghgcalc on one row per key)."""
    import ghgcalc

    keys = pd.DataFrame(MIX, columns=["carrier", "unit"])
    keys["quantity"] = 1.0
    rows = ghgcalc.calculate(keys, PROFILE).rows
    coef = {k: rows[["co2e_t", "energy_mwh", "energy_tce"]].to_numpy(dtype="float64")[i] for i, k in enumerate(MIX)}
    scope = {k: int(rows["scope"].iloc[i]) for i, k in enumerate(MIX)}
    return coef, scope


def run_ghgcalc(df: pd.DataFrame) -> dict[str, float]:
    import ghgcalc

    tot = ghgcalc.calculate(df, PROFILE).totals()
    return {"scope1": float(tot["scope1"].magnitude), "scope2": float(tot["scope2"].magnitude),
            "energy_total": float(tot["energy_total"].to("MWh").magnitude)}


def key_codes(df: pd.DataFrame) -> tuple[np.ndarray, Any, Any]:
    """The twins' (carrier, unit) key code per row: categorical codes, or ``pd.factorize``."""
    if isinstance(df["carrier"].dtype, pd.CategoricalDtype):
        cc, cu = df["carrier"].cat.codes.to_numpy(), df["carrier"].cat.categories
        uc, uu = df["unit"].cat.codes.to_numpy(), df["unit"].cat.categories
    else:
        cc, cu = pd.factorize(df["carrier"])
        uc, uu = pd.factorize(df["unit"])
    return cc.astype(np.intp) * len(uu) + uc, cu, uu


def run_twin(df: pd.DataFrame, table: tuple[dict[tuple[str, str], np.ndarray], dict[tuple[str, str], int]]) -> dict[str, float]:
    """codes -> lookup table -> multiply -> bincount by scope."""
    coef, scope = table
    key, cu, uu = key_codes(df)
    nu = len(uu)
    size = len(cu) * nu
    tab = np.zeros((3, size))
    sc = np.zeros(size, dtype=np.intp)
    for i, c in enumerate(cu):
        for j, u in enumerate(uu):
            if (c, u) in coef:
                tab[:, i * nu + j] = coef[(c, u)]
                sc[i * nu + j] = scope[(c, u)]
    q = df["quantity"].to_numpy()
    row_scope = np.take(sc, key)
    out = []
    for j in range(3):
        v = np.take(tab[j], key)
        v *= q
        out.append(np.bincount(row_scope, weights=v, minlength=3))
    return {"scope1": float(out[0][1]), "scope2": float(out[0][2]), "energy_total": float(out[1].sum())}


def run_keysum_twin(df: pd.DataFrame, table: tuple[dict[tuple[str, str], np.ndarray], dict[tuple[str, str], int]]) -> dict[str, float]:
    """The stricter twin: codes -> per-key sums of the quantities (one ``bincount``) -> each
    key's coefficients applied once (what ghgcalc does, without validation or provenance)."""
    coef, scope = table
    key, cu, uu = key_codes(df)
    nu = len(uu)
    sums = np.bincount(key, weights=df["quantity"].to_numpy(), minlength=len(cu) * nu)
    s1 = s2 = en = 0.0
    for i, c in enumerate(cu):
        for j, u in enumerate(uu):
            if (c, u) in coef:
                x = sums[i * nu + j]
                s1 += x * coef[(c, u)][0] if scope[(c, u)] == 1 else 0.0
                s2 += x * coef[(c, u)][0] if scope[(c, u)] == 2 else 0.0
                en += x * coef[(c, u)][1]
    return {"scope1": s1, "scope2": s2, "energy_total": en}


def check_equal(a: dict[str, float], b: dict[str, float]) -> None:
    for k, v in b.items():
        if not np.isclose(a[k], v, rtol=1e-12, atol=0.0):
            raise AssertionError(f"{k}: ghgcalc {a[k]!r}, twin {v!r}")


def measure(n: int, categorical: bool, reps: int, table: Any, keysum: bool = False
            ) -> tuple[list[float], list[float], list[float]]:
    """Interleaved timings (ghgcalc, twin[, per-key twin]) over ``reps`` repetitions; results
    checked equal."""
    df = make_batch(n, categorical)
    times: dict[str, list[float]] = {"g": [], "n": [], "k": []}
    order = ["g", "n", *(["k"] if keysum else [])]
    for rep in range(reps):
        outs: dict[str, dict[str, float]] = {}
        for who in (order if rep % 2 == 0 else order[::-1]):
            gc.collect()
            t0 = time.perf_counter()
            outs[who] = run_ghgcalc(df) if who == "g" else run_twin(df, table) if who == "n" else run_keysum_twin(df, table)
            times[who].append(time.perf_counter() - t0)
        if rep == 0:
            check_equal(outs["g"], outs["n"])
            if keysum:
                check_equal(outs["g"], outs["k"])
    return times["g"], times["n"], times["k"]


def _mem_child(impl: str, n: int, categorical: bool) -> None:
    """Subprocess: build the input, warm up, reset the peak RSS, run once, report MiB above the input."""
    df = make_batch(n, categorical)
    table = lookup_table()
    small = make_batch(1000, categorical)
    run_ghgcalc(small)
    run_twin(small, table)
    print(json.dumps({"rss_mib": rss_above(lambda: run_ghgcalc(df) if impl == "ghgcalc" else run_twin(df, table))}))


def peak_memory(impl: str, n: int, categorical: bool) -> float:
    return float(memory_child(__file__, impl, n, categorical)["rss_mib"])


def _fmt(ts: list[float]) -> str:
    return f"{min(ts):.4f} / {statistics.median(ts):.4f}"


def guard(bound: float, n: int, reps: int) -> int:
    """Fail (exit 1) when the ratio of the minima exceeds ``bound`` in two consecutive measurements."""
    table = lookup_table()
    run_ghgcalc(make_batch(1000, True))
    over = 0
    for attempt in range(1, 4):
        g_t, _, k_t = measure(n, True, reps, table, keysum=True)
        ratio = min(g_t) / min(k_t)
        print(f"guard: {n:,} categorical rows, ghgcalc {min(g_t):.4f} s, per-key twin {min(k_t):.4f} s, ratio {ratio:.2f}x "
              f"(bound {bound:.1f}x, measurement {attempt})", flush=True)
        if ratio <= bound:
            return 0
        over += 1
        if over >= 2:
            print(f"guard FAILED: ratio above {bound:.1f}x in two consecutive measurements: a per-row loop "
                  "in the hot path?", file=sys.stderr)
            return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[2_000_000, 10_000_000])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--memory", action="store_true", help="also measure peak RSS above the input (one process per cell)")
    ap.add_argument("--import-reps", type=int, default=0)
    ap.add_argument("--guard", action="store_true", help="CI guard: 1e6 categorical rows, fail above --bound twice in a row")
    ap.add_argument("--bound", type=float, default=3.0)
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--_mem", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._mem:
        _mem_child(args._mem[0], int(args._mem[1]), args._mem[2] == "cat")
        return 0
    if args.guard:
        return guard(args.bound, 1_000_000, 3)
    table = lookup_table()
    run_ghgcalc(make_batch(1000, True))
    lines = ["| rows | keys | ghgcalc s, min / median | twin s, min / median | ratio of minima | ratio of medians | target | "
             "per-key twin s, min / median | ghgcalc ÷ per-key twin (minima) | "
             "peak RSS above input MiB, ghgcalc / twin (ratio) |", "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    load_start = os.getloadavg()
    for n in args.sizes:
        for categorical in (True, False):
            g_t, n_t, k_t = measure(n, categorical, args.reps, table, keysum=True)
            mem = "–"
            if args.memory:
                mg, mn = peak_memory("ghgcalc", n, categorical), peak_memory("twin", n, categorical)
                mem = f"{mg:.0f} / {mn:.0f} ({mg / max(mn, 1e-9):.2f}×)"
            target = "≤ 1.5×" if categorical else "≤ 2×"
            lines.append(f"| {n:,} | {'categorical' if categorical else 'string'} | {_fmt(g_t)} | {_fmt(n_t)} | "
                         f"{min(g_t) / min(n_t):.2f}× | {statistics.median(g_t) / statistics.median(n_t):.2f}× | {target} | "
                         f"{_fmt(k_t)} | {min(g_t) / min(k_t):.2f}× | {mem} |")
            print(lines[-1], flush=True)
            gc.collect()
    text = "\n".join(lines)
    if args.import_reps:
        text += "\n\n" + import_table(args.import_reps, _fmt, "min / median s")
        print(text.split("\n\n")[-1])
    if args.markdown:
        load_end = os.getloadavg()
        head = (f"Command: `python benchmarks/bench_totals.py {' '.join(argv if argv is not None else sys.argv[1:])}`  \n"
                f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, numpy {np.__version__}, pandas "
                f"{pd.__version__}; load average (1 min) {load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end.\n\n")
        args.markdown.write_text(head + text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
