"""Read the block anchors (bookmarks) of a .docx back: bookmark name -> its paragraph's text.

Bookmarks are matched by NAME, never by ``w:id`` (Word and LibreOffice renumber ids). The
paragraph of a bookmark is the ``w:p`` that holds its ``w:bookmarkStart``, or, when an editor
put the start between paragraphs, the next paragraph. Its text is the paragraph as it reads
with every tracked change accepted: ``w:t`` (inserted text included), ``w:tab`` as "\\t",
``w:br``/``w:cr`` as "\\n", ``w:noBreakHyphen`` as "-"; deleted and moved-away text, field
instructions and footnote markers are not text; stripped of surrounding white space. When a
name occurs more than once (LibreOffice splits a bookmark that spans paragraphs into two of the
same name), the first occurrence wins. LibreOffice 7.4 renames bookmarks in the second and later
footnotes on re-save (``ph_03_0046`` -> ``ph_03_0046_Copy_1``): such a name is read as its
original when the original name is not present itself. The main body and the footnotes are read; bookmarks whose
names start with "_" (Word's ``_GoBack``, ``_Toc...``) are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from drafts.ooxml.namespaces import w
from drafts.ooxml.write.parts import DocxParts

_COPY = re.compile(r"^(?P<name>.+)_Copy_\d+$")
STORIES = ("word/document.xml", "word/footnotes.xml")
_SKIP = {w("del"), w("moveFrom"), w("instrText"), w("delText")}
_TEXT = {w("t"): None, w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}


def paragraph_text(p: etree._Element) -> str:
    """Return the accepted-view text of one ``w:p`` (see module docstring)."""
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if child.tag in _SKIP:
                continue
            if child.tag in _TEXT:
                out.append(child.text or "" if child.tag == w("t") else _TEXT[child.tag] or "")
            elif child.tag != w("pPr"):
                walk(child)

    walk(p)
    return "".join(out).strip()


def _paragraph_of(start: etree._Element) -> etree._Element | None:
    for ancestor in start.iterancestors(w("p")):
        return ancestor
    following = start.itersiblings(w("p"))
    return next(following, None)


def read_anchors(path: Path) -> dict[str, str]:
    """Return ``{bookmark name: text of its paragraph}`` for the body and footnotes."""
    parts = DocxParts(path)
    anchors: dict[str, str] = {}
    for story in STORIES:
        if not parts.has(story):
            continue
        for start in parts.xml(story).iter(w("bookmarkStart")):
            name = start.get(w("name"), "")
            if not name or name.startswith("_") or name in anchors:
                continue
            p = _paragraph_of(start)
            anchors[name] = "" if p is None else paragraph_text(p)
    for name in list(anchors):
        copy = _COPY.match(name)
        if copy and copy.group("name") not in anchors:
            anchors[copy.group("name")] = anchors.pop(name)
    return anchors
