"""docs/tutorial.md runs: every ```python block, in order, in one namespace, in a temporary
directory (the blocks carry their own asserts against the printed figures)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


@pytest.mark.slow
def test_tutorial_blocks_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(TUTORIAL.read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    monkeypatch.chdir(tmp_path)
    ns: dict[str, object] = {"__name__": "__tutorial__"}
    for i, code in enumerate(blocks, 1):
        try:
            exec(compile(code, f"{TUTORIAL.name} block {i}", "exec"), ns)
        except Exception as exc:  # name the block that failed
            raise AssertionError(f"docs/tutorial.md python block {i} failed: {exc!r}\n{code}") from exc
    # what the tutorial promises to have written
    for name in ("my-profile.toml", "kuaishou-2022.html", "kuaishou-2022.xlsx", "my-company.md",
                 "my-company_charts/scope.png", "my-company-2021-2022.xlsx"):
        assert (tmp_path / name).is_file(), name


def test_tutorial_covers_the_steps_in_order() -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    code = "\n".join(python_blocks(text))
    steps = ["ghgcalc.calculate(example", "my-profile.toml", "ghgcalc.reconcile(", "ghgcalc.explain(", "ghgcalc.report("]
    pos = [code.index(s) for s in steps]
    assert pos == sorted(pos)


def test_extraction_sees_every_block() -> None:
    text = "intro\n```python\na = 1\n```\n```toml\nx = 1\n```\n```python\nb = a + 1\n```\n"
    assert python_blocks(text) == ["a = 1\n", "b = a + 1\n"]
