"""Word out, over a workspace: a revision rendered as a stamped .docx, and redlines between two.

The workspace supplies the text, the committed block map (anchors), the bibliography and the
stamp (guideline, chapter, revision and commit, round, reviewer, packet id, today's date).
"""

from __future__ import annotations

from pathlib import Path

from drafts import blockstore
from drafts.models import Person
from drafts.render import Stamp, render_chapter
from drafts.workspace import Workspace


def stamp_for(
    ws: Workspace,
    chapter: str,
    revision: int | None,
    *,
    round_id: str | None = None,
    reviewer: Person | None = None,
    packet: str | None = None,
) -> Stamp:
    """Return the provenance stamp of ``chapter`` at ``revision`` (latest when None)."""
    rev = ws.revision(chapter, revision)
    text = ws.text(chapter, rev.number)
    g = ws.guideline
    return Stamp(
        guideline_title=g.title,
        short_title=g.label,
        chapter=chapter,
        chapter_title=ws.front(chapter, text).title,
        revision=rev.number,
        commit=rev.commit,
        round=round_id,
        reviewer_id=reviewer.id if reviewer else None,
        reviewer_name=reviewer.name if reviewer else None,
        packet=packet,
        date=ws.now().date(),
    )


def render_revision(
    ws: Workspace,
    chapter: str,
    revision: int | None,
    out: Path,
    *,
    round_id: str | None = None,
    reviewer: Person | None = None,
    packet: str | None = None,
) -> Path:
    """Render ``chapter`` at ``revision`` (latest when None) to ``out`` with anchors and stamp."""
    stamp = stamp_for(ws, chapter, revision, round_id=round_id, reviewer=reviewer, packet=packet)
    text = ws.text(chapter, stamp.revision)
    block_map = blockstore.load(ws, chapter, stamp.revision)
    return render_chapter(text, block_map, stamp, out, bibliography=blockstore.bibliography(ws))


def redline_revisions(
    ws: Workspace, chapter: str, old: int, new: int, out: Path, author: str
) -> Path:
    """Write to ``out`` revision ``old`` with the changes up to ``new`` as tracked changes.

    The changes are attributed to ``author`` (the pen-holder) and dated now; the stamp is the
    newer revision's (accepting every change gives its text). ``NotFound`` for an unknown
    chapter or revision.
    """
    from drafts.redline import redline

    for number in (old, new):
        ws.revision(chapter, number)
    stamp = stamp_for(ws, chapter, new)
    return redline(
        ws.text(chapter, old),
        blockstore.load(ws, chapter, old),
        ws.text(chapter, new),
        blockstore.load(ws, chapter, new),
        stamp,
        out,
        author=author,
        date=ws.now(),
        bibliography=blockstore.bibliography(ws),
    )
