"""The workspace shared through a git remote (``drafts.remote``, ``flows.engine.state_change``).

Two clones of one bare repository stand in for two machines. Returns are recorded from both at
once (12, in two processes), then a chapter is consolidated: every return is committed exactly
once on the remote, no remark id repeats, nothing is lost and ``git fsck`` is clean. A push the
remote rejects is undone and the change runs again on the new main, minting its ids anew; a run
whose ``Prefect-Run`` trailer is already on main does not commit again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import git
import pytest

from drafts import remote
from drafts.workspace import Workspace
from reviewers.intake.ingest import ingest
from tests.conftest import DRAFTER
from tests.helpers.team import commented_returns, on_remote, remark_ids, two_clones

pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    return {**os.environ, "PENHOLDER_ENGINE": "off"}


def _penholder(*args: str | Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "flows.cli", *map(str, args)]
    return subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=600)


def _adding(clone: Path, files: list[Path]) -> subprocess.Popen[str]:
    """Start a process recording ``files`` in ``clone`` one after the other."""
    script = f'for f in "$@"; do "{sys.executable}" -m flows.cli return add "$f" -w "{clone}" '
    script += f"--as {DRAFTER} || exit 1; done"
    return subprocess.Popen(
        ["bash", "-c", script, "add", *map(str, files)],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_twelve_returns_from_two_clones_at_once_then_a_consolidation(
    example_ws: Workspace, tmp_path: Path
) -> None:
    backs = commented_returns(example_ws, tmp_path, experts=6)
    assert len(backs) == 12
    bare, a, b = two_clones(example_ws, tmp_path)
    procs = [_adding(clone, files) for clone, files in ((a, backs[0::2]), (b, backs[1::2]))]
    try:
        said = [p.communicate(timeout=900) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0, 0], said
    done = _penholder("consolidate", "03", "--round", "R1", "-w", a, "--as", DRAFTER)
    assert done.returncode == 0, done.stderr

    final = on_remote(bare)
    history = final.history()
    events = Counter(c.value("Event") for c in history)
    assert events["received"] == 12 and events["return"] == 12 and events["consolidate"] == 1
    per_file = Counter(c.value("Return-File") for c in history if c.value("Event") == "return")
    assert len(per_file) == 12 and set(per_file.values()) == {1}  # each exactly once
    ids = remark_ids(final)
    assert len(ids) == 12 and len(set(ids)) == 12  # no remark id minted twice
    for clone in (a, b):  # nothing a machine committed is missing from the remote
        mine = git.Repo(clone)
        mine.git.fetch("origin")
        assert mine.is_ancestor(mine.head.commit, mine.commit("origin/main"))
    git.Repo(bare).git.fsck("--strict")  # raises on any problem


def test_a_rejected_push_is_undone_and_its_ids_minted_again(
    example_ws: Workspace, tmp_path: Path
) -> None:
    ours, theirs = commented_returns(example_ws, tmp_path, experts=2, chapters=("03",))
    bare, a, b = two_clones(example_ws, tmp_path)
    ws_a = Workspace(a)
    tries: list[str | None] = []

    def change() -> str:
        tries.append(ws_a.head())
        if len(tries) == 1:  # machine B records its return and pushes meanwhile
            pushed = _penholder("return", "add", theirs, "-w", b, "--as", DRAFTER)
            assert pushed.returncode == 0, pushed.stderr
        now = Workspace(a)
        return ingest(now, ours, now.identity(DRAFTER)).status

    assert remote.shared(ws_a, change) == "recorded"
    assert len(tries) == 2 and tries[0] != tries[1]  # run again on the tip B pushed
    final = on_remote(bare)
    ids = remark_ids(final)
    assert len(ids) == 2 and len(set(ids)) == 2
    assert [c.value("Event") for c in final.history()[-4:]] == [
        "received", "return", "received", "return"
    ]  # fmt: skip
    assert Workspace(a).head() == final.head()  # the clone is the remote's main
    assert not Workspace(a).dirty_paths()  # the undone attempt left no file behind


def test_a_retried_run_whose_trailer_is_on_main_does_not_commit_again(
    example_ws: Workspace, tmp_path: Path
) -> None:
    from flows import chapters as chapter_flows
    from flows.engine import shared
    from flows.results import Committed

    bare, a, _ = two_clones(example_ws, tmp_path)
    path = a / "chapters" / "05.md"
    path.write_text(path.read_text() + "\nA paragraph from machine A.\n")
    run = "0f0e0d0c-0000-4000-8000-000000000001"
    calls = []

    def change() -> Committed:
        calls.append(1)
        return chapter_flows.commit_revision.fn(workspace=str(a), chapter="05", who=DRAFTER)

    from unittest import mock

    with mock.patch("flows.engine.current_run", return_value=run), \
         mock.patch("flows.engine.run_trailers", return_value=[("Prefect-Run", run)]):  # fmt: skip
        made = shared(str(a), change, result=Committed)
        again = shared(str(a), change, result=Committed)
    assert calls == [1]  # the retry found its trailer on main: the change did not run again
    assert again.commit == made.commit
    on_main = [c for c in on_remote(bare).history() if c.value("Prefect-Run") == run]
    assert [c.sha for c in on_main] == [made.commit]


def test_without_an_origin_nothing_is_fetched_or_pushed(example_ws: Workspace) -> None:
    calls = []
    assert not remote.has_origin(example_ws)
    assert remote.shared(example_ws, lambda: calls.append(1) or "done") == "done"
    assert calls == [1] and not list(Path(example_ws.repo.git_dir).glob("FETCH_HEAD"))


def test_a_command_on_one_machine_sees_what_the_other_pushed(
    example_ws: Workspace, tmp_path: Path
) -> None:
    bare, a, b = two_clones(example_ws, tmp_path)
    opened = _penholder("round", "open", "--chapters", "03", "--reviewers", "chen-meiling",
                        "--due", "2024-03-22", "-w", a, "--as", DRAFTER)  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    moved = _penholder("round", "due", "R1", "2024-03-29", "-w", b, "--as", DRAFTER)
    assert moved.returncode == 0, moved.stderr  # its checks fetched the round A opened
    events = [c.value("Event") for c in on_remote(bare).history()]
    assert events.count("round-open") == 1 and events[-1] == "round-change"


def test_an_undone_change_takes_its_files_and_tags_back_and_leaves_other_edits(
    example_ws: Workspace, tmp_path: Path
) -> None:
    _, a, _ = two_clones(example_ws, tmp_path)
    ws = Workspace(a)
    before = ws.head()
    assert before is not None
    notes = a / "chapters" / "02.md"
    notes.write_text(notes.read_text() + "\nMy edit, not committed yet.\n")
    actor = ws.identity(DRAFTER)
    sha = ws.commit({"chapters/05.md": b"replaced\n"}, "A change", [("Event", "x")], actor)
    ws.tag("egm/EGM1/05", "approved", sha, actor)
    remote.undo(ws, before)
    assert ws.head() == before
    assert (a / "chapters" / "05.md").read_bytes() == ws.committed("chapters/05.md")
    assert "egm/EGM1/05" not in [t.name for t in ws.repo.tags]
    assert notes.read_text().endswith("My edit, not committed yet.\n")


def test_a_change_that_fails_after_a_commit_shares_it_or_undoes_it(
    example_ws: Workspace, tmp_path: Path
) -> None:
    from drafts.core.errors import PenholderError

    bare, a, b = two_clones(example_ws, tmp_path)
    ws_a, ws_b = Workspace(a), Workspace(b)
    actor = ws_a.identity(DRAFTER)

    def fails(ws: Workspace, name: str, meanwhile: bool) -> None:
        ws.commit({f"notes/{name}.txt": b"kept\n"}, name, [("Event", "x")], actor)
        if meanwhile:  # the other machine pushes first
            git.Repo(b).git.pull("-q", "--ff-only")
            ws_b.commit({"notes/b.txt": b"b\n"}, "B", [("Event", "x")], actor)
            git.Repo(b).git.push("-q", "origin", "main")
        raise PenholderError("the change failed after its first commit")

    with pytest.raises(PenholderError):
        remote.shared(ws_a, lambda: fails(ws_a, "first", meanwhile=False))
    assert on_remote(bare).committed("notes/first.txt") == b"kept\n"  # shared
    before = ws_a.head()
    with pytest.raises(PenholderError):
        remote.shared(ws_a, lambda: fails(ws_a, "second", meanwhile=True))
    assert on_remote(bare).committed("notes/second.txt") is None
    assert ws_a.head() == before and not (a / "notes" / "second.txt").exists()  # undone
