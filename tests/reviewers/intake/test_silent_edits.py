"""Untracked edits found by diffing a paragraph as sent with the paragraph as returned."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from drafts import blockstore
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import SilentEdit
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.intake.ingest import ingest
from reviewers.intake.remarks import load_all
from reviewers.intake.silent_edits import Edit, edits
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER

START = "As local governments move services online"
SENT = "Local governments should publish open data on public services every year."


def test_a_real_edit_beside_a_spacing_change_is_the_only_edit() -> None:
    returned = SENT.replace("Local ", "Local  ").replace("publish", "release")
    assert edits(SENT, returned) == [Edit(SENT.index("publish"), SENT.index(" open"), "release")]


def test_a_spacing_change_at_the_end_beside_a_real_edit_is_not_an_edit() -> None:
    returned = SENT.replace("publish", "release") + " "
    assert edits(SENT, returned) == [Edit(SENT.index("publish"), SENT.index(" open"), "release")]


def test_an_edit_at_the_very_end_of_a_paragraph_is_found() -> None:
    assert edits(SENT, SENT + " Yearly.") == [Edit(len(SENT), len(SENT), " Yearly.")]
    assert edits(SENT, SENT[:-1]) == [Edit(len(SENT) - 1, len(SENT), "")]


def test_a_return_with_a_silent_edit_and_changed_spacing_yields_one_remark(
    example_ws: Workspace, tmp_path: Path
) -> None:
    ws = example_ws
    expert = next(p for p in ws.people if "ewg" in p.groups)
    rnd = rounds.open_round(ws, ["03"], [expert.id], date(2024, 3, 22), ws.identity(DRAFTER))
    para = next(b for b in blockstore.load(ws, "03", 1).blocks if b.text.startswith(START))
    item = rnd.items[0]
    sent = render_revision(
        ws, "03", 1, tmp_path / "sent.docx", round_id=rnd.id, reviewer=expert, packet=item.packet
    )
    back = annotate.apply(
        sent,
        [
            SilentEdit(paragraph=para.id, quote="As local", new_text="As  local"),
            SilentEdit(paragraph=para.id, quote="kiosks", new_text="ticket machines"),
        ],
        tmp_path / "back.docx",
    )
    outcome = ingest(ws, back, ws.identity(DRAFTER))
    assert (outcome.status, outcome.remarks) == ("recorded", 1)
    (remark,) = [r for s in load_all(ws, "03", "R1") for r in s.remarks]
    assert remark.kind == "silent" and remark.block == para.id
    assert (remark.anchor_text, remark.proposed) == ("kiosk", "ticket machine")  # "s" kept
