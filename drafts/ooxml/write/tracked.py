"""Write tracked changes and comments into a .docx by block anchor and code-point range.

``apply_tracked(docx_in, edits, out)`` takes records from ``drafts.ooxml.write.records``
(``TrackedChange``, ``ParagraphInsert``, ``ParagraphDelete``, ``TrackedComment``) and writes
``out``; parts it does not change keep their bytes. It is the writer behind redlines and the
consolidated document, and reuses the annotation writer's run splitting, id source and
comment code (``annotate_runs``, ``annotate_edits``, ``annotate_comments``).

Contract:

- a block is found by its bookmark name in the main document, footnotes or endnotes (a
  LibreOffice ``<name>_Copy_N`` counts as ``<name>`` when the original is absent); its text is
  the paragraph's text with every tracked change already in it accepted, offsets counting from
  the first non-blank character (pandoc starts footnote paragraphs with a space), so offsets are
  those of ``Block.text``;
- every target is checked before anything is changed: an unknown block, a range outside the
  block's text, overlapping ranges in one block, or changes to a block whose paragraph is also
  deleted raise ``ValueError`` naming the block (and the range) and the file;
- several changes in one paragraph are applied right to left, so every range refers to the
  original text; insertions at one point keep their given order; comments are anchored first,
  so their ranges also refer to the original text;
- ``w:id`` values are new and unique across the package; ``w:trackRevisions`` is set when any
  tracked change (not only comments) was written;
- a record with a ``mark`` gets a bookmark named ``mark_name(mark, piece)`` around what was
  written for it (the deleted and inserted runs of a change; a comment's range markers and
  reference runs; a new paragraph's text; a deleted paragraph's runs), inside one paragraph and
  inside the block's own anchor bookmark (the anchor is widened when an insertion lands just
  outside it); pieces count per mark in the order of ``edits``, and a name already in the
  package is skipped. A record that leaves nothing to wrap gets an empty bookmark where it was.

``accept_author(docx, author, out)`` accepts one author's insertions and deletions and keeps
everyone else's: intake reads a redline a reviewer marked up with the pen-holder's changes
accepted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from drafts.core.files import as_path
from drafts.ooxml.namespaces import Element
from drafts.ooxml.write import edits as ops
from drafts.ooxml.write.comments import add_comment
from drafts.ooxml.write.context import Context, open_context, track_revisions
from drafts.ooxml.write.parts import DocxParts
from drafts.ooxml.write.records import (
    ParagraphDelete,
    ParagraphInsert,
    TrackedChange,
    TrackedComment,
    TrackedEdit,
    mark_name,
    word_date,
)
from drafts.ooxml.write.runs import (
    DEL,
    insert_at,
    isolate,
    make,
    owning_paragraph,
    paragraph_text,
    text_runs,
    w,
)

_COPY = re.compile(r"^(?P<name>.+)_Copy_\d+$")
__all__ = [
    "ParagraphDelete",
    "ParagraphInsert",
    "TrackedChange",
    "TrackedComment",
    "TrackedEdit",
    "accept_author",
    "apply_tracked",
    "mark_name",
]


@dataclass
class _Target:
    """The paragraph of one block and where its block text starts in the paragraph text."""

    p: Element
    lead: int
    length: int


def apply_tracked(docx_in: Path | bytes, edits: list[TrackedEdit], out: Path) -> Path:
    """Apply ``edits`` to ``docx_in`` (a path or the bytes of a .docx); write and return ``out``."""
    out = Path(out)
    label = "<bytes>" if isinstance(docx_in, bytes) else str(docx_in)
    with as_path(docx_in, out.parent) as path:
        return _apply(path, label, edits, out)


def _stories(ctx: Context) -> list[Element]:
    roots = [ctx.doc]
    for name in ("footnotes.xml", "endnotes.xml"):
        part = ctx.part_name(name)
        if ctx.parts.has(part):
            roots.append(ctx.parts.xml(part))
    return roots


def anchored_paragraphs(ctx: Context) -> dict[str, Element]:
    """Return ``{bookmark name: paragraph}`` over the stories; the first of a name wins."""
    found: dict[str, Element] = {}
    for root in _stories(ctx):
        for mark in root.iter(w("bookmarkStart")):
            name = mark.get(w("name"), "")
            if not name or name.startswith("_") or name in found:
                continue
            p = owning_paragraph(mark)
            if p is None:  # a bookmark between paragraphs starts the next one
                p = next(mark.itersiblings(w("p")), None)
            if p is not None:
                found[name] = p
    for name in list(found):
        original = _COPY.match(name)
        if original and original.group("name") not in found:
            found[original.group("name")] = found.pop(name)
    return found


def _targets(ctx: Context, edits: list[TrackedEdit]) -> dict[str, _Target]:
    """Resolve every block the edits name; ``ValueError`` for unknown blocks or bad ranges."""
    paragraphs = anchored_paragraphs(ctx)
    targets: dict[str, _Target] = {}
    for edit in edits:
        names = [edit.anchor] if isinstance(edit, ParagraphInsert) else [edit.block]
        if isinstance(edit, ParagraphInsert) and edit.style_of:
            names.append(edit.style_of)
        for name in names:
            if name not in paragraphs:
                raise ValueError(f"{ctx.label}: no block {name!r} (no bookmark of that name)")
            if name not in targets:
                text = paragraph_text(paragraphs[name])
                lead = len(text) - len(text.lstrip())
                targets[name] = _Target(paragraphs[name], lead, len(text.strip()))
        if isinstance(edit, TrackedChange | TrackedComment):
            length = targets[edit.block].length
            if edit.end > length:
                raise ValueError(
                    f"{ctx.label}: range [{edit.start}, {edit.end}) is outside block "
                    f"{edit.block}, whose text has {length} characters"
                )
    return targets


def _check_conflicts(ctx: Context, edits: list[TrackedEdit]) -> None:
    deleted = {e.block for e in edits if isinstance(e, ParagraphDelete)}
    by_block: dict[str, list[TrackedChange]] = defaultdict(list)
    for e in edits:
        if isinstance(e, TrackedChange):
            by_block[e.block].append(e)
    for block, changes in by_block.items():
        if block in deleted:
            raise ValueError(f"{ctx.label}: block {block} is deleted and also changed")
        ranges = sorted((c.start, c.end) for c in changes)
        for (s1, e1), (s2, e2) in pairwise(ranges):
            if s2 < e1:
                raise ValueError(
                    f"{ctx.label}: block {block}: ranges [{s1}, {e1}) and [{s2}, {e2}) overlap"
                )


_NOTE_CALLS = {w("footnote"): w("footnoteReference"), w("endnote"): w("endnoteReference")}


def _note_call(ctx: Context, p: Element) -> Element | None:
    """Return the body run that calls the note holding paragraph ``p``; None outside notes."""
    note = next((a for a in p.iterancestors() if a.tag in _NOTE_CALLS), None)
    if note is None:
        return None
    calls = (r for r in ctx.doc.iter(_NOTE_CALLS[note.tag]) if r.get(w("id")) == note.get(w("id")))
    ref = next(calls, None)
    return None if ref is None else ref.getparent()


def _comment(ctx: Context, t: _Target, c: TrackedComment) -> list[Element]:
    """Anchor the thread; return its outermost range start and its last reference run.

    A comment on a note's text is anchored on the note's reference mark in the body, quoting
    the text it is about: LibreOffice 7.4 refuses to open a file with a comment inside a note.
    """
    start, end = t.lead + c.start, t.lead + c.end
    text, p = c.text, t.p
    call = _note_call(ctx, t.p)
    if call is not None:
        quote = paragraph_text(t.p)[start:end]
        text = (
            f"[on the note: \u201c{quote}\u201d] {c.text}" if quote else f"[on the note] {c.text}"
        )
        runs, p = [call], owning_paragraph(call)
    else:
        runs = isolate(t.p, start, end, ctx.ids) if end > start else []
    if not runs:  # an empty range (or one holding no run): anchor on an empty run
        anchor = make("r")
        insert_at(t.p, start, anchor, ctx.ids)
        runs = [anchor]
    thread = [(c.author, c.initials, word_date(c.date), text)]
    thread += [(r.author, r.initials, word_date(r.date), r.text) for r in c.replies]
    ids = add_comment(ctx, runs, thread, c.resolved)
    first = next(e for e in p.iter(w("commentRangeStart")) if e.get(w("id")) == ids[0])
    ref = next(e for e in p.iter(w("commentReference")) if e.get(w("id")) == ids[-1])
    return [first, ref.getparent()]


def _deleted(ctx: Context, runs: list[Element], author: str, when: str) -> list[Element]:
    """Delete ``runs`` as tracked; return the ``w:del`` elements now holding them."""
    ops.delete_runs(ctx, runs, author, when)
    boxes: list[Element] = []
    for r in runs:  # runs of the author's own insertion are gone (no parent)
        box = r.getparent()
        if box is not None and box.tag == DEL and (not boxes or boxes[-1] is not box):
            boxes.append(box)
    return boxes


def _change(ctx: Context, t: _Target, c: TrackedChange) -> list[Element]:
    """Write the change; return what it wrote, in document order."""
    start, end, when = t.lead + c.start, t.lead + c.end, word_date(c.date)
    written: list[Element] = []
    if c.new_text:  # insert first, at the end: it takes the replaced text's formatting
        written.append(ops.track_insert(ctx, t.p, end, c.new_text, c.author, when))
    if end > start:
        runs = isolate(t.p, start, end, ctx.ids)
        written[:0] = _deleted(ctx, runs, c.author, when)
    return written


def _mark_names(ctx: Context, edits: list[TrackedEdit]) -> dict[int, str]:
    """Return ``{index in edits: bookmark name}`` for every record with a mark."""
    taken = {m.get(w("name")) for root in _stories(ctx) for m in root.iter(w("bookmarkStart"))}
    names: dict[int, str] = {}
    pieces: dict[str, int] = defaultdict(int)
    for i, e in enumerate(edits):
        if e.mark is None:
            continue
        pieces[e.mark] += 1
        name = mark_name(e.mark, pieces[e.mark])
        while name in taken:
            pieces[e.mark] += 1
            name = mark_name(e.mark, pieces[e.mark])
        taken.add(name)
        names[i] = name
    return names


def _level(first: Element, last: Element) -> tuple[Element, Element]:
    """Return the ancestors-or-selves of ``first`` and ``last`` that are siblings."""
    chain = [first, *first.iterancestors()]
    above_last = [last, *last.iterancestors()]
    for upper in above_last[1:]:
        if any(upper is c for c in chain[1:]):
            common = upper
            break
    else:  # pragma: no cover - both are always inside one paragraph
        raise ValueError("a mark's pieces are not in one paragraph")
    a = next(c for c in chain if c.getparent() is common)
    b = next(c for c in above_last if c.getparent() is common)
    return a, b


def _anchor_pair(p: Element, block: str) -> tuple[Element, Element] | None:
    """Return the block's own ``w:bookmarkStart``/``End`` when both are children of ``p``."""
    for start in p.iterchildren(w("bookmarkStart")):
        name = start.get(w("name"), "")
        original = _COPY.match(name)
        if name == block or (original and original.group("name") == block):
            end = next(
                (
                    e
                    for e in p.iterchildren(w("bookmarkEnd"))
                    if e.get(w("id")) == start.get(w("id"))
                ),
                None,
            )
            return (start, end) if end is not None else None
    return None


def _nest(p: Element, block: str | None, start: Element, end: Element) -> None:
    """Widen the block's anchor bookmark, if needed, so it holds the mark ``start``..``end``."""
    pair = _anchor_pair(p, block) if block is not None else None
    if pair is None or start.getparent() is not p:
        return
    a_start, a_end = pair
    if p.index(start) < p.index(a_start):
        start.addprevious(a_start)
    if p.index(a_end) < p.index(end):
        end.addnext(a_end)


def _mark(
    ctx: Context, name: str, written: list[Element], where: tuple[Element, int], block: str | None
) -> None:
    """Wrap ``written`` (in document order) in bookmark ``name``; empty: a point at ``where``."""
    bid = ctx.ids.next()
    start = make("bookmarkStart", id=bid, name=name)
    end = make("bookmarkEnd", id=bid)
    if written:
        first, last = _level(written[0], written[-1])
        first.addprevious(start)
        last.addnext(end)
    else:
        p, offset = where
        insert_at(p, offset, start, ctx.ids)
        start.addnext(end)
    _nest(owning_paragraph(start), block, start, end)


def _new_paragraph(ctx: Context, style_source: Element, e: ParagraphInsert) -> Element:
    """Return a new paragraph (mark and content inserted) styled like ``style_source``."""
    return ops.new_tracked_paragraph(
        ctx, style_source, e.text, e.style, e.author, word_date(e.date)
    )


def _apply(path: Path, label: str, edits: list[TrackedEdit], out: Path) -> Path:
    ctx = open_context(path, label)
    parts = ctx.parts
    targets = _targets(ctx, edits)
    _check_conflicts(ctx, edits)
    names = _mark_names(ctx, edits)
    for i, e in enumerate(edits):
        if isinstance(e, TrackedComment):
            t = targets[e.block]
            written = _comment(ctx, t, e)
            if i in names:
                _mark(ctx, names[i], written, (t.p, t.lead + e.start), e.block)
    changes = [(i, e) for i, e in enumerate(edits) if isinstance(e, TrackedChange)]
    changes.sort(key=lambda item: (item[1].block, item[1].start, item[1].end, item[0]))
    for i, change in reversed(changes):  # right to left: earlier ranges stay valid
        t = targets[change.block]
        written = _change(ctx, t, change)
        if i in names:
            _mark(ctx, names[i], written, (t.p, t.lead + change.start), change.block)
    for i, e in enumerate(edits):
        if isinstance(e, ParagraphDelete):
            t, when = targets[e.block], word_date(e.date)
            written = _deleted(ctx, text_runs(t.p), e.author, when)
            ops.mark_paragraph(ctx, t.p, "del", e.author, when)
            if i in names:
                _mark(ctx, names[i], written, (t.p, t.lead), e.block)
    last_after: dict[str, Element] = {}
    for i, e in enumerate(edits):
        if isinstance(e, ParagraphInsert):
            anchor = targets[e.anchor].p
            source = targets[e.style_of].p if e.style_of else anchor
            new = _new_paragraph(ctx, source, e)
            if i in names:
                _mark(ctx, names[i], list(new.iterchildren(w("ins"))), (new, 0), None)
            if e.after is not None:
                previous: Element = last_after.setdefault(e.after, anchor)
                previous.addnext(new)
                last_after[e.after] = new
            else:
                anchor.addprevious(new)
    if any(not isinstance(e, TrackedComment) for e in edits):
        track_revisions(ctx, False)
    parts.save(out)
    return out


_STORIES = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")


def _accept_in(root: Element, author: str) -> None:
    """Accept ``author``'s insertions and deletions (and paragraph marks) in one story part."""
    for el in list(root.iter(w("ins"), w("del"))):
        if el.get(w("author")) != author or el.getparent() is None:
            continue
        parent = el.getparent()
        if parent.tag == w("rPr") and el.tag == w("ins"):
            parent.remove(el)  # an inserted paragraph mark stays, untracked
        elif parent.tag == w("rPr"):
            continue  # a deleted paragraph mark: below, once its runs are gone
        elif el.tag == w("ins"):
            for child in list(el):
                el.addprevious(child)
            parent.remove(el)
        else:
            parent.remove(el)
    for mark in list(root.iter(w("del"))):
        rpr = mark.getparent()
        if mark.get(w("author")) != author or rpr is None or rpr.tag != w("rPr"):
            continue
        p = owning_paragraph(mark)
        rpr.remove(mark)
        if p is None or p.getparent() is None:
            continue
        rest = [c for c in p if c.tag != w("pPr")]
        if not any(True for r in rest for _ in r.iter(w("t"), w("tab"), w("br"))):
            p.getparent().remove(p)  # a deleted paragraph: gone with its mark
            continue
        follower = p.getnext()
        if follower is not None and follower.tag == w("p"):
            ppr = follower.find(w("pPr"))
            at = 1 if ppr is not None else 0
            for i, child in enumerate(rest):
                follower.insert(at + i, child)
            p.getparent().remove(p)


def accept_author(docx: Path, author: str, out: Path) -> Path:
    """Write to ``out`` the .docx ``docx`` with every tracked insertion and deletion by
    ``author`` accepted (the others kept): a deleted paragraph goes, a paragraph whose mark was
    deleted joins the next. Intake reads a marked-up redline this way, the pen-holder's changes
    accepted, so only the reviewer's remain."""
    parts = DocxParts(docx)
    for name in _STORIES:
        if parts.has(name):
            root = parts.xml(name)
            _accept_in(root, author)
            parts.set_xml(name, root)
    parts.save(out)
    return out
