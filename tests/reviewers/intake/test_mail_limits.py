"""Issue 19, limits on the mail path: an attachment beyond the limits, a zip bomb attachment and a
message beyond ``limits: mail_mb`` are held aside in ``quarantine/oversize/`` with their note
committed; neither they nor the message carrying them ever reach git."""

from __future__ import annotations

import hashlib
import mailbox
import subprocess
import zlib

import pytest
import yaml

from drafts import layout
from drafts.workspace import Workspace
from flows.returns import fetch_inbox
from reviewers.intake.mailbox import records
from tests.conftest import DRAFTER
from tests.helpers.bigdocx import W
from tests.helpers.hostile import make_docx_member, zip_with_raw_member
from tests.helpers.mail import DOCX, deliver_maildir, reply, returned_file, round_sent


def in_git(ws: Workspace, data: bytes) -> bool:
    """Whether any object of the repository holds ``data`` (as a blob)."""
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    done = subprocess.run(
        ["git", "cat-file", "-e", blob], cwd=ws.root, capture_output=True, check=False
    )
    return done.returncode == 0


def committed_paths(ws: Workspace) -> str:
    return ws.repo.git.log("--all", "--format=", "--name-only")


@pytest.fixture
def sent(example_ws: Workspace):  # type: ignore[no-untyped-def]
    return example_ws, round_sent(example_ws)


def test_an_attachment_beyond_the_file_limit_is_held_never_committed(  # type: ignore[no-untyped-def]
    sent, tmp_path, monkeypatch
) -> None:
    ws, rnd = sent
    reviewer = rnd.items[0].reviewer
    data = returned_file(ws, rnd, 0, tmp_path / "a.docx", comment="Source?")
    raw = reply(ws, rnd, reviewer, [("a.docx", data, DOCX)])
    deliver_maildir(tmp_path / "Maildir", [raw])
    monkeypatch.setenv("PENHOLDER_MAX_FILE_MB", str(len(data) / 2 / 2**20))
    [got] = fetch_inbox.fn(str(ws.root), DRAFTER, str(tmp_path / "Maildir"))
    ws = Workspace.open(ws.root)
    [row] = got.outcome.attachments
    digest = hashlib.sha256(data).hexdigest()
    assert row.status == "quarantined" and "file_mb" in row.message, row
    assert (ws.root / layout.oversize(digest)).read_bytes() == data
    note = yaml.safe_load(ws.committed(layout.quarantine_note(digest)) or b"")
    assert note["sha256"] == digest and "file_mb" in note["reason"]
    # neither the file nor the message that carries it reached git
    assert not in_git(ws, data) and not in_git(ws, raw)
    assert layout.returned(digest) not in committed_paths(ws)
    key = got.message.key
    assert ws.committed(layout.mail_message(key)) is None
    record = records.message(ws, key)
    assert record is not None and record.size == len(raw) and record.held
    assert (ws.root / record.held).read_bytes() == raw and record.held.endswith(".eml")
    assert ws.dirty_paths() == []  # quarantine/oversize/ is git-ignored
    assert [c for c in ws.history() if c.value("Event") == "return"] == []
    [ack] = (ws.root / "outbox/acks/mail").glob("*.eml")
    assert "Not taken" in ack.read_text() and "a.docx" in ack.read_text()
    assert len(mailbox.Maildir(tmp_path / "Maildir", create=False)) == 0  # handled: moved


def test_a_zip_bomb_attachment_is_held_never_committed(sent, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = sent
    reviewer = rnd.items[0].reviewer
    parts = {n: make_docx_member(n) for n in ("[Content_Types].xml", "_rels/.rels")}
    # 60 MB of well-formed XML in some 60 KB: within the file limit, beyond the 50 MB of XML
    unit = b"<w:p/>" + b" " * 1018
    xml = (
        b'<w:document xmlns:w="%s"><w:body>' % W.encode() + unit * 61440 + b"</w:body></w:document>"
    )
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = zip_with_raw_member(
        "word/document.xml", packer.compress(xml) + packer.flush(), len(xml), parts
    )
    assert len(bomb) < 200_000
    raw = reply(ws, rnd, reviewer, [("bomb.docx", bomb, DOCX)])
    deliver_maildir(tmp_path / "Maildir", [raw])
    [got] = fetch_inbox.fn(str(ws.root), DRAFTER, str(tmp_path / "Maildir"))
    ws = Workspace.open(ws.root)
    [row] = got.outcome.attachments
    assert row.status == "quarantined" and "unpacks to more XML" in row.message, row
    assert not in_git(ws, bomb) and not in_git(ws, raw)
    digest = hashlib.sha256(bomb).hexdigest()
    assert (ws.root / layout.oversize(digest)).read_bytes() == bomb
    assert "xml_mb" in (ws.committed(layout.quarantine_note(digest)) or b"").decode()


def test_a_message_beyond_the_mail_limit_is_streamed_aside(sent, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = sent
    reviewer = rnd.items[0].reviewer
    data = returned_file(ws, rnd, 0, tmp_path / "a.docx")
    raw = reply(ws, rnd, reviewer, [("a.docx", data, DOCX)])
    deliver_maildir(tmp_path / "Maildir", [raw])
    monkeypatch.setenv("PENHOLDER_MAX_MAIL_MB", str(len(raw) / 3 / 2**20))

    def whole(*args: object) -> bytes:
        raise AssertionError("a message beyond the limit was read whole")

    monkeypatch.setattr(mailbox.Maildir, "get_bytes", whole)
    [got] = fetch_inbox.fn(str(ws.root), DRAFTER, str(tmp_path / "Maildir"))
    monkeypatch.undo()
    ws = Workspace.open(ws.root)
    [row] = got.outcome.attachments
    assert got.outcome.status == "handled" and row.status == "quarantined"
    assert "mail_mb" in row.message and "for a message" in row.message
    assert not in_git(ws, raw) and not in_git(ws, data)
    digest = hashlib.sha256(raw).hexdigest()
    held = layout.oversize(digest, ".eml")
    assert (ws.root / held).read_bytes() == raw
    note = yaml.safe_load(ws.committed(layout.quarantine_note(digest)) or b"")
    assert note["size"] == len(raw) and note["held"] == held
    record = records.message(ws, got.message.key)
    assert record is not None and record.held == held and record.size == len(raw)
    assert record.sender == ws.person(reviewer).email.lower()
    [ack] = (ws.root / "outbox/acks/mail").glob("*.eml")
    assert "mail_mb" in ack.read_text()
    assert len(mailbox.Maildir(tmp_path / "Maildir", create=False)) == 0
    again = fetch_inbox.fn(str(ws.root), DRAFTER, str(tmp_path / "Maildir"))
    assert again == [] and ws.dirty_paths() == []


def test_a_held_message_is_refused_by_release_in_one_sentence(  # type: ignore[no-untyped-def]
    sent, tmp_path, monkeypatch, cli
) -> None:
    ws, rnd = sent
    item = rnd.items[0]
    raw = reply(
        ws, rnd, item.reviewer, [("a.docx", returned_file(ws, rnd, 0, tmp_path / "a.docx"), DOCX)]
    )
    deliver_maildir(tmp_path / "Maildir", [raw])
    monkeypatch.setenv("PENHOLDER_MAX_MAIL_MB", str(len(raw) / 3 / 2**20))
    fetch_inbox.fn(str(ws.root), DRAFTER, str(tmp_path / "Maildir"))
    ident = hashlib.sha256(raw).hexdigest()[:12]
    code, _, err = cli(
        "quarantine", "release", ident, "--reviewer", item.reviewer, "-w", ws.root, "--as", DRAFTER
    )
    assert code == 1 and err.startswith("penholder: ") and "Traceback" not in err
    assert "message" in err and "return add" in err and len(err.strip().splitlines()) == 1


def test_a_limit_in_the_environment_may_be_a_fraction(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from drafts.core.limits import Limits

    monkeypatch.setenv("PENHOLDER_MAX_FILE_MB", "0.5")
    monkeypatch.setenv("PENHOLDER_MAX_MAIL_MB", "0.25")
    monkeypatch.setenv("PENHOLDER_MAX_XML_NODES", "1500.7")
    limits = Limits().with_env()
    assert (limits.file_bytes, limits.mail_bytes) == (512 * 1024, 256 * 1024)
    assert limits.xml_nodes == 1500
