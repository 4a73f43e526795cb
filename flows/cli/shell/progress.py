"""Progress on the terminal while a flow works: what, n of N, elapsed and time left (rich).

Shown on stderr only when stderr is a terminal, and never with ``--quiet`` or ``--json`` (so
piped output and JSON are never mixed with it). ``shown()`` installs the reporter the domain
calls (``drafts.core.progress``) for the length of one command; commands get it through
``flows.cli.common.run_flow``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from drafts.core.progress import reporting
from flows.cli.shell.options import flag


def wanted() -> bool:
    """Whether progress may be drawn: stderr a terminal, neither --quiet nor --json."""
    if flag("PENHOLDER_QUIET") or flag("PENHOLDER_JSON"):
        return False
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


class Bars:
    """One rich task per kind of work (``what``), created on its first report."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            transient=False,
        )
        self.tasks: dict[str, Any] = {}

    def __call__(self, what: str, done: int, total: int) -> None:
        if what not in self.tasks:
            self.tasks[what] = self.progress.add_task(what, total=total)
        self.progress.update(self.tasks[what], completed=done, total=total)


@contextmanager
def shown() -> Iterator[None]:
    """Draw the progress of the work done inside the block, when ``wanted``."""
    if not wanted():
        yield
        return
    bars = Bars()
    with bars.progress, reporting(bars):
        yield
