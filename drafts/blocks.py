"""Blocks of a chapter revision and the block map that gives them stable ids.

A block is one paragraph of the rendered .docx (see ``drafts.markdown.ast_walk`` for the kinds and for
how ``text`` is derived: the paragraph's plain text as the .docx shows it, citations as citeproc
prints them when a bibliography is given, else as written, footnote markers excluded). A block
map is stored with each revision; rendering anchors every block with a bookmark named by its id.

Ids are ``ph_<chapter>_<NNNN>`` (letter first, ``[A-Za-z0-9_]``, at most 40 characters, so Word
keeps them as bookmark names). ``build_block_map`` carries ids across revisions:

1. blocks whose (kind, text) is unchanged keep their id (an order-preserving diff of the old
   and new sequences, ``difflib.SequenceMatcher``);
2. in each gap between those matches, old and new blocks of the same kind are aligned in order
   by maximal total similarity, pairs below ``SIMILARITY`` not aligned: an edited block keeps
   its id;
3. every other new block gets a fresh id from ``next_id``; ids are never reused.

Bibliography entries (``reference`` blocks) are matched by citation ``key`` instead, before
the rest: an entry keeps its id while its key is cited, whatever citeproc prints for it.

``BlockMap.scheme`` is the anchor scheme the map was built with (``ast_walk.SCHEME``): maps
stored before scheme 2 have no ``scheme`` field and read as 1 (no bibliography entries, terms,
captions or line blocks); rendering one leaves those paragraphs unanchored, as it did.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from drafts.markdown.ast_walk import SCHEME, plain_text, sites
from drafts.markdown.pandoc import markdown_ast
from drafts.markdown.source_lines import line_ranges

BlockKind = Literal[
    "title",
    "heading",
    "paragraph",
    "list_item",
    "table_cell",
    "footnote",
    "term",
    "caption",
    "line_block",
    "reference",
]
#: kinds whose text is not in the chapter's Markdown: citeproc prints it from the bibliography
GENERATED: frozenset[str] = frozenset({"reference"})

#: least similarity (0..1) at which an edited block is taken for the same block
SIMILARITY = 0.5
_CHAPTER = re.compile(r"^[A-Za-z0-9]{1,20}$")
_MAX_GAP_PAIRS = 250_000


class Block(BaseModel):
    """One anchored paragraph of a chapter revision."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
    kind: BlockKind
    text: str
    heading_path: list[str] = Field(default_factory=list)
    paragraph: int | None = None
    lines: tuple[int, int]
    note: int | None = None
    #: the citation key of a ``reference`` block (its entry in the bibliography)
    key: str | None = None


class BlockMap(BaseModel):
    """The blocks of one revision of one chapter, and the next unused id number."""

    chapter: str
    revision: int
    next_id: int
    blocks: list[Block]
    #: the anchor scheme (see module docstring); absent in maps stored before scheme 2
    scheme: int = 1

    def by_id(self) -> dict[str, Block]:
        """Return the blocks keyed by id."""
        return {block.id: block for block in self.blocks}


def block_id(chapter: str, number: int) -> str:
    """Return the id of block ``number`` of ``chapter``, e.g. ``ph_03_0042``."""
    if not _CHAPTER.match(chapter):
        raise ValueError(f"chapter id {chapter!r} must be 1-20 letters or digits")
    return f"ph_{chapter}_{number:04d}"


def similarity(a: str, b: str) -> float:
    """Return how alike two texts are (0..1): by words, or by characters when short."""
    wa, wb = a.split(), b.split()
    if min(len(wa), len(wb)) >= 8:
        return SequenceMatcher(None, wa, wb, autojunk=False).ratio()
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _align_gap(old: list[Block], new: list[Block]) -> list[tuple[int, int]]:
    """Order-preserving pairs (i, j) of same-kind blocks maximising total similarity."""
    if not old or not new or len(old) * len(new) > _MAX_GAP_PAIRS:
        return []
    n, m = len(old), len(new)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if old[i].kind == new[j].kind:
                s = similarity(old[i].text, new[j].text)
                if s >= SIMILARITY:
                    best = max(best, s + score[i + 1][j + 1])
            score[i][j] = best
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if score[i][j] == score[i + 1][j]:
            i += 1
        elif score[i][j] == score[i][j + 1]:
            j += 1
        else:
            pairs.append((i, j))
            i, j = i + 1, j + 1
    return pairs


def carry_ids(old: list[Block], new: list[Block]) -> dict[int, str]:
    """Return ``{index in new: id}`` for new blocks that are old blocks, unchanged or edited;
    bibliography entries by citation key, the rest by text."""
    by_key = {b.key: b.id for b in old if b.kind == "reference" and b.key}
    carried = {
        j: by_key[b.key] for j, b in enumerate(new) if b.kind == "reference" and b.key in by_key
    }
    rest = [j for j, b in enumerate(new) if b.kind != "reference"]
    by_text = _carry_by_text([b for b in old if b.kind != "reference"], [new[j] for j in rest])
    carried.update({rest[j]: block_id for j, block_id in by_text.items()})
    return carried


def _carry_by_text(old: list[Block], new: list[Block]) -> dict[int, str]:
    keys_old = [(b.kind, b.text) for b in old]
    keys_new = [(b.kind, b.text) for b in new]
    matcher = SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    carried: dict[int, str] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                carried[j1 + k] = old[i1 + k].id
        elif tag == "replace":
            for i, j in _align_gap(old[i1:i2], new[j1:j2]):
                carried[j1 + j] = old[i1 + i].id
    return carried


def blocks_of(markdown: str, bibliography: Path | None = None, scheme: int = SCHEME) -> list[Block]:
    """Return the blocks of a chapter with placeholder ids (``ph_x_0000``), in order."""
    found = sites(markdown_ast(markdown, bibliography), scheme)
    ranges = line_ranges(markdown, found)
    blocks: list[Block] = []
    paragraph = 0
    for site, lines in zip(found, ranges, strict=True):
        number = None
        if site.numbered:
            paragraph += 1
            number = paragraph
        blocks.append(
            Block(
                id="ph_x_0000",
                kind=site.kind,
                text=plain_text(site.inlines),
                heading_path=site.heading_path,
                paragraph=number,
                lines=lines,
                note=site.note,
                key=site.key,
            )
        )
    return blocks


def build_block_map(
    chapter: str,
    revision: int,
    markdown: str,
    previous: BlockMap | None,
    *,
    bibliography: Path | None = None,
) -> BlockMap:
    """Return the block map of ``markdown``, ids carried over from ``previous`` where it can.

    Pass the same ``bibliography`` the render uses, so block texts equal the rendered text.
    """
    if previous is not None and previous.chapter != chapter:
        raise ValueError(f"previous block map is of chapter {previous.chapter}, not {chapter}")
    blocks = blocks_of(markdown, bibliography)
    carried = carry_ids(previous.blocks, blocks) if previous else {}
    next_id = previous.next_id if previous else 1
    for index, block in enumerate(blocks):
        if index in carried:
            block.id = carried[index]
        else:
            block.id = block_id(chapter, next_id)
            next_id += 1
    return BlockMap(
        chapter=chapter, revision=revision, next_id=next_id, blocks=blocks, scheme=SCHEME
    )
