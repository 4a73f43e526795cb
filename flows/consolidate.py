"""Prefect flow for ``penholder consolidate`` (thin over ``reviewers.consolidate.build``)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefect import flow

from drafts.workspace import Workspace
from flows.engine import run_trailers
from reviewers.consolidate.build import consolidate


@flow(name="consolidate")
def consolidate_chapter(
    workspace: str, chapter: str, round_id: str, who: str | None = None
) -> dict[str, Any]:
    """Merge a round's remarks on a chapter into the consolidated .docx and the matrix."""
    ws = Workspace.open(Path(workspace))
    ws.run_trailers = run_trailers()
    return asdict(consolidate(ws, chapter, round_id, ws.identity(who)))
