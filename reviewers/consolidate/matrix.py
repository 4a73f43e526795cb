"""The comment-resolution matrix's columns: what each cell of a row says, for every writer.

Laid out after the ISO/IEC commenting template standards bodies use (see ``docs/matrix.md``):
``COLUMNS`` (header, width in characters, value of a ``Row``) in order, the workbook's;
``DOCX_COLUMNS`` the fewer, wider columns of the Word table (who, where and what in one cell
each; the drafters' disposition and response wide), widths in cm; ``groups`` the Word table's
rows with conflicts and duplicates gathered under a heading row; ``title`` and ``title_block``
the lines above the table (the chapter is named there, not in a column); ``fill_of`` the row's fill (``CONFLICT_FILL`` for conflicting rows,
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
    Column("section", 20, lambda r: r.section or ""),
    Column("paragraph", 9, lambda r: r.paragraph),
    Column("page and line", 12, page_line),
    Column("type", 11, lambda r: r.type),
    Column("comment", 50, lambda r: r.comment),
    Column("proposed change", 40, lambda r: r.proposed or ""),
    Column("flags", 22, flags_text),
    Column("remark ids", 13, lambda r: "\n".join(r.remarks)),
    Column("disposition", 16, lambda r: r.disposition),
    Column("response", 40, lambda r: r.response),
    Column("adopted text", 30, lambda r: r.adopted),
)
HEADERS = tuple(c.header for c in COLUMNS)


def who(row: Row) -> str:
    """Each supporter on a line: "Ana Lima (City of Recife, Brazil)"."""
    lines = []
    for s in row.supporters:
        about = ", ".join(x for x in (s.organisation, s.country) if x)
        lines.append(f"{s.name} ({about})" if about else s.name)
    return "\n".join(dict.fromkeys(lines))


def location(row: Row) -> str:
    """Section, paragraph number, page and line, one a line (those that are known)."""
    parts = [row.section or "", f"para. {row.paragraph}" if row.paragraph else "", page_line(row)]
    return "\n".join(p for p in parts if p)


#: the Word table's columns: widths in cm, scaled together to the text width
DOCX_COLUMNS: tuple[Column, ...] = (
    Column("id", 1.9, lambda r: r.id),
    Column("reviewer(s)", 3.6, who),
    Column("location", 2.7, location),
    Column("type", 1.7, lambda r: r.type),
    Column("comment", 5.6, lambda r: r.comment),
    Column("proposed change", 3.9, lambda r: r.proposed or ""),
    Column("disposition", 2.9, lambda r: r.disposition),
    Column("response", 4.8, lambda r: r.response),
)
#: added to the Word table once any row has an adopted text
ADOPTED = Column("adopted text", 4.0, lambda r: r.adopted)


def docx_columns(matrix: Matrix) -> tuple[Column, ...]:
    """The Word table's columns for ``matrix`` (adopted text only when some row has one)."""
    return DOCX_COLUMNS + ((ADOPTED,) if any(r.adopted for r in matrix.rows) else ())


def groups(matrix: Matrix) -> list[tuple[str | None, list[Row]]]:
    """The rows in matrix order, a conflict's rows gathered where its first row stands and a
    duplicate's row, each under a heading (``(heading, rows)``; ``None``: a row on its own)."""
    by_id = {r.id: r for r in matrix.rows}
    done: set[str] = set()
    out: list[tuple[str | None, list[Row]]] = []
    for row in matrix.rows:
        if row.id in done:
            continue
        if "conflict" in row.flags and row.conflicts_with:
            ids = sorted({row.id, *row.conflicts_with} & set(by_id))
            members = [by_id[i] for i in ids]
            done.update(ids)
            out.append(
                (
                    f"Conflict: {', '.join(ids)} propose different texts for the same passage; "
                    "accept at most one",
                    members,
                )
            )
        elif "duplicate" in row.flags:
            done.add(row.id)
            out.append(
                (
                    f"Duplicate: the same remark from {len(row.supporters)} reviewers "
                    f"(remarks {', '.join(row.remarks)})",
                    [row],
                )
            )
        else:
            done.add(row.id)
            out.append((None, [row]))
    return out


def title(matrix: Matrix) -> str:
    """The heading of either file: "Comment-resolution matrix — Chapter 03 Title"."""
    return f"Comment-resolution matrix — Chapter {matrix.chapter} {matrix.chapter_title}".strip()


def title_block(matrix: Matrix) -> list[tuple[str, str]]:
    """Return the (label, value) lines above the table."""
    return [
        ("Guideline", matrix.guideline),
        ("Chapter", f"{matrix.chapter} {matrix.chapter_title}".strip()),
        ("Round", matrix.round or "—"),
        ("Base revision", str(matrix.revision)),
        *([("Page and line", f"missing: {matrix.pages_missing}")] if matrix.pages_missing else []),
    ]
