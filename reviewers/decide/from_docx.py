"""Dispositions read back from a consolidated .docx in which the pen-holder decided in Word.

``decisions_from_consolidated(path, matrix, drafters)`` reads the file penholder wrote with
``penholder consolidate`` (``reviewers.consolidate.tracked_docx``) after a drafter accepted or
rejected its tracked changes and replied to its comments, in Word or LibreOffice, and returns a
``DocxDecisions``: the answers it can read, and every other row by why it has none. Rows are
found by their marks (bookmarks ``rm_<row>``, ``_2``... for later pieces: see
``drafts.ooxml.write.records.mark_name``), never by position; ids of bookmarks, comments and
revisions are not used, so re-saves that renumber them change nothing.

Refused (``ConsolidatedFileRefused``, a ``DocumentError``): a file without penholder's stamp, a
packet or a return (its stamp names a packet), a file of another chapter, round or revision than
``matrix``, and a file without a single row mark where the matrix has rows that always keep one.

How a row is read (``anchor`` and ``proposed`` are the row's texts, spaces collapsed):

- **conflict** rows (flag ``conflict``) are not answered from the file (their competing texts are
  in one comment): listed in ``conflicts``. Rows the file does not carry (``no longer applies``,
  or not placed) are listed in ``unplaced``.
- **suggestions** (insert, delete, replace, silent, move): each piece of the row's mark is
  expected to hold ``anchor`` with the change rejected and ``proposed`` with it accepted (a move:
  its source piece ``anchor`` -> nothing, its landing piece nothing -> ``anchor``; new paragraphs:
  one piece each). A tracked change left in any piece: the row is ``pending``. Otherwise a piece
  holding the accepted text is accepted, the rejected text rejected; an empty or vanished mark
  is an accepted deletion or a rejected insertion (LibreOffice drops empty bookmarks); any other
  text was edited before it was accepted. All accepted: ``accepted``; all rejected:
  ``rejected``; else ``modified`` with ``adopted`` the pieces' texts as they now stand (joined by
  "\\n"; a new paragraph's text after a "\\n", as the row proposes it). An insertion whose mark
  vanished while its text stands in the block, or a replacement whose mark vanished, cannot be
  told and is ``missing``. LibreOffice 7.4 writes the end of a bookmark that follows a comment
  one character short: a mark ending where its block's anchor ends (which penholder writes at the
  paragraph's end) is read to the paragraph's end, and a text that reads as expected once the
  paragraph's next two characters are added counts as that text.
- **comments and format remarks** (placed as comment threads): a reply by a drafter (an author
  in ``drafters``) is the response; a reply that starts with ``accepted``, ``noted`` or
  ``rejected`` (short or long words, then ":", "." or a dash) gives that answer, otherwise the
  answer is ``noted``; a resolved thread without a drafter's reply is ``noted`` with no response;
  else ``pending``. A mark left without its thread (the comment was deleted) is ``missing``: a
  deletion says nothing about the answer. A suggestion that could not be tracked and was placed
  as a comment is answered only by a drafter's reply that starts with one of those words.
- A drafter's comments inside a suggestion's mark are its response. Replies belong to the thread
  they reply to; a comment whose parent link was lost (LibreOffice 7.4 drops it) belongs to the
  comment rows whose mark holds it, else to every row whose mark holds it.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from drafts import layout
from drafts.core.errors import DocumentError
from drafts.ooxml.read.annotations import Comment
from drafts.ooxml.read.marks import MarkedDocument, MarkedRange, read_marks
from drafts.ooxml.write.records import MARK_PREFIX, mark_name
from reviewers.consolidate.merge import SUGGESTIONS
from reviewers.consolidate.models import Matrix, Row
from reviewers.decide.models import Answer, Word, parse


class ConsolidatedFileRefused(DocumentError):
    """A .docx that is not the consolidated file of the matrix's chapter and round."""


class DocxDecisions(BaseModel):
    """What a consolidated .docx says about each row of its matrix (row ids, matrix order)."""

    model_config = ConfigDict(frozen=True)

    file: str
    answers: list[Answer] = Field(default_factory=list)
    pending: list[str] = Field(default_factory=list, description="still open in the file")
    conflicts: list[str] = Field(default_factory=list, description="answer from CLI or matrix")
    unplaced: list[str] = Field(default_factory=list, description="not in the file by design")
    missing: dict[str, str] = Field(default_factory=dict, description="row -> why not read")


_WORD = re.compile(
    r"^\s*(accepted with modification|not accepted|accepted|noted|rejected)\s*"
    r"(?:[:.\u2013\u2014-]\s*|$)(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_UNTRACKABLE = ": could not be shown as a tracked change here"
_SHIFT = 2  # characters a re-saved bookmark end may lose (see the module docstring)


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


# -- refusals -------------------------------------------------------------------------------------


def _check_stamp(path: Path, doc: MarkedDocument, matrix: Matrix) -> None:
    props = doc.custom_properties
    own = f"{layout.consolidated(matrix.round or '-', matrix.chapter)}/consolidated.docx"
    if "penholder.chapter" not in props:
        raise ConsolidatedFileRefused(
            f"{path} has no penholder stamp, so it is not a file penholder wrote; import the "
            f"{own} that `penholder consolidate` wrote, or answer in the matrix"
        )
    if props.get("penholder.packet") or props.get("penholder.reviewer"):
        raise ConsolidatedFileRefused(
            f"{path} is the packet {props.get('penholder.packet') or '?'} sent to a reviewer, not "
            f"a consolidated file; record a return with `penholder import`, and read decisions "
            f"from {own}"
        )
    found = (props["penholder.chapter"], props.get("penholder.round") or None)
    revision = props.get("penholder.revision", "")
    if found != (matrix.chapter, matrix.round) or revision != str(matrix.revision):
        raise ConsolidatedFileRefused(
            f"{path} is chapter {found[0]}, round {found[1] or '-'}, revision {revision or '?'}, "
            f"not chapter {matrix.chapter}, round {matrix.round}, revision {matrix.revision} of "
            f"this matrix; import it against its own chapter and round, or use {own}"
        )


def _keeps_a_mark(row: Row) -> bool:
    """Whether the row's mark survives whatever the drafter decides (a thread, a replacement)."""
    if row.kind not in SUGGESTIONS:
        return True
    return bool(_flat(row.anchor_text)) and bool(_flat(row.proposed)) and row.kind != "move"


def _check_marks(path: Path, doc: MarkedDocument, placed: list[Row]) -> None:
    if not doc.marks and any(_keeps_a_mark(r) for r in placed):
        raise ConsolidatedFileRefused(
            f"{path} carries no row marks (bookmarks rm_...), so it is not a consolidated file "
            f"penholder wrote or its marks were removed; run `penholder consolidate` again and "
            f"decide in the new file, or answer in the matrix"
        )


# -- the pieces of a row --------------------------------------------------------------------------


def _expected(row: Row) -> list[tuple[str, str]]:
    """Return each piece's (text rejected, text accepted), spaces collapsed."""
    anchor, proposed = _flat(row.anchor_text), row.proposed or ""
    if row.kind == "move":
        return [(anchor, ""), ("", anchor)]
    if proposed.startswith("\n") and not anchor:
        return [("", _flat(part)) for part in proposed.split("\n") if part.strip()]
    return [(anchor, _flat(proposed))]


def _pieces(row: Row, doc: MarkedDocument, wanted: int) -> list[MarkedRange | None]:
    """The row's marks by piece (None where a piece's mark is not in the file)."""
    found: list[MarkedRange | None] = []
    piece = 1
    while piece <= wanted or mark_name(row.id, piece) in doc.marks:
        found.append(doc.marks.get(mark_name(row.id, piece)))
        piece += 1
    return found


def _text(mark: MarkedRange, doc: MarkedDocument, block: str | None) -> tuple[str, str]:
    """Return the mark's text as it stands and the rest of its paragraph after it."""
    tail = doc.tails.get(mark.name, "")
    if tail and block is not None and doc.tails.get(block) == tail:
        return mark.text_after + tail, ""  # read short like its block's anchor
    return mark.text_after, tail


def _reads(text: str, tail: str, expected: str) -> bool:
    """Whether the text reads ``expected``, allowing a bookmark end read a little short."""
    flat = _flat(text)
    if flat == expected:
        return True
    longer = _flat(text + tail[:_SHIFT])
    return bool(flat) and expected.startswith(flat) and longer.startswith(expected)


def _piece_state(
    row: Row, mark: MarkedRange | None, want: tuple[str, str], doc: MarkedDocument
) -> tuple[str, str] | str:
    """Return ("accepted"|"rejected"|"modified", text) for a decided piece, else a reason."""
    before, after = want
    block_text = _flat(doc.paragraphs.get(row.block or "", ""))
    if mark is None:
        if after == "":
            return "accepted", ""
        if before == "" and not (len(after) > 3 and after in block_text):
            return "rejected", ""
        return f"its mark {mark_name(row.id)} is not in the file and its text cannot be told"
    if mark.pending:
        return "pending"
    text, tail = _text(mark, doc, row.block)
    if _reads(text, tail, after):
        return "accepted", after
    if _reads(text, tail, before):
        return "rejected", before
    return "modified", _flat(text)


def _combine(row: Row, states: list[tuple[str, str]]) -> tuple[Word, str | None]:
    words = {w for w, _ in states}
    if words == {"accepted"}:
        return "accepted", None
    if words == {"rejected"}:
        return "rejected", None
    texts = [t for _, t in states if t]
    if (row.proposed or "").startswith("\n") and not _flat(row.anchor_text):
        return "modified", "".join("\n" + t for t in texts)
    return "modified", "\n".join(texts)


# -- comments -------------------------------------------------------------------------------------


def _owners(
    placed: list[Row], marks: dict[str, list[MarkedRange]], doc: MarkedDocument
) -> dict[str, list[str]]:
    """Return ``{comment id: the rows it answers}`` (see the module docstring)."""
    by_id = {c.id: c for c in doc.comments}
    holders: dict[str, list[Row]] = {}
    for row in placed:
        for mark in marks[row.id]:
            for cid in mark.comments:
                holders.setdefault(cid, [])
                if row not in holders[cid]:
                    holders[cid].append(row)

    def owner(cid: str, depth: int = 0) -> list[str]:
        c = by_id.get(cid)
        if c is not None and c.parent and c.parent in by_id and depth < 50:
            return owner(c.parent, depth + 1)
        rows = holders.get(cid, [])
        threads = [r for r in rows if r.kind not in SUGGESTIONS]
        return [r.id for r in (threads or rows)]

    return {c.id: owner(c.id) for c in doc.comments}


def _thread(row: Row, doc: MarkedDocument, owners: dict[str, list[str]]) -> list[Comment]:
    """The comments that answer ``row`` (its thread and replies, comments in its mark)."""
    return [c for c in doc.comments if row.id in owners.get(c.id, [])]


def _drafter_reply(thread: list[Comment], drafters: set[str]) -> str:
    root = thread[0].id if thread and thread[0].author not in drafters else None
    texts = [c.text.strip() for c in thread if c.id != root and c.author in drafters]
    return "\n".join(t for t in texts if t)


def _worded(reply: str) -> tuple[Word | None, str]:
    """Return the answer a reply starts with (accepted, noted, rejected) and the rest."""
    found = _WORD.match(reply)
    if found is None:
        return None, reply
    return parse(found.group(1)), found.group(2).strip()


# -- rows -----------------------------------------------------------------------------------------


def _comment_row(row: Row, thread: list[Comment], reply: str, untrackable: bool) -> Answer | str:
    """Return the answer of a thread row, "pending", or the reason it cannot be read."""
    if not thread:
        return f"its comment thread is not in the file (mark {mark_name(row.id)} holds none)"
    word, rest = _worded(reply)
    if untrackable:
        return Answer(row=row.id, disposition=word, response=rest) if word else "pending"
    if reply:
        return Answer(row=row.id, disposition=word or "noted", response=rest if word else reply)
    if thread[0].resolved:
        return Answer(row=row.id, disposition="noted")
    return "pending"


def _change_row(
    row: Row, doc: MarkedDocument, marks: list[MarkedRange | None], reply: str
) -> Answer | str:
    expected = _expected(row)
    states: list[tuple[str, str]] = []
    for n, want in enumerate(expected):
        mark = marks[n] if n < len(marks) else None
        if row.kind == "move" and n > 0 and mark is None:
            continue  # the landing point of a move may not have been placed
        state = _piece_state(row, mark, want, doc)
        if isinstance(state, str):
            return state
        states.append(state)
    word, adopted = _combine(row, states)
    return Answer(row=row.id, disposition=word, response=reply, adopted=adopted)


def decisions_from_consolidated(path: Path, matrix: Matrix, drafters: set[str]) -> DocxDecisions:
    """Read the pen-holder's decisions on ``matrix``'s rows from the consolidated .docx ``path``.

    ``drafters`` are the names (as Word shows authors) of the people with role drafter. Raises
    ``ConsolidatedFileRefused`` for a file that is not this matrix's consolidated file, and
    ``DocumentError`` for a file that is not a readable .docx. See the module docstring.
    """
    path = Path(path)
    doc = read_marks(path, MARK_PREFIX)
    _check_stamp(path, doc, matrix)
    conflicts = [r.id for r in matrix.rows if "conflict" in r.flags]
    unplaced = [
        r.id
        for r in matrix.rows
        if "conflict" not in r.flags and ("no longer applies" in r.flags or r.block is None)
    ]
    placed = [r for r in matrix.rows if r.id not in conflicts and r.id not in unplaced]
    _check_marks(path, doc, placed)
    marks = {r.id: _pieces(r, doc, len(_expected(r))) for r in placed}
    present = {r.id: [m for m in marks[r.id] if m is not None] for r in placed}
    owners = _owners(placed, present, doc)
    answers: list[Answer] = []
    pending: list[str] = []
    missing: dict[str, str] = {}
    for row in placed:
        thread = _thread(row, doc, owners)
        reply = _drafter_reply(thread, drafters)
        untrackable = any(c.text.startswith(row.id + _UNTRACKABLE) for c in thread)
        if row.kind in SUGGESTIONS and not untrackable:
            outcome = _change_row(row, doc, marks[row.id], reply)
        else:
            outcome = _comment_row(row, thread, reply, untrackable)
        if isinstance(outcome, Answer):
            answers.append(outcome)
        elif outcome == "pending":
            pending.append(row.id)
        else:
            missing[row.id] = outcome
    return DocxDecisions(
        file=str(path),
        answers=answers,
        pending=pending,
        conflicts=conflicts,
        unplaced=unplaced,
        missing=missing,
    )
