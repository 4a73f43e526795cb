"""The text pass's reading: ``pass_story`` runs the stylesheet (``xslt``) over a story part and
turns the string it prints into the walker's records (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from drafts.ooxml.namespaces import MC, Element, M, W
from drafts.ooxml.read.revisions import KIND_TAGS, RawRevision
from drafts.ooxml.read.story import AUTHOR, DATE, ID, Anchor, Para
from drafts.ooxml.read.textpass.xslt import CONTROL, LITERAL, TRANSFORMS, Markers

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
        out = bytes(TRANSFORMS[markers](root)).decode()
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
        a.end(para, self.story.paragraphs)

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
