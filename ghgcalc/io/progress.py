"""Progress of long work: the events the library reports, and a terminal bar that shows them.

The computing code (a streamed calculation, the rows written to a file, the uncertainty of
several totals) takes a *callback*, ``progress(event)``, and calls it with a
:class:`ProgressEvent` after each piece of work; it knows nothing of terminals. The
command line turns the events into a progress bar on stderr with :func:`terminal_progress`
(tqdm: total, percentage, rate and time left), and only when stderr is a terminal.

A Python user can pass any callable, e.g. to log the events, or
``terminal_progress(force=True)`` for the same bar as the command line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

__all__ = ["ProgressCallback", "ProgressEvent", "TerminalProgress", "terminal_progress"]


@dataclass(frozen=True)
class ProgressEvent:
    """How far one stage of a long piece of work has come.

    ``done`` counts the ``unit`` s done so far (cumulative), out of ``total`` when it is
    known beforehand: the rows of a Parquet file (from its metadata) or of a table in memory,
    the bytes of a CSV file, the rows to write, the totals whose uncertainty is computed.
    ``rows`` is the number of rows done when the unit is not rows (bytes). ``final`` marks
    the last event of the stage."""

    stage: str
    done: int
    total: int | None
    unit: str = "rows"
    rows: int | None = None
    final: bool = False


#: what the computing code calls after each piece of work
ProgressCallback = Callable[[ProgressEvent], None]


class TerminalProgress:
    """A tqdm progress bar per stage on ``stream`` (stderr), driven by :class:`ProgressEvent` s:
    description, percentage, done/total, elapsed and remaining time, rate. A stage's bar is
    closed by its ``final`` event, by the first event of another stage, or by :meth:`close`."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self._bar: Any = None
        self._stage: str | None = None

    def __call__(self, event: ProgressEvent) -> None:
        from tqdm import tqdm  # imported when a bar is first drawn: `import ghgcalc` stays light

        if self._bar is None or event.stage != self._stage:
            self.close()
            is_bytes = event.unit == "B"
            sized = _sized(self.stream)   # a terminal that reports no size (0 x 0) gets 80 x 24
            self._bar = tqdm(total=event.total, desc=event.stage, unit=event.unit, unit_scale=event.unit in ("rows", "B"),
                             unit_divisor=1024 if is_bytes else 1000, file=self.stream, dynamic_ncols=sized,
                             ncols=None if sized else 80, nrows=None if sized else 24, mininterval=0.2, leave=True)
            self._stage = event.stage
        bar = self._bar
        if event.rows is not None and event.unit != "rows":
            bar.set_postfix_str(f"{event.rows:,} rows", refresh=False)
        bar.update(max(event.done - bar.n, 0))
        if event.final:
            self.close()

    def close(self) -> None:
        """Close the open bar (its last state stays on the terminal)."""
        if self._bar is not None:
            self._bar.close()
        self._bar, self._stage = None, None


def _sized(stream: TextIO) -> bool:
    """Whether the terminal reports its size (tqdm then follows it); a pseudo-terminal may
    report 0 x 0, with which tqdm would draw nothing."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return False
    return size.columns > 0 and size.lines > 0


def terminal_progress(quiet: bool = False, *, force: bool = False, stream: TextIO | None = None) -> TerminalProgress | None:
    """The progress callback of the command line: a :class:`TerminalProgress` on ``stream``
    (stderr) when it is a terminal (or ``force``), None when ``quiet`` or not a terminal (so
    nothing is written to a pipe, a file or a CI log)."""
    out = stream if stream is not None else sys.stderr
    if quiet:
        return None
    if not force:
        isatty = getattr(out, "isatty", None)
        if isatty is None or not isatty():
            return None
    return TerminalProgress(out)
