"""The common options, accepted before or after the subcommand.

``--workspace/-w``, ``--as``, ``--json``, ``--quiet/-q`` and ``--debug`` are options of the root
command (``root``, the typer callback), which keeps them in the environment
(``PENHOLDER_WORKSPACE``, ``PENHOLDER_AS``, ``PENHOLDER_JSON``, ``PENHOLDER_QUIET``,
``PENHOLDER_DEBUG``) for the length of the command; a command's own ``--workspace``, ``--as``
and ``--json`` read the same variables, so they keep working where they are. ``hoist`` moves a
common option written after a subcommand that does not declare it to the front of the line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

#: option spelling -> (environment variable, takes a value)
COMMON: dict[str, tuple[str, bool]] = {
    "--workspace": ("PENHOLDER_WORKSPACE", True),
    "-w": ("PENHOLDER_WORKSPACE", True),
    "--as": ("PENHOLDER_AS", True),
    "--json": ("PENHOLDER_JSON", False),
    "--quiet": ("PENHOLDER_QUIET", False),
    "-q": ("PENHOLDER_QUIET", False),
    "--debug": ("PENHOLDER_DEBUG", False),
}
ENV = sorted({env for env, _ in COMMON.values()})


def flag(name: str) -> bool:
    """Whether the common flag kept in environment variable ``name`` is on."""
    return os.environ.get(name, "").lower() in {"1", "true", "yes", "on"}


def quiet() -> bool:
    return flag("PENHOLDER_QUIET")


def debug() -> bool:
    return flag("PENHOLDER_DEBUG")


@contextmanager
def kept_environment() -> Iterator[None]:
    """Restore the common options' variables after a command (``main`` runs in-process)."""
    saved = {k: os.environ.get(k) for k in ENV}
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _declared(command: Any) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)}


def hoist(root: Any, argv: list[str]) -> list[str]:
    """Move the common options the invoked command does not declare to the front of ``argv``.

    ``root`` is the click group of the app. Tokens after ``--`` are never moved.
    """
    command, i = root, 0
    while i < len(argv) and hasattr(command, "commands"):
        token = argv[i]
        name, _, _ = token.partition("=")
        if name in COMMON:
            i += 1 if ("=" in token or not COMMON[name][1]) else 2
            continue
        if token.startswith("-") or token not in command.commands:
            return argv
        command = command.commands[token]
        i += 1
    if hasattr(command, "commands"):
        return argv
    own = _declared(command)
    front: list[str] = []
    rest = list(argv[:i])
    tail = argv[i:]
    j = 0
    while j < len(tail):
        token = tail[j]
        if token == "--":
            rest += tail[j:]
            break
        name, eq, _ = token.partition("=")
        if name in COMMON and name not in own:
            takes = COMMON[name][1] and not eq
            front += tail[j : j + (2 if takes else 1)]
            j += 2 if takes else 1
            continue
        rest.append(token)
        j += 1
    return front + rest


def _version(value: bool) -> None:
    if value:
        from flows.cli.shell.version import versions

        typer.echo(versions())
        raise typer.Exit(0)


def root(
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="The guideline workspace (default: the one holding the current folder).",
            show_default=False,
        ),
    ] = None,
    who: Annotated[
        str | None,
        typer.Option("--as", help="Who acts: a person id from people.yaml.", show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    quiet_: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress on the terminal.")
    ] = False,
    debug_: Annotated[
        bool, typer.Option("--debug", help="On a refusal or failure, show the traceback too.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version of penholder and of pandoc, Prefect and LibreOffice found.",
        ),
    ] = False,
) -> None:
    """Draft intergovernmental guidelines: chapters in git, Word out, every remark back in.

    The options here may also be written after the command (penholder status --as ID).
    """
    if workspace is not None:
        os.environ["PENHOLDER_WORKSPACE"] = str(workspace.resolve())
    if who is not None:
        os.environ["PENHOLDER_AS"] = who
    for on, name in (
        (as_json, "PENHOLDER_JSON"),
        (quiet_, "PENHOLDER_QUIET"),
        (debug_, "PENHOLDER_DEBUG"),
    ):
        if on:
            os.environ[name] = "1"
