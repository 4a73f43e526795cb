"""Turning a read return into remark drafts: comments, tracked changes, silent edits, mapped.

``extract(sent, returned, block_map)`` is pure: the reader's view of what was sent and of what
came back, and the base revision's block map, give one ``Draft`` per remark (no ids yet; intake
mints them). Tracked changes keep their own authors (a national team passing a file round);
silent edits and comments are attributed as the file says, the reviewer filling the gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from drafts.blocks import Block, BlockMap
from drafts.ooxml.read.reader import Annotations, Change, Comment
from reviewers.intake import silent_edits
from reviewers.intake.mapping import Alignment, Pair, align
from reviewers.intake.remarks import RemarkKind

#: the reader's change kinds as remark kinds (a tracked table change is a format change)
CHANGE_KINDS: dict[str, RemarkKind] = {
    "insert": "insert",
    "delete": "delete",
    "replace": "replace",
    "move": "move",
    "format": "format",
    "table": "format",
}


@dataclass
class Draft:
    kind: RemarkKind
    author: str | None
    date: str | None
    block: Block | None
    start: int | None
    end: int | None
    anchor_text: str | None
    text: str = ""
    proposed: str | None = None
    comment_id: str | None = None
    parent_comment: str | None = None
    resolved: bool = False
    target_block: Block | None = None
    target_offset: int | None = None
    order: tuple[int, int] = field(default=(0, 0))


def _order(block: Block | None, start: int | None, blocks: BlockMap) -> tuple[int, int]:
    index = {b.id: i for i, b in enumerate(blocks.blocks)}
    return (index.get(block.id, 10**6) if block else 10**6, start or 0)


def _range(pair: Pair | None, start: int | None, end: int | None) -> tuple[int | None, int | None]:
    if pair is None or start is None:
        return None, None
    s = pair.block_offset(start)
    e = pair.block_offset(end if end is not None else start)
    return s, e


def _comment(c: Comment, al: Alignment) -> Draft:
    part = c.part or "word/document.xml"
    pair = al.pair_of(part, c.start_paragraph)
    same = c.start_paragraph == c.end_paragraph
    block = pair.block if pair else None
    start, end = _range(pair, c.start_before, c.end_before if same else None)
    if block is not None and start is not None and not same:
        end = len(block.text)
    anchor = c.anchor_text_before if c.anchor_text_before is not None else c.anchor_text
    if anchor is not None and not same:  # the range is this block's part; say where it ends
        rest = anchor.count("\n")
        anchor = anchor.split("\n", 1)[0]
        if rest:
            text_note = f" [the comment's range runs on into {rest} more paragraph(s)]"
            c = c.model_copy(update={"text": c.text + text_note})
    return Draft(
        kind="comment",
        author=c.author,
        date=c.date,
        block=block,
        start=start,
        end=end,
        anchor_text=anchor,
        text=c.text,
        comment_id=c.id,
        parent_comment=c.parent,
        resolved=c.resolved,
    )


def _change(ch: Change, returned: Annotations, al: Alignment) -> Draft:
    pair = al.pair_of(ch.part, ch.paragraph)
    revs = [returned.revisions[i] for i in ch.revisions]
    here = [r for r in revs if r.paragraph == ch.paragraph and r.part == ch.part]
    starts = [r.start_before for r in here if r.start_before is not None]
    ends = [r.end_before for r in here if r.end_before is not None]
    start, end = _range(pair, min(starts) if starts else None, max(ends) if ends else None)
    kind = CHANGE_KINDS[ch.kind]
    proposed = None if kind == "format" else ch.text_after
    text = "; ".join(r.text for r in revs) if kind == "format" else ""
    draft = Draft(
        kind=kind,
        author=ch.author,
        date=ch.date,
        block=pair.block if pair else None,
        start=start,
        end=end,
        anchor_text=ch.text_before,
        text=text,
        proposed=proposed,
    )
    if pair is not None and pair.sent is None and kind == "insert":
        # a new paragraph (tracked): placed at the end of the block before it
        block = al.preceding_block(pair)
        at = len(block.text) if block else None
        draft.block, draft.start, draft.end = block, at, at
        draft.anchor_text, draft.proposed = "", "\n" + ch.text_after.strip("\n")
    if kind == "move":
        dest = [r for r in revs if r.kind == "moveTo"]
        if dest and dest[0].paragraph is not None:
            target = al.pair_of(dest[0].part, dest[0].paragraph)
            if target is not None:
                draft.target_block = target.block
                draft.target_offset = target.block_offset(dest[0].start_before or 0)
        src = [r for r in revs if r.kind == "moveFrom"]
        if src:
            source = al.pair_of(src[0].part, src[0].paragraph)
            draft.block = source.block if source else None
            draft.start, draft.end = _range(source, src[0].start_before, src[0].end_before)
        draft.proposed = ""
    return draft


def _untracked(
    block: Block | None, start: int | None, end: int | None, old: str, new: str
) -> Draft:
    return Draft(
        kind="silent",
        author=None,
        date=None,
        block=block,
        start=start,
        end=end,
        anchor_text=old,
        proposed=new,
    )


def _silent(al: Alignment) -> list[Draft]:
    """Edits made without tracking: changed, vanished and new paragraphs."""
    found = []
    for pair in al.pairs:
        sent, returned, block = pair.sent, pair.returned, pair.block
        if sent is not None and returned is not None:
            to_block = pair.to_block
            for e in silent_edits.edits(sent.text_before, returned.text_before):
                found.append(
                    _untracked(
                        block,
                        to_block(e.start) if to_block else None,
                        to_block(e.end) if to_block else None,
                        sent.text_before[e.start : e.end],
                        e.new,
                    )
                )
        elif sent is not None and block is not None and sent.text_before.strip():
            found.append(_untracked(block, 0, len(block.text), block.text, ""))
        elif returned is not None and returned.text_before.strip():
            before = al.preceding_block(pair)
            at = len(before.text) if before else None
            found.append(_untracked(before, at, at, "", "\n" + returned.text_before))
    return found


def extract(sent: Annotations, returned: Annotations, block_map: BlockMap) -> list[Draft]:
    """Return every remark of ``returned`` (made on the text ``sent``), in document order."""
    al = align(sent, returned, block_map)
    drafts = [_comment(c, al) for c in returned.comments]
    drafts += [_change(ch, returned, al) for ch in returned.changes]
    drafts += _silent(al)
    for d in drafts:
        d.order = _order(d.block, d.start, block_map)
    return sorted(drafts, key=lambda d: d.order)
