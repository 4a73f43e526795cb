"""``build_status(ws, egm_id=None)``: where each chapter stands, from the repository alone.

Reads what it needs of the history from the summary and the ledger kept per HEAD (``ws.states()``,
``ws.ledger()``: each chapter's state, when it entered its stage, the return, round-close and
consolidation commits; a HEAD that extends the kept one reads only the new commits), each round
record and round status once, HEAD's tree with one ``git ls-tree``, and each matrix and
dispositions log of a round not closed out. What blocks sign-off is the EGM gate's own judgement
(``reviewers.egm.gate.chapter_readiness``), never derived again here.
"""

from __future__ import annotations

from datetime import date, datetime

from drafts.core.errors import ConfigError
from drafts.models import EGM, ChapterState
from drafts.workspace import Workspace
from reviewers.egm.calendar import find
from reviewers.egm.gate import chapter_readiness
from reviewers.models import Round
from reviewers.rounds import records
from reviewers.status.models import ChapterStatus, ReturnCell, RoundSummary, Status, Urgency
from reviewers.status.returns import OWED, Returns, owing
from reviewers.status.rows import Committed, blocking_rows, chapter_rows


def next_egm(egms: list[EGM], today: date, chapter: str | None = None) -> EGM | None:
    """Return the first EGM ending on or after ``today`` (with ``chapter`` on its agenda if given)."""
    upcoming = [e for e in egms if (e.end or e.start) >= today]
    if chapter is not None:
        upcoming = [e for e in upcoming if not e.agenda or chapter in e.agenda]
    return min(upcoming, key=lambda e: e.start, default=None)


def urgency(ready: bool, age: int | None, days: int | None, on_agenda: bool) -> Urgency:
    """How the days a chapter has spent in its stage compare with the days left to its EGM:
    ``late`` when longer than the days left, ``watch`` when more than half, else ``ok``."""
    if ready:
        return "ready"
    if not on_agenda or days is None or age is None:
        return "none"
    if days <= 0 or age >= days:
        return "late"
    return "watch" if 2 * age >= days else "ok"


def _title(ws: Workspace, chapter: str) -> str:
    try:
        return ws.front(chapter).title
    except ConfigError:
        return "(front matter malformed)"


def _chapter(
    ws: Workspace,
    state: ChapterState,
    today: date,
    since: datetime | None,
    returns: Returns,
    seen: Committed,
    rounds: list[Round],
) -> ChapterStatus:
    ch = state.id
    egm = next_egm(ws.egms, today, ch)
    days = (egm.start - today).days if egm else None
    cells: list[ReturnCell] = returns.cells(state.round, ch) if state.round else []
    egm_ids = [e.id for e in ws.egms]
    rows, unanswered = chapter_rows(ws, ch, rounds, egm_ids, returns.by_chapter, seen)
    try:
        gate = chapter_readiness(ws, ch, rounds, returns.status)
        ready, blockers, notes, sentence = gate.ready, gate.blockers, gate.notes, gate.sentence()
    except ConfigError as e:
        ready, blockers, notes, sentence = False, [str(e)], [], f"{ch}: {e}"
    age = (today - since.date()).days if since else None
    on_agenda = egm is not None and ch in egm.agenda
    back = [c for c in cells if c.state in ("returned", "remarks")]
    expected = [c for c in cells if c.state != "excused"]
    return ChapterStatus(
        id=ch,
        title=_title(ws, ch),
        stage=state.stage.value,
        revision=state.revision,
        cycle=state.cycle,
        round=state.round,
        signed_revision=state.signed_revision,
        last_change=state.last_change,
        last_author=state.last_author,
        last_event=state.last_event,
        next_egm=egm.id if egm else None,
        days_to_egm=days,
        on_agenda=on_agenda,
        stage_since=since.date() if since else None,
        age_in_stage=age,
        urgency=urgency(ready, age, days, on_agenda),
        returns_in=len(back),
        returns_expected=len(expected),
        returns_missing=[c.reviewer for c in expected if c.state in OWED],
        returns=cells,
        late_returns=returns.late(state.round, ch) if state.round else [],
        remarks=sum(r.remarks for r in rows),
        rows_open=sum(r.unanswered for r in rows),
        conflicts=sum(r.conflicts for r in rows),
        rounds=rows,
        ready=ready,
        blockers=blockers,
        notes=notes,
        sentence=sentence,
        blocking=blocking_rows(ws, ch, state.round, unanswered, seen, today),
    )


def build_status(ws: Workspace, egm_id: str | None = None) -> Status:
    """Return where each chapter stands before ``egm_id`` (default: the next EGM)."""
    today = ws.now().date()
    states = ws.states()
    rounds = records.load_rounds(ws)
    returns = Returns(ws, rounds)
    seen = Committed(ws)
    ledger = ws.ledger()
    since = ledger.stage_since if ledger is not None else {}
    chapters = [
        _chapter(
            ws, states.get(ch) or ChapterState(id=ch), today, since.get(ch), returns, seen, rounds
        )
        for ch in sorted(set(states) | set(ws.chapter_ids()))
    ]
    egm = find(ws, egm_id) if egm_id else next_egm(ws.egms, today)
    open_rounds = {r.id for r in rounds if r.is_open}
    agenda = [c.id for c in chapters if egm is not None and c.id in egm.agenda]
    g = ws.guideline
    return Status(
        guideline=g.title,
        organisation=g.organisation,
        today=today,
        next_egm=egm,
        days_to_egm=(egm.start - today).days if egm else None,
        agenda=agenda,
        ready=sum(c.ready for c in chapters if c.id in agenda),
        owing=owing(ws, {c.id: c.returns for c in chapters if c.round in open_rounds}),
        rounds=[RoundSummary.of(r) for r in rounds],
        chapters=chapters,
    )
