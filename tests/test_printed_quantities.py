"""Quantities as reports print them (issue 15, item 4): counting words (``1.2万`` = 12000,
``3.5億`` = 350,000,000), digits grouped with no-break or thin spaces, full-width digits; a dash
or N/A meaning "not reported" (an error, or with collect an uncomputed row, never 0); and an
accounting negative in parentheses, an error that says why. The words are data
(ghgcalc/data/quantities.yaml). The exact value reconciliation uses (``quantity_text``) holds
the printed digits with their precision: ``1.2万`` is ``1.2E+4``, exactly 12000, printed to the
thousand. Built from CSV, XLSX (openpyxl) and DataFrames."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.errors import ActivityDataError, QuantityError
from ghgcalc.io.quantities import quantity_words
from ghgcalc.printed import decimals_of, exact

PROFILE = "kuaishou-2022"


def _table(kind: str, tmp: Path, cells: list[Any]) -> Any:
    rows = [["electricity", c, "kWh"] for c in cells]
    if kind == "dataframe":
        return pd.DataFrame(rows, columns=["carrier", "quantity", "unit"])
    if kind == "csv":
        p = tmp / "q.csv"
        body = "\n".join(",".join(['"' + str(x).replace('"', '""') + '"' for x in r]) for r in rows)
        p.write_text("能源品种,消耗量,单位\n" + body + "\n", encoding="utf-8")
        return p
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["carrier", "quantity", "unit"])
    for r in rows:
        ws.append(r)
    p = tmp / "q.xlsx"
    wb.save(p)
    return p


PRINTED = [
    ("1.2万", Fraction(12000), "1.2E+4"),
    ("1.2 万", Fraction(12000), "1.2E+4"),
    ("3.5億", Fraction(350_000_000), "3.5E+8"),
    ("3.5亿", Fraction(350_000_000), "3.5E+8"),
    ("12萬", Fraction(120_000), "1.2E+5"),
    ("1,234.5万", Fraction(12_345_000), "1.2345E+7"),
    ("2.5千", Fraction(2500), "2.5E+3"),
    ("2.5百万", Fraction(2_500_000), "2.5E+6"),
    ("1.5 million", Fraction(1_500_000), "1.5E+6"),
    ("12\u00a0345.6", Fraction(123456, 10), "12345.6"),        # no-break space grouping
    ("12\u2009345.6", Fraction(123456, 10), "12345.6"),        # thin space
    ("12\u202f345.6", Fraction(123456, 10), "12345.6"),        # narrow no-break space
    (" 12,345.6\u00a0", Fraction(123456, 10), "12345.6"),       # a trailing no-break space
    ("１２，３４５．６", Fraction(123456, 10), "12345.6"),       # full-width digits and punctuation
    ("１．２万", Fraction(12000), "1.2E+4"),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
def test_printed_quantities_read_exactly(kind: str, tmp_path: Path) -> None:
    res = ghgcalc.calculate(_table(kind, tmp_path, [p for p, _, _ in PRINTED]), PROFILE)
    assert [exact(t) for t in res.rows["quantity_text"]] == [v for _, v, _ in PRINTED]
    assert res.rows["quantity_text"].tolist() == [t for _, _, t in PRINTED]
    assert res.rows["quantity"].tolist() == [float(v) for _, v, _ in PRINTED]


def test_a_counting_word_keeps_the_printed_precision() -> None:
    """``1.2万`` kWh is 12000 kWh printed to the thousand: the interval reconciliation allows is
    [11500, 12500) kWh, i.e. [11.5, 12.5) MWh, not [11999.5, 12000.5)."""
    assert decimals_of("1.2E+4") == -3
    res = ghgcalc.calculate(pd.DataFrame({"carrier": ["electricity"], "quantity": ["1.2万"], "unit": ["kWh"]}), PROFILE)
    val, lo, hi, unit = res.metric_exact("energy_indirect")
    assert (val, lo, hi, unit) == (Fraction(12), Fraction(23, 2), Fraction(25, 2), "MWh")


NOT_REPORTED = ["—", "–", "-", "--", "——", "N/A", "n/a", "NA", "不适用", "不適用", "/", "－"]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
def test_not_reported_is_an_error_never_zero(kind: str, tmp_path: Path) -> None:
    cells = ["100", *NOT_REPORTED]
    src = _table(kind, tmp_path, cells)
    with pytest.raises(QuantityError) as ei:
        ghgcalc.calculate(src, PROFILE)
    issues = ei.value.issues
    assert [i.row for i in issues] == list(range(1, len(cells)))
    assert all(i.reason.startswith("not reported (") and i.column == "quantity" for i in issues)
    assert issues[0].reason == "not reported (—)" and issues[-1].reason == "not reported (-)"   # full-width hyphen folded
    assert "never reads it as 0" in (issues[0].hint or "")
    res = ghgcalc.calculate(src, PROFILE, on_error="collect")
    assert res.rows.index.tolist() == [0] and res.rows["quantity"].tolist() == [100.0]
    assert [e.row for e in res.errors] == list(range(1, len(cells)))
    assert res.n_input_rows == len(cells)


def test_not_reported_in_collect_mode_at_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _table("csv", tmp_path, ["100", "—", "N/A", "—"])
    assert main(["calc", str(path), "--profile", PROFILE, "--on-error", "collect"]) == 2
    err = capsys.readouterr()
    # two rows with the same dash: one line naming both
    assert "lines 3, 5, rows 1, 3 (2 rows), column 'quantity' ('消耗量'): not reported (—)" in err.out
    assert "line 4, row 2, column 'quantity' ('消耗量'): not reported (N/A)" in err.out
    assert "4 rows in, 1 computed, 3 in error" in err.err


@pytest.mark.parametrize("cell", ["(1,234)", "（1,234）", "(12.5)", "( 3 )"])
def test_accounting_negative_is_an_error_that_says_why(cell: str) -> None:
    with pytest.raises(QuantityError) as ei:
        ghgcalc.calculate(pd.DataFrame({"carrier": ["electricity"], "quantity": [cell], "unit": ["kWh"]}), PROFILE)
    [issue] = ei.value.issues
    assert issue.reason == "quantity is negative (accounting notation: a number in parentheses)"
    assert issue.value == cell and ">= 0" in (issue.hint or "")


@pytest.mark.parametrize(("cell", "reason"), [
    ("1.2万吨", "text after the number ('万吨')"),       # a unit belongs in the unit column
    ("1,23万", "a decimal comma ('1,23' is 1.23"),       # the grouping rule holds before the word
    ("万", "quantity is not a number"),
    ("-1.2万", "quantity is negative"),
])
def test_what_is_still_refused(cell: str, reason: str) -> None:
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(pd.DataFrame({"carrier": ["electricity"], "quantity": [cell], "unit": ["kWh"]}), PROFILE)
    assert ei.value.issues[0].reason.startswith(reason)


def test_numbers_from_a_sheet_beside_dashes(tmp_path: Path) -> None:
    """An Excel column of numbers with a dash in one cell (an object column): the numbers are
    read as they are, the dash is not reported."""
    df = pd.DataFrame({"carrier": ["electricity"] * 3, "quantity": [1200.5, "—", 7], "unit": ["kWh"] * 3})
    res = ghgcalc.calculate(df, PROFILE, on_error="collect")
    assert res.rows["quantity"].tolist() == [1200.5, 7.0]
    assert [(e.row, e.reason) for e in res.errors] == [(1, "not reported (—)")]


def test_the_words_are_data() -> None:
    words = quantity_words()
    assert words["multipliers"]["万"] == 4 and words["multipliers"]["億"] == 8
    assert "—" in words["not_reported"] and "不适用" in words["not_reported"]
    assert not {"0", "nil", "無", "无"} & set(words["not_reported"])      # nothing that can mean zero


_MULT = sorted(quantity_words()["multipliers"].items())


@given(digits=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999999"), places=3, allow_nan=False,
                          allow_infinity=False),
       word=st.sampled_from(_MULT))
def test_any_number_with_a_counting_word_is_exact(digits: Decimal, word: tuple[str, int]) -> None:
    text = f"{digits}{word[0]}"
    res = ghgcalc.calculate(pd.DataFrame({"carrier": ["electricity"], "quantity": [text], "unit": ["kWh"]}), PROFILE)
    qtext = str(res.rows["quantity_text"].iloc[0])
    assert exact(qtext) == Fraction(digits) * 10 ** word[1]
    assert decimals_of(qtext) == decimals_of(str(digits)) - word[1]     # the printed precision, moved by the word
