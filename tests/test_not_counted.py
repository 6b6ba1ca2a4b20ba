"""A gas or metric that no factor of the method counts is n/a with its reason, never 0.

Issue "One core" A4 / contract section 8 ("not counted is not zero"): with a CO2e-only
factor, ``scope1_co2`` read 0.0 beside a non-zero ``scope1``, and ``scope1_ch4`` /
``scope1_n2o`` read 0.0 under methods that do not count those gases. Zero only when counted
and zero.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.reports.reporting import kpi_table_text, result_json

_DIESEL = pd.DataFrame({"carrier": ["diesel"], "quantity": ["1250"], "unit": ["L"], "period": [2023]})


def _prof(emission: list[str]) -> dict[str, object]:
    return {"id": "t", "reporting_year": 2023, "region": "HK", "gwp_set": "AR5",
            "carriers": {"diesel": {"emission": emission, "heating_value": []}}}


def test_a_co2e_factor_leaves_every_gas_not_available() -> None:
    r = ghgcalc.calculate(_DIESEL, _prof(["2.7 kg CO2e/L"]), denominators={"headcount": 10})
    t = r.totals()
    assert t["scope1"].to("t CO2e").magnitude == pytest.approx(3.375)
    for gas in ("co2", "ch4", "n2o"):
        assert math.isnan(t[f"scope1_{gas}"].magnitude), gas
        assert math.isnan(r.rows[f"{gas}_t"].iloc[0])
        why = r.unavailable_reasons()[f"scope1_{gas}"]
        assert "CO2e factor" in why and "diesel" in why
    js = result_json(r)["totals"]
    assert js["scope1_co2"]["value"] is None and "CO2e factor" in js["scope1_co2"]["reason"]
    assert js["scope1_co2_per_capita"]["value"] is None and js["scope1_co2_per_capita"]["unit"] == "t CO2 / person"
    assert js["scope1"]["value"] == pytest.approx(3.375) and "reason" not in js["scope1"]
    text = kpi_table_text(r)
    assert "scope1_co2" in text and "n/a: scope1_co2, scope1_ch4, scope1_n2o" in text


def test_a_co2_factor_counts_co2_and_leaves_ch4_n2o_not_available() -> None:
    t = ghgcalc.calculate(_DIESEL, _prof(["2.6 kg CO2/L"])).totals()
    assert t["scope1_co2"].to("t CO2").magnitude == pytest.approx(3.25)
    assert math.isnan(t["scope1_ch4"].magnitude) and math.isnan(t["scope1_n2o"].magnitude)


def test_counted_and_zero_stays_zero() -> None:
    # all three gases counted (IPCC Tier 1, Table 2.4 commercial): the numbers, not n/a
    t = ghgcalc.calculate([{"carrier": "diesel", "quantity": "1000", "unit": "GJ"}], "ipcc-2006-tier1-commercial").totals()
    assert t["scope1_ch4"].to("t CH4").magnitude == pytest.approx(0.010)
    # biomass: CO2 biogenic, outside the scopes: counted as 0 by rule, with the reason on the row
    r = ghgcalc.calculate([{"carrier": "wood", "quantity": "10", "unit": "t"}], "ipcc-2006-tier1-commercial")
    assert r.totals()["scope1_co2"].magnitude == 0.0
    assert "biogenic" in str(r.rows["method_notes"].iloc[0])
    # a single-gas direct entry (kg CH4) has no CO2: counted and zero
    t = ghgcalc.calculate([{"carrier": "diesel", "quantity": "5", "unit": "kg CH4"}], _prof(["2.6 kg CO2/L"])).totals()
    assert t["scope1_co2"].magnitude == 0.0 and t["scope1_ch4"].to("kg CH4").magnitude == pytest.approx(5)


def test_a_co2e_direct_entry_does_not_say_how_much_is_co2() -> None:
    r = ghgcalc.calculate([{"carrier": "diesel", "quantity": "2", "unit": "t CO2e"}], _prof(["2.6 kg CO2/L"]))
    assert r.totals()["scope1"].to("t CO2e").magnitude == pytest.approx(2)
    assert math.isnan(r.totals()["scope1_co2"].magnitude)


def test_calc_json_prints_null_with_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.csv").write_text("carrier,quantity,unit,period\ndiesel,1250,L,2023\n", encoding="utf-8")
    (tmp_path / "p.toml").write_text('id = "t"\nreporting_year = 2023\ngwp_set = "AR5"\n'
                                     '[carriers.diesel]\nemission = ["2.7 kg CO2e/L"]\nheating_value = []\n', encoding="utf-8")
    assert main(["calc", str(tmp_path / "a.csv"), "--profile", str(tmp_path / "p.toml"), "--format", "json"]) == 0
    tot = json.loads(capsys.readouterr().out)["totals"]
    assert tot["scope1_n2o"]["value"] is None and "not counted separately" in tot["scope1_n2o"]["reason"]
    assert tot["scope1"]["value"] == pytest.approx(3.375)


# -- count_emissions = false: an energy-only calculation -----------------------------------
def _energy_only(extra: dict[str, object] | None = None) -> dict[str, object]:
    return {"id": "t", "reporting_year": 2024, "gwp_set": "AR6", "energy_basis": "heating_value",
            "carriers": {"diesel": {"count_emissions": False, "heating_value": "0.035196 GJ/L", **(extra or {})},
                         "electricity": {"count_emissions": False}}}


_MIXED = pd.DataFrame({"carrier": ["diesel", "electricity"], "quantity": ["1000", "2000"], "unit": ["L", "kWh"],
                       "period": [2024, 2024]})


def test_count_emissions_false_leaves_every_scope_figure_not_available() -> None:
    """Energy without emissions (a GRI 302 or energy-use table): every greenhouse-gas figure
    is n/a with the profile's reason, in the totals, the rows, the JSON and the text table;
    the energy is counted."""
    r = ghgcalc.calculate(_MIXED, _energy_only())
    t = r.totals()
    for m in ("scope1", "scope2", "scope1_2", "scope1_co2", "scope1_ch4", "scope1_n2o"):
        assert math.isnan(t[m].magnitude), m
        assert "count_emissions = false" in r.unavailable_reasons()[m]
    assert r.rows["co2e_t"].isna().all()
    assert t["energy_total"].to("MWh").magnitude == pytest.approx(1000 * 0.035196 / 3.6 + 2.0)
    js = result_json(r)["totals"]
    assert js["scope2"]["value"] is None and "count_emissions = false" in js["scope2"]["reason"]
    assert "count_emissions = false" in str(r.rows["method_notes"].iloc[0])


def test_count_emissions_false_for_one_carrier_makes_the_sum_not_available_only() -> None:
    """Diesel counted, electricity not: Scope 1 is a number; Scope 2 and Scope 1+2 are n/a
    (a sum with a part not counted is not a number)."""
    prof = _energy_only()
    prof["carriers"]["diesel"] = {"emission": ["2.6 kg CO2e/L"], "heating_value": "0.035196 GJ/L"}  # type: ignore[index]
    t = ghgcalc.calculate(_MIXED, prof).totals()
    assert t["scope1"].to("t CO2e").magnitude == pytest.approx(2.6)
    assert math.isnan(t["scope2"].magnitude) and math.isnan(t["scope1_2"].magnitude)


@pytest.mark.parametrize("extra", [{"emission": ["2.6 kg CO2e/L"]}, {"emission": []}, {"carbon_content": "20.2 t C/TJ"}])
def test_count_emissions_false_beside_emission_factors_is_a_profile_error(extra: dict[str, object]) -> None:
    with pytest.raises(ghgcalc.ProfileError, match="count_emissions = false"):
        ghgcalc.calculate(_MIXED, _energy_only(extra))


def test_emission_empty_list_still_counts_zero() -> None:
    """``emission = []`` keeps its contract meaning (the rows carry no emissions: 0, recorded),
    unlike ``count_emissions = false`` (n/a)."""
    prof = _energy_only()
    prof["carriers"] = {"diesel": {"emission": [], "heating_value": "0.035196 GJ/L"}}
    t = ghgcalc.calculate(_MIXED.iloc[:1], prof).totals()
    assert t["scope1"].to("t CO2e").magnitude == 0.0


def test_profiles_show_says_what_a_carrier_leaves_out_on_purpose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prof = tmp_path / "p.toml"
    prof.write_text('id = "p"\nreporting_year = 2024\ngwp_set = "AR6"\nenergy_basis = "heating_value"\n'
                    '[carriers.electricity]\ncount_emissions = false\n'
                    '[carriers.diesel]\nemission = []\nheating_value = []\n', encoding="utf-8")
    assert main(["profiles", "show", str(prof)]) == 0
    out = capsys.readouterr().out
    assert "[electricity]\n  count_emissions = false: emissions not computed (n/a, not 0)" in out
    assert "emission = []: no emissions on purpose (counted as 0)" in out and "heating_value = []: energy not computed" in out
    assert main(["profiles", "show", str(prof), "--brief", "--format", "json"]) == 0
    brief = json.loads(capsys.readouterr().out)
    assert brief["on_purpose"]["electricity"] == ["count_emissions = false: emissions not computed (n/a, not 0)"]
    assert len(brief["on_purpose"]["diesel"]) == 2
