"""Render one chapter revision to a house-style .docx with anchors and a provenance stamp.

``render_chapter(markdown, block_map, stamp, out)``:

1. checks the reference template (``TemplateError`` naming a missing style);
2. parses the Markdown to pandoc's AST (citeproc when a bibliography is given) and finds its
   blocks (``drafts.markdown.ast_walk``); they must be the blocks of ``block_map`` (same count, kinds
   and texts), else ``RenderError``: build the block map from the same Markdown and bibliography
   (a map of anchor scheme 1, stored before bibliography entries, terms, captions and line
   blocks were blocks, is compared with the sites of scheme 1: those paragraphs stay unanchored);
3. anchors every block: its inlines are wrapped in a Span whose identifier is the block id, so
   pandoc writes one bookmark spanning exactly that paragraph's content; the identifiers of
   headings and divs (pandoc's heading ids, citeproc's ``refs``) are removed, as their bookmarks
   would span several paragraphs, which LibreOffice splits; numbered paragraphs are put in a
   ``custom-style="Numbered Paragraph"`` div; the metadata naming citeproc's inputs
   (``CITEPROC_INPUTS``: the bibliography's path on the pen-holder's machine) is dropped, since
   pandoc would write it into every packet as a custom property;
4. writes the .docx with pandoc (``--reference-doc``), then, in the OOXML layer, adds the Word
   numbering of "Numbered Paragraph" and the stamp (custom properties, header, footer).

Failures of pandoc are ``RenderError`` with pandoc's message. Nothing is written to ``out``
unless the whole render succeeds.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from drafts.blocks import BlockMap
from drafts.core import resources
from drafts.core.errors import RenderError
from drafts.markdown.ast_walk import Site, plain_text, sites
from drafts.markdown.pandoc import markdown_ast, run_pandoc
from drafts.ooxml.write.numbering import NUMBERED_PARAGRAPH, install_paragraph_numbering
from drafts.ooxml.write.parts import DocxParts, edit_docx
from drafts.ooxml.write.reference import check_template
from drafts.ooxml.write.stamp import write_stamp


class Stamp(BaseModel):
    """What a rendered file says about where it comes from and whom it is for."""

    guideline_title: str
    short_title: str
    chapter: str
    chapter_title: str
    revision: int
    commit: str
    round: str | None = None
    reviewer_id: str | None = None
    reviewer_name: str | None = None
    packet: str | None = None
    date: date
    #: "chapter" (the revision itself) or "redline" (an older revision with the changes to this
    #: one tracked, ``since`` the older revision's number)
    kind: Literal["chapter", "redline"] = "chapter"
    since: int | None = None

    def properties(self) -> dict[str, str]:
        """Return the custom properties (``penholder.*``) that carry this stamp."""
        reviewer = self.reviewer_id or ""
        if self.reviewer_name:
            reviewer = f"{reviewer} ({self.reviewer_name})" if reviewer else self.reviewer_name
        return {
            "penholder.guideline": self.guideline_title,
            "penholder.chapter": self.chapter,
            "penholder.revision": str(self.revision),
            "penholder.commit": self.commit,
            "penholder.round": self.round or "",
            "penholder.reviewer": reviewer,
            "penholder.packet": self.packet or "",
            "penholder.kind": self.kind,
        }

    def header(self) -> str:
        """Return "DRAFT — short title — Chapter N — revision r — round Rk — date"."""
        parts = ["DRAFT", self.short_title, f"Chapter {self.chapter}", f"revision {self.revision}"]
        if self.round:
            parts.append(f"round {self.round}")
        parts.append(self.date.isoformat())
        return " — ".join(parts)

    def footer(self) -> str:
        """Return the footer's left text: the packet id (a redline says so, and since which
        revision), else chapter, revision and commit."""
        if self.packet and self.kind == "redline":
            return f"Packet {self.packet} — redline: changes since revision {self.since}"
        if self.packet:
            return f"Packet {self.packet}"
        return f"Chapter {self.chapter}, revision {self.revision} ({self.commit[:7]})"


def _span(block_id: str, inlines: list[Any]) -> dict[str, Any]:
    return {"t": "Span", "c": [[block_id, [], []], list(inlines)]}


def _anchor(site: Site, block_id: str) -> None:
    """Wrap a site's inlines in an anchor span (in place); style numbered paragraphs."""
    site.inlines[:] = [_span(block_id, site.inlines)]
    node = site.node
    if site.numbered:
        para = {"t": node["t"], "c": node["c"]}
        node["t"] = "Div"
        node["c"] = [["", [], [["custom-style", NUMBERED_PARAGRAPH]]], [para]]


_SPACE = {"t": "Space"}


def _for_writer(blocks: list[Any]) -> None:
    """Clear the identifiers of every Div and Header (their bookmarks span paragraphs), and
    join each run of words ``Str Space Str ...`` into one ``Str`` (in place).

    pandoc's .docx writer prints such a run as one text run anyway, so the .docx is the same
    byte for byte (checked on the example chapters and the benchmark's synthetic one); the AST
    sent back to pandoc shrinks about threefold, and reading it was the larger part of that
    second pandoc run (issue 18)."""
    _join_words(blocks)
    for block in blocks:
        if isinstance(block, list):
            _for_writer(block)
            continue
        if not isinstance(block, dict):
            continue
        kind = block.get("t")
        content: Any = block.get("c")
        if kind == "Div":
            content[0][0] = ""
        elif kind == "Header":
            content[1][0] = ""
        if isinstance(content, list):
            _for_writer(content)


def _join_words(nodes: list[Any]) -> None:
    """Replace each ``Str (Space Str)+`` of ``nodes`` by one ``Str`` (in place)."""
    joined: list[Any] = []
    words: list[str] = []  # the run of words whose first Str is the last node kept
    space = False  # a Space follows that run, not kept yet
    for node in nodes:
        is_str = type(node) is dict and node.get("t") == "Str"
        if is_str and space:
            words.append(node["c"])
            space = False
        elif node == _SPACE and words and not space:
            space = True
        else:
            _close(joined, words, space)
            words, space = ([node["c"]] if is_str else []), False
            joined.append(node)
    if len(joined) != len(nodes):
        _close(joined, words, space)
        nodes[:] = joined


def _close(joined: list[Any], words: list[str], space: bool) -> None:
    """End a run of words: its Str (the last node kept) gets them all; a pending Space is kept."""
    if len(words) > 1:
        joined[-1] = {"t": "Str", "c": " ".join(words)}
    if space:
        joined.append(_SPACE)


#: metadata that only tells citeproc where its inputs are (``--bibliography`` sets a path on the
#: pen-holder's machine): dropped before the .docx is written, so no packet carries it
CITEPROC_INPUTS = ("bibliography", "csl", "citation-abbreviations")


def anchored_ast(markdown: str, block_map: BlockMap, bibliography: Path | None) -> dict[str, Any]:
    """Return the pandoc AST of ``markdown`` with every block of ``block_map`` anchored."""
    ast = markdown_ast(markdown, bibliography)
    found = sites(ast, block_map.scheme)  # a map stored before scheme 2 anchors what it has
    if len(found) != len(block_map.blocks):
        raise RenderError(
            f"the block map of chapter {block_map.chapter} revision {block_map.revision} has "
            f"{len(block_map.blocks)} blocks but the Markdown has {len(found)}; rebuild the map "
            "from this Markdown and bibliography"
        )
    for site, block in zip(found, block_map.blocks, strict=True):
        if (site.kind, plain_text(site.inlines)) != (block.kind, block.text):
            raise RenderError(
                f"block {block.id} of the block map ({block.kind} {block.text[:40]!r}) does not "
                f"match the Markdown; rebuild the map from this Markdown and bibliography"
            )
    _for_writer(ast["blocks"])
    for site, block in zip(found, block_map.blocks, strict=True):
        _anchor(site, block.id)
    for key in CITEPROC_INPUTS:  # citeproc has run; pandoc would print them as custom properties
        ast.get("meta", {}).pop(key, None)
    return ast


def _postprocess(parts: DocxParts, stamp: Stamp) -> None:
    install_paragraph_numbering(parts.xml("word/numbering.xml"), parts.xml("word/styles.xml"))
    write_stamp(parts, stamp.properties(), stamp.header(), stamp.footer())


def render_chapter(
    markdown: str,
    block_map: BlockMap,
    stamp: Stamp,
    out: Path,
    *,
    bibliography: Path | None = None,
    template: Path | None = None,
) -> Path:
    """Render ``markdown`` to ``out`` (.docx) with anchors and ``stamp``; return ``out``."""
    reference = template or resources.reference_docx()
    check_template(reference)
    ast = anchored_ast(markdown, block_map, bibliography)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="penholder-render-") as scratch:
        raw = Path(scratch) / "pandoc.docx"  # pandoc's output, before anchors' numbering+stamp
        args = ["-f", "json", "-t", "docx", f"--reference-doc={reference}", "-o", str(raw)]
        run_pandoc(args, json.dumps(ast).encode("utf-8"))
        edit_docx(raw, lambda parts: _postprocess(parts, stamp), out)  # writes out atomically
    return out
