"""``penholder inbox watch``: tell the team's server that a returned file was dropped in inbox/.

A self-hosted Prefect server has no webhooks, so this small process looks at the workspace's
``inbox/`` every ``interval`` seconds and, for each file that is new there and has stopped
growing (same size and time at two looks), emits the event ``penholder.return.received``
(``prefect.events.emit_event``). The ``scan-inbox`` deployment of ``prefect.yaml`` has a trigger
on that event: a worker on the same machine runs ``inbox scan`` for the workspace the event names.
A file is announced once; a file taken out of the inbox and dropped again is announced again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from drafts import layout

EVENT = "penholder.return.received"
Emit = Callable[[Path, str], None]


def waiting_files(root: Path) -> dict[str, tuple[int, int]]:
    """Return the files waiting in ``root``'s inbox (as ``inbox scan`` takes them), each with
    its size and modification time."""
    inbox = root / layout.INBOX
    if not inbox.is_dir():
        return {}
    found = {}
    for path in sorted(inbox.iterdir()):
        if path.is_file() and not path.name.startswith((".", "~$")):
            stat = path.stat()
            found[path.name] = (stat.st_size, stat.st_mtime_ns)
    return found


class Watcher:
    """Which files of an inbox were announced; ``look()`` announces the new, settled ones."""

    def __init__(self, root: Path, emit: Emit) -> None:
        self.root, self.emit = root, emit
        self.seen: dict[str, tuple[int, int]] = {}  # last look: name -> (size, mtime)
        self.announced: set[str] = set()

    def look(self) -> list[str]:
        """Emit the event for each file that settled since the last look; return their names."""
        now = waiting_files(self.root)
        settled = [n for n, sig in now.items() if self.seen.get(n) == sig]
        self.announced &= set(now)  # a file taken out may come back: it is new again
        fresh = [n for n in settled if n not in self.announced]
        for name in fresh:
            self.emit(self.root, name)
            self.announced.add(name)
        self.seen = now
        return fresh


def emit_received(root: Path, name: str) -> None:
    """Emit ``penholder.return.received`` for ``name`` in ``root``'s inbox."""
    from prefect.events import emit_event

    emit_event(
        event=EVENT,
        resource={
            "prefect.resource.id": f"penholder.workspace.{root}",
            "prefect.resource.name": root.name,
            "penholder.workspace": str(root),
            "penholder.file": name,
        },
    )


def watch(root: Path, emit: Emit, interval: float, looks: int | None = None) -> None:
    """Look at ``root``'s inbox every ``interval`` seconds (``looks`` times, or until stopped)."""
    watcher = Watcher(root, emit)
    done = 0
    while looks is None or done < looks:
        watcher.look()
        done += 1
        if looks is None or done < looks:
            time.sleep(interval)
