"""The compiled .docx of an EGM pack: a skeleton in house style, filled with whole documents.

``compile_pack(ws, egm, record, actor, out)`` builds, with python-docx on the reference
template, a skeleton holding the cover page, the table of contents (a Word TOC field over
heading levels 1 and 2, filled later by LibreOffice), the version table, and one heading per
part followed by a marker paragraph; then ``drafts.ooxml.write.compose`` puts in place of each
marker the body of the document it stands for:

- each chapter's current revision, rendered by the project's ``render_for``; its headings go
  one level down (the pack's "Chapter 03: Title" is level 1, the chapter's sections level 2);
- each chapter's redline since ``since_revision`` (``redline_for``: tracked insertions and
  deletions by the pen-holder); its headings go two levels down, out of the contents;
- each matrix of the annex (the committed ``matrix.docx``), in a landscape section.

The header says "EGM PACK — <short title> — <EGM> — <date>"; the footer the commit the pack was
made from and "Page X of Y". Line numbers are off: a pack is read and cited by page and
paragraph number.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from docx.enum.section import WD_SECTION
from docx.shared import Cm, Pt

from drafts.models import EGM
from drafts.ooxml.write.compose import Slot, compose, link_header_footer, toc_field
from drafts.ooxml.write.parts import edit_docx
from drafts.ooxml.write.stamp import write_stamp
from drafts.ooxml.write.tables import (
    cell_padding,
    repeat_header,
    shade,
)
from drafts.word import house
from drafts.word.revision import redline_for, render_for
from drafts.workspace import Actor, Workspace
from reviewers.consolidate.matrix import HEADER_FILL
from reviewers.egm.pack_models import ChapterEntry, PackRecord

#: the version table's columns, as its header row reads
COLUMNS = (
    "chapter", "title", "revision", "commit", "date", "rounds held", "remarks received",
    "accepted", "modified", "noted", "rejected",
)  # fmt: skip
#: column widths in cm (16 cm of text width on A4 with 2.5 cm margins)
WIDTHS_CM = (1.3, 2.9, 1.3, 1.3, 1.7, 1.2, 1.4, 1.5, 1.5, 1.0, 1.4)
TOC_LEVELS = 2
TOC_PLACEHOLDER = "The table of contents is filled when the pack is laid out."


def chapter_heading(c: ChapterEntry) -> str:
    """The level-1 heading of a chapter in the pack (what the contents list)."""
    return f"Chapter {c.chapter}: {c.title}"


def redline_heading(c: ChapterEntry) -> str:
    """The level-1 heading of a chapter's redline."""
    return f"Changes to chapter {c.chapter} since revision {c.since_revision} ({c.since})"


def version_row(c: ChapterEntry) -> list[str]:
    """The version table's cells for one chapter, in ``COLUMNS`` order."""
    values = [c.chapter, c.title, str(c.revision), c.commit[:7], c.date.isoformat()]
    values += [str(len(c.rounds)), str(c.received)]
    return values + [str(n) for n in (c.accepted, c.modified, c.noted, c.rejected)]


def _marker(n: int) -> str:
    return f"[[penholder-pack-part-{n}]]"


def _cover(doc: Any, ws: Workspace, egm: EGM, record: PackRecord) -> None:
    doc.add_paragraph(ws.guideline.title, style="Title")
    doc.add_paragraph(f"Pack for the {egm.name} ({egm.id})", style="Subtitle")
    when = egm.start.isoformat() + (f" to {egm.end.isoformat()}" if egm.end else "")
    for line in (
        f"{when}, {egm.location}" if egm.location else when,
        f"Chapters on the agenda: {', '.join(egm.agenda)}",
        f"Made on {record.made.date().isoformat()} by {record.made_by} from commit "
        f"{record.head[:10]}",
    ):
        doc.add_paragraph(line, style="Date")
    doc.add_page_break()
    doc.add_paragraph("Contents", style="TOC Heading")
    toc_field(doc.add_paragraph()._p, TOC_LEVELS, TOC_PLACEHOLDER)


def _version_table(doc: Any, record: PackRecord) -> None:
    heading = doc.add_paragraph("Version table", style="Heading 1")
    heading.paragraph_format.page_break_before = True
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = doc.styles["Table"]
    table.autofit = False
    cell_padding(table._tbl, 57)
    for cell, text in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = text
        shade(cell._tc, HEADER_FILL)
        cell.paragraphs[0].runs[0].bold = True
    repeat_header(table.rows[0]._tr)
    for c in record.chapters:
        for cell, text in zip(table.add_row().cells, version_row(c), strict=True):
            cell.text = text
    for column, width in zip(table.columns, WIDTHS_CM, strict=True):
        column.width = Cm(width)  # the grid: LibreOffice lays columns out by it, not by cells
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS_CM, strict=True):
            cell.width = Cm(width)
            cell.paragraphs[0].style = doc.styles["Compact"]
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(8)
    doc.add_paragraph(
        "Rounds held: review rounds that included the chapter. Remarks received: remarks in the "
        "rows of its consolidated rounds; accepted, modified (accepted with modification), noted "
        "and rejected (not accepted): the rows answered so, as recorded when the pack was made.",
        style="Compact",
    )


def _heading(doc: Any, text: str, note: str) -> None:
    doc.add_paragraph(text, style="Heading 1").paragraph_format.page_break_before = True
    doc.add_paragraph(note, style="Compact")


def _landscape(doc: Any, ws: Workspace) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    house.apply_page(section, ws.guideline, landscape=True)
    link_header_footer(doc.sections[-2]._sectPr, section._sectPr)


def compile_pack(ws: Workspace, egm: EGM, record: PackRecord, actor: Actor, out: Path) -> Path:
    """Write the compiled pack (module docstring) to ``out``; return ``out``."""
    doc = house.document(ws.guideline)
    _cover(doc, ws, egm, record)
    _version_table(doc, record)
    slots: dict[str, Slot] = {}
    tmp = Path(tempfile.mkdtemp(prefix="parts-", dir=out.parent))
    for c in record.chapters:
        date = c.date.isoformat()
        _heading(doc, chapter_heading(c), f"Revision {c.revision} of {date} ({c.commit[:10]}).")
        path = render_for(ws, c.chapter, c.revision, tmp / f"{c.chapter}.docx")
        slots[_marker(len(slots))] = Slot(path, shift=1, skip=("Title",))  # the heading says it
        doc.add_paragraph(_marker(len(slots) - 1))
    for c in record.chapters:
        if c.since_revision >= c.revision:
            _heading(doc, redline_heading(c), f"No change: revision {c.revision} is current.")
            continue
        _heading(
            doc,
            redline_heading(c),
            f"Revision {c.since_revision} with the changes up to revision {c.revision} tracked "
            f"(insertions and deletions by {actor.name}).",
        )
        old, new = c.since_revision, c.revision
        path = redline_for(ws, c.chapter, old, new, tmp / f"{c.chapter}-redline.docx", actor.name)
        slots[_marker(len(slots))] = Slot(path, shift=2, skip=("Title",))
        doc.add_paragraph(_marker(len(slots) - 1))
    _landscape(doc, ws)
    if not record.matrices:
        doc.add_paragraph("Annex: comment-resolution matrices", style="Heading 1")
        doc.add_paragraph("No round was consolidated since the previous pack.", style="Compact")
    for i, m in enumerate(record.matrices):
        title = f"Annex: comment-resolution matrix, chapter {m.chapter}, round {m.round}"
        p = doc.add_paragraph(title, style="Heading 1")
        p.paragraph_format.page_break_before = i > 0
        path = tmp / f"matrix-{m.round}-{m.chapter}.docx"
        path.write_bytes(ws.committed(m.path) or b"")
        slots[_marker(len(slots))] = Slot(path)
        doc.add_paragraph(_marker(len(slots) - 1))
    skeleton = tmp / "skeleton.docx"
    doc.save(str(skeleton))
    g = ws.guideline
    header = " — ".join(["EGM PACK", g.label, egm.id, record.made.date().isoformat()])
    properties = {"penholder.guideline": g.title, "penholder.egm": egm.id,
                  "penholder.commit": record.head}  # fmt: skip
    edit_docx(
        skeleton,
        lambda parts: write_stamp(parts, properties, header, f"{egm.id} pack ({record.head[:7]})"),
    )
    return compose(skeleton, slots, out)
