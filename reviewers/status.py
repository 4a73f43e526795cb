"""The status of a guideline before its next EGM, built from the workspace alone (no Prefect).

``build_status(ws)`` is the one builder shared by ``penholder status`` and, later, the web page.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from drafts.errors import ConfigError
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


def build_status(ws: Workspace) -> Status:
    """Return where each chapter stands, from the repository alone."""
    today = ws.now().date()
    states = ws.states()
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
