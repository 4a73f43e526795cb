"""Mail for the inbox tests: a round whose packets left (their Message-IDs recorded), the
returns its experts send back as replies, and messages delivered to a Maildir."""

from __future__ import annotations

import mailbox
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from drafts import blockstore
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import Comment
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.models import Round
from reviewers.rounds import lifecycle as rounds
from reviewers.rounds import records
from reviewers.send import sending
from tests.conftest import DRAFTER

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WHEN = datetime(2024, 3, 15, 9, 30)


def round_sent(ws: Workspace, reviewers: int = 3) -> Round:
    """Open R1 on chapter 03 for ``reviewers`` experts and send their packets (to outbox/)."""
    who = ws.identity(DRAFTER)
    ewg = [p.id for p in ws.people if "ewg" in p.groups][:reviewers]
    rnd = rounds.open_round(ws, ["03"], ewg, date(2024, 3, 22), who)
    sending.send_packets(ws, rnd.id, who)
    return rnd


def returned_file(ws: Workspace, rnd: Round, index: int, out: Path, comment: str = "") -> bytes:
    """The packet of item ``index`` as its expert sends it back (with one comment, if given)."""
    item = rnd.items[index]
    path = render_revision(
        ws, item.chapter, item.revision, out, round_id=rnd.id,
        reviewer=ws.person(item.reviewer), packet=item.packet,
    )  # fmt: skip
    if comment:
        para = [b for b in blockstore.load(ws, "03", 1).blocks if b.kind == "paragraph"][1]
        edit = Comment(
            paragraph=para.id, quote=para.text.split()[2], text=comment,
            author=ws.person(item.reviewer).name, date=WHEN,
        )  # fmt: skip
        path = annotate.apply(path, [edit], out.with_name(f"annotated-{out.name}"))
    return path.read_bytes()


def reply(
    ws: Workspace,
    rnd: Round,
    reviewer: str,
    files: list[tuple[str, bytes, str]],
    *,
    sender: str | None = None,
    subject: str = "",
    message_id: str | None = None,
) -> bytes:
    """A reply to ``reviewer``'s packet message carrying ``files`` (name, bytes, type)."""
    person = ws.person(reviewer)
    packet = next(m for m in records.load_sent(ws, rnd.id).messages if m.reviewer == reviewer)
    msg = EmailMessage()
    msg["From"] = formataddr((person.name, sender or person.email))
    msg["To"] = ws.guideline.mail.from_address
    msg["Subject"] = subject or f"Re: {packet.subject}"
    msg["Date"] = "Fri, 15 Mar 2024 09:30:00 +0000"
    msg["Message-ID"] = message_id or make_msgid(domain="experts.example.org")
    msg["In-Reply-To"] = packet.message_id
    msg["References"] = packet.message_id
    msg.set_content("Please find my comments attached.\n")
    for name, data, ctype in files:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype, subtype, filename=name)
    return bytes(msg)


def plain(sender: str, subject: str, text: str = "Hello.\n") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "penholder@localhost"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="elsewhere.example.org")
    msg.set_content(text)
    return bytes(msg)


def forward(sender: str, original: bytes) -> bytes:
    """A colleague's forward of ``original``, attached whole (message/rfc822)."""
    from email import message_from_bytes, policy

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "penholder@localhost"
    msg["Subject"] = "Fwd: comments"
    msg["Message-ID"] = make_msgid(domain="colleague.example.org")
    msg.set_content("Forwarding on behalf of my colleague.\n")
    msg.add_attachment(message_from_bytes(original, policy=policy.default))
    return bytes(msg)


def deliver_maildir(folder: Path, messages: list[bytes]) -> None:
    box = mailbox.Maildir(folder, create=True)
    for raw in messages:
        box.add(raw)
    box.close()
