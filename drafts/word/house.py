"""The house style: one page size, one pair of fonts and one header/footer family for every
document penholder writes (chapters, redlines, letters, the matrix, the EGM pack).

Everything starts from ``templates/reference.docx`` (``drafts.core.resources.reference_docx``) and
the guideline's ``house:`` settings (``drafts.models.HouseStyle``: paper, font, heading font):

- ``apply_page(section, guideline, landscape=False)``: the guideline's paper on a python-docx
  section (A4 unless ``house.paper`` says A3, Letter or Legal), turned when ``landscape``;
  margins and header/footer distances stay the reference's. Every writer of a .docx calls it,
  so a guideline's paper reaches every document from this one place.
- ``reference(guideline)``: the reference document pandoc renders chapters and redlines with:
  the packaged one when the guideline keeps A4 and Calibri, else a copy with the guideline's
  paper and fonts (made once per setting, in a cache folder of the machine's temp dir).
- ``document(guideline)``: a python-docx ``Document`` on the house reference with an empty body,
  the guideline's paper and fonts and no line numbers: what letters, the matrix and the pack
  start from.
- ``letterhead(doc, guideline, root)``: organisation, programme and letterhead lines (with the
  logo, a workspace image, when ``house.logo`` names one) at the top of the body, and
  ``running(section, header, footer)``: the header and footer texts in the house's Header and
  Footer styles (the chapters' stamp uses the same styles).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt

from drafts.core import resources
from drafts.core.errors import ConfigError
from drafts.models import PAPER_SIZES, Guideline, HouseStyle
from drafts.ooxml.write.reference import FONT, set_fonts
from drafts.ooxml.write.tables import clear_body, drop_line_numbering

DEFAULT = HouseStyle()


def paper(guideline: Guideline) -> tuple[float, float]:
    """Return the guideline's paper as (width, height) in centimetres, portrait."""
    return PAPER_SIZES[guideline.house.paper]


def apply_page(section: Any, guideline: Guideline, *, landscape: bool = False) -> None:
    """Give a python-docx ``section`` the guideline's paper, portrait or ``landscape``."""
    width, height = (Cm(x) for x in paper(guideline))
    if landscape:
        width, height = height, width
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height


def fonts(guideline: Guideline) -> tuple[str, str]:
    """Return the (body, heading) typefaces of the guideline."""
    house = guideline.house
    return house.font, house.heading_font or house.font


def _is_default(guideline: Guideline) -> bool:
    return guideline.house.paper == DEFAULT.paper and fonts(guideline) == (FONT, FONT)


def _styled(guideline: Guideline) -> Any:
    doc = Document(str(resources.reference_docx()))
    apply_page(doc.sections[-1], guideline)
    if fonts(guideline) != (FONT, FONT):
        set_fonts(doc, *fonts(guideline))
    return doc


def reference(guideline: Guideline) -> Path:
    """Return the reference document that renders of ``guideline`` use (see module docstring)."""
    packaged = resources.reference_docx()
    if _is_default(guideline):
        return packaged
    key = hashlib.sha256(packaged.read_bytes())
    key.update(f"{guideline.house.paper}|{'|'.join(fonts(guideline))}".encode())
    folder = Path(tempfile.gettempdir()) / "penholder-house"
    path = folder / f"reference-{key.hexdigest()[:16]}.docx"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{path.name}.{os.getpid()}"
        _styled(guideline).save(str(tmp))
        tmp.replace(path)  # atomic: a concurrent render reads the old file or the new one
    return path


def document(guideline: Guideline) -> Any:
    """Return a new python-docx document in the house style, with an empty body."""
    doc = _styled(guideline)
    clear_body(doc.element.body)
    drop_line_numbering(doc.sections[-1]._sectPr)
    return doc


def running(section: Any, header: str, footer: str) -> None:
    """Write ``header`` and ``footer`` (one line each) in the house's Header and Footer styles."""
    for part, text, style in (
        (section.header, header, "Header"),
        (section.footer, footer, "Footer"),
    ):
        para = part.paragraphs[0]
        para.text = text
        para.style = style


def letterhead(doc: Any, guideline: Guideline, root: Path | None) -> None:
    """Add the letterhead (logo, organisation, programme, letterhead lines) to ``doc``'s body."""
    house = guideline.house
    if house.logo:
        image = (root or Path.cwd()) / house.logo
        if not image.is_file():
            raise ConfigError(
                f"guideline.yaml house.logo names {house.logo}, which is not a file of the "
                "workspace; add the image or remove the setting"
            )
        doc.add_paragraph(style="Compact").add_run().add_picture(str(image), height=Cm(1.8))
    para = doc.add_paragraph(guideline.office, style="Heading 2")
    para.paragraph_format.space_before = Pt(0)
    lines = [line for line in (house.programme, *house.letterhead) if line]
    if lines:
        para = doc.add_paragraph(style="Compact")
        for i, line in enumerate(lines):
            run = para.add_run(line)
            if i < len(lines) - 1:
                run.add_break()
    para.paragraph_format.space_after = Pt(24)
