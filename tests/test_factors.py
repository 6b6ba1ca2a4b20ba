from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest

from ghgcalc.core.factors import FactorRow, default_library, factors_dir, load_table, verify
from ghgcalc.errors import FactorError


def test_shipped_data_is_intact() -> None:
    assert verify() == []


def test_every_row_is_sourced() -> None:
    for r in default_library():
        assert r.publisher and r.document and r.reference and r.published, r.id
        assert r.review_status in ("verified", "derived", "unverified"), r.id


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


# Seed-critical values pinned to their documents (one literal per row; the rest of the
# library is pinned in test_factor_values.py)
SEED_PINS = [
    ("cn-mee-grid-national-2022", "0.5703", "环办气候函〔2023〕43号: 2022年度全国电网平均排放因子为0.5703tCO2/MWh"),
    ("cn-mee-grid-national-2021", "0.5810", "环办气候函〔2022〕111号: 由0.6101调整为0.5810"),
    ("cn-mee-grid-national-2019-2020", "0.6101", "环办气候〔2021〕9号 发电设施 guideline"),
    ("cn-ndrc-heat-2015", "0.11", "NDRC 工业其他行业 guideline (2015): 0.11 tCO2/GJ"),
    ("cn-default-ncv-diesel", "42.652", "GB/T 32151 Table C.1: 柴油 42.652 GJ/t"),
    ("cn-default-ncv-natural-gas", "389.31", "GB/T 32151.34-2024 Table C.1: 天然气 389.31 GJ/10^4 Nm3"),
    ("ipcc-2006-v2-t1.4-diesel-co2", "74100", "IPCC 2006 Vol. 2 Table 1.4 Gas/Diesel Oil 74 100 kg/TJ"),
    ("ipcc-2006-v2-t1.4-natural-gas-co2", "56100", "IPCC 2006 Vol. 2 Table 1.4 Natural Gas 56 100 kg/TJ"),
    ("gbt2589-2020-diesel", "1.4571", "GB/T 2589 Annex A 柴油 1.4571 kgce/kg"),
    ("gbt2589-2020-natural-gas", "1.2150", "GB/T 2589-2020 Annex A 天然气 1.1000-1.3300 kgce/m3, midpoint (unverified: range text not read)"),
    ("gbt2589-2020-heat", "0.03412", "GB/T 2589 Table A.2 热力 0.03412 kgce/MJ"),
    ("gbt2589-2020-electricity-calorific", "0.1229", "GB/T 2589 Annex A 电力(当量值) 0.1229 kgce/kWh"),
    ("ipcc-ar4-gwp100-ch4", "25", "AR4 WG1 Table 2.14"),
    ("ipcc-ar5-gwp100-n2o", "265", "AR5 WG1 Table 8.A.1"),
]


@pytest.mark.parametrize("fid, value, citation", SEED_PINS)
def test_seed_factor_values(fid: str, value: str, citation: str) -> None:
    assert default_library().get(fid).value == value, citation


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
