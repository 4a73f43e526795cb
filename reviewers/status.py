"""The status of a guideline before its next EGM, built from the workspace alone (no Prefect).

``build_status(ws)`` is the one builder shared by ``penholder status`` and, later, the web page.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from drafts import layout
from drafts.core.errors import ConfigError
from drafts.models import EGM
from drafts.workspace import Workspace


class ChapterStatus(BaseModel):
    id: str
    title: str
    stage: str
    revision: int
    cycle: int
    round: str | None
    signed_revision: int | None
    last_change: datetime | None
    last_author: str | None
    last_event: str | None
    next_egm: str | None
    days_to_egm: int | None
    returns_in: int = 0
    returns_expected: int = 0
    remarks: int = 0
    conflicts: int = 0


class Status(BaseModel):
    guideline: str
    organisation: str
    today: date
    next_egm: EGM | None
    chapters: list[ChapterStatus]


def next_egm(egms: list[EGM], today: date, chapter: str | None = None) -> EGM | None:
    """Return the first EGM ending on or after ``today`` (with ``chapter`` on its agenda if given)."""
    upcoming = [e for e in egms if (e.end or e.start) >= today]
    if chapter is not None:
        upcoming = [e for e in upcoming if not e.agenda or chapter in e.agenda]
    return min(upcoming, key=lambda e: e.start, default=None)


def _returns(ws: Workspace, round_ids: set[str]) -> dict[str, tuple[int, int]]:
    """``{chapter: (returned, expected)}`` in each chapter's current round."""
    from reviewers.models import ItemState
    from reviewers.rounds.tracking import round_status

    counts: dict[tuple[str, str], list[int]] = {}
    for rid in round_ids:
        for item in round_status(ws, rid).items:
            if item.state == ItemState.EXCUSED:
                continue
            entry = counts.setdefault((rid, item.chapter), [0, 0])
            entry[1] += 1
            entry[0] += item.state in (ItemState.RETURNED, ItemState.RETURNED_LATE)
    return {f"{rid}/{ch}": (n, total) for (rid, ch), (n, total) in counts.items()}


def _conflicts(ws: Workspace, round_id: str, chapter: str) -> int:
    import json

    data = ws.committed(layout.matrix_json(round_id, chapter))
    rows = json.loads(data)["rows"] if data else []
    return sum("conflict" in row["flags"] for row in rows)


def build_status(ws: Workspace) -> Status:
    """Return where each chapter stands, from the repository alone."""
    from reviewers.intake.remarks import load_all

    today = ws.now().date()
    states = ws.states()
    rounds = {s.round for s in states.values() if s.round}
    returns = _returns(ws, rounds)
    remarks: dict[str, int] = {}
    for rs in load_all(ws):
        remarks[rs.chapter] = remarks.get(rs.chapter, 0) + len(rs.remarks)
    chapters = []
    for ch in sorted(set(states) | set(ws.chapter_ids())):
        state = ws.state(ch)
        try:
            title = ws.front(ch).title
        except ConfigError:
            title = "(front matter malformed)"
        egm = next_egm(ws.egms, today, ch)
        chapters.append(
            ChapterStatus(
                id=ch,
                title=title,
                stage=state.stage.value,
                revision=state.revision,
                cycle=state.cycle,
                round=state.round,
                signed_revision=state.signed_revision,
                last_change=state.last_change,
                last_author=state.last_author,
                last_event=state.last_event,
                next_egm=egm.id if egm else None,
                days_to_egm=(egm.start - today).days if egm else None,
                returns_in=returns.get(f"{state.round}/{ch}", (0, 0))[0],
                returns_expected=returns.get(f"{state.round}/{ch}", (0, 0))[1],
                remarks=remarks.get(ch, 0),
                conflicts=_conflicts(ws, state.round, ch) if state.round else 0,
            )
        )
    g = ws.guideline
    return Status(
        guideline=g.title,
        organisation=g.organisation,
        today=today,
        next_egm=next_egm(ws.egms, today),
        chapters=chapters,
    )
