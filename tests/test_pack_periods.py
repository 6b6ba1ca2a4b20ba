"""The disclosure pack of a case with several periods (issue 16, items 1 and 2): the KPI table
shows the reporting year beside the prior years with the year-on-year change (absolute and %),
prior years' intensities over their own denominators (n/a without one, said in a footnote),
and footnotes generated from the factor rows' provenance, one per method choice, which a
profile may reword.

The case: ``examples/kpi-wide-zh`` (a wide Chinese KPI table, 2021-2023, one MEE/NBS national
grid factor per data year). The expected figures are computed here from
``Result.totals(by="period")`` with per-period denominators, independently of the pack."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import ghgcalc
from ghgcalc.core.profiles import load_profile
from ghgcalc.errors import ProfileError
from ghgcalc.reports.disclosure import LANGS, disclosure_pack
from ghgcalc.reports.labels import metric_label, metric_precision, number_text, signed_text

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "examples" / "kpi-wide-zh"
HEADCOUNT = {2022: 950, 2023: 1000}   # 2021 has none: its intensities are n/a
CHECKED = ("scope1", "scope2", "scope1_2", "energy_total_tce", "scope1_2_per_capita", "energy_total_tce_per_capita")


class _Kpi(HTMLParser):
    """The KPI table's heads, rows by (data-metric, data-carrier), the footnotes, and all text
    a browser shows (not attributes, not style)."""

    def __init__(self) -> None:
        super().__init__()
        self.heads: list[str] = []
        self.rows: dict[tuple[str, str], list[str]] = {}
        self.footnotes: list[str] = []
        self.text: list[str] = []
        self._in_kpi = self._in_notes = self._skip = 0
        self._cell: list[str] | None = None
        self._row: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self._skip += tag in ("style", "script")
        if tag == "table" and a.get("id") == "kpi-table":
            self._in_kpi = 1
        elif tag == "ol" and a.get("id") == "kpi-footnotes":
            self._in_notes = 1
        elif self._in_kpi and tag == "tr" and "data-metric" in a:
            self._row = (str(a["data-metric"]), str(a.get("data-carrier") or ""))
            self.rows[self._row] = []
        elif tag in ("td", "th", "li") and (self._in_kpi or self._in_notes):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")
        if tag == "table":
            self._in_kpi = 0
        elif tag == "ol":
            self._in_notes = 0
        elif tag == "tr":
            self._row = None
        elif self._cell is not None and tag in ("td", "th", "li"):
            text = "".join(self._cell)
            if tag == "li":
                self.footnotes.append(text)
            elif tag == "td" and self._row is not None:
                self.rows[self._row].append(text)
            elif tag == "th" and self._row is None and not self.rows:
                self.heads.append(text)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if not self._skip:
            self.text.append(data)


def _parse(html: str) -> _Kpi:
    p = _Kpi()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def result() -> ghgcalc.Result:
    return ghgcalc.calculate(CASE / "kpi.csv", str(CASE / "profile.toml"), {"headcount": HEADCOUNT[2023]})


@pytest.fixture(scope="module")
def expected(result: ghgcalc.Result) -> pd.DataFrame:
    """Every metric per data year, from totals(by='period') with each period's own headcount
    (the period labels are '2021年' ...), energy in '000 kWh as the KPI table shows it."""
    labels = result.totals(by="period").index
    year = {lab: int(re.search(r"[0-9]{4}", str(lab)).group(0)) for lab in labels}   # type: ignore[union-attr]
    dens = {lab: {"headcount": HEADCOUNT[y]} for lab, y in year.items() if y in HEADCOUNT}
    df = result.totals(by="period", denominators=dens)
    assert df.attrs["units"]["energy_total"] == "MWh"      # 1 MWh = 1 '000 kWh
    return df.rename(index=year)


@pytest.fixture(scope="module")
def packs(result: ghgcalc.Result, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    out = {}
    d = tmp_path_factory.mktemp("packs")
    for lang in LANGS:
        for ext in ("html", "md", "xlsx"):
            p = d / f"pack-{lang}.{ext}"
            ghgcalc.report(result, p, lang=lang, denominators_by_period={2022: {"headcount": HEADCOUNT[2022]}})
            out[(lang, ext)] = p
    return out


def _want(expected: pd.DataFrame, metric: str) -> tuple[list[float], float, float]:
    """(values 2023, 2022, 2021; change 2023 vs 2022; change in %)."""
    v = [float(expected.at[y, metric]) for y in (2023, 2022, 2021)]
    return v, v[0] - v[1], (v[0] - v[1]) / v[1] * 100


def test_the_case_has_three_years_and_one_grid_edition_per_year(result: ghgcalc.Result) -> None:
    assert sorted(set(result.rows["year"].astype(int))) == [2021, 2022, 2023]
    grid = sorted(f.id for f in result.factors_used() if f.kind == "emission" and f.carrier == "electricity")
    assert grid == ["cn-mee-nbs-grid-national-2021", "cn-mee-nbs-grid-national-2022", "cn-mee-nbs-grid-national-2023"]


@pytest.mark.parametrize("lang", LANGS)
def test_html_prior_years_and_change(packs: dict[tuple[str, str], Path], expected: pd.DataFrame, lang: str) -> None:
    page = _parse(packs[(lang, "html")].read_text(encoding="utf-8"))
    # label | unit | 2023 | 2022 | 2021 | change vs 2022 | change vs 2022 (%)
    assert page.heads[2:5] == ["2023", "2022", "2021"], page.heads
    assert "2022" in page.heads[5] and "2022" in page.heads[6] and "%" in page.heads[6]
    for m in CHECKED:
        vals, change, pct = _want(expected, m)
        d = metric_precision(m, "scope1" if "_per_" in m else None)
        cells = page.rows[(m, "")]
        want = [number_text(v, d) for v in vals[:2]] + ["n/a" if "_per_" in m else number_text(vals[2], d)]
        assert cells[2:5] == want, (lang, m)
        assert cells[5:7] == [signed_text(change, d), signed_text(pct, 2)], (lang, m)
    # scope 1 fell, scope 2 rose (2022 -> 2023): the signs a reader sees
    assert page.rows[("scope1", "")][5].startswith("-") and page.rows[("scope2", "")][5].startswith("+")


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_prior_years_and_change(packs: dict[tuple[str, str], Path], expected: pd.DataFrame, lang: str) -> None:
    md = packs[(lang, "md")].read_text(encoding="utf-8")
    for m in ("scope1_2", "energy_total_tce"):
        vals, change, pct = _want(expected, m)
        d = metric_precision(m)
        cells = " | ".join([*(number_text(v, d) for v in vals), signed_text(change, d), signed_text(pct, 2)])
        assert cells in md, (lang, m)
    vals, change, pct = _want(expected, "scope1_2_per_capita")
    d = metric_precision("scope1_2_per_capita", "scope1_2")
    assert " | ".join([number_text(vals[0], d), number_text(vals[1], d), "n/a", signed_text(change, d)]) in md


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_prior_years_and_change(packs: dict[tuple[str, str], Path], expected: pd.DataFrame, lang: str) -> None:
    ws = openpyxl.load_workbook(packs[(lang, "xlsx")])["kpis"]
    head = [c.value for c in ws[1]]
    assert {"value", "value_2022", "value_2021", "change", "change_pct"} <= set(head)
    col = {h: i for i, h in enumerate(head)}
    rows = {(r[col["metric"]].value, r[col["carrier"]].value or ""): r for r in ws.iter_rows(min_row=2)}
    for m in CHECKED:
        vals, change, pct = _want(expected, m)
        r = rows[(m, "")]
        got = [r[col[c]].value for c in ("value", "value_2022", "value_2021", "change", "change_pct")]
        want: list[Any] = [*vals, change, pct]
        if "_per_" in m:
            assert got[2] is None        # 2021 has no headcount: an empty cell, and a footnote says so
            got, want = got[:2] + got[3:], want[:2] + want[3:]
        assert got == pytest.approx(want, rel=1e-12), (lang, m)
        d = metric_precision(m, "scope1" if "_per_" in m else None)
        f = "#,##0" + ("." + "0" * d if d else "")
        assert r[col["value_2022"]].number_format == f
        assert r[col["change"]].number_format == f"+{f};-{f};{f}"
        assert r[col["change_pct"]].number_format == "+#,##0.00;-#,##0.00;0.00"


def _footnotes(packs: dict[tuple[str, str], Path], lang: str) -> dict[str, str]:
    html = "\n".join(_parse(packs[(lang, "html")].read_text(encoding="utf-8")).footnotes)
    md = packs[(lang, "md")].read_text(encoding="utf-8")
    md_notes = "\n".join(line for line in md.splitlines() if re.match(r"[0-9]+\. ", line))
    about = list(openpyxl.load_workbook(packs[(lang, "xlsx")])["about"].iter_rows(values_only=True))
    xlsx = "\n".join(str(r[1]) for r in about if r[0] == "footnote")
    return {"html": html, "md": md_notes.replace("\\", ""), "xlsx": xlsx}


@pytest.mark.parametrize("lang", LANGS)
def test_footnotes_name_every_factor_edition(packs: dict[tuple[str, str], Path], result: ghgcalc.Result, lang: str) -> None:
    for fmt, notes in _footnotes(packs, lang).items():
        for f in result.factors_used():
            assert f.id in notes, (lang, fmt, f.id)
            assert str(f.document) in notes, (lang, fmt, f.id)
            assert str(f.published) in notes, (lang, fmt, f.id)
            if f.url:
                assert str(f.url) in notes, (lang, fmt, f.id)
        # the grid footnote: each year's edition and the notice that published it, in one note
        [grid] = [n for n in notes.splitlines() if "cn-mee-nbs-grid-national-2021" in n]
        for y, notice in ((2022, "公告2024年第33号"), (2023, "公告2025年第47号")):
            assert f"cn-mee-nbs-grid-national-{y}" in grid and notice in grid
        assert "AR5" in notes and "GB/T 2589-2020" in notes
        # what is excluded: CH4 and N2O not counted (no factor in the profile), by their labels;
        # water and waste (HKEX A1.3, A1.4, A2.2) not in the data
        for m in ("scope1_ch4", "scope1_n2o"):
            assert str(metric_label(m, lang)) in notes, (lang, fmt, m)
        assert all(k in notes for k in ("A1.3", "A1.4", "A2.2")) and "A1.2 " not in notes
        # 2021's intensities are n/a: the footnote names the year and the missing denominator
        [nd] = [n for n in notes.splitlines() if "2021" in n and ("n/a" in n or "不適用" in n or "不适用" in n)
                and "cn-" not in n]
        assert {"en": "headcount", "zh_hant": "員工人數", "zh_hans": "员工人数"}[lang] in nd, nd


@pytest.mark.parametrize("lang", LANGS)
def test_no_metric_id_visible(packs: dict[tuple[str, str], Path], result: ghgcalc.Result, lang: str) -> None:
    page = _parse(packs[(lang, "html")].read_text(encoding="utf-8"))
    text = "\n".join(page.text)
    ids = set(result.metric_ids()) | set(result.base_metrics()) | {"value_2022", "change_pct", "yoy_change"}
    shown = [i for i in sorted(ids) if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert shown == [], (lang, shown)


def test_single_period_pack_keeps_its_columns() -> None:
    res = ghgcalc.calculate(ROOT / "tests" / "data" / "cases" / "hkubs-2024042902752-2023" / "activity.csv",
                            str(ROOT / "tests" / "data" / "cases" / "hkubs-2024042902752-2023" / "profile.toml"))
    pack = disclosure_pack(res)
    assert not [c for c in pack.kpis.columns if c.startswith("value_") or c.startswith("change")]


def _profile(tmp_path: Path, report: str) -> Path:
    p = tmp_path / "p.toml"
    p.write_text(f'id = "reworded"\nextends = "{(CASE / "profile.toml").as_posix()}"\n{report}', encoding="utf-8")
    return p


def test_a_profile_rewords_a_footnote(tmp_path: Path) -> None:
    prof = _profile(tmp_path, '[report.footnotes]\ngrid = "Grid: {factors}."\n'
                              '[report.footnotes.gwp]\nzh_hans = "GWP：IPCC {gwp_set}。"\n')
    res = ghgcalc.calculate(CASE / "kpi.csv", str(prof))
    notes = disclosure_pack(res).footnotes
    [grid] = [n for n in notes if "cn-mee-nbs-grid-national-2021" in n["en"]]
    assert all(grid[lg].startswith("Grid: cn-mee-nbs-grid-national-2021 (0.5568 ") for lg in LANGS)
    [gwp] = [n for n in notes if "ipcc-ar5-gwp100-co2" in n["en"]]
    assert gwp["zh_hans"] == "GWP：IPCC AR5。"
    assert "ipcc-ar5-gwp100-co2" in gwp["zh_hant"]          # a language not reworded keeps the built-in text


@pytest.mark.parametrize(("report", "says"), [
    ('[report]\nfootnotes = {gird = "x"}\n', "unknown footnote 'gird'"),
    ('[report.footnotes.grid]\nfr = "x"\n', "unknown language 'fr'"),
    ('[report]\nfootnotes = {grid = " "}\n', "empty wording"),
])
def test_a_bad_footnote_override_names_its_key(tmp_path: Path, report: str, says: str) -> None:
    with pytest.raises(ProfileError) as ei:
        load_profile(_profile(tmp_path, report))
    assert says in str(ei.value) and "report.footnotes" in str(ei.value)


def test_signed_text() -> None:
    assert signed_text(1234.5, 2) == "+1,234.50"
    assert signed_text(-0.004, 2) == "0.00"
    assert signed_text(float("nan"), 1) == "n/a"


@pytest.mark.parametrize("lang", ["zh_hant", "zh_hans"])
def test_chinese_packs_of_several_years_draw_chinese_charts(packs: dict[tuple[str, str], Path], lang: str) -> None:
    """The several-year case's charts (scope split, energy mix, the years) carry their text in
    the pack's language, as text in the inline SVG (issue 16 item 4)."""
    html = packs[(lang, "html")].read_text(encoding="utf-8")
    texts = re.findall(r"<text\b[^>]*>([^<]*)</text>", html)
    assert "<svg" in html and texts
    assert sum(bool(re.search(r"[\u3400-\u9fff]", t)) for t in texts) >= 5, texts[:20]


@pytest.mark.parametrize("lang", LANGS)
def test_the_year_over_year_table_prints_each_figure_as_the_kpi_table(packs: dict[tuple[str, str], Path],
                                                                     expected: pd.DataFrame, lang: str) -> None:
    """One answer per question: a figure has one printed form in a pack. The by-period table
    prints each metric at its precision (an intensity at 4 decimals, as the KPI table; it used
    four significant digits, 7.81 beside the KPI table's 7.8581) and its changes signed at 2."""
    md = packs[(lang, "md")].read_text(encoding="utf-8")
    section = md[md.index("2021 | 2022 |"):]
    section = section[:section.index("\n\n")]
    for m in CHECKED:
        d = metric_precision(m, m.split("_per_")[0] if "_per_" in m else None)
        v = {y: float(expected.at[y, m]) for y in (2021, 2022, 2023)}
        cells = [number_text(v[2022], d), number_text(v[2023], d), signed_text((v[2023] - v[2022]) / v[2022] * 100, 2)]
        row = next(line for line in section.splitlines() if f" {cells[0]} |" in line and f" {cells[1]} |" in line)
        assert row.rstrip(" |").endswith(f"| {cells[1]} | {cells[2]}"), (lang, m, row)
        if "_per_" not in m:
            assert f"| {number_text(v[2021], d)} | {cells[0]} | {signed_text((v[2022] - v[2021]) / v[2021] * 100, 2)} |" in row
