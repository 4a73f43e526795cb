"""The guideline's domain records (pydantic, no I/O).

A workspace holds one ``Guideline`` (guideline.yaml), its ``Person`` roster (people.yaml), its
``EGM`` calendar (egms.yaml) and chapters (``chapters/<id>.md``, front matter ``ChapterFront``).
``CommitRecord`` is one git commit as penholder reads it back; ``ChapterState`` is what replaying
those commits yields for one chapter.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from drafts.core.limits import Limits

CHAPTER_ID = r"^[0-9A-Za-z]{1,16}$"  # also part of bookmark names: no "-" or "_"
PERSON_ID = r"^[a-z][a-z0-9-]{0,39}$"

ChapterId = Annotated[str, StringConstraints(pattern=CHAPTER_ID)]
PersonId = Annotated[str, StringConstraints(pattern=PERSON_ID)]


class Stage(StrEnum):
    """Where a chapter is in its life (see ``drafts.stages`` for the rules)."""

    DRAFTING = "drafting"
    IN_REVIEW = "in_review"
    CONSOLIDATING = "consolidating"
    REVISING = "revising"
    READY_FOR_EGM = "ready_for_egm"
    SIGNED_OFF = "signed_off"
    FINAL = "final"


class Event(StrEnum):
    """What a commit records; written as the ``Event:`` trailer."""

    INIT = "init"
    CHAPTER_NEW = "chapter-new"
    NEW_REVISION = "new-revision"
    IMPORT = "import"
    STAGE = "stage"
    NEXT_CYCLE = "next-cycle"
    ROUND_OPEN = "round-open"
    ROUND_CHANGE = "round-change"
    ROUND_CLOSE = "round-close"
    SENT = "sent"
    REMINDER = "reminder"
    RECEIVED = "received"
    RETURN = "return"
    QUARANTINE = "quarantine"
    CONSOLIDATE = "consolidate"
    DISPOSE = "dispose"
    EGM = "egm"
    SIGNOFF_REQUEST = "signoff-request"
    SIGNOFF = "signoff"
    EGM_PACK = "egm-pack"
    REVISE = "revise"
    LETTERS = "letters"
    PACKET = "packet"
    MAIL = "mail"


class Role(StrEnum):
    DRAFTER = "drafter"
    EXPERT = "expert"
    SIGNOFF = "signoff"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SmtpSettings(_Strict):
    """SMTP server; the password is read from the environment variable ``password_env`` only."""

    host: str
    port: int = 587
    starttls: bool = True
    user: str | None = None
    password_env: str = "PENHOLDER_SMTP_PASSWORD"
    timeout: float = 30.0
    ca_file: str | None = None  # a CA bundle to trust besides the system's (an in-house server)


class ImapSettings(_Strict):
    """The mailbox returns arrive in (``penholder inbox fetch``). The secret comes from the
    command ``password_command`` prints, else the environment variable ``password_env``; with
    ``oauth2_token_command`` the command's output is an OAuth2 access token (XOAUTH2)."""

    host: str
    port: int = 993
    security: Literal["tls", "starttls"] = "tls"  # IMAPS, or STARTTLS on a plain port
    ca_file: str | None = None  # a CA bundle to trust besides the system's
    user: str
    password_env: str = "PENHOLDER_IMAP_PASSWORD"
    password_command: str | None = None
    oauth2_token_command: str | None = None
    folder: str = "INBOX"
    #: where handled messages are moved; None: they stay, flagged ``$PenholderTaken``
    processed_folder: str | None = "penholder/processed"
    timeout: float = 30.0


class MailSettings(_Strict):
    from_name: str = "penholder"
    from_address: str = "penholder@localhost"
    smtp: SmtpSettings | None = None
    imap: ImapSettings | None = None
    #: reply to each message with returns: what was received, or why it was refused
    acknowledge: bool = True


#: paper sizes a guideline may name (``house.paper``), in centimetres, portrait
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "A4": (21.0, 29.7),
    "A3": (29.7, 42.0),
    "Letter": (21.59, 27.94),
    "Legal": (21.59, 35.56),
}


class Signatory(_Strict):
    """Who signs the letters: a name and a title, each on its own line under the closing."""

    name: str = ""
    title: str = ""


class HouseStyle(_Strict):
    """``guideline.yaml`` ``house:``: how every document penholder writes looks and is signed.

    Every field has a default, so a guideline without ``house:`` gets A4, Calibri, English dates
    and letters signed by ``mail.from_name`` for the guideline's organisation.
    """

    organisation: str = ""  # default: the guideline's organisation
    programme: str = ""
    letterhead: list[str] = Field(default_factory=list)  # lines under organisation and programme
    logo: str | None = None  # an image in the workspace (a path relative to its root)
    signatory: Signatory = Signatory()
    contact: list[str] = Field(default_factory=list)  # address lines; the e-mail is mail's
    reference_prefix: str = ""
    paper: Literal["A4", "A3", "Letter", "Legal"] = "A4"
    font: str = "Calibri"
    heading_font: str = ""  # default: ``font``
    language: Literal["en", "fr", "es"] = "en"


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip


class ReminderPolicy(_Strict):
    """``guideline.yaml`` ``reminders:``: when ``round remind`` reminds (``reviewers.rounds.
    reminders``). Never on the day a packet left, a weekend day or one of the ``holidays``."""

    before_due: int = Field(3, ge=0)  # the first reminder, this many days before the due date
    every: int = Field(7, ge=1)  # then, while late, every this many days
    weekend: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[5:]))


class Guideline(_Strict):
    title: str
    short_title: str = ""
    organisation: str
    timezone: str = "UTC"
    mail: MailSettings = MailSettings()
    house: HouseStyle = HouseStyle()
    reminders: ReminderPolicy = ReminderPolicy()
    holidays: list[date] = Field(default_factory=list)  # no reminders on these days
    limits: Limits = Limits()  # how big a returned file may be (drafts.core.limits)

    @property
    def label(self) -> str:
        """The short title, or the title when there is none."""
        return self.short_title or self.title

    @property
    def office(self) -> str:
        """The organisation that writes the letters: ``house.organisation``, else the guideline's."""
        return self.house.organisation or self.organisation

    @property
    def signatory(self) -> Signatory:
        """Who signs: ``house.signatory``, its name defaulting to ``mail.from_name``."""
        s = self.house.signatory
        return Signatory(name=s.name or self.mail.from_name, title=s.title)


class Person(_Strict):
    id: PersonId
    name: str
    email: str
    organisation: str = ""
    country: str = ""
    roles: list[Role] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)

    @field_validator("email")
    @classmethod
    def _looks_like_email(cls, value: str) -> str:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


class EGM(_Strict):
    """An Expert Group Meeting of ``egms.yaml``: dates, place, agenda, who takes part."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,19}$")
    name: str
    start: date
    end: date | None = None
    location: str = ""
    agenda: list[ChapterId] = Field(default_factory=list)
    participants: list[str] = Field(default_factory=list)  # people ids or groups


class ChapterFront(BaseModel):
    """A chapter's YAML front matter: ``id`` (a quoted string) and ``title``; more is kept."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: ChapterId
    title: str


class CommitRecord(_Strict):
    """One commit of the workspace, with its trailers in order (a key may repeat)."""

    sha: str
    author: str
    email: str
    date: datetime
    subject: str
    trailers: tuple[tuple[str, str], ...] = ()

    @cached_property
    def trailer_index(self) -> dict[str, list[str]]:
        """Every trailer's values by its key in lower case, in order (made once per record)."""
        index: dict[str, list[str]] = {}
        for k, v in self.trailers:
            index.setdefault(k.lower(), []).append(v)
        return index

    def values(self, key: str) -> list[str]:
        """Return every value of trailer ``key`` (case-insensitive), in order."""
        return list(self.trailer_index.get(key.lower(), ()))

    def value(self, key: str) -> str | None:
        """Return the first value of trailer ``key``, or None."""
        found = self.trailer_index.get(key.lower())
        return found[0] if found else None


class Revision(_Strict):
    """A numbered text of a chapter and the commit that made it."""

    chapter: ChapterId
    number: int
    commit: str
    date: datetime
    author: str
    email: str
    subject: str
    event: str


class ChapterState(_Strict):
    """What the history says of one chapter."""

    id: ChapterId
    stage: Stage = Stage.DRAFTING
    revision: int = 0
    cycle: int = 1
    round: str | None = None
    signed_revision: int | None = None
    last_change: datetime | None = None
    last_author: str | None = None
    last_event: str | None = None
