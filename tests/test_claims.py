"""Claims check (ghgcalc.analysis.claim_check): numerals, sentence joining, extraction, verdicts, CLI."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from cli_process import run

from ghgcalc.analysis.claim_check import (
    check_claims,
    chinese_numeral,
    find_mentions,
    join_sentences,
    official_factors,
    pair_claims,
    parse_number,
    printed_interval,
)
from ghgcalc.cli import main
from ghgcalc.errors import InputError

CLAIMS = Path(__file__).parent / "data" / "claims"
SEED = CLAIMS / "kuaishou-2022-excerpt.txt"


# ---------------------------------------------------------------- numerals


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三百萬", 3_000_000),
        ("1.2萬", 12_000),
        ("兩千", 2_000),
        ("两千", 2_000),
        ("一億二千萬", 120_000_000),
        ("一亿二千万", 120_000_000),
        ("３００萬", 3_000_000),
        ("十二萬", 120_000),
        ("十", 10),
        ("一千零五十", 1_050),
        ("3千5百萬", 35_000_000),
        ("二〇二二", 2022),
        ("一萬億", 10**12),
        ("2.5亿", 250_000_000),
        ("1,534,956.48", Fraction(153495648, 100)),
    ],
)
def test_chinese_numeral(text: str, value: int | Fraction) -> None:
    assert chinese_numeral(text) == value


@pytest.mark.parametrize("text", ["", "萬元", "約", "3 4"])
def test_chinese_numeral_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        chinese_numeral(text)


@pytest.mark.parametrize(
    ("text", "value", "step", "lead"),
    [
        ("3,000", 3000, 1, 1000),
        ("684", 684, 1, 1),
        ("1.2萬", 12000, 1000, 1000),
        ("300萬", 3_000_000, 10_000, 1_000_000),
        ("三百萬", 3_000_000, 1_000_000, 1_000_000),
        ("1.2 million", 1_200_000, 100_000, 100_000),
        ("0.5703", Fraction(5703, 10000), Fraction(1, 10000), Fraction(1, 10000)),
        ("１２０萬", 1_200_000, 10_000, 100_000),
    ],
)
def test_parse_number_precision(text: str, value: int, step: int, lead: int) -> None:
    n = parse_number(text)
    assert (n.value, n.step, n.lead) == (value, step, lead)


def test_printed_interval_qualifiers() -> None:
    n = parse_number("3,000")
    assert printed_interval(n, None) == (Fraction(5999, 2), Fraction(6001, 2))
    assert printed_interval(n, "about") == (2500, 3500)
    assert printed_interval(n, "over") == (3000, 4000)
    assert printed_interval(n, "under") == (2000, 3000)
    assert printed_interval(parse_number("300多萬"), None) == (3_000_000, 4_000_000)


# ---------------------------------------------------------------- sentences and mentions


def test_seed_sentence_joined_across_lines() -> None:
    sents = join_sentences(SEED.read_text(encoding="utf-8"))
    claim = next(s for s in sents if "300萬度" in s.text)
    assert claim.text == "所租賃的項目園區規劃光伏容量達到2,196.72kW，每年可供應綠色電力300萬度，可減少碳排放量約3,000噸。"
    assert claim.lines == (69, 71)  # source lines 3022 and 3024 (README)


def test_hyphenation_headers_and_page_numbers() -> None:
    sents = join_sentences((CLAIMS / "en-claims.txt").read_text(encoding="utf-8"))
    texts = [s.text for s in sents]
    assert "In 2022 our rooftop solar arrays generated 1.2 million kWh of electricity, equivalent to 684 tonnes of CO2e avoided." in texts
    assert not any("Page 14" in t or "Governance Report 2022" in t for t in texts)


def test_fullwidth_digits_and_comma_kept_as_clause_break() -> None:
    m = find_mentions("節約用電１２０萬千瓦時，減少二氧化碳排放約６８４噸。")
    assert [(x.role, x.number.value, x.unit) for x in m] == [("activity", 1_200_000, "kWh"), ("emission", 684, "t")]
    assert m[1].qualifier == "about" and m[0].qualifier is None  # 節約 is not 約


@pytest.mark.parametrize(
    "text",
    [
        "本集團員工總數為27,402人，全年公益捐款1,200萬元，用電量同比下降12%。",
        "烏蘭察布數據中心每年可節水約470萬噸。",
        "屋頂光伏裝機容量達1,500kW，減少碳排放的努力持續。",
        "We employed 1,250 people, donated HK$3.5 million and cut water use by 8% to 120,000 tonnes.",
        "本集團所用外購電力排放因子為0.5703 tCO2/MWh。",
    ],
)
def test_numbers_that_are_not_claims(text: str) -> None:
    for s in join_sentences(text):
        assert pair_claims(s) == []
    assert check_claims(text, year=2022).results == []


def test_fuel_keyword_nearer_than_emission_word() -> None:
    m = find_mentions("全年减少柴油使用50吨，相当于减排约158吨二氧化碳。")
    assert [(x.role, x.carrier, x.gas) for x in m] == [("activity", "diesel", None), ("emission", None, "CO2")]


def test_standard_coal_is_tce() -> None:
    m = find_mentions("相当于节约标准煤9,000吨")
    assert m[0].carrier == "raw_coal" and "tce" in m[0].unit


# ---------------------------------------------------------------- verdicts


def test_seed_green_power_claim_flagged() -> None:
    rep = check_claims(SEED)
    assert rep.year == 2022
    assert rep.counts() == {"flagged": 1, "consistent": 0, "unparsed": 0}
    r = rep.results[0]
    assert r.status == "flagged"
    assert r.lines == (69, 71)
    assert r.activity is not None and r.activity["value"] == "3,000" and r.activity["in"] == "MWh"
    assert r.activity["carrier"] == "electricity"
    assert r.emission is not None and r.emission["text"] == "約3,000噸" and r.emission["interval"] == ["2,500", "3,500"]
    assert r.implied_factor is not None and r.implied_factor["value"] == "1.000"
    assert r.implied_factor["unit"] == "t CO2/MWh"
    # the report's own factor: footnote 9 names the MEE national grid average factor; 2022 edition
    [own] = r.report_factors
    assert own["id"] == "cn-mee-grid-national-2022" and own["value"] == "0.5703"
    assert own["expected_emission"] == "1,710.90"  # 3,000 MWh x 0.5703
    assert own["claim_vs_factor"] == "+75.3 %"
    assert "+75 %" in r.reason


def test_seed_with_profile_uses_profile_factor() -> None:
    r = check_claims(SEED, profile="kuaishou-2022").results[0]
    assert r.status == "flagged"
    assert r.report_factors[0]["source"] == "profile kuaishou-2022"
    assert r.report_factors[0]["value"] == "0.5703"


def test_seed_official_range_lists_every_edition() -> None:
    r = check_claims(SEED).results[0]
    assert r.official is not None
    ids = {f.id for f in official_factors("electricity", "kWh")}
    assert {"cn-mee-grid-national-2019-2020", "cn-mee-grid-national-2021", "cn-mee-grid-national-2022"} <= ids
    assert r.official["count"] == len(ids)
    assert r.official["range_for_year"] == ["0.1073", "0.8325"]  # 2022: Yunnan .. national fossil (MEE/NBS)
    assert r.official["nearest"][0]["id"] == "cn-ccer-om-2016-north"  # 1.0000: a CCER baseline, 2012-2014 data


def test_traditional_text() -> None:
    rep = check_claims(CLAIMS / "zh-hant-claims.txt")
    got = [(r.status, r.activity["text"] if r.activity else None) for r in rep.results]
    assert got == [("consistent", "約120萬千瓦時"), ("consistent", "50萬度"), ("flagged", "80萬千瓦時")]
    # the factor printed in the text is the report's own
    assert rep.results[2].report_factors[0]["source"] == "printed in the report, line 23"
    assert rep.results[2].report_factors[0]["expected_emission"] == "456.240"
    assert rep.results[0].lines == (5, 7)


def test_simplified_text_fuels() -> None:
    rep = check_claims(CLAIMS / "zh-hans-claims.txt")
    got = [(r.status, r.activity["carrier"] if r.activity else None) for r in rep.results]
    assert got == [("consistent", "diesel"), ("consistent", "natural_gas"), ("flagged", "diesel"), ("consistent", "electricity")]
    diesel = rep.results[0]
    assert diesel.implied_factor is not None and diesel.implied_factor["unit"] == "t CO2/t"
    gas = rep.results[1]
    assert gas.implied_factor is not None and gas.implied_factor["unit"] == "kg CO2/m**3"
    # IPCC 56,100 kg/TJ x 389.31 GJ/10^4 m^3 = 2.184; NDRC 15.3 t C/TJ x 99 % x 44/12 x 389.31 = 2.162
    assert gas.official is not None and gas.official["range"] == ["2.162", "2.184"]


def test_carbon_content_method_is_an_official_factor() -> None:
    # NDRC/GB/T 32151 defaults: 20.2 t C/TJ x 98 % x 44/12 x 42.652 GJ/t = 3.0959 t CO2/t diesel
    r = check_claims("2022年减少柴油使用100吨，减排二氧化碳309.6吨。").results[0]
    assert r.status == "consistent"
    assert "cn-default-cc-diesel" in r.reason and "44/12" in r.reason


def test_english_text() -> None:
    rep = check_claims(CLAIMS / "en-claims.txt")
    assert [r.status for r in rep.results] == ["consistent", "flagged"]
    assert rep.results[0].emission is not None and rep.results[0].emission["gas"] == "CO2e"
    assert rep.results[1].emission is not None and rep.results[1].emission["qualifier"] == "about"


def test_combined_figure_is_unparsed_not_flagged() -> None:
    rep = check_claims("2022年节约用电100万千瓦时、天然气5万立方米，共减少二氧化碳排放约800吨。")
    [r] = rep.results
    assert r.status == "unparsed" and "several activities" in r.reason


def test_restatement_via_standard_coal_checks_each_pair() -> None:
    rep = check_claims("2022年，年发电量3,000万千瓦时，相当于节约标准煤9,000吨，减少二氧化碳排放约2.5万吨。")
    assert [(r.activity["carrier"] if r.activity else None) for r in rep.results] == ["electricity", "raw_coal"]


def test_no_report_factor_uses_official_factors_of_the_year() -> None:
    text = "2022年节约用电100万千瓦时，减少二氧化碳排放约570吨。2022年节约用电100万千瓦时，减少二氧化碳排放约1,500吨。"
    rep = check_claims(text)
    assert [r.status for r in rep.results] == ["consistent", "flagged"]
    assert "no official factor valid for 2022" in rep.results[1].reason


def test_report_factor_printed_per_10k_kwh() -> None:
    text = "排放因子為5.703噸二氧化碳/萬千瓦時。2022年節約用電100萬千瓦時，減少二氧化碳排放約570噸。"
    r = check_claims(text).results[0]
    assert r.report_factors[0]["value"] == "0.5703"


def test_bad_path_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        check_claims(tmp_path / "missing.txt")


def test_gb18030_file(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_bytes("2022年节约用电100万千瓦时，减少二氧化碳排放约1,500吨。".encode("gb18030"))
    assert check_claims(p).counts()["flagged"] == 1


# ---------------------------------------------------------------- CLI



def test_cli_seed_exit_1_and_json() -> None:
    p = run("claims", str(SEED), "--format", "json")
    assert p.returncode == 1, p.stderr
    data = json.loads(p.stdout)
    assert data["counts"]["flagged"] == 1
    c = data["claims"][0]
    assert {"sentence", "lines", "status", "reason", "activity", "emission", "implied_factor", "report_factors", "official"} <= set(c)


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = tmp_path / "ok.txt"
    ok.write_text("2022年节约用电100万千瓦时，减少二氧化碳排放约570吨。\n", encoding="utf-8")
    assert main(["claims", str(ok)]) == 0
    assert "0 flagged, 1 consistent" in capsys.readouterr().out
    assert main(["claims", str(CLAIMS / "zh-hant-claims.txt")]) == 1
    assert main(["claims", str(tmp_path / "missing.txt")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_package_level_function_and_line_broken_numbers() -> None:
    import ghgcalc

    text = "In 2022 the solar farm generated 1.2\nmillion kWh, avoiding 684\ntonnes of CO2e.\nScope 1 emissions 1,234\nScope 2 emissions 5,678\n"
    rep = ghgcalc.check_claims(text)
    assert isinstance(rep, ghgcalc.ClaimsReport)
    [r] = rep.results
    assert r.lines == (1, 2, 3) and r.status == "consistent"
    # table rows ending in numbers are not joined into one sentence
    assert [s.text for s in join_sentences(text)][-2:] == ["Scope 1 emissions 1,234", "Scope 2 emissions 5,678"]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("2022年，光伏發電量逾1,000萬千瓦時，減排二氧化碳約1.2萬噸。", "flagged"),
        # 逾1,000萬 kWh = 10,000-20,000 MWh; 約1.2萬 t = 11,500-12,500 t; implied 0.575-1.25 just excludes 0.5703
        ("2022年，光伏發電量達2,000萬千瓦時，減排二氧化碳約1.1萬噸。", "consistent"),  # 20,000 MWh x 0.5703 = 11,406 t; 約1.1萬 = 10,500-11,500
        ("2022年綠電交易量達1.5億千瓦時，相當於減少二氧化碳排放8.55萬噸。", "consistent"),  # 150,000 MWh x 0.5703 = 85,545 t
        ("2022年綠電交易量達1.5億千瓦時，相當於減少二氧化碳排放15萬噸。", "flagged"),
    ],
)
def test_more_chinese_forms_against_printed_factor(text: str, status: str) -> None:
    rep = check_claims("外購電力排放因子為0.5703噸二氧化碳/兆瓦時。\n" + text)
    assert [r.status for r in rep.results] == [status]


def test_per_year_is_a_quantity_but_per_kwh_is_a_factor() -> None:
    rep = check_claims("2022年節約用電80萬千瓦時/年，減少碳排放約800噸/年。")
    assert [r.status for r in rep.results] == ["flagged"]
    assert find_mentions("排放因子0.39 kg CO2e per kWh，即0.39千克二氧化碳當量/千瓦時") == []


def test_printed_factor_spellings() -> None:
    from ghgcalc.analysis.claim_check import printed_factors

    text = "CLP's 0.39 kg CO2e per kWh applies. 另以0.5810噸二氧化碳/兆瓦時及57,030噸CO2/億千瓦時計算。"
    got = sorted(f.value for f in printed_factors(join_sentences(text)))
    # t CO2/MWh; 57,030 t per 10^8 kWh (= 100,000 MWh) is 0.5703
    assert got == [Fraction("0.39"), Fraction("0.5703"), Fraction("0.581")]


def test_profile_without_the_carrier_is_noted(capsys: pytest.CaptureFixture[str]) -> None:
    rep = check_claims("2022年減少汽油使用10噸，減少二氧化碳排放約30噸。", profile="kuaishou-2022")
    assert "profile kuaishou-2022 gives no factor for gasoline" in rep.report_factor_notes
    assert rep.results[0].report_factors == []
    assert main(["claims", str(SEED), "--profile", "no-such-profile"]) == 2
    assert "no-such-profile" in capsys.readouterr().err


def test_heat_claim_per_gj() -> None:
    r = check_claims("2022年減少外購熱力1,000吉焦，減少二氧化碳排放110噸。").results[0]
    assert r.status == "consistent" and r.implied_factor is not None and r.implied_factor["unit"] == "t CO2/GJ"


def test_footer_with_page_number_does_not_glue_onto_the_next_number() -> None:
    footer = "快手科技 2022 環境、社會及管治報告 {}"
    text = "\n".join([
        "第一段。", footer.format(53),
        "項目每年可供應綠色電力", footer.format(54),
        "300萬度，可減少碳排放量約1,711噸。", footer.format(55),
        "•", "外購電力排放因子為0.5703 tCO2/MWh。",
    ])
    rep = check_claims(text)
    [r] = rep.results
    assert r.sentence == "項目每年可供應綠色電力300萬度，可減少碳排放量約1,711噸。"
    assert r.lines == (3, 5) and r.status == "consistent"


def test_activity_after_emission_needs_a_link() -> None:
    linked = check_claims("In 2022 we avoided 684 tonnes of CO2e by generating 1.2 million kWh of solar power.").results
    assert [r.status for r in linked] == ["consistent"]
    unlinked = check_claims("2022年二氧化碳排放同比減少1,200噸，用電量同比減少200萬千瓦時。").results
    assert [r.status for r in unlinked] == ["unparsed"] and "no word linking" in unlinked[0].reason


def test_kilotonnes() -> None:
    r = check_claims("In 2022 renewable power of 12 GWh avoided 6.8 ktCO2e.").results[0]
    assert r.emission is not None and r.emission["value"] == "6,800" and r.status == "consistent"


def test_long_one_line_text_is_text_not_a_path() -> None:
    text = "2022年節約用電100萬千瓦時，減少二氧化碳排放約570噸。" * 20  # > 255 bytes: no file name
    assert check_claims(text).counts()["consistent"] == 20


def test_region_limits_the_official_factors() -> None:
    # 0.7 t/MWh: the Hong Kong EPD/EMSD default (2010-) fits; no mainland factor of 2022 does
    text = "2022年節約用電1,000兆瓦時，減少二氧化碳排放700.0噸。"
    assert check_claims(text).results[0].status == "consistent"
    assert check_claims(text, region="HK").results[0].status == "consistent"
    cn = check_claims(text, region="CN")
    assert cn.region == "CN" and cn.results[0].status == "flagged"
    assert cn.results[0].official is not None and not any(i.startswith("hk-") for i in cn.results[0].official["inside_interval"])


def test_totals_are_not_claims() -> None:
    text = "2022年，綜合能源消耗量為1,580,499.59兆瓦時，溫室氣體排放總量為88.84萬噸二氧化碳當量。"
    assert check_claims(text).results == []
    # with a saving in it, the same kind of sentence is read (and here it is two activities for one figure)
    text2 = "2022年用電量為1,534,956.48兆瓦時，較2021年減少12萬千瓦時，範圍二排放87.82萬噸二氧化碳。"
    assert [r.status for r in check_claims(text2).results] == ["unparsed"]


def test_implausible_printed_factor_is_noted_not_used() -> None:
    rep = check_claims("排放因子為5703噸二氧化碳/萬千瓦時。2022年節約用電100萬千瓦時，減少二氧化碳排放約570噸。")
    assert any("570.3" in n and "not used" in n for n in rep.report_factor_notes)
    assert rep.results[0].report_factors == [] and rep.results[0].status == "consistent"
