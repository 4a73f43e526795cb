"""Prefect flows for the workspace and its chapters (thin: all logic is in ``drafts``)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from drafts import chapters
from drafts.models import Stage
from drafts.workspace import Workspace
from flows.engine import run_trailers


@flow(name="init-workspace", log_prints=True)
def init_workspace(
    root: str,
    example: bool = False,
    who: str | None = None,
    title: str = "Untitled guideline",
    organisation: str = "",
    timezone: str = "UTC",
) -> str:
    """Create a guideline workspace (empty or the example) and return its path."""
    if example:
        files, chapter_files = chapters.example_files()
    else:
        files, chapter_files = chapters.empty_files(title, organisation, timezone), {}
    ws = chapters.create_workspace(Path(root), files, chapter_files, who)
    return str(ws.root)


@flow(name="new-chapter")
def new_chapter(workspace: str, chapter: str, title: str, body: str, who: str | None) -> str:
    """Add a chapter as revision 1; return the commit."""
    ws = Workspace.open(Path(workspace))
    return chapters.new_chapter(ws, chapter, title, body, ws.identity(who))


@flow(name="commit-revision")
def commit_revision(
    workspace: str,
    chapter: str,
    who: str | None,
    message: str = "",
    resolves: list[str] | None = None,
) -> str:
    """Record the hand-edited chapter file as a new revision; return the commit."""
    ws = Workspace.open(Path(workspace))
    return chapters.commit_revision(
        ws,
        chapter,
        None,
        ws.identity(who),
        message=message,
        resolves=resolves or [],
        extra=run_trailers(),
    )


@flow(name="move-stage")
def move_stage(
    workspace: str, chapter: str, target: str, who: str | None, next_cycle: bool = False
) -> str:
    """Move a chapter to another stage if the rules allow; return the commit."""
    ws = Workspace.open(Path(workspace))
    return chapters.move_stage(
        ws, chapter, Stage(target), ws.identity(who), next_cycle=next_cycle, extra=run_trailers()
    )
