"""Printed figures of the disclosure pack and of ``calc``'s table are rounded half-up on the
decimal digits, as reconciliation compares them (``ghgcalc.printed``; ISO 80000-1 Annex B):
a new-user probe found the pack printing a Scope 1 of exactly 2.675 t CO2e as ``2.67`` and
``calc`` printing 10.00025 t as ``10.0002``, because the renderers formatted the binary float
(``f"{x:.2f}"``) instead of the decimal the result holds. Built from direct emission entries
(the value is the input's digits, no factor in between) in CSV and XLSX, one and two periods,
through ``ghgcalc report`` (Markdown, HTML, XLSX), ``ghgcalc.report`` and ``calc``."""

from __future__ import annotations

import math
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.reports.labels import number_text, signed_text

PROFILE = "kuaishou-2022"

# value -> (decimals, text half-up); every one is printed wrongly by f"{value:.{d}f}"
HALVES = [(2.675, 2, "2.68"), (1.005, 2, "1.01"), (0.125, 2, "0.13"), (10.00025, 4, "10.0003"),
          (1234.565, 2, "1,234.57"), (-2.675, 2, "-2.68"), (0.0015, 3, "0.002")]


@pytest.mark.parametrize(("value", "decimals", "text"), HALVES)
def test_number_text_rounds_half_up(value: float, decimals: int, text: str) -> None:
    assert number_text(value, decimals) == text
    assert number_text(str(value), decimals) == text


@pytest.mark.parametrize(("value", "decimals", "text"), HALVES)
def test_signed_text_rounds_half_up_with_its_sign(value: float, decimals: int, text: str) -> None:
    assert signed_text(value, decimals) == (text if value < 0 else "+" + text)
    assert signed_text(0.004, 2) == "0.00" and signed_text(-0.004, 2) == "0.00"
    assert number_text(float("nan"), 2) == "n/a"


def _activity(tmp: Path, kind: str, rows: list[tuple[str, str, str, str]]) -> Path:
    frame = pd.DataFrame(rows, columns=["carrier", "quantity", "unit", "period"]).assign(facility="Site A")
    if kind == "csv":
        path = tmp / "acts.csv"
        frame.to_csv(path, index=False)
        return path
    path = tmp / "acts.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(frame.columns))
    for rec in frame.itertuples(index=False):
        ws.append(list(rec))
    wb.save(path)
    return path


def _md_value(md: str, label: str) -> str:
    """The Value cell of the KPI row ``label`` in an English Markdown pack."""
    m = re.search(r"^\| " + re.escape(label) + r" \| ([^|]+) \|", md, flags=re.M)
    assert m, f"no row {label!r} in the pack"
    return m.group(1).strip()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_pack_kpi_table_prints_half_up(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    src = _activity(tmp_path, kind, [("diesel", "2.675", "t CO2e", "2022"), ("electricity", "1.005", "t CO2e", "2022")])
    totals = ghgcalc.calculate(src, PROFILE).totals()
    assert totals["scope1"].magnitude == 2.675 and totals["scope2"].magnitude == 1.005
    out = tmp_path / "pack.md"
    assert main(["report", str(src), "--profile", PROFILE, "--lang", "en", "-o", str(out)]) == 0
    capsys.readouterr()
    md = out.read_text(encoding="utf-8")
    assert _md_value(md, "Scope 1 GHG emissions") == "2.68"
    assert _md_value(md, "Scope 2 GHG emissions (location-based)") == "1.01"
    assert _md_value(md, "Total GHG emissions (Scope 1 and 2)") == "3.68"
    # the by-carrier table prints the same figures
    assert re.search(r"^\| Diesel \| 1 \| 2\.68 \|", md, flags=re.M)
    assert re.search(r"^\| Purchased electricity \| 2 \| 1\.01 \|", md, flags=re.M)


def test_pack_html_and_python_report_print_half_up(tmp_path: Path) -> None:
    src = _activity(tmp_path, "csv", [("diesel", "2.675", "t CO2e", "2022"), ("electricity", "0.125", "t CO2e", "2022")])
    result = ghgcalc.calculate(src, PROFILE)
    html = tmp_path / "pack.html"
    ghgcalc.report(result, html, lang="en")
    text = html.read_text(encoding="utf-8")
    assert ">2.68<" in text and ">2.67<" not in text
    assert ">0.13<" in text and ">0.12<" not in text


def test_pack_year_over_year_prints_half_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two periods: the KPI table's prior-year column and the year-over-year table."""
    src = _activity(tmp_path, "csv", [("diesel", "1.005", "t CO2e", "2021"), ("diesel", "2.675", "t CO2e", "2022")])
    out = tmp_path / "pack.md"
    assert main(["report", str(src), "--profile", PROFILE, "--lang", "en", "--reporting-year", "2022",
                 "-o", str(out)]) == 0
    capsys.readouterr()
    md = out.read_text(encoding="utf-8")
    kpi = re.search(r"^\| Scope 1 GHG emissions \| tonnes CO2e \| ([^|]+) \| ([^|]+) \| ([^|]+) \|", md, flags=re.M)
    assert kpi and [g.strip() for g in kpi.groups()] == ["2.68", "1.01", "+1.67"]
    yoy = md[md.index("## Year-over-year"):]
    row = re.search(r"^\| Scope 1 GHG emissions \| tonnes CO2e \| ([^|]+) \| ([^|]+) \|", yoy, flags=re.M)
    assert row and [g.strip() for g in row.groups()] == ["1.01", "2.68"]


def test_pack_xlsx_keeps_the_exact_number(tmp_path: Path) -> None:
    """The workbook holds the number itself (its display is the spreadsheet's own, half-up)."""
    src = _activity(tmp_path, "csv", [("diesel", "2.675", "t CO2e", "2022")])
    out = tmp_path / "pack.xlsx"
    ghgcalc.report(ghgcalc.calculate(src, PROFILE), out, lang="en")
    kpis = pd.read_excel(out, sheet_name="kpis")
    v = kpis.loc[kpis["metric"] == "scope1", "value"].iloc[0]
    assert math.isclose(v, 2.675, rel_tol=0, abs_tol=1e-12)


def test_calc_table_prints_half_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _activity(tmp_path, "csv", [("diesel", "10.00025", "t CO2e", "2022"), ("electricity", "1.00005", "t CO2e", "2022")])
    assert main(["calc", str(src), "--profile", PROFILE, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^scope1\s+10\.0003\s", out, flags=re.M), out
    assert re.search(r"^scope2\s+1\.0001\s", out, flags=re.M), out
