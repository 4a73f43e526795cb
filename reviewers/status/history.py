"""What the status page adds to ``build_status``: a chapter's history and rows, and the series the
charts draw (open rows over time, rows by disposition per chapter). Pure reads of the workspace.

- ``chapter_history(ws, chapter)``: its revisions, rounds (with each reviewer's return), sign-off
  requests and decisions, stage moves, oldest first; and every row of every matrix on it with
  its current answer;
- ``open_rows_over_time(ws)``: ``[(day, rows open)]``, one point a day a row was raised or
  answered (a row is open from the consolidation that raised it to its answer, reopened when
  its answer is cleared);
- ``rows_by_disposition(ws)``: ``{chapter: {"open": n, "accepted": n, ...}}`` over every matrix.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from drafts.models import Event
from drafts.workspace import Workspace
from reviewers.consolidate.models import Matrix
from reviewers.decide.models import WORDS
from reviewers.decide.store import load_log
from reviewers.rounds import records
from reviewers.status.models import ReturnCell, RoundSummary
from reviewers.status.returns import Returns
from reviewers.status.rows import Committed, raised_dates

#: events of a chapter's history, as the page names them
SHOWN = {
    Event.CHAPTER_NEW.value: "created",
    Event.NEW_REVISION.value: "revision",
    Event.IMPORT.value: "revision (imported from Word)",
    Event.REVISE.value: "revision (from answered rows)",
    Event.STAGE.value: "stage",
    Event.NEXT_CYCLE.value: "next cycle",
    Event.ROUND_OPEN.value: "round opened",
    Event.ROUND_CLOSE.value: "round closed",
    Event.CONSOLIDATE.value: "consolidated",
    Event.SIGNOFF_REQUEST.value: "sign-off requested",
    Event.SIGNOFF.value: "signed off",
}


class HistoryEntry(BaseModel):
    at: datetime
    what: str
    subject: str
    author: str
    revision: int | None = None


class RoundReturns(RoundSummary):
    revision: int
    returns: list[ReturnCell]


class RowView(BaseModel):
    id: str
    round: str
    kind: str
    section: str | None
    comment: str
    proposed: str | None
    reviewers: str
    flags: list[str]
    disposition: str | None
    response: str


class ChapterHistory(BaseModel):
    chapter: str
    entries: list[HistoryEntry]
    rounds: list[RoundReturns]
    rows: list[RowView]


def _matrices(ws: Workspace, seen: Committed) -> list[tuple[str, str, Matrix]]:
    """Every committed matrix as ``(source, chapter, matrix)``."""
    found = []
    for path in sorted(seen.matrices):
        parts = path.split("/")
        if len(parts) == 4 and parts[3] == "matrix.json":
            data = ws.committed(path)
            if data is not None:
                found.append((parts[1], parts[2], Matrix.model_validate_json(data)))
    return found


def chapter_history(ws: Workspace, chapter: str) -> ChapterHistory:
    """Return the history and the rows of ``chapter`` (see module docstring)."""
    ws.require_chapter(chapter)
    entries = []
    for c in ws.history():
        event = c.value("Event") or ""
        if chapter in c.values("Chapter") and event in SHOWN:
            number = c.value("Revision")
            entries.append(
                HistoryEntry(
                    at=c.date,
                    what=SHOWN[event],
                    subject=c.subject,
                    author=c.author,
                    revision=int(number) if number and number.isdigit() else None,
                )
            )
    rounds = [r for r in records.load_rounds(ws) if chapter in r.chapter_ids()]
    returns = Returns(ws, rounds)
    seen = Committed(ws)
    rows = []
    for source, ch, matrix in _matrices(ws, seen):
        if ch != chapter:
            continue
        current = load_log(ws, chapter, source).current()
        for row in matrix.rows:
            answer = current.get(row.id)
            rows.append(
                RowView(
                    id=row.id,
                    round=source,
                    kind=row.kind,
                    section=row.section,
                    comment=row.comment,
                    proposed=row.proposed,
                    reviewers=row.reviewers,
                    flags=list(row.flags),
                    disposition=answer.disposition if answer else None,
                    response=answer.response if answer else "",
                )
            )
    return ChapterHistory(
        chapter=chapter,
        entries=entries,
        rounds=[
            RoundReturns.of(
                r,
                revision=next(c.revision for c in r.chapters if c.chapter == chapter),
                returns=returns.cells(r.id, chapter),
            )
            for r in rounds
        ],
        rows=rows,
    )


def open_rows_over_time(ws: Workspace) -> list[tuple[date, int]]:
    """Return ``[(day, rows open at the end of it)]`` on each day the count changed."""
    seen = Committed(ws)
    changes: list[tuple[datetime, int]] = []
    for source, chapter, matrix in _matrices(ws, seen):
        ids = [r.id for r in matrix.rows]
        raised = raised_dates(ws, source, chapter, ids, seen)
        changes += [(when, 1) for when in raised.values()]
        answered: dict[str, bool] = {}
        for record in load_log(ws, chapter, source).records:
            now = record.disposition is not None
            if record.row in raised and now != answered.get(record.row, False):
                changes.append((record.at, -1 if now else 1))
                answered[record.row] = now
    series: dict[date, int] = {}
    total = 0
    for when, step in sorted(changes, key=lambda c: c[0]):
        total += step
        series[when.date()] = total
    return sorted(series.items())


def rows_by_disposition(ws: Workspace) -> dict[str, dict[str, int]]:
    """Return ``{chapter: {"open": n, <word>: n, ...}}`` over every matrix of the workspace."""
    found: dict[str, dict[str, int]] = {}
    for source, chapter, matrix in _matrices(ws, Committed(ws)):
        counts = found.setdefault(chapter, dict.fromkeys(("open", *WORDS), 0))
        current = load_log(ws, chapter, source).current()
        for row in matrix.rows:
            answer = current.get(row.id)
            counts[answer.disposition if answer and answer.disposition else "open"] += 1
    return found
