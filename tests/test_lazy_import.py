"""``import ghgcalc`` stays cheap: the heavy parts load with the first call (issue 6)."""

from __future__ import annotations

import json
import subprocess
import sys


def test_import_does_not_load_pandas_pyarrow_openpyxl() -> None:
    code = ("import sys, json, ghgcalc; "
            "print(json.dumps({m: m in sys.modules for m in ('pandas', 'pyarrow', 'openpyxl')}))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert json.loads(out) == {"pandas": False, "pyarrow": False, "openpyxl": False}


def test_import_does_not_load_pint_pydantic_numpy_pandas() -> None:
    mods = ("pint", "pydantic", "numpy", "pandas", "yaml")
    code = f"import sys, json, ghgcalc; print(json.dumps({{m: m in sys.modules for m in {mods!r}}}))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert json.loads(out) == dict.fromkeys(mods, False)


def test_lazy_names_resolve() -> None:
    import ghgcalc
    from ghgcalc.core.calculation import calculate
    from ghgcalc.core.results import Result

    assert ghgcalc.calculate is calculate and ghgcalc.Result is Result
    from ghgcalc.analysis.claim_check import ClaimsReport, check_claims

    assert ghgcalc.check_claims is check_claims and ghgcalc.ClaimsReport is ClaimsReport and callable(ghgcalc.explain)
    assert set(ghgcalc.__all__) <= set(dir(ghgcalc))
