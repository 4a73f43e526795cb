"""Prefect flows for Word files coming back in (thin: all logic is in ``drafts.word.importer``)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from drafts.word.importer import record_import
from drafts.workspace import Workspace
from flows.engine import run_trailers


@flow(name="import-docx")
def import_docx(workspace: str, chapter: str, docx: str, who: str | None, message: str = "") -> str:
    """Import a drafter's edited .docx as a new revision of ``chapter``; return the commit."""
    ws = Workspace.open(Path(workspace))
    return record_import(
        ws, chapter, Path(docx), ws.identity(who), message=message, extra=run_trailers()
    )
