"""What the benchmark scripts share: peak-memory readings and the import-time measurement."""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

IMPORT_CALC = """
import time
t0 = time.perf_counter()
import ghgcalc
r = ghgcalc.calculate([
    {"carrier": "electricity", "quantity": 100, "unit": "MWh"},
    {"carrier": "diesel", "quantity": 1.5, "unit": "t"},
    {"carrier": "natural_gas", "quantity": 2000, "unit": "m**3"},
    {"carrier": "heat", "quantity": 30, "unit": "GJ"},
], "kuaishou-2022")
r.totals()
print(time.perf_counter() - t0)
"""
IMPORT_PANDAS = "import time\nt0 = time.perf_counter()\nimport pandas\nprint(time.perf_counter() - t0)\n"


def status_kib(field: str) -> int:
    """A field of ``/proc/self/status`` in KiB (``VmRSS``, ``VmHWM``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def rss_above(run: Callable[[], Any]) -> float:
    """MiB of peak RSS that ``run()`` adds above the process's resident size now (Linux
    ``VmHWM``, reset through ``/proc/self/clear_refs``), so every allocator counts."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    base = status_kib("VmRSS")
    out = run()
    peak = status_kib("VmHWM")
    del out
    return (peak - base) / 1024


def memory_child(script: str, impl: str, n: int, categorical: bool) -> dict[str, float]:
    """Run ``script --_mem IMPL N cat|str`` in a fresh process; its last line of JSON."""
    cmd = [sys.executable, script, "--_mem", impl, str(n), "cat" if categorical else "str"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def import_times(reps: int) -> tuple[list[float], list[float]]:
    """(``import ghgcalc`` + a first 4-row calculation, ``import pandas``) in fresh processes,
    interleaved, after one warm-up of each (bytecode written, pint's and ghgcalc's
    content-keyed caches filled: what every run after the first sees)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    g: list[float] = []
    p: list[float] = []
    for rep in range(reps + 1):
        for code, acc in ((IMPORT_PANDAS, p), (IMPORT_CALC, g)):
            out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env).stdout
            if rep:
                acc.append(float(out.strip().splitlines()[-1]))
    return g, p


def import_table(reps: int, fmt: Callable[[list[float]], str], times_head: str) -> str:
    """The Markdown table of :func:`import_times`: ``import pandas`` and ``import ghgcalc`` plus
    a first calculation, each as ``fmt`` prints a list of seconds, and the ratio of medians."""
    gi, pi = import_times(reps)
    return (f"| fresh process | {times_head} | ratio of medians |\n|---|---:|---:|\n"
            f"| `import pandas` | {fmt(pi)} | 1.00× |\n"
            f"| `import ghgcalc` + first 4-row `calculate()` + `totals()` | {fmt(gi)} | "
            f"{statistics.median(gi) / statistics.median(pi):.2f}× |")

