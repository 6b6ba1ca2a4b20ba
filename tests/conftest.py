from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis profiles. ``ci``: reproducible (derandomized, no example database) and modest, with the
# reproduce blob printed on failure; ``dev``: more examples, random. HYPOTHESIS_PROFILE picks one;
# by default ``ci`` when the CI environment variable is set, ``dev`` otherwise. A test's own
# ``@settings(max_examples=...)`` still wins: those limit slow tests or give cheap ones more examples.
settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", max_examples=40, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

DATA = Path(__file__).parent / "data"
EXAMPLE = Path(str(resources.files("ghgcalc"))) / "data" / "examples" / "kuaishou-2022"


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE


@pytest.fixture
def data_dir() -> Path:
    return DATA
