"""Why a metric is n/a, in the language of the disclosure pack (issue 15 follow-up).

The core records each reason as a code with its fields (ghgcalc/data/reasons.yaml); the API and
``calc --format json`` keep the English message (contract section 8), while a zh_hant / zh_hans
pack words the reason in Chinese instead of quoting the core's English.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main
from ghgcalc.core.reasons import reason, reason_codes
from ghgcalc.reports.disclosure import disclosure_pack
from ghgcalc.reports.reporting import result_json

#: diesel by the litre with a CO2e factor and no heating value (its gases and its energy are n/a),
#: electricity with a CO2e factor; two years, the headcount only for 2023 (2022's intensities n/a)
ACTIVITY = pd.DataFrame({"carrier": ["diesel", "electricity", "diesel", "electricity"], "quantity": ["1250", "100", "1000", "90"],
                         "unit": ["L", "MWh", "L", "MWh"], "period": [2023, 2023, 2022, 2022]})
PROFILE = {"id": "t", "reporting_year": 2023, "region": "HK", "gwp_set": "AR5",
           "carriers": {"diesel": {"emission": ["2.7 kg CO2e/L"], "heating_value": []},
                        "electricity": {"emission": ["0.5 kg CO2e/kWh"]}}}
#: the core's English words for these reasons: none may appear in a Chinese pack's footnotes
ENGLISH = ("not available", "carry no value", "not counted", "not computed", "heating value", "CO2e factor", "Not available")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def result() -> ghgcalc.Result:
    return ghgcalc.calculate(ACTIVITY, PROFILE, denominators={"headcount": 10})


def _excluded(result: ghgcalc.Result) -> dict[str, str]:
    """The pack's footnotes about what is n/a, in each language: the metrics without a value and
    the years whose intensities have no denominator."""
    notes = disclosure_pack(result, denominators_by_period={2023: {"headcount": 10}}).footnotes
    out = {lg: "\n".join(n[lg] for n in notes if "n/a" in n["en"]) for lg in ("en", "zh_hant", "zh_hans")}
    assert out["en"].count("\n") == 1, out["en"]     # two footnotes: metrics n/a, 2022's intensities
    return out


def test_chinese_packs_word_the_reasons_in_chinese(result: ghgcalc.Result) -> None:
    notes = _excluded(result)
    for lg, diesel, words in (("zh_hans", "柴油", ("的数据行没有此项数值", "未分别计算：排放因子为二氧化碳当量因子", "未计算能源",
                                                   "2022年的密度数值不适用", "员工人数")),
                              ("zh_hant", "柴油", ("的數據行沒有此項數值", "未有分別計算：排放因子為二氧化碳當量因子", "未有計算能源",
                                                   "2022年的密度數值不適用", "員工人數"))):
        text = notes[lg]
        assert not [w for w in ENGLISH if w in text], (lg, text)
        assert all(w in text for w in words), (lg, text)
        assert f"{diesel}的" in text and "diesel" not in text       # the carrier by its label
        assert "范围一甲烷：" in text if lg == "zh_hans" else "範圍一甲烷：" in text
    en = notes["en"]
    assert not CJK.search(en), en
    assert ("Scope 1 CH4: rows of diesel carry no value for it (CO2, CH4, N2O not counted separately: the emission factor "
            "is a CO2e factor)") in en
    assert "Intensities of 2022 are n/a: no headcount given for those years." in en


def test_the_core_keeps_its_english_message(result: ghgcalc.Result) -> None:
    why = result.unavailable_reasons()
    assert why["energy_total"] == ("not available: rows of diesel carry no value for it (energy not computed: heating_value = [] "
                                   "in the profile says on purpose that diesel has no heating value here (e.g. a per-litre "
                                   "method without one); set one to count its energy)")
    assert why["energy_total_per_capita"] == why["energy_total"]
    js = result_json(result)["totals"]
    assert js["scope1_ch4"]["reason"] == why["scope1_ch4"] and not CJK.search(json.dumps(js, ensure_ascii=False))
    # the same reasons, as codes, worded in each language
    coded = result.unavailable_why()
    assert set(coded) == set(why)
    assert {m: f"not available: {r.text('en')}" for m, r in coded.items()} == why
    assert coded["scope1_ch4"].text("zh_hans").startswith("柴油的数据行没有此项数值（CO2、CH4、N2O未分别计算")


def test_calc_json_reasons_stay_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.csv").write_text("carrier,quantity,unit,period\ndiesel,1250,L,2023\n", encoding="utf-8")
    (tmp_path / "p.toml").write_text('id = "t"\nreporting_year = 2023\ngwp_set = "AR5"\n'
                                     '[carriers.diesel]\nemission = ["2.7 kg CO2e/L"]\nheating_value = []\n', encoding="utf-8")
    assert main(["calc", str(tmp_path / "a.csv"), "--profile", str(tmp_path / "p.toml"), "--format", "json", "--lang", "zh_hans"]) == 0
    tot = json.loads(capsys.readouterr().out)["totals"]
    assert tot["energy_total"]["reason"].startswith("not available: rows of diesel carry no value for it (energy not computed")


def test_every_reason_is_worded_in_every_language_with_the_same_fields() -> None:
    codes = reason_codes()
    assert {"rows_without_value", "no_coefficient", "gases_in_co2e_factor", "gas_not_counted", "gases_not_counted",
            "direct_co2e_entry", "energy_not_counted", "no_coal_equivalent", "not_available"} <= set(codes)
    for code, words in codes.items():
        assert set(words) == {"en", "zh_hant", "zh_hans"}, code
        fields = {lg: {f for _, f, _, _ in string.Formatter().parse(t) if f} for lg, t in words.items()}
        assert fields["zh_hant"] == fields["en"] == fields["zh_hans"], code
        assert CJK.search(words["zh_hant"]) and CJK.search(words["zh_hans"]) and not CJK.search(words["en"]), code
    with pytest.raises(KeyError, match="unknown reason code"):
        reason("no_such_reason")
    with pytest.raises(ValueError, match="unknown language"):
        reason("no_coal_equivalent").text("fr")


@pytest.mark.parametrize("gases", [("CH4",), ("CH4", "N2O")])
def test_a_gas_not_counted_in_each_language(gases: tuple[str, ...]) -> None:
    profile = {"id": "t", "reporting_year": 2023, "region": "HK", "gwp_set": "AR5",
               "carriers": {"diesel": {"emission": ["2.6 kg CO2/L"] + (["0.0001 kg N2O/L"] if len(gases) == 1 else []),
                                       "heating_value": []}}}
    r = ghgcalc.calculate(ACTIVITY[ACTIVITY["carrier"] == "diesel"], profile)
    why = r.unavailable_why()["scope1_ch4"]
    one = len(gases) == 1
    assert str(why) == f"rows of diesel carry no value for it ({', '.join(gases)} not counted: the profile gives no factor for " \
                       f"{'it' if one else 'them'})"
    assert why.text("zh_hant") == f"柴油的數據行沒有此項數值（{'、'.join(gases)}未有計算：方法設定未提供其排放因子）"
    assert why.text("zh_hans") == f"柴油的数据行没有此项数值（{'、'.join(gases)}未计算：方法设定未提供其排放因子）"


@pytest.mark.parametrize("lang", ["zh_hans", "zh_hant"])
def test_the_written_pack_prints_the_chinese_reasons(result: ghgcalc.Result, lang: str, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    [page] = ghgcalc.report(result, tmp_path / "pack.html", lang=lang, denominators_by_period={2023: {"headcount": 10}})
    html = page.read_text(encoding="utf-8")
    notes = re.search(r'<ol class="footnotes" id="kpi-footnotes">(.*?)</ol>', html, re.S)
    assert notes is not None
    [na] = [li for li in re.findall(r"<li>(.*?)</li>", notes.group(1)) if "n/a" in li and "柴油" in li]
    assert not [w for w in ENGLISH if w in na], na
    assert ("柴油的数据行没有此项数值" if lang == "zh_hans" else "柴油的數據行沒有此項數值") in na
