"""The rows of a chapter's rounds as status counts them: open, answered by disposition, conflicts,
and when each row was raised.

A round (or an EGM's conditions, ``consolidated/<EGM>/<chapter>/``) is *closed out* on a chapter
when the round is closed, its remarks are consolidated (or there were none) and every row is
answered; status shows every round that is not. A row is raised by the first consolidation
commit whose matrix holds it (re-consolidating keeps row ids), answered when the latest record of
the dispositions log gives it an answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from drafts import layout
from drafts.models import CommitRecord, Event
from drafts.workspace import Workspace
from reviewers.consolidate.models import Matrix
from reviewers.decide.models import WORDS
from reviewers.decide.store import load_log
from reviewers.models import Round
from reviewers.status.models import BlockingRow, RoundRows


class Committed:
    """What the status needs of HEAD's tree (read with one ``git ls-tree`` kept per HEAD) and of
    its consolidation commits (from the workspace's ledger)."""

    def __init__(self, ws: Workspace) -> None:
        self.matrices = set(ws.committed_files(layout.CONSOLIDATED))
        self.remarks = {tuple(p.split("/")[1:3]) for p in ws.committed_files(layout.REMARKS)}
        self.consolidations: dict[tuple[str, str], list[CommitRecord]] = {}
        ledger = ws.ledger()  # the consolidation commits, kept per HEAD: no full read
        for _, c in ledger.kept if ledger is not None else ():
            if c.value("Event") == Event.CONSOLIDATE.value:
                for ch in c.values("Chapter"):
                    self.consolidations.setdefault((c.value("Round") or "", ch), []).append(c)

    def consolidated(self, source: str, chapter: str) -> bool:
        return layout.matrix_json(source, chapter) in self.matrices

    def has_remarks(self, source: str, chapter: str) -> bool:
        return (source, chapter) in self.remarks


def raised_dates(
    ws: Workspace, source: str, chapter: str, ids: Iterable[str], seen: Committed
) -> dict[str, datetime]:
    """Return when each row of ``ids`` was raised (the first consolidation holding it)."""
    wanted = list(ids)
    commits = seen.consolidations.get((source, chapter), [])
    if not commits:
        return {}
    if len(commits) == 1:
        return dict.fromkeys(wanted, commits[0].date)
    found: dict[str, datetime] = {}
    for c in commits:
        data = ws.committed(layout.matrix_json(source, chapter), c.sha)
        if data is None:
            continue
        for row in Matrix.model_validate_json(data).rows:
            found.setdefault(row.id, c.date)
    return {i: found.get(i, commits[-1].date) for i in wanted}


def _matrix(ws: Workspace, source: str, chapter: str) -> Matrix:
    data = ws.committed(layout.matrix_json(source, chapter))
    assert data is not None
    return Matrix.model_validate_json(data)


def chapter_rows(
    ws: Workspace,
    chapter: str,
    rounds: list[Round],
    egm_ids: list[str],
    remarks: dict[tuple[str, str], int],
    seen: Committed,
) -> tuple[list[RoundRows], list[tuple[str, str, bool]]]:
    """Return the rows of every round (then EGM) of ``chapter`` not closed out, and each
    unanswered row as ``(source, id, conflict)``. Remarks are counted in the matrix once
    consolidated (late returns on an earlier round included), else from ``remarks``."""
    found: list[RoundRows] = []
    unanswered: list[tuple[str, str, bool]] = []
    sources = [(r.id, r.is_open) for r in rounds if chapter in r.chapter_ids()]
    sources += [(e, False) for e in egm_ids if seen.consolidated(e, chapter)]
    for source, is_open in sources:
        consolidated = seen.consolidated(source, chapter)
        answered = dict.fromkeys(WORDS, 0)
        rows = 0
        returned = remarks.get((source, chapter), 0)
        if consolidated:
            current = load_log(ws, chapter, source).current()
            matrix = _matrix(ws, source, chapter)
            rows = len(matrix.rows)
            returned = sum(len(row.remarks) for row in matrix.rows)
            for row in matrix.rows:
                answer = current.get(row.id)
                if answer is not None and answer.disposition is not None:
                    answered[answer.disposition] += 1
                else:
                    unanswered.append((source, row.id, "conflict" in row.flags))
        mine = [u for u in unanswered if u[0] == source]
        pending_remarks = not consolidated and seen.has_remarks(source, chapter)
        if not is_open and not pending_remarks and not mine:
            continue  # closed out
        found.append(
            RoundRows(
                round=source,
                open=is_open,
                consolidated=consolidated,
                remarks=returned,
                rows=rows,
                unanswered=len(mine),
                conflicts=sum(c for _, _, c in mine),
                answered={k: v for k, v in answered.items() if v},
            )
        )
    return found, unanswered


def blocking_rows(
    ws: Workspace,
    chapter: str,
    current_round: str | None,
    unanswered: list[tuple[str, str, bool]],
    seen: Committed,
    today: date,
) -> list[BlockingRow]:
    """Return each unanswered row with its age; conflicts first, then the oldest."""
    found = []
    for source in dict.fromkeys(s for s, _, _ in unanswered):
        ids = [(i, c) for s, i, c in unanswered if s == source]
        raised = raised_dates(ws, source, chapter, [i for i, _ in ids], seen)
        for row_id, conflict in ids:
            when = raised.get(row_id)
            day = when.date() if when else None
            found.append(
                BlockingRow(
                    id=row_id,
                    chapter=chapter,
                    round=source,
                    conflict=conflict,
                    raised=day,
                    age=(today - day).days if day else None,
                    earlier_round=current_round is not None
                    and source.startswith("R")
                    and source != current_round,
                )
            )
    return sorted(found, key=lambda b: (not b.conflict, -(b.age or 0), b.id))
