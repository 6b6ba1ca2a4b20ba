"""Domain facts live in ghgcalc/data/*.yaml, not in code: the data agrees with the code that reads it."""

from __future__ import annotations

from fractions import Fraction

from ghgcalc.core.carriers import billing_units, carriers, column_words
from ghgcalc.core.regions import grid_of, regions, split_grids, supplier_areas
from ghgcalc.core.units import parse_unit


def test_billing_unit_size_is_units_txt() -> None:
    bu = billing_units()["towngas"]
    assert bu.unit == "towngas_unit"
    a, b = parse_unit(bu.unit), parse_unit(bu.size)
    assert Fraction(a.to("MJ").magnitude) == Fraction(b.to("MJ").magnitude) == 48
    for spelling in bu.also:
        assert Fraction(parse_unit(spelling).to("MJ").magnitude) == 48


def test_coal_ranks_are_carriers() -> None:
    ranks = carriers()["raw_coal"].ranks
    assert ranks == ["anthracite", "bituminous_coal", "sub_bituminous_coal", "lignite"]
    assert all(carriers()[r].type == "fuel" for r in ranks)


def test_inner_mongolia_split() -> None:
    assert grid_of("CN-NM") is None
    assert split_grids("CN-NM") == [("蒙西", "CN-NM-W", "CN-NORTH"), ("蒙东", "CN-NM-E", "CN-NORTHEAST")]
    assert split_grids("CN-GD") == []


def test_supplier_areas_are_regions() -> None:
    areas = supplier_areas()
    assert areas == {"electricity": ("HK-CLP", "HK-HKE")}
    assert all(code in regions() for codes in areas.values() for code in codes)
    assert all(cid in carriers() for cid in areas)


def test_scope_words_and_headers() -> None:
    words = column_words()
    assert set(words["headers"]) == {"carrier", "quantity", "unit", "facility", "period", "region", "scope", "instrument"}
    assert set(words["scope"]["values"].values()) == {1, 2}


def test_metric_sums_are_metrics() -> None:
    from ghgcalc.core.carriers import metric_definitions
    from ghgcalc.core.resolution import OUTPUT_COLUMNS

    data = metric_definitions()
    sums = {**data["metric_sums"], "resource": data["resource_sums"]}
    assert set(data["metric_sums"]) <= set(data["metrics"])
    for spec in sums.values():
        assert spec["column"] in OUTPUT_COLUMNS
        assert set(spec["category"]) <= {"energy", "direct", "resource"}
        assert set(spec.get("scope") or ()) <= {1, 2}


def test_listed_metrics_keep_their_order() -> None:
    from ghgcalc import calculate
    from ghgcalc.core.carriers import metric_definitions

    sums = metric_definitions()["metric_sums"]
    listed = [m for m, spec in sums.items() if spec.get("listed", True)]
    assert listed == ["scope1", "scope2", "scope2_market", "scope1_2", "scope1_2_market", "scope1_co2", "scope1_ch4", "scope1_n2o",
                      "energy_total", "energy_direct", "energy_indirect", "energy_total_tce", "energy_direct_tce",
                      "energy_indirect_tce"]
    r = calculate([{"carrier": "diesel", "quantity": 10, "unit": "t", "period": 2022}], "kuaishou-2022")
    assert [m for m in r.base_metrics() if m in sums] == [m for m in listed if m in r.base_metrics()]
    assert "co2e_energy" not in r.base_metrics()
