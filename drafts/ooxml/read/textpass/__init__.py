"""The text pass: a story part read by one compiled XSLT (libxslt, in C), not element by element.

``StoryWalker`` (``text.py``) visits every element of a part in Python; on a chapter of 400
paragraphs that is most of the read. ``pass_story`` reads the common parts instead with one
transformation in C, which prints the part as one string: each paragraph's text (``w:t``,
``w:delText``; ``w:tab``/``w:ptab`` "\\t", ``w:br``/``w:cr`` "\\n", ``w:noBreakHyphen`` "-")
with markers where a tracked insertion or deletion starts or ends, a comment range starts or
ends, a bookmark starts, a note is referenced. The markers cannot occur in the part's text
(``Markers``: control characters, or carriage returns where the part's bytes cannot spell
one), so the string splits without ambiguity. Python then works per paragraph (a paragraph
without a marker is one ``str.split`` piece: its two texts are that piece) and per marker,
never per run.

It reads only what it can read exactly as the walker does; anything else is refused (by one
scan in C before the transformation, or by the stylesheet stopping) and the part goes to
``StoryWalker`` whole (``pass_story`` returns None):

- parts: the main part's first ``w:body``; a ``w:comments`` part whose ``w:comment`` children
  are all its comments (``comment_ids``); headers and footers (``w:hdr``, ``w:ftr``). Notes go
  to the walker.
- block level: paragraphs, comment ranges and named bookmark starts; ``w:sectPr`` and anything
  the walker ignores (``w:proofErr``, ``w:bookmarkEnd``, unknown elements) are skipped. Tables,
  content controls, ``w:customXml``, ``mc:AlternateContent`` and tracked blocks are refused.
- inline: runs, ``w:ins``/``w:del`` (nested too) holding inline content, hyperlinks and the
  other plain inline containers, comment ranges, bookmarks; content controls, moves,
  ``mc:AlternateContent`` and equations are refused.
- runs: texts, tabs, breaks, non-breaking hyphens, note references; ``w:rPr``, field
  instructions, soft hyphens and empty unknown elements are skipped; fields (``w:fldChar``),
  symbols, ``mc:AlternateContent`` and anything holding a text box are refused.
- revisions: every revision element of the part must be an inline ``w:ins``/``w:del`` the pass
  printed (counted against ``root.iter`` of every revision tag, in C): a property change, a
  tracked paragraph mark, a table or numbering revision, a move anywhere sends the part to the
  walker.

``annotations_of(pkg, fast=False)`` never takes the pass; ``tests/drafts/ooxml/read/
test_textpass.py`` and ``test_reader_fast_paths.py`` require both reads to give the same records.
"""

from drafts.ooxml.read.textpass.read import PassedStory, pass_story
from drafts.ooxml.read.textpass.xslt import marker_free

__all__ = ["PassedStory", "marker_free", "pass_story"]
