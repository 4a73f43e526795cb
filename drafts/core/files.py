"""Writing files so that a reader never sees half of one, and taking bytes where a path is wanted.

``atomic_output(out)`` yields a temporary path in ``out``'s folder; when the block ends without an
exception the file replaces ``out`` in one rename, otherwise it is removed and ``out`` is left as
it was. ``as_path(source, folder)`` yields a path for ``source``: the path itself, or a temporary
file holding the bytes, removed afterwards. ``locked(path)`` holds an exclusive lock on a file,
recording who holds it (``Holder``) for whoever has to wait; ``held(path)`` tells whether a live
process holds it.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from drafts.core.errors import PenholderError


@contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``out``; on success it becomes ``out`` in one rename."""
    out = Path(out)
    if out.is_dir():
        raise PenholderError(
            f"{out} is a folder; name the file to write, e.g. {out / 'chapter.docx'}"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(suffix=out.suffix, dir=out.parent, prefix=".penholder-")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are documents to share
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def as_path(source: Path | bytes, folder: Path, suffix: str = ".docx") -> Iterator[Path]:
    """Yield ``source`` as a path: itself, or a temporary file in ``folder`` with its bytes."""
    if not isinstance(source, bytes):
        yield Path(source)
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(suffix=suffix, dir=folder, prefix=".penholder-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(source)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


@dataclass(frozen=True)
class Holder:
    """Who holds a writer's lock: what they do, as whom, which process on which host, since when."""

    action: str
    person: str
    pid: int
    host: str
    since: datetime

    def describe(self) -> str:
        """``return add by amina-odhiambo since 10:02`` (the day too when it is not today)."""
        when = self.since.astimezone()
        today = datetime.now().astimezone().date()
        stamp = f"{when:%H:%M}" if when.date() == today else f"{when:%Y-%m-%d %H:%M}"
        return f"{self.action} by {self.person} since {stamp}"

    def alive(self) -> bool:
        """False when the holder's process is known to have ended (same host, no such pid)."""
        if self.host != socket.gethostname():
            return True  # another machine's process: nothing to tell from here
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def read_holder(path: Path) -> Holder | None:
    """Return who the lock file ``path`` says holds it (None: nobody recorded, or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        return Holder(
            action=str(data["action"]),
            person=str(data["person"]),
            pid=int(data["pid"]),
            host=str(data["host"]),
            since=datetime.fromisoformat(str(data["since"])),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def held(path: Path) -> bool:
    """Whether a live process holds the lock ``path`` now (this process included).

    The kernel releases a ``flock`` when its process ends, so a holder killed with SIGKILL
    leaves at most a stale record, never a held lock: the record alone is never trusted."""
    if _depth.get(str(path.resolve())):
        return True
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


#: locks this process holds (path -> depth): taking one again inside its block is free
_depth: dict[str, int] = {}

POLL = 0.05  # seconds between two tries of a busy lock


@contextmanager
def locked(
    path: Path,
    *,
    action: str = "a change",
    person: str = "someone",
    timeout: float | None = None,
    on_wait: Callable[[Holder | None], None] | None = None,
    busy: Callable[[Holder | None, float], Exception] | None = None,
    acquired: Callable[[], object] | None = None,
) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) inside the block.

    The holder (``action``, ``person``, pid, host, start time) is written into the file for
    whoever waits. Another process asking for it waits: ``on_wait(holder)`` is called once
    when it has to, and after ``timeout`` seconds (None: for ever) ``busy(holder, timeout)``
    is raised. Once it holds the lock (not when it already held it), ``acquired()`` is called.
    Taking a lock this process already holds (inside its block) is free.
    """
    key = str(path.resolve())
    if _depth.get(key):
        _depth[key] += 1
        try:
            yield
        finally:
            _depth[key] -= 1
        return
    with path.open("a+") as handle:
        deadline = None if timeout is None else time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = read_holder(path)
                if not waited and on_wait is not None:
                    on_wait(holder)
                waited = True
                if deadline is not None and time.monotonic() >= deadline:
                    if busy is None:
                        raise PenholderError(f"{path} is held by another process") from None
                    raise busy(holder, timeout or 0.0) from None
                time.sleep(POLL)
        try:
            record = {
                "action": action,
                "person": person,
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "since": datetime.now().astimezone().isoformat(timespec="seconds"),
            }
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(record))
            handle.flush()
            _depth[key] = 1
            if acquired is not None:
                acquired()
            yield
        finally:
            _depth.pop(key, None)
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def restore(root: Path, saved: Mapping[str, bytes | None]) -> None:
    """Put the files under ``root`` as ``saved`` holds them (None: there is none), folders made."""
    for rel, data in saved.items():
        target = root / rel
        if data is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
