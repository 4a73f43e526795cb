"""Cover letters and reminders from the text templates in ``templates/letters/`` (no I/O but
writing the letter files a caller asks for).

Templates are ``string.Template`` text (``$name``, ``$due``, ...); ``fill`` substitutes every
placeholder and refuses (``ConfigError``) a template naming one it does not know, so a typo in
a letter never reaches an expert. ``write_docx`` turns the same text into a .docx (python-docx),
one paragraph per blank-line-separated block.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from string import Template

import docx

from drafts.core import resources
from drafts.core.errors import ConfigError
from drafts.models import Guideline, Person
from reviewers.models import Round, RoundItem


def template(name: str) -> str:
    """Return the text of ``templates/letters/<name>.txt``, or raise ConfigError."""
    path = resources.template(f"letters/{name}.txt")
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"the letter template {path} is missing; reinstall penholder") from e


def fill(name: str, values: dict[str, str]) -> str:
    """Return the template ``name`` with ``values`` substituted (every placeholder required)."""
    try:
        return Template(template(name)).substitute(values)
    except (KeyError, ValueError) as e:
        raise ConfigError(f"the letter template {name}.txt uses an unknown placeholder {e}") from e


def long_date(day: date) -> str:
    """Return ``day`` as 'Friday 22 March 2024' (no locale involved)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def chapters_phrase(chapters: Sequence[str]) -> str:
    """Return 'chapter 03', 'chapters 03 and 04' or 'chapters 02, 03 and 04'."""
    if len(chapters) == 1:
        return f"chapter {chapters[0]}"
    return "chapters " + ", ".join(chapters[:-1]) + f" and {chapters[-1]}"


def _common(g: Guideline, person: Person, rnd: Round) -> dict[str, str]:
    return {
        "name": person.name,
        "title": g.title,
        "organisation": g.organisation,
        "from_name": g.mail.from_name,
        "round": rnd.id,
        "due": rnd.due.isoformat(),
        "due_long": long_date(rnd.due),
    }


def cover_text(
    g: Guideline,
    person: Person,
    rnd: Round,
    items: Sequence[RoundItem],
    redlines: Sequence[RoundItem],
    files: Sequence[str],
    zip_name: str,
) -> str:
    """Return the cover letter of ``person``'s packet: what, when, how to comment.

    ``redlines`` are the items whose packet carries a redline since the revision last sent.
    """
    redline = ""
    if redlines:
        since = ", ".join(
            f"chapter {i.chapter} since revision {i.previous_revision}" for i in redlines
        )
        redline = (
            f"\nYou reviewed an earlier version before: the files marked 'changes' show, as "
            f"tracked changes, what was revised since ({since}). Please comment on the chapter "
            "files themselves, not on the 'changes' files.\n"
        )
    note = f"\n{rnd.note.strip()}\n" if rnd.note.strip() else ""
    values = _common(g, person, rnd) | {
        "chapters": chapters_phrase([i.chapter for i in items]),
        "packets": ", ".join(i.packet for i in items),
        "files": "\n".join(f"  - {f}" for f in files),
        "zip": zip_name,
        "redline": redline,
        "note": note,
    }
    return fill("cover", values)


def reminder_text(
    g: Guideline, person: Person, rnd: Round, items: Sequence[RoundItem], today: date
) -> str:
    """Return a polite reminder for the items ``person`` has not returned yet."""
    if today > rnd.due:
        opening = (
            f"Round {rnd.id} of the review was due on {long_date(rnd.due)}. We would still very "
            "much welcome your comments, as soon as you can send them."
        )
    else:
        days = (rnd.due - today).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        opening = (
            f"A friendly reminder that your comments in review round {rnd.id} are due {when}, "
            f"on {long_date(rnd.due)}."
        )
    values = _common(g, person, rnd) | {
        "opening": opening,
        "chapters": chapters_phrase([i.chapter for i in items]),
        "packets": ", ".join(i.packet for i in items),
    }
    return fill("reminder", values)


def write_txt(text: str, out: Path) -> Path:
    out.write_text(text, encoding="utf-8")
    return out


def write_docx(text: str, out: Path, title: str) -> Path:
    """Write ``text`` as a .docx: one paragraph per block, list lines kept as bullets."""
    document = docx.Document()
    document.core_properties.title = title
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if lines and all(line.lstrip().startswith("- ") for line in lines[1:]) and len(lines) > 1:
            document.add_paragraph(lines[0].strip())
            for line in lines[1:]:
                document.add_paragraph(line.strip()[2:], style="List Bullet")
        else:
            document.add_paragraph(" ".join(line.strip() for line in lines))
    document.save(str(out))
    return out
