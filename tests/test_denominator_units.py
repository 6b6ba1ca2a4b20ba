"""Intensity denominators as people write them (issue 15 item 6): a currency before or after the
number, a scale word ("RMB 1.2 billion", "HK$ 350 million", "US$ 2.5m", "£10m", "12亿元",
"50,000 m²", "27,402 employees"); a custom denominator's unit in its intensities and its label
in each language (ghgcalc/data/denominators.yaml, metrics.yaml intensity.denominators)."""
from __future__ import annotations

import json
from fractions import Fraction

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.denominators import denominator_labels, split_denominator
from ghgcalc.core.results import normalize_denominators
from ghgcalc.core.units import conversion_factor
from ghgcalc.errors import GhgcalcError

# printed -> (the printed digits kept, the unit, its size in the base unit named)
CASES = [
    ("RMB 1.2 billion", "1.2", "CNY billion", ("CNY", 10**9)),
    ("RMB1.2bn", "1.2", "CNY billion", ("CNY", 10**9)),
    ("1.2 billion RMB", "1.2", "CNY billion", ("CNY", 10**9)),
    ("HK$ 350 million", "350", "HKD million", ("HKD", 10**6)),
    ("HK$350k", "350", "HKD thousand", ("HKD", 1000)),
    ("US$ 2.5m", "2.5", "USD million", ("USD", 10**6)),
    ("2.5m USD", "2.5", "USD million", ("USD", 10**6)),
    ("£10m", "10", "GBP million", ("GBP", 10**6)),
    ("€3.4bn", "3.4", "EUR billion", ("EUR", 10**9)),
    ("RMB 1,200 million", "1,200", "CNY million", ("CNY", 10**6)),
    ("12亿元", "12", "亿元", ("CNY", 10**8)),
    ("12 亿元人民币", "12", "亿元人民币", ("CNY", 10**8)),
    ("567.89 RMB million", "567.89", "RMB million", ("CNY", 10**6)),
    ("50,000 m²", "50,000", "m²", ("m**2", 1)),
    ("50,000 sq ft", "50,000", "sq ft", ("m**2", Fraction("0.09290304"))),
    ("27,402 employees", "27,402", "employees", ("person", 1)),
    ("1.2万人", "1.2", "万人", ("person", 10**4)),
]


@pytest.mark.parametrize(("printed", "digits", "unit", "size"), CASES)
def test_denominators_as_printed(printed: str, digits: str, unit: str, size: tuple[str, Fraction]) -> None:
    d = normalize_denominators({"x": printed})[0]
    assert (d.text, d.unit) == (digits, unit)
    assert d.value == Fraction(digits.replace(",", ""))
    assert conversion_factor(d.unit, size[0]) == size[1]


@pytest.mark.parametrize("printed", ["50,000 m²", "27,402", "12亿元", "2.5 m"])
def test_without_a_currency_m_is_the_metre(printed: str) -> None:
    assert split_denominator(printed) is None


def test_an_unreadable_denominator_is_an_error() -> None:
    with pytest.raises(GhgcalcError):
        normalize_denominators({"revenue": "RMB lots"})
    with pytest.raises(GhgcalcError):
        normalize_denominators({"beds": {"value": 5, "labels": {"fr": "lits"}}})


PROFILE = {"id": "d", "reporting_year": 2023, "gwp_set": "AR5", "carriers": {"electricity": {"emission": ["0.5 t CO2/MWh"]}}}
ACT = pd.DataFrame({"carrier": ["electricity"], "quantity": ["1,000"], "unit": ["MWh"]})   # 500 t CO2e


def test_intensities_carry_the_denominator_unit() -> None:
    r = ghgcalc.calculate(ACT, PROFILE, denominators={"floor_area": "50,000 m²", "revenue": "RMB 1.2 billion", "headcount": 250})
    k = r.kpis().set_index("metric")
    assert k.loc["scope1_2_per_floor_area", "unit"] == "t CO2e / m²"
    assert k.loc["scope1_2_per_floor_area", "value"] == pytest.approx(0.01)
    assert k.loc["scope1_2_per_revenue", "unit"] == "t CO2e / (CNY billion)"
    assert k.loc["scope1_2_per_revenue", "value"] == pytest.approx(500 / 1.2)
    assert k.loc["scope1_2_per_capita", "value"] == pytest.approx(2)
    assert k.loc["scope1_2_per_floor_area", "label_en"] == "Total GHG emissions (Scope 1 and 2) per floor area"
    assert k.loc["scope1_2_per_floor_area", "label_zh_hans"].endswith("（每楼面面积）")
    assert k.loc["scope1_2_per_floor_area", "label_zh_hant"].endswith("（每樓面面積）")


def test_a_custom_denominator_gets_labels_in_each_language() -> None:
    dens = {"beds": {"value": "500", "labels": {"en": "hospital bed", "zh_hant": "病床", "zh_hans": "病床"}},
            "lanes": {"value": "12", "label": "swimming lane"}, "gfa": "8,000 m²", "widgets": "40"}
    r = ghgcalc.calculate(ACT, PROFILE, denominators=dens)
    k = r.kpis().set_index("metric")
    assert k.loc["scope2_per_beds", "label_en"].endswith("per hospital bed")
    assert k.loc["scope2_per_beds", "label_zh_hans"].endswith("（每病床）")
    assert k.loc["scope2_per_lanes", "label_zh_hant"].endswith("（每swimming lane）")   # one text for every language
    assert k.loc["scope2_per_gfa", "label_en"].endswith("per gross floor area")           # metrics.yaml words
    assert k.loc["scope2_per_gfa", "label_zh_hans"].endswith("（每总楼面面积）")
    assert k.loc["scope2_per_widgets", "label_en"].endswith("per widgets")                # its own name
    assert k.loc["scope2_per_gfa", "unit"] == "t CO2e / m²"


def test_denominator_labels_fall_back_in_order() -> None:
    assert denominator_labels("floor_area") == {"en": "floor area", "zh_hant": "樓面面積", "zh_hans": "楼面面积"}
    assert denominator_labels("Floor Area")["zh_hans"] == "楼面面积"
    assert denominator_labels("site_count") == {"en": "site count", "zh_hant": "site count", "zh_hans": "site count"}
    assert denominator_labels("beds", {"zh_hans": "病床"})["zh_hans"] == "病床"


def test_calc_cli_denominators_and_labels(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.csv").write_text("carrier,quantity,unit\nGrid supplied electricity,1000,MWh\n", encoding="utf-8")
    (tmp_path / "p.toml").write_text('id = "p"\nreporting_year = 2023\n[carriers.electricity]\nemission = ["0.5 t CO2/MWh"]\n',
                                     encoding="utf-8")
    args = ["calc", str(tmp_path / "a.csv"), "--profile", str(tmp_path / "p.toml"), "--denominator", "floor_area=50,000 m²",
            "--denominator", "revenue=HK$ 350 million", "--denominator", "beds=500", "--denominator-label", "beds.en=hospital bed",
            "--denominator-label", "beds.zh_hant=病床", "--format", "json"]
    assert main(args) == 0
    totals = json.loads(capsys.readouterr().out)["totals"]
    assert totals["scope1_2_per_floor_area"] == {"value": pytest.approx(0.01), "unit": "t CO2e / m²"}
    assert totals["scope1_2_per_revenue"]["unit"] == "t CO2e / (HKD million)"
    assert totals["scope1_2_per_revenue"]["value"] == pytest.approx(500 / 350)
    assert main(args[:-2]) == 0                         # the table shows the labels
    text = capsys.readouterr().out
    assert "per hospital bed" in text and "（每病床）" in text
    assert main([*args[:4], "--denominator-label", "beds.en=bed"]) == 2   # a label for a denominator not given
    assert "no --denominator beds" in capsys.readouterr().err
