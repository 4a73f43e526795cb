"""Align the paragraphs of an edited .docx with the blocks of the revision it came from.

``align(blocks, paragraphs, ignorable)``: paragraphs are the accepted view of the file (every
tracked change accepted; a paragraph whose mark is deleted runs on into the next one of its
story). Matching, per story (body blocks with body paragraphs, footnote blocks with footnote
paragraphs):

1. by bookmark name: a paragraph carrying a block's anchor (``ph_03_0042``, or LibreOffice's
   ``ph_03_0042_Copy_1``) is that block; each block once, the first paragraph wins;
2. by text, in each gap between bookmark matches: equal texts in order, then the most similar
   pairs (``drafts.blocks.carry_ids``: similarity of at least 0.5), so files without bookmarks
   (Google Docs) are aligned too.

Paragraphs left over are new, unless empty or equal to a paragraph the pristine render has
outside every block (``ignorable``: code blocks; the bibliography of a revision whose block map
predates anchor scheme 2), each taken once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from drafts.blocks import Block, carry_ids
from drafts.ooxml.read.reader import Annotations

_COPY = re.compile(r"^(?P<name>.+)_Copy_\d+$")


@dataclass
class Para:
    """One paragraph of the accepted view: its story, text, bookmarks and style."""

    story: str  # "body" or "notes"
    text: str
    bookmarks: list[str] = field(default_factory=list)
    style: str | None = None


@dataclass
class Alignment:
    """Which paragraph is which block, and the new paragraphs with the block they follow."""

    matched: dict[str, Para]
    new: list[tuple[str | None, Para]]  # (id of the preceding matched block, paragraph)


def accepted_paragraphs(ann: Annotations) -> list[Para]:
    """Return the body and note paragraphs of the accepted view, in reading order."""
    out: list[Para] = []
    carry: Para | None = None
    for p in ann.paragraphs:
        name = p.part.rsplit("/", 1)[-1]
        if p.comment_id is not None or not p.in_after or p.in_text_box:
            continue
        if name.startswith(("footnotes", "endnotes")):
            story = "notes"
        elif p.part.endswith("document.xml") or name.startswith("document"):
            story = "body"
        else:
            continue
        text = p.text_after
        bookmarks = [_COPY.sub(r"\g<name>", b) for b in p.bookmarks]
        if carry is not None and carry.story == story:
            text, bookmarks = carry.text + text, (bookmarks or carry.bookmarks)
        carry = None
        para = Para(story, text, bookmarks, p.style)
        if p.mark is not None and "del" in p.mark:  # its mark goes: it runs on into the next
            carry = Para(story, text, bookmarks if text.strip() else [], p.style)
            continue
        out.append(para)
    if carry is not None:
        out.append(carry)
    for para in out:
        para.text = para.text.strip()
    return out


def _gap(blocks: list[Block], paras: list[tuple[int, Para]]) -> dict[int, str]:
    """Text-align the paragraphs of one gap with its blocks: ``{paragraph index: block id}``."""
    if not blocks or not paras:
        return {}
    old = [b.model_copy(update={"kind": "paragraph"}) for b in blocks]
    new = [Block(id="ph_x_0000", kind="paragraph", text=p.text, lines=(0, 0)) for _, p in paras]
    return {paras[j][0]: block_id for j, block_id in carry_ids(old, new).items()}


def _story(blocks: list[Block], paras: list[tuple[int, Para]]) -> dict[int, str]:
    ids = {b.id: n for n, b in enumerate(blocks)}
    found: dict[int, str] = {}
    used: set[str] = set()
    for i, p in paras:
        hit = next((b for b in p.bookmarks if b in ids and b not in used), None)
        if hit is not None:
            found[i] = hit
            used.add(hit)
    anchors = [(-1, -1), *sorted((i, ids[b]) for i, b in found.items()), (10**9, len(blocks))]
    for (i1, b1), (i2, b2) in pairwise(anchors):
        gap_paras = [(i, p) for i, p in paras if i1 < i < i2]
        gap_blocks = [b for b in blocks[b1 + 1 : b2] if b.id not in used]
        found.update(_gap(gap_blocks, gap_paras))
    return found


def align(blocks: list[Block], paras: list[Para], ignorable: list[str]) -> Alignment:
    """Return which paragraph is which block, and which paragraphs are new (see module doc)."""
    found: dict[int, str] = {}
    for story, kinds in (("body", False), ("notes", True)):
        story_blocks = [b for b in blocks if (b.kind == "footnote") == kinds]
        found.update(
            _story(story_blocks, [(i, p) for i, p in enumerate(paras) if p.story == story])
        )
    spare = Counter(t.strip() for t in ignorable)
    matched: dict[str, Para] = {}
    new: list[tuple[str | None, Para]] = []
    last = {"body": None, "notes": None}  # type: dict[str, str | None]
    for i, p in enumerate(paras):
        if i in found:
            matched[found[i]] = p
            last[p.story] = found[i]
        elif not p.text or spare[p.text] > 0:
            spare[p.text] -= 1
        else:
            new.append((last[p.story], p))
    return Alignment(matched, new)
