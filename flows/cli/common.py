"""Options and output helpers shared by every command (light imports only)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

__all__ = ["AsOpt", "JsonOpt", "WorkspaceOpt", "open_workspace", "print_json", "run_flow"]

if TYPE_CHECKING:
    from drafts.workspace import Workspace

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar="PENHOLDER_WORKSPACE",
        help="The guideline workspace (default: the one holding the current folder).",
        show_default=False,
    ),
]
AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar="PENHOLDER_AS",
        help="Who acts: a person id from people.yaml (default: git's user.name/email).",
        show_default=False,
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", envvar="PENHOLDER_JSON", help="Print JSON instead of a table.")
]


def run_flow(flow: str, **kwargs: Any) -> Any:
    """Run the flow ``flow`` (``"module:function"`` under ``flows``) with ``kwargs``.

    Its refusals come first, before the flow's module and Prefect are imported
    (``flows.cli.shell.checks``); then ``flows.engine.run_flow`` runs it, its progress drawn on
    a terminal.
    """
    import importlib

    from flows import engine
    from flows.cli.shell.checks import before
    from flows.cli.shell.progress import shown

    before(flow, kwargs)
    engine.prepare()  # Prefect reads its settings (the log level) when first imported
    module, _, name = flow.partition(":")
    flow_object = getattr(importlib.import_module(f"flows.{module}"), name)
    with shown():
        return engine.run_flow(flow_object, **kwargs)


def open_workspace(path: Path | None) -> Workspace:
    """Open the workspace named by --workspace, else the one holding the current folder."""
    from drafts.workspace import Workspace

    return Workspace.open(path)


def print_json(data: Any) -> None:
    """Print ``data`` (pydantic models allowed) as indented JSON on stdout."""
    from pydantic import BaseModel

    def default(obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            return obj.model_dump(mode="json")
        return str(obj)

    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=default) + "\n")
