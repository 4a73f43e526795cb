"""The reviewer's edits as Word records them, one function per kind, over one paragraph's runs.

Every function takes the ``Context`` (parts, main document, id source), the target paragraph
element(s), offsets into the paragraph's current text (see ``annotate_runs``), an author and a
date already formatted as Word writes it (``2024-03-04T10:00:00Z``):

- ``track_delete`` wraps the runs in ``w:del`` (text becomes ``w:delText``); text that the same
  author inserted earlier simply disappears, someone else's insertion gets a ``w:del`` inside it;
- ``track_insert`` puts a ``w:ins`` run after the run ending at the offset, with that run's
  properties (Word types with the formatting of the preceding character);
- ``track_move`` wraps the source runs in ``w:moveFrom`` inside a named
  ``w:moveFromRangeStart/End`` and copies them into ``w:moveTo`` inside a ``w:moveToRangeStart/End``
  of the same name;
- ``track_format`` adds ``w:rPrChange`` holding the old properties;
- ``track_new_paragraph`` / ``track_delete_paragraph`` mark the paragraph mark with
  ``w:pPr/w:rPr/w:ins|w:del``;
- ``silent_replace`` rewrites the text with no trace.
"""

from __future__ import annotations

import copy

from drafts.ooxml.namespaces import Element
from drafts.ooxml.write.comments import copy_rpr
from drafts.ooxml.write.context import Context
from drafts.ooxml.write.runs import (
    DELETED,
    INSERTED,
    PPR,
    RPR,
    insert_at,
    isolate,
    make,
    spans,
    sub,
    text_run,
    text_runs,
    to_deleted,
    w,
    wrap,
)

# CT_ParaRPr / CT_RPr child order (paragraph-mark revisions first, rPrChange last).
_RPR_ORDER = [
    "ins", "del", "moveFrom", "moveTo", "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps",
    "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss", "imprint", "noProof",
    "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz",
    "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
    "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange",
]  # fmt: skip
_PPR_TAIL = ["rPr", "sectPr", "pPrChange"]


def place(parent: Element, child: Element, order: list[str]) -> Element:
    """Insert ``child`` into ``parent`` at its schema position (replacing a same-named child)."""
    name = child.tag.rpartition("}")[2]
    old = parent.find(w(name))
    if old is not None:
        old.addprevious(child)
        parent.remove(old)
        return child
    rank = order.index(name)
    for existing in parent:
        other = existing.tag.rpartition("}")[2]
        if other in order and order.index(other) > rank:
            existing.addprevious(child)
            return child
    parent.append(child)
    return child


def _ensure(parent: Element, tag: str, order: list[str]) -> Element:
    found = parent.find(w(tag))
    return found if found is not None else place(parent, make(tag), order)


def _remove_runs(runs: list[Element]) -> None:
    for r in runs:
        parent = r.getparent()
        parent.remove(r)
        if parent.tag in INSERTED and not any(c.tag == w("r") for c in parent):
            parent.getparent().remove(parent)


def delete_runs(ctx: Context, runs: list[Element], author: str, date: str) -> None:
    """Mark whole runs deleted by ``author`` (their own earlier insertions just go)."""
    own = [r for r in runs if r.getparent().tag in INSERTED and _author(r.getparent()) == author]
    _remove_runs(own)
    rest = [r for r in runs if r not in own]
    for r in rest:
        to_deleted(r)
    wrap(rest, lambda: make("del", id=ctx.ids.next(), author=author, date=date))


def track_delete(ctx: Context, p: Element, start: int, end: int, author: str, date: str) -> None:
    """Mark ``[start, end)`` of ``p`` deleted by ``author``."""
    delete_runs(ctx, isolate(p, start, end, ctx.ids), author, date)


def _author(el: Element) -> str | None:
    value: str | None = el.get(w("author"))
    return value


def _preceding_run(p: Element, offset: int) -> Element | None:
    before = [r for r, s, e in spans(p) if e <= offset and s < e]
    return before[-1] if before else None


def track_insert(
    ctx: Context, p: Element, offset: int, text: str, author: str, date: str
) -> Element:
    """Insert ``text`` at ``offset`` of ``p`` as a tracked insertion; return the ``w:ins``."""
    ins = make("ins", id=ctx.ids.next(), author=author, date=date)
    ins.append(text_run(text, copy_rpr(_preceding_run(p, offset))))
    insert_at(p, offset, ins, ctx.ids)
    return ins


def track_move(
    ctx: Context,
    source: tuple[Element, int, int],
    target: tuple[Element, int],
    author: str,
    date: str,
) -> None:
    """Move ``source`` (paragraph, start, end) to ``target`` (paragraph, offset), tracked."""
    p, start, end = source
    runs = isolate(p, start, end, ctx.ids)
    if not runs:
        raise ValueError("nothing to move")
    moved = [copy.deepcopy(r) for r in runs]
    name = ctx.ids.move_name()
    boxes = wrap(runs, lambda: make("moveFrom", id=ctx.ids.next(), author=author, date=date))
    rng = ctx.ids.next()
    boxes[0].addprevious(make("moveFromRangeStart", id=rng, author=author, date=date, name=name))
    boxes[-1].addnext(make("moveFromRangeEnd", id=rng))
    to_p, offset = target
    move_to = make("moveTo", id=ctx.ids.next(), author=author, date=date)
    for r in moved:
        move_to.append(r)
    insert_at(to_p, offset, move_to, ctx.ids)
    rng = ctx.ids.next()
    move_to.addprevious(make("moveToRangeStart", id=rng, author=author, date=date, name=name))
    move_to.addnext(make("moveToRangeEnd", id=rng))


def track_format(
    ctx: Context, p: Element, start: int, end: int, props: dict[str, bool], author: str, date: str
) -> None:
    """Set run properties (``{"b": True, "i": False}``) on ``[start, end)`` as a tracked change."""
    for r in isolate(p, start, end, ctx.ids):
        rpr = r.find(RPR)
        if rpr is None:
            rpr = make("rPr")
            r.insert(0, rpr)
        if rpr.find(w("rPrChange")) is None:
            old = copy_rpr(r)
            change = make("rPrChange", id=ctx.ids.next(), author=author, date=date)
            change.append(old if old is not None else make("rPr"))
            place(rpr, change, _RPR_ORDER)
        for tag, on in props.items():
            for name in (tag, tag + "Cs"):
                el = make(name) if on else make(name, val="0")
                place(rpr, el, _RPR_ORDER)


def mark_paragraph(ctx: Context, p: Element, kind: str, author: str, date: str) -> None:
    """Record the paragraph mark of ``p`` as inserted or deleted (``kind``: ins or del)."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = make("pPr")
        p.insert(0, ppr)
    rpr = _ensure(ppr, "rPr", ["pStyle", *_PPR_TAIL])
    place(rpr, make(kind, id=ctx.ids.next(), author=author, date=date), _RPR_ORDER)


def track_new_paragraph(
    ctx: Context, after: Element, text: str, style: str | None, author: str, date: str
) -> Element:
    """Insert a new paragraph holding ``text`` after ``after``, tracked; return it."""
    new = new_tracked_paragraph(ctx, after, text, style, author, date)
    after.addnext(new)
    return new


def new_tracked_paragraph(
    ctx: Context, style_source: Element, text: str, style: str | None, author: str, date: str
) -> Element:
    """Return a new paragraph (mark and content tracked as inserted), not yet placed, with the
    paragraph properties of ``style_source`` (or the paragraph style ``style``)."""
    new = make("p")
    ppr = style_source.find(PPR)
    if ppr is not None:
        keep = copy.deepcopy(ppr)
        for child in list(keep):
            if child.tag.rpartition("}")[2] in _PPR_TAIL:
                keep.remove(child)
        new.append(keep)
    if style is not None:
        ppr_new = new.find(PPR)
        if ppr_new is None:
            ppr_new = make("pPr")
            new.insert(0, ppr_new)
        place(ppr_new, make("pStyle", val=style), ["pStyle", "keepNext", *_PPR_TAIL])
    mark_paragraph(ctx, new, "ins", author, date)
    if text:
        sub(new, "ins", id=ctx.ids.next(), author=author, date=date).append(text_run(text))
    return new


def track_delete_paragraph(ctx: Context, p: Element, author: str, date: str) -> None:
    """Delete the whole of ``p`` (its text and its mark), tracked."""
    delete_runs(ctx, text_runs(p), author, date)
    mark_paragraph(ctx, p, "del", author, date)


def silent_replace(ctx: Context, p: Element, start: int, end: int, new_text: str) -> None:
    """Replace ``[start, end)`` of ``p`` with ``new_text``, leaving no revision."""
    runs = isolate(p, start, end, ctx.ids)
    if not runs:
        anchor = make("r")
        insert_at(p, start, anchor, ctx.ids)
        runs = [anchor]
    head = runs[0]
    for child in [c for c in head if c.tag != RPR]:
        head.remove(child)
    if new_text:
        t = sub(head, "t")
        t.text = new_text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        runs = runs[1:]
    for r in runs:
        parent = r.getparent()
        parent.remove(r)
        if parent.tag in INSERTED | DELETED and len(parent) == 0:
            parent.getparent().remove(parent)
