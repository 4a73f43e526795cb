"""Prefect flows for review rounds (thin: all logic is in ``reviewers``).

Each flow opens the workspace, acts as ``who`` and stamps its commits with the ``Prefect-Run``
trailer. Opening a round (and adding a reviewer) also sends the packets: that is a second commit
(``Event: sent``); if mail fails the round stays open and ``send_round`` retries.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow

from drafts.workspace import Workspace
from flows.engine import run_trailers
from reviewers.rounds import lifecycle as rounds
from reviewers.send import sending
from reviewers.send.mail import Delivery


def _summary(delivery: Delivery) -> dict[str, Any]:
    return {
        "sent": [m.key for m in delivery.sent],
        "via": sorted({m.via for m in delivery.sent}),
        "skipped": delivery.skipped,
    }


@flow(name="open-round")
def open_round(
    workspace: str,
    chapters: list[str],
    reviewers: list[str],
    due: str,
    who: str | None,
    note: str = "",
) -> dict[str, Any]:
    """Open a review round, then build and send every reviewer's packet."""
    ws = Workspace.open(Path(workspace))
    actor = ws.identity(who)
    rnd = rounds.open_round(
        ws, chapters, reviewers, date.fromisoformat(due), actor, note=note, extra=run_trailers()
    )
    delivery = sending.send_packets(ws, rnd.id, actor, extra=run_trailers())
    return {"round": rnd.id, "items": len(rnd.items)} | _summary(delivery)


@flow(name="send-round")
def send_round(workspace: str, round_id: str, who: str | None) -> dict[str, Any]:
    """Send the packets not sent yet and retry messages left unsent in outbox/."""
    ws = Workspace.open(Path(workspace))
    delivery = sending.send_packets(ws, round_id, ws.identity(who), extra=run_trailers())
    return {"round": round_id} | _summary(delivery)


@flow(name="remind-round")
def remind_round(workspace: str, round_id: str, who: str | None) -> dict[str, Any]:
    """Remind every reviewer who still owes a return (never twice on the same day)."""
    ws = Workspace.open(Path(workspace))
    delivery = sending.remind(ws, round_id, ws.identity(who), extra=run_trailers())
    return {"round": round_id} | _summary(delivery)


@flow(name="close-round")
def close_round(workspace: str, round_id: str, who: str | None, force: bool = False) -> list[str]:
    """Close a round (its chapters go to consolidating); return who had not returned."""
    ws = Workspace.open(Path(workspace))
    _, missing = rounds.close_round(
        ws, round_id, ws.identity(who), force=force, extra=run_trailers()
    )
    return missing


@flow(name="add-reviewer")
def add_reviewer(workspace: str, round_id: str, person: str, who: str | None) -> dict[str, Any]:
    """Add a reviewer to an open round and send them their packet."""
    ws = Workspace.open(Path(workspace))
    actor = ws.identity(who)
    rounds.add_reviewer(ws, round_id, person, actor, extra=run_trailers())
    delivery = sending.send_packets(ws, round_id, actor, extra=run_trailers())
    return {"round": round_id} | _summary(delivery)


@flow(name="move-due")
def move_due(workspace: str, round_id: str, due: str, who: str | None) -> str:
    """Move the due date of an open round; return the new date."""
    ws = Workspace.open(Path(workspace))
    rnd = rounds.move_due(
        ws, round_id, date.fromisoformat(due), ws.identity(who), extra=run_trailers()
    )
    return rnd.due.isoformat()


@flow(name="excuse-reviewer")
def excuse_reviewer(
    workspace: str, round_id: str, person: str, who: str | None, chapter: str | None = None
) -> int:
    """Excuse a reviewer from a round (or one chapter of it); return the items excused."""
    ws = Workspace.open(Path(workspace))
    rnd = rounds.excuse(
        ws, round_id, person, ws.identity(who), chapter=chapter, extra=run_trailers()
    )
    return sum(1 for i in rnd.items_of(person) if i.excused is not None)
