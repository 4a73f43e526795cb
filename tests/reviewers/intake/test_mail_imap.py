"""`penholder inbox fetch` against a real Dovecot on loopback (IMAPS and STARTTLS with a test CA)
and a real SMTP server (aiosmtpd) for the acknowledgements: every return taken once, replies in
the thread, one clear sentence for each server problem, and no loss or double under kills."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from email import message_from_bytes, policy
from typing import Any

import pytest
import yaml

from drafts.workspace import Workspace
from reviewers.rounds import records
from tests.conftest import DRAFTER, ROOT
from tests.helpers.dovecot import PASSWORD, USER, Imap, dovecot, free_port  # noqa: F401
from tests.helpers.mail import (
    DOCX,
    forward,
    outlook_reply,
    plain,
    reply,
    returned_file,
    round_sent,
)
from tests.reviewers.send.test_mail import smtp_server  # noqa: F401

pytestmark = pytest.mark.slow


def configure(ws: Workspace, imap: Imap, smtp_port: int | None, **settings: Any) -> None:
    path = ws.root / "guideline.yaml"
    data = yaml.safe_load(path.read_text())
    data["mail"]["imap"] = {
        "host": "127.0.0.1", "port": imap.port, "security": "starttls",
        "ca_file": str(imap.ca_file), "user": USER, "timeout": 5.0,
    } | settings  # fmt: skip
    if smtp_port:
        data["mail"]["smtp"] = {"host": "127.0.0.1", "port": smtp_port, "starttls": False}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
    ws.commit(
        {"guideline.yaml": text}, "Configure mail", [("Event", "config")], ws.identity(DRAFTER)
    )


@pytest.fixture
def mailbox_ready(example_ws, tmp_path, dovecot, smtp_server, monkeypatch):  # type: ignore[no-untyped-def]  # noqa: F811
    ws = example_ws
    rnd = round_sent(ws)
    inbox, smtp_port = smtp_server
    configure(ws, dovecot, smtp_port)
    monkeypatch.setenv("PENHOLDER_IMAP_PASSWORD", PASSWORD)
    return Workspace.open(ws.root), rnd, dovecot, inbox, tmp_path


def returns_recorded(ws: Workspace) -> list[str]:
    return [c.value("Return-File") or "" for c in ws.history() if c.value("Event") == "return"]


def test_fetch_takes_every_return_once_and_replies_in_thread(mailbox_ready, cli) -> None:  # type: ignore[no-untyped-def]
    ws, rnd, imap, smtp, tmp = mailbox_ready
    a, b, c = (i.reviewer for i in rnd.items[:3])
    first = returned_file(ws, rnd, 0, tmp / "a.docx", comment="Source?")
    second = returned_file(ws, rnd, 1, tmp / "b.docx", comment="Unclear.")
    third = returned_file(ws, rnd, 2, tmp / "c.docx")
    to_a = reply(ws, rnd, a, [("Stellungnahme Müller – Kapitel 3.docx", first, DOCX)])
    imap.append([
        to_a,
        reply(ws, rnd, b, [("b.docx", second, DOCX), ("c-copy.docx", third, DOCX)]),
        forward("colleague@elsewhere.example.org", reply(ws, rnd, c, [("c.docx", third, DOCX)])),
        plain(ws.person(c).email, "Question about the deadline"),
        reply(ws, rnd, a, [("mine.docx", b"PK\x03\x04 not really", DOCX)],
              sender="stranger@spam.example.net"),
        reply(ws, rnd, a, [("again.docx", first, DOCX)]),
    ])  # fmt: skip
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 1, err  # something was quarantined
    assert "Stellungnahme Müller – Kapitel 3.docx: packet" in out
    recorded = returns_recorded(ws)
    assert len(recorded) == len(set(recorded)) == 2  # a's file and b's file (c-copy: c's packet
    # from b is refused as a claim that contradicts it)
    assert "c-copy.docx is packet" in out and "not in people.yaml" in out
    assert imap.count("INBOX") == 1 and imap.count("penholder/processed") == 5
    acks = [message_from_bytes(e.content, policy=policy.default) for e in smtp.received]
    assert len(acks) == 3  # a, b, a's resend; no reply to strangers or to a message with no file
    packet_ids = {m.message_id for m in records.load_sent(ws, "R1").messages}
    for ack in acks:
        assert ack["In-Reply-To"] and ack["In-Reply-To"] in ack["References"]
        assert any(p in str(ack["References"]) for p in packet_ids)
    first_ack = acks[0].get_content()
    assert "for chapter 03, round R1" in first_ack and "1 remark read" in first_ack
    assert "already received" in acks[2].get_content()
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 0 and returns_recorded(ws) == recorded and len(smtp.received) == 3
    assert ws.dirty_paths() == []


def test_imaps_works_too(mailbox_ready, cli) -> None:  # type: ignore[no-untyped-def]
    ws, rnd, imap, smtp, tmp = mailbox_ready
    configure(ws, imap, None, security="tls", port=imap.tls_port, processed_folder=None)
    first = returned_file(ws, rnd, 0, tmp / "a.docx")
    imap.append([reply(ws, rnd, rnd.items[0].reviewer, [("a.docx", first, DOCX)])])
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 0, err
    assert len(returns_recorded(ws)) == 1 and imap.count("INBOX") == 1  # flagged, not moved
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 0 and out == "" and len(returns_recorded(ws)) == 1


@pytest.mark.parametrize(
    ("settings", "env", "said"),
    [
        ({}, {"PENHOLDER_IMAP_PASSWORD": "wrong"}, "refused returns"),
        ({"port": 0}, {}, "cannot reach the IMAP server 127.0.0.1:"),
        ({"ca_file": None}, {}, "does not verify"),
    ],
)
def test_server_problems_are_one_sentence_and_change_nothing(  # type: ignore[no-untyped-def]
    mailbox_ready, cli, monkeypatch, settings, env, said
) -> None:
    ws, rnd, imap, smtp, tmp = mailbox_ready
    if settings.get("port") == 0:
        settings = {"port": free_port()}
    configure(ws, imap, None, **settings)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    imap.append([plain(ws.person(rnd.items[0].reviewer).email, "hello")])
    head = ws.head()
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 1 and said in err and err.startswith("penholder: "), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert ws.head() == head and ws.dirty_paths() == []


def test_killed_anywhere_nothing_is_lost_or_taken_twice(mailbox_ready) -> None:  # type: ignore[no-untyped-def]
    ws, rnd, imap, smtp, tmp = mailbox_ready
    reviewers = [i.reviewer for i in rnd.items[:2]]
    sent: list[bytes] = []

    def batch(n: int) -> None:
        files = [
            returned_file(ws, rnd, i, tmp / f"{n}-{i}.docx", comment=f"batch {n}") for i in range(2)
        ]
        sent.extend(files)
        imap.append([
            *(reply(ws, rnd, r, [(f"{n}.docx", f, DOCX)]) for r, f in zip(reviewers, files, strict=True)),
            plain(ws.person(reviewers[0]).email, f"note {n}"),
        ])  # fmt: skip

    code = (
        "import sys; from flows.cli import main; "
        f"sys.exit(main(['inbox', 'fetch', '-w', {str(ws.root)!r}, '--as', {DRAFTER!r}]))"
    )
    rng, batches, killed = random.Random(16), 1, 0
    batch(0)
    while killed < 24:
        env = {**os.environ, "PENHOLDER_FAULT": f"any:{rng.randint(1, 45)}"}
        run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)
        if run.returncode == 86:
            killed += 1
        else:
            assert run.returncode == 0, run.stderr
            batch(batches)
            batches += 1
    env = {k: v for k, v in os.environ.items() if k != "PENHOLDER_FAULT"}
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)
    assert run.returncode == 0, run.stderr
    recorded = returns_recorded(ws)
    assert len(recorded) == len(set(recorded)) == len(sent) == 2 * batches
    assert imap.count("penholder/processed") == 2 * batches and imap.count("INBOX") == batches
    ids = [
        str(message_from_bytes(e.content, policy=policy.default)["In-Reply-To"])
        for e in smtp.received
    ]
    assert len(set(ids)) == 2 * batches  # every reply message answered (a resend is the same bytes)
    ack_ids = {
        str(message_from_bytes(e.content, policy=policy.default)["Message-ID"])
        for e in smtp.received
    }
    assert len(ack_ids) == 2 * batches
    assert ws.dirty_paths() == []


def test_outlook_reply_and_doc_return_through_imap(mailbox_ready, cli) -> None:  # type: ignore[no-untyped-def]
    """Over IMAP: an Outlook/Exchange reply (CRLF, base64, RFC 2047 name, AW:, References only)
    and a real .doc return (LibreOffice's Word 97 file of a commented packet), each recorded
    once and answered in its thread at the SMTP server."""
    from tests.conftest import soffice_or_skip

    soffice = soffice_or_skip()
    ws, rnd, imap, smtp, tmp = mailbox_ready
    a, b = (i.reviewer for i in rnd.items[:2])
    first = returned_file(ws, rnd, 0, tmp / "a.docx", comment="Source?")
    docx = tmp / "b.docx"
    docx.write_bytes(returned_file(ws, rnd, 1, tmp / "rb.docx", comment="Unclear."))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp}/lo", "--headless",
         "--convert-to", "doc", "--outdir", str(tmp), str(docx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    outlook = outlook_reply(ws, rnd, a, "Anmerkungen Ä – 3.docx", first, "rfc2047", "AW:")
    doc = reply(ws, rnd, b, [("b.doc", (tmp / "b.doc").read_bytes(), "application/msword")])
    imap.append([outlook, doc])
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 0, err
    assert "Anmerkungen Ä – 3.docx: packet" in out and "converted from b.doc" in out, out
    packets = sorted(c.value("Packet") or "" for c in ws.history() if c.value("Event") == "return")
    assert packets == sorted(i.packet for i in rnd.items[:2])
    acks = [message_from_bytes(e.content, policy=policy.default) for e in smtp.received]
    assert sorted(str(m["To"]) for m in acks) == sorted(
        f"{ws.person(r).name} <{ws.person(r).email}>" for r in (a, b)
    )
    outlook_ack = next(m for m in acks if str(m["Subject"]).startswith("AW:"))
    assert outlook_ack["In-Reply-To"] == message_from_bytes(outlook)["Message-ID"]
    sent = {m.reviewer: m.message_id for m in records.load_sent(ws, "R1").messages}
    assert sent[a] in outlook_ack["References"]
    assert imap.count("penholder/processed") == 2 and imap.count("INBOX") == 0


def test_a_message_beyond_the_mail_limit_is_copied_by_partial_fetches(  # type: ignore[no-untyped-def]
    mailbox_ready, cli, monkeypatch
) -> None:
    import hashlib
    import re

    from drafts import layout
    from reviewers.intake.mailbox import sources

    ws, rnd, imap, smtp, tmp = mailbox_ready
    big = reply(
        ws,
        rnd,
        rnd.items[0].reviewer,
        [
            ("a.docx", returned_file(ws, rnd, 0, tmp / "a.docx"), DOCX),
            ("photo.png", os.urandom(60_000), "image/png"),
        ],
    )
    small = reply(
        ws,
        rnd,
        rnd.items[1].reviewer,
        [("b.docx", returned_file(ws, rnd, 1, tmp / "b.docx"), DOCX)],
    )
    imap.append([big, small])
    limit = (len(big) + len(small)) / 2
    assert len(small) < limit < len(big)
    monkeypatch.setenv("PENHOLDER_MAX_MAIL_MB", str(limit / 2**20))
    monkeypatch.setattr(sources, "CHUNK", 4096)  # many partial fetches, none of the whole
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 1, err  # the large message is quarantined
    assert "mail_mb" in out and "b.docx: packet" in out
    on_server = re.sub(rb"\r?\n", b"\r\n", big)  # what APPEND stored
    held = ws.root / layout.oversize(hashlib.sha256(on_server).hexdigest(), ".eml")
    assert held.read_bytes() == on_server
    assert len(returns_recorded(ws)) == 1 and imap.count("penholder/processed") == 2
    assert any("mail_mb" in e.content.decode(errors="replace") for e in smtp.received)
    assert ws.dirty_paths() == []


def test_many_messages_take_few_round_trips(mailbox_ready, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Sizes and Message-IDs of many messages asked at once, the bodies of several small ones in
    one FETCH, the marks made in sets (here: headers 5, bodies 3 and marks 4 at a time, so every
    batch is cut): every return recorded once, every message with a file marked, a message
    beyond mail_mb in the middle streamed alone, a second copy of a message only marked."""
    import imaplib

    from reviewers.intake.mailbox import sources

    ws, rnd, imap, smtp, tmp = mailbox_ready
    monkeypatch.setattr(sources, "HEADS", 5)
    monkeypatch.setattr(sources, "BODIES", 3)
    monkeypatch.setattr(sources, "MARKS", 4)
    who = [rnd.items[i % 3].reviewer for i in range(8)]
    files = [
        returned_file(ws, rnd, i % 3, tmp / f"{i}.docx", comment=f"Remark {i}.") for i in range(8)
    ]
    mails = [
        reply(ws, rnd, r, [(f"{i}.docx", f, DOCX)])
        for i, (r, f) in enumerate(zip(who, files, strict=True))
    ]
    big = reply(
        ws,
        rnd,
        who[0],
        [("big.docx", files[0], DOCX), ("photo.png", os.urandom(60_000), "image/png")],
    )
    limit = (len(big) + max(len(m) for m in mails)) / 2
    assert max(len(m) for m in mails) < limit < len(big)
    monkeypatch.setenv("PENHOLDER_MAX_MAIL_MB", str(limit / 2**20))
    imap.append(
        [*mails[:3], big, *mails[3:6], mails[1], plain(ws.person(who[0]).email, "hi"), *mails[6:]]
    )
    commands: list[tuple[str, str]] = []
    uid = imaplib.IMAP4.uid

    def counted(self: imaplib.IMAP4, command: str, *args: str) -> tuple[str, list[object]]:
        commands.append((command, " ".join(args)))
        return uid(self, command, *args)

    monkeypatch.setattr(imaplib.IMAP4, "uid", counted)
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 1, err  # the large message is quarantined
    recorded = returns_recorded(ws)
    assert len(recorded) == len(set(recorded)) == 8
    assert imap.count("INBOX") == 1 and imap.count("penholder/processed") == 10
    bodies = [a for c, a in commands if c == "FETCH" and a.endswith("(BODY.PEEK[])")]
    heads = [a for c, a in commands if c == "FETCH" and "MESSAGE-ID" in a]
    marks = [a for c, a in commands if c in ("MOVE", "STORE")]
    assert (len(heads), len(bodies), len(marks)) == (3, 5, 3), commands  # one at a time: 11, 9, 10
    assert max(len(a.split()[0].split(",")) for a in bodies) == 3
    assert len(smtp.received) == 9  # every message with a file answered once (not the copy)
    code, out, err = cli("inbox", "fetch", "-w", ws.root, "--as", DRAFTER)
    assert code == 0 and returns_recorded(ws) == recorded and ws.dirty_paths() == []
