"""Claims with an Arabic number followed by 千 or 百 (``1,000千度``, ``1,000千千瓦時``, ``2,500百度``):
a new-user probe found their printed precision taken from the leading digit (``1,000千`` stood for
0.5-1.5 million, ±50 %), so a claim 40 % off its report's own grid factor passed as consistent.
The digits keep their own step, scaled by the counting units (README "Claims check":
"a figure stands for the interval its printed digits allow"), as ``1.2萬`` already did.
Through ``parse_number``, ``ghgcalc.check_claims`` and ``ghgcalc claims``; simplified and
traditional text."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import ghgcalc
from ghgcalc.analysis.claim_numbers import parse_number
from ghgcalc.cli import main

FACTOR_LINE = "2022年度全国电网平均排放因子为0.5703tCO2/MWh。\n\n"


@pytest.mark.parametrize(("text", "value", "step"), [
    ("1,000千", 1_000_000, 1_000),
    ("1,000百", 100_000, 100),
    ("1.5千", 1_500, 100),
    ("2,500千", 2_500_000, 1_000),
    ("1.2千万", 12_000_000, 1_000_000),
    ("3百万", 3_000_000, 1_000_000),
    ("1.2萬", 12_000, 1_000),     # unchanged
    ("三百萬", 3_000_000, 1_000_000),   # unchanged: no Arabic digits
])
def test_arabic_digits_before_counting_units_keep_their_step(text: str, value: int, step: int) -> None:
    n = parse_number(text)
    assert (n.value, n.step) == (Fraction(value), Fraction(step))


WRONG = [  # each 40 % above what the printed 0.5703 t CO2/MWh gives (570.3 t per 1,000 MWh)
    "本年度节约用电1,000千度，减少碳排放800吨。",
    "本年度節約用電1,000千千瓦時，減少碳排放800噸。",
    "本年度节约用电2,500百度，减少碳排放200吨。",
]
RIGHT = [
    "本年度节约用电1,000千度，减少碳排放570.3吨。",
    "本年度節約用電1,000千千瓦時，減少碳排放570噸。",
    "本年度节约用电2,500百度，减少碳排放142.6吨。",
]


@pytest.mark.parametrize("sentence", WRONG)
def test_a_wrong_claim_with_thousands_of_kwh_is_flagged(sentence: str) -> None:
    report = ghgcalc.check_claims(FACTOR_LINE + sentence + "\n", year=2022)
    [claim] = report.results
    assert claim.status == "flagged", report.to_table()


@pytest.mark.parametrize("sentence", RIGHT)
def test_a_right_claim_with_thousands_of_kwh_stays_consistent(sentence: str) -> None:
    report = ghgcalc.check_claims(FACTOR_LINE + sentence + "\n", year=2022)
    [claim] = report.results
    assert claim.status == "consistent", report.to_table()


def test_claims_command_flags_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "report.txt"
    path.write_text(FACTOR_LINE + WRONG[0] + "\n\n" + RIGHT[0] + "\n", encoding="utf-8")
    assert main(["claims", str(path), "--year", "2022"]) == 1
    out = capsys.readouterr().out
    assert "1 flagged, 1 consistent" in out
