"""Benchmark: ghgcalc against a hand-written numpy implementation of the same calculation
and a naive per-row pint loop, on realistic facility batches.

Usage::

    python benchmarks/bench_core.py --quick                 # CI smoke test (seconds)
    python benchmarks/bench_core.py --sizes 100000 1000000 10000000 --reps 5 \\
        --markdown benchmarks/RESULTS.md                    # the published table
    python benchmarks/bench_core.py --write-parquet /tmp/facilities-5e7.parquet --rows 50000000

The batch: many facilities (one per ~180 rows: monthly readings of several carriers over
three years), each in one of eight provinces; carriers electricity, heat, diesel, gasoline
and natural gas, spelled in English, traditional and simplified Chinese, with units such as
``MWh``, ``萬千瓦時``, ``千瓦時``, ``噸``, ``立方米``, ``萬立方米`` and ``GJ``; data years 2021-2023.
The profile (``benchmarks/facilities.toml``) picks the provincial grid factor of the row's
year and region, and turns fuels into CO2, CH4, N2O, CO2e, MWh and tce.

The three implementations compute the same thing: per-row ``co2_t, ch4_t, n2o_t, co2e_t,
energy_mwh, energy_tce`` and ``scope``, totals, and totals by facility (Scope 1, Scope 2,
energy):

* ``ghgcalc``: ``calculate(df, profile)``, ``totals()`` and ``totals(by="facility")``.
* ``numpy``: what a careful hand-written script does: integer codes from ``pd.factorize``,
  one folded float table per (carrier, unit, year, region) key (precomputed, outside the
  timing, from ghgcalc on one row per key), per-row outputs by ``take`` and multiply, and
  ``bincount`` over (facility, key) for the breakdowns. It does no validation, keeps no
  provenance and resolves no factors.
* ``pint loop``: one pint Quantity per row and a factor lookup per row (factors read from
  the shipped tables), run on a slice and extrapolated linearly (labelled so).

Timings are interleaved (ghgcalc, numpy, numpy, ghgcalc, ...) in one process; the table
gives the median and the min-max over the repetitions. Peak memory is measured in a fresh
subprocess per implementation: the peak resident set size (Linux ``VmHWM``, reset through
``/proc/self/clear_refs`` after the input is built) minus the resident size with the input
loaded, so it counts every allocator (numpy, pyarrow, Python). Results are asserted equal
to the numpy implementation to 1e-12 relative (per row and totals), and to the pint loop on
its slice to 1e-9.
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

HERE = Path(__file__).resolve().parent
PROFILE = str(HERE / "facilities.toml")
OUT_COLS = ("co2_t", "ch4_t", "n2o_t", "co2e_t", "energy_mwh", "energy_tce")
# (carrier as printed, unit as printed): mixed spellings as in real group batches
MIX = [
    ("electricity", "MWh"), ("electricity", "kWh"), ("外購電力", "萬千瓦時"), ("外购电力", "千瓦時"),
    ("diesel", "t"), ("柴油", "噸"), ("gasoline", "t"), ("汽油", "噸"),
    ("natural_gas", "m**3"), ("天然氣", "萬立方米"), ("天然气", "立方米"), ("heat", "GJ"),
]
REGIONS = ["CN-BJ", "CN-SH", "CN-GD", "CN-JS", "CN-ZJ", "CN-SC", "CN-SD", "CN-HB"]
YEARS = [2021, 2022, 2023]


# -- data ------------------------------------------------------------------------------
def make_batch(n: int, seed: int = 0, categorical: bool = False, offset: int = 0, total: int | None = None) -> pd.DataFrame:
    """A facility batch of ``n`` rows (rows ``offset`` to ``offset + n`` of a batch of
    ``total`` rows; deterministic in ``seed`` and ``offset``)."""
    rng = np.random.default_rng([seed, offset])
    n_fac = max(10, (total or n) // 180)
    fac = rng.integers(0, n_fac, n)
    pick = rng.integers(0, len(MIX), n)
    fac_names = pd.Index([f"F{i:06d}" for i in range(n_fac)])
    fac_region = np.random.default_rng(seed).integers(0, len(REGIONS), n_fac)
    # categories must be unique: the distinct spellings, and each MIX entry's code in them
    cspell = list(dict.fromkeys(c for c, _ in MIX))
    uspell = list(dict.fromkeys(u for _, u in MIX))
    ccode = np.array([cspell.index(c) for c, _ in MIX])[pick]
    ucode = np.array([uspell.index(u) for _, u in MIX])[pick]
    cols: dict[str, Any] = {
        "facility": pd.Categorical.from_codes(fac, categories=fac_names),
        "carrier": pd.Categorical.from_codes(ccode, categories=cspell),
        "quantity": np.round(rng.gamma(2.0, 500.0, n), 3),
        "unit": pd.Categorical.from_codes(ucode, categories=uspell),
        "period": np.array(YEARS, dtype=np.int64)[rng.integers(0, len(YEARS), n)],
        "region": pd.Categorical.from_codes(fac_region[fac], categories=REGIONS),
    }
    df = pd.DataFrame(cols)
    if not categorical:
        for c in ("facility", "carrier", "unit", "region"):
            df[c] = df[c].astype("str")
    return df


def write_parquet(path: Path, rows: int, chunk: int = 1_000_000) -> None:
    """Write a large string-keyed batch in chunks (bounded memory while generating)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    done = 0
    while done < rows:
        n = min(chunk, rows - done)
        df = make_batch(n, seed=1, offset=done, total=rows)
        t = pa.Table.from_pandas(df, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(path, t.schema)
        writer.write_table(t, row_group_size=chunk)
        done += n
        print(f"\r{done:,} rows", end="", file=sys.stderr)
    if writer is not None:
        writer.close()
    print(file=sys.stderr)


# -- implementations -------------------------------------------------------------------
def run_ghgcalc(df: pd.DataFrame) -> dict[str, Any]:
    import ghgcalc

    res = ghgcalc.calculate(df, PROFILE)
    tot = res.totals()
    by = res.totals(by="facility")
    return {"result": res, "totals": {k: float(v.magnitude) for k, v in tot.items()}, "by_facility": by}


def folded_table() -> pd.DataFrame:
    """One row per (carrier, unit, year, region) key with its float coefficients per unit of
    activity and its scope: the numpy implementation's precomputed factor table."""
    import ghgcalc

    keys = [(c, u, y, r) for c, u in MIX for y in YEARS for r in REGIONS]
    df = pd.DataFrame(keys, columns=["carrier", "unit", "period", "region"])
    df["quantity"] = 1.0
    rows = ghgcalc.calculate(df, PROFILE).rows
    out = df[["carrier", "unit", "period", "region"]].copy()
    for c in OUT_COLS:
        out[c] = rows[c].to_numpy(dtype="float64")
    out["scope"] = rows["scope"].to_numpy(dtype=np.int8)
    return out


def run_numpy(df: pd.DataFrame, table: pd.DataFrame) -> dict[str, Any]:
    """Hand-written numpy: codes, one folded table per key, take/multiply, bincount."""
    parts = []
    size = 1
    for c in ("carrier", "unit", "period", "region"):
        codes, uniq = pd.factorize(df[c])
        parts.append((codes, uniq))
        size *= len(uniq)
    dense = np.zeros(len(df), dtype=np.int64)
    for codes, uniq in parts:
        dense *= len(uniq)
        dense += codes
    # dense key -> row of the folded table (vectorised over the distinct combinations)
    tcols = ["carrier", "unit", "period", "region"]
    tcodes = [pd.factorize(table[c]) for c in tcols]
    tdense = np.full([len(u) for _, u in tcodes], -1, dtype=np.int64)
    tdense[tuple(c for c, _ in tcodes)] = np.arange(len(table))
    maps = []
    for (_, uniq), (_, tuniq) in zip(parts, tcodes, strict=True):
        pos = {v: i for i, v in enumerate(tuniq.tolist())}
        maps.append(np.array([pos.get(v, -1) for v in uniq.tolist()], dtype=np.int64))
    flat = np.unravel_index(np.arange(size), [len(u) for _, u in parts])
    tidx = [m[f] for m, f in zip(maps, flat, strict=True)]
    missing = np.any([t < 0 for t in tidx], axis=0)
    idx = np.where(missing, -1, tdense[tuple(np.where(t < 0, 0, t) for t in tidx)])
    used = idx >= 0
    kid = np.cumsum(used) - 1  # compact key id per dense key
    k = kid[dense]
    del dense
    coef = table[list(OUT_COLS)].to_numpy()[idx[used]]
    scope_k = table["scope"].to_numpy()[idx[used]]
    q = df["quantity"].to_numpy(dtype="float64")
    out: dict[str, Any] = {}
    for j, c in enumerate(OUT_COLS):
        col = np.take(coef[:, j], k)
        col *= q
        out[c] = col
    out["scope"] = np.take(scope_k, k)
    K = len(scope_k)
    fc, fu = pd.factorize(df["facility"])
    g = fc.astype(np.int64)
    g *= K
    g += k
    sums = np.bincount(g, weights=q, minlength=len(fu) * K).reshape(len(fu), K)
    del g
    w = np.stack([coef[:, 3] * (scope_k == 1), coef[:, 3] * (scope_k == 2), coef[:, 4]], axis=1)
    by = pd.DataFrame(sums @ w, index=pd.Index(fu, name="facility"), columns=["scope1", "scope2", "energy_total"])
    per_key = sums.sum(axis=0)
    totals = {"scope1": float(per_key @ w[:, 0]), "scope2": float(per_key @ w[:, 1]), "energy_total": float(per_key @ w[:, 2]),
              "energy_total_tce": float(per_key @ coef[:, 5]), "scope1_co2": float(per_key @ (coef[:, 0] * (scope_k == 1)))}
    return {"rows": out, "totals": totals, "by_facility": by}


def run_pint_loop(df: pd.DataFrame) -> dict[str, float]:
    """What peers do: a pint Quantity per row, factors looked up per row (from the shipped
    tables, through ghgcalc's unit registry so that the Chinese spellings parse)."""
    import ghgcalc
    from ghgcalc.core.carriers import carrier_aliases, normalize_key
    from ghgcalc.core.profiles import load_profile
    from ghgcalc.core.units import Q_

    lib = ghgcalc.default_library()
    prof = load_profile(PROFILE)

    def qty(fid: str) -> Any:
        r = lib.get(fid)
        return Q_(float(r.value), r.unit)

    grid = {}
    for fid in prof.carriers["electricity"].emission or []:
        r = lib.get(fid)
        grid[(r.region, r.valid_from)] = qty(fid)
    fuels: dict[str, dict[str, Any]] = {}
    for c in ("diesel", "gasoline", "natural_gas", "heat"):
        m = prof.carriers[c]
        fuels[c] = {"ef": [(lib.get(e).gas, qty(e)) for e in m.emission or []],
                    "ncv": qty(m.heating_value) if isinstance(m.heating_value, str) else None,
                    "ce": qty(str(m.coal_equivalent))}
    gwp = {g: float(lib.gwp("AR5", g).value) for g in ("CO2", "CH4", "N2O")}
    mwh_ce = qty(str(prof.mwh_coal_equivalent))
    aliases = carrier_aliases()
    s1 = s2 = en = 0.0
    for c, q, u, y, reg in zip(df["carrier"], df["quantity"], df["unit"], df["period"], df["region"], strict=True):
        cid = aliases[normalize_key(str(c))]
        x = Q_(float(q), str(u))
        if cid == "electricity":
            s2 += (x * grid[(str(reg), int(y))]).to("t CO2").magnitude
            en += x.to("MWh").magnitude
            continue
        f = fuels[cid]
        energy = x * f["ncv"] if f["ncv"] is not None else x
        co2e = 0.0
        for gas, ef in f["ef"]:
            co2e += (energy * ef).to(f"t {gas}").magnitude * gwp[gas]
        if cid == "heat":
            s2 += co2e
        else:
            s1 += co2e
        en += ((x * f["ce"]) / mwh_ce).to("MWh").magnitude
    return {"scope1": s1, "scope2": s2, "energy_total": en}


# -- checks ----------------------------------------------------------------------------
def check_equal(g: dict[str, Any], n: dict[str, Any], rtol: float = 1e-12) -> None:
    rows = g["result"].rows
    for c in OUT_COLS:
        a, b = rows[c].to_numpy(dtype="float64"), n["rows"][c]
        if not np.allclose(a, b, rtol=rtol, atol=0.0, equal_nan=True):  # NaN: a gas the method does not count
            raise AssertionError(f"per-row {c} differs from numpy")
    if not np.array_equal(rows["scope"].to_numpy(), n["rows"]["scope"]):
        raise AssertionError("per-row scope differs from numpy")
    for k, v in n["totals"].items():
        if not np.isclose(g["totals"][k], v, rtol=rtol, atol=0.0):
            raise AssertionError(f"total {k}: ghgcalc {g['totals'][k]!r} numpy {v!r}")
    gb = g["by_facility"][["scope1", "scope2", "energy_total"]]
    nb = n["by_facility"].reindex(gb.index.astype(str) if gb.index.dtype != n["by_facility"].index.dtype else gb.index)
    if not np.allclose(gb.to_numpy(), nb.to_numpy(), rtol=rtol, atol=1e-300):
        raise AssertionError("totals by facility differ from numpy")


# -- measurement -----------------------------------------------------------------------
def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    gc.collect()
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def _mem_child(impl: str, n: int, categorical: bool) -> None:
    """Subprocess: build the input, warm up, reset the peak RSS, run once, report."""
    import tracemalloc

    df = make_batch(n, categorical=categorical)
    table = folded_table()
    small = make_batch(1000, categorical=categorical)
    run_ghgcalc(small)
    run_numpy(small, table)
    rss = rss_above(lambda: run_ghgcalc(df) if impl == "ghgcalc" else run_numpy(df, table))
    gc.collect()
    tracemalloc.start()
    out = run_ghgcalc(df) if impl == "ghgcalc" else run_numpy(df, table)
    _, tpeak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    print(json.dumps({"rss_mib": rss, "tracemalloc_mib": tpeak / 2**20}))


def peak_memory(impl: str, n: int, categorical: bool) -> dict[str, float]:
    return memory_child(__file__, impl, n, categorical)


def _fmt(ts: list[float]) -> str:
    return f"{statistics.median(ts):.3f} ({min(ts):.3f}–{max(ts):.3f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--pint-slice", type=int, default=2000)
    ap.add_argument("--import-reps", type=int, default=5)
    ap.add_argument("--no-memory", action="store_true", help="skip the subprocess memory measurements")
    ap.add_argument("--quick", action="store_true", help="CI smoke test: one small size, one repetition, checks only")
    ap.add_argument("--markdown", type=Path, help="write the tables to this file")
    ap.add_argument("--write-parquet", type=Path, help="write a string-keyed batch of --rows rows to this Parquet file and exit")
    ap.add_argument("--rows", type=int, default=50_000_000)
    ap.add_argument("--_mem", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._mem:
        _mem_child(args._mem[0], int(args._mem[1]), args._mem[2] == "cat")
        return 0
    if args.write_parquet:
        write_parquet(args.write_parquet, args.rows)
        return 0
    if args.quick:
        args.sizes, args.reps, args.pint_slice, args.no_memory, args.import_reps = [20_000], 1, 100, True, 0
    load_start = os.getloadavg()
    table = folded_table()
    warm = make_batch(1000)
    run_ghgcalc(warm)
    run_numpy(warm, table)
    head = ("| rows | keys | ghgcalc s, median (min–max) | rows/s | numpy s, median (min–max) | ghgcalc ÷ numpy | "
            "ratio of minima | pint loop s (extrapolated) | pint ÷ ghgcalc | peak RSS above input, MiB: ghgcalc / numpy (ratio) | "
            "tracemalloc peak MiB: ghgcalc / numpy |")
    lines = [head, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in args.sizes:
        for categorical in (True, False):
            df = make_batch(n, categorical=categorical)
            g_t: list[float] = []
            n_t: list[float] = []
            for rep in range(args.reps):
                order = ("g", "n") if rep % 2 == 0 else ("n", "g")
                for who in order:
                    if who == "g":
                        t, out_g = timed(run_ghgcalc, df)
                        g_t.append(t)
                    else:
                        t, out_n = timed(run_numpy, df, table)
                        n_t.append(t)
                if rep == 0:
                    check_equal(out_g, out_n)
                del out_g, out_n
            sl = df.iloc[: args.pint_slice].reset_index(drop=True)
            tp, out_p = timed(run_pint_loop, sl)
            chk = run_ghgcalc(sl)["totals"]
            for k, v in out_p.items():
                if not np.isclose(chk[k], v, rtol=1e-9):
                    raise AssertionError(f"pint loop {k}: ghgcalc {chk[k]!r} pint {v!r}")
            tp_full = tp * n / len(sl)
            gm, nm = statistics.median(g_t), statistics.median(n_t)
            if args.no_memory:
                mem = "–"
                tm = "–"
            else:
                mg, mn = peak_memory("ghgcalc", n, categorical), peak_memory("numpy", n, categorical)
                mem = f"{mg['rss_mib']:.0f} / {mn['rss_mib']:.0f} ({mg['rss_mib'] / max(mn['rss_mib'], 1e-9):.2f}×)"
                tm = f"{mg['tracemalloc_mib']:.0f} / {mn['tracemalloc_mib']:.0f}"
            lines.append(f"| {n:,} | {'categorical' if categorical else 'string'} | {_fmt(g_t)} | {n / gm:,.0f} | {_fmt(n_t)} | "
                         f"{gm / nm:.2f}× | {min(g_t) / min(n_t):.2f}× | {tp_full:,.0f} | {tp_full / gm:,.0f}× | {mem} | {tm} |")
            print(lines[-1], flush=True)
            del df
            gc.collect()
    text = "\n".join(lines)
    if args.import_reps:
        text += "\n\n" + import_table(args.import_reps, _fmt, "median s (min–max)")
    print(text if not args.quick else "quick benchmark: results equal to numpy (1e-12) and to the pint loop (1e-9)")
    if args.markdown:
        import platform

        load_end = os.getloadavg()
        head = (f"Command: `python benchmarks/bench_core.py {' '.join(argv if argv is not None else sys.argv[1:])}`  \n"
                f"Machine: {os.cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}, "
                f"numpy {np.__version__}, pandas {pd.__version__}; load average (1 min) {load_start[0]:.1f} at the start, "
                f"{load_end[0]:.1f} at the end (the machine was shared with other jobs: absolute times are noisy, the "
                f"interleaved ratios less so).  \n"
                "Times: `calculate()` + `totals()` + `totals(by=\"facility\")` for ghgcalc; the same outputs for numpy. "
                "Memory: peak RSS above the loaded input, one fresh process per cell (tracemalloc peak beside it: numpy and "
                "Python allocations only, not pyarrow's).\n\n")
        args.markdown.write_text(head + text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
