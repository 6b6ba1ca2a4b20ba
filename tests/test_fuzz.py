"""Fuzzing the readers (issue 5): random bytes and random mutations of a valid CSV, an Excel
workbook, a reported-figures YAML and a profile give a result or a clean ``GhgcalcError``
subclass, never another exception; a result always accounts for every input row."""

from __future__ import annotations

import io
import itertools
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ghgcalc
from ghgcalc.errors import GhgcalcError

PROFILE = "kuaishou-2022"
CLEAN = ("carrier,quantity,unit,facility,period\n"
         "外購電力,\"1,534,956.48\",兆瓦時,HQ,2022\n"
         "diesel,3105.58,t,HQ,2022\n"
         "natural_gas,176400,m³,DC,2022\n"
         "heat,25140.13,GJ,DC,2022\n"
         "fresh_water,1648700,噸,HQ,2022\n")
#: examples per fuzz test; GHGCALC_FUZZ_EXAMPLES=2000 for a deeper run than CI's
N = int(os.environ.get("GHGCALC_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=N, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(path: Path, on_error: str = "collect") -> Any:
    try:
        res = ghgcalc.calculate(path, PROFILE, on_error=on_error)
    except GhgcalcError:
        return None
    assert res.rows_accounted
    assert len(res.rows) + len({e.row for e in res.errors if e.row is not None}) == res.n_input_rows or any(
        e.row is None for e in res.errors)
    return res


_SEQ = itertools.count()


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pytest-managed folder for the module's inputs (a Hypothesis test cannot take the
    function-scoped tmp_path: it is not reset between examples)."""
    return tmp_path_factory.mktemp("fuzz")


def _in_file(d: Path, data: bytes, suffix: str) -> Path:
    p = d / f"input-{next(_SEQ)}{suffix}"
    p.write_bytes(data)
    return p


@FUZZ
@given(st.binary(min_size=0, max_size=600), st.sampled_from([".csv", ".tsv", ".txt", ".xlsx", ".parquet"]))
def test_random_bytes(fuzz_dir: Path, data: bytes, suffix: str) -> None:
    _check(_in_file(fuzz_dir, data, suffix))
    _check(_in_file(fuzz_dir, data, suffix), on_error="raise")


_CHARS = st.sampled_from([*list(",;\t\"'\n\r =+-.，。：０１２３４５６７８９１e"), "\x00", "\ufeff", "外", "購", "噸", "nan", "inf", "1e400", "-"])


@st.composite
def mutated_csv(draw: Any) -> bytes:
    text = CLEAN
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "dup-line", "drop-line", "truncate", "swap-delims"]))
        pos = draw(st.integers(0, max(0, len(text) - 1)))
        if op == "insert":
            text = text[:pos] + draw(_CHARS) + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 5)):]
        elif op == "replace":
            text = text[:pos] + draw(_CHARS) + text[pos + 1:]
        elif op in ("dup-line", "drop-line"):
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines = lines[:i] + ([lines[i]] * 2 if op == "dup-line" else []) + lines[i + 1:]
            text = "\n".join(lines)
        elif op == "truncate":
            text = text[:pos]
        else:
            text = text.replace(",", draw(st.sampled_from([";", "\t", "|", "，"])))
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return text.encode(enc, errors="replace")


@FUZZ
@given(mutated_csv())
def test_mutated_csv(fuzz_dir: Path, data: bytes) -> None:
    _check(_in_file(fuzz_dir, data, ".csv"))
    _check(_in_file(fuzz_dir, data, ".csv"), on_error="raise")


def _xlsx() -> bytes:
    buf = io.BytesIO()
    pd.read_csv(io.StringIO(CLEAN), dtype=str).to_excel(buf, index=False)
    return buf.getvalue()


XLSX = _xlsx()


@settings(max_examples=max(N // 2, 1), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(XLSX) - 1), st.binary(min_size=1, max_size=8), st.booleans())
def test_mutated_xlsx(fuzz_dir: Path, pos: int, patch: bytes, truncate: bool) -> None:
    data = XLSX[:pos] if truncate else XLSX[:pos] + patch + XLSX[pos + len(patch):]
    _check(_in_file(fuzz_dir, data, ".xlsx"))


@FUZZ
@given(st.text(max_size=300))
def test_random_reported_yaml(fuzz_dir: Path, text: str) -> None:
    p = _in_file(fuzz_dir, text.encode("utf-8", errors="replace"), ".yaml")
    try:
        ghgcalc.load_reported(p)
    except GhgcalcError:
        pass


@FUZZ
@given(st.lists(st.sampled_from(["reported:", "  - {metric: scope2, value: \"1.0\", unit: t CO2e}", "  - {metric: scope1}",
                                 "  - value: 1", "denominators: {headcount: x}", "  -", "reported: 5", "!!python/object:os.system",
                                 "  - {metric: scope2, value: \"1,2,3\", unit: 噸}", "\t", ": :", "[", "reported: []"]), max_size=6))
def test_mutated_reported_yaml(fuzz_dir: Path, lines: list[str]) -> None:
    p = _in_file(fuzz_dir, "\n".join(lines).encode("utf-8"), ".yaml")
    res = ghgcalc.calculate([{"carrier": "electricity", "quantity": "1", "unit": "MWh"}], PROFILE)
    try:
        ghgcalc.reconcile(res, p)
    except GhgcalcError:
        pass


@FUZZ
@given(st.lists(st.sampled_from(['id = "x"', "reporting_year = 2022", 'reporting_year = "soon"', 'gwp_set = "AR5"',
                                 "[carriers.electricity]", 'emission = ["cn-mee-grid-national-2022"]', 'emission = ["1 kg"]',
                                 'heating_value = "5 GJ/t"', 'heating_value = "x y"', 'density = "1 GJ"', "scope = 3",
                                 'factor_tables = ["../x.csv"]', "[carriers.diesel]", 'emission = "nope"', "[[", "= 1"]),
                max_size=8))
def test_mutated_profile(fuzz_dir: Path, lines: list[str]) -> None:
    p = _in_file(fuzz_dir, "\n".join(lines).encode("utf-8"), ".toml")
    try:
        ghgcalc.calculate([{"carrier": "electricity", "quantity": "1", "unit": "MWh"}], p, on_error="collect")
    except GhgcalcError:
        pass
