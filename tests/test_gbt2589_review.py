"""GB/T 2589 《综合能耗计算通则》 rows reviewed on 2026-11-25 (issue 4, item 5): the printed ranges kept
as ranges, and the two electricity calibres (calorific equivalent 当量值 and equal value 等价值) as a
profile choice.

What was read: the 2008 Annex A table as reposted on msthinker.com/zhuanjia/article-134429.html
(up to 焦炉煤气; labelled 'GB/T2589-2008 附录A' on mdjjksjc.com), the start of the 2020 text on
duodown.com/biaozhun/61110619.html (cover and foreword only: '修改了附录A和附录B'), the NBS China
Statistical Yearbook 2001 energy notes (www.stats.gov.cn/yearbook2001/ml/gnc.htm: 电力 当量值 0.1229
kgce/kWh), and a 人民日报 repost of the CEC 中国电力行业年度发展报告2023 sentence on the 2022 供电标准煤耗
(www.ineng.org/chanjing/202307/104683.html). The Annex A/B tables of GB/T 2589-2020 were not found
in any readable copy, so no 2020 row is verified; see the factor rows' notes.

The values, review statuses and the review date in the notes of the re-statused rows are pinned, with
their sources, in tests/data/factor_pins.csv (tests/test_factor_pins.py).
"""
from __future__ import annotations

import re
from fractions import Fraction

import pytest

import ghgcalc

LIB = ghgcalc.default_library()
EQUAL_VALUE_SERIES = "gbt2589-electricity-equal-value"
RANGE_NOTE = "not a statistical or 95 % interval (uncertainty_coverage = range)"


def gbt_rows() -> list[ghgcalc.FactorRow]:
    return [r for r in LIB if r.id.startswith("gbt2589-")]


def test_printed_ranges_are_ranges_and_midpoints_are_exact() -> None:
    ranged = [r for r in gbt_rows() if r.uncertainty_low is not None or r.uncertainty_high is not None]
    assert {r.id for r in ranged} >= {"gbt2589-2020-natural-gas", "gbt2589-2008-coal-slime", "gbt2589-2008-coke-oven-gas"}
    for r in ranged:
        assert r.uncertainty_low is not None and r.uncertainty_high is not None, r.id
        assert r.uncertainty_coverage == "range", r.id
        assert RANGE_NOTE in (r.notes or ""), r.id
        lo, hi, v = Fraction(r.uncertainty_low), Fraction(r.uncertainty_high), Fraction(r.value)
        assert lo < hi, r.id
        # every shipped range row carries the midpoint of what the standard prints
        assert v == (lo + hi) / 2, r.id
        assert "midpoint" in (r.notes or "").lower(), r.id


def test_no_2020_row_claims_more_than_was_read() -> None:
    # the GB/T 2589-2020 Annex A/B text was not read: none of its rows is verified or derived
    rows = [r for r in gbt_rows() if "2589-2020" in (r.document or "") and r.publisher.startswith("SAMR")]
    assert len(rows) >= 15
    for r in rows:
        assert r.review_status == "unverified", r.id
    # a derived row is a midpoint of a range read in the 2008 repost
    for r in gbt_rows():
        if r.review_status == "derived":
            assert "2008" in r.document, r.id
            assert "msthinker.com" in (r.notes or "") and "Midpoint" in (r.notes or ""), r.id
        if r.review_status == "verified":
            assert "msthinker.com" in (r.notes or "") or "msthinker.com" in (r.url or ""), r.id


def _equal_value_rows() -> list[ghgcalc.FactorRow]:
    return sorted((r for r in LIB if r.series == EQUAL_VALUE_SERIES), key=lambda r: int(r.valid_from or 0))


def test_equal_value_series_is_one_row_per_statistic_year() -> None:
    rows = _equal_value_rows()
    assert [r.id for r in rows] == [f"{EQUAL_VALUE_SERIES}-{r.valid_from}" for r in rows]
    years = [int(r.valid_from or 0) for r in rows]
    assert len(set(years)) == len(years) and years == sorted(years)
    calorific = {r.series for r in LIB if r.id.endswith("electricity-calorific") or r.id.endswith("electricity-calorific-2008")}
    for r in rows:
        assert r.valid_from == r.valid_to, r.id
        assert r.carrier == "electricity" and r.kind == "coal_equivalent" and r.unit == "kgce/kWh", r.id
        assert r.series not in calorific, r.id
        assert r.review_status == "unverified", r.id
        # the value is the year's 供电标准煤耗 in g/kWh, as the reference states it, over 1000
        m = re.search(r"供电标准煤耗 (\d+\.\d) gce/kWh", r.reference or "")
        assert m is not None, r.id
        assert Fraction(r.value) == Fraction(m.group(1)) / 1000, r.id
        # the basis caveat (supply vs generation, same vs previous year) travels with the row
        assert "发电标准煤耗" in (r.notes or "") and "供电" in (r.notes or ""), r.id


def _profile(calibre: list[str] | str) -> dict[str, object]:
    return {"id": "equal-value-choice", "reporting_year": 2022,
            "carriers": {"electricity": {"emission": [], "coal_equivalent": calibre}}}


def _tce(profile: dict[str, object], year: int) -> tuple[Fraction, str]:
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": "1000", "unit": "kWh", "period": year}], profile)
    assert not res.errors
    exact, _, _, unit = res.metric_exact("energy_total_tce")
    assert exact is not None and unit == "tce"
    return exact, str(res.rows["factor_ids"].iloc[0])


def test_the_calibre_is_a_profile_choice() -> None:
    ids = [r.id for r in _equal_value_rows()]
    equal = _profile(ids)
    calorific = _profile("gbt2589-2020-electricity-calorific")
    # 1000 kWh at the calorific equivalent: 0.1229 t; at the 2022 equal value: 0.3007 t
    assert _tce(calorific, 2022) == (Fraction("0.1229"), "gbt2589-2020-electricity-calorific")
    tce, used = _tce(equal, 2022)
    assert tce == Fraction("0.3007") and used == f"{EQUAL_VALUE_SERIES}-2022"
    # each data year takes its own year's row ...
    for r in _equal_value_rows():
        tce, used = _tce(equal, int(r.valid_from or 0))
        assert (tce, used) == (Fraction(r.value), r.id)
    # ... and a year without a published row is an error, not the neighbouring year's value
    with pytest.raises(ghgcalc.ActivityDataError) as info:
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "1000", "unit": "kWh", "period": 2021}], equal)
    issue = info.value.issues[0]
    assert issue.column == "period"
    assert f"{EQUAL_VALUE_SERIES}-2022" in issue.reason and "2021" in issue.reason


def test_equal_value_energy_basis_keeps_electricity_as_metered() -> None:
    # coal-equivalent energy basis: fuels' MWh come from tce / the pinned calorific 0.1229, electricity stays
    # its own MWh; only its tce follows the chosen calibre
    prof = {**_profile([f"{EQUAL_VALUE_SERIES}-2022"]), "energy_basis": "coal_equivalent",
            "mwh_coal_equivalent": "gbt2589-2020-electricity-calorific"}
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": "1", "unit": "MWh", "period": 2022}], prof)
    assert res.metric_exact("energy_total")[0] == Fraction(1)
    assert res.metric_exact("energy_total_tce")[0] == Fraction("0.3007")


def test_builtin_equal_value_profile_changes_only_electricity_tce() -> None:
    # cn-mee-nbs-2022-national-equal-value extends cn-mee-nbs-2022-national: same emissions and MWh,
    # electricity in tce at 0.3007 instead of 0.1229 kgce/kWh
    rows = [{"carrier": "electricity", "quantity": "1000", "unit": "MWh", "period": 2022},
            {"carrier": "diesel", "quantity": "10", "unit": "t", "period": 2022}]
    eq = ghgcalc.calculate(rows, "cn-mee-nbs-2022-national-equal-value")
    cal = ghgcalc.calculate(rows, "cn-mee-nbs-2022-national")
    for metric in ("scope1_2", "energy_total"):
        assert eq.metric_exact(metric)[0] == cal.metric_exact(metric)[0], metric
    # 10^6 kWh x (0.3007 - 0.1229) kgce/kWh = 177.8 tce
    diff = eq.metric_exact("energy_total_tce")[0] - cal.metric_exact("energy_total_tce")[0]  # type: ignore[operator]
    assert diff == Fraction("177.8")
    assert f"{EQUAL_VALUE_SERIES}-2022" in str(eq.rows["factor_ids"].iloc[0])
