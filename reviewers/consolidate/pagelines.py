"""Page and line of each block as printed in a packet, from LibreOffice's layout of it.

``page_lines(docx, blocks)`` returns ``{block id: (page, line)}``: the page (1-based, as the
footer's "Page X of Y" counts) and the printed line number, in the left margin, of the line
where the block's text starts. The matrix prints it as "p. 4, l. 12".

Method:

1. LibreOffice lays the packet out (``drafts.word.office.to_pdf``: ``soffice --headless
   --convert-to pdf`` on a private copy, with a private profile per call, bounded by
   ``timeout`` seconds).
2. ``pdftotext -layout`` gives the text of each page (pages are separated by form feeds) with
   the line numbers the reference template prints (``w:lnNumType``: every line, restarting on
   each page) at the start of each line. A printed line is a line whose first token is a number
   ending at the page's usual line-number column; headers and footers carry no number. Within a
   page, a number that does not increase starts the footnote area (LibreOffice numbers footnote
   lines apart, from 1).
3. Each block is looked for, in block order, in the stream of printed body lines (footnote
   blocks in the stream of footnote lines): its first ``PREFIX`` letters and digits (case-folded,
   NFKC, so ligatures, punctuation, bullets, list labels, hyphenation and line breaks do not
   matter) are searched for within ``SLACK`` characters of where the previous block's text
   ends (the window widened by the length of blocks not found since), then shorter openings.
   The line of the first matching character is the block's line; a block not found leaves the
   cursor where it was, so one miss does not derail the blocks after it.

Limits: this is LibreOffice's layout; Word breaks lines and pages differently, so a reviewer who
printed from Word may see a line or page off by a few (the fonts, Carlito for Calibri, are
metric-compatible, which keeps the difference small). Footnote lines are numbered only by
LibreOffice (Word does not number them). Lines inside tables carry no number (in LibreOffice
as in Word), so table cells are never located. Blocks with no letters or digits are not
located. Blocks not located are absent from the result. Nothing fails silently: no ``soffice``
or ``pdftotext`` on the PATH, a LibreOffice failure or timeout, and a layout in which no block
was found at all are each ``LayoutError`` with one sentence saying why, for the caller to
report (the matrix then says page and line are missing, and why, and gives paragraph numbers).
Pass the very file the reviewer received (the packet, stamped with its header and footer), as
a different header or footer can move page breaks.

Kept, not recomputed: page and line depend only on the round's render of a revision, so
``KeptLayout`` lays that render out once and keeps the result beside it, in the git-ignored
``outbox/<round>/renders/<render>.pagelines.json``. The render's name already carries a digest
of everything it depends on (Markdown, block map, bibliography, template, pandoc, penholder);
the kept file also records a key over the render's bytes, the round and the LibreOffice
installation, and is used only when that key matches, so a new render or a new LibreOffice lays
out again. ``prepare(ws, round_id)`` fills it when a round's packets are sent (the send flows
call it, best effort); consolidation reads it and needs no LibreOffice, and lays out (once, in
parallel with the merge) only when it is missing. Like the renders, it is not committed: it is
derived, deterministic and cheap to lose (one layout); a clone on another machine lays out once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from drafts import blockstore, layout
from drafts.blocks import Block
from drafts.core.files import atomic_output
from drafts.word.office import INSTALL, OfficeError, pdf_pages, to_pdf
from drafts.word.revision import RenderCache
from drafts.workspace import Workspace

#: letters and digits of a block's opening that are searched for, longest first
PREFIX = (40, 20, 10)
#: letters and digits a block may start before or after where the previous block's text ends
#: (list labels, paragraph numbers, footnote markers), plus the length of blocks not found since
SLACK = 60
_NUMBERED = re.compile(r"^(\s*)(\d{1,4})\s+(\S.*)$")


#: LibreOffice failed on a packet, or timed out (``drafts.word.office`` runs it)
LayoutError = OfficeError


class PrintedLine(NamedTuple):
    page: int
    line: int
    text: str
    footnote: bool


def printed_lines(pages: Sequence[str]) -> list[PrintedLine]:
    """Return the numbered lines of every page, in order, footnote lines marked (step 2)."""
    out: list[PrintedLine] = []
    for page, text in enumerate(pages, start=1):
        found = [(m, len(m[1]) + len(m[2])) for m in map(_NUMBERED.match, text.splitlines()) if m]
        if not found:
            continue
        column = Counter(end for _, end in found).most_common(1)[0][0]
        previous, footnote = 0, False
        for m, end in found:
            if abs(end - column) > 1:
                continue
            number = int(m[2])
            footnote = footnote or number <= previous
            previous = number
            out.append(PrintedLine(page, number, m[3], footnote))
    return out


def _letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


class _Stream:
    """The letters and digits of some printed lines, each character knowing its line."""

    def __init__(self, lines: list[PrintedLine]) -> None:
        parts = [_letters(line.text) for line in lines]
        self.text = "".join(parts)
        self.line = [i for i, part in enumerate(parts) for _ in part]
        self.lines = lines
        self.cursor = self.fallback = self.pending = 0

    def find(self, block_text: str) -> PrintedLine | None:
        """Locate a block's opening near the cursor (step 3); advance the cursor past it."""
        wanted = _letters(block_text)
        if not wanted:
            return None
        start = max(self.fallback, self.cursor - SLACK)
        stop = self.cursor + SLACK + self.pending
        for size in PREFIX:
            opening = wanted[:size]
            at = self.text.find(opening, start, stop + len(opening))
            if at >= 0:
                self.cursor, self.fallback, self.pending = at + len(wanted), at + len(opening), 0
                return self.lines[self.line[at]]
        self.pending += len(wanted)
        return None


def locate(pages: Sequence[str], blocks: list[Block]) -> dict[str, tuple[int, int]]:
    """Return ``{block id: (page, line)}`` for the blocks found on the printed ``pages``."""
    lines = printed_lines(pages)
    body = _Stream([x for x in lines if not x.footnote])
    notes = _Stream([x for x in lines if x.footnote])
    found: dict[str, tuple[int, int]] = {}
    for block in blocks:
        if block.kind == "table_cell":
            continue  # table lines are not numbered
        hit = (notes if block.kind == "footnote" else body).find(block.text)
        if hit is not None:
            found[block.id] = (hit.page, hit.line)
    return found


def page_lines(
    docx: Path, blocks: list[Block], *, timeout: float = 120
) -> dict[str, tuple[int, int]]:
    """Return ``{block id: (page, line)}`` as LibreOffice prints ``docx`` (module docstring);
    raise ``LayoutError`` saying why when there is none."""
    missing = [tool for tool in ("soffice", "pdftotext") if shutil.which(tool) is None]
    if missing:
        raise LayoutError(f"{' and '.join(missing)} not found on the PATH: {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="penholder-layout-") as tmp:
        pages = pdf_pages(to_pdf(Path(docx), Path(tmp), timeout), timeout)
    found = locate(pages, blocks)
    wanted = [b for b in blocks if b.kind != "table_cell" and _letters(b.text)]
    if wanted and not found:
        raise LayoutError(
            f"LibreOffice laid out {Path(docx).name} ({len(pages)} pages) but none of its "
            f"{len(wanted)} paragraphs was found on a numbered line"
        )
    return found


def _office_identity() -> str:
    """The LibreOffice installation a layout came from (a new one may break lines elsewhere)."""
    found = shutil.which("soffice")
    if found is None:
        return ""
    real = Path(os.path.realpath(found))
    stat = real.stat()
    return f"{real} {stat.st_size} {stat.st_mtime_ns}"


class KeptLayout:
    """Page and line of the round's render of ``chapter`` at ``revision``, laid out once and
    kept beside that render (module docstring, "Kept"). Making one renders the revision if the
    round has no render of it yet (pandoc, once per round), never LibreOffice."""

    def __init__(self, ws: Workspace, round_id: str, chapter: str, revision: int) -> None:
        self.ws, self.round_id, self.chapter, self.revision = ws, round_id, chapter, revision
        self.cache = RenderCache(ws.root / layout.renders(round_id))
        self.base = self.cache.base(ws, chapter, revision)
        self.file = self.base.with_name(self.base.stem + ".pagelines.json")
        digest = hashlib.sha256(self.base.read_bytes())
        digest.update(f"\0{round_id}\0{_office_identity()}".encode())
        self.key = digest.hexdigest()

    def load(self) -> dict[str, tuple[int, int]] | None:
        """The kept page and line of each block, or None when there is none for this render."""
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != self.key:
            return None
        return {block: (int(at[0]), int(at[1])) for block, at in data["blocks"].items()}

    def render(self, out: Path) -> Path:
        """Write the round's render (stamped for the round, no reviewer) to ``out``."""
        return self.cache.render(self.ws, self.chapter, self.revision, out, round_id=self.round_id)

    def keep(self, found: dict[str, tuple[int, int]]) -> None:
        """Keep ``found`` (what ``page_lines`` gave for this render), atomically."""
        data = {"key": self.key, "render": self.base.name, "blocks": found}
        with atomic_output(self.file) as tmp:
            tmp.write_text(json.dumps(data, indent=0, sort_keys=True), encoding="utf-8")

    def get(self, *, timeout: float = 120) -> dict[str, tuple[int, int]]:
        """The kept layout, laying the render out first when there is none (``LayoutError``)."""
        found = self.load()
        if found is None:
            blocks = blockstore.load(self.ws, self.chapter, self.revision).blocks
            with tempfile.TemporaryDirectory(prefix="penholder-layout-") as tmp:
                found = page_lines(self.render(Path(tmp) / "round.docx"), blocks, timeout=timeout)
            self.keep(found)
        return found


def prepare(ws: Workspace, round_id: str) -> list[str]:
    """Lay out the round's render of each of its chapters not laid out yet, so that
    consolidation finds page and line kept; return why a layout failed, one sentence each
    (consolidation tries again, and says so in the matrix if it fails again)."""
    from reviewers.rounds.records import load_round

    problems = []
    for c in load_round(ws, round_id).chapters:
        try:
            KeptLayout(ws, round_id, c.chapter, c.revision).get()
        except LayoutError as e:
            problems.append(f"chapter {c.chapter}: {e}")
    return problems
