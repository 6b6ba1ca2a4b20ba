"""Carrier labels as English-language (SECR, GRI, HKEX) tables print them, read by their words
(ghgcalc.core.labels, issue 15 item 2).

- A label names its carrier when one carrier remains and every other word is a qualifier that
  fits it (grid, supplied, location-based, stationary combustion, company vehicles, ...); how it
  was read is recorded under ``input.carrier_labels``.
- Two carriers, an ambiguous word ("Gas") or words that name nothing are errors that name the
  closest carriers (at most three).
- Renewable, on-site or exported electricity is never counted as a grid purchase (GHG Protocol
  Scope 2 Guidance, 2015, ch. 5-6): a label naming an instrument puts it on its rows; a
  renewable label without one needs one; on-site and exported are refused with the reason.
"""
from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.core.labels import MAX_SUGGESTIONS, read_label

PROFILE = {"id": "labels", "reporting_year": 2023, "gwp_set": "AR5",
           "carriers": {"electricity": {"emission": ["0.5 t CO2/MWh"]},
                        "heat": {"emission": ["0.1 t CO2/GJ"]},
                        "natural_gas": {"emission": ["56.1 t CO2/TJ"], "heating_value": []},
                        "diesel": {"emission": ["2.6 kg CO2/L"], "heating_value": []},
                        "gasoline": {"emission": ["2.3 kg CO2/L"], "heating_value": []},
                        "lpg": {"emission": ["1.5 kg CO2/L"], "heating_value": []},
                        "fuel_oil": {"emission": ["3.1 kg CO2/L"], "heating_value": []},
                        "kerosene": {"emission": ["2.5 kg CO2/L"], "heating_value": []},
                        "towngas": {"emission": ["0.592 kg CO2e/towngas_unit"]}}}

# (label as printed, carrier, a word the record lists as set aside or None)
READ = [
    ("Grid supplied electricity", "electricity", "Grid supplied"),
    ("Non-renewable electricity consumption", "electricity", "Non-renewable"),
    ("Purchased electricity (location-based)", "electricity", "location-based"),
    ("Electricity consumed", "electricity", "consumed"),
    ("Electricity - grid", "electricity", "grid"),
    ("Grid electricity (UK)", "electricity", "UK"),
    ("Scope 2 - Purchased electricity", "electricity", "Scope 2"),
    ("Natural gas (stationary combustion)", "natural_gas", "stationary combustion"),
    ("Natural gas for heating", "natural_gas", "for heating"),
    ("Mains gas", "natural_gas", None),
    ("Diesel oil", "diesel", None),
    ("Gas oil", "diesel", None),
    ("Diesel for owned vehicles", "diesel", "for owned vehicles"),
    ("Fleet diesel", "diesel", "Fleet"),
    ("Diesel for power generation", "diesel", "for power generation"),
    ("Diesel (litres)", "diesel", "litres (unit)"),
    ("Petrol for company vehicles", "gasoline", "for company vehicles"),
    ("Petrol (mobile combustion)", "gasoline", "mobile combustion"),
    ("LPG", "lpg", None),
    ("Fuel oil", "fuel_oil", None),
    ("Kerosene", "kerosene", None),
    ("Burning oil", "kerosene", None),
    ("Town gas", "towngas", None),
    ("Towngas", "towngas", None),
    ("Purchased heat/steam", "heat", None),
    ("Heat and steam", "heat", None),
    ("外购电力消耗量", "electricity", "消耗量"),
    ("非可再生能源电力", "electricity", "非可再生能源"),
]


@pytest.mark.parametrize(("label", "carrier", "ignored"), READ)
def test_label_reads_as_its_carrier(label: str, carrier: str, ignored: str | None) -> None:
    r = read_label(label)
    assert r.kind == "resolved" and r.carrier == carrier, r
    if ignored is not None:
        assert ignored in r.ignored


def test_labels_through_calculate_record_how_they_were_read() -> None:
    labels = ["Grid supplied electricity", "Natural gas (stationary combustion)", "Petrol for company vehicles", "electricity",
              "外購電力", "Purchased heat/steam"]
    units = ["MWh", "GJ", "L", "MWh", "MWh", "GJ"]
    df = pd.DataFrame({"carrier": labels, "quantity": ["100", "1000", "50", "10", "1", "20"], "unit": units})
    r = ghgcalc.calculate(df, PROFILE)
    assert list(r.rows["carrier"].astype(str)) == ["electricity", "natural_gas", "gasoline", "electricity", "electricity", "heat"]
    assert list(r.rows["carrier_input"]) == labels          # the label as given stays on the row
    info = r.input_info["carrier_labels"]
    assert info["Grid supplied electricity"] == {"carrier": "electricity", "how": "words", "ignored": ["Grid supplied"]}
    assert info["Natural gas (stationary combustion)"]["ignored"] == ["stationary combustion"]
    assert info["electricity"] == {"carrier": "electricity", "how": "id"}
    assert info["外購電力"] == {"carrier": "electricity", "how": "alias"}
    # 111 MWh x 0.5 = 55.5 t; 1000 GJ x 56.1 t/TJ = 56.1 t; 50 L x 2.3 kg = 0.115 t; 20 GJ x 0.1 = 2 t
    assert r.metric_exact("scope2")[0] == Fraction("55.5") + Fraction(2)
    assert r.metric_exact("scope1")[0] == Fraction("56.1") + Fraction("0.115")


def test_input_info_in_calc_json(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from ghgcalc.cli import main

    (tmp_path / "a.csv").write_text("carrier,quantity,unit\nGrid supplied electricity,10,MWh\nDiesel oil,5,L\n", encoding="utf-8")
    (tmp_path / "p.toml").write_text('id = "p"\nreporting_year = 2023\n[carriers.electricity]\nemission = ["0.5 t CO2/MWh"]\n'
                                     '[carriers.diesel]\nemission = ["2.6 kg CO2/L"]\nheating_value = []\n', encoding="utf-8")
    assert main(["calc", str(tmp_path / "a.csv"), "--profile", str(tmp_path / "p.toml"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["input"]["carrier_labels"]["Diesel oil"] == {"carrier": "diesel", "how": "alias"}
    assert out["input"]["carrier_labels"]["Grid supplied electricity"]["how"] == "words"


@pytest.mark.parametrize(("label", "named"), [
    ("Diesel and petrol", ("diesel", "gasoline")),
    ("柴油 汽油", ("diesel", "gasoline")),
    ("Electricity and gas", ("natural_gas", "towngas", "lpg")),
])
def test_a_label_naming_two_carriers_is_an_error_naming_them(label: str, named: tuple[str, ...]) -> None:
    df = pd.DataFrame({"carrier": [label], "quantity": ["1"], "unit": ["MWh"]})
    r = ghgcalc.calculate(df, PROFILE, on_error="collect")
    assert [(e.row, e.column) for e in r.errors] == [(0, "carrier")]
    assert all(c in r.errors[0].reason for c in named), r.errors[0]
    assert len(read_label(label).suggestions) <= MAX_SUGGESTIONS


@pytest.mark.parametrize(("label", "meant"), [
    ("electricty", "electricity"), ("Electricty consumption", "electricity"), ("natual gas", "natural_gas"),
    ("diesal", "diesel"), ("Keroseen", "kerosene"), ("petrl", "gasoline"),
])
def test_a_typo_suggests_the_closest_carrier(label: str, meant: str) -> None:
    r = read_label(label)
    assert r.kind == "unknown" and r.carrier is None
    assert meant in r.suggestions and len(r.suggestions) <= MAX_SUGGESTIONS
    df = pd.DataFrame({"carrier": [label], "quantity": ["1"], "unit": ["MWh"]})
    res = ghgcalc.calculate(df, PROFILE, on_error="collect")
    assert res.errors[0].reason == "unknown carrier"
    assert f"did you mean {meant!r}" in (res.errors[0].hint or "")


@pytest.mark.parametrize("label", ["Gas", "Gas (kWh)", "Heating oil", "Fuel"])
def test_an_ambiguous_word_is_asked_about(label: str) -> None:
    r = read_label(label)
    assert r.kind == "refused" and r.carrier is None
    assert 2 <= len(r.suggestions) <= MAX_SUGGESTIONS


@pytest.mark.parametrize(("label", "why"), [
    ("On-site generated electricity", "generated on site"), ("Self-generated electricity", "generated on site"),
    ("Solar PV", "generated on site"), ("Electricity generated", "generated on site"), ("光伏发电", "generated on site"),
    ("Exported electricity", "exported or sold"), ("Electricity sold to the grid", "exported or sold"),
])
def test_onsite_and_exported_electricity_are_never_grid_purchases(label: str, why: str) -> None:
    df = pd.DataFrame({"carrier": ["Grid supplied electricity", label], "quantity": ["10", "4"], "unit": ["MWh", "MWh"],
                       "instrument": ["", "PPA"]})
    r = ghgcalc.calculate(df, PROFILE, on_error="collect")
    assert [(e.row, e.column) for e in r.errors] == [(1, "carrier")]
    assert why in r.errors[0].reason and r.errors[0].hint
    assert r.metric_exact("scope2")[0] == 5        # only the grid row: 10 MWh x 0.5


@pytest.mark.parametrize("label", ["Renewable electricity", "Green electricity", "Electricity from renewable sources",
                                   "可再生能源电力", "Renewable electricity consumption"])
def test_renewable_electricity_needs_its_instrument(label: str) -> None:
    df = pd.DataFrame({"carrier": [label, label], "quantity": ["10", "20"], "unit": ["MWh", "MWh"], "instrument": ["GEC", ""]})
    r = ghgcalc.calculate(df, PROFILE, on_error="collect")
    assert [(e.row, e.column) for e in r.errors] == [(1, "carrier")]   # the row without an instrument
    assert "renewable" in r.errors[0].reason and "instrument" in (r.errors[0].hint or "")
    row = r.rows.loc[0]
    assert row["carrier"] == "electricity" and row["instrument"] == "GEC"
    # location-based Scope 2 counts it at the grid factor (GHG Protocol Scope 2 Guidance, ch. 6)
    assert r.metric_exact("scope2")[0] == 5
    assert r.input_info["carrier_labels"][label]["needs"] == "instrument"


@pytest.mark.parametrize(("label", "instrument"), [("Electricity (PPA)", "ppa"), ("绿电", "green_power_trading"),
                                                  ("Renewable electricity (I-REC)", "i_rec"), ("Electricity - GEC", "green_certificate")])
def test_a_label_naming_an_instrument_puts_it_on_its_rows(label: str, instrument: str) -> None:
    df = pd.DataFrame({"carrier": [label, label], "quantity": ["10", "10"], "unit": ["MWh", "MWh"], "instrument": ["", "residual mix"]})
    mb = {**PROFILE, "market_based": {"residual": "0.6 t CO2/MWh", "instrument_factors": {instrument: "0 t CO2/MWh"}}}
    r = ghgcalc.calculate(df, mb, on_error="collect")
    # the second row's instrument cell names another instrument than the label: an error
    assert [(e.row, e.column) for e in r.errors] == [(1, "instrument")]
    assert list(r.rows["instrument"]) == [instrument]
    assert r.metric_exact("scope2")[0] == 5 and r.metric_exact("scope2_market")[0] == 0
    assert r.input_info["carrier_labels"][label]["instrument"] == instrument


@pytest.mark.parametrize("label", ["Diesel PPA", "Indirect energy - Diesel", "Electricity (Kowloon office)", "CO2", "Diesel R-410A"])
def test_other_words_are_not_ignored(label: str) -> None:
    df = pd.DataFrame({"carrier": [label], "quantity": ["1"], "unit": ["L"]})
    r = ghgcalc.calculate(df, PROFILE, on_error="collect")
    assert [(e.row, e.column) for e in r.errors] == [(0, "carrier")]


def test_a_profile_carrier_is_read_by_its_words() -> None:
    prof = {**PROFILE, "carriers": {**PROFILE["carriers"],  # type: ignore[dict-item]
                                    "onsite_solar": {"type": "electricity", "scope": 2, "emission": [], "note": "own PV"}}}
    df = pd.DataFrame({"carrier": ["Onsite solar (kWh)", "Solar PV"], "quantity": ["1000", "1"], "unit": ["kWh", "kWh"]})
    r = ghgcalc.calculate(df, prof, on_error="collect")
    assert [(e.row, e.column) for e in r.errors] == [(1, "carrier")]
    assert r.rows.loc[0, "carrier"] == "onsite_solar"


_QUALIFIERS = ["Purchased", "Grid supplied", "Total", "Consumption of", "(location-based)", "consumed", "- grid", "(UK)"]


@given(st.lists(st.sampled_from(_QUALIFIERS), max_size=3), st.sampled_from(["electricity", "Electricity", "ELECTRICITY"]))
def test_qualifier_words_around_electricity_never_change_the_carrier(words: list[str], name: str) -> None:
    label = " ".join([*words[:1], name, *words[1:]])
    r = read_label(label)
    assert (r.kind, r.carrier) == ("resolved", "electricity"), label


def test_label_data_names_real_carriers_and_instruments() -> None:
    from ghgcalc.core.carriers import carriers, load_yaml
    from ghgcalc.core.regions import instruments

    data = load_yaml("carriers.yaml")
    known = set(carriers())
    assert all(c in known and set(cs) <= known for c, cs in data["label_covers"].items())
    assert all(set(cs) <= known and len(cs) >= 2 for cs in data["label_ambiguous"].values())
    assert data["label_instruments"]["carrier"] in known
    assert set(data["label_instruments"]["instruments"]) <= set(instruments()) - {"onsite", "none"}
    types = {"fuel", "electricity", "heat", "resource", "fugitive"}
    for flag in data["label_flags"].values():
        assert set(flag["types"]) <= types and flag["needs"] in ("instrument", "never") and flag["reason"] and flag["hint"]
    assert all(set(q["types"]) <= types for q in data["label_qualifiers"])


def test_a_streamed_file_records_its_labels_over_all_chunks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    body = "carrier,quantity,unit\n" + "Grid supplied electricity,1,MWh\n" * 3 + "Petrol for company vehicles,10,L\nGas oil,10,L\n"
    (tmp_path / "a.csv").write_text(body, encoding="utf-8")
    r = ghgcalc.calculate(tmp_path / "a.csv", PROFILE, chunk_rows=2)
    labels = r.input_info["carrier_labels"]
    assert r.input_info["streamed"] is True
    assert {k: v["carrier"] for k, v in labels.items()} == {"Grid supplied electricity": "electricity",
                                                           "Petrol for company vehicles": "gasoline", "Gas oil": "diesel"}
