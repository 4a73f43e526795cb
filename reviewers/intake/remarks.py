"""Remarks: every comment, tracked change and silent edit of a return, as one record each.

A remark is mapped to the base revision it was made on: chapter, section (heading path), block
id, printed paragraph number and a code-point range ``[start, end)`` in the block's plain text
(``drafts.blocks.Block.text``). ``anchor_text`` is the base text of that range; ``proposed`` the
text the reviewer wants there (None for comments and format changes). Merging later rebases
remarks made on an older revision; applying them needs exactly these fields.

Remarks of one return are stored together, ``remarks/<round>/<chapter>/<return-sha12>.json``,
and committed with the return; ids (``R2-03-017``: round, chapter, number) are minted at intake
and never change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from drafts.workspace import Workspace

RemarkKind = Literal["comment", "insert", "delete", "replace", "move", "format", "silent"]


class Remark(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    round: str | None
    chapter: str
    revision: int = Field(description="the base revision the remark was made on")
    reviewer: str | None
    author: str | None
    date: str | None
    kind: RemarkKind
    section: str | None = None
    block: str | None = None
    paragraph: int | None = None
    start: int | None = None
    end: int | None = None
    anchor_text: str | None = None
    text: str = ""
    proposed: str | None = None
    parent: str | None = None
    resolved: bool = False
    late: bool = False
    return_: str = Field(alias="return", description="sha256 of the returned file")
    packet: str | None = None
    target_block: str | None = Field(None, description="for a move: the block it moves to")
    target_offset: int | None = None


class ReturnRemarks(BaseModel):
    """The remarks read from one returned file."""

    round: str | None
    chapter: str
    reviewer: str | None
    revision: int
    packet: str | None
    sha256: str
    file: str
    received: datetime | None = None
    remarks: list[Remark]


def mint_ids(prefix: str, taken: Iterable[str], count: int) -> list[str]:
    """Return ``count`` new ids ``<prefix>-NNN`` after the highest taken number."""
    highest = 0
    for rid in taken:
        head, _, number = rid.rpartition("-")
        if head == prefix and number.isdigit():
            highest = max(highest, int(number))
    return [f"{prefix}-{highest + i:03d}" for i in range(1, count + 1)]


def remark_paths(
    ws: Workspace, chapter: str | None = None, round_id: str | None = None
) -> list[str]:
    """Return the committed remark files (``remarks/<round>/<chapter>/<sha256>.json``) at HEAD,
    optionally of one chapter or round."""
    found = []
    for path in ws.committed_files("remarks"):
        parts = path.split("/")
        if len(parts) != 4 or not path.endswith(".json"):
            continue
        _, rnd, ch, _ = parts
        if (chapter and ch != chapter) or (round_id and rnd != round_id):
            continue
        found.append(path)
    return found


def load_set(ws: Workspace, path: str) -> ReturnRemarks:
    """Return the committed set of remarks at ``path`` (one of ``remark_paths``)."""
    return ReturnRemarks.model_validate(json.loads(ws.committed(path) or b"{}"))


def load_all(
    ws: Workspace, chapter: str | None = None, round_id: str | None = None
) -> list[ReturnRemarks]:
    """Return every committed set of remarks, optionally of one chapter or round.

    Read from HEAD, never the working tree: a set written by a run that died before its commit
    is not visible.
    """
    return [load_set(ws, path) for path in remark_paths(ws, chapter, round_id)]


def remark_dicts(sets: Iterable[ReturnRemarks]) -> list[dict[str, object]]:
    """Return the remarks as JSON-ready dicts (``return`` key spelled as in the CLI's output)."""
    out: list[dict[str, object]] = []
    for s in sets:
        out.extend(r.model_dump(mode="json", by_alias=True) for r in s.remarks)
    return sorted(out, key=lambda r: (str(r["round"]), str(r["chapter"]), str(r["id"])))
