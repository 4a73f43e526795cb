"""How your comments were addressed: one letter per expert, from the matrix and the answers.

``letter_rows(matrix, log, reviewer)`` lists the expert's rows (as a supporter) with the answer;
``write_letter(...)`` fills the letter template ``addressed`` (``reviewers.send.wording``: the
workspace's wording first) and writes it as a house-style .docx (``reviewers.send.letters``):
letterhead, date, reference (round and the expert's packet id), salutation, then per remark its
id, where it is (section, paragraph, page and line), what the expert wrote or proposed, the
disposition in words, the response and the text adopted (rows still unanswered say so), and the
signatory block. The e-mail's body is the same text. ``send_letters`` (the edge) commits every letter under
``letters/<round>/<chapter>/<reviewer>.docx`` and sends each as an e-mail like the packets
(``reviewers.send.mail.deliver``, never twice); the next round's packet for the expert carries it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import BaseModel

from drafts import layout
from drafts.core.errors import NotFound
from drafts.core.progress import each
from drafts.models import Event, Person
from drafts.workspace import Actor, Workspace
from reviewers.consolidate.matrix import page_line
from reviewers.consolidate.models import Matrix, Row
from reviewers.decide.models import Disposition, DispositionLog, spelled
from reviewers.decide.store import load_log, load_matrix
from reviewers.models import MessageKind, Round
from reviewers.rounds.records import load_round
from reviewers.send import wording
from reviewers.send.letters import common, plain, write_docx
from reviewers.send.mail import Delivery, Outgoing, deliver


class LetterRow(BaseModel):
    """One of the expert's remarks and what became of it."""

    row: Row
    answer: Disposition | None


class Letters(BaseModel):
    """The letters written (workspace paths), the commit, and what was sent."""

    files: list[str]
    commit: str | None
    sent: list[str]
    skipped: list[str]


def letter_rows(matrix: Matrix, log: DispositionLog, reviewer: str) -> list[LetterRow]:
    """Return the rows ``reviewer`` supports, with their current answer (None: not yet)."""
    current = log.current()
    return [
        LetterRow(row=row, answer=current.get(row.id))
        for row in matrix.rows
        if any(s.reviewer == reviewer for s in row.supporters)
    ]


def _where(row: Row) -> str:
    parts = [
        row.section or "",
        f"paragraph {row.paragraph}" if row.paragraph else "",
        page_line(row),
    ]
    return ", ".join(p for p in parts if p) or "the chapter as a whole"


def addressed_text(
    ws: Workspace, person: Person, rnd: Round, matrix: Matrix, rows: list[LetterRow]
) -> str:
    """Return the letter telling ``person`` what became of ``rows`` (template ``addressed``)."""
    remarks = [
        {
            "id": item.row.id,
            "where": _where(item.row),
            "comment": item.row.comment,
            "proposed": (item.row.proposed or "").strip(),
            "disposition": (
                spelled(item.answer.disposition)
                if item.answer and item.answer.disposition
                else "not yet decided"
            ),
            "response": item.answer.response if item.answer else "",
            "adopted": (item.answer.adopted or "") if item.answer else "",
        }
        for item in rows
    ]
    values = common(ws, person, rnd, letter_reference(ws, rnd, matrix.chapter, person.id)) | {
        "chapter": matrix.chapter,
        "chapter_title": matrix.chapter_title,
        "remarks": remarks,
    }
    return wording.fill(ws.root, "addressed", values)


def letter_reference(ws: Workspace, rnd: Round, chapter: str, reviewer: str) -> str:
    """Return the reference of a letter: prefix/round/the expert's packet id (else chapter)."""
    item = rnd.item(reviewer, chapter)
    prefix = ws.guideline.house.reference_prefix
    return wording.reference(prefix, rnd.id, item.packet if item else chapter)


def write_letter(
    ws: Workspace, out: Path, person: Person, rnd: Round, matrix: Matrix, rows: list[LetterRow]
) -> tuple[Path, str]:
    """Write the letter to ``person`` about ``rows`` in the house style; return it and its
    e-mail text (the same words)."""
    reference = letter_reference(ws, rnd, matrix.chapter, person.id)
    text = addressed_text(ws, person, rnd, matrix, rows)
    title = f"How your comments on chapter {matrix.chapter} were addressed"
    return write_docx(ws, text, out, title, reference), plain(text)


def send_letters(ws: Workspace, chapter: str, round_id: str, actor: Actor) -> Letters:
    """Write, commit and send every expert's letter on ``chapter`` in ``round_id``."""
    matrix = load_matrix(ws, chapter, round_id)
    log = load_log(ws, chapter, round_id)
    rnd = load_round(ws, round_id)
    reviewers = list(dict.fromkeys(s.reviewer for r in matrix.rows for s in r.supporters))
    people = {p.id: p for p in ws.people}
    files: dict[str, bytes | None] = {}
    texts: dict[str, str] = {}
    outgoing: list[Outgoing] = []
    with tempfile.TemporaryDirectory(prefix="penholder-letters-") as tmp:
        for reviewer in each(reviewers, f"chapter {chapter}: writing letters"):
            if reviewer is None or reviewer not in people:
                continue
            person = people[reviewer]
            rows = letter_rows(matrix, log, reviewer)
            path, text = write_letter(ws, Path(tmp) / f"{reviewer}.docx", person, rnd, matrix, rows)
            files[layout.letter(round_id, chapter, reviewer)] = path.read_bytes()
            texts[reviewer] = text
        if not files:
            raise NotFound(
                f"no expert of people.yaml has a remark on chapter {chapter} in round {round_id}"
            )
        trailers = [("Event", Event.LETTERS.value), ("Round", round_id), ("Chapter", chapter)]
        n = len(files)
        subject = (
            f"Chapter {chapter}, round {round_id}: {n} letter{'s' if n != 1 else ''} to experts"
        )
        sha = ws.commit(files, subject, trailers, actor)
    for rel in files:
        reviewer = Path(rel).stem
        outgoing.append(
            Outgoing(
                key=f"letter-{chapter}-{reviewer}",
                kind=MessageKind.LETTER,
                reviewer=people[reviewer],
                subject=f"{ws.guideline.label}: how your comments on chapter {chapter} were addressed",
                text=texts[reviewer],
                attachments=[ws.root / rel],
            )
        )
    delivery: Delivery = deliver(ws, round_id, outgoing, actor)
    return Letters(
        files=list(files),
        commit=sha,
        sent=[m.key for m in delivery.sent],
        skipped=delivery.skipped,
    )
