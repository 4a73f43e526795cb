"""The verbatim store of returned files, and quarantine: the first and the refusing edge of intake.

``receive`` commits a returned file byte for byte as ``returns/<sha256>.docx`` before anything
parses it (``Event: received``); ``quarantine`` moves that copy to ``quarantine/`` with the
reason (``Event: quarantine``). ``returned_before`` finds an earlier return of the same bytes.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

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
    """Move the stored copy to ``quarantine/`` with the reason; one commit; return the path."""
    digest = sha256(data)
    record = {"file": name, "sha256": digest, "reason": reason, "at": ws.now().isoformat()}
    files: dict[str, bytes | None] = {
        layout.returned(digest): None,
        layout.quarantined(digest): data,
        layout.quarantine_note(digest): yaml.safe_dump(record, sort_keys=False).encode(),
    }
    trailers = [("Event", Event.QUARANTINE.value), ("Return-File", layout.quarantined(digest))]
    ws.commit(files, f"Quarantine {name}", trailers, actor, body=reason)
    return layout.quarantined(digest)
