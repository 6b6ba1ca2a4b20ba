"""A factor's ``use`` is data: every shipped row names it, and each use-sensitive path
(profile pins, the missing-factor hint, ``explain`` candidates, ``claims``) filters on it.

The cases that motivated it: the hint for Hong Kong Towngas suggested ``hk-towngas-2017``
(Towngas' production-and-supply intensity, not a combustion factor: Scope 1 about 4-5x too
low), and ``claims`` accepted a solar-PV life-cycle footprint as the grid factor behind a
saved-electricity claim.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

import ghgcalc
from ghgcalc.analysis.claim_check import check_claims
from ghgcalc.analysis.explanation import explain
from ghgcalc.cli import main
from ghgcalc.core.factors import USES, FactorLibrary, FactorRow, default_library, load_table
from ghgcalc.errors import ActivityDataError, FactorError, ProfileError

VOCABULARY = {"combustion", "grid_location", "grid_residual", "grid_avoided", "lifecycle", "upstream", "conversion",
              "fugitive", "direct"}


# -- (a) every shipped row has a valid use; the vocabulary is closed ---------------------------
def test_every_shipped_row_names_a_use_of_the_closed_vocabulary() -> None:
    assert set(USES) == VOCABULARY
    lib = default_library()
    assert len(lib) >= 1185
    for r in lib:
        assert not r.use_inferred, r.id
        assert r.uses and set(r.uses) <= VOCABULARY, (r.id, r.use)
    assert lib.get("hk-towngas-2017").use == "upstream"
    assert lib.get("hk-towngas-2015").use == "upstream"
    assert {r.use for r in lib if r.source_file and r.source_file.startswith("cn-mee-electricity-footprint/")} == {"lifecycle"}
    assert {r.use for r in lib if r.source_file and r.source_file.startswith("cn-ccer-baseline/")} == {"grid_avoided"}
    assert {r.use for r in lib if r.source_file == "cn-mee-ets-grid/national.csv"} == {"grid_location"}
    assert {r.use for r in lib if r.kind in ("heating_value", "coal_equivalent", "density", "gwp")} == {"conversion"}
    assert {r.use for r in lib if r.kind in ("carbon_content", "oxidation_rate")} == {"combustion"}
    assert lib.get("cn-mee-nbs-grid-national-residual-2023").use == "grid_residual"


def test_a_use_outside_the_vocabulary_is_rejected() -> None:
    base = {"id": "x", "carrier": "diesel", "kind": "emission", "gas": "CO2", "value": "74100", "unit": "kg CO2/TJ"}
    with pytest.raises(ValidationError, match="use"):
        FactorRow(**base, use="scope1")
    assert FactorRow(**base, use="combustion|upstream").serves("upstream")
    assert not FactorRow(**base, use="combustion").serves("lifecycle", "upstream")


def test_a_shipped_table_row_without_use_fails_verify(tmp_path: Path) -> None:
    import shutil

    from ghgcalc.core.factors import factors_dir, load_directory, verify

    root = tmp_path / "factors"
    shutil.copytree(factors_dir(), root)
    p = root / "cn-mee-ets-grid" / "national.csv"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace(",emission,grid_location,", ",emission,,", 1), encoding="utf-8")
    problems = verify(root)
    assert any(pr.startswith("no use: cn-mee-ets-grid/national.csv ") for pr in problems), problems
    with pytest.raises(FactorError, match="use: missing"):
        load_directory(root, require_use=True)


def test_factors_list_json_and_show_include_use(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["factors", "list", "--carrier", "towngas", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["use"] == "upstream" for r in rows)
    assert main(["factors", "show", "hk-towngas-2017"]) == 0
    assert re.search(r"^use\s+upstream$", capsys.readouterr().out, re.M)


def test_a_user_table_without_use_loads_with_the_use_inferred(tmp_path: Path) -> None:
    p = tmp_path / "own.csv"
    p.write_text(
        "id,carrier,kind,gas,value,unit\n"
        "own-diesel-co2,diesel,emission,CO2,2.7,kg CO2/L\n"
        "own-grid,electricity,emission,CO2,0.5,t CO2/MWh\n"
        "own-diesel-ncv,diesel,heating_value,,43,GJ/t\n"
        "own-lifecycle,electricity,emission,CO2e,0.05,t CO2e/MWh\n", encoding="utf-8")
    rows = {r.id: r for r in load_table(p)}
    assert {i: r.use for i, r in rows.items()} == {
        "own-diesel-co2": "combustion", "own-grid": "grid_location", "own-diesel-ncv": "conversion",
        "own-lifecycle": "grid_location"}
    assert all(r.use_inferred for r in rows.values())
    assert rows["own-grid"].public_dict()["use_inferred"] is True
    q = tmp_path / "own-with-use.csv"
    q.write_text("id,carrier,kind,use,gas,value,unit\nown-lc,electricity,emission,lifecycle,CO2e,0.05,t CO2e/MWh\n",
                 encoding="utf-8")
    (row,) = load_table(q)
    assert row.use == "lifecycle" and not row.use_inferred
    assert "use_inferred" not in row.public_dict()


# -- (b) the missing-factor hint only suggests rows that serve the purpose -----------------------
_HINTED = re.compile(r"\b(emission|heating_value|carbon_content|oxidation_rate) (\S+) \(")


def _hint(rows: list[dict[str, object]], profile: str = "hk-epd-emsd-2010") -> str:
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate(rows, profile)
    return " ".join(f"{i.reason} {i.hint}" for i in info.value.issues)


@pytest.mark.parametrize("scope", [None, 2])
def test_towngas_hint_never_names_an_upstream_row(scope: int | None) -> None:
    row: dict[str, object] = {"carrier": "towngas", "quantity": "100", "unit": "unit", "period": 2023, "region": "HK"}
    if scope:
        row["scope"] = scope
    text = _hint([row])
    assert "towngas" in text
    assert "hk-towngas" not in text
    lib = default_library()
    for _kind, fid in _HINTED.findall(text):
        assert lib.get(fid).serves("combustion", "grid_location", "conversion"), fid


def test_fuel_hint_names_only_combustion_and_conversion_rows() -> None:
    text = _hint([{"carrier": "diesel", "quantity": "1", "unit": "t", "period": 2023, "region": "HK"}])
    found = _HINTED.findall(text)
    assert found
    lib = default_library()
    for kind, fid in found:
        want = "conversion" if kind == "heating_value" else "combustion"
        assert lib.get(fid).serves(want), (kind, fid)


# -- (c) a profile pinning a row for a use it does not serve -------------------------------------
def _footprint_profile(**extra: object) -> dict[str, object]:
    return {"id": "lc", "reporting_year": 2024, "region": "CN",
            "carriers": {"electricity": {"emission": ["cn-mee-footprint-national-2024"], **extra}}}


_ELEC = [{"carrier": "electricity", "quantity": "1000", "unit": "MWh", "period": 2024}]


def test_pinning_a_lifecycle_row_as_scope2_emission_is_a_profile_error() -> None:
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate(_ELEC, _footprint_profile())
    msg = str(info.value)
    assert "cn-mee-footprint-national-2024" in msg and "'lifecycle'" in msg and "Scope 2" in msg
    assert "allow_uses" in msg
    assert info.value.key == "carriers.electricity.emission[0]"


def test_pinning_a_ccer_baseline_or_upstream_row_is_a_profile_error() -> None:
    prof = {"id": "om", "reporting_year": 2014, "region": "CN-NORTH",
            "carriers": {"electricity": {"emission": ["cn-ccer-om-2016-north"]}}}
    with pytest.raises(ProfileError, match="grid_avoided"):
        ghgcalc.calculate(_ELEC, prof)
    tg = {"id": "tg", "reporting_year": 2017, "region": "HK", "carriers": {"towngas": {"emission": ["hk-towngas-2017"]}}}
    with pytest.raises(ProfileError, match=r"'upstream'.*Scope 1"):
        ghgcalc.calculate([{"carrier": "towngas", "quantity": "100", "unit": "unit", "period": 2017}], tg)


def test_explicit_allowance_works_and_is_recorded() -> None:
    res = ghgcalc.calculate(_ELEC, _footprint_profile(allow_uses=["lifecycle"]))
    assert float(res.rows["co2e_t"].iloc[0]) == pytest.approx(577.7)
    note = str(res.rows["method_notes"].iloc[0])
    assert "cn-mee-footprint-national-2024 (use lifecycle)" in note and "allow_uses" in note
    top = {**_footprint_profile(), "allow_uses": ["lifecycle"]}
    res = ghgcalc.calculate(_ELEC, top)
    assert "allow_uses in the profile's top level" in str(res.rows["method_notes"].iloc[0])
    tg = {"id": "tg", "reporting_year": 2017, "region": "HK",
          "carriers": {"towngas": {"emission": ["hk-towngas-2017"], "scope": 2, "heating_value": [],
                                   "allow_uses": "upstream"}}}
    res = ghgcalc.calculate([{"carrier": "towngas", "quantity": "1000", "unit": "unit", "period": 2017}], tg)
    assert float(res.rows["co2e_t"].iloc[0]) == pytest.approx(0.592)
    assert "hk-towngas-2017 (use upstream)" in str(res.rows["method_notes"].iloc[0])


def test_allow_uses_is_validated() -> None:
    with pytest.raises(ProfileError, match="unknown use"):
        ghgcalc.calculate(_ELEC, _footprint_profile(allow_uses=["footprint"]))


def test_every_built_in_profile_pins_rows_that_serve_their_purpose() -> None:
    from ghgcalc.core.method import Method
    from ghgcalc.core.profiles import builtin_profiles, load_profile

    for pid in builtin_profiles():
        prof = load_profile(pid)
        assert not prof.allow_uses and not any(cm.allow_uses for cm in prof.carriers.values()), pid
        assert Method.from_profile(prof).use_notes == {}, pid


# -- (d) claims: a saved-electricity claim is checked against grid factors only -----------------
def test_claims_never_use_a_lifecycle_row_as_the_grid_factor() -> None:
    # 1,000 MWh saved, 52 t CO2 avoided: 0.052 t/MWh is the MEE 2024 solar PV footprint, not a grid factor
    r = check_claims("2024年节约用电100万千瓦时，减少二氧化碳排放52吨。").results[0]
    assert r.status == "flagged", r.reason
    assert "footprint" not in r.reason
    assert r.official is not None
    assert not any("footprint" in n["id"] for n in r.official["nearest"])
    lib = default_library()
    from ghgcalc.analysis.claim_check import official_factors

    refs = official_factors("electricity", "MWh")
    assert refs and all(row.serves("grid_location", "grid_residual", "grid_avoided") for f in refs for row in f.rows)
    assert any(row.use == "grid_avoided" for f in refs for row in f.rows)  # CCER margins: avoided-emission claims
    assert not any(lib.get(row.id).use == "lifecycle" for f in refs for row in f.rows)


def test_claims_skip_a_lifecycle_row_a_profile_allows() -> None:
    rep = check_claims("2024年节约用电100万千瓦时，减少二氧化碳排放52吨。",
                       profile=_footprint_profile(allow_uses=["lifecycle"]))
    r = rep.results[0]
    assert not any("footprint" in f["id"] for f in r.report_factors)
    assert any("cn-mee-footprint-national-2024 (use lifecycle)" in n for n in rep.report_factor_notes)


# -- (e) explain: scope figures are never explained by a row of another use ----------------------
def test_explain_scope2_candidates_never_include_lifecycle_rows() -> None:
    df = pd.DataFrame({"carrier": ["electricity"], "quantity": ["1000"], "unit": ["MWh"], "period": [2024]})
    rep = {"reporting_year": 2024, "reported": [{"metric": "scope2", "value": "52.0", "unit": "t CO2e"}]}
    ex = explain(df, rep)
    lib = default_library()
    f = ex.figures[0]
    ids = [fid for c in f.candidates for fid in c.factors if fid in lib]
    assert not any(lib.get(fid).serves("lifecycle", "upstream", "grid_avoided") for fid in ids), ids
    assert not f.reproduced  # only the solar PV footprint (0.0520) would give 52.0


def test_library_of_a_lifecycle_row_alone_gives_explain_no_candidate() -> None:
    lib = FactorLibrary([default_library().get("cn-mee-footprint-solar-pv-2024"), *default_library().select(kind="gwp")])
    df = pd.DataFrame({"carrier": ["electricity"], "quantity": ["1000"], "unit": ["MWh"], "period": [2024]})
    rep = {"reporting_year": 2024, "reported": [{"metric": "scope2", "value": "52.0", "unit": "t CO2e"}]}
    ex = explain(df, rep, library=lib)
    assert not ex.figures[0].reproduced
    assert all(not c.factors or "cn-mee-footprint-solar-pv-2024" not in c.factors for c in ex.figures[0].candidates)


def test_a_profile_pinned_to_an_old_data_version_still_refuses_a_lifecycle_row() -> None:
    """Snapshots before 2026.12 have no use column: their rows take the use of the same id in
    the current data, so a life-cycle footprint pinned as a Scope 2 factor is still refused
    (inferred from its kind alone it would read as grid_location)."""
    prof = {"id": "old-pin", "reporting_year": 2023, "factor_data_version": "2026.11.2",
            "carriers": {"electricity": {"emission": ["cn-mee-footprint-national-2023"]}}}
    with pytest.raises(ProfileError, match="lifecycle"):
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "1", "unit": "MWh"}], prof)
    lib = ghgcalc.load_profile(prof)  # the profile itself loads; the pin is checked when calculating
    assert lib.factor_data_version == "2026.11.2"
