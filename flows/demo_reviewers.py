"""Simulated experts for ``make demo``: annotated returns written as Word (and LibreOffice) write them.

Each expert takes the packet penholder sent them (``outbox/<round>/packets/<id>/``) and returns a
copy with comments, tracked changes or silent edits, written by the OOXML layer's annotation
writer with Word's save habits (``word_like_resave``); one return is also re-saved by a real
LibreOffice when it is installed. The files land where experts' e-mails would: ``inbox/``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from drafts import blockstore, layout
from drafts.blocks import Block
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import (
    Comment,
    Delete,
    Edit,
    Insert,
    Move,
    Replace,
    Reply,
    SilentEdit,
)
from drafts.workspace import Workspace


def packet(ws: Workspace, round_id: str, reviewer: str, chapter: str) -> Path:
    """Return the chapter file of ``reviewer``'s packet in ``round_id``."""
    folder = ws.root / layout.packet_folder(round_id, reviewer)
    return next(folder.glob(f"Chapter {chapter} ({round_id}-*.docx"))


def _paragraphs(ws: Workspace, chapter: str, revision: int) -> list[Block]:
    blocks = blockstore.load(ws, chapter, revision).blocks
    return [b for b in blocks if b.kind == "paragraph" and len(b.text.split()) > 20]


def passage(
    ws: Workspace, chapter: str, revision: int, paragraph: int, start: int, end: int
) -> str:
    """Return words ``start:end`` of the ``paragraph``-th long paragraph (as experts pick them)."""
    return " ".join(_paragraphs(ws, chapter, revision)[paragraph].text.split()[start:end])


def _word(block: Block, n: int) -> str:
    return block.text.split()[n].strip(".,;:()")


def edits_for(
    ws: Workspace,
    style: str,
    chapter: str,
    revision: int,
    name: str,
    when: datetime,
    replier: str = "A colleague",
) -> list[Edit]:
    """Return the edits an expert of ``style`` makes on ``chapter`` at ``revision``."""
    p = _paragraphs(ws, chapter, revision)
    if style == "thorough":  # comments with a reply, insertions, a deletion, a move
        return [
            Comment(
                paragraph=p[0].id,
                quote=_word(p[0], 4),
                author=name,
                date=when,
                text="Please define this term in the glossary.",
                replies=[
                    Reply(
                        author=replier,
                        date=when,
                        text="Agreed; our national glossary has one we can share.",
                    )
                ],
            ),
            Insert(
                paragraph=p[1].id,
                after_quote=_word(p[1], 6),
                author=name,
                date=when,
                text=" and their representative organisations",
            ),
            Delete(
                paragraph=p[2].id, quote=" ".join(p[2].text.split()[8:11]), author=name, date=when
            ),
            Move(
                from_paragraph=p[3].id,
                quote=" ".join(p[3].text.split()[:4]),
                to_paragraph=p[4].id,
                at_end=True,
                author=name,
                date=when,
            ),
        ]
    if style == "quiet":  # edits without tracking, one shared with the thorough expert
        return [
            SilentEdit(paragraph=p[5].id, quote=_word(p[5], 3), new_text="must"),
            Insert(
                paragraph=p[1].id,
                after_quote=_word(p[1], 6),
                author=name,
                date=when,
                text=" and their representative organisations",
            ),
            Replace(
                paragraph=p[2].id,
                quote=" ".join(p[2].text.split()[9:12]),
                new_text="in every district",
                author=name,
                date=when,
            ),
        ]
    return [  # "brief": one comment and one replacement
        Comment(
            paragraph=p[-1].id,
            quote=_word(p[-1], 2),
            author=name,
            date=when,
            text="Could the recommendation name a responsible authority?",
        ),
        Replace(
            paragraph=p[-2].id, quote=_word(p[-2], 5), new_text="should", author=name, date=when
        ),
    ]


def annotate_return(
    ws: Workspace,
    round_id: str,
    reviewer: str,
    chapter: str,
    revision: int,
    style: str,
    when: datetime,
    out_name: str,
    replier: str = "",
) -> Path:
    """Write ``reviewer``'s annotated return into ``inbox/`` and return its path."""
    name = ws.person(reviewer).name
    inbox = ws.root / layout.INBOX
    inbox.mkdir(exist_ok=True)
    edits = edits_for(ws, style, chapter, revision, name, when, replier or "A colleague")
    return annotate.apply(
        packet(ws, round_id, reviewer, chapter), edits, inbox / out_name, word_like_resave=True
    )


def libreoffice_resave(path: Path) -> bool:
    """Re-save ``path`` in place through LibreOffice when it is installed; say whether it was."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "docx",
                "--outdir",
                f"{tmp}/out",
                str(path),
            ],
            capture_output=True,
            timeout=180,
        )
        result = Path(tmp) / "out" / path.name
        if done.returncode != 0 or not result.exists():
            return False
        shutil.copyfile(result, path)
    return True
