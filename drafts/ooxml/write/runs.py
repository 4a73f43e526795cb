"""Runs and paragraphs for the annotation writer: find, measure, split and wrap text runs.

A paragraph's *current text* is what a reader sees with every tracked change accepted: the text
of its runs that are not inside ``w:del``/``w:moveFrom`` (``w:t`` gives its text, ``w:tab`` "\\t",
``w:br``/``w:cr`` "\\n", ``w:noBreakHyphen`` "-"; anything else counts as no text). Offsets are
code points into that text. ``isolate(p, start, end)`` splits runs (and the tracked-change
containers that hold them) so that whole runs cover exactly ``[start, end)`` and returns them;
run properties are copied into both halves of a split run. ``IdSource`` hands out ``w:id``
values unique across comments, bookmarks and revisions, and unique ``w14:paraId`` values.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from drafts.ooxml.namespaces import W14, Element, w

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


P, R, T, RPR, PPR = w("p"), w("r"), w("t"), w("rPr"), w("pPr")
INS, DEL, MOVEFROM, MOVETO = w("ins"), w("del"), w("moveFrom"), w("moveTo")
DELETED = {DEL, MOVEFROM}
INSERTED = {INS, MOVETO}
_CHAR = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}
PARA_ID, TEXT_ID = f"{{{W14}}}paraId", f"{{{W14}}}textId"


def sub(parent: Element, tag: str, **attrs: str) -> Element:
    """Append a ``w:tag`` child with ``w:``-namespaced attributes; return it."""
    return etree.SubElement(parent, w(tag), {w(k): v for k, v in attrs.items()})


def make(tag: str, **attrs: str) -> Element:
    """Return a new ``w:tag`` element with ``w:``-namespaced attributes."""
    return etree.Element(w(tag), {w(k): v for k, v in attrs.items()})


def text_run(text: str, rpr: Element | None = None, tag: str = "t") -> Element:
    """Return ``<w:r>[rPr]<w:t xml:space="preserve">text</w:t></w:r>`` (tag may be delText)."""
    r = make("r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    t = sub(r, tag)
    t.text = text
    t.set(XML_SPACE, "preserve")
    return r


def piece_text(el: Element) -> str:
    """Return the text one child of a run contributes (empty for non-text children)."""
    if el.tag == T:
        return el.text or ""
    return _CHAR.get(el.tag, "")


def run_text(r: Element) -> str:
    """Return the text of one run."""
    return "".join(piece_text(c) for c in r if c.tag != RPR)


def owning_paragraph(el: Element) -> Element | None:
    """Return the nearest ``w:p`` ancestor of ``el``."""
    parent = el.getparent()
    while parent is not None and parent.tag != P:
        parent = parent.getparent()
    return parent


def _visible(r: Element, p: Element) -> bool:
    node = r.getparent()
    while node is not None and node is not p:
        if node.tag in DELETED or node.tag == P:
            return False
        node = node.getparent()
    return node is p


def text_runs(p: Element) -> list[Element]:
    """Return the runs of ``p`` that belong to its current text, in document order."""
    return [r for r in p.iter(R) if _visible(r, p)]


def spans(p: Element) -> list[tuple[Element, int, int]]:
    """Return ``(run, start, end)`` for every current run of ``p``."""
    out, pos = [], 0
    for r in text_runs(p):
        n = len(run_text(r))
        out.append((r, pos, pos + n))
        pos += n
    return out


def paragraph_text(p: Element) -> str:
    """Return the current text of ``p``."""
    return "".join(run_text(r) for r in text_runs(p))


def _split_container(first: Element, second: Element, ids: IdSource) -> None:
    """If two sibling runs sit in one ins/moveTo, give ``second`` and what follows a copy."""
    parent = first.getparent()
    if parent is None or parent.tag not in INSERTED or parent is not second.getparent():
        return
    twin = copy.deepcopy(parent)
    for child in list(twin):
        twin.remove(child)
    twin.set(w("id"), ids.next())
    following = list(parent)[parent.index(second) :]
    for child in following:
        twin.append(child)
    parent.addnext(twin)


def split_run(r: Element, offset: int, ids: IdSource) -> None:
    """Split run ``r`` at ``offset`` (0 < offset < len) into two runs with the same properties."""
    right = copy.deepcopy(r)
    for run, keep_left in ((r, True), (right, False)):
        pos = 0
        for child in [c for c in run if c.tag != RPR]:
            n = len(piece_text(child))
            start, end = pos, pos + n
            pos = end
            if start < offset < end:  # only a w:t can straddle the offset
                cut = offset - start
                child.text = (child.text or "")[:cut] if keep_left else (child.text or "")[cut:]
                child.set(XML_SPACE, "preserve")
            elif (start < offset) != keep_left:
                run.remove(child)
    r.addnext(right)
    _split_container(r, right, ids)


def cut_at(p: Element, offset: int, ids: IdSource) -> None:
    """Make ``offset`` fall on a run boundary of ``p``."""
    for r, start, end in spans(p):
        if start < offset < end:
            split_run(r, offset - start, ids)
            return


def isolate(p: Element, start: int, end: int, ids: IdSource) -> list[Element]:
    """Split runs so whole runs cover ``[start, end)`` of ``p``'s text; return those runs."""
    cut_at(p, start, ids)
    cut_at(p, end, ids)
    return [r for r, s, e in spans(p) if start <= s and e <= end and (s < e or start < s < end)]


def anchor_after(r: Element, ids: IdSource) -> Element:
    """Return the element after which new content goes to follow run ``r``.

    A run inside someone's insertion: the insertion is split after the run and returned, so
    new content never nests inside another ``w:ins``.
    """
    parent = r.getparent()
    if parent.tag in INSERTED:
        later = r.getnext()
        if later is not None:
            _split_container(r, later, ids)
        return parent
    return r


def insert_at(p: Element, offset: int, new: Element, ids: IdSource) -> None:
    """Place ``new`` at ``offset`` of ``p``'s current text (after the run that ends there)."""
    cut_at(p, offset, ids)
    runs = spans(p)
    before = [r for r, s, e in runs if e == offset and s < e]
    if before:
        anchor_after(before[-1], ids).addnext(new)
    elif runs:
        first = runs[0][0]
        (first.getparent() if first.getparent().tag in INSERTED else first).addprevious(new)
    else:
        starts = [c for c in p if c.tag in (PPR, w("bookmarkStart"))]
        if starts:
            starts[-1].addnext(new)
        else:
            p.insert(0, new)


def to_deleted(r: Element) -> None:
    """Turn the text of a run into deleted text (``w:delText``, ``w:delInstrText``)."""
    for child in r:
        if child.tag == T:
            child.tag = w("delText")
            child.set(XML_SPACE, "preserve")
        elif child.tag == w("instrText"):
            child.tag = w("delInstrText")


def wrap(runs: Iterable[Element], make_wrapper: Any) -> list[Element]:
    """Wrap runs in containers, one per group of adjacent siblings; return the containers."""
    out: list[Element] = []
    for r in runs:
        prev = r.getprevious()
        if out and prev is out[-1]:
            prev.append(r)
            continue
        box = make_wrapper()
        r.addprevious(box)
        box.append(r)
        out.append(box)
    return out


@dataclass
class IdSource:
    """Fresh ``w:id`` values (above every id in the package) and fresh ``w14:paraId`` values."""

    next_id: int = 0
    para_ids: set[str] = field(default_factory=set)
    _para_seed: int = 0x1A2B3C4D

    @classmethod
    def scan(cls, roots: Iterable[Element]) -> IdSource:
        """Start above every numeric ``w:id`` and avoid every paraId found in ``roots``."""
        top, paras = -1, set()
        for root in roots:
            for el in root.iter():
                value = el.get(w("id")) if isinstance(el.tag, str) else None
                if value is not None and value.lstrip("-").isdigit():
                    top = max(top, int(value))
                if isinstance(el.tag, str) and el.get(PARA_ID):
                    paras.add(el.get(PARA_ID).upper())
        return cls(next_id=top + 1, para_ids=paras)

    def next(self) -> str:
        """Return a fresh ``w:id``."""
        self.next_id += 1
        return str(self.next_id - 1)

    def move_name(self) -> str:
        """Return a fresh move name, like Word's ``move123456789``."""
        return f"move{int(self.para_id(), 16) % 1_000_000_000:09d}"

    def para_id(self) -> str:
        """Return a fresh paraId: 8 hex digits, below 0x80000000 as MS-DOCX requires."""
        while True:
            self._para_seed = (self._para_seed * 1103515245 + 12345) % 0x7FFFFFFF
            value = f"{max(self._para_seed, 1):08X}"
            if value not in self.para_ids:
                self.para_ids.add(value)
                return value
