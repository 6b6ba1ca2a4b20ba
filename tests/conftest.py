from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
EXAMPLE = Path(str(resources.files("ghgcalc"))) / "data" / "examples" / "kuaishou-2022"


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE


@pytest.fixture
def data_dir() -> Path:
    return DATA
