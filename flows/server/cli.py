"""``penholder server up|down|status``: a Prefect server with workers for a team, on this machine."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from flows.cli.common import JsonOpt, print_json

app = typer.Typer(
    help="A Prefect server with workers: commands run their flows against it, fast.",
    no_args_is_help=True,
)


@app.command("up")
def up(
    workers: Annotated[int, typer.Option("--workers", help="How many workers to start.")] = 1,
    port: Annotated[
        int, typer.Option("--port", help="The port on 127.0.0.1 (0: a free one).")
    ] = 4200,
    postgres: Annotated[
        str | None,
        typer.Option(
            "--postgres",
            envvar="PENHOLDER_DB_URL",
            help="A PostgreSQL URL (postgresql+asyncpg://...) instead of SQLite in PREFECT_HOME.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start the server, create the pool, the limit and the deployments, start the workers."""
    from drafts.core.errors import PenholderError
    from flows.server import processes
    from flows.server.setup import prepare_server

    if workers < 0:
        raise PenholderError("--workers takes 0 or more")
    if (running := processes.running()) is not None:
        raise PenholderError(
            f"a server started by penholder already runs at {running.url} (pid {running.pid}); "
            "stop it with `penholder server down`"
        )
    state = processes.start_server(port or processes.free_port(), postgres)
    processes.write_state(state)  # from here `server down` can stop what was started
    try:
        prepare_server(state)
        for n in range(1, workers + 1):
            state.workers.append(processes.start_worker(state, n))
            processes.write_state(state)
    except BaseException:
        _down(state)
        raise
    typer.echo(f"server: {state.url} (pid {state.pid}, {state.database})")
    for w in state.workers:
        typer.echo(f"worker: {w.name} (pid {w.pid})")


@app.command("down")
def down() -> None:
    """Stop the workers, then the server, by the PIDs the state file records."""
    from flows.server import processes

    state = processes.read_state()
    if state is None:
        typer.echo("no server started by penholder is recorded")
        return
    _down(state)
    typer.echo(f"stopped: {len(state.workers)} workers, the server at {state.url}")


def _down(state: object) -> None:
    from flows.server import processes

    assert isinstance(state, processes.ServerState)
    for w in state.workers:
        processes.stop(w.pid)
    processes.stop(state.pid)
    processes.state_file().unlink(missing_ok=True)


@app.command("status")
def status(as_json: JsonOpt = False) -> None:
    """The server and workers the state file names, and whether each process is alive."""
    from flows.server import processes

    state = processes.read_state()
    if state is None:
        if as_json:
            print_json({"server": None})
        else:
            typer.echo("no server started by penholder (commands use the embedded engine)")
        return
    if as_json:
        print_json(processes.summary(state))
        return
    up_ = "running" if processes.alive(state.pid) else "not running"
    typer.echo(f"server: {state.url} {up_} (pid {state.pid}, {state.database})")
    for w in state.workers:
        typer.echo(f"worker: {w.name} {'running' if processes.alive(w.pid) else 'stopped'} "
                   f"(pid {w.pid})")  # fmt: skip
    if os.environ.get("PREFECT_API_URL") not in (None, state.url):
        typer.echo(f"note: PREFECT_API_URL is set to {os.environ['PREFECT_API_URL']}; it wins")
