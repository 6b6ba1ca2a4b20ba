"""The README's SECR and US examples ("Activity data") run as printed: each command is run
in-process and every figure the README shows for it is in the output."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from ghgcalc.cli import main
from ghgcalc.printed import format_at

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# "$ ghgcalc calc examples/... --profile ..." then the figure lines of the block: metric, value, unit
BLOCK = re.compile(r"^\$ ghgcalc (calc examples/\S+ --profile \S+)\n((?:[a-z0-9_]+ +[\d,.]+ +.+\n)+)", re.M)
EXAMPLES = {m.group(1): m.group(2) for m in BLOCK.finditer(README)}


def test_the_readme_shows_both_examples() -> None:
    assert set(EXAMPLES) == {"calc examples/secr-uk/energy.csv --profile examples/secr-uk/profile.toml",
                             "calc examples/us-epa/fuel.csv --profile examples/us-epa/profile.toml"}


@pytest.mark.parametrize("command", sorted(EXAMPLES))
def test_readme_example_runs_as_printed(command: str, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    assert main([*shlex.split(command), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for line in EXAMPLES[command].splitlines():
        metric, value, unit = re.match(r"([a-z0-9_]+) +([\d,.]+) +(\S+(?: \S+)?)", line).groups()  # type: ignore[union-attr]
        total = out["totals"][metric]
        assert format_at(total["value"], 4, grouping=True) == value, (metric, total)   # as calc prints it
        assert total["unit"] == unit.strip()
    assert out["errors"] == []
    labels = out["input"]["carrier_labels"]
    assert all(v["carrier"] in ("electricity", "natural_gas", "diesel") for v in labels.values())


def test_secr_example_records_its_choices(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    assert main(["calc", "examples/secr-uk/energy.csv", "--profile", "examples/secr-uk/profile.toml", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["input"]["unit_choices"]["Therms"]["unit"] == "therm_EC"
    assert out["input"]["carrier_labels"]["Grid supplied electricity"] == {"carrier": "electricity", "how": "words",
                                                                            "ignored": ["Grid supplied"]}
    # the example's factor rows are verified in the official flat file (their notes say where); the one literal (the
    # gross-CV heating value of 1 kWh/kWh) is the profile's own, user-supplied
    assert {f["id"]: f["review_status"] for f in out["factors"]} == {
        "example-desnz-2023-uk-electricity-generated": "verified", "example-desnz-2023-natural-gas-gross-cv": "verified",
        "literal:example-secr-uk-desnz-2023:carriers.natural_gas.heating_value[0]": "user-supplied"}
