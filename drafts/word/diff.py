"""Word-level differences between two texts, with diff-match-patch.

Texts are cut into tokens (runs of non-blank characters, i.e. words with their punctuation,
and runs of white space), each token is mapped to one private-use character, diff-match-patch diffs the
mapped strings and cleans the result up semantically, and the tokens are put back. So every
difference starts and ends on a token boundary: a reader sees whole words change ("smart city" -> "smart-city" is one replacement).

``word_diff(a, b)`` returns diff-match-patch diffs (``[(op, text)]``, op -1/0/1) that turn ``a``
into ``b``; ``edits(a, b)`` returns them as ``Edit(start, end, new_text)`` over ``a``, in order,
non-overlapping: applying them (right to left) to ``a`` gives ``b``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\S+|\s+")
_BASE = 0xF0000  # Supplementary Private Use Area-A, then -B


class Edit(NamedTuple):
    """``a[start:end]`` becomes ``new_text``."""

    start: int
    end: int
    new_text: str


def tokens(text: str) -> list[str]:
    """Return the tokens of ``text``; they join back to ``text``."""
    return _TOKEN.findall(text)


def _encode(text: str, table: dict[str, str], back: list[str]) -> str:
    out = []
    for tok in tokens(text):
        code = table.get(tok)
        if code is None:
            n = len(back)
            code = chr(_BASE + n) if n < 0xFFFE else chr(0x100000 + n - 0xFFFE)
            table[tok] = code
            back.append(tok)
        out.append(code)
    return "".join(out)


def word_diff(a: str, b: str, timeout: float = 2.0) -> list[tuple[int, str]]:
    """Return the semantic, word-aligned diffs that turn ``a`` into ``b``."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    table: dict[str, str] = {}
    back: list[str] = []
    ea, eb = _encode(a, table, back), _encode(b, table, back)
    diffs = dmp.diff_main(ea, eb, False)
    dmp.diff_cleanupSemantic(diffs)
    decoded = [(op, "".join(back[ord(c) - _code_base(c)] for c in text)) for op, text in diffs]
    return _merge(decoded)


def _code_base(c: str) -> int:
    return _BASE if ord(c) < 0x100000 else 0x100000 - 0xFFFE


def _merge(diffs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join neighbours with the same op; drop empty diffs."""
    out: list[tuple[int, str]] = []
    for op, text in diffs:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))
    return out


def edits(a: str, b: str) -> list[Edit]:
    """Return the word-aligned edits over ``a`` that turn it into ``b`` (none when equal)."""
    if a == b:
        return []
    out: list[Edit] = []
    pos = 0
    pending: Edit | None = None
    for op, text in word_diff(a, b):
        if op == 0:
            if pending is not None:
                out.append(pending)
                pending = None
            pos += len(text)
            continue
        if pending is None:
            pending = Edit(pos, pos, "")
        if op == -1:
            pending = Edit(pending.start, pending.end + len(text), pending.new_text)
            pos += len(text)
        else:
            pending = Edit(pending.start, pending.end, pending.new_text + text)
    if pending is not None:
        out.append(pending)
    return out


def apply_edits(a: str, changes: list[Edit]) -> str:
    """Return ``a`` with ``changes`` (from ``edits``) applied."""
    for e in sorted(changes, reverse=True):
        a = a[: e.start] + e.new_text + a[e.end :]
    return a
