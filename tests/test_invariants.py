"""Property-based regression suite of issue 5, in exact arithmetic where test_properties.py
checks floats: linearity, unit invariance, order, partition and chunk invariance, row
conservation under random bad rows, half-up rounding at exact boundaries, reconcile
statuses monotone in the inputs' precision, export round-trips. The strategies are the
public ones of :mod:`ghgcalc.testing`, so this suite also tests them."""

from __future__ import annotations

import csv
import io
import itertools
import os
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from cli_process import run
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.analysis.reconciliation import round_half_up
from ghgcalc.core.group_labels import fold_label
from ghgcalc.reports.reporting import safe_cell, write_rows
from ghgcalc.testing import (
    CARRIER_DIMENSIONS,
    UNIT_SPELLINGS,
    activity_rows,
    activity_tables,
    assert_rows_accounted,
    assert_same_totals,
    bad_rows,
    exact_totals,
    printed,
    profiles,
    scaled_quantity,
)

FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(profiles(), activity_tables(), st.sampled_from([Fraction(3), Fraction(1, 4), Fraction(1000), Fraction(7, 10)]))
def test_linearity_exact(profile: dict[str, Any], table: pd.DataFrame, k: Fraction) -> None:
    a = exact_totals(ghgcalc.calculate(table, profile))
    b = exact_totals(ghgcalc.calculate(table.assign(quantity=[scaled_quantity(q, k) for q in table["quantity"]]), profile))
    assert b == {m: (v * k if v is not None else None) for m, v in a.items()}


@FAST
@given(profiles(), activity_tables(spellings=False), st.data())
def test_unit_invariance_exact(profile: dict[str, Any], table: pd.DataFrame, data: st.DataObject) -> None:
    """kWh/MWh/萬千瓦時/GJ, t/kg/萬噸, m³/立方米/萬立方米/L: the same amount in any spelling."""
    respelled = table.copy()
    for i, carrier in enumerate(table["carrier"]):
        unit, scale = data.draw(st.sampled_from(UNIT_SPELLINGS[CARRIER_DIMENSIONS[carrier]]))
        respelled.loc[i, "unit"] = unit
        respelled.loc[i, "quantity"] = scaled_quantity(table["quantity"].iloc[i], scale)
    assert_same_totals(ghgcalc.calculate(table, profile), ghgcalc.calculate(respelled, profile))


@FAST
@given(profiles(), activity_tables(min_rows=2), st.randoms(use_true_random=False))
def test_order_invariance_exact(profile: dict[str, Any], table: pd.DataFrame, rnd: Any) -> None:
    idx = list(range(len(table)))
    rnd.shuffle(idx)
    a = ghgcalc.calculate(table, profile)
    b = ghgcalc.calculate(table.iloc[idx].reset_index(drop=True), profile)
    assert_same_totals(a, b)
    for m in a.metric_ids():   # floats: the same up to rounding of the summation order
        assert np.isclose(a.metric_value(m)[0], b.metric_value(m)[0], rtol=1e-12, atol=0)


@FAST
@given(profiles(), activity_tables(min_rows=1, max_rows=30), st.lists(st.integers(0, 30), max_size=5))
def test_partition_invariance_exact(profile: dict[str, Any], table: pd.DataFrame, cuts: list[int]) -> None:
    """Split the rows into chunks at random cut points, compute each chunk, add the totals:
    exactly the totals of the whole table."""
    bounds = sorted({0, len(table), *(c for c in cuts if c < len(table))})
    whole = exact_totals(ghgcalc.calculate(table, profile))
    summed: dict[str, Fraction] = {}
    for lo, hi in itertools.pairwise(bounds):
        for m, v in exact_totals(ghgcalc.calculate(table.iloc[lo:hi].reset_index(drop=True), profile)).items():
            summed[m] = summed.get(m, Fraction(0)) + (v or Fraction(0))
    for m, v in whole.items():
        assert summed.get(m, Fraction(0)) == v, m


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(), activity_tables(min_rows=1, max_rows=40), st.integers(1, 7))
def test_streamed_chunks_give_the_same_bits(profile: dict[str, Any], table: pd.DataFrame, chunk_rows: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "a.csv"
        table.to_csv(p, index=False)
        mem = ghgcalc.calculate(p, profile)
        streamed = ghgcalc.calculate(p, profile, chunk_rows=chunk_rows)
    for m in mem.metric_ids():
        assert mem.metric_value(m)[0] == streamed.metric_value(m)[0], m
    assert streamed.rows_accounted


@FAST
@given(profiles(), st.lists(st.one_of(activity_rows().map(lambda r: (r, None)), bad_rows()), min_size=1, max_size=25))
def test_row_conservation_under_random_bad_rows(profile: dict[str, Any], mixed: list[tuple[dict[str, Any], str | None]]) -> None:
    rows = [r for r, _ in mixed]
    bad_at = {i for i, (_, col) in enumerate(mixed) if col is not None}
    res = ghgcalc.calculate(pd.DataFrame(rows), profile, on_error="collect")
    assert_rows_accounted(res)
    assert {e.row for e in res.errors} == bad_at
    assert set(res.rows.index) == set(range(len(rows))) - bad_at
    assert res.partial == bool(bad_at)
    good = [r for i, r in enumerate(rows) if i not in bad_at]
    if good:
        assert_same_totals(res, ghgcalc.calculate(pd.DataFrame(good), profile))


@settings(max_examples=200, deadline=None)
@given(st.integers(-10**12, 10**12), st.integers(0, 8))
def test_half_up_at_exact_boundaries(n: int, places: int) -> None:
    """x.5 at the last printed place rounds away from zero; anything below the half rounds
    down, above it up (oracle: decimal ROUND_HALF_UP)."""
    unit = Fraction(1, 10**places)
    tie = (Fraction(n) + Fraction(1, 2) * (1 if n >= 0 else -1)) * unit
    expect = (Fraction(n) + (1 if n >= 0 else -1)) * unit
    assert round_half_up(tie, places) == expect
    eps = unit / 10**6
    assert round_half_up(tie - eps if n >= 0 else tie + eps, places) == Fraction(n) * unit
    d = Decimal(tie.numerator) / Decimal(tie.denominator)
    assert Fraction(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)) == expect


def _status(rows: list[tuple[str, str]], profile: dict[str, Any], metric: str, value: str, unit: str) -> str:
    res = ghgcalc.calculate(pd.DataFrame([{"carrier": c, "quantity": q, "unit": "MWh"} for c, q in rows]), profile)
    rec = ghgcalc.reconcile(res, {"reported": [{"metric": metric, "value": value, "unit": unit}]})
    return str(rec.entries[0]["status"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(carriers={"electricity": "energy", "heat": "energy"}),
       st.lists(st.tuples(st.sampled_from(["electricity", "heat"]), st.integers(1, 10**8)), min_size=1, max_size=6),
       st.integers(1, 3), st.integers(1, 3), st.integers(-60, 60), st.integers(0, 2))
def test_reconcile_status_monotone_in_input_precision(profile: dict[str, Any], raw: list[tuple[str, int]], fine_extra: int,
                                                      coarse: int, nudge: int, fig_places: int) -> None:
    """Printing the inputs with fewer digits only widens the range the printed figure may
    fall in: if a figure is not ``differs`` against the inputs printed with more digits, it
    is not ``differs`` against the same inputs rounded half-up to fewer digits. (Excluded:
    an input exactly halfway at the coarser precision, whose range is not nested.)

    So more printed digits in the inputs can turn ``consistent`` into ``reproduced`` or
    ``differs``, and ``reproduced`` into ``differs`` when they show the report does not
    follow from them, but never turn ``differs`` into anything else."""
    fine_places = coarse + fine_extra
    fine = [(c, Fraction(n, 10**fine_places)) for c, n in raw]
    half = Fraction(1, 2 * 10**coarse)
    assume(all((q / half).denominator != 1 or (q / half).numerator % 2 == 0 for _, q in fine))  # no exact ties
    coarse_rows = [(c, printed(round_half_up(q, coarse), coarse)) for c, q in fine]
    fine_rows = [(c, printed(q, fine_places)) for c, q in fine]
    res = ghgcalc.calculate(pd.DataFrame([{"carrier": c, "quantity": q, "unit": "MWh"} for c, q in fine_rows]), profile)
    exact = res.metric_exact("scope2")[0]
    assert exact is not None
    # a printed figure near the fine recomputation, nudged by up to a few units of its last place
    fig = round_half_up(exact, fig_places) + Fraction(nudge, 10 ** (fig_places + 1))
    value = printed(round_half_up(fig, fig_places + 1), fig_places + 1)
    s_fine = _status(fine_rows, profile, "scope2", value, "t CO2e")
    s_coarse = _status(coarse_rows, profile, "scope2", value, "t CO2e")
    if s_fine != "differs":
        assert s_coarse != "differs", (fine_rows, coarse_rows, value, s_fine, s_coarse)


NASTY = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "  =1+1", "＝1", "＋1", "－1", "＠x",
         "\t=1", "\r=1", "a\rb", "line\nbreak", "Plant A", "外購電力廠", "1,234", "'quoted'", "\"dq\"", " ", "-"]
EXPORT_PROFILE = {"id": "export", "reporting_year": 2022, "carriers": {
    "electricity": {"emission": ["0.5703 t CO2/MWh"]}, "heat": {"emission": ["0.11 t CO2/GJ"]},
    "diesel": {"heating_value": "42.652 GJ/t", "emission": ["74100 kg CO2/TJ"]}, "gasoline": {"heating_value": "43.07 GJ/t",
    "emission": ["69300 kg CO2/TJ"]}, "natural_gas": {"heating_value": "389.31 GJ/(10^4 m^3)", "emission": ["56100 kg CO2/TJ"]}}}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(activity_tables(min_rows=1, max_rows=6), st.lists(st.sampled_from(NASTY), min_size=6, max_size=6),
       st.sampled_from([h for h in NASTY if h.strip()]))
def test_export_round_trip_and_no_live_formula(table: pd.DataFrame, names: list[str], extra_header: str) -> None:
    """CSV and XLSX exports read back give the same rows; text that a spreadsheet would read
    as a formula (``=HYPERLINK(...)``, ``+cmd``, ``＝1``, after spaces), in a cell or a
    header, comes back inert, and a carriage return inside a cell does not split its row."""
    n = len(table)
    table = table.assign(facility=names[:n])
    table[extra_header] = names[:n]
    res = ghgcalc.calculate(table, EXPORT_PROFILE)
    with tempfile.TemporaryDirectory() as d:
        csv_path, xlsx_path = Path(d) / "r.csv", Path(d) / "r.xlsx"
        write_rows(res, csv_path, "csv")
        write_rows(res, xlsx_path, "xlsx")
        with csv_path.open(encoding="utf-8", newline="") as fh:
            recs = list(csv.reader(fh))
        wb = openpyxl.load_workbook(xlsx_path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
        sheet = pd.read_excel(xlsx_path, sheet_name="rows", dtype=object, keep_default_na=False)
    back = pd.DataFrame(recs[1:], columns=recs[0])
    assert len(back) == n
    # the facility label as folded (ghgcalc.core.group_labels: "  =1+1" is "=1+1"); the carried
    # column keeps each cell as given, line breaks included
    assert list(back["facility"]) == [safe_cell(fold_label(x)) for x in names[:n]]
    assert list(back[safe_cell(extra_header)]) == [safe_cell(x) for x in names[:n]]
    assert [float(x) for x in back["quantity"]] == list(res.rows["quantity"])
    xml = lambda t: str(t).replace("\r\n", "\n").replace("\r", "\n")  # noqa: E731  (XML stores a lone CR as LF)
    assert [xml(x) for x in sheet["facility"]] == [xml(safe_cell(fold_label(x))) for x in names[:n]]
    assert [float(x) for x in sheet["quantity"]] == list(res.rows["quantity"])
    assert safe_cell(extra_header) in list(back.columns)
    assert xml(safe_cell(extra_header)) in [xml(c) for c in sheet.columns]
    for text in [*back["facility"], *back.columns]:
        assert not text.lstrip(" ").startswith(("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r"))


@pytest.mark.slow
def test_calc_json_is_byte_identical(tmp_path: Path) -> None:
    """Same input and profile -> byte-identical ``calc --format json``: in this process and in a
    fresh ``python -m ghgcalc.cli`` process with another hash seed (set and dict orders that
    follow string hashes would differ)."""
    f = tmp_path / "a.csv"
    f.write_text("carrier,quantity,unit,facility\n外購電力,\"1,534,956.48\",兆瓦時,HQ\n柴油,3105.58,噸,HQ\n"
                 "unobtainium,1,t,X\nnatural_gas,176400,立方米,DC\n", encoding="gb18030")
    args = ["calc", str(f), "--profile", "kuaishou-2022", "--format", "json", "--on-error", "collect",
            "--denominator", "headcount=27402"]
    seed = "1" if os.environ.get("PYTHONHASHSEED") == "0" else "0"
    proc = subprocess.run([sys.executable, "-m", "ghgcalc.cli", *args], capture_output=True, timeout=180, check=False,
                          env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONIOENCODING": "utf-8"})
    runs = [run(*args) for _ in range(2)]
    assert [proc.returncode, *(r.returncode for r in runs)] == [2, 2, 2]  # one row in error: partial results, exit 2
    outs = [proc.stdout, *(r.stdout.encode("utf-8") for r in runs)]
    assert outs[0] == outs[1] == outs[2] and b'"gb18030"' in outs[0]
    # and in process, with the rows in another order, the same totals exactly
    from ghgcalc.reports.reporting import result_json

    a = ghgcalc.calculate(f, "kuaishou-2022", on_error="collect")
    df = pd.read_csv(io.StringIO(f.read_bytes().decode("gb18030")), dtype=str)
    b = ghgcalc.calculate(df.iloc[::-1].reset_index(drop=True), "kuaishou-2022", on_error="collect")
    assert_same_totals(a, b)
    assert result_json(a)["totals"].keys() == result_json(b)["totals"].keys()
