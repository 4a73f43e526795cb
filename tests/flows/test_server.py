"""``penholder server up|down|status`` with a real ``prefect server start`` on a free loopback
port, two workers and the deployments of ``prefect.yaml`` (one server for the module, stopped
by PID at the end). The commands below are the README's "Running for a team".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import git
import pytest

from drafts import chapters
from drafts.models import Stage
from drafts.workspace import Workspace
from flows.server.processes import ServerState, alive
from tests.conftest import DRAFTER
from tests.helpers.team import commented_returns, on_remote, remark_ids, two_clones
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
        assert {"fetch-inbox", "scan-inbox"} <= names
        pool = client.read_work_pool("penholder")
        assert pool.type == "process"
        assert client.read_global_concurrency_limit_by_name("workspace").limit == 1
        reminder = next(d for d in client.read_deployments() if d.name == "remind-open-rounds")
        assert [s.schedule.cron for s in reminder.schedules] == ["0 9 * * 1-5"]  # type: ignore[union-attr]
        fetch = next(d for d in client.read_deployments() if d.name == "fetch-inbox")
        assert [s.schedule.interval.total_seconds() for s in fetch.schedules] == [600.0]  # type: ignore[union-attr]


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


def _identity(root: Path) -> None:
    """A machine's own git identity (what a worker commits as when no one is named)."""
    repo = Workspace(root).repo
    repo.git.config("user.name", "Amina Odhiambo")
    repo.git.config("user.email", "amina.odhiambo@example.org")


def _finished(runs: list[UUID], seconds: float) -> list[Any]:
    states = _until(lambda: (s := [_state(r) for r in runs]) and all(x.is_final() for x in s)
                    and s, seconds)  # fmt: skip
    return list(states)


def test_a_file_dropped_in_the_inbox_is_announced_and_a_worker_takes_it_in(
    server: tuple[Path, ServerState], example_ws: Workspace, tmp_path: Path
) -> None:
    home, _ = server
    ws = example_ws
    _identity(ws.root)
    back = commented_returns(ws, tmp_path, experts=1, chapters=("03",))[0]
    inbox = ws.root / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "from-an-expert.docx").write_bytes(back.read_bytes())
    watched = _penholder(home, "inbox", "watch", "--once", "--interval", "1", "-w", str(ws.root))
    assert watched.returncode == 0, watched.stderr
    assert "announced from-an-expert.docx" in watched.stdout
    taken = _until(
        lambda: [c for c in Workspace(ws.root).history() if c.value("Event") == "return"], 300
    )
    assert not (inbox / "from-an-expert.docx").exists()
    with _client() as client:
        run = client.read_flow_run(UUID(taken[0].value("Prefect-Run")))
        deployment = client.read_deployment(run.deployment_id)
    assert deployment.name == "scan-inbox"  # run by the trigger on penholder.return.received


def test_twelve_ingestions_on_two_clones_through_the_workers_then_a_consolidation(
    server: tuple[Path, ServerState], example_ws: Workspace, tmp_path: Path
) -> None:
    from prefect.deployments import run_deployment

    backs = commented_returns(example_ws, tmp_path, experts=6)
    bare, a, b = two_clones(example_ws, tmp_path)
    runs = [
        run_deployment("add-returns/add-returns", timeout=0, parameters={
            "workspace": str(clone), "files": [str(f)], "who": DRAFTER})
        for n, f in enumerate(backs) for clone in [(a, b)[n % 2]]
    ]  # fmt: skip
    states = _finished([r.id for r in runs], 900)
    assert all(s.is_completed() for s in states), [s.message for s in states]
    done = run_deployment("consolidate/consolidate", timeout=900, parameters={
        "workspace": str(b), "chapter": "03", "round_id": "R1", "who": DRAFTER})  # fmt: skip
    assert done.state is not None and done.state.is_completed(), done.state
    final = on_remote(bare)
    history = final.history()
    per_file = Counter(c.value("Return-File") for c in history if c.value("Event") == "return")
    assert len(per_file) == 12 and set(per_file.values()) == {1}
    assert sum(c.value("Event") == "consolidate" for c in history) == 1
    ids = remark_ids(final)
    assert len(ids) == 12 and len(set(ids)) == 12
    made_by = {c.value("Prefect-Run") for c in history if c.value("Event") == "return"}
    assert made_by == {str(r.id) for r in runs}  # every run committed, each once
    git.Repo(bare).git.fsck("--strict")


def test_a_killed_runs_workspace_slot_is_recovered(server: tuple[Path, ServerState]) -> None:
    from prefect.concurrency.sync import concurrency

    from flows.engine import LEASE, LIMIT

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from prefect.concurrency.sync import concurrency\n"
         f"with concurrency({LIMIT!r}, occupy=1, lease_duration={LEASE}, strict=True):\n"
         "    print('holding', flush=True); time.sleep(900)\n"],
        env={**os.environ, "PREFECT_API_URL": server[1].url}, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        taken = concurrency(LIMIT, occupy=1, timeout_seconds=5, strict=True)
        with pytest.raises(TimeoutError), taken:  # the slot is taken while its holder lives
            pass
        holder.kill()  # killed: it never gives the slot back
        holder.wait(30)
        with concurrency(LIMIT, occupy=1, timeout_seconds=LEASE + 90, strict=True):
            pass  # its lease ran out and the server took the slot back
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(30)


def test_a_deployed_signoff_suspends_and_another_worker_finishes_it(
    server: tuple[Path, ServerState], example_ws: Workspace, tmp_path: Path
) -> None:
    from prefect.deployments import run_deployment
    from prefect.flow_runs import resume_flow_run

    from reviewers import guards
    from reviewers.egm.signoff import waiting

    home, state = server
    guards.install()
    chapters.move_stage(example_ws, "01", Stage.READY_FOR_EGM, example_ws.identity(DRAFTER))
    bare, machine, _ = two_clones(example_ws, tmp_path)  # the workspace shared through a remote
    params = {"workspace": str(machine), "chapter": "01", "egm_id": "EGM1", "who": DRAFTER}
    flow_run = run_deployment("signoff/signoff", parameters=params, timeout=0)
    run = flow_run.id
    _until(lambda: (s := _state(run)) is not None and s.name == "Suspended", 240)
    asked = waiting(Workspace(machine))
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
    final = on_remote(bare)  # what the team sees: the request and the decision, each once
    signed = _signoffs(final)
    assert len(signed) == 1
    assert signed[0].value("Request") == asked[0].commit
    assert signed[0].value("Prefect-Run") == str(run)
    requests = [c for c in final.history() if c.value("Event") == "signoff-request"]
    assert [c.sha for c in requests] == [asked[0].commit]
    assert final.state("01").stage == Stage.SIGNED_OFF
    git.Repo(bare).git.fsck("--strict")


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
