"""Uncertainty of totals: IPCC 2006 Vol. 1 Ch. 3 Approach 1 (error propagation, Eqs. 3.1/3.2)
and Approach 2 (Monte Carlo), on synthetic factor tables whose ranges make the hand
computation simple, and on the bundled Kuaishou 2022 example."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ghgcalc import calculate
from ghgcalc.cli import main
from ghgcalc.core.uncertainty import InputRange, MetricStructure, factor_range, simulate
from ghgcalc.errors import FactorError, GhgcalcError

# Synthetic test factors (not real data): values and ranges chosen so the propagation can be
# done by hand. NCV 40 GJ/t ±5 % (symmetric), CO2 0.07 t/GJ ±1 % (symmetric), CH4 3 (1-10)
# kg/GJ (asymmetric), grid 0.5 t CO2/MWh without a range.
TABLE = """id,carrier,kind,gas,value,unit,uncertainty_low,uncertainty_high,publisher,review_status,uncertainty_coverage
t-ncv,diesel,heating_value,,40,GJ/t,38,42,test,derived,
t-co2,diesel,emission,CO2,0.07,t CO2/GJ,0.0693,0.0707,test,derived,
t-ch4,diesel,emission,CH4,3,kg CH4/GJ,1,10,test,derived,
t-grid,electricity,emission,CO2,0.5,t CO2/MWh,,,test,derived,
t-ncv-wide,diesel,heating_value,,40,GJ/t,36,44,test,derived,
t-co2-asym,diesel,emission,CO2,0.07,t CO2/GJ,0.0686,0.0707,test,derived,
t-ncv-90,diesel,heating_value,,40,GJ/t,36,44,test,derived,90
t-ncv-span,diesel,heating_value,,40,GJ/t,36,44,test,derived,range
"""


def profile(tmp_path: Path, *, ncv: str = "t-ncv", emission: tuple[str, ...] = ("t-co2",)) -> dict[str, Any]:
    p = tmp_path / "factors.csv"
    p.write_text(TABLE, encoding="utf-8")
    return {
        "id": "unc-test", "reporting_year": 2022, "gwp_set": "AR5", "energy_basis": "heating_value",
        "factor_tables": [str(p)],
        "gwp": {"CO2": "1 t CO2e/t CO2", "CH4": "28 t CO2e/t CH4"},
        "carriers": {"diesel": {"heating_value": ncv, "emission": list(emission)},
                     "electricity": {"emission": ["t-grid"]}},
    }


def rows(*items: tuple[str, float, str, str]) -> list[dict[str, Any]]:
    return [{"carrier": c, "quantity": q, "unit": u, "facility": f, "period": 2022} for c, q, u, f in items]


# -- Approach 1 by hand ------------------------------------------------------------------------
def test_approach1_product_eq_3_1(tmp_path: Path) -> None:
    r = calculate(rows(("diesel", 100, "t", "A")), profile(tmp_path))
    u = r.uncertainty("scope1", "approach1")
    # E = 100 t × 40 GJ/t × 0.07 t/GJ = 280 t CO2; Eq. 3.1: U = sqrt(5² + 1²) % = 5.0990 %
    assert u.value == pytest.approx(280.0)
    assert u.rel_minus == pytest.approx(math.sqrt(0.05**2 + 0.01**2), rel=1e-12)
    assert u.rel_plus == pytest.approx(math.sqrt(0.05**2 + 0.01**2), rel=1e-12)
    assert u.lower == pytest.approx(280 * (1 - math.sqrt(0.0026)))
    assert set(u.ranged_factors) == {"t-ncv", "t-co2"}
    assert u.n is None and u.seed is None and u.method == "approach1"


def test_approach1_sum_eq_3_2_and_exact_factor_listed(tmp_path: Path) -> None:
    r = calculate(rows(("diesel", 100, "t", "A"), ("electricity", 1000, "MWh", "A")), profile(tmp_path))
    u = r.uncertainty("scope1_2", "approach1")
    # Eq. 3.2: x1 = 280 (U1 = 5.0990 %), x2 = 500 (no range: exact): U = sqrt((U1 x1)²) / (x1 + x2)
    assert u.value == pytest.approx(780.0)
    assert u.rel_plus == pytest.approx(math.sqrt(0.0026) * 280 / 780, rel=1e-12)
    assert "t-grid" in u.exact_factors
    assert any("t-grid" in n and "treated as exact" in n for n in u.notes)
    assert any("activity data treated as exact" in n for n in u.notes)
    assert r.uncertainty("scope2", "approach1").upper == pytest.approx(500.0)  # exact: zero width


def test_shared_factor_is_fully_correlated(tmp_path: Path) -> None:
    one = calculate(rows(("diesel", 100, "t", "A")), profile(tmp_path))
    two = calculate(rows(("diesel", 50, "t", "A"), ("diesel", 50, "kg", "B"), ("diesel", 49.95, "t", "C")), profile(tmp_path))
    # same factors in three keys: one uncertain input each, so the relative width does not
    # shrink by sqrt(n) as it would for independent inputs
    assert two.uncertainty("scope1", "approach1").rel_plus == pytest.approx(one.uncertainty("scope1", "approach1").rel_plus)


def test_co2e_over_gases_shares_the_heating_value(tmp_path: Path) -> None:
    r = calculate(rows(("diesel", 100, "t", "A")), profile(tmp_path, emission=("t-co2", "t-ch4")))
    u = r.uncertainty("scope1", "approach1")
    x_co2 = 100 * 40 * 0.07  # 280 t CO2
    x_ch4 = 100 * 40 * 3 / 1000 * 28  # 0.012 t CH4/GJ... = 12 t CH4 × 28 = 336 t CO2e
    x = x_co2 + x_ch4
    assert u.value == pytest.approx(x)
    # NCV enters both gases (sensitivity x), CO2 factor ±1 %, CH4 factor: larger half (10-3)/3
    expected = math.sqrt((x * 0.05) ** 2 + (x_co2 * 0.01) ** 2 + (x_ch4 * 7 / 3) ** 2) / x
    assert u.rel_plus == pytest.approx(expected, rel=1e-12)
    assert u.asymmetric_factors == ("t-ch4",)
    assert "literal:unc-test:gwp.CH4" in u.exact_factors
    assert max(u.contributions, key=u.contributions.__getitem__) == "t-ch4"
    assert sum(u.contributions.values()) == pytest.approx(1.0)


def test_activity_uncertainty(tmp_path: Path) -> None:
    r = calculate(rows(("柴油", 100, "t", "A"), ("electricity", 1000, "MWh", "A")), profile(tmp_path))
    u = r.uncertainty("scope1", "approach1", activity_uncertainty={"柴油": 0.03})
    assert u.rel_plus == pytest.approx(math.sqrt(0.05**2 + 0.01**2 + 0.03**2), rel=1e-12)
    assert u.activity_uncertainty == {"diesel": 0.03}
    u2 = r.uncertainty("scope1_2", "approach1", activity_uncertainty={"diesel": 0.03})
    assert u2.exact_activity == ("electricity",)
    with pytest.raises(GhgcalcError, match="not in the results"):
        r.uncertainty("scope1", activity_uncertainty={"gasoline": 0.02})
    with pytest.raises(GhgcalcError, match=">= 0"):
        r.uncertainty("scope1", activity_uncertainty={"diesel": -0.02})


def test_confidence_scales_approach1(tmp_path: Path) -> None:
    r = calculate(rows(("diesel", 100, "t", "A")), profile(tmp_path))
    u95 = r.uncertainty("scope1", "approach1")
    u90 = r.uncertainty("scope1", "approach1", confidence=0.90)
    assert u90.rel_plus / u95.rel_plus == pytest.approx(1.6448536269514722 / 1.959963984540054)


# -- Approach 2 ---------------------------------------------------------------------------------
def test_approach2_converges_to_approach1_for_small_symmetric_ranges(tmp_path: Path) -> None:
    r = calculate(rows(("diesel", 100, "t", "A"), ("electricity", 1000, "MWh", "A")), profile(tmp_path))
    a1 = r.uncertainty("scope1_2", "approach1")
    n = 20_000
    a2 = r.uncertainty("scope1_2", "approach2", n=n, seed=0)
    # The total is close to normal (product of two narrow normals) with sigma = a1 half-width / 1.96.
    # Standard error of an estimated 97.5th percentile: sqrt(p(1-p)/n) / phi(z_p) * sigma
    # = sqrt(0.975*0.025/20000) / 0.05845 * sigma = 0.0189 sigma, i.e. 0.96 % of the half-width
    # (1.96 sigma); the product's second-order term adds < 0.3 %. Tolerance: 5 % of the half-width.
    half = a1.upper - a1.value
    sigma = half / 1.959963984540054
    se_q = math.sqrt(0.975 * 0.025 / n) / 0.05844 * sigma
    assert 5 * se_q < 0.05 * half
    assert a2.upper - a2.value == pytest.approx(half, rel=0.05)
    assert a2.value - a2.lower == pytest.approx(half, rel=0.05)
    assert abs(a2.mean - a1.value) < 4 * sigma / math.sqrt(n) + 1e-4 * half  # SE of the mean
    assert a2.n == n and a2.seed == 0


def test_approach2_reproducible_from_seed(tmp_path: Path) -> None:
    r = calculate(rows(("diesel", 100, "t", "A")), profile(tmp_path, emission=("t-co2", "t-ch4")))
    a = r.uncertainty("scope1", "approach2", n=2000, seed=7)
    b = r.uncertainty("scope1", "approach2", n=2000, seed=7)
    c = r.uncertainty("scope1", "approach2", n=2000, seed=8)
    assert (a.lower, a.upper, a.mean) == (b.lower, b.upper, b.mean)
    assert (a.lower, a.upper) != (c.lower, c.upper)


def test_approach2_asymmetric_range_follows_its_skew(tmp_path: Path) -> None:
    # CO2 factor 0.07 (0.0686-0.0707): -2 % / +1 %; NCV exact-ish: use the wide symmetric NCV ±10 %
    r = calculate(rows(("diesel", 100, "t", "A")), profile(tmp_path, ncv="t-ncv-wide", emission=("t-co2-asym",)))
    u = r.uncertainty("scope1", "approach2", n=20_000, seed=1)
    one = calculate(rows(("diesel", 100, "t", "A")), profile(tmp_path, ncv="t-ncv", emission=("t-co2-asym",)))
    v = one.uncertainty("scope1", "approach2", n=20_000, seed=1)
    assert u.lower < u.value < u.upper
    assert v.rel_minus > v.rel_plus  # the left-skewed factor range gives a left-skewed total
    a1 = one.uncertainty("scope1", "approach1")
    assert a1.asymmetric_factors == ("t-co2-asym",)
    assert a1.rel_plus == pytest.approx(math.sqrt(0.05**2 + 0.02**2), rel=1e-12)  # the larger half (2 %)


def test_single_factor_percentiles_are_the_printed_range() -> None:
    # one input with range -20 % / +50 %: the 2.5th/97.5th percentiles of the draws are the bounds
    st_ = MetricStructure(value=1.0, unit="t", weights=np.array([1.0]), chains=[{"f": 1}], carriers=set())
    sims = simulate(st_, [InputRange("f", 0.2, 0.5, False)], 40_000, 3)
    lo, med, hi = np.quantile(sims, [0.025, 0.5, 0.975])
    # SE of a tail quantile here: sqrt(.975*.025/40000)/phi(1.96)*sigma = 0.0134 sigma (sigma = 0.2/1.96 or 0.5/1.96)
    assert lo == pytest.approx(0.8, abs=4 * 0.0134 * 0.2 / 1.96)
    assert hi == pytest.approx(1.5, abs=4 * 0.0134 * 0.5 / 1.96)
    assert med == pytest.approx(1.0, abs=0.01)


def test_draws_are_never_negative() -> None:
    st_ = MetricStructure(value=1.0, unit="t", weights=np.array([1.0]), chains=[{"f": -1}], carriers=set())
    sims = simulate(st_, [InputRange("f", 0.9, 2.0, False)], 20_000, 0)  # sigma- = 0.46: P(draw <= 0) = 1.5 %
    assert np.isfinite(sims).all() and (sims > 0).all()


def test_by_groups(tmp_path: Path) -> None:
    r = calculate(rows(("diesel", 100, "t", "A"), ("diesel", 10, "t", "B"), ("electricity", 1000, "MWh", "B")),
                  profile(tmp_path))
    df = r.uncertainty("scope1_2", "approach1", by="facility")
    assert list(df.index) == ["A", "B"]
    assert df["value"].sum() == pytest.approx(r.totals()["scope1_2"].magnitude)
    assert df.loc["A", "rel_plus"] == pytest.approx(math.sqrt(0.0026))
    assert df.loc["B", "rel_plus"] == pytest.approx(math.sqrt(0.0026) * 28 / 528)
    assert df.attrs["exact_factors"] and "t-grid" in df.attrs["exact_factors"]
    assert (df["lower"] <= df["value"]).all() and (df["value"] <= df["upper"]).all()


def test_every_total_metric_and_intensities(tmp_path: Path) -> None:
    r = calculate(rows(("diesel", 100, "t", "A"), ("electricity", 1000, "MWh", "A")), profile(tmp_path),
                  denominators={"headcount": 10})
    for m in r.metric_ids():
        if math.isnan(r.metric_value(m)[0]):
            continue  # not counted (e.g. CH4 under a CO2-only factor): n/a, and so no interval
        for method in ("approach1", "approach2"):
            u = r.uncertainty(m, method, n=500)  # type: ignore[arg-type]
            assert u.lower <= u.value * (1 + 1e-12) + 1e-12 and u.upper >= u.value * (1 - 1e-12) - 1e-12, (m, method)
    e = r.uncertainty("energy_total", "approach1")  # diesel 4000 GJ ±5 % + 1000 MWh exact
    assert e.rel_plus == pytest.approx(0.05 * (4000 / 3.6) / (4000 / 3.6 + 1000), rel=1e-9)
    pc = r.uncertainty("scope1_2_per_capita", "approach1")
    assert pc.value == pytest.approx(78.0) and pc.rel_plus == pytest.approx(r.uncertainty("scope1_2", "approach1").rel_plus)


def test_bad_arguments(tmp_path: Path) -> None:
    r = calculate(rows(("diesel", 100, "t", "A")), profile(tmp_path))
    with pytest.raises(GhgcalcError, match="unknown metric"):
        r.uncertainty("scope3")
    with pytest.raises(GhgcalcError, match="method"):
        r.uncertainty("scope1", "approach3")  # type: ignore[arg-type]
    with pytest.raises(GhgcalcError, match="n must be"):
        r.uncertainty("scope1", n=10)
    with pytest.raises(GhgcalcError, match="confidence"):
        r.uncertainty("scope1", confidence=95)


def test_factor_outside_its_range_is_an_error(tmp_path: Path) -> None:
    from ghgcalc.core.factors import FactorRow

    bad = FactorRow(id="x", kind="heating_value", value="5", unit="GJ/t", uncertainty_low="6", uncertainty_high="7")
    with pytest.raises(FactorError, match="outside its uncertainty range"):
        factor_range(bad)
    ok = factor_range(FactorRow(id="y", kind="heating_value", value="43.0", unit="TJ/Gg",
                                uncertainty_low="41.4", uncertainty_high="43.3"))  # IPCC 2006 V2 T1.2 diesel NCV
    assert ok is not None and not ok.symmetric
    assert ok.minus == pytest.approx(1.6 / 43) and ok.plus == pytest.approx(0.3 / 43)


# -- invariants ----------------------------------------------------------------------------------
@st.composite
def structures(draw: st.DrawFn) -> tuple[MetricStructure, list[InputRange]]:
    k = draw(st.integers(1, 3))
    inputs = []
    for i in range(k):
        minus = draw(st.floats(0.0, 0.9))
        plus = draw(st.floats(0.0, 3.0))
        inputs.append(InputRange(f"f{i}", minus, plus, minus == plus))
    signs = [draw(st.sampled_from([1, -1])) for _ in range(k)]
    n_terms = draw(st.integers(1, 3))
    chains, weights = [], []
    for _ in range(n_terms):
        members = draw(st.lists(st.integers(0, k - 1), unique=True, max_size=k))
        chains.append({f"f{i}": signs[i] for i in members})
        weights.append(draw(st.floats(0.001, 1e6)))
    w = np.array(weights)
    return MetricStructure(value=float(w.sum()), unit="t", weights=w, chains=chains, carriers=set()), inputs


@given(structures(), st.integers(0, 2**32 - 1))
def test_interval_contains_the_central_value(s: tuple[MetricStructure, list[InputRange]], seed: int) -> None:
    # each input is on the low side of its median with probability ~1/2, so with at most 3
    # inputs (each entering every term with the same sign) the total is below its central
    # value with probability >= 1/8 and above it with probability >= 1/8: far inside 2.5-97.5 %
    st_, inputs = s
    sims = simulate(st_, inputs, 2000, seed)
    lo, hi = np.quantile(sims, [0.025, 0.975])
    assert lo <= st_.value * (1 + 1e-9) and hi >= st_.value * (1 - 1e-9)


# -- the bundled example and the CLI --------------------------------------------------------------
def test_kuaishou_example(example_dir: Path) -> None:
    r = calculate(example_dir / "activity.csv", "kuaishou-2022")
    u = r.uncertainty("scope1_2", "approach1")
    # Scope 2 (0.5703 MEE grid factor, 0.11 t/GJ heat) has no published range: listed, exact
    assert {"cn-mee-grid-national-2022", "cn-ndrc-heat-2015"} <= set(u.exact_factors)
    assert "ipcc-2006-v2-t1.4-diesel-co2" in u.ranged_factors
    s1 = r.uncertainty("scope1", "approach1")
    # diesel CO2 74100 (72600-74800) kg/TJ: larger half 1500/74100 = 2.02 %; natural gas 56100 (54300-58300)
    assert 0.019 < s1.rel_plus < 0.0203


def test_cli_calc_uncertainty(example_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    act = str(example_dir / "activity.csv")
    assert main(["calc", act, "--profile", "kuaishou-2022", "--uncertainty", "approach2", "--seed", "3", "--draws", "2000",
                 "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    unc = out["uncertainty"]
    assert unc["method"] == "approach2" and unc["seed"] == 3 and unc["n"] == 2000
    assert "cn-mee-grid-national-2022" in unc["exact_factors"]
    s1 = unc["metrics"]["scope1"]
    assert s1["lower"] < s1["value"] < s1["upper"]
    assert main(["calc", act, "--profile", "kuaishou-2022", "--uncertainty", "approach1"]) == 0
    text = capsys.readouterr().out
    assert "uncertainty, 95 % interval, IPCC 2006 Approach 1" in text
    assert "treated as exact" in text and "scope1_2" in text


def test_market_based_metrics(tmp_path: Path) -> None:
    prof = profile(tmp_path, emission=("t-co2", "t-ch4"))
    prof["market_based"] = {"residual": "0.6 t CO2/MWh"}  # a literal: exact, listed
    r = calculate([*rows(("diesel", 100, "t", "A")),
                   {"carrier": "electricity", "quantity": 1000, "unit": "MWh", "facility": "A", "period": 2022,
                    "instrument": ""}], prof)
    u = r.uncertainty("scope1_2_market", "approach1")
    x_co2, x_ch4 = 280.0, 336.0  # as in test_co2e_over_gases_shares_the_heating_value
    x = x_co2 + x_ch4
    assert u.value == pytest.approx(x + 600)
    # the Scope 1 part keeps its per-gas terms in the market-based column
    expected = math.sqrt((x * 0.05) ** 2 + (x_co2 * 0.01) ** 2 + (x_ch4 * 7 / 3) ** 2) / (x + 600)
    assert u.rel_plus == pytest.approx(expected, rel=1e-12)
    assert any(f.startswith("literal:unc-test:market_based") for f in u.exact_factors)


def test_range_readings(tmp_path: Path) -> None:
    # a 90 % interval of ±10 % is a 95 % half-width of 10 % × z(0.975)/z(0.95) = 11.92 %
    r90 = calculate(rows(("diesel", 100, "t", "A")), profile(tmp_path, ncv="t-ncv-90"))
    u = r90.uncertainty("scope1", "approach1")
    assert u.rel_plus == pytest.approx(math.sqrt((0.1 * 1.959963984540054 / 1.6448536269514722) ** 2 + 0.01**2), rel=1e-9)
    assert u.range_readings == {"t-ncv-90": "90 % interval"}
    # a span 36-44 GJ/t read as uniform: 2.5th/97.5th percentiles 36.2 and 43.8, i.e. ±9.5 %
    rs = calculate(rows(("diesel", 100, "t", "A")), profile(tmp_path, ncv="t-ncv-span"))
    a1 = rs.uncertainty("energy_total", "approach1")
    assert a1.rel_plus == pytest.approx(0.095, rel=1e-12)
    assert "uniform" in a1.range_readings["t-ncv-span"] and a1.asymmetric_factors == ()
    a2 = rs.uncertainty("energy_total", "approach2", n=40_000, seed=2)
    # empirical quantiles of a uniform: SE = sqrt(p(1-p)/n) × width = 0.00078 × 0.2 of the value
    assert a2.lower / a2.value == pytest.approx(0.905, abs=4 * 0.00078 * 0.2)
    assert a2.upper / a2.value == pytest.approx(1.095, abs=4 * 0.00078 * 0.2)


def test_coverage_column_is_validated() -> None:
    from ghgcalc.core.factors import FactorRow

    base = {"id": "x", "kind": "heating_value", "value": "40", "unit": "GJ/t"}
    assert FactorRow(**base, uncertainty_low="36", uncertainty_high="44", uncertainty_coverage="90 %").uncertainty_coverage == "90"
    with pytest.raises(ValueError, match="percentage"):
        FactorRow(**base, uncertainty_low="36", uncertainty_high="44", uncertainty_coverage="wide")
    with pytest.raises(ValueError, match="between 0 and 100"):
        FactorRow(**base, uncertainty_low="36", uncertainty_high="44", uncertainty_coverage="100")
    with pytest.raises(ValueError, match="needs uncertainty_low"):
        FactorRow(**base, uncertainty_coverage="range")


def test_streamed_result_gives_the_same_interval(example_dir: Path) -> None:
    whole = calculate(example_dir / "activity.csv", "kuaishou-2022")
    streamed = calculate(example_dir / "activity.csv", "kuaishou-2022", chunk_rows=2)
    for method in ("approach1", "approach2"):
        a = whole.uncertainty("scope1", method, n=2000)  # type: ignore[arg-type]
        b = streamed.uncertainty("scope1", method, n=2000)  # type: ignore[arg-type]
        assert (a.lower, a.upper) == pytest.approx((b.lower, b.upper), rel=1e-12)


def test_terms_add_up_to_every_metric(tmp_path: Path, example_dir: Path) -> None:
    from ghgcalc.core.uncertainty import metric_structure

    mine = calculate(rows(("diesel", 100, "t", "A"), ("electricity", 1000, "MWh", "B")),
                     profile(tmp_path, emission=("t-co2", "t-ch4")), denominators={"headcount": 7})
    example = calculate(example_dir / "activity.csv", "kuaishou-2022", denominators={"headcount": 27402})
    for r in (mine, example):
        for m in r.metric_ids():
            if math.isnan(r.metric_value(m)[0]):
                continue  # n/a: a gas the method does not count
            st_ = metric_structure(r, m, None, {})
            assert float(st_.weights.sum()) == pytest.approx(st_.value, rel=1e-12, abs=1e-12), m


def test_cli_uncertainty_streamed_and_formats(example_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    act = str(example_dir / "activity.csv")
    args = ["calc", act, "--profile", "kuaishou-2022", "--uncertainty", "approach1", "--format", "json"]
    assert main(args) == 0
    whole = json.loads(capsys.readouterr().out)["uncertainty"]
    assert main([*args, "--chunk-rows", "2", "--quiet"]) == 0
    streamed = json.loads(capsys.readouterr().out)["uncertainty"]
    assert streamed["metrics"]["scope1"]["upper"] == pytest.approx(whole["metrics"]["scope1"]["upper"], rel=1e-12)
    # the per-row csv has no place for it: said, not dropped
    assert main(["calc", act, "--profile", "kuaishou-2022", "--uncertainty", "approach1", "--format", "csv"]) == 2
    assert "--uncertainty adds a section to --format table or json" in capsys.readouterr().err


def test_cli_confidence_option(example_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    act = str(example_dir / "activity.csv")
    base = ["calc", act, "--profile", "kuaishou-2022", "--uncertainty", "approach1", "--format", "json"]
    assert main(base) == 0
    u95 = json.loads(capsys.readouterr().out)["uncertainty"]
    assert u95["confidence"] == 0.95
    assert main([*base, "--confidence", "0.9"]) == 0
    u90 = json.loads(capsys.readouterr().out)["uncertainty"]
    assert u90["confidence"] == 0.9
    a, b = u90["metrics"]["scope1"], u95["metrics"]["scope1"]
    assert a["value"] == b["value"] and b["lower"] < a["lower"] < a["value"] < a["upper"] < b["upper"]
    assert main(["calc", act, "--profile", "kuaishou-2022", "--uncertainty", "approach1", "--confidence", "0.9"]) == 0
    assert "uncertainty, 90 % interval, IPCC 2006 Approach 1" in capsys.readouterr().out
    for bad in ("0", "1", "1.5", "-0.1", "nan", "ninety"):
        with pytest.raises(SystemExit) as exc:
            main([*base, "--confidence", bad])
        assert exc.value.code == 2
        assert "--confidence" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["calc", "--help"])
    assert "--confidence" in capsys.readouterr().out
