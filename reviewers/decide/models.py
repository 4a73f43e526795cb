"""Dispositions: the pen-holder's answer to each matrix row, as records (pydantic, no I/O).

A row is answered ``accepted``, ``modified`` (accepted with modification: the text actually
adopted is recorded), ``noted`` or ``rejected``, with a response shown to the expert. Records and
every ``--json`` use these short words; documents show the long ones (``LONG``: accepted,
accepted with modification, noted, not accepted), and every way in takes both (``parse``).

``Answer`` is one answer as it comes in (from the CLI, a matrix file or the consolidated .docx);
``Disposition`` is an answer recorded: who, when, from where. ``DispositionLog`` is every answer
of one chapter in one round, in the order given (history kept): ``current()`` is the latest per
row; a ``cleared`` record withdraws a row's answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from reviewers.consolidate.models import CommentType

Word = Literal["accepted", "modified", "noted", "rejected"]
WORDS: tuple[str, ...] = get_args(Word)
LONG: dict[str, str] = {
    "accepted": "accepted",
    "modified": "accepted with modification",
    "noted": "noted",
    "rejected": "not accepted",
}
_ALIASES = {v: k for k, v in LONG.items()} | {w: w for w in WORDS}
#: words that change the text when the row proposes a change
APPLIES: tuple[str, ...] = ("accepted", "modified")


def parse(value: str) -> Word | None:
    """Return the short word for ``value`` (short or long, any case and spacing), else None."""
    key = " ".join(value.strip().lower().split())
    word = _ALIASES.get(key)
    return word  # type: ignore[return-value]


def spelled(word: str) -> str:
    """Return a short word as documents show it (``modified`` -> accepted with modification)."""
    return LONG.get(word, word)


class Answer(BaseModel):
    """One answer to one row, as it comes in; ``row`` may name any remark of the row."""

    model_config = ConfigDict(frozen=True)

    row: str
    disposition: Word | None  # None: clear the row's answer
    response: str = ""
    adopted: str | None = None  # the text adopted, for ``modified``
    type: CommentType | None = None  # the drafter's type for the row, when not the rule's


class Disposition(BaseModel):
    """An answer recorded: the row's id, the answer, who gave it, when, and from where."""

    model_config = ConfigDict(frozen=True)

    row: str
    disposition: Word | None
    response: str = ""
    adopted: str | None = None
    type: CommentType | None = None
    by: str
    at: datetime
    source: str = Field(description="cli, or the file it was imported from")


class DispositionLog(BaseModel):
    """Every answer of one chapter in one round, in the order given."""

    round: str
    chapter: str
    records: list[Disposition] = Field(default_factory=list)

    def current(self) -> dict[str, Disposition]:
        """Return the latest answer of each row that has one (cleared rows left out)."""
        latest: dict[str, Disposition] = {}
        for record in self.records:
            latest[record.row] = record
        return {row: d for row, d in latest.items() if d.disposition is not None}
