"""Figures as mainland reports print them (issue 15 items 7 and 8; contract section 8).

Mainland reports print Scope 2 in 吨二氧化碳 (t CO2), because the MEE grid factors are CO2 factors
(cn-mee-grid-national-2022: 0.5703 t CO2/MWh, MEE 环办气候函〔2023〕43号), and energy in 吨标准煤
(tce, GB/T 2589-2020: electricity 0.1229 kgce/kWh) under the plain energy heading. Before, both
stopped reconcile and explain with "cannot convert t CO2e to t CO2" / "MWh to tce" (``differs``).
The printed unit now chooses the metric compared with, and the reason says which; a unit that
cannot be bridged is ``not_recomputed``, never ``differs``.
"""

from __future__ import annotations

import json
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.bridge import bridge_printed_unit
from ghgcalc.core.profiles import builtin_profiles
from ghgcalc.errors import UnitError

# 1234.5 MWh of purchased electricity (hand arithmetic, exact):
#   Scope 2 = 1234.5 x 0.5703 t CO2/MWh            = 704.03535 t CO2 (all CO2: one CO2 factor)
#   tce     = 1234.5 MWh x 0.1229 kgce/kWh          = 151.72005 tce   (GB/T 2589-2020 calorific equivalent)
#   GJ      = 1234.5 x 3.6                          = 4444.2 GJ
MAINLAND_SHAPES = [
    # a mainland KPI table with Chinese carriers and units
    pd.DataFrame({"carrier": ["外购电力"], "quantity": ["1,234.5"], "unit": ["兆瓦时"], "period": ["2022"]}),
    # the same in English, in kWh
    pd.DataFrame({"carrier": ["Purchased electricity"], "quantity": ["1234500"], "unit": ["kWh"], "period": [2022]}),
    # split over two facilities, in 万千瓦时 and MWh
    pd.DataFrame({"facility": ["北京", "上海"], "carrier": ["外购电力", "外购电力"], "quantity": ["100", "234.5"],
                  "unit": ["万千瓦时", "MWh"], "period": [2022, 2022]}),
]


def _mainland_figures() -> dict[str, Any]:
    return {"reporting_year": 2022, "denominators": {"headcount": 100}, "reported": [
        {"metric": "scope2", "value": "704.04", "unit": "吨二氧化碳"},
        {"metric": "scope2", "value": "0.07", "unit": "万吨二氧化碳"},
        {"metric": "scope2", "value": "704.04", "unit": "t CO2e"},                 # the plain metric: no bridge
        {"metric": "energy_indirect", "value": "151.72", "unit": "吨标准煤"},
        {"metric": "energy_indirect", "value": "151.7", "unit": "噸標準煤"},
        {"metric": "energy_total", "value": "151.72", "unit": "tce"},
        {"metric": "energy_indirect", "value": "4444.2", "unit": "GJ"},             # a conversion, not a variant
        {"metric": "energy_indirect_tce", "value": "1234.5", "unit": "兆瓦时"},     # the reverse
        {"metric": "energy_indirect_per_capita", "value": "1.52", "unit": "吨标准煤/人"},
        {"metric": "scope2_per_capita", "value": "7.04", "unit": "吨二氧化碳/人"},
    ]}


@pytest.mark.parametrize("activity", MAINLAND_SHAPES, ids=["zh-labels", "en-kwh", "two-facilities"])
def test_mainland_report_reconciles_in_printed_units(activity: pd.DataFrame) -> None:
    result = ghgcalc.calculate(activity, "cn-mee-ets-2022", denominators={"headcount": 100})
    got = ghgcalc.reconcile(result, _mainland_figures()).to_list()
    assert [e["status"] for e in got] == ["reproduced"] * len(got), got
    assert [e["recomputed"] for e in got] == ["704.04", "0.07", "704.04", "151.72", "151.7", "151.72", "4444.2", "1234.5",
                                              "1.52", "7.04"]
    r = [e["reason"] for e in got]
    # t CO2: every factor behind Scope 2 is the MEE CO2 factor, so its total is compared, and the reason says so
    assert "every factor behind scope2 is a CO2 factor (cn-mee-grid-national-2022)" in r[0]
    assert "compared with its total" in r[0] and "every factor" in r[1] and "every factor" in r[9]
    assert r[2] == "" and r[6] == ""                      # the plain unit and GJ: no variant involved
    assert "energy_indirect_tce" in r[3] and "energy_indirect_tce" in r[4] and "energy_total_tce" in r[5]
    assert "compared with energy_indirect (" in r[7]
    assert "energy_indirect_tce" in r[8]


def test_co2_figure_is_the_co2_sum_not_the_co2e_total_where_ch4_n2o_are_counted() -> None:
    """IPCC 2006 Tier 1 with CH4 and N2O (Vol. 2 Tables 1.2, 1.4, 2.4; AR5 GWP 28 and 265):
    10 t diesel = 0.43 TJ -> 31.863 t CO2, 4.3 kg CH4, 0.258 kg N2O; CO2e = 32.0517...
    A Scope 1 figure printed in t CO2 is the CO2 sum: 31.86 reproduces, 32.05 (the CO2e) does not."""
    for activity in (pd.DataFrame({"carrier": ["diesel"], "quantity": ["10.000"], "unit": ["t"], "period": [2022]}),
                     pd.DataFrame({"carrier": ["柴油"], "quantity": ["10,000"], "unit": ["公斤"], "period": ["2022"]})):
        result = ghgcalc.calculate(activity, "ipcc-2006-tier1-commercial")
        assert float(result.totals()["scope1_co2"].magnitude) == pytest.approx(31.863)
        assert float(result.totals()["scope1"].magnitude) == pytest.approx(31.863 + 0.0043 * 28 + 0.000258 * 265)
        got = ghgcalc.reconcile(result, {"reported": [
            {"metric": "scope1", "value": "31.86", "unit": "吨二氧化碳"},
            {"metric": "scope1", "value": "32.05", "unit": "t CO2"},
            {"metric": "scope1", "value": "32.05", "unit": "t CO2e"},
            {"metric": "scope1_2", "value": "31.86", "unit": "tCO2"},
            {"metric": "scope1", "value": "4.3", "unit": "kg CH4"}]}).to_list()
        assert [e["status"] for e in got] == ["reproduced", "differs", "reproduced", "reproduced", "reproduced"], got
        assert "compared with scope1_co2" in got[0]["reason"] and "not the CO2e total" in got[0]["reason"]
        assert got[1]["recomputed"] == "31.86"
        assert "compared with scope1_2_co2" in got[3]["reason"]
        assert "compared with scope1_ch4" in got[4]["reason"]


def test_co2e_factors_behind_a_co2_figure_are_not_recomputed_never_differs(capsys: pytest.CaptureFixture[str],
                                                                            tmp_path: Path) -> None:
    """Hong Kong power companies print CO2e factors (hk-clp-2023: 0.39 kg CO2e/kWh): a Scope 2
    figure printed in t CO2 cannot be compared (CO2 is not counted apart), and says why."""
    act = tmp_path / "act.csv"
    act.write_text("carrier,quantity,unit,region,period\nelectricity,1000,MWh,CLP,2023\n", encoding="utf-8")
    rep = tmp_path / "rep.yaml"
    rep.write_text('reporting_year: 2023\nreported:\n  - {metric: scope2, value: "390", unit: 噸二氧化碳}\n'
                   '  - {metric: scope2, value: "390", unit: 噸二氧化碳當量}\n', encoding="utf-8")
    code = main(["reconcile", str(act), str(rep), "--profile", "hk-utilities-2023", "--format", "json"])
    got = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [e["status"] for e in got] == ["not_recomputed", "reproduced"]
    assert got[0]["recomputed"] is None
    assert "hk-clp-2023" in got[0]["reason"] and "not every factor" in got[0]["reason"]
    assert "scope2_co2" in got[0]["reason"]


def _market_profile(residual: str) -> dict[str, Any]:
    prof = tomllib.loads(builtin_profiles()["cn-mee-nbs-2022-market"].read_text(encoding="utf-8"))
    prof["id"] = "market-test"
    prof["market_based"]["residual"] = residual
    return prof


@pytest.mark.parametrize(("residual", "status", "words"), [
    ("cn-mee-nbs-grid-national-residual-2022", "reproduced", "every factor behind scope2_market is a CO2 factor"),
    ("0.5856 t CO2/MWh", "reproduced", "every factor behind scope2_market is a CO2 factor"),
    ("0.5856 t CO2e/MWh", "not_recomputed", "not every factor"),
])
def test_market_based_scope2_in_t_co2_compares_the_total_only_when_all_co2(residual: str, status: str, words: str) -> None:
    """Market-based Scope 2 has no CO2-only sum: a figure in t CO2 is compared with its total
    only where every factor behind it is a CO2 factor (the MEE/NBS residual factor, 0.5856
    t CO2/MWh for 2022: 1000 MWh -> 585.6 t)."""
    activity = pd.DataFrame({"carrier": ["electricity"], "quantity": ["1000"], "unit": ["MWh"], "period": [2022]})
    result = ghgcalc.calculate(activity, _market_profile(residual))
    (e,) = ghgcalc.reconcile(result, {"reported": [{"metric": "scope2_market", "value": "585.6", "unit": "吨二氧化碳"}]})
    assert e["status"] == status, e
    assert words in e["reason"]
    assert e["recomputed"] == ("585.6" if status == "reproduced" else None)


@pytest.mark.parametrize(("metric", "unit"), [
    ("energy_total", "t"), ("scope2", "m^3"), ("scope2", "MWh"), ("energy_indirect", "t CO2"), ("fresh_water", "MWh"),
])
def test_a_unit_that_cannot_be_bridged_is_not_recomputed(metric: str, unit: str) -> None:
    activity = pd.DataFrame({"carrier": ["electricity", "fresh_water"], "quantity": ["1000", "50"], "unit": ["MWh", "m3"],
                             "period": [2022, 2022]})
    result = ghgcalc.calculate(activity, "cn-mee-ets-2022")
    rec = ghgcalc.reconcile(result, {"reported": [{"metric": metric, "value": "1", "unit": unit}]})
    (e,) = rec.to_list()
    assert e["status"] == "not_recomputed" and rec.ok
    assert e["reason"].startswith("cannot compare")


def test_water_printed_as_a_mass_still_converts_through_the_density() -> None:
    activity = pd.DataFrame({"carrier": ["fresh_water"], "quantity": ["50"], "unit": ["m3"], "period": [2022]})
    result = ghgcalc.calculate(activity, "cn-mee-ets-2022")
    (e,) = ghgcalc.reconcile(result, {"reported": [{"metric": "fresh_water", "value": "50", "unit": "t"}]})
    assert e["status"] == "reproduced" and "density" in e["reason"]


def test_streamed_result_reconciles_the_same(tmp_path: Path) -> None:
    path = tmp_path / "act.csv"
    path.write_text("carrier,quantity,unit,period\n外购电力,1000,兆瓦时,2022\n外购电力,234.5,兆瓦时,2022\n", encoding="utf-8")
    figs = {k: v for k, v in _mainland_figures().items() if k != "denominators"}
    figs["reported"] = [f for f in figs["reported"] if "per_capita" not in f["metric"]]
    mem = ghgcalc.reconcile(ghgcalc.calculate(path, "cn-mee-ets-2022"), figs).to_list()
    streamed = ghgcalc.reconcile(ghgcalc.calculate(path, "cn-mee-ets-2022", chunk_rows=1), figs).to_list()
    assert streamed == mem
    assert {e["status"] for e in mem} == {"reproduced"}


def test_cli_table_shows_which_variant_was_compared(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    act = tmp_path / "act.csv"
    act.write_text("carrier,quantity,unit,period\n外购电力,1234.5,兆瓦时,2022\n", encoding="utf-8")
    rep = tmp_path / "rep.yaml"
    rep.write_text('reporting_year: 2022\nreported:\n  - {metric: scope2, value: "704.04", unit: 吨二氧化碳}\n'
                   '  - {metric: energy_indirect, value: "151.72", unit: 吨标准煤}\n', encoding="utf-8")
    assert main(["reconcile", str(act), str(rep), "--profile", "cn-mee-ets-2022"]) == 0
    out = capsys.readouterr().out
    assert "2 reproduced, 0 consistent, 0 differs" in out
    assert "every factor behind scope2 is a CO2 factor" in out and "energy_indirect_tce" in out


def test_explain_searches_the_variant_the_printed_unit_asks_for() -> None:
    activity = MAINLAND_SHAPES[1]
    ex = ghgcalc.explain(activity, {"reporting_year": 2022, "reported": [
        {"metric": "scope2", "value": "704.04", "unit": "吨二氧化碳"},
        {"metric": "energy_indirect", "value": "151.72", "unit": "吨标准煤"}]})
    co2, tce = ex.figures
    assert co2.searched and co2.reproduced
    assert "cn-mee-grid-national-2022" in co2.candidates[0].factors
    assert any("compared with scope2_co2" in n for n in co2.notes)
    assert tce.searched and tce.reproduced
    assert "gbt2589-2020-electricity-calorific" in tce.candidates[0].factors
    assert any("energy_indirect_tce" in n for n in tce.notes)
    assert ex.ok


def test_explain_offers_no_co2e_factor_for_a_co2_figure() -> None:
    """A CO2e grid factor says nothing of the CO2 in it: it is never a candidate for a figure in t CO2."""
    activity = pd.DataFrame({"carrier": ["electricity"], "quantity": ["1000"], "unit": ["MWh"], "region": ["HK-CLP"],
                             "period": [2023]})
    ex = ghgcalc.explain(activity, {"reporting_year": 2023, "reported": [{"metric": "scope2", "value": "390", "unit": "t CO2"}]})
    (fig,) = ex.figures
    assert not any("hk-clp-2023" in c.factors for c in fig.candidates)


def test_bridge_decisions() -> None:
    b = bridge_printed_unit("scope2", "吨二氧化碳")
    assert (b.metric, b.factor, b.gas, b.stand_in) == ("scope2_co2", 1, "CO2", False)
    b = bridge_printed_unit("scope2", "万吨二氧化碳")
    assert (b.metric, b.factor) == ("scope2_co2", Fraction(1, 10**4))
    b = bridge_printed_unit("energy_indirect", "噸標準煤")
    assert (b.metric, b.factor, b.gas) == ("energy_indirect_tce", 1, None)
    b = bridge_printed_unit("energy_indirect", "GJ")
    assert (b.metric, b.factor, b.note) == ("energy_indirect", Fraction(36, 10), None)
    b = bridge_printed_unit("energy_total_tce", "MWh")
    assert b.metric == "energy_total"
    b = bridge_printed_unit("energy_direct", "吨标准煤/人", "person")
    assert b.metric == "energy_direct_tce"
    b = bridge_printed_unit("scope2_market", "t CO2")
    assert (b.metric, b.stand_in, b.gas) == ("scope2_market", True, "CO2")
    b = bridge_printed_unit("scope1", "tonnes")      # a bare mass under a GHG heading: CO2e, as before
    assert b.metric == "scope1" and "names no gas" in str(b.note)
    with pytest.raises(UnitError, match="variants of energy_total"):
        bridge_printed_unit("energy_total", "t")


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=3))
def test_printed_mwh_in_tce_and_t_co2_reproduce(kwh: int, decimals: int) -> None:
    """Any electricity quantity: its Scope 2 printed in t CO2 and its energy in tce, each rounded
    half-up at the printed precision from the exact values, reproduce."""
    q = Fraction(kwh, 1000)   # MWh
    activity = pd.DataFrame({"carrier": ["electricity"], "quantity": [str(kwh)], "unit": ["kWh"], "period": [2022]})
    result = ghgcalc.calculate(activity, "cn-mee-ets-2022")

    def printed(x: Fraction) -> str:
        scaled = x * 10**decimals
        n = int(scaled) + (1 if scaled - int(scaled) >= Fraction(1, 2) else 0)
        digits = str(n).rjust(decimals + 1, "0")
        return f"{digits[:-decimals]}.{digits[-decimals:]}" if decimals else digits

    rep = {"reported": [{"metric": "scope2", "value": printed(q * Fraction("0.5703")), "unit": "吨二氧化碳"},
                        {"metric": "energy_indirect", "value": printed(q * Fraction("0.1229")), "unit": "吨标准煤"}]}
    assert [e["status"] for e in ghgcalc.reconcile(result, rep)] == ["reproduced", "reproduced"]
