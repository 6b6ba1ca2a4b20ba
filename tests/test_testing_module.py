"""ghgcalc.testing: its strategies give valid input, its assertions fail when they should,
importing ghgcalc does not import hypothesis, and the README example runs."""

from __future__ import annotations

import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings

import ghgcalc
from ghgcalc.core.units import conversion_factor
from ghgcalc.testing import (
    UNIT_SPELLINGS,
    activity_tables,
    assert_reproduces,
    assert_rows_accounted,
    assert_same_totals,
    profiles,
    quantities,
    unit_spellings,
)

README = Path(__file__).resolve().parent.parent / "README.md"
PROFILE = {"id": "t", "reporting_year": 2022, "carriers": {"electricity": {"emission": ["0.5703 t CO2/MWh"]}}}


def test_readme_example_runs() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Testing your own pipeline", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    ns: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(code.group(1), "README.md", "exec"), ns)
    tests = [f for name, f in ns.items() if name.startswith("test_") and callable(f)]
    assert len(tests) == 2
    for t in tests:
        t()


@settings(max_examples=15, deadline=None)
@given(profiles(), activity_tables())
def test_strategies_give_valid_input(profile: dict[str, Any], table: pd.DataFrame) -> None:
    res = ghgcalc.calculate(table, profile)
    assert not res.errors and len(res.rows) == len(table)


@settings(max_examples=50, deadline=None)
@given(quantities(grouped=True), unit_spellings("volume"))
def test_quantities_and_spellings(q: str, spelling: tuple[str, Fraction]) -> None:
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": q, "unit": "MWh"}], PROFILE)
    assert res.rows["quantity"].iloc[0] == float(q.replace(",", ""))
    assert conversion_factor("m**3", spelling[0]) == spelling[1]


def test_unit_spelling_table_is_exact() -> None:
    canon = {"energy": "MWh", "mass": "t", "volume": "m**3"}
    for dim, spellings in UNIT_SPELLINGS.items():
        for unit, scale in spellings:
            assert conversion_factor(canon[dim], unit) == scale, unit


def test_assert_reproduces_lists_each_differing_figure() -> None:
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": "1000.000", "unit": "MWh"}], PROFILE)
    rec = assert_reproduces(res, {"reported": [{"metric": "scope2", "value": "570.30", "unit": "t CO2e"}]})
    assert rec.entries[0]["status"] == "reproduced"
    with pytest.raises(AssertionError) as info:
        assert_reproduces(res, {"reported": [{"metric": "scope2", "value": "570.31", "unit": "t CO2e"},
                                             {"metric": "scope2", "value": "0.05", "unit": "10^4 t CO2e"},
                                             {"metric": "energy_total", "value": "1000", "unit": "MWh"}]})
    msg = str(info.value)
    assert msg.startswith("2 of 3 figure(s) not reproduced")
    assert "printed 570.31 t CO2e, recomputed 570.30 -> differs" in msg and "printed 0.05" in msg
    assert_reproduces(res, {"reported": [{"metric": "data_centre_pue", "value": "1.3"}]}, accept=("reproduced", "not_recomputed"))


def test_assert_rows_accounted_catches_a_lost_or_doubled_row() -> None:
    rows = [{"carrier": "electricity", "quantity": q, "unit": "MWh"} for q in ("1", "-1", "2")]
    res = ghgcalc.calculate(rows, PROFILE, on_error="collect")
    assert_rows_accounted(res)
    res.rows = res.rows.iloc[1:]
    with pytest.raises(AssertionError, match="3 rows in, but 1 computed"):
        assert_rows_accounted(res)
    res = ghgcalc.calculate(rows, PROFILE, on_error="collect")
    res.errors.append(ghgcalc.RowIssue(row=0, column="x", value=None, reason="x"))
    with pytest.raises(AssertionError, match="both computed and in error"):
        assert_rows_accounted(res)


def test_assert_same_totals_is_exact() -> None:
    a = ghgcalc.calculate([{"carrier": "electricity", "quantity": "0.1", "unit": "MWh"}] * 3, PROFILE)
    b = ghgcalc.calculate([{"carrier": "electricity", "quantity": "0.3", "unit": "MWh"}], PROFILE)
    assert_same_totals(a, b)   # 0.1 + 0.1 + 0.1 == 0.3 exactly, from the printed digits
    c = ghgcalc.calculate([{"carrier": "electricity", "quantity": "0.30000001", "unit": "MWh"}], PROFILE)
    with pytest.raises(AssertionError, match="scope2"):
        assert_same_totals(a, c)


def test_hypothesis_is_a_test_only_dependency() -> None:
    code = ("import sys, ghgcalc, ghgcalc.cli, ghgcalc.reports.reporting, ghgcalc.analysis.reconciliation\n"
            "assert 'hypothesis' not in sys.modules, 'importing ghgcalc imported hypothesis'\n"
            "sys.modules['hypothesis'] = None\n"
            "try:\n    import ghgcalc.testing\nexcept ImportError as e:\n    print(e)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    assert "ghgcalc.testing needs hypothesis" in p.stdout and "pip install 'ghgcalc[test]'" in p.stdout


def test_assert_rows_accounted_on_a_streamed_result(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("carrier,quantity,unit\nelectricity,1,MWh\nelectricity,-1,MWh\nelectricity,2,MWh\n", encoding="utf-8")
    res = ghgcalc.calculate(f, PROFILE, chunk_rows=2, on_error="collect")
    assert_rows_accounted(res)
    with pytest.raises(AssertionError, match="4 rows in"):
        assert_rows_accounted(res, n_input_rows=4)
