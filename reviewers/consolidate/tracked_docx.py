"""The consolidated .docx: the base revision in house style, every placed suggestion as a real
tracked change under its author's name and date, every comment thread on its text.

Built by rendering the base revision (anchors and stamp) and writing the merge's placed edits
through the OOXML layer's range-based writer (``drafts.ooxml.write.tracked``). A placed change that
would overlap one already written (a move's landing point inside another change) is written as
a comment instead, so the file always opens and nothing is dropped. The competing texts of a
conflict (``PlacedChange.alternative``) are written side by side: the shared passage deleted
once, each version inserted after it in row order, each under its own author.

Every placed change and comment carries its matrix row id as its ``mark``: the writer wraps it in
a bookmark ``rm_<row>`` (``rm_R1_03_004``, a row's later pieces ``_2``, ``_3``: a move's two
halves), so accept/reject in the file can be traced back to the row after any re-save.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from drafts.blocks import Block, BlockMap
from drafts.ooxml.write.records import (
    ParagraphDelete,
    ParagraphInsert,
    Reply,
    TrackedChange,
    TrackedComment,
    TrackedEdit,
)
from drafts.ooxml.write.tracked import apply_tracked
from reviewers.consolidate.merge import Consolidation, PlacedChange, PlacedComment, overlap


def _when(value: str | None, default: datetime) -> datetime:
    if not value:
        return default
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return default


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.split() if part[:1].isalpha())[:3].upper()


def _change(c: PlacedChange, blocks: dict[str, Block], now: datetime) -> list[TrackedEdit]:
    text = blocks[c.block].text
    when = _when(c.date, now)
    if c.proposed.startswith("\n") and c.start == c.end == len(text):
        paragraphs = [part for part in c.proposed.split("\n") if part.strip()]
        return [  # one inserted paragraph each, in order, after the block
            ParagraphInsert(after=c.block, text=part, author=c.author, date=when, mark=c.row)
            for part in paragraphs
        ]
    if c.proposed == "" and c.start == 0 and c.end == len(text) and text:
        return [ParagraphDelete(block=c.block, author=c.author, date=when, mark=c.row)]
    return [
        TrackedChange(
            block=c.block,
            start=c.start,
            end=c.end,
            new_text=c.proposed.replace("\n", " "),
            author=c.author,
            date=when,
            mark=c.row,
        )
    ]


def _comment(c: PlacedComment, now: datetime) -> TrackedComment:
    replies = [
        Reply(author=a, initials=_initials(a), date=_when(d, now), text=t) for a, d, t in c.replies
    ]
    return TrackedComment(
        block=c.block,
        start=c.start,
        end=c.end,
        text=c.text,
        author=c.author,
        initials=_initials(c.author),
        date=_when(c.date, now),
        replies=replies,
        mark=c.row,
    )


def _overlaps(a: PlacedChange, b: PlacedChange) -> bool:
    return overlap(a.block, (a.start, a.end, a.proposed), b.block, (b.start, b.end, b.proposed))


def edits_of(result: Consolidation, base: BlockMap, now: datetime) -> list[TrackedEdit]:
    """Return the tracked edits and comments that write ``result`` onto the base revision."""
    blocks = base.by_id()
    kept: dict[str | None, list[PlacedChange]] = {}  # by block: changes overlap only in one
    edits: list[TrackedEdit] = []
    for c in result.changes:
        same = kept.get(c.block, [])
        if any(_overlaps(c, k) for k in same if not (c.alternative and k.alternative)):
            note = f"{c.row}: could not be shown as a tracked change here: \u201c{c.proposed}\u201d"
            edits.append(
                _comment(
                    PlacedComment(
                        c.row, c.block, c.start, max(c.start, c.end), note, c.author, c.date
                    ),
                    now,
                )
            )
            continue
        kept.setdefault(c.block, []).append(c)
        edits.extend(_change(c, blocks, now))
    edits += [_comment(c, now) for c in result.comments]
    return edits


def write_consolidated(
    rendered: Path, result: Consolidation, base: BlockMap, out: Path, now: datetime
) -> Path:
    """Write the consolidated .docx from the rendered base revision ``rendered``."""
    return apply_tracked(rendered, edits_of(result, base, now), out)
