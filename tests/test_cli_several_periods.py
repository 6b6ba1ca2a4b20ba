"""``calc`` on data of several periods: the totals add the periods, and the table says so and
shows each period (a wide KPI table of three years is not one year's figures)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_process import run

ROOT = Path(__file__).resolve().parent.parent
WIDE = ROOT / "examples" / "kpi-wide-zh"


def test_several_periods_are_said_and_shown_per_period() -> None:
    r = run("calc", str(WIDE / "kpi.csv"), "--profile", str(WIDE / "profile.toml"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "The data covers 3 periods (2021年, 2022年, 2023年): the totals above add them. Per period:" in r.stdout
    per_period = r.stdout.split("Per period:", 1)[1]
    scope2 = next(line for line in per_period.splitlines() if line.startswith("scope2 "))
    values = [float(v.replace(",", "")) for v in scope2.split()[3:6]]
    total = next(line for line in r.stdout.splitlines() if line.startswith("scope2 "))
    assert abs(sum(values) - float(total.split()[1].replace(",", ""))) < 1e-3   # the headline adds the years


def test_json_lists_the_periods_it_adds() -> None:
    r = run("calc", str(WIDE / "kpi.csv"), "--profile", str(WIDE / "profile.toml"), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["periods"] == ["2021年", "2022年", "2023年"]


def test_one_period_has_no_note(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("carrier,quantity,unit,period\nelectricity,100,MWh,2022\ndiesel,1.5,t,2022\n", encoding="utf-8")
    r = run("calc", str(f), "--profile", "kuaishou-2022", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "periods" not in r.stdout
    assert "periods" not in json.loads(run("calc", str(f), "--profile", "kuaishou-2022", "--format", "json").stdout)
