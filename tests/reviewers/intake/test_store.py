"""The verbatim store and quarantine: each one commit, each idempotent, bytes kept exactly."""

from __future__ import annotations

from drafts import layout
from drafts.workspace import Workspace
from reviewers.intake.store import ReturnIndex, quarantine, receive, returned_before, sha256
from tests.conftest import DRAFTER

DATA = b"PK\x03\x04 not really a docx"


def test_receive_commits_the_bytes_once(example_ws: Workspace) -> None:
    who = example_ws.identity(DRAFTER)
    head = example_ws.repo.head.commit.hexsha
    stored = receive(example_ws, DATA, "ana.docx", who)
    assert stored == layout.returned(sha256(DATA))
    assert example_ws.committed(stored) == DATA
    after = example_ws.repo.head.commit
    assert after.parents[0].hexsha == head and after.message.startswith("Receive ana.docx")
    assert receive(example_ws, DATA, "renamed.docx", who) == stored  # a re-run: no new commit
    assert example_ws.repo.head.commit == after
    assert returned_before(example_ws, stored) is None  # received, not yet recorded as a return


def test_quarantine_moves_the_copy_with_the_reason(example_ws: Workspace) -> None:
    who = example_ws.identity(DRAFTER)
    receive(example_ws, DATA, "ana.docx", who)
    where = quarantine(example_ws, DATA, "ana.docx", "ana.docx is not a Word document", who)
    digest = sha256(DATA)
    assert where == layout.quarantined(digest)
    assert example_ws.committed(layout.returned(digest)) is None
    assert example_ws.committed(where) == DATA
    note = example_ws.committed(layout.quarantine_note(digest)) or b""
    assert b"reason: ana.docx is not a Word document" in note
    assert receive(example_ws, DATA, "again.docx", who) == layout.returned(digest)
    assert example_ws.committed(layout.returned(digest)) is None  # quarantined files stay there


def _record(ws: Workspace, stored: str, packet: str) -> str:
    """A return of ``stored`` as ``packet``, committed as intake commits one (its trailers)."""
    trailers = [("Event", "return"), ("Packet", packet), ("Return-File", stored)]
    return ws.commit({f"notes/{packet}.txt": b"x"}, f"Return of {packet}", trailers,
                     ws.identity(DRAFTER))  # fmt: skip


def test_the_return_index_sees_later_returns_and_a_reset(example_ws: Workspace) -> None:
    index = ReturnIndex()
    stored = receive(example_ws, DATA, "ana.docx", example_ws.identity(DRAFTER))
    assert index.get(example_ws, stored) is None
    before = example_ws.head() or ""
    _record(Workspace(example_ws.root), stored, "R1-03-AAAA")  # another writer's commit
    assert index.get(example_ws, stored) == returned_before(example_ws, stored)
    assert (index.get(example_ws, stored) or ("", ""))[1] == "R1-03-AAAA"
    _record(example_ws, stored, "R1-03-BBBB")
    assert (index.get(example_ws, stored) or ("", ""))[1] == "R1-03-BBBB"  # the latest wins
    example_ws.repo.git.reset("-q", "--hard", before)  # both returns undone
    assert index.get(example_ws, stored) is None
