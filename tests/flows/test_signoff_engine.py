"""Sign-off as a flow run paused for a typed decision, decided from other processes.

On Prefect's engine (a test server for the module): the decision comes from a second process
while the flow waits, and again after the requesting process is gone; a request cancelled by a
stage move stops its waiting run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from drafts import chapters
from drafts.models import Stage
from drafts.workspace import Workspace
from flows.engine import read_marker
from flows.server.processes import alive as _alive
from reviewers.egm.signoff import waiting
from tests.conftest import DRAFTER
from tests.helpers.waiting import until as _until

pytestmark = pytest.mark.slow
BOSS = "nadia-haddad"


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    """A Prefect test server for the module; yields its URL for other processes."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    saved = os.environ.pop("PENHOLDER_ENGINE", None)
    with prefect_test_harness(server_startup_timeout=60):
        yield str(PREFECT_API_URL.value())
    if saved is not None:
        os.environ["PENHOLDER_ENGINE"] = saved


@pytest.fixture
def ready(example_ws: Workspace) -> Workspace:
    from reviewers import guards

    guards.install()
    chapters.move_stage(example_ws, "01", Stage.READY_FOR_EGM, example_ws.identity(DRAFTER))
    return example_ws


def _penholder(api: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PENHOLDER_ENGINE"}
    env["PREFECT_API_URL"] = api
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _run_state(run: str) -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run).state  # type: ignore[arg-type]
    assert state is not None
    return state.type.value


def _signoffs(ws: Workspace) -> list[Any]:
    return [c for c in Workspace(ws.root).history() if c.value("Event") == "signoff"]


def test_a_decision_from_a_second_process_resumes_the_waiting_run(
    api: str, ready: Workspace
) -> None:
    from flows import signoff as flows

    out: dict[str, Any] = {}

    def wait() -> None:
        out["result"] = flows.signoff(
            workspace=str(ready.root), chapter="01", egm_id="EGM1", who=DRAFTER
        )

    waiter = threading.Thread(target=wait)
    waiter.start()
    req = _until(lambda: next(iter(waiting(Workspace(ready.root))), None))
    marker = read_marker(ready.private_path("penholder/waiting/01.json"))
    assert (marker["pid"], marker["run"]) == (os.getpid(), req.run)
    _until(lambda: _run_state(req.run) == "PAUSED")

    done = _penholder(api, "signoff", "decide", "01", "--approve", "--as", BOSS,
                      "-w", str(ready.root))  # fmt: skip
    assert done.returncode == 0, done.stderr
    waiter.join(120)
    assert not waiter.is_alive()
    signed = _signoffs(ready)
    assert len(signed) == 1 and out["result"].commit == signed[0].sha
    assert signed[0].value("Prefect-Run") == req.run  # applied by the run that waited
    assert signed[0].value("Request") == req.commit
    assert _run_state(req.run) == "COMPLETED"
    assert "chapter 01: signed_off" in done.stdout
    tag = ready.repo.git.tag("-n9", "egm/EGM1/01")
    assert "approved by Nadia Haddad" in tag
    assert not ready.private_path("penholder/waiting/01.json").exists()


def test_the_decision_is_applied_once_the_requesting_process_is_gone(
    api: str, ready: Workspace
) -> None:
    asked = _penholder(api, "signoff", "request", "01", "--egm", "EGM1", "--as", DRAFTER,
                       "-w", str(ready.root))  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert "waits for `penholder signoff decide 01" in asked.stdout
    req = waiting(Workspace(ready.root))[0]
    marker = _until(lambda: read_marker(ready.private_path("penholder/waiting/01.json")))
    assert marker["run"] == req.run
    _until(lambda: _run_state(req.run) == "PAUSED")
    os.kill(int(marker["pid"]), signal.SIGKILL)  # the machine was rebooted, say
    _until(lambda: not _alive(int(marker["pid"])), 30)

    status = _penholder(api, "signoff", "status", "-w", str(ready.root))
    assert "(no process: decide applies it)" in status.stdout

    done = _penholder(api, "signoff", "decide", "01", "--return", "--conditions",
                      "Add a section on data protection; Cite the 2022 report", "--as", BOSS,
                      "-w", str(ready.root))  # fmt: skip
    assert done.returncode == 0, done.stderr
    signed = _signoffs(ready)
    assert len(signed) == 1 and signed[0].value("Request") == req.commit
    assert signed[0].value("Prefect-Run") != req.run  # applied by the deciding process
    assert signed[0].values("Condition") == [
        "Add a section on data protection",
        "Cite the 2022 report",
    ]
    assert Workspace(ready.root).state("01").stage == Stage.REVISING
    assert _run_state(req.run) == "COMPLETED"  # the run nobody carried is closed
    again = _penholder(api, "signoff", "decide", "01", "--approve", "--as", BOSS,
                       "-w", str(ready.root))  # fmt: skip
    assert again.returncode == 1 and "no sign-off request waits for chapter 01" in again.stderr


def test_a_stage_move_cancels_the_waiting_run(api: str, ready: Workspace) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PENHOLDER_ENGINE"}
    env["PREFECT_API_URL"] = api
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "signoff", "request", "01", "--egm", "EGM1",
         "--wait", "--as", DRAFTER, "-w", str(ready.root)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    req = _until(lambda: next(iter(waiting(Workspace(ready.root))), None))
    _until(lambda: _run_state(req.run) == "PAUSED")
    chapters.move_stage(Workspace(ready.root), "01", Stage.REVISING, ready.identity(DRAFTER))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "penholder: the sign-off request was cancelled" in err
    assert "Traceback" not in err
    assert _run_state(req.run) == "FAILED"
    assert _signoffs(ready) == []
    assert not ready.private_path("penholder/waiting/01.json").exists()


def _runs() -> int:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return len(client.read_flow_runs())


def test_refusals_come_before_any_flow(api: str, ready: Workspace) -> None:
    before = _runs()
    done = _penholder(api, "signoff", "request", "02", "--egm", "EGM1", "--as", DRAFTER,
                      "-w", str(ready.root))  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("penholder: chapter 02 cannot be signed off at EGM1: stage")
    assert "Traceback" not in done.stderr and "Flow run" not in done.stderr
    done = _penholder(api, "signoff", "decide", "01", "--approve", "--as", DRAFTER,
                      "-w", str(ready.root))  # fmt: skip
    assert done.returncode == 1 and "no sign-off request waits" in done.stderr
    assert _runs() == before
