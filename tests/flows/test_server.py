"""``penholder server up|down|status`` with a real ``prefect server start`` on a free loopback
port, two workers and the deployments of ``prefect.yaml`` (one server for the module, stopped
by PID at the end). The commands below are the README's "Running for a team".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from drafts import chapters
from drafts.models import Stage
from drafts.workspace import Workspace
from flows.server.processes import ServerState, alive
from tests.conftest import DRAFTER
from tests.helpers.waiting import until as _until

pytestmark = pytest.mark.slow
BOSS = "nadia-haddad"


def _penholder(home: Path, *args: str, timeout: float = 400) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PENHOLDER_ENGINE", "PREFECT_API_URL")}
    env["PREFECT_HOME"] = str(home)
    env["PREFECT_WORKER_QUERY_SECONDS"] = "2"
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ServerState]]:
    home = tmp_path_factory.mktemp("prefect-home")
    up = _penholder(home, "server", "up", "--port", "0", "--workers", "2")
    assert up.returncode == 0, up.stderr + (home / "penholder-server.log").read_text()
    state = ServerState.model_validate_json((home / "penholder-server.json").read_text())
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:  # this process's client (Prefect may be imported already: settings, not environ)
        with temporary_settings({PREFECT_API_URL: state.url}):
            yield home, state
    finally:
        down = _penholder(home, "server", "down")
        assert down.returncode == 0, down.stderr
        pids = [state.pid, *(w.pid for w in state.workers)]
        assert not any(alive(pid) for pid in pids)
        assert not (home / "penholder-server.json").exists()


def _client() -> Any:
    from prefect.client.orchestration import get_client

    return get_client(sync_client=True)


def test_status_shows_the_server_its_workers_and_what_it_holds(
    server: tuple[Path, ServerState],
) -> None:
    home, state = server
    shown = _penholder(home, "server", "status")
    assert shown.returncode == 0, shown.stderr
    assert f"server: {state.url} running" in shown.stdout
    assert shown.stdout.count("running") == 3  # the server and two workers
    with _client() as client:
        names = {d.name for d in client.read_deployments()}
        assert {"signoff", "commit-revision", "remind-open-rounds", "add-returns"} <= names
        pool = client.read_work_pool("penholder")
        assert pool.type == "process"
        assert client.read_global_concurrency_limit_by_name("workspace").limit == 1
        reminder = next(d for d in client.read_deployments() if d.name == "remind-open-rounds")
        assert [s.schedule.cron for s in reminder.schedules] == ["0 9 * * 1-5"]  # type: ignore[union-attr]


def test_a_command_runs_its_flow_against_the_server_without_an_export(
    server: tuple[Path, ServerState], example_ws: Workspace
) -> None:
    home, _ = server
    path = example_ws.chapter_path("05")
    path.write_text(path.read_text() + "\nA paragraph added with a server.\n")
    done = _penholder(home, "chapter", "commit", "05", "--as", DRAFTER, "-w", str(example_ws.root))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no Prefect log line
    run = Workspace(example_ws.root).history()[-1].value("Prefect-Run")
    with _client() as client:
        flow_run = client.read_flow_run(UUID(run))
    assert flow_run.state is not None and flow_run.state.is_completed()
    assert flow_run.deployment_id is None  # in-process: no worker latency on the CLI path


def _state(run: UUID) -> Any:
    with _client() as client:
        return client.read_flow_run(run).state


def _signoffs(ws: Workspace) -> list[Any]:
    return [c for c in Workspace(ws.root).history() if c.value("Event") == "signoff"]


def test_a_deployed_signoff_suspends_and_another_worker_finishes_it(
    server: tuple[Path, ServerState], example_ws: Workspace
) -> None:
    from prefect.deployments import run_deployment
    from prefect.flow_runs import resume_flow_run

    from reviewers import guards
    from reviewers.egm.signoff import waiting

    home, state = server
    guards.install()
    chapters.move_stage(example_ws, "01", Stage.READY_FOR_EGM, example_ws.identity(DRAFTER))
    params = {"workspace": str(example_ws.root), "chapter": "01", "egm_id": "EGM1", "who": DRAFTER}
    flow_run = run_deployment("signoff/signoff", parameters=params, timeout=0)
    run = flow_run.id
    _until(lambda: (s := _state(run)) is not None and s.name == "Suspended", 240)
    asked = waiting(Workspace(example_ws.root))
    assert len(asked) == 1 and asked[0].run == str(run)
    logs = {w.pid: (home / f"{w.name}.log") for w in state.workers}
    first = _until(
        lambda: next((p for p, log in logs.items() if str(run) in log.read_text()), 0), 60
    )
    os.killpg(first, signal.SIGINT)  # that worker's machine goes away
    _until(lambda: not alive(first), 60)
    decision = {"approver": BOSS, "decision": "approve", "conditions": [],
                "date": str(example_ws.now().date())}  # fmt: skip
    resume_flow_run(run, run_input=decision)
    _until(lambda: (s := _state(run)) is not None and s.is_final(), 240)
    assert _state(run).is_completed()
    other = next(p for p in logs if p != first)
    assert str(run) in logs[other].read_text()  # the other worker finished it
    signed = _signoffs(example_ws)
    assert len(signed) == 1
    assert signed[0].value("Request") == asked[0].commit
    assert signed[0].value("Prefect-Run") == str(run)
    assert Workspace(example_ws.root).state("01").stage == Stage.SIGNED_OFF


PG_BIN = Path("/usr/lib/postgresql/15/bin")


@pytest.fixture
def postgres() -> Iterator[str]:
    """PostgreSQL 15 from Debian's packages on a free loopback port, run as ``postgres``."""
    import shutil

    from flows.server.processes import free_port

    if not (PG_BIN / "pg_ctl").exists() or os.getuid() != 0 or not shutil.which("su"):
        pytest.skip("needs Debian's postgresql 15 and root (to run it as the postgres user)")
    import tempfile

    data = Path(tempfile.mkdtemp(prefix="penholder-pg-"))  # pytest's folders are root's alone
    shutil.chown(data, "postgres", "postgres")
    data.chmod(0o700)
    port = free_port()

    def as_postgres(cmd: str) -> None:
        subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", cmd], check=True,
                       capture_output=True, timeout=120)  # fmt: skip

    as_postgres(f"{PG_BIN}/initdb -D {data} -A trust -U penholder")
    as_postgres(f'{PG_BIN}/pg_ctl -D {data} -l {data}/log -w -o "-h 127.0.0.1 -p {port} -k {data}" start')  # fmt: skip
    pid = int((data / "postmaster.pid").read_text().split()[0])
    try:
        yield f"postgresql+asyncpg://penholder@127.0.0.1:{port}/postgres"
    finally:
        os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown
        _until(lambda: not alive(pid), 60)
        shutil.rmtree(data, ignore_errors=True)


def test_a_server_on_postgresql(postgres: str, tmp_path: Path, example_ws: Workspace) -> None:
    home = tmp_path / "prefect-home"
    up = _penholder(home, "server", "up", "--port", "0", "--workers", "0", "--postgres", postgres)
    try:
        assert up.returncode == 0, up.stderr + (home / "penholder-server.log").read_text()
        assert "127.0.0.1" in _penholder(home, "server", "status").stdout.split("pid")[1]
        path = example_ws.chapter_path("05")
        path.write_text(path.read_text() + "\nA paragraph recorded on PostgreSQL.\n")
        done = _penholder(home, "chapter", "commit", "05", "--as", DRAFTER,
                          "-w", str(example_ws.root))  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert Workspace(example_ws.root).history()[-1].value("Prefect-Run")
    finally:
        assert _penholder(home, "server", "down").returncode == 0
