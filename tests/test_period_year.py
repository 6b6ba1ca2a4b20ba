"""Financial years and the factor's data year: a profile choice (issue 15 item 9).

``period_year = "start" | "end" | "most_months"`` (default ``start``, the earlier fixed rule),
``fiscal_year_start_month`` for a financial year written without months ("2023/24"), and
``fiscal_year_label`` for a one-year label ("FY2023"), whose year names its start in some
conventions and its end in others. Recorded under ``input.periods`` and on every row's ``year``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.periods import PeriodRule, period_span
from ghgcalc.errors import ActivityDataError, ProfileError

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
          "December"]
LAST_DAY = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

# text, fiscal_year_start_month, expected data year under start / end / most_months ("!" = an error)
CASES: list[tuple[str, int | None, tuple[Any, Any, Any]]] = [
    ("2023/24", 4, (2023, 2024, 2023)),               # April-March: 9 months in 2023
    ("2023/24", 10, (2023, 2024, 2024)),              # October-September: 9 months in 2024
    ("2023/24", 7, (2023, 2024, "!")),                # July-June: 6 and 6, no coin toss
    ("2023/24", None, (2023, 2024, "!")),             # months unknown: most_months must ask
    ("FY2019/20", 4, (2019, 2020, 2019)),
    ("FY2019/2020", 4, (2019, 2020, 2019)),
    ("2023-24", 4, (2023, 2024, 2023)),
    ("財政年度2023/24", 4, (2023, 2024, 2023)),
    ("2023/24财年", 4, (2023, 2024, 2023)),
    ("year ended 31 March 2024", None, (2023, 2024, 2023)),
    ("For the year ended 30 September 2024", None, (2023, 2024, 2024)),
    ("year ended June 30, 2024", None, (2023, 2024, "!")),
    ("截至2024年3月31日止年度", None, (2023, 2024, 2023)),
    ("1 April 2023 to 31 March 2024", None, (2023, 2024, 2023)),
    ("April 1, 2023 - March 31, 2024", None, (2023, 2024, 2023)),
    ("October 2023 to September 2024", None, (2023, 2024, 2024)),
    ("2023年4月1日至2024年3月31日", None, (2023, 2024, 2023)),
    # calendar years, months and dates: the same year whatever the rule
    ("2023", 4, (2023, 2023, 2023)),
    ("2023年", 4, (2023, 2023, 2023)),
    ("二零二三年", 4, (2023, 2023, 2023)),
    ("Year 2023", 4, (2023, 2023, 2023)),
    ("2023-03", 4, (2023, 2023, 2023)),
    ("2011-12", 4, (2011, 2011, 2011)),               # ISO year-month (December 2011), not FY 2011/12
    ("FY2011-12", 4, (2011, 2012, 2011)),             # with a fiscal word it is the financial year
    ("31 December 2023", 4, (2023, 2023, 2023)),
    ("year ended 31 December 2023", None, (2023, 2023, 2023)),
    ("1 January 2023 to 31 December 2023", None, (2023, 2023, 2023)),
]


@pytest.mark.parametrize(("text", "fm", "expected"), CASES, ids=[f"{c[0]}|{c[1]}" for c in CASES])
def test_data_year_by_rule(text: str, fm: int | None, expected: tuple[Any, Any, Any]) -> None:
    for rule, want in zip(("start", "end", "most_months"), expected, strict=True):
        got = PeriodRule(rule, fm).data_year(text)
        if want == "!":
            assert isinstance(got, str) and "period_year" in got, (rule, got)
        else:
            assert got == want, (rule, got)


@pytest.mark.parametrize(("label", "fm", "expected"), [
    (None, None, (2023, "!", "!")),        # the label's year as printed under start (as before); asked otherwise
    (None, 4, (2023, "!", "!")),
    ("start", 4, (2023, 2024, 2023)),      # Japan: FY2023 = April 2023 - March 2024
    ("end", 4, (2022, 2023, 2022)),        # UK companies: FY2023 = April 2022 - March 2023
    ("end", 10, (2022, 2023, 2023)),       # US federal: FY2023 = October 2022 - September 2023
    ("end", None, ("!", "!", "!")),        # which months? asked
    (None, 1, (2023, 2023, 2023)),         # a fiscal year that is the calendar year
])
def test_one_year_fiscal_label_needs_its_convention(label: str | None, fm: int | None, expected: tuple[Any, Any, Any]) -> None:
    for text in ("FY2023", "財年2023", "2023财年"):
        for rule, want in zip(("start", "end", "most_months"), expected, strict=True):
            got = PeriodRule(rule, fm, label).data_year(text)
            if want == "!":
                assert isinstance(got, str) and ("fiscal_year_label" in got or "fiscal_year_start_month" in got), (text, rule, got)
            else:
                assert got == want, (text, rule, got)


@given(st.integers(min_value=1990, max_value=2100), st.integers(min_value=0, max_value=11),
       st.sampled_from(["year ended {d} {m} {y}", "For the financial year ended {m} {d}, {y}", "截至{y}年{n}月{d}日止年度"]))
def test_year_ended_any_month(year: int, mi: int, shape: str) -> None:
    """A year ended on the last day of month m of Y covers m+1 of Y-1 to m of Y: start Y-1 (Y for
    December, the earlier fixed rule), end Y, and most_months the year with more than 6 of them."""
    text = shape.format(d=LAST_DAY[mi], m=MONTHS[mi], y=year, n=mi + 1)
    m = mi + 1
    in_first = 12 - m
    assert PeriodRule("start").data_year(text) == (year if m == 12 else year - 1)
    assert PeriodRule("end").data_year(text) == year
    most = PeriodRule("most_months").data_year(text)
    if in_first == 6:
        assert isinstance(most, str)
    else:
        assert most == (year - 1 if in_first > 6 else year)


@given(st.integers(min_value=1990, max_value=2100), st.integers(min_value=2, max_value=12), st.booleans())
def test_two_year_label_any_start_month(year: int, fm: int, four_digits: bool) -> None:
    text = f"{year}/{year + 1}" if four_digits else f"{year}/{(year + 1) % 100:02d}"
    span = period_span(text, fm)
    assert span is not None and span.fiscal and span.months == 12
    assert PeriodRule("start", fm).data_year(text) == year
    assert PeriodRule("end", fm).data_year(text) == year + 1
    in_first = 13 - fm
    most = PeriodRule("most_months", fm).data_year(text)
    assert most == (year if in_first > 6 else year + 1) if in_first != 6 else isinstance(most, str)


# -- end to end: the factor edition a row takes ------------------------------------------------
def _profile(**periods: Any) -> dict[str, Any]:
    """MEE carbon-market grid factors for data years 2021 (0.5810) and 2022 (0.5703 t CO2/MWh)."""
    return {"id": "fy-test", "reporting_year": 2022, "region": "CN",
            "carriers": {"electricity": {"emission": ["cn-mee-grid-national-2021", "cn-mee-grid-national-2022"]}}, **periods}


SHAPES = [
    pd.DataFrame({"carrier": ["electricity"], "quantity": ["1000"], "unit": ["MWh"], "period": ["FY2021/22"]}),
    pd.DataFrame({"carrier": ["外购电力"], "quantity": ["1000"], "unit": ["兆瓦时"], "period": ["截至2022年3月31日止年度"]}),
    pd.DataFrame({"carrier": ["Grid electricity", "Grid electricity"], "quantity": ["400", "600"], "unit": ["MWh", "MWh"],
                  "facility": ["HQ", "Plant"], "period": ["year ended 31 March 2022", "1 April 2021 to 31 March 2022"]}),
]


@pytest.mark.parametrize("activity", SHAPES, ids=["fy", "zh-ended", "two-facilities"])
@pytest.mark.parametrize(("periods", "year", "scope2"), [
    ({}, 2021, 581.0),                                                       # default: start
    ({"period_year": "start"}, 2021, 581.0),
    ({"period_year": "end"}, 2022, 570.3),
    ({"period_year": "most_months", "fiscal_year_start_month": 4}, 2021, 581.0),
])
def test_the_rule_picks_the_factor_edition(activity: pd.DataFrame, periods: dict[str, Any], year: int, scope2: float) -> None:
    result = ghgcalc.calculate(activity, _profile(**periods))
    assert set(result.rows["year"]) == {year}
    assert float(result.totals()["scope2"].magnitude) == pytest.approx(scope2)
    assert result.rows["factor_ids"].astype(str).unique().tolist() == [f"cn-mee-grid-national-{year};ipcc-ar5-gwp100-co2"]
    info = result.input_info["periods"]
    assert info["rule"].startswith(f"period_year = {periods.get('period_year', 'start')!r}")
    assert set(info["read"].values()) == {year}


def test_recorded_in_calc_json_from_a_toml_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prof = tmp_path / "fy.toml"
    prof.write_text('id = "fy"\nreporting_year = 2022\nregion = "CN"\nperiod_year = "end"\nfiscal_year_start_month = 4\n'
                    '[carriers.electricity]\nemission = ["cn-mee-grid-national-2021", "cn-mee-grid-national-2022"]\n',
                    encoding="utf-8")
    act = tmp_path / "act.csv"
    act.write_text("carrier,quantity,unit,period\nelectricity,1000,MWh,2021/22\nelectricity,10,MWh,2022\n", encoding="utf-8")
    assert main(["calc", str(act), "--profile", str(prof), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["profile"]["period_year"] == "end" and out["profile"]["fiscal_year_start_month"] == 4
    assert out["input"]["periods"] == {"rule": "period_year = 'end', fiscal_year_start_month = 4", "read": {"2021/22": 2022}}
    assert out["totals"]["scope2"]["value"] == pytest.approx(1010 * 0.5703)


def test_a_period_the_rule_cannot_map_is_a_row_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    act = tmp_path / "act.csv"
    act.write_text("carrier,quantity,unit,period\nelectricity,1000,MWh,2022\nelectricity,5,MWh,2021/22\n"
                   "electricity,7,MWh,2021/22\n", encoding="utf-8")
    prof = tmp_path / "p.toml"
    prof.write_text('id = "p"\nreporting_year = 2022\nregion = "CN"\nperiod_year = "most_months"\n'
                    '[carriers.electricity]\nemission = ["cn-mee-grid-national-2021", "cn-mee-grid-national-2022"]\n',
                    encoding="utf-8")
    assert main(["calc", str(act), "--profile", str(prof)]) == 2
    err = capsys.readouterr().err
    assert "fiscal_year_start_month" in err and "2021/22" in err
    with pytest.raises(ActivityDataError) as exc:
        ghgcalc.calculate(act, _profile(period_year="most_months"))
    assert [i.line for i in exc.value.issues] == [3, 4]
    result = ghgcalc.calculate(act, _profile(period_year="most_months"), on_error="collect")
    assert result.rows_computed == 1 and len(result.errors) == 2


def test_streamed_result_records_the_periods(tmp_path: Path) -> None:
    act = tmp_path / "act.csv"
    act.write_text("carrier,quantity,unit,period\nelectricity,1000,MWh,FY2021/22\nelectricity,10,MWh,2022/23\n",
                   encoding="utf-8")
    prof = _profile(period_year="end", edition_mismatch="record")
    mem = ghgcalc.calculate(act, prof)
    streamed = ghgcalc.calculate(act, prof, chunk_rows=1)
    assert streamed.input_info["periods"] == mem.input_info["periods"]
    assert mem.input_info["periods"]["read"] == {"FY2021/22": 2022, "2022/23": 2023}
    assert float(streamed.totals()["scope2"].magnitude) == pytest.approx(float(mem.totals()["scope2"].magnitude))


@pytest.mark.parametrize(("key", "value"), [("period_year", "middle"), ("fiscal_year_start_month", 13),
                                            ("fiscal_year_start_month", 0), ("fiscal_year_label", "both")])
def test_bad_settings_are_profile_errors(key: str, value: Any) -> None:
    with pytest.raises(ProfileError, match=key):
        ghgcalc.calculate(SHAPES[0], _profile(**{key: value}))


def test_explain_reads_periods_by_the_given_profile_and_says_so() -> None:
    activity = SHAPES[0]
    rep = {"reported": [{"metric": "scope2", "value": "570.3", "unit": "吨二氧化碳"}]}
    ex = ghgcalc.explain(activity, rep, profile=_profile(period_year="end"))
    assert any("period_year = 'end'" in n and "FY2021/22 -> 2022" in n for n in ex.notes)
    (fig,) = ex.figures
    assert fig.reproduced and "cn-mee-grid-national-2022" in fig.candidates[0].factors
    assert ex.methods and ex.methods[0].profile["period_year"] == "end"
