"""``calc --by COLUMN`` prints the breakdown ``result.totals(by=...)`` gives; ``--lang en|zh_hans|zh_hant``
sets the labels and headings of the CLI tables (from ``data/metrics.yaml``); ``profiles show --brief``
(issue 15 item 14). In-process (``ghgcalc.cli.main``), several input shapes."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from cli_process import literal_profile

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.carriers import carriers, metric_definitions
from ghgcalc.core.profiles import builtin_profiles, load_profile
from ghgcalc.printed import format_at


@pytest.fixture
def shapes(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Tables with facilities, periods, a carried column and a blank facility; a Chinese-labelled one
    for a built-in profile; an XLSX sheet."""
    prof = literal_profile(tmp_path)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("carrier,quantity,unit,facility,period,site_type\n"
                     "electricity,100,MWh,Plant A,2022,office\nelectricity,40,MWh,Plant B,2023,factory\n"
                     "diesel,2,t,Plant A,2023,office\ndiesel,1.5,t,,2022,factory\nelectricity,\"1,250\",kWh,Plant B,2023,\n",
                     encoding="utf-8")
    zh = tmp_path / "zh.csv"
    zh.write_text("carrier,quantity,unit,facility,period\n外購電力,\"1,200\",兆瓦時,總部,2022\n柴油,3.5,噸,廠房,2022\n"
                  "天然氣,\"10,000\",立方米,總部,2022\n新鮮用水,500,立方米,廠房,2022\n", encoding="utf-8")
    xl = tmp_path / "acts.xlsx"
    pd.DataFrame({"carrier": ["electricity", "diesel", "electricity"], "quantity": [40, 3, 12], "unit": ["MWh", "t", "MWh"],
                  "facility": ["Plant A", "Plant B", "Plant B"], "period": [2023, 2023, 2022]}).to_excel(xl, index=False)
    return {"mixed": (mixed, str(prof)), "zh": (zh, "kuaishou-2022"), "xlsx": (xl, str(prof))}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


CASES = [("mixed", "facility"), ("mixed", "period"), ("mixed", "carrier"), ("mixed", "scope"), ("mixed", "site_type"),
         ("zh", "carrier"), ("zh", "facility"), ("xlsx", "period"), ("xlsx", "facility")]


@pytest.mark.parametrize(("shape", "by"), CASES)
def test_json_breakdown_is_totals_by(shapes: dict[str, tuple[Path, str]], capsys: pytest.CaptureFixture[str],
                                     shape: str, by: str) -> None:
    src, prof = shapes[shape]
    code, out, _ = _run(capsys, "calc", str(src), "--profile", prof, "--by", by, "--format", "json")
    assert code == 0
    got = json.loads(out)["breakdown"]
    want = ghgcalc.calculate(src, prof).totals(by=by)
    assert got["by"] == by and [str(g[by]) for g in got["groups"]] == [str(g) for g in want.index]
    for g, (_, row) in zip(got["groups"], want.iterrows(), strict=True):
        assert set(g["totals"]) == set(want.columns)
        for m, v in row.items():
            entry = g["totals"][m]
            assert entry["unit"] == want.attrs["units"][m]
            if math.isnan(v):
                assert entry["value"] is None and entry["reason"]
            else:
                assert entry["value"] == pytest.approx(v, rel=1e-12, abs=1e-12)
    # the groups add up to the total (the not-counted gases stay n/a, never 0)
    total = ghgcalc.calculate(src, prof).totals()["scope1_2"].magnitude
    assert sum(g["totals"]["scope1_2"]["value"] for g in got["groups"]) == pytest.approx(total)


@pytest.mark.parametrize(("shape", "by"), CASES)
def test_table_prints_each_group_and_value(shapes: dict[str, tuple[Path, str]], capsys: pytest.CaptureFixture[str],
                                           shape: str, by: str) -> None:
    src, prof = shapes[shape]
    code, out, _ = _run(capsys, "calc", str(src), "--profile", prof, "--by", by)
    assert code == 0
    kpis, _, breakdown = out.partition(f"\nBy {by}\n")
    assert "scope1_2" in kpis and breakdown, out
    want = ghgcalc.calculate(src, prof).totals(by=by)
    head, *lines = breakdown.splitlines()
    for g in want.index:
        assert str(g) in head
    line = next(ln for ln in lines if ln.startswith("scope1_2 "))
    for v in want["scope1_2"]:
        assert format_at(v, 4, grouping=True) in line   # half-up on the decimal digits
    assert "溫室氣體排放總量（範圍一和範圍二） / Total GHG emissions (Scope 1 and 2)" in line  # default labels: both


def test_blank_facility_is_its_own_group(shapes: dict[str, tuple[Path, str]], capsys: pytest.CaptureFixture[str]) -> None:
    src, prof = shapes["mixed"]
    out = json.loads(_run(capsys, "calc", str(src), "--profile", prof, "--by", "facility", "--format", "json")[1])
    assert [g["facility"] for g in out["breakdown"]["groups"]] == ["Plant A", "Plant B", "(none)"]


def test_unknown_column_is_exit_2_naming_it(shapes: dict[str, tuple[Path, str]], capsys: pytest.CaptureFixture[str]) -> None:
    src, prof = shapes["mixed"]
    code, out, err = _run(capsys, "calc", str(src), "--profile", prof, "--by", "department")
    assert code == 2 and out == "" and "--by department: no column 'department'" in err and "facility" in err


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_by_with_a_table_file_writes_the_breakdown(shapes: dict[str, tuple[Path, str]], capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path, suffix: str) -> None:
    src, prof = shapes["mixed"]
    out = tmp_path / f"by{suffix}"
    assert _run(capsys, "calc", str(src), "--profile", prof, "--by", "period", "-o", str(out))[0] == 0
    df = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert list(df.columns) == ["period", "metric", "value", "unit"]
    want = ghgcalc.calculate(src, prof).totals(by="period")
    assert len(df) == want.size
    got = df.set_index([df["period"].astype(str), "metric"])["value"]
    for g in want.index:
        assert got[(str(g), "scope2")] == pytest.approx(want.loc[g, "scope2"])
        assert math.isnan(got[(str(g), "scope1_ch4")])  # not counted: empty, never 0


def test_by_on_stdout_as_csv(shapes: dict[str, tuple[Path, str]], capsys: pytest.CaptureFixture[str]) -> None:
    src, prof = shapes["zh"]
    code, out, _ = _run(capsys, "calc", str(src), "--profile", prof, "--by", "carrier", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "carrier,metric,value,unit" and any(ln.startswith("electricity,scope2,") for ln in lines)


def _label(metric: str, lang: str) -> str:
    return str(metric_definitions()["metrics"][metric][lang])


@pytest.mark.parametrize("lang", ["en", "zh_hans", "zh_hant"])
@pytest.mark.parametrize("shape", ["mixed", "zh"])
def test_lang_sets_labels_and_headings(shapes: dict[str, tuple[Path, str]], capsys: pytest.CaptureFixture[str],
                                       lang: str, shape: str) -> None:
    src, prof = shapes[shape]
    code, out, _ = _run(capsys, "calc", str(src), "--profile", prof, "--lang", lang, "--by", "carrier")
    assert code == 0
    text = metric_definitions()["report_text"]
    first = out.splitlines()[0]
    for key in ("metric", "value", "unit", "label"):
        assert text[key][lang] in first
    s12 = next(ln for ln in out.splitlines() if ln.startswith("scope1_2 "))
    assert s12.rstrip().endswith(_label("scope1_2", lang))
    others = [lg for lg in ("en", "zh_hant", "zh_hans") if _label("scope1_2", lg) != _label("scope1_2", lang)]
    assert all(_label("scope1_2", lg) not in out for lg in others)
    title = text["by_column"][lang].replace("{column}", text["columns"]["carrier"][lang])
    assert f"\n{title}\n" in out
    # carrier groups are named in the language too
    elec = carriers()["electricity"].labels[lang]
    breakdown_head = out.split(f"\n{title}\n", 1)[1].splitlines()[0]
    assert elec in breakdown_head


def test_lang_accepts_bcp47_spelling_and_refuses_others(shapes: dict[str, tuple[Path, str]],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    src, prof = shapes["mixed"]
    assert _run(capsys, "calc", str(src), "--profile", prof, "--lang", "zh-Hant")[0] == 0
    with pytest.raises(SystemExit) as exc:
        main(["calc", str(src), "--profile", prof, "--lang", "fr"])
    assert exc.value.code == 2 and "expected en, zh_hans or zh_hant" in capsys.readouterr().err


def test_default_table_keeps_both_labels_and_plain_headings(shapes: dict[str, tuple[Path, str]],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    src, prof = shapes["zh"]
    out = _run(capsys, "calc", str(src), "--profile", prof)[1]
    assert out.splitlines()[0].split() == ["metric", "value", "unit", "label"]
    assert f"{_label('scope2', 'zh_hant')} / {_label('scope2', 'en')}" in out


@pytest.mark.parametrize("pid", ["kuaishou-2022", "hk-epd-emsd-2010", "cn-mee-nbs-2023-province", "ipcc-2006-tier1-commercial"])
def test_profiles_show_brief(capsys: pytest.CaptureFixture[str], pid: str) -> None:
    prof = load_profile(builtin_profiles()[pid])
    code, out, _ = _run(capsys, "profiles", "show", pid, "--brief")
    assert code == 0
    first, second, *carrier_lines = out.splitlines()
    assert first == f"{prof.id}: {prof.title or ''}"
    assert second.split() == ["year", str(prof.reporting_year), "region", prof.region or "(none)", "GWP", "set", prof.gwp_set,
                              "energy", "basis", prof.energy_basis]
    assert [ln.split()[0] for ln in carrier_lines] == list(prof.carriers)
    for line, cm in zip(carrier_lines, prof.carriers.values(), strict=True):
        for kind in ("emission", "heating_value", "carbon_content", "oxidation_rate", "coal_equivalent", "density"):
            for ref in cm.refs(kind):
                assert ref in line
    full = _run(capsys, "profiles", "show", pid)[1]
    assert len(out.splitlines()) < len(full.splitlines())
    js = json.loads(_run(capsys, "profiles", "show", pid, "--brief", "--format", "json")[1])
    assert js["id"] == prof.id and js["gwp_set"] == prof.gwp_set and list(js["carriers"]) == list(prof.carriers)


@pytest.mark.parametrize("by", ["facility", "site_type", "carrier"])
def test_streamed_breakdown_equals_in_memory(shapes: dict[str, tuple[Path, str]], capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path, by: str) -> None:
    src, prof = shapes["mixed"]
    mem, streamed = tmp_path / "mem.csv", tmp_path / "streamed.csv"
    assert _run(capsys, "calc", str(src), "--profile", prof, "--by", by, "-o", str(mem))[0] == 0
    assert _run(capsys, "calc", str(src), "--profile", prof, "--by", by, "--chunk-rows", "2", "--quiet", "-o", str(streamed))[0] == 0
    assert streamed.read_text(encoding="utf-8") == mem.read_text(encoding="utf-8")
    js = json.loads(_run(capsys, "calc", str(src), "--profile", prof, "--by", by, "--chunk-rows", "2", "--quiet",
                         "--format", "json")[1])
    assert js["breakdown"] == json.loads(_run(capsys, "calc", str(src), "--profile", prof, "--by", by, "--format", "json")[1])["breakdown"]
