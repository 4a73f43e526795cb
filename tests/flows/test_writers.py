"""Issue 19, point 1: one writer at a time (the lock, its waiting and its timeout), ids minted
under it, consolidation refusing duplicate ids; the trials of concurrent and killed writers."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from drafts.core.errors import WorkspaceBusy, WorkspaceError
from drafts.workspace import Workspace
from tests.conftest import DRAFTER, ROOT
from tests.helpers import reliability

HOLD = (
    "import sys, time; from pathlib import Path; from drafts.workspace import Workspace; "
    "ws = Workspace.open(Path(sys.argv[1])); "
    "cm = ws.exclusive('return add', 'amina-odhiambo'); cm.__enter__(); "
    "print('held', flush=True); time.sleep(float(sys.argv[2]))"
)


def _holder(ws: Workspace, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(ws.root), str(seconds)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_waits_saying_for_whom_then_gives_up_in_one_sentence(
    example_ws: Workspace, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    holder = _holder(ws, 30)
    try:
        record = json.loads(ws.lock_path().read_text())
        assert (record["action"], record["person"], record["pid"]) == (
            "return add", DRAFTER, holder.pid,
        )  # fmt: skip
        assert record["host"] and record["since"]
        assert ws.writer() is not None and ws.writer().pid == holder.pid  # type: ignore[union-attr]
        monkeypatch.setenv("PENHOLDER_LOCK_TIMEOUT", "0.5")
        head = ws.head()
        started = time.monotonic()
        code, _, err = cli(
            "chapter", "new", "09", "--title", "Nine", "-w", ws.root, "--as", DRAFTER
        )
        assert time.monotonic() - started < 20
        lines = err.strip().splitlines()
        assert lines[0].startswith("waiting for the workspace: return add by amina-odhiambo since ")
        assert code == 1 and len(lines) == 2
        assert lines[1].startswith("penholder: the workspace is busy (return add by amina-odhiambo")
        assert "PENHOLDER_LOCK_TIMEOUT" in lines[1]
        assert Workspace.open(ws.root).head() == head
    finally:
        holder.kill()
        holder.wait()


def test_a_writer_goes_on_as_soon_as_the_other_ends(example_ws: Workspace) -> None:
    ws = example_ws
    holder = _holder(ws, 1.0)
    said: list[object] = []
    started = time.monotonic()
    with ws.exclusive("test", DRAFTER, timeout=30, on_wait=said.append):
        waited = time.monotonic() - started
    holder.wait()
    assert len(said) == 1 and 0.3 < waited < 25


def test_a_killed_holders_record_is_stale_and_never_waited_on(example_ws: Workspace) -> None:
    ws = example_ws
    holder = _holder(ws, 60)
    holder.kill()  # SIGKILL: its record stays in the file, the kernel frees the lock
    holder.wait()
    assert json.loads(ws.lock_path().read_text())["pid"] == holder.pid
    assert ws.writer() is None
    with ws.exclusive("test", DRAFTER, timeout=0):
        assert json.loads(ws.lock_path().read_text())["pid"] == os.getpid()


def test_the_lock_is_reentrant_and_commits_under_it(example_ws: Workspace) -> None:
    ws = example_ws
    with ws.exclusive("outer", DRAFTER, timeout=0), ws.exclusive("inner", timeout=0):
        ws.commit({"notes.txt": b"x"}, "Note", [("Event", "note")], ws.identity(DRAFTER))
    assert ws.committed("notes.txt") == b"x"
    with pytest.raises(WorkspaceBusy):
        holder = _holder(ws, 30)
        try:
            with ws.exclusive("late", DRAFTER, timeout=0.2, on_wait=lambda h: None):
                pass
        finally:
            holder.kill()
            holder.wait()


def test_consolidation_refuses_remark_ids_held_twice() -> None:
    from reviewers.consolidate.plan import refuse_duplicate_ids
    from reviewers.intake.remarks import Remark, ReturnRemarks

    def returned(sha: str, ids: list[str]) -> ReturnRemarks:
        remarks = [
            Remark(id=i, round="R3", chapter="05", revision=1, reviewer="x", author="x",
                   date=None, kind="comment", text="t", **{"return": sha})
            for i in ids
        ]  # fmt: skip
        return ReturnRemarks(
            round="R3", chapter="05", reviewer="x", revision=1, packet=None, sha256=sha,
            file=f"{sha[:4]}.docx", remarks=remarks,
        )  # fmt: skip

    refuse_duplicate_ids(
        [returned("a" * 64, ["R3-05-001"]), returned("b" * 64, ["R3-05-002"])], "R3"
    )
    with pytest.raises(WorkspaceError, match=r"remark id R3-05-024 \(and 1 more ids\) of round R3"):
        refuse_duplicate_ids(
            [returned("a" * 64, ["R3-05-024", "R3-05-025"]),
             returned("b" * 64, ["R3-05-024", "R3-05-025"])],
            "R3",
        )  # fmt: skip


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> reliability.Setting:
    return reliability.prepare(tmp_path_factory.mktemp("reliability"))


@pytest.mark.slow
def test_concurrent_writers_engine_off(setting, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """20 trials: two or four `return add` at once plus a `consolidate`."""
    failed = []
    for n in range(20):
        trial = reliability.concurrent_trial(setting, tmp_path, 2 if n % 2 else 4)
        failed += trial.problems
    assert failed == []


@pytest.mark.slow
def test_concurrent_writers_engine_on(setting, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PENHOLDER_ENGINE", "on")
    failed = []
    for writers in (2, 2, 4):
        failed += reliability.concurrent_trial(setting, tmp_path, writers).problems
    assert failed == []


@pytest.mark.slow
def test_intake_killed_anywhere_loses_nothing(setting, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """20 kills at random points (one while git stores a 10 MB file), each followed by a re-run:
    every file recorded once, git fsck clean, nothing uncommitted."""
    rng = random.Random(19)
    failed = []
    for n in range(20):
        failed += reliability.kill_trial(setting, tmp_path, rng, big=n == 0).problems
    assert failed == []


@pytest.mark.slow
def test_first_runs_at_once_migrate_the_engine_database_once(tmp_path: Path) -> None:
    home = tmp_path / "prefect"
    env = {**os.environ, "PREFECT_HOME": str(home), "PYTHONPATH": str(ROOT)}
    code = "from flows.engine import first_start; first_start()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stderr=subprocess.PIPE,
                         text=True)
        for _ in range(3)
    ]  # fmt: skip
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    assert not any("alembic" in e.lower() or "Traceback" in e for e in errors), errors
    assert list(home.glob(".penholder-database-*")) and (home / "prefect.db").exists()


@pytest.mark.parametrize("flow", ["scan_inbox", "fetch_inbox", "remind_open_rounds"])
def test_a_worker_runs_lock_and_commits_name_the_person_of_penholder_as(  # type: ignore[no-untyped-def]
    example_ws: Workspace, tmp_path, monkeypatch, flow
) -> None:
    """A worker's run passes no ``who``: the lock it holds and what it commits are both the
    person of PENHOLDER_AS (``drafts.writing.acting``), never git's user for one and the
    person for the other."""
    import flows.returns as returns_flows
    import flows.rounds as rounds_flows
    from drafts.writing import holder

    person = next(p for p in example_ws.people if p.id != DRAFTER and "drafter" in p.roles)
    monkeypatch.setenv("PENHOLDER_AS", person.id)
    monkeypatch.setenv("PENHOLDER_WORKSPACE", str(example_ws.root))
    seen: list[tuple[str, str]] = []

    def inside(ws: Workspace, *args: object, **kwargs: object) -> object:
        held = holder(ws.lock_path())
        actor = args[-1] if flow == "remind_open_rounds" else args[1]
        seen.append((held.person if held else "", getattr(actor, "name", "")))
        return SimpleNamespace(sent=[], skipped=[]) if flow == "remind_open_rounds" else []

    (example_ws.root / "inbox").mkdir(exist_ok=True)
    (example_ws.root / "inbox" / "a.docx").write_bytes(b"PK")
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    if flow == "scan_inbox":
        monkeypatch.setattr(returns_flows, "ingest_all", inside)
        returns_flows.scan_inbox.fn(str(example_ws.root))
    elif flow == "fetch_inbox":
        monkeypatch.setattr(returns_flows, "fetch", inside)
        returns_flows.fetch_inbox.fn(maildir=str(maildir))
    else:
        from datetime import date

        from reviewers.rounds import lifecycle
        from reviewers.send import sending

        ewg = [p.id for p in example_ws.people if "ewg" in p.groups][:1]
        lifecycle.open_round(
            example_ws, ["03"], ewg, date(2024, 3, 22), example_ws.identity(DRAFTER)
        )
        monkeypatch.setattr(sending, "remind", inside)
        rounds_flows.remind_open_rounds.fn()
    assert seen == [(person.id, person.name)], seen
