from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.errors import ActivityDataError

PROFILE: dict[str, Any] = {"id": "a", "reporting_year": 2023, "gwp_set": "AR4", "energy_basis": "heating_value",
                           "carriers": {"electricity": {"emission": ["1 t CO2/MWh"]},
                                        "natural_gas": {"heating_value": "1026 btu/scf",
                                                        "emission": ["53.06 kg CO2/mmbtu", "1 g CH4/mmbtu", "0.1 g N2O/mmbtu"]},
                                        "diesel": {"heating_value": "0.0386 GJ/L", "emission": ["74100 kg CO2/TJ"]}}}


def test_us_units_with_ar4() -> None:
    # 1e6 scf x 1026 btu/scf = 1026 MMBtu; CO2 = 1026 x 53.06 kg = 54 439.56 kg;
    # CH4 = 1.026 kg x 25 (AR4); N2O = 0.1026 kg x 298 (AR4)
    res = ghgcalc.calculate([{"carrier": "natural gas", "quantity": "1,000,000", "unit": "scf"}], PROFILE)
    t = res.totals()
    assert t["scope1_co2"].magnitude == pytest.approx(54.43956, rel=1e-12)
    assert t["scope1_ch4"].magnitude == pytest.approx(0.001026, rel=1e-12)
    assert t["scope1"].magnitude == pytest.approx(54.43956 + 0.001026 * 25 + 0.0001026 * 298, rel=1e-12)


def test_per_litre_heating_value_printed_by_company() -> None:
    # 10 000 L x 0.0386 GJ/L = 386 GJ = 107.222 MWh; CO2 = 0.386 TJ x 74.1 t/TJ
    res = ghgcalc.calculate([{"carrier": "diesel", "quantity": 10000, "unit": "L"}], PROFILE)
    t = res.totals()
    assert t["energy_direct"].to("GJ").magnitude == pytest.approx(386.0, rel=1e-12)
    assert t["scope1"].magnitude == pytest.approx(0.386 * 74.1, rel=1e-12)


def test_direct_emission_entries() -> None:
    rows = [{"carrier": "refrigerant R-410A", "quantity": "2.5", "unit": "t CO2e", "scope": 1},
            {"carrier": "natural_gas", "quantity": "3", "unit": "kg CH4"},
            {"carrier": "supplier figure", "quantity": "7", "unit": "tCO2e", "scope": "Scope 2"}]
    t = ghgcalc.calculate(rows, PROFILE).totals()
    assert t["scope1"].magnitude == pytest.approx(2.5 + 0.003 * 25, rel=1e-12)
    assert t["scope1_ch4"].magnitude == pytest.approx(0.003, rel=1e-12)
    assert t["scope2"].magnitude == pytest.approx(7.0, rel=1e-12)


def test_extra_columns_are_carried() -> None:
    res = ghgcalc.calculate(pd.DataFrame({"carrier": ["electricity"], "quantity": [5.0], "unit": ["MWh"],
                                          "meter_id": ["M-17"], "facility": ["Plant A"]}), PROFILE)
    assert res.rows["meter_id"].iloc[0] == "M-17"
    assert res.totals(by="facility").loc["Plant A", "scope2"] == pytest.approx(5.0)


def test_every_bad_row_is_reported_with_row_column_value() -> None:
    rows = [{"carrier": "electricity", "quantity": "-1", "unit": "MWh"},
            {"carrier": "plutonium", "quantity": "1", "unit": "MWh"},
            {"carrier": "electricity", "quantity": "abc", "unit": "MWh"},
            {"carrier": "electricity", "quantity": "1", "unit": "parsecs"},
            {"carrier": "electricity", "quantity": "1", "unit": "t"},
            {"carrier": "electricity", "quantity": "2", "unit": "MWh"}]
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate(rows, PROFILE)
    got = {(i.row, i.column) for i in info.value.issues}
    assert got == {(0, "quantity"), (1, "carrier"), (2, "quantity"), (3, "unit"), (4, "unit")}
    res = ghgcalc.calculate(rows, PROFILE, on_error="collect")
    assert list(res.rows.index) == [5]
    assert res.partial and res.rows_accounted
    assert res.totals()["scope2"].magnitude == pytest.approx(2.0)


def test_missing_required_column() -> None:
    with pytest.raises(ActivityDataError, match="required column 'unit' is missing"):
        ghgcalc.calculate([{"carrier": "electricity", "quantity": 1}], PROFILE)


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet", ".csv"])
def test_file_formats_give_the_same_totals(tmp_path: Any, suffix: str) -> None:
    df = pd.DataFrame({"carrier": ["外購電力", "柴油"], "quantity": ["1,534,956.48", "3,105.58"], "unit": ["兆瓦時", "噸"]})
    path = tmp_path / f"a{suffix}"
    if suffix == ".xlsx":
        df.to_excel(path, index=False)
    elif suffix == ".parquet":
        df.to_parquet(path)
    else:
        df.to_csv(path, index=False, encoding="gb18030")   # what Excel writes on Chinese Windows
    t = ghgcalc.calculate(path, "kuaishou-2022").totals()
    assert t["scope2"].magnitude == pytest.approx(1534956.48 * 0.5703, rel=1e-12)
    assert t["scope1"].magnitude == pytest.approx(3105.58 * 42.652 * 74.1e-3, rel=1e-12)
