"""What ``build_status`` returns (pydantic, no I/O): one record the CLI table, ``--json`` and the
web page all read, so they can never disagree.

Per chapter: stage and how long it has been in it, revision, current round and its returns (in,
expected, who owes one), the rows of every round not yet closed out (open, answered by
disposition, conflicts), the EGM gate's own sentence of what blocks sign-off, and each blocking
row with its age. Per guideline: the EGM the summary is about, N of M chapters on its agenda
ready, and the reviewers who owe returns.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, Field

from drafts.models import EGM
from reviewers.models import Round

#: a reviewer x chapter cell of the returns grid, in the current round of the chapter
Cell = Literal["returned", "remarks", "awaited", "missing", "excused", "not sent"]
#: how a chapter's age in its stage compares with the days left before its EGM
Urgency = Literal["ready", "ok", "watch", "late", "none"]


class ReturnCell(BaseModel):
    """One reviewer's return of a chapter in the chapter's current round."""

    reviewer: str
    name: str
    state: Cell
    remarks: int = 0
    returned_at: datetime | None = None


class LateReturn(BaseModel):
    """A return on an earlier round that arrived after the chapter's current round opened."""

    round: str
    reviewer: str
    at: datetime
    remarks: int = 0


class RoundRows(BaseModel):
    """The rows of one round (or of an EGM's conditions) on one chapter, not yet closed out."""

    round: str
    open: bool = Field(description="the round itself is still open")
    consolidated: bool
    remarks: int = Field(description="remarks returned on the chapter in this round")
    rows: int
    unanswered: int
    conflicts: int = Field(description="unanswered rows flagged as conflicts")
    answered: dict[str, int] = Field(description="rows answered, by disposition")


class BlockingRow(BaseModel):
    """An unanswered row (or an unresolved conflict) and how long it has waited."""

    id: str
    chapter: str
    round: str
    conflict: bool
    raised: date | None
    age: int | None = Field(description="days since the consolidation that raised it")
    earlier_round: bool = Field(description="raised on a round before the chapter's current one")


class ChapterStatus(BaseModel):
    id: str
    title: str
    stage: str
    revision: int
    cycle: int
    round: str | None
    signed_revision: int | None
    last_change: datetime | None
    last_author: str | None
    last_event: str | None
    next_egm: str | None
    days_to_egm: int | None
    on_agenda: bool = False
    stage_since: date | None = None
    age_in_stage: int | None = None
    urgency: Urgency = "none"
    returns_in: int = 0
    returns_expected: int = 0
    returns_missing: list[str] = Field(default_factory=list)
    returns: list[ReturnCell] = Field(default_factory=list)
    late_returns: list[LateReturn] = Field(default_factory=list)
    remarks: int = Field(0, description="remarks in the rounds not yet closed out")
    rows_open: int = 0
    conflicts: int = Field(0, description="unresolved conflicts, every round not closed out")
    rounds: list[RoundRows] = Field(default_factory=list)
    ready: bool = False
    blockers: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    sentence: str = Field("", description="the EGM gate's sentence: ready, or what blocks it")
    blocking: list[BlockingRow] = Field(default_factory=list)


class Owing(BaseModel):
    """A reviewer who owes returns in open or closed current rounds, and on which chapters."""

    reviewer: str
    name: str
    email: str = ""
    chapters: list[str]


class RoundSummary(BaseModel):
    id: str
    opened: date
    due: date
    closed: date | None
    chapters: list[str]

    @classmethod
    def of(cls, rnd: Round, **more: object) -> Self:
        """The summary of ``rnd`` (with ``more`` fields, for a subclass)."""
        closed = rnd.closed.date() if rnd.closed else None
        return cls.model_validate(
            dict(id=rnd.id, opened=rnd.opened.date(), due=rnd.due, closed=closed)
            | {"chapters": rnd.chapter_ids(), **more}
        )


class Status(BaseModel):
    guideline: str
    organisation: str
    today: date
    next_egm: EGM | None
    days_to_egm: int | None = None
    agenda: list[str] = Field(default_factory=list, description="chapters on next_egm's agenda")
    ready: int = Field(0, description="chapters on the agenda that are ready")
    owing: list[Owing] = Field(default_factory=list)
    rounds: list[RoundSummary] = Field(default_factory=list)
    chapters: list[ChapterStatus]

    def summary(self) -> str:
        """One line: ``EGM1 2024-04-23, 8 days left: 1 of 3 chapters ready``."""
        egm = self.next_egm
        if egm is None:
            return "no EGM ahead on the calendar"
        return (
            f"{egm.id} {egm.start}, {self.days_to_egm} days left: {self.ready} of "
            f"{len(self.agenda)} chapters ready"
        )
