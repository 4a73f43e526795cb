"""Returns by e-mail from a local Maildir: each message taken once, strangers quarantined,
PDFs refused, messages without attachment left alone, and `inbox list`."""

from __future__ import annotations

import json
import mailbox
from pathlib import Path

import pytest

from drafts.workspace import Workspace
from flows.returns import fetch_inbox
from reviewers.intake.mailbox.fetch import listing
from reviewers.rounds import records
from tests.conftest import DRAFTER
from tests.helpers.mail import (
    DOCX,
    OUTLOOK_NAMING,
    deliver_maildir,
    forward,
    outlook_reply,
    plain,
    reply,
    returned_file,
    round_sent,
)


@pytest.fixture
def delivered(example_ws: Workspace, tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = example_ws
    rnd = round_sent(ws)
    a, b, c = (i.reviewer for i in rnd.items[:3])
    first = returned_file(ws, rnd, 0, tmp_path / "a.docx", comment="Source?")
    second = returned_file(ws, rnd, 1, tmp_path / "b.docx")
    third = returned_file(ws, rnd, 2, tmp_path / "c.docx")
    to_a = reply(ws, rnd, a, [("Kommentare Émilie – chapitre 3.docx", first, DOCX)])
    messages = [
        to_a,
        reply(
            ws, rnd, b, [("b.docx", second, DOCX), ("notes.pdf", b"%PDF-1.4 x", "application/pdf")]
        ),
        forward("colleague@elsewhere.example.org", reply(ws, rnd, c, [("c.docx", third, DOCX)])),
        plain(ws.person(c).email, "Question about the deadline"),
        to_a,  # the same message delivered twice
        reply(ws, rnd, a, [("again.docx", first, DOCX)]),  # the same file resent
    ]
    folder = tmp_path / "Maildir"
    deliver_maildir(folder, messages)
    return ws, rnd, folder


def test_maildir_fetch_takes_each_return_once(delivered, cli) -> None:  # type: ignore[no-untyped-def]
    ws, rnd, folder = delivered
    fetched = fetch_inbox.fn(str(ws.root), DRAFTER, str(folder))
    statuses = [[a.status for a in f.outcome.attachments] for f in fetched]
    assert statuses == [
        ["recorded"],
        ["recorded", "refused"],
        ["quarantined"],
        [],
        ["duplicate"],
    ], statuses
    assert fetched[0].outcome.attachments[0].remarks == 1
    assert fetched[0].message.attachments[0].name == "Kommentare Émilie – chapitre 3.docx"
    returns = [c.value("Packet") for c in ws.history() if c.value("Event") == "return"]
    assert sorted(returns) == sorted(i.packet for i in rnd.items[:2])
    assert len(ws.committed_files("quarantine")) == 2  # the forward: file and reason
    acks = sorted((ws.root / "outbox/acks/mail").glob("*.eml"))
    assert len(acks) == 3  # one per message from a reviewer with a file; none to strangers
    text = acks[0].read_text() + acks[1].read_text() + acks[2].read_text()
    assert "1 remark read" in text and "reply with the Word file" in text
    box = mailbox.Maildir(folder, create=False)
    assert len(box) == 1  # the message without attachment stays; the rest moved
    again = fetch_inbox.fn(str(ws.root), DRAFTER, str(folder))
    assert [f.outcome.status for f in again] == ["ignored"]
    assert [c.value("Packet") for c in ws.history() if c.value("Event") == "return"] == returns
    code, out, err = cli("inbox", "list", "--json", "-w", ws.root)
    assert code == 0, err
    listed = json.loads(out)["messages"]
    assert len(listed) == 5 and listed[3]["outcome"]["status"] == "ignored"
    code, out, err = cli("inbox", "list", "-w", ws.root)
    assert "quarantined" in out and "not in people.yaml" in out
    assert ws.dirty_paths() == []
    assert len(listing(ws)) == 5


OFFICE_TYPES = {"odt": "application/vnd.oasis.opendocument.text", "doc": "application/msword"}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["odt", "doc"])
def test_an_odt_or_doc_return_is_kept_converted_and_read(  # type: ignore[no-untyped-def]
    example_ws: Workspace, tmp_path: Path, cli, kind: str
) -> None:
    """A .odt or .doc (a real LibreOffice conversion of a packet the expert commented on) is
    kept verbatim in the stored message, converted back to .docx and read as the return; the
    outcome, `inbox list` and the reply say it was converted."""
    import subprocess
    from email import message_from_bytes, policy

    from tests.conftest import soffice_or_skip

    soffice = soffice_or_skip()
    ws = example_ws
    rnd = round_sent(ws)
    docx = tmp_path / "back.docx"
    docx.write_bytes(returned_file(ws, rnd, 0, tmp_path / "r.docx", comment="Source?"))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", kind, "--outdir", str(tmp_path), str(docx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    sent = (tmp_path / f"back.{kind}").read_bytes()
    assert not sent.startswith(b"PK\x03\x04\x14\x00\x06")  # not a .docx renamed
    if kind == "doc":
        assert sent.startswith(bytes.fromhex("d0cf11e0a1b11ae1"))  # an OLE2 Word 97 file
    folder = tmp_path / "Maildir"
    name = f"Kommentare Müller.{kind}"
    deliver_maildir(
        folder, [reply(ws, rnd, rnd.items[0].reviewer, [(name, sent, OFFICE_TYPES[kind])])]
    )
    fetched = fetch_inbox.fn(str(ws.root), DRAFTER, str(folder))
    got = fetched[0].outcome.attachments[0]
    assert (got.status, got.packet, got.remarks) == ("recorded", rnd.items[0].packet, 1), got
    assert (got.name, got.converted_to) == (name, "Kommentare Müller.docx")
    assert f"converted from {name} with LibreOffice" in got.message
    kept = ws.committed(f"mail/{fetched[0].message.key}/message.eml")
    assert kept is not None
    parts = [p for p in message_from_bytes(kept, policy=policy.default).walk() if p.get_filename()]
    assert [p.get_payload(decode=True) for p in parts] == [sent]  # the original, verbatim
    returns = [c for c in ws.history() if c.value("Event") == "return"]
    assert [c.value("Packet") for c in returns] == [rnd.items[0].packet]
    stored = ws.committed(returns[0].value("Return-File") or "")
    assert stored is not None and stored.startswith(b"PK")  # the .docx that was read
    (ack,) = (ws.root / "outbox/acks/mail").glob("*.eml")
    text = message_from_bytes(ack.read_bytes(), policy=policy.default).get_body().get_content()
    assert f"Received {name} (converted to .docx with LibreOffice) for chapter 03" in text
    assert "1 remark read" in text
    code, out, err = cli("inbox", "list", "-w", ws.root)
    assert code == 0 and f"converted from {name}" in out, err


def test_outlook_replies_are_matched_and_taken(example_ws: Workspace, tmp_path: Path) -> None:
    """Replies as Outlook/Exchange writes them (see ``outlook_reply``): each attachment name
    decoded however Outlook wrote it, the sender found despite the upper-case address and a
    display name of its own, the round found through References alone, the signature image
    ignored, and the reply in the thread without a second prefix on the subject."""
    from email import message_from_bytes, policy

    ws = example_ws
    rnd = round_sent(ws)
    names = ["Kommentare Müller – Kapitel 3.docx", "Observações Ñandú.docx", "comments.docx"]
    sent = [
        outlook_reply(
            ws,
            rnd,
            item.reviewer,
            name,
            returned_file(ws, rnd, n, tmp_path / f"{n}.docx", comment=f"Remark {n}"),
            naming,
            prefix,
        )
        for n, (item, name, naming, prefix) in enumerate(
            zip(rnd.items, names, OUTLOOK_NAMING, ["AW:", "RE:", "RE:"], strict=True)
        )
    ]
    assert b"\r\n" in sent[0] and b"In-Reply-To" not in sent[0] and b"Thread-Index" in sent[0]
    folder = tmp_path / "Maildir"
    deliver_maildir(folder, sent)
    fetched = fetch_inbox.fn(str(ws.root), DRAFTER, str(folder))
    by_name = {
        a.name: (a.status, a.packet, a.round, a.remarks)
        for f in fetched
        for a in f.outcome.attachments
    }
    assert by_name == {
        **{
            name: ("recorded", item.packet, "R1", 1)
            for name, item in zip(names, rnd.items, strict=True)
        },
        "image001.png": ("ignored", None, None, 0),
    }, by_name
    assert [f.outcome.person for f in fetched] == [i.reviewer for i in rnd.items]
    assert all(f.message.sender == ws.person(f.outcome.person or "").email for f in fetched)
    acks = sorted((ws.root / "outbox/acks/mail").glob("*.eml"))
    assert len(acks) == 3
    for f in fetched:
        path = ws.root / "outbox/acks/mail" / f"{f.message.key}.eml"
        ack = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert ack["In-Reply-To"] == f.message.message_id
        assert ack["Subject"] == f.message.subject  # "AW: ..." / "RE: ...", never "Re: AW: ..."
        packet = next(
            m for m in records.load_sent(ws, "R1").messages if m.reviewer == f.outcome.person
        )
        assert packet.message_id in ack["References"]
        text = ack.get_body().get_content()
        assert f"Received {f.message.attachments[-1].name} for chapter 03, round R1" in text
        assert "image001.png" not in text
    assert len(mailbox.Maildir(folder, create=False)) == 0  # all three handled and moved


def test_no_reply_when_acknowledgements_are_off(example_ws: Workspace, tmp_path: Path) -> None:
    """``mail.acknowledge: false``: the return is taken, nobody is answered, and a later fetch
    with replies turned back on does not answer it late."""
    import yaml

    ws = example_ws
    path = ws.root / "guideline.yaml"
    data = yaml.safe_load(path.read_text())
    data["mail"]["acknowledge"] = False
    ws.commit(
        {"guideline.yaml": yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()},
        "No replies", [("Event", "config")], ws.identity(DRAFTER),
    )  # fmt: skip
    rnd = round_sent(ws)
    first = returned_file(ws, rnd, 0, tmp_path / "a.docx", comment="Source?")
    folder = tmp_path / "Maildir"
    deliver_maildir(folder, [reply(ws, rnd, rnd.items[0].reviewer, [("a.docx", first, DOCX)])])
    fetched = fetch_inbox.fn(str(ws.root), DRAFTER, str(folder))
    assert [a.status for a in fetched[0].outcome.attachments] == ["recorded"]
    assert fetched[0].outcome.acknowledge is False
    acks = ws.root / "outbox/acks"
    assert not acks.exists() or not any(p.is_file() for p in acks.rglob("*"))
    data["mail"]["acknowledge"] = True
    ws.commit(
        {"guideline.yaml": yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()},
        "Replies again", [("Event", "config")], ws.identity(DRAFTER),
    )  # fmt: skip
    deliver_maildir(folder, [plain(ws.person(rnd.items[1].reviewer).email, "Thanks")])
    fetch_inbox.fn(str(ws.root), DRAFTER, str(folder))
    assert not acks.exists() or not any(p.is_file() for p in acks.rglob("*"))
    assert ws.dirty_paths() == []


@pytest.mark.slow
def test_a_doc_is_converted_once_whether_the_fetch_is_killed_or_the_file_resent(
    example_ws: Workspace, tmp_path: Path
) -> None:
    """LibreOffice writes different bytes at each conversion, so the .docx made of a .doc is
    kept with the original's hash: a fetch killed at every point in turn (each run resuming
    the last) records the return once, and the same .doc resent is a duplicate."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT, soffice_or_skip

    soffice = soffice_or_skip()
    ws = example_ws
    rnd = round_sent(ws)
    docx = tmp_path / "back.docx"
    docx.write_bytes(returned_file(ws, rnd, 0, tmp_path / "r.docx", comment="Source?"))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "doc", "--outdir", str(tmp_path), str(docx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    sent = (tmp_path / "back.doc").read_bytes()
    who = rnd.items[0].reviewer
    folder = tmp_path / "Maildir"
    deliver_maildir(folder, [reply(ws, rnd, who, [("back.doc", sent, OFFICE_TYPES["doc"])])])
    code = (
        "import sys; from flows.cli import main; sys.exit(main(['inbox', 'fetch', '--maildir', "
        f"{str(folder)!r}, '-w', {str(ws.root)!r}, '--as', {DRAFTER!r}]))"
    )
    killed = 0
    for n in range(1, 40):
        env = {**os.environ, "PENHOLDER_FAULT": f"any:{n}"}
        run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)
        if run.returncode != 86:
            assert run.returncode == 0, run.stderr
            break
        killed += 1
    assert killed >= 6  # fetched, stored, converted, received, read, recorded, ...
    ws = Workspace.open(ws.root)
    returns = [c.value("Packet") for c in ws.history() if c.value("Event") == "return"]
    assert returns == [rnd.items[0].packet]
    deliver_maildir(folder, [reply(ws, rnd, who, [("back (2).doc", sent, OFFICE_TYPES["doc"])])])
    fetched = fetch_inbox.fn(str(ws.root), DRAFTER, str(folder))
    got = fetched[-1].outcome.attachments[0]
    assert got.status == "duplicate" and "already received" in got.message, got
    assert [c.value("Packet") for c in ws.history() if c.value("Event") == "return"] == returns
    assert len([c for c in ws.history() if c.value("Converted-From")]) == 1
    assert ws.dirty_paths() == []


def test_maildir_messages_are_taken_in_the_order_they_were_delivered(
    example_ws: Workspace, tmp_path: Path
) -> None:
    """Deliverers name a message "<seconds>.M<microseconds>P<pid>Q<count>.<host>" without
    padding: by the letters of its name the message of microsecond 1000 comes before that of
    microsecond 999 of the same second (the order once made the same reply a duplicate of its
    own copy). They are taken by the numbers: the first delivered is the first taken."""
    from reviewers.intake.mailbox.sources import delivery_order

    ws = example_ws
    rnd = round_sent(ws)
    people = [i.reviewer for i in rnd.items[:3]]
    names = ["1764547200.M999P7Q1.host", "1764547200.M1000P7Q2.host", "1764547201.M5P7Q3.host"]
    folder = tmp_path / "Maildir"
    deliver_maildir(folder, [])
    for n, (who, name) in enumerate(zip(people, names, strict=True)):
        data = returned_file(ws, rnd, n, tmp_path / f"{n}.docx", comment=f"Remark {n}")
        (folder / "new" / name).write_bytes(reply(ws, rnd, who, [(f"{n}.docx", data, DOCX)]))
    assert sorted(names) != names  # by the letters, the second comes first
    fetched = fetch_inbox.fn(str(ws.root), DRAFTER, str(folder))
    assert [f.outcome.person for f in fetched] == people
    assert sorted(["x", "10.M2P1.h", "10.M10P1.h", "9.P1.h"], key=delivery_order) == [
        "x",
        "9.P1.h",
        "10.M2P1.h",
        "10.M10P1.h",
    ]
