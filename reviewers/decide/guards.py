"""Stage guards from dispositions (registered by ``reviewers.guards.install()``).

- ``revising`` needs the consolidation of the round the chapter was last reviewed in;
- ``ready_for_egm`` needs every row of every consolidated round of the chapter answered, and
  every round with remarks on the chapter consolidated;
- ``in_review`` (a new round) needs the previous round's rows answered and a revision newer than
  the one that round sent (``round open --force --reason`` overrides, recorded).

Each blocker is one sentence naming the rows or the round and the command that clears it.
``reviewers.guards.install()`` registers this guard with the others.
"""

from __future__ import annotations

from drafts import layout
from drafts.models import Stage
from drafts.workspace import Workspace
from reviewers.decide.store import load_log
from reviewers.models import Round
from reviewers.rounds import records

SHOWN = 5  # ids named in a refusal before "..."


def _rounds_of(ws: Workspace, chapter: str) -> list[Round]:
    return [r for r in records.load_rounds(ws) if chapter in r.chapter_ids()]


def _consolidated(ws: Workspace, chapter: str, round_id: str) -> bool:
    return ws.committed(layout.matrix_json(round_id, chapter)) is not None


def open_rows(ws: Workspace, chapter: str, round_id: str) -> list[str]:
    """Return the ids of the round's rows on ``chapter`` with no answer (none if unconsolidated)."""
    from reviewers.decide.store import load_matrix

    if not _consolidated(ws, chapter, round_id):
        return []
    answered = load_log(ws, chapter, round_id).current()
    return [r.id for r in load_matrix(ws, chapter, round_id).rows if r.id not in answered]


def shown_ids(ids: list[str]) -> str:
    """The first ``SHOWN`` ids, comma-separated, then "..." when there are more."""
    return ", ".join(ids[:SHOWN]) + (", ..." if len(ids) > SHOWN else "")


def _unanswered(chapter: str, round_id: str, ids: list[str]) -> str:
    n = len(ids)
    return (
        f"{n} row{'s' if n != 1 else ''} of round {round_id} unanswered ({shown_ids(ids)}); answer "
        f"them with `penholder dispose ID... accepted|modified|noted|rejected` or "
        f"`penholder matrix import {chapter} --round {round_id} FILE`"
    )


def _has_remarks(ws: Workspace, chapter: str, round_id: str) -> bool:
    return bool(ws.committed_files(layout.remarks_folder(round_id, chapter)))


def guard(ws: Workspace, chapter: str, target: Stage) -> list[str]:
    """Return what blocks ``chapter`` from entering ``target`` (see module docstring)."""
    rounds = _rounds_of(ws, chapter)
    closed = [r for r in rounds if r.closed is not None]
    if target == Stage.REVISING and closed:
        last = closed[-1]
        if _has_remarks(ws, chapter, last.id) and not _consolidated(ws, chapter, last.id):
            return [
                f"round {last.id} is not consolidated yet; run `penholder consolidate {chapter} "
                f"--round {last.id}` first"
            ]
    if target == Stage.READY_FOR_EGM:
        blockers = []
        for r in closed:
            if not _consolidated(ws, chapter, r.id):
                if _has_remarks(ws, chapter, r.id):
                    blockers.append(
                        f"round {r.id} has remarks not consolidated; run `penholder consolidate "
                        f"{chapter} --round {r.id}`"
                    )
                continue
            ids = open_rows(ws, chapter, r.id)
            if ids:
                blockers.append(_unanswered(chapter, r.id, ids))
        for egm in ws.egms:  # conditions a returned sign-off set, rows of their own
            ids = open_rows(ws, chapter, egm.id)
            if ids:
                blockers.append(_unanswered(chapter, egm.id, ids))
        return blockers
    if target == Stage.IN_REVIEW and closed:
        last = closed[-1]
        blockers = []
        ids = open_rows(ws, chapter, last.id)
        if ids:
            blockers.append(_unanswered(chapter, last.id, ids))
        sent = next(c.revision for c in last.chapters if c.chapter == chapter)
        if ws.state(chapter).revision <= sent:
            blockers.append(
                f"no new revision since round {last.id} sent revision {sent}; revise it first "
                f"(`penholder revise {chapter} --round {last.id}`) or pass --force --reason"
            )
        return blockers
    return []
