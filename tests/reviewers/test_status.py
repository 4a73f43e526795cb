"""Status from the workspace alone: stage, round, returns, remarks, conflicts, days to the EGM."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.intake.ingest import ingest
from reviewers.rounds import lifecycle as rounds
from reviewers.status import build_status
from tests.conftest import DRAFTER


def test_status_counts_returns_and_remarks(example_ws: Workspace, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    ewg = [p.id for p in ws.people if "ewg" in p.groups][:3]
    rnd = rounds.open_round(ws, ["03"], ewg, date(2024, 3, 22), ws.identity(DRAFTER))
    item = rnd.items[0]
    packet = render_revision(
        ws,
        "03",
        1,
        tmp_path / "p.docx",
        round_id="R1",
        reviewer=ws.person(item.reviewer),
        packet=item.packet,
    )
    assert ingest(ws, packet, ws.identity(DRAFTER)).status == "recorded"
    code, out, _ = cli("status", "--json", "-w", ws.root)
    ch = {c["id"]: c for c in json.loads(out)["chapters"]}["03"]
    assert (ch["stage"], ch["round"], ch["returns_in"], ch["returns_expected"]) == (
        "in_review",
        "R1",
        1,
        3,
    )
    assert ch["remarks"] == 0 and ch["next_egm"] == "EGM1" and ch["days_to_egm"] == 50


def test_status_reads_the_history_a_bounded_number_of_times(
    example_ws: Workspace, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Status stays cheap on a long history: a few ``git log`` calls, never one per commit."""
    ws = example_ws
    rounds.open_round(ws, ["03"], ["ewg"], date(2024, 3, 22), ws.identity(DRAFTER))
    for n in range(60):
        ws.commit(
            {"notes.txt": f"{n}".encode()}, f"note {n}", [("Event", "note")], ws.identity(DRAFTER)
        )
    calls: list[tuple[object, ...]] = []
    original = type(ws.repo.git).__getattr__

    def counting(self, name: str):  # type: ignore[no-untyped-def]
        if name == "log":
            calls.append((name,))
        return original(self, name)

    monkeypatch.setattr(type(ws.repo.git), "__getattr__", counting)
    status = build_status(ws)
    assert len(status.chapters) == 6
    assert len(calls) <= 1, f"git log ran {len(calls)} times"
