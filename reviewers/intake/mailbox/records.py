"""What the workspace keeps of each fetched message (``mail/<key>/``), written once each.

``message.eml`` (the message byte for byte) and ``message.yaml`` (``MessageRecord``: its own
metadata and where it was fetched from) are committed before any attachment is read;
``outcome.yaml`` (``MessageOutcome``: what became of every attachment) when intake is done;
``ack.yaml`` (``AckRecord``) when the reply left. Each file is written once and never
rewritten, so a run killed mid-commit leaves only files HEAD does not hold, which the next run
writes again. ``threads(ws)`` maps the Message-IDs of the packet messages sent to
``(round, reviewer)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

import yaml
from pydantic import BaseModel, Field

from drafts import layout
from drafts.config import SAFE_DUMPER, SAFE_LOADER
from drafts.models import Event
from drafts.workspace import Workspace
from reviewers.models import MessageKind
from reviewers.rounds import records


class AttachmentRecord(BaseModel):
    name: str
    sha256: str
    kind: str


class MessageRecord(BaseModel):
    key: str
    message_id: str
    sender: str
    sender_name: str = ""
    date: str = ""
    subject: str = ""
    in_reply_to: str = ""
    references: list[str] = Field(default_factory=list)
    source: str  # "imap://host:port/INBOX;UIDVALIDITY=..;UID=.." or "maildir:DIR;KEY"
    fetched: datetime
    attachments: list[AttachmentRecord] = Field(default_factory=list)
    #: a message too large to commit (itself beyond ``limits: mail_mb``, or carrying a file
    #: beyond the limits): where its bytes are kept, git-ignored, instead of ``message.eml``
    held: str | None = None
    size: int | None = None


class AttachmentOutcome(BaseModel):
    name: str
    sha256: str
    status: str  # "recorded", "duplicate", "quarantined", "refused", "ignored"
    message: str
    round: str | None = None
    chapter: str | None = None
    reviewer: str | None = None
    packet: str | None = None
    remarks: int = 0
    #: the .docx LibreOffice made of a .odt/.doc attachment (``name``) that was read instead
    converted_to: str | None = None


class MessageOutcome(BaseModel):
    key: str
    person: str | None = None
    status: str  # "handled" (taken, quarantined or refused) or "ignored" (nothing to take)
    attachments: list[AttachmentOutcome] = Field(default_factory=list)
    acknowledge: bool = False


class AckRecord(BaseModel):
    message_id: str
    to: str
    via: str  # "smtp" or "outbox"
    at: datetime
    file: str


M = TypeVar("M", bound=BaseModel)


def _load(ws: Workspace, path: str, model: type[M]) -> M | None:
    data = ws.committed(path)  # parsed by libyaml when there (a fetch reads several per message)
    return None if data is None else model.model_validate(yaml.load(data, Loader=SAFE_LOADER))


def dump(record: BaseModel) -> bytes:
    data = record.model_dump(mode="json")
    return yaml.dump(data, Dumper=SAFE_DUMPER, sort_keys=False, allow_unicode=True).encode()


def message(ws: Workspace, key: str) -> MessageRecord | None:
    return _load(ws, layout.mail_record(key, "message"), MessageRecord)


def outcome(ws: Workspace, key: str) -> MessageOutcome | None:
    return _load(ws, layout.mail_record(key, "outcome"), MessageOutcome)


def ack(ws: Workspace, key: str) -> AckRecord | None:
    return _load(ws, layout.mail_record(key, "ack"), AckRecord)


def keys(ws: Workspace) -> list[str]:
    """Every fetched message's key, in the order they were first stored."""
    found: dict[str, None] = {}
    for c in ws.history():
        key = c.value("Mail-Key")
        if key and c.value("Event") == Event.MAIL.value:
            found.setdefault(key)
    return [k for k in found if ws.committed(layout.mail_record(k, "message")) is not None]


def threads(ws: Workspace) -> dict[str, tuple[str, str]]:
    """``{Message-ID: (round, reviewer)}`` of every packet message sent."""
    found = {}
    for rnd in records.load_rounds(ws):
        for m in records.load_sent(ws, rnd.id).messages:
            if m.kind == MessageKind.PACKET and m.message_id:
                found[m.message_id.strip()] = (rnd.id, m.reviewer)
    return found
