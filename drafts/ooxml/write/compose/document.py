"""Compose one .docx from a skeleton and whole documents (see the package docstring)."""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from drafts.core.errors import DocumentError
from drafts.ooxml.namespaces import Element, w
from drafts.ooxml.write.anchors import paragraph_text
from drafts.ooxml.write.compose.carry import DOC, XML_SPACE, Target, carry, clean
from drafts.ooxml.write.parts import DocxParts

#: every revision element (``w:id`` unique across the document; the simulator's re-save uses it)
REVISIONS = {
    w(t)
    for t in (
        "ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange",
        "tblPrChange", "trPrChange", "tcPrChange", "tblGridChange", "numberingChange",
        "tblPrExChange", "cellIns", "cellDel", "cellMerge",
    )
}  # fmt: skip
_RANGES = {w(f"{k}Range{e}") for k in ("moveFrom", "moveTo") for e in ("Start", "End")}


@dataclass(frozen=True)
class Slot:
    """A document to put in place of a marker paragraph; its headings go ``shift`` levels down
    and its paragraphs in the ``skip`` styles are left out (a title the skeleton gives)."""

    path: Path
    shift: int = 0
    skip: tuple[str, ...] = ()


def _style(el: Element) -> str:
    style = el.find(f"{w('pPr')}/{w('pStyle')}")
    return "" if style is None else style.get(w("val"), "")


def _append(t: Target, marker: Element, slot: Slot) -> None:
    source = DocxParts(slot.path)
    body = source.xml(DOC).find(w("body"))
    if body is None:
        raise DocumentError(f"{slot.path} has no body")
    children = [
        copy.deepcopy(c)
        for c in body
        if c.tag != w("sectPr") and not (c.tag == w("p") and _style(c) in slot.skip)
    ]
    clean(children, slot.shift)
    carry(t, source, children)
    for child in children:
        marker.addprevious(child)
    marker.getparent().remove(marker)


def _renumber_revisions(roots: list[Element]) -> None:
    """Give every revision element a fresh id, paired range marks keeping their pairing."""
    counter = itertools.count(1)
    for root in roots:
        pairs: dict[tuple[str, str], str] = {}
        for el in root.iter(*REVISIONS, *_RANGES):
            old = el.get(w("id"))
            if old is None:
                continue
            if el.tag.endswith(("RangeStart", "RangeEnd")):
                key = (el.tag.removesuffix("Start").removesuffix("End"), old)
                el.set(w("id"), pairs.setdefault(key, str(next(counter) + 100000)))
            else:
                el.set(w("id"), str(next(counter) + 100000))


def compose(skeleton: Path, slots: dict[str, Slot], out: Path) -> Path:
    """Write to ``out`` the skeleton with each marker paragraph replaced (module docstring)."""
    parts = DocxParts(skeleton)
    t = Target(parts)
    body = parts.xml(DOC).find(w("body"))
    markers = {paragraph_text(p): p for p in body.iter(w("p")) if paragraph_text(p) in slots}
    missing = sorted(set(slots) - set(markers))
    if missing:
        raise DocumentError(f"{skeleton} has no marker paragraph {missing[0]!r}")
    for key, slot in slots.items():
        _append(t, markers[key], slot)
    _renumber_revisions([parts.xml(DOC), t.footnotes])
    parts.save(out)
    return out


def _field_run(p: Element, kind: str, text: str = "") -> None:
    r = etree.SubElement(p, w("r"))
    if kind in ("t", "instrText"):
        t = etree.SubElement(r, w(kind))
        t.text = text
        t.set(XML_SPACE, "preserve")
    else:
        etree.SubElement(r, w("fldChar")).set(w("fldCharType"), kind)


def toc_field(p: Element, levels: int, placeholder: str) -> None:
    """Append to ``w:p`` a table-of-contents field over heading levels 1 to ``levels``."""
    _field_run(p, "begin")
    p[-1].find(w("fldChar")).set(w("dirty"), "true")
    _field_run(p, "instrText", f' TOC \\o "1-{levels}" \\h \\z \\u ')
    _field_run(p, "separate")
    _field_run(p, "t", placeholder)
    _field_run(p, "end")


def link_header_footer(previous: Element, current: Element) -> None:
    """Give the section ``current`` (a ``w:sectPr``) the header and footer of ``previous``."""
    refs = [w("headerReference"), w("footerReference")]
    for old in [c for c in current if c.tag in refs]:
        current.remove(old)
    for ref in reversed([c for c in previous if c.tag in refs]):
        current.insert(0, copy.deepcopy(ref))  # references come first in a w:sectPr
