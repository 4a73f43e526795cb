"""Aligning a returned file's paragraphs with the paragraphs that were sent, and with blocks.

The text that was sent is the base revision rendered (its paragraphs read by the same reader as
the return, so both follow one text convention). Paragraphs are paired first through their
anchors (bookmarks named by block id, kept by Word and LibreOffice), then, in the gaps, by text
alignment (Google Docs keeps no bookmarks). Offsets move from a returned paragraph's rejected
text to the sent paragraph's text, and from there to the block's text, through diffs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from diff_match_patch import diff_match_patch

from drafts.blocks import Block, BlockMap, carry_ids
from drafts.ooxml.read.reader import Annotations, ParagraphView

#: the stories whose paragraphs are blocks, by kind (``Annotations.stories``): a returned file's
#: parts may be named otherwise than the sent file's (word/footnotes1.xml)
STORY_KINDS = ("document", "footnotes", "endnotes")


def _story_paragraphs(ann: Annotations, kind: str) -> list[ParagraphView]:
    return [p for p in ann.paragraphs if ann.stories.get(p.part) == kind]


class OffsetMap:
    """Maps code-point offsets in text ``a`` to the matching offsets in text ``b``."""

    def __init__(self, a: str, b: str) -> None:
        self.same = a == b
        if not self.same:
            self.dmp = diff_match_patch()
            self.diffs = self.dmp.diff_main(a, b, False)

    def __call__(self, offset: int) -> int:
        return offset if self.same else int(self.dmp.diff_xIndex(self.diffs, offset))


@lru_cache(maxsize=8192)
def _to_block(sent: str, block: str) -> OffsetMap:
    """The map from a sent paragraph's text to its block's: the same for every return of a
    round, so made once (an ``OffsetMap`` is only read after it is made)."""
    return OffsetMap(sent, block)


@dataclass
class Pair:
    """A sent paragraph (with its block, if anchored) and the returned paragraph matching it."""

    sent: ParagraphView | None
    returned: ParagraphView | None
    block: Block | None = None
    to_sent: OffsetMap | None = None
    to_block: OffsetMap | None = None

    def block_offset(self, offset_in_returned: int) -> int | None:
        """Return the offset in the block's text of an offset in the returned ``text_before``."""
        if self.block is None or self.to_block is None:
            return None
        sent_offset = self.to_sent(offset_in_returned) if self.to_sent else offset_in_returned
        return self.to_block(sent_offset)


@dataclass
class Alignment:
    pairs: list[Pair] = field(default_factory=list)
    by_returned: dict[tuple[str, int], Pair] = field(default_factory=dict)

    def pair_of(self, part: str, index: int | None) -> Pair | None:
        """Return the pair of the returned paragraph ``index`` of ``part``, or None."""
        return None if index is None else self.by_returned.get((part, index))

    def preceding_block(self, pair: Pair) -> Block | None:
        """Return the block of the nearest anchored pair before ``pair``, or None."""
        found = None
        for p in self.pairs:
            if p is pair:
                return found
            if p.block is not None:
                found = p.block
        return found


def _as_blocks(paragraphs: list[ParagraphView]) -> list[Block]:
    return [
        Block(id=f"p{i}", kind="paragraph", text=p.text_before, lines=(0, 0))
        for i, p in enumerate(paragraphs)
    ]


def _pairs_for_part(
    sent: list[ParagraphView], returned: list[ParagraphView]
) -> list[tuple[int, int]]:
    """Order-preserving (i, j) pairs: anchors first, text alignment in the gaps between them."""
    sent_by_anchor: dict[str, int] = {}
    for i, p in enumerate(sent):
        for name in p.bookmarks:
            sent_by_anchor.setdefault(name, i)
    anchored: list[tuple[int, int]] = []
    for j, p in enumerate(returned):
        hits = [sent_by_anchor[n] for n in p.bookmarks if n in sent_by_anchor]
        if hits and (not anchored or (hits[0] > anchored[-1][0] and j > anchored[-1][1])):
            anchored.append((hits[0], j))
    pairs: list[tuple[int, int]] = []
    edges = [(-1, -1), *anchored, (len(sent), len(returned))]
    for (i0, j0), (i1, j1) in pairwise(edges):
        gap_sent, gap_ret = sent[i0 + 1 : i1], returned[j0 + 1 : j1]
        if gap_sent and gap_ret:  # an empty side pairs nothing
            for j, old_id in carry_ids(_as_blocks(gap_sent), _as_blocks(gap_ret)).items():
                pairs.append((i0 + 1 + int(old_id[1:]), j0 + 1 + j))
        if i1 < len(sent):
            pairs.append((i1, j1))
    return sorted(pairs)


def _block_of(p: ParagraphView, blocks: dict[str, Block]) -> Block | None:
    for name in p.bookmarks:
        if name in blocks:
            return blocks[name]
    return None


def align(sent: Annotations, returned: Annotations, block_map: BlockMap) -> Alignment:
    """Pair the story paragraphs of ``returned`` with those of ``sent`` and with their blocks."""
    blocks = block_map.by_id()
    result = Alignment()
    for kind in STORY_KINDS:
        s_paras = _story_paragraphs(sent, kind)
        r_paras = [p for p in _story_paragraphs(returned, kind) if p.in_before]
        matched = _pairs_for_part(s_paras, r_paras)
        seen_s = {i for i, _ in matched}
        seen_r = {j for _, j in matched}
        rows: list[tuple[float, Pair]] = []
        for i, j in matched:
            s, r = s_paras[i], r_paras[j]
            block = _block_of(s, blocks)
            pair = Pair(
                sent=s,
                returned=r,
                block=block,
                to_sent=OffsetMap(r.text_before, s.text_before),
                to_block=_to_block(s.text_before, block.text) if block else None,
            )
            rows.append((i, pair))
        for i, s in enumerate(s_paras):
            if i not in seen_s:
                block = _block_of(s, blocks)
                rows.append(
                    (
                        i,
                        Pair(
                            sent=s,
                            returned=None,
                            block=block,
                            to_block=_to_block(s.text_before, block.text) if block else None,
                        ),
                    )
                )
        for j, r in enumerate(r_paras):
            if j not in seen_r:
                # a paragraph only in the return sits after the sent paragraph before it
                before = max((i for i, jj in matched if jj < j), default=-1)
                rows.append((before + 0.5, Pair(sent=None, returned=r)))
        for _, pair in sorted(rows, key=lambda row: row[0]):
            result.pairs.append(pair)
            if pair.returned is not None:
                result.by_returned[(pair.returned.part, pair.returned.index)] = pair
    return result
