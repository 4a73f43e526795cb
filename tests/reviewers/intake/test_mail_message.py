"""``message.parse`` reads the structure with ``policy.compat32`` and only the headers it keeps
through ``policy.default``: every value must be the one a whole ``policy.default`` parse gives,
for the forms mail programs write (RFC 2047 and RFC 2231 names, raw UTF-8, folded headers,
upper-case addresses, a forwarded message inside, headers missing or malformed)."""

from __future__ import annotations

import base64
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr

import pytest

from drafts.workspace import Workspace
from reviewers.intake.mailbox import ack, message, records

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DATA = b"PK\x03\x04" + bytes(range(256)) * 4


def _b64(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def _mixed(head: str, parts: list[str], boundary: str = "b1") -> bytes:
    body = "".join(f"--{boundary}\r\n{p}\r\n" for p in parts) + f"--{boundary}--\r\n"
    top = (
        f'{head}MIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n\tboundary="{boundary}"\r\n'
    )
    return (top + "\r\n" + body).encode("utf-8")


TEXT = 'Content-Type: text/plain; charset="utf-8"\r\n\r\nSee attached.\r\n'
WORDS = "=?utf-8?B?" + base64.b64encode("Kommentare Müller – Kapitel 3.docx".encode()).decode()


def _attachment(head: str) -> str:
    return f"{head}Content-Transfer-Encoding: base64\r\n\r\n{_b64(DATA)}\r\n"


HEAD = (
    'From: "Müller, Jörg (UN-Habitat)" <JOERG.MUELLER@Example.ORG>\r\n'
    "To: penholder <returns@example.org>\r\n"
    "Subject: =?utf-8?Q?AW:_Paket_f=C3=BCr_Kapitel?=\r\n =?utf-8?Q?_3?=\r\n"
    "Date: Fri, 15 Mar 2024 9:30:05 +0100\r\n"
    "Message-ID:\r\n <AM9PR01MB7410@eurprd01.prod.exchangelabs.com>\r\n"
    "References: <a@x.org>\r\n <packet-1@penholder.example.org>\r\n"
)

MESSAGES = {
    "rfc2047 names": _mixed(
        HEAD,
        [
            TEXT,
            _attachment(
                f'Content-Type: {DOCX};\r\n\tname="{WORDS}?="\r\n'
                f'Content-Disposition: attachment;\r\n\tfilename="{WORDS}?="; size=1040\r\n'
            ),
        ],
    ),
    "rfc2231 names": _mixed(
        HEAD.replace("References", "In-Reply-To: <packet-1@penholder.example.org>\r\nReferences"),
        [
            _attachment(
                f"Content-Type: {DOCX}\r\n"
                "Content-Disposition: attachment;\r\n"
                "\tfilename*0*=utf-8''Observa%C3%A7%C3%B5es%20;\r\n"
                "\tfilename*1*=%C3%91and%C3%BA.docx\r\n"
            )
        ],
    ),
    "name only, raw utf-8 headers": _mixed(
        "From: José Ñandú <jose@example.org>\r\nSubject: Comentários\r\n"
        "Date: not a date\r\nMessage-ID: <raw-8bit@example.org>\r\n",
        [_attachment(f'Content-Type: {DOCX};\r\n\tname="Revisão.docx"\r\n')],
    ),
    "forwarded message, no headers of its own": _mixed(
        "",
        [
            TEXT,
            "Content-Type: message/rfc822\r\n\r\n"
            + _mixed(
                "From: Colleague <c@example.org>\r\nSubject: fwd\r\n",
                [
                    _attachment(
                        f'Content-Type: {DOCX}\r\nContent-Disposition: attachment; filename="a.docx"\r\n'
                    ),
                    _attachment(
                        "Content-Type: application/pdf\r\nContent-Disposition: attachment\r\n"
                    ),
                ],
                boundary="b2",
            ).decode(),
        ],
    ),
    "two subjects, an encoded sender, a signature image": _mixed(
        "From: =?iso-8859-1?q?Fran=E7ois_L=E9ger?= <FL@example.org>\r\n"
        "Subject: first\r\nSubject: second\r\nMessage-ID: <two@example.org>\r\n",
        [
            _attachment('Content-Type: image/png; name="image001.png"\r\nContent-ID: <i1>\r\n'),
            _attachment(f"Content-Type: {DOCX}; name=plain.docx\r\n"),
        ],
    ),
}


def _reference(raw: bytes) -> message.Incoming:
    """The reading of the whole message through ``policy.default`` (the parse before)."""
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    message_id = str(msg.get("Message-ID", "") or "").strip()
    name, address = parseaddr(str(msg.get("From", "") or ""))
    found = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        filename = part.get_filename()
        if filename is None and part.get_content_disposition() != "attachment":
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        safe = (filename or f"attachment-{len(found) + 1}").replace("/", "_").replace("\\", "_")
        ctype = part.get_content_type()
        kind = message._kind(safe, ctype)
        found.append(message.Attachment(safe.strip() or "attachment", ctype, data, kind))
    return message.Incoming(
        key=message.message_key(message_id, raw),
        message_id=message_id,
        sender=address.lower(),
        sender_name=name,
        date=str(msg.get("Date", "") or ""),
        subject=str(msg.get("Subject", "") or ""),
        in_reply_to=str(msg.get("In-Reply-To", "") or "").strip(),
        references=str(msg.get("References", "") or "").split(),
        attachments=found,
    )


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_parse_reads_what_the_default_policy_reads(name: str) -> None:
    raw = MESSAGES[name]
    assert message.parse(raw) == _reference(raw)


def test_parse_decodes_names_senders_and_dates() -> None:
    got = message.parse(MESSAGES["rfc2047 names"])
    assert got.sender == "joerg.mueller@example.org"
    assert got.sender_name == "Müller, Jörg (UN-Habitat)"
    assert got.subject == "AW: Paket für Kapitel 3"
    assert got.date == "Fri, 15 Mar 2024 09:30:05 +0100"
    assert got.message_id == "<AM9PR01MB7410@eurprd01.prod.exchangelabs.com>"
    assert got.references == ["<a@x.org>", "<packet-1@penholder.example.org>"]
    assert [(a.name, a.kind, a.data) for a in got.attachments] == [
        ("Kommentare Müller – Kapitel 3.docx", "docx", DATA)
    ]
    rfc2231 = message.parse(MESSAGES["rfc2231 names"])
    assert [a.name for a in rfc2231.attachments] == ["Observações Ñandú.docx"]
    assert rfc2231.in_reply_to == "<packet-1@penholder.example.org>"
    raw8 = message.parse(MESSAGES["name only, raw utf-8 headers"])
    assert (raw8.sender_name, raw8.subject) == ("José Ñandú", "Comentários")
    assert [a.name for a in raw8.attachments] == ["Revisão.docx"]
    forwarded = message.parse(MESSAGES["forwarded message, no headers of its own"])
    assert (forwarded.message_id, forwarded.sender, forwarded.subject) == ("", "", "")
    assert [(a.name, a.kind) for a in forwarded.attachments] == [
        ("a.docx", "docx"),
        ("attachment-2", "pdf"),
    ]
    two = message.parse(MESSAGES["two subjects, an encoded sender, a signature image"])
    assert (two.subject, two.sender_name, two.sender) == (
        "first",
        "François Léger",
        "fl@example.org",
    )
    assert [(a.name, a.kind) for a in two.attachments] == [
        ("image001.png", "other"),
        ("plain.docx", "docx"),
    ]


def test_a_reply_is_composed_to_the_same_bytes_as_with_the_default_policy(
    example_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ack.compose`` keeps its header objects (``message.DEFAULT``): the reply's bytes are
    those ``policy.default`` writes, for a non-ASCII subject and name, a long thread, each file's
    fate."""
    ws = example_ws
    person = next(p for p in ws.people if "ewg" in p.groups)
    record = records.MessageRecord(
        key="0123456789abcdef0123",
        message_id="<AM9PR01MB7410@eurprd01.prod.exchangelabs.com>",
        sender=person.email,
        subject="AW: Paket für Kapitel 3 – Überarbeitung mit einem langen Betreff, der gefaltet wird",
        references=[f"<ref-{i}@example.org>" for i in range(12)],
        source="maildir:x;y",
        fetched=ws.now(),
    )
    rows = [
        records.AttachmentOutcome(
            name="Kommentare Müller – Kapitel 3.docx", sha256="0" * 64, status="recorded",
            message="", round="R1", chapter="03", packet="R1-03-ABC", remarks=2,
        ),
        records.AttachmentOutcome(name="scan.pdf", sha256="1" * 64, status="refused",
                                  message=f"scan.pdf {message.PDF_REASON}"),
    ]  # fmt: skip
    outcome = records.MessageOutcome(
        key=record.key, person=person.id, status="handled", attachments=rows, acknowledge=True
    )
    monkeypatch.setattr(ack, "make_msgid", lambda idstring, domain: f"<{idstring}@{domain}>")
    kept = bytes(ack.compose(ws, record, outcome))
    monkeypatch.setattr(ack, "DEFAULT", policy.default)
    assert kept == bytes(ack.compose(ws, record, outcome))
    read = message_from_bytes(kept, policy=policy.default)
    assert read["Subject"] == record.subject and read["In-Reply-To"] == record.message_id


def test_a_subject_decoding_to_a_line_break_is_answered_on_one_line(example_ws: Workspace) -> None:
    """``=?utf-8?q?..=0D=0ABcc:..?=`` decodes to two lines: the reply (``policy.default`` refuses
    a header with a line break) takes the subject as one line and adds no header."""
    ws = example_ws
    raw = _mixed(
        "From: x <x@example.org>\r\nSubject: =?utf-8?q?Re:_a=0D=0ABcc:_y@example.org?=\r\n", [TEXT]
    )
    subject = message.parse(raw).subject
    assert subject == "Re: a\r\nBcc: y@example.org"
    person = next(p for p in ws.people if "ewg" in p.groups)
    record = records.MessageRecord(
        key="0" * 20, message_id="<m@x>", sender=person.email, subject=subject,
        source="maildir:x;y", fetched=ws.now(),
    )  # fmt: skip
    outcome = records.MessageOutcome(key=record.key, person=person.id, status="handled")
    read = message_from_bytes(bytes(ack.compose(ws, record, outcome)), policy=policy.default)
    assert read["Subject"] == "Re: a Bcc: y@example.org" and read["Bcc"] is None
