"""PUE, CUE and WUE (ghgcalc/datacentre.py; The Green Grid, ISO/IEC 30134-2/-8/-9)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.reports.disclosure import disclosure_pack

# Hand calculation (kuaishou-2022 profile: grid 0.5703 t CO2/MWh, electricity counted as its own MWh):
#   DC North: 1000.0 MWh purchased, of which 740.7 MWh IT; 1500 m3 water
#   PUE = 1000.0 / 740.7 = 1.350074...; CUE = 570.3 t / 740.7 MWh = 0.769947... kg CO2e/kWh;
#   WUE = 1 500 000 L / 740 700 kWh = 2.025111... L/kWh
DC = [
    {"carrier": "外購電力", "quantity": "1000.0", "unit": "MWh", "facility": "DC North"},
    {"carrier": "IT設備用電", "quantity": "740.7", "unit": "MWh", "facility": "DC North"},
    {"carrier": "新鮮用水", "quantity": "1500", "unit": "m3", "facility": "DC North"},
]
OFFICE = [
    {"carrier": "electricity", "quantity": "300", "unit": "MWh", "facility": "Office"},
    {"carrier": "fresh_water", "quantity": "99999", "unit": "m3", "facility": "Office"},
]


def test_values_against_the_hand_calculation() -> None:
    r = ghgcalc.calculate(DC + OFFICE, "kuaishou-2022")
    assert {"pue", "cue", "wue"} <= set(r.metric_ids())
    assert r.metric_exact("pue")[0] == Fraction(10000, 7407)
    assert r.metric_exact("cue")[0] == Fraction("570.3") / Fraction("740.7")
    assert r.metric_exact("wue")[0] == Fraction(1500, 1) / Fraction("740.7")
    t = r.totals()
    assert t["pue"].magnitude == pytest.approx(1.350074, abs=1e-6)
    assert t["cue"].to("kg CO2e/kWh").magnitude == pytest.approx(0.769947, abs=1e-6)
    assert t["wue"].to("L/kWh").magnitude == pytest.approx(2.025111, abs=1e-6)
    # the IT meter is inside the purchased electricity: not added to energy or Scope 2
    assert t["energy_total"].magnitude == pytest.approx(1300.0)
    assert t["scope2"].magnitude == pytest.approx(1300 * 0.5703)
    assert t["it_electricity"].magnitude == pytest.approx(740.7)


def test_per_facility_and_office_rows_stay_out() -> None:
    r = ghgcalc.calculate(DC + OFFICE, "kuaishou-2022")
    by = r.totals(by="facility")
    assert by.loc["DC North", "pue"] == pytest.approx(10000 / 7407)
    assert by.loc["Office", "pue"] != by.loc["Office", "pue"]  # NaN: no IT energy there
    # the overall figure counts only the data centres' energy and water, not the office's
    assert r.metric_value("pue")[0] == pytest.approx(10000 / 7407)
    assert r.metric_value("wue")[0] == pytest.approx(1500 / 740.7)


def test_two_data_centres_overall_is_the_ratio_of_sums() -> None:
    rows = [
        *DC,
        {"carrier": "electricity", "quantity": "500", "unit": "MWh", "facility": "DC South"},
        {"carrier": "it_electricity", "quantity": "400", "unit": "MWh", "facility": "DC South"},
    ]
    r = ghgcalc.calculate(rows, "kuaishou-2022")
    assert r.metric_exact("pue")[0] == Fraction(1500, 1) / Fraction("1140.7")
    by = r.totals(by="facility")
    assert by.loc["DC South", "pue"] == pytest.approx(1.25)
    # WUE needs water: DC South has none, so its WUE is 0 L/kWh, not borrowed from DC North
    assert by.loc["DC South", "wue"] == 0


def test_cue_leaves_out_direct_emission_entries() -> None:
    rows = [*DC, {"carrier": "refrigerant", "quantity": "50", "unit": "t CO2e", "facility": "DC North", "scope": 1}]
    r = ghgcalc.calculate(rows, "kuaishou-2022")
    assert r.metric_value("scope1_2")[0] == pytest.approx(570.3 + 50)
    assert r.metric_exact("cue")[0] == Fraction("570.3") / Fraction("740.7")


def test_diesel_generators_count_in_the_facility_energy() -> None:
    rows = [*DC, {"carrier": "柴油", "quantity": "10", "unit": "t", "facility": "DC North"}]
    r = ghgcalc.calculate(rows, "kuaishou-2022")
    e = r.metric_value("energy_total", r.select_mask(facility="DC North"))[0]
    assert e > 1000
    assert r.metric_value("pue")[0] == pytest.approx(e / 740.7)


def test_no_it_energy_no_data_centre_metrics() -> None:
    r = ghgcalc.calculate(OFFICE, "kuaishou-2022")
    assert not {"pue", "cue", "wue"} & set(r.metric_ids())
    assert disclosure_pack(r).datacentre is None


def test_reconcile_recomputes_a_printed_pue() -> None:
    r = ghgcalc.calculate(DC + OFFICE, "kuaishou-2022")
    rec = ghgcalc.reconcile(r, {"reported": [
        {"metric": "data_centre_pue", "value": "1.35", "unit": ""},      # alias used by the seed's YAML
        {"metric": "pue", "value": "1.36", "unit": "dimensionless"},
        {"metric": "cue", "value": "0.77", "unit": "kg CO2e/kWh"},
        {"metric": "wue", "value": "2.03", "unit": "L/kWh"},
        {"metric": "pue", "facility": "DC North", "value": "1.350", "unit": ""},
    ]})
    st_ = [e["status"] for e in rec]
    assert st_ == ["reproduced", "differs", "reproduced", "reproduced", "reproduced"]
    assert rec.entries[1]["recomputed"] == "1.35"


def test_reconcile_consistent_within_the_rounding_of_the_inputs() -> None:
    rows = [{"carrier": "electricity", "quantity": "1000.0", "unit": "MWh", "facility": "DC"},
            {"carrier": "it_electricity", "quantity": "741", "unit": "MWh", "facility": "DC"}]
    r = ghgcalc.calculate(rows, "kuaishou-2022")
    # exact 1000.0/741 = 1.34953; printed inputs allow [999.95/741.5, 1000.05/740.5] = [1.34855, 1.35051]
    (e,) = ghgcalc.reconcile(r, {"reported": [{"metric": "pue", "value": "1.3501", "unit": ""}]})
    assert e["status"] == "consistent" and e["recomputed"] == "1.3495"
    (e,) = ghgcalc.reconcile(r, {"reported": [{"metric": "pue", "value": "1.3510", "unit": ""}]})
    assert e["status"] == "differs"


def test_seed_pue_stays_not_recomputed(example_dir) -> None:  # type: ignore[no-untyped-def]
    r = ghgcalc.calculate(example_dir / "activity.csv", "kuaishou-2022")
    rec = ghgcalc.reconcile(r, example_dir / "reported.yaml")
    (pue,) = [e for e in rec if e["metric"] == "data_centre_pue"]
    assert pue["status"] == "not_recomputed" and "it_electricity" in pue["reason"]


def test_pue_below_one_is_flagged_in_the_pack() -> None:
    rows = [{"carrier": "electricity", "quantity": "100", "unit": "MWh", "facility": "DC"},
            {"carrier": "it_electricity", "quantity": "120", "unit": "MWh", "facility": "DC"}]
    pack = disclosure_pack(ghgcalc.calculate(rows, "kuaishou-2022"))
    assert any("PUE 0.833 < 1" in n for n in pack.notes)


@settings(max_examples=25, deadline=None)
@given(elec=st.integers(1, 10**7), it_share=st.integers(1, 1000), water=st.integers(0, 10**6), k=st.integers(1, 1000))
def test_ratios_do_not_change_when_every_quantity_scales(elec: int, it_share: int, water: int, k: int) -> None:
    it = Fraction(elec * it_share, 1000)

    def rows(s: int) -> list[dict[str, str]]:
        return [{"carrier": "electricity", "quantity": str(elec * s), "unit": "MWh", "facility": "D"},
                {"carrier": "it_electricity", "quantity": str(float(it * s)), "unit": "MWh", "facility": "D"},
                {"carrier": "fresh_water", "quantity": str(water * s), "unit": "m3", "facility": "D"}]

    a = ghgcalc.calculate(rows(1), "kuaishou-2022")
    b = ghgcalc.calculate(rows(k), "kuaishou-2022")
    for m in ("pue", "cue", "wue"):
        assert b.metric_exact(m)[0] == a.metric_exact(m)[0]
    assert a.metric_exact("pue")[0] >= 1  # IT energy is at most the facility's electricity


def test_breakdown_ratios_equal_the_masked_values() -> None:
    rows = [*DC, *OFFICE,
            {"carrier": "electricity", "quantity": "500", "unit": "MWh", "facility": "DC South", "period": "2022"},
            {"carrier": "it_electricity", "quantity": "400", "unit": "MWh", "facility": "DC South", "period": "2022"},
            {"carrier": "fresh_water", "quantity": "7", "unit": "m3", "facility": "DC South", "period": "2022"}]
    r = ghgcalc.calculate(rows, "kuaishou-2022")
    for by in ("facility", "carrier", "period"):
        df = r.totals(by=by)
        codes, _ = pd.factorize(r.rows[by], use_na_sentinel=False)
        for i, g in enumerate(df.index):
            mask = codes == i
            for m in ("pue", "cue", "wue"):
                want = r.metric_value(m, mask)[0]
                got = df[m].iloc[i]
                assert (got != got and want != want) or got == pytest.approx(want, rel=1e-12), (by, g, m)


def test_streamed_result_has_the_ratios_and_the_it_energy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "dc.csv"
    pd.DataFrame(DC + OFFICE).to_csv(src, index=False)
    r = ghgcalc.calculate(src, "kuaishou-2022", chunk_rows=2)
    t = r.totals()
    assert t["it_electricity"].magnitude == pytest.approx(740.7)
    assert t["pue"].magnitude == pytest.approx(10000 / 7407)
    mem = ghgcalc.calculate(src, "kuaishou-2022")
    got, want = r.totals(by="facility")[["pue", "cue", "wue"]], mem.totals(by="facility")[["pue", "cue", "wue"]]
    assert list(got.index) == list(want.index)
    np.testing.assert_allclose(got.to_numpy(dtype=float), want.to_numpy(dtype=float), rtol=1e-12, equal_nan=True)
    # without the sums by facility, no ratios (a facility's data centre cannot be told apart)
    st = ghgcalc.core.streaming.calculate_stream(src, "kuaishou-2022", chunk_rows=2, by=("period",), progress=False)
    assert "pue" not in st.totals() and "pue" not in st.kpis()["metric"].tolist()
    assert ghgcalc.calculate(src, "kuaishou-2022").totals()["pue"].magnitude == pytest.approx(10000 / 7407)
