"""Words in the data files stay words: YAML reads unquoted ``no``, ``on``, ``yes`` as booleans,
so a word list holding one loses it (the instrument word "no" was ``False``; the label qualifier
``on`` was ``True`` and labels holding "True" were read as carriers). And a unit word in a label
is a unit word even when the unit column would refuse it as ambiguous ("Diesel (mt)")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import ghgcalc
from ghgcalc.core.labels import read_label
from ghgcalc.core.regions import canonical_instrument
from ghgcalc.errors import ActivityDataError

DATA = Path(ghgcalc.__file__).parent / "data"


def _bools_among_words(x: Any, path: str) -> list[str]:
    out = []
    if isinstance(x, dict):
        for k, v in x.items():
            if isinstance(k, bool):
                out.append(f"{path}: key {k!r}")
            out += _bools_among_words(v, f"{path}.{k}")
    elif isinstance(x, list):
        if any(isinstance(i, str) for i in x) and any(isinstance(i, bool) for i in x):
            out.append(f"{path}: {x!r}")
        for i in x:
            out += _bools_among_words(i, path)
    return out


@pytest.mark.parametrize("path", sorted(DATA.glob("*.yaml")), ids=lambda p: p.name)
def test_no_word_list_holds_a_boolean(path: Path) -> None:
    assert _bools_among_words(yaml.safe_load(path.read_text(encoding="utf-8")), path.name) == []


@pytest.mark.parametrize("word", ["no", "No", "none", "n/a", "无"])
def test_the_instrument_word_no_means_none(word: str) -> None:
    assert canonical_instrument(word) == "none"


@pytest.mark.parametrize(("label", "carrier"), [("Diesel (mt)", "diesel"), ("Natural gas (MBtu)", "natural_gas"),
                                                 ("MBtu natural gas", "natural_gas")])
def test_an_ambiguous_unit_in_a_label_is_a_unit_word(label: str, carrier: str) -> None:
    assert read_label(label).carrier == carrier


def test_the_unit_column_still_refuses_it() -> None:
    rows = [{"carrier": "Diesel (mt)", "quantity": "2", "unit": "mt", "period": 2023}]
    with pytest.raises(ActivityDataError, match="ambiguous"):
        ghgcalc.calculate(rows, "ipcc-2006-tier1-commercial")
