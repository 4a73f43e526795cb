"""A reviewer's return with no annotation at all, recorded through intake (status tests)."""

from __future__ import annotations

from pathlib import Path

from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.intake.ingest import ingest
from reviewers.rounds import records
from tests.conftest import DRAFTER


def plain_return(ws: Workspace, folder: Path, round_id: str, reviewer: str, chapter: str) -> None:
    """Render ``reviewer``'s packet of ``chapter`` in ``round_id`` and take it back unchanged."""
    item = records.load_round(ws, round_id).item(reviewer, chapter)
    assert item is not None
    packet = render_revision(
        ws,
        chapter,
        item.revision,
        folder / f"{round_id}-{reviewer}-{chapter}.docx",
        round_id=round_id,
        reviewer=ws.person(reviewer),
        packet=item.packet,
    )
    assert ingest(ws, packet, ws.identity(DRAFTER)).status == "recorded"
