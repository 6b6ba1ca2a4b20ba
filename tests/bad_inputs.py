"""The bad-input catalogue (issue 5): each case builds its file(s) in a temporary directory
and says how ghgcalc must answer it. Shared by the API tests (test_bad_input.py) and the
tests of the real console script (test_cli_bad_input.py).

Activity rows are numbered from 0 at the first row under the header.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ghgcalc.errors import ActivityDataError, GhgcalcError, InputError, ProfileError, ReportedFiguresError

PROFILE = "kuaishou-2022"
HEADER = "carrier,quantity,unit\n"


@dataclass
class Case:
    """``build(tmp)`` returns the CLI arguments (after the command) and the API call's inputs."""

    id: str
    kind: str  # "activity" | "profile" | "reported"
    build: Callable[[Path], dict[str, Any]]
    error: type[GhgcalcError]
    issues: list[tuple[int | None, str | None]] = field(default_factory=list)  # (row, column) of every issue
    text: list[str] = field(default_factory=list)  # fragments the message must contain


def _write(tmp: Path, name: str, data: str | bytes) -> Path:
    p = tmp / name
    if isinstance(data, str):
        p.write_text(data, encoding="utf-8")
    else:
        p.write_bytes(data)
    return p


def csv_case(cid: str, body: str, issues: list[tuple[int | None, str | None]], text: list[str] | None = None,
             header: str = HEADER) -> Case:
    return Case(cid, "activity", lambda t: {"activity": _write(t, f"{cid}.csv", header + body)}, ActivityDataError,
                issues, text or [])


def file_case(cid: str, name: str, make: Callable[[Path], bytes | str], text: list[str],
              error: type[GhgcalcError] = InputError) -> Case:
    return Case(cid, "activity", lambda t: {"activity": _write(t, name, make(t))}, error, [], text)


def _xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    pd.DataFrame({"carrier": ["electricity"] * 50, "quantity": [1.5] * 50, "unit": ["MWh"] * 50}).to_excel(buf, index=False)
    return buf.getvalue()


def _parquet_bytes() -> bytes:
    buf = io.BytesIO()
    pd.DataFrame({"carrier": ["electricity"] * 50, "quantity": [1.5] * 50, "unit": ["MWh"] * 50}).to_parquet(buf)
    return buf.getvalue()


def _empty_xlsx() -> bytes:
    import openpyxl

    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    return buf.getvalue()


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "not a workbook")
    return buf.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + bytes(40)


def _random_bytes(_: Path) -> bytes:
    return random.Random(5).randbytes(4096)


def profile_case(cid: str, toml: str, text: list[str], extra: dict[str, str] | None = None) -> Case:
    def build(t: Path) -> dict[str, Any]:
        d = t / "prof"
        d.mkdir(exist_ok=True)
        for name, content in (extra or {}).items():
            (t / name).parent.mkdir(parents=True, exist_ok=True)
            (t / name).write_text(content, encoding="utf-8")
        return {"activity": _write(t, "ok.csv", HEADER + "electricity,1,MWh\ndiesel,1,t\n"), "profile": _write(d, "p.toml", toml)}
    return Case(cid, "profile", build, ProfileError, [], text)


def reported_case(cid: str, yaml_text: str | bytes, text: list[str]) -> Case:
    def build(t: Path) -> dict[str, Any]:
        return {"activity": _write(t, "ok.csv", HEADER + "electricity,1,MWh\n"), "reported": _write(t, f"{cid}.yaml", yaml_text)}
    return Case(cid, "reported", build, ReportedFiguresError, [], text)


_PROFILE_HEAD = 'id = "bad"\nreporting_year = 2022\n'
_GOOD_TABLE = ("id,carrier,kind,gas,value,unit,valid_from,valid_to,publisher,document,reference,published,review_status\n"
               "my-grid,electricity,emission,CO2,0.5,t CO2/MWh,2022,2022,me,my doc,p. 1,2023-01-01,unverified\n")

CASES: list[Case] = [
    # -- quantities --------------------------------------------------------------------
    csv_case("negative", "electricity,-5,MWh\n", [(0, "quantity")], ["quantity is negative", "'-5'"]),
    csv_case("empty-quantity", "electricity,,MWh\nelectricity,   ,MWh\n", [(0, "quantity"), (1, "quantity")], ["empty quantity"]),
    csv_case("nan", "electricity,NaN,MWh\nelectricity,nan,MWh\n", [(0, "quantity"), (1, "quantity")], ["not a finite number", "'NaN'"]),
    csv_case("infinite", "electricity,inf,MWh\nelectricity,-Infinity,MWh\n", [(0, "quantity"), (1, "quantity")],
             ["not a finite number", "'inf'"]),
    csv_case("overflow", "electricity,1e400,MWh\n", [(0, "quantity")], ["overflows", "'1e400'"]),
    csv_case("implausible", "electricity,1e200,MWh\n", [(0, "quantity")], ["implausibly large"]),
    csv_case("text-in-number", "electricity,abc,MWh\nelectricity,12 MWh,MWh\n", [(0, "quantity"), (1, "quantity")],
             ["quantity is not a number", "'abc'"]),
    csv_case("decimal-comma", 'electricity,"1,23",MWh\nelectricity,"1.234,5",MWh\n', [(0, "quantity"), (1, "quantity")],
             ["a decimal comma", "'1,23'", "write 1234.5"]),
    # -- carriers and units --------------------------------------------------------------
    csv_case("unknown-carrier", "unobtainium,1,MWh\n", [(0, "carrier")], ["unknown carrier", "'unobtainium'"]),
    csv_case("ambiguous-bilingual-carrier", "柴油 汽油,1,t\ndiesel (HQ),1,t\n", [(0, "carrier"), (1, "carrier")], ["unknown carrier"]),
    csv_case("bilingual-unit-that-disagrees", "electricity,1,MWh（kWh）\n", [(0, "unit")], ["cannot apply"]),
    csv_case("empty-carrier", ",1,MWh\n", [(0, "carrier")], ["empty carrier"]),
    csv_case("unknown-unit", "electricity,1,zorkmids\n", [(0, "unit")], ["unknown unit", "'zorkmids'"]),
    csv_case("unit-incompatible-sum", "heat,1,G+J\nelectricity,1,m³ + kg\n", [(0, "unit"), (1, "unit")], ["unknown unit", "'G+J'"]),
    csv_case("unit-with-overflowing-number", "heat,1,1e400GJ\nheat,1,1e-400 GJ\n", [(0, "unit"), (1, "unit")], ["implausibly large or small"]),
    csv_case("empty-unit", "electricity,1,\n", [(0, "unit")], ["empty unit"]),
    csv_case("wrong-dimension-electricity-m3", "electricity,1,m³\n", [(0, "unit")], ["cannot apply", "'m³'"]),
    csv_case("wrong-dimension-diesel-m3", "diesel,1,m**3\n", [(0, "unit")], ["cannot apply"]),
    csv_case("wrong-dimension-water-mwh", "fresh_water,1,MWh\n", [(0, "unit")], ["cannot be expressed"]),
    # -- other columns -------------------------------------------------------------------
    csv_case("period-not-covered", "electricity,1,MWh,1990\n", [(0, "period")], ["no factor in the profile covers", "1990"],
             header="carrier,quantity,unit,period\n"),
    csv_case("period-not-a-date", "electricity,1,MWh,last year\n", [(0, "period")], ["period is not a year"],
             header="carrier,quantity,unit,period\n"),
    csv_case("scope-3", "electricity,1,MWh,3\n", [(0, "scope")], ["scope must be 1 or 2"], header="carrier,quantity,unit,scope\n"),
    csv_case("every-bad-row", "electricity,-1,MWh\nelectricity,2,MWh\nplutonium,1,MWh\nelectricity,x,MWh\n"
             "electricity,1,furlongs\nelectricity,3,MWh\n,,MWh\n",
             [(0, "quantity"), (2, "carrier"), (3, "quantity"), (4, "unit"), (6, "carrier"), (6, "quantity")],
             ["row 0, column 'quantity'", "row 4, column 'unit'", "row 6, column 'carrier'"]),
    # -- the table itself -----------------------------------------------------------------
    csv_case("missing-column", "electricity,1\n", [(None, "unit")], ["required column 'unit' is missing"], header="carrier,quantity\n"),
    csv_case("duplicate-header", "electricity,1,2,MWh\n", [(None, "quantity")], ["duplicate column header"],
             header="carrier,quantity,quantity,unit\n"),
    csv_case("duplicate-alias", "electricity,1,2,MWh\n", [(None, "quantity")], ["more than one column reads as 'quantity'", "數量"],
             header="carrier,quantity,數量,unit\n"),
    csv_case("header-only", "", [(None, None)], ["the activity table has no rows"]),
    file_case("empty-file", "empty.csv", lambda t: b"", ["the activity file is empty"]),
    file_case("blank-file", "blank.csv", lambda t: "  \n\n  \n", ["the activity file is empty"]),
    file_case("random-bytes", "random.csv", _random_bytes, ["random.csv"]),
    file_case("png", "image.csv", lambda t: PNG, ["PNG image"]),
    file_case("png-as-xlsx", "image.xlsx", lambda t: PNG, ["not an Excel workbook"]),
    file_case("zip", "archive.csv", lambda t: _zip_bytes(), ["zip archive without a workbook"]),
    file_case("truncated-xlsx", "cut.xlsx", lambda t: _xlsx_bytes()[: len(_xlsx_bytes()) // 2], ["Excel workbook"]),
    file_case("truncated-parquet", "cut.parquet", lambda t: _parquet_bytes()[: len(_parquet_bytes()) // 2], ["Parquet"]),
    file_case("random-parquet", "random.parquet", _random_bytes, ["Parquet"]),
    file_case("unclosed-quote", "quote.csv", lambda t: HEADER + 'electricity,"1,MWh\n', ["cannot read as CSV"]),
    file_case("nul-bytes", "nul.csv", lambda t: (HEADER + "electricity,1\x00,MWh\n").encode(), ["binary data"]),
    file_case("empty-xlsx", "empty.xlsx", lambda t: _empty_xlsx(), ["the Excel sheet is empty"]),
    file_case("legacy-xls", "old.xls", lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), ["legacy Excel (.xls)"]),
    Case("denominator-not-a-number", "activity",
         lambda t: {"activity": _write(t, "ok.csv", HEADER + "electricity,1,MWh\n"), "denominators": {"headcount": "many"}},
         GhgcalcError, [], ["denominator 'headcount'", "'many' is not a number"]),
    Case("denominator-zero", "activity",
         lambda t: {"activity": _write(t, "ok.csv", HEADER + "electricity,1,MWh\n"), "denominators": {"headcount": "0"}},
         GhgcalcError, [], ["must be > 0"]),
    file_case("ragged-csv", "ragged.csv", lambda t: HEADER + "electricity,1,MWh,extra\n", ["cannot read as CSV", "line 2"]),
    # -- profiles ---------------------------------------------------------------------------
    profile_case("unknown-factor-id", _PROFILE_HEAD + '[carriers.electricity]\nemission = ["cn-mee-grid-national-2O22"]\n',
                 ["carriers.electricity.emission[0]", "unknown factor id"]),
    profile_case("wrong-kind-id", _PROFILE_HEAD + '[carriers.electricity]\nemission = ["gbt2589-2020-electricity-calorific"]\n',
                 ["not emission"]),
    profile_case("literal-wrong-dimension", _PROFILE_HEAD + '[carriers.diesel]\nheating_value = "5 kg"\nemission = ["74100 kg CO2/TJ"]\n',
                 ["carriers.diesel.heating_value[0]", "a heating value is an energy per mass or volume"]),
    profile_case("literal-per-tonne-electricity", _PROFILE_HEAD + '[carriers.electricity]\nemission = ["0.5 t CO2/t"]\n',
                 ["carriers.electricity.emission[0]", "per energy"]),
    profile_case("literal-no-gas", _PROFILE_HEAD + '[carriers.electricity]\nemission = ["0.5 t/MWh"]\n', ["one gas"]),
    profile_case("unknown-key", _PROFILE_HEAD + 'gwp_sett = "AR5"\n', ["gwp_sett", "unknown key"]),
    profile_case("not-toml", "id = \n[[", ["not valid TOML"]),
    profile_case("table-escapes-dir", _PROFILE_HEAD + 'factor_tables = ["../mine.csv"]\n', ["factor_tables.0", "outside the profile's directory"],
                 extra={"mine.csv": _GOOD_TABLE}),
    profile_case("table-absolute", _PROFILE_HEAD + 'factor_tables = ["/etc/passwd"]\n', ["factor_tables.0", "absolute"]),
    # -- reported figures ---------------------------------------------------------------------
    reported_case("yaml-not-a-mapping", "- {metric: scope2, value: '1'}\n", ["a 'reported' list"]),
    reported_case("reported-not-a-list", "reported: scope2\n", ["valid list"]),
    reported_case("missing-value", "reported:\n  - {metric: scope2, unit: t CO2e}\n", ["entry 0", "value"]),
    reported_case("value-not-digits", "reported:\n  - {metric: scope2, value: 'about 5', unit: t CO2e}\n", ["entry 0", "not a printed number"]),
    reported_case("value-unquoted-float", "reported:\n  - {metric: scope2, value: 0.57, unit: t CO2e}\n", ["must be quoted"]),
    reported_case("reported-unknown-unit", "reported:\n  - {metric: scope2, value: '1', unit: zorkmids}\n", ["entry 0", "unit 'zorkmids'"]),
    reported_case("misspelt-metric", "reported:\n  - {metric: Scope_2, value: '1', unit: t CO2e}\n", ["did you mean 'scope2'"]),
    reported_case("yaml-syntax", "reported: [ {metric: scope2, value: '1'\n", ["not valid YAML"]),
    reported_case("yaml-python-tag", "reported: !!python/object/apply:os.system ['touch PWNED']\n", ["not valid YAML"]),
    reported_case("yaml-empty", "", ["a 'reported' list"]),
    reported_case("yaml-binary", PNG, ["not valid YAML"]),
]
