"""The first acceptance test: every figure of the Kuaishou 2022 environmental table
(Kuaishou Technology, 2022 ESG report, 環境績效表 and footnotes 7-14), at its printed precision."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import ghgcalc

# metric -> (printed digits, printed unit, expected status); transcribed from the report
SEED = {
    "scope1_2": ("88.84", "reproduced"),
    "scope1": ("1.02", "reproduced"),
    "scope2": ("87.82", "reproduced"),
    "scope1_2_per_capita": ("32.42", "reproduced"),
    "energy_total": ("1580499.59", "reproduced"),
    "energy_direct": ("38563.60", "reproduced"),
    "energy_direct_per_capita": ("1.41", "reproduced"),
    "energy_indirect": ("1541935.99", "reproduced"),
    "energy_indirect_per_capita": ("56.27", "reproduced"),
    "fresh_water": ("164.87", "reproduced"),
    "fresh_water_per_capita": ("60.17", "reproduced"),
    "wastewater": ("61.24", "reproduced"),
    "wastewater_per_capita": ("22.35", "reproduced"),
    "hazardous_waste": ("143.61", "reproduced"),
    "hazardous_waste_per_capita": ("5.24", "reproduced"),
    "non_hazardous_waste": ("0.30", "reproduced"),
    # 0.30 x10^4 t is too coarse to pin 107.80 kg/person: consistent, not reproduced
    "non_hazardous_waste_per_capita": ("107.80", "consistent"),
    "data_centre_pue": ("1.35", "not_recomputed"),
}


def _check(rec: ghgcalc.Reconciliation) -> None:
    got = {e["metric"]: e for e in rec}
    assert set(got) == set(SEED)
    for metric, (printed, status) in SEED.items():
        e = got[metric]
        assert e["reported"].replace(",", "") == printed
        assert e["status"] == status, (metric, e)
        if status == "reproduced":
            assert e["recomputed"] == printed, metric
    assert rec.counts() == {"reproduced": 16, "consistent": 1, "differs": 0, "not_recomputed": 1}


def test_bundled_example_reproduces_the_table(example_dir: Path) -> None:
    result = ghgcalc.calculate(example_dir / "activity.csv", "kuaishou-2022")
    _check(ghgcalc.reconcile(result, example_dir / "reported.yaml"))


def test_simplified_labels_and_other_units_reproduce_the_table(data_dir: Path) -> None:
    result = ghgcalc.calculate(data_dir / "kuaishou-2022-activity-simplified.csv", "kuaishou-2022")
    _check(ghgcalc.reconcile(result, data_dir / "kuaishou-2022-environment.yaml"))


def test_seed_totals_in_tonnes(example_dir: Path) -> None:
    # the research arithmetic: Scope 2 = 1 534 956.48 x 0.5703 + 25 140.13 x 0.11 = 878 151.09 t;
    # Scope 1 = 3 105.58 t x 42.652 GJ/t x 74.1 kg/GJ + 17.64 x 389.31 GJ x 56.1 kg/GJ = 10 200.49 t
    t = ghgcalc.calculate(example_dir / "activity.csv", "kuaishou-2022", {"headcount": 27402}).totals()
    assert t["scope2"].to("t CO2e").magnitude == pytest.approx(878151.094844, rel=1e-12)
    assert t["scope1"].to("t CO2e").magnitude == pytest.approx(10200.489316896, rel=1e-12)
    assert t["energy_total_tce"].magnitude == pytest.approx(194243.3992456, rel=1e-12)
    # the profile counts CO2 only (GB/T 32151 / NDRC method): CH4 is not counted, so n/a, never 0
    assert math.isnan(t["scope1_ch4"].magnitude)
    assert t["scope1_co2"].to("t CO2").magnitude == pytest.approx(10200.489316896, rel=1e-12)


def test_footnote_guideline_factor_does_not_reproduce_scope2(example_dir: Path) -> None:
    """Footnote 9 names the 2022 revised guideline, whose notice set 0.5810: that gives 89.46, not 87.82."""
    prof = ghgcalc.load_profile("kuaishou-2022").model_dump(exclude={"base_dir"})
    prof["carriers"]["electricity"]["emission"] = ["cn-mee-grid-national-2021"]
    prof["edition_mismatch"] = "record"
    result = ghgcalc.calculate(example_dir / "activity.csv", prof)
    rec = {e["metric"]: e for e in ghgcalc.reconcile(result, example_dir / "reported.yaml")}
    assert rec["scope2"]["status"] == "differs"
    assert rec["scope2"]["recomputed"] == "89.46"
    assert "cn-mee-grid-national-2022 (0.5703)" in rec["scope2"]["reason"]
    assert "edition mismatch" in result.rows["method_notes"].astype(str).iloc[2]


def test_every_row_records_its_factors(example_dir: Path) -> None:
    rows = ghgcalc.calculate(example_dir / "activity.csv", "kuaishou-2022").rows
    elec = rows[rows["carrier"] == "electricity"].iloc[0]
    assert "cn-mee-grid-national-2022" in str(elec["factor_ids"])
    assert "gbt2589-2020-electricity-calorific" in str(elec["factor_ids"])
    diesel = rows[rows["carrier"] == "diesel"].iloc[0]
    for fid in ("ipcc-2006-v2-t1.4-diesel-co2", "cn-default-ncv-diesel", "gbt2589-2020-diesel"):
        assert fid in str(diesel["factor_ids"])
    assert (rows["profile"].astype(str) == "kuaishou-2022").all()
