"""Tables in a story: rows and cells, their tracked insertion, deletion and merging.

``TableReader(walker).tbl(el)`` walks a ``w:tbl`` for a ``Walker`` (a ``StoryWalker``): cell content goes back
to the walker's block walk; an inserted (deleted) row or cell makes its paragraphs absent from
the *before* (*after*) text, and records the row or cell revision.
"""

from __future__ import annotations

from drafts.ooxml.namespaces import Element
from drafts.ooxml.read.revisions import describe_property_change
from drafts.ooxml.read.story import (
    ALT,
    BLOCK_CONTAINERS,
    CELLKINDS,
    CHOICE,
    DEL,
    INS,
    SDT,
    SDTCONTENT,
    TBLGRID,
    TBLPR,
    TBLPREX,
    TC,
    TCPR,
    TR,
    TRACK,
    TRPR,
    Walker,
    first_child,
)


class TableReader:
    """Walk tables for one ``StoryWalker`` (its state is the walker's)."""

    def __init__(self, walker: Walker) -> None:
        self.walker = walker

    def tbl(self, tbl: Element) -> None:
        self.walker.table += 1
        for child in tbl:
            tag = child.tag
            if tag == TR:
                self.tr(child)
            elif tag in (TBLPR, TBLGRID):
                self.walker.props(child)
            elif tag in (SDT, ALT) or tag in BLOCK_CONTAINERS:
                inner = self._inner(child)
                if inner is not None:
                    for row in inner:
                        if row.tag == TR:
                            self.tr(row)
            else:
                self.walker.marker(child, tag)
        self.walker.table -= 1

    @staticmethod
    def _inner(el: Element) -> Element | None:
        if el.tag == SDT:
            return first_child(el, SDTCONTENT)
        if el.tag == ALT:
            return first_child(el, CHOICE)
        return el

    def tr(self, tr: Element) -> None:
        row_rev: int | None = None
        kind = None
        for child in tr:
            tag = child.tag
            if tag == TRPR and self.walker.holds(child):
                self.walker.props(child)
                for mark in child:
                    if mark.tag in (INS, DEL):
                        kind = TRACK[mark.tag]
                        row_rev = self.walker.record(mark, kind, collect=True, on_table_row=True)
            elif tag == TBLPREX:
                self.walker.props(child)
        self._struct(kind, +1)
        for child in tr:
            tag = child.tag
            if tag == TC:
                self.tc(child)
            elif tag in (TRPR, TBLPREX):
                continue
            elif tag in (SDT, ALT) or tag in BLOCK_CONTAINERS:
                inner = self._inner(child)
                if inner is not None:
                    for cell in inner:
                        if cell.tag == TC:
                            self.tc(cell)
            else:
                self.walker.marker(child, tag)
        self._struct(kind, -1)
        if row_rev is not None:
            self.walker.close(row_rev)

    def _struct(self, kind: str | None, step: int) -> None:
        """Enter (+1) or leave (-1) an inserted or deleted row or cell."""
        if kind == "ins":
            self.walker.ins += step
            self.walker.gone_before += step
        elif kind == "del":
            self.walker.dele += step
            self.walker.gone_after += step

    def tc(self, tc: Element) -> None:
        cell_rev: int | None = None
        cell_kind = None
        tcpr = first_child(tc, TCPR)
        first_para = len(self.walker.paragraphs)
        if tcpr is not None and self.walker.holds(tcpr):
            self.walker.props(tcpr)
            for child in tcpr:
                kind = CELLKINDS.get(child.tag)
                if kind is not None:
                    cell_rev = self.walker.record(child, kind, collect=True, on_table_cell=True)
                    if kind == "cellMerge":
                        self.walker.revisions[cell_rev].text = describe_property_change(child)
                        self.walker.close(cell_rev)
                        cell_rev = None
                    else:
                        cell_kind = kind
        self._struct({"cellIns": "ins", "cellDel": "del"}.get(cell_kind or ""), +1)
        self.walker.block(tc)
        self._struct({"cellIns": "ins", "cellDel": "del"}.get(cell_kind or ""), -1)
        if cell_rev is not None:
            self.walker.close(cell_rev)
            rev = self.walker.revisions[cell_rev]
            if rev.paragraph is None and first_para < len(self.walker.paragraphs):
                rev.paragraph = first_para
