"""Records for the range-based tracked-change writer (``drafts.ooxml.write.tracked``).

Every record targets a block by its anchor (the bookmark named by the block id) and, where it
needs one, a code-point range ``[start, end)`` of the block's text as the block map records it
(``Block.text``: the anchored paragraph's text without surrounding white space). Records are
frozen pydantic models built with keyword arguments; dates are datetimes (naive ones are taken
as UTC) written as Word writes them.

- ``TrackedChange``: ``[start, end)`` becomes ``new_text``: an insertion when ``start == end``,
  a deletion when ``new_text == ""``, else a replacement (``w:del`` then ``w:ins``);
- ``ParagraphInsert``: a new paragraph ``after`` (or ``before``) a block, styled like the block
  ``style_of`` (default: the block it is placed by) or with the named paragraph ``style`` id;
  several inserts by the same block keep their order;
- ``ParagraphDelete``: the whole paragraph of a block, its mark included (accepting removes it);
- ``TrackedComment``: a comment thread on ``[start, end)`` (replies, resolved state).

Every record takes an optional ``mark`` (a matrix row id, ``R1-03-004``): the writer wraps what
it writes for the record in a bookmark named ``mark_name(mark)`` (``rm_R1_03_004``; a mark's
second and later pieces get ``_2``, ``_3``), since bookmark names survive Word's and
LibreOffice's re-saves where ``w:id`` values do not.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

MARK_PREFIX = "rm_"
_MAX_NAME = 40  # Word keeps bookmark names of at most 40 characters
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def mark_name(mark: str, piece: int = 1) -> str:
    """Return the bookmark name of piece ``piece`` (1, 2, ...) of ``mark``.

    ``rm_`` then the mark with every character outside ``[A-Za-z0-9_]`` as ``_``, then ``_<piece>``
    from the second piece on; cut to 40 characters (the suffix kept): ``R1-03-004`` gives
    ``rm_R1_03_004``, its second piece ``rm_R1_03_004_2``.
    """
    if piece < 1:
        raise ValueError(f"piece {piece}: pieces count from 1")
    suffix = f"_{piece}" if piece > 1 else ""
    return (MARK_PREFIX + _UNSAFE.sub("_", mark))[: _MAX_NAME - len(suffix)] + suffix


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reply(_Record):
    """A reply in a comment thread."""

    author: str
    initials: str = ""
    date: datetime
    text: str


def _reply_tuples(value: Any) -> Any:
    keys = ("author", "initials", "date", "text")
    return [dict(zip(keys, r, strict=True)) if isinstance(r, tuple | list) else r for r in value]


Replies = Annotated[list[Reply], BeforeValidator(_reply_tuples)]
"""Replies as ``Reply`` records or ``(author, initials, date, text)`` tuples."""


def word_date(value: datetime) -> str:
    """Return ``value`` as Word writes dates: UTC, to the second, with a ``Z``."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class TrackedChange(_Record):
    """``[start, end)`` of block ``block``'s text becomes ``new_text``, as a tracked change."""

    block: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    new_text: str = ""
    author: str = Field(min_length=1)
    date: datetime
    mark: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> TrackedChange:
        if self.end < self.start:
            raise ValueError(f"block {self.block}: range end {self.end} before start {self.start}")
        if self.start == self.end and not self.new_text:
            raise ValueError(f"block {self.block}: an empty range needs new_text")
        return self


class ParagraphInsert(_Record):
    """A new paragraph holding ``text``, placed ``after`` or ``before`` a block (exactly one)."""

    after: str | None = None
    before: str | None = None
    text: str
    style_of: str | None = None
    style: str | None = None
    author: str = Field(min_length=1)
    date: datetime
    mark: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_place(self) -> ParagraphInsert:
        if (self.after is None) == (self.before is None):
            raise ValueError("give exactly one of after= or before= (a block id)")
        return self

    @property
    def anchor(self) -> str:
        """Return the block the paragraph is placed by."""
        return self.after if self.after is not None else str(self.before)


class ParagraphDelete(_Record):
    """Tracked deletion of the whole paragraph of ``block``, its mark included."""

    block: str = Field(min_length=1)
    author: str = Field(min_length=1)
    date: datetime
    mark: str | None = Field(default=None, min_length=1)


class TrackedComment(_Record):
    """A comment (with replies) on ``[start, end)`` of block ``block``'s text."""

    block: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    author: str = Field(min_length=1)
    initials: str = ""
    date: datetime
    replies: Replies = []
    resolved: bool = False
    mark: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> TrackedComment:
        if self.end < self.start:
            raise ValueError(f"block {self.block}: range end {self.end} before start {self.start}")
        return self


TrackedEdit = TrackedChange | ParagraphInsert | ParagraphDelete | TrackedComment
