"""One-off maintainer script: add the ``use`` column (after ``kind``) to every shipped
factor table, filling it by the rules below. Rows that already have a ``use`` keep it.
The CSV text is otherwise unchanged (the csv module reproduces the shipped files byte
for byte, which the script checks before writing).

    python tools/fill_use.py [FACTORS_DIR]

Rules (see ``ghgcalc.core.factors.USES`` for the vocabulary):
- ``cn-ccer-baseline/``: grid_avoided (CDM/CCER operating-margin baselines)
- ``cn-mee-electricity-footprint/``: lifecycle (MEE electricity carbon-footprint factors)
- ``hk/hk.csv`` towngas rows: upstream (Towngas' production-and-supply intensity; the
  combustion CO2 is extra, the rows' notes say)
- other emission rows on electricity/heat/steam: grid_residual when the series is a
  residual-mix one, else grid_location
- emission rows on fuels, carbon_content, oxidation_rate: combustion
- heating_value, coal_equivalent, density, gwp: conversion
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

GRID_CARRIERS = {"electricity", "heat", "steam", "hot_water", "cooling"}


def use_of(table: str, row: dict[str, str]) -> str:
    kind, carrier, series = row["kind"], row.get("carrier") or "", row.get("series") or ""
    if kind in ("heating_value", "coal_equivalent", "density", "gwp"):
        return "conversion"
    if kind in ("carbon_content", "oxidation_rate"):
        return "combustion"
    if table.startswith("cn-ccer-baseline/"):
        return "grid_avoided"
    if table.startswith("cn-mee-electricity-footprint/"):
        return "lifecycle"
    if table == "hk/hk.csv" and carrier == "towngas":
        return "upstream"
    if carrier in GRID_CARRIERS:
        return "grid_residual" if "residual" in series else "grid_location"
    return "combustion"


def fill(path: Path, table: str) -> dict[str, int]:
    raw = path.read_bytes().decode("utf-8")
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    text = raw[len(bom):]
    nl = "\r\n" if "\r\n" in text else "\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    check = io.StringIO()
    csv.writer(check, lineterminator=nl).writerows(rows)
    if check.getvalue() != text:
        raise SystemExit(f"{table}: the csv module does not reproduce the file; not touched")
    header = rows[0]
    counts: dict[str, int] = {}
    if "use" in header:
        u = header.index("use")
        for r in rows[1:]:
            counts[r[u]] = counts.get(r[u], 0) + 1
        return counts
    k = header.index("kind")
    out = [[*header[:k + 1], "use", *header[k + 1:]]]
    for r in rows[1:]:
        use = use_of(table, dict(zip(header, r, strict=False)))  # short rows: trailing cells blank
        counts[use] = counts.get(use, 0) + 1
        out.append([*r[:k + 1], use, *r[k + 1:]])
    buf = io.StringIO()
    csv.writer(buf, lineterminator=nl).writerows(out)
    path.write_bytes((bom + buf.getvalue()).encode("utf-8"))
    return counts


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "factors"
    for p in sorted(root.rglob("*.csv")):
        table = p.relative_to(root).as_posix()
        if table.startswith("profiles/"):
            continue
        counts = fill(p, table)
        print(f"{table}: " + ", ".join(f"{u} {n}" for u, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
