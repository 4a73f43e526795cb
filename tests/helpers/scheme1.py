"""Block maps as workspaces stored them before anchor scheme 2 (main at 0ba54e5): no ``scheme``,
no ``key``, no bibliography entries, terms, captions or line blocks."""

from __future__ import annotations

import json

import pytest

from drafts import layout
from drafts.workspace import Workspace

#: the kinds anchor scheme 2 added
SCHEME_2_KINDS = {"reference", "term", "caption", "line_block"}


def as_stored_before(data: bytes) -> bytes:
    """Return a stored block map (JSON) in the form stored before scheme 2."""
    stored = json.loads(data)
    stored.pop("scheme", None)
    stored["blocks"] = [b for b in stored["blocks"] if b["kind"] not in SCHEME_2_KINDS]
    for b in stored["blocks"]:
        b.pop("key", None)
    return json.dumps(stored, indent=1).encode()


def store_before_scheme_2(monkeypatch: pytest.MonkeyPatch, chapter: str, revision: int) -> None:
    """Make the committed map of ``chapter`` at ``revision`` read as stored before scheme 2."""
    path = layout.block_map(chapter, revision)
    read_at = Workspace.read_at

    def old_map(self: Workspace, commit: str, name: str) -> bytes:
        data = read_at(self, commit, name)
        return as_stored_before(data) if name == path else data

    monkeypatch.setattr(Workspace, "read_at", old_map)
