"""The text pass: a story part read by one compiled XSLT (libxslt, in C), not element by element.

``StoryWalker`` (``text.py``) visits every element of a part in Python; on a chapter of 400
paragraphs that is most of the read. ``pass_story`` reads the common parts instead with one
transformation in C, which prints the part as one string: each paragraph's text (``w:t``,
``w:delText``; ``w:tab``/``w:ptab`` "\\t", ``w:br``/``w:cr`` "\\n", ``w:noBreakHyphen`` "-")
with control-character markers where a tracked insertion or deletion starts or ends, a comment
range starts or ends, a bookmark starts, a note is referenced. No such character can occur in
the part's text (XML 1.0 forbids them, and the parser refuses them), so the string splits
without ambiguity. Python then works per paragraph (a paragraph without a marker is one
``str.split`` piece: its two texts are that piece) and per marker, never per run.

It reads only what it can read exactly as the walker does; on anything else it prints the
refusal mark and the part goes to ``StoryWalker`` whole (``pass_story`` returns None):

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

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from drafts.ooxml.namespaces import MC, Element, M, W
from drafts.ooxml.read.revisions import KIND_TAGS, RawRevision, ascii_tags
from drafts.ooxml.read.story import AUTHOR, DATE, ID, Anchor, Para


class Markers(NamedTuple):
    """The characters the pass prints around what is not text (one character each)."""

    chunk: str  # starts a paragraph, or a block-level marker when ``block`` follows
    head: str  # ends a paragraph's header (its style)
    mark: str  # starts an inline marker: ``mark``, a code letter, its value, ``end``
    end: str
    block: str


#: control characters: not XML 1.0 characters, so never in a part's text or attributes; the
#: stylesheet cannot spell them, so it makes them once (``str:decode-uri``) and prints variables
CONTROL = Markers("\x01", "\x02", "\x03", "\x04", "\x05")
#: a carriage return and a letter: a parser turns every line end into "\n" (XML 1.0, 2.11) and
#: normalises attribute values, so a parsed part holds a carriage return only where its bytes
#: spell one as a character reference; the stylesheet prints these as literal text, which
#: libxslt does faster than variables, and the string stays ASCII where the text is (decoded
#: several times faster). Taken only for a part whose bytes have no ``&#`` (``marker_free``).
LITERAL = Markers(*("\r" + letter for letter in "PHMEB"))


def marker_free(data: bytes) -> bool:
    """Whether the parsed XML ``data`` cannot hold a carriage return (``LITERAL``) in its text
    or attributes: its tags are ASCII bytes (``revisions.ascii_tags``: UTF-8 or ASCII) and no
    character reference (``&#``) is in it."""
    return b"&#" not in data and ascii_tags(data)


def _stylesheet(markers: Markers) -> bytes:
    """The pass's stylesheet printing ``markers`` (``CONTROL`` through variables)."""
    literal = markers != CONTROL
    names = Markers._fields

    def put(name: str) -> str:
        if literal:
            return f"<xsl:text>&#13;{getattr(markers, name)[1:]}</xsl:text>"
        return f'<xsl:value-of select="${name}"/>'

    variables = (
        ""
        if literal
        else "".join(
            f'<xsl:variable name="{n}" select="str:decode-uri(\'%{ord(c):02X}\')"/>'
            for n, c in zip(names, markers, strict=True)
        )
    )

    def marker(code: str, value: str, block: bool = False) -> str:
        if block:
            return put("chunk") + put("block") + f"<xsl:text>{code}</xsl:text>{value}"
        return put("mark") + f"<xsl:text>{code}</xsl:text>{value}" + put("end")

    ident = '<xsl:value-of select="@w:id"/>'
    name = '<xsl:value-of select="@w:name"/>'
    refuse = '<xsl:message terminate="yes">refused</xsl:message>'
    return f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
 xmlns:w="{W}" xmlns:mc="{MC}" xmlns:m="{M}" xmlns:str="http://exslt.org/strings"
 extension-element-prefixes="str">
<xsl:output method="text" encoding="UTF-8"/>
{variables}
<xsl:template match="/w:document"><xsl:apply-templates select="w:body[1]/*" mode="b"/></xsl:template>
<xsl:template match="/w:hdr|/w:ftr"><xsl:apply-templates mode="b"/></xsl:template>
<xsl:template match="/w:comments"><xsl:for-each select="w:comment">{
        marker("c", ident, block=True)
    }<xsl:apply-templates mode="b"/></xsl:for-each></xsl:template>
<xsl:template match="/*" priority="-1">{refuse}</xsl:template>

<xsl:template match="w:p" mode="b">{put("chunk")}<xsl:for-each
 select="w:pPr[1]/w:pStyle[last()]/@w:val">=<xsl:value-of select="."/></xsl:for-each>{
        put("head")
    }<xsl:apply-templates mode="i"/></xsl:template>
<xsl:template match="w:bookmarkStart[@w:name != '']" mode="b">{
        marker("b", name, block=True)
    }</xsl:template>
<xsl:template match="w:commentRangeStart" mode="b">{marker("s", ident, block=True)}</xsl:template>
<xsl:template match="w:commentRangeEnd" mode="b">{marker("e", ident, block=True)}</xsl:template>
<xsl:template match="w:tbl|w:sdt|w:customXml|mc:AlternateContent|w:ins|w:del|w:moveFrom|w:moveTo"
 mode="b">{refuse}</xsl:template>
<xsl:template match="*" mode="b"/>

<xsl:template match="w:r" mode="i"><xsl:apply-templates mode="r"/></xsl:template>
<xsl:template match="w:ins" mode="i">{marker("i", "")}<xsl:apply-templates
 mode="i"/>{marker("x", "")}</xsl:template>
<xsl:template match="w:del" mode="i">{marker("d", "")}<xsl:apply-templates
 mode="i"/>{marker("x", "")}</xsl:template>
<xsl:template match="w:hyperlink|w:smartTag|w:customXml|w:dir|w:bdo|w:fldSimple"
 mode="i"><xsl:apply-templates mode="i"/></xsl:template>
<xsl:template match="w:bookmarkStart[@w:name != '']" mode="i">{marker("b", name)}</xsl:template>
<xsl:template match="w:commentRangeStart" mode="i">{marker("s", ident)}</xsl:template>
<xsl:template match="w:commentRangeEnd" mode="i">{marker("e", ident)}</xsl:template>
<xsl:template match="w:sdt|w:moveFrom|w:moveTo|mc:AlternateContent|m:*" mode="i">{
        refuse
    }</xsl:template>
<xsl:template match="*" mode="i"/>

<xsl:template match="w:t|w:delText" mode="r"><xsl:apply-templates mode="t"/></xsl:template>
<xsl:template match="*|comment()|processing-instruction()" mode="t">{refuse}</xsl:template>
<xsl:template match="text()" mode="b"/>
<xsl:template match="text()" mode="i"/>
<xsl:template match="text()" mode="r"/>
<xsl:template match="w:tab|w:ptab" mode="r"><xsl:text>&#9;</xsl:text></xsl:template>
<xsl:template match="w:br|w:cr" mode="r"><xsl:text>&#10;</xsl:text></xsl:template>
<xsl:template match="w:noBreakHyphen" mode="r"><xsl:text>-</xsl:text></xsl:template>
<xsl:template match="w:footnoteReference" mode="r">{marker("f", ident)}</xsl:template>
<xsl:template match="w:endnoteReference" mode="r">{marker("n", ident)}</xsl:template>
<xsl:template match="w:rPr|w:instrText|w:delInstrText|w:softHyphen|w:commentReference"
 mode="r"/>
<xsl:template match="w:fldChar|w:sym|mc:AlternateContent" mode="r">{refuse}</xsl:template>
<xsl:template match="*" mode="r"><xsl:if test=".//w:txbxContent">{refuse}</xsl:if></xsl:template>
</xsl:stylesheet>""".encode()


_TRANSFORMS = {m: etree.XSLT(etree.XML(_stylesheet(m))) for m in (CONTROL, LITERAL)}
_INLINE_REVISIONS = {f"{{{W}}}ins", f"{{{W}}}del"}
_ROOTS = {f"{{{W}}}{name}" for name in ("document", "hdr", "ftr", "comments")}
#: elements that make the stylesheet refuse a part (or that it would stop at in most places),
#: looked for first by one scan in C that stops at the first one found
_SENT_TO_THE_WALKER = (
    *(f"{{{W}}}{name}" for name in ("tbl", "sdt", "fldChar", "sym", "txbxContent")),
    f"{{{MC}}}AlternateContent",
    f"{{{M}}}oMath",
    f"{{{M}}}oMathPara",
)
#: where an ins/del the pass reads may sit: a paragraph or an inline container (or another one)
_INLINE_PARENTS = _INLINE_REVISIONS | {
    f"{{{W}}}{name}"
    for name in ("p", "hyperlink", "smartTag", "customXml", "dir", "bdo", "fldSimple")
}


@dataclass
class PassedStory:
    """One story part read by the pass: what ``StoryWalker`` gives the reader of a part."""

    part: str
    paragraphs: list[Para] = field(default_factory=list)
    anchors: dict[str, Anchor] = field(default_factory=dict)
    note_refs: list[tuple[str, str, bool, bool]] = field(default_factory=list)

    def release(self) -> None:
        """Nothing to release: the pass keeps no element and no cycle."""


def pass_story(
    part: str,
    root: Element,
    revisions: list[RawRevision],
    comment_ids: list[str] | None = None,
    literal: bool = False,
) -> PassedStory | None:
    """Read story part ``part`` (parsed ``root``) as ``StoryWalker`` would, appending its
    revisions to ``revisions``; None (``revisions`` untouched) when the part holds anything the
    pass does not read (module docstring). ``comment_ids``: for a comments part, the ids of its
    comments in file order (``comments.comment_elements``); its paragraphs carry them.
    ``literal``: the part's bytes are ``marker_free``, so the faster ``LITERAL`` markers serve."""
    if root.tag not in _ROOTS:
        return None
    # one scan in C, before the transformation (which first indexes every element): the
    # revision elements, in document order as the pass prints them, and anything it refuses
    found = list(root.iter(*_SENT_TO_THE_WALKER, *KIND_TAGS))
    for el in found:
        if el.tag not in _INLINE_REVISIONS or el.getparent().tag not in _INLINE_PARENTS:
            return None  # a table, a field ..., a property change, a move, a tracked mark
    markers = LITERAL if literal else CONTROL
    try:
        out = bytes(_TRANSFORMS[markers](root)).decode()
    except etree.XSLTApplyError:  # the stylesheet stopped at something it does not read
        return None
    chunks = out.split(markers.chunk)
    if comment_ids is not None:
        comment = markers.block + "c"
        ids = [c[len(comment) :] for c in chunks if c.startswith(comment)]
        if ids != comment_ids:
            return None
    start = len(revisions)
    story = _Assembler(part, revisions, comment_ids is not None, markers, found).run(chunks)
    if len(revisions) - start != len(found):
        del revisions[start:]  # an ins/del the pass did not print (a paragraph mark, ...)
        return None
    return story


class _Assembler:
    """Turn the pass's string, split into chunks, into paragraphs, revisions and anchors."""

    def __init__(
        self,
        part: str,
        revisions: list[RawRevision],
        comments: bool,
        markers: Markers,
        found: list[Element],
    ) -> None:
        self.markers = markers
        self.found = found  # the part's revision elements: the k-th ins/del printed is found[k]
        self.start = len(revisions)
        self.story = PassedStory(part)
        self.part = part
        self.revisions = revisions
        self.markup = 0  # length of the markup stream (all text, one "\n" per paragraph end)
        self.open_anchors: list[Anchor] = []
        self.pending_bookmarks: list[str] = []
        self.comment_id: str | None = None
        self.container = 0 if comments else 1  # walked per comment, else the root's own block

    def run(self, chunks: list[str]) -> PassedStory:
        paragraphs = self.story.paragraphs
        block, head_end, mark = self.markers.block, self.markers.head, self.markers.mark
        for chunk in chunks[1:]:
            if chunk.startswith(block):
                self.block_marker(chunk[len(block)], chunk[len(block) + 1 :])
                continue
            head, _, body = chunk.partition(head_end)
            style = head[1:] if head else None  # "=" and the last w:pStyle's w:val
            bookmarks: list[str] = []
            if self.pending_bookmarks:
                bookmarks.extend(self.pending_bookmarks)
                self.pending_bookmarks.clear()
            if mark not in body and not self.open_anchors:
                n = len(body)
                para = Para(  # positional, in field order
                    len(paragraphs), self.container, [body], [body], n, n, bookmarks, style,
                    False, False, None, self.comment_id, None, True, True, body, body,
                )  # fmt: skip
                paragraphs.append(para)
                self.markup += n + 1
                continue
            if (
                not self.open_anchors
                and body.count(mark) == 2
                and self.one_change(body.split(mark), len(paragraphs), bookmarks, style)
            ):
                continue
            para = Para(
                len(paragraphs), self.container, [], [], 0, 0, bookmarks, style, False, False,
                None, self.comment_id, None, True, True,
            )  # fmt: skip
            paragraphs.append(para)
            self.paragraph(para, body)
        for a in list(self.open_anchors):
            self.end_anchor(a.id, None)
        return self.story

    def one_change(
        self, pieces: list[str], index: int, bookmarks: list[str], style: str | None
    ) -> bool:
        """The commonest marked paragraph, text, one insertion or deletion, text, read by
        slicing (what ``paragraph`` gives it, in fewer steps); False for any other."""
        head, inner, tail = pieces
        code = inner[0]
        if tail[0] != "x" or (code != "i" and code != "d"):
            return False
        end = self.markers.end
        changed = inner.partition(end)[2]
        rest = tail.partition(end)[2]
        n0, n1 = len(head), len(changed)
        markup = self.markup + n0
        inserted = code == "i"
        if inserted:
            before, after = head + rest, head + changed + rest
            end_before, end_after = n0, n0 + n1
        else:
            before, after = head + changed + rest, head + rest
            end_before, end_after = n0 + n1, n0
        revisions = self.revisions
        get = self.found[len(revisions) - self.start].get
        revisions.append(
            RawRevision(  # positional, as ``StoryWalker.record`` and ``close`` make it
                "ins" if inserted else "del", get(ID), get(AUTHOR), get(DATE), self.part, index,
                n0, end_before, n0, end_after, False, False, False, False, False, False, False,
                False, None, None, None, changed, markup, markup + n1,
            )
        )  # fmt: skip
        para = Para(  # positional, in field order
            index, self.container, [before], [after], len(before), len(after), bookmarks, style,
            False, False, None, self.comment_id, None, True, True, before, after,
        )  # fmt: skip
        self.story.paragraphs.append(para)
        self.markup = markup + n1 + len(rest) + 1
        return True

    def block_marker(self, code: str, value: str) -> None:
        paragraphs = self.story.paragraphs
        if code == "c":  # a comment: its own root, walked with its id
            for a in list(self.open_anchors):
                self.end_anchor(a.id, None)
            self.comment_id = value
            self.container += 1
        elif code == "b":
            self.pending_bookmarks.append(value)
        elif code == "s":
            self.start_anchor(value, Anchor(value, self.story.part, len(paragraphs), 0, 0))
        else:
            self.end_anchor(value, None)

    def start_anchor(self, cid: str, a: Anchor) -> None:
        self.story.anchors[cid] = a
        self.open_anchors.append(a)

    def end_anchor(self, cid: str, para: Para | None) -> None:
        a = self.story.anchors.get(cid)
        if a is None or a not in self.open_anchors:
            return
        self.open_anchors.remove(a)
        if para is not None:
            a.end_paragraph, a.end_before, a.end_after = para.index, para.blen, para.alen
        elif self.story.paragraphs:
            last = self.story.paragraphs[-1]
            a.end_paragraph, a.end_before, a.end_after = last.index, last.blen, last.alen
            for pieces in (a.markup, a.before, a.after):  # the "\n" after the last paragraph
                if pieces and pieces[-1] == "\n":
                    pieces.pop()
        else:
            a.end_paragraph, a.end_before, a.end_after = a.start_paragraph, 0, 0

    def paragraph(self, para: Para, body: str) -> None:
        """A paragraph with markers, or inside a comment range: piece by piece, as
        ``StoryWalker.emit`` and ``record`` would have it."""
        revisions = self.revisions
        anchors = self.open_anchors
        before = para.before
        after = para.after
        blen = alen = 0
        markup = self.markup
        ins = dele = 0  # depth of content absent from *before* / from *after*
        open_revs: list[int] = []  # indices of the open ins/del, innermost last
        collecting: list[RawRevision] = []  # the same revisions, gathering their text
        _, _, mark, end, _ = self.markers
        found, start = self.found, self.start
        pieces = body.split(mark)
        text = pieces[0]
        for piece in pieces:
            if piece is not text:  # every piece but the first starts with a marker
                code = piece[0]
                value, _, text = piece.partition(end)
                if code == "x":  # the end of the innermost ins/del
                    open_revs.pop()
                    rev = collecting.pop()
                    if rev.kind == "ins":
                        ins -= 1
                    else:
                        dele -= 1
                    rev.m_end = markup
                    rev.end_before = blen
                    rev.end_after = alen
                elif code == "i" or code == "d":
                    get = found[len(revisions) - start].get  # its attributes: fewer XPaths
                    rev = RawRevision(  # positional, as ``StoryWalker.record`` makes it
                        "ins" if code == "i" else "del", get(ID), get(AUTHOR), get(DATE), self.part,
                        para.index, blen, blen, alen, alen, False, False, False, False, False,
                        False, False, False, None, None, open_revs[-1] if open_revs else None, "",
                        markup, markup,
                    )  # fmt: skip
                    open_revs.append(len(revisions))
                    revisions.append(rev)
                    collecting.append(rev)
                    if code == "i":
                        ins += 1
                    else:
                        dele += 1
                else:
                    para.blen, para.alen = blen, alen
                    self.marker(para, code, value[1:], ins, dele)
            if text:
                n = len(text)
                if not ins:
                    before.append(text)
                    blen += n
                if not dele:
                    after.append(text)
                    alen += n
                markup += n
                for rev in collecting:
                    rev.text += text
                for a in anchors:
                    a.markup.append(text)
                    if not ins:
                        a.before.append(text)
                    if not dele:
                        a.after.append(text)
        para.blen, para.alen = blen, alen
        self.markup = markup + 1  # the paragraph's end
        for a in anchors:
            a.markup.append("\n")
            a.before.append("\n")
            a.after.append("\n")
        joined = "".join(before)
        para.text_before = joined
        para.text_after = joined if after == before else "".join(after)

    def marker(self, para: Para, code: str, value: str, ins: int, dele: int) -> None:
        """A bookmark, a comment range's start or end, or a note reference in ``para``."""
        if code == "b":
            para.bookmarks.append(value)
        elif code == "s":
            self.start_anchor(
                value, Anchor(value, self.story.part, para.index, para.blen, para.alen)
            )
        elif code == "e":
            self.end_anchor(value, para)
        else:  # "f" / "n": a note reference
            kind = "footnote" if code == "f" else "endnote"
            self.story.note_refs.append((kind, value, not ins, not dele))
