"""A printed figure whose metric is n/a is not_recomputed with the reason that is true of it:
the reason recorded on the rows it covers (here count_emissions = false on diesel), for a
figure limited to one facility that facility's reason; never a guess such as "no
coal_equivalent under the heating_value basis"."""

from __future__ import annotations

from pathlib import Path

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


def _reconcile(tmp_path: Path, figures: list[dict[str, str]], chunk_rows: int | None = None) -> dict[str, dict[str, str]]:
    p = tmp_path / "reported.yaml"
    p.write_text(yaml.safe_dump({"reporting_year": 2023, "reported": figures}, allow_unicode=True), encoding="utf-8")
    if chunk_rows:
        src = tmp_path / "a.csv"
        src.write_text("carrier,quantity,unit,facility,period\n" + "".join(
            f"{r['carrier']},{r['quantity']},{r['unit']},{r['facility']},{r['period']}\n" for r in ROWS), encoding="utf-8")
        result = ghgcalc.calculate(src, PROFILE, chunk_rows=chunk_rows)
    else:
        result = ghgcalc.calculate(ROWS, PROFILE)
    return {f"{e['metric']}/{e.get('facility')}": e for e in ghgcalc.reconcile(result, p)}


@pytest.mark.parametrize("chunk_rows", [None, 1])
def test_a_figure_of_one_facility_gets_that_facilitys_reason(tmp_path: Path, chunk_rows: int | None) -> None:
    got = _reconcile(tmp_path, [{"metric": "scope1", "value": "5", "unit": "t CO2e", "facility": "A"},
                                {"metric": "scope1", "value": "2", "unit": "t CO2e", "facility": "C"},
                                {"metric": "energy_total", "value": "1", "unit": "MWh", "facility": "C"},
                                {"metric": "scope2", "value": "50", "unit": "t CO2e", "facility": "B"}], chunk_rows)
    a = got["scope1/A"]
    assert a["status"] == "not_recomputed"
    assert "rows of diesel carry no value" in a["reason"] and "count_emissions = false" in a["reason"]
    assert "natural_gas" not in a["reason"] and "coal_equivalent" not in a["reason"]
    assert (got["scope1/C"]["status"], got["scope1/C"]["recomputed"]) == ("reproduced", "2")
    c = got["energy_total/C"]
    assert c["status"] == "not_recomputed" and "natural_gas" in c["reason"] and "heating_value = []" in c["reason"]
    assert "diesel" not in c["reason"]
    assert got["scope2/B"]["status"] == "reproduced"


def test_a_whole_data_figure_gets_the_reason_of_every_row_behind_it(tmp_path: Path) -> None:
    got = _reconcile(tmp_path, [{"metric": "scope1", "value": "7", "unit": "t CO2e"}])
    e = got["scope1/None"]
    assert e["status"] == "not_recomputed" and "rows of diesel carry no value" in e["reason"]
