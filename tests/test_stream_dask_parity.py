"""Streamed and Dask results support totals, breakdowns, reconcile and KPIs (contract section 8,
issue "One core" A10): the same answers as the in-memory result of the same rows."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import ghgcalc
from ghgcalc.analysis.reconciliation import reconcile, round_half_up
from ghgcalc.core import calculation, streaming
from ghgcalc.core.results import Totals
from ghgcalc.core.units import metric_conversion
from ghgcalc.errors import GhgcalcError

EXAMPLE = Path(ghgcalc.__file__).parent / "data" / "examples" / "kuaishou-2022"
PROFILE = "kuaishou-2022"
DENOMS = {"headcount": 27402}
BY = ("facility", "carrier", "period", "scope")


def _example() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE / "activity.csv", dtype=str, keep_default_na=False)


def _multi() -> pd.DataFrame:
    """The example over 3 facilities (one row with no facility) and 2 periods, quantities
    printed at different precisions, some with thousands separators."""
    base = _example()
    parts = []
    for i, fac in enumerate(["Plant A", "Plant B", "HQ"]):
        for j, per in enumerate(["2022-03", "2022-09"]):
            p = base.copy()
            p["facility"] = fac
            p["period"] = per
            scale = Decimal(i + 1) + Decimal(j) / Decimal(10)
            p["quantity"] = [f"{Decimal(q.replace(',', '')) * scale:,}" if k % 2 else str(Decimal(q.replace(',', '')) * scale)
                             for k, q in enumerate(p["quantity"])]
            parts.append(p)
    it = pd.DataFrame([{"carrier": "it_electricity", "quantity": q, "unit": "MWh", "facility": f, "period": p, "note": ""}
                       for q, f, p in [("1,000,000.5", "Plant A", "2022-03"), ("2100000.25", "Plant A", "2022-09"),
                                       ("900000", "HQ", "2022-09")]])
    out = pd.concat([*parts[:3], it, *parts[3:]], ignore_index=True)   # data centres: PUE, CUE, WUE
    out.loc[5, "facility"] = ""
    return out


def _reported_multi(mem: Any) -> dict[str, Any]:
    """Figures naming a facility, a carrier, a period or several, printed from the in-memory
    result (one of them wrong, so that a difference is explained)."""
    figs: list[dict[str, Any]] = []
    for metric, unit, grp in [("scope1_2", "t CO2e", {"facility": "Plant A"}),
                              ("scope1_2", "t CO2e", {"facility": "HQ", "period": "2022-09"}),
                              ("scope2", "t CO2e", {"carrier": "electricity"}),
                              ("scope2", "t CO2e", {"carrier": "外購電力", "facility": "Plant B"}),
                              ("energy_total", "MWh", {"period": "2022-03"}),
                              ("energy_total", "MWh", {"period": "2022"}),
                              ("fresh_water", "m3", {"facility": "Plant B"}),
                              ("scope1_2_per_capita", "t CO2e / person", {"facility": "Plant A"}),
                              ("pue", "", {}), ("pue", "", {"facility": "Plant A"}), ("cue", "kg CO2e/kWh", {"period": "2022-09"}),
                              ("wue", "L/kWh", {"facility": "HQ"})]:
        sel = mem.select_group(**grp)
        v, _, _, u = mem.metric_exact(metric, sel)
        val = v * metric_conversion(u, unit)[0] if unit else v
        figs.append({"metric": metric, "value": f"{float(round_half_up(val, 2)):.2f}", "unit": unit, **grp})
    figs.append({"metric": "scope1_2", "value": "1234.56", "unit": "t CO2e", "facility": "Plant A"})   # differs
    figs.append({"metric": "scope1", "value": "1.00", "unit": "t CO2e", "facility": "Nowhere"})     # no row there
    figs.append({"metric": "scope1_2", "value": "88.84", "unit": "10^4 t CO2e"})
    return {"denominators": {"headcount": "27402"}, "reported": figs}


def _assert_frames(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert a.index.name == b.index.name
    assert [str(x) for x in a.index] == [str(x) for x in b.index]
    assert list(a.columns) == list(b.columns)
    for c in a.columns:
        np.testing.assert_allclose(a[c].to_numpy(dtype="float64"), b[c].to_numpy(dtype="float64"), rtol=1e-12,
                                   equal_nan=True, err_msg=c)
    assert a.attrs.get("units") == b.attrs.get("units")


def _assert_same(mem: Any, other: Any, reported: Any) -> None:
    assert isinstance(other, Totals) and isinstance(mem, Totals)
    assert reconcile(other, reported).entries == reconcile(mem, reported).entries
    for by in BY:
        _assert_frames(other.totals(by=by), mem.totals(by=by))
    pd.testing.assert_frame_equal(other.kpis(), mem.kpis())
    assert other.metric_ids() == mem.metric_ids()
    assert other.unavailable() == mem.unavailable()
    assert other.rows_computed == mem.rows_computed and other.n_input_rows == mem.n_input_rows


@pytest.fixture(params=["example", "multi"])
def table(request: pytest.FixtureRequest) -> pd.DataFrame:
    return _example() if request.param == "example" else _multi()


def _reported(df: pd.DataFrame, mem: Any) -> Any:
    return EXAMPLE / "reported.yaml" if len(df) == len(_example()) else _reported_multi(mem)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("chunk_rows", [1, 5, 1000])
def test_streamed_file_equals_in_memory(tmp_path: Path, table: pd.DataFrame, fmt: str, chunk_rows: int) -> None:
    if chunk_rows == 1 and len(table) > len(_example()):
        chunk_rows = 3   # one row per chunk is pinned on the example; the multi-facility table in threes (time)
    src = tmp_path / f"acts.{fmt}"
    if fmt == "csv":
        table.to_csv(src, index=False)
    else:
        table.to_parquet(src)
    mem = ghgcalc.calculate(src, PROFILE, DENOMS)
    st = ghgcalc.calculate(src, PROFILE, DENOMS, chunk_rows=chunk_rows)
    assert isinstance(st, streaming.StreamResult)
    _assert_same(mem, st, _reported(table, mem))


def test_streamed_numeric_parquet_equals_in_memory(tmp_path: Path) -> None:
    df = _multi()
    df["quantity"] = df["quantity"].str.replace(",", "").astype(float)
    src = tmp_path / "acts.parquet"
    df.to_parquet(src)
    mem = ghgcalc.calculate(src, PROFILE, DENOMS)
    _assert_same(mem, ghgcalc.calculate(src, PROFILE, DENOMS, chunk_rows=7), _reported_multi(mem))


@pytest.mark.parametrize("npartitions", [1, 4])
def test_dask_equals_in_memory(table: pd.DataFrame, npartitions: int) -> None:
    dd = pytest.importorskip("dask.dataframe")
    mem = ghgcalc.calculate(table, PROFILE, DENOMS)
    dk = ghgcalc.calculate(dd.from_pandas(table, npartitions=npartitions), PROFILE, DENOMS)
    _assert_same(mem, dk, _reported(table, mem))


def test_streamed_breakdown_by_another_column(tmp_path: Path) -> None:
    df = _multi()
    df["site"] = np.where(np.arange(len(df)) % 3 == 0, "north", "south")
    mem = ghgcalc.calculate(df, PROFILE, DENOMS)
    st = streaming.calculate_stream(df, PROFILE, DENOMS, chunk_rows=4, by=("site", "facility"), progress=False)
    _assert_frames(st.totals(by="site"), mem.totals(by="site"))
    _assert_frames(st.totals(by="facility"), mem.totals(by="facility"))
    _assert_frames(st.totals(by="year"), mem.totals(by="year"))
    _assert_frames(st.totals(by="region"), mem.totals(by="region"))
    dens = {"Plant A": {"headcount": 100}}
    _assert_frames(st.totals(by="facility", denominators=dens), mem.totals(by="facility", denominators=dens))
    with pytest.raises(GhgcalcError, match=r"by=\('note'"):
        st.totals(by="note")


def test_what_a_streamed_result_cannot_do_says_so(tmp_path: Path) -> None:
    big = pd.concat([_multi()] * 30, ignore_index=True)   # > 1000 rows
    st = ghgcalc.calculate(big, PROFILE, DENOMS, chunk_rows=500)
    with pytest.raises(GhgcalcError, match="per-row"):
        st.row_contributions("scope1_2")
    with pytest.raises(GhgcalcError, match="select_group"):
        st.select_mask("electricity")
    # the reconciliation of a figure that differs still explains it by factor
    rec = reconcile(st, {"reported": [{"metric": "scope1_2", "value": "1.00", "unit": "t CO2e", "facility": "Plant A"}]})
    mem = ghgcalc.calculate(big, PROFILE, DENOMS)
    assert rec.entries == reconcile(mem, {"reported": [{"metric": "scope1_2", "value": "1.00", "unit": "t CO2e",
                                                         "facility": "Plant A"}]}).entries


def test_cli_reconcile_streams_a_large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from ghgcalc.cli import main

    src = tmp_path / "acts.csv"
    _example().to_csv(src, index=False)
    monkeypatch.setattr(streaming, "STREAM_THRESHOLD_BYTES", 10)
    assert streaming.should_stream(src, None)
    kinds: list[str] = []
    real = calculation.calculate_stream

    def spy(*a: Any, **k: Any) -> Any:
        r = real(*a, **k)
        kinds.append(type(r).__name__)
        return r

    monkeypatch.setattr(calculation, "calculate_stream", spy)
    code = main(["reconcile", str(src), str(EXAMPLE / "reported.yaml"), "--profile", PROFILE, "--format", "json"])
    out = capsys.readouterr().out
    assert kinds == ["StreamResult"]
    mem = reconcile(ghgcalc.calculate(src, PROFILE), EXAMPLE / "reported.yaml")
    assert json.loads(out) == mem.to_list()
    assert code == 0


def test_cli_calc_chunk_rows_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ghgcalc.cli import main

    src = tmp_path / "acts.csv"
    _multi().to_csv(src, index=False)
    assert main(["calc", str(src), "--profile", PROFILE, "--chunk-rows", "5", "--format", "json", "--quiet"]) == 0
    streamed = json.loads(capsys.readouterr().out)
    assert main(["calc", str(src), "--profile", PROFILE, "--format", "json"]) == 0
    assert streamed["totals"] == json.loads(capsys.readouterr().out)["totals"]


def test_exact_sums_match_decimal_parsing() -> None:
    from fractions import Fraction

    from ghgcalc.core.results import decimal_of, exact_sums

    texts = np.array(["300.638", "0.5", "12", "5.", "1e3", "+4", "0.000", "12345678901234567890", "1,234.5", "12.25",
                      "99999999999999999", "9999999999999999.9", "0.00000000000000001", "７"] * 3, dtype=object)
    cells = np.arange(len(texts)) % 5
    got = exact_sums(cells, texts, np.zeros(len(texts))).by_group(np.arange(5))
    want: dict[int, list[Fraction]] = {}
    for c, t in zip(cells.tolist(), texts.tolist(), strict=True):
        x = decimal_of(t)
        t2 = t.strip().lower()
        d = len(t2.split(".", 1)[1]) if "." in t2 and "e" not in t2 else 0
        h = Fraction(1, 2 * 10**d) * (1000 if t2 == "1e3" else 1)
        acc = want.setdefault(c, [Fraction(0)] * 3)
        acc[0] += x
        acc[1] += max(x - h, Fraction(0))
        acc[2] += x + h
    assert got == want


def test_exact_parts_equal_the_per_row_sums() -> None:
    """The vectorised exact sums equal the row-by-row fractions (the former implementation)."""
    from fractions import Fraction

    from ghgcalc.core.results import decimal_of

    rng = np.random.default_rng(3)
    n = 3000
    mix = [("electricity", "MWh"), ("diesel", "t"), ("natural_gas", "m3"), ("heat", "GJ")]
    pick = rng.integers(0, len(mix), n)
    qty = [f"{v:.{d}f}" for v, d in zip(rng.gamma(2.0, 500.0, n), rng.integers(0, 6, n), strict=True)]
    qty[:3] = ["123456789012.34567", "1e3", "0.000"]
    df = pd.DataFrame({"carrier": [mix[i][0] for i in pick], "unit": [mix[i][1] for i in pick], "quantity": qty,
                       "facility": [f"F{i}" for i in rng.integers(0, 7, n)], "period": "2022"})
    res = ghgcalc.calculate(df, PROFILE)
    K = len(res._res)
    s, lo, hi = [Fraction(0)] * K, [Fraction(0)] * K, [Fraction(0)] * K
    for k, text in zip(res._inv.tolist(), res._qtext.tolist(), strict=True):
        x = decimal_of(text)
        t = str(text).strip().lower()
        h = Fraction(1, 2) * 1000 if t == "1e3" else Fraction(1, 2 * 10 ** (len(t.split(".")[1]) if "." in t else 0))
        s[k] += x
        lo[k] += max(x - h, Fraction(0))
        hi[k] += x + h
    assert res._exact_parts(None) == (s, lo, hi)
    st = ghgcalc.calculate(df, PROFILE, chunk_rows=700)
    for m in st.metric_ids():
        assert st.metric_exact(m) == res.metric_exact(m)
    for fac in ("F0", "F3"):
        assert st.metric_exact("scope1_2", st.select_group(facility=fac)) == res.metric_exact("scope1_2", res.select_group(facility=fac))


def test_streamed_with_bad_rows_collected_equals_in_memory(tmp_path: Path) -> None:
    df = _multi()
    df.loc[3, "quantity"] = "-1"
    df.loc[20, "unit"] = "furlong"
    df.loc[31, "carrier"] = "unobtainium"
    src = tmp_path / "acts.csv"
    df.to_csv(src, index=False)
    mem = ghgcalc.calculate(src, PROFILE, DENOMS, on_error="collect")
    st = ghgcalc.calculate(src, PROFILE, DENOMS, on_error="collect", chunk_rows=6)
    assert sorted((e.row, e.column) for e in st.errors) == sorted((e.row, e.column) for e in mem.errors)
    _assert_same(mem, st, _reported_multi(mem))
    assert ghgcalc.disclosure_pack(st).meta["rows_computed"] == mem.rows_computed
