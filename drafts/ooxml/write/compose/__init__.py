"""One .docx made of several: a skeleton whose marker paragraphs are replaced by whole documents.

``compose(skeleton, slots, out)``: ``skeleton`` is a .docx penholder built on the reference
template; each paragraph whose whole text is a key of ``slots`` is replaced by the body of that
slot's document (``Slot``), less its final section properties (the skeleton's sections rule).
What the copied body needs comes along:

- styles the skeleton lacks (by id) are copied from the source;
- numbering: the source's ``w:abstractNum`` and ``w:num`` are copied under fresh ids and the
  body's ``w:numId`` remapped; a paragraph numbered through its style ("Numbered Paragraph")
  gets an explicit ``w:numPr`` to the copy, so each document's numbers start again at 1;
- footnotes are copied under fresh ids and their references remapped;
- relationships the body names (hyperlinks, images) are copied, with the parts they point to;
- bookmarks and comment marks are dropped: they are a packet's anchors, and their names repeat
  between a chapter and its redline;
- ``HeadingN`` styles become ``Heading(N+shift)`` (``Slot.shift``), so the skeleton's own headings
  lead the table of contents.

Every revision id (``w:ins``, ``w:del`` ...) is then renumbered across the document and its
footnotes, so ids stay unique. ``toc_field(p, levels)`` fills a paragraph with a Word "TOC"
field (``\\o "1-N" \\h \\z \\u``) whose result is a placeholder until a word processor updates it.
"""

from drafts.ooxml.write.compose.document import (
    REVISIONS,
    Slot,
    compose,
    link_header_footer,
    toc_field,
)

__all__ = ["REVISIONS", "Slot", "compose", "link_header_footer", "toc_field"]
