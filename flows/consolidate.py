"""Prefect flow for ``penholder consolidate`` (thin over ``reviewers.consolidate.build``)."""

from __future__ import annotations

from flows.engine import open_workspace, state_change
from reviewers.consolidate.build import Consolidated, consolidate
from reviewers.consolidate.models import Matrix
from reviewers.decide.answers import fill
from reviewers.decide.store import load_log


@state_change("consolidate", "consolidate")
def consolidate_chapter(
    workspace: str,
    chapter: str,
    round_id: str,
    who: str | None = None,
    discard_edits: bool = False,
) -> Consolidated:
    """Merge a round's remarks on a chapter into the consolidated .docx and the matrix, with
    every answer recorded so far filled in."""
    ws = open_workspace(workspace)
    log = load_log(ws, chapter, round_id)

    def answers(matrix: Matrix) -> Matrix:
        return fill(matrix, log)

    return consolidate(
        ws, chapter, round_id, ws.identity(who), answers=answers, discard_edits=discard_edits
    )
