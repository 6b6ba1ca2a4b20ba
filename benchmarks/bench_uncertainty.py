"""Benchmark: the cost of ``Result.uncertainty`` relative to ``calculate`` + ``totals``.

Usage::

    python benchmarks/bench_uncertainty.py --quick                 # smoke test (seconds)
    python benchmarks/bench_uncertainty.py --sizes 100000 1000000 --reps 3

Same facility batch and profile as ``bench_core.py`` (provincial grid factors by year, five
carriers, IPCC CO2/CH4/N2O factors with their 95 % ranges). The uncertainty analysis works
on the distinct factor chains, not on the rows, so its time should stay roughly flat while
``calculate`` grows with the rows; the table reports both and their ratio (median of
``--reps``). Approach 2 uses n = 10 000 draws, seed 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import PROFILE, make_batch

import ghgcalc


def _time(fn: Any, *args: Any, **kw: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="one small size, one repetition")
    args = ap.parse_args(argv)
    sizes, reps = ([20_000], 1) if args.quick else (args.sizes, args.reps)
    print(f"{'rows':>10} {'calculate+totals s':>19} {'approach1 s':>12} {'approach2 s':>12} {'a2 / calc':>10}  scope1_2 interval")
    for n in sizes:
        df = make_batch(n)
        calc, a1, a2 = [], [], []
        for _ in range(reps):
            t, res = _time(ghgcalc.calculate, df, PROFILE)
            t2, _ = _time(res.totals)
            calc.append(t + t2)
            ta, _ = _time(res.uncertainty, "scope1_2", "approach1")
            tb, u = _time(res.uncertainty, "scope1_2", "approach2", n=10_000, seed=0)
            a1.append(ta)
            a2.append(tb)
            assert u.lower <= u.value <= u.upper
        mc, m1, m2 = statistics.median(calc), statistics.median(a1), statistics.median(a2)
        print(f"{n:>10} {mc:>19.3f} {m1:>12.4f} {m2:>12.4f} {m2 / mc:>10.3f}  "
              f"-{u.rel_minus * 100:.2f} % / +{u.rel_plus * 100:.2f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
