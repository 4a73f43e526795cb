"""``penholder chapter new|log|show|commit|stage``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import AsOpt, JsonOpt, WorkspaceOpt, open_workspace, print_json, run_flow

app = typer.Typer(
    help="Chapters: create, read their history, record revisions, move stages.",
    no_args_is_help=True,
)

ChapterArg = Annotated[str, typer.Argument(help="Chapter id, e.g. 03.")]


@app.command("new")
def new(
    chapter: ChapterArg,
    title: Annotated[str, typer.Option(help="The chapter's title.")],
    source: Annotated[
        Path | None, typer.Option("--from", help="Markdown body to start from.", exists=True)
    ] = None,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Add a chapter (revision 1, stage drafting)."""
    ws = open_workspace(workspace)
    body = source.read_text(encoding="utf-8") if source else ""
    done = run_flow(
        "chapters:new_chapter",
        workspace=str(ws.root),
        chapter=chapter,
        title=title,
        body=body,
        who=who,
    )
    typer.echo(f"chapter {chapter}: revision 1 ({done.commit[:10]})")


@app.command("log")
def log(chapter: ChapterArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Every commit that concerns a chapter, oldest first, with its trailers."""
    ws = open_workspace(workspace)
    ws.require_chapter(chapter)
    commits = ws.history(chapter)
    if as_json:
        print_json({"chapter": chapter, "commits": commits})
        return
    for c in commits:
        tags = ", ".join(f"{k}={v}" for k, v in c.trailers if k not in ("Chapter", "Prefect-Run"))
        typer.echo(f"{c.sha[:10]} {c.date:%Y-%m-%d} {c.author}: {c.subject}  [{tags}]")


@app.command("show")
def show(
    chapter: ChapterArg,
    rev: Annotated[
        int | None, typer.Option("--rev", help="Revision number (default: latest).")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print a chapter's Markdown at a revision."""
    ws = open_workspace(workspace)
    revision = ws.revision(chapter, rev)
    text = ws.text(chapter, revision.number)
    if as_json:
        print_json({"revision": revision, "text": text})
    else:
        sys.stdout.write(text)


@app.command("commit")
def commit(
    chapter: ChapterArg,
    message: Annotated[str, typer.Option("--message", "-m", help="What changed.")] = "",
    resolves: Annotated[
        list[str] | None, typer.Option("--resolves", help="A remark id this revision resolves.")
    ] = None,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Record your edit of chapters/CH.md as a new revision."""
    ws = open_workspace(workspace)
    done = run_flow(
        "chapters:commit_revision",
        workspace=str(ws.root),
        chapter=chapter,
        who=who,
        message=message,
        resolves=resolves or [],
    )
    typer.echo(f"chapter {chapter}: revision {ws.state(chapter).revision} ({done.commit[:10]})")


@app.command("stage")
def stage(
    chapter: ChapterArg,
    to: Annotated[str, typer.Option("--to", help="Target stage, e.g. ready_for_egm.")],
    next_cycle: Annotated[
        bool, typer.Option("--next-cycle", help="Open the next cycle of a signed-off chapter.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Make a chapter final without its last sign-off.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why, with --force (recorded in the commit).")
    ] = None,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Move a chapter to another stage, where no other command does; refusals say why."""
    from drafts.core.errors import StageRefused
    from drafts.models import Stage

    if to not in Stage._value2member_map_:
        names = ", ".join(s.value for s in Stage)
        raise StageRefused(f"unknown stage {to!r} (stages: {names})", rule="unknown-stage")
    if force and to != Stage.FINAL.value:
        raise StageRefused(
            "--force makes a chapter final without a sign-off at the last EGM; other moves "
            "are never forced (their refusal says what clears them)",
            rule="force",
        )
    if force != bool(reason and reason.strip()):
        raise StageRefused(
            "--force needs --reason TEXT, recorded with the move (and --reason needs --force)",
            rule="force",
        )
    ws = open_workspace(workspace)
    ws.require_chapter(chapter)
    run_flow(
        "chapters:move_stage",
        workspace=str(ws.root),
        chapter=chapter,
        target=to,
        who=who,
        next_cycle=next_cycle,
        force_reason=reason if force else None,
    )
    typer.echo(f"chapter {chapter}: {ws.state(chapter).stage.value}")
