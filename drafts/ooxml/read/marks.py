"""Bookmarked ranges of a .docx: what each holds with its tracked changes accepted and rejected.

``read_marks(source, prefix)`` reads the body, footnotes and endnotes of any .docx (opened
through ``drafts.ooxml.read.package``, so hostile files are refused as everywhere else) and
returns a ``MarkedDocument``:

- ``marks``: for every bookmark whose name starts with ``prefix``, a ``MarkedRange``: the text
  between its start and end with every tracked change inside rejected (``text_before``) and
  accepted (``text_after``), how many tracked changes remain inside (``pending``: ``w:ins``,
  ``w:del``, ``w:moveFrom``, ``w:moveTo``, and the tracked mark of a paragraph it touches), and
  the ids of the comments whose range starts, or whose reference sits, inside it. Bookmarks
  are matched to their ends by ``w:id`` within one part, and gathered by name, never by id: a
  bookmark LibreOffice split in two (same name, or ``<name>_Copy_N``) is one range, its pieces
  joined by "\\n" in document order. An empty bookmark is an empty range; a bookmark without
  an end runs to the end of its part.
- ``comments``: every comment of the file (``drafts.ooxml.read.reader``'s records: author,
  text, the comment it replies to, resolved);
- ``paragraphs``: ``{bookmark name: the text of the paragraph it starts in, every change
  accepted}`` for every named bookmark (the first paragraph of a name wins);
- ``custom_properties``: the file's custom document properties.

Text follows the reader's rules in short: ``w:t``/``w:delText``, tabs as "\\t", breaks as
"\\n", non-breaking hyphens as "-"; field instructions and ``mc:Fallback`` copies are not text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from drafts.ooxml.namespaces import Element, w
from drafts.ooxml.read.annotations import Comment
from drafts.ooxml.read.package import Package, open_package
from drafts.ooxml.read.reader import annotations_of
from drafts.ooxml.read.story import (
    BMSTART,
    BR,
    CR,
    CREF,
    CRSTART,
    DELINSTR,
    FALLBACK,
    ID,
    INSTR,
    NAME,
    NBH,
    PPR,
    PTAB,
    RPR,
    TAB,
    TEXT_TAGS,
    TRACK,
    P,
)

BMEND = w("bookmarkEnd")
_SKIP = {INSTR, DELINSTR, FALLBACK}
_CHARS = {TAB: "\t", PTAB: "\t", BR: "\n", CR: "\n", NBH: "-"}
_COPY = re.compile(r"^(?P<name>.+)_Copy_\d+$")


@dataclass(frozen=True)
class MarkedRange:
    """What one named bookmark holds (all its pieces), see the module docstring."""

    name: str
    text_before: str
    text_after: str
    pending: int
    comments: tuple[str, ...]


@dataclass(frozen=True)
class MarkedDocument:
    """The marked ranges, comments, anchored paragraphs and custom properties of a .docx."""

    marks: dict[str, MarkedRange]
    comments: list[Comment]
    paragraphs: dict[str, str]
    tails: dict[str, str]
    custom_properties: dict[str, str]


@dataclass
class _Open:
    """A bookmark being read."""

    name: str
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    pending: int = 0
    comments: list[str] = field(default_factory=list)


def base_name(name: str) -> str:
    """Return a bookmark's name without LibreOffice's ``_Copy_N`` suffix."""
    copy = _COPY.match(name)
    return copy.group("name") if copy else name


class _Walk:
    """One part's walk: open bookmarks collect the text and changes met until their end."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.open: dict[str, _Open] = {}
        self.done: list[_Open] = []
        self.ins = 0  # depth of content absent with changes rejected
        self.dele = 0  # depth of content absent with changes accepted
        self.touched: list[_Open] = []  # bookmarks met in the current paragraph
        self.line: list[str] = []  # the current paragraph's text, changes accepted
        self.ends: list[tuple[str, int]] = []  # bookmarks ended in it: (name, offset in line)
        self.tails: dict[str, str] = {}
        self.names: dict[str, str] = {}  # bookmark id -> name, for every bookmark

    def emit(self, text: str) -> None:
        if not self.dele:
            self.line.append(text)
        for acc in self.open.values():
            if not self.ins:
                acc.before.append(text)
            if not self.dele:
                acc.after.append(text)

    def start(self, el: Element) -> None:
        name = base_name(el.get(NAME) or "")
        self.names[el.get(ID, "")] = name
        if name.startswith(self.prefix) and name:
            acc = _Open(name, pending=1 if self.ins or self.dele else 0)  # inside a change
            self.open[el.get(ID, "")] = acc
            self.touched.append(acc)

    def end(self, el: Element) -> None:
        name = self.names.get(el.get(ID, ""))
        if name:
            self.ends.append((name, sum(map(len, self.line))))
        acc = self.open.pop(el.get(ID, ""), None)
        if acc is not None:
            self.done.append(acc)

    def tracked(self, child: Element, kind: str) -> None:
        for acc in self.open.values():
            acc.pending += 1
        absent_before = kind in ("ins", "moveTo")
        if absent_before:
            self.ins += 1
        else:
            self.dele += 1
        self.walk(child)
        if absent_before:
            self.ins -= 1
        else:
            self.dele -= 1

    def paragraph(self, p: Element) -> None:
        saved, self.touched = self.touched, list(self.open.values())
        line, ends, self.line, self.ends = self.line, self.ends, [], []
        marks = [] if (ppr := p.find(PPR)) is None or (rpr := ppr.find(RPR)) is None else rpr
        kinds = {TRACK[m.tag] for m in marks if m.tag in TRACK}
        self.walk(p)
        for acc in {id(a): a for a in self.touched}.values():
            acc.pending += len(kinds)
        for acc in self.open.values():  # the paragraph's end, as the reader writes it
            if not (self.ins or kinds & {"ins", "moveTo"}):
                acc.before.append("\n")
            if not (self.dele or kinds & {"del", "moveFrom"}):
                acc.after.append("\n")
        self.touched = saved + self.touched
        text = "".join(self.line)
        for name, offset in self.ends:
            self.tails[name] = text[offset:]
        self.line, self.ends = line, ends

    def walk(self, el: Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP or tag == PPR:
                continue
            if tag in TEXT_TAGS:
                if child.text:
                    self.emit(child.text)
            elif tag in _CHARS:
                self.emit(_CHARS[tag])
            elif tag == BMSTART:
                self.start(child)
            elif tag == BMEND:
                self.end(child)
            elif tag in (CRSTART, CREF):
                for acc in self.open.values():
                    acc.comments.append(child.get(ID, ""))
            elif tag in TRACK:
                self.tracked(child, TRACK[tag])
            elif tag == P:
                self.paragraph(child)
            else:
                self.walk(child)

    def finish(self) -> list[_Open]:
        """Return the bookmarks read, in the order they ended (unended ones last)."""
        return self.done + list(self.open.values())


def _stories(pkg: Package) -> list[Element]:
    roots = [pkg.xml(pkg.main_part)]
    for kind in ("footnotes", "endnotes"):
        roots += [pkg.xml(name) for name in pkg.related(pkg.main_part, kind)]
    return [r for r in roots if r is not None]


def _merged(found: list[_Open]) -> dict[str, MarkedRange]:
    pieces: dict[str, list[_Open]] = {}
    for acc in found:
        pieces.setdefault(acc.name, []).append(acc)
    return {
        name: MarkedRange(
            name=name,
            text_before="\n".join("".join(a.before) for a in accs),
            text_after="\n".join("".join(a.after) for a in accs),
            pending=sum(a.pending for a in accs),
            comments=tuple(dict.fromkeys(c for a in accs for c in a.comments)),
        )
        for name, accs in pieces.items()
    }


def read_marks(source: str | Path | bytes, prefix: str, name: str | None = None) -> MarkedDocument:
    """Read the ranges of the bookmarks named ``prefix...`` of a .docx (a path or its bytes).

    Raises NotAWordDocument / UnsafeDocument (both DocumentError) for files it refuses.
    """
    pkg = open_package(source, name)
    found: list[_Open] = []
    tails: dict[str, str] = {}
    for root in _stories(pkg):
        walk = _Walk(prefix)
        walk.walk(root)
        found += walk.finish()
        tails |= walk.tails
    ann = annotations_of(pkg)
    paragraphs: dict[str, str] = {}
    for p in ann.paragraphs:
        for mark in p.bookmarks:
            paragraphs.setdefault(base_name(mark), p.text_after)
    return MarkedDocument(
        marks=_merged(found),
        comments=ann.comments,
        paragraphs=paragraphs,
        tails=tails,
        custom_properties=pkg.custom_properties(),
    )
