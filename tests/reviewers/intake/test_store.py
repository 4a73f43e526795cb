"""The verbatim store and quarantine: each one commit, each idempotent, bytes kept exactly."""

from __future__ import annotations

from drafts import layout
from drafts.workspace import Workspace
from reviewers.intake.store import quarantine, receive, returned_before, sha256
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
