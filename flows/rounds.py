"""Prefect flows for review rounds (thin: all logic is in ``reviewers``).

Each flow opens the workspace (``flows.engine.open_workspace``: its commits carry the
``Prefect-Run`` trailer), acts as ``who`` and returns a typed result (``flows.results``).
Opening a round (and adding a reviewer) also sends the packets: that is a second commit
(``Event: sent``); if mail fails the round stays open and ``send_round`` retries. Sending also
lays out the round's render of each chapter once (LibreOffice, best effort:
``reviewers.consolidate.pagelines.prepare``), so consolidation finds page and line kept.
"""

from __future__ import annotations

from datetime import date

from flows.engine import open_workspace, state_change
from flows.results import Delivered, DueMoved, Excused, RoundClosed, RoundOpened
from reviewers.consolidate import pagelines
from reviewers.rounds import lifecycle as rounds
from reviewers.send import sending


@state_change("open-round", "round open", rerun=False)
def open_round(
    workspace: str,
    chapters: list[str],
    reviewers: list[str],
    due: str,
    who: str | None,
    note: str = "",
    force_reason: str | None = None,
) -> RoundOpened:
    """Open a review round, then build and send every reviewer's packet."""
    ws = open_workspace(workspace)
    actor = ws.identity(who)
    due_on = date.fromisoformat(due)
    rnd = rounds.open_round(
        ws, chapters, reviewers, due_on, actor, note=note, force_reason=force_reason
    )
    delivered = Delivered.of(rnd.id, sending.send_packets(ws, rnd.id, actor))
    pagelines.prepare(ws, rnd.id)
    return RoundOpened(**delivered.model_dump(), items=len(rnd.items))


@state_change("send-round", "round send", rerun=False)
def send_round(workspace: str, round_id: str, who: str | None) -> Delivered:
    """Send the packets not sent yet and retry messages left unsent in outbox/."""
    ws = open_workspace(workspace)
    delivered = Delivered.of(round_id, sending.send_packets(ws, round_id, ws.identity(who)))
    pagelines.prepare(ws, round_id)
    return delivered


@state_change("remind-round", "round remind", rerun=False)
def remind_round(workspace: str, round_id: str, who: str | None, force: bool = False) -> Delivered:
    """Remind the reviewers the reminder policy says to (``force``: every one who still owes a
    return); never twice on the same day."""
    ws = open_workspace(workspace)
    return Delivered.of(round_id, sending.remind(ws, round_id, ws.identity(who), force=force))


@state_change("close-round", "round close")
def close_round(workspace: str, round_id: str, who: str | None, force: bool = False) -> RoundClosed:
    """Close a round (its chapters go to consolidating); say who had not returned."""
    ws = open_workspace(workspace)
    _, missing = rounds.close_round(ws, round_id, ws.identity(who), force=force)
    return RoundClosed(round=round_id, missing=missing)


@state_change("add-reviewer", "round add-reviewer", rerun=False)
def add_reviewer(workspace: str, round_id: str, person: str, who: str | None) -> Delivered:
    """Add a reviewer to an open round and send them their packet."""
    ws = open_workspace(workspace)
    actor = ws.identity(who)
    rounds.add_reviewer(ws, round_id, person, actor)
    return Delivered.of(round_id, sending.send_packets(ws, round_id, actor))


@state_change("move-due", "round due")
def move_due(workspace: str, round_id: str, due: str, who: str | None) -> DueMoved:
    """Move the due date of an open round."""
    ws = open_workspace(workspace)
    rnd = rounds.move_due(ws, round_id, date.fromisoformat(due), ws.identity(who))
    return DueMoved(round=round_id, due=rnd.due)


@state_change("excuse-reviewer", "round excuse")
def excuse_reviewer(
    workspace: str, round_id: str, person: str, who: str | None, chapter: str | None = None
) -> Excused:
    """Excuse a reviewer from a round (or one chapter of it)."""
    ws = open_workspace(workspace)
    rnd = rounds.excuse(ws, round_id, person, ws.identity(who), chapter=chapter)
    items = sum(1 for i in rnd.items_of(person) if i.excused is not None)
    return Excused(round=round_id, person=person, items=items)


@state_change("remind-open-rounds", "round remind", rerun=False)
def remind_open_rounds(workspace: str | None = None, who: str | None = None) -> list[Delivered]:
    """Remind, in every open round, the reviewers the reminder policy says to (the daily
    schedule of a team's server: ``workspace`` and ``who`` default to the worker's
    ``PENHOLDER_WORKSPACE`` and ``PENHOLDER_AS``)."""
    import os

    from reviewers.rounds.records import load_rounds

    ws = open_workspace(workspace or os.environ.get("PENHOLDER_WORKSPACE") or ".")
    actor = ws.identity(who)  # else PENHOLDER_AS (drafts.writing.acting)
    open_ids = [r.id for r in load_rounds(ws) if r.closed is None]
    return [Delivered.of(rid, sending.remind(ws, rid, actor)) for rid in open_ids]
