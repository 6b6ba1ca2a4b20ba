"""One way for tests to hand ghgcalc the same small table in the shapes a user has it: a
DataFrame (object, categorical or string facility column), a CSV file (every cell quoted) or an
XLSX sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd


def table_in(kind: str, tmp: Path, head: list[str], rows: list[list[Any]]) -> Any:
    """The table ``head`` + ``rows`` as ``kind``: ``dataframe``, ``categorical`` / ``string``
    (a DataFrame whose ``facility`` column has that dtype), ``csv`` (a file in ``tmp``) or
    ``xlsx`` (a workbook in ``tmp``)."""
    if kind in ("dataframe", "categorical", "string"):
        df = pd.DataFrame(rows, columns=head)
        if kind != "dataframe":
            df["facility"] = df["facility"].astype("category" if kind == "categorical" else "string")
        return df
    if kind == "csv":
        p = tmp / "t.csv"
        p.write_text("\n".join(",".join(f'"{x}"' for x in r) for r in [head, *rows]) + "\n", encoding="utf-8")
        return p
    if kind != "xlsx":
        raise ValueError(f"unknown table kind {kind!r}")
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [head, *rows]:
        ws.append(r)
    p = tmp / "t.xlsx"
    wb.save(p)
    return p
