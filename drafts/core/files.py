"""Writing files so that a reader never sees half of one, and taking bytes where a path is wanted.

``atomic_output(out)`` yields a temporary path in ``out``'s folder; when the block ends without an
exception the file replaces ``out`` in one rename, otherwise it is removed and ``out`` is left as
it was. ``as_path(source, folder)`` yields a path for ``source``: the path itself, or a temporary
file holding the bytes, removed afterwards. ``locked(path)`` holds an exclusive lock on a file;
``reentrant(path)`` holds it once per thread, so a block inside one that holds it goes on.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) inside the block; another
    process asking for it waits until it is released."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_HELD: set[tuple[Path, int]] = set()  # the locks each thread of this process holds


@contextmanager
def reentrant(path: Path) -> Iterator[None]:
    """``locked(path)``, taken once per thread: inside a block that holds it, the block goes on
    (a state change synced with the workspace's origin holds it around changes that take it)."""
    key = (path.resolve(), threading.get_ident())
    if key in _HELD:
        yield
        return
    with locked(path):
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)


def restore(root: Path, saved: Mapping[str, bytes | None]) -> None:
    """Put back the files under ``root`` as ``saved`` holds them (None: there was none)."""
    for rel, data in saved.items():
        target = root / rel
        if data is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(data)
