"""The committed reference template carries the house style every render relies on.

If these fail after a change to ``templates/build_reference.py``, regenerate the template with
``python templates/build_reference.py`` and commit ``templates/reference.docx``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from drafts.core import resources
from drafts.core.errors import TemplateError
from drafts.ooxml.namespaces import w
from drafts.ooxml.write.numbering import style_names
from drafts.ooxml.write.parts import DocxParts, edit_docx
from drafts.ooxml.write.reference import REQUIRED_STYLES, check_template

REFERENCE = resources.reference_docx()


def test_committed_template_has_every_required_style() -> None:
    check_template(REFERENCE)
    names = style_names(DocxParts(REFERENCE).xml("word/styles.xml"))
    assert {n.lower() for n in REQUIRED_STYLES} <= set(names)


def test_missing_style_names_the_style_and_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    shutil.copy(REFERENCE, broken)

    def drop_numbered_paragraph(parts: DocxParts) -> None:
        styles = parts.xml("word/styles.xml")
        for style in styles.findall(w("style")):
            name = style.find(w("name"))
            if name is not None and name.get(w("val")) == "Numbered Paragraph":
                styles.remove(style)

    edit_docx(broken, drop_numbered_paragraph)
    with pytest.raises(TemplateError, match=r"broken\.docx lacks the style 'Numbered Paragraph'"):
        check_template(broken)


def test_missing_or_corrupt_template_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="does not exist"):
        check_template(tmp_path / "nope.docx")
    junk = tmp_path / "junk.docx"
    junk.write_text("not a zip")
    with pytest.raises(TemplateError, match="cannot be read"):
        check_template(junk)


def _last_sectpr() -> etree._Element:
    body = DocxParts(REFERENCE).xml("word/document.xml").find(w("body"))
    assert body is not None
    return body.findall(w("sectPr"))[-1]


def test_page_is_a4_with_margins_header_footer_and_line_numbers_after_pgmar() -> None:
    sect = _last_sectpr()
    tags = [etree.QName(child).localname for child in sect]
    assert tags.index("pgMar") < tags.index("lnNumType")
    size = sect.find(w("pgSz"))
    assert size is not None
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
    margins = sect.find(w("pgMar"))
    assert margins is not None and int(margins.get(w("left"), "0")) >= 1134
    ln = sect.find(w("lnNumType"))
    assert ln is not None
    assert (ln.get(w("countBy")), ln.get(w("restart"))) == ("1", "newPage")
    assert {"headerReference", "footerReference"} <= set(tags)


def test_numbered_paragraph_style_is_bound_to_decimal_word_numbering() -> None:
    parts = DocxParts(REFERENCE)
    styles = parts.xml("word/styles.xml")
    style = next(s for s in styles.iter(w("style")) if s.get(w("styleId")) == "NumberedParagraph")
    num_id = style.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
    assert num_id is not None
    numbering = parts.xml("word/numbering.xml")
    num = next(n for n in numbering.iter(w("num")) if n.get(w("numId")) == num_id.get(w("val")))
    abstract_ref = num.find(w("abstractNumId"))
    assert abstract_ref is not None
    absn = next(
        a
        for a in numbering.iter(w("abstractNum"))
        if a.get(w("abstractNumId")) == abstract_ref.get(w("val"))
    )
    assert absn.find(f"{w('lvl')}/{w('numFmt')}").get(w("val")) == "decimal"  # type: ignore[union-attr]
    assert absn.find(f"{w('lvl')}/{w('lvlText')}").get(w("val")) == "%1."  # type: ignore[union-attr]
