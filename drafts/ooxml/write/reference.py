"""The reference document: the contract every render relies on, and how it is built.

``check_template(path)`` raises ``TemplateError`` naming the first missing style and the file
(or saying the file is missing or unreadable), so a broken template fails before pandoc runs.

``build_reference(default, out)`` makes penholder's house style from pandoc's default reference
(``templates/build_reference.py`` runs it): python-docx restyles it (Calibri, metric-compatible
Carlito on Linux, 11 pt body, Title, Heading 1-3, Body Text / First Paragraph / Compact, Footnote
Text, the "Table" table style, a "Numbered Paragraph" style, Header/Footer styles, A4 with 2.5 cm
margins, a default header and footer that each render rewrites with its stamp); this layer adds
what python-docx lacks: line numbering restarting on each page (``w:lnNumType`` after
``w:pgMar`` in the last ``w:sectPr``) and Word numbering bound to "Numbered Paragraph" (pandoc
drops a reference's numbering.xml, so renders add it again).
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from drafts.core.errors import DocumentError, TemplateError
from drafts.ooxml.namespaces import w
from drafts.ooxml.write.numbering import (
    NUMBERED_PARAGRAPH,
    install_paragraph_numbering,
    missing_styles,
)
from drafts.ooxml.write.parts import DocxParts, edit_docx

#: style names (as Word shows them) that renders use; compared case-insensitively
REQUIRED_STYLES: tuple[str, ...] = (
    "Normal",
    "Title",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Body Text",
    "First Paragraph",
    "Compact",
    "Footnote Text",
    "Footnote Reference",
    "Table",
    NUMBERED_PARAGRAPH,
    "Header",
    "Footer",
)


def check_template(path: Path) -> None:
    """Return quietly if ``path`` is a .docx holding every style in ``REQUIRED_STYLES``."""
    if not path.is_file():
        raise TemplateError(
            f"reference template {path} does not exist; build it with "
            "`python templates/build_reference.py`"
        )
    try:
        styles = DocxParts(path).xml("word/styles.xml")
    except DocumentError as exc:
        raise TemplateError(f"reference template {path} cannot be read: {exc}") from exc
    missing = missing_styles(styles, REQUIRED_STYLES)
    if missing:
        raise TemplateError(
            f"reference template {path} lacks the style {missing[0]!r}"
            + (f" (and {len(missing) - 1} more: {', '.join(missing[1:])})" if missing[1:] else "")
            + "; rebuild it with `python templates/build_reference.py`"
        )


FONT = "Calibri"
UN_BLUE = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x59, 0x59, 0x59)


def _typeface(style: Any, font: str) -> None:
    """Set every script's typeface of ``style`` (ascii, hAnsi, cs, eastAsia) to ``font``."""
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(w("rFonts")):
        rpr.remove(old)
    style.font.name = font
    rfonts = rpr.find(w("rFonts"))
    rfonts.set(w("cs"), font)
    rfonts.set(w("eastAsia"), font)


def set_fonts(doc: Any, body: str, heading: str) -> None:
    """Give a python-docx document built on the reference other typefaces: ``heading`` for
    Title and Heading 1-3, ``body`` for every other style that names one (sizes, colours kept)."""
    headings = {"Title", "Heading 1", "Heading 2", "Heading 3"}
    for style in doc.styles:
        rpr = style.element.rPr
        if rpr is not None and rpr.find(w("rFonts")) is not None:
            _typeface(style, heading if style.name in headings else body)


def _font(
    style: Any, size: float, *, bold: Any = None, italic: Any = None, color: Any = None
) -> None:
    _typeface(style, FONT)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    if color is not None:
        style.font.color.rgb = color


def _spacing(style: Any, before: float, after: float, line: float | None = None) -> None:
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = line


def _style(doc: Any, name: str, kind: Any = WD_STYLE_TYPE.PARAGRAPH) -> Any:
    try:
        return doc.styles[name]
    except KeyError:
        return doc.styles.add_style(name, kind)


def _styles(doc: Any) -> None:
    _font(doc.styles["Normal"], 11)
    _spacing(doc.styles["Normal"], 0, 6, 1.1)
    for name in ("Body Text", "First Paragraph"):
        _spacing(doc.styles[name], 0, 8, 1.1)
    _spacing(doc.styles["Compact"], 0, 3)
    title = doc.styles["Title"]
    _font(title, 20, bold=True, color=UN_BLUE)
    _spacing(title, 0, 18)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for level, size, before, after, italic in (
        (1, 16, 18, 8, False),
        (2, 13, 14, 6, False),
        (3, 11, 12, 4, True),
    ):
        heading = doc.styles[f"Heading {level}"]
        _font(heading, size, bold=True, italic=italic, color=UN_BLUE)
        _spacing(heading, before, after)
        heading.paragraph_format.keep_with_next = True
    _font(doc.styles["Footnote Text"], 9)
    _spacing(doc.styles["Footnote Text"], 0, 2, 1.0)
    numbered = _style(doc, NUMBERED_PARAGRAPH)
    numbered.base_style = doc.styles["Body Text"]
    numbered.quick_style = True
    for name in ("Header", "Footer"):
        style = _style(doc, name)
        style.base_style = doc.styles["Normal"]
        _font(style, 8, color=GREY)
        _spacing(style, 0, 0, 1.0)
        ppr = style.element.get_or_add_pPr()
        ppr.insert(0, OxmlElement("w:suppressLineNumbers"))  # before w:spacing (schema order)
    line_number = _style(doc, "Line Number", WD_STYLE_TYPE.CHARACTER)
    _font(line_number, 8, color=GREY)
    _table_style(doc.styles["Table"])


def _table_style(style: Any) -> None:
    """Rules above and below the table and under every row; pandoc marks header rows."""
    tblpr = style.element.find(w("tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        style.element.append(tblpr)
    for old in tblpr.findall(w("tblBorders")):
        tblpr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "bottom", "insideH"):
        el = OxmlElement(f"w:{edge}")
        el.set(w("val"), "single")
        el.set(w("sz"), "8" if edge != "insideH" else "4")
        el.set(w("space"), "0")
        el.set(w("color"), "1F3864")
        borders.append(el)
    tblpr.append(borders)
    _font(style, 10)


def _page(doc: Any) -> None:
    section = doc.sections[-1]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.25)
    header = section.header.paragraphs[0]
    header.text = "DRAFT — short title — Chapter N — revision r — date"
    header.style = doc.styles["Header"]
    footer = section.footer.paragraphs[0]
    footer.text = "Packet —"
    footer.style = doc.styles["Footer"]
    props = doc.core_properties
    props.title = "penholder reference"
    props.author = "penholder"
    props.last_modified_by = "penholder"
    props.revision = 1
    props.comments = "Built by templates/build_reference.py"
    props.created = props.modified = datetime(2026, 1, 1)


def _line_numbers(parts: DocxParts) -> None:
    """Add ``w:lnNumType`` (every line, restart each page) after ``w:pgMar``."""
    body = parts.xml("word/document.xml").find(w("body"))
    assert body is not None
    sect = body.findall(w("sectPr"))[-1]
    for old in sect.findall(w("lnNumType")):
        sect.remove(old)
    ln = etree.Element(w("lnNumType"))
    ln.set(w("countBy"), "1")
    ln.set(w("distance"), "283")
    ln.set(w("restart"), "newPage")
    anchor = None
    for tag in ("pgBorders", "paperSrc", "pgMar"):
        anchor = sect.find(w(tag))
        if anchor is not None:
            break
    assert anchor is not None, "python-docx wrote no w:pgMar"
    pgmar = sect.find(w("pgMar"))
    if pgmar is not None and pgmar.get(w("gutter")) is None:
        pgmar.set(w("gutter"), "0")  # required by the schema; python-docx omits it
    anchor.addnext(ln)


def _finish(parts: DocxParts) -> None:
    """What python-docx cannot write: line numbering and the numbered-paragraph numbering."""
    _line_numbers(parts)
    install_paragraph_numbering(parts.xml("word/numbering.xml"), parts.xml("word/styles.xml"))


def build_reference(default: Path, out: Path) -> Path:
    """Write the house-style reference document to ``out``, built from pandoc's ``default``
    reference document; return ``out``. The output is deterministic (fixed core properties)."""
    with tempfile.TemporaryDirectory() as tmp:
        doc = Document(str(default))
        _styles(doc)
        _page(doc)
        styled = Path(tmp) / "styled.docx"
        doc.save(str(styled))
        edit_docx(styled, _finish, out)
    return out
