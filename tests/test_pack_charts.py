"""The disclosure pack's charts in the pack's language (issue 16, item 4): SVG text kept as
text in the HTML, CJK fonts for PNG or an English fallback said once, one colour per scope
and carrier, and which charts the data supports."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib.text
import pytest

import ghgcalc
from ghgcalc.io.data import load_yaml
from ghgcalc.reports import charts
from ghgcalc.reports.charts import chart_colour, chart_figures, chart_language, close
from ghgcalc.reports.disclosure import disclosure_pack

EXAMPLE = Path(str(resources.files("ghgcalc"))) / "data" / "examples" / "kuaishou-2022"
CJK = re.compile(r"[\u3400-\u9fff]")

PROFILE = tomllib.loads("""
id = "charts-test"
reporting_year = 2022
region = "CN"
gwp_set = "AR5"
[carriers.electricity]
emission = ["cn-mee-grid-national-2021", "cn-mee-grid-national-2022"]
[carriers.diesel]
heating_value = "cn-default-ncv-diesel"
emission = ["ipcc-2006-v2-t1.4-diesel-co2"]
""")


def rows(years: tuple[str, ...] = ("2021", "2022"), order: tuple[str, ...] = ("electricity", "diesel")) -> list[dict[str, str]]:
    qty = {"electricity": ("1000", "MWh"), "diesel": ("12", "t")}
    out = []
    for i, y in enumerate(years):
        for c in order:
            q, u = qty[c]
            out.append({"carrier": c, "quantity": str(float(q) * (1 - 0.1 * i)), "unit": u, "period": y})
    return out


@pytest.fixture(scope="module")
def seed() -> ghgcalc.Result:
    return ghgcalc.calculate(EXAMPLE / "activity.csv", "kuaishou-2022", {"headcount": 27402})


@pytest.fixture(scope="module")
def two_years() -> ghgcalc.Result:
    return ghgcalc.calculate(rows(), PROFILE, {"headcount": 100})


def svg_texts(html: str, chart: str | None = None) -> list[str]:
    """The text of every <text> element of the inline charts (of one chart when named)."""
    if chart is not None:
        html = html[html.index(f'<figure id="chart-{chart}">'):]
        html = html[: html.index("</figure>")]
    assert "<svg" in html
    return [t for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", html) if t.strip()]


def fig_texts(figs: dict[str, Any]) -> list[str]:
    return [t.get_text() for f in figs.values() for t in f.findobj(matplotlib.text.Text) if t.get_text().strip()]


# -- SVG in the HTML: the pack's language, as text ------------------------------------------------
@pytest.mark.parametrize(("lang", "scope1", "family"), [("zh_hans", "范围一", "Noto Sans CJK SC"),
                                                         ("zh_hant", "範圍一", "Noto Sans CJK TC")])
def test_chinese_packs_have_chinese_svg_text(seed: ghgcalc.Result, tmp_path: Path, lang: str, scope1: str,
                                             family: str) -> None:
    out = tmp_path / f"{lang}.html"
    ghgcalc.report(seed, out, lang=lang)
    html = out.read_text(encoding="utf-8")
    texts = svg_texts(html)
    assert sum(bool(CJK.search(t)) for t in texts) >= 4   # titles, axis labels, bar names
    assert scope1 in svg_texts(html, "scope")
    assert "Scope 1" not in " ".join(texts) and "GHG emissions by scope" not in html
    words = load_yaml("charts.yaml")["text"]
    assert words["energy_title"][lang].replace("{year}", "2022") in svg_texts(html, "energy")
    assert any(CJK.search(t) for t in svg_texts(html, "energy"))   # carrier names in the language
    # text kept as text, with the CJK font leading the family list (the browser draws it)
    figures = html[html.index('<section id="charts">'):]
    figures = figures[: figures.index("</section>")]
    assert f"font-family: '{family}'" in figures
    assert not re.search(r"<g id=\"[^\"]*\">\s*<use", html.split('<figure id="chart-scope">')[1].split("</figure>")[0])


def test_english_pack_has_english_svg_text(seed: ghgcalc.Result, tmp_path: Path) -> None:
    out = tmp_path / "en.html"
    ghgcalc.report(seed, out, lang="en")
    html = out.read_text(encoding="utf-8")
    texts = svg_texts(html)
    assert not any(CJK.search(t) for t in texts)
    assert "GHG emissions by scope, 2022" in texts and "Scope 1" in texts and "Scope 2" in texts
    assert "Purchased electricity" in svg_texts(html, "energy")
    assert "Noto Sans CJK" not in html[html.index('<section id="charts">'):]


def test_all_languages_pack_draws_english_charts(seed: ghgcalc.Result, tmp_path: Path) -> None:
    out = tmp_path / "all.html"
    ghgcalc.report(seed, out)
    assert not any(CJK.search(t) for t in svg_texts(out.read_text(encoding="utf-8")))


# -- PNG: a CJK font, or English said once ---------------------------------------------------------
@pytest.mark.parametrize("suffix", [".md", ".xlsx"])
def test_png_without_cjk_font_falls_back_to_english_once(two_years: ghgcalc.Result, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                         suffix: str) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda lang: None)
    seen: dict[str, list[str]] = {}

    def spy(pack: Any, lang: str = "en", font: str | None = None) -> dict[str, Any]:
        figs = chart_figures(pack, lang, font)
        seen["texts"] = fig_texts(figs)
        return figs

    monkeypatch.setattr(charts, "chart_figures", spy)
    out = tmp_path / f"pack{suffix}"
    ghgcalc.report(two_years, out, lang="zh_hans", base_year=2021, targets=["scope1_2=-30%@2030"])
    err = capsys.readouterr().err
    note = load_yaml("charts.yaml")["text"]["no_cjk_font"]["zh_hans"]
    assert err.count("ghgcalc: warning:") == 1 and note in err
    texts = seen["texts"]
    assert texts and not any(CJK.search(t) for t in texts)   # English labels, never boxes
    assert "GHG emissions by scope, 2022" in texts and "Actual" in " ".join(texts)
    if suffix == ".md":
        md = out.read_text(encoding="utf-8")
        assert md.count("fonts-noto-cjk") == 1
        assert "范围一排放量" in md   # the tables stay in the pack's language
    else:
        import openpyxl

        about = [r[1] for r in openpyxl.load_workbook(out)["about"].iter_rows(values_only=True)]
        assert sum(note == v for v in about) == 1


def test_png_with_cjk_font_draws_the_language(two_years: ghgcalc.Result, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda lang: "DejaVu Sans")   # stands in for an installed CJK font
    seen: dict[str, list[str]] = {}

    def spy(pack: Any, lang: str = "en", font: str | None = None) -> dict[str, Any]:
        figs = chart_figures(pack, lang, font)
        seen["texts"] = fig_texts(figs)
        seen["family"] = [f for fig in figs.values() for t in fig.findobj(matplotlib.text.Text) for f in t.get_fontfamily()]
        return figs

    monkeypatch.setattr(charts, "chart_figures", spy)
    out = tmp_path / "pack.md"
    ghgcalc.report(two_years, out, lang="zh_hant")
    assert "ghgcalc: warning" not in capsys.readouterr().err
    assert "fonts-noto-cjk" not in out.read_text(encoding="utf-8")
    assert "範圍一" in seen["texts"] and "2022年溫室氣體排放（按範圍）" in seen["texts"]
    assert (tmp_path / "pack_charts" / "scope.png").read_bytes()[:4] == b"\x89PNG"


def test_html_never_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda lang: None)
    assert chart_language("zh_hans", raster=False) == ("zh_hans", None, None)
    lang, font, note = chart_language("zh_hant", raster=True)
    assert (lang, font) == ("en", None) and note and CJK.search(note)
    assert chart_language("en", raster=True) == ("en", None, None)
    assert chart_language("all", raster=True) == ("en", None, None)


# -- colours: one per scope and carrier, everywhere ---------------------------------------------------
def bar_colours(fig: Any) -> dict[str, str]:
    import matplotlib.colors as mcolors

    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    return {n: mcolors.to_hex(p.get_facecolor()) for n, p in zip(names, ax.patches, strict=True)}


def test_colours_are_stable_across_carrier_orders() -> None:
    a = disclosure_pack(ghgcalc.calculate(rows(("2022",), ("electricity", "diesel")), PROFILE, {"headcount": 1}))
    small = [{"carrier": "diesel", "quantity": "12", "unit": "t"}, {"carrier": "electricity", "quantity": "50", "unit": "MWh"}]
    b = disclosure_pack(ghgcalc.calculate(small, {**PROFILE, "reporting_year": 2022}, {"headcount": 1}))
    assert list(a.chart_data["energy"]) == list(reversed(b.chart_data["energy"]))   # really two orders
    fa, fb = chart_figures(a, "en"), chart_figures(b, "en")
    try:
        ca, cb = bar_colours(fa["energy"]), bar_colours(fb["energy"])
        assert ca == cb and set(ca) == {"Purchased electricity", "Diesel"}
        assert ca["Purchased electricity"] == chart_colour("carriers", "electricity") == "#1b6ca8"
        assert ca["Diesel"] == chart_colour("carriers", "diesel") != ca["Purchased electricity"]
        import matplotlib.colors as mcolors

        for f in (fa, fb):
            got = [mcolors.to_hex(p.get_facecolor()) for p in f["scope"].axes[0].patches]
            assert got == [chart_colour("scopes", "scope1"), chart_colour("scopes", "scope2")]
    finally:
        close(fa)
        close(fb)


def test_unlisted_ids_get_a_stable_colour_of_the_other_list() -> None:
    other = load_yaml("charts.yaml")["palette"]["other"]
    c = chart_colour("carriers", "my-biofuel")
    assert c in other and c == chart_colour("carriers", "my-biofuel")
    assert len({chart_colour("carriers", f"fuel{i}") for i in range(40)}) > 1


# -- which charts the data supports ---------------------------------------------------------------
def test_charts_present_per_data(seed: ghgcalc.Result, two_years: ghgcalc.Result) -> None:
    one = chart_figures(disclosure_pack(seed), "zh_hans")
    assert set(one) == {"scope", "energy"}   # one period: no trend, no intensity, no targets
    close(one)
    # two periods, a headcount only for 2022: the intensity has one value, no intensity chart
    two = chart_figures(disclosure_pack(two_years), "en")
    assert set(two) == {"scope", "energy", "trend"}
    close(two)
    pack = disclosure_pack(two_years, denominators_by_period={2021: {"headcount": 80}}, base_year=2021,
                           targets=["scope1_2=-30%@2030"])
    series = {s["metric"]: s for s in pack.chart_data["intensity"]["series"]}
    assert set(series) == {"scope1_2_per_capita", "energy_total_per_capita"}
    want = pack.by_period.set_index("metric").loc["scope1_2_per_capita"]
    assert series["scope1_2_per_capita"]["values"] == pytest.approx([want["2021"], want["2022"]])
    t = pack.chart_data["targets"][0]
    assert (t["base_year"], t["target_year"], t["periods"]) == (2021, 2030, [2021, 2022])
    assert t["target_value"] == pytest.approx(0.7 * t["base_value"]) and t["values"][0] == pytest.approx(t["base_value"])
    full = chart_figures(pack, "zh_hant")
    try:
        assert set(full) == {"scope", "energy", "trend", "intensity", "targets"}
        texts = fig_texts({"i": full["intensity"]})
        assert "各期間密度" in texts and any("人" in x for x in texts)   # unit per person in the language
        assert {"達標直線路徑", "實際", "2030年目標"} <= set(fig_texts({"t": full["targets"]}))
    finally:
        close(full)


@pytest.mark.skipif(charts.cjk_font("zh_hans") is None, reason="no CJK font on this machine (CI installs fonts-noto-cjk)")
def test_installed_cjk_font_is_found_and_used(two_years: ghgcalc.Result, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    lang, font, note = chart_language("zh_hans", raster=True)
    assert lang == "zh_hans" and font in load_yaml("charts.yaml")["cjk_fonts"]["zh_hans"] and note is None
    figs = chart_figures(disclosure_pack(two_years), lang, font)
    try:
        title = figs["scope"].axes[0].title
        from matplotlib import font_manager

        files = {f.fname for f in font_manager.fontManager.ttflist if f.name == font}
        assert title.get_text() == "2022年温室气体排放（按范围）"
        assert str(font_manager.fontManager.findfont(title.get_fontproperties())) in files   # drawn with the CJK font
    finally:
        close(figs)
    ghgcalc.report(two_years, tmp_path / "p.xlsx", lang="zh_hans")
    assert "ghgcalc: warning" not in capsys.readouterr().err
