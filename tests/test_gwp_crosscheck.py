"""Every shipped GWP row (``factors/gwp/``) against the maintained sources, not against a retyped list
(issue 15 item 12).

Sources:

- the IPCC AR6 WG1 Chapter 7 authors' metrics file, the primary data behind Table 7.SM.7
  (IPCC-WG1/Chapter-7 ``data_output/7sm/metrics_supplement_cleaned.csv`` at commit 2f948c86; the
  columns used are copied in ``tests/data/gwp/``, with its source and licence): every AR6 row;
- the ``globalwarmingpotentials`` package (openclimatedata, the PRIMAP group; the data
  openscm-units uses), pinned in the ``test`` and ``dev`` extras: SAR, AR4, AR5, AR5 with
  climate-carbon feedbacks and AR6 GWP100, each column with the document it was transcribed from.

A refrigerant blend is checked as the mass-fraction sum of the source's values of its components
(ASHRAE 34 compositions as in ``tests/test_gwp_blends.py``). A row that neither source can check is
listed below with the reason; a new GWP row must be checkable or added there.
"""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import globalwarmingpotentials
import pytest
from test_gwp_blends import BLENDS

import ghgcalc
from ghgcalc.core.factors import FactorRow
from ghgcalc.io.data import load_yaml

IPCC_FILE = Path(__file__).parent / "data" / "gwp" / "ipcc-ar6-wg1-ch7-metrics-gwp100.csv"
PACKAGE_VERSION = "0.13.2"  # as pinned in pyproject.toml

#: GWP set of a row -> column of the package
PACKAGE_SETS = {"SAR": "SARGWP100", "AR4": "AR4GWP100", "AR5": "AR5GWP100", "AR5-ccf": "AR5CCFGWP100", "AR6": "AR6GWP100"}

#: the IPCC file names c-C4F8 by neither our spelling nor an alias ("PFC-C-318", "cyc (-CF2CF2CF2CF2-)"): by its name
IPCC_NAME_OF = {"c-C4F8": "Octafluorocyclobutane"}

#: rows no source here can check, and why
NOT_IN_EITHER = {
    "ipcc-sar-gwp100-co2": "reference gas (1 by definition); the package lists no CO2 and the IPCC file is AR6",
    "ipcc-ar4-gwp100-co2": "reference gas (1 by definition); the package lists no CO2 and the IPCC file is AR6",
    "ipcc-ar5-gwp100-co2": "reference gas (1 by definition); the package lists no CO2 and the IPCC file is AR6",
    "ipcc-ar5-ccf-gwp100-co2": "reference gas (1 by definition); the package lists no CO2 and the IPCC file is AR6",
    "ipcc-ar5-fossil-gwp100-ch4": "AR5 Table 8.A.1 footnote (fossil methane): in neither source",
    "ipcc-ar6-fossil-gwp100-ch4": "AR6 Table 7.15 fossil methane: the 7.SM.7 data and the package give one CH4 value",
    "ipcc-ar6-non-fossil-gwp100-ch4": "AR6 Table 7.15 non-fossil methane: the 7.SM.7 data and the package give one CH4 value",
}


def _gas_names() -> dict[str, str]:
    """Every spelling of a gas in ``gases.yaml`` -> the gas name of the GWP rows (``R-32`` -> ``HFC-32``)."""
    out: dict[str, str] = {}
    for gas, aliases in load_yaml("gases.yaml").items():
        out[gas] = gas
        out.update({a: gas for a in aliases or []})
    return out


def _ipcc_rows() -> list[dict[str, str]]:
    with IPCC_FILE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def ipcc_gwp100(gas: str) -> Decimal | None:
    """The GWP100 of ``gas`` (a GWP-row gas name) in the IPCC file, matched on acronym, formula or an alias."""
    spellings = {gas, *(a for a, g in _gas_names().items() if g == gas)}
    hits = [r for r in _ipcc_rows()
            if r["Acronym"] in spellings or r["Formula"] in spellings or r["Name"] == IPCC_NAME_OF.get(gas)]
    assert len(hits) <= 1, (gas, [h["Name"] for h in hits])
    return Decimal(hits[0]["GWP100"]) if hits else None


def package_gwp100(gwp_set: str, gas: str) -> Decimal | None:
    """The package's GWP100 of ``gas`` in ``gwp_set`` (its keys: the gas name without hyphens)."""
    column = PACKAGE_SETS.get(gwp_set)
    v = globalwarmingpotentials.data[column].get(gas.replace("-", "")) if column else None
    return None if v is None else Decimal(repr(v))  # the package stores floats; their shortest repr is the printed value


def source_values(row: FactorRow) -> dict[str, Decimal]:
    """What each source says the row's value is (a blend: the sum over its components); a source
    that lacks the gas, or a component of the blend, is left out."""
    gas = _gas_names().get(row.gas or "", row.gas or "")
    parts = BLENDS.get(gas, {gas: "100"})
    out: dict[str, Decimal] = {}
    lookups = {"package": lambda g: package_gwp100(row.gwp_set or "", g)}
    if row.gwp_set == "AR6":
        lookups["ipcc_file"] = ipcc_gwp100
    for source, look in lookups.items():
        vals = {g: look(g) for g in parts}
        if all(v is not None for v in vals.values()):
            out[source] = sum((Decimal(p) / 100 * v for g, p in parts.items() if (v := vals[g]) is not None), Decimal(0))
    return out


def _gwp_rows() -> list[FactorRow]:
    return ghgcalc.default_library().select(kind="gwp")


def test_the_package_is_the_pinned_version() -> None:
    assert globalwarmingpotentials.__version__ == PACKAGE_VERSION


def test_the_ipcc_copy_holds_the_published_values() -> None:
    """The copy is the whole file (249 species); values read there, and in Table 7.15 where it prints them."""
    rows = _ipcc_rows()
    assert len(rows) == 249 and list(rows[0]) == ["Name", "CAS", "Acronym", "Formula", "GWP100"]
    assert ipcc_gwp100("CO2") == 1 and ipcc_gwp100("N2O") == 273 and ipcc_gwp100("CH4") == Decimal("27.9")
    assert ipcc_gwp100("SF6") == 25200 and ipcc_gwp100("HFC-32") == 771 and ipcc_gwp100("CF4") == 7380
    assert ipcc_gwp100("c-C4F8") == 10200 and ipcc_gwp100("HFO-1234yf") == Decimal("0.501")
    assert ipcc_gwp100("R-410A") is None  # a blend is no species
    assert next(r for r in rows if r["Acronym"] == "CFC-11")["CAS"] == "75-69-4"


def test_every_gwp_row_is_checked_against_a_source_or_says_why_not() -> None:
    rows = _gwp_rows()
    assert len(rows) >= 150
    unchecked = {r.id for r in rows if not source_values(r)}
    assert unchecked == set(NOT_IN_EITHER)


@pytest.mark.parametrize("source", ["package", "ipcc_file"])
def test_every_shipped_gwp_row_agrees_with_the_source(source: str) -> None:
    checked, wrong = 0, []
    for r in _gwp_rows():
        v = source_values(r).get(source)
        if v is None:
            continue
        checked += 1
        if Decimal(r.value) != v:
            wrong.append((r.id, r.value, str(v)))
    assert not wrong, f"{len(wrong)} rows differ from {source}: {wrong}"
    # package: the 156 rows less the 7 above, the AR6 CO2 row and the 6 AR6 rows of HFOs (none in the package);
    # IPCC file: every AR6 row (36; the Table 7.15 fossil/non-fossil methane rows are sets of their own)
    assert checked == {"package": 142, "ipcc_file": 36}[source]


def test_the_sources_agree_with_each_other_on_every_ar6_gas_shipped() -> None:
    gases = {_gas_names().get(r.gas or "", r.gas or "") for r in _gwp_rows() if r.gwp_set == "AR6"} - set(BLENDS)
    both = [(g, package_gwp100("AR6", g), ipcc_gwp100(g)) for g in sorted(gases)]
    assert [x for x in both if x[1] is not None and x[1] != x[2]] == []
    assert {g for g, p, _ in both if p is None} == {"CO2", "HFO-1234yf", "HFO-1234ze(E)"}


def test_a_retyped_value_is_caught() -> None:
    """The check fails on a wrong digit: AR6 CH4 typed as the AR5 28, HFC-134a as the Table 7.15 1526."""
    lib = ghgcalc.default_library()
    for rid, typo in [("ipcc-ar6-gwp100-ch4", "28"), ("ipcc-ar6-gwp100-hfc-134a", "1526"), ("ipcc-ar6-gwp100-r-410a", "2256")]:
        row = lib.get(rid).model_copy(update={"value": typo})
        vals = source_values(row)
        assert vals and all(v != Decimal(typo) for v in vals.values()), (rid, vals)


def test_ar6_rows_the_ipcc_file_confirms_are_verified_and_say_where() -> None:
    """AR6 species rows: verified, from the IPCC file (commit named) or, earlier, from Table 7.15;
    AR6 blends: derived, every component being verified (tests/test_gwp_blends.py)."""
    seen = 0
    for r in _gwp_rows():
        if r.gwp_set != "AR6" or "ipcc_file" not in source_values(r):
            continue
        seen += 1
        gas = _gas_names().get(r.gas or "", r.gas or "")
        if gas in BLENDS:
            assert r.review_status == "derived", r.id
            assert "every component row is verified" in r.notes and "2f948c86" in r.notes, r.id
        else:
            assert r.review_status == "verified", r.id
            assert ("metrics_supplement_cleaned.csv, commit 2f948c86" in r.notes
                    or "Table 7.15" in (r.reference or "")), r.id
    assert seen == 36
