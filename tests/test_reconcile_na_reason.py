"""A printed figure whose metric is n/a is not_recomputed with the reason that is true of it:
the reason recorded on the rows it covers (here count_emissions = false on diesel), for a
figure limited to one facility that facility's reason; never a guess such as "no
coal_equivalent under the heating_value basis"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import ghgcalc

ROWS = [{"carrier": "diesel", "quantity": "10", "unit": "t", "facility": "A", "period": 2023},
        {"carrier": "natural_gas", "quantity": "1000", "unit": "m3", "facility": "C", "period": 2023},
        {"carrier": "electricity", "quantity": "100", "unit": "MWh", "facility": "B", "period": 2023}]
PROFILE = {"id": "p", "reporting_year": 2023, "gwp_set": "AR5", "energy_basis": "heating_value",
           "carriers": {"diesel": {"count_emissions": False, "heating_value": "43 GJ/t"},
                        "natural_gas": {"emission": ["2 kg CO2/m3"], "heating_value": []},
                        "electricity": {"emission": ["0.5 t CO2/MWh"]}}}


def _reconcile(tmp_path: Path, figures: list[dict[str, str]], chunk_rows: int | None = None,
               rows: list[dict[str, Any]] = ROWS) -> dict[str, dict[str, str]]:
    p = tmp_path / "reported.yaml"
    p.write_text(yaml.safe_dump({"reporting_year": 2023, "reported": figures}, allow_unicode=True), encoding="utf-8")
    if chunk_rows:
        src = tmp_path / "a.csv"
        src.write_text("carrier,quantity,unit,facility,period\n" + "".join(
            f"{r['carrier']},{r['quantity']},{r['unit']},{r['facility']},{r['period']}\n" for r in rows), encoding="utf-8")
        result = ghgcalc.calculate(src, PROFILE, chunk_rows=chunk_rows)
    else:
        result = ghgcalc.calculate(rows, PROFILE)
    return {f"{e['metric']}/{e.get('facility')}/{e.get('carrier')}": e for e in ghgcalc.reconcile(result, p)}


@pytest.mark.parametrize("chunk_rows", [None, 1])
def test_a_figure_of_one_facility_gets_that_facilitys_reason(tmp_path: Path, chunk_rows: int | None) -> None:
    got = _reconcile(tmp_path, [{"metric": "scope1", "value": "5", "unit": "t CO2e", "facility": "A"},
                                {"metric": "scope1", "value": "2", "unit": "t CO2e", "facility": "C"},
                                {"metric": "energy_total", "value": "1", "unit": "MWh", "facility": "C"},
                                {"metric": "scope2", "value": "50", "unit": "t CO2e", "facility": "B"}], chunk_rows)
    a = got["scope1/A/None"]
    assert a["status"] == "not_recomputed"
    assert "rows of diesel carry no value" in a["reason"] and "count_emissions = false" in a["reason"]
    assert "natural_gas" not in a["reason"] and "coal_equivalent" not in a["reason"]
    assert (got["scope1/C/None"]["status"], got["scope1/C/None"]["recomputed"]) == ("reproduced", "2")
    c = got["energy_total/C/None"]
    assert c["status"] == "not_recomputed" and "natural_gas" in c["reason"] and "heating_value = []" in c["reason"]
    assert "diesel" not in c["reason"]
    assert got["scope2/B/None"]["status"] == "reproduced"


def test_a_whole_data_figure_gets_the_reason_of_every_row_behind_it(tmp_path: Path) -> None:
    got = _reconcile(tmp_path, [{"metric": "scope1", "value": "7", "unit": "t CO2e"}])
    e = got["scope1/None/None"]
    assert e["status"] == "not_recomputed" and "rows of diesel carry no value" in e["reason"]



@pytest.mark.parametrize("chunk_rows", [None, 1])
def test_a_figure_of_one_carrier_at_one_facility_gets_that_cells_reason(tmp_path: Path, chunk_rows: int | None) -> None:
    """Limited to a carrier and a facility at once: facility D has diesel (emissions not
    counted) and natural gas (a CO2 factor only, so CH4 not counted). Over the whole data
    Scope 1 CH4 is n/a for both carriers; D's diesel figure names diesel and its reason only,
    D's natural gas figure natural gas and its reason only."""
    rows = [*ROWS, {"carrier": "diesel", "quantity": "1", "unit": "t", "facility": "D", "period": 2023},
            {"carrier": "natural_gas", "quantity": "500", "unit": "m3", "facility": "D", "period": 2023}]
    got = _reconcile(tmp_path, [{"metric": "scope1_ch4", "value": "1", "unit": "t CH4", "facility": "D", "carrier": "diesel"},
                                {"metric": "scope1_ch4", "value": "1", "unit": "t CH4", "facility": "D", "carrier": "natural_gas"},
                                {"metric": "scope1_ch4", "value": "1", "unit": "t CH4"}], chunk_rows, rows)
    whole = got["scope1_ch4/None/None"]["reason"]
    assert "diesel" in whole and "natural_gas" in whole   # the whole data: both carriers
    d = got["scope1_ch4/D/diesel"]
    assert d["status"] == "not_recomputed" and "rows of diesel carry no value" in d["reason"]
    assert "count_emissions = false" in d["reason"] and "natural_gas" not in d["reason"]
    g = got["scope1_ch4/D/natural_gas"]
    assert g["status"] == "not_recomputed" and "rows of natural_gas carry no value" in g["reason"]
    assert "CH4, N2O not counted" in g["reason"] and "diesel" not in g["reason"]
