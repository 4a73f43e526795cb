"""E-mail out: one message per reviewer, through SMTP when configured, else ``.eml`` files.

Contract of ``deliver(ws, round_id, outgoing, actor)``:

* a message whose ``key`` is already in ``rounds/<id>/sent.yaml`` is never sent again;
* with ``guideline.yaml`` ``mail.smtp`` set, each message is first written to
  ``outbox/<round>/unsent/<key>.eml``, sent (STARTTLS and login when configured; the password
  only from the environment variable named by ``password_env``), then moved to
  ``outbox/<round>/sent/<key>.eml``; a refusal or timeout leaves it in ``unsent/``, and the next
  ``deliver`` of that round (``penholder round send Rk``) sends those same bytes;
* without SMTP, the message is written to ``outbox/<round>/mail/<key>.eml`` for any mail client
  and counts as sent (``via: outbox``);
* what left is recorded in ``sent.yaml`` with ONE commit (``Event: sent`` or ``reminder``,
  ``Round``; ``reminder`` when every new message is one); then, if anything failed, ``MailError`` says what, why and how to retry.

Every .eml carries ``X-Penholder-Key/-Kind/-Reviewer/-Packets`` headers, so a stored message
describes itself and a retry needs nothing else.
"""

from __future__ import annotations

import mimetypes
import os
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from drafts import layout
from drafts.core.errors import MailError
from drafts.core.progress import current, each
from drafts.models import Event, Person, SmtpSettings
from drafts.workspace import Actor, Workspace
from reviewers.models import MessageKind, SentMessage
from reviewers.rounds import records

SMTP_ERRORS = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class Outgoing:
    """A message to compose: ``key`` makes it unique in its round (never sent twice)."""

    key: str
    kind: MessageKind
    reviewer: Person
    subject: str
    text: str
    attachments: Sequence[Path] = ()
    packets: Sequence[str] = ()


@dataclass
class Delivery:
    """What ``deliver`` did: messages that left, keys that failed (with why), keys skipped."""

    sent: list[SentMessage] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def compose(ws: Workspace, out: Outgoing) -> EmailMessage:
    """Return the message for ``out``: From the guideline's sender, text body, attachments."""
    mail = ws.guideline.mail
    msg = EmailMessage()
    msg["From"] = formataddr((mail.from_name, mail.from_address))
    msg["To"] = formataddr((out.reviewer.name, out.reviewer.email))
    msg["Subject"] = out.subject
    msg["Date"] = format_datetime(ws.now())
    msg["Message-ID"] = make_msgid(idstring=out.key, domain=mail.from_address.split("@")[-1])
    msg["X-Penholder-Key"] = out.key
    msg["X-Penholder-Kind"] = out.kind.value
    msg["X-Penholder-Reviewer"] = out.reviewer.id
    msg["X-Penholder-Packets"] = " ".join(out.packets)
    msg.set_content(out.text)
    for path in out.attachments:
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(path.read_bytes(), maintype, subtype, filename=path.name)
    return msg


def read_eml(path: Path) -> EmailMessage:
    msg = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def record_of(msg: EmailMessage, file: str, via: str, ws: Workspace) -> SentMessage:
    """Return the sent-log record of a stored message (read from its own headers)."""
    return SentMessage(
        key=str(msg["X-Penholder-Key"]),
        kind=MessageKind(str(msg["X-Penholder-Kind"])),
        reviewer=str(msg["X-Penholder-Reviewer"]),
        to=str(msg["To"]),
        subject=str(msg["Subject"]),
        message_id=str(msg["Message-ID"]),
        at=ws.now(),
        via=via,
        file=file,
        packets=str(msg["X-Penholder-Packets"] or "").split(),
        attachments=[str(p.get_filename()) for p in msg.iter_attachments()],
    )


def password(smtp: SmtpSettings) -> str | None:
    """Return the SMTP password from ``password_env`` (None without a user); MailError if unset."""
    if not smtp.user:
        return None
    value = os.environ.get(smtp.password_env)
    if not value:
        raise MailError(
            f"the SMTP user {smtp.user} needs a password in the environment variable "
            f"{smtp.password_env}, which is not set; set it and retry"
        )
    return value


def connect(smtp: SmtpSettings) -> smtplib.SMTP:
    """Open an SMTP session (STARTTLS and login when configured); raise the SMTP/OS error."""
    secret = password(smtp)
    session = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    try:
        session.ehlo()
        if smtp.starttls:
            session.starttls(context=ssl.create_default_context(cafile=smtp.ca_file))
            session.ehlo()
        if smtp.user and secret is not None:
            session.login(smtp.user, secret)
    except BaseException:
        session.close()
        raise
    return session


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        raw: bytes | str = error.smtp_error
        text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
        return f"{error.smtp_code} {text}".strip()
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        return f"{code} {reply.decode(errors='replace')}"
    if isinstance(error, TimeoutError):
        return "timed out"
    return str(error) or type(error).__name__


def deliver(
    ws: Workspace,
    round_id: str,
    outgoing: Sequence[Outgoing],
    actor: Actor,
) -> Delivery:
    """Send ``outgoing`` and every message left unsent in the round's outbox (see module doc)."""
    log = records.load_sent(ws, round_id)
    unsent, sent_dir, mail_dir = (
        ws.root / layout.mail_folder(round_id, box) for box in ("unsent", "sent", "mail")
    )
    result = Delivery()
    for out in each(outgoing, f"round {round_id}: composing messages"):
        if log.has(out.key):
            result.skipped.append(out.key)
            continue
        path = unsent / f"{out.key}.eml"
        if not path.exists():
            unsent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bytes(compose(ws, out)))
    pending = sorted(unsent.glob("*.eml")) if unsent.is_dir() else []
    for path in sorted(sent_dir.glob("*.eml")) if sent_dir.is_dir() else []:
        if not log.has(path.stem):  # sent, but the record was lost: record it, never resend
            result.sent.append(record_of(read_eml(path), _rel(ws, path), "smtp", ws))
    smtp = ws.guideline.mail.smtp
    if smtp is None:
        for path in pending:
            mail_dir.mkdir(parents=True, exist_ok=True)
            target = mail_dir / path.name
            path.replace(target)
            result.sent.append(record_of(read_eml(target), _rel(ws, target), "outbox", ws))
    elif pending:
        _send_smtp(ws, smtp, pending, sent_dir, result)
    new = [m for m in result.sent if not log.has(m.key)]
    if new:
        log.messages.extend(new)
        reminders = all(m.kind == MessageKind.REMINDER for m in new)
        event = Event.REMINDER if reminders else Event.SENT
        kind = "reminder" if reminders else "message"
        subject = f"Round {round_id}: {len(new)} {kind}{'s' if len(new) != 1 else ''} sent"
        body = "\n".join(f"{m.key} -> {m.to} ({m.via})" for m in new)
        trailers = [("Event", event.value), ("Round", round_id)]
        ws.commit(records.sent_file(round_id, log), subject, trailers, actor, body=body)
    if result.failed:
        raise MailError(_failure(ws, round_id, result))
    return result


def _send_smtp(
    ws: Workspace, smtp: SmtpSettings, pending: list[Path], sent_dir: Path, result: Delivery
) -> None:
    try:
        session = connect(smtp)
    except MailError as e:
        result.failed.update({p.stem: str(e) for p in pending})
        return
    except SMTP_ERRORS as e:
        result.failed.update({p.stem: _describe(e) for p in pending})
        return
    try:
        for i, path in enumerate(pending):
            current()("sending messages", i, len(pending))
            msg = read_eml(path)
            try:
                session.send_message(msg, from_addr=ws.guideline.mail.from_address)
            except smtplib.SMTPServerDisconnected as e:
                result.failed.update({p.stem: _describe(e) for p in pending[i:]})
                return
            except SMTP_ERRORS as e:
                result.failed[path.stem] = _describe(e)
                continue
            sent_dir.mkdir(parents=True, exist_ok=True)
            target = sent_dir / path.name
            path.replace(target)
            result.sent.append(record_of(msg, _rel(ws, target), "smtp", ws))
    finally:
        try:
            session.quit()
        except SMTP_ERRORS:
            session.close()


def _rel(ws: Workspace, path: Path) -> str:
    return path.relative_to(ws.root).as_posix()


def _failure(ws: Workspace, round_id: str, result: Delivery) -> str:
    smtp = ws.guideline.mail.smtp
    where = f"{smtp.host}:{smtp.port}" if smtp else "SMTP"
    reasons = sorted(set(result.failed.values()))
    keys = sorted(result.failed)
    shown = ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
    total = len(keys) + len(result.sent)
    return (
        f"{len(keys)} of {total} messages could not be sent through {where} ({'; '.join(reasons)}): "
        f"{shown} wait unsent in outbox/{round_id}/unsent/; "
        f"retry with `penholder round send {round_id}`"
    )
