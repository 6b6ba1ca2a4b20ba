"""Scales printed with the unit (issue 15, units seen in HKEX reports): ``万kWh`` / ``萬kWh`` /
``万千瓦时`` (10^4 kWh), the HKEX shorthand ``0000'KWh`` (10^4 kWh), ``'000 kWh`` / ``000'kWh`` /
``千kWh`` / ``千千瓦时`` / ``千個千瓦時`` (10^3 kWh, the ESG Reporting Guide's "kWh in '000s", KPI
A2.1), MWh in any case, ``万吨`` (10^4 t), ``千升`` (kL), ``万立方米`` (10^4 m³). The words are
data (``unit_scales`` of ghgcalc/data/quantities.yaml, units.txt); each spelling converts
exactly, in an activity table's unit column, a wide KPI table's unit column and a reported
figure's unit. A scale with no unit (``万``, ``'000``) is an error that says so.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.core.units import conversion_factor, parse_unit
from ghgcalc.errors import ActivityDataError, UnitError

ROOT = Path(__file__).resolve().parents[1]
#: the README's wide-table profile: the MEE/NBS national grid factor of 2021-2023, fuels of cn-mee-nbs-2023-national
MULTI_YEAR = ROOT / "examples" / "kpi-wide-zh" / "profile.toml"

#: (as printed, base unit, exact factor): 1 printed unit = factor base units
SPELLINGS: list[tuple[str, str, Fraction | int]] = [
    # ten thousand kWh
    ("万kWh", "kWh", 10**4), ("萬kWh", "kWh", 10**4), ("万千瓦时", "kWh", 10**4), ("萬千瓦時", "kWh", 10**4),
    ("万 kWh", "kWh", 10**4), ("万KWh", "kWh", 10**4), ("萬(kWh)", "kWh", 10**4),
    ("0000'KWh", "kWh", 10**4), ("0000’kWh", "kWh", 10**4), ("kWh'0000", "kWh", 10**4),
    # a thousand kWh (= 1 MWh)
    ("'000 kWh", "MWh", 1), ("’000 kWh", "MWh", 1), ("000'kWh", "MWh", 1), ("kWh'000", "MWh", 1),
    ("千kWh", "MWh", 1), ("千千瓦时", "MWh", 1), ("千千瓦時", "MWh", 1), ("千個千瓦時", "MWh", 1), ("千个千瓦时", "MWh", 1),
    ("千度", "MWh", 1),
    # MWh in any case
    ("MWh", "kWh", 1000), ("mwh", "kWh", 1000), ("Mwh", "kWh", 1000), ("MWH", "kWh", 1000),
    # masses, volumes
    ("万吨", "t", 10**4), ("萬噸", "t", 10**4), ("万t", "t", 10**4), ("千升", "L", 1000), ("千升", "kL", 1),
    ("万立方米", "m**3", 10**4), ("萬立方米", "m**3", 10**4), ("万m3", "m**3", 10**4), ("万m³", "m**3", 10**4),
    ("千立方米", "m**3", 1000),
    # in a denominator: the scale is the denominator's
    ("t/万kWh", "t/kWh", Fraction(1, 10**4)), ("tCO2e/万kWh", "t CO2e/kWh", Fraction(1, 10**4)),
    ("t/RMB'0000", "t/CNY", Fraction(1, 10**4)),
]


@pytest.mark.parametrize(("printed", "base", "factor"), SPELLINGS)
def test_each_spelling_converts_exactly(printed: str, base: str, factor: Fraction | int) -> None:
    assert conversion_factor(printed, base) == factor
    # the worked examples of the issue: 1.5 万kWh = 15 MWh; 2 '000 kWh = 2 MWh
    assert conversion_factor("万kWh", "MWh") * Fraction("1.5") == 15
    assert conversion_factor("'000 kWh", "MWh") * 2 == 2


@given(st.fractions(min_value=0, max_value=10**9, max_denominator=10**6), st.sampled_from(SPELLINGS))
def test_a_quantity_in_any_spelling_equals_it_in_base_units(x: Fraction, spelling: tuple[str, str, Fraction | int]) -> None:
    printed, base, factor = spelling
    q = x * parse_unit(printed)
    assert Fraction(q.to(parse_unit(base).units).magnitude) / Fraction(parse_unit(base).magnitude) == x * factor


@pytest.mark.parametrize(("printed", "words"), [
    ("万", "counting word (x 10^4) with no unit"),
    ("萬", "counting word (x 10^4) with no unit"),
    ("千", "counting word (x 10^3) with no unit"),
    ("t/万", "counting word (x 10^4) with no unit"),
    ("'000", "scale (x 10^3) with no unit"),
    ("0000'", "scale (x 10^4) with no unit"),
    ("0000", "scale (x 10^4) with no unit"),
])
def test_a_scale_with_no_unit_stays_an_error(printed: str, words: str) -> None:
    with pytest.raises(UnitError) as ei:
        parse_unit(printed)
    assert words in ei.value.reason and "not said" in ei.value.reason
    assert ei.value.hint


def test_activity_rows_in_each_spelling(tmp_path: Path) -> None:
    """One CSV, one electricity quantity per spelling: the energy is the exact sum in MWh."""
    rows = [("1.5", "万kWh", Fraction(15)), ("2", "'000 kWh", Fraction(2)), ("0.25", "0000'KWh", Fraction("2.5")),
            ("3", "千個千瓦時", Fraction(3)), ("4", "千千瓦时", Fraction(4)), ("5", "mwh", Fraction(5)),
            ("6", "Mwh", Fraction(6)), ("7", "000'kWh", Fraction(7)), ("8", "萬千瓦時", Fraction(80)), ("9", "千kWh", Fraction(9))]
    path = tmp_path / "a.csv"
    path.write_text("carrier,quantity,unit,period\n" + "".join(f"外购电力,{q},{u},2022\n" for q, u, _ in rows), encoding="utf-8")
    res = ghgcalc.calculate(path, "cn-mee-ets-2022")
    want = sum(mwh for _, _, mwh in rows)
    assert Fraction(res.metric_exact("energy_indirect")[0]) == want
    assert res.totals()["energy_indirect"].to("MWh").magnitude == pytest.approx(float(want), rel=1e-12)
    assert res.rows["unit"].tolist() == [u for _, u, _ in rows]          # the rows keep the unit as printed


def test_a_bare_counting_word_in_the_unit_column_is_a_row_error(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("carrier,quantity,unit,period\n外购电力,1.5,万kWh,2022\n外购电力,2,万,2022\n柴油,3,'000,2022\n",
                    encoding="utf-8")
    with pytest.raises(ActivityDataError) as ei:
        ghgcalc.calculate(path, "cn-mee-ets-2022")
    got = {(i.line, i.column, i.value): i.reason for i in ei.value.issues}
    assert set(got) == {(3, "unit", "万"), (4, "unit", "'000")}
    assert "counting word" in got[(3, "unit", "万")] and "scale" in got[(4, "unit", "'000")]
    res = ghgcalc.calculate(path, "cn-mee-ets-2022", on_error="collect")   # the good row still counts, once
    assert Fraction(res.metric_exact("energy_indirect")[0]) == 15


def test_a_wide_table_with_scaled_units(tmp_path: Path) -> None:
    """A KPI table printed in 0000'KWh, 萬噸 and 萬立方米 gives the figures of the same table in MWh, t, m³."""
    scaled = ("指标,单位,2021年,2022年\n"
              "外购电力,0000'KWh,\"1,234.5\",\"1,310.2\"\n"
              "柴油,萬噸,0.00562,0.00489\n"
              "天然气,萬立方米,12.3,13.1\n")
    base = ("指标,单位,2021年,2022年\n"
            "外购电力,MWh,12345,13102\n"
            "柴油,t,56.2,48.9\n"
            "天然气,m3,123000,131000\n")
    (tmp_path / "scaled.csv").write_text(scaled, encoding="utf-8")
    (tmp_path / "base.csv").write_text(base, encoding="utf-8")
    a = ghgcalc.calculate(tmp_path / "scaled.csv", str(MULTI_YEAR))
    b = ghgcalc.calculate(tmp_path / "base.csv", str(MULTI_YEAR))
    assert a.input_info["wide"]["rows"] == 6
    for m in ("energy_indirect", "energy_direct", "scope1", "scope2"):
        assert Fraction(a.metric_exact(m)[0]) == Fraction(b.metric_exact(m)[0]), m
    assert Fraction(a.metric_exact("energy_indirect")[0]) == 12345 + 13102


@pytest.mark.parametrize(("value", "unit", "status"), [
    ("213.456", "万kWh", "reproduced"),          # 2134.56 MWh exactly
    ("213.46", "萬千瓦時", "reproduced"),          # at two decimals
    ("213.5", "0000'KWh", "reproduced"),          # at one decimal
    ("2,134.56", "'000 kWh", "reproduced"),
    ("2134.6", "千個千瓦時", "reproduced"),
    ("0.213456", "万MWh", "reproduced"),
    ("2,134,560", "kwh", "reproduced"),
    ("230.1", "万kWh", "differs"),
])
def test_a_reported_figure_in_scaled_units_reconciles(value: str, unit: str, status: str) -> None:
    """A figure printed in 万kWh (or '000 kWh) is compared with the computed MWh at its printed precision."""
    act = pd.DataFrame({"carrier": ["外购电力", "外购电力"], "quantity": ["1,000", "1134.56"], "unit": ["MWh", "MWh"],
                        "period": [2022, 2022]})
    res = ghgcalc.calculate(act, "cn-mee-ets-2022")
    [e] = ghgcalc.reconcile(res, {"reported": [{"metric": "energy_indirect", "value": value, "unit": unit}]}).to_list()
    assert e["status"] == status, e
    if status == "reproduced":
        assert Fraction(e["recomputed"].replace(",", "")) == Fraction(value.replace(",", ""))
