"""Small WordprocessingML edits python-docx has no API for, on its element objects.

Used by ``reviewers.consolidate.matrix_docx`` (which may not touch XML itself) to lay out the
comment-resolution matrix as a Word table. Each function takes the element behind a python-docx
proxy (``document.element.body``, ``row._tr``, ``cell._tc``, ``section._sectPr``,
``paragraph._p``), changes it in place and returns nothing:

- ``clear_body``: remove every paragraph and table of a document body, keeping its last
  ``w:sectPr`` (page setup, header and footer references);
- ``drop_line_numbering``: remove ``w:lnNumType`` from a section (the house template numbers
  lines; a matrix should not be);
- ``repeat_header``: mark a table row as a header row repeated on each page (``w:tblHeader``);
- ``cell_padding``: set a table's default left and right cell margins (``w:tblCellMar``);
- ``shade``: fill a table cell with a colour (``w:shd``);
- ``paragraph_style``: give a paragraph a style by id, without python-docx's lookup by name
  (which scans every style, per paragraph: minutes for a table of a few thousand cells);
- ``page_x_of_y``: append "Page {PAGE} of {NUMPAGES}" (Word fields) to a paragraph;
- ``append_rows``: many rows at once, copies of a prototype row (fast for long tables);
- ``span_from``: make a row's cells from one column on a single cell (``w:gridSpan``), as a
  group's heading row spans the table; ``bold_row``: every run of a row bold.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree

from drafts.ooxml.namespaces import w

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: children of ``w:tcPr`` that must come after ``w:shd`` (schema order)
_AFTER_SHD = ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")
#: children of ``w:tcPr`` that must come after ``w:gridSpan`` (schema order)
_AFTER_GRIDSPAN = ("hMerge", "vMerge", "tcBorders", "shd", *_AFTER_SHD)
#: children of ``w:trPr`` that must come after ``w:tblHeader`` (schema order)
_AFTER_TBLHEADER = ("tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange")


def clear_body(body: Any) -> None:
    """Remove every child of ``w:body`` but the last ``w:sectPr``."""
    for child in list(body):
        if child.tag != w("sectPr"):
            body.remove(child)


def drop_line_numbering(sect_pr: Any) -> None:
    """Remove line numbering (``w:lnNumType``) from a ``w:sectPr``."""
    for old in sect_pr.findall(w("lnNumType")):
        sect_pr.remove(old)


def _child_before(parent: Any, tag: str, after: tuple[str, ...]) -> Any:
    """Return ``parent``'s child ``tag``, created before the first of ``after`` if absent."""
    found = parent.find(w(tag))
    if found is not None:
        return found
    el = etree.Element(w(tag))
    follower = next((c for c in parent if c.tag in {w(a) for a in after}), None)
    if follower is None:
        parent.append(el)
    else:
        follower.addprevious(el)
    return el


def repeat_header(tr: Any) -> None:
    """Make ``w:tr`` a header row, repeated at the top of each page the table runs onto."""
    _child_before(tr.get_or_add_trPr(), "tblHeader", _AFTER_TBLHEADER)


def cell_padding(tbl: Any, twips: int) -> None:
    """Set the left and right margins of every cell of ``w:tbl`` to ``twips``."""
    tbl_pr = tbl.tblPr
    for old in tbl_pr.findall(w("tblCellMar")):
        tbl_pr.remove(old)
    mar = _child_before(tbl_pr, "tblCellMar", ("tblLook", "tblCaption", "tblDescription"))
    for side in ("left", "right"):
        el = etree.SubElement(mar, w(side))
        el.attrib.update({w("w"): str(twips), w("type"): "dxa"})


def shade(tc: Any, fill: str) -> None:
    """Fill the table cell ``w:tc`` with the colour ``fill`` (hex RGB, ``"FCE4D6"``)."""
    shd = _child_before(tc.get_or_add_tcPr(), "shd", _AFTER_SHD)
    shd.attrib.update({w("val"): "clear", w("color"): "auto", w("fill"): fill})


def paragraph_style(p: Any, style_id: str) -> None:
    """Set the paragraph style of ``w:p`` to the style whose ``w:styleId`` is ``style_id``."""
    p.get_or_add_pPr().style = style_id


def _run(p: Any, text: str) -> Any:
    r = etree.SubElement(p, w("r"))
    t = etree.SubElement(r, w("t"))
    t.text = text
    t.set(XML_SPACE, "preserve")
    return r


def page_x_of_y(p: Any) -> None:
    """Append "Page {PAGE} of {NUMPAGES}" to the paragraph ``w:p`` as Word fields."""
    _run(p, "Page ")
    for i, instruction in enumerate(("PAGE", "NUMPAGES")):
        if i:
            _run(p, " of ")
        fld = etree.SubElement(p, w("fldSimple"))
        fld.set(w("instr"), f" {instruction} ")
        _run(fld, "1")


def append_rows(tbl: Any, prototype: Any, rows: list[list[str]], fills: list[str | None]) -> None:
    """Append one ``w:tr`` per row of ``rows`` to ``tbl``, each a copy of ``prototype``.

    ``prototype`` is a row whose cells each hold one empty, styled paragraph; each copy gets the
    row's texts (a "\\n" becomes a line break) and, where ``fills`` gives one, a cell fill. Built
    with lxml directly: python-docx's cell API costs a table scan per cell.
    """
    for values, fill in zip(rows, fills, strict=True):
        tr = copy.deepcopy(prototype)
        for tc, value in zip(tr.iter(w("tc")), values, strict=True):
            p = tc.find(w("p"))
            for i, line in enumerate(value.split("\n")):
                r = _run(p, line)
                if i:
                    r.insert(0, etree.Element(w("br")))
            if fill:
                shade(tc, fill)
        tbl.append(tr)


def span_from(tr: Any, first: int) -> None:
    """Merge the cells of ``w:tr`` from column ``first`` on into one cell (``w:gridSpan``): the
    first of them keeps its content and takes the others' widths; the others are removed."""
    cells = tr.findall(w("tc"))[first:]
    if len(cells) < 2:
        return
    head = cells[0]
    tc_pr = head.get_or_add_tcPr()
    width = 0
    for tc in cells:
        tc_w = tc.find(f"{w('tcPr')}/{w('tcW')}")
        width += int(tc_w.get(w("w"), "0")) if tc_w is not None else 0
    tc_w = tc_pr.find(w("tcW"))
    if tc_w is not None and width:
        tc_w.set(w("w"), str(width))
    span = _child_before(tc_pr, "gridSpan", _AFTER_GRIDSPAN)
    span.set(w("val"), str(len(cells)))
    for tc in cells[1:]:
        tr.remove(tc)


def bold_row(tr: Any) -> None:
    """Make every run of ``w:tr`` bold."""
    for r in tr.iter(w("r")):
        r_pr = r.find(w("rPr"))
        if r_pr is None:
            r_pr = etree.Element(w("rPr"))
            r.insert(0, r_pr)
        if r_pr.find(w("b")) is None:
            r_pr.insert(0, etree.Element(w("b")))
