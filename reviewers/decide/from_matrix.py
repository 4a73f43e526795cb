"""Answers read back from a filled-in matrix: the .xlsx (Excel, Calc) or the .docx (Word).

``read_matrix(path)`` finds the title block (chapter, round) and the table by its header row
(``id`` ... ``disposition``), whatever was added above it or however the columns were moved, and
returns one ``FileRow`` per row with an id. ``answers_from_matrix(path, matrix)`` checks the file
is ``matrix``'s (same chapter and round; every id one of its rows: an edited id column is
refused) and returns the answers, matched by id and never by position, and the rows the file no
longer has. A blank disposition cell answers nothing (a recorded answer stays as it is); a value
must be one of the four, in either spelling (``reviewers.decide.models.parse``), or the file is
refused naming the cell. A type the drafter changed on an answered row (general, technical,
editorial) is recorded with the answer and kept when the chapter is consolidated again.

Calc's ways are read as Calc shows them: a date it recognised in a typed cell is read as the
ISO date (with the time when there is one), not as ``2024-03-15 00:00:00``; and the empty row
1,048,576 Calc writes after a row was deleted (its default height differs from ours) is not
padded out into a million blank rows (seconds and hundreds of MB for any matrix).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from typing import get_args

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from pydantic import BaseModel

from drafts import layout
from drafts.core.errors import DocumentError
from drafts.ooxml.read.grid import Grid, read_grid
from reviewers.consolidate.models import CommentType, Matrix
from reviewers.decide.models import LONG, WORDS, Answer, parse

HEADERS = {"id": "id", "disposition": "disposition", "response": "response"}
ADOPTED = "adopted text"


class FileRow(BaseModel):
    """One row of a filled-in matrix: its id, the answer cells and where they are."""

    id: str
    disposition: str
    response: str
    adopted: str
    type: str = ""
    where: str


class MatrixFile(BaseModel):
    """What a filled-in matrix file says."""

    chapter: str | None
    round: str | None
    rows: list[FileRow]


class MatrixAnswers(BaseModel):
    """The answers a matrix file gives, and the rows it no longer has."""

    answers: list[Answer]
    missing: list[str]


def _text(value: object) -> str:
    if isinstance(value, datetime):  # a date Calc recognised in what was typed
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    return "" if value is None else str(value).strip()


def _title(lines: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    found = {label.strip().rstrip(":").lower(): value.strip() for label, value in lines}
    chapter = (found.get("chapter") or "").split()
    return (chapter[0] if chapter else None), (found.get("round") or None)


def _header(rows: list[list[str]]) -> int | None:
    """Return the index of the header row (it has ``id`` and ``disposition``), or None."""
    for i, values in enumerate(rows):
        names = [v.strip().lower() for v in values]
        if "id" in names and "disposition" in names:
            return i
    return None


def _table(rows: list[list[str]], label: str, where: Callable[[int, int], str]) -> list[FileRow]:
    head = _header(rows)
    if head is None:
        raise DocumentError(
            f"{label} has no matrix table (a header row with id ... disposition); import the "
            "matrix penholder wrote, filled in"
        )
    names = [v.strip().lower() for v in rows[head]]
    cols = {name: j for j, name in enumerate(names) if name}
    out = []
    for n, values in enumerate(rows[head + 1 :], start=head + 1):
        cells = list(values) + [""] * len(names)
        row_id = cells[cols["id"]].strip()
        if not row_id:
            continue
        out.append(
            FileRow(
                id=row_id,
                disposition=cells[cols["disposition"]].strip(),
                response=cells[cols["response"]].strip() if "response" in cols else "",
                adopted=cells[cols[ADOPTED]].strip() if ADOPTED in cols else "",
                type=cells[cols["type"]].strip().lower() if "type" in cols else "",
                where=where(n, cols["disposition"]),
            )
        )
    return out


def _read_xlsx(path: Path) -> MatrixFile:
    # opened as a file: openpyxl refuses a path whose name does not end in .xlsx (a matrix
    # saved or mailed under another name), and the content already said it is a workbook
    with path.open("rb") as fh:
        return _read_sheet(path, load_workbook(fh, read_only=True, data_only=True))


def _read_sheet(path: Path, wb: Workbook) -> MatrixFile:
    try:
        sheet = wb["Matrix"] if "Matrix" in wb.sheetnames else wb.worksheets[0]
        sheet.reset_dimensions()  # rows as stored: Calc may claim A1:P1048576
        rows: list[list[str]] = []
        blank = 0
        for r in sheet.iter_rows(values_only=True):
            values = [_text(v) for v in r] if r else []
            if not any(values):
                blank += 1  # kept only when a row with text follows (trailing ones dropped)
                continue
            rows.extend([] for _ in range(blank))
            blank = 0
            rows.append(values)
    finally:
        wb.close()
    head = _header(rows) or 0
    chapter, round_id = _title([(r[0], r[1]) for r in rows[:head] if len(r) > 1])

    def cell(n: int, j: int) -> str:
        return f"cell {get_column_letter(j + 1)}{n + 1}"

    return MatrixFile(chapter=chapter, round=round_id, rows=_table(rows, str(path), cell))


def _cell(n: int, j: int) -> str:
    return f"table row {n + 1}, column {j + 1}"


def _read_docx(path: Path) -> MatrixFile:
    items = read_grid(path, str(path))
    grids = [g for g in items if isinstance(g, Grid)]
    lines = [tuple(p.split(":", 1)) for p in items if isinstance(p, str) and ":" in p]
    chapter, round_id = _title([(a, b) for a, b in lines])
    for grid in grids:
        if any("disposition" in [c.lower() for c in r] for r in grid.rows[:1]):
            return MatrixFile(
                chapter=chapter, round=round_id, rows=_table(grid.rows, str(path), _cell)
            )
    raise DocumentError(
        f"{path} has no matrix table (a header row with id ... disposition); import the matrix "
        "penholder wrote, filled in"
    )


def is_xlsx(path: Path) -> bool:
    """True when ``path`` is a spreadsheet (an .xlsx package), whatever its name."""
    try:
        with zipfile.ZipFile(path) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def read_matrix(path: Path) -> MatrixFile:
    """Read a filled-in matrix (.xlsx or .docx, told apart by content)."""
    return _read_xlsx(path) if is_xlsx(path) else _read_docx(path)


def _type(path: Path, row: FileRow, proposed: str) -> CommentType | None:
    """The type the drafter gave ``row`` when it differs from the one proposed, else None."""
    if not row.type or row.type == proposed:
        return None
    if row.type not in get_args(CommentType):
        raise DocumentError(
            f"{path}: {row.id} has type {row.type!r}; use one of: {', '.join(get_args(CommentType))}"
        )
    return row.type  # type: ignore[return-value]


def answers_from_matrix(path: Path, matrix: Matrix) -> MatrixAnswers:
    """Return the answers ``path`` gives to ``matrix``'s rows (see module docstring)."""
    found = read_matrix(path)
    mine = (matrix.chapter, matrix.round)
    if (found.chapter, found.round) != mine and found.chapter is not None:
        raise DocumentError(
            f"{path} is the matrix of chapter {found.chapter}, round {found.round}, not chapter "
            f"{matrix.chapter}, round {matrix.round}; import it with `penholder matrix import "
            f"{found.chapter} --round {found.round} {path.name}`"
        )
    ids = {r.id for r in matrix.rows}
    types = {r.id: r.type for r in matrix.rows}
    answers = []
    for row in found.rows:
        if row.id not in ids:
            raise DocumentError(
                f"{path}: {row.id} is not a row of chapter {matrix.chapter}, round {matrix.round} "
                "(was the id column edited?); fill in a fresh copy of the matrix from "
                f"{layout.consolidated(matrix.round or 'none', matrix.chapter)}/"
            )
        if not row.disposition:
            continue
        word = parse(row.disposition)
        if word is None:
            allowed = ", ".join([*WORDS, *(v for v in LONG.values() if v not in WORDS)])
            raise DocumentError(
                f"{path}: {row.where} ({row.id}) has disposition {row.disposition!r}; use one "
                f"of: {allowed}"
            )
        adopted = row.adopted or None
        answers.append(
            Answer(
                row=row.id, disposition=word, response=row.response, adopted=adopted,
                type=_type(path, row, types[row.id]),
            )
        )  # fmt: skip
    seen = {r.id for r in found.rows}
    missing = [r.id for r in matrix.rows if r.id not in seen]
    return MatrixAnswers(answers=answers, missing=missing)
