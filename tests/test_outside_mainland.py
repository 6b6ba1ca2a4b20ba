"""Users outside mainland China who pin their own factor (issue 15 item 10; contract section 8).

After issue 13 no ``CN`` region is invented. A Taiwan, Hong Kong, UK or US user who gives their
own factor -- a literal in the profile TOML or a row of their own factor table -- gets it applied
with no region ceremony: rows without a region take it by period, rows naming their place
(臺灣, 香港, UK, USA) are read as that region. Each case checks the computed value and the
provenance on the rows. The factor values are the users' own, as they would type them from
their source (the source is named in each table row; not shipped data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main

TABLE_HEADER = "id,carrier,kind,gas,value,unit,region,valid_from,valid_to,publisher,document,reference,published,url,review_status,use\n"


@dataclass(frozen=True)
class Place:
    code: str
    name_in_rows: str          # how a region column of that place prints it
    carrier: str
    quantity: str
    unit: str
    factor: str                # value and unit as the user's source prints them
    scope2_t: float            # hand arithmetic
    source: str


PLACES = [
    # Taiwan: 120,000 度 (kWh) x 0.494 kg CO2e/kWh = 59.28 t (Energy Administration, MOEA, 2023 electricity factor)
    Place("TW", "臺灣", "外購電力", "120,000", "度", "0.494 kg CO2e/kWh", 59.28, "Energy Administration MOEA,113年度公告電力排碳係數"),
    # Hong Kong: 250,000 kWh x 0.39 kg CO2e/kWh = 97.5 t (a power company's sustainability report)
    Place("HK", "香港", "Electricity", "250,000", "kWh", "0.39 kg CO2e/kWh", 97.5, "CLP Power,Sustainability Report 2023"),
    # UK: 250,000 kWh x 0.20707 kg CO2e/kWh = 51.7675 t (DESNZ GHG conversion factors 2023, UK electricity)
    Place("GB", "UK", "electricity", "250000", "kWh", "0.20707 kg CO2e/kWh", 51.7675, "DESNZ,Greenhouse gas reporting: conversion factors 2023"),
    # US: 1,000 MWh x 823.1 lb CO2e/MWh x 0.45359237 kg/lb = 373.3518... t (a user's eGRID-style rate in pounds)
    Place("US", "USA", "electricity", "1000", "MWh", "823.1 lb CO2e/MWh", 823.1 * 0.45359237, "US EPA,eGRID (user's value)"),
]


def _activity(place: Place, with_region: bool) -> pd.DataFrame:
    data = {"facility": ["Office"], "carrier": [place.carrier], "quantity": [place.quantity], "unit": [place.unit],
            "period": [2023]}
    if with_region:
        data["region"] = [place.name_in_rows]
    return pd.DataFrame(data)


def _literal_profile(tmp_path: Path, place: Place) -> Path:
    p = tmp_path / f"{place.code.lower()}-literal.toml"
    p.write_text(f'id = "{place.code.lower()}-own"\nreporting_year = 2023\n'
                 f'[carriers.electricity]\nemission = "{place.factor}"\n', encoding="utf-8")
    return p


def _table_profile(tmp_path: Path, place: Place) -> Path:
    value, unit = place.factor.split(" ", 1)
    publisher, document = place.source.split(",", 1)
    fid = f"{place.code.lower()}-own-grid-2023"
    (tmp_path / "own.csv").write_text(
        TABLE_HEADER + f'{fid},electricity,emission,CO2e,{value},{unit},{place.code},2023,2023,{publisher},"{document}",'
                       f'grid average,2024-01-01,,unverified,grid_location\n', encoding="utf-8")
    p = tmp_path / f"{place.code.lower()}-table.toml"
    p.write_text(f'id = "{place.code.lower()}-table"\nreporting_year = 2023\nfactor_tables = ["own.csv"]\n'
                 f'[carriers.electricity]\nemission = ["{fid}"]\n', encoding="utf-8")
    return p


@pytest.mark.parametrize("with_region", [False, True], ids=["no-region", "region-named"])
@pytest.mark.parametrize("place", PLACES, ids=[p.code for p in PLACES])
def test_a_literal_in_the_profile_applies_with_no_region_ceremony(tmp_path: Path, place: Place, with_region: bool) -> None:
    prof = _literal_profile(tmp_path, place)
    result = ghgcalc.calculate(_activity(place, with_region), prof)
    assert float(result.totals()["scope2"].magnitude) == pytest.approx(place.scope2_t)
    fid = f"literal:{place.code.lower()}-own:carriers.electricity.emission[0]"
    assert result.rows["factor_ids"].astype(str).tolist() == [fid]
    (used,) = result.factors_used()
    assert used.review_status == "user-supplied" and used.region is None
    assert result.rows["region"].astype(str).tolist() == [place.name_in_rows if with_region else ""]   # as given
    assert result.profile.region is None


@pytest.mark.parametrize("with_region", [False, True], ids=["no-region", "region-named"])
@pytest.mark.parametrize("place", PLACES, ids=[p.code for p in PLACES])
def test_a_row_of_the_users_own_table_applies(tmp_path: Path, place: Place, with_region: bool,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    prof = _table_profile(tmp_path, place)
    act = tmp_path / "act.csv"
    _activity(place, with_region).to_csv(act, index=False)
    assert main(["calc", str(act), "--profile", str(prof), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["totals"]["scope2"]["value"] == pytest.approx(place.scope2_t)
    (factor,) = out["factors"]
    assert factor["id"] == f"{place.code.lower()}-own-grid-2023" and factor["region"] == place.code
    assert factor["publisher"] == place.source.split(",", 1)[0]
    assert out["profile"]["region"] is None and out["errors"] == []
    result = ghgcalc.calculate(act, prof)
    notes = result.rows["method_notes"].astype(str).iloc[0]
    if with_region:   # the place's name is read as its code, which the user's row covers
        assert result.rows["region"].astype(str).tolist() == [place.name_in_rows]
        assert "gives no region" not in notes
    else:   # the row gives no region: the pinned factor applies by period, and that is recorded
        assert f"the row gives no region; the profile's factor for region {place.code}" in notes


def test_a_row_in_another_place_than_the_pinned_factor_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    """A UK factor pinned, a row in Taiwan: the factor does not cover it (no silent fallback)."""
    prof = _table_profile(tmp_path, PLACES[2])
    result = ghgcalc.calculate(_activity(PLACES[0], with_region=True), prof, on_error="collect")
    assert result.rows_computed == 0
    (err,) = result.errors
    assert err.column == "region" and "TW" in err.reason


def test_a_us_natural_gas_table_with_three_gases(tmp_path: Path) -> None:
    """EPA GHG Emission Factors Hub, natural gas: 53.06 kg CO2, 1 g CH4, 0.1 g N2O per mmBtu;
    1,000 MMBtu -> 53.06 t CO2 + 0.001 t CH4 x 28 + 0.0001 t N2O x 265 (AR5) = 53.1145 t CO2e."""
    rows = [("co2", "CO2", "53.06", "kg CO2/MMBtu"), ("ch4", "CH4", "1", "g CH4/MMBtu"), ("n2o", "N2O", "0.1", "g N2O/MMBtu")]
    (tmp_path / "us.csv").write_text(TABLE_HEADER + "".join(
        f"us-epa-hub-2024-natural-gas-{g},natural_gas,emission,{gas},{v},{u},US,,,US EPA,GHG Emission Factors Hub 2024,"
        f"Table 1,2024-01-01,,unverified,combustion\n" for g, gas, v, u in rows), encoding="utf-8")
    prof = tmp_path / "us.toml"
    prof.write_text('id = "us-own"\nreporting_year = 2023\nfactor_tables = ["us.csv"]\n[carriers.natural_gas]\n'
                    'emission = ["us-epa-hub-2024-natural-gas-co2", "us-epa-hub-2024-natural-gas-ch4", '
                    '"us-epa-hub-2024-natural-gas-n2o"]\n', encoding="utf-8")
    for region in (None, "United States"):
        act = pd.DataFrame({"carrier": ["natural gas"], "quantity": ["1,000"], "unit": ["MMBtu"], "period": [2023],
                            **({"region": [region]} if region else {})})
        result = ghgcalc.calculate(act, prof)
        t = result.totals()
        assert float(t["scope1"].magnitude) == pytest.approx(53.06 + 0.001 * 28 + 0.0001 * 265)
        assert float(t["scope1_co2"].magnitude) == pytest.approx(53.06)
        assert float(t["energy_direct"].magnitude) == pytest.approx(1000 * 1055.05585262 / 3600, rel=1e-6)  # 1 MMBtu = 1.05506 GJ


# -- explain: no invented region ------------------------------------------------------------
def test_explain_invents_no_region_for_rows_without_one() -> None:
    """1,000 MWh in 2023 and 390 t CO2e printed: the CLP factor (0.39 kg CO2e/kWh) reproduces it.
    The rows give no region: the method found sets none (before, it said CN or the factor's), and
    says the factor's region was assumed; the engine reproduces it without a region."""
    activity = pd.DataFrame({"carrier": ["electricity"], "quantity": ["1000"], "unit": ["MWh"], "period": [2023]})
    ex = ghgcalc.explain(activity, {"reporting_year": 2023, "reported": [{"metric": "scope2", "value": "390", "unit": "t CO2e"}]})
    best = ex.methods[0]
    assert "hk-clp-2023" in best.factor_ids
    assert best.profile.get("region") is None
    assert best.statuses == {"scope2": "reproduced"}
    assert any(n.startswith("region assumed: the rows give no region") and "HK-CLP" in n for n in best.notes)
    assert "region" not in (ex.best_profile_toml() or "").split("[carriers")[0]


def test_explain_with_a_region_outside_the_shipped_factors_finds_none_but_the_users_profile(tmp_path: Path) -> None:
    """Rows in Taiwan: no shipped factor covers TW, so the search offers none (never a CN one);
    the user's own profile, given, is evaluated beside it and reproduces the figure."""
    place = PLACES[0]
    activity = _activity(place, with_region=True)
    rep = {"reporting_year": 2023, "reported": [{"metric": "scope2", "value": "59.28", "unit": "噸二氧化碳當量"}]}
    ex = ghgcalc.explain(activity, rep, profile=_literal_profile(tmp_path, place))
    (fig,) = ex.figures
    shipped = [c for c in fig.candidates if c.method is None and not any(f.startswith("literal:") for f in c.factors)]
    assert not any(c.status == "reproduced" for c in shipped), shipped
    assert any(c.status == "reproduced" and any(f.startswith("literal:tw-own") for f in c.factors) for c in fig.candidates)
