"""``calc`` on several periods computes the by-period breakdown once (it listed the periods from
one ``totals(by="period")`` and printed them from a second), with the output unchanged: the
output is compared byte for byte with the one the old code path composes (the periods from
their own ``totals(by="period")``, the table from ``breakdown_text`` computing its own frame).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_process import run

import ghgcalc
from ghgcalc.core.results import Result
from ghgcalc.reports.reporting import dumps, kpi_table_text, result_json
from ghgcalc.reports.tables import breakdown_json, breakdown_text, heading

ROOT = Path(__file__).resolve().parents[1]
#: the README's wide-table profile: the MEE/NBS national grid factor of each data year 2021-2023
PROFILE = str(ROOT / "examples" / "kpi-wide-zh" / "profile.toml")
LONG = "carrier,quantity,unit,period\n外购电力,100,MWh,2021\n外购电力,120,MWh,2022\n柴油,2,t,2022\n"
WIDE = "指标,单位,2021年,2022年\n外购电力,兆瓦时,\"1,200.5\",\"1,300\"\n柴油,吨,2.5,3\n"


@pytest.fixture(params=["long", "wide"])
def two_periods(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / f"{request.param}.csv"
    path.write_text(LONG if request.param == "long" else WIDE, encoding="utf-8")
    return path


@pytest.fixture
def by_period_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the calls of ``Result.totals(by="period")`` (the breakdown by period)."""
    calls: list[int] = []
    totals = Result.totals

    def counted(self: Result, by: str | None = None, denominators: Any = None) -> Any:
        if by == "period":
            calls.append(1)
        return totals(self, by=by, denominators=denominators)

    monkeypatch.setattr(Result, "totals", counted)
    yield calls


def _old_table(result: ghgcalc.Result, lang: str | None) -> str:
    """The table as the code before composed it, each piece computing its own breakdown."""
    periods = [str(p) for p in result.totals(by="period").index]
    note = heading("several_periods", lang or "en").replace("{n}", str(len(periods)))
    return (kpi_table_text(result, lang) + "\n\n" + note.replace("{periods}", ", ".join(periods)) + "\n"
            + breakdown_text(result, "period", lang))


@pytest.mark.parametrize("lang", [None, "en", "zh_hans", "zh_hant"])
def test_table_output_is_unchanged_and_the_breakdown_computed_once(two_periods: Path, lang: str | None,
                                                                  by_period_calls: list[int]) -> None:
    args = ["calc", str(two_periods), "--profile", PROFILE, *(["--lang", lang] if lang else [])]
    out = run(*args)
    assert out.returncode == 0, out.stderr
    assert len(by_period_calls) == 1
    result = ghgcalc.calculate(two_periods, PROFILE)
    assert out.stdout == _old_table(result, lang) + "\n"
    assert "2021" in out.stdout and "2022" in out.stdout


@pytest.mark.parametrize("by", [None, "period"])
def test_json_output_is_unchanged_and_the_breakdown_computed_once(two_periods: Path, by: str | None,
                                                                 by_period_calls: list[int]) -> None:
    out = run("calc", str(two_periods), "--profile", PROFILE, "--format", "json", *(["--by", by] if by else []))
    assert out.returncode == 0, out.stderr
    assert len(by_period_calls) == 1          # with --by period: one frame for the breakdown and the periods
    result = ghgcalc.calculate(two_periods, PROFILE)
    obj = result_json(result)
    if by:
        obj["breakdown"] = breakdown_json(result, by)
    obj["periods"] = [str(p) for p in result.totals(by="period").index]
    assert out.stdout == dumps(obj) + "\n"


def test_one_period_prints_no_breakdown(tmp_path: Path, by_period_calls: list[int]) -> None:
    path = tmp_path / "one.csv"
    path.write_text("carrier,quantity,unit,period\n外购电力,100,MWh,2022\n", encoding="utf-8")
    out = run("calc", str(path), "--profile", PROFILE)
    assert out.returncode == 0 and "By period" not in out.stdout
    assert len(by_period_calls) == 1
