"""What a body copied from one .docx into another needs: styles, numbering, footnotes, relationships.

``Target`` is the document being filled (its styles, numbering and footnotes parts, and counters
for fresh ids); ``carry(target, source, body)`` brings along into it what the copied ``body``
elements of ``source`` name, under fresh ids (see ``drafts.ooxml.write.compose``); ``clean``
drops bookmarks and comment marks and moves headings down.
"""

from __future__ import annotations

import copy
import itertools
import posixpath
import re

from lxml import etree

from drafts.ooxml.namespaces import CONTENT_TYPES, PKG_REL, Element, R, w
from drafts.ooxml.write.parts import DocxParts

DOC = "word/document.xml"
STYLES = "word/styles.xml"
NUMBERING = "word/numbering.xml"
FOOTNOTES = "word/footnotes.xml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_HEADING = re.compile(r"^Heading([1-9])$")
_DROPPED = {w(t) for t in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd")}
_REL_ATTRS = (f"{{{R}}}id", f"{{{R}}}embed", f"{{{R}}}link")


class Target:
    """The skeleton being filled, and the counters that keep copied ids fresh."""

    def __init__(self, parts: DocxParts) -> None:
        self.parts = parts
        self.styles = parts.xml(STYLES)
        self.numbering = parts.xml(NUMBERING)
        self.footnotes = parts.xml(FOOTNOTES)
        used = [int(el.get(w("abstractNumId"))) for el in self.numbering.iter(w("abstractNum"))]
        used += [int(el.get(w("numId"))) for el in self.numbering.iter(w("num"))]
        self.next_num = itertools.count(max([*used, 0]) + 1)
        notes = [int(n.get(w("id"))) for n in self.footnotes.iter(w("footnote"))]
        self.next_note = itertools.count(max([*notes, 0]) + 1)
        self.next_part = itertools.count(1)


def _style_ids(styles: Element) -> dict[str, Element]:
    return {s.get(w("styleId")): s for s in styles.iter(w("style"))}


def _copy_styles(t: Target, source: DocxParts, body: list[Element]) -> None:
    have = _style_ids(t.styles)
    theirs = _style_ids(source.xml(STYLES))
    wanted = [
        el.get(w("val")) for top in body for el in top.iter(w("pStyle"), w("rStyle"), w("tblStyle"))
    ]
    while wanted:
        sid = wanted.pop()
        if sid in have or sid not in theirs:
            continue
        have[sid] = copy.deepcopy(theirs[sid])
        t.styles.append(have[sid])
        wanted += [el.get(w("val")) for el in have[sid].iter(w("basedOn"), w("link"), w("next"))]


def _style_numbering(source: DocxParts) -> dict[str, tuple[str, str]]:
    """``{style id: (numId, ilvl)}`` of the source's styles that number their paragraphs."""
    out: dict[str, tuple[str, str]] = {}
    for sid, style in _style_ids(source.xml(STYLES)).items():
        num = style.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
        if num is not None:
            ilvl = style.find(f"{w('pPr')}/{w('numPr')}/{w('ilvl')}")
            out[sid] = (num.get(w("val")), "0" if ilvl is None else ilvl.get(w("val")))
    return out


def _copy_numbering(t: Target, source: DocxParts, body: list[Element]) -> None:
    if not source.has(NUMBERING):
        return
    theirs = source.xml(NUMBERING)
    abstract = {
        a.get(w("abstractNumId")): str(next(t.next_num)) for a in theirs.iter(w("abstractNum"))
    }
    nums = {n.get(w("numId")): str(next(t.next_num)) for n in theirs.iter(w("num"))}
    first_num = t.numbering.find(w("num"))
    for a in theirs.iter(w("abstractNum")):
        new = copy.deepcopy(a)
        new.set(w("abstractNumId"), abstract[a.get(w("abstractNumId"))])
        for nsid in new.findall(w("nsid")):
            new.remove(nsid)
        if first_num is not None:
            first_num.addprevious(new)  # every abstractNum before the first num (schema order)
        else:
            t.numbering.append(new)
    for n in theirs.iter(w("num")):
        new = copy.deepcopy(n)
        new.set(w("numId"), nums[n.get(w("numId"))])
        ref = new.find(w("abstractNumId"))
        if ref is not None:
            ref.set(w("val"), abstract.get(ref.get(w("val")), ref.get(w("val"))))
        t.numbering.append(new)
    by_style = _style_numbering(source)
    for top in body:
        for p in top.iter(w("p")):
            _number(p, nums, by_style)


def _number(p: Element, nums: dict[str, str], by_style: dict[str, tuple[str, str]]) -> None:
    ppr = p.find(w("pPr"))
    numpr = None if ppr is None else ppr.find(w("numPr"))
    if numpr is not None:
        num = numpr.find(w("numId"))
        if num is not None:
            num.set(w("val"), nums.get(num.get(w("val")), num.get(w("val"))))
        return
    style = None if ppr is None else ppr.find(w("pStyle"))
    found = None if style is None else by_style.get(style.get(w("val")))
    if ppr is None or style is None or found is None or found[0] not in nums:
        return
    numpr = etree.Element(w("numPr"))
    etree.SubElement(numpr, w("ilvl")).set(w("val"), found[1])
    etree.SubElement(numpr, w("numId")).set(w("val"), nums[found[0]])
    style.addnext(numpr)


def _rels_name(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels"


def _rels(parts: DocxParts, part: str) -> Element:
    name = _rels_name(part)
    if not parts.has(name):
        parts.set_xml(name, etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL}))
    return parts.xml(name)


def _copy_relationships(t: Target, source: DocxParts, part: str, elements: list[Element]) -> None:
    """Give every relationship id named in ``elements`` (from ``part`` of the source) a copy."""
    theirs = {r.get("Id"): r for r in _rels(source, part)} if source.has(_rels_name(part)) else {}
    ours = _rels(t.parts, part)
    taken = {r.get("Id") for r in ours}
    renamed: dict[str, str] = {}
    for el in (e for top in elements for e in top.iter()):
        for attr in _REL_ATTRS:
            old = el.get(attr)
            if old is None or old not in theirs:
                continue
            if old not in renamed:
                renamed[old] = next(
                    f"rIdPack{n}" for n in itertools.count(1) if f"rIdPack{n}" not in taken
                )
                taken.add(renamed[old])
                rel = copy.deepcopy(theirs[old])
                rel.set("Id", renamed[old])
                if rel.get("TargetMode") != "External":
                    rel.set("Target", _copy_part(t, source, part, rel.get("Target", "")))
                ours.append(rel)
            el.set(attr, renamed[old])


def _copy_part(t: Target, source: DocxParts, owner: str, target: str) -> str:
    """Copy the part ``target`` (relative to ``owner``) under a fresh name; return the new target."""
    folder = posixpath.dirname(owner)
    name = posixpath.normpath(posixpath.join(folder, target))
    stem, dot, ext = posixpath.basename(name).rpartition(".")
    new = posixpath.join(posixpath.dirname(name), f"pack{next(t.next_part)}-{stem}{dot}{ext}")
    t.parts.set_bytes(new, source.data(name))
    types = t.parts.xml("[Content_Types].xml")
    defaults = {d.get("Extension", "").lower() for d in types.iter(f"{{{CONTENT_TYPES}}}Default")}
    if ext.lower() not in defaults:
        for d in source.xml("[Content_Types].xml").iter(f"{{{CONTENT_TYPES}}}Default"):
            if d.get("Extension", "").lower() == ext.lower():
                types.insert(0, copy.deepcopy(d))
    return posixpath.relpath(new, folder)


def _copy_footnotes(t: Target, source: DocxParts, body: list[Element]) -> None:
    if not source.has(FOOTNOTES):
        return
    notes = {n.get(w("id")): n for n in source.xml(FOOTNOTES).iter(w("footnote"))}
    for top in body:
        for ref in top.iter(w("footnoteReference")):
            note = notes.get(ref.get(w("id")))
            if note is None:
                continue
            new = copy.deepcopy(note)
            new.set(w("id"), str(next(t.next_note)))
            ref.set(w("id"), new.get(w("id")))
            clean([new], 0)
            _copy_relationships(t, source, FOOTNOTES, [new])
            t.footnotes.append(new)


def clean(elements: list[Element], shift: int) -> None:
    """Drop bookmarks and comment marks; move headings ``shift`` levels down."""
    for top in elements:
        for el in list(top.iter(*_DROPPED, w("commentReference"))):
            holder = el.getparent()
            if el.tag == w("commentReference") and holder.tag == w("r"):
                el, holder = holder, holder.getparent()
            holder.remove(el)
        if shift:
            for style in top.iter(w("pStyle")):
                m = _HEADING.match(style.get(w("val"), ""))
                if m:
                    style.set(w("val"), f"Heading{min(9, int(m[1]) + shift)}")


def carry(t: Target, source: DocxParts, body: list[Element]) -> None:
    """Bring into ``t`` the styles, numbering, footnotes and relationships ``body`` names."""
    _copy_styles(t, source, body)
    _copy_numbering(t, source, body)
    _copy_footnotes(t, source, body)
    _copy_relationships(t, source, DOC, body)
