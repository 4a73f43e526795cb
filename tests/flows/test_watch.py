"""``penholder inbox watch``: which files it announces, and when (``flows.server.watch``).

That the announcement reaches a real server and its trigger runs ``inbox scan`` is in
``tests/flows/test_server.py``.
"""

from __future__ import annotations

from pathlib import Path

from drafts.workspace import Workspace
from flows.server.watch import Watcher, waiting_files


def _watcher(root: Path) -> tuple[Watcher, list[str]]:
    said: list[str] = []
    return Watcher(root, lambda where, name: said.append(f"{where.name}/{name}")), said


def test_a_dropped_file_is_announced_once_when_it_stopped_growing(tmp_path: Path) -> None:
    inbox = tmp_path / "ws" / "inbox"
    inbox.mkdir(parents=True)
    watcher, said = _watcher(tmp_path / "ws")
    assert watcher.look() == []
    (inbox / "return.docx").write_bytes(b"half")
    assert watcher.look() == []  # first seen: it may still be written
    (inbox / "return.docx").write_bytes(b"half and the rest")
    assert watcher.look() == []  # it grew
    assert watcher.look() == ["return.docx"]
    assert watcher.look() == [] and watcher.look() == []
    assert said == ["ws/return.docx"]


def test_hidden_and_office_lock_files_are_not_returns(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in (".hidden", "~$return.docx", "return.docx"):
        (inbox / name).write_bytes(b"x")
    (inbox / "folder").mkdir()
    assert list(waiting_files(tmp_path)) == ["return.docx"]


def test_a_file_taken_and_dropped_again_is_announced_again(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher, said = _watcher(tmp_path)
    (inbox / "a.docx").write_bytes(b"a")
    watcher.look()
    assert watcher.look() == ["a.docx"]
    (inbox / "a.docx").unlink()  # inbox scan took it
    assert watcher.look() == []
    (inbox / "a.docx").write_bytes(b"a, corrected")
    watcher.look()
    assert watcher.look() == ["a.docx"]
    assert len(said) == 2


def test_watch_refuses_without_a_server_in_one_line(cli, example_ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("inbox", "watch", "--once", "-w", example_ws.root)
    assert code == 1
    assert err.strip().splitlines() == [err.strip()]
    assert err.startswith("penholder: penholder inbox watch announces files to a Prefect server")
