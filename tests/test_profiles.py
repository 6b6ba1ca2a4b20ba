from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ghgcalc
from ghgcalc.errors import ActivityDataError, ProfileError


def base(**carriers: Any) -> dict[str, Any]:
    return {"id": "p", "reporting_year": 2022, "gwp_set": "AR5", "energy_basis": "heating_value", "carriers": carriers}


ROW = [{"carrier": "electricity", "quantity": "1000", "unit": "MWh"}]


def test_unknown_key_is_named() -> None:
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate(ROW, {**base(electricity={"emission": ["cn-mee-grid-national-2022"]}), "gwp_sett": "AR5"})
    assert info.value.key == "gwp_sett"


def test_unknown_factor_id_is_named_with_suggestion() -> None:
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate(ROW, base(electricity={"emission": ["cn-mee-grid-national-2O22"]}))
    assert info.value.key == "carriers.electricity.emission[0]"
    assert "cn-mee-grid-national-2022" in str(info.value)


def test_factor_of_the_wrong_kind() -> None:
    with pytest.raises(ProfileError, match="coal_equivalent factor, not emission"):
        ghgcalc.calculate(ROW, base(electricity={"emission": ["gbt2589-2020-electricity-calorific"]}))


def test_literal_of_the_wrong_dimension_is_a_profile_error() -> None:
    # issue 5: electricity is measured as energy, so a per-tonne factor can never apply to it
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate(ROW, base(electricity={"emission": ["0.5 t CO2/t"]}))
    assert info.value.key == "carriers.electricity.emission[0]"


def test_factor_that_does_not_fit_the_rows_unit_is_a_row_error() -> None:
    prof = base(diesel={"emission": ["74100 kg CO2/TJ"]})   # no heating value: tonnes cannot reach TJ
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate([{"carrier": "diesel", "quantity": "1", "unit": "t"}], prof)
    assert info.value.issues[0].column == "unit"


def test_unknown_gwp_set() -> None:
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate(ROW, {**base(electricity={"emission": ["cn-mee-grid-national-2022"]}), "gwp_set": "AR9"})
    assert info.value.key == "gwp_set"


def test_period_selects_the_edition() -> None:
    prof = base(electricity={"emission": ["cn-mee-grid-national-2021", "cn-mee-grid-national-2022"]})
    rows = [{"carrier": "electricity", "quantity": "1000", "unit": "MWh", "period": y} for y in ("2021", "2022-06")]
    res = ghgcalc.calculate(rows, prof)
    assert list(res.rows["co2e_t"]) == pytest.approx([581.0, 570.3], rel=1e-12)


def test_period_no_factor_covers_is_an_error_not_a_fallback() -> None:
    prof = base(electricity={"emission": ["cn-mee-grid-national-2022"]})
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate([{**ROW[0], "period": 2019}], prof)
    issue = info.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (0, "period", 2019)
    res = ghgcalc.calculate([{**ROW[0], "period": 2019}], {**prof, "edition_mismatch": "record"})
    assert "edition mismatch" in str(res.rows["method_notes"].iloc[0])


def test_emission_empty_list_is_recorded() -> None:
    res = ghgcalc.calculate(ROW, base(electricity={"emission": []}))
    assert res.rows["co2e_t"].iloc[0] == 0
    assert "on purpose" in str(res.rows["method_notes"].iloc[0])


def test_missing_carrier_in_profile_is_an_error() -> None:
    with pytest.raises(ActivityDataError, match="gives no factors for carrier 'diesel'"):
        ghgcalc.calculate([{"carrier": "柴油", "quantity": "1", "unit": "t"}], base(electricity={"emission": []}))


def test_new_carrier_with_scope_and_own_table(tmp_path: Path) -> None:
    (tmp_path / "mine.csv").write_text(
        "id,carrier,kind,gas,value,unit,valid_from,valid_to,publisher,document,reference,published,review_status\n"
        "my-biogas-co2-2022,biogas,emission,CO2,1.5,kg CO2/m^3,2022,2022,Me,My audit,p. 3,2023,unverified\n"
        "my-biogas-co2-2023,biogas,emission,CO2,1.6,kg CO2/m^3,2023,2023,Me,My audit,p. 4,2024,unverified\n", encoding="utf-8")
    (tmp_path / "p.toml").write_text(
        'id = "mine"\nreporting_year = 2023\nfactor_tables = ["mine.csv"]\n'
        '[carriers.biogas]\nscope = 1\nemission = ["my-biogas-co2-2022", "my-biogas-co2-2023"]\nheating_value = "0.02 GJ/m^3"\n',
        encoding="utf-8")
    rows = [{"carrier": "biogas", "quantity": "1000", "unit": "m3", "period": 2022},
            {"carrier": "biogas", "quantity": "1000", "unit": "m3"}]
    res = ghgcalc.calculate(rows, tmp_path / "p.toml")
    assert list(res.rows["co2e_t"]) == pytest.approx([1.5, 1.6], rel=1e-12)
    assert res.totals()["energy_direct"].to("GJ").magnitude == pytest.approx(40.0, rel=1e-12)


def test_builtin_profile_listed() -> None:
    from ghgcalc.core.profiles import builtin_profiles

    assert "kuaishou-2022" in builtin_profiles()


def test_coal_equivalent_basis_needs_mwh_coefficient() -> None:
    with pytest.raises(ProfileError) as info:
        ghgcalc.calculate(ROW, {**base(electricity={"emission": []}), "energy_basis": "coal_equivalent"})
    assert info.value.key == "mwh_coal_equivalent"


def test_bad_toml(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text("id = \n", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid TOML"):
        ghgcalc.load_profile(tmp_path / "p.toml")
