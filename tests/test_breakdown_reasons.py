"""A breakdown cell that is n/a says why for its own group (contract section 8, "not counted is
not zero"): facility A, which has only diesel under ``count_emissions = false``, is told about
diesel, never about the natural gas of facility B (``heating_value = []``). The reasons are
decided per (group, key) from the per-key sums, so a result in memory, streamed in chunks and
summed over a Dask DataFrame give the same ones; ``calc --by`` prints them (text: one line per
distinct reason with its metrics and groups; JSON: each cell its own), and the disclosure pack's
table by facility has them as a footnote in its language. The organisation-wide reasons
(``unavailable_reasons``) are unchanged."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.reasons import Reason
from ghgcalc.core.streaming import calculate_stream
from ghgcalc.reports.disclosure import disclosure_pack, render_html, render_markdown
from ghgcalc.reports.tables import breakdown_json, breakdown_text

#: diesel: emissions not counted on purpose (energy counted, 38.6 GJ/kL); natural gas: a CO2e
#: factor and no heating value (its gases and its energy n/a); electricity: counted
PROFILE: dict[str, Any] = {
    "id": "t", "reporting_year": 2023, "region": "HK", "gwp_set": "AR5",
    "carriers": {"diesel": {"count_emissions": False, "heating_value": "38.6 GJ/kL"},
                 "natural_gas": {"emission": ["2.0 kg CO2e/m3"], "heating_value": []},
                 "electricity": {"emission": ["0.5 kg CO2e/kWh"]}},
}
PROFILE_TOML = """id = "t"
reporting_year = 2023
region = "HK"
gwp_set = "AR5"
[carriers.diesel]
count_emissions = false
heating_value = "38.6 GJ/kL"
[carriers.natural_gas]
emission = ["2.0 kg CO2e/m3"]
heating_value = []
[carriers.electricity]
emission = ["0.5 kg CO2e/kWh"]
"""
UNITS = {"diesel": "L", "natural_gas": "m3", "electricity": "MWh"}

#: the rows' own reasons, in English
DIESEL = "emissions not computed: count_emissions = false in the profile says on purpose that they are not counted here"
GAS_GASES = "CO2, CH4, N2O not counted separately: the emission factor is a CO2e factor"
GAS_ENERGY = ("energy not computed: heating_value = [] in the profile says on purpose that natural_gas has no heating "
              "value here (e.g. a per-litre method without one); set one to count its energy")
EMISSIONS = ("scope1", "scope1_2", "scope1_co2", "scope1_ch4", "scope1_n2o")
GASES = ("scope1_co2", "scope1_ch4", "scope1_n2o")
ENERGY = ("energy_total", "energy_direct")


def _rows(spec: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """(facility, carrier, quantity, period, site) per row."""
    return pd.DataFrame([{"facility": f, "carrier": c, "quantity": q, "unit": UNITS[c], "period": p, "site": s}
                         for f, c, q, p, s in spec])


#: A: diesel and electricity; B: natural gas and electricity; C: electricity only (all computed);
#: D: diesel and natural gas. Two periods (2022 diesel of A only), two sites across facilities.
TABLE = _rows([
    ("A", "diesel", "100", "2023", "north"), ("A", "electricity", "10", "2023", "north"),
    ("B", "natural_gas", "50", "2023", "south"), ("B", "electricity", "20", "2023", "south"),
    ("C", "electricity", "30", "2023", "south"), ("D", "diesel", "5", "2023", "east"),
    ("D", "natural_gas", "7", "2023", "east"), ("A", "diesel", "80", "2022", "north"),
    ("C", "electricity", "25", "2022", "south"), ("B", "electricity", "15", "2022", "south"),
])


def _expected(carriers: set[str], metric: str) -> str | None:
    """The reason a group with rows of ``carriers`` has for ``metric``, None when it has a value."""
    if metric in EMISSIONS:
        cars = sorted(c for c in carriers if c == "diesel" or (c == "natural_gas" and metric in GASES))
        whys = [DIESEL if c == "diesel" else GAS_GASES for c in cars]
    elif metric in ENERGY:
        cars = sorted(c for c in carriers if c == "natural_gas")
        whys = [GAS_ENERGY for _ in cars]
    else:
        return None
    return f"rows of {', '.join(cars)} carry no value for it ({'; '.join(whys)})" if cars else None


def _words(why: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(group, metric) -> the reason in English, for the n/a cells."""
    return {(str(g), m): v.text("en") for g, row in why.iterrows() for m, v in row.items() if v is not None}


def _streamed(table: pd.DataFrame, chunk_rows: int, by: str) -> Any:
    keep = ("facility", "period", by) if by not in ("facility", "period") else None
    return calculate_stream(table, PROFILE, chunk_rows=chunk_rows, by=keep, progress=False)


def _dask(table: pd.DataFrame, npartitions: int) -> Any:
    dd = pytest.importorskip("dask.dataframe")
    return ghgcalc.calculate(dd.from_pandas(table, npartitions=npartitions), PROFILE)


@pytest.fixture(scope="module")
def memory() -> ghgcalc.Result:
    return ghgcalc.calculate(TABLE, PROFILE)


@pytest.mark.parametrize("by", ["facility", "period", "site"])
def test_each_cell_names_the_carriers_of_its_own_group(memory: ghgcalc.Result, by: str) -> None:
    why = memory.breakdown_why(by)
    frame = memory.totals(by=by)
    assert list(why.index) == list(frame.index)
    for g in frame.index:
        have = set(TABLE.loc[TABLE[by] == g, "carrier"])
        for m in why.columns:
            want = _expected(have, m)
            got = why.at[g, m]
            assert (got.text("en") if isinstance(got, Reason) else None) == want, (by, g, m)
            assert math.isnan(frame.at[g, m]) == (want is not None), (by, g, m)   # a reason exactly where n/a


def test_the_shapes_of_the_issue(memory: ghgcalc.Result) -> None:
    why = _words(memory.breakdown_why("facility"))
    assert why["A", "scope1"] == f"rows of diesel carry no value for it ({DIESEL})"
    assert why["A", "scope1_co2"] == f"rows of diesel carry no value for it ({DIESEL})"   # not natural_gas
    assert not [k for k, v in why.items() if k[0] == "A" and "natural_gas" in v]
    assert why["B", "energy_total"] == f"rows of natural_gas carry no value for it ({GAS_ENERGY})"
    assert why["B", "scope1_ch4"] == f"rows of natural_gas carry no value for it ({GAS_GASES})"
    assert ("B", "scope1") not in why and not [k for k in why if k[0] == "C"]    # computed: no reason
    assert why["D", "scope1_n2o"] == f"rows of diesel, natural_gas carry no value for it ({DIESEL}; {GAS_GASES})"
    # by period: 2022 has diesel (A) but no natural gas
    per = _words(memory.breakdown_why("period"))
    assert per["2022", "scope1_co2"] == f"rows of diesel carry no value for it ({DIESEL})"
    assert ("2022", "energy_total") not in per
    # the organisation-wide reason still names every carrier behind the total
    assert memory.unavailable_reasons()["scope1_co2"] == (
        f"not available: rows of diesel, natural_gas carry no value for it ({DIESEL}; {GAS_GASES})")


@pytest.mark.parametrize("by", ["facility", "period", "site", "carrier"])
@pytest.mark.parametrize("chunk_rows", [1, 3, 4])
def test_streamed_gives_the_same_reasons(memory: ghgcalc.Result, by: str, chunk_rows: int) -> None:
    st_ = _streamed(TABLE, chunk_rows, by)
    assert type(st_).__name__ == "StreamResult"
    assert _words(st_.breakdown_why(by)) == _words(memory.breakdown_why(by))
    assert breakdown_json(st_, by) == breakdown_json(memory, by)


@pytest.mark.parametrize("by", ["facility", "period", "site"])
@pytest.mark.parametrize("npartitions", [1, 3])
def test_dask_gives_the_same_reasons(memory: ghgcalc.Result, by: str, npartitions: int) -> None:
    dask = pytest.importorskip("dask")
    with dask.config.set(scheduler="synchronous"):
        dk = _dask(TABLE, npartitions)
        assert type(dk).__name__ == "DaskResult"
        assert _words(dk.breakdown_why(by)) == _words(memory.breakdown_why(by))
        assert breakdown_json(dk, by) == breakdown_json(memory, by)


def test_all_computed_has_no_reason() -> None:
    table = TABLE[TABLE["carrier"] == "electricity"]
    for r in (ghgcalc.calculate(table, PROFILE), _streamed(table, 2, "facility")):
        why = r.breakdown_why("facility")
        assert list(why.index) == ["A", "B", "C"] and why.isna().all().all()
        assert "n/a" not in breakdown_text(r, "facility")


def test_text_lines_one_per_distinct_reason(memory: ghgcalc.Result) -> None:
    text = breakdown_text(memory, "facility")
    lines = [ln for ln in text.splitlines() if ln.startswith("n/a: ")]
    assert len(lines) == len(set(lines)) == 4     # diesel; natural gas's gases; its energy; both (D's gases)
    diesel = f"not available: rows of diesel carry no value for it ({DIESEL})"
    assert f"n/a: scope1, scope1_2 (A, D); scope1_co2, scope1_ch4, scope1_n2o (A): {diesel}" in lines
    assert f"n/a: scope1_co2, scope1_ch4, scope1_n2o (B): not available: rows of natural_gas carry no value for it " \
           f"({GAS_GASES})" in lines
    assert f"n/a: energy_total, energy_direct (B, D): not available: rows of natural_gas carry no value for it " \
           f"({GAS_ENERGY})" in lines
    assert f"n/a: scope1_co2, scope1_ch4, scope1_n2o (D): not available: rows of diesel, natural_gas carry no value " \
           f"for it ({DIESEL}; {GAS_GASES})" in lines


def _files(tmp: Path) -> tuple[Path, Path]:
    (tmp / "p.toml").write_text(PROFILE_TOML, encoding="utf-8")
    TABLE.to_csv(tmp / "a.csv", index=False)
    return tmp / "a.csv", tmp / "p.toml"


@pytest.mark.parametrize("stream", [False, True])
def test_cli_text(tmp_path: Path, capsys: pytest.CaptureFixture[str], stream: bool) -> None:
    act, prof = _files(tmp_path)
    args = ["calc", str(act), "--profile", str(prof), "--by", "facility"] + (["--chunk-rows", "3"] if stream else [])
    assert main(args) == 0
    out = capsys.readouterr().out
    na = [ln for ln in out.split("By facility", 1)[1].splitlines() if ln.startswith("n/a: ")]
    assert f"n/a: scope1, scope1_2 (A, D); scope1_co2, scope1_ch4, scope1_n2o (A): not available: rows of diesel " \
           f"carry no value for it ({DIESEL})" in na
    assert not [ln for ln in na if "(A" in ln and "natural_gas" in ln]
    memory_lines = breakdown_text(ghgcalc.calculate(TABLE, PROFILE), "facility").splitlines()
    assert na == [ln for ln in memory_lines if ln.startswith("n/a: ")]


@pytest.mark.parametrize("stream", [False, True])
def test_cli_json_each_cell_its_own_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str], stream: bool) -> None:
    act, prof = _files(tmp_path)
    args = ["calc", str(act), "--profile", str(prof), "--by", "facility", "--format", "json",
            "--denominator", "headcount=10"] + (["--chunk-rows", "4"] if stream else [])
    assert main(args) == 0
    groups = {g["facility"]: g["totals"] for g in json.loads(capsys.readouterr().out)["breakdown"]["groups"]}
    assert groups["A"]["scope1"] == {"value": None, "unit": "t CO2e",
                                     "reason": f"not available: rows of diesel carry no value for it ({DIESEL})"}
    assert groups["A"]["scope1_co2"]["reason"] == groups["A"]["scope1"]["reason"]
    assert groups["B"]["energy_total"]["reason"] == f"not available: rows of natural_gas carry no value for it ({GAS_ENERGY})"
    assert groups["B"]["scope1"]["value"] == pytest.approx(0.1) and "reason" not in groups["B"]["scope1"]
    # an intensity: its base's reason where the base is n/a; otherwise the group lacks the denominator
    assert groups["A"]["scope1_per_capita"]["reason"] == groups["A"]["scope1"]["reason"]
    assert groups["C"]["scope2_per_capita"]["reason"].startswith("no headcount for this facility group (an organisation's")
    assert not [m for m, e in groups["C"].items() if "reason" in e and not m.endswith("_per_capita")]


def test_pack_by_facility_footnote_in_zh_hans(memory: ghgcalc.Result) -> None:
    pack = disclosure_pack(memory)
    [note] = pack.table_footnotes["by_facility"]
    zh = note["zh_hans"]
    assert zh.startswith("本表不适用（n/a）的数值：") and zh.endswith("。")
    # A and D: Scope 1 for their diesel alone (the pack's table has no per-gas column); B and D: energy for natural gas
    assert zh == ("本表不适用（n/a）的数值：A、D（范围一排放量、温室气体排放总量（范围一和范围二））：柴油的数据行没有此项数值（未计算排放："
                  "方法设定以count_emissions = false表明此处有意不计算其排放）；B、D（综合能源消耗量）：天然气的数据行没有此项数值"
                  "（未计算能源：方法设定以heating_value = []表明天然气在此有意不设热值（例如无热值的按升计算方法）；设定热值即可计算其能源）。")
    assert "C" not in zh and "diesel" not in zh and "not available" not in zh
    assert note["en"].startswith("Not available (n/a) in this table: A, D (Scope 1 GHG emissions, Total GHG emissions")
    html = render_html(pack, "zh_hans")
    foot = re.search(r'<section id="by_facility">.*?<ol class="footnotes" id="by_facility-footnotes"><li>(.*?)</li></ol>',
                     html, re.S)
    assert foot is not None and "柴油的数据行没有此项数值" in foot.group(1)
    md = render_markdown(pack, "zh_hans")
    assert "| D | n/a |" in md and "\n1. 本表不适用（n/a）的数值：A、D（" in md.split("## 按设施", 1)[1]


def test_pack_footnote_is_of_the_reporting_year_only() -> None:
    """A's diesel is in 2022 only: the 2023 table by facility has A's Scope 1, and no footnote."""
    table = TABLE[~((TABLE["facility"] == "A") & (TABLE["period"] == "2023") & (TABLE["carrier"] == "diesel"))]
    table = table[table["facility"] != "D"]
    pack = disclosure_pack(ghgcalc.calculate(table, PROFILE), reporting_year=2023)
    by_fac = pack.by_facility.set_index("facility")
    assert by_fac.loc["A", "scope1"] == 0 and math.isnan(by_fac.loc["B", "energy_total"])
    [note] = pack.table_footnotes["by_facility"]
    assert "A (" not in note["en"] and "diesel" not in note["en"] and note["en"].startswith(
        "Not available (n/a) in this table: B (Total energy consumption): rows of natural_gas")
    clean = disclosure_pack(ghgcalc.calculate(table[table["carrier"] == "electricity"], PROFILE))
    assert clean.table_footnotes == {}


@given(st.lists(st.tuples(st.sampled_from("PQR"), st.sampled_from(sorted(UNITS))), min_size=1, max_size=8))
def test_property_reason_names_exactly_the_groups_carriers(rows: list[tuple[str, str]]) -> None:
    table = _rows([(f, c, str(i + 1), "2023", "x") for i, (f, c) in enumerate(rows)])
    r = ghgcalc.calculate(table, PROFILE)
    why = r.breakdown_why("facility")
    frame = r.totals(by="facility")
    for g in frame.index:
        have = {c for f, c in rows if f == g}
        for m in why.columns:
            got = why.at[g, m]
            assert (got.text("en") if isinstance(got, Reason) else None) == _expected(have, m), (g, m)
