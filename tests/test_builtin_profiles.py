"""Every built-in profile loads, documents itself and runs on a small example; a few
published values are pinned per family (the factor rows cite their documents)."""

from __future__ import annotations

import math
from typing import Any

import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.method import Method
from ghgcalc.core.profiles import builtin_profiles, load_profile

BUILTIN = sorted(builtin_profiles())
UNITS = ("t", "m^3", "MWh", "GJ")
REGIONS = ("", "广东省", "CLP")


def _example(pid: str) -> list[dict[str, Any]]:
    """One row per carrier the profile pins, in the first unit and region that the profile
    can compute (fuels in t or m3, electricity in MWh, heat in GJ)."""
    prof = load_profile(pid)
    method = Method.from_profile(prof)
    rows = []
    for carrier in prof.carriers:
        for region in REGIONS:
            unit = next((u for u in UNITS if method.resolve(carrier, u, prof.reporting_year, region or prof.region or "", 0).error is None), None)
            if unit is not None:
                rows.append({"carrier": carrier, "quantity": "100", "unit": unit, "region": region})
                break
        else:
            raise AssertionError(f"{pid}: no unit/region computes {carrier}")
    return rows


def test_the_families_are_shipped() -> None:
    for pid in ("cn-mee-ets-2019-2020", "cn-mee-ets-2021", "cn-mee-ets-2022", "ipcc-2006-tier1-commercial",
                "hk-epd-emsd-2010", "hk-utilities-2023", "kuaishou-2022"):
        assert pid in BUILTIN
    for year in (2021, 2022, 2023):
        for v in ("national", "market", "fossil", "grid", "province"):
            assert f"cn-mee-nbs-{year}-{v}" in BUILTIN


@pytest.mark.parametrize("pid", BUILTIN)
def test_builtin_profile_documents_itself(pid: str) -> None:
    prof = load_profile(pid)
    assert prof.id == pid
    assert prof.title and prof.description and prof.notes
    assert 2000 < prof.reporting_year < 2100


@pytest.mark.parametrize("pid", BUILTIN)
def test_builtin_profile_runs_on_a_small_example(pid: str) -> None:
    rows = _example(pid)
    res = ghgcalc.calculate(rows, pid)
    assert not res.errors and len(res.rows) == len(rows)
    t = res.totals()
    assert t["energy_total"].m > 0
    for i, row in res.rows.iterrows():
        assert str(row["factor_ids"]), i
        # the pinned editions cover the profile's reporting year: nothing recorded as a mismatch
        assert "edition mismatch" not in str(row["method_notes"])
        assert row["co2e_t"] > 0, (pid, row["carrier"])
        assert row["energy_mwh"] > 0, (pid, row["carrier"])
    prof = load_profile(pid)
    if prof.market_based is not None:
        assert "scope2_market" in t


@pytest.mark.parametrize("pid", BUILTIN)
def test_profiles_show(pid: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "show", pid]) == 0
    out = capsys.readouterr().out
    assert pid in out


def _one(pid: str, **row: Any) -> Any:
    return ghgcalc.calculate([{"quantity": "1000", **row}], pid).rows.iloc[0]


@pytest.mark.parametrize(("pid", "value"), [
    # MEE carbon-market national grid factors: 0.6101 (2019-2020), 0.5810 (2021), 0.5703 (2022) t CO2/MWh
    ("cn-mee-ets-2019-2020", 610.1), ("cn-mee-ets-2021", 581.0), ("cn-mee-ets-2022", 570.3),
    # MEE/NBS national averages 0.5568 (2021), 0.5366 (2022), 0.5306 (2023)
    ("cn-mee-nbs-2021-national", 556.8), ("cn-mee-nbs-2022-national", 536.6), ("cn-mee-nbs-2023-national", 530.6),
    # fossil-fuel power 0.8426 (2021), 0.8325 (2022), 0.8273 (2023)
    ("cn-mee-nbs-2021-fossil", 842.6), ("cn-mee-nbs-2022-fossil", 832.5), ("cn-mee-nbs-2023-fossil", 827.3),
])
def test_electricity_values(pid: str, value: float) -> None:
    assert _one(pid, carrier="electricity", unit="MWh")["co2_t"] == pytest.approx(value, rel=1e-12)


def test_grid_and_province_profiles_pick_by_region() -> None:
    # 2022: 南方 0.3869, 广东 0.4403; 2023: 南方 0.4042, 广东 0.4419
    assert _one("cn-mee-nbs-2022-grid", carrier="electricity", unit="MWh", region="广东省")["co2_t"] == pytest.approx(386.9)
    assert _one("cn-mee-nbs-2022-province", carrier="electricity", unit="MWh", region="Guangdong")["co2_t"] == pytest.approx(440.3)
    assert _one("cn-mee-nbs-2023-grid", carrier="electricity", unit="MWh", region="粤")["co2_t"] == pytest.approx(404.2)
    assert _one("cn-mee-nbs-2023-province", carrier="electricity", unit="MWh", region="CN-GD")["co2_t"] == pytest.approx(441.9)
    with pytest.raises(ghgcalc.errors.ActivityDataError):
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "1", "unit": "MWh"}], "cn-mee-nbs-2022-province")


def test_market_profile() -> None:
    rows = [{"carrier": "electricity", "quantity": "1000", "unit": "MWh"},
            {"carrier": "electricity", "quantity": "500", "unit": "MWh", "instrument": "绿证"}]
    t = ghgcalc.calculate(rows, "cn-mee-nbs-2023-market").totals()
    # location 1500 x 0.5306; market 1000 x 0.6096 (national excluding market-traded non-fossil) + 500 x 0
    assert t["scope2"].m == pytest.approx(1500 * 0.5306)
    assert t["scope2_market"].m == pytest.approx(1000 * 0.6096)


def test_carbon_content_fuels_in_china_profiles() -> None:
    # diesel: 42.652 GJ/t x 20.2 t C/TJ x 98 % x 44/12 = 3.0959 t CO2/t
    row = _one("cn-mee-ets-2022", carrier="diesel", unit="t")
    assert row["co2_t"] == pytest.approx(1000 * 42.652e-3 * 20.2 * 0.98 * 44 / 12, rel=1e-12)
    assert "cn-default-cc-diesel" in str(row["factor_ids"])
    # the profile counts CO2 only: CH4 is not counted, so n/a (NaN), never 0, and the row says why
    assert math.isnan(row["ch4_t"]) and "CH4, N2O not counted" in str(row["method_notes"])


def test_ipcc_tier1() -> None:
    # 1000 GJ diesel, commercial/institutional: 74 100 kg CO2/TJ, CH4 10 and N2O 0.6 kg/TJ (Table 2.4); AR5 28 / 265
    row = _one("ipcc-2006-tier1-commercial", carrier="diesel", unit="GJ")
    assert row["co2e_t"] == pytest.approx(74.1 + 0.010 * 28 + 0.0006 * 265, rel=1e-12)
    row = _one("ipcc-2006-tier1-manufacturing", carrier="diesel", unit="GJ")
    assert row["ch4_t"] == pytest.approx(0.003, rel=1e-12)  # Table 2.3: 3 kg CH4/TJ
    # biomass: CH4 and N2O in Scope 1, the biogenic CO2 left out on purpose and recorded
    wood = _one("ipcc-2006-tier1-commercial", carrier="wood", unit="t")
    assert wood["co2_t"] == 0 and wood["ch4_t"] > 0 and "biogenic" in str(wood["method_notes"])
    with pytest.raises(ghgcalc.errors.ActivityDataError) as info:
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "1", "unit": "MWh"}], "ipcc-2006-tier1-commercial")
    assert info.value.issues[0].column == "carrier"


def test_hong_kong() -> None:
    assert _one("hk-epd-emsd-2010", carrier="electricity", unit="MWh")["co2e_t"] == pytest.approx(700.0)
    assert _one("hk-utilities-2023", carrier="electricity", unit="MWh", region="中電")["co2e_t"] == pytest.approx(390.0)
    assert _one("hk-utilities-2023", carrier="electricity", unit="MWh", region="港燈")["co2e_t"] == pytest.approx(710.0)
    with pytest.raises(ghgcalc.errors.ActivityDataError) as info:
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "1", "unit": "MWh"}], "hk-utilities-2023")
    assert info.value.issues[0].column == "region"
    # a China-wide factor never covers Hong Kong
    with pytest.raises(ghgcalc.errors.ActivityDataError):
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "1", "unit": "MWh", "region": "香港"}], "cn-mee-nbs-2022-national")
