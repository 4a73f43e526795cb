"""Redlines: the older revision of a chapter rendered with the changes to the newer as Word
tracked changes, attributed to the pen-holder.

``redline(old_md, old_map, new_md, new_map, stamp, out, *, author, date, bibliography=None)``
renders the OLD revision (``render_chapter``: anchors, numbering, ``stamp``) and writes onto it,
with ``drafts.ooxml.write.tracked.apply_tracked``, the changes that make it the NEW one. Accepting
every change gives the new revision's block texts; rejecting every change gives the old ones.

Blocks are aligned by id (the block maps carry ids across revisions: same id, same block):

- blocks with the same id in both, in the same relative order, whose text differs: word-level
  differences (``drafts.word.diff``: diff-match-patch with semantic clean-up, snapped to
  words), each a tracked insertion, deletion or replacement;
- old blocks whose id is gone (or which moved relative to the others): deleted paragraphs;
- new blocks (or moved ones): inserted paragraphs after their nearest preceding kept block,
  styled as the new revision renders them (the new revision is rendered too, to read its
  paragraph styles); a new block before every kept block goes before the first one.

Limits: a new paragraph carries plain text (no inline formatting); a whole new footnote is
shown as a new paragraph after the paragraph that cites it (Word has no tracked "new note"
that pandoc writes for us). ``redline(A, A)`` writes no revision at all.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path

from drafts.blocks import Block, BlockMap
from drafts.ooxml.read.reader import read_annotations
from drafts.ooxml.write.tracked import (
    ParagraphDelete,
    ParagraphInsert,
    TrackedChange,
    TrackedEdit,
    apply_tracked,
)
from drafts.word.diff import edits
from drafts.word.render import Stamp, render_chapter


def kept_ids(old_map: BlockMap, new_map: BlockMap) -> set[str]:
    """Return the ids present in both maps in the same relative order (the longest such run)."""
    new_ids = {b.id for b in new_map.blocks}
    old_ids = {b.id for b in old_map.blocks}
    a = [b.id for b in old_map.blocks if b.id in new_ids]
    b = [x.id for x in new_map.blocks if x.id in old_ids]
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return {a[m.a + k] for m in matcher.get_matching_blocks() for k in range(m.size)}


def plan(
    old_map: BlockMap,
    new_map: BlockMap,
    styles: dict[str, str | None],
    *,
    author: str,
    date: datetime,
) -> list[TrackedEdit]:
    """Return the tracked edits that turn the old blocks into the new ones.

    ``styles`` maps new block ids to the paragraph style the new revision renders them with.
    """
    kept = kept_ids(old_map, new_map)
    old_by_id = old_map.by_id()
    out: list[TrackedEdit] = []
    for block in old_map.blocks:
        if block.id not in kept:
            out.append(ParagraphDelete(block=block.id, author=author, date=date))
    anchor: str | None = None  # the last kept block that is not a footnote
    last: Block | None = None  # the last kept block
    pending: list[Block] = []  # new blocks before the first kept block
    for block in new_map.blocks:
        if block.id in kept:
            last = block
            old = old_by_id[block.id]
            for e in edits(old.text, block.text):
                out.append(
                    TrackedChange(
                        block=block.id,
                        start=e.start,
                        end=e.end,
                        new_text=e.new_text,
                        author=author,
                        date=date,
                    )
                )
            if block.kind == "footnote":
                continue
            if anchor is None:
                out += [_insert(b, styles, author, date, before=block.id) for b in pending]
                pending = []
            anchor = block.id
        elif block.kind == "footnote" and last is not None and last.kind == "footnote":
            out.append(_insert(block, styles, author, date, after=last.id))
        elif anchor is None:
            pending.append(block)
        else:
            out.append(_insert(block, styles, author, date, after=anchor))
    body = [b.id for b in old_map.blocks if b.kind != "footnote"]
    if pending and body:  # nothing kept: everything new goes after the old text
        out += [_insert(b, styles, author, date, after=body[-1]) for b in pending]
    return out


def _insert(
    block: Block,
    styles: dict[str, str | None],
    author: str,
    date: datetime,
    *,
    after: str | None = None,
    before: str | None = None,
) -> ParagraphInsert:
    return ParagraphInsert(
        after=after,
        before=before,
        text=block.text,
        style=styles.get(block.id),
        author=author,
        date=date,
    )


def paragraph_styles(docx: Path) -> dict[str, str | None]:
    """Return ``{bookmark name: paragraph style id}`` of a rendered .docx."""
    found: dict[str, str | None] = {}
    for p in read_annotations(docx).paragraphs:
        for name in p.bookmarks:
            found.setdefault(name, p.style)
    return found


def redline(
    old_md: str,
    old_map: BlockMap,
    new_md: str,
    new_map: BlockMap,
    stamp: Stamp,
    out: Path,
    *,
    author: str,
    date: datetime,
    bibliography: Path | None = None,
    template: Path | None = None,
) -> Path:
    """Write to ``out`` the old revision with the changes to the new one tracked; return it."""
    if old_map.chapter != new_map.chapter:
        raise ValueError(
            f"cannot redline chapter {old_map.chapter} against chapter {new_map.chapter}"
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".redline-") as tmp:
        base = render_chapter(
            old_md,
            old_map,
            stamp,
            Path(tmp) / "old.docx",
            bibliography=bibliography,
            template=template,
        )
        old_ids = {b.id for b in old_map.blocks}
        styles: dict[str, str | None] = {}
        if any(b.id not in old_ids for b in new_map.blocks):
            newer = render_chapter(
                new_md,
                new_map,
                stamp,
                Path(tmp) / "new.docx",
                bibliography=bibliography,
                template=template,
            )
            styles = paragraph_styles(newer)
        changes = plan(old_map, new_map, styles, author=author, date=date)
        return apply_tracked(base, changes, out)
