"""``penholder init`` and ``penholder status``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import AsOpt, JsonOpt, WorkspaceOpt, open_workspace, print_json, run_flow


def init(
    directory: Annotated[Path, typer.Argument(help="New or empty folder for the workspace.")],
    example: Annotated[
        bool, typer.Option("--example", help="Start from the example guideline.")
    ] = False,
    title: Annotated[
        str, typer.Option(help="Title of a new, empty guideline.")
    ] = "Untitled guideline",
    organisation: Annotated[str, typer.Option(help="The pen-holder organisation.")] = "",
    timezone: Annotated[str, typer.Option(help="IANA timezone for due dates.")] = "UTC",
    who: AsOpt = None,
) -> None:
    """Create a guideline workspace (a git repository) in DIRECTORY."""
    root = run_flow(
        "chapters:init_workspace",
        root=str(directory.resolve()),
        example=example,
        who=who,
        title=title,
        organisation=organisation,
        timezone=timezone,
    )
    typer.echo(root)


def status(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Where each chapter stands: stage, revision, round, last change, days to the next EGM."""
    from reviewers.status import build_status

    st = build_status(open_workspace(workspace))
    if as_json:
        print_json(st)
        return
    from rich.console import Console
    from rich.table import Table

    egm = st.next_egm
    caption = f"today {st.today}"
    if egm is not None:
        caption += f"; next EGM {egm.id} {egm.start} ({(egm.start - st.today).days} days)"
    table = Table(title=st.guideline, caption=caption)
    table.add_column("chapter", no_wrap=True)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=38)
    for col in ("stage", "rev", "round", "last change", "by"):
        table.add_column(col, no_wrap=True)
    for c in st.chapters:
        when = c.last_change.date().isoformat() if c.last_change else ""
        table.add_row(
            c.id, c.title, c.stage, str(c.revision), c.round or "", when, c.last_author or ""
        )
    Console(width=max(Console().width, 120)).print(table)
