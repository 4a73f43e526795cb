"""``penholder revise CH --round Rk``: the accepted rows applied as a new revision, committed.

The edge around ``reviewers.decide.apply.plan_revision``: it reads the matrix, the answers, the
base and latest revisions and the remark ids earlier revisions resolved (``Resolves`` trailers),
commits the revised Markdown as a new revision (``Event: revise``; the chapter moves from
``consolidating`` to ``revising``) whose ``Resolves`` trailers list every remark id resolved,
and reports the rows it could not apply. When only answers without a text change are waiting
(comments accepted or noted), the commit records them with no new revision.
"""

from __future__ import annotations

from pydantic import BaseModel

from drafts import blockstore, chapters
from drafts.core import progress
from drafts.core.errors import StageRefused
from drafts.models import Event
from drafts.workspace import Actor, Workspace
from reviewers.decide.apply import plan_revision
from reviewers.decide.store import load_log, load_matrix


class Revised(BaseModel):
    """What ``revise`` did."""

    chapter: str
    round: str
    revision: int
    commit: str
    applied: list[str]
    resolves: list[str]
    skipped: list[tuple[str, str]]


def resolved(ws: Workspace, chapter: str) -> set[str]:
    """Return every remark id an earlier commit on ``chapter`` resolved."""
    return {
        rid for c in ws.history() if chapter in c.values("Chapter") for rid in c.values("Resolves")
    }


def revise(ws: Workspace, chapter: str, round_id: str, actor: Actor) -> Revised:
    """Apply the round's accepted and modified rows to ``chapter`` (see module docstring)."""
    step, what = progress.current(), f"chapter {chapter}: revising"
    step(what, 0, 2)
    matrix = load_matrix(ws, chapter, round_id)
    current = load_log(ws, chapter, round_id).current()
    latest = ws.revision(chapter)
    markdown = ws.text(chapter, latest.number)
    plan = plan_revision(
        markdown,
        blockstore.load(ws, chapter, latest.number),
        blockstore.load(ws, chapter, matrix.revision),
        matrix,
        current,
        resolved(ws, chapter),
        label=f"chapter {chapter}",
    )
    if not plan.resolves:
        waiting = len([r for r in matrix.rows if r.id not in current])
        why = "; ".join(f"{row}: {reason}" for row, reason in plan.skipped)
        raise StageRefused(
            f"nothing to revise in chapter {chapter} from round {round_id}: no accepted or "
            f"modified row is waiting ({waiting} row{'s' if waiting != 1 else ''} unanswered"
            + (f"; not applicable: {why}" if why else "")
            + f"); answer rows with `penholder dispose` or `penholder matrix import {chapter} "
            f"--round {round_id} FILE`",
            rule="nothing-to-revise",
        )
    step(what, 1, 2)
    n = len(plan.applied)
    subject = (
        f"Chapter {chapter}: revise from round {round_id} ({n} row{'s' if n != 1 else ''} applied)"
    )
    if plan.markdown != markdown:
        sha = chapters.commit_revision(
            ws, chapter, plan.markdown, actor, event=Event.REVISE, message=subject,
            resolves=plan.resolves,
        )  # fmt: skip
    else:
        trailers = [("Event", Event.REVISE.value), ("Chapter", chapter), ("Round", round_id)]
        trailers += [("Resolves", r) for r in plan.resolves]
        sha = ws.commit({}, subject, trailers, actor)
    step(what, 2, 2)
    return Revised(
        chapter=chapter,
        round=round_id,
        revision=ws.state(chapter).revision,
        commit=sha,
        applied=plan.applied,
        resolves=plan.resolves,
        skipped=plan.skipped,
    )
