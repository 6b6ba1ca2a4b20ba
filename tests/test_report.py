"""The disclosure pack (ghgcalc/disclosure.py): HKEX KPIs, breakdowns, periods, targets,
factor sources, and the HTML / XLSX / Markdown writers."""

from __future__ import annotations

import re
import sys
import tomllib
from fractions import Fraction
from importlib import resources
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.carriers import metric_definitions
from ghgcalc.errors import GhgcalcError
from ghgcalc.reports.disclosure import LANGS, Target, disclosure_pack, render_html

EXAMPLE = Path(str(resources.files("ghgcalc"))) / "data" / "examples" / "kuaishou-2022"
EVIL = '<script>alert("x")</script> & =HYPERLINK("http://evil","x") | [a](b)'


def multi_year_rows() -> list[dict[str, str]]:
    """Two years, two facilities (one named like an attack), a data centre with IT energy."""
    rows = []
    for year, scale in (("2021", "1.0"), ("2022", "0.9")):
        k = float(scale)
        rows += [
            {"carrier": "外購電力", "quantity": f"{1000 * k:.1f}", "unit": "MWh", "facility": "DC North", "period": year},
            {"carrier": "IT設備用電", "quantity": f"{740 * k:.1f}", "unit": "MWh", "facility": "DC North", "period": year},
            {"carrier": "新鮮用水", "quantity": f"{1500 * k:.0f}", "unit": "m3", "facility": "DC North", "period": year},
            {"carrier": "柴油", "quantity": f"{12 * k:.2f}", "unit": "t", "facility": EVIL, "period": year},
            {"carrier": "外購電力", "quantity": f"{300 * k:.1f}", "unit": "MWh", "facility": EVIL, "period": year},
            {"carrier": "有害廢棄物", "quantity": f"{2 * k:.2f}", "unit": "t", "facility": EVIL, "period": year},
            {"carrier": "無害廢棄物", "quantity": f"{30 * k:.1f}", "unit": "t", "facility": EVIL, "period": year},
        ]
    return rows


PROFILE_TOML = """
id = "test-two-years"
reporting_year = 2022
region = "CN"
gwp_set = "AR5"
energy_basis = "coal_equivalent"
mwh_coal_equivalent = "gbt2589-2020-electricity-calorific"
[carriers.electricity]
emission = ["cn-mee-grid-national-2021", "cn-mee-grid-national-2022"]   # chosen per row by period
coal_equivalent = "gbt2589-2020-electricity-calorific"
[carriers.diesel]
heating_value = "cn-default-ncv-diesel"
emission = ["ipcc-2006-v2-t1.4-diesel-co2"]
coal_equivalent = "gbt2589-2020-diesel"
"""


def profile_for() -> dict[str, object]:
    return tomllib.loads(PROFILE_TOML)


@pytest.fixture(scope="module")
def seed_result() -> ghgcalc.Result:
    return ghgcalc.calculate(EXAMPLE / "activity.csv", "kuaishou-2022", {"headcount": 27402})


@pytest.fixture(scope="module")
def multi() -> ghgcalc.Result:
    return ghgcalc.calculate(multi_year_rows(), profile_for(), {"headcount": 100})


# -- KPI table ---------------------------------------------------------------------------------
def test_seed_kpis_match_the_result_and_the_report(seed_result: ghgcalc.Result) -> None:
    pack = disclosure_pack(seed_result)
    k = pack.kpis.set_index(["metric", "carrier"])
    # the KPI table shows the result's own values (A1.2 in t CO2e)
    for m in ("scope1", "scope2", "scope1_2", "hazardous_waste", "non_hazardous_waste", "fresh_water"):
        assert k.loc[(m, ""), "value"] == pytest.approx(seed_result.metric_value(m)[0], rel=1e-12)
    # A2.1 in '000 kWh: numerically the MWh the 2022 report prints (1,580,499.59 MWh, 環境績效表)
    assert k.loc[("energy_total", ""), "unit"] == "'000 kWh"
    assert round(k.loc[("energy_total", ""), "value"], 2) == 1580499.59
    assert round(k.loc[("energy_direct_per_capita", ""), "value"], 2) == 1.41
    assert k.loc[("energy_direct_per_capita", ""), "unit"] == "'000 kWh / person"
    # energy by type: every energy carrier, summing to the total
    by_type = pack.kpis[(pack.kpis["metric"] == "energy_total") & (pack.kpis["carrier"] != "")]
    assert set(by_type["carrier"]) == {"electricity", "heat", "diesel", "natural_gas"}
    assert by_type["value"].sum() == pytest.approx(k.loc[("energy_total", ""), "value"], rel=1e-12)
    # every HKEX KPI the data supports is there, each row labelled in three languages
    assert set(pack.kpis["hkex_kpi"]) == {"A1.2", "A1.3", "A1.4", "A2.1", "A2.2"}
    for lg in LANGS:
        assert pack.kpis[f"label_{lg}"].map(lambda s: isinstance(s, str) and s != "").all()
    assert pack.kpis.loc[pack.kpis["metric"] == "scope1_2", "label_zh_hant"].item() == "溫室氣體排放總量（範圍一和範圍二）"
    assert pack.kpis.loc[pack.kpis["metric"] == "scope1_2", "label_zh_hans"].item() == "温室气体排放总量（范围一和范围二）"
    assert pack.by_period is None and pack.targets is None and pack.datacentre is None


def test_hkex_texts_come_from_the_data_file(seed_result: ghgcalc.Result) -> None:
    pack = disclosure_pack(seed_result)
    defs = metric_definitions()["hkex_kpis"]
    assert list(pack.hkex["hkex_kpi"]) == list(defs)
    for rec in pack.hkex.to_dict("records"):
        for lg in LANGS:
            assert rec[f"label_{lg}"] == defs[rec["hkex_kpi"]][lg]
    assert "kWh in '000s" in defs["A2.1"]["en"]


def test_factors_carry_their_sources(seed_result: ghgcalc.Result) -> None:
    pack = disclosure_pack(seed_result)
    used = {f.id: f for f in seed_result.factors_used()}
    assert set(pack.factors["id"]) == set(used)
    for rec in pack.factors.to_dict("records"):
        f = used[rec["id"]]
        assert (rec["publisher"], rec["document"], rec["reference"], rec["review_status"]) == (
            f.publisher, f.document, f.reference, f.review_status)
    assert "cn-mee-grid-national-2022" in used


# -- breakdowns, periods, targets -----------------------------------------------------------------
def test_reporting_year_breakdowns_equal_a_separate_calculation(multi: ghgcalc.Result) -> None:
    pack = disclosure_pack(multi)
    assert pack.meta["reporting_year"] == "2022"
    only22 = ghgcalc.calculate([r for r in multi_year_rows() if r["period"] == "2022"], profile_for(), {"headcount": 100})
    k = pack.kpis.set_index(["metric", "carrier"])["value"]
    for m in ("scope1", "scope2", "scope1_2", "hazardous_waste", "scope1_2_per_capita"):
        assert k[(m, "")] == pytest.approx(only22.metric_value(m)[0], rel=1e-12)
    fac = pack.by_facility.set_index("facility")
    want = only22.totals(by="facility")
    assert set(fac.index) == {"DC North", EVIL}
    for f in fac.index:
        assert fac.loc[f, "scope1_2"] == pytest.approx(want.loc[f, "scope1_2"], rel=1e-12)
        assert fac.loc[f, "energy_total"] == pytest.approx(want.loc[f, "energy_total"], rel=1e-12)  # '000 kWh == MWh
    car = pack.by_carrier.set_index("carrier")
    assert car["share_of_scope1_2_pct"].sum() == pytest.approx(100)
    assert car.loc["hazardous_waste", "amount"] == pytest.approx(1.8)


def test_year_over_year_table(multi: ghgcalc.Result) -> None:
    pack = disclosure_pack(multi, denominators_by_period={2021: {"headcount": 80}})
    assert pack.by_period is not None
    t = pack.by_period.set_index("metric")
    y21 = ghgcalc.calculate([r for r in multi_year_rows() if r["period"] == "2021"], profile_for())
    y22 = ghgcalc.calculate([r for r in multi_year_rows() if r["period"] == "2022"], profile_for())
    for m in ("scope1_2", "energy_total", "fresh_water", "non_hazardous_waste", "pue"):
        a, b = y21.metric_value(m)[0], y22.metric_value(m)[0]
        assert t.loc[m, "2021"] == pytest.approx(a, rel=1e-12)
        assert t.loc[m, "2022"] == pytest.approx(b, rel=1e-12)
        assert t.loc[m, "change_2022_pct"] == pytest.approx((b - a) / a * 100, rel=1e-9)
    # intensities per year with each year's own denominator
    assert t.loc["scope1_2_per_capita", "2021"] == pytest.approx(y21.metric_value("scope1_2")[0] / 80)
    assert t.loc["scope1_2_per_capita", "2022"] == pytest.approx(y22.metric_value("scope1_2")[0] / 100)
    # every quantity scaled by 0.9 (diesel and water rounded as printed): about -10 %
    assert t.loc["energy_total", "change_2022_pct"] == pytest.approx(-10, abs=0.01)
    assert pack.chart_data["trend"]["periods"] == [2021, 2022]


def test_progress_against_a_base_year_target(multi: ghgcalc.Result) -> None:
    pack = disclosure_pack(multi, base_year=2021, targets=["scope1_2=-30%@2030", "fresh_water=-0.5@2025"])
    assert pack.targets is not None
    t = pack.targets.set_index("metric")
    y21 = ghgcalc.calculate([r for r in multi_year_rows() if r["period"] == "2021"], profile_for())
    y22 = ghgcalc.calculate([r for r in multi_year_rows() if r["period"] == "2022"], profile_for())
    b, c = y21.metric_value("scope1_2")[0], y22.metric_value("scope1_2")[0]
    row = t.loc["scope1_2"]
    assert row["target_value"] == pytest.approx(0.7 * b)
    assert row["progress_pct"] == pytest.approx((c - b) / (0.7 * b - b) * 100)
    assert row["linear_path_value"] == pytest.approx(b + (0.7 * b - b) * 1 / 9)
    assert bool(row["on_track"]) is (c <= b + (0.7 * b - b) / 9)
    assert row["on_track"]  # about -10 % in one year, ahead of the 3.3 %/yr path
    w = t.loc["fresh_water"]
    assert w["target_value"] == pytest.approx(0.5 * 1500)
    assert not w["on_track"]  # -10 % in one year, the path needs -12.5 %


@pytest.mark.parametrize("text", ["scope1_2", "scope1_2=-30%", "scope1_2=abc%@2030", "=-30%@2030", "scope1_2=-130%@2030"])
def test_bad_targets_are_rejected(text: str) -> None:
    with pytest.raises(GhgcalcError):
        Target.parse(text)


def test_target_errors_name_the_problem(multi: ghgcalc.Result) -> None:
    with pytest.raises(GhgcalcError, match="base year 2019 has no rows"):
        disclosure_pack(multi, base_year=2019, targets=["scope1_2=-30%@2030"])
    with pytest.raises(GhgcalcError, match="need a base year"):
        disclosure_pack(multi, targets=["scope1_2=-30%@2030"])
    with pytest.raises(GhgcalcError, match="no headcount denominator for the base year"):
        disclosure_pack(multi, base_year=2021, targets=["scope1_2_per_capita=-30%@2030"])
    with pytest.raises(GhgcalcError, match="not a metric"):
        disclosure_pack(multi, base_year=2021, targets=["scope3=-30%@2030"])
    ok = disclosure_pack(multi, base_year=2021, targets=["scope1_2_per_capita=-30%@2030"],
                         denominators_by_period={"2021": {"headcount": 80}})
    assert ok.targets is not None and ok.targets["base_value"].item() > 0


# -- writers -------------------------------------------------------------------------------------
def test_html_is_self_contained_and_escapes_user_text(multi: ghgcalc.Result, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    ghgcalc.report(multi, out, base_year=2021, targets=["scope1_2=-30%@2030"])
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text and "alert(&quot;x&quot;)" in text
    assert "&lt;script&gt;" in text
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:|//)""", text)  # no external resource
    assert "Content-Security-Policy" in text
    assert text.count("<svg") == 4  # scope, energy, trend, targets
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "element ids must be unique across the inline charts"
    for lg in LANGS:
        for label in disclosure_pack(multi).kpis[f"label_{lg}"]:
            assert label.replace("&", "&amp;") in text
    for section in ("kpi-table", "by_carrier-table", "by_facility-table", "by_period-table", "targets-table",
                    "datacentre-table", "factors-table"):
        assert f'id="{section}"' in text


def test_html_single_language(seed_result: ghgcalc.Result) -> None:
    pack = disclosure_pack(seed_result)
    zh = render_html(pack, "zh_hant")
    assert 'lang="zh-Hant"' in zh and "範圍一排放量" in zh and "Scope 1 GHG emissions" not in zh
    en = render_html(pack, "en")
    assert "範圍一排放量" not in en and "Scope 1 GHG emissions" in en
    assert "<th>指標</th>" in zh and "<th>數值</th>" in zh and "<th>Metric</th>" in en
    assert "<th>指标</th>" in render_html(pack, "zh_hans")


def test_xlsx_keeps_every_label_and_source(multi: ghgcalc.Result, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    ghgcalc.report(multi, out, base_year=2021, targets=["scope1_2=-30%@2030"])
    wb = openpyxl.load_workbook(out)
    assert {"about", "hkex_kpis", "kpis", "by_carrier", "by_facility", "by_period", "targets", "datacentre", "factors",
            "charts"} <= set(wb.sheetnames)

    def records(name: str) -> list[dict[str, object]]:
        ws = wb[name]
        rows = list(ws.iter_rows(values_only=True))
        return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]

    pack = disclosure_pack(multi, base_year=2021, targets=["scope1_2=-30%@2030"])
    kp = records("kpis")
    assert len(kp) == len(pack.kpis)
    for got, want in zip(kp, pack.kpis.to_dict("records"), strict=True):
        assert got["metric"] == want["metric"]
        for lg in LANGS:
            assert got[f"label_{lg}"] == want[f"label_{lg}"]
        assert got["value"] == pytest.approx(want["value"], rel=1e-12)
    hk = {r["hkex_kpi"]: r for r in records("hkex_kpis")}
    for kpi, spec in metric_definitions()["hkex_kpis"].items():
        for lg in LANGS:
            assert hk[kpi][f"label_{lg}"] == spec[lg]
    factors = {r["id"]: r for r in records("factors")}
    assert set(factors) == {f.id for f in multi.factors_used()}
    for f in multi.factors_used():
        assert factors[f.id]["document"] == f.document and factors[f.id]["publisher"] == f.publisher
        assert factors[f.id]["reference"] == f.reference and factors[f.id]["review_status"] == f.review_status
    # formula-safe: the facility named like a formula stays text
    facilities = [r["facility"] for r in records("by_facility")]
    assert all(not str(x).startswith(("=", "+", "-", "@")) for x in facilities)
    assert any(str(x).startswith("<script>") for x in facilities)  # '<' is harmless in a cell; kept as typed
    assert len(wb["charts"]._images) == 4  # scope, energy, trend, targets
    header = next(wb["by_facility"].iter_rows(values_only=True))
    assert "energy_total ['000 kWh]" in header and "scope1_2 [t CO2e]" in header and "pue" in header


def test_xlsx_formula_like_text_is_inert(tmp_path: Path) -> None:
    rows = [{"carrier": "electricity", "quantity": "10", "unit": "MWh", "facility": '=HYPERLINK("http://x","y")'}]
    res = ghgcalc.calculate(rows, "kuaishou-2022")
    out = tmp_path / "f.xlsx"
    ghgcalc.report(res, out)
    wb = openpyxl.load_workbook(out)
    cells = [c.value for row in wb["by_facility"].iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in cells
    assert all(not (isinstance(v, str) and v.startswith("=")) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
               for v in row)


def test_markdown_writes_charts_beside_it(multi: ghgcalc.Result, tmp_path: Path) -> None:
    out = tmp_path / "pack.md"
    written = ghgcalc.report(multi, out)
    assert out in written
    pngs = sorted(p.name for p in written if p.suffix == ".png")
    assert pngs == ["energy.png", "scope.png", "trend.png"]
    text = out.read_text(encoding="utf-8")
    for name in pngs:
        assert f"](pack_charts/{name})" in text
        assert (tmp_path / "pack_charts" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\| \\[a\\](b)" in text  # pipes and link syntax in user text are escaped
    tables: list[list[str]] = [[]]
    for ln in text.splitlines():
        if ln.startswith("|"):
            tables[-1].append(ln)
        elif tables[-1]:
            tables.append([])
    checked = 0
    for tbl in tables:
        widths = {ln.replace("\\|", "").count("|") for ln in tbl}
        assert len(widths) <= 1, f"an escaped pipe must not add a column: {tbl}"
        checked += any("&lt;script" in ln for ln in tbl)
    assert checked == 1  # the by-facility table carries the facility name
    assert "| 2021 | 2021 |" in text  # data years without thousands separators


# -- command line -------------------------------------------------------------------------------
def test_cli_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    act = str(EXAMPLE / "activity.csv")
    for ext in ("html", "xlsx", "md"):
        out = tmp_path / f"k.{ext}"
        assert main(["report", act, "--profile", "kuaishou-2022", "--denominator", "headcount=27402", "-o", str(out)]) == 0
        assert out.stat().st_size > 1000
    assert "wrote" in capsys.readouterr().out
    assert main(["report", act, "--profile", "kuaishou-2022", "-o", str(tmp_path / "k.docx")]) == 2
    assert ".html, .xlsx, .md or .pdf" in capsys.readouterr().err
    assert main(["report", act, "--profile", "kuaishou-2022", "--base-year", "2019", "--target", "scope1_2=-30%@2030",
                 "-o", str(tmp_path / "t.html")]) == 2
    assert "base year 2019" in capsys.readouterr().err
    assert main(["report", act, "--profile", "kuaishou-2022", "-o", str(tmp_path / "missing" / "k.html")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["report", act, "--profile", "kuaishou-2022", "--denominator", "headcount@20x=5", "-o", str(tmp_path / "k.html")]) == 2
    assert "NAME@YEAR=N" in capsys.readouterr().err


def test_cli_report_per_year_denominators(tmp_path: Path) -> None:
    act = tmp_path / "a.csv"
    pd.DataFrame(multi_year_rows()).to_csv(act, index=False)
    prof = tmp_path / "p.toml"
    prof.write_text(PROFILE_TOML, encoding="utf-8")
    out = tmp_path / "r.xlsx"
    assert main(["report", str(act), "--profile", str(prof), "--denominator", "headcount=100", "--denominator", "headcount@2021=80",
                 "--base-year", "2021", "--target", "scope1_2_per_capita=-30%@2030", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    t = list(wb["targets"].iter_rows(values_only=True))
    assert t[1][0] == "scope1_2_per_capita"


def test_missing_matplotlib_exits_2_and_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code = main(["report", str(EXAMPLE / "activity.csv"), "--profile", "kuaishou-2022", "-o", str(tmp_path / "x.html")])
    assert code == 2
    assert "pip install 'ghgcalc[report]'" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


# -- notebooks ------------------------------------------------------------------------------------
def test_result_repr_html_has_kpis_and_provenance(seed_result: ghgcalc.Result) -> None:
    h = seed_result._repr_html_()
    kp = seed_result.kpis()
    for r in kp.to_dict("records"):
        assert f"<code>{r['metric']}</code>" in h
        assert r["label_zh_hant"] in h and r["label_zh_hans"] in h
    assert "8 of 8 input rows computed" in h and "kuaishou-2022" in h
    for f in seed_result.factors_used():
        assert f"<code>{f.id}</code>" in h
    assert "IPCC (NGGIP)" in h and "GB/T 2589-2020" in h


def test_result_repr_html_lists_rows_not_computed_and_escapes() -> None:
    rows = [{"carrier": "electricity", "quantity": "10", "unit": "MWh", "facility": "A"},
            {"carrier": "<b>unobtainium</b>", "quantity": "1", "unit": "t"}]
    res = ghgcalc.calculate(rows, "kuaishou-2022", on_error="collect")
    h = res._repr_html_()
    assert "1 of 2 input rows computed" in h and "1 row(s) not computed" in h
    assert "<b>unobtainium" not in h and "&lt;b&gt;unobtainium" in h


def test_reconciliation_repr_html(seed_result: ghgcalc.Result) -> None:
    rec = ghgcalc.reconcile(seed_result, EXAMPLE / "reported.yaml")
    h = rec._repr_html_()
    assert h.count("<tr>") == len(rec) + 1
    assert "16 reproduced, 1 consistent, 0 differs, 1 not recomputed" in h
    assert "class='status-not_recomputed'" in h and "data_centre_pue" in h


def test_streamed_result_says_what_the_pack_lacks(tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    pd.DataFrame(multi_year_rows()[:7]).assign(period="2022").to_csv(src, index=False)
    streamed = ghgcalc.calculate(src, profile_for(), chunk_rows=3)
    pack = disclosure_pack(streamed)
    assert any("per-row frame" in n for n in pack.notes)
    in_memory = disclosure_pack(ghgcalc.calculate(src, profile_for()))
    a = pack.kpis[pack.kpis["carrier"] == ""].set_index("metric")["value"]
    b = in_memory.kpis[in_memory.kpis["carrier"] == ""].set_index("metric")["value"]
    assert a.to_dict() == pytest.approx(b.to_dict(), rel=1e-12)


def test_rows_not_computed_are_listed(tmp_path: Path) -> None:
    rows = [*multi_year_rows()[:3], {"carrier": "unobtainium", "quantity": "1", "unit": "t", "facility": "X", "period": "2021"}]
    res = ghgcalc.calculate(rows, profile_for(), on_error="collect")
    pack = disclosure_pack(res)
    assert list(pack.errors["row"]) == [3] and "errors" in pack.tables()
    assert "not computed" in pack.notes[0]
    out = tmp_path / "e.xlsx"
    ghgcalc.report(res, out)
    errs = list(openpyxl.load_workbook(out)["errors"].iter_rows(values_only=True))
    assert errs[1][0] == 3 and "unobtainium" in str(errs[1])


def test_user_carrier_names_are_text_in_charts_and_html(tmp_path: Path) -> None:
    prof = {**ghgcalc.load_profile("kuaishou-2022").model_dump(exclude={"base_dir"}), "id": "x"}
    name = "bio$\\frac{1}{0}$<b>fuel</b>"  # mathtext and markup in a user's carrier id
    prof["carriers"] = {**prof["carriers"], name: {"scope": 1, "emission": [], "heating_value": "40 GJ/t",
                                                   "coal_equivalent": "1.2 kgce/kg"}}
    res = ghgcalc.calculate([{"carrier": name, "quantity": "5", "unit": "t"},
                             {"carrier": "electricity", "quantity": "5", "unit": "MWh"}], prof)
    out = tmp_path / "c.html"
    ghgcalc.report(res, out)
    text = out.read_text(encoding="utf-8")
    assert "<b>fuel" not in text
    assert "bio$\\frac{1}{0}$&lt;b&gt;fuel&lt;/b&gt;" in text  # in the tables and as chart text, as typed
    chart = text[text.index('<figure id="chart-energy">'):]
    chart = chart[: chart.index("</figure>")]
    assert ">bio$\\frac{1}{0}$&lt;b&gt;fuel&lt;/b&gt;<" in chart  # not rendered as mathtext


def test_targets_from_yaml(multi: ghgcalc.Result, tmp_path: Path) -> None:
    from ghgcalc.reports.disclosure import load_targets

    f = tmp_path / "targets.yaml"
    f.write_text("base_year: 2021\ntargets:\n  - scope1_2=-30%@2030\n  - {metric: scope1_2_per_capita, change: '-50%', year: 2030}\n"
                 "denominators:\n  2021: {headcount: 80}\n", encoding="utf-8")
    spec = load_targets(f)
    assert spec["base_year"] == 2021 and [t.metric for t in spec["targets"]] == ["scope1_2", "scope1_2_per_capita"]
    assert spec["targets"][1].change == Fraction(-1, 2)
    pack = disclosure_pack(multi, **spec)
    assert pack.targets is not None
    t = pack.targets.set_index("metric")
    y21 = ghgcalc.calculate([r for r in multi_year_rows() if r["period"] == "2021"], profile_for())
    assert t.loc["scope1_2_per_capita", "base_value"] == pytest.approx(y21.metric_value("scope1_2")[0] / 80)
    # the same through the command line
    act = tmp_path / "a.csv"
    pd.DataFrame(multi_year_rows()).to_csv(act, index=False)
    prof = tmp_path / "p.toml"
    prof.write_text(PROFILE_TOML, encoding="utf-8")
    out = tmp_path / "t.xlsx"
    assert main(["report", str(act), "--profile", str(prof), "--denominator", "headcount=100", "--targets", str(f), "-o", str(out)]) == 0
    got = [r[0] for r in openpyxl.load_workbook(out)["targets"].iter_rows(min_row=2, values_only=True)]
    assert got == ["scope1_2", "scope1_2_per_capita"]


@pytest.mark.parametrize("text, match", [
    ("targets: scope1_2\n", "list 'targets'"),
    ("base_year: 2021\ntargets: [{metric: scope1_2}]\n", r"targets\[0\]"),
    ("base_year: '2021x'\ntargets: [scope1_2=-30%@2030]\n", "base_year must be a year"),
    ("base_year: 2021\ntarget: []\ntargets: []\n", "unknown key"),
    ("base_year: 2021\ntargets: [scope1_2=-30@@2030]\n", "expected METRIC=CHANGE%@YEAR"),
])
def test_bad_targets_files(tmp_path: Path, text: str, match: str) -> None:
    from ghgcalc.reports.disclosure import load_targets

    f = tmp_path / "t.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(GhgcalcError, match=match):
        load_targets(f)


def test_no_facility_column_no_empty_facility_section(tmp_path: Path) -> None:
    """Data without a facility column: the pack has no "By facility" section (it printed an empty
    table with no note), in HTML, Markdown and XLSX; with one, the section is there."""
    rows = [{"carrier": "electricity", "quantity": "1000", "unit": "MWh", "period": 2022}]
    without = ghgcalc.calculate(rows, "kuaishou-2022")
    with_fac = ghgcalc.calculate([{**rows[0], "facility": "Plant A"}], "kuaishou-2022")
    assert "by_facility" not in disclosure_pack(without).tables()
    assert list(disclosure_pack(with_fac).tables()["by_facility"]["facility"]) == ["Plant A"]
    for ext in ("html", "md", "xlsx"):
        ghgcalc.report(without, tmp_path / f"p.{ext}", lang="en")
    assert "by_facility" not in (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "By facility" not in (tmp_path / "p.md").read_text(encoding="utf-8")
    assert "by_facility" not in openpyxl.load_workbook(tmp_path / "p.xlsx").sheetnames
