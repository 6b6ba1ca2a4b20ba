"""Bad input through the Python API (issue 5): each case of the catalogue in bad_inputs.py
raises its exception class, naming row, column, value and reason for every bad row; with
``on_error="collect"`` the good rows are computed and every input row is accounted for."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from bad_inputs import CASES, PROFILE, Case

import ghgcalc
from ghgcalc.errors import ActivityDataError, GhgcalcError, InputError, ProfileError


def _api(case: Case, args: dict[str, Any]) -> Any:
    if case.kind == "reported":
        return ghgcalc.reconcile(ghgcalc.calculate(args["activity"], PROFILE), args["reported"])
    return ghgcalc.calculate(args["activity"], args.get("profile", PROFILE), args.get("denominators"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_catalogue_case_raises_its_error(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = case.build(tmp_path)
    with pytest.raises(case.error) as info:
        _api(case, args)
    msg = str(info.value)
    for fragment in case.text:
        assert fragment in msg, (fragment, msg)
    if case.issues:
        assert isinstance(info.value, ActivityDataError)
        got = {(i.row, i.column) for i in info.value.issues}
        assert got == set(case.issues), msg
        for issue in info.value.issues:
            assert issue.reason
    assert not (tmp_path / "PWNED").exists()   # no code ran from a YAML tag


@pytest.mark.parametrize("case", [c for c in CASES if c.issues and c.issues[0][0] is not None], ids=lambda c: c.id)
def test_collect_accounts_for_every_row(case: Case, tmp_path: Path) -> None:
    args = case.build(tmp_path)
    res = ghgcalc.calculate(args["activity"], PROFILE, on_error="collect")
    bad = {i.row for i in res.errors}
    assert bad == {r for r, _ in case.issues}
    assert len(res.rows) + len(bad) == res.n_input_rows
    assert res.partial
    assert not set(res.rows.index) & bad


def test_good_rows_are_computed_beside_bad_ones() -> None:
    rows = [{"carrier": "electricity", "quantity": "2", "unit": "MWh"}, {"carrier": "electricity", "quantity": "-1", "unit": "MWh"},
            {"carrier": "electricity", "quantity": "3", "unit": "MWh"}]
    res = ghgcalc.calculate(rows, PROFILE, on_error="collect")
    assert list(res.rows.index) == [0, 2]
    assert res.totals()["scope2"].magnitude == pytest.approx(5 * 0.5703, rel=1e-12)
    assert [(e.row, e.column, e.value) for e in res.errors] == [(1, "quantity", "-1")]


def test_every_bad_row_not_just_the_first() -> None:
    rows = [{"carrier": "electricity", "quantity": str(-i - 1), "unit": "MWh"} for i in range(120)]
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate(rows, PROFILE)
    assert [i.row for i in info.value.issues] == list(range(120))
    assert "and 70 more" in str(info.value)


def test_numeric_frame_nan_and_inf() -> None:
    df = pd.DataFrame({"carrier": ["electricity"] * 4, "quantity": [1.0, float("nan"), float("inf"), -2.0], "unit": ["MWh"] * 4})
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate(df, PROFILE)
    assert {(i.row, i.column) for i in info.value.issues} == {(1, "quantity"), (2, "quantity"), (3, "quantity")}


def test_error_classes_carry_row_column_value() -> None:
    with pytest.raises(ActivityDataError) as info:
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "abc", "unit": "MWh"}], PROFILE)
    issue = info.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (0, "quantity", "abc")
    assert issue.as_dict()["reason"] == "quantity is not a number"
    assert isinstance(info.value, GhgcalcError) and isinstance(info.value, ValueError)


def test_not_a_table() -> None:
    with pytest.raises(InputError):
        ghgcalc.calculate(42, PROFILE)
    with pytest.raises(InputError, match="directory"):
        ghgcalc.calculate(Path(__file__).parent, PROFILE)
    with pytest.raises(InputError, match="not found"):
        ghgcalc.calculate("no/such/file.csv", PROFILE)


def test_profile_table_inside_its_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "mine.csv").write_text(
        "id,carrier,kind,gas,value,unit,valid_from,valid_to,publisher,document,reference,published,review_status\n"
        "my-grid,electricity,emission,CO2,0.5,t CO2/MWh,2022,2022,me,my doc,p. 1,2023-01-01,unverified\n", encoding="utf-8")
    (tmp_path / "p.toml").write_text('id = "mine"\nreporting_year = 2022\nfactor_tables = ["tables/mine.csv"]\n'
                                     '[carriers.electricity]\nemission = ["my-grid"]\n', encoding="utf-8")
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": 2, "unit": "MWh"}], tmp_path / "p.toml")
    assert res.totals()["scope2"].magnitude == pytest.approx(1.0)


def test_profile_dict_may_name_an_absolute_table(tmp_path: Path) -> None:
    table = tmp_path / "elsewhere" / "mine.csv"
    table.parent.mkdir()
    table.write_text(
        "id,carrier,kind,gas,value,unit,valid_from,valid_to,publisher,document,reference,published,review_status\n"
        "my-grid,electricity,emission,CO2,0.5,t CO2/MWh,2022,2022,me,my doc,p. 1,2023-01-01,unverified\n", encoding="utf-8")
    prof = {"id": "mine", "reporting_year": 2022, "factor_tables": [str(table)], "carriers": {"electricity": {"emission": ["my-grid"]}}}
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": 2, "unit": "MWh"}], prof)
    assert res.totals()["scope2"].magnitude == pytest.approx(1.0)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_profile_table_symlink_out_of_the_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("id\n", encoding="utf-8")
    (tmp_path / "prof").mkdir()
    os.symlink(tmp_path / "secret.csv", tmp_path / "prof" / "link.csv")
    (tmp_path / "prof" / "p.toml").write_text('id = "x"\nreporting_year = 2022\nfactor_tables = ["link.csv"]\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="outside the profile's directory"):
        ghgcalc.calculate([{"carrier": "electricity", "quantity": 2, "unit": "MWh"}], tmp_path / "prof" / "p.toml")


def test_yaml_python_tag_does_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    rep = tmp_path / "r.yaml"
    rep.write_text(f"reported: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    with pytest.raises(ghgcalc.ReportedFiguresError):
        ghgcalc.load_reported(rep)
    assert not marker.exists()


def test_unknown_metric_far_from_any_is_not_recomputed(tmp_path: Path) -> None:
    rep = {"reported": [{"metric": "data_centre_pue", "value": "1.35", "unit": "dimensionless"}]}
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": 2, "unit": "MWh"}], PROFILE)
    assert [e["status"] for e in ghgcalc.reconcile(res, rep)] == ["not_recomputed"]


def test_reported_errors_list_every_entry() -> None:
    rep = {"reported": [{"metric": "scope2", "value": "x"}, {"metric": "scope1", "value": "1", "unit": "zorkmids"},
                        {"metric": "scope_1", "value": "1"}]}
    with pytest.raises(ghgcalc.ReportedFiguresError) as info:
        ghgcalc.load_reported(rep)
    assert info.value.entry == 0
    rep = {"reported": rep["reported"][1:]}
    with pytest.raises(ghgcalc.ReportedFiguresError) as info:
        ghgcalc.load_reported(rep)
    assert "zorkmids" in str(info.value) and "entry 1, key 'metric'" in str(info.value)


def test_factors_verify_detects_a_tampered_file(tmp_path: Path) -> None:
    import shutil

    from ghgcalc.core.factors import factors_dir, verify

    copy = tmp_path / "factors"
    shutil.copytree(factors_dir(), copy)
    assert verify(copy) == []
    target = sorted(p for p in copy.rglob("*.csv") if "profiles" not in p.parts)[0]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("0.", "0.9", 1), encoding="utf-8")
    problems = verify(copy)
    assert any("changed" in p and target.name in p for p in problems), problems
    (copy / "extra.csv").write_text("id\n", encoding="utf-8")
    assert any("not in manifest: extra.csv" in p for p in verify(copy))
    target.unlink()
    assert any("missing" in p for p in verify(copy))


def test_internal_row_accounting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from ghgcalc.core import compute as calculation

    real = calculation.check_rows_accounted

    def lose_a_row(result: Any, table: Any) -> Any:
        result.rows = result.rows.iloc[1:]
        return real(result, table)

    monkeypatch.setattr(calculation, "check_rows_accounted", lose_a_row)
    with pytest.raises(GhgcalcError, match="not accounted for"):
        ghgcalc.calculate([{"carrier": "electricity", "quantity": 2, "unit": "MWh"}] * 3, PROFILE)
