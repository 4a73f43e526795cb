"""Review rounds as recorded in the workspace (pydantic, no I/O).

A ``Round`` is ``rounds/<id>/round.yaml``: the chapters at their base revisions, the reviewers,
the due date, and one ``RoundItem`` per reviewer and chapter carrying the item's packet id.
``SentLog`` is ``rounds/<id>/sent.yaml``: every message that left penholder (packet or reminder),
so nothing is sent twice. ``ItemStatus`` / ``RoundStatus`` are what tracking derives from both
and from the ``Event: return`` commits (see ``reviewers.rounds.tracking``).

Ids: rounds are ``R1``, ``R2``, ... (one sequence per workspace); a packet id is
``<round>-<chapter>-<code>``, e.g. ``R2-03-K7Q2``, where the code is 4 characters from
``PACKET_ALPHABET`` (no 0/O, no 1/I, so it can be typed from a printout).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from drafts.models import ChapterId, PersonId

ROUND_ID = r"^R[1-9][0-9]*$"
PACKET_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PACKET_CODE_LENGTH = 4
PACKET_ID = rf"^(R[1-9][0-9]*)-([0-9A-Za-z][0-9A-Za-z_-]{{0,15}})-([{PACKET_ALPHABET}]{{{PACKET_CODE_LENGTH}}})$"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoundChapter(_Record):
    """A chapter in the round and the revision every reviewer receives."""

    chapter: ChapterId
    revision: int


class RoundItem(_Record):
    """One reviewer x chapter of a round.

    ``previous_revision`` is the revision of this chapter the reviewer was last sent in an
    earlier round (None if never); when it is older than ``revision`` the packet carries a
    redline from it. ``excused`` is the day the reviewer was excused from this item.
    """

    reviewer: PersonId
    chapter: ChapterId
    revision: int
    packet: str
    previous_revision: int | None = None
    excused: date | None = None


class Round(_Record):
    """``rounds/<id>/round.yaml``: what a round is and who gets which packet."""

    id: str = Field(pattern=ROUND_ID)
    opened: datetime
    opened_by: str
    due: date
    note: str = ""
    chapters: list[RoundChapter]
    reviewers: list[PersonId]
    items: list[RoundItem] = Field(default_factory=list)
    closed: datetime | None = None
    closed_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed is None

    def chapter_ids(self) -> list[str]:
        return [c.chapter for c in self.chapters]

    def items_of(self, reviewer: str) -> list[RoundItem]:
        return [i for i in self.items if i.reviewer == reviewer]

    def item(self, reviewer: str, chapter: str) -> RoundItem | None:
        for i in self.items:
            if i.reviewer == reviewer and i.chapter == chapter:
                return i
        return None


class MessageKind(StrEnum):
    PACKET = "packet"
    REMINDER = "reminder"
    LETTER = "letter"  # how an expert's remarks were addressed


class SentMessage(_Record):
    """One message that left penholder: by SMTP, or written to outbox/ for a mail client."""

    key: str  # e.g. packet-ana-silva or reminder-ana-silva-2024-03-25: never sent twice
    kind: MessageKind
    reviewer: PersonId
    to: str
    subject: str
    message_id: str
    at: datetime
    via: str  # "smtp" or "outbox"
    file: str  # the .eml, relative to the workspace (outbox/ is git-ignored)
    packets: list[str] = Field(default_factory=list)
    attachments: list[str] = Field(default_factory=list)


class SentLog(_Record):
    """``rounds/<id>/sent.yaml``: the messages of a round, in the order they left."""

    messages: list[SentMessage] = Field(default_factory=list)

    def has(self, key: str) -> bool:
        return any(m.key == key for m in self.messages)

    def grouped(self) -> dict[tuple[str, MessageKind], list[SentMessage]]:
        """The messages by reviewer and kind, each list in the order they left (one pass)."""
        found: dict[tuple[str, MessageKind], list[SentMessage]] = {}
        for m in self.messages:
            found.setdefault((m.reviewer, m.kind), []).append(m)
        return found


class ItemState(StrEnum):
    """Where one reviewer x chapter stands (see ``reviewers.rounds.tracking.item_state``)."""

    UNSENT = "unsent"  # the packet has not left yet (or SMTP refused it)
    SENT = "sent"  # sent, not returned, not yet due
    LATE = "late"  # past due, not returned, round still open
    MISSING = "missing"  # round closed, not returned
    RETURNED = "returned"  # returned on or before the due date
    RETURNED_LATE = "returned_late"  # returned after the due date (also after closing)
    EXCUSED = "excused"


class ReturnRecord(_Record):
    """A returned file, read from a commit with ``Event: return`` (written by intake)."""

    round: str
    chapter: str
    reviewer: str
    at: datetime
    commit: str
    packet: str | None = None
    file: str | None = None
    after_close: bool = False  # recorded after the round's round-close commit


class ItemStatus(_Record):
    reviewer: str
    name: str
    chapter: str
    revision: int
    packet: str
    state: ItemState
    late: bool = False
    sent_at: datetime | None = None
    sent_via: str | None = None
    returned_at: datetime | None = None
    return_file: str | None = None
    excused: date | None = None
    reminders: list[date] = Field(default_factory=list)


class RoundStatus(_Record):
    round: str
    due: date
    today: date
    open: bool
    days_left: int
    chapters: list[RoundChapter]
    items: list[ItemStatus]
    closed: date | None = None  # the day it closed (the guideline's timezone)

    def count(self, state: ItemState) -> int:
        return sum(1 for i in self.items if i.state == state)


def is_packet_id(value: str) -> bool:
    """Return True when ``value`` has the shape of a packet id (``R2-03-K7Q2``)."""
    return re.fullmatch(PACKET_ID, value) is not None
