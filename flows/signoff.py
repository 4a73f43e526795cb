"""Sign-off as one Prefect flow run that waits for a typed human decision.

``signoff`` is the life of a request: it commits the request (``reviewers.egm.signoff.request``),
waits for a ``SignoffDecision`` as a run paused for input (the Prefect UI shows its form), and
applies the decision. On a server with a deployment the run *suspends* instead (no process held;
a worker runs it again when it is resumed, and the request before the waiting point is then
found, not made twice).

``deliver`` is the other side, ``penholder signoff decide``: it resumes the waiting run with the
decision; when a live process waits on that run (``layout.waiter``), that process applies it;
when none does (the requesting process exited, was killed, or the run timed out), ``deliver``
applies it itself and closes the run. The decision carries its request's commit and is applied
under the workspace's writer lock, so it happens exactly once whichever path finishes.

A waiting process (the flow in its main thread, as ``signoff request`` starts it) also watches
the workspace: when its request is cancelled (an edit, import or stage move of the chapter), it
stops, and its run ends as failed with that reason.
"""

from __future__ import annotations

import _thread
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import FrameType
from uuid import UUID

from prefect import flow

from drafts import layout
from drafts.core.errors import PenholderError
from drafts.workspace import Workspace
from flows.engine import (
    current_run,
    drop_marker,
    engine_on,
    open_workspace,
    prepare,
    run_flow,
    shared,
    state_change,
    waiter_alive,
    write_marker,
)
from flows.results import Committed
from reviewers.egm.calendar import find
from reviewers.egm.signoff import (
    Request,
    SignoffDecision,
    check_decision,
    decide,
    decided,
    request,
    waiting,
)

POLL = 2  # seconds between two looks of a paused run at its state
WATCH = 10.0  # seconds between two looks of a waiting process at its request
CARRY = 60.0  # seconds `deliver` gives a live waiting process to apply the decision
AFTER_EGM = timedelta(days=30)  # a request waits until this long after its EGM's last day


class RequestCancelled(PenholderError):
    """The request a process waited on was cancelled (edit, import, stage move)."""


@state_change("signoff-request", "signoff request")
def request_signoff(workspace: str, chapter: str, egm_id: str, who: str | None = None) -> Committed:
    """Run the gate and record a sign-off request (no run waits: the engine is off)."""
    ws = open_workspace(workspace)
    return Committed(commit=request(ws, chapter, egm_id, ws.identity(who)))


@flow(name="signoff")
def signoff(workspace: str, chapter: str, egm_id: str, who: str | None = None) -> Committed:
    """Request the sign-off, wait for the decision, apply it (see module docstring)."""
    from prefect.runtime import deployment

    ws = open_workspace(workspace)
    run = current_run()
    deployed = bool(deployment.get_id())  # then the run suspends: no process waits
    marker = None if deployed else write_marker(ws, chapter, run)
    try:  # each side of the wait is one change, under the writer lock (not while it waits:
        # that takes days) and with the workspace's origin (the request finds itself when the
        # run starts again; the decision finds itself by its request)
        with ws.exclusive("signoff request", who):
            asked = shared(
                workspace,
                lambda: request(ws, chapter, egm_id, ws.identity(who), run=run),
                once=False,
            )
        decision = _wait(ws, egm_id, asked, deployed)
    finally:
        if marker is not None:
            drop_marker(marker)

    def apply() -> str:
        now = open_workspace(workspace)
        actor = now.identity(decision.approver)
        return decide(now, chapter, decision, actor, request_commit=asked)

    with open_workspace(workspace).exclusive("signoff decide", decision.approver):
        return Committed(commit=shared(workspace, apply, once=False))


@state_change("signoff-decide", "signoff decide")
def decide_signoff(
    workspace: str,
    chapter: str,
    decision: SignoffDecision,
    who: str | None = None,
    request_commit: str | None = None,
) -> Committed:
    """Apply a typed sign-off decision to the chapter's waiting request (here, in this run)."""
    ws = open_workspace(workspace)
    actor = ws.identity(who)
    return Committed(commit=decide(ws, chapter, decision, actor, request_commit=request_commit))


def _timeout(ws: Workspace, egm_id: str) -> int:
    egm = find(ws, egm_id)
    until = (egm.end or egm.start) + AFTER_EGM
    return max(86_400, (until - ws.now().date()).days * 86_400)


def _wait(ws: Workspace, egm_id: str, asked: str, deployed: bool) -> SignoffDecision:
    from prefect.flow_runs import pause_flow_run, suspend_flow_run

    timeout = _timeout(ws, egm_id)
    if deployed:  # a worker runs the flow again once it is resumed
        got = suspend_flow_run(wait_for_input=SignoffDecision, key="decision", timeout=timeout)
        return _decision(got)
    watched = threading.current_thread() is threading.main_thread()  # signals need it
    stop = threading.Event()
    previous = signal.signal(signal.SIGUSR1, _cancelled) if watched else None
    if watched:
        threading.Thread(target=_watch, args=(ws.root, asked, stop), daemon=True).start()
    try:
        got = pause_flow_run(
            wait_for_input=SignoffDecision, key="decision", timeout=timeout, poll_interval=POLL
        )
        return _decision(got)
    finally:
        stop.set()
        if watched:
            signal.signal(signal.SIGUSR1, previous)


def _decision(got: object) -> SignoffDecision:
    if not isinstance(got, SignoffDecision):
        raise PenholderError("the waiting sign-off run was resumed without a decision")
    return SignoffDecision.model_validate(got.model_dump(include=set(SignoffDecision.model_fields)))


def _watch(root: Path, asked: str, stop: threading.Event) -> None:
    """Interrupt the waiting main thread once its request is cancelled (not decided)."""
    while not stop.wait(WATCH):
        ws = Workspace(root)
        if all(r.commit != asked for r in waiting(ws)) and decided(ws, asked) is None:
            _thread.interrupt_main(signal.SIGUSR1)
            return


def _cancelled(signum: int, frame: FrameType | None) -> None:
    raise RequestCancelled(
        "the sign-off request was cancelled (the chapter was edited, imported or moved); "
        "request it again with `penholder signoff request`"
    )


def deliver(workspace: Path, chapter: str, decision: SignoffDecision) -> Committed:
    """Give ``decision`` to the chapter's waiting request (see module docstring)."""
    prepare()
    ws = open_workspace(workspace)
    req = check_decision(ws, chapter, decision)
    if engine_on() and req.run and _resume(req.run, decision):
        deadline = time.monotonic() + CARRY
        while waiter_alive(ws, chapter, req.run) and time.monotonic() < deadline:
            time.sleep(0.5)
            done = decided(Workspace(ws.root), req.commit)
            if done:
                return Committed(commit=done)
    done_here = run_flow(
        decide_signoff,
        workspace=str(ws.root),
        chapter=chapter,
        decision=decision,
        who=decision.approver,
        request_commit=req.commit,
    )
    if engine_on() and req.run:
        _close(req.run, f"decided by {decision.approver}; applied by the deciding process")
    return done_here


def _resume(run: str, decision: SignoffDecision) -> bool:
    """Resume the paused ``run`` with ``decision``; False when it no longer waits."""
    from prefect.exceptions import FlowPauseTimeout, NotPausedError, ObjectNotFound
    from prefect.flow_runs import resume_flow_run

    try:
        resume_flow_run(UUID(run), run_input=decision.model_dump(mode="json"))
    except (ObjectNotFound, NotPausedError, FlowPauseTimeout, ValueError):
        return False  # gone, timed out, crashed or already resumed: nobody waits on it
    return True


def _close(run: str, message: str) -> None:
    """Mark a run nobody carried on as completed, with ``message``."""
    from prefect.client.orchestration import get_client
    from prefect.states import Completed

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(run)).state
        if state is None or not state.is_final():
            client.set_flow_run_state(UUID(run), Completed(message=message), force=True)


START = 120.0  # seconds a new waiting process has to record its request


def start_waiting(root: Path, chapter: str, egm_id: str, who: str | None) -> Request:
    """Start a detached process that requests, waits and applies; return once it waits.

    The process is ``penholder signoff request CH --egm N --wait`` in a session of its own, so
    the requesting command returns at once and may exit; what it says goes to
    ``layout.waiter_log``. A refusal it meets is raised here, as its one sentence.
    """
    ws = Workspace(root)
    log = ws.private_path(layout.waiter_log(chapter))
    cmd = [sys.executable, "-m", "flows.cli", "signoff", "request", chapter, "--egm", egm_id,
           "--wait", "--workspace", str(root), *(["--as", who] if who else [])]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=root, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + START
    while time.monotonic() < deadline:
        req = next((r for r in waiting(Workspace(root)) if r.chapter == chapter), None)
        if req is not None and req.run is not None:
            return req
        if proc.poll() is not None:
            said = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
            refusal = next((ln for ln in reversed(said) if ln.startswith("penholder: ")), None)
            raise PenholderError(
                refusal.removeprefix("penholder: ")
                if refusal
                else f"the sign-off process ended before recording the request; see {log}"
            )
        time.sleep(0.3)
    proc.kill()
    raise PenholderError(
        f"the sign-off process did not record the request in {START:.0f} s; see {log}"
    )
