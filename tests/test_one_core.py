"""Issue "One core": the pack names the result's data version, partial results exit 2,
``Result.kpis(language=...)``, ``calculate(DataFrame, chunk_rows=N)``, every exported
exception raised by some input, ``check_claims`` and the deprecated ``ghgcalc.claims``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ghgcalc import calculate
from ghgcalc.cli import main
from ghgcalc.core.factors import data_version, factors_dir
from ghgcalc.core.profiles import load_profile
from ghgcalc.reports.disclosure import disclosure_pack, render_html, render_markdown

EXAMPLE = Path(str(resources.files("ghgcalc"))) / "data" / "examples" / "kuaishou-2022"
FIRST = "2026.11.0"  # the first released data version (factors/history/2026.11.0.json.gz)


def _pinned_toml(tmp_path: Path, version: str) -> Path:
    src = factors_dir() / "profiles" / "kuaishou-2022.toml"
    p = tmp_path / "pinned.toml"
    p.write_text(f'factor_data_version = "{version}"\n' + src.read_text(encoding="utf-8"), encoding="utf-8")
    return p


# -- A6: the pack names the data version the result was computed with ---------------------
def test_pack_names_the_pinned_data_version(tmp_path: Path) -> None:
    assert data_version() != FIRST  # the shipped data has moved on since the first release
    r = calculate(EXAMPLE / "activity.csv", _pinned_toml(tmp_path, FIRST))
    assert r.data_version == FIRST
    pack = disclosure_pack(r)
    assert pack.meta["factor_data"] == FIRST
    for text in (render_markdown(pack), render_html(pack)):
        assert FIRST in text
        assert data_version() not in text


def test_report_files_name_the_pinned_data_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prof = _pinned_toml(tmp_path, FIRST)
    for name in ("pack.html", "pack.md", "pack.xlsx"):
        out = tmp_path / name
        assert main(["report", str(EXAMPLE / "activity.csv"), "--profile", str(prof), "-o", str(out)]) == 0
        if name.endswith(".xlsx"):
            about = {row[0]: row[1] for row in openpyxl.load_workbook(out)["about"].iter_rows(values_only=True)}
            assert about["factor_data"] == FIRST
        else:
            text = out.read_text(encoding="utf-8")
            assert FIRST in text and data_version() not in text
    capsys.readouterr()


def test_pack_of_an_unversioned_library_says_so() -> None:
    from ghgcalc.core.factors import FactorLibrary, default_library

    r = calculate(EXAMPLE / "activity.csv", load_profile("kuaishou-2022"), library=FactorLibrary(list(default_library())))
    assert r.data_version is None
    assert disclosure_pack(r).meta["factor_data"].startswith("n/a")


# -- A7: a partial result exits 2 (the partial results still written) -----------------------
_PARTIAL = "carrier,quantity,unit\nelectricity,5,MWh\nunobtainium,1,MWh\nelectricity,-1,MWh\nelectricity,7,MWh\n"


@pytest.mark.parametrize("extra", [[], ["--format", "json"], ["--format", "csv"], ["--chunk-rows", "2"],
                                   ["--chunk-rows", "2", "--format", "csv", "--quiet"]])
def test_calc_collect_with_bad_rows_exits_2_and_writes_the_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               extra: list[str]) -> None:
    f = tmp_path / "a.csv"
    f.write_text(_PARTIAL, encoding="utf-8")
    assert main(["calc", str(f), "--profile", "kuaishou-2022", "--on-error", "collect", *extra]) == 2
    out, err = capsys.readouterr()
    assert out.strip()  # the partial results are still written
    assert "ghgcalc: 4 rows in, 2 computed, 2 in error (exit 2)" in err.splitlines()


def test_calc_collect_with_bad_rows_writes_the_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.csv"
    f.write_text(_PARTIAL, encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["calc", str(f), "--profile", "kuaishou-2022", "--on-error", "collect", "--format", "json", "-o", str(out)]) == 2
    assert '"partial": true' in out.read_text(encoding="utf-8")
    assert "ghgcalc: 4 rows in, 2 computed, 2 in error (exit 2)" in capsys.readouterr().err


def test_calc_collect_with_every_row_computed_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.csv"
    f.write_text("carrier,quantity,unit\nelectricity,5,MWh\nelectricity,7,MWh\n", encoding="utf-8")
    assert main(["calc", str(f), "--profile", "kuaishou-2022", "--on-error", "collect", "--format", "json"]) == 0
    assert "ghgcalc: 2 rows in, 2 computed, 0 in error (exit 0)" in capsys.readouterr().err


def test_report_collect_with_bad_rows_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.csv"
    f.write_text(_PARTIAL, encoding="utf-8")
    out = tmp_path / "pack.md"
    assert main(["report", str(f), "--profile", "kuaishou-2022", "--on-error", "collect", "-o", str(out)]) == 2
    assert out.is_file()
    assert "ghgcalc: 4 rows in, 2 computed, 2 in error (exit 2)" in capsys.readouterr().err


def test_help_states_the_collect_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    for cmd in ("calc", "report"):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        assert "exit 2" in " ".join(capsys.readouterr().out.split())


# -- A10: Result.kpis(language=...) -------------------------------------------------------------
@pytest.fixture(scope="module")
def example_result() -> object:
    return calculate(EXAMPLE / "activity.csv", "kuaishou-2022", {"headcount": 27402})


@pytest.mark.parametrize(("language", "scope1"), [("en", "Scope 1 GHG emissions"), ("zh_hant", "範圍一排放量"),
                                                  ("zh_hans", "范围一排放量"), ("zh-Hant", "範圍一排放量")])
def test_kpis_label_in_the_asked_language(example_result: object, language: str, scope1: str) -> None:
    from ghgcalc.core.carriers import metric_definitions

    kp = example_result.kpis(language=language).set_index("metric")  # type: ignore[attr-defined]
    lang = language.lower().replace("-", "_")
    assert kp.loc["scope1", "label"] == metric_definitions()["metrics"]["scope1"][lang]
    assert scope1 in kp.loc["scope1", "label"]
    # every language stays available beside it
    assert kp.loc["scope1", "label_en"] == metric_definitions()["metrics"]["scope1"]["en"]
    assert kp.loc["scope1", "label_zh_hans"] == metric_definitions()["metrics"]["scope1"]["zh_hans"]
    assert kp.loc["scope1_per_capita", "label"].startswith("人均") if lang != "en" else True


def test_kpis_unknown_language_is_a_clear_value_error(example_result: object) -> None:
    with pytest.raises(ValueError, match=r"language 'fr'.*en, zh_hant, zh_hans"):
        example_result.kpis(language="fr")  # type: ignore[attr-defined]


# -- A10: calculate(DataFrame, chunk_rows=N) streams the frame ----------------------------------
def test_calculate_a_dataframe_in_chunks_gives_the_same_totals() -> None:
    import pandas as pd

    def same(a: dict[str, Any], b: dict[str, Any]) -> bool:  # NaN (a gas not counted) equals NaN
        return a.keys() == b.keys() and all(
            a[k].magnitude == b[k].magnitude or (a[k].magnitude != a[k].magnitude and b[k].magnitude != b[k].magnitude)
            for k in a)

    df = pd.read_csv(EXAMPLE / "activity.csv", dtype=str)
    whole = calculate(df, "kuaishou-2022")
    for n in (1, 2, len(df), 10 * len(df)):
        st = calculate(df, "kuaishou-2022", chunk_rows=n)
        assert same(st.totals(), whole.totals())
        assert st.n_input_rows == whole.n_input_rows == len(df) and st.rows_computed == len(df)
    rows = df.to_dict("records")
    assert same(calculate(rows, "kuaishou-2022", chunk_rows=2).totals(), whole.totals())


def test_calculate_a_dataframe_in_chunks_numbers_errors_over_the_whole_frame() -> None:
    import pandas as pd

    from ghgcalc.errors import ActivityDataError

    df = pd.DataFrame({"carrier": ["electricity", "electricity", "unobtainium", "electricity", "electricity"],
                       "quantity": ["5", "6", "1", "-1", "7"], "unit": ["MWh"] * 5}, index=[10, 11, 12, 13, 14])
    r = calculate(df, "kuaishou-2022", on_error="collect", chunk_rows=2)
    inmem = calculate(df, "kuaishou-2022", on_error="collect")
    assert sorted((e.row, e.column) for e in r.errors) == sorted((e.row, e.column) for e in inmem.errors) \
        == [(2, "carrier"), (3, "quantity")]
    assert r.totals() == inmem.totals()
    with pytest.raises(ActivityDataError):
        calculate(df, "kuaishou-2022", chunk_rows=2)


def test_calculate_chunk_rows_on_an_unsupported_input_is_an_input_error() -> None:
    from ghgcalc.errors import InputError

    with pytest.raises(InputError, match="chunk_rows"):
        calculate(42, "kuaishou-2022", chunk_rows=2)


# -- A10: check_claims, and ghgcalc.claims as a deprecated alias --------------------------------
_CLAIM = "2022年减少柴油使用100吨，减排二氧化碳309.6吨。"


def test_check_claims_reads_text_and_paths(tmp_path: Path) -> None:
    import ghgcalc

    rep = ghgcalc.check_claims(_CLAIM)
    assert len(rep.results) == 1 and rep.source == "<text>"
    f = tmp_path / "report.txt"
    f.write_text(_CLAIM, encoding="utf-8")
    from_file = ghgcalc.check_claims(f)
    assert from_file.source == str(f) and from_file.to_json() != "" and len(from_file.results) == 1


def test_ghgcalc_claims_is_a_deprecated_alias_of_check_claims() -> None:
    import ghgcalc

    with pytest.warns(DeprecationWarning, match="check_claims"):
        rep = ghgcalc.claims(_CLAIM)
    assert rep.to_json() == ghgcalc.check_claims(_CLAIM).to_json()
    from ghgcalc import claims  # the name imports as before

    with pytest.warns(DeprecationWarning):
        claims(_CLAIM)


# -- A10: every exported exception class is raised by some input ---------------------------------
def _calc_rows(text: str, tmp_path: Path, profile: object = "kuaishou-2022") -> None:
    f = tmp_path / "a.csv"
    f.write_text(text, encoding="utf-8")
    calculate(f, profile)


@pytest.mark.parametrize(("name", "rows"), [
    ("UnknownCarrierError", "carrier,quantity,unit\nunobtainium,1,MWh\nelectricity,2,MWh\n"),
    ("QuantityError", "carrier,quantity,unit\nelectricity,-1,MWh\nelectricity,abc,MWh\n"),
    ("MissingColumnError", "carrier,unit\nelectricity,MWh\n"),
    ("MissingFactorError", "carrier,quantity,unit,period\nelectricity,1,MWh,1990\n"),
])
def test_typed_activity_errors(tmp_path: Path, name: str, rows: str) -> None:
    import ghgcalc.errors as errors
    from ghgcalc.errors import ActivityDataError, GhgcalcError, InputError

    cls = getattr(errors, name)
    with pytest.raises(cls) as info:
        _calc_rows(rows, tmp_path)
    # existing callers still catch it, and it still lists every bad row
    assert isinstance(info.value, (ActivityDataError, InputError)) and isinstance(info.value, GhgcalcError)
    if isinstance(info.value, ActivityDataError):
        assert info.value.issues and info.value.issues[0].row == info.value.row


def test_mixed_problems_stay_a_plain_activity_data_error(tmp_path: Path) -> None:
    from ghgcalc.errors import ActivityDataError, QuantityError, UnknownCarrierError

    with pytest.raises(ActivityDataError) as info:
        _calc_rows("carrier,quantity,unit\nunobtainium,1,MWh\nelectricity,-1,MWh\n", tmp_path)
    assert not isinstance(info.value, (UnknownCarrierError, QuantityError)) and len(info.value.issues) == 2


def test_every_exported_exception_class_is_raised(tmp_path: Path) -> None:
    import ghgcalc

    exported = {n for n in ghgcalc.__all__ if n.endswith("Error")}
    raised: set[str] = set()
    cases: list[tuple[str, object]] = [
        ("rows", "carrier,quantity,unit\nunobtainium,1,MWh\n"),
        ("rows", "carrier,unit\nelectricity,MWh\n"),
        ("rows", "carrier,quantity,unit,period\nelectricity,1,MWh,1990\n"),
        ("rows", "carrier,quantity,unit\nelectricity,-1,MWh\n"),
        ("rows", "carrier,quantity,unit\nunobtainium,1,MWh\nelectricity,-1,MWh\n"),
        ("profile", {"id": "x", "carriers": 5}),
        ("factor", "no-such-factor-id"),
        ("reported", "reported: 5\n"),
        ("unit", "xyzzy"),
    ]
    for kind, arg in cases:
        try:
            if kind == "rows":
                _calc_rows(str(arg), tmp_path)
            elif kind == "profile":
                load_profile(arg)  # type: ignore[arg-type]
            elif kind == "factor":
                from ghgcalc.core.factors import default_library

                default_library().get(str(arg))
            elif kind == "reported":
                (tmp_path / "r.yaml").write_text(str(arg), encoding="utf-8")
                ghgcalc.load_reported(tmp_path / "r.yaml")
            else:
                from ghgcalc.core.units import parse_unit

                parse_unit(str(arg))
        except ghgcalc.GhgcalcError as exc:
            raised.update(c.__name__ for c in type(exc).__mro__)
    assert exported - raised == set()
