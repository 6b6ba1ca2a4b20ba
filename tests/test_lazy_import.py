"""``import ghgcalc`` stays cheap: the heavy parts load with the first call (issue 6)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: the modules a bare ``import ghgcalc`` must not load
HEAVY = ("pandas", "pyarrow", "openpyxl", "pint", "pydantic", "numpy", "yaml")


@pytest.fixture(scope="module")
def loaded_by_import() -> dict[str, bool]:
    """Which of HEAVY a fresh interpreter holds after ``import ghgcalc`` (one subprocess for the
    module's tests)."""
    code = f"import sys, json, ghgcalc; print(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    got: dict[str, bool] = json.loads(out)
    assert set(got) == set(HEAVY)
    return got


def test_import_does_not_load_pandas_pyarrow_openpyxl(loaded_by_import: dict[str, bool]) -> None:
    assert {m: loaded_by_import[m] for m in ("pandas", "pyarrow", "openpyxl")} == {"pandas": False, "pyarrow": False,
                                                                                   "openpyxl": False}


def test_import_does_not_load_pint_pydantic_numpy_pandas(loaded_by_import: dict[str, bool]) -> None:
    mods = ("pint", "pydantic", "numpy", "pandas", "yaml")
    assert {m: loaded_by_import[m] for m in mods} == dict.fromkeys(mods, False)


def test_lazy_names_resolve() -> None:
    import ghgcalc
    from ghgcalc.core.calculation import calculate
    from ghgcalc.core.results import Result

    assert ghgcalc.calculate is calculate and ghgcalc.Result is Result
    from ghgcalc.analysis.claim_check import ClaimsReport, check_claims

    assert ghgcalc.check_claims is check_claims and ghgcalc.ClaimsReport is ClaimsReport and callable(ghgcalc.explain)
    assert set(ghgcalc.__all__) <= set(dir(ghgcalc))
