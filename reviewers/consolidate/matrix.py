"""The comment-resolution matrix's columns: what each cell of a row says, for every writer.

Laid out after the ISO/IEC commenting template standards bodies use (see ``docs/matrix.md``):
``COLUMNS`` (header, width in characters, value of a ``Row``) in order; ``title_block`` the lines
above the table; ``fill_of`` the row's fill (``CONFLICT_FILL`` for conflicting rows,
``STALE_FILL`` for rows that no longer apply; a row that is both is shown as conflicting);
``cell_text`` makes a value fit for a cell (control characters dropped, text over Excel's 32,767
characters cut with a note). ``TYPES`` and ``DISPOSITIONS`` are the drop-down lists.

Writers: ``reviewers.consolidate.matrix_xlsx`` (the workbook, and dispositions read back from an
edited copy) and ``reviewers.consolidate.matrix_docx`` (the same table in Word).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple, get_args

from drafts.core.errors import DocumentError
from reviewers.consolidate.models import CommentType, Disposition, Matrix, Row

TYPES: tuple[str, ...] = get_args(CommentType)
DISPOSITIONS: tuple[str, ...] = tuple(d for d in get_args(Disposition) if d)
CONFLICT_FILL = "FCE4D6"
STALE_FILL = "E7E6E6"
HEADER_FILL = "1F3864"
MAX_CELL = 32_767
_CUT = " […cut: the full text is in the remark]"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class MatrixError(DocumentError):
    """An edited matrix penholder cannot read back."""


class MatrixDisposition(NamedTuple):
    """The drafter's decision on one matrix row (type None when the cell is blank)."""

    type: CommentType | None
    disposition: Disposition
    response: str


def page_line(row: Row) -> str:
    """Return "p. 4, l. 12" (or "p. 4" without a line), or "" when the page is unknown."""
    if row.page is None:
        return ""
    return f"p. {row.page}" + (f", l. {row.line}" if row.line is not None else "")


def flags_text(row: Row) -> str:
    """Return the row's flags as the matrix prints them, conflicting ids included."""
    out = []
    for flag in row.flags:
        if flag == "conflict" and row.conflicts_with:
            out.append(f"conflict with {', '.join(row.conflicts_with)}")
        elif flag == "duplicate":
            out.append(f"duplicate ({len(row.supporters)} supporters)")
        else:
            out.append(flag)
    return "; ".join(out)


def fill_of(row: Row) -> str | None:
    """Return the fill colour of a row: conflicts first, then rows that no longer apply."""
    if "conflict" in row.flags:
        return CONFLICT_FILL
    return STALE_FILL if "no longer applies" in row.flags else None


def cell_text(value: str | int | None) -> str | int | None:
    """Return a value fit for a cell: control characters (XML forbids them) removed, text cut
    to ``MAX_CELL`` characters (Excel's limit) with a note."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    if len(value) > MAX_CELL:
        value = value[: MAX_CELL - len(_CUT)] + _CUT
    return value


class Column(NamedTuple):
    header: str
    width: float  # in characters (Excel's unit)
    value: Callable[[Row], str | int | None]


COLUMNS: tuple[Column, ...] = (
    Column("id", 14, lambda r: r.id),
    Column("reviewer(s)", 20, lambda r: r.reviewers),
    Column("organisation", 18, lambda r: r.organisations),
    Column("country", 12, lambda r: r.countries),
    Column("chapter", 8, lambda r: r.chapter),
    Column("section", 20, lambda r: r.section or ""),
    Column("paragraph", 9, lambda r: r.paragraph),
    Column("page and line", 12, page_line),
    Column("type", 11, lambda r: r.type),
    Column("comment", 50, lambda r: r.comment),
    Column("proposed change", 40, lambda r: r.proposed or ""),
    Column("flags", 20, flags_text),
    Column("remark ids", 13, lambda r: "\n".join(r.remarks)),
    Column("disposition", 16, lambda r: r.disposition),
    Column("response", 40, lambda r: r.response),
    Column("adopted text", 30, lambda r: r.adopted),
)
HEADERS = tuple(c.header for c in COLUMNS)


def title_block(matrix: Matrix) -> list[tuple[str, str]]:
    """Return the (label, value) lines above the table."""
    return [
        ("Guideline", matrix.guideline),
        ("Chapter", f"{matrix.chapter} {matrix.chapter_title}".strip()),
        ("Round", matrix.round or "—"),
        ("Base revision", str(matrix.revision)),
    ]
