"""The verbatim store of returned files, and quarantine: the first and the refusing edge of intake.

``receive`` commits a returned file byte for byte as ``returns/<sha256>.docx`` before anything
parses it (``Event: received``); ``quarantine`` moves that copy to ``quarantine/`` with the
reason (``Event: quarantine``). ``returned_before`` finds an earlier return of the same bytes
(a run keeps a ``ReturnIndex``: the history read through once).
``hold_oversize`` keeps a file beyond the limits in git-ignored ``quarantine/oversize/`` (copied
in chunks, never whole in memory; a fetched message too, as ``.eml``) and commits only its note.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO, BinaryIO

import yaml

from drafts import layout
from drafts.models import Event
from drafts.workspace import Actor, Workspace


def sha256(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``: the name a returned file is stored under."""
    return hashlib.sha256(data).hexdigest()


def returned_before(
    ws: Workspace, stored: str, index: ReturnIndex | None = None
) -> tuple[datetime, str] | None:
    """Return when and as which packet ``stored`` was last recorded as a return, or None
    (``index``: the one a run keeps, else the history is read through once)."""
    return (index or ReturnIndex()).get(ws, stored)


class ReturnIndex:
    """Every return in the history, by the stored file it names: the history is read through
    once, then only the commits since (a run of intake asks once per file).

    The records kept are a prefix of HEAD's when HEAD's list holds the last one read at the same
    place (in git's topological order only its ancestors come before it); anything else (a
    reset, a rewrite) is read through again."""

    def __init__(self) -> None:
        self._read, self._last = 0, ""
        self._returns: dict[str, tuple[datetime, str]] = {}

    def get(self, ws: Workspace, stored: str) -> tuple[datetime, str] | None:
        records = ws.history()
        if self._read > len(records) or (self._read and records[self._read - 1].sha != self._last):
            self._read, self._returns = 0, {}
        for c in records[self._read :]:
            if c.value("Event") == Event.RETURN.value and (path := c.value("Return-File")):
                self._returns[path] = (c.date, c.value("Packet") or "")  # the latest wins
        if records:
            self._read, self._last = len(records), records[-1].sha
        return self._returns.get(stored)


def receive(ws: Workspace, data: bytes, name: str, actor: Actor) -> str:
    """Commit ``data`` verbatim as ``returns/<sha256>.docx`` (unless there); return that path."""
    digest = sha256(data)
    stored = layout.returned(digest)
    if ws.committed(stored) is None and ws.committed(layout.quarantined(digest)) is None:
        trailers = [("Event", Event.RECEIVED.value), ("Return-File", stored)]
        ws.commit({stored: data}, f"Receive {name}", trailers, actor)
    return stored


def quarantine(ws: Workspace, data: bytes, name: str, reason: str, actor: Actor) -> str:
    """Move the stored copy to ``quarantine/`` with the reason; one commit; return the path.
    Once: a file already quarantined is left as it is (no second, empty commit)."""
    digest = sha256(data)
    if ws.committed(layout.quarantine_note(digest)) is not None:
        return layout.quarantined(digest)
    record = {"file": name, "sha256": digest, "reason": reason, "at": ws.now().isoformat()}
    files: dict[str, bytes | None] = {
        layout.returned(digest): None,
        layout.quarantined(digest): data,
        layout.quarantine_note(digest): yaml.safe_dump(record, sort_keys=False).encode(),
    }
    trailers = [("Event", Event.QUARANTINE.value), ("Return-File", layout.quarantined(digest))]
    ws.commit(files, f"Quarantine {name}", trailers, actor, body=reason)
    return layout.quarantined(digest)


def hold_oversize(
    ws: Workspace,
    source: Path | bytes | Callable[[BinaryIO], None],
    name: str,
    reason: str,
    actor: Actor,
    suffix: str = ".docx",
    note: bool = True,
) -> tuple[str, str]:
    """Copy ``source`` (a file, bytes, or a function writing the bytes to a binary file: a
    message streamed from its server) to ``quarantine/oversize/<sha256><suffix>`` (git-ignored)
    and commit the note ``quarantine/<sha256>.yaml`` (file, hash, size, reason, where it is
    held); once per file. Return the hash and where the file is held."""
    folder = ws.root / layout.QUARANTINE / "oversize"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("*\n")  # ignored in workspaces made before it existed
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".incoming-", delete=False) as out:
        sink = _Hashing(out)
        if isinstance(source, bytes):
            for start in range(0, len(source), 1 << 20):
                sink.write(source[start : start + (1 << 20)])
        elif isinstance(source, Path):
            with source.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    sink.write(chunk)
        else:
            source(sink)  # type: ignore[arg-type]
    digest, size = sink.hasher.hexdigest(), sink.size
    held = layout.oversize(digest, suffix)
    os.replace(out.name, ws.root / held)
    path = layout.quarantine_note(digest)
    if note and ws.committed(path) is None:
        record = {
            "file": name, "sha256": digest, "size": size, "reason": reason,
            "held": held, "at": ws.now().isoformat(),
        }  # fmt: skip
        trailers = [("Event", Event.QUARANTINE.value), ("Return-File", held)]
        text = yaml.safe_dump(record, sort_keys=False).encode()
        ws.commit({path: text}, f"Quarantine {name} (too large)", trailers, actor, body=reason)
    return digest, held


class _Hashing:
    """A binary file that hashes and counts what is written to it."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.hasher, self.size = out, hashlib.sha256(), 0

    def write(self, chunk: bytes) -> int:
        self.hasher.update(chunk)
        self.size += len(chunk)
        return self.out.write(chunk)
