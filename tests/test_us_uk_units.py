"""Units as US and UK tables print them (issue 15 item 6), in any case.

- Gas volumes: MCF/Mcf = 1,000 ft³, CCF/ccf/HCF = 100 ft³, MMcf = 10⁶ ft³ (U.S. EIA, "Units and
  calculators explained"); cubic feet, cu ft, scf.
- Therms: the US therm (105.4804 MJ) and the EC/UK therm (105.506 MJ) differ by 0.024 % (NIST SP
  811, Appendix B.8). A bare "therm" is read only with the profile's ``[units] therm`` choice, and
  the choice is recorded (input.unit_choices, the row's unit and notes); without it, the row is an
  error that asks. "US therm", "therm (EC)" need no choice.
- kWh (gross CV) is energy on the gross calorific basis (units.txt gross_cv): it meets only a
  factor per gross-CV energy; a factor per plain (net-basis) energy is an error, never a silent
  mix. kWh (net CV) is plain kWh.
- US gal / gallons (231 in³), imp gal (4.54609 L), short ton (2,000 lb), long ton (2,240 lb).
"""
from __future__ import annotations

import json
from fractions import Fraction

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.units import conversion_factor, parse_unit
from ghgcalc.errors import UnitError

FT3_M3 = Fraction("0.028316846592")      # 1 ft = 0.3048 m exactly
GALLON_L = Fraction("3.785411784")        # US gallon, 231 in³
IMP_GALLON_L = Fraction("4.54609")
LB_KG = Fraction("0.45359237")


@pytest.mark.parametrize(("printed", "m3"), [
    ("MCF", 1000 * FT3_M3), ("Mcf", 1000 * FT3_M3), ("mcf", 1000 * FT3_M3), ("CCF", 100 * FT3_M3), ("ccf", 100 * FT3_M3),
    ("Ccf", 100 * FT3_M3), ("HCF", 100 * FT3_M3), ("MMcf", 10**6 * FT3_M3), ("cubic feet", FT3_M3), ("Cubic Feet", FT3_M3),
    ("cu ft", FT3_M3), ("cu. ft.", FT3_M3), ("ft³", FT3_M3), ("scf", FT3_M3), ("SCF", FT3_M3),
    ("US gal", GALLON_L / 1000), ("US gallons", GALLON_L / 1000), ("gallons", GALLON_L / 1000), ("Gallons", GALLON_L / 1000),
    ("gal", GALLON_L / 1000), ("gallons (US)", GALLON_L / 1000), ("imp gal", IMP_GALLON_L / 1000),
    ("Imperial gallons", IMP_GALLON_L / 1000), ("UK gal", IMP_GALLON_L / 1000), ("gallons (UK)", IMP_GALLON_L / 1000),
    ("litres", Fraction(1, 1000)), ("liters", Fraction(1, 1000)), ("Litres", Fraction(1, 1000)),
])
def test_volumes(printed: str, m3: Fraction) -> None:
    assert conversion_factor(printed, "m**3") == m3


@pytest.mark.parametrize(("printed", "kg"), [
    ("short ton", 2000 * LB_KG), ("short tons", 2000 * LB_KG), ("Short Tons", 2000 * LB_KG), ("US tons", 2000 * LB_KG),
    ("ton (short)", 2000 * LB_KG), ("long ton", 2240 * LB_KG), ("tonnes", 1000), ("Tonnes", 1000), ("tons", 1000),
    ("metric tons", 1000),
])
def test_masses(printed: str, kg: Fraction) -> None:
    assert conversion_factor(printed, "kg") == kg


@pytest.mark.parametrize(("printed", "mj"), [
    ("US therm", Fraction("105.4804")), ("therms (US)", Fraction("105.4804")), ("Therm (U.S.)", Fraction("105.4804")),
    ("EC therm", Fraction("105.506")), ("UK therms", Fraction("105.506")), ("therm (EC)", Fraction("105.506")),
    ("Dth (US)", Fraction("1054.804")), ("MMBtu", Fraction("1055.056")), ("mmbtu", Fraction("1055.056")),
    ("mmBtu", Fraction("1055.056")), ("MMBTU", Fraction("1055.056")),
])
def test_energies(printed: str, mj: Fraction) -> None:
    assert conversion_factor(printed, "MJ") == mj


@pytest.mark.parametrize("printed", ["therm", "therms", "Therms", "THERMS", "thm", "Thm", "Dth", "dekatherms"])
def test_a_bare_therm_asks_which(printed: str) -> None:
    with pytest.raises(UnitError) as e:
        parse_unit(printed)
    assert "105.4804 MJ" in e.value.reason and "105.506 MJ" in e.value.reason
    assert "[units] therm" in (e.value.hint or "")


GAS = {"id": "gas", "reporting_year": 2023, "gwp_set": "AR5",
       "carriers": {"natural_gas": {"emission": ["53.06 kg CO2/mmBtu"]}}}


@pytest.mark.parametrize(("choice", "mj"), [("us", Fraction("105.4804")), ("ec", Fraction("105.506"))])
def test_the_profile_chooses_the_therm_and_the_choice_is_recorded(choice: str, mj: Fraction) -> None:
    df = pd.DataFrame({"carrier": ["Natural gas", "Natural gas", "Natural gas"], "quantity": ["1,000", "10", "2"],
                       "unit": ["Therms", "thm", "Dth"]})
    r = ghgcalc.calculate(df, {**GAS, "units": {"therm": choice}})
    unit = f"therm_{choice.upper()}"
    assert list(r.rows["unit"].astype(str)) == [unit, unit, f"(10 * {unit})"]
    therms = 1000 + 10 + 20
    assert r.metric_exact("energy_total")[0] == therms * mj / 3600       # MJ -> MWh
    # 53.06 kg CO2 per mmBtu (1 mmBtu = 1,055.056 MJ)
    assert r.metric_exact("scope1_co2")[0] == therms * mj / Fraction("1055.056") * Fraction("53.06") / 1000
    assert r.input_info["unit_choices"]["Therms"]["unit"] == unit
    assert all(f"{unit} is the {choice.upper()} therm" in n for n in r.rows["method_notes"])


def test_without_a_choice_therm_rows_are_errors_and_the_rest_computes() -> None:
    df = pd.DataFrame({"carrier": ["Natural gas", "Natural gas", "Natural gas"], "quantity": ["5", "5", "1"],
                       "unit": ["Therms", "US therms", "Mcf"]})
    prof = {**GAS, "carriers": {"natural_gas": {"emission": ["53.06 kg CO2/mmBtu"], "heating_value": "1.026 mmBtu/Mcf"}}}
    r = ghgcalc.calculate(df, prof, on_error="collect")
    assert [(e.row, e.column) for e in r.errors] == [(0, "unit")]
    assert "does not say which therm" in r.errors[0].reason
    # 5 US therms = 0.5 x 1.054804 mmBtu_US/mmBtu ... exactly: 5 x 105.4804 MJ; 1 Mcf = 1.026 mmBtu
    assert r.metric_exact("scope1_co2")[0] == (5 * Fraction("105.4804") / Fraction("1055.056") + Fraction("1.026")) * Fraction("53.06") / 1000


def test_a_profile_with_the_wrong_therm_word_is_a_profile_error() -> None:
    with pytest.raises(ghgcalc.ProfileError):
        ghgcalc.calculate(pd.DataFrame({"carrier": ["natural_gas"], "quantity": [1], "unit": ["MJ"]}),
                          {**GAS, "units": {"therm": "imperial"}})


@pytest.mark.parametrize("printed", ["kWh (gross CV)", "kWh (Gross CV)", "kWh gross CV", "kWh (GCV)", "kWh HHV", "MWh (gross)"])
def test_gross_cv_energy_meets_only_gross_factors(printed: str) -> None:
    df = pd.DataFrame({"carrier": ["Natural gas (stationary combustion)"], "quantity": ["1,000"], "unit": [printed]})
    net = {"id": "n", "reporting_year": 2023, "gwp_set": "AR5",
           "carriers": {"natural_gas": {"emission": ["ipcc-2006-v2-t1.4-natural-gas-co2"], "heating_value": []}}}
    r = ghgcalc.calculate(df, net, on_error="collect")
    assert [(e.row, e.column) for e in r.errors] == [(0, "unit")]
    assert "gross calorific value" in (r.errors[0].hint or "")
    # a factor per kWh (Gross CV), as the UK government factors print it: applies; energy not computed on purpose
    gross = {**net, "carriers": {"natural_gas": {"emission": ["0.2 kg CO2e/kWh (Gross CV)"], "heating_value": []}}}
    r = ghgcalc.calculate(df, gross)
    scale = 1000 if printed.startswith("MWh") else 1
    assert r.metric_exact("scope1")[0] == Fraction(1000 * scale) * Fraction("0.2") / 1000
    assert any("gross calorific value" in n for n in r.rows["method_notes"])


def test_net_cv_is_plain_energy() -> None:
    assert conversion_factor("kWh (net CV)", "kWh") == 1
    assert conversion_factor("GJ (NCV)", "MJ") == 1000
    with pytest.raises(UnitError):
        conversion_factor("kWh (gross CV)", "kWh")


def test_calc_cli_with_therms_and_a_profile_choice(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "gas.csv").write_text("carrier,quantity,unit\nNatural gas,\"12,000\",Therms\n", encoding="utf-8")
    (tmp_path / "p.toml").write_text('id = "p"\nreporting_year = 2023\n[units]\ntherm = "us"\n'
                                     '[carriers.natural_gas]\nemission = ["53.06 kg CO2/mmBtu"]\n', encoding="utf-8")
    assert main(["calc", str(tmp_path / "gas.csv"), "--profile", str(tmp_path / "p.toml"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["input"]["unit_choices"]["Therms"]["choice"] == "therm = 'us'"
    # 12,000 x 105.4804 MJ = 1,265,764.8 MJ = 351.6013 MWh
    assert out["totals"]["energy_total"]["value"] == pytest.approx(12000 * 105.4804 / 3600)
    (tmp_path / "q.toml").write_text('id = "q"\nreporting_year = 2023\n[carriers.natural_gas]\nemission = ["53.06 kg CO2/mmBtu"]\n',
                                     encoding="utf-8")
    assert main(["calc", str(tmp_path / "gas.csv"), "--profile", str(tmp_path / "q.toml")]) == 2
    assert "[units] therm" in capsys.readouterr().err


def test_unit_choice_data_agrees_with_units_txt() -> None:
    from ghgcalc.core.units import unit_choices

    therm = unit_choices()["therm"]
    assert set(therm.options) == {"us", "ec"}
    for spec in therm.options.values():
        assert conversion_factor(spec["unit"], spec["size"]) == 1
    assert set(therm.qualifiers.values()) == set(therm.options)
