"""No invented region (issue "One core" A9, contract section 8).

A row's region is what the row or the profile says. With neither, the profile's pinned
factors apply by period; pinned factors for several regions are an error saying "the row
gives no region". An unknown region code is an error with a did-you-mean, unless the profile
or a factor table uses it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import ghgcalc
from ghgcalc.errors import ActivityDataError, RowIssue

_HEAD = "id,carrier,kind,gas,value,unit,region,valid_from,valid_to,publisher,document,reference,published,review_status\n"


def _issue(exc: pytest.ExceptionInfo[ActivityDataError]) -> RowIssue:
    assert len(exc.value.issues) == 1
    return exc.value.issues[0]


def test_a_row_without_region_is_not_put_in_cn() -> None:
    # IPCC 2006 defaults are global: a Manchester boiler stays without a region
    r = ghgcalc.calculate([{"carrier": "diesel", "quantity": "1000", "unit": "GJ", "facility": "Manchester"}],
                          "ipcc-2006-tier1-commercial")
    assert str(r.rows["region"].iloc[0]) == ""
    assert r.rows["co2e_t"].iloc[0] == pytest.approx(74.1 + 0.010 * 28 + 0.0006 * 265)
    assert ghgcalc.load_profile({"id": "x", "reporting_year": 2023}).region is None


def test_one_pinned_region_applies_by_period_and_is_recorded() -> None:
    prof = {"id": "gd", "reporting_year": 2023, "carriers": {"electricity": {"emission": ["cn-mee-nbs-grid-guangdong-2023"]}}}
    r = ghgcalc.calculate([{"carrier": "electricity", "quantity": "10", "unit": "MWh"}], prof)
    assert r.totals()["scope2"].magnitude == pytest.approx(4.419)
    assert "the row gives no region; the profile's factor for region CN-GD" in str(r.rows["method_notes"].iloc[0])


def test_several_pinned_regions_and_no_region_is_an_error() -> None:
    prof = {"id": "two", "reporting_year": 2023, "carriers": {"electricity": {"emission": [
        "cn-mee-nbs-grid-guangdong-2023", "cn-mee-nbs-grid-beijing-2023"]}}}
    with pytest.raises(ActivityDataError) as exc:
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "10", "unit": "MWh"}], prof)
    issue = _issue(exc)
    assert issue.column == "region" and "the row gives no region" in issue.reason
    assert "'CN'" not in str(exc.value) and issue.value is None
    # the row that names its region is computed
    r = ghgcalc.calculate([{"carrier": "electricity", "quantity": "10", "unit": "MWh", "region": "广东"}], prof)
    assert r.totals()["scope2"].magnitude == pytest.approx(4.419)


def test_an_unknown_region_is_an_error_with_a_did_you_mean() -> None:
    with pytest.raises(ActivityDataError) as exc:
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "10", "unit": "MWh", "region": "Atlantis"}],
                          "cn-mee-nbs-2023-national")
    issue = _issue(exc)
    assert issue.column == "region" and "unknown region 'Atlantis'" in issue.reason
    # a known place outside the shipped factors (regions.yaml: TW, GB, US, SG) is no unknown region,
    # but no factor of this profile covers it: still an error, never a fallback to CN
    with pytest.raises(ActivityDataError) as exc:
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "10", "unit": "MWh", "region": "United Kingdom"}],
                          "cn-mee-nbs-2023-national")
    assert "no factor in the profile applies to region 'GB'" in _issue(exc).reason
    with pytest.raises(ActivityDataError) as exc:
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "10", "unit": "MWh", "region": "CN-GDX"}],
                          "cn-mee-nbs-2023-national")
    assert "did you mean" in (_issue(exc).hint or "") and "CN-GD" in (_issue(exc).hint or "")


def test_a_region_a_factor_table_uses_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "uk.csv").write_text(_HEAD + "uk-grid-2023,electricity,emission,CO2e,0.207,kg CO2e/kWh,GB,2023,2023,"
                                     "DESNZ,illustrative,row 1,2023-06-01,unverified\n", encoding="utf-8")
    prof = {"id": "uk", "reporting_year": 2023, "factor_tables": [str(tmp_path / "uk.csv")],
            "carriers": {"electricity": {"emission": ["uk-grid-2023"]}}}
    r = ghgcalc.calculate([{"carrier": "electricity", "quantity": "10", "unit": "MWh", "region": "GB"}], prof)
    assert r.totals()["scope2"].magnitude == pytest.approx(2.07)
    assert str(r.rows["region"].iloc[0]) == "GB"
