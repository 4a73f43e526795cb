"""Prefect flows for the workspace and its chapters (thin: all logic is in ``drafts``)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from drafts import chapters
from drafts.models import Stage
from flows.engine import open_workspace, state_change
from flows.results import Committed, WorkspaceCreated


@flow(name="init-workspace", log_prints=True)
def init_workspace(
    root: str,
    example: bool = False,
    who: str | None = None,
    title: str = "Untitled guideline",
    organisation: str = "",
    timezone: str = "UTC",
) -> WorkspaceCreated:
    """Create a guideline workspace (empty or the example)."""
    if example:
        files, chapter_files = chapters.example_files()
    else:
        files, chapter_files = chapters.empty_files(title, organisation, timezone), {}
    ws = chapters.create_workspace(Path(root), files, chapter_files, who)
    return WorkspaceCreated(root=str(ws.root))


@state_change("new-chapter", "chapter new")
def new_chapter(workspace: str, chapter: str, title: str, body: str, who: str | None) -> Committed:
    """Add a chapter as revision 1."""
    ws = open_workspace(workspace)
    return Committed(commit=chapters.new_chapter(ws, chapter, title, body, ws.identity(who)))


@state_change("commit-revision", "chapter commit")
def commit_revision(
    workspace: str,
    chapter: str,
    who: str | None,
    message: str = "",
    resolves: list[str] | None = None,
) -> Committed:
    """Record the hand-edited chapter file as a new revision."""
    ws = open_workspace(workspace)
    commit = chapters.commit_revision(
        ws, chapter, None, ws.identity(who), message=message, resolves=resolves or []
    )
    return Committed(commit=commit)


@state_change("move-stage", "chapter stage")
def move_stage(
    workspace: str,
    chapter: str,
    target: str,
    who: str | None,
    next_cycle: bool = False,
    force_reason: str | None = None,
) -> Committed:
    """Move a chapter to another stage if the rules allow (and the guards, unless forced)."""
    ws = open_workspace(workspace)
    forced = [("Forced", " ".join(force_reason.split()))] if force_reason else []
    commit = chapters.move_stage(
        ws, chapter, Stage(target), ws.identity(who), next_cycle=next_cycle,
        guarded=not forced, more=forced,
    )  # fmt: skip
    return Committed(commit=commit)
