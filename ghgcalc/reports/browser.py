"""Headless Chromium for the disclosure pack: PDF printing, screenshots and DOM dumps.

One place for the browser command line, used by ``report -o pack.pdf``, by the screenshot of
the README (``tools/pack_screenshot.py``) and by the browser tests. The browser is the
system's (Debian/Ubuntu package ``chromium``; also found as ``chromium-browser``,
``google-chrome`` or ``google-chrome-stable`` on the ``PATH``); ghgcalc downloads none.
Flags: Chromium's command-line switches (https://peter.sh/experiments/chromium-command-line-switches/);
``--print-to-pdf`` prints with the page's ``@page`` rules (CSS Paged Media Level 3).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .charts import MissingDependencyError

__all__ = ["A4_MARGIN", "A4_PX", "BROWSER_MISSING", "BROWSER_NAMES", "BrowserError", "as_printed", "dump_dom", "find_chromium", "print_to_pdf",
           "run_chromium", "screenshot"]

#: executable names tried in order on the PATH
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: an A4 sheet in CSS pixels (96 px per inch; 210 mm x 297 mm)
A4_PX = (794, 1123)

#: the printed page's margins (CSS ``@page`` margin: vertical, horizontal)
A4_MARGIN = "14mm 12mm"

#: no network, no first-run work, no shared profile: the page is a local file and must need nothing else
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
          "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--enable-logging=stderr", "--v=0")

#: the message when no browser is found: what to install
BROWSER_MISSING = ("headless Chromium is needed to write a PDF and none was found on the PATH (looked for "
            + ", ".join(BROWSER_NAMES) + "): install it (Debian/Ubuntu: apt-get install chromium fonts-noto-cjk; "
            "macOS: brew install --cask chromium), or write .html and print it from a browser")


class BrowserError(MissingDependencyError):
    """No headless Chromium on the machine, or it failed to render the page."""


def find_chromium() -> str | None:
    """The path of the first of :data:`BROWSER_NAMES` on the ``PATH``, or None."""
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(args: list[str], *, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with ``args`` (after the fixed flags) in a fresh, temporary
    profile directory; the completed process (stdout, stderr as text). Raises
    :class:`BrowserError` when no Chromium is installed, it cannot start or it takes longer
    than ``timeout`` seconds."""
    exe = find_chromium()
    if exe is None:
        raise BrowserError(BROWSER_MISSING)
    with tempfile.TemporaryDirectory(prefix="ghgcalc-chromium-") as profile:
        cmd = [exe, *_FLAGS, f"--user-data-dir={profile}", *args]
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise BrowserError(f"headless Chromium ({exe}) did not finish within {timeout:g} s") from None
        except OSError as exc:
            raise BrowserError(f"headless Chromium ({exe}) could not be started: {exc}") from None


def _checked(proc: subprocess.CompletedProcess[str], out: Path | None, what: str) -> None:
    if proc.returncode != 0 or (out is not None and (not out.is_file() or out.stat().st_size == 0)):
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise BrowserError(f"headless Chromium failed to {what} (exit {proc.returncode}): {tail}")


def print_to_pdf(html: Path, pdf: Path) -> None:
    """Print the page ``html`` to ``pdf`` as Chromium prints it (the page's ``@page`` size
    and margins, backgrounds, no header or footer line)."""
    proc = run_chromium(["--no-pdf-header-footer", "--print-to-pdf-no-header", f"--print-to-pdf={pdf}",
                         Path(html).resolve().as_uri()])
    _checked(proc, pdf, f"print {Path(html).name} to PDF")


def screenshot(html: Path, png: Path, size: tuple[int, int] = A4_PX) -> None:
    """A PNG of the top of the page ``html`` in a window of ``size`` CSS pixels (width, height)."""
    proc = run_chromium([f"--window-size={size[0]},{size[1]}", "--hide-scrollbars", f"--screenshot={png}",
                         Path(html).resolve().as_uri()])
    _checked(proc, png, f"screenshot {Path(html).name}")


def dump_dom(html: Path, *, width: int = A4_PX[0], budget_ms: int = 2000) -> subprocess.CompletedProcess[str]:
    """The page's DOM after load (and after its scripts ran, within ``budget_ms`` of virtual
    time) in a window ``width`` CSS pixels wide: ``stdout`` of the completed process."""
    proc = run_chromium([f"--window-size={width},{A4_PX[1]}", "--hide-scrollbars", f"--virtual-time-budget={budget_ms}",
                         "--dump-dom", Path(html).resolve().as_uri()])
    _checked(proc, None, f"load {Path(html).name}")
    return proc


_PRINT_MEDIA = re.compile(r"@media\s+print\b")


def as_printed(page: str) -> str:
    """The page with its print rules in force on screen (``@media print`` read as
    ``@media all``): a window of the page's printable width then shows the layout of the
    printed sheet (the page margins :data:`A4_MARGIN` as the body's padding), for
    screenshots and layout checks (Chromium has no flag that emulates
    print media from the command line)."""
    sheet = (f"<style>@media all{{body{{margin:0 !important;padding:{A4_MARGIN} !important;"
             "max-width:none !important}}</style>")
    return _PRINT_MEDIA.sub("@media all", page).replace("</head>", sheet + "</head>", 1)
