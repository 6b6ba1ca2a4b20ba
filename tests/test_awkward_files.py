"""Awkward but valid files give exactly the same result as a clean one (issue 5).

Each variant is the same five rows written the way some system or Excel on a Chinese
Windows writes them; the totals must be equal to the clean file's *exactly* (the exact
rational totals from the printed digits, and the float totals bit for bit), and the reader
must say which encoding and header row it used.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import ghgcalc

PROFILE = "kuaishou-2022"
ROWS = [  # carrier (en, zh_hant, zh_hans), quantity as printed, unit (en, zh_hant, zh_hans), facility
    (("electricity", "外購電力", "外购电力"), "1534956.48", ("MWh", "兆瓦時", "兆瓦时"), "HQ"),
    (("diesel", "柴油", "柴油"), "3105.58", ("t", "噸", "吨"), "HQ"),
    (("natural_gas", "天然氣", "天然气"), "176400", ("m**3", "立方米", "立方米"), "DC 1"),
    (("heat", "外購熱力", "外购热力"), "25140.13", ("GJ", "吉焦", "吉焦"), "DC 1"),
    (("fresh_water", "新鮮用水", "新鲜用水"), "1648700", ("t", "噸", "吨"), "HQ"),
]
HEADERS = (("carrier", "quantity", "unit", "facility"), ("能源", "數量", "單位", "設施"), ("能源", "数量", "单位", "设施"))


def _grouped(q: str, sep: str = ",") -> str:
    whole, _, frac = q.partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sep.join(groups) + (f".{frac}" if frac else "")


def table(lang: int = 0, quantity: Callable[[str], str] = str, sep: str = ",", eol: str = "\n",
          header: tuple[str, ...] | None = None, cell: Callable[[str], str] = str) -> str:
    head = header or HEADERS[lang]
    lines = [sep.join(cell(h) for h in head)]
    for carrier, q, unit, fac in ROWS:
        qt = quantity(q)
        if sep in qt:
            qt = f'"{qt}"'
        lines.append(sep.join([cell(carrier[lang]), qt, cell(unit[lang]), cell(fac)]))
    return eol.join(lines) + eol


def exact_totals(res: Any) -> dict[str, Fraction | None]:
    return {m: res.metric_exact(m)[0] for m in res.metric_ids()}


def float_totals(res: Any) -> dict[str, float]:
    # NaN (a metric the method does not count, e.g. CH4 under a CO2-only profile) as None, so that equal results compare equal
    return {m: (None if v != v else v) for m in res.metric_ids() for v in [res.metric_value(m)[0]]}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Any:
    p = tmp_path_factory.mktemp("clean") / "clean.csv"
    p.write_text(table(), encoding="utf-8")
    return ghgcalc.calculate(p, PROFILE)


#: labels as bilingual sheets print them: the same carrier or unit twice
_BILINGUAL = {"electricity": "外購電力（Purchased electricity）", "diesel": "柴油 Diesel", "natural_gas": "天然氣（立方米）",
              "heat": "外購熱力 / heat", "MWh": "兆瓦時（MWh）", "t": "噸(t)", "m**3": "立方米（m³）", "GJ": "GJ（吉焦）"}
FULLWIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")

VARIANTS: dict[str, tuple[str, Callable[[], bytes], str | None, int]] = {
    # name: (file suffix, bytes, expected encoding (None: not checked), expected header row)
    "utf8-bom": (".csv", lambda: table().encode("utf-8-sig"), "utf-8-sig", 0),
    "gb18030-simplified": (".csv", lambda: table(2, _grouped).encode("gb18030"), "gb18030", 0),
    "gbk-simplified": (".csv", lambda: table(2).encode("gbk"), "gb18030", 0),
    "big5-traditional": (".csv", lambda: table(1, _grouped).encode("big5"), "cp950", 0),
    "cp950-english-header": (".csv", lambda: table(1, header=HEADERS[0]).encode("cp950"), "cp950", 0),
    "utf16-tab": (".txt", lambda: table(1, sep="\t").encode("utf-16"), "utf-16", 0),
    "crlf": (".csv", lambda: table(1, _grouped, eol="\r\n").encode("utf-8"), "utf-8", 0),
    "crlf-gb18030-bom-less": (".csv", lambda: table(2, eol="\r\n").encode("gb18030"), "gb18030", 0),
    "stray-spaces": (".csv", lambda: table(1, lambda q: f"  {_grouped(q)} ", cell=lambda c: f" {c}  ").encode("utf-8"), "utf-8", 0),
    "full-width-digits": (".csv", lambda: table(1, lambda q: _grouped(q).translate(FULLWIDTH)).encode("utf-8"), "utf-8", 0),
    "full-width-headers": (".csv", lambda: table(1, header=("能源類型：", "數量（Quantity）", "單位（Unit）", "設施")).encode("utf-8"),
                           "utf-8", 0),
    "full-width-latin": (".csv", lambda: table(0, header=("ｃａｒｒｉｅｒ", "ＱＵＡＮＴＩＴＹ", "Ｕｎｉｔ", "facility")).encode("utf-8"),
                         "utf-8", 0),
    "space-thousands": (".csv", lambda: table(0, lambda q: _grouped(q, " ")).encode("utf-8"), "utf-8", 0),
    "ideographic-space-thousands": (".csv", lambda: table(0, lambda q: _grouped(q, "\u3000")).encode("utf-8"), "utf-8", 0),
    "apostrophe-thousands": (".csv", lambda: table(0, lambda q: _grouped(q, "'")).encode("utf-8"), "utf-8", 0),
    "apostrophe-text-marker": (".csv", lambda: table(0, lambda q: "'" + _grouped(q)).encode("utf-8"), "utf-8", 0),
    "semicolon": (".csv", lambda: table(1, sep=";").encode("utf-8"), "utf-8", 0),
    "title-rows-and-blank-lines": (".csv", lambda: ("2022年度環境數據,,,\n單位：見各行,,,\n,,,\n" + table(1, _grouped) + ",,,\n\n,,,\n")
                                   .encode("gb18030"), "gb18030", 3),
    "title-row-without-padding": (".csv", lambda: ("Energy data 2022\n\n" + table(0)).encode("utf-8"), "utf-8", 2),
    "bilingual-labels": (".csv", lambda: table(0, cell=lambda c: _BILINGUAL.get(c, c)).encode("utf-8"), "utf-8", 0),
    "trailing-empty-columns": (".csv", lambda: table(0, cell=str).replace("\n", ",,\n").encode("utf-8"), "utf-8", 0),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_awkward_csv_gives_the_same_totals(name: str, tmp_path: Path, clean: Any) -> None:
    suffix, make, encoding, header_row = VARIANTS[name]
    p = tmp_path / f"{name}{suffix}"
    p.write_bytes(make())
    res = ghgcalc.calculate(p, PROFILE)
    assert len(res.rows) == len(ROWS) and not res.errors
    assert exact_totals(res) == exact_totals(clean)
    assert float_totals(res) == float_totals(clean)
    assert list(res.rows["quantity"]) == list(clean.rows["quantity"])
    if encoding is not None:
        assert res.input_info["encoding"] == encoding
    assert res.input_info["header_row"] == header_row


def _frame(numeric: bool, lang: int = 1) -> pd.DataFrame:
    recs = [{HEADERS[lang][0]: c[lang], HEADERS[lang][1]: (float(q) if numeric else _grouped(q)), HEADERS[lang][2]: u[lang],
             HEADERS[lang][3]: f} for c, q, u, f in ROWS]
    return pd.DataFrame(recs)


@pytest.mark.parametrize("kind", ["numbers", "numbers-as-text", "mixed", "title-rows", "int-cells"])
def test_excel_variants_give_the_same_totals(kind: str, tmp_path: Path, clean: Any) -> None:
    p = tmp_path / f"{kind}.xlsx"
    if kind == "numbers":
        _frame(True).to_excel(p, index=False)
    elif kind == "numbers-as-text":
        _frame(False).to_excel(p, index=False)
    elif kind == "mixed":
        df = _frame(False)
        col = HEADERS[1][1]
        df[col] = df[col].astype(object)
        df.loc[::2, col] = [float(ROWS[i][1]) for i in range(0, len(ROWS), 2)]
        df.to_excel(p, index=False)
    elif kind == "int-cells":
        df = _frame(True)
        df[HEADERS[1][1]] = [int(float(q)) if float(q).is_integer() else float(q) for _, q, _, _ in ROWS]
        df.to_excel(p, index=False)
    else:
        with pd.ExcelWriter(p) as xw:
            pd.DataFrame([["快手 2022 環境關鍵績效指標"], [None], ["資料來源：環境績效表"]]).to_excel(xw, index=False, header=False)
            _frame(False).to_excel(xw, index=False, startrow=4, startcol=1)
    res = ghgcalc.calculate(p, PROFILE)
    assert float_totals(res) == float_totals(clean)
    if kind in ("numbers-as-text", "title-rows"):
        assert exact_totals(res) == exact_totals(clean)
    else:  # a numeric cell's printed digits are those of the float: still the same decimal values here
        assert {m: float(v or 0) for m, v in exact_totals(res).items()} == {m: float(v or 0) for m, v in exact_totals(clean).items()}
    assert res.input_info["format"] == "xlsx"
    assert res.input_info["header_row"] == (4 if kind == "title-rows" else 0)


def test_table_on_a_later_sheet_after_a_cover_sheet(tmp_path: Path, clean: Any) -> None:
    p = tmp_path / "cover.xlsx"
    with pd.ExcelWriter(p) as xw:
        pd.DataFrame([["封面 Cover page"], ["說明：數據見下一頁"]]).to_excel(xw, sheet_name="封面", index=False, header=False)
        _frame(False).to_excel(xw, sheet_name="能源數據", index=False)
    res = ghgcalc.calculate(p, PROFILE)
    assert exact_totals(res) == exact_totals(clean) and res.input_info["sheet"] == "能源數據"


def test_parquet_and_dataframe_with_header_below(tmp_path: Path, clean: Any) -> None:
    p = tmp_path / "a.parquet"
    _frame(False).to_parquet(p)
    assert exact_totals(ghgcalc.calculate(p, PROFILE)) == exact_totals(clean)
    # a sheet read by pandas with title rows: the header is in the rows
    raw = pd.read_csv(io.StringIO("Report,,,\n" + table(1, _grouped)), dtype=str, keep_default_na=False)
    res = ghgcalc.calculate(raw, PROFILE)
    assert exact_totals(res) == exact_totals(clean) and res.input_info["header_row"] == 1


def test_misnamed_files_are_read_for_what_they_are(tmp_path: Path, clean: Any) -> None:
    xlsx = tmp_path / "really-a-workbook.csv"
    _frame(False).to_excel(xlsx, index=False, engine="openpyxl")
    assert exact_totals(ghgcalc.calculate(xlsx, PROFILE)) == exact_totals(clean)
    pq = tmp_path / "really-parquet.dat"
    _frame(False).to_parquet(pq)
    assert exact_totals(ghgcalc.calculate(pq, PROFILE)) == exact_totals(clean)


def test_blank_rows_are_skipped_and_counted(tmp_path: Path, clean: Any) -> None:
    p = tmp_path / "blank.csv"
    lines = table(0).splitlines()
    p.write_text("\n".join([lines[0], lines[1], ",,,", lines[2], "", lines[3], " , , , ", *lines[4:]]) + "\n", encoding="utf-8")
    res = ghgcalc.calculate(p, PROFILE)
    assert exact_totals(res) == exact_totals(clean)
    assert res.input_info["blank_rows_skipped"] == 3 and res.n_input_rows == len(ROWS)
    assert list(res.rows.index) == [0, 2, 4, 6, 7]   # rows keep their position under the header
    streamed = ghgcalc.calculate(p, PROFILE, chunk_rows=3)
    assert streamed.rows_accounted and streamed.n_input_rows == len(ROWS)


def test_a_row_with_only_a_label_is_not_blank(tmp_path: Path) -> None:
    p = tmp_path / "label.csv"
    p.write_text("carrier,quantity,unit,facility\nelectricity,1,MWh,A\n,,,Plant B notes\n", encoding="utf-8")
    res = ghgcalc.calculate(p, PROFILE, on_error="collect")
    assert {(e.row, e.column) for e in res.errors} >= {(1, "carrier"), (1, "quantity"), (1, "unit")}
    # a subtotal label alone: the row is a spreadsheet total row (its one problem), not blank
    p.write_text("carrier,quantity,unit,facility\nelectricity,1,MWh,A\n,,,Plant B subtotal\n", encoding="utf-8")
    res = ghgcalc.calculate(p, PROFILE, on_error="collect")
    assert [(e.row, e.line, e.column, e.reason) for e in res.errors] == [
        (1, 3, "facility", "spreadsheet total row: would double-count the rows it totals")]


@pytest.mark.parametrize("name", ["big5-traditional", "cp950-english-header", "gbk-simplified", "utf8-bom", "crlf"])
def test_streamed_reading_decodes_as_the_in_memory_reader(name: str, tmp_path: Path, clean: Any) -> None:
    suffix, make, encoding, _ = VARIANTS[name]
    p = tmp_path / f"{name}{suffix}"
    p.write_bytes(make())
    streamed = ghgcalc.calculate(p, PROFILE, chunk_rows=2)
    assert not streamed.errors and streamed.rows_accounted
    assert float_totals(streamed) == float_totals(clean)
    assert streamed.input_info["encoding"] == ("utf-8" if encoding == "utf-8-sig" else encoding)
