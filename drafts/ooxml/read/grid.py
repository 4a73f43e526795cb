"""The body of a .docx as paragraphs and tables of cell text, every tracked change accepted.

``read_grid(source)`` returns the top-level body items in order: a ``str`` for a paragraph, a
``Grid`` (rows of cell texts) for a table. Cell text is the accepted view: inserted text counts,
deleted text does not, paragraphs inside a cell are joined with newlines. Made for reading back
tables penholder wrote (the comment-resolution matrix) after a person filled them in Word, where
python-docx would drop whatever was typed with track changes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drafts.ooxml.namespaces import Element, w
from drafts.ooxml.read.package import open_package

_P, _TBL, _TR, _TC, _T = w("p"), w("tbl"), w("tr"), w("tc"), w("t")
_DEL, _MOVEFROM, _TAB, _BR = w("del"), w("moveFrom"), w("tab"), w("br")


@dataclass
class Grid:
    """A table: its rows, each a list of cell texts."""

    rows: list[list[str]]


def _deleted(el: Element, stop: Element) -> bool:
    for a in el.iterancestors():
        if a is stop:
            return False
        if a.tag in (_DEL, _MOVEFROM):
            return True
    return False


def _paragraph_text(p: Element) -> str:
    pieces = []
    for el in p.iter(_T, _TAB, _BR):
        if _deleted(el, p):
            continue
        pieces.append(el.text or "" if el.tag == _T else "\t" if el.tag == _TAB else "\n")
    return "".join(pieces)


def _cell_text(tc: Element) -> str:
    return "\n".join(_paragraph_text(p) for p in tc.iter(_P)).strip()


def read_grid(source: str | Path | bytes, name: str | None = None) -> list[str | Grid]:
    """Return the body's paragraphs and tables in order (see module docstring)."""
    pkg = open_package(source, name)
    doc = pkg.xml(pkg.main_part)
    body = doc.find(w("body")) if doc is not None else None
    items: list[str | Grid] = []
    for child in body if body is not None else []:
        if child.tag == _P:
            items.append(_paragraph_text(child))
        elif child.tag == _TBL:
            rows = [[_cell_text(tc) for tc in tr.iter(_TC)] for tr in child.iter(_TR)]
            items.append(Grid(rows))
    return items
