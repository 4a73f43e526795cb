"""``penholder status [--egm N] [--json] [--html FILE]`` and ``penholder web``: read-only views of
one builder (``reviewers.status.build_status``). Neither imports Prefect.

In a terminal, ``status`` prints a rich table whose columns fit the width (titles wrap), then the
blockers of every chapter not ready (the EGM gate's sentences) and who owes returns.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli.common import JsonOpt, WorkspaceOpt, open_workspace, print_json

if TYPE_CHECKING:
    from reviewers.status import ChapterStatus, Status

EgmOpt = Annotated[
    str | None,
    typer.Option("--egm", help="The EGM to report on (default: the next one).", show_default=False),
]
COLOURS = {"late": "red", "watch": "yellow", "ok": "green", "ready": "green", "none": ""}


def _returns(c: ChapterStatus) -> str:
    if not c.round:
        return ""
    said = f"{c.round} {c.returns_in}/{c.returns_expected}"
    late = sorted({r.round for r in c.late_returns})
    if late:
        said += f" +{len(c.late_returns)} late on {', '.join(late)}"
    return said


def _rows(c: ChapterStatus) -> str:
    if not c.rounds:
        return ""
    answered = sum(sum(r.answered.values()) for r in c.rounds)
    conflicts = f", {c.conflicts} conflicts" if c.conflicts else ""
    return f"{c.rows_open} open{conflicts}, {answered} answered ({', '.join(r.round for r in c.rounds)})"


def _egm(c: ChapterStatus) -> str:
    if not c.next_egm:
        return ""
    agenda = "" if c.on_agenda else " (not on agenda)"
    return f"{c.next_egm} {c.days_to_egm}d{agenda}"


def print_table(st: Status) -> None:
    """Print the status as two tables (chapters, blockers) and who owes returns."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    table = Table(
        title=f"{st.guideline}\n{st.summary()}", caption=f"today {st.today}", box=box.SIMPLE_HEAD
    )
    table.add_column("ch", no_wrap=True)
    table.add_column("title", ratio=1, min_width=14)
    table.add_column("stage", min_width=13, max_width=16)
    table.add_column("returns", min_width=7, max_width=14)
    table.add_column("rows", min_width=8, max_width=14)
    table.add_column("EGM", min_width=9, max_width=12)
    for c in st.chapters:
        age = f", {c.age_in_stage} days" if c.age_in_stage is not None else ""
        table.add_row(
            c.id,
            c.title,
            Text(f"{c.stage}\nrev {c.revision}{age}", style=COLOURS[c.urgency]),
            _returns(c),
            _rows(c),
            Text(_egm(c) + ("\nready" if c.ready else "\nnot ready"), style=COLOURS[c.urgency]),
        )
    console.print(table)
    blocked = [c for c in st.chapters if not c.ready]
    if blocked:
        blockers = Table(
            title="What blocks sign-off (egm check)", show_lines=True, box=box.SIMPLE_HEAD
        )
        blockers.add_column("ch", no_wrap=True)
        blockers.add_column("blockers", ratio=1, overflow="fold")
        for c in blocked:
            blockers.add_row(c.id, c.sentence.removeprefix(f"{c.id}: "))
        console.print(blockers)
    if st.owing:
        owed = "; ".join(f"{o.reviewer} ({', '.join(o.chapters)})" for o in st.owing)
        console.print(f"Owe returns in open rounds: {owed}", overflow="fold")


def status(
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    egm: EgmOpt = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", help="Write the status page as one self-contained HTML file.", metavar="FILE"
        ),
    ] = None,
) -> None:
    """Where each chapter stands before the next EGM: returns, rows, conflicts, what blocks it."""
    from reviewers.status import build_status

    ws = open_workspace(workspace)
    st = build_status(ws, egm)
    if html is not None:
        from flows.web.page import standalone

        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(standalone(ws, st), encoding="utf-8")
        typer.echo(str(html))
        return
    if as_json:
        print_json(st)
        return
    print_table(st)


def web(
    workspace: WorkspaceOpt = None,
    port: Annotated[int, typer.Option("--port", help="The port to listen on.")] = 7420,
    host: Annotated[
        str, typer.Option("--host", help="The address to listen on (loopback by default).")
    ] = "127.0.0.1",
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="PENHOLDER_TOKEN",
            help="Access token (required off loopback): `Authorization: Bearer TOKEN` or ?token=.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the status page (read-only) until interrupted."""
    from drafts.core.errors import ConfigError
    from flows.web.app import LOOPBACK

    ws = open_workspace(workspace)
    if host not in LOOPBACK:
        sys.stderr.write(
            f"penholder: warning: serving on {host}, reachable from other machines; every "
            "request needs the token\n"
        )
        if not token:
            raise ConfigError(
                f"--host {host} needs an access token: pass --token or set PENHOLDER_TOKEN"
            )
    import uvicorn

    from flows.web.app import create_app

    app = create_app(ws.root, token=token, host=host)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"status page: http://{shown}:{port}/ (Ctrl-C stops it)")
    uvicorn.run(app, host=host, port=port, log_level=os.environ.get("PENHOLDER_WEB_LOG", "warning"))
