"""Walk one story part (body, header, footer, notes, comments) into paragraphs and revisions.

Every paragraph gets two texts: *before* (every tracked change rejected) and *after* (every
tracked change accepted). Text comes from ``w:t``/``w:delText``; ``w:tab``/``w:ptab`` give
"\\t", ``w:br``/``w:cr`` "\\n", ``w:noBreakHyphen`` "-", ``w:sym`` its character; field
instructions (``w:instrText``, ``w:delInstrText``, and anything between a field's ``begin`` and
``separate``) are not text, field results are. ``mc:AlternateContent`` is read through its first
``mc:Choice``; ``mc:Fallback`` is never read. Text boxes (``w:txbxContent``) become paragraphs of
their own, placed right after the paragraph that holds them.

Content is absent from *before* inside ``w:ins``/``w:moveTo`` (or an inserted row or cell) and
absent from *after* inside ``w:del``/``w:moveFrom`` (or a deleted row or cell).
"""

from __future__ import annotations

from typing import Any

from drafts.ooxml.namespaces import Element
from drafts.ooxml.read.revisions import KIND_TAGS, RawRevision, describe_property_change
from drafts.ooxml.read.runs import RunReader
from drafts.ooxml.read.story import (
    ALT,
    AUTHOR,
    BLOCK_CONTAINERS,
    BMSTART,
    CHOICE,
    CREND,
    CRSTART,
    DATE,
    ID,
    INS,
    MFRE,
    MFRS,
    MTRE,
    MTRS,
    NAME,
    NUMPR,
    PPR,
    PROPERTY_TAGS,
    PSTYLE,
    RPR,
    SDT,
    SDTCONTENT,
    SECTPR,
    TBL,
    TRACK,
    VAL,
    Anchor,
    P,
    Para,
    first_child,
)
from drafts.ooxml.read.tables import TableReader


class StoryWalker:
    """Read one story part; results in ``paragraphs``, ``revisions``, ``anchors``, ``note_refs``.

    ``revisions`` is shared by all parts of one document (so ``parent`` indices are global).
    ``root`` is the part's root: its revision elements are found once, in document order
    (``found``, for the sweep), and only the elements holding one (``holders``) are searched for
    property changes; the paragraphs with properties (``styled``) and the paragraph styles
    (``styles``, by ``w:pPr``) are found the same way, so the children of a ``w:pPr`` are read
    only when it or one of its children holds a revision (``busy``).
    Without it every properties element and every paragraph is searched. ``walked=False``: the
    part is only swept (styles, numbering), so neither set is made. ``fast=False``: the sets
    are not made either, so every element is read the long way and no run is gathered with its
    neighbours (``RunReader.inline``): the reference the shortcuts are tested against
    (tests/drafts/ooxml/read/test_reader_fast_paths.py).
    """

    def __init__(
        self,
        part: str,
        revisions: list[RawRevision],
        root: Element = None,
        walked: bool = True,
        fast: bool = True,
    ) -> None:
        self.part = part
        self.found: list[Element] = []
        self.holders: set[Element] | None = None
        self.busy: set[Element] | None = None
        self.styled: set[Element] | None = None
        self.styles: dict[Element, str | None] = {}
        if root is not None and not (walked and fast):
            self.found = list(root.iter(*KIND_TAGS))
        elif root is not None:  # one pass in C; the sets keep the proxies alive (identity)
            found = self.found
            styled: set[Element] = set()
            styles = self.styles
            for el in root.iter(PPR, PSTYLE, *KIND_TAGS):
                tag = el.tag
                if tag == PPR:
                    styled.add(el.getparent())
                elif tag == PSTYLE:
                    styles[el.getparent()] = el.get(VAL)  # the last one wins, as in a walk
                else:
                    found.append(el)
            self.styled = styled
            holders = self.holders = {el.getparent() for el in found}
            self.busy = holders | {el.getparent() for el in holders}
        self.paragraphs: list[Para] = []
        self.revisions = revisions
        self.anchors: dict[str, Anchor] = {}
        self.note_refs: list[tuple[str, str, bool, bool]] = []  # (kind, id, in before, after)
        self.seen: set[Element] = set()
        self.para: Para | None = None
        self.ins = 0  # depth of content absent from *before*
        self.dele = 0  # depth of content absent from *after*
        self.markup = 0
        self.code = 0  # number of open fields in their instruction part
        self.fields: list[bool] = []  # per open field: True while in its instruction part
        self.table = 0
        self.sdt = 0
        self.txbx = 0
        self.open_revs: list[int] = []  # indices of revisions collecting text
        self.open_anchors: list[Anchor] = []
        self.moves: dict[str, list[tuple[str, str]]] = {"from": [], "to": []}
        self.pending_bookmarks: list[str] = []
        self.deferred: list[tuple[Element, int, int]] = []
        self.containers = 0
        self.container = 0
        self.note_id: str | None = None
        self.comment_id: str | None = None
        self.gone_before = 0  # depth of inserted rows/cells (paragraphs absent from *before*)
        self.gone_after = 0  # depth of deleted rows/cells (paragraphs absent from *after*)
        self.tables = TableReader(self)
        self.runs = RunReader(self)

    def release(self) -> None:
        """Break the walker <-> inline/table reader cycle once the walk is over, so the part's
        tree and the walk's records are freed when the read returns (by reference counting),
        not at some later pass of the cyclic garbage collector, inside whatever runs then."""
        self.runs = self.tables = None  # type: ignore[assignment]

    # -- text emission ----------------------------------------------------------------------
    def emit(self, text: str) -> None:
        para = self.para
        if para is None or self.code or not text:
            return
        n = len(text)
        ins = self.ins
        dele = self.dele
        if not ins:
            para.before.append(text)
            para.blen += n
        if not dele:
            para.after.append(text)
            para.alen += n
        self.markup += n
        if self.open_revs:
            revs = self.revisions
            for i in self.open_revs:
                revs[i].text += text
        if self.open_anchors:
            for a in self.open_anchors:
                a.markup.append(text)
                if not ins:
                    a.before.append(text)
                if not dele:
                    a.after.append(text)

    # -- revisions --------------------------------------------------------------------------
    def record(self, el: Element, kind: str, collect: bool = False, **flags: Any) -> int:
        """Record revision element ``el``; return its index. ``collect``: gather its text."""
        self.seen.add(el)
        para = self.para
        open_revs = self.open_revs
        get = el.get
        markup = self.markup
        if para is None:
            index = blen = alen = None
        elif flags and (flags.get("on_table_row") or flags.get("on_table_cell")):
            index, blen, alen = para.index, None, None
        else:
            index, blen, alen = para.index, para.blen, para.alen
        rev = RawRevision(  # positional, in field order; ``flags`` set after
            kind, get(ID), get(AUTHOR), get(DATE), self.part, index, blen, blen, alen, alen,
            False, False, False, False, self.table > 0, bool(self.fields), self.sdt > 0,
            self.txbx > 0, None, None, open_revs[-1] if open_revs else None, "", markup, markup, el,
        )  # fmt: skip
        if flags:
            for name, value in flags.items():
                setattr(rev, name, value)
        revisions = self.revisions
        revisions.append(rev)
        i = len(revisions) - 1
        if collect:
            open_revs.append(i)
        return i

    def close(self, index: int) -> None:
        self.open_revs.remove(index)
        rev = self.revisions[index]
        rev.m_end = self.markup
        para = self.para
        if para is not None and rev.start_before is not None and rev.paragraph == para.index:
            rev.end_before = para.blen
            rev.end_after = para.alen

    def holds(self, el: Element) -> bool:
        """Whether ``el`` may have revision elements among its children."""
        return self.holders is None or el in self.holders

    def props(self, props: Element) -> None:
        """Record property-change revisions that are children of a properties element."""
        if self.holds(props):
            for child in props:
                if child.tag in PROPERTY_TAGS:
                    self.property_change(child)

    def property_change(self, el: Element) -> int:
        """Record property-change element ``el`` with its description; return its index."""
        i = self.record(el, KIND_TAGS[el.tag])
        self.revisions[i].text = describe_property_change(el)
        return i

    def track(self, el: Element, kind: str, body: Any) -> None:
        """Walk ``body(el)`` (``block`` or ``inline``) inside tracked-change wrapper ``el``."""
        if kind in ("moveFrom", "moveTo"):
            i = self.record(el, kind, collect=True, move=self.move_name(kind))
        else:
            i = self.record(el, kind, collect=True)
        absent_before = kind in ("ins", "moveTo")
        if absent_before:
            self.ins += 1
        else:
            self.dele += 1
        body(el)
        if absent_before:
            self.ins -= 1
        else:
            self.dele -= 1
        self.close(i)

    def move_name(self, kind: str) -> str | None:
        stack = self.moves["from" if kind == "moveFrom" else "to"]
        return stack[-1][1] if stack else None

    # -- markers ----------------------------------------------------------------------------
    def marker(self, el: Element, tag: str) -> bool:
        """Handle range markers; return False if ``el`` is not one."""
        if tag == BMSTART:
            name = el.get(NAME)
            if name:
                if self.para is not None:
                    self.para.bookmarks.append(name)
                else:
                    self.pending_bookmarks.append(name)
        elif tag == CRSTART:
            cid = el.get(ID, "")
            para = self.para
            if para is not None:
                a = Anchor(cid, self.part, para.index, para.blen, para.alen)
            else:
                a = Anchor(cid, self.part, len(self.paragraphs), 0, 0)
            self.anchors[cid] = a
            self.open_anchors.append(a)
        elif tag == CREND:
            self.end_anchor(el.get(ID, ""))
        elif tag in (MFRS, MTRS):
            stack = self.moves["from" if tag == MFRS else "to"]
            stack.append((el.get(ID, ""), el.get(NAME, "")))
        elif tag in (MFRE, MTRE):
            stack = self.moves["from" if tag == MFRE else "to"]
            rid = el.get(ID, "")
            self.moves["from" if tag == MFRE else "to"] = [s for s in stack if s[0] != rid]
        else:
            return False
        return True

    def end_anchor(self, cid: str) -> None:
        a = self.anchors.get(cid)
        if a is None or a not in self.open_anchors:
            return
        self.open_anchors.remove(a)
        a.end(self.para, self.paragraphs)

    # -- block level ------------------------------------------------------------------------
    def walk(self, root: Element) -> None:
        """Walk a story root (``w:body``, ``w:hdr``, ``w:ftr``, a note or a comment)."""
        self.block(root)
        for a in list(self.open_anchors):
            self.end_anchor(a.id)

    def block(self, container: Element) -> None:
        self.containers += 1
        saved, self.container = self.container, self.containers
        for child in container:
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.tables.tbl(child)
            elif tag == SDT:
                self.sdt += 1
                content = first_child(child, SDTCONTENT)
                if content is not None:
                    self.block(content)
                self.sdt -= 1
            elif tag in BLOCK_CONTAINERS:
                self.block(child)
            elif tag == ALT:
                choice = first_child(child, CHOICE)
                if choice is not None:
                    self.block(choice)
            elif tag == SECTPR:
                self.props(child)
            elif tag in TRACK:
                self.track(child, TRACK[tag], self.block)
            else:
                self.marker(child, tag)
        self.container = saved

    # -- paragraphs -------------------------------------------------------------------------
    def paragraph(self, p: Element) -> None:
        bookmarks: list[str] = []
        if self.pending_bookmarks:
            bookmarks.extend(self.pending_bookmarks)
            self.pending_bookmarks.clear()
        para = Para(  # positional, in field order (one call, no default factories)
            len(self.paragraphs), self.container, [], [], 0, 0, bookmarks, None, self.table > 0,
            self.txbx > 0, self.note_id, self.comment_id, None, not self.gone_before,
            not self.gone_after,
        )  # fmt: skip
        self.paragraphs.append(para)
        self.para = para
        if self.open_revs:  # row revisions get the first paragraph of their row
            for i in self.open_revs:
                rev = self.revisions[i]
                if rev.paragraph is None and (rev.on_table_row or rev.on_table_cell):
                    rev.paragraph = para.index
        ppr = None
        if len(p) and (self.styled is None or p in self.styled):
            first = p[0]  # pPr comes first; searched for only when it does not
            ppr = first if first.tag == PPR else next(p.iterchildren(PPR), None)
        marks: list[Element] = []
        if ppr is not None and self.busy is not None and ppr not in self.busy:
            para.style = self.styles.get(ppr)  # no revision in or under it: only its style
        elif ppr is not None:
            own: list[Element] = []  # pPrChange: recorded after what the children hold
            for child in ppr:
                tag = child.tag
                if tag == PSTYLE:
                    para.style = child.get(VAL)
                elif tag == RPR and self.holds(child):
                    for m in child:
                        mtag = m.tag
                        if mtag in TRACK:
                            marks.append(m)
                        elif mtag in PROPERTY_TAGS:
                            self.property_change(m)
                elif tag == NUMPR:
                    for m in child:
                        if m.tag == INS:
                            self.record(m, "ins", on_numbering=True)
                        elif m.tag in KIND_TAGS:
                            i = self.record(m, KIND_TAGS[m.tag], on_numbering=True)
                            self.revisions[i].text = describe_property_change(m)
                elif tag == SECTPR:
                    self.props(child)
                elif tag in PROPERTY_TAGS:
                    own.append(child)
            for child in own:
                self.property_change(child)
        self.runs.inline(p)
        self.end_paragraph(para, marks)
        text = "".join(para.before)
        para.text_before = text  # the same pieces (no change in it): joined once
        para.text_after = text if para.after == para.before else "".join(para.after)
        self.para = None
        if self.deferred:
            deferred, self.deferred = self.deferred, []
            for box, ins, dele in deferred:
                saved = (self.ins, self.dele)
                self.ins, self.dele = ins, dele
                self.txbx += 1
                self.block(box)
                self.txbx -= 1
                self.ins, self.dele = saved

    def end_paragraph(self, para: Para, marks: list[Element]) -> None:
        """Close a paragraph: record paragraph-mark revisions and emit its "\\n"."""
        mark_ins = self.ins > 0
        mark_del = self.dele > 0
        opened: list[int] = []
        has_ins = has_del = False
        for m in marks:
            kind = TRACK[m.tag]
            flags: dict[str, Any] = {"on_paragraph_mark": True}
            if kind in ("moveFrom", "moveTo"):
                flags["move"] = self.move_name(kind) or self._recent_move(kind)
            i = self.record(m, kind, collect=True, **flags)
            opened.append(i)
            if kind in ("ins", "moveTo"):
                mark_ins = has_ins = True
            else:
                mark_del = has_del = True
        if has_ins or has_del:
            para.mark = "ins-del" if has_ins and has_del else ("ins" if has_ins else "del")
        self.markup += 1
        for i in opened:
            self.revisions[i].text += "\n"
        for i in self.open_revs:
            if i not in opened:
                self.revisions[i].text += "\n"
        for a in self.open_anchors:
            a.markup.append("\n")
            if not mark_ins:
                a.before.append("\n")
            if not mark_del:
                a.after.append("\n")
        for i in opened:
            self.close(i)

    def _recent_move(self, kind: str) -> str | None:
        for rev in reversed(self.revisions):
            if rev.kind == kind and rev.part == self.part and rev.move:
                return rev.move
        return None
