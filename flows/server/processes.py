"""The server's and workers' processes, and the state file that names them.

``up`` starts ``prefect server start`` on a loopback port (SQLite in ``$PREFECT_HOME``, or the
PostgreSQL database given), waits for its health check, then ``setup`` prepares it and N
``prefect worker start`` processes serve the pool. Each process runs in a session of its own,
its output in a log file beside the state file; ``down`` stops them by PID, workers first
(SIGINT, then SIGKILL after a grace), then the server's whole process group.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from drafts.core.errors import PenholderError

STATE = "penholder-server.json"
POOL = "penholder"
STARTUP = 120.0  # seconds a server on a busy 2-core machine may take to answer
GRACE = 20.0  # seconds a process has to stop on SIGINT before it is killed
ENGINE_DIR = Path(__file__).resolve().parents[2]  # the checkout holding prefect.yaml


class Worker(BaseModel):
    pid: int
    name: str
    home: str


class ServerState(BaseModel):
    url: str
    pid: int
    port: int
    database: str  # "sqlite" or the PostgreSQL URL without its password
    pool: str = POOL
    workers: list[Worker] = []


def prefect_home() -> Path:
    """``$PREFECT_HOME`` as Prefect reads it (default ``~/.prefect``)."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def state_file() -> Path:
    return prefect_home() / STATE


def read_state() -> ServerState | None:
    """The state file's server, if the file is there and readable."""
    try:
        return ServerState.model_validate_json(state_file().read_text())
    except (OSError, ValueError):
        return None


def write_state(state: ServerState) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(state.model_dump_json(indent=2))
    tmp.replace(path)


def alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reap it when it is our child
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running() -> ServerState | None:
    """The server the state file names, when its process is alive."""
    state = read_state()
    return state if state is not None and alive(state.pid) else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _spawn(cmd: list[str], env: dict[str, str], log: Path) -> int:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd, env=env, cwd=ENGINE_DIR, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    return proc.pid


def base_env(url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.pop("PREFECT_API_URL", None)
    if url:
        env["PREFECT_API_URL"] = url
    return env


def start_server(port: int, database: str | None) -> ServerState:
    """Start ``prefect server start`` on 127.0.0.1:``port``; return once it answers."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise PenholderError(
                f"port {port} on 127.0.0.1 is in use; pick another with --port (0: a free one)"
            ) from None
    env = base_env()
    if database:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = database
    exe = Path(sys.executable).with_name("prefect")
    cmd = [str(exe), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    pid = _spawn(cmd, env, prefect_home() / "penholder-server.log")
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + STARTUP
    while not healthy(url):
        if not alive(pid) or time.monotonic() > deadline:
            stop(pid)
            raise PenholderError(
                f"the Prefect server did not start on port {port}; see "
                f"{prefect_home() / 'penholder-server.log'}"
            )
        time.sleep(0.5)
    shown = "sqlite" if not database else database.split("@")[-1]
    return ServerState(url=url, pid=pid, port=port, database=shown)


def start_worker(state: ServerState, n: int, home: Path | None = None) -> Worker:
    """Start worker ``n`` of the pool (its own ``PREFECT_HOME`` when ``home`` is given)."""
    env = base_env(state.url)
    env["PENHOLDER_ENGINE_DIR"] = str(ENGINE_DIR)
    env.pop("PENHOLDER_ENGINE", None)
    env["PREFECT_LOGGING_LEVEL"] = "INFO"  # its log names each run it takes (an operator reads it)
    if home is not None:
        env["PREFECT_HOME"] = str(home)
    name = f"penholder-worker-{n}"
    exe = Path(sys.executable).with_name("prefect")
    cmd = [str(exe), "worker", "start", "--pool", state.pool, "--name", name]
    pid = _spawn(cmd, env, prefect_home() / f"{name}.log")
    return Worker(pid=pid, name=name, home=str(home or prefect_home()))


def stop(pid: int, grace: float = GRACE) -> None:
    """Stop the process group ``pid`` leads: SIGINT, then SIGKILL after ``grace`` seconds."""
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not alive(pid):
            _reap_group(pid)
            return


def _reap_group(pid: int) -> None:
    """Kill what is left of the group (a uvicorn child the server started)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def summary(state: ServerState) -> dict[str, Any]:
    return {
        "url": state.url,
        "server": {"pid": state.pid, "alive": alive(state.pid), "database": state.database},
        "workers": [{**w.model_dump(), "alive": alive(w.pid)} for w in state.workers],
    }


def dump(state: ServerState) -> str:
    return json.dumps(summary(state), indent=2)
