"""Prefect flows for answering remarks (thin over ``reviewers.decide``): record answers from the
CLI or a file, apply the accepted ones as a new revision, send the letters to experts."""

from __future__ import annotations

from pathlib import Path

from flows.engine import open_workspace, state_change
from reviewers.decide.letters import Letters, send_letters
from reviewers.decide.models import Answer
from reviewers.decide.revise import Revised, revise
from reviewers.decide.store import Imported, Recorded, import_file, record_answers


@state_change("dispose", "dispose")
def dispose(
    workspace: str, chapter: str, round_id: str, answers: list[Answer], who: str | None = None
) -> Recorded:
    """Record answers given on the command line."""
    ws = open_workspace(workspace)
    return record_answers(ws, chapter, round_id, answers, ws.identity(who), source="cli")


@state_change("import-matrix", "matrix import")
def import_matrix(
    workspace: str, chapter: str, round_id: str, file: str, who: str | None = None
) -> Imported:
    """Record the answers of a filled-in matrix or consolidated file."""
    ws = open_workspace(workspace)
    return import_file(ws, chapter, round_id, Path(file), ws.identity(who))


@state_change("revise", "revise")
def revise_chapter(workspace: str, chapter: str, round_id: str, who: str | None = None) -> Revised:
    """Apply the accepted and modified rows of a round as a new revision."""
    ws = open_workspace(workspace)
    return revise(ws, chapter, round_id, ws.identity(who))


@state_change("letters", "letters")
def letters(workspace: str, chapter: str, round_id: str, who: str | None = None) -> Letters:
    """Write and send each expert's letter: how their remarks were addressed."""
    ws = open_workspace(workspace)
    return send_letters(ws, chapter, round_id, ws.identity(who))
