"""Issue "One core": the pack names the result's data version, partial results exit 2,
``Result.kpis(language=...)``, ``calculate(DataFrame, chunk_rows=N)``, every exported
exception raised by some input, ``check_claims`` and the deprecated ``ghgcalc.claims``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import openpyxl
import pytest

from ghgcalc import calculate
from ghgcalc.cli import main
from ghgcalc.disclosure import disclosure_pack, render_html, render_markdown
from ghgcalc.factors import data_version, factors_dir
from ghgcalc.profiles import load_profile

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
    from ghgcalc.factors import FactorLibrary, default_library

    r = calculate(EXAMPLE / "activity.csv", load_profile("kuaishou-2022"), library=FactorLibrary(list(default_library())))
    assert r.data_version is None
    assert disclosure_pack(r).meta["factor_data"].startswith("n/a")
