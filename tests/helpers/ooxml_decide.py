"""Decide tracked changes by row mark with penholder's own OOXML layer (fast, no LibreOffice).

``decide(docx_in, out, ops, replies)``: ``ops`` is a list of ``(op, mark)`` or
``("edit", mark, old, new)``, applied in order to the runs inside bookmark ``mark``:

- ``accept``: every ``w:ins`` in the range is unwrapped, every ``w:del`` removed;
- ``reject``: every ``w:ins`` removed, every ``w:del`` unwrapped (its ``w:delText`` as ``w:t``);
- ``edit``: the first ``old`` in the text of the range's inserted runs becomes ``new``
  (untracked, as typed with tracking off), before it is accepted or left;
- ``drop``: the bookmark itself is removed (as LibreOffice drops an emptied one).

``replies`` are ``(comment id, (author, initials, date, text), resolved)``: added with
``drafts.ooxml.write.comments.add_reply`` before the ops. Paragraph-mark changes are not handled.
"""

from __future__ import annotations

from pathlib import Path

from drafts.ooxml.write.comments import add_reply
from drafts.ooxml.write.context import open_context
from drafts.ooxml.write.runs import w

Op = tuple[str, ...]
ReplySpec = tuple[str, tuple[str, str, str, str], bool]


def _inside(root, name: str) -> tuple[object, list]:  # type: ignore[no-untyped-def]
    """Return the bookmark start named ``name`` and the ins/del elements of its range."""
    start = next((b for b in root.iter(w("bookmarkStart")) if b.get(w("name")) == name), None)
    if start is None:
        raise ValueError(f"no bookmark {name}")
    bid, inside, found = start.get(w("id")), False, []
    for el in root.iter():
        if el is start:
            inside = True
        elif el.tag == w("bookmarkEnd") and el.get(w("id")) == bid:
            break
        elif inside and el.tag in (w("ins"), w("del")) and el.getparent().tag != w("rPr"):
            found.append(el)
    return start, found


def _unwrap(el) -> None:  # type: ignore[no-untyped-def]
    for t in el.iter(w("delText")):
        t.tag = w("t")
    for child in list(el):
        el.addprevious(child)
    el.getparent().remove(el)


def _apply(root, op: Op) -> None:  # type: ignore[no-untyped-def]
    kind, name = op[0], op[1]
    start, changes = _inside(root, name)
    if kind == "drop":
        bid = start.get(w("id"))
        end = next(e for e in root.iter(w("bookmarkEnd")) if e.get(w("id")) == bid)
        for el in (start, end):
            el.getparent().remove(el)
        return
    if kind == "edit":
        old, new = op[2], op[3]
        for ins in (c for c in changes if c.tag == w("ins")):
            for t in ins.iter(w("t")):
                if t.text and old in t.text:
                    t.text = t.text.replace(old, new, 1)
                    return
        raise ValueError(f"{old!r} is not inserted in {name}")
    keep = w("ins") if kind == "accept" else w("del")
    for el in changes:
        if el.getparent() is None:
            continue
        if el.tag == keep:
            _unwrap(el)
        else:
            el.getparent().remove(el)


def decide(docx_in: Path, out: Path, ops: list[Op], replies: list[ReplySpec] = ()) -> Path:  # type: ignore[assignment]
    """Apply ``replies`` then ``ops`` (see the module docstring) to ``docx_in``; write ``out``."""
    ctx = open_context(docx_in, str(docx_in))
    for parent, reply, resolved in replies:
        add_reply(ctx, parent, reply, resolved)
    for op in ops:
        _apply(ctx.doc, op)
    ctx.parts.save(out)
    return out
