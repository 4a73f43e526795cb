"""The words of letters: Jinja2 templates a drafter may override, long dates, references.

``fill(root, name, values)`` renders ``letters/<name>.txt.j2``: the workspace's own copy
(``templates/letters/<name>.txt.j2`` under ``root``, ``drafts.layout.letter_template``) when it
has one, else penholder's (``templates/letters/`` of the package). Undefined values are refused
(``StrictUndefined``): a template naming a placeholder that does not exist raises ``ConfigError``
naming it and the file, so a typo never reaches an expert. The result is tidied (no trailing
spaces, never two blank lines in a row) and is the letter's text: the body of the e-mail as it
is, and the .docx paragraph by paragraph (``reviewers.send.letters.write_docx``).

A template writes each paragraph on ONE line (mail clients and word processors wrap it), lines
of a block that belong together (date and reference, the signatory block) one under another,
list items as ``- item`` lines and headings as ``## Heading`` lines.

``long_date(day, language)``: "22 March 2024" (``en``), "22 mars 2024" (``fr``), "22 de marzo
de 2024" (``es``), and ``weekday(day, language)``, from tables here (no locale of the machine
involved).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from drafts import layout
from drafts.core import resources
from drafts.core.errors import ConfigError

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
}
WEEKDAYS = {
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "es": "lunes martes miércoles jueves viernes sábado domingo",
}
SUFFIX = ".txt.j2"


def long_date(day: date, language: str = "en") -> str:
    """Return ``day`` in long form in ``language`` ("22 March 2024")."""
    month = MONTHS[language].split()[day.month - 1]
    if language == "fr":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    if language == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{day.day} {month} {day.year}"


def weekday(day: date, language: str = "en") -> str:
    """Return the name of ``day``'s weekday in ``language`` ("Friday")."""
    return WEEKDAYS[language].split()[day.weekday()]


def chapters_phrase(chapters: Sequence[str]) -> str:
    """Return 'chapter 03', 'chapters 03 and 04' or 'chapters 02, 03 and 04'."""
    if len(chapters) == 1:
        return f"chapter {chapters[0]}"
    return "chapters " + ", ".join(chapters[:-1]) + f" and {chapters[-1]}"


def reference(prefix: str, *parts: str) -> str:
    """Return a letter's reference: the prefix and the parts joined by "/" ("UNH/R1/R1-03-K7Q2")."""
    return "/".join(p for p in (prefix, *parts) if p)


def _environment(root: Path | None) -> jinja2.Environment:
    folders = [root / layout.LETTER_TEMPLATES] if root is not None else []
    folders.append(resources.letters())
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _where(filename: str | None, root: Path | None, name: str) -> str:
    if filename and root is not None and Path(filename).is_relative_to(root):
        return Path(filename).relative_to(root).as_posix()
    return f"{name}{SUFFIX}"


def _unknown(error: jinja2.UndefinedError) -> str:
    found = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", str(error))
    return next((g for g in found.groups() if g), str(error)) if found else str(error)


def fill(root: Path | None, name: str, values: Mapping[str, Any]) -> str:
    """Return the letter template ``name`` filled with ``values`` (see module docstring)."""
    env = _environment(root)
    try:
        template = env.get_template(f"{name}{SUFFIX}")
    except jinja2.TemplateNotFound as e:
        raise ConfigError(
            f"the letter template {name}{SUFFIX} is missing; reinstall penholder"
        ) from e
    except jinja2.TemplateSyntaxError as e:
        where = _where(e.filename, root, name)
        raise ConfigError(f"the letter template {where} line {e.lineno}: {e.message}") from e
    where = _where(template.filename, root, name)
    try:
        text = template.render(values)
    except jinja2.UndefinedError as e:
        known = ", ".join(sorted(values))
        raise ConfigError(
            f"the letter template {where} uses an unknown placeholder {_unknown(e)!r} "
            f"(known: {known})"
        ) from e
    return tidy(text)


def tidy(text: str) -> str:
    """Strip trailing spaces and blank lines around; never two blank lines in a row."""
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
