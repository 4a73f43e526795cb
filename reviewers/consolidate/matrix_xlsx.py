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

A second sheet, "Summary", counts the rows each reviewer supports (by type) and the rows per
disposition (formulas over the disposition column, so they follow the answers as typed).
Row heights are estimated by laying each cell's words out on lines of the column's width
(``_lines``), since LibreOffice does not fit them itself.

``write_xlsx(matrix, out)`` writes the workbook (atomically) and returns ``out``.
``read_xlsx_dispositions(path)`` reads the drafter's decisions back from an edited copy:
``{row id: MatrixDisposition(type, disposition, response)}``. Columns are found by their header
text, so reordering columns or adding rows above the table is harmless; values are compared
without regard to case or surrounding spaces. ``MatrixError`` names the cell of a value outside
the lists, a repeated row id, or a missing header.

The columns and their values are ``reviewers.consolidate.matrix.COLUMNS``.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from drafts.core.files import atomic_output
from reviewers.consolidate.matrix import (
    COLUMNS,
    DISPOSITIONS,
    HEADER_FILL,
    HEADERS,
    TYPES,
    MatrixDisposition,
    MatrixError,
    cell_text,
    fill_of,
    title,
    title_block,
)
from reviewers.consolidate.models import Matrix

HEADER_ROW = 7
SHEET = "Matrix"
LINE_HEIGHT = 15  # points per line of 11 pt text
PADDING = 3  # points above and below a cell's text
SUMMARY = "Summary"
FONT = "Calibri"


def _lines(value: object, width: float) -> int:
    """The lines a wrapped cell takes: its words laid out greedily on lines of ``width`` less
    one characters (Excel's width counts digits, wider than most letters), a word longer than a
    line broken as Excel breaks it. LibreOffice does not fit row heights itself."""
    per_line = max(int(width) - 1, 1)
    lines = 0
    for part in str(value or "").split("\n"):
        used = 0
        lines += 1
        for word in part.split():
            size = len(word)
            if used and used + 1 + size > per_line:
                lines += 1
                used = 0
            if size > per_line:
                lines += (size - 1) // per_line
                size = (size - 1) % per_line + 1
            used += size + (1 if used else 0)
    return max(lines, 1)


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
    ws["A1"] = title(matrix)
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
        ws.row_dimensions[i].height = LINE_HEIGHT * lines + PADDING
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


def _summary(ws: Worksheet, matrix: Matrix, n: int) -> None:
    """Counts per reviewer (rows they support, by type) and per disposition. Disposition counts
    are formulas over the matrix's column, so they follow the drafters' answers as they type."""
    ws["A1"] = title(matrix)
    ws["A1"].font = Font(name=FONT, bold=True, size=14, color=HEADER_FILL)
    bold = Font(name=FONT, bold=True)
    headers = ["reviewer", "organisation", "rows", *TYPES]
    for j, text in enumerate(headers, start=1):
        ws.cell(3, j, text).font = bold
    people: dict[tuple[str, str], list[str]] = {}
    for row in matrix.rows:
        for s in {(s.name, s.organisation): s for s in row.supporters}.values():
            people.setdefault((s.name, s.organisation), []).append(row.type)
    i = 3
    for (name, organisation), types in sorted(people.items()):
        i += 1
        values = [name, organisation, len(types), *(types.count(t) for t in TYPES)]
        for j, value in enumerate(values, start=1):
            ws.cell(i, j, value)
    i += 2
    ws.cell(i, 1, "disposition").font = bold
    ws.cell(i, 3, "rows").font = bold
    col = get_column_letter(HEADERS.index("disposition") + 1)
    cells = f"{SHEET}!${col}${HEADER_ROW + 1}:${col}${HEADER_ROW + max(n, 1)}"
    rows: list[tuple[str, str | int]] = [
        *((d, f'=COUNTIF({cells},"{d}")') for d in DISPOSITIONS),
        ("not answered yet", f"=COUNTBLANK({cells})" if n else "=0"),
        ("all rows", n),
    ]
    for label, formula in rows:
        i += 1
        ws.cell(i, 1, label)
        ws.cell(i, 3, formula)
    for letter, width in zip("ABCDEF", (28, 30, 8, 10, 10, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def write_xlsx(matrix: Matrix, out: Path) -> Path:
    """Write ``matrix`` to ``out`` (.xlsx, see module docstring); return ``out``."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    _sheet(ws, matrix)
    _summary(wb.create_sheet(SUMMARY), matrix, len(matrix.rows))
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
