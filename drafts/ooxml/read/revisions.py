"""Revision vocabulary, descriptions of property changes, and grouping revisions into changes.

A *revision* is one revision element of the file (``w:ins``, ``w:rPrChange``, ``w:cellMerge``
...). A *change* is what a reader thinks of as one edit: a moveFrom/moveTo pair (linked by the
name of their move ranges) is one move; adjacent deletions and insertions by one author with no
unchanged text between them are one replacement; adjacent pieces of one kind by one author
(runs, paragraph marks, the next paragraph) are one insertion or deletion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, get_args

from drafts.ooxml.namespaces import Element, W

TextKind = Literal["ins", "del", "moveFrom", "moveTo"]
PropertyKind = Literal[
    "rPrChange",
    "pPrChange",
    "sectPrChange",
    "tblPrChange",
    "trPrChange",
    "tcPrChange",
    "tblGridChange",
    "numberingChange",
    "tblPrExChange",
]
CellKind = Literal["cellIns", "cellDel", "cellMerge"]
#: every kind of revision the reader reports: the one list (element names in ``w:``)
RevisionKind = Literal[TextKind, PropertyKind, CellKind]
TEXT_KINDS: tuple[str, ...] = get_args(TextKind)
PROPERTY_KINDS: tuple[str, ...] = get_args(PropertyKind)
CELL_KINDS: tuple[str, ...] = get_args(CellKind)
ALL_KINDS = TEXT_KINDS + PROPERTY_KINDS + CELL_KINDS
KIND_TAGS = {f"{{{W}}}{k}": k for k in ALL_KINDS}
# what a revision element's start tag holds in the bytes, in as few searches as can be: every
# longer name holds "Change", "move" or "cell" (tests/drafts/ooxml/read/test_reader_fast_paths.py
# tries each kind); a short one ("ins", "del") is checked as a whole name
_LONG_NAMES = (b"Change", b"move", b"cell")
_SHORT_NAMES = tuple(k.encode() for k in ALL_KINDS if len(k) <= 3)
_NAME_ENDS = (b" ", b"\t", b"\r", b"\n", b"/", b">")
_PREFIX_ENDS = (b"<", b":")
_DECLARED_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")
_ASCII_ENCODINGS = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}


def ascii_tags(data: bytes) -> bool:
    """Whether every tag of the XML ``data`` is spelled in its own ASCII bytes (UTF-8 with or
    without a byte-order mark, or ASCII, as every Word writer saves), so that a tag name can be
    looked for in the bytes; False for UTF-16 or -32 (NUL bytes), EBCDIC (no ASCII ``<`` first)
    or any other declared encoding."""
    head = data[:256]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if not head.lstrip(b" \t\r\n").startswith(b"<") or b"\x00" in head:
        return False
    declared = _DECLARED_ENCODING.match(head.lstrip(b" \t\r\n"))
    return declared is None or declared.group(1).lower() in _ASCII_ENCODINGS


def may_hold_revisions(data: bytes) -> bool:
    """False only when the XML bytes ``data`` cannot hold a revision element: its tags are
    ASCII bytes (``ascii_tags``; else True) and no start tag ``<name`` or ``<prefix:name`` of a
    revision kind, in any namespace, is followed by whitespace, ``/`` or ``>``. Searched in C
    (one ``bytes`` search per stem); True for any mention, so it may say True of a part
    without one (a comment, a text), never False of a part with one."""
    if not ascii_tags(data) or any(name in data for name in _LONG_NAMES):
        return True
    for name in _SHORT_NAMES:
        n = len(name)
        i = data.find(name, 1)
        while i >= 0:
            if data[i - 1 : i] in _PREFIX_ENDS and data[i + n : i + n + 1] in _NAME_ENDS:
                return True
            i = data.find(name, i + 1)
    return False


_SKIP = set(ALL_KINDS) | {"moveFromRangeStart", "moveToRangeStart"}
_WP = f"{{{W}}}"


@dataclass(slots=True)
class RawRevision:
    """A revision as the walker records it (positions in the part's text streams)."""

    kind: str
    id: str | None
    author: str | None
    date: str | None
    part: str
    paragraph: int | None = None
    start_before: int | None = None
    end_before: int | None = None
    start_after: int | None = None
    end_after: int | None = None
    on_paragraph_mark: bool = False
    on_table_row: bool = False
    on_table_cell: bool = False
    on_numbering: bool = False
    in_table: bool = False
    in_field: bool = False
    in_content_control: bool = False
    in_text_box: bool = False
    definition: str | None = None
    move: str | None = None
    parent: int | None = None
    text: str = ""
    # markup-stream span (all text, inserted and deleted, plus one "\n" per paragraph end)
    m_start: int = 0
    m_end: int = 0
    element: Element = field(default=None, repr=False)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _value(el: Element) -> str:
    items = [(_local(k), v) for k, v in el.attrib.items() if not _local(k).startswith("rsid")]
    if len(items) == 1 and items[0][0] == "val":
        return items[0][1]
    return ",".join(f"{k}={v}" for k, v in items) if items else "on"


def _flatten(props: Element | None, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if props is None:
        return out
    for child in props:
        if not isinstance(child.tag, str):
            continue
        name = _local(child.tag)
        if name in _SKIP or name.endswith("Change"):
            continue
        key = prefix + name
        if key in out:  # repeated children (gridCol, tab): number them
            n = 2
            while f"{key}#{n}" in out:
                n += 1
            key = f"{key}#{n}"
        kids = [c for c in child if isinstance(c.tag, str)]
        if kids and not child.attrib:
            out.update(_flatten(child, key + "."))
        else:
            out[key] = _value(child)
    return out


def describe_property_change(change: Element) -> str:
    """Say what a ``*PrChange``/``tblGridChange``/``numberingChange`` changed, old -> new.

    The element's parent holds the current properties and its single child the old ones; the
    result lists each property that differs as ``name: old -> new`` ("none" when absent).
    """
    kind = _local(change.tag)
    if kind == "numberingChange":
        return f"numbering: {change.get(_WP + 'original', 'none')} -> (current)"
    if kind in ("cellMerge",):
        orig = change.get(_WP + "vMergeOrig", "none")
        return f"vMerge: {orig} -> {change.get(_WP + 'vMerge', 'none')}"
    old_props = next((c for c in change if isinstance(c.tag, str)), None)
    old = _flatten(old_props)
    new = _flatten(change.getparent())
    keys = list(dict.fromkeys([*old, *new]))
    parts = [
        f"{k}: {old.get(k, 'none')} -> {new.get(k, 'none')}"
        for k in keys
        if old.get(k) != new.get(k)
    ]
    return "; ".join(parts) if parts else "(no visible difference)"


@dataclass
class RawChange:
    kind: str
    author: str | None
    date: str | None
    part: str
    paragraph: int | None
    text_before: str
    text_after: str
    revisions: list[int]


_DELETING = {"del", "moveFrom"}


def group_changes(revs: list[RawRevision]) -> list[RawChange]:
    """Group revisions (in document order) into changes, as described in the module docstring."""
    names_from = {r.move for r in revs if r.kind == "moveFrom" and r.move}
    names_to = {r.move for r in revs if r.kind == "moveTo" and r.move}
    paired = names_from & names_to
    changes: list[RawChange] = []
    moves: dict[tuple[str, str], RawChange] = {}
    current: RawChange | None = None
    current_end = -1
    for i, r in enumerate(revs):
        if r.kind in TEXT_KINDS and r.move in paired and r.parent is None:
            key = (r.part, r.move or "")
            mv = moves.get(key)
            if mv is None:
                mv = RawChange("move", r.author, r.date, r.part, r.paragraph, "", "", [])
                moves[key] = mv
                changes.append(mv)
            mv.revisions.append(i)
            if r.kind == "moveFrom":
                mv.text_before += r.text
            else:
                mv.text_after += r.text
            continue
        if r.kind not in TEXT_KINDS or r.parent is not None or r.on_numbering:
            changes.append(_single(r, i))
            continue
        deleting = r.kind in _DELETING
        if (
            current is not None
            and current.part == r.part
            and current.author == r.author
            and r.m_start == current_end
        ):
            current.revisions.append(i)
            if deleting:
                current.text_before += r.text
            else:
                current.text_after += r.text
            if current.text_before and current.text_after:
                current.kind = "replace"
            current_end = r.m_end
            continue
        current = RawChange(
            "delete" if deleting else "insert",
            r.author,
            r.date,
            r.part,
            r.paragraph,
            r.text if deleting else "",
            "" if deleting else r.text,
            [i],
        )
        current_end = r.m_end
        changes.append(current)
    return changes


_TABLE_KINDS = {"tblPrChange", "trPrChange", "tcPrChange", "tblGridChange", "tblPrExChange"}


def _single(r: RawRevision, i: int) -> RawChange:
    """A change of one revision: a property change, a cell change or a nested revision."""
    if r.kind in _TABLE_KINDS or r.kind == "cellMerge":
        kind, before, after = "table", r.text, ""
    elif r.kind in PROPERTY_KINDS or r.on_numbering:
        kind, before, after = "format", r.text, ""
    elif r.kind in _DELETING or r.kind == "cellDel":
        kind, before, after = "delete", r.text, ""
    else:
        kind, before, after = "insert", "", r.text
    return RawChange(kind, r.author, r.date, r.part, r.paragraph, before, after, [i])
