"""Edits made without tracking: the return's rejected text against the text that was sent.

Each aligned paragraph is diffed with diff-match-patch (semantic cleanup); each run of
differences between equal stretches is one edit. Differences in whitespace alone (a re-save
turning a tab into spaces, doubled spaces) are not edits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Edit:
    """Replace ``old[start:end]`` with ``new``; an insertion has start == end."""

    start: int
    end: int
    new: str


def normalise(text: str) -> str:
    """Return ``text`` as compared for edits: NFC, whitespace runs as one space, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def edits(old: str, new: str) -> list[Edit]:
    """Return the edits that turn ``old`` into ``new`` (none when they differ only in spacing)."""
    if old == new or normalise(old) == normalise(new):
        return []
    dmp = diff_match_patch()
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)
    found: list[Edit] = []
    pos = 0
    start: int | None = None
    inserted = ""
    for op, text in diffs:
        if op == 0:
            if start is not None:
                found.append(Edit(start, pos, inserted))
                start, inserted = None, ""
            pos += len(text)
            continue
        if start is None:
            start = pos
        if op == -1:
            pos += len(text)
        else:
            inserted += text
    if start is not None:
        found.append(Edit(start, pos, inserted))
    # an edit of whitespace alone is noise, unless it joins or splits words ("e mail" -> "email")
    same = normalise(old)
    return [e for e in found if normalise(old[: e.start] + e.new + old[e.end :]) != same]
