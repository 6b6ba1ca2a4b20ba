"""A row whose data year no edition of a pinned series covers: an error naming the factors,
their valid years and the row's year; or, with ``edition_mismatch = "record"``, the nearest
edition used and the mismatch recorded on the row. Checked for every shipped series."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

import ghgcalc
from ghgcalc.core.carriers import carriers
from ghgcalc.core.chain import EditionError, choose_edition, year_distance
from ghgcalc.core.factors import FactorRow, default_library
from ghgcalc.errors import FEW, ActivityDataError

LIB = default_library()
KINDS = ("emission", "heating_value", "coal_equivalent", "density", "carbon_content", "oxidation_rate")


def _series() -> dict[str, list[FactorRow]]:
    out: dict[str, list[FactorRow]] = defaultdict(list)
    for r in LIB:
        if r.kind in KINDS and (r.valid_from is not None or r.valid_to is not None):
            out[f"{r.kind}:{r.series or r.id}:{r.region}:{r.gas}"].append(r)
    return dict(out)


SERIES = _series()


def _outside(rows: list[FactorRow]) -> tuple[int, FactorRow]:
    """A data year no row of the series covers, and the edition nearest to it."""
    starts = [r for r in rows if r.valid_from is not None]
    if starts:
        first = min(starts, key=lambda r: int(r.valid_from or 0))
        return int(first.valid_from or 0) - 1, first
    last = max(rows, key=lambda r: int(r.valid_to or 0))
    return int(last.valid_to or 0) + 1, last


def _region(r: FactorRow) -> str:
    return "CN" if r.region is None or r.region.upper() == "GLOBAL" else r.region


@pytest.mark.parametrize("key", sorted(SERIES))
def test_selection_raises_or_records_for_every_series(key: str) -> None:
    rows = SERIES[key]
    year, nearest = _outside(rows)
    assert not any(r.covers_year(year) for r in rows)
    # the one edition choice calculate, explain and claims call (edition_mismatch = "error" / "record")
    with pytest.raises(EditionError) as info:
        choose_edition(rows, year, _region(rows[0]), what="what", mismatch="error")
    assert info.value.column == "period"
    # the editions nearest the data year, at most five, then how many more (issue 15, item 5)
    for r in sorted(rows, key=lambda r: year_distance(r, year))[:FEW]:
        assert f"{r.id} (data years {r.years_text()}" in info.value.reason
    assert info.value.reason.count(" (data years ") == min(len(rows), FEW)
    if len(rows) > FEW:
        assert f" and {len(rows) - FEW} more (" in info.value.reason
    assert f"data year {year}" in info.value.reason
    row, note = choose_edition(rows, year, _region(rows[0]), what="what", mismatch="record")
    assert row is nearest
    assert note is not None and f"{nearest.id} is published for data years {nearest.years_text()}, used for data year {year}" in note


EMISSION_SERIES = sorted(k for k, rows in SERIES.items() if k.startswith("emission:") and rows[0].carrier and "/" in rows[0].unit)


def _one_per_source() -> list[str]:
    """End to end (slower): one emission series per source directory of factors/."""
    seen: dict[str, str] = {}
    for k in EMISSION_SERIES:
        seen.setdefault(str(SERIES[k][0].source_file).split("/")[0], k)
    return sorted(seen.values())


@pytest.mark.parametrize("key", _one_per_source())
def test_calculation_raises_or_records_end_to_end(key: str) -> None:
    rows = SERIES[key]
    year, nearest = _outside(rows)
    carrier = str(rows[0].carrier)
    # every series, whatever its use (a CCER baseline, a footprint): pinned on purpose
    spec: dict[str, Any] = {"emission": [r.id for r in rows], "allow_uses": sorted({u for r in rows for u in r.uses})}
    if carrier not in carriers():
        spec["scope"] = 1
    prof = {"id": "m", "reporting_year": 2022, "carriers": {carrier: spec}}
    activity = [{"carrier": carrier, "quantity": "1", "unit": rows[0].unit.split("/", 1)[1].strip(),
                 "period": year, "region": _region(rows[0])}]
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate(activity, prof)
    issue = info.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (0, "period", year)
    assert nearest.id in issue.reason and nearest.years_text() in issue.reason
    res = ghgcalc.calculate(activity, {**prof, "edition_mismatch": "record"})
    assert "edition mismatch" in str(res.rows["method_notes"].iloc[0])
    assert nearest.id in str(res.rows["factor_ids"].iloc[0]).split(";")


def test_two_equally_near_editions_stay_an_error() -> None:
    prof = {"id": "m", "reporting_year": 2022, "edition_mismatch": "record",
            "carriers": {"electricity": {"emission": ["cn-mee-grid-national-2019-2020", "cn-mee-grid-national-2022"]}}}
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "1", "unit": "MWh", "period": 2021}], prof)
    assert "equally near" in info.value.issues[0].reason


def test_series_are_checked() -> None:
    # the parametrisation above is not empty: the MEE carbon-market and MEE/NBS series are in it
    assert any("cn-mee-ets-grid-national" in k for k in EMISSION_SERIES)
    assert any("cn-mee-nbs-grid-national-residual" in k for k in EMISSION_SERIES)
    assert len(SERIES) > 50


def test_pinned_mwh_coefficient_is_checked_against_the_data_year() -> None:
    # gbt2589-2020-electricity-calorific is published for data from 2021 (GB/T 2589-2020 in force 2021-04-01)
    prof = {"id": "m", "reporting_year": 2022, "energy_basis": "coal_equivalent",
            "mwh_coal_equivalent": "gbt2589-2020-electricity-calorific",
            "carriers": {"diesel": {"emission": [], "coal_equivalent": "gbt2589-2008-diesel"}}}
    row = [{"carrier": "diesel", "quantity": "1", "unit": "t", "period": 2019}]
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate(row, prof)
    assert "gbt2589-2020-electricity-calorific" in info.value.issues[0].reason
    res = ghgcalc.calculate(row, {**prof, "edition_mismatch": "record"})
    assert "edition mismatch: electricity coal equivalent" in str(res.rows["method_notes"].iloc[0])
