"""The comment-resolution matrix as a Word table, in house style.

``write_docx(matrix, out)`` writes one .docx built on ``templates/reference.docx`` (its styles,
header and footer parts; its sample body removed, its line numbering dropped): an A4 landscape
section with 1.27 cm margins, the title "Comment-resolution matrix", the title block (guideline,
chapter, round, base revision) and one table with the columns of ``reviewers.consolidate.matrix.COLUMNS``
in that order, widths ``WIDTHS_CM`` scaled to the text width, cell padding 0.1 cm. The header row is
repeated on each page (``w:tblHeader``); cells use the paragraph style ``MATRIX_STYLE`` (the
house font, Calibri/Carlito, at 7.5 pt: a condensed face is not shipped on Linux). Conflicting
rows and rows that no longer apply carry the same fills as in the .xlsx. The header reads
"Comment-resolution matrix — <guideline> — Chapter N — round Rk — revision r"; the footer
"Page X of Y". The file is written atomically; ``out`` is returned.

python-docx has no API for header rows, cell shading or fields: those few XML edits are in
``drafts.ooxml.write.tables``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell

from drafts.core import resources
from drafts.core.files import atomic_output
from drafts.ooxml.write.tables import (
    append_rows,
    cell_padding,
    clear_body,
    drop_line_numbering,
    page_x_of_y,
    paragraph_style,
    repeat_header,
    shade,
)
from reviewers.consolidate.matrix import COLUMNS, HEADER_FILL, cell_text, fill_of, title_block
from reviewers.consolidate.models import Matrix

MATRIX_STYLE = "Matrix Text"
MARGIN = Cm(1.27)
#: column widths in cm, scaled together to the text width (27.16 cm on A4 landscape)
WIDTHS_CM = {
    "id": 1.5, "reviewer(s)": 1.9, "organisation": 1.9, "country": 1.3, "chapter": 1.1,
    "section": 1.9, "paragraph": 1.3, "page and line": 1.3, "type": 1.4, "comment": 4.6,
    "proposed change": 2.9, "flags": 1.8, "remark ids": 1.5, "disposition": 1.7, "response": 2.4,
    "adopted text": 2.2,
}  # fmt: skip
#: left and right cell padding, in twentieths of a point (0.1 cm)
CELL_PADDING = 57
PAGE_W, PAGE_H = Cm(29.7), Cm(21.0)


def _style(doc: Any) -> None:
    """Add the cell paragraph style: house font, 7.5 pt, tight spacing."""
    names = {s.name for s in doc.styles}
    style = (
        doc.styles[MATRIX_STYLE]
        if MATRIX_STYLE in names
        else doc.styles.add_style(MATRIX_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    )
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(7.5)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0


def _page(doc: Any, matrix: Matrix) -> None:
    section = doc.sections[-1]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    section.header_distance = section.footer_distance = Cm(0.8)
    drop_line_numbering(section._sectPr)
    parts = ["Comment-resolution matrix", matrix.guideline, f"Chapter {matrix.chapter}"]
    if matrix.round:
        parts.append(f"round {matrix.round}")
    parts.append(f"revision {matrix.revision}")
    header = section.header.paragraphs[0]
    header.text = " — ".join(parts)
    footer = section.footer.paragraphs[0]
    footer.text = ""
    page_x_of_y(footer._p)


def _widths(doc: Any) -> list[Any]:
    section = doc.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    total = sum(WIDTHS_CM[c.header] for c in COLUMNS)
    return [int(text_width * WIDTHS_CM[c.header] / total) for c in COLUMNS]


def _cells(row: Any) -> list[Any]:
    """The row's cells, built from its own ``w:tc`` elements: python-docx's ``row.cells`` walks
    the whole table each time, which makes filling a long matrix quadratic."""
    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]


def _fill_row(row: Any, values: list[str], fill: str | None, style_id: str) -> None:
    for cell, value in zip(_cells(row), values, strict=True):
        cell.text = value
        paragraph_style(cell.paragraphs[0]._p, style_id)
        if fill:
            shade(cell._tc, fill)


def _table(doc: Any, matrix: Matrix) -> None:
    widths = _widths(doc)
    style_id = doc.styles[MATRIX_STYLE].style_id
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = doc.styles["Table"]
    table.autofit = False
    cell_padding(table._tbl, CELL_PADDING)
    head = table.rows[0]
    for column, cell, width in zip(table.columns, head.cells, widths, strict=True):
        column.width = cell.width = width  # later rows take their widths from the grid
    _fill_row(head, [c.header for c in COLUMNS], HEADER_FILL, style_id)
    repeat_header(head._tr)
    for cell in _cells(head):
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    prototype = table.add_row()
    _fill_row(prototype, [""] * len(COLUMNS), None, style_id)
    for cell in _cells(prototype):
        for r in cell.paragraphs[0].runs:
            r._r.getparent().remove(r._r)
    table._tbl.remove(prototype._tr)
    rows, fills = [], []
    for row in matrix.rows:
        values = [cell_text(column.value(row)) for column in COLUMNS]
        rows.append(["" if value is None else str(value) for value in values])
        fills.append(fill_of(row))
    append_rows(table._tbl, prototype._tr, rows, fills)


def write_docx(matrix: Matrix, out: Path) -> Path:
    """Write ``matrix`` to ``out`` as a .docx table (see module docstring); return ``out``."""
    doc = Document(str(resources.reference_docx()))
    clear_body(doc.element.body)
    _style(doc)
    _page(doc, matrix)
    doc.add_paragraph("Comment-resolution matrix", style="Title")
    for label, value in title_block(matrix):
        p = doc.add_paragraph(style="Compact")
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    _table(doc, matrix)
    doc.core_properties.title = f"Comment-resolution matrix, chapter {matrix.chapter}"
    doc.core_properties.author = "penholder"
    out = Path(out)
    with atomic_output(out) as tmp:
        doc.save(str(tmp))
    return out
