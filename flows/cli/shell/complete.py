"""Shell completion of chapter, round, person and remark ids (typer's ``autocompletion``).

Each reads the workspace cheaply: file names under ``chapters/`` and ``rounds/``, the ``id:``
lines of ``people.yaml``, the ``"id"`` fields of ``remarks/``; nothing is parsed in full, git is
never run, and a folder that is not a workspace completes nothing (never an error).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from drafts import layout


def _root() -> Path | None:
    named = os.environ.get("PENHOLDER_WORKSPACE")
    here = Path(named) if named else Path.cwd()
    try:
        here = here.resolve()
    except OSError:
        return None
    for folder in (here, *here.parents):
        if (folder / layout.GUIDELINE).is_file():
            return folder
    return None


def _starting(values: list[str], incomplete: str) -> list[str]:
    return [v for v in dict.fromkeys(values) if v.startswith(incomplete)]


def chapters(incomplete: str = "") -> list[str]:
    root = _root()
    if root is None:
        return []
    return _starting(sorted(p.stem for p in (root / layout.CHAPTERS).glob("*.md")), incomplete)


def rounds(incomplete: str = "") -> list[str]:
    root = _root()
    if root is None:
        return []
    found = [p.parent.name for p in (root / layout.ROUNDS).glob("*/round.yaml")]
    return _starting(sorted(found, key=lambda r: (len(r), r)), incomplete.upper())


def people(incomplete: str = "") -> list[str]:
    root = _root()
    if root is None or not (root / layout.PEOPLE).is_file():
        return []
    text = (root / layout.PEOPLE).read_text(encoding="utf-8", errors="replace")
    return _starting(re.findall(r"(?m)^\s*-?\s*id:\s*['\"]?([\w.-]+)", text), incomplete)


def remarks(incomplete: str = "") -> list[str]:
    root = _root()
    if root is None:
        return []
    found: list[str] = []
    for path in sorted((root / layout.REMARKS).glob("*/*/*.json")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += re.findall(r'"id":\s*"([^"]+)"', text)
    return _starting(sorted(found), incomplete.upper())
