"""The EGM pack: every chapter on an EGM's agenda, as the meeting receives it, on record.

``make_pack(ws, egm_id, actor)`` writes one compiled .docx and its PDF, and commits both with
their record (``egm/<EGM>/pack/``: ``layout.egm_pack``, ``layout.egm_pack_record``; ``Event:
egm-pack``, ``EGM``). A second pack of the same EGM replaces the first in a new commit (git keeps
the old one). The compiled document (``reviewers.egm.pack_docx``) holds:

1. a cover page (guideline, EGM, dates and place, the commit it was made from);
2. a table of contents, filled by LibreOffice (``drafts.word.office.update_and_export``);
3. a version table: per chapter its current revision, commit and date, the rounds held on it,
   and the remarks received and answered accepted / modified / noted / rejected (``plan``);
4. each chapter in its current revision (the project's render, ``render_for``);
5. per chapter, a redline of what changed since the revision the previous EGM's pack carried
   (the latest pack of an earlier EGM that has the chapter), else since revision 1
   (``redline_for``); a chapter unchanged since says so;
6. an annex with the comment-resolution matrix of every consolidated round on those chapters
   that no earlier pack carried, in landscape, each as ``consolidated/<round>/<ch>/matrix.docx``
   shows it with the answers recorded so far.

The matrices are inside the compiled document, not attached beside it: the meeting gets one
file and one PDF, whose table of contents finds every part, and the record of what went to the
meeting is one commit of three files. The matrices' own .docx and .xlsx stay where they are.

Refused before anything is made, one sentence each: an unknown EGM, an EGM with nothing on its
agenda, no LibreOffice or poppler (``office.require``).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from pydantic import BaseModel

from drafts import layout
from drafts.core.errors import NotFound
from drafts.core.progress import current
from drafts.models import EGM, Event
from drafts.word import office
from drafts.workspace import Actor, Workspace
from reviewers.decide.store import load_log, load_matrix
from reviewers.egm.calendar import find
from reviewers.egm.pack_docx import compile_pack
from reviewers.egm.pack_models import ChapterEntry, MatrixEntry, PackRecord
from reviewers.rounds import records


class Packed(BaseModel):
    """A pack made and committed."""

    record: PackRecord
    commit: str


def earlier_packs(ws: Workspace, egm: EGM) -> list[PackRecord]:
    """Return the committed packs of EGMs before ``egm`` on the calendar, oldest first."""
    found = []
    for other in ws.egms:
        data = ws.committed(layout.egm_pack_record(other.id))
        if other.start < egm.start and data is not None:
            found.append(PackRecord.model_validate_json(data))
    return found


def _counts(ws: Workspace, chapter: str, rounds: list[str]) -> Counter[str]:
    """Remarks received and current answers per word, over the consolidated ``rounds``."""
    counts: Counter[str] = Counter()
    for round_id in rounds:
        if ws.committed(layout.matrix_json(round_id, chapter)) is None:
            continue
        counts["received"] += sum(len(r.remarks) for r in load_matrix(ws, chapter, round_id).rows)
        for answer in load_log(ws, chapter, round_id).current().values():
            counts[str(answer.disposition)] += 1
    return counts


def plan(ws: Workspace, egm: EGM) -> tuple[list[ChapterEntry], list[MatrixEntry]]:
    """Return the chapters of the pack and the matrices of its annex (module docstring)."""
    before = earlier_packs(ws, egm)
    carried = {(m.round, m.chapter) for p in before for m in p.matrices}
    rounds = records.load_rounds(ws)
    chapters: list[ChapterEntry] = []
    matrices: list[MatrixEntry] = []
    for ch in egm.agenda:
        rev = ws.revision(ch)
        held = [r.id for r in rounds if ch in r.chapter_ids()]
        counts = _counts(ws, ch, held)
        last = next((e for p in reversed(before) for e in p.chapters if e.chapter == ch), None)
        pack = next((p for p in reversed(before) if last in p.chapters), None)
        chapters.append(
            ChapterEntry(
                chapter=ch,
                title=ws.front(ch).title,
                revision=rev.number,
                commit=rev.commit,
                date=rev.date.date(),
                rounds=held,
                received=counts["received"],
                accepted=counts["accepted"],
                modified=counts["modified"],
                noted=counts["noted"],
                rejected=counts["rejected"],
                since_revision=last.revision if last else 1,
                since=f"{pack.egm} pack" if pack else "first revision",
            )
        )
        matrices += [
            MatrixEntry(round=r, chapter=ch, path=layout.matrix_file(r, ch, ".docx"))
            for r in held
            if (r, ch) not in carried and ws.committed(layout.matrix_file(r, ch, ".docx"))
        ]
    return chapters, matrices


def make_pack(ws: Workspace, egm_id: str, actor: Actor) -> Packed:
    """Build, lay out and commit the pack of ``egm_id`` (see module docstring)."""
    egm = find(ws, egm_id)
    if not egm.agenda:
        raise NotFound(
            f"{egm.id} has no chapter on its agenda; add some with `penholder egm agenda "
            f"{egm.id} --add 01,02`"
        )
    office.require()
    chapters, matrices = plan(ws, egm)
    record = PackRecord(
        egm=egm.id,
        name=egm.name,
        made=ws.now(),
        made_by=actor.name,
        head=ws.history()[-1].sha,
        chapters=chapters,
        matrices=matrices,
        docx=layout.egm_pack(egm.id, ".docx"),
        pdf=layout.egm_pack(egm.id, ".pdf"),
    )
    with tempfile.TemporaryDirectory(prefix="penholder-pack-") as tmp:
        what = f"EGM pack {egm.id}"
        current()(what, 0, 3)
        compiled = compile_pack(ws, egm, record, actor, Path(tmp) / "compiled.docx")
        current()(what, 1, 3)
        docx, pdf = office.update_and_export(compiled, Path(tmp) / "office")
        current()(what, 2, 3)
        record.pages = office.pdf_page_count(pdf)
        files: dict[str, bytes | None] = {
            record.docx: docx.read_bytes(),
            record.pdf: pdf.read_bytes(),
            layout.egm_pack_record(egm.id): record.model_dump_json(indent=1).encode("utf-8"),
        }
    body = "\n".join(
        f"{c.chapter} revision {c.revision} ({c.commit[:10]}), changes since {c.since} "
        f"(revision {c.since_revision})"
        for c in chapters
    )
    sha = ws.commit(
        files,
        f"EGM pack for {egm.id}: chapters {', '.join(egm.agenda)}, {record.pages} pages",
        [("Event", Event.EGM_PACK.value), ("EGM", egm.id)],
        actor,
        body=body,
    )
    return Packed(record=record, commit=sha)
