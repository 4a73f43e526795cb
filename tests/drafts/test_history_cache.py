"""The history cache (``.git/penholder/history/summary.json``) is a pure optimisation: whatever
happened to the repository or the cache, a replay through it equals a full replay."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafts import history, layout
from drafts.history import commit_message
from drafts.history_cache import TAIL
from drafts.workspace import Workspace

CHAPTERS = ["01", "02", "03"]
EVENTS = ["new-revision", "stage", "round-open", "next-cycle", "return", "chapter-new"]
STAGES = ["drafting", "in_review", "consolidating", "revising", "signed_off", "final"]
ENV = {
    "GIT_AUTHOR_NAME": "Amina Odhiambo",
    "GIT_AUTHOR_EMAIL": "amina@example.org",
    "GIT_COMMITTER_NAME": "Amina Odhiambo",
    "GIT_COMMITTER_EMAIL": "amina@example.org",
    "PATH": "/usr/bin:/bin",
    "HOME": "/nonexistent",
}


def git(root: Path, *args: str) -> str:
    run = subprocess.run(["git", *args], cwd=root, env=ENV, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


trailers_st = st.tuples(
    st.sampled_from(EVENTS),
    st.lists(st.sampled_from(CHAPTERS), min_size=1, max_size=2, unique=True),
    st.integers(1, 9),
    st.sampled_from(STAGES),
)
op_st = st.one_of(
    st.tuples(st.just("commit"), trailers_st),
    st.tuples(st.just("reset"), st.integers(1, 4)),
    st.tuples(st.just("merge"), st.integers(1, 4), st.lists(trailers_st, min_size=1, max_size=3)),
    st.tuples(st.just("drop-cache")),
    st.tuples(st.just("corrupt-cache")),
    st.tuples(st.just("old-cache")),
)


def commit(root: Path, n: int, spec: tuple[str, list[str], int, str]) -> None:
    event, chapters, revision, stage = spec
    trailers = [("Event", event), *[("Chapter", c) for c in chapters]]
    trailers += [("Revision", str(revision)), ("Stage", stage), ("Round", f"R{revision}")]
    message = commit_message(f"commit {n}: {event}", "", trailers)
    git(root, "commit", "-q", "--allow-empty", "-m", message)


def new_repo(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    commit(root, 0, ("init", ["01"], 1, "drafting"))
    return root


def assert_agrees(root: Path, kept: Workspace) -> None:
    """A fresh reader (through the disk cache), a kept one (through memory) and a full replay
    with no cache agree on the states, the revisions and the history."""
    head = git(root, "rev-parse", "HEAD")
    through_disk = Workspace(root).summary()
    through_memory = kept.summary()
    full_history = Workspace(root).history()
    full = history.summarise(full_history, head)
    assert through_disk == full
    assert through_memory == full
    assert kept.history() == full_history
    for chapter in CHAPTERS:  # through git's --grep, and through the records in memory
        naming = [c for c in full_history if chapter in c.values("Chapter")]
        assert Workspace(root).history(chapter) == naming == kept.history(chapter)
    assert full.commits == len(full_history) == int(git(root, "rev-list", "--count", "HEAD"))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(op_st, min_size=1, max_size=10))
def test_cached_and_full_replays_agree_on_random_histories(
    tmp_path_factory: pytest.TempPathFactory,
    ops: list[tuple],  # type: ignore[type-arg]
) -> None:
    root = new_repo(tmp_path_factory.mktemp("h") / "ws")
    kept = Workspace(root)
    cache = Path(kept.repo.git_dir) / layout.history_cache()
    kept.summary()
    for n, op in enumerate(ops, start=1):
        kind = op[0]
        if kind == "commit":
            commit(root, n, op[1])
        elif kind == "reset":
            count = int(git(root, "rev-list", "--first-parent", "--count", "HEAD"))
            git(root, "reset", "-q", "--hard", f"HEAD~{min(op[1], count - 1)}")
        elif kind == "merge":
            count = int(git(root, "rev-list", "--first-parent", "--count", "HEAD"))
            git(root, "checkout", "-q", "-b", f"side{n}", f"HEAD~{min(op[1], count - 1)}")
            for i, spec in enumerate(op[2]):
                commit(root, n * 100 + i, spec)
            git(root, "checkout", "-q", "main")
            message = commit_message(f"merge {n}", "", [("Event", "merge")])
            git(root, "merge", "-q", "--no-ff", "-m", message, f"side{n}")
        elif kind == "drop-cache":
            cache.unlink(missing_ok=True)
        elif kind == "corrupt-cache" and cache.exists():
            cache.write_bytes(cache.read_bytes()[: len(cache.read_bytes()) // 2])
        elif kind == "old-cache" and cache.exists():
            data = json.loads(cache.read_text())
            data["key"] = "written-by-an-older-penholder"
            data["summary"]["states"] = {}  # were it read, it would be wrong
            cache.write_text(json.dumps(data))
        assert_agrees(root, kept)


def test_the_cache_lives_under_git_and_a_new_commit_reads_only_what_is_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = new_repo(tmp_path / "ws")
    for n in range(1, 6):
        commit(root, n, ("new-revision", ["02"], n, "drafting"))
    Workspace(root).summary()  # writes the cache
    assert (root / ".git/penholder/history/summary.json").is_file()
    assert git(root, "status", "--porcelain", "--ignored") == ""  # nothing in the work tree
    commit(root, 6, ("stage", ["02"], 6, "in_review"))
    asked: list[tuple[str, ...]] = []
    real = Workspace._log

    def spy(self: Workspace, *revisions: str, topo: bool = True) -> list:  # type: ignore[type-arg]
        asked.append(revisions)
        return real(self, *revisions, topo=topo)

    monkeypatch.setattr(Workspace, "_log", spy)
    ws = Workspace(root)
    assert ws.state("02").stage == "in_review"
    assert [r.number for r in ws.revisions("02")] == [1, 2, 3, 4, 5, 6]
    # the last few commits only (git reads no more of the history), never a full replay
    assert asked == [(f"--max-count={TAIL}", ws.head())]
    assert ws.summary() is not None and ws.summary().commits == 7  # type: ignore[union-attr]


@pytest.mark.slow
def test_a_line_longer_than_the_tail_is_read_as_the_range_since_the_cached_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = new_repo(tmp_path / "ws")
    kept = Workspace(root)
    kept.summary()
    known = kept.head()
    for n in range(1, TAIL + 4):
        commit(root, n, ("new-revision", ["02"], n, "drafting"))
    asked: list[tuple[str, ...]] = []
    real = Workspace._log

    def spy(self: Workspace, *revisions: str, topo: bool = True) -> list:  # type: ignore[type-arg]
        asked.append(revisions)
        return real(self, *revisions, topo=topo)

    monkeypatch.setattr(Workspace, "_log", spy)
    ws = Workspace(root)  # extends the summary kept on disk
    assert [r.number for r in ws.revisions("02")] == list(range(1, TAIL + 4))
    assert asked == [(f"--max-count={TAIL}", ws.head()), (f"{known}..{ws.head()}",)]
    assert_agrees(root, kept)


def test_an_unreadable_cache_is_replaced_by_a_full_replay(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "ws")
    commit(root, 1, ("new-revision", ["01"], 2, "drafting"))
    cache = root / ".git" / layout.history_cache()
    want = Workspace(root).states()
    for junk in (b"", b"{not json", b"[]", b'{"key": 3}', json.dumps({"key": None}).encode()):
        cache.write_bytes(junk)
        assert Workspace(root).states() == want
    cache.unlink()
    cache.parent.rmdir()
    assert Workspace(root).states() == want
