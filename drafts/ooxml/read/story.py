"""What a story walk reads and produces: ``w:`` tag names, the paragraph and comment-anchor
records (``Para``, ``Anchor``) that ``drafts.ooxml.read.text.StoryWalker`` fills in, and
``Walker``: what the inline and table readers (``runs``, ``tables``) use of the walker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from drafts.ooxml.namespaces import MC, Element, M, w
from drafts.ooxml.read.revisions import KIND_TAGS, PROPERTY_KINDS, RawRevision

P, R, T, DELTEXT, TBL, TR, TC, SDT, SDTCONTENT = map(
    w, ["p", "r", "t", "delText", "tbl", "tr", "tc", "sdt", "sdtContent"]
)
PPR, RPR, TCPR, TRPR, TBLPR, TBLGRID, TBLPREX, SECTPR = map(
    w, ["pPr", "rPr", "tcPr", "trPr", "tblPr", "tblGrid", "tblPrEx", "sectPr"]
)
INS, DEL, MOVEFROM, MOVETO = map(w, ["ins", "del", "moveFrom", "moveTo"])
TAB, PTAB, BR, CR, NBH, SOFTH, SYM = map(
    w, ["tab", "ptab", "br", "cr", "noBreakHyphen", "softHyphen", "sym"]
)
FLDCHAR, INSTR, DELINSTR, FLDSIMPLE = map(w, ["fldChar", "instrText", "delInstrText", "fldSimple"])
BMSTART, CRSTART, CREND, CREF = map(
    w, ["bookmarkStart", "commentRangeStart", "commentRangeEnd", "commentReference"]
)
MFRS, MFRE, MTRS, MTRE = map(
    w, ["moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"]
)
FNREF, ENREF, TXBX, PSTYLE, NUMPR = map(
    w, ["footnoteReference", "endnoteReference", "txbxContent", "pStyle", "numPr"]
)
CELLKINDS = {w("cellIns"): "cellIns", w("cellDel"): "cellDel", w("cellMerge"): "cellMerge"}
ALT, CHOICE, FALLBACK = f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice", f"{{{MC}}}Fallback"
MATH_T = f"{{{M}}}t"
INLINE_CONTAINERS = {w(t) for t in ("hyperlink", "smartTag", "customXml", "dir", "bdo")} | {
    FLDSIMPLE
}
BLOCK_CONTAINERS = {w("customXml")}
TRACK = {INS: "ins", DEL: "del", MOVEFROM: "moveFrom", MOVETO: "moveTo"}
PROPERTY_TAGS = {tag: kind for tag, kind in KIND_TAGS.items() if kind in PROPERTY_KINDS}
TEXT_TAGS = (T, DELTEXT)
MATH_PREFIX = "{" + M
ID, AUTHOR, DATE, NAME, VAL = map(w, ["id", "author", "date", "name", "val"])


@dataclass(slots=True)
class Para:
    """One paragraph being read; ``before``/``after`` hold the pieces of its two texts.

    ``text_before``/``text_after`` are those pieces joined, set once the paragraph is closed.
    """

    index: int
    container: int
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    blen: int = 0
    alen: int = 0
    bookmarks: list[str] = field(default_factory=list)
    style: str | None = None
    in_table: bool = False
    in_text_box: bool = False
    note_id: str | None = None
    comment_id: str | None = None
    mark: str | None = None
    in_before: bool = True
    in_after: bool = True
    text_before: str = ""
    text_after: str = ""


@dataclass
class Anchor:
    """A comment range as found in a story part."""

    id: str
    part: str
    start_paragraph: int
    start_before: int
    start_after: int
    end_paragraph: int | None = None
    end_before: int | None = None
    end_after: int | None = None
    markup: list[str] = field(default_factory=list)
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    has_range: bool = True

    def end(self, para: Para | None, paragraphs: list[Para]) -> None:
        """End the range in ``para`` as far as it is read, or, between paragraphs, after the
        last of ``paragraphs`` (without the "\\n" that ends it), or where it started when there
        is none."""
        if para is not None:
            self.end_paragraph, self.end_before, self.end_after = para.index, para.blen, para.alen
        elif paragraphs:
            last = paragraphs[-1]
            self.end_paragraph, self.end_before, self.end_after = last.index, last.blen, last.alen
            for pieces in (self.markup, self.before, self.after):
                if pieces and pieces[-1] == "\n":
                    pieces.pop()
        else:
            self.end_paragraph, self.end_before, self.end_after = self.start_paragraph, 0, 0


class Walker(Protocol):
    """The state and steps of a story walk that the inline and table readers share."""

    para: Para | None
    paragraphs: list[Para]
    holders: set[Element] | None
    revisions: list[RawRevision]
    note_refs: list[tuple[str, str, bool, bool]]
    deferred: list[tuple[Element, int, int]]
    fields: list[bool]
    ins: int
    dele: int
    code: int
    table: int
    sdt: int
    gone_before: int
    gone_after: int

    def emit(self, text: str) -> None: ...
    def record(self, el: Element, kind: str, collect: bool = False, **flags: Any) -> int: ...
    def close(self, index: int) -> None: ...
    def holds(self, el: Element) -> bool: ...
    def props(self, props: Element) -> None: ...
    def property_change(self, el: Element) -> int: ...
    def track(self, el: Element, kind: str, body: Any) -> None: ...
    def marker(self, el: Element, tag: str) -> bool: ...
    def block(self, container: Element) -> None: ...


def first_child(el: Element, tag: str) -> Element | None:
    """``el.find(tag)`` for one Clark-notation tag (the first child so named), without the
    path machinery: the wanted child usually comes first (properties, ``sdtContent``)."""
    first = next(iter(el), None)
    if first is None or first.tag == tag:
        return first
    return next(el.iterchildren(tag), None)


def symbol_char(char: str | None) -> str:
    """Best effort for ``w:sym``: symbol-font code points F0xx map to their low byte."""
    if not char:
        return ""
    try:
        code = int(char, 16)
    except ValueError:
        return ""
    if 0xF000 <= code <= 0xF0FF:
        code -= 0xF000
    return chr(code) if code >= 0x20 else ""
