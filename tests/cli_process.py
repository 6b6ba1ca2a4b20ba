"""The command line in tests: ``run`` calls ``ghgcalc.cli.main`` in this process with its output
captured (what the CLI tests use: no interpreter start-up per case); ``run_console_script``
runs the installed ``ghgcalc`` console script in a subprocess, kept for the handful of tests
that check the script itself (tests/test_cli.py::test_installed_console_script and the
byte-identity check in tests/test_invariants.py).

Both return the exit code and the text on stdout and stderr. In process, an exception that
escapes ``main`` fails the test with its traceback, where a subprocess would print one: the
tests' ``"Traceback" not in stderr`` checks hold either way.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ghgcalc.cli import main

EXE = shutil.which("ghgcalc")
#: the installed console script (``python -m ghgcalc.cli`` when it is not on PATH)
CONSOLE = [EXE] if EXE else [sys.executable, "-m", "ghgcalc.cli"]


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def run(*args: str, cwd: Path | None = None) -> Run:
    """``ghgcalc ARGS`` in this process, from ``cwd`` when given. An ``argparse`` exit (usage
    error: 2, ``--help``: 0) is an exit code, as from the console script."""
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:
                if isinstance(exc.code, int) or exc.code is None:
                    code = exc.code or 0
                else:  # a message: printed on stderr, exit 1 (as the interpreter does)
                    print(exc.code, file=sys.stderr)
                    code = 1
    finally:
        os.chdir(here)
    return Run(code, out.getvalue(), err.getvalue())


def run_console_script(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                       text: bool = True) -> subprocess.CompletedProcess[Any]:
    """``ghgcalc ARGS`` through the installed console script, in a subprocess (stdout and stderr
    as text, or as bytes with ``text=False``)."""
    return subprocess.run([*CONSOLE, *args], capture_output=True, text=text, timeout=180, cwd=cwd,
                          env=None if env is None else {**os.environ, **env}, check=False)


#: a profile with literal factors (electricity 0.5 t CO2/MWh; diesel 43 GJ/t x 74.1 t CO2/TJ),
#: for CLI tests that need a profile independent of the shipped tables
LITERAL_PROFILE_TOML = """id = "test-literal"
reporting_year = 2023
gwp_set = "AR5"
energy_basis = "heating_value"
[carriers.electricity]
emission = ["0.5 t CO2/MWh"]
[carriers.diesel]
heating_value = "43 GJ/t"
emission = ["74.1 t CO2/TJ"]
"""


def literal_profile(folder: Path) -> Path:
    """:data:`LITERAL_PROFILE_TOML` written to ``folder/p.toml``."""
    prof = folder / "p.toml"
    prof.write_text(LITERAL_PROFILE_TOML, encoding="utf-8")
    return prof
