"""The review-annotation reader: every comment and tracked change of any .docx, as typed records.

``read_annotations(source)`` needs nothing but the file. It reads every story part (body,
footnotes, endnotes, headers, footers, comments) and the styles and numbering parts, each
annotation once (``mc:Fallback`` copies are never read), Strict files like Transitional ones.
Parts are found through the main part's relationships, by relationship type or content type
(``Package.stories``), never by name; ``Annotations.stories`` says which kind each part is.
See docs/reader.md for the text rules and the offsets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drafts.ooxml.namespaces import Element, w
from drafts.ooxml.read.annotations import (
    Annotations,
    Change,
    Comment,
    ParagraphView,
    Revision,
    build,
)
from drafts.ooxml.read.comments import comment_elements, threads
from drafts.ooxml.read.package import Package, open_package
from drafts.ooxml.read.revisions import (
    KIND_TAGS,
    PROPERTY_KINDS,
    RawRevision,
    describe_property_change,
    group_changes,
    may_hold_revisions,
)
from drafts.ooxml.read.story import FALLBACK, Anchor, Para
from drafts.ooxml.read.text import StoryWalker
from drafts.ooxml.read.textpass import PassedStory, marker_free, pass_story

__all__ = [
    "Annotations",
    "Change",
    "Comment",
    "ParagraphView",
    "Revision",
    "annotations_of",
    "read_annotations",
]

_NOTE_SPECIAL = {"separator", "continuationSeparator", "continuationNotice"}
STYLE, LVL, NUM, BODY, NOTE_ID, NOTE_TYPE = map(w, ["style", "lvl", "num", "body", "id", "type"])
STYLE_ID, ABSTRACT_NUM_ID, ILVL, NUM_ID = map(w, ["styleId", "abstractNumId", "ilvl", "numId"])
_DEFINITION_ROOTS = {w("docDefaults"), w("numbering"), w("styles")}
_NOTES = (w("footnote"), w("endnote"))
_TEXTS = (w("t"), w("delText"))
_PASSED = {"header", "footer", "comments"}  # story kinds the text pass may read (and the body)


def read_annotations(source: str | Path | bytes, name: str | None = None) -> Annotations:
    """Read every comment and tracked change of a .docx (a path or its bytes).

    Raises NotAWordDocument / UnsafeDocument (both DocumentError) for files it refuses.
    """
    return annotations_of(open_package(source, name))


def _in_fallback(el: Element) -> bool:
    return next(el.iterancestors(FALLBACK), None) is not None


def _definition(el: Element) -> str | None:
    """Name the style or numbering definition holding a revision in styles/numbering.xml."""
    for a in el.iterancestors():
        if a.tag == STYLE:
            return f"style {a.get(STYLE_ID)}"
        if a.tag == LVL:
            owner = a.getparent()
            label = owner.get(ABSTRACT_NUM_ID) if owner is not None else None
            return f"abstractNum {label} lvl {a.get(ILVL)}"
        if a.tag == NUM:
            return f"num {a.get(NUM_ID)}"
        if a.tag in _DEFINITION_ROOTS:
            return a.tag.rpartition("}")[2]
    return None


def _sweep(walker: StoryWalker, definitions: bool = False) -> None:
    """Record revision elements the structural walk did not meet (any place in the part)."""
    for el in walker.found:
        if el in walker.seen or _in_fallback(el):
            continue
        kind = KIND_TAGS[el.tag]
        i = walker.record(el, kind)
        rev = walker.revisions[i]
        if kind in PROPERTY_KINDS or kind == "cellMerge":
            rev.text = describe_property_change(el)
        else:
            rev.text = "".join(t.text or "" for t in el.iter(*_TEXTS))
        if definitions:
            rev.definition = _definition(el)


class _Reader:
    """One read of one package. ``fast=False`` reads every story the long way (no shortcut of
    ``StoryWalker``): same result, slower; the reference for the tests of the shortcuts."""

    def __init__(self, pkg: Package, fast: bool = True) -> None:
        self.pkg = pkg
        self.fast = fast
        self.revisions: list[RawRevision] = []
        self.walkers: list[StoryWalker | PassedStory] = []
        self.kinds: dict[str, str] = {}  # story part name -> "document", "footnotes", ...

    def part_xml(
        self, kind: str, wanted: Callable[[bytes], bool] | None = None
    ) -> list[tuple[str, Element]]:
        """The parts of story ``kind``, parsed (``wanted``: see ``Package.xml``)."""
        out = []
        for name in sorted(self.pkg.stories(self.pkg.main_part, kind), key=_natural):
            self.kinds.setdefault(name, kind)
            root = self.pkg.xml(
                name, wanted, marker_free if self.fast and kind in _PASSED else None
            )
            if root is not None:
                out.append((name, root))
        return out

    def story(
        self,
        part: str,
        root: Element,
        roots: list[tuple[Element, dict[str, Any]]],
        comment_ids: list[str] | None = None,
    ) -> None:
        """Read one story part: by the text pass in C when it can (``textpass``; not the long
        way), else by ``StoryWalker`` over ``roots`` (each with the walker's attributes)."""
        if self.fast and roots:
            literal = self.pkg.probed(part)
            passed = pass_story(part, root, self.revisions, comment_ids, literal)
            if passed is not None:
                self.walkers.append(passed)
                return
        walker = StoryWalker(part, self.revisions, root, fast=self.fast)
        for el, attrs in roots:
            for k, v in attrs.items():
                setattr(walker, k, v)
            walker.walk(el)
        _sweep(walker)
        self.walkers.append(walker)

    def run(self) -> Annotations:
        pkg = self.pkg
        main = pkg.main_part
        doc = pkg.xml(main, probe=marker_free if self.fast else None)
        self.kinds[main] = "document"
        body = doc.find(BODY) if doc is not None else None
        self.story(main, doc, [(body, {})] if body is not None else [])
        for kind in ("footnotes", "endnotes"):
            for name, root in self.part_xml(kind):
                notes = [
                    (n, {"note_id": n.get(NOTE_ID)})
                    for n in root
                    if n.tag in _NOTES and n.get(NOTE_TYPE, "normal") not in _NOTE_SPECIAL
                ]
                self.story(name, root, notes)
        for kind in ("header", "footer"):
            for name, root in self.part_xml(kind):
                self.story(name, root, [(root, {})])
        raw_comments = []
        extended = None
        for name, root in self.part_xml("comments"):
            found = comment_elements(root)
            raw_comments.extend(found)
            roots = [(c.element, {"comment_id": c.id}) for c in found]
            self.story(name, root, roots, [c.id for c in found])
        for name in pkg.stories(main, "commentsExtended"):
            extended = pkg.xml(name)
        # only swept: not parsed when their bytes name no revision (the long way parses them)
        sweep_only = may_hold_revisions if self.fast else None
        for kind in ("styles", "numbering"):
            for name, root in self.part_xml(kind, sweep_only):
                swept = StoryWalker(name, self.revisions, root, walked=False)
                _sweep(swept, definitions=True)
                swept.release()
        paragraphs = [
            build(
                ParagraphView,
                {
                    "part": walker.part,
                    "index": p.index,
                    "text_before": p.text_before,
                    "text_after": p.text_after,
                    "bookmarks": p.bookmarks,
                    "style": p.style,
                    "in_table": p.in_table,
                    "in_text_box": p.in_text_box,
                    "footnote_id": p.note_id,
                    "comment_id": p.comment_id,
                    "mark": p.mark,
                    "in_before": p.in_before,
                    "in_after": p.in_after,
                },
            )
            for walker in self.walkers
            for p in walker.paragraphs
        ]
        thread = threads(raw_comments, extended)
        anchors: dict[str, Anchor] = {}
        for walker in self.walkers:
            if self.kinds.get(walker.part) != "comments":
                for cid, a in walker.anchors.items():
                    anchors.setdefault(cid, a)
        comment_text: dict[str, list[str]] = {}
        for p in paragraphs:
            if p.comment_id is not None:
                comment_text.setdefault(p.comment_id, []).append(p.text_after)
        comments = [
            _comment(c, anchors.get(c.id), thread.get(c.id), comment_text.get(c.id, []))
            for c in raw_comments
        ]
        revisions = [
            build(
                Revision,
                {
                    "kind": r.kind,
                    "id": r.id,
                    "author": r.author,
                    "date": r.date,
                    "text": r.text,
                    "part": r.part,
                    "paragraph": r.paragraph,
                    "start_before": r.start_before,
                    "end_before": r.end_before,
                    "start_after": r.start_after,
                    "end_after": r.end_after,
                    "on_paragraph_mark": r.on_paragraph_mark,
                    "on_table_row": r.on_table_row,
                    "on_table_cell": r.on_table_cell,
                    "on_numbering": r.on_numbering,
                    "in_table": r.in_table,
                    "in_field": r.in_field,
                    "in_content_control": r.in_content_control,
                    "in_text_box": r.in_text_box,
                    "definition": r.definition,
                    "move": r.move,
                    "parent": r.parent,
                },
            )
            for r in self.revisions
        ]
        changes = [
            build(
                Change,
                {
                    "kind": c.kind,
                    "author": c.author,
                    "date": c.date,
                    "part": c.part,
                    "paragraph": c.paragraph,
                    "text_before": c.text_before,
                    "text_after": c.text_after,
                    "revisions": c.revisions,
                },
            )
            for c in group_changes(self.revisions)
        ]
        return build(
            Annotations,
            {
                "comments": comments,
                "revisions": revisions,
                "changes": changes,
                "text_before": self.document_text("before"),
                "text_after": self.document_text("after"),
                "paragraphs": paragraphs,
                "custom_properties": pkg.custom_properties(),
                "core_properties": pkg.core_properties(),
                "application": pkg.application,
                "header_text": self.stories_text("header"),
                "footer_text": self.stories_text("footer"),
                "stories": dict(self.kinds),
            },
        )

    def document_text(self, view: str) -> str:
        """Body paragraphs, then the notes referenced in that view (see docs/reader.md)."""
        body = self.walkers[0] if self.walkers else None
        if body is None:
            return ""
        index = 2 if view == "before" else 3
        referenced = {(ref[0], ref[1]) for ref in body.note_refs if ref[index]}
        blocks = [join_paragraphs(body.paragraphs, view)]
        for walker in self.walkers[1:]:
            story = self.kinds.get(walker.part)
            if story not in ("footnotes", "endnotes"):
                continue
            kind = story[:-1]
            paras = [p for p in walker.paragraphs if (kind, p.note_id or "") in referenced]
            if paras:
                blocks.append(join_paragraphs(paras, view))
        return "\n".join(b for b in blocks if b or len(blocks) == 1)

    def stories_text(self, kind: str) -> str:
        texts = [
            join_paragraphs(walker.paragraphs, "after")
            for walker in self.walkers
            if self.kinds.get(walker.part) == kind
        ]
        return "\n".join(texts)


def join_paragraphs(paras: list[Para], view: str) -> str:
    """Join paragraphs into one text for ``view`` ("before" or "after").

    Paragraphs absent from the view are skipped; the others are separated by "\\n", except that
    a paragraph whose mark is removed in the view (inserted, for "before"; deleted, for "after")
    runs on into the next paragraph of the same container (body, cell, text box, note).
    """
    before = view == "before"
    present = [p for p in paras if p.in_before] if before else [p for p in paras if p.in_after]
    if not any(p.mark for p in present):  # no mark removed: one line per paragraph
        if before:
            return "\n".join([p.text_before for p in present])
        return "\n".join([p.text_after for p in present])
    out: list[str] = []
    current: list[str] = []
    for i, p in enumerate(present):
        current.append(p.text_before if before else p.text_after)
        mark = p.mark or ""
        removed = ("ins" in mark) if before else ("del" in mark)
        nxt = present[i + 1] if i + 1 < len(present) else None
        if removed and nxt is not None and nxt.container == p.container:
            continue
        out.append("".join(current))
        current = []
    if current:
        out.append("".join(current))
    return "\n".join(out)


def _natural(name: str) -> list[Any]:
    return [int(s) if s.isdigit() else s for s in re.split(r"(\d+)", name)]


def _comment(c: Any, a: Anchor | None, thread: Any, paragraphs: list[str]) -> Comment:
    parent, resolved = thread if thread is not None else (None, False)
    values: dict[str, Any] = {
        "id": c.id,
        "author": c.author,
        "initials": c.initials,
        "date": c.date,
        "text": "\n".join(paragraphs),
        "anchor_text": None,
        "anchor_text_before": None,
        "anchor_text_after": None,
        "parent": parent,
        "resolved": resolved,
        "part": None,
        "start_paragraph": None,
        "end_paragraph": None,
        "start_before": None,
        "end_before": None,
        "start_after": None,
        "end_after": None,
    }
    if a is not None:
        values["anchor_text"] = "".join(a.markup) or None
        values["anchor_text_before"] = "".join(a.before) or None
        values["anchor_text_after"] = "".join(a.after) or None
        values["part"] = a.part
        values["start_paragraph"] = a.start_paragraph
        values["end_paragraph"] = a.end_paragraph
        values["start_before"] = a.start_before
        values["end_before"] = a.end_before
        values["start_after"] = a.start_after
        values["end_after"] = a.end_after
    return build(Comment, values)


def annotations_of(pkg: Package, fast: bool = True) -> Annotations:
    """Read the annotations of an already opened package (``fast``: see ``_Reader``)."""
    reader = _Reader(pkg, fast)
    try:
        return reader.run()
    finally:
        for walker in reader.walkers:
            walker.release()
