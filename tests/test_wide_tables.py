"""Wide KPI tables (issue 15, item 3): sustainability reports print one column per year
(指标 | 单位 | 2021 | 2022 | 2023, Indicator | Unit | FY2022 | FY2023). They are read as one row
per indicator and year (ghgcalc.io.wide.melt_wide), the period from the year column's head, the
carrier from the indicator column and the unit from the unit column; recorded under ``input``
(``wide``). Each row keeps the line of its indicator row, and a problem names the year column.
A blank or dash cell is not reported: an error, or with collect an uncomputed row, never 0.
Built from CSV (title rows), XLSX (openpyxl, sheet row numbers) and DataFrames."""

from __future__ import annotations

import json
import re
import shlex
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.activities import read_activities
from ghgcalc.core.factors import default_library
from ghgcalc.core.profiles import load_profile
from ghgcalc.errors import ActivityDataError, InputError
from ghgcalc.io.wide import year_of_head
from ghgcalc.printed import exact

ROOT = Path(__file__).resolve().parents[1]
#: kuaishou-2022 pins the 2022 national grid factor (cn-mee-grid-national-2022) and fuels for any year
PROFILE = "kuaishou-2022"
#: a profile that pins one grid factor per data year 2021-2023 (the README example's)
MULTI_YEAR = ROOT / "examples" / "kpi-wide-zh" / "profile.toml"


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _xlsx(path: Path, cells: dict[str, Any]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for ref, v in cells.items():
        ws[ref] = v
    wb.save(path)
    return path


def _long(res: Any) -> list[tuple[Any, ...]]:
    return [(str(c), float(q), str(u), int(y)) for c, q, u, y in res.rows[["carrier", "quantity", "unit", "year"]].itertuples(index=False)]


# -- shapes ------------------------------------------------------------------------------
SIMPLIFIED_CSV = ("表3 环境关键绩效指标,,,\n"
                  "指标,单位,2021年,2022年\n"
                  "外购电力,兆瓦时,\"1,200.5\",\"1,300\"\n"
                  "柴油,吨,2.5,3\n")
TRADITIONAL_CSV = ("指標,單位,二零二一年,二零二二年\n"
                   "外購電力,兆瓦時,\"1,200.5\",\"1,300\"\n"
                   "柴油,噸,2.5,3\n")
ENGLISH_CSV = ("Key performance indicators,,,\n"
               ",,,\n"
               "Indicator,Unit,FY2021,FY2022\n"
               "Purchased electricity,MWh,\"1,200.5\",\"1,300\"\n"
               "Diesel,t,2.5,3\n")
EXPECTED = [("electricity", 1200.5, 2021), ("electricity", 1300.0, 2022), ("diesel", 2.5, 2021), ("diesel", 3.0, 2022)]


def _read(source: Any) -> Any:
    """The wide table read with every row kept: the 2021 electricity row has no factor in
    kuaishou-2022 (it pins the 2022 grid factor), so it is in errors, on its own row."""
    return ghgcalc.calculate(source, PROFILE, on_error="collect")


@pytest.mark.parametrize("text", [SIMPLIFIED_CSV, TRADITIONAL_CSV, ENGLISH_CSV], ids=["simplified", "traditional", "english"])
def test_csv_kpi_tables_read_one_row_per_year(text: str, tmp_path: Path) -> None:
    res = _read(_csv(tmp_path / "k.csv", text))
    computed = [(c, q, y) for c, q, _, y in _long(res)]
    assert computed == [r for r in EXPECTED if r != ("electricity", 1200.5, 2021)]
    assert [(e.row, e.column) for e in res.errors] == [(0, "period")]     # no 2021 grid factor: an error, on its row
    assert res.n_input_rows == 4 and res.rows_computed == 3
    wide = res.input_info["wide"]
    assert wide["table_rows"] == 2 and wide["rows"] == 4
    assert wide["indicator_column"] in ("指标", "指標", "Indicator") and wide["unit_column"] in ("单位", "單位", "Unit")


def test_xlsx_kpi_table_with_title_rows_and_numbers(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "k.xlsx", {
        "A1": "2022年环境绩效", "A3": "指标", "B3": "单位", "C3": 2021, "D3": 2022, "E3": "备注",
        "A4": "外购电力", "B4": "兆瓦时", "C4": 1200.5, "D4": 1300, "E4": "自电网",
        "A6": "柴油", "B6": "吨", "C6": 2.5, "D6": 3, "E6": None,
    })
    res = _read(path)
    assert [(c, q, y) for c, q, _, y in _long(res)] == [("electricity", 1300.0, 2022), ("diesel", 2.5, 2021), ("diesel", 3.0, 2022)]
    assert res.rows["备注"].tolist()[0] == "自电网"                # other columns are repeated on each year's row
    assert res.input_info["wide"]["year_columns"] == ["2021", "2022"]
    assert res.input_info["blank_rows_skipped"] == 1                # sheet row 5


def test_dataframe_with_year_labels_as_numbers() -> None:
    df = pd.DataFrame({"Indicator": ["Electricity", "Diesel"], "Unit": ["MWh", "t"], 2021: [1200.5, 2.5], 2022: [1300, 3]})
    res = _read(df)
    assert [(c, q, y) for c, q, _, y in _long(res)] == [("electricity", 1300.0, 2022), ("diesel", 2.5, 2021), ("diesel", 3.0, 2022)]
    assert res.rows["period"].tolist() == ["2022", "2021", "2022"]


def test_facility_column_stays_with_each_year() -> None:
    df = pd.DataFrame({"工厂": ["甲厂", "乙厂"], "指标": ["外购电力", "外购电力"], "单位": ["MWh", "MWh"], "2022年": [10, 20],
                       "2022年度目标": [9, 19]})
    res = ghgcalc.calculate(df, PROFILE)
    assert res.rows[["facility", "quantity", "year"]].values.tolist() == [["甲厂", 10.0, 2022], ["乙厂", 20.0, 2022]]
    assert res.input_info["wide"]["year_columns"] == ["2022年"]      # a target column is not a year column
    assert res.rows["2022年度目标"].tolist() == [9, 19]


def test_multi_year_profile_picks_each_years_factor(tmp_path: Path) -> None:
    """Each year column's rows take the grid factor of their data year (the README profile pins
    the MEE/NBS national factors of 2021, 2022 and 2023)."""
    res = ghgcalc.calculate(_csv(tmp_path / "k.csv", SIMPLIFIED_CSV), str(MULTI_YEAR))
    elec = res.rows[res.rows["carrier"] == "electricity"]
    assert elec["factor_ids"].str.split(";").str[0].tolist() == ["cn-mee-nbs-grid-national-2021", "cn-mee-nbs-grid-national-2022"]
    lib = default_library()
    want = (exact("1200.5") * exact(lib.get("cn-mee-nbs-grid-national-2021").value)
            + exact("1300") * exact(lib.get("cn-mee-nbs-grid-national-2022").value))
    assert Fraction(res.metric_exact("scope2")[0]) == want


# -- not reported, never 0 ----------------------------------------------------------------
@pytest.mark.parametrize("cell", ["—", "-", "N/A", "不适用", ""])
def test_a_dash_or_blank_year_cell_is_not_reported(cell: str, tmp_path: Path) -> None:
    text = f"指标,单位,2021年,2022年\n外购电力,兆瓦时,100,200\n柴油,吨,{cell},3\n"
    path = _csv(tmp_path / "k.csv", text)
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(path, str(MULTI_YEAR))
    [issue] = ei.value.issues
    reason = "empty quantity" if cell == "" else f"not reported ({cell})"
    assert (issue.line, issue.row, issue.column, issue.header, issue.reason) == (3, 2, "quantity", "2021年", reason)
    assert str(issue).startswith(f"line 3, row 2, column 'quantity' ('2021年'): {reason}")
    res = ghgcalc.calculate(path, str(MULTI_YEAR), on_error="collect")
    assert res.rows.index.tolist() == [0, 1, 3] and [e.row for e in res.errors] == [2]
    assert 2 not in res.rows.index                                  # not a 0 row: no row at all
    assert res.totals()["scope1"].magnitude > 0


def test_line_numbers_of_xlsx_wide_rows(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "k.xlsx", {
        "A2": "能源消耗", "A4": "指标", "B4": "单位", "C4": "2021年", "D4": "2022年",
        "A5": "外购电力", "B5": "兆瓦时", "C5": 100, "D5": "—",
        "A7": "柴油", "B7": "kwhh", "C7": 1, "D7": 2,
    })
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(path, str(MULTI_YEAR))
    got = sorted((i.line, i.row, i.column, i.header) for i in ei.value.issues)
    assert got == [(5, 1, "quantity", "2022年"), (7, 2, "unit", "单位"), (7, 3, "unit", "单位")]
    # the unit problem repeats on the two rows of sheet row 7: one message line
    msg = str(ei.value)
    assert "line 7, rows 2\u20133 (2 rows), column 'unit' ('单位'): unknown unit" in msg


# -- the heads ---------------------------------------------------------------------------
@pytest.mark.parametrize(("head", "year"), [
    (2022, 2022), (2022.0, 2022), ("2022", 2022), ("2022年", 2022), ("2022年度", 2022), ("二零二二年", 2022),
    ("二〇二二年", 2022), ("FY2022", 2022), ("FY 2022", 2022), ("FY2019/20", 2019), ("2019/20", 2019), ("2023/24", 2023),
    ("財政年度2022", 2022), ("Year 2021", 2021), ("2020 (base year)", 2020), ("2021年（重述）", 2021), ("２０２２年", 2022),
])
def test_year_heads(head: Any, year: int) -> None:
    assert year_of_head(head) == year


@pytest.mark.parametrize("head", ["指标", "单位", "2022 target", "2030目标", "变化%", "1850", "20221", "2022.5", "备注", None, True])
def test_not_year_heads(head: Any) -> None:
    assert year_of_head(head) is None


def test_the_period_the_core_reads_from_a_head_is_the_heads_year() -> None:
    """The head's text becomes the rows' period; the core reads it as it reads any period cell,
    and must give the same data year as the head was recognised by."""
    heads = ["2021年", "二零二二年", "FY2023", "Year 2020", "2019/20"]
    df = pd.DataFrame([["柴油", "吨", 1, 1, 1, 1, 1]], columns=["指标", "单位", *heads])
    table = read_activities(df, load_profile(PROFILE))
    assert not table.issues
    assert table.frame["year"].tolist() == [year_of_head(h) for h in heads]
    assert table.frame["period"].tolist() == heads


# -- refused shapes ----------------------------------------------------------------------
def test_two_columns_of_one_year_are_an_error() -> None:
    df = pd.DataFrame({"指标": ["柴油"], "单位": ["吨"], "2022": [1], "FY2022": [2]})
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(df, PROFILE)
    assert [i.reason for i in ei.value.issues] == ["two year columns read as data year 2022: '2022' and 'FY2022'"]


def test_year_columns_beside_a_period_column_are_not_guessed() -> None:
    df = pd.DataFrame({"指标": ["柴油"], "单位": ["吨"], "年份": [2022], "2022": [1]})
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(df, PROFILE)
    [issue] = ei.value.issues
    assert issue.reason == "required column 'quantity' is missing" and "one column per year" in (issue.hint or "")


def test_a_wide_table_is_not_streamed() -> None:
    df = pd.DataFrame({"指标": ["柴油"], "单位": ["吨"], "2022": [1]})
    with pytest.raises(InputError, match="wide table"):
        ghgcalc.calculate(df, PROFILE, chunk_rows=10)


# -- the README example ------------------------------------------------------------------
def test_readme_wide_kpi_example_runs(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's "Activity data" section shows a wide Chinese KPI table going straight into
    ``ghgcalc calc``: the command printed there runs, from the repository root."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Activity data"):]
    section = section[:section.index("\n## ", 5)]
    [command] = [m.group(1) for m in re.finditer(r"^\$ (ghgcalc calc examples/kpi-wide-zh/\S+.*)$", section, re.M)]
    csv = (ROOT / "examples" / "kpi-wide-zh" / "kpi.csv").read_text(encoding="utf-8")
    assert csv.splitlines()[1] in section                             # the table shown is the file's
    monkeypatch.chdir(ROOT)
    assert main([*shlex.split(command)[1:], "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["input"]["wide"]["year_columns"] == ["2021年", "2022年", "2023年"]
    assert out["input"]["columns"] == {"指标": "carrier", "单位": "unit"}
    assert out["rows_in"] == out["rows_computed"] == 9
    lib = default_library()
    elec = [("1,234.5", 2021), ("1,310.2", 2022), ("1,402.8", 2023)]       # 万千瓦时 = 10 MWh
    scope2 = sum(exact(q) * 10 * exact(lib.get(f"cn-mee-nbs-grid-national-{y}").value) for q, y in elec)
    assert out["totals"]["scope2"]["value"] == pytest.approx(float(scope2), rel=1e-12)
