"""Prefect flow for ``penholder consolidate`` (thin over ``reviewers.consolidate.build``)."""

from __future__ import annotations

from prefect import flow

from flows.engine import open_workspace
from reviewers.consolidate.build import Consolidated, consolidate


@flow(name="consolidate")
def consolidate_chapter(
    workspace: str, chapter: str, round_id: str, who: str | None = None
) -> Consolidated:
    """Merge a round's remarks on a chapter into the consolidated .docx and the matrix."""
    ws = open_workspace(workspace)
    return consolidate(ws, chapter, round_id, ws.identity(who))
