"""``remark_lines(ws, chapter, round_id)``: the remarks of a chapter as ``penholder remarks``
lists them (pure reading, no files written).

Each remark is said in words as the matrix says it (``wording.describe``) and carries the flags
its matrix row would have, from the same merge consolidation runs (``merge.merge``: duplicate,
conflict, no longer applies), plus ``late`` for a remark of a late return; page and line come
from the round's matrix record when the chapter was consolidated. A reply comes right after the
comment it answers, one ``depth`` deeper.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, Field

from drafts import blockstore, layout
from drafts.blocks import Block
from drafts.workspace import Workspace
from reviewers.consolidate.build import older_maps, returns_of
from reviewers.consolidate.merge import merge
from reviewers.consolidate.wording import describe
from reviewers.intake.remarks import Remark, ReturnRemarks, load_all
from reviewers.rounds import records


class RemarkLine(BaseModel):
    id: str
    round: str | None
    reviewer: str
    section: str | None = None
    paragraph: int | None = None
    page: int | None = None
    line: int | None = None
    kind: str
    text: str
    flags: list[str] = Field(default_factory=list)
    parent: str | None = None
    depth: int = 0


def _round_rows(
    ws: Workspace, chapter: str, round_id: str
) -> dict[str, tuple[list[str], tuple[int | None, int | None]]]:
    """Remark id -> (flags, (page, line)) of the rows a consolidation of the round would make."""
    rnd = records.load_round(ws, round_id)
    base_rev = next((c.revision for c in rnd.chapters if c.chapter == chapter), None)
    if base_rev is None:
        return {}
    sets = returns_of(ws, chapter, rnd)
    base = blockstore.load(ws, chapter, base_rev)
    people = {p.id: p for p in ws.people}
    rows = merge(
        [r for s in sets for r in s.remarks], base, older_maps(ws, chapter, sets, base_rev), people
    )
    where: dict[str, tuple[int | None, int | None]] = {}
    saved = ws.committed(layout.matrix_json(round_id, chapter))
    if saved:
        for row in json.loads(saved).get("rows", []):
            where[row["id"]] = (row.get("page"), row.get("line"))
    return {
        rid: (list(row.flags), where.get(row.id, (None, None)))
        for row in rows.rows
        for rid in row.remarks
    }


def remark_lines(ws: Workspace, chapter: str, round_id: str | None = None) -> list[RemarkLine]:
    """Return the lines of ``penholder remarks`` (see module)."""
    sets: list[ReturnRemarks] = load_all(ws, chapter, round_id)
    names = {p.id: p.name for p in ws.people}
    flags: dict[str, tuple[list[str], tuple[int | None, int | None]]] = {}
    for rid in sorted({s.round for s in sets if s.round}):
        flags.update(_round_rows(ws, chapter, rid))
    blocks: dict[int, dict[str, Block]] = {}
    remarks: list[Remark] = sorted((r for s in sets for r in s.remarks), key=lambda r: r.id)
    by_id = {r.id: r for r in remarks}
    lines: dict[str, RemarkLine] = {}
    for r in remarks:
        if r.revision not in blocks:
            blocks[r.revision] = blockstore.load(ws, chapter, r.revision).by_id()
        row_flags, (page, line) = flags.get(r.id, ([], (None, None)))
        depth, up = 0, r.parent
        while up in by_id and depth < 10:
            depth, up = depth + 1, by_id[up].parent
        reply = r.parent in by_id
        lines[r.id] = RemarkLine(
            id=r.id,
            round=r.round,
            reviewer=r.author or names.get(r.reviewer or "", r.reviewer or ""),
            section=r.section,
            paragraph=r.paragraph,
            page=page,
            line=line,
            kind="reply" if reply else r.kind,
            text=describe(r, blocks[r.revision]),
            flags=([] if reply else row_flags) + (["late"] if r.late else []),
            parent=r.parent if reply else None,
            depth=depth if reply else 0,
        )
    return _threaded(list(lines.values()))


def _threaded(lines: list[RemarkLine]) -> list[RemarkLine]:
    """Order ``lines`` so each reply follows the comment it answers (and its earlier replies)."""
    children: dict[str, list[RemarkLine]] = {}
    for line in lines:
        if line.parent:
            children.setdefault(line.parent, []).append(line)
    out: list[RemarkLine] = []

    def visit(line: RemarkLine) -> None:
        out.append(line)
        for child in children.get(line.id, []):
            visit(child)

    for line in lines:
        if not line.parent:
            visit(line)
    return out
