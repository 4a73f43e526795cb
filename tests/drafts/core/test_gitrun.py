"""``drafts.core.gitrun``: a commit's tree written without an index is the tree git's own index
writes (``read-tree``, ``update-index``, ``write-tree``) for the same changes, on random trees
and random changes, with real git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafts.core import gitrun
from drafts.core.errors import NotAWorkspace, WorkspaceError

NAMES = st.sampled_from(["a", "b", "a.txt", "a-b", "z", "é", "R10", "R2"])
PATHS = st.lists(NAMES, min_size=1, max_size=3).map("/".join)


def git(root: Path, *args: str, data: bytes | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=root, input=data, capture_output=True, check=True)
    return done.stdout.decode().strip()


def blob(root: Path, text: str) -> str:
    return git(root, "hash-object", "-w", "--stdin", data=text.encode())


def by_index(root: Path, base: str | None, changes: dict[str, str | None]) -> str:
    """The tree git's index makes of ``base`` with ``changes``."""
    env = {"GIT_INDEX_FILE": str(root / ".git" / "test-index")}
    run = {"cwd": root, "capture_output": True, "check": True, "env": env}
    (root / ".git" / "test-index").unlink(missing_ok=True)
    if base:
        subprocess.run(["git", "read-tree", base], **run)  # type: ignore[call-overload]
    lines = "".join(
        f"0 {'0' * 40}\t{p}\n" if sha is None else f"100644 {sha}\t{p}\n"
        for p, sha in changes.items()
    )
    subprocess.run(["git", "update-index", "--index-info"], input=lines.encode(), **run)  # type: ignore[call-overload]
    return str(subprocess.run(["git", "write-tree"], **run).stdout.decode().strip())  # type: ignore[call-overload]


def clash(paths: list[str]) -> bool:
    """Whether a path is also a folder of another (git's index refuses that too)."""
    return any(q.startswith(p + "/") for p in paths for q in paths)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gitrun")
    git(root, "init", "-q")
    return root


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.dictionaries(PATHS, st.text(max_size=3), min_size=1, max_size=8),
    then=st.dictionaries(PATHS, st.none() | st.text(max_size=3), max_size=6),
)
def test_a_tree_written_without_an_index_is_the_one_git_writes(
    repo: Path, first: dict[str, str], then: dict[str, str | None]
) -> None:
    if clash([*first, *then]):
        return
    objects = gitrun.Objects(repo)
    start = {p: blob(repo, t) for p, t in first.items()}
    base = gitrun.write_tree(objects, None, start)
    assert base == by_index(repo, None, start)
    changes = {p: None if t is None else blob(repo, t) for p, t in then.items()}
    expected = by_index(repo, base, changes)
    got = gitrun.write_tree(objects, base, changes)
    assert (got or git(repo, "hash-object", "-t", "tree", "/dev/null")) == expected


def test_a_file_where_a_folder_is_and_a_folder_where_a_file_is_are_refused(repo: Path) -> None:
    objects = gitrun.Objects(repo)
    sha = blob(repo, "x")
    base = gitrun.write_tree(objects, None, {"dir/file": sha, "file": sha})
    with pytest.raises(WorkspaceError, match="a folder of that name exists"):
        gitrun.write_tree(objects, base, {"dir": sha})
    with pytest.raises(WorkspaceError, match="a file of that name exists"):
        gitrun.write_tree(objects, base, {"file/below": sha})


def test_objects_read_through_one_process_and_say_what_is_missing(repo: Path) -> None:
    objects = gitrun.Objects(repo)
    sha = blob(repo, "some bytes\n")
    assert objects.blob(sha) == b"some bytes\n"
    assert objects.read(sha) == ("blob", b"some bytes\n")
    assert objects.blob("0" * 40) is None and objects.blob("no\nsuch") is None
    first = objects._proc
    assert objects.blob(sha) == b"some bytes\n" and objects._proc is first  # the same process


def test_a_folder_that_is_no_repository_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAWorkspace, match="is not a git repository"):
        gitrun.git_dir(tmp_path)
    (tmp_path / ".git").write_text("gitdir: elsewhere/.git\n")
    assert gitrun.git_dir(tmp_path) == (tmp_path / "elsewhere" / ".git").resolve()


def test_a_git_failure_is_one_sentence_naming_the_command(repo: Path) -> None:
    with pytest.raises(WorkspaceError, match=r"^git ls-tree failed in .*: fatal: .*git status"):
        gitrun.run(repo, "-c", "core.quotePath=false", "ls-tree", "no-such-commit")
    assert gitrun.run(repo, "ls-tree", "no-such-commit", check=False).returncode != 0
