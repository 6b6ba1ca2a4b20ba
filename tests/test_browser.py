"""The HTML disclosure pack in a real headless Chromium (Debian package ``chromium``).

Skipped only when no Chromium is installed AND ``GHGCALC_REQUIRE_BROWSER`` is unset; CI
(``.ci/run``) installs Chromium and sets the variable, so there it cannot skip silently.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from test_report import EVIL, multi_year_rows, profile_for

import ghgcalc
from ghgcalc.reports import browser

#: a real browser per test: left out of the quick loop (``-m "not slow"``)
pytestmark = pytest.mark.slow


def _run(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    """Chromium as ghgcalc runs it (:func:`ghgcalc.reports.browser.run_chromium`), or a skip."""
    if browser.find_chromium() is None:
        if os.environ.get("GHGCALC_REQUIRE_BROWSER"):
            pytest.fail("GHGCALC_REQUIRE_BROWSER is set but no chromium is installed (apt-get install -y chromium)")
        pytest.skip("chromium not installed (set GHGCALC_REQUIRE_BROWSER=1 to make this a failure)")
    return browser.run_chromium(args)


@pytest.fixture(scope="module")
def html_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    res = ghgcalc.calculate(multi_year_rows(), profile_for(), {"headcount": 100})
    out = tmp / "pack.html"
    ghgcalc.report(res, out, base_year=2021, targets=["scope1_2=-30%@2030"])
    return out


def _console_messages(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ":CONSOLE" in ln or "Uncaught" in ln or "Refused to" in ln]


def test_renders_in_headless_chromium(html_report: Path, tmp_path: Path) -> None:
    proc = _run(["--dump-dom", html_report.as_uri()], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    # the parsed DOM has the KPI table with its rows, the four inline charts and every section
    assert 'id="kpi-table"' in dom
    kpi = dom[dom.index('id="kpi-table"'):]
    kpi = kpi[: kpi.index("</table>")]
    assert "A1.2" in kpi and "A2.1" in kpi and "範圍一排放量" in kpi and "范围一排放量" in kpi and "Scope 1 GHG emissions" in kpi
    assert len(re.findall(r"<tr\b", kpi)) >= 20   # rows carry data-metric attributes
    assert dom.count("<svg") == 4 and dom.count("</svg>") == 4  # scope, energy, trend, targets
    for sec in ("by_carrier", "by_facility", "by_period", "targets", "datacentre", "factors"):
        assert f'<section id="{sec}">' in dom
    # the facility named like a script is text in the DOM, never an element
    assert "<script" not in dom and "&lt;script&gt;alert" in dom
    # no console message: no script error, no blocked external resource (the page's CSP forbids any)
    assert _console_messages(proc.stderr) == [], _console_messages(proc.stderr)


def test_screenshot_is_not_blank(html_report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    proc = _run(["--window-size=1200,1600", f"--screenshot={shot}", html_report.as_uri()], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image as mpimg

    img = mpimg.imread(str(shot))
    assert img.shape[0] == 1600 and img.shape[1] == 1200
    # rendered content: many distinct colours (text, table borders, the chart bars), not a blank page
    assert img[..., :3].reshape(-1, 3).std(axis=0).max() > 0.05
    assert _console_messages(proc.stderr) == []


def test_an_external_resource_would_be_caught(tmp_path: Path) -> None:
    """The console check can fail: a page that loads an external image logs a CSP refusal."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
                   f'</head><body><p>{EVIL[:5]}</p><img src="http://example.invalid/x.png"></body></html>', encoding="utf-8")
    proc = _run(["--dump-dom", bad.as_uri()], tmp_path)
    assert proc.returncode == 0
    assert _console_messages(proc.stderr), proc.stderr[-2000:]
