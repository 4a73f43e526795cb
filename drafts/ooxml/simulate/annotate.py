"""Write a reviewer's edits into an existing .docx as Microsoft Word writes them.

Used by the demo (simulated expert returns) and by tests; not an intake path. Edits are typed
records (keyword arguments only); ``apply(docx_in, edits, out)`` applies them in order and
writes ``out``. Every part it does not need to change keeps its bytes.

Targets: ``paragraph`` is the name of a bookmark inside (or starting) the paragraph
(``ph_03_0042``), else a substring of the paragraph's current text (the first body paragraph
containing it). ``quote`` is a substring of that paragraph's current text (first occurrence);
the *current text* is the text with every earlier edit accepted (``annotate_runs``). An insertion
point is the end of ``after_quote`` (``""`` means the start of the paragraph) or, with
``at_end=True``, the end of the paragraph. A missing paragraph or quote is a ``ValueError``
naming it and the file.

Guarantees: ``w:id`` values are unique across comments, bookmarks and revisions (new ones are
above every id in the package); ``w:trackRevisions`` is set in settings.xml when any tracked
edit was applied (and ``w:doNotTrackMoves`` removed when a move was). Dates are written as
Word writes them, UTC to the second (``2024-03-04T10:00:00Z``).
``word_like_resave=True`` also does what a Word save does (``annotate_resave``), none of which
is a reviewer's edit.
"""

from __future__ import annotations

from pathlib import Path

from drafts.core.files import as_path
from drafts.ooxml.namespaces import Element
from drafts.ooxml.simulate.records import (
    Comment,
    Delete,
    DeleteParagraph,
    Edit,
    Format,
    Insert,
    InsertParagraph,
    Move,
    PointEdit,
    Replace,
    SilentEdit,
)
from drafts.ooxml.simulate.resave import resave
from drafts.ooxml.write import edits as ops
from drafts.ooxml.write.comments import add_comment
from drafts.ooxml.write.context import Context, open_context, track_revisions
from drafts.ooxml.write.records import Reply, word_date
from drafts.ooxml.write.runs import owning_paragraph, paragraph_text, w

__all__ = [
    "Comment",
    "Delete",
    "DeleteParagraph",
    "Edit",
    "Format",
    "Insert",
    "InsertParagraph",
    "Move",
    "Replace",
    "Reply",
    "SilentEdit",
    "apply",
    "find_paragraph",
    "find_quote",
    "word_date",
]


def find_paragraph(ctx: Context, target: str) -> Element:
    """Return the body paragraph holding bookmark ``target``, else the first containing it."""
    body = ctx.doc.find(w("body"))
    for mark in body.iter(w("bookmarkStart")):
        if mark.get(w("name")) == target:
            p = owning_paragraph(mark)
            if p is None:  # a bookmark between paragraphs starts the next one
                p = next(mark.itersiblings(w("p")), None)
            if p is not None:
                return p
    for p in body.iter(w("p")):
        if target in paragraph_text(p):
            return p
    raise ValueError(f"{ctx.label}: no paragraph has the bookmark or the text {target!r}")


def find_quote(ctx: Context, p: Element, target: str, quote: str) -> tuple[int, int]:
    """Return the span of the first ``quote`` in paragraph ``p``'s current text."""
    start = paragraph_text(p).find(quote)
    if start < 0:
        raise ValueError(f"{ctx.label}: paragraph {target!r} has no text {quote!r}")
    return start, start + len(quote)


def _point(ctx: Context, p: Element, target: str, edit: PointEdit) -> int:
    if edit.at_end or edit.after_quote is None:
        return len(paragraph_text(p))
    return find_quote(ctx, p, target, edit.after_quote)[1]


def _apply_one(ctx: Context, edit: Edit) -> None:
    if isinstance(edit, Comment):
        p = find_paragraph(ctx, edit.paragraph)
        start, end = find_quote(ctx, p, edit.paragraph, edit.quote)
        thread = [(edit.author, edit.initials, word_date(edit.date), edit.text)]
        thread += [(r.author, r.initials, word_date(r.date), r.text) for r in edit.replies]
        add_comment(ctx, ops.isolate(p, start, end, ctx.ids), thread, edit.resolved)
    elif isinstance(edit, SilentEdit):
        p = find_paragraph(ctx, edit.paragraph)
        ops.silent_replace(ctx, p, *find_quote(ctx, p, edit.paragraph, edit.quote), edit.new_text)
    else:
        _apply_tracked(ctx, edit, edit.author, word_date(edit.date))


def _apply_tracked(ctx: Context, edit: Edit, who: str, when: str) -> None:
    if isinstance(edit, Insert):
        p = find_paragraph(ctx, edit.paragraph)
        ops.track_insert(ctx, p, _point(ctx, p, edit.paragraph, edit), edit.text, who, when)
    elif isinstance(edit, Delete | Replace):
        p = find_paragraph(ctx, edit.paragraph)
        start, end = find_quote(ctx, p, edit.paragraph, edit.quote)
        if isinstance(edit, Replace):  # insert first: it takes the quote's own formatting
            ops.track_insert(ctx, p, end, edit.new_text, who, when)
        ops.track_delete(ctx, p, start, end, who, when)
    elif isinstance(edit, Move):
        src = find_paragraph(ctx, edit.from_paragraph)
        start, end = find_quote(ctx, src, edit.from_paragraph, edit.quote)
        dst = find_paragraph(ctx, edit.to_paragraph)
        if src is dst:
            raise ValueError(f"{ctx.label}: a move within one paragraph is not supported")
        offset = _point(ctx, dst, edit.to_paragraph, edit)
        ops.track_move(ctx, (src, start, end), (dst, offset), who, when)
    elif isinstance(edit, Format):
        p = find_paragraph(ctx, edit.paragraph)
        props = {k: v for k, v in (("b", edit.bold), ("i", edit.italic)) if v is not None}
        ops.track_format(ctx, p, *find_quote(ctx, p, edit.paragraph, edit.quote), props, who, when)
    elif isinstance(edit, InsertParagraph):
        after = find_paragraph(ctx, edit.after_paragraph)
        ops.track_new_paragraph(ctx, after, edit.text, edit.style, who, when)
    elif isinstance(edit, DeleteParagraph):
        ops.track_delete_paragraph(ctx, find_paragraph(ctx, edit.paragraph), who, when)


def apply(
    docx_in: Path | bytes, edits: list[Edit], out: Path, *, word_like_resave: bool = False
) -> Path:
    """Apply ``edits`` in order to ``docx_in`` (a path or the bytes of a .docx); write ``out``."""
    out = Path(out)
    label = "<bytes>" if isinstance(docx_in, bytes) else str(docx_in)
    with as_path(docx_in, out.parent) as path:
        return _apply(path, label, edits, out, word_like_resave)


def _apply(path: Path, label: str, edits: list[Edit], out: Path, resave_too: bool) -> Path:
    ctx = open_context(path, label)
    parts = ctx.parts
    for edit in edits:
        _apply_one(ctx, edit)
    tracked = [e for e in edits if not isinstance(e, Comment | SilentEdit)]
    if tracked:
        track_revisions(ctx, any(isinstance(e, Move) for e in edits))
    if resave_too:
        last = next((e for e in reversed(edits) if hasattr(e, "author")), None)
        resave(ctx, getattr(last, "author", None))
    parts.save(out)
    return out
