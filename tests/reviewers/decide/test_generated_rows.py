"""A suggestion in a bibliography entry through consolidation and revise: its matrix row names
the block and section, the consolidated .docx carries it in the entry, and an accepted row is
not applied (the entry is printed from references.bib) but reported, and stays open."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from drafts import blockstore
from drafts.ooxml.read.reader import read_annotations
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import Replace
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.consolidate.build import consolidate
from reviewers.decide.answers import fill
from reviewers.decide.models import Answer
from reviewers.decide.revise import revise
from reviewers.decide.store import load_log, load_matrix, record_answers
from reviewers.intake.ingest import ingest
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER

WHEN = datetime(2024, 3, 15, 9, 30)


def test_an_accepted_change_to_a_bibliography_entry_is_reported_not_applied(
    example_ws: Workspace, tmp_path: Path
) -> None:
    ws = example_ws
    who = ws.identity(DRAFTER)
    blocks = blockstore.load(ws, "03", 1).blocks
    entry = next(b for b in blocks if b.kind == "reference" and b.key == "nua2016")
    para = next(b for b in blocks if b.kind == "paragraph")
    word = para.text.split()[3]
    reviewer = next(p for p in ws.people if "ewg" in p.groups)
    rnd = rounds.open_round(ws, ["03"], [reviewer.id], date(2024, 3, 22), who)
    item = rnd.items[0]
    packet = render_revision(
        ws, "03", 1, tmp_path / "packet.docx", round_id=rnd.id, reviewer=reviewer,
        packet=item.packet,
    )  # fmt: skip
    edits = [
        Replace(paragraph=para.id, quote=word, new_text="CHANGED", author="Ana Lima", date=WHEN),
        Replace(
            paragraph=entry.id, quote="New Urban Agenda", new_text="The New Urban Agenda",
            author="Ana Lima", date=WHEN,
        ),
    ]  # fmt: skip
    assert ingest(ws, annotate.apply(packet, edits, tmp_path / "back.docx"), who).status == (
        "recorded"
    )
    rounds.close_round(ws, rnd.id, who, force=True)
    log = load_log(ws, "03", rnd.id)
    consolidate(ws, "03", rnd.id, who, answers=lambda m: fill(m, log))
    matrix = load_matrix(ws, "03", rnd.id)
    in_entry = next(r for r in matrix.rows if r.block == entry.id)
    in_text = next(r for r in matrix.rows if r.block == para.id)
    assert in_entry.section == " > ".join(entry.heading_path) and in_entry.section
    consolidated = read_annotations(ws.root / f"consolidated/{rnd.id}/03/consolidated.docx")
    assert any("The New Urban Agenda" in c.text_after for c in consolidated.changes)
    record_answers(
        ws, "03", rnd.id,
        [Answer(row=r.id, disposition="accepted") for r in (in_entry, in_text)], who,
        source="cli",
    )  # fmt: skip
    done = revise(ws, "03", rnd.id, who)
    assert done.applied == [in_text.id]
    ((row, why),) = done.skipped
    assert row == in_entry.id
    assert "bibliography entry nua2016" in why and "references.bib" in why
    assert not set(in_entry.remarks) & set(done.resolves)  # the row stays open
    revised = ws.text("03")
    assert "CHANGED" in revised and "The New Urban Agenda" not in revised
    assert "@nua2016" in revised
