"""The comment-resolution matrix as an .xlsx workbook, and its dispositions read back.

Laid out after the ISO/IEC commenting template standards bodies use (see ``docs/matrix.md``):
a title block (guideline, chapter, round, base revision), a blank row, then the header row
(``HEADER_ROW``) and one row per ``Row`` of the ``Matrix``, in the matrix's order, with the
columns of ``COLUMNS``. The header is frozen and filtered, text wraps, "type" and "disposition"
are drop-down lists, conflicting rows are filled ``CONFLICT_FILL`` and rows that no longer apply
``STALE_FILL`` (a row that is both is shown as conflicting). Cell text never becomes a formula
(a comment starting with "=" stays text); control characters are dropped and text over Excel's
32,767 characters is cut with a note (``cell_text``). Printing: A4 landscape, one page
wide, the header row repeated on each page.

``write_xlsx(matrix, out)`` writes the workbook (atomically) and returns ``out``.
``read_xlsx_dispositions(path)`` reads the drafter's decisions back from an edited copy:
``{row id: MatrixDisposition(type, disposition, response)}``. Columns are found by their header
text, so reordering columns or adding rows above the table is harmless; values are compared
without regard to case or surrounding spaces. ``MatrixError`` names the cell of a value outside
the lists, a repeated row id, or a missing header.

``write_docx`` (the same matrix as a Word table) is in ``reviewers.consolidate.matrix_docx``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, get_args

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from drafts.core.errors import DocumentError
from drafts.core.files import atomic_output
from reviewers.consolidate.models import CommentType, Disposition, Matrix, Row

TYPES: tuple[str, ...] = get_args(CommentType)
DISPOSITIONS: tuple[str, ...] = tuple(d for d in get_args(Disposition) if d)
HEADER_ROW = 7
CONFLICT_FILL = "FCE4D6"
STALE_FILL = "E7E6E6"
HEADER_FILL = "1F3864"
SHEET = "Matrix"
LINE_HEIGHT = 15  # points per line of 11 pt text
FONT = "Calibri"
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


def _lines(value: object, width: float) -> int:
    """Estimate the lines a wrapped cell takes (LibreOffice does not fit row heights itself)."""
    per_line = max(int(width) - 1, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in str(value or "").split("\n"))


def _validation(ws: Worksheet, header: str, values: tuple[str, ...], last: int) -> None:
    col = get_column_letter(HEADERS.index(header) + 1)
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    dv.error = f"Choose one of: {', '.join(values)}"
    dv.errorTitle = f"Invalid {header}"
    dv.prompt = f"{header}: {', '.join(values)}"
    dv.promptTitle = header
    dv.showErrorMessage = dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add(f"{col}{HEADER_ROW + 1}:{col}{last}")


def _sheet(ws: Worksheet, matrix: Matrix) -> None:
    ncols = len(COLUMNS)
    last_col = get_column_letter(ncols)
    ws["A1"] = "Comment-resolution matrix"
    ws["A1"].font = Font(name=FONT, bold=True, size=14, color=HEADER_FILL)
    for i, (label, value) in enumerate(title_block(matrix), start=2):
        ws.cell(i, 1, label).font = Font(name=FONT, bold=True)
        ws.cell(i, 2, value)
        ws.merge_cells(f"B{i}:{last_col}{i}")
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for j, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, j, column.header)
        cell.font = Font(name=FONT, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment, cell.border = wrap, border
        ws.column_dimensions[get_column_letter(j)].width = column.width
    ws.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * 2
    # one named style per fill, registered once: setting alignment, border and fill cell by cell
    # makes openpyxl hash style objects for every cell (seconds for a 1,500-row matrix)
    styles: dict[str | None, str] = {}
    for fill in {fill_of(row) for row in matrix.rows}:
        style = NamedStyle(name=f"matrix {fill or 'plain'}", alignment=wrap, border=border)
        if fill:
            style.fill = PatternFill("solid", fgColor=fill)
        ws.parent.add_named_style(style)
        styles[fill] = style.name
    for i, row in enumerate(matrix.rows, start=HEADER_ROW + 1):
        style_name = styles[fill_of(row)]
        lines = 1
        for j, column in enumerate(COLUMNS, start=1):
            cell = ws.cell(i, j)
            content = cell_text(column.value(row))
            cell.value = content
            if isinstance(content, str) and content.startswith("="):
                cell.data_type = "s"  # a reviewer's text, never a formula
            cell.style = style_name
            lines = max(lines, _lines(cell.value, column.width))
        ws.row_dimensions[i].height = LINE_HEIGHT * lines
    last = HEADER_ROW + max(len(matrix.rows), 1)
    ws.freeze_panes = f"B{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{last}"
    _validation(ws, "type", TYPES, last)
    _validation(ws, "disposition", DISPOSITIONS, last)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "&P / &N"


def write_xlsx(matrix: Matrix, out: Path) -> Path:
    """Write ``matrix`` to ``out`` (.xlsx, see module docstring); return ``out``."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    _sheet(ws, matrix)
    wb.properties.title = f"Comment-resolution matrix, chapter {matrix.chapter}"
    wb.properties.creator = "penholder"
    out = Path(out)
    with atomic_output(out) as tmp:
        wb.save(tmp)
    return out


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _choice(
    cells: list[object], cols: dict[str, int], header: str, allowed: tuple[str, ...], n: int
) -> str:
    """Return the normalised value of column ``header`` in row ``n``, or raise naming the cell."""
    value = cells[cols[header]]
    text = " ".join(_text(value).lower().split())
    if text and text not in allowed:
        where = f"{get_column_letter(cols[header] + 1)}{n}"
        raise MatrixError(
            f"cell {where} of the matrix has {header} {_text(value)!r}; "
            f"use one of: {', '.join(allowed)} (or leave it blank)"
        )
    return text


def _header(rows: list[tuple[object, ...]], path: Path) -> tuple[int, dict[str, int]]:
    """Return the index of the header row and ``{header: column index}``."""
    for i, values in enumerate(rows):
        names = [_text(v).lower() for v in values]
        if "id" in names and "disposition" in names:
            cols = {name: j for j, name in enumerate(names) if name}
            missing = [h for h in ("type", "response") if h not in cols]
            if missing:
                raise MatrixError(f"{path}: the matrix header has no {', '.join(missing)} column")
            return i, cols
    raise MatrixError(
        f"{path} has no matrix header row (id ... disposition); read back a matrix penholder wrote"
    )


def read_xlsx_dispositions(path: Path) -> dict[str, MatrixDisposition]:
    """Return ``{row id: MatrixDisposition}`` from an edited matrix (see module docstring)."""
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    top, cols = _header(rows, path)
    out: dict[str, MatrixDisposition] = {}
    for n, values in enumerate(rows[top + 1 :], start=top + 2):
        cells = list(values) + [None] * len(cols)
        row_id = _text(cells[cols["id"]])
        if not row_id:
            continue
        if row_id in out:
            raise MatrixError(f"{path} lists row {row_id} twice (row {n}); keep one")
        kind = _choice(cells, cols, "type", TYPES, n)
        disp = _choice(cells, cols, "disposition", DISPOSITIONS, n)
        response = _text(cells[cols["response"]])
        out[row_id] = MatrixDisposition(kind or None, disp, response)  # type: ignore[arg-type]
    return out


def write_docx(matrix: Matrix, out: Path) -> Path:
    """Write ``matrix`` to ``out`` as a Word table; see ``reviewers.consolidate.matrix_docx``."""
    from reviewers.consolidate.matrix_docx import write_docx as write

    return write(matrix, out)
