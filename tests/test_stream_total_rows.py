"""Spreadsheet total rows streamed in chunks give the outcome of the whole file (user probe: a
subtotal whose parts lay in an earlier chunk was refused when streamed, dropped with a warning in
memory). A total row is dropped with a warning where the rows above it since the previous total
row (same carrier and unit) provably sum to it, refused otherwise, whatever the chunking; a
carrier label naming a total read as its carrier in one chunk while another chunk holds its parts
stops the stream (never a wrong total). Built from CSV files and DataFrames (text and numeric
quantities), every chunk size, and random tables (hypothesis)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.errors import ActivityDataError, InputError

PROFILE: dict[str, Any] = {"id": "probe", "reporting_year": 2023,
                           "carriers": {"electricity": {"emission": ["0.5 t CO2/MWh"]},
                                        "diesel": {"heating_value": "0.04 GJ/kg", "emission": ["70000 kg CO2/TJ"]}}}
HEAD = ["facility", "carrier", "quantity", "unit", "period"]


def _csv(tmp: Path, rows: list[list[Any]]) -> Path:
    p = tmp / "t.csv"
    p.write_text("\n".join(",".join(f'"{x}"' for x in r) for r in [HEAD, *rows]) + "\n", encoding="utf-8")
    return p


def _outcome(res: Any) -> tuple[Any, ...]:
    errs = sorted((e.row, e.line, e.column, str(e.value), e.reason) for e in res.errors)
    warns = sorted((w.row, w.line, w.column, str(w.value), w.reason) for w in res.warnings if w.row is not None)
    return errs, warns, res.metric_exact("scope2")[0], res.metric_exact("energy_total")[0], res.rows_computed


def _same_every_chunking(src: Any) -> tuple[Any, ...]:
    whole = _outcome(ghgcalc.calculate(src, PROFILE, on_error="collect"))
    n = len(src) if isinstance(src, pd.DataFrame) else len(Path(src).read_text(encoding="utf-8").splitlines()) - 1
    for chunk in range(1, n + 1):
        assert _outcome(ghgcalc.calculate(src, PROFILE, on_error="collect", chunk_rows=chunk)) == whole, chunk
    return whole


E = "electricity"
SHAPES: dict[str, tuple[list[list[Any]], list[int], list[int]]] = {
    # rows, the rows refused as total rows, the rows dropped with a warning
    "probe: parts in earlier chunks": (
        [["A", E, 100, "MWh", 2023], ["B", E, 200, "MWh", 2023], ["C", E, 50, "MWh", 2023], ["小计", E, 350, "MWh", 2023],
         ["D", E, 10, "MWh", 2023]], [], [3]),
    "a subtotal that does not add up": (
        [["A", E, 100, "MWh", 2023], ["B", E, 200, "MWh", 2023], ["小计", E, 310, "MWh", 2023]], [2], []),
    "equal to its own chunk's rows only": (   # chunks of 2: [X, A], [B, Total]: B alone would prove it
        [["X", "diesel", 1, "t", 2023], ["A", E, 100, "MWh", 2023], ["B", E, 200, "MWh", 2023], ["Total", E, 200, "MWh", 2023]],
        [3], []),
    "two subtotals and a total": (
        [["A", E, 1.5, "MWh", 2023], ["B", E, 2.25, "MWh", 2023], ["小计", E, 3.75, "MWh", 2023], ["C", E, 4, "MWh", 2023],
         ["D", E, 5, "MWh", 2023], ["小计", E, 9, "MWh", 2023], ["合计", E, 12.75, "MWh", 2023]], [6], [2, 5]),
    "printed decimals that floats do not add exactly": (
        [["A", E, "0.1", "MWh", 2023], ["B", E, "0.2", "MWh", 2023], ["Subtotal", E, "0.3", "MWh", 2023]], [], [2]),
    "a part with a problem of its own": (
        [["A", E, "n/a", "MWh", 2023], ["B", E, 200, "MWh", 2023], ["Total", E, 200, "MWh", 2023]], [2], []),
    "parts in another unit are not its parts": (
        [["A", E, 100000, "kWh", 2023], ["B", E, 200, "MWh", 2023], ["C", E, 50, "MWh", 2023], ["Total", E, 250, "MWh", 2023]],
        [], [3]),
    "other carriers between the parts": (
        [["A", E, 100, "MWh", 2023], ["A", "diesel", 2, "t", 2023], ["B", E, 200, "MWh", 2023], ["A", "diesel", 3, "t", 2023],
         ["Subtotal", E, 300, "MWh", 2023], ["Subtotal", "diesel", 5, "t", 2023]], [5], [4]),
    "a total first": (
        [["Total", E, 0, "MWh", 2023], ["A", E, 100, "MWh", 2023], ["Total", E, 100, "MWh", 2023]], [0], [2]),
}


@pytest.mark.parametrize("name", list(SHAPES))
@pytest.mark.parametrize("kind", ["csv", "dataframe"])
def test_total_rows_streamed_as_in_memory(name: str, kind: str, tmp_path: Path) -> None:
    rows, refused, dropped = SHAPES[name]
    src: Any = _csv(tmp_path, rows) if kind == "csv" else pd.DataFrame(rows, columns=HEAD)
    errs, warns, *_ = _same_every_chunking(src)
    total_reason = "spreadsheet total row: would double-count the rows it totals"
    assert sorted(r for r, *_, reason in errs if reason == total_reason) == refused
    assert sorted(r for r, *_ in warns) == dropped


def test_the_probe_total_is_dropped_with_its_parts_counted(tmp_path: Path) -> None:
    rows, _, _ = SHAPES["probe: parts in earlier chunks"]
    res = ghgcalc.calculate(_csv(tmp_path, rows), PROFILE, chunk_rows=2)
    assert res.metric_exact("scope2")[0] == Fraction(360, 2)
    (w,) = res.warnings
    assert (w.line, w.value) == (5, "小计") and "sum of the 3 row(s) above it" in w.reason


def test_raise_lists_the_same_issues_streamed(tmp_path: Path) -> None:
    rows, _, _ = SHAPES["equal to its own chunk's rows only"]
    path = _csv(tmp_path, rows)
    with pytest.raises(ActivityDataError) as whole:
        ghgcalc.calculate(path, PROFILE)
    with pytest.raises(ActivityDataError) as streamed:
        ghgcalc.calculate(path, PROFILE, chunk_rows=2)
    assert [(i.line, i.reason) for i in streamed.value.issues] == [(i.line, i.reason) for i in whole.value.issues] == \
        [(5, "spreadsheet total row: would double-count the rows it totals")]


# -- carrier labels naming a total ------------------------------------------------------------

def test_a_named_total_alone_is_its_carrier_streamed_too(tmp_path: Path) -> None:
    rows = [["", "Total electricity consumption", 100, "MWh", 2022], ["", "Total electricity consumption", 120, "MWh", 2023],
            ["", "diesel", 10, "t", 2023]]
    out = _same_every_chunking(_csv(tmp_path, rows))
    assert out[0] == [] and out[2] == Fraction(110)


def test_a_named_total_beside_its_parts_in_one_chunk(tmp_path: Path) -> None:
    rows = [["A", E, 100, "MWh", 2023], ["B", E, 50, "MWh", 2023], ["", "Total electricity consumption", 150, "MWh", 2023]]
    path = _csv(tmp_path, rows)
    whole = _outcome(ghgcalc.calculate(path, PROFILE, on_error="collect"))
    assert whole[1] and whole[2] == Fraction(75)
    assert _outcome(ghgcalc.calculate(path, PROFILE, on_error="collect", chunk_rows=3)) == whole


@pytest.mark.parametrize("chunk_rows", [1, 2])
def test_a_named_total_whose_parts_are_in_another_chunk_stops_the_stream(chunk_rows: int, tmp_path: Path) -> None:
    rows = [["A", E, 100, "MWh", 2023], ["B", E, 50, "MWh", 2023], ["", "Total electricity consumption", 150, "MWh", 2023]]
    path = _csv(tmp_path, rows)
    assert ghgcalc.calculate(path, PROFILE).metric_exact("scope2")[0] == Fraction(75)   # in memory: dropped
    with pytest.raises(InputError, match="streamed, it would be added") as ei:
        ghgcalc.calculate(path, PROFILE, chunk_rows=chunk_rows, on_error="collect")
    assert "line 4" in str(ei.value)


# -- random tables ----------------------------------------------------------------------------

_PART = st.tuples(st.sampled_from(["A", "B"]), st.sampled_from([(E, "MWh"), (E, "kWh"), ("diesel", "t")]),
                  st.sampled_from(["1.5", "2", "0.1", "0.2", "10", "n/a"]))


@st.composite
def random_tables(draw: Any) -> list[list[Any]]:
    """Parts (a bad quantity now and then, one carrier in two units) and total rows equal to
    the parts above them since the last total row of their (carrier, unit), or off by 0.1."""
    rows: list[list[Any]] = []
    seg: dict[tuple[str, str], Fraction] = {}
    for _ in range(draw(st.integers(1, 9))):
        if seg and draw(st.booleans()):
            (carrier, unit), total = draw(st.sampled_from(sorted(seg.items())))
            off = draw(st.sampled_from([Fraction(0), Fraction(0), Fraction(1, 10)]))
            rows.append([draw(st.sampled_from(["小计", "Total", "合计"])), carrier, str(float(total + off)), unit, 2023])
            seg = {}
        else:
            fac, (carrier, unit), q = draw(_PART)
            rows.append([fac, carrier, q, unit, 2023])
            seg[(carrier, unit)] = seg.get((carrier, unit), Fraction(0)) + (Fraction(q) if q != "n/a" else Fraction(0))
    return rows


@settings(max_examples=10)   # each example is calculated in memory and at every chunk size
@given(random_tables())
def test_random_tables_stream_as_in_memory(rows: list[list[Any]]) -> None:
    df = pd.DataFrame(rows, columns=HEAD)
    _same_every_chunking(df)
