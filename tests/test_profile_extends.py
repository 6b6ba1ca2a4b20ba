"""``extends``: a profile that starts from another (a built-in id or a TOML file) and changes
only what it names. The merged profile must give exactly what the same profile written out in
full gives."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.core.profiles import load_profile
from ghgcalc.errors import ProfileError

DATA = pd.DataFrame({"carrier": ["外购电力", "汽油", "柴油"], "quantity": ["1,234.5", "12,345", "45.6"],
                     "unit": ["万千瓦时", "升", "吨"], "region": ["广东省", "北京市", "广东省"], "period": [2023, 2023, 2023]})


def test_a_density_added_to_a_builtin_profile(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text('id = "mine"\nextends = "cn-mee-nbs-2023-province"\n'
                                     '[carriers.gasoline]\ndensity = "0.725 kg/L"\n', encoding="utf-8")
    base = load_profile("cn-mee-nbs-2023-province")
    mine = load_profile(tmp_path / "p.toml")
    assert mine.id == "mine" and mine.extends == "cn-mee-nbs-2023-province"
    assert mine.reporting_year == base.reporting_year and mine.gwp_set == base.gwp_set
    assert mine.carriers["gasoline"].density == "0.725 kg/L"
    # the base's gasoline factors are kept beside the new density
    for kind in ("emission", "heating_value", "carbon_content", "oxidation_rate", "coal_equivalent"):
        assert getattr(mine.carriers["gasoline"], kind) == getattr(base.carriers["gasoline"], kind)
    assert mine.carriers["electricity"] == base.carriers["electricity"]
    full = base.model_dump(exclude={"base_dir", "inherited_tables"})
    full["id"] = "mine"
    full["title"] = full["description"] = None
    full["carriers"]["gasoline"]["density"] = "0.725 kg/L"
    written_out = ghgcalc.calculate(DATA, full)
    extended = ghgcalc.calculate(DATA, tmp_path / "p.toml")
    for metric in ("scope1", "scope2", "energy_total"):
        assert extended.metric_exact(metric)[0] == written_out.metric_exact(metric)[0]
    # 12,345 L x 0.725 kg/L = 8,950.125 kg of gasoline: its energy is in the direct total
    assert extended.metric_exact("energy_direct")[0] > Fraction(0)
    assert not extended.errors
    with pytest.raises(ghgcalc.ActivityDataError):   # the base alone cannot read litres of gasoline
        ghgcalc.calculate(DATA, "cn-mee-nbs-2023-province")


def test_settings_replace_and_tables_of_both_apply(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "f.csv").write_text(
        "id,carrier,kind,gas,value,unit,region,valid_from,valid_to,publisher,document,reference,published,review_status\n"
        "my-grid,electricity,emission,CO2,0.5,t CO2/MWh,CN,2020,2030,me,my doc,t1,2024-01-01,unverified\n", encoding="utf-8")
    (tmp_path / "base" / "b.toml").write_text(
        'id = "b"\ntitle = "Base"\nreporting_year = 2022\ngwp_set = "AR4"\nfactor_tables = ["f.csv"]\n'
        '[notes]\nelectricity = "base note"\n[carriers.electricity]\nemission = ["my-grid"]\n', encoding="utf-8")
    (tmp_path / "c.toml").write_text('id = "c"\nextends = "base/b.toml"\nreporting_year = 2023\n'
                                     '[notes]\nheat = "child note"\n', encoding="utf-8")
    c = load_profile(tmp_path / "c.toml")
    assert (c.reporting_year, c.gwp_set, c.title) == (2023, "AR4", None)
    assert c.notes == {"electricity": "base note", "heat": "child note"}
    r = ghgcalc.calculate(pd.DataFrame({"carrier": ["electricity"], "quantity": ["10"], "unit": ["MWh"]}), tmp_path / "c.toml")
    assert r.metric_exact("scope2")[0] == Fraction(5)
    assert "my-grid" in str(r.rows["factor_ids"].iloc[0]).split(";")


@pytest.mark.parametrize(("text", "needle"), [
    ('id = "x"\nextends = "no-such-profile"\n', "not a built-in profile id"),
    ('id = "x"\nextends = "x.toml"\n', "cycle"),
    ('extends = "cn-mee-ets-2022"\n', "id"),
    ('id = "x"\nextends = "cn-mee-ets-2022"\n[carriers.diesel]\nemisions = ["a"]\n', "unknown key"),
])
def test_bad_extends_names_the_problem(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / "x.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile(tmp_path / "x.toml")
    assert needle in str(exc.value)


def test_litres_against_a_per_tonne_heating_value_name_the_missing_density() -> None:
    r = ghgcalc.calculate(DATA, "cn-mee-nbs-2023-province", on_error="collect")
    assert [(e.row, e.column) for e in r.errors] == [(1, "unit")]
    assert "density" in (r.errors[0].hint or "") and "[carriers.gasoline]" in (r.errors[0].hint or "")


def test_a_metric_left_without_value_names_the_carriers_behind_it() -> None:
    """heating_value = [] leaves a fuel's energy uncounted on purpose: energy_total is NaN, and
    the result (and the KPI text) says which carrier's rows carry no energy."""
    from ghgcalc.reports.reporting import kpi_table_text

    df = pd.DataFrame({"carrier": ["diesel", "electricity"], "quantity": ["1000", "10"], "unit": ["L", "MWh"]})
    prof = {"id": "t", "reporting_year": 2023, "region": "HK", "gwp_set": "AR5",
            "carriers": {"diesel": {"emission": ["2.614 kg CO2/L"], "heating_value": []},
                         "electricity": {"emission": ["0.7 kg CO2e/kWh"]}}}
    r = ghgcalc.calculate(df, prof)
    assert r.metric_exact("scope1")[0] == Fraction("2.614")
    assert r.unavailable() == {"energy_total": ["diesel"], "energy_direct": ["diesel"],
                               "scope1_ch4": ["diesel"], "scope1_n2o": ["diesel"]}
    text = kpi_table_text(r)
    assert "n/a: energy_total, energy_direct: not available: rows of diesel carry no value" in text
    assert "n/a: scope1_ch4, scope1_n2o: not available: rows of diesel carry no value for it (CH4, N2O not counted" in text
    full = ghgcalc.calculate(df.iloc[1:], prof)
    assert full.unavailable() == {}
