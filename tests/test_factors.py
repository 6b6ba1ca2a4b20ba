from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest

from ghgcalc.core.factors import REVIEW_STATUSES, FactorRow, default_library, factors_dir, load_table, verify
from ghgcalc.errors import FactorError


def test_shipped_data_is_intact() -> None:
    assert verify() == []


def test_every_row_is_sourced() -> None:
    for r in default_library():
        assert r.publisher and r.document and r.reference and r.published, r.id
        assert r.review_status in REVIEW_STATUSES, r.id   # verified, derived, unverified, placeholder


def _overlaps(rows: Iterable[FactorRow]) -> list[str]:
    series: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in rows:
        if r.series and r.kind != "gwp":
            series[r.series].append((r.valid_from or -10**9, r.valid_to or 10**9))
    found = []
    for name, spans in series.items():
        spans.sort()
        for (a0, a1), (b0, _) in itertools.pairwise(spans):
            if b0 <= a1:
                found.append(f"series {name} overlaps: {a0}-{a1} and {b0}")
    return found


def test_validity_ranges_of_a_series_never_overlap() -> None:
    assert _overlaps(default_library()) == []


def test_gwp_set_gas_pairs_unique() -> None:
    seen = set()
    for r in default_library().select(kind="gwp"):
        key = (r.gwp_set, r.gas)
        assert key not in seen, key
        seen.add(key)


def test_tampered_file_is_detected(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "f"
    shutil.copytree(factors_dir(), root)
    p = root / "cn-mee-ets-grid" / "national.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("0.5703", "0.5704"), encoding="utf-8")
    problems = verify(root)
    assert any("changed: cn-mee-ets-grid/national.csv" in x for x in problems)


def test_bad_user_table(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("id,kind,value,unit\nx,emission,abc,t CO2/MWh\n", encoding="utf-8")
    with pytest.raises(FactorError, match="row 1"):
        load_table(p)
    p.write_text("id,kind,gas,value,unit\nx,emission,CH4,1,t CO2/MWh\n", encoding="utf-8")
    with pytest.raises(FactorError, match="does not match"):
        load_table(p)


def test_carbon_content_and_oxidation_rate_rows(tmp_path: Path) -> None:
    """The two kinds behind the GB/T 32151 Table C.1 route (NCV x carbon content x oxidation x 44/12)."""
    from ghgcalc.core.units import dims_of

    # "t C" is a mass of carbon, not pint's coulomb; "tC" as printed in the guidelines too
    assert dims_of("t C/TJ") == dims_of("tC/TJ")
    assert dims_of("t C/TJ")["[carbon]"] == 1
    assert "[current]" not in dims_of("t C/TJ")
    head = "id,kind,gas,value,unit\n"
    p = tmp_path / "t.csv"
    p.write_text(head + "cc,carbon_content,C,20.2,t C/TJ\nof,oxidation_rate,,98,percent\n", encoding="utf-8")
    rows = load_table(p)
    assert [r.kind for r in rows] == ["carbon_content", "oxidation_rate"]
    for bad, msg in [
        ("cc,carbon_content,CO2,20.2,t C/TJ", "gas 'C'"),
        ("cc,carbon_content,C,20.2,t CO2/TJ", "carbon in its numerator"),
        ("of,oxidation_rate,,98,t C/TJ", "percent"),
        ("of,oxidation_rate,C,98,percent", "no gas"),
    ]:
        p.write_text(head + bad + "\n", encoding="utf-8")
        with pytest.raises(FactorError, match=msg):
            load_table(p)


def test_china_series_are_one_quantity_each() -> None:
    """A series is one quantity through time: its editions share carrier, kind, gas, region and
    dimension, so non-overlapping validity ranges really mean 'one value per year'."""
    from ghgcalc.core.units import dimensionality

    keys: dict[str, set[tuple[object, ...]]] = defaultdict(set)
    for r in default_library():
        if r.id.startswith(("cn-", "gbt2589-")):
            assert r.series, f"{r.id} has no series"
            keys[r.series].add((r.carrier, r.kind, r.gas, r.region, dimensionality(r.unit)))
    assert keys
    mixed = {k: v for k, v in keys.items() if len(v) > 1}
    assert not mixed, mixed


def test_overlap_check_catches_overlapping_editions(tmp_path: Path) -> None:
    """The validity-range check above fails when two editions of one series cover the same year."""
    p = tmp_path / "t.csv"
    p.write_text(
        "id,series,carrier,kind,gas,value,unit,valid_from,valid_to\n"
        "a,s,electricity,emission,CO2,0.5810,t CO2/MWh,2021,2022\n"
        "b,s,electricity,emission,CO2,0.5703,t CO2/MWh,2022,2022\n",
        encoding="utf-8",
    )
    assert _overlaps(load_table(p)) == ["series s overlaps: 2021-2022 and 2022"]
    # open-ended editions overlap every later one
    p.write_text(p.read_text(encoding="utf-8").replace(",2021,2022", ",2021,"), encoding="utf-8")
    assert len(_overlaps(load_table(p))) == 1
