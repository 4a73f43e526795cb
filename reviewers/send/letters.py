"""Letters to experts: their values, their text (``reviewers.send.wording``) and their .docx.

``cover_text`` and ``reminder_text`` fill the templates ``cover`` and ``reminder`` (the
workspace's own wording first, then penholder's): date (today in the guideline's timezone, long
form in ``house.language``), reference (``house.reference_prefix``, round, packet ids),
salutation by name, each chapter with its title, revision and what to do, the due date, the
signatory block and the contact (``house.contact`` lines and ``mail.from_address``). The same
text is the e-mail's body and, through ``write_docx``, the letter file: the house letterhead,
header and footer (``drafts.word.house``), then one paragraph per block of the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from docx.shared import Cm, Pt

from drafts.core.files import atomic_output
from drafts.models import Person
from drafts.word import house
from drafts.workspace import Workspace
from reviewers.models import Round, RoundItem
from reviewers.send import wording
from reviewers.send.wording import chapters_phrase, long_date

__all__ = ["chapters_phrase", "common", "cover_text", "reminder_text", "write_docx"]


def common(ws: Workspace, person: Person, rnd: Round, reference: str) -> dict[str, Any]:
    """Return the values every letter template may use (``docs/house-style.md`` lists them)."""
    g = ws.guideline
    language = g.house.language
    return {
        "date": long_date(ws.now().date(), language),
        "reference": reference,
        "name": person.name,
        "title": g.title,
        "short_title": g.label,
        "organisation": g.office,
        "programme": g.house.programme,
        "round": rnd.id,
        "due": rnd.due.isoformat(),
        "due_long": long_date(rnd.due, language),
        "due_day": wording.weekday(rnd.due, language),
        "signatory": g.signatory.model_dump(),
        "contact": [*g.house.contact, g.mail.from_address],
    }


def _chapter(ws: Workspace, item: RoundItem, file: str = "", redline: str = "") -> dict[str, Any]:
    title = ws.front(item.chapter, ws.text(item.chapter, item.revision)).title
    return {
        "chapter": item.chapter,
        "title": title,
        "revision": item.revision,
        "packet": item.packet,
        "file": file,
        "redline": redline,
        "previous_revision": item.previous_revision,
    }


def packet_reference(ws: Workspace, rnd: Round, items: Sequence[RoundItem]) -> str:
    """Return the reference of a letter about ``items``: prefix/round/packet ids."""
    packets = ", ".join(i.packet for i in items)
    return wording.reference(ws.guideline.house.reference_prefix, rnd.id, packets)


def cover_text(
    ws: Workspace,
    person: Person,
    rnd: Round,
    items: Sequence[RoundItem],
    files: dict[str, tuple[str, str]],
    attachments: Sequence[str],
    zip_name: str,
) -> str:
    """Return the cover letter of ``person``'s packet: what, when, how to comment.

    ``files`` maps each chapter to its (chapter file, redline file or ""); ``attachments`` are
    the other files of the packet (the letter itself is not among them).
    """
    chapters = [_chapter(ws, i, *files.get(i.chapter, ("", ""))) for i in items]
    values = common(ws, person, rnd, packet_reference(ws, rnd, items)) | {
        "chapters": chapters,
        "chapters_phrase": chapters_phrase([i.chapter for i in items]),
        "packets": ", ".join(i.packet for i in items),
        "redlines": [c for c in chapters if c["redline"]],
        "attachments": list(attachments),
        "zip": zip_name,
        "note": rnd.note.strip(),
    }
    return wording.fill(ws.root, "cover", values)


def reminder_text(
    ws: Workspace, person: Person, rnd: Round, items: Sequence[RoundItem], today: date
) -> str:
    """Return a polite reminder for the items ``person`` has not returned yet."""
    days = (rnd.due - today).days
    when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    values = common(ws, person, rnd, packet_reference(ws, rnd, items)) | {
        "chapters": [_chapter(ws, i) for i in items],
        "chapters_phrase": chapters_phrase([i.chapter for i in items]),
        "packets": ", ".join(i.packet for i in items),
        "overdue": today > rnd.due,
        "when": when,
    }
    return wording.fill(ws.root, "reminder", values)


def write_txt(text: str, out: Path) -> Path:
    out.write_text(text, encoding="utf-8")
    return out


def _bullet(doc: Any, text: str, last: bool) -> None:
    para = doc.add_paragraph(f"–\t{text}", style="Compact")
    fmt = para.paragraph_format
    fmt.left_indent, fmt.first_line_indent = Cm(0.6), Cm(-0.6)
    fmt.tab_stops.add_tab_stop(Cm(0.6))
    if last:
        fmt.space_after = Pt(8)  # as after a Body Text paragraph


def _block(doc: Any, lines: list[str]) -> None:
    if len(lines) == 1 and lines[0].startswith("## "):
        doc.add_paragraph(lines[0][3:], style="Heading 2")
        return
    para = None
    for n, line in enumerate(lines, start=1):
        if line.startswith("- "):
            _bullet(doc, line[2:], last=n == len(lines))
            para = None
        elif para is None:
            para = doc.add_paragraph(line, style="Body Text")
        else:
            para.add_run().add_break()
            para.add_run(line)


def write_docx(ws: Workspace, text: str, out: Path, title: str, reference: str) -> Path:
    """Write the letter ``text`` as a house-style .docx (module docstring); return ``out``.

    Blocks are separated by blank lines: a ``## `` line is a heading, ``- `` lines are list
    items, other lines of a block are one paragraph, each line on its own line.
    """
    g = ws.guideline
    doc = house.document(g)
    section = doc.sections[-1]
    house.running(section, f"{g.office} — {g.label}", f"Reference {reference}")
    house.letterhead(doc, g, ws.root)
    for block in text.strip().split("\n\n"):
        _block(doc, block.splitlines())
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, g.office, g.office
    props.comments = ""
    with atomic_output(Path(out)) as tmp:
        doc.save(str(tmp))
    return Path(out)


def plain(text: str) -> str:
    """Return the letter ``text`` as an e-mail body: headings without their ``## `` marker."""
    return "\n".join(line.removeprefix("## ") for line in text.splitlines()) + "\n"
