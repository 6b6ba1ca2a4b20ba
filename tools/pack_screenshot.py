"""The README's screenshot of the disclosure pack: the first A4 page of the English pack of the
Kuaishou example (``ghgcalc/data/examples/kuaishou-2022``), as printed (the pack's print
stylesheet in force, the page margins kept), rendered by headless Chromium.

    python tools/pack_screenshot.py [OUT.png]      # default: docs/pack-en.png

``tests/test_pack_print.py`` runs the same function into a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
from importlib import resources
from pathlib import Path

import ghgcalc
from ghgcalc.io.exports import atomic_path
from ghgcalc.reports.browser import A4_PX, as_printed, screenshot

EXAMPLE = Path(str(resources.files("ghgcalc"))) / "data" / "examples" / "kuaishou-2022"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "pack-en.png"


def pack_screenshot(out: Path = DEFAULT_OUT, lang: str = "en") -> Path:
    """Write the PNG of the pack's first A4 page (794 x 1123 CSS pixels) to ``out``; returns ``out``."""
    result = ghgcalc.calculate(EXAMPLE / "activity.csv", "kuaishou-2022", {"headcount": 27402})
    with tempfile.TemporaryDirectory(prefix="ghgcalc-shot-") as work:
        page = Path(work) / "pack.html"
        ghgcalc.report(result, page, lang=lang)
        printed = page.with_name("printed.html")
        printed.write_text(as_printed(page.read_text(encoding="utf-8")), encoding="utf-8")
        shot = Path(work) / "shot.png"
        screenshot(printed, shot, A4_PX)
        with atomic_path(out) as tmp:
            tmp.write_bytes(shot.read_bytes())
    return out


if __name__ == "__main__":
    print(pack_screenshot(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT))
