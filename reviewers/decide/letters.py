"""How your comments were addressed: one letter per expert, from the matrix and the answers.

``letter_rows(matrix, log, reviewer)`` lists the expert's rows (as a supporter) with the answer;
``write_letter(...)`` writes the .docx in the house style (the reference template): a short
introduction, then per remark its id, where it is (section, paragraph, page and line), what the
expert wrote or proposed, the disposition in words, the response and the text adopted. Rows
still unanswered say so. ``send_letters`` (the edge) commits every letter under
``letters/<round>/<chapter>/<reviewer>.docx`` and sends each as an e-mail like the packets
(``reviewers.send.mail.deliver``, never twice); the next round's packet for the expert carries it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from docx import Document
from pydantic import BaseModel

from drafts import layout
from drafts.core import resources
from drafts.core.errors import NotFound
from drafts.core.files import atomic_output
from drafts.models import Event, Person
from drafts.ooxml.write.tables import clear_body
from drafts.workspace import Actor, Workspace
from reviewers.consolidate.matrix import page_line
from reviewers.consolidate.models import Matrix, Row
from reviewers.decide.models import Disposition, DispositionLog, spelled
from reviewers.decide.store import load_log, load_matrix
from reviewers.models import MessageKind
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


def write_letter(
    out: Path, person: Person, matrix: Matrix, rows: list[LetterRow], sender: str
) -> Path:
    """Write the letter to ``person`` about ``rows`` (see module docstring); return ``out``."""
    doc = Document(str(resources.reference_docx()))
    clear_body(doc.element.body)
    doc.add_paragraph("How your comments were addressed", style="Title")
    doc.add_paragraph(
        f"Dear {person.name}, thank you for your review of chapter {matrix.chapter} "
        f"({matrix.chapter_title}) of the {matrix.guideline} in round {matrix.round}. Below is "
        f"each of your {len(rows)} remark{'s' if len(rows) != 1 else ''} and what the drafting "
        "team decided.",
        style="Body Text",
    )
    for item in rows:
        row, answer = item.row, item.answer
        doc.add_heading(f"{row.id}: {_where(row)}", level=2)
        doc.add_paragraph(f"Your remark: {row.comment}", style="Body Text")
        if row.proposed:
            doc.add_paragraph(f"You proposed: {row.proposed.strip()}", style="Body Text")
        decided = (
            spelled(answer.disposition) if answer and answer.disposition else "not yet decided"
        )
        doc.add_paragraph(f"Disposition: {decided}", style="Body Text")
        if answer and answer.response:
            doc.add_paragraph(f"Response: {answer.response}", style="Body Text")
        if answer and answer.adopted:
            doc.add_paragraph(f"Text adopted: {answer.adopted}", style="Body Text")
    doc.add_paragraph(f"With many thanks, {sender}", style="Body Text")
    doc.core_properties.title = f"How your comments were addressed, chapter {matrix.chapter}"
    doc.core_properties.author = sender
    with atomic_output(Path(out)) as tmp:
        doc.save(str(tmp))
    return Path(out)


def send_letters(ws: Workspace, chapter: str, round_id: str, actor: Actor) -> Letters:
    """Write, commit and send every expert's letter on ``chapter`` in ``round_id``."""
    matrix = load_matrix(ws, chapter, round_id)
    log = load_log(ws, chapter, round_id)
    reviewers = list(dict.fromkeys(s.reviewer for r in matrix.rows for s in r.supporters))
    people = {p.id: p for p in ws.people}
    sender = ws.guideline.mail.from_name or ws.guideline.organisation or "The drafting team"
    files: dict[str, bytes | None] = {}
    outgoing: list[Outgoing] = []
    with tempfile.TemporaryDirectory(prefix="penholder-letters-") as tmp:
        for reviewer in reviewers:
            if reviewer is None or reviewer not in people:
                continue
            person = people[reviewer]
            rows = letter_rows(matrix, log, reviewer)
            path = write_letter(Path(tmp) / f"{reviewer}.docx", person, matrix, rows, sender)
            files[layout.letter(round_id, chapter, reviewer)] = path.read_bytes()
        if not files:
            raise NotFound(
                f"no expert of people.yaml has a remark on chapter {chapter} in round {round_id}"
            )
        trailers = [("Event", Event.LETTERS.value), ("Round", round_id), ("Chapter", chapter)]
        subject = f"Chapter {chapter}, round {round_id}: {len(files)} letters to experts"
        sha = ws.commit(files, subject, trailers, actor)
    for rel in files:
        reviewer = Path(rel).stem
        outgoing.append(
            Outgoing(
                key=f"letter-{chapter}-{reviewer}",
                kind=MessageKind.LETTER,
                reviewer=people[reviewer],
                subject=f"{ws.guideline.label}: how your comments on chapter {chapter} were addressed",
                text=(
                    f"Dear {people[reviewer].name},\n\nattached is how each of your comments on "
                    f"chapter {chapter} in round {round_id} was addressed.\n\nWith many thanks,\n\n"
                    f"{sender}\n"
                ),
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
