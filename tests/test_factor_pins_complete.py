"""Every shipped factor row is pinned to the value its document prints (issue 4, Done when).

The pins live in lists named ``*PINS`` of ``(factor_id, printed value, citation)`` in
``tests/test_factor_values*.py`` and ``tests/test_factors.py``; this test collects them and
checks that none is missing, that two pins of one row agree, and that every pin names a row.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from ghgcalc.core.factors import default_library

HERE = Path(__file__).parent


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_pins_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pins() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    files = [*sorted(HERE.glob("test_factor_values*.py")), HERE / "test_factors.py"]
    for path in files:
        for name, value in vars(_load(path)).items():
            if name.endswith("PINS") and isinstance(value, (list, tuple)):
                for pin in value:
                    out.setdefault(str(pin[0]), set()).add(str(pin[1]))
    return out


def test_every_shipped_row_is_pinned_once_in_value() -> None:
    pins = _pins()
    ids = {r.id for r in default_library()}
    missing = sorted(ids - set(pins))
    assert not missing, f"{len(missing)} shipped rows have no pin: {missing[:20]}"
    conflicting = {k: v for k, v in pins.items() if len(v) > 1}
    assert not conflicting, f"pins disagree: {conflicting}"


def test_every_pin_names_a_shipped_row() -> None:
    ids = {r.id for r in default_library()}
    unknown = sorted(set(_pins()) - ids)
    assert not unknown, f"pins of rows that are not shipped: {unknown}"
