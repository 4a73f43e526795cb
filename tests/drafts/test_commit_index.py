"""The private index a commit starts from, kept per commit (``drafts.core.commit_index``): used only
for the commit it was made for, never trusting a file by its size and time, and HEAD's file list
after a commit the same as git's own."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from drafts import layout
from drafts.workspace import Workspace
from tests.conftest import DRAFTER


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def kept(ws: Workspace) -> list[str]:
    folder = Path(ws.repo.git_dir) / layout.INDEX
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_the_next_commit_starts_from_the_kept_index_and_rehashes_every_file(
    example_ws: Workspace,
) -> None:
    ws, who = example_ws, example_ws.identity(DRAFTER)
    first = ws.commit({"notes/a.txt": b"one\n", "notes/b.txt": b"bee\n"}, "A", [], who)
    assert kept(ws) == [first]  # only the latest commit's index
    path = ws.root / "notes/a.txt"
    stat = path.stat()
    path.write_bytes(b"two\n")  # same size, and the same time: only its bytes tell
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    second = ws.commit({"notes/a.txt": b"two\n", "notes/b.txt": None}, "B", [], who)
    assert kept(ws) == [second]
    assert git(ws.root, "show", "HEAD:notes/a.txt") == "two\n"
    assert git(ws.root, "ls-tree", "-r", "--name-only", "HEAD", "notes") == "notes/a.txt\n"
    assert git(ws.root, "fsck", "--strict") == ""


def test_a_head_moved_by_someone_else_is_read_again(example_ws: Workspace) -> None:
    ws, who = example_ws, example_ws.identity(DRAFTER)
    ws.commit({"notes/a.txt": b"one\n"}, "A", [], who)
    (ws.root / "theirs.txt").write_text("theirs\n")
    git(ws.root, "add", "theirs.txt")
    git(ws.root, "-c", "user.name=U", "-c", "user.email=u@x", "commit", "-q", "-m", "theirs")
    ws.commit({"notes/c.txt": b"sea\n"}, "C", [], who)
    names = git(ws.root, "ls-tree", "-r", "--name-only", "HEAD").split()
    assert {"theirs.txt", "notes/a.txt", "notes/c.txt"} <= set(names)
    fresh = Workspace.open(ws.root)
    assert ws._head_blobs() == fresh._head_blobs()  # kept as git lists it, in git's order
    assert list(ws._head_blobs()) == list(fresh._head_blobs())


def test_a_lost_or_broken_kept_index_costs_only_a_read(example_ws: Workspace) -> None:
    ws, who = example_ws, example_ws.identity(DRAFTER)
    first = ws.commit({"notes/a.txt": b"one\n"}, "A", [], who)
    (Path(ws.repo.git_dir) / layout.INDEX / first).unlink()
    second = ws.commit({"notes/b.txt": b"bee\n"}, "B", [], who)
    broken = Path(ws.repo.git_dir) / layout.INDEX / second
    broken.write_bytes(broken.read_bytes()[:-40] + bytes(40))  # a disk's damage
    ws.commit({"notes/c.txt": b"sea\n"}, "C", [], who)
    names = git(ws.root, "ls-tree", "-r", "--name-only", "HEAD", "notes").split()
    assert names == ["notes/a.txt", "notes/b.txt", "notes/c.txt"]
    assert Workspace.open(ws.root)._head_blobs() == ws._head_blobs()
