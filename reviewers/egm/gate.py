"""The readiness gate of an EGM: for each chapter on its agenda, ready or not, and exactly why.

``check(ws, egm_id)`` returns an ``EgmReadiness``. A chapter is ready when it is in
``ready_for_egm`` (or already ``signed_off``) and nothing blocks it:

- its stage, when it is not ready_for_egm (with the command that moves it);
- rows of its consolidated rounds with no answer, by id (conflicts counted apart);
- rounds with remarks on it that are not consolidated;
- a round still open on it, with the returns in and expected.

Reported, not blocking: a current revision the experts have not seen yet (newer than the last
one a round sent), and the days left until the EGM. ``sentence()`` is the line a chief reads
("03: 4 rows unanswered (R1-03-002, ...); round R2 open with 2 of 26 returns").
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from drafts import layout
from drafts.models import Stage
from drafts.workspace import Workspace
from reviewers.decide.guards import open_rows, shown_ids
from reviewers.decide.store import load_matrix
from reviewers.egm.calendar import find
from reviewers.models import ItemState, Round, RoundStatus
from reviewers.rounds import records
from reviewers.rounds.tracking import round_status

READY_STAGES = (Stage.READY_FOR_EGM, Stage.SIGNED_OFF, Stage.FINAL)


class ChapterReadiness(BaseModel):
    """One chapter on an EGM's agenda: ready or not, and why."""

    chapter: str
    title: str
    stage: Stage
    revision: int
    ready: bool
    blockers: list[str]
    notes: list[str]
    open_rows: list[str]
    conflicts: list[str]

    def sentence(self) -> str:
        """One line: ``03: ready`` or ``03: <blockers>``, with the notes after."""
        said = "ready" if self.ready else "; ".join(self.blockers)
        notes = f" ({'; '.join(self.notes)})" if self.notes else ""
        return f"{self.chapter}: {said}{notes}"


class EgmReadiness(BaseModel):
    """The gate of one EGM."""

    egm: str
    name: str
    start: str
    days_left: int
    ready: bool
    chapters: list[ChapterReadiness]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _next_step(chapter: str, stage: Stage) -> str:
    if stage == Stage.CONSOLIDATING:
        return f"answer its rows, `penholder revise {chapter} --round Rk`, then move it"
    if stage == Stage.IN_REVIEW:
        return "its round is open"
    return f"`penholder chapter stage {chapter} --to ready_for_egm` when it is"


def chapter_readiness(
    ws: Workspace,
    chapter: str,
    rounds: list[Round] | None = None,
    status: Callable[[str], RoundStatus] | None = None,
) -> ChapterReadiness:
    """What blocks ``chapter`` from going to an EGM (see module docstring).

    ``rounds`` and ``status`` (a round's status by id) let a caller asking of every chapter
    (``reviewers.status``) load each round once; by default they are read here.
    """
    state = ws.state(chapter)
    status_of = status or (lambda rid: round_status(ws, rid))
    blockers: list[str] = []
    notes: list[str] = []
    if state.stage not in READY_STAGES:
        blockers.append(f"stage {state.stage.value} ({_next_step(chapter, state.stage)})")
    rows: list[str] = []
    conflicts: list[str] = []
    sent = 0
    for rnd in records.load_rounds(ws) if rounds is None else rounds:
        if chapter not in rnd.chapter_ids():
            continue
        sent = max(sent, next(c.revision for c in rnd.chapters if c.chapter == chapter))
        consolidated = ws.committed(layout.matrix_json(rnd.id, chapter)) is not None
        if rnd.closed is None:
            st = status_of(rnd.id)
            mine = [i for i in st.items if i.chapter == chapter and i.state != ItemState.EXCUSED]
            back = sum(i.state in (ItemState.RETURNED, ItemState.RETURNED_LATE) for i in mine)
            blockers.append(f"round {rnd.id} open with {back} of {len(mine)} returns")
        elif not consolidated and ws.committed_files(layout.remarks_folder(rnd.id, chapter)):
            blockers.append(
                f"round {rnd.id} has remarks not consolidated (`penholder consolidate {chapter} "
                f"--round {rnd.id}`)"
            )
        if consolidated:
            open_ids = open_rows(ws, chapter, rnd.id)
            flagged = {r.id for r in load_matrix(ws, chapter, rnd.id).rows if "conflict" in r.flags}
            rows += [i for i in open_ids if i not in flagged]
            conflicts += [i for i in open_ids if i in flagged]
    for egm in ws.egms:  # conditions a returned sign-off set
        conditions = open_rows(ws, chapter, egm.id)
        if conditions:
            blockers.append(
                f"{_plural(len(conditions), 'condition')} of {egm.id} open ({shown_ids(conditions)})"
            )
    if rows:
        blockers.append(f"{_plural(len(rows), 'row')} unanswered ({shown_ids(rows)})")
    if conflicts:
        blockers.append(
            f"{_plural(len(conflicts), 'conflict')} unresolved ({shown_ids(conflicts)})"
        )
    if sent and state.revision > sent:
        notes.append(f"revision {state.revision} not yet seen by the experts (last sent: {sent})")
    return ChapterReadiness(
        chapter=chapter,
        title=ws.front(chapter).title,
        stage=state.stage,
        revision=state.revision,
        ready=not blockers,
        blockers=blockers,
        notes=notes,
        open_rows=rows,
        conflicts=conflicts,
    )


def check(ws: Workspace, egm_id: str) -> EgmReadiness:
    """Return the readiness of every chapter on the agenda of ``egm_id``."""
    egm = find(ws, egm_id)
    days = (egm.start - ws.now().date()).days
    chapters = [chapter_readiness(ws, ch) for ch in egm.agenda]
    return EgmReadiness(
        egm=egm.id,
        name=egm.name,
        start=egm.start.isoformat(),
        days_left=days,
        ready=all(c.ready for c in chapters),
        chapters=chapters,
    )
