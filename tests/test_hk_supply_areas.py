"""Hong Kong (issue 15 item 11): the supply areas in ``factors list --region HK``, a warning
wherever a placeholder factor is used, and the Hong Kong profiles' fuel gap said plainly with
the ``extends`` recipe.

The two power companies' 2023 rows (hk-clp-2023 0.39, hk-hkelectric-2023 0.71 kg CO2e/kWh) were
seen only in a secondary source; their notes called them placeholders in words, and their
review_status is now ``placeholder`` (factors/CHANGELOG.md, Unreleased).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.factors import default_library, placeholder_warnings
from ghgcalc.core.regions import region_within
from ghgcalc.errors import ActivityDataError
from ghgcalc.reports.disclosure import disclosure_pack, render_html, render_markdown

HK_ROWS = {"hk-epd-emsd-default-electricity", "hk-clp-2023", "hk-hkelectric-2023", "hk-clp-2019", "hk-hkelectric-2019"}


# -- factors list --region ------------------------------------------------------------------
@pytest.mark.parametrize("region", ["HK", "hk", "香港", "Hong Kong"])
def test_factors_list_region_hk_includes_the_supply_areas(region: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["factors", "list", "--region", region, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    ids = {r["id"] for r in rows}
    assert HK_ROWS <= ids
    assert {r["region"] for r in rows} == {"HK", "HK-CLP", "HK-HKE"}


@pytest.mark.parametrize(("region", "areas"), [("HK-CLP", {"HK-CLP"}), ("CLP", {"HK-CLP"}), ("港燈", {"HK-HKE"}),
                                               ("CN", None)])
def test_a_supply_area_lists_itself_and_cn_lists_no_hong_kong(region: str, areas: set[str] | None,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["factors", "list", "--region", region, "--format", "json"]) == 0
    regions = {r["region"] for r in json.loads(capsys.readouterr().out)}
    if areas is not None:
        assert regions == areas
    else:   # CN and its provinces and grids; never Hong Kong or Macao (own codes, not sub-regions of CN)
        assert "CN" in regions and "CN-GD" in regions and "CN-NORTH" in regions
        assert not any(r.startswith(("HK", "MO")) for r in regions)


def test_region_within_is_the_code_hierarchy() -> None:
    assert region_within("HK-CLP", "HK") and region_within("hk-hke", "HK") and region_within("HK", "HK")
    assert not region_within("HK", "HK-CLP") and not region_within("HKX", "HK") and not region_within(None, "HK")
    lib = default_library()
    assert {r.id for r in lib.select(region="HK", within=True)} >= HK_ROWS
    assert {r.region for r in lib.select(region="HK")} == {"HK"}      # without within: the exact code, as before


def test_status_filter_lists_the_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["factors", "list", "--status", "placeholder", "--format", "json"]) == 0
    assert {r["id"] for r in json.loads(capsys.readouterr().out)} == {"hk-clp-2023", "hk-hkelectric-2023"}


# -- a placeholder factor used: a warning in calc, its JSON and the pack ----------------------
SHAPES = {
    "label": pd.DataFrame({"carrier": ["Electricity (HK Electric)"], "quantity": ["100,000"], "unit": ["kWh"], "period": [2023]}),
    "region-alias": pd.DataFrame({"carrier": ["外購電力"], "quantity": ["10"], "unit": ["萬千瓦時"], "region": ["港燈"],
                                  "period": ["2023"]}),
    "region-code": pd.DataFrame({"facility": ["Central", "Tsuen Wan"], "carrier": ["electricity", "electricity"],
                                 "quantity": ["60000", "40000"], "unit": ["kWh", "kWh"], "region": ["HK-HKE", "HK-HKE"],
                                 "period": [2023, 2023]}),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_placeholder_factor_warns_in_the_result(shape: str) -> None:
    result = ghgcalc.calculate(SHAPES[shape], "hk-utilities-2023")
    assert float(result.totals()["scope2"].magnitude) == pytest.approx(71.0)      # 100 MWh x 0.71
    (w,) = result.warnings
    assert (w.row, w.column, w.value) == (None, "factor", "hk-hkelectric-2023")
    assert "placeholder" in w.reason and "provisional" in w.reason and "0.71 kg CO2e/kWh" in w.reason
    assert w.hint and "your own" in w.hint
    assert result.rows_computed == len(SHAPES[shape])             # a warning, not an error: every row computed


def test_calc_prints_the_warning_and_lists_it_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    act = tmp_path / "hk.csv"
    act.write_text("carrier,quantity,unit,region,period\nelectricity,1000,kWh,CLP,2023\nelectricity,1000,kWh,HK Electric,2023\n",
                   encoding="utf-8")
    assert main(["calc", str(act), "--profile", "hk-utilities-2023", "--format", "json"]) == 0
    cap = capsys.readouterr()
    out = json.loads(cap.out)
    assert sorted(w["value"] for w in out["warnings"]) == ["hk-clp-2023", "hk-hkelectric-2023"]
    assert cap.err.count("warning:") == 2 and "hk-clp-2023" in cap.err and "placeholder" in cap.err
    # streamed (chunk by chunk): the same warnings
    assert main(["calc", str(act), "--profile", "hk-utilities-2023", "--chunk-rows", "1", "--format", "json"]) == 0
    cap = capsys.readouterr()
    assert sorted(w["value"] for w in json.loads(cap.out)["warnings"]) == ["hk-clp-2023", "hk-hkelectric-2023"]
    assert cap.err.count("placeholder") == 2


def test_a_checked_factor_gives_no_warning(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    activity = pd.DataFrame({"carrier": ["electricity"], "quantity": ["1000"], "unit": ["kWh"], "period": [2023]})
    assert ghgcalc.calculate(activity, "hk-epd-emsd-2010").warnings == []   # verified territory-wide default
    act = tmp_path / "a.csv"
    activity.to_csv(act, index=False)
    assert main(["calc", str(act), "--profile", "hk-epd-emsd-2010"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert placeholder_warnings(default_library().select(region="CN", within=True)) == []


def test_the_pack_says_the_figures_are_provisional() -> None:
    result = ghgcalc.calculate(SHAPES["region-code"], "hk-utilities-2023")
    pack = disclosure_pack(result)
    assert any(n.startswith("warning: factor hk-hkelectric-2023") for n in pack.notes)
    assert "hk-hkelectric-2023" in render_markdown(pack) and "is a placeholder" in render_markdown(pack)
    assert "is a placeholder" in render_html(pack)
    assert pack.factors.set_index("id").loc["hk-hkelectric-2023", "review_status"] == "placeholder"
    clean = disclosure_pack(ghgcalc.calculate(SHAPES["region-code"].assign(region="HK"), "hk-epd-emsd-2010"))
    assert not any("placeholder" in n for n in clean.notes)


# -- the fuel gap --------------------------------------------------------------------------------
@pytest.mark.parametrize("pid", ["hk-utilities-2023", "hk-epd-emsd-2010"])
def test_profiles_show_says_the_fuel_gap_and_the_recipe(pid: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "show", pid]) == 0
    out = capsys.readouterr().out
    assert "Scope 1 fuels: none pinned" in out
    assert "Fuel gap: no Hong Kong fuel factors are shipped" in out
    assert f'extends = "{pid}"' in out and "heating_value = []" in out


@pytest.mark.parametrize("pid", ["hk-utilities-2023", "hk-epd-emsd-2010"])
def test_a_fuel_row_error_names_the_gap_and_the_recipe(pid: str) -> None:
    activity = pd.DataFrame({"carrier": ["Electricity (CLP)", "柴油"], "quantity": ["1000", "100"], "unit": ["kWh", "公升"],
                             "region": ["CLP", "HK"], "period": [2023, 2023]})
    with pytest.raises(ActivityDataError) as exc:
        ghgcalc.calculate(activity, pid)
    (issue,) = exc.value.issues
    assert issue.column == "carrier" and issue.row == 1
    assert "Fuel gap: no Hong Kong fuel factors are shipped" in (issue.hint or "")
    assert f'extends = "{pid}"' in (issue.hint or "")
    # the shipped rows it lists say whose they are: mainland China's, none for Hong Kong
    assert "(CN, " in (issue.hint or "")


def test_the_recipe_works(tmp_path: Path) -> None:
    """The note's recipe, as a user writes it: extends the built-in profile, diesel per litre
    (illustrative user values, not EPD/EMSD's: 2.6 kg CO2, 0.1 g CH4, 0.02 g N2O per litre),
    heating_value = []; the power company's factor is kept. 1000 kWh x 0.39 = 0.39 t; 100 L of
    diesel = 0.26 t CO2 + 0.00001 t CH4 x 28 + 0.000002 t N2O x 265 (AR5) = 0.26081 t."""
    (tmp_path / "my-hk.toml").write_text(
        'id = "my-hk"\nextends = "hk-utilities-2023"\n[carriers.diesel]\n'
        'emission = ["2.6 kg CO2/L", "0.1 g CH4/L", "0.02 g N2O/L"]\nheating_value = []\n', encoding="utf-8")
    activity = pd.DataFrame({"carrier": ["Electricity (CLP)", "柴油"], "quantity": ["1000", "100"], "unit": ["kWh", "公升"],
                             "period": [2023, 2023]})
    result = ghgcalc.calculate(activity, tmp_path / "my-hk.toml")
    t = result.totals()
    assert float(t["scope2"].magnitude) == pytest.approx(0.39)
    assert float(t["scope1"].magnitude) == pytest.approx(0.26 + 0.00001 * 28 + 0.000002 * 265)
    assert [w.value for w in result.warnings] == ["hk-clp-2023"]      # the inherited placeholder still warns
    assert "energy not computed" in result.rows["method_notes"].astype(str).iloc[1]
