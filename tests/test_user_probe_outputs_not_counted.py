"""The disclosure pack's table by carrier keeps "not counted" visibly absent (README "Not counted is
not zero"): a new-user probe found a diesel carrier under ``count_emissions = false`` printed with
0 t CO2e and 0 % of Scope 1 and 2, and the purchased electricity beside it as 100 % of a total
the KPI table itself prints n/a; and a carrier under ``heating_value = []`` with 0 '000 kWh of
energy (its "of which" line left out). Per-carrier sums now carry NaN (n/a, or the table's dash)
where a row of the carrier has no value, and no share is computed over an unknown total.
Profiles in code and in TOML, activity in CSV and XLSX, through ``disclosure_pack``,
``ghgcalc report`` (Markdown) and the XLSX pack."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import ghgcalc
from ghgcalc.cli import main

ENERGY_ONLY: dict[str, Any] = {
    "id": "energy-only", "reporting_year": 2022, "gwp_set": "AR5", "energy_basis": "heating_value", "region": "CN",
    "carriers": {"diesel": {"count_emissions": False, "heating_value": "cn-default-ncv-diesel"},
                 "electricity": {"emission": ["cn-mee-grid-national-2022"]}},
}
NO_ENERGY: dict[str, Any] = {
    "id": "no-energy", "reporting_year": 2022, "gwp_set": "AR5", "energy_basis": "heating_value", "region": "CN",
    "carriers": {"diesel": {"heating_value": [], "emission": ["2.6 t CO2/t"]},
                 "electricity": {"emission": ["cn-mee-grid-national-2022"]}},
}
ROWS = [("diesel", "10", "t", "A", "2022"), ("electricity", "100", "MWh", "B", "2022"),
        ("diesel", "5", "t", "B", "2022")]


def _activity(tmp: Path, kind: str) -> Path:
    frame = pd.DataFrame(ROWS, columns=["carrier", "quantity", "unit", "facility", "period"])
    path = tmp / f"acts.{kind}"
    if kind == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_excel(path, index=False)
    return path


def _toml(tmp: Path, prof: dict[str, Any]) -> Path:
    def val(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "[" + ", ".join(f'"{x}"' for x in v) + "]"
        return f'"{v}"' if isinstance(v, str) else str(v)
    lines = [f"{k} = {val(v)}" for k, v in prof.items() if k != "carriers"]
    for c, spec in prof["carriers"].items():
        lines += [f"[carriers.{c}]", *(f"{k} = {val(v)}" for k, v in spec.items())]
    path = tmp / f"{prof['id']}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_by_carrier_emissions_not_counted_are_not_zero(tmp_path: Path, kind: str) -> None:
    result = ghgcalc.calculate(_activity(tmp_path, kind), ENERGY_ONLY)
    assert math.isnan(result.totals()["scope1_2"].magnitude)
    table = ghgcalc.disclosure_pack(result).by_carrier.set_index("carrier")
    assert math.isnan(table.loc["diesel", "co2e_t"])
    assert table.loc["electricity", "co2e_t"] == pytest.approx(57.03)
    # no share of a Scope 1 and 2 total that is itself n/a
    assert table["share_of_scope1_2_pct"].isna().all()
    # energy is counted for both
    assert table.loc["diesel", "energy_kwh000"] == pytest.approx(15 * 42.652 / 3.6)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_by_carrier_energy_not_counted_is_not_zero(tmp_path: Path, kind: str) -> None:
    result = ghgcalc.calculate(_activity(tmp_path, kind), NO_ENERGY)
    table = ghgcalc.disclosure_pack(result).by_carrier.set_index("carrier")
    assert math.isnan(table.loc["diesel", "energy_kwh000"])
    assert table.loc["electricity", "energy_kwh000"] == pytest.approx(100.0)
    # emissions are counted for both: shares over the known total
    assert table.loc["diesel", "co2e_t"] == pytest.approx(39.0)
    assert table["share_of_scope1_2_pct"].sum() == pytest.approx(100.0)


def test_markdown_pack_prints_no_zero_for_not_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _activity(tmp_path, "csv")
    out = tmp_path / "pack.md"
    assert main(["report", str(src), "--profile", str(_toml(tmp_path, ENERGY_ONLY)), "--lang", "en", "-o", str(out)]) == 0
    capsys.readouterr()
    md = out.read_text(encoding="utf-8")
    diesel = re.search(r"^\| Diesel \| 1 \| ([^|]+) \| ([^|]+) \|", md, flags=re.M)
    elec = re.search(r"^\| Purchased electricity \| 2 \| ([^|]+) \| ([^|]+) \|", md, flags=re.M)
    assert diesel and elec
    assert diesel.group(1).strip() in ("n/a", "–") and diesel.group(2).strip() in ("n/a", "–")
    assert elec.group(1).strip() == "57.03" and elec.group(2).strip() in ("n/a", "–")

    out2 = tmp_path / "pack2.md"
    assert main(["report", str(src), "--profile", str(_toml(tmp_path, NO_ENERGY)), "--lang", "en", "-o", str(out2)]) == 0
    capsys.readouterr()
    md2 = out2.read_text(encoding="utf-8")
    assert re.search(r"^\| of which: Diesel \| n/a \|", md2, flags=re.M)
    row = re.search(r"^\| Diesel \| 1 \| [^|]+ \| [^|]+ \| ([^|]+) \|", md2, flags=re.M)
    assert row and row.group(1).strip() in ("n/a", "–")


def test_xlsx_pack_leaves_the_cell_empty(tmp_path: Path) -> None:
    out = tmp_path / "pack.xlsx"
    ghgcalc.report(ghgcalc.calculate(_activity(tmp_path, "csv"), ENERGY_ONLY), out, lang="en")
    sheet = pd.read_excel(out, sheet_name="by_carrier").set_index("carrier")
    co2e = next(c for c in sheet.columns if c.startswith("co2e_t"))
    assert pd.isna(sheet.loc["diesel", co2e])
    assert sheet["share_of_scope1_2_pct"].isna().all()
