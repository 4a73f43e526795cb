"""Simulated experts for ``make demo``: annotated returns written as Word (and LibreOffice) write them.

Each expert takes the packet penholder sent them (``outbox/<round>/packets/<id>/``) and returns a
copy with comments, tracked changes or silent edits, written by the OOXML layer's annotation
writer with Word's save habits (``word_like_resave``); one return is also re-saved by a real
LibreOffice when it is installed. The files land where experts' e-mails would: ``inbox/``.

The README's walkthrough uses the same simulator from the shell, since the example guideline
has no real experts to send files back (run in a workspace, or name one with -w)::

    python -m flows.demo_reviewers return R1 kagiso-molefe 03 returned.docx [--style quiet]
    python -m flows.demo_reviewers edit ch03.docx edited.docx [--as amina-odhiambo]
    python -m flows.demo_reviewers answer 03 R1
    python -m flows.demo_reviewers mail R1 kagiso-molefe kagiso.docx ~/Maildir

``answer`` is the drafter filling in the open rows of ``consolidated/<round>/<chapter>/
matrix.xlsx`` as in Excel (suggestions accepted, comments noted, a conflict's first text
accepted and the others not), ready for ``penholder matrix import``.

``return`` writes the copy of their packet an expert sends back; ``edit`` writes a drafter's
edits (tracked, as Word saves them) on a render made with ``penholder render``, ready for
``penholder import``. Each prints the path it wrote.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from drafts import blockstore, layout
from drafts.blocks import Block
from drafts.core.errors import NotFound, PenholderError
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
from drafts.ooxml.write.stamp import read_stamp
from drafts.workspace import Workspace
from reviewers.rounds.records import load_round

STYLES = ("thorough", "quiet", "brief")


def packet(ws: Workspace, round_id: str, reviewer: str, chapter: str) -> Path:
    """Return the chapter file of ``reviewer``'s packet in ``round_id``, or raise NotFound."""
    folder = ws.root / layout.packet_folder(round_id, reviewer)
    found = next(folder.glob(f"Chapter {chapter} ({round_id}-*.docx"), None)
    if found is None:
        raise NotFound(
            f"no packet of chapter {chapter} for {reviewer} in {folder.relative_to(ws.root)}; "
            f"packets are made when the round is sent (`penholder round send {round_id}`)"
        )
    return found


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


def drafter_edits(
    ws: Workspace, chapter: str, revision: int, name: str, when: datetime
) -> list[Edit]:
    """Return the edits a drafter makes in Word on a render (paragraphs no expert style edits)."""
    p = _paragraphs(ws, chapter, revision)
    return [
        Replace(paragraph=p[-3].id, quote=_word(p[-3], 2), new_text="must", author=name, date=when),
        Insert(
            paragraph=p[-3].id,
            after_quote=_word(p[-3], 6),
            author=name,
            date=when,
            text=" and rights",
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


def write_return(
    ws: Workspace, round_id: str, reviewer: str, chapter: str, style: str, out: Path
) -> Path:
    """Write to ``out`` the annotated copy of their packet ``reviewer`` sends back, dated now."""
    items = load_round(ws, round_id).items
    item = next((i for i in items if i.reviewer == reviewer and i.chapter == chapter), None)
    if item is None:
        raise NotFound(f"{reviewer} was sent no chapter {chapter} in round {round_id}")
    name = ws.person(reviewer).name
    edits = edits_for(ws, style, chapter, item.revision, name, ws.now().replace(tzinfo=None))
    out.parent.mkdir(parents=True, exist_ok=True)  # inbox/ before anything arrived
    return annotate.apply(
        packet(ws, round_id, reviewer, chapter), edits, out, word_like_resave=True
    )


def write_edit(ws: Workspace, render: Path, out: Path, drafter: str | None) -> Path:
    """Write to ``out`` a drafter's tracked edits on ``render`` (a chapter rendered by penholder)."""
    if not render.is_file():
        raise NotFound(f"{render} does not exist; make it with `penholder render CH -o {render}`")
    stamp = read_stamp(render)
    if not stamp.get("penholder.chapter") or not stamp.get("penholder.revision"):
        raise NotFound(f"{render} carries no penholder stamp; make it with `penholder render`")
    chapter, revision = stamp["penholder.chapter"], int(stamp["penholder.revision"])
    name = ws.person(drafter).name if drafter else "A drafter"
    edits = drafter_edits(ws, chapter, revision, name, ws.now().replace(tzinfo=None))
    return annotate.apply(render, edits, out, word_like_resave=True)


def fill_matrix(ws: Workspace, chapter: str, round_id: str) -> Path:
    """Fill in every blank disposition of the workspace's matrix.xlsx (see the module doc)."""
    from openpyxl import load_workbook

    from reviewers.decide.store import load_matrix

    rows = {r.id: r for r in load_matrix(ws, chapter, round_id).rows}
    path = ws.root / layout.matrix_file(round_id, chapter, ".xlsx")
    wb = load_workbook(path)
    sheet = wb.active
    assert sheet is not None
    header = [c.value for c in sheet[7]]
    col = {name: header.index(name) for name in ("id", "disposition", "response")}
    chosen: set[str] = set()
    for cells in sheet.iter_rows(min_row=8):
        row = rows.get(str(cells[col["id"]].value))
        if row is None or cells[col["disposition"]].value:
            continue
        word, response = "accepted", "Agreed, thank you."
        if row.kind == "comment":
            word, response = "noted", "Thank you; addressed in the text."
        elif "conflict" in row.flags:
            rivals = set(row.conflicts_with)
            if rivals & chosen:
                word, response = "not accepted", "We kept the other wording."
            chosen.add(row.id)
        cells[col["disposition"]].value = word
        cells[col["response"]].value = response
    wb.save(path)
    return path


def write_mail(ws: Workspace, round_id: str, reviewer: str, file: Path, maildir: Path) -> Path:
    """Deliver into ``maildir`` the reply ``reviewer`` sends to their packet message of
    ``round_id``, with ``file`` attached (as a mail server delivering to a Maildir would)."""
    import mailbox
    from email.message import EmailMessage
    from email.utils import formataddr, make_msgid

    from reviewers.rounds.records import load_sent

    person = ws.person(reviewer)
    sent = [m for m in load_sent(ws, round_id).messages if m.reviewer == reviewer]
    if not sent:
        raise NotFound(f"no message was sent to {reviewer} in round {round_id}")
    msg = EmailMessage()
    msg["From"] = formataddr((person.name, person.email))
    msg["To"] = ws.guideline.mail.from_address
    msg["Subject"] = f"Re: {sent[0].subject}"
    msg["Message-ID"] = make_msgid(domain=person.email.split("@")[-1])
    msg["In-Reply-To"] = msg["References"] = sent[0].message_id
    msg.set_content("Please find my comments attached.\n")
    ctype = "vnd.openxmlformats-officedocument.wordprocessingml.document"
    msg.add_attachment(file.read_bytes(), "application", ctype, filename=file.name)
    box = mailbox.Maildir(maildir, create=True)
    box.add(bytes(msg))
    box.close()
    return maildir


def main(argv: list[str] | None = None) -> int:
    """``python -m flows.demo_reviewers return|edit|answer ...`` (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m flows.demo_reviewers",
        description="Files the example's simulated people send back, written as Word saves them.",
    )
    parser.add_argument(
        "-w",
        "--workspace",
        type=Path,
        default=os.environ.get("PENHOLDER_WORKSPACE"),
        help="the workspace (default: PENHOLDER_WORKSPACE, else the one holding this folder)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ret = sub.add_parser("return", help="an expert's annotated copy of their packet")
    ret.add_argument("round")
    ret.add_argument("reviewer", help="a person id from people.yaml")
    ret.add_argument("chapter")
    ret.add_argument("out", type=Path)
    ret.add_argument("--style", choices=STYLES, default="thorough")
    edit = sub.add_parser("edit", help="a drafter's tracked edits on a render, for import")
    edit.add_argument("render", type=Path)
    edit.add_argument("out", type=Path)
    edit.add_argument("--as", dest="drafter", default=os.environ.get("PENHOLDER_AS"))
    answer = sub.add_parser("answer", help="a drafter filling in the open rows of the matrix")
    answer.add_argument("chapter")
    answer.add_argument("round")
    mail = sub.add_parser("mail", help="an expert's reply to their packet message, in a Maildir")
    mail.add_argument("round")
    mail.add_argument("reviewer")
    mail.add_argument("file", type=Path)
    mail.add_argument("maildir", type=Path)
    args = parser.parse_args(argv)
    try:
        ws = Workspace.open(args.workspace)
        if args.command == "return":
            out = write_return(ws, args.round, args.reviewer, args.chapter, args.style, args.out)
        elif args.command == "answer":
            out = fill_matrix(ws, args.chapter, args.round)
        elif args.command == "mail":
            out = write_mail(ws, args.round, args.reviewer, args.file, args.maildir)
        else:
            out = write_edit(ws, args.render, args.out, args.drafter)
    except PenholderError as e:
        sys.stderr.write(f"demo_reviewers: {e}\n")
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
