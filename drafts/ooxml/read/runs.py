"""Inline content of a paragraph: runs, their text, fields, symbols, notes and text boxes.

``RunReader(walker).inline(el)`` walks a paragraph's children for a ``Walker`` (a ``StoryWalker``): text goes to
the walker's two texts (``emit``), run-property changes become revisions spanning the run's text,
field instructions are skipped (results are text), text boxes are deferred to after the
paragraph, and note references are recorded.
"""

from __future__ import annotations

from drafts.ooxml.namespaces import Element, w
from drafts.ooxml.read.revisions import KIND_TAGS
from drafts.ooxml.read.story import (
    ALT,
    BR,
    CHOICE,
    CR,
    CREF,
    DELINSTR,
    ENREF,
    FALLBACK,
    FLDCHAR,
    FNREF,
    ID,
    INLINE_CONTAINERS,
    INSTR,
    MATH_PREFIX,
    MATH_T,
    NBH,
    PPR,
    PTAB,
    RPR,
    SDT,
    SDTCONTENT,
    SOFTH,
    SYM,
    TAB,
    TEXT_TAGS,
    TRACK,
    TXBX,
    R,
    Walker,
    first_child,
    symbol_char,
)

FLDCHARTYPE, CHAR = w("fldCharType"), w("char")
_SKIPPED = {INSTR, DELINSTR, SOFTH, CREF}
_TABS, _BREAKS, _NOTE_REFS = (TAB, PTAB), (BR, CR), (FNREF, ENREF)


class RunReader:
    """Walk the inline content of paragraphs for one ``StoryWalker`` (its state is the walker's)."""

    def __init__(self, walker: Walker) -> None:
        self.walker = walker

    def inline(self, container: Element) -> None:
        """Walk the inline children of ``container`` (a paragraph, hyperlink, ins, ...).

        Consecutive *plain* runs (only ``w:t``/``w:delText`` and a ``w:rPr`` holding no change,
        so reading them changes no state) are not dispatched one by one: their texts are
        gathered and emitted as one piece before anything else is read. Every other run goes
        through ``run``, as does a run with a text that is a lone "\n" (so the pieces a comment
        anchor ends with stay the same).
        """
        walker = self.walker
        run = self.run
        holders = walker.holders
        pending: list[str] = []  # the texts of the plain runs met since the last emission
        for child in container:
            tag = child.tag
            if tag == R:
                if holders is not None:
                    texts = []
                    for c in child:
                        ctag = c.tag
                        if ctag in TEXT_TAGS:
                            text = c.text
                            if text:
                                if text == "\n":
                                    break
                                texts.append(text)
                        elif ctag != RPR or c in holders:
                            break
                    else:
                        pending += texts
                        continue
                if pending:
                    walker.emit("".join(pending))
                    pending = []
                run(child)
                continue
            if pending:
                walker.emit("".join(pending))
                pending = []
            if tag in TRACK:
                walker.track(child, TRACK[tag], self.inline)
            elif tag in INLINE_CONTAINERS:
                self.inline(child)
            elif tag == SDT:
                walker.sdt += 1
                content = first_child(child, SDTCONTENT)
                if content is not None:
                    self.inline(content)
                walker.sdt -= 1
            elif tag == ALT:
                choice = first_child(child, CHOICE)
                if choice is not None:
                    self.inline(choice)
            elif tag == PPR:
                continue
            elif isinstance(tag, str) and tag.startswith(MATH_PREFIX):
                for t in child.iter(MATH_T):
                    walker.emit(t.text or "")
            else:
                walker.marker(child, tag)
        if pending:
            walker.emit("".join(pending))

    def run(self, r: Element) -> None:
        walker = self.walker
        emit = walker.emit
        rpr_revs: list[int] | None = None  # run-property changes, spanning the run's text
        for child in r:
            tag = child.tag
            if tag in TEXT_TAGS:
                text = child.text
                if text:
                    emit(text)
            elif tag == RPR:
                holders = walker.holders
                if holders is None or child in holders:
                    for c in child:
                        if c.tag in KIND_TAGS:
                            if rpr_revs is None:
                                para = walker.para
                                start_b = para.blen if para is not None else 0
                                start_a = para.alen if para is not None else 0
                                rpr_revs = []
                            rpr_revs.append(walker.property_change(c))
            elif tag in _TABS:
                emit("\t")
            elif tag in _BREAKS:
                emit("\n")
            elif tag == NBH:
                emit("-")
            elif tag == FLDCHAR:
                self.fld(child.get(FLDCHARTYPE))
            elif tag == SYM:
                emit(symbol_char(child.get(CHAR)))
            elif tag in _NOTE_REFS:
                kind = "footnote" if tag == FNREF else "endnote"
                walker.note_refs.append((kind, child.get(ID, ""), not walker.ins, not walker.dele))
            elif tag == ALT:
                choice = first_child(child, CHOICE)
                if choice is not None:
                    self.boxes(choice)
            elif tag in _SKIPPED:
                continue
            elif isinstance(tag, str) and len(child):
                self.boxes(child)
        para = walker.para
        if rpr_revs is not None and para is not None:
            revisions = walker.revisions
            for i in rpr_revs:
                rev = revisions[i]
                rev.start_before, rev.end_before = start_b, para.blen
                rev.start_after, rev.end_after = start_a, para.alen

    def boxes(self, el: Element) -> None:
        """Defer the text boxes inside a drawing to after the current paragraph."""
        for box in el.iter(TXBX):
            ancestor = box.getparent()
            nested = False
            while ancestor is not None and ancestor is not el:
                if ancestor.tag in (TXBX, FALLBACK):
                    nested = True
                    break
                ancestor = ancestor.getparent()
            if not nested:
                self.walker.deferred.append((box, self.walker.ins, self.walker.dele))

    def fld(self, kind: str | None) -> None:
        if kind == "begin":
            self.walker.fields.append(True)
            self.walker.code += 1
        elif kind == "separate" and self.walker.fields:
            if self.walker.fields[-1]:
                self.walker.fields[-1] = False
                self.walker.code -= 1
        elif kind == "end" and self.walker.fields and self.walker.fields.pop():
            self.walker.code -= 1
