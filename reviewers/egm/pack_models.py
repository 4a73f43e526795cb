"""What a pack holds, as records: its chapters' rows, its matrices, ``pack.json`` (no I/O).

Shared by ``reviewers.egm.pack`` (which plans and commits a pack) and
``reviewers.egm.pack_docx`` (which compiles its document), so neither imports the other back.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel


class ChapterEntry(BaseModel):
    """A chapter in the pack: its row of the version table and what its redline compares."""

    chapter: str
    title: str
    revision: int
    commit: str
    date: date
    rounds: list[str]
    received: int
    accepted: int
    modified: int
    noted: int
    rejected: int
    since_revision: int
    since: str  # "EGM1 pack" or "first revision"


class MatrixEntry(BaseModel):
    """A consolidated round's matrix in the annex."""

    round: str
    chapter: str
    path: str


class PackRecord(BaseModel):
    """``pack.json``: what a pack holds, from which commit, and how many pages it printed."""

    egm: str
    name: str
    made: datetime
    made_by: str
    head: str
    chapters: list[ChapterEntry]
    matrices: list[MatrixEntry]
    docx: str
    pdf: str
    pages: int = 0
