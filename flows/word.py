"""Prefect flows for Word files coming back in (thin: all logic is in ``drafts.word.importer``)."""

from __future__ import annotations

from pathlib import Path

from drafts.word.importer import record_import
from flows.engine import open_workspace, state_change
from flows.results import Committed


@state_change("import-docx", "chapter import")
def import_docx(
    workspace: str, chapter: str, docx: str, who: str | None, message: str = ""
) -> Committed:
    """Import a drafter's edited .docx as a new revision of ``chapter``."""
    ws = open_workspace(workspace)
    commit = record_import(ws, chapter, Path(docx), ws.identity(who), message=message)
    return Committed(commit=commit)
