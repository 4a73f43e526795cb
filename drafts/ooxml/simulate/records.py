"""The edit records of the annotation writer: what a reviewer did, typed and validated.

Records are frozen pydantic models built with keyword arguments. Tracked edits carry an
``author`` and a ``date`` (a datetime; naive ones are taken as UTC); an insertion point is
``after_quote`` (the end of its first occurrence; ``""`` is the start of the paragraph) or
``at_end=True``, exactly one of them. ``Comment.replies`` accepts ``Reply`` records or
``(author, initials, date, text)`` tuples. ``kind`` names each record in JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from drafts.ooxml.write.records import Replies, Reply, word_date

__all__ = [
    "Comment",
    "Delete",
    "DeleteParagraph",
    "Edit",
    "Format",
    "Insert",
    "InsertParagraph",
    "Move",
    "PointEdit",
    "Replace",
    "Reply",
    "SilentEdit",
    "word_date",
]


class _Edit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Tracked(_Edit):
    author: str = Field(min_length=1)
    date: datetime


class PointEdit(_Tracked):
    after_quote: str | None = None
    at_end: bool = False

    @model_validator(mode="after")
    def _one_point(self) -> PointEdit:
        if (self.after_quote is None) == (not self.at_end):
            raise ValueError("give exactly one of after_quote or at_end=True")
        return self


class Comment(_Edit):
    """A comment on ``quote``, with replies (``Reply`` or ``(author, initials, date, text)``)."""

    kind: Literal["comment"] = "comment"
    paragraph: str
    quote: str = Field(min_length=1)
    text: str
    author: str
    initials: str = ""
    date: datetime
    replies: Replies = []
    resolved: bool = False


class Insert(PointEdit):
    """Tracked insertion of ``text`` after ``after_quote`` (or ``at_end``)."""

    kind: Literal["insert"] = "insert"
    paragraph: str
    text: str = Field(min_length=1)


class Delete(_Tracked):
    """Tracked deletion of ``quote``."""

    kind: Literal["delete"] = "delete"
    paragraph: str
    quote: str = Field(min_length=1)


class Replace(_Tracked):
    """Tracked replacement: ``quote`` deleted, ``new_text`` inserted right after it."""

    kind: Literal["replace"] = "replace"
    paragraph: str
    quote: str = Field(min_length=1)
    new_text: str = Field(min_length=1)


class Move(PointEdit):
    """Tracked move of ``quote`` to ``to_paragraph`` after ``after_quote`` (or ``at_end``)."""

    kind: Literal["move"] = "move"
    from_paragraph: str
    quote: str = Field(min_length=1)
    to_paragraph: str


class Format(_Tracked):
    """Tracked formatting change of ``quote`` (None leaves a property as it is)."""

    kind: Literal["format"] = "format"
    paragraph: str
    quote: str = Field(min_length=1)
    bold: bool | None = None
    italic: bool | None = None


class InsertParagraph(_Tracked):
    """A new paragraph after ``after_paragraph`` (its style unless ``style`` is given)."""

    kind: Literal["insert_paragraph"] = "insert_paragraph"
    after_paragraph: str
    text: str
    style: str | None = None


class DeleteParagraph(_Tracked):
    """Tracked deletion of a whole paragraph, its mark included."""

    kind: Literal["delete_paragraph"] = "delete_paragraph"
    paragraph: str


class SilentEdit(_Edit):
    """An untracked change: ``quote`` becomes ``new_text`` with no revision."""

    kind: Literal["silent"] = "silent"
    paragraph: str
    quote: str = Field(min_length=1)
    new_text: str


Edit = (
    Comment
    | Insert
    | Delete
    | Replace
    | Move
    | Format
    | InsertParagraph
    | DeleteParagraph
    | SilentEdit
)
