"""``penholder init`` (``status`` and ``web`` are in ``flows/cli/status.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import AsOpt, run_flow


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
    made = run_flow(
        "chapters:init_workspace",
        root=str(directory.resolve()),
        example=example,
        who=who,
        title=title,
        organisation=organisation,
        timezone=timezone,
    )
    typer.echo(made.root)
