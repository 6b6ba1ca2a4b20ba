"""Column headers as analysts' tables print them (issue 15, item 1): the Chinese (simplified and
traditional) and English header words of ghgcalc/data/columns.yaml for each contract column,
the user's own mapping (``--columns``, a profile's ``[input] columns``) for the rest, which
header became which column recorded under ``input``, and two headers reading as one column an
error naming both. Each header set is tried as a CSV with title rows, an XLSX sheet (openpyxl)
and a DataFrame, and must give the same rows as the table with the contract's own headers."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.profiles import load_profile
from ghgcalc.errors import ActivityDataError, InputError, MissingColumnError, ProfileError
from ghgcalc.io.headers import map_headers, parse_column_mapping

PROFILE = "kuaishou-2022"
#: the rows, in the contract's columns (kuaishou-2022 covers data year 2022, region CN)
ROWS = [
    ["Plant A", "外购电力", "1,000", "MWh", "2022", "CN"],
    ["Plant B", "柴油", "2.5", "吨", "2022", "CN"],
    ["Plant A", "天然气", "1.5", "万立方米", "2022", "CN"],
]
CONTRACT = ["facility", "carrier", "quantity", "unit", "period", "region"]

#: header sets seen in reports and analysts' sheets -> (headers in CONTRACT order)
HEADER_SETS = {
    "simplified": ["工厂", "能源品种", "消耗量", "单位", "年份", "地区"],
    "traditional": ["設施", "能源類型", "用量", "單位", "年度", "地區"],
    "simplified-2": ["厂区", "燃料", "使用量", "计量单位", "报告期", "省份"],
    "traditional-2": ["園區", "能源種類", "數量", "計量單位", "期間", "所在地"],
    "simplified-3": ["站点", "能源种类", "数值", "单位", "期间", "所在地区"],
    "english": ["Site", "Fuel type", "Usage", "UoM", "Reporting period", "Region"],
    "english-2": ["Plant", "Energy source", "Consumption", "Unit of measure", "Fiscal year", "Province"],
    "bilingual": ["工厂 Plant", "能源品种 Energy type", "消耗量 (Quantity)", "单位 Unit", "年份 Year", "地区（Region）"],
}


def _csv(path: Path, headers: list[str], rows: list[list[Any]], title: bool = True) -> Path:
    lines = ["2022年度能源消耗台账,,,,,", "单位：见各行,,,,,"] if title else []
    lines.append(",".join(headers))
    lines += [",".join(f'"{c}"' if "," in str(c) else str(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _xlsx(path: Path, headers: list[Any], rows: list[list[Any]], title_rows: int = 2) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.cell(row=i + 1, column=1, value=f"标题 {i + 1}")
    for j, h in enumerate(headers, start=1):
        ws.cell(row=title_rows + 1, column=j, value=h)
    for i, r in enumerate(rows, start=title_rows + 2):
        for j, v in enumerate(r, start=1):
            ws.cell(row=i, column=j, value=v)
    wb.save(path)
    return path


def _shape(kind: str, tmp: Path, headers: list[str], rows: list[list[Any]]) -> Any:
    if kind == "csv":
        return _csv(tmp / "t.csv", headers, rows)
    if kind == "xlsx":
        return _xlsx(tmp / "t.xlsx", headers, rows)
    return pd.DataFrame(rows, columns=headers)


def _summary(res: Any) -> list[tuple[Any, ...]]:
    return [(str(f), str(c), float(q), str(u), int(y)) for f, c, q, u, y in
            res.rows[["facility", "carrier", "quantity", "unit", "year"]].itertuples(index=False)]


@pytest.fixture(scope="module")
def reference() -> Any:
    return ghgcalc.calculate(pd.DataFrame(ROWS, columns=CONTRACT), PROFILE)


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
@pytest.mark.parametrize("name", list(HEADER_SETS))
def test_header_words_read_as_the_contract_columns(name: str, kind: str, tmp_path: Path, reference: Any) -> None:
    headers = HEADER_SETS[name]
    res = ghgcalc.calculate(_shape(kind, tmp_path, headers, ROWS), PROFILE)
    assert _summary(res) == _summary(reference)
    assert res.totals()["scope1_2"].magnitude == pytest.approx(reference.totals()["scope1_2"].magnitude, rel=1e-12)
    # which header became which column, for the record
    assert res.input_info["columns"] == dict(zip(headers, CONTRACT, strict=True))


def test_the_mapping_is_in_calc_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _csv(tmp_path / "t.csv", HEADER_SETS["simplified"], ROWS)
    assert main(["calc", str(path), "--profile", PROFILE, "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)["input"]
    assert info["columns"] == {"工厂": "facility", "能源品种": "carrier", "消耗量": "quantity", "单位": "unit",
                               "年份": "period", "地区": "region"}
    assert info["header_row"] == 2          # two title rows above the header (0-based line 2 = line 3)


def test_scope_column_in_chinese(tmp_path: Path) -> None:
    rows = [["外购电力", "10", "MWh", "范围二"], ["柴油", "1", "吨", "範圍一"]]
    for heads in (["能源品种", "消耗量", "单位", "范围"], ["能源類型", "用量", "單位", "範圍"]):
        res = ghgcalc.calculate(_csv(tmp_path / "s.csv", heads, rows), PROFILE)
        assert res.rows["scope"].tolist() == [2, 1]
        assert res.input_info["columns"][heads[3]] == "scope"


# -- the user's own mapping -------------------------------------------------------------
UNKNOWN_HEADS = ["物料名称", "本期耗量", "计量", "所属公司"]
UNKNOWN_ROWS = [["外购电力", "1,000", "MWh", "甲公司"], ["柴油", "2.5", "吨", "乙公司"]]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_columns_option_maps_the_headers_the_words_do_not_know(kind: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = _shape(kind, tmp_path, UNKNOWN_HEADS, UNKNOWN_ROWS)
    # unmapped: refused, and the hint says how to map
    assert main(["calc", str(path), "--profile", PROFILE]) == 2
    err = capsys.readouterr().err
    assert "required column 'carrier' is missing" in err and "--columns HEADER=carrier" in err
    # mapped (two --columns options add up); title rows above the header are found with the mapping
    code = main(["calc", str(path), "--profile", PROFILE, "--format", "json", "--columns", "物料名称=carrier,本期耗量=quantity",
                 "--columns", "计量=unit,所属公司=facility"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["input"]["columns"] == {"物料名称": "carrier", "本期耗量": "quantity", "计量": "unit", "所属公司": "facility"}
    assert out["input"]["header_row"] == 2
    mwh = out["totals"]["energy_indirect"]
    assert (mwh["value"], mwh["unit"]) == (1000.0, "MWh")


def test_profile_input_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path / "t.csv", UNKNOWN_HEADS, UNKNOWN_ROWS, title=False)
    prof = tmp_path / "p.toml"
    prof.write_text(f'id = "mine"\nextends = "{PROFILE}"\n[input]\ncolumns = {{"物料名称" = "carrier", "本期耗量" = "quantity", '
                    '"计量" = "unit"}\n', encoding="utf-8")
    res = ghgcalc.calculate(path, str(prof))
    assert res.rows["carrier"].tolist() == ["electricity", "diesel"]
    assert res.rows["所属公司"].tolist() == ["甲公司", "乙公司"]      # an unmapped column is carried through
    # the same as a dict profile
    res2 = ghgcalc.calculate(path, {"id": "d", "extends": PROFILE, "input": {"columns": {"物料名称": "carrier", "本期耗量": "quantity",
                                                                                            "计量": "unit"}}})
    assert _rows(res2) == _rows(res)


def _rows(res: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in res.rows[["carrier", "quantity", "unit"]].itertuples(index=False)]


def test_explicit_mapping_wins_over_the_header_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """类别 reads as carrier by the words; the user says the carrier is in 能源名 instead: 类别 is
    then carried through as an ordinary column."""
    heads = ["类别", "能源名", "消耗量", "单位"]
    rows = [["间接能源", "外购电力", "10", "MWh"], ["直接能源", "柴油", "1", "吨"]]
    path = _csv(tmp_path / "t.csv", heads, rows, title=False)
    with pytest.raises(ActivityDataError):           # by the words alone: 类别 is the carrier, and unknown
        ghgcalc.calculate(path, PROFILE)
    prof = load_profile(PROFILE).with_columns({"能源名": "carrier"})
    res = ghgcalc.calculate(path, prof)
    assert res.rows["carrier"].tolist() == ["electricity", "diesel"]
    assert res.rows["类别"].tolist() == ["间接能源", "直接能源"]
    assert res.input_info["columns"] == {"能源名": "carrier", "消耗量": "quantity", "单位": "unit"}
    # a column named like a contract column that the mapping displaces keeps its data, renamed
    heads2 = ["carrier", "能源名", "quantity", "unit"]
    res2 = ghgcalc.calculate(pd.DataFrame([["x", "柴油", 1, "t"]], columns=heads2), prof)
    assert res2.rows["carrier"].tolist() == ["diesel"] and res2.rows["carrier (not used)"].tolist() == ["x"]


def test_command_line_mapping_wins_over_the_profiles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    heads = ["能源", "本期", "上期", "单位"]
    path = _csv(tmp_path / "t.csv", heads, [["外购电力", "10", "7", "MWh"]], title=False)
    prof = tmp_path / "p.toml"
    prof.write_text(f'id = "mine"\nextends = "{PROFILE}"\n[input]\ncolumns = {{"上期" = "quantity"}}\n', encoding="utf-8")
    assert main(["calc", str(path), "--profile", str(prof), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["energy_indirect"]["value"] == 7.0
    assert main(["calc", str(path), "--profile", str(prof), "--format", "json", "--columns", "本期=quantity"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["totals"]["energy_indirect"]["value"] == 10.0
    assert out["input"]["columns"]["本期"] == "quantity" and "上期" not in out["input"]["columns"]


# -- errors ------------------------------------------------------------------------------
@pytest.mark.parametrize(("heads", "column", "both"), [
    (["能源品种", "燃料", "消耗量", "单位"], "carrier", ["能源品种", "燃料"]),
    (["能源類型", "用量", "數量", "單位"], "quantity", ["用量", "數量"]),
    (["carrier", "quantity", "unit", "工厂", "站点"], "facility", ["工厂", "站点"]),
    (["carrier", "quantity", "unit", "地区", "省份"], "region", ["地区", "省份"]),
])
def test_two_headers_reading_as_one_column_is_an_error_naming_both(heads: list[str], column: str, both: list[str],
                                                                   tmp_path: Path) -> None:
    value = {"carrier": "柴油", "quantity": "1", "unit": "吨", "facility": "Plant A", "region": "CN"}
    cells = [value[str(map_headers([h]).mapping.get(h) or column)] for h in heads]
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(_csv(tmp_path / "a.csv", heads, [cells], title=False), PROFILE)
    issue = next(i for i in ei.value.issues if i.column == column)
    assert issue.reason.startswith(f"more than one column reads as {column!r}")
    assert all(repr(h) in issue.reason for h in both)
    assert f"--columns {both[0]}={column}" in (issue.hint or "")
    # saying which one settles it
    fixed = ghgcalc.calculate(_csv(tmp_path / "a.csv", heads, [cells], title=False),
                              load_profile(PROFILE).with_columns({both[0]: column}))
    assert len(fixed.rows) == 1


def test_an_exact_contract_name_wins_over_an_optional_alias() -> None:
    df = pd.DataFrame([["柴油", 1, "t", "Plant A", "Site 9"]], columns=["carrier", "quantity", "unit", "facility", "工厂"])
    res = ghgcalc.calculate(df, PROFILE)
    assert res.rows["facility"].tolist() == ["Plant A"] and res.rows["工厂"].tolist() == ["Site 9"]


def test_mapping_a_header_the_table_lacks_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _csv(tmp_path / "t.csv", HEADER_SETS["simplified"], ROWS, title=False)
    assert main(["calc", str(path), "--profile", PROFILE, "--columns", "能源=carrier"]) == 2
    err = capsys.readouterr().err
    assert "the column mapping names header '能源', which the table does not have" in err
    assert "'工厂'" in err                       # the table's headers, to pick from


@pytest.mark.parametrize(("text", "as_dict", "why"), [
    ("能源品种=fuel", {"能源品种": "fuel"}, "not a column of an activity table"),
    ("能源品种", None, "HEADER=COLUMN"),
    ("a=carrier,b=carrier", {"a": "carrier", "b": "carrier"}, "two headers are mapped to 'carrier'"),
])
def test_a_bad_mapping_is_refused(text: str, as_dict: dict[str, str] | None, why: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError, match=why):
        parse_column_mapping(text)
    path = _csv(tmp_path / "t.csv", HEADER_SETS["simplified"], ROWS, title=False)
    assert main(["calc", str(path), "--profile", PROFILE, "--columns", text]) == 2
    assert why in capsys.readouterr().err
    if as_dict is not None:
        with pytest.raises(ProfileError) as ei:
            ghgcalc.calculate(path, {"id": "x", "extends": PROFILE, "input": {"columns": as_dict}})
        assert "input.columns" in str(ei.value) and why in str(ei.value)


def test_missing_required_column_is_a_missing_column_error() -> None:
    with pytest.raises(MissingColumnError) as ei:
        ghgcalc.calculate(pd.DataFrame({"能源品种": ["柴油"], "单位": ["吨"]}), PROFILE)
    assert [(i.column, i.reason) for i in ei.value.issues] == [("quantity", "required column 'quantity' is missing")]


def test_map_headers_records_the_mapping_and_the_headers_for_messages() -> None:
    hm = map_headers(["能源品种", "消耗量", "单位", "备注"])
    assert hm.mapping == {"能源品种": "carrier", "消耗量": "quantity", "单位": "unit"}
    assert hm.header_of() == {"carrier": "能源品种", "quantity": "消耗量", "unit": "单位"}
    assert not hm.issues and not hm.wide


def test_a_problem_names_the_header_as_the_file_prints_it(tmp_path: Path) -> None:
    path = _csv(tmp_path / "t.csv", ["能源品种", "消耗量", "单位"], [["柴油", "abc", "吨"]], title=False)
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(path, PROFILE)
    issue = ei.value.issues[0]
    assert (issue.line, issue.row, issue.column, issue.header) == (2, 0, "quantity", "消耗量")
    assert str(issue).startswith("line 2, row 0, column 'quantity' ('消耗量'): quantity is not a number")
    assert issue.as_dict()["header"] == "消耗量"


def test_xlsx_bytes_with_header_words_in_a_later_sheet(tmp_path: Path) -> None:
    """A cover sheet first: the sheet whose header the words (here traditional) name is read."""
    wb = openpyxl.Workbook()
    wb.active.title = "封面"
    wb.active["A1"] = "2022年環境數據"
    ws = wb.create_sheet("數據")
    ws.append(["設施", "能源類型", "用量", "單位", "年度"])
    ws.append(["總部", "柴油", 2.5, "噸", 2022])
    buf = io.BytesIO()
    wb.save(buf)
    (tmp_path / "b.xlsx").write_bytes(buf.getvalue())
    res = ghgcalc.calculate(tmp_path / "b.xlsx", PROFILE)
    assert res.input_info["sheet"] == "數據"
    assert res.rows[["carrier", "quantity"]].values.tolist() == [["diesel", 2.5]]


def test_streamed_csv_uses_the_mapping_to_find_its_header(tmp_path: Path) -> None:
    """A CSV streamed in chunks finds its header row below title rows by the profile's mapping
    too, and numbers its problems on the file's lines."""
    path = _csv(tmp_path / "t.csv", UNKNOWN_HEADS, [*UNKNOWN_ROWS, ["柴油", "x", "吨", "丙公司"]])
    prof = load_profile(PROFILE).with_columns({"物料名称": "carrier", "本期耗量": "quantity", "计量": "unit"})
    res = ghgcalc.calculate(path, prof, chunk_rows=2, on_error="collect")
    assert res.rows_computed == 2
    assert [(e.line, e.row, e.column, e.header) for e in res.errors] == [(6, 2, "quantity", "本期耗量")]
