"""The reply to a fetched message, in its thread: what was received, or why it was refused.

``ack_text(outcome, record, label)`` words it (pure). ``acknowledge(ws, record, outcome)``
sends it at most once: the reply is written to ``outbox/acks/unsent/<key>.eml``, sent through
the guideline's SMTP server (``reviewers.send.mail.connect``), moved to ``sent/`` (without
SMTP: to ``mail/``, for a mail client); the ``mail/<key>/ack.yaml`` of the replies of a fetch
are committed together at its end (``record``). A reply found in ``sent/`` is recorded, never
sent again (``unrecorded`` finds those a killed run left); one left in ``unsent/`` (SMTP down)
is sent by the next fetch. A crash between the SMTP server's acceptance and the move to
``sent/`` sends the same bytes (the same Message-ID) again. Replies go only to people in people.yaml.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from drafts import layout
from drafts.core import faults
from drafts.core.errors import MailError
from drafts.models import Event
from drafts.workspace import Actor, Workspace
from reviewers.intake.mailbox import records
from reviewers.intake.mailbox.message import DEFAULT
from reviewers.send.mail import SMTP_ERRORS, connect, read_eml

#: a subject that is already a reply: "Re:" as Outlook writes it in English, German
#: ("AW:"), Scandinavian ("SV:"), Dutch ("Antw:"), Polish ("Odp:"), Italian ("R:"), Spanish and
#: Portuguese ("RE:", "RES:"), French ("RE :")
_REPLY = re.compile(r"^\s*(re|aw|sv|antw|odp|r|res)\s?:", re.IGNORECASE)

_ASK = {
    "refused": "",
    "quarantined": " Please send the Word file of your packet (.docx) in reply to the packet "
    "message, from the address the packet was sent to.",
}


def ack_text(outcome: records.MessageOutcome, record: records.MessageRecord, label: str) -> str:
    """The reply's words: one paragraph for each file of the message that could be a return."""
    lines = [f"Thank you for your message about {label}.", ""]
    for a in outcome.attachments:
        if a.status == "recorded":
            how = " (converted to .docx with LibreOffice)" if a.converted_to else ""
            lines.append(
                f"Received {a.name}{how} for chapter {a.chapter}, round {a.round} (packet "
                f"{a.packet}): {a.remarks} remark{'s' if a.remarks != 1 else ''} read."
            )
        elif a.status == "duplicate":
            lines.append(f"{a.message.split(';')[0]}; nothing new was recorded.")
        elif a.status in _ASK:
            lines.append(f"Not taken: {a.message}.{_ASK[a.status]}")
    lines += ["", "This reply was sent automatically; the drafting team will answer every remark."]
    return "\n".join(lines) + "\n"


def compose(
    ws: Workspace, record: records.MessageRecord, outcome: records.MessageOutcome
) -> EmailMessage:
    mail = ws.guideline.mail
    person = ws.person(outcome.person or "")
    msg = EmailMessage(policy=DEFAULT)
    msg["From"] = formataddr((mail.from_name, mail.from_address))
    msg["To"] = formataddr((person.name, record.sender))
    # one line: a subject whose RFC 2047 words decode to a line break cannot stop the reply
    subject = " ".join((record.subject or ws.guideline.label).splitlines())
    msg["Subject"] = subject if _REPLY.match(subject) else f"Re: {subject}"
    msg["Date"] = format_datetime(ws.now())
    msg["Message-ID"] = make_msgid(
        idstring=f"ack-{record.key}", domain=mail.from_address.split("@")[-1]
    )
    if record.message_id:
        msg["In-Reply-To"] = record.message_id
        msg["References"] = " ".join([*record.references, record.message_id])
    msg["X-Penholder-Key"] = f"ack-{record.key}"
    msg.set_content(ack_text(outcome, record, ws.guideline.label))
    return msg


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__


def acknowledge(
    ws: Workspace, record: records.MessageRecord, outcome: records.MessageOutcome
) -> tuple[str | None, dict[str, bytes | None]]:
    """Send the reply unless sent or not wanted (see module doc). Return why it could not be
    sent (it then waits in ``outbox/acks/unsent/``) or None, and the ``ack.yaml`` to commit."""
    key = record.key
    if not outcome.acknowledge or records.ack(ws, key) is not None:
        return None, {}
    unsent, sent, kept = (
        ws.root / layout.ack_folder(b) / f"{key}.eml" for b in ("unsent", "sent", "mail")
    )
    smtp = ws.guideline.mail.smtp
    made = None  # the reply composed here (not read back from its file to record it)
    if not sent.exists() and not kept.exists():
        if not unsent.exists():
            made = compose(ws, record, outcome)
            unsent.parent.mkdir(parents=True, exist_ok=True)
            unsent.write_bytes(bytes(made))
        if smtp is not None:
            try:
                session = connect(smtp)
                try:
                    reply = made if made is not None else read_eml(unsent)
                    session.send_message(reply, from_addr=ws.guideline.mail.from_address)
                finally:
                    session.quit()
            except (*SMTP_ERRORS, MailError) as e:
                where = layout.ack_folder("unsent")
                return f"the reply to {record.sender} waits in {where}/ ({_describe(e)})", {}
        faults.point("mail:after-ack-send")
        target = sent if smtp is not None else kept
        target.parent.mkdir(parents=True, exist_ok=True)
        unsent.replace(target)
    return None, ack_record(ws, key, made)


def ack_record(
    ws: Workspace, key: str, made: EmailMessage | None = None
) -> dict[str, bytes | None]:
    """``mail/<key>/ack.yaml`` for the reply that left (in ``sent/``, or kept in ``mail/``;
    ``made``: that reply, when the caller has it, else read from its file)."""
    sent, kept = (ws.root / layout.ack_folder(b) / f"{key}.eml" for b in ("sent", "mail"))
    done = sent if sent.exists() else kept
    msg = made if made is not None else read_eml(done)
    ack = records.AckRecord(
        message_id=str(msg["Message-ID"]),
        to=str(msg["To"]),
        via="smtp" if done == sent else "outbox",
        at=ws.now(),
        file=done.relative_to(ws.root).as_posix(),
    )
    return {layout.mail_record(key, "ack"): records.dump(ack)}


def unrecorded(ws: Workspace) -> dict[str, bytes | None]:
    """The ``ack.yaml`` of every reply that left but was not recorded (a run killed)."""
    files: dict[str, bytes | None] = {}
    for box in ("sent", "mail"):
        for path in sorted((ws.root / layout.ack_folder(box)).glob("*.eml")):
            if records.message(ws, path.stem) is not None and records.ack(ws, path.stem) is None:
                files |= ack_record(ws, path.stem)
    return files


def record(ws: Workspace, files: dict[str, bytes | None], actor: Actor) -> None:
    """Commit the ``ack.yaml`` files of the replies that left, in one commit."""
    if files:
        n = len(files)
        subject = f"Acknowledge {n} message{'s' if n != 1 else ''} fetched"
        ws.commit(files, subject, [("Event", Event.MAIL.value)], actor)
