"""The verbatim store of returned files, and quarantine: the first and the refusing edge of intake.

``receive`` commits a returned file byte for byte as ``returns/<sha256>.docx`` before anything
parses it (``Event: received``); ``quarantine`` moves that copy to ``quarantine/`` with the
reason (``Event: quarantine``). ``returned_before`` finds an earlier return of the same bytes
(a run keeps a ``ReturnIndex``: the history read through once).
``hold_oversize`` keeps a file beyond the limits in git-ignored ``quarantine/oversize/`` (copied
in chunks, never whole in memory) and commits only its note.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

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
    ws: Workspace, path: Path, name: str, reason: str, actor: Actor
) -> tuple[str, str]:
    """Copy ``path`` to ``quarantine/oversize/<sha256>.docx`` (git-ignored) and commit the note
    ``quarantine/<sha256>.yaml`` (file, hash, size, reason, where it is held); once per file.
    Return the hash and where the file is held."""
    folder = ws.root / layout.QUARANTINE / "oversize"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("*\n")  # ignored in workspaces made before it existed
    hasher, size = hashlib.sha256(), 0
    with (
        tempfile.NamedTemporaryFile(dir=folder, prefix=".incoming-", delete=False) as out,
        path.open("rb") as source,
    ):
        while chunk := source.read(1 << 20):
            hasher.update(chunk)
            out.write(chunk)
            size += len(chunk)
    digest = hasher.hexdigest()
    held = layout.oversize(digest)
    os.replace(out.name, ws.root / held)
    note = layout.quarantine_note(digest)
    if ws.committed(note) is None:
        record = {
            "file": name, "sha256": digest, "size": size, "reason": reason,
            "held": held, "at": ws.now().isoformat(),
        }  # fmt: skip
        trailers = [("Event", Event.QUARANTINE.value), ("Return-File", held)]
        text = yaml.safe_dump(record, sort_keys=False).encode()
        ws.commit({note: text}, f"Quarantine {name} (too large)", trailers, actor, body=reason)
    return digest, held
