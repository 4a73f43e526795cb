"""The records merging produces (pydantic, no I/O): matrix rows and what goes into the .docx.

A ``Row`` is one line of the comment-resolution matrix: one remark, or several identical ones
(duplicates, all supporters listed). Its id is the id of its first remark, so re-consolidating
after more returns arrive keeps every existing row's id. ``flags`` say when a row is in
``conflict`` with others (its change is not applied; the competing texts are in a comment) or
``no longer applies`` (a return on an older revision whose text has changed since).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

CommentType = Literal["general", "technical", "editorial"]
Disposition = Literal["", "accepted", "accepted with modification", "noted", "not accepted"]
Flag = Literal["conflict", "no longer applies", "duplicate"]


class Supporter(BaseModel):
    reviewer: str | None
    name: str
    organisation: str = ""
    country: str = ""
    remark: str


class Row(BaseModel):
    id: str
    remarks: list[str]
    supporters: list[Supporter]
    chapter: str
    round: str | None
    section: str | None = None
    block: str | None = None
    start: int | None = None  # the range of the block's text the row is about (base revision)
    end: int | None = None
    target_block: str | None = None  # a move's landing point
    target_offset: int | None = None
    paragraph: int | None = None
    page: int | None = None
    line: int | None = None
    kind: str
    type: CommentType = "editorial"
    comment: str = ""
    proposed: str | None = None
    anchor_text: str | None = None
    flags: list[Flag] = Field(default_factory=list)
    conflicts_with: list[str] = Field(default_factory=list)
    disposition: Disposition = ""
    response: str = ""
    adopted: str = ""

    @property
    def reviewers(self) -> str:
        """The supporters' names, as the matrix prints them."""
        return "; ".join(dict.fromkeys(s.name for s in self.supporters))

    @property
    def organisations(self) -> str:
        return "; ".join(dict.fromkeys(s.organisation for s in self.supporters if s.organisation))

    @property
    def countries(self) -> str:
        return "; ".join(dict.fromkeys(s.country for s in self.supporters if s.country))


class Matrix(BaseModel):
    """Every row of one chapter's consolidation in one round."""

    guideline: str
    chapter: str
    chapter_title: str
    round: str | None
    revision: int
    rows: list[Row]
    #: why page and line are missing ("" when LibreOffice laid the chapter out)
    pages_missing: str = ""
