"""The verbatim store of returned files, and quarantine: the first and the refusing edge of intake.

``receive`` commits a returned file byte for byte as ``returns/<sha256>.docx`` before anything
parses it (``Event: received``); ``quarantine`` moves that copy to ``quarantine/`` with the
reason (``Event: quarantine``). ``returned_before`` finds an earlier return of the same bytes.
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


def returned_before(ws: Workspace, stored: str) -> tuple[datetime, str] | None:
    """Return when and as which packet ``stored`` was recorded as a return, or None."""
    for c in reversed(ws.history()):
        if c.value("Event") == Event.RETURN.value and c.value("Return-File") == stored:
            return c.date, c.value("Packet") or ""
    return None


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
