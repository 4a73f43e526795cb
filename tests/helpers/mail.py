"""Mail for the inbox tests: a round whose packets left (their Message-IDs recorded), the
returns its experts send back as replies, and messages delivered to a Maildir."""

from __future__ import annotations

import hashlib
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


def _b64_lines(data: bytes) -> str:
    """Base64 in 76-character lines ending CRLF, as Exchange writes it."""
    import base64

    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))


#: how Outlook/Exchange names an attachment: only in Content-Type's ``name=`` (no
#: Content-Disposition), RFC 2231 ``filename*=utf-8''...``, or RFC 2047 words in quotes
OUTLOOK_NAMING = ("name-only", "rfc2231", "rfc2047")


def outlook_reply(
    ws: Workspace, rnd: Round, reviewer: str, name: str, data: bytes, naming: str, prefix: str
) -> bytes:
    """A reply as Outlook with Exchange writes it, byte for byte: CRLF lines, the sender's
    address in upper case under a display name of its own, ``prefix`` ("RE:", "AW:") on the
    subject, Thread-Index and Thread-Topic, no In-Reply-To but References naming the packet
    message, multipart/mixed holding multipart/alternative (text and HTML, base64) and the
    attachment named as ``naming`` says, with a signature image inline."""
    import base64
    from urllib.parse import quote

    person = ws.person(reviewer)
    packet = next(m for m in records.load_sent(ws, rnd.id).messages if m.reviewer == reviewer)
    surname = person.name.split()[-1]
    tag = hashlib.sha256(f"{reviewer}{name}{naming}{prefix}".encode()).hexdigest()[:20].upper()
    mixed, alt = "_004_AM9PR01MB7410D2C1A8E3F0B7E2C4A6D1AM9PR01MB7410eurp_", "_000_AM9PR01MB7410_"
    words = f"=?utf-8?B?{base64.b64encode(name.encode()).decode()}?="
    ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if naming == "name-only":
        head = f'Content-Type: {ctype};\r\n\tname="{name}"\r\n'
    elif naming == "rfc2231":
        head = (
            f'Content-Type: {ctype};\r\n\tname="{words}"\r\n'
            f"Content-Description: {words}\r\n"
            f"Content-Disposition: attachment;\r\n\tfilename*=utf-8''{quote(name)};\r\n"
            f'\tsize={len(data)}; creation-date="Fri, 15 Mar 2024 09:28:11 GMT";\r\n'
            f'\tmodification-date="Fri, 15 Mar 2024 09:30:02 GMT"\r\n'
        )
    else:
        head = (
            f'Content-Type: {ctype};\r\n\tname="{words}"\r\n'
            f"Content-Description: {words}\r\n"
            f'Content-Disposition: attachment;\r\n\tfilename="{words}"; size={len(data)};\r\n'
            f'\tcreation-date="Fri, 15 Mar 2024 09:28:11 GMT"\r\n'
        )
    text = f"Dear colleagues,\r\n\r\nplease find my comments attached.\r\n\r\n{person.name}\r\n"
    html = "<html><body><p>Dear colleagues,</p><p>please find my comments attached.</p>"
    html += f'<p>{person.name}<br><img src="cid:image001.png@01DA76C2.5E3B1A40"></p></body></html>'
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
    lines = [
        "Received: from AM9PR01MB7410.eurprd01.prod.exchangelabs.com ([fe80::1]) by",
        " AM9PR01MB7410.eurprd01.prod.exchangelabs.com ([fe80::1%5]) with mapi id",
        " 15.20.7386.025; Fri, 15 Mar 2024 09:30:05 +0000",
        f'From: "{surname}, {" ".join(person.name.split()[:-1])} (UN-Habitat)"'
        f" <{person.email.upper()}>",
        f"To: penholder <{ws.guideline.mail.from_address}>",
        f"Subject: {prefix} {packet.subject}",
        f"Thread-Topic: {packet.subject}",
        "Thread-Index: AQHadsJeOxpAzH3Lk0yp7cQn9mJcSLE2nWXw",
        "Date: Fri, 15 Mar 2024 09:30:05 +0000",
        f"Message-ID: <AM9PR01MB7410{tag}@AM9PR01MB7410.eurprd01.prod.exchangelabs.com>",
        f"References: {packet.message_id}",
        "Accept-Language: de-DE, en-US",
        "Content-Language: de-DE",
        "X-MS-Has-Attach: yes",
        "X-MS-TNEF-Correlator:",
        f'Content-Type: multipart/mixed;\r\n\tboundary="{mixed}"',
        "MIME-Version: 1.0",
        "",
        f"--{mixed}",
        'Content-Type: multipart/related;\r\n\tboundary="_006_rel_";\r\n\ttype="multipart/alternative"',
        "",
        "--_006_rel_",
        f'Content-Type: multipart/alternative;\r\n\tboundary="{alt}"',
        "",
        f"--{alt}",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
        "",
        _b64_lines(text.encode()),
        "",
        f"--{alt}",
        'Content-Type: text/html; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
        "",
        _b64_lines(html.encode()),
        "",
        f"--{alt}--",
        "",
        "--_006_rel_",
        'Content-Type: image/png; name="image001.png"',
        "Content-Description: image001.png",
        f'Content-Disposition: inline; filename="image001.png"; size={len(png)};',
        "Content-ID: <image001.png@01DA76C2.5E3B1A40>",
        "Content-Transfer-Encoding: base64",
        "",
        _b64_lines(png),
        "",
        "--_006_rel_--",
        "",
        f"--{mixed}",
        head.rstrip("\r\n"),
        "Content-Transfer-Encoding: base64",
        "",
        _b64_lines(data),
        "",
        f"--{mixed}--",
        "",
    ]
    return "\r\n".join(lines).encode()
