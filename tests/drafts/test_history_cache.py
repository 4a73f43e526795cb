"""The history cache (``.git/penholder/history/summary.json``) is a pure optimisation: whatever
happened to the repository or the cache, a replay through it equals a full replay."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafts import history, layout
from drafts.history import commit_message
from drafts.history_cache import TAIL, HistoryCache, cache_key
from drafts.models import CommitRecord
from drafts.workspace import Workspace
from tests.helpers.log_spy import log_calls

T0 = datetime(2024, 3, 4, 9, tzinfo=UTC)
CHAPTERS = ["01", "02", "03"]
EVENTS = ["new-revision", "stage", "round-open", "next-cycle", "return", "chapter-new"]
EVENTS += ["round-close", "consolidate"]  # kept in the ledger, as returns are
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
    st.tuples(st.just("drop-ledger")),
    st.tuples(st.just("corrupt-ledger")),
    st.tuples(st.just("summary-alone")),
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
    with no cache agree on the states, the revisions, the ledger and the history."""
    head = git(root, "rev-parse", "HEAD")
    through_disk = Workspace(root).summary()
    through_memory = kept.summary()
    ledger_from_disk = Workspace(root).ledger()
    full_history = Workspace(root).history()
    full = history.summarise(full_history, head)
    assert through_disk == full
    assert through_memory == full
    assert ledger_from_disk == kept.ledger() == history.ledger(full_history, head)
    assert ledger_from_disk is not None
    assert [c for _, c in ledger_from_disk.kept] == [
        c for c in full_history if c.value("Event") in history.LEDGER_EVENTS
    ]
    assert [full_history[pos] for pos, _ in ledger_from_disk.kept] == [
        c for _, c in ledger_from_disk.kept
    ]
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
    ledger = Path(kept.repo.git_dir) / layout.history_ledger()
    kept.summary()
    kept.ledger()
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
        elif kind == "drop-ledger":
            ledger.unlink(missing_ok=True)
        elif kind == "corrupt-ledger" and ledger.exists():
            ledger.write_bytes(ledger.read_bytes()[: len(ledger.read_bytes()) // 3])
        elif kind == "summary-alone":  # a state change moves the summary, not the ledger
            commit(root, n, ("stage", ["02"], 1, "final"))
            Workspace(root).summary()
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
    asked = log_calls(monkeypatch)
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
    asked = log_calls(monkeypatch)
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


# The cache on its own, given a stand-in ``log`` (what the workspace hands it): which git logs it
# asks for, and that every answer equals a full replay. No git: each case runs in milliseconds.


class FakeGit:
    """Commits by sha with their parents; ``log`` answers as the workspace's ``_log`` would."""

    def __init__(self) -> None:
        self.commits: dict[str, tuple[CommitRecord, list[str]]] = {}
        self.order: list[str] = []
        self.asked: list[tuple[str, ...]] = []

    def add(self, parents: list[str], *trailers: tuple[str, str], subject: str = "") -> str:
        sha = f"{len(self.order) + 1:040x}"
        n = len(self.order)
        record = CommitRecord(
            sha=sha, author="Amina", email="amina@example.org", date=T0 + timedelta(hours=n),
            subject=subject or f"commit {n}", trailers=trailers,
        )  # fmt: skip
        self.commits[sha] = (record, parents)
        self.order.append(sha)
        return sha

    def reachable(self, head: str) -> set[str]:
        seen, todo = set(), [head]
        while todo:
            sha = todo.pop()
            if sha not in seen:
                seen.add(sha)
                todo += self.commits[sha][1]
        return seen

    def log(self, *args: str, topo: bool = True) -> list[tuple[CommitRecord, list[str]]]:
        self.asked.append(args)
        *options, revision = args
        known, _, head = revision.rpartition("..")
        if head not in self.commits or (known and known not in self.commits):
            raise LookupError(f"unknown revision {revision}")
        keep = self.reachable(head) - (self.reachable(known) if known else set())
        found = [self.commits[s] for s in self.order if s in keep]
        for option in options:
            if option.startswith("--grep="):
                assert "--regexp-ignore-case" in options
                line = option.removeprefix("--grep=").replace("[[:space:]]", r"\s")
                pattern = re.compile(line, re.IGNORECASE | re.MULTILINE)
                found = [
                    (r, p) for r, p in found
                    if pattern.search(r.subject + "\n\n" + "\n".join(f"{k}: {v}" for k, v in r.trailers))
                ]  # fmt: skip
            elif option.startswith("--max-count="):  # the newest N, oldest first (--reverse)
                found = found[-int(option.removeprefix("--max-count=")) :]
        return found

    def line(self, n: int, start: str | None = None) -> str:
        head = start
        for i in range(n):
            chapter = ("Chapter", "01" if i % 2 else "02")
            head = self.add([head] if head else [], ("Event", "e"), chapter, ("Revision", str(i)))
        assert head is not None
        return head


def full(fake: FakeGit, head: str) -> history.Summary:
    return history.summarise([r for r, _ in fake.log(head)], head)


def test_records_are_read_once_per_head_and_a_new_line_of_commits_is_read_alone(
    tmp_path: Path,
) -> None:
    fake = FakeGit()
    first = fake.line(3)
    cache = HistoryCache(fake.log, tmp_path / "summary.json")
    got = cache.records(first)
    assert [r.sha for r in got] == fake.order and fake.asked == [(first,)]
    assert cache.records(first) is got and len(fake.asked) == 1  # kept for this head
    second = fake.line(2, first)
    assert [r.sha for r in cache.records(second)] == fake.order
    assert fake.asked[1:] == [(f"--max-count={TAIL}", second)]  # only the newest commits


def test_a_line_longer_than_the_tail_is_asked_as_a_range(tmp_path: Path) -> None:
    fake = FakeGit()
    first = fake.line(2)
    cache = HistoryCache(fake.log, tmp_path / "summary.json")
    cache.summary(first)
    second = fake.line(TAIL + 1, first)  # the tail's oldest commit is not on top of ``first``
    fake.asked.clear()
    assert cache.summary(second) == full(fake, second)
    assert fake.asked[:2] == [(f"--max-count={TAIL}", second), (f"{first}..{second}",)]


@pytest.mark.parametrize("change", ["reset", "merge", "gone", "broken"])
def test_a_head_that_is_not_a_plain_line_on_the_kept_one_is_read_in_full(
    tmp_path: Path, change: str
) -> None:
    fake = FakeGit()
    base = fake.line(3)
    cache = HistoryCache(fake.log, tmp_path / "summary.json")
    cache.records(base)
    cache.summary(base)
    head = base
    if change == "reset":  # HEAD moved back: nothing lies between, and HEAD is not a descendant
        head = fake.order[0]
    elif change == "merge":
        side = fake.add([fake.order[0]], ("Event", "side"), ("Chapter", "01"), ("Revision", "9"))
        head = fake.add([base, side], ("Event", "merge"))
    elif change == "gone":  # the kept head no longer exists (git gc after a reset)
        head = fake.line(1, fake.order[0])
        del fake.commits[base]
    else:  # git's output of the new commits could not be read
        head = fake.line(2, base)

        def broken(*args: str, topo: bool = True) -> list[tuple[CommitRecord, list[str]]]:
            if any(".." in a or a.startswith("--max-count=") for a in args):
                raise ValueError("git log output is not in the format asked for")
            return fake.log(*args, topo=topo)

        cache._log = broken
    fake.asked.clear()
    want = [r.sha for r, _ in fake.log(head)]
    fake.asked.clear()
    assert [r.sha for r in cache.records(head)] == want
    assert (head,) in fake.asked
    fresh = HistoryCache(fake.log, tmp_path / "other.json")
    assert cache.summary(head) == fresh.summary(head) == full(fake, head)


def test_the_summary_is_kept_on_disk_per_head_and_folded_forward(tmp_path: Path) -> None:
    fake = FakeGit()
    first = fake.line(4)
    file = tmp_path / "history" / "summary.json"
    one = HistoryCache(fake.log, file).summary(first)
    assert one == full(fake, first) and one.commits == 4
    data = json.loads(file.read_text())
    assert data["key"] == cache_key() and data["summary"]["head"] == first
    fake.asked.clear()
    again = HistoryCache(fake.log, file)
    assert again.summary(first) == one and fake.asked == []  # read from disk, no git
    second = fake.line(2, first)
    folded = again.summary(second)
    assert fake.asked == [(f"--max-count={TAIL}", second)]
    assert folded == full(fake, second) and folded.commits == 6
    assert json.loads(file.read_text())["summary"]["head"] == second
    fake.asked.clear()
    assert again.summary(second) is folded and fake.asked == []  # kept in memory


def test_the_ledger_is_kept_in_its_own_file_and_folded_forward_like_the_summary(
    tmp_path: Path,
) -> None:
    fake = FakeGit()
    head = fake.add([], ("Event", "chapter-new"), ("Chapter", "01"), ("Stage", "drafting"))
    for event in ("return", "stage", "round-close", "consolidate", "return"):
        head = fake.add([head], ("Event", event), ("Chapter", "01"), ("Stage", "in_review"))
    file = tmp_path / "history" / "summary.json"
    cache = HistoryCache(fake.log, file)
    cache.summary(head)  # a state change: the summary alone is written
    assert [p.name for p in file.parent.iterdir()] == ["summary.json"]
    one = HistoryCache(fake.log, file).ledger(head)
    assert one == history.ledger([r for r, _ in fake.log(head)], head)
    assert [pos for pos, _ in one.kept] == [1, 3, 4, 5]  # returns, the close, the consolidation
    assert one.stage_since == {"01": fake.commits[fake.order[1]][0].date}  # the first move
    data = json.loads((file.parent / "ledger.json").read_text())
    assert data["key"] == cache_key() and data["ledger"]["head"] == head
    second = fake.add([head], ("Event", "return"), ("Chapter", "01"))
    fake.asked.clear()
    folded = HistoryCache(fake.log, file).ledger(second)  # from disk, one tail read
    assert folded == history.ledger([r for r, _ in fake.log(second)], second)
    assert fake.asked[0] == (f"--max-count={TAIL}", second) and folded.kept[-1][0] == 6


def test_a_summary_from_records_already_read_asks_git_nothing_more(tmp_path: Path) -> None:
    fake = FakeGit()
    older = fake.line(2)
    HistoryCache(fake.log, tmp_path / "summary.json").summary(older)  # on disk: an older head
    head = fake.line(3, older)
    cache = HistoryCache(fake.log, tmp_path / "summary.json")
    cache.records(head)
    fake.asked.clear()
    assert cache.summary(head) == full(fake, head)
    assert fake.asked == [(head,)]  # only full() above: the cache used its records, not git


def test_a_summary_read_from_disk_for_this_head_is_not_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeGit()
    head = fake.line(2)
    file = tmp_path / "summary.json"
    HistoryCache(fake.log, file).summary(head)
    stored: list[str] = []
    monkeypatch.setattr(HistoryCache, "store", lambda self, s: stored.append(s.head))
    assert HistoryCache(fake.log, file).summary(head).head == head and stored == []
    assert HistoryCache(fake.log, tmp_path / "new.json").summary(head) and stored == [head]


def test_a_cache_of_another_version_or_unreadable_is_no_cache(tmp_path: Path) -> None:
    fake = FakeGit()
    head = fake.line(2)
    file = tmp_path / "summary.json"
    cache = HistoryCache(fake.log, file)
    assert cache.load() is None  # no file
    cache.store(full(fake, head))
    assert cache.load() == full(fake, head)
    data = json.loads(file.read_text())
    for junk in ({**data, "key": "other"}, {"summary": data["summary"]}, {**data, "summary": 3}):
        file.write_text(json.dumps(junk))
        assert cache.load() is None
    assert len(cache_key()) == 20 and int(cache_key(), 16) >= 0


def test_a_cache_that_cannot_be_written_is_left_alone(tmp_path: Path) -> None:
    fake = FakeGit()
    head = fake.line(2)
    blocker = tmp_path / "history"
    blocker.write_text("a file where the folder should be")
    cache = HistoryCache(fake.log, blocker / "summary.json")
    assert cache.summary(head) == full(fake, head)  # no error: the next reader replays again
    assert blocker.read_text() == "a file where the folder should be"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history"]


def test_a_stored_cache_replaces_the_file_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    fake = FakeGit()
    file = tmp_path / "summary.json"
    cache = HistoryCache(fake.log, file)
    cache.store(full(fake, fake.line(1)))
    cache.store(full(fake, fake.line(1, fake.order[-1])))
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]
    assert cache.load() == full(fake, fake.order[-1])


def test_a_chapters_commits_come_from_the_records_when_read_else_from_a_grep(
    tmp_path: Path,
) -> None:
    fake = FakeGit()
    fake.add([], ("Event", "init"), ("Chapter", "01"), ("Chapter", "02"))
    fake.add([fake.order[-1]], ("Event", "x"), ("chapter", "02"))
    fake.add([fake.order[-1]], ("Event", "y"), ("Chapter", "012"), subject="chapter: 01")
    head = fake.add([fake.order[-1]], ("Event", "z"), ("Chapter", "01"))
    cache = HistoryCache(fake.log, tmp_path / "summary.json")
    by_grep = cache.of_chapter(head, "01")
    assert [r.sha for r in by_grep] == [fake.order[0], fake.order[3]]
    assert fake.asked == [
        ("--regexp-ignore-case", "--grep=^chapter:[[:space:]]*01[[:space:]]*$", head)
    ]
    assert cache.records(head, "02") == [fake.commits[s][0] for s in fake.order[:2]]
    assert cache.records(head, "01.") == []  # the id is matched as text, not as a pattern
    cache.records(head)
    fake.asked.clear()
    assert cache.records(head, "01") == by_grep and fake.asked == []
