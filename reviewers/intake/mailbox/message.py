"""A fetched message as intake sees it, and what to do with each attachment (pure, no I/O).

``parse(raw)`` reads the message's own metadata (Message-ID, From, Date, Subject,
In-Reply-To/References) and its attachments (names decoded, RFC 2231 included; parts inside a
forwarded ``message/rfc822`` too). The structure is parsed with ``policy.compat32`` (plain
strings); only the headers kept (those six, and each attachment's name) are read as
``policy.default`` reads them (RFC 2047 words and raw UTF-8 decoded, dates normalised): the same
values for a fraction of the cost, the standard library's header objects being most of it.
``plan(message, people, threads)`` decides, for each attachment, one of:

- ``intake``: a Word file from a person in people.yaml, with the claim the message supports:
  the sender is the reviewer; when the message answers a packet message of a round sent to that
  same person (In-Reply-To/References against the Message-IDs in ``sent.yaml``), that round too;
- ``quarantine``: a Word file from an address not in people.yaml (a colleague's forward
  included): never matched by name alone;
- ``refuse``: a PDF (no tracked changes or comments to read: the sender is asked for the Word
  file), or a .doc/.odt when LibreOffice cannot convert it;
- ``ignore``: anything else (images, signatures, winmail.dat): listed, never taken.

A message with nothing but ``ignore`` is left alone in the mailbox.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr

from drafts.models import Person

WORD = "docx"
CONVERTIBLE = ("odt", "doc")
_KINDS = {
    ".docx": WORD,
    ".odt": "odt",
    ".doc": "doc",
    ".pdf": "pdf",
}
_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": WORD,
    "application/vnd.oasis.opendocument.text": "odt",
    "application/msword": "doc",
    "application/pdf": "pdf",
}
PDF_REASON = (
    "is a PDF, which carries no tracked changes or comments penholder can read; please reply "
    "with the Word file (.docx) of your packet"
)
STRANGER_REASON = (
    "came from {sender}, an address not in people.yaml (a forward is not taken on a name "
    "alone); a drafter can release it to the reviewer, or the reviewer can send it from "
    "their own address"
)


@functools.lru_cache(maxsize=256)
def _header_object(name: str, value: str) -> BaseHeader:
    """``policy.default``'s header object (immutable): a part's header read again, or the same
    header in the next message (``base64``, a reply's From), is not parsed again."""
    return policy.default.header_factory(name, value)


class _KeptHeaders(HeaderRegistry):
    """``policy.default``'s header registry, each header object made once (``_header_object``)."""

    def __call__(self, name: str, value: str) -> BaseHeader:
        return _header_object(name, value)


#: ``policy.default``, its header objects kept: a message is read with it, a reply composed
#: with it (``ack.compose``: the same bytes, its constant headers parsed once)
DEFAULT = policy.default.clone(header_factory=_KeptHeaders())


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes
    kind: str  # "docx", "odt", "doc", "pdf" or "other"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Incoming:
    key: str  # the message's name in the workspace (from its Message-ID, else its bytes)
    message_id: str
    sender: str  # the From address, lower case
    sender_name: str
    date: str
    subject: str
    in_reply_to: str
    references: list[str]
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    attachment: Attachment
    action: str  # "intake", "quarantine", "refuse", "ignore"
    reason: str = ""


@dataclass(frozen=True)
class Plan:
    person: str | None  # the sender's id in people.yaml
    round: str | None  # the round of the packet message this answers, sent to that person
    steps: list[Step]

    @property
    def takes(self) -> bool:
        """True when the message carries a file that could be a return (it is handled)."""
        return any(s.action != "ignore" for s in self.steps)


def message_key(message_id: str, raw: bytes) -> str:
    """The folder name of a message: 20 hex digits of its Message-ID's (else its bytes') hash."""
    basis = f"id:{message_id}".encode() if message_id else b"raw:" + raw
    return hashlib.sha256(basis).hexdigest()[:20]


def header_message_id(raw: bytes) -> str:
    """The Message-ID of a message, or of its headers alone ('' when it has none)."""
    msg = BytesHeaderParser(policy=policy.default).parsebytes(raw)
    return str(msg.get("Message-ID", "") or "").strip()


def _kind(name: str, content_type: str) -> str:
    lower = name.lower()
    for suffix, kind in _KINDS.items():
        if lower.endswith(suffix):
            return kind
    return _TYPES.get(content_type.lower(), "other")


def _attachments(msg: Message) -> list[Attachment]:
    found: list[Attachment] = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        part.policy = DEFAULT  # its name read as policy.default reads it (RFC 2047, raw UTF-8)
        name = part.get_filename()
        if name is None and part.get_content_disposition() != "attachment":
            continue  # a body part
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        safe = (name or f"attachment-{len(found) + 1}").replace("/", "_").replace("\\", "_")
        ctype = part.get_content_type()
        found.append(Attachment(safe.strip() or "attachment", ctype, data, _kind(safe, ctype)))
    return found


def _header(msg: Message, name: str) -> str:
    """The first header ``name`` (lower case) of ``msg`` as ``policy.default`` reads it, or ''."""
    for key, value in msg.raw_items():
        if key.lower() == name:
            return str(DEFAULT.header_fetch_parse(key, value))
    return ""


def parse(raw: bytes) -> Incoming:
    """Read a message's metadata and attachments (see module doc)."""
    msg = message_from_bytes(raw, policy=policy.compat32)
    message_id = _header(msg, "message-id").strip()
    name, address = parseaddr(_header(msg, "from"))
    return Incoming(
        key=message_key(message_id, raw),
        message_id=message_id,
        sender=address.lower(),
        sender_name=name,
        date=_header(msg, "date"),
        subject=_header(msg, "subject"),
        in_reply_to=_header(msg, "in-reply-to").strip(),
        references=_header(msg, "references").split(),
        attachments=_attachments(msg),
    )


@functools.lru_cache(maxsize=1024)
def _addresses(email: str) -> tuple[str, ...]:
    """The addresses a person's ``email`` field names, lower case (parsed once per value)."""
    return tuple(a.lower() for _, a in getaddresses([email]))


def _person(sender: str, people: list[Person]) -> str | None:
    for p in people:
        if sender and sender in _addresses(p.email):
            return p.id
    return None


def plan(message: Incoming, people: list[Person], threads: dict[str, tuple[str, str]]) -> Plan:
    """Decide what to do with each attachment (see module doc); ``threads`` maps the
    Message-ID of each packet message sent to ``(round, reviewer)``."""
    person = _person(message.sender, people)
    round_id = None
    for ref in [message.in_reply_to, *reversed(message.references)]:
        thread = threads.get(ref)
        if thread is not None and thread[1] == person:
            round_id = thread[0]
            break
    steps = []
    for a in message.attachments:
        if a.kind == "pdf":
            steps.append(Step(a, "refuse", f"{a.name} {PDF_REASON}"))
        elif a.kind in (WORD, *CONVERTIBLE) and person is None:
            reason = STRANGER_REASON.format(sender=message.sender or "no sender address")
            steps.append(Step(a, "quarantine", f"{a.name} {reason}"))
        elif a.kind in (WORD, *CONVERTIBLE):
            steps.append(Step(a, "intake"))
        else:
            steps.append(Step(a, "ignore", f"{a.name} is not a Word file ({a.content_type})"))
    return Plan(person, round_id, steps)
