"""Benchmark: ghgcalc.calculate + totals() vs a naive per-row pint loop and a hand-written
numpy implementation of the same calculation, in one process, interleaved.

Usage::

    python benchmarks/bench_core.py            # 1e5 and 1e6 rows, 5 repetitions
    python benchmarks/bench_core.py --sizes 100000 1000000 10000000 --reps 3
    python benchmarks/bench_core.py --quick    # CI smoke test (small, 1 repetition)

The naive pint loop runs on a slice of the rows and is extrapolated (labelled so). The numpy
floor gets the factors already folded into one float per (carrier, unit) and integer codes
from ``pd.factorize``: it is what a careful hand-written script would do. All three must
agree to 1e-9 relative on the totals.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import ghgcalc

PROFILE = "kuaishou-2022"
# (carrier, unit, scale to the profile's base unit): mixed spellings as in real batches
MIX = [
    ("electricity", "MWh"), ("electricity", "kWh"), ("外購電力", "萬千瓦時"),
    ("diesel", "t"), ("柴油", "噸"), ("natural_gas", "m**3"), ("天然氣", "萬立方米"), ("heat", "GJ"),
]


def make_batch(n: int, seed: int = 0, categorical: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(MIX), n)
    df = pd.DataFrame({
        "carrier": np.array([m[0] for m in MIX], dtype=object)[pick],
        "quantity": rng.gamma(2.0, 500.0, n),
        "unit": np.array([m[1] for m in MIX], dtype=object)[pick],
        "facility": np.char.add("F", rng.integers(0, 2000, n).astype(str)).astype(object),
        "period": 2022,
    })
    if categorical:
        for c in ("carrier", "unit", "facility"):
            df[c] = df[c].astype("category")
    return df


def run_ghgcalc(df: pd.DataFrame) -> dict[str, float]:
    res = ghgcalc.calculate(df, PROFILE)
    t = res.totals()
    return {"scope1": t["scope1"].magnitude, "scope2": t["scope2"].magnitude, "energy_total": t["energy_total"].magnitude}


def folded_coefficients() -> dict[tuple[str, str], tuple[float, float, int]]:
    """(carrier, unit) -> (t CO2e per unit, MWh per unit, scope), taken from ghgcalc on one row each."""
    out = {}
    for c, u in MIX:
        r = ghgcalc.calculate([{"carrier": c, "quantity": 1.0, "unit": u}], PROFILE).rows.iloc[0]
        out[(c, u)] = (float(r["co2e_t"]), float(r["energy_mwh"]), int(r["scope"]))
    return out


def run_numpy(df: pd.DataFrame, coef: dict[tuple[str, str], tuple[float, float, int]]) -> dict[str, float]:
    cc, cu = pd.factorize(df["carrier"])
    uc, uu = pd.factorize(df["unit"])
    key = cc * len(uu) + uc
    table_e = np.zeros(len(cu) * len(uu))
    table_m = np.zeros(len(cu) * len(uu))
    table_s = np.zeros(len(cu) * len(uu), dtype=np.int8)
    for i, c in enumerate(cu):
        for j, u in enumerate(uu):
            if (str(c), str(u)) in coef:
                e, m, s = coef[(str(c), str(u))]
                table_e[i * len(uu) + j], table_m[i * len(uu) + j], table_s[i * len(uu) + j] = e, m, s
    q = df["quantity"].to_numpy()
    sums = np.bincount(key, weights=q, minlength=len(table_e))
    return {"scope1": float(sums @ (table_e * (table_s == 1))), "scope2": float(sums @ (table_e * (table_s == 2))),
            "energy_total": float(sums @ table_m)}


def run_pint_loop(df: pd.DataFrame) -> dict[str, float]:
    """What peers do: one pint Quantity per row, factors looked up per row."""
    import pint

    ureg = pint.UnitRegistry()
    ureg.define("萬- = 1e4")
    ureg.define("千瓦時 = kWh")
    ureg.define("噸 = t")
    ureg.define("立方米 = m**3")
    ureg.define("tce = [coal_eq]")
    elec, heat = 0.5703, 0.11
    ncv = {"diesel": ureg.Quantity(42.652, "GJ/t"), "natural_gas": ureg.Quantity(389.31e-4, "GJ/m**3")}
    ef = {"diesel": 74.1e-3, "natural_gas": 56.1e-3}  # t/GJ
    ce = {"diesel": ureg.Quantity(1.4571, "tce/t"), "natural_gas": ureg.Quantity(1.2150e-3, "tce/m**3"),
          "heat": ureg.Quantity(0.03412e-3 * 1000, "tce/GJ")}
    alias = {"外購電力": "electricity", "柴油": "diesel", "天然氣": "natural_gas"}
    s1 = s2 = en = 0.0
    for c, q, u in zip(df["carrier"], df["quantity"], df["unit"], strict=True):
        c = alias.get(str(c), str(c))
        x = ureg.Quantity(float(q), str(u))
        if c == "electricity":
            mwh = x.to("MWh").magnitude
            s2 += mwh * elec
            en += mwh
        elif c == "heat":
            gj = x.to("GJ").magnitude
            s2 += gj * heat
            en += (x * ce["heat"]).to("tce").magnitude / 0.1229
        else:
            gj = (x * ncv[c]).to("GJ").magnitude
            s1 += gj * ef[c]
            en += (x * ce[c]).to("tce").magnitude / 0.1229
    return {"scope1": s1, "scope2": s2, "energy_total": en}


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    gc.collect()
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def peak_memory(fn: Any, *args: Any) -> float:
    import tracemalloc

    tracemalloc.start()
    fn(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--pint-slice", type=int, default=2000)
    ap.add_argument("--quick", action="store_true", help="CI smoke test: tiny sizes, one repetition")
    ap.add_argument("--markdown", type=Path, help="write the table to this file")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.reps, args.pint_slice = [20_000], 1, 200
    coef = folded_coefficients()
    run_ghgcalc(make_batch(10))  # warm-up: registry, factor tables
    lines = ["| rows | keys | ghgcalc median (min–max) s | rows/s | numpy floor s | × numpy | pint loop s (extrapolated) | pint ÷ ghgcalc | peak MiB ghgcalc / numpy |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for n in args.sizes:
        for categorical in (False, True):
            df = make_batch(n, categorical=categorical)
            g_times, n_times = [], []
            for _ in range(args.reps):  # interleaved
                tg, out_g = timed(run_ghgcalc, df)
                tn, out_n = timed(run_numpy, df, coef)
                g_times.append(tg)
                n_times.append(tn)
            for k in out_g:
                if not np.isclose(out_g[k], out_n[k], rtol=1e-9):
                    print(f"MISMATCH {k}: ghgcalc {out_g[k]} numpy {out_n[k]}", file=sys.stderr)
                    return 1
            sl = df.iloc[: args.pint_slice]
            tp, out_p = timed(run_pint_loop, sl)
            chk_g = run_ghgcalc(sl)
            for k in chk_g:
                if not np.isclose(chk_g[k], out_p[k], rtol=1e-9):
                    print(f"MISMATCH pint {k}: ghgcalc {chk_g[k]} pint {out_p[k]}", file=sys.stderr)
                    return 1
            tp_full = tp * n / len(sl)
            gm, nm = statistics.median(g_times), statistics.median(n_times)
            mem_g = peak_memory(run_ghgcalc, df) if n <= 1_000_000 else float("nan")
            mem_n = peak_memory(run_numpy, df, coef) if n <= 1_000_000 else float("nan")
            lines.append(f"| {n:,} | {'categorical' if categorical else 'string'} | {gm:.3f} ({min(g_times):.3f}–{max(g_times):.3f}) | "
                         f"{n / gm:,.0f} | {nm:.3f} | {gm / nm:.1f} | {tp_full:,.1f} | {tp_full / gm:,.0f} | {mem_g:.0f} / {mem_n:.0f} |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
