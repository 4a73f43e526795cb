"""The comment-resolution matrix as a Word table, in house style.

``write_docx(matrix, out)`` writes one .docx built on ``templates/reference.docx`` (its styles,
header and footer parts; its sample body removed, its line numbering dropped): one section of
the guideline's paper in landscape (``drafts.word.house.apply_page``; A4 by default) with 1.27 cm margins, the title
"Comment-resolution matrix — Chapter N title", the title block (guideline, chapter, round, base
revision) and one table with the columns of ``reviewers.consolidate.matrix.docx_columns``: id,
reviewer(s) (name, organisation and country, one supporter a line), location (section,
paragraph, page and line), type, comment, proposed change, disposition, response (and adopted
text once a row has one). Conflicts and duplicates are gathered under a heading row spanning
the table (``reviewers.consolidate.matrix.groups``), filled like their rows.

Widths: each column's share of the text width (``DOCX_COLUMNS`` widths, in cm), widened where
its longest word would not fit (a word is never broken across lines: LibreOffice breaks a word
that is wider than its column), taken from the widest columns. Widths are set on the table grid
(``w:tblGrid``, which LibreOffice lays columns out by) as well as on every cell (which Word
uses). The header row is repeated on each page (``w:tblHeader``); cells use the paragraph style
``MATRIX_STYLE`` (the house font at ``FONT_PT``). The page header reads "Comment-resolution
matrix — <guideline> — Chapter N — round Rk — revision r"; the footer "Page X of Y". The file is
written atomically; ``out`` is returned.

python-docx has no API for header rows, cell shading, spans or fields: those few XML edits are
in ``drafts.ooxml.write.tables``.
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
from drafts.models import Guideline
from drafts.ooxml.write.tables import (
    append_rows,
    bold_row,
    cell_padding,
    clear_body,
    drop_line_numbering,
    page_x_of_y,
    paragraph_style,
    repeat_header,
    shade,
    span_from,
)
from drafts.word import house
from reviewers.consolidate.matrix import (
    HEADER_FILL,
    Column,
    cell_text,
    docx_columns,
    fill_of,
    groups,
    title,
    title_block,
)
from reviewers.consolidate.models import Matrix

MATRIX_STYLE = "Matrix Text"
FONT_PT = 8
MARGIN = Cm(1.27)
#: left and right cell padding, in twentieths of a point (0.1 cm)
CELL_PADDING = 57
#: the width of one character of a long word at FONT_PT, in cm (generous: 0.62 em; bold text
#: is wider still, hence BOLD)
CHAR_CM = FONT_PT * 0.62 * 2.54 / 72
BOLD = 1.1


def _style(doc: Any) -> None:
    """Add the cell paragraph style: house font, 7.5 pt, tight spacing."""
    names = {s.name for s in doc.styles}
    style = (
        doc.styles[MATRIX_STYLE]
        if MATRIX_STYLE in names
        else doc.styles.add_style(MATRIX_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    )
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(FONT_PT)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0


def _page(doc: Any, matrix: Matrix, guideline: Guideline | None) -> None:
    section = doc.sections[-1]
    if guideline is not None:  # the house paper (A4 unless house.paper says A3, ...), turned
        house.apply_page(section, guideline, landscape=True)
    else:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)  # A4, as the house default
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


def _longest_word(texts: list[str]) -> int:
    return max((len(word) for text in texts for word in text.split()), default=0)


def widths_cm(columns: tuple[Column, ...], rows: list[list[str]], text_cm: float) -> list[float]:
    """Each column's width in cm: its share of ``text_cm``, widened to its longest word (its
    header's in bold), the width taken from the columns with room to spare, widest first."""
    total = sum(c.width for c in columns)
    share = [text_cm * c.width / total for c in columns]
    pad = 2 * CELL_PADDING / 20 * 2.54 / 72 + 0.05
    need = [
        max(_longest_word([r[j] for r in rows]), _longest_word([c.header]) * BOLD) * CHAR_CM + pad
        for j, c in enumerate(columns)
    ]
    width = [max(s, n) for s, n in zip(share, need, strict=True)]
    excess = sum(width) - text_cm
    for j in sorted(range(len(columns)), key=lambda j: -width[j]):
        if excess <= 0:
            break
        spare = max(0.0, width[j] - max(need[j], share[j] * 0.6))
        take = min(spare, excess)
        width[j] -= take
        excess -= take
    return width


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
    columns = docx_columns(matrix)
    style_id = doc.styles[MATRIX_STYLE].style_id
    rows: list[list[str]] = []
    fills: list[str | None] = []
    headings: list[int] = []  # indices in rows of the group headings
    for heading, members in groups(matrix):
        if heading is not None:
            headings.append(len(rows))
            rows.append(["", heading] + [""] * (len(columns) - 2))
            fills.append(fill_of(members[0]))
        for row in members:
            values = [cell_text(column.value(row)) for column in columns]
            rows.append(["" if value is None else str(value) for value in values])
            fills.append(fill_of(row))
    section = doc.sections[-1]
    text_cm = (section.page_width - section.left_margin - section.right_margin) / Cm(1)
    widths = [Cm(x) for x in widths_cm(columns, rows, text_cm)]
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = doc.styles["Table"]
    table.autofit = False
    cell_padding(table._tbl, CELL_PADDING)
    head = table.rows[0]
    for column, cell, width in zip(table.columns, head.cells, widths, strict=True):
        column.width = cell.width = width  # the grid (LibreOffice) and the cell (Word)
    _fill_row(head, [c.header for c in columns], HEADER_FILL, style_id)
    repeat_header(head._tr)
    for cell in _cells(head):
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    prototype = table.add_row()
    _fill_row(prototype, [""] * len(columns), None, style_id)
    for cell in _cells(prototype):
        for r in cell.paragraphs[0].runs:
            r._r.getparent().remove(r._r)
    table._tbl.remove(prototype._tr)
    append_rows(table._tbl, prototype._tr, rows, fills)
    trs = table._tbl.tr_lst
    for i in headings:
        tr = trs[i + 1]  # after the header row
        span_from(tr, 1)
        bold_row(tr)


def write_docx(matrix: Matrix, out: Path, guideline: Guideline | None = None) -> Path:
    """Write ``matrix`` to ``out`` as a .docx table (see module docstring) on the guideline's
    paper in landscape (A4 landscape without one); return ``out``."""
    doc = Document(str(resources.reference_docx()))
    clear_body(doc.element.body)
    _style(doc)
    _page(doc, matrix, guideline)
    doc.add_paragraph(title(matrix), style="Title")
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
