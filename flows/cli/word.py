"""Word out and back in: ``render`` (a revision as .docx), ``redline`` (changes between two
revisions as tracked changes) and ``import`` (a drafter's edited .docx as a new revision)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli.common import AsOpt, WorkspaceOpt, open_workspace, run_flow

if TYPE_CHECKING:
    from drafts.workspace import Workspace

OUTPUT_HELP = "The .docx to write (default: out/ in the workspace, git-ignored)."


def render(
    chapter: Annotated[str, typer.Argument(help="Chapter id, e.g. 03.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help=OUTPUT_HELP)] = None,
    rev: Annotated[int | None, typer.Option("--rev", help="Revision (default: latest).")] = None,
    reviewer: Annotated[
        str | None, typer.Option("--for", help="Stamp for this reviewer (a person id).")
    ] = None,
    round_id: Annotated[str | None, typer.Option("--round", help="Stamp for this round.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Render a chapter revision to .docx through pandoc and the reference template."""
    from drafts.word.revision import render_name, render_revision

    ws = open_workspace(workspace)
    person = ws.person(reviewer) if reviewer else None
    packet = None
    if person is not None and round_id:
        packet, rev = _packet(ws, round_id, chapter, person.id, rev)
    if output is None:
        number = ws.revision(chapter, rev).number
        name = render_name(chapter, number, round_id=round_id, reviewer=reviewer)
        output = ws.out_path(name)
    render_revision(ws, chapter, rev, output, round_id=round_id, reviewer=person, packet=packet)
    typer.echo(str(output))


def _packet(
    ws: Workspace, round_id: str, chapter: str, reviewer: str, rev: int | None
) -> tuple[str, int]:
    """Return the packet id and base revision recorded for ``reviewer`` in the round."""
    from drafts.core.errors import NotFound
    from reviewers.rounds.records import load_round

    rnd = load_round(ws, round_id)
    for item in rnd.items:
        if item.reviewer == reviewer and item.chapter == chapter:
            if rev is not None and rev != item.revision:
                raise NotFound(
                    f"round {round_id} sent revision {item.revision} of chapter {chapter}, "
                    f"not revision {rev}"
                )
            return item.packet, item.revision
    raise NotFound(
        f"{reviewer} is not a reviewer of chapter {chapter} in round {round_id}; add them with "
        "`penholder round add-reviewer`"
    )


def redline(
    chapter: Annotated[str, typer.Argument(help="Chapter id, e.g. 03.")],
    old: Annotated[int, typer.Option("--from", help="The older revision.")],
    new: Annotated[int, typer.Option("--to", help="The newer revision.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help=OUTPUT_HELP)] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Write the changes between two revisions as Word tracked changes (read-only)."""
    from drafts.word.revision import redline_name, redline_revisions

    ws = open_workspace(workspace)
    if output is None:
        ws.require_chapter(chapter)
        output = ws.out_path(redline_name(chapter, old, new))
    author = ws.guideline.organisation or "pen-holder"
    redline_revisions(ws, chapter, old, new, output, author)
    typer.echo(str(output))


def import_docx(
    chapter: Annotated[str, typer.Argument(help="Chapter id, e.g. 03.")],
    docx: Annotated[Path, typer.Argument(help="The edited .docx (tracked changes are accepted).")],
    message: Annotated[str, typer.Option("-m", "--message", help="Commit subject.")] = "",
    who: AsOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Import a drafter's edited .docx as a new revision: only changed blocks are patched."""
    ws = open_workspace(workspace)
    done = run_flow(
        "word:import_docx",
        workspace=str(ws.root),
        chapter=chapter,
        docx=str(docx.resolve()),
        who=who,
        message=message,
    )
    typer.echo(f"chapter {chapter}: revision {ws.state(chapter).revision} ({done.commit[:7]})")
