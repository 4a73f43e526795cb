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
    from flows import chapters as chapters_flows

    made = run_flow(
        chapters_flows.init_workspace,
        root=str(directory.resolve()),
        example=example,
        who=who,
        title=title,
        organisation=organisation,
        timezone=timezone,
    )
    typer.echo(made.root)


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
    table.add_column("ch", no_wrap=True, min_width=2)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=28)
    table.add_column("stage", no_wrap=True, min_width=13)
    for col in ("rev", "round", "returns", "remarks", "conflicts", "next EGM", "changed"):
        table.add_column(col, no_wrap=True, min_width=len(col))
    for c in st.chapters:
        table.add_row(
            c.id,
            c.title,
            c.stage,
            str(c.revision),
            c.round or "",
            f"{c.returns_in}/{c.returns_expected}" if c.returns_expected else "",
            str(c.remarks or ""),
            str(c.conflicts or ""),
            f"{c.next_egm} ({c.days_to_egm} d)" if c.next_egm else "",
            c.last_change.date().isoformat() if c.last_change else "",
        )
    Console(width=max(Console().width, 132)).print(table)
