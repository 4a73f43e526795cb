"""Word numbering for the "Numbered Paragraph" style, and the template's style inventory.

pandoc writes its own ``word/numbering.xml`` (for Markdown lists) and drops the reference
document's numbering definitions, while it keeps the reference styles, including a style's
``w:numPr``. So every render calls ``install_paragraph_numbering``: it appends one
``w:abstractNum`` (decimal, "1.", 2, 3 ... continuing through the document) and one ``w:num``
with ids unused in that part, and points the style's ``w:pPr/w:numPr/w:numId`` at it. Paragraphs
then carry the style only: the printed number is Word's, never text.

``missing_styles`` lists which required style names a styles part lacks (names compare
case-insensitively, as Word does for built-in names such as "heading 1").
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from drafts.ooxml.namespaces import W, w

NUMBERED_PARAGRAPH = "Numbered Paragraph"
NUMBERED_PARAGRAPH_ID = "NumberedParagraph"

#: hanging indent of a numbered paragraph, in twentieths of a point (1 cm)
HANGING = 567


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, w(tag))
    for key, value in attrs.items():
        el.set(w(key), value)
    return el


def style_names(styles: etree._Element) -> dict[str, str]:
    """Return ``{lower-cased style name: style id}`` of a ``w:styles`` root."""
    out: dict[str, str] = {}
    for style in styles.iter(w("style")):
        name = style.find(w("name"))
        if name is not None:
            out[name.get(w("val"), "").lower()] = style.get(w("styleId"), "")
    return out


def missing_styles(styles: etree._Element, required: Iterable[str]) -> list[str]:
    """Return the names in ``required`` that no style of ``styles`` carries."""
    have = style_names(styles)
    return [name for name in required if name.lower() not in have]


def _fresh_id(numbering: etree._Element, tag: str, attr: str) -> int:
    used = [int(el.get(w(attr), "0")) for el in numbering.iter(w(tag))]
    return max([*used, 9000]) + 1


def _abstract_num(abstract_id: int) -> etree._Element:
    absn = etree.Element(w("abstractNum"), nsmap={"w": W})
    absn.set(w("abstractNumId"), str(abstract_id))
    _sub(absn, "multiLevelType", val="singleLevel")
    lvl = _sub(absn, "lvl", ilvl="0")
    _sub(lvl, "start", val="1")
    _sub(lvl, "numFmt", val="decimal")
    _sub(lvl, "pStyle", val=NUMBERED_PARAGRAPH_ID)
    _sub(lvl, "suff", val="tab")
    _sub(lvl, "lvlText", val="%1.")
    _sub(lvl, "lvlJc", val="left")
    ppr = _sub(lvl, "pPr")
    tabs = _sub(ppr, "tabs")
    _sub(tabs, "tab", val="num", pos=str(HANGING))
    _sub(ppr, "ind", left=str(HANGING), hanging=str(HANGING))
    return absn


def install_paragraph_numbering(numbering: etree._Element, styles: etree._Element) -> int:
    """Add the numbered-paragraph list to ``numbering`` and bind the style to it.

    Returns the new ``w:numId``. ``styles`` must hold a paragraph style named "Numbered
    Paragraph" (the caller checks the template first); its ``w:numPr`` is replaced.
    """
    abstract_id = _fresh_id(numbering, "abstractNum", "abstractNumId")
    num_id = _fresh_id(numbering, "num", "numId")
    absn = _abstract_num(abstract_id)
    existing = numbering.findall(w("abstractNum"))
    if existing:
        existing[-1].addnext(absn)
    else:
        numbering.insert(0, absn)
    num = _sub(numbering, "num", numId=str(num_id))
    _sub(num, "abstractNumId", val=str(abstract_id))

    style_id = style_names(styles)[NUMBERED_PARAGRAPH.lower()]
    style = next(s for s in styles.iter(w("style")) if s.get(w("styleId")) == style_id)
    ppr = style.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        # pPr follows name/aliases/basedOn/next/link/... and precedes rPr and tblPr
        anchor = style.find(w("rPr"))
        if anchor is None:
            style.append(ppr)
        else:
            anchor.addprevious(ppr)
    for old in ppr.findall(w("numPr")):
        ppr.remove(old)
    numpr = etree.Element(w("numPr"))
    _sub(numpr, "ilvl", val="0")
    _sub(numpr, "numId", val=str(num_id))
    # numPr comes right after keepNext/keepLines/pageBreakBefore/framePr/widowControl
    early = {w(t) for t in ("pStyle", "keepNext", "keepLines", "pageBreakBefore")}
    early |= {w("framePr"), w("widowControl")}
    position = sum(1 for child in ppr if child.tag in early)
    ppr.insert(position, numpr)
    return num_id
