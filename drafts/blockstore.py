"""Block maps kept in the workspace: ``blocks/<chapter>/r<NNNN>.json``, one per revision.

The map of revision N is computed when N is committed (ids carried from revision N-1) and
committed with it, so anchors never depend on recomputation. ``load`` reads it back from the
revision's commit; for a revision committed without one it recomputes the chain.
"""

from __future__ import annotations

from pathlib import Path

from drafts import layout
from drafts.blocks import BlockMap, build_block_map
from drafts.core.errors import NotFound
from drafts.workspace import Workspace


def bibliography(ws: Workspace) -> Path | None:
    """Return the workspace's bibliography, or None when it has none."""
    bib = ws.root / layout.REFERENCES
    return bib if bib.is_file() else None


def compute(ws: Workspace, chapter: str, revision: int, text: str) -> BlockMap:
    """Return the block map of ``text`` as revision ``revision``, ids carried from the one before."""
    previous = load(ws, chapter, revision - 1) if revision > 1 else None
    return build_block_map(chapter, revision, text, previous, bibliography=bibliography(ws))


def load(ws: Workspace, chapter: str, revision: int) -> BlockMap:
    """Return the committed block map of ``chapter`` at ``revision``."""
    rev = ws.revision(chapter, revision)
    try:
        data = ws.read_at(rev.commit, layout.block_map(chapter, revision))
    except NotFound:
        return compute(ws, chapter, revision, ws.text(chapter, revision))
    return BlockMap.model_validate_json(data)


def artifact(ws: Workspace, chapter: str, revision: int, text: str) -> dict[str, bytes]:
    """Return the files to commit with a new revision: its block map."""
    block_map = compute(ws, chapter, revision, text)
    return {layout.block_map(chapter, revision): block_map.model_dump_json(indent=1).encode()}
