"""The disclosure pack as an investor-relations reader sees it (issue 16, first slice): labels
not ids, units as reports print them, energy also in tce with its coefficients named, no local
path, and an XLSX with number formats and frozen header rows."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import openpyxl
import pytest

import ghgcalc
from ghgcalc.core.carriers import metric_definitions
from ghgcalc.reports.disclosure import LANGS, disclosure_pack, render_html
from ghgcalc.reports.labels import unit_text

EXAMPLE = Path(str(resources.files("ghgcalc"))) / "data" / "examples" / "kuaishou-2022"
ACTIVITY = EXAMPLE / "activity.csv"

# units as the three languages print them (HKEX KPI A2.1 '以千個千瓦時計算'; GB/T 2589 吨标准煤)
UNITS = {
    "en": ["tonnes CO2e", "'000 kWh", "tce", "m³"],
    "zh_hant": ["噸二氧化碳當量", "千個千瓦時", "噸標準煤", "立方米"],
    "zh_hans": ["吨二氧化碳当量", "千千瓦时", "吨标准煤", "立方米"],
}


class _Text(HTMLParser):
    """The text a browser shows (not attributes, not style)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    p = _Text()
    p.feed(html)
    return "\n".join(p.parts)


@pytest.fixture(scope="module")
def result() -> ghgcalc.Result:
    return ghgcalc.calculate(ACTIVITY, "kuaishou-2022", {"headcount": 27402})


@pytest.mark.parametrize("lang", LANGS)
def test_html_shows_labels_not_metric_ids(result: ghgcalc.Result, lang: str) -> None:
    html = render_html(disclosure_pack(result), lang)
    text = visible_text(html)
    ids = set(result.metric_ids()) | set(result.base_metrics()) | {"co2e_t", "share_of_scope1_2_pct", "energy_kwh000",
                                                                  "profile_title", "energy_basis", "rows_not_computed"}
    shown = [i for i in sorted(ids) if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert shown == [], f"metric/field ids visible in the {lang} pack: {shown}"
    # ... but they stay machine-readable on the rows
    for m in ("scope1", "energy_total_tce", "fresh_water", "scope1_2_per_capita"):
        assert f'data-metric="{m}"' in html
    assert 'data-field="energy_basis"' in html
    for u in UNITS[lang]:
        assert u in text, (lang, u)
    assert "GJ/10⁴ m³" in text   # the factor table's unit column
    before_factors = visible_text(html.split('<section id="factors">')[0])   # the factor notes quote sources verbatim
    assert "m^3" not in before_factors and "^" not in before_factors


@pytest.mark.parametrize("lang", LANGS)
def test_energy_in_both_units_with_the_coefficients_named(result: ghgcalc.Result, lang: str) -> None:
    pack = disclosure_pack(result)
    k = pack.kpis.set_index(["metric", "carrier"])
    # the 2022 report's 194,243.40 tce (綜合能源消耗量) and 1,580,499.59 MWh
    assert round(k.loc[("energy_total_tce", ""), "value"], 2) == pytest.approx(result.metric_value("energy_total_tce")[0], abs=0.005)
    assert k.loc[("energy_total_tce", ""), "unit"] == "tce" and k.loc[("energy_total", ""), "unit"] == "'000 kWh"
    text = visible_text(render_html(pack, lang))
    assert f"{result.metric_value('energy_total_tce')[0]:,.2f}" in text
    coal = [f for f in result.factors_used() if f.kind == "coal_equivalent"]
    assert len(coal) == 4
    for f in coal:
        assert f.id in text   # named in the footnote
    assert "GB/T 2589-2020" in text


def test_values_at_the_declared_precision(result: ghgcalc.Result) -> None:
    text = visible_text(render_html(disclosure_pack(result), "en"))
    prec = metric_definitions()["metrics"]
    assert prec["fresh_water"]["precision"] == 0 and prec["scope1"]["precision"] == 2
    assert f"{result.metric_value('fresh_water')[0]:,.0f}" in text
    assert f"{result.metric_value('scope1')[0]:,.2f}" in text
    assert "7274.284881695333" not in text


def test_unit_text() -> None:
    assert unit_text("t CO2e / person", "zh_hant") == "噸二氧化碳當量／人"
    assert unit_text("GJ/(10^4 m^3)", "en") == "GJ/10⁴ m³"
    assert unit_text("kgce/m^3", "zh_hans") == "kgce/m³"


@pytest.mark.parametrize("lang", LANGS)
def test_no_local_path_in_any_format(result: ghgcalc.Result, lang: str, tmp_path: Path) -> None:
    digest = hashlib.sha256(ACTIVITY.read_bytes()).hexdigest()
    folder = str(ACTIVITY.parent)
    for ext in ("html", "md", "xlsx"):
        out = tmp_path / f"pack-{lang}.{ext}"
        ghgcalc.report(result, out, lang=lang)
        if ext == "xlsx":
            wb = openpyxl.load_workbook(out)
            cells = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
            text = "\n".join(cells)
        else:
            text = out.read_text(encoding="utf-8")
        assert folder not in text and str(tmp_path) not in text and "/work/" not in text, ext
        assert "activity.csv" in text and digest in text, ext


def test_xlsx_numbers_formatted_and_headers_frozen(result: ghgcalc.Result, tmp_path: Path) -> None:
    out = tmp_path / "pack.xlsx"
    ghgcalc.report(result, out, lang="zh_hant")
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        if ws.title != "charts":
            assert ws.freeze_panes == "A2", ws.title
    ws = wb["kpis"]
    head = [c.value for c in ws[1]]
    vcol, mcol = head.index("value") + 1, head.index("metric") + 1
    seen = {}
    for r in range(2, ws.max_row + 1):
        cell = ws.cell(row=r, column=vcol)
        assert isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)
        assert cell.number_format != "General"
        seen[ws.cell(row=r, column=mcol).value] = cell.number_format
    assert seen["scope1"] == "#,##0.00" and seen["fresh_water"] == "#,##0" and seen["scope1_per_capita"] == "#,##0.0000"
    for name in ("by_carrier", "by_facility", "factors"):
        ws = wb[name]
        nums = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
        assert nums and all(c.number_format != "General" for c in nums), name
    # the amount column: resource rows only, energy rows blank (not 'n/a')
    bc = list(wb["by_carrier"].iter_rows(values_only=True))
    rows = [dict(zip(bc[0], r, strict=True)) for r in bc[1:]]
    assert all(r["amount"] is None for r in rows if r["carrier"] in ("electricity", "diesel"))
    assert any(isinstance(r["amount"], (int, float)) for r in rows if r["carrier"] == "fresh_water")
    assert "co2e_t [t CO2e]" in bc[0]
    # provenance: every factor's document and URL column
    fac = list(wb["factors"].iter_rows(values_only=True))
    assert {"document", "url", "publisher", "reference"} <= set(fac[0])
    assert {r[fac[0].index("id")] for r in fac[1:]} == {f.id for f in result.factors_used()}


@pytest.mark.parametrize("lang", ["en", "zh_hant", "zh_hans"])
def test_factor_table_says_kinds_and_statuses_in_words(result: ghgcalc.Result, lang: str) -> None:
    """The factor table shows a factor's kind and review status in the pack's language, never
    the ids (``coal_equivalent``, ``heating_value``, ``unverified``); the XLSX keeps the ids."""
    html = render_html(disclosure_pack(result), lang)
    factors = html.split('id="factors"', 1)[1].split("</table>", 1)[0]
    words = metric_definitions()["report_values"]
    for col in ("kind", "review_status"):
        cells = set(re.findall(rf'data-col="{col}">(.*?)</td>', factors))
        assert cells, col
        assert cells <= {w[lang] for w in words[col].values()}, (col, cells)   # words, never ids
    assert words["kind"]["coal_equivalent"][lang] in factors
    assert words["review_status"]["verified"][lang] in factors


@pytest.mark.parametrize(("lang", "total"), [("en", "All data centres"), ("zh_hant", "全部數據中心"), ("zh_hans", "全部数据中心")])
def test_data_centre_total_row_in_the_pack_language(lang: str, total: str) -> None:
    rows = [{"facility": "DC1", "carrier": "electricity", "quantity": 100, "unit": "MWh"},
            {"facility": "DC1", "carrier": "it_electricity", "quantity": 70, "unit": "MWh"}]
    html = render_html(disclosure_pack(ghgcalc.calculate(rows, "kuaishou-2022")), lang)
    assert total in visible_text(html)
    if lang != "en":
        assert "All data centres" not in html


@pytest.mark.parametrize("lang", ["en", "zh_hant", "zh_hans"])
def test_kuaishou_footnotes_name_every_factor_edition(result: ghgcalc.Result, lang: str) -> None:
    """Every factor row the result used is named in the KPI table's footnotes with its
    document (the grid notice, the GB/T 2589 coefficients, the IPCC and NDRC rows)."""
    pack = disclosure_pack(result)
    notes = "\n".join(f[lang] for f in pack.footnotes)
    for f in result.factors_used():
        assert f.id in notes, f.id
        assert str(f.document) in notes, (f.id, f.document)
    html = visible_text(render_html(pack, lang))
    assert all(f[lang].split("\n")[0][:40] in html for f in pack.footnotes)
