"""How the CLI runs a flow: through Prefect's engine (the default), or its plain function.

``run_flow(flow, **kwargs)`` takes the flow object itself (the CLI imports its flow module
lazily, inside the command, so ``--help`` and read-only commands never import Prefect) and
returns what the flow returns: a pydantic result model (``flows.results``), never a dict.
``PENHOLDER_ENGINE=off`` calls ``flow.fn`` directly (tests, and anyone who wants no Prefect run
recorded); anything else runs the flow on Prefect: the embedded temporary server when no
``PREFECT_API_URL`` is set, or the team's server when it is. A run the CLI carries sends no
heartbeats (``_in_process``); a worker's runs keep Prefect's.

``open_workspace(path)`` is how a flow opens its workspace: every commit made through it carries
the ``Prefect-Run`` trailer of the run (the one way that trailer travels), and the stage guards of
the later capabilities (``reviewers.guards``) are installed.

``first_start()`` migrates the embedded engine's database once, under a file lock, before a
first run: several first runs at once no longer race in Prefect's migrations.

``state_change(name, action)`` is ``@flow(name=...)`` for a flow that changes its workspace, and
what every such flow shares, in the CLI's process (engine on or off) and on a worker alike:

- the flow's whole body, from the state it reads (ids it mints) to its last commit, runs under
  the workspace's writer lock (``Workspace.exclusive``, as ``action`` by its ``who``), so two
  writers run one after the other; the second says on stderr whom it waits for, and gives up
  with one sentence after ``PENHOLDER_LOCK_TIMEOUT`` seconds;
- the body is one change synced with the workspace's ``origin`` when it has one (``shared``,
  over ``drafts.remote.shared``: fetched, applied on the latest main, pushed, run again on a
  rejected push), holding a slot of the server's global concurrency limit ``workspace``.

``writes(action)`` takes the lock alone, under a plain ``@flow`` whose parts are synced one by
one (``scan-inbox``). The sign-off flow takes the lock and syncs around its request and its
decision only: its run waits days in between.

``write_marker``/``waiter_alive``: which process on this machine carries a waiting flow run.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import os
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from drafts import layout

if TYPE_CHECKING:
    from drafts.workspace import Workspace

P = ParamSpec("P")
R = TypeVar("R")

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    # the embedded server's start waits for a busy 2-core machine (Prefect's default: 20 s)
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def prepare() -> None:
    """Set quiet, offline-friendly Prefect defaults the user has not set; point Prefect at the
    server ``penholder server up`` started, when one runs and no ``PREFECT_API_URL`` is set."""
    if _debug():  # --debug: Prefect's log lines and a refusal's traceback are shown
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    if engine_on() and not os.environ.get("PREFECT_API_URL"):
        from flows.server.processes import running

        server = running()
        if server is not None:
            os.environ["PREFECT_API_URL"] = server.url


def run_flow(flow: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run ``flow`` on the engine, or as a plain function when it is off; return its result."""
    prepare()
    if not engine_on():
        fn: Callable[P, R] = flow.fn  # type: ignore[attr-defined]
        return fn(*args, **kwargs)
    if not _debug():
        quiet_refusals()
    with _in_process():
        if os.environ.get("PREFECT_API_URL"):
            return flow(*args, **kwargs)
        first_start()
        with _embedded_env():
            return flow(*args, **kwargs)


@contextmanager
def _in_process() -> Iterator[None]:
    """Settings of a flow run the CLI carries in its own process (not a worker's run).

    No heartbeats, unless the user set their frequency: they feed a "zombie run" automation
    (docs.prefect.io, "detect zombie flows") that penholder does not create, and Prefect's
    heartbeat thread sleeps in whole seconds, so ending the run waited up to 1 s for it to
    notice (0.7 s measured). A crashed CLI run is seen at once by the person who ran it."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    updates: dict[Any, Any] = {}
    if "PREFECT_FLOWS_HEARTBEAT_FREQUENCY" not in os.environ and (
        "PREFECT_RUNNER_HEARTBEAT_FREQUENCY" not in os.environ
    ):
        updates[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
    with temporary_settings(updates=updates):
        yield


#: settings of the temporary server a process on the embedded engine starts: it runs no
#: deployment, so it needs no automation triggers; their service, stopped at exit before it had
#: started (a quick refusal), printed an AssertionError traceback ("Reactive triggers not started").
#: Nor does it use Prefect's blocks (penholder keeps no block documents): each server registered
#: every block type at start until one had written Prefect's memo of it, and several processes
#: starting at once on a new PREFECT_HOME raced in those inserts (an IntegrityError traceback
#: printed by a server, seen in CI's engine-on writer trials with 4 writers)
EMBEDDED = {
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
}


@contextmanager
def _embedded_env() -> Iterator[None]:
    """Give ``EMBEDDED`` (unless the user set them) to the temporary server the flow call starts
    (Prefect passes the environment to its process), and take them back after the call, so a
    real server this process starts later keeps its triggers."""
    added = {k: v for k, v in EMBEDDED.items() if k not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


def first_start() -> None:
    """Create the embedded engine's database once, one process at a time.

    Each process on the embedded engine starts its own temporary server, and each server
    migrates the database of ``PREFECT_HOME`` as it starts: several first runs at once raced
    in those migrations (alembic errors, servers that never answered). Under a file lock in
    ``PREFECT_HOME``, the first process migrates the database itself and leaves a marker for
    this Prefect version; the servers then find it up to date."""
    import prefect
    from prefect.settings import get_current_settings

    from drafts.core.files import locked

    home = Path(get_current_settings().home)
    home.mkdir(parents=True, exist_ok=True)
    marker = home / f".penholder-database-{prefect.__version__}"
    if marker.exists():
        return
    with locked(home / ".penholder-first-start.lock", action="first start", person="penholder"):
        if marker.exists():
            return
        import asyncio

        from prefect.server.database import provide_database_interface

        asyncio.run(provide_database_interface().create_db())
        marker.write_text("migrated\n")


def _debug() -> bool:
    return os.environ.get("PENHOLDER_DEBUG", "").lower() in {"1", "true", "yes", "on"}


def engine_on() -> bool:
    """Whether flows run on Prefect (``PENHOLDER_ENGINE`` is not off)."""
    return os.environ.get("PENHOLDER_ENGINE", "").lower() not in {"off", "0", "false", "no"}


class _NoRefusals(logging.Filter):
    """Drop log records that carry a refusal (a ``PenholderError``) as their exception."""

    def filter(self, record: logging.LogRecord) -> bool:
        from drafts.core.errors import PenholderError

        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, PenholderError)


def quiet_refusals() -> None:
    """Keep Prefect's console handlers from printing a refusal with its traceback.

    A refusal fails the flow run as any error does, and the run's log on the Prefect server
    keeps it whole; on the terminal the CLI prints it as one sentence (``penholder: ...``).
    """
    from prefect.logging.handlers import PrefectConsoleHandler

    for handler in logging.getLogger().handlers:
        if isinstance(handler, PrefectConsoleHandler) and not any(
            isinstance(f, _NoRefusals) for f in handler.filters
        ):
            handler.addFilter(_NoRefusals())


def open_workspace(path: str | Path) -> Workspace:
    """Open the workspace at ``path`` for a flow: its commits carry this run's trailer."""
    from drafts.workspace import Workspace
    from reviewers.guards import install

    install()  # the stage guards later capabilities register
    ws = Workspace.open(Path(path))
    ws.run_trailers = run_trailers()
    return ws


def _hold(action: str, arguments: dict[str, Any], call: Callable[[], R]) -> R:
    """Run ``call`` under the writer lock of the flow's ``workspace``, as ``action`` by ``who``."""
    from drafts.workspace import Workspace

    where = arguments.get("workspace") or os.environ.get("PENHOLDER_WORKSPACE")
    who = arguments.get("who")
    ws = Workspace.open(Path(where or "."))
    with ws.exclusive(action, who if isinstance(who, str) else None):  # drafts.writing.acting
        return call()


def writes(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the decorated flow function under its workspace's writer lock, as ``action`` by
    its ``who`` (see the module docstring). Put it under ``@flow``."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def locked(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return _hold(action, bound.arguments, lambda: fn(*args, **kwargs))

        return locked

    return decorate


LIMIT = "workspace"  # the global concurrency limit `penholder server up` creates
LEASE = 60.0  # seconds a killed run's slot stays taken (its lease is renewed while it lives)


def state_change(
    name: str, action: str, *, rerun: bool = True, **options: Any
) -> Callable[[Callable[P, R]], Any]:
    """``@flow(name=name, **options)`` for a flow that changes its workspace (``workspace``, its
    first parameter): its body runs under the writer lock as ``action`` and as one change
    ``shared`` with the workspace's origin (module docstring). ``rerun=False`` for a flow with
    effects outside git (mail), never run twice."""
    from prefect import flow

    def wrap(fn: Callable[P, R]) -> Any:
        signature, returns = inspect.signature(fn), _returns(fn)

        @functools.wraps(fn)
        def synced(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            where = bound.arguments.get("workspace")
            return _hold(
                action,
                bound.arguments,
                lambda: shared(where, lambda: fn(*args, **kwargs), rerun=rerun, result=returns),
            )

        # Prefect reads the parameters' types from the function it is given: resolved here,
        # since the wrapper's module is not the one that names them
        synced.__signature__ = inspect.signature(fn, eval_str=True)  # type: ignore[attr-defined]
        synced.__annotations__ = typing.get_type_hints(fn)
        return flow(name=name, **options)(synced)

    return wrap


def _returns(fn: Callable[..., Any]) -> Any:
    try:
        return typing.get_type_hints(fn).get("return")
    except Exception:
        return None


def shared(
    workspace: str | Path | None,
    change: Callable[[], R],
    *,
    rerun: bool = True,
    once: bool = True,
    result: Any = None,
) -> R:
    """Run ``change`` synced with the origin of ``workspace`` (``drafts.remote.shared``). With
    ``once``, a run whose change is on main already is not run again: it returns that commit
    when ``result`` is ``Committed``, and refuses otherwise; without it the change itself
    finds what its run did (a sign-off, run again after it was suspended)."""
    from drafts import remote
    from drafts.workspace import Workspace

    if remote.syncing():  # a flow inside a synced change: the outer one syncs and holds the slot
        return change()
    ws = Workspace.open(Path(workspace or os.environ.get("PENHOLDER_WORKSPACE") or "."))
    if not remote.has_origin(ws):
        return change()
    from flows.results import Committed

    try:
        with _slot():
            return remote.shared(ws, change, run=current_run() if once else None, rerun=rerun)
    except remote.AlreadyApplied as done:
        if result is Committed:
            return typing.cast(R, Committed(commit=done.commit))
        raise


@contextmanager
def _slot() -> Iterator[None]:
    """Hold a slot of the server's ``workspace`` limit, when flows run against a server."""
    if not (engine_on() and current_run()):
        yield
        return
    from prefect.concurrency.sync import concurrency
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():  # the embedded server has no such limit
        yield
        return

    with concurrency(LIMIT, occupy=1, lease_duration=LEASE, strict=False):
        yield


def current_run() -> str | None:
    """Return the id of the flow run we are in, if any."""
    try:
        from prefect.runtime import flow_run

        run_id = flow_run.get_id()
    except Exception:
        return None
    return str(run_id) if run_id else None


def run_trailers() -> list[tuple[str, str]]:
    """Return the ``Prefect-Run`` trailer of the flow run we are in, if any."""
    run = current_run()
    return [("Prefect-Run", run)] if run else []


# -- the processes that carry a waiting flow run on this machine ------------------------------
# A process whose flow run waits (a sign-off awaiting its decision) writes ``layout.waiter``
# (its pid and run) and removes it when it stops; ``waiter_alive`` tells another process
# whether the run is still carried, or whether it must finish the work itself.


def write_marker(ws: Workspace, chapter: str, run: str | None) -> Path:
    """Record this process as the one waiting on ``run`` for ``chapter``; return the file."""
    marker = ws.private_path(layout.waiter(chapter))
    marker.write_text(json.dumps({"pid": os.getpid(), "run": run}))
    return marker


def drop_marker(marker: Path) -> None:
    """Remove the marker if this process wrote it."""
    if read_marker(marker).get("pid") == os.getpid():
        marker.unlink(missing_ok=True)


def read_marker(marker: Path) -> dict[str, object]:
    try:
        data = json.loads(marker.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _alive(pid: object) -> bool:
    from flows.server.processes import alive

    return isinstance(pid, int) and alive(pid)


def waiter_alive(ws: Workspace, chapter: str, run: str | None) -> bool:
    """Whether a live process on this machine waits on ``run`` for ``chapter``'s decision."""
    data = read_marker(ws.git_dir / layout.waiter(chapter))  # a read makes no folder
    return run is not None and data.get("run") == run and _alive(data.get("pid"))
