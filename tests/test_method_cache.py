"""The factor cache never answers with another library's or another file's factors.

Issue "One core" A1: ``method_for`` keyed its cache on ``id(library)`` and on the factor
tables' path, size and mtime, so a freshly built library whose id Python reused, or a table
rewritten within one mtime tick with the same size, was answered with stale factors.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

import ghgcalc
from ghgcalc import FactorLibrary, FactorRow, default_library

_HEAD = "id,carrier,kind,gas,value,unit,valid_from,valid_to,publisher,document,reference,published,review_status\n"
_ACT = [{"carrier": "electricity", "quantity": 2, "unit": "MWh"}]


def _grid_row(value: str) -> FactorRow:
    return FactorRow(id="loop-grid", carrier="electricity", kind="emission", gas="CO2", value=value,
                     unit="t CO2/MWh", valid_from=2022, valid_to=2022, publisher="test", document="test table",
                     reference="row 1", published="2023-01-01")


def test_a_fresh_library_each_loop_gives_its_own_factor(tmp_path: Path) -> None:
    (tmp_path / "mine.csv").write_text(_HEAD + "my-heat,heat,emission,CO2,0.1,t CO2/GJ,2022,2022,me,doc,p. 1,2023-01-01,unverified\n",
                                       encoding="utf-8")
    prof = {"id": "loop", "reporting_year": 2022, "factor_tables": [str(tmp_path / "mine.csv")],
            "carriers": {"electricity": {"emission": ["loop-grid"]}}}
    # the shipped GWP rows (the profile's default set) and the loop's row: a small library, so
    # that forty of them are cheap to build and to resolve
    shipped = [r for r in default_library() if r.kind == "gwp"]
    # what exists now stays alive through the loop: kept out of the collections that free each
    # loop's library, which then scan only the objects made since (gc.freeze)
    gc.collect()
    gc.freeze()
    try:
        for i in range(40):
            value = f"0.{i + 100}"
            lib = FactorLibrary([*shipped, _grid_row(value)])
            got = ghgcalc.calculate(_ACT, prof, library=lib).totals()["scope2"].to("t CO2e").magnitude
            assert got == pytest.approx(2 * float(value)), f"iteration {i}: a previous library's factor was applied"
            del lib
            gc.collect()
    finally:
        gc.unfreeze()


def test_a_table_rewritten_with_the_same_size_and_mtime_is_read_again(tmp_path: Path) -> None:
    table = tmp_path / "mine.csv"
    table.write_text(_HEAD + "my-grid,electricity,emission,CO2,0.5,t CO2/MWh,2022,2022,me,doc,p. 1,2023-01-01,unverified\n",
                     encoding="utf-8")
    st = table.stat()
    prof = {"id": "mine", "reporting_year": 2022, "factor_tables": [str(table)], "carriers": {"electricity": {"emission": ["my-grid"]}}}
    assert ghgcalc.calculate(_ACT, prof).totals()["scope2"].magnitude == pytest.approx(1.0)
    table.write_text(_HEAD + "my-grid,electricity,emission,CO2,0.7,t CO2/MWh,2022,2022,me,doc,p. 1,2023-01-01,unverified\n",
                     encoding="utf-8")
    os.utime(table, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert table.stat().st_size == st.st_size
    assert ghgcalc.calculate(_ACT, prof).totals()["scope2"].magnitude == pytest.approx(1.4)


def test_equal_libraries_share_one_method() -> None:
    from ghgcalc.core.method import method_for
    from ghgcalc.core.profiles import load_profile

    prof = load_profile("kuaishou-2022")
    a = FactorLibrary(list(default_library()), data_version=default_library().data_version)
    b = FactorLibrary(list(default_library()), data_version=default_library().data_version)
    assert method_for(prof, a) is method_for(prof, b)
