"""Facility, period and region labels as people type them (user probe): ``Plant A``, ``Plant A ``
(a trailing space), ``Plant  A`` (two spaces) and ``Ｐｌａｎｔ Ａ`` (full-width letters) are one
facility in ``totals(by=...)`` and ``calc --by``, printed ``Plant A``; left apart they were groups
that print the same. Folded per distinct value (NFKC, stripped, inner whitespace one space), the
same in memory and streamed, recorded under ``input.labels_folded``. Case is kept. Built from CSV,
XLSX, DataFrames (object, categorical and string columns), through ``calculate``, streaming and the
command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from table_files import table_in

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.group_labels import fold_label

PROFILE: dict[str, Any] = {"id": "probe", "reporting_year": 2023, "carriers": {"electricity": {"emission": ["0.5 t CO2/MWh"]}}}
HEAD = ["facility", "carrier", "quantity", "unit", "period", "region"]
SPELLINGS = ["Plant A", "Plant A ", " Plant A", "Plant  A", "Plant\u00a0A", "Ｐｌａｎｔ Ａ", "Plant\tA"]


def _rows(facilities: list[str], period: Any = 2023, region: str = "HK") -> list[list[Any]]:
    return [[f, "electricity", 100, "MWh", period, region] for f in facilities]


def _table(kind: str, tmp: Path, rows: list[list[Any]]) -> Any:
    return table_in(kind, tmp, HEAD, rows)


@pytest.mark.parametrize("spelling", SPELLINGS[1:])
def test_fold_label(spelling: str) -> None:
    assert fold_label(spelling) == "Plant A"


@pytest.mark.parametrize("value", ["plant a", "PLANT A", "Plant B", "   ", "", 2023, None])
def test_what_is_not_folded(value: Any) -> None:
    assert fold_label(value) == value


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe", "categorical", "string"])
def test_spellings_of_one_facility_are_one_group(kind: str, tmp_path: Path) -> None:
    rows = _rows(SPELLINGS) + _rows(["Plant B", "plant a"])
    res = ghgcalc.calculate(_table(kind, tmp_path, rows), PROFILE)
    by = res.totals(by="facility")["scope2"]
    assert by.to_dict() == {"Plant A": pytest.approx(350.0), "Plant B": pytest.approx(50.0), "plant a": pytest.approx(50.0)}
    assert list(res.rows["facility"].astype(str)) == ["Plant A"] * 7 + ["Plant B", "plant a"]
    # the spellings folded into each printed label (the label's own spelling is not listed)
    assert res.input_info["labels_folded"]["facility"].keys() == {"Plant A"}
    assert sorted(res.input_info["labels_folded"]["facility"]["Plant A"]) == sorted(SPELLINGS[1:])
    assert res.totals()["scope2"].magnitude == pytest.approx(450.0)


def test_a_clean_table_records_nothing(tmp_path: Path) -> None:
    res = ghgcalc.calculate(_table("csv", tmp_path, _rows(["Plant A", "Plant B"])), PROFILE)
    assert "labels_folded" not in res.input_info


def test_a_label_spelt_only_one_unclean_way_prints_folded(tmp_path: Path) -> None:
    res = ghgcalc.calculate(_table("csv", tmp_path, _rows(["Plant A "])), PROFILE)
    assert list(res.totals(by="facility").index) == ["Plant A"]
    assert res.input_info["labels_folded"] == {"facility": {"Plant A": ["Plant A "]}}


def test_blank_facilities_stay_the_none_group(tmp_path: Path) -> None:
    df = pd.DataFrame(_rows(["Plant A", "Plant A ", None, "  "]), columns=HEAD)   # type: ignore[list-item]
    by = ghgcalc.calculate(df, PROFILE).totals(by="facility")["scope2"]
    assert by.to_dict() == {"Plant A": pytest.approx(100.0), "(none)": pytest.approx(100.0)}


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
def test_periods_and_regions_are_folded_too(kind: str, tmp_path: Path) -> None:
    rows = [*_rows(["A"], "2023", "HK"), *_rows(["A"], "2023 ", " HK"), *_rows(["A"], "２０２３", "ＨＫ"),
            *_rows(["A"], "FY2023 ", "HK"), *_rows(["A"], "FY2023", "HK")]
    res = ghgcalc.calculate(_table(kind, tmp_path, rows), PROFILE)
    assert res.totals(by="period")["scope2"].to_dict() == {"2023": pytest.approx(150.0), "FY2023": pytest.approx(100.0)}
    assert res.totals(by="region")["scope2"].to_dict() == {"HK": pytest.approx(250.0)}
    assert set(res.input_info["labels_folded"]) == {"period", "region"}


def test_a_year_typed_as_a_number_and_as_text_is_one_period(tmp_path: Path) -> None:
    # an XLSX period column: 2023 as a number on one row, as text on another
    rows = [*_rows(["A"], 2023), *_rows(["B"], "2023"), *_rows(["C"], "2023 ")]
    res = ghgcalc.calculate(_table("xlsx", tmp_path, rows), PROFILE)
    assert res.totals(by="period")["scope2"].to_dict() == {"2023": pytest.approx(150.0)}


@pytest.mark.parametrize("chunk_rows", [1, 2, 3])
def test_streamed_in_chunks_folds_as_in_memory(chunk_rows: int, tmp_path: Path) -> None:
    rows = _rows(["Plant A ", "Plant B", "Ｐｌａｎｔ Ａ", "Plant A", "Plant  B"])
    path = _table("csv", tmp_path, rows)
    whole = ghgcalc.calculate(path, PROFILE).totals(by="facility")["scope2"].to_dict()
    streamed = ghgcalc.calculate(path, PROFILE, chunk_rows=chunk_rows)
    assert streamed.totals(by="facility")["scope2"].to_dict() == whole == {"Plant A": 150.0, "Plant B": 100.0}
    record = ghgcalc.calculate(path, PROFILE).input_info["labels_folded"]
    assert record == {"facility": {"Plant A": ["Plant A ", "Ｐｌａｎｔ Ａ"], "Plant B": ["Plant  B"]}}
    assert streamed.input_info["labels_folded"] == record


def test_a_group_denominator_meets_the_folded_label(tmp_path: Path) -> None:
    res = ghgcalc.calculate(_table("csv", tmp_path, _rows(["Plant A", "Plant A "])), PROFILE)
    by = res.totals(by="facility", denominators={"Plant A": {"headcount": 10}})
    assert by.loc["Plant A", "scope2_per_capita"] == pytest.approx(10.0)


def test_cli_by_facility_prints_one_group(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _table("csv", tmp_path, _rows(["Plant A", "Plant A ", "Ｐｌａｎｔ Ａ", "Plant B"]))
    prof = tmp_path / "p.toml"
    prof.write_text('id = "probe"\nreporting_year = 2023\n[carriers.electricity]\nemission = ["0.5 t CO2/MWh"]\n', encoding="utf-8")
    assert main(["calc", str(path), "--profile", str(prof), "--by", "facility", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    text = json.dumps(out["breakdown"], ensure_ascii=False)
    assert "Ｐｌａｎｔ" not in text and "Plant A " not in text
    assert out["input"]["labels_folded"]["facility"]["Plant A"] == ["Plant A ", "Ｐｌａｎｔ Ａ"]


def test_a_message_quotes_the_cell_as_the_file_has_it(tmp_path: Path) -> None:
    rows = [*_rows(["Plant A"]), *_rows(["Ｐｌａｎｔ Ａ"]), [" Subtotal ", "electricity", 250, "MWh", 2023, "HK"],
            ["Plant B", "electricity", 10, "MWh", "２０２x ", "HK"]]
    res = ghgcalc.calculate(_table("csv", tmp_path, rows), PROFILE, on_error="collect")
    assert sorted((e.line, e.column, e.value) for e in res.errors) == [(4, "facility", " Subtotal "), (5, "period", "２０２x ")]
    assert res.totals(by="facility")["scope2"].to_dict() == {"Plant A": pytest.approx(100.0)}


@pytest.mark.parametrize("chunk_rows", [None, 1])
@pytest.mark.parametrize("named", ["Plant A", "Plant A ", "Ｐｌａｎｔ Ａ"])
def test_a_reported_figure_naming_the_facility_meets_every_spelling(named: str, chunk_rows: int | None, tmp_path: Path) -> None:
    path = _table("csv", tmp_path, _rows(["Plant A", "Plant A ", "Ｐｌａｎｔ Ａ", "Plant B"]))
    res = ghgcalc.calculate(path, PROFILE, chunk_rows=chunk_rows)
    rec = ghgcalc.reconcile(res, {"reported": [{"metric": "scope2", "value": "150", "unit": "t CO2e", "facility": named}]})
    (entry,) = rec.entries
    assert entry["status"] == "reproduced" and entry["recomputed"] == "150", entry
