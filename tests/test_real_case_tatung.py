"""The Taiwan case tests/data/cases/tw-tatung-2019 (Tatung Co., CSR web pages, 2019 data): which
edition of the Bureau of Energy's electricity factor stands behind the printed Scope 2 figure,
how the printed unit "kkw-hr" is read, and the sources of the case-local factor rows. The
statuses themselves are checked with the other abroad cases (test_real_cases_abroad.EXPECTED)."""

from __future__ import annotations

from pathlib import Path

import pytest
from real_cases import CASES, case

import ghgcalc
from ghgcalc.core.factors import load_table

NAME = "tw-tatung-2019"


def test_the_2019_row_uses_the_2018_factor_and_records_the_mismatch() -> None:
    activity, _, profile = case(NAME)
    result = ghgcalc.calculate(activity, str(profile))
    assert not result.errors, result.errors
    row = result.rows.iloc[0]
    assert (row["carrier"], row["carrier_input"], int(row["year"]), row["region"], int(row["scope"])) == (
        "electricity", "purchased electricity", 2019, "TW", 2)
    assert str(row["factor_ids"]) == "tw-moea-electricity-2018"
    assert "is published for data years 2018, used for data year 2019 (edition_mismatch = 'record')" in str(row["method_notes"])
    # "kkw-hr" is a thousand kWh: 46,572.65 of them are 46,572.65 MWh
    assert row["energy_mwh"] == pytest.approx(46572.65)
    assert row["co2e_t"] == pytest.approx(46572.65 * 0.533)


@pytest.mark.parametrize(("pin", "recomputed"), [
    ("tw-moea-electricity-2019", "23705.48"),   # the 2019 edition, published after the inventory was made
    ("0.554 kg CO2e/kWh", "25801.25"),          # the 2017 value, as a literal
])
def test_another_edition_does_not_reproduce_the_printed_scope2(tmp_path: Path, pin: str, recomputed: str) -> None:
    """The printed 24,823.22 t singles out 0.533: the 2019 factor and the 2017 one give other
    figures, and reconcile says they differ."""
    activity, reported, profile = case(NAME)
    text = profile.read_text(encoding="utf-8").replace('emission = ["tw-moea-electricity-2018"]', f'emission = ["{pin}"]')
    table = "tw-moea-electricity.csv"
    (tmp_path / table).write_bytes((CASES / NAME / table).read_bytes())   # a profile names tables beside it
    moved = tmp_path / "profile.toml"
    moved.write_text(text, encoding="utf-8")
    got = {e["metric"]: e for e in ghgcalc.reconcile(ghgcalc.calculate(activity, str(moved)), reported)}
    assert (got["scope2"]["status"], got["scope2"]["recomputed"]) == ("differs", recomputed)
    assert got["energy_indirect"]["status"] == "consistent"   # the energy does not depend on the factor


def test_the_case_local_factor_rows_carry_their_sources() -> None:
    """Two editions of the Bureau of Energy's 電力排碳係數, each for its own data year, marked
    unverified: the value was read in a news report quoting the Bureau's statistics, not on the
    Energy Administration's own page."""
    rows = load_table(CASES / NAME / "tw-moea-electricity.csv")
    assert [(r.id, r.value, r.valid_from, r.valid_to) for r in rows] == [
        ("tw-moea-electricity-2018", "0.533", 2018, 2018), ("tw-moea-electricity-2019", "0.509", 2019, 2019)]
    for r in rows:
        assert (r.carrier, r.kind, r.use, r.gas, r.unit, r.region, r.review_status) == (
            "electricity", "emission", "grid_location", "CO2e", "kg CO2e/kWh", "TW", "unverified")
        assert "經濟部能源局" in (r.publisher or "") and "電力排碳係數" in (r.document or "")
        assert str(r.published) == str(r.valid_from + 1)
        assert (r.url or "").startswith("https://www.moeaea.gov.tw")
        assert "businesstoday.com.tw" in (r.notes or "")
