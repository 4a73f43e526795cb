"""A remark in the words a person writes, and the type a drafter would give it (pure).

``describe(remark, blocks)`` is the matrix's comment column: a comment is its own text; a change
is a sentence, quoting at most ``QUOTE_WORDS`` words of any text (longer quotes keep their first
and last words around "…"):

- insert: ``Insert 'and their representative organisations' after 'obligations that'`` (the two
  words before the point; ``before '…'`` at the start of a paragraph); a new paragraph:
  ``Insert a new paragraph after paragraph 4: '…'`` (or after '…' when it has no number);
- delete: ``Delete 'of websites, mobile'``; a whole paragraph: ``Delete paragraph 5: '…'``;
- replace: ``Replace 'can' by 'must'``;
- move: ``Move 'The shift to digital-only' to paragraph 5`` (or ``to after '…'``, or ``to
  where it is marked`` when the landing point is unknown);
- format: ``Change the formatting of '…'``;
- an edit made without tracking changes is worded as the change it makes, followed by
  ``(edited without tracking changes)``.

``type_of(remark)`` proposes the ISO/IEC type (``docs/matrix.md``, "Type"), which drafters
override in the matrix's drop-down:

- a comment: **general**;
- a format change: **editorial**;
- a change of a modal verb (``MODALS``), a number (a word with a digit, or ``NUMBER_WORDS``), or
  a negation (``NEGATIONS``): **technical**, whatever else it does;
- a change of punctuation, letter case or spacing only, of spelling only (each changed word
  close to the one it replaces, ``SPELLING`` similarity, as "organisation" and "organization"),
  or of articles only: **editorial**;
- any other change of wording (insert, delete, replace, move, untracked edit): **technical**.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from drafts.blocks import Block
from reviewers.consolidate.models import CommentType
from reviewers.intake.remarks import Remark

#: words of a quote shown in full; a longer one keeps its first and last words around "…"
QUOTE_WORDS = 12
MODALS = frozenset(
    [
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
        "will",
        "would",
        "ought",
        "need",
        "needs",
        "cannot",
    ]
)
NEGATIONS = frozenset(["not", "no", "never", "none", "nor", "neither", "without", "cannot", "n't"])
NUMBER_WORDS = frozenset(
    [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "hundred",
        "thousand",
        "million",
        "billion",
        "half",
        "quarter",
        "double",
        "twice",
        "percent",
        "per",
        "cent",
        "first",
        "second",
        "third",
        "annual",
        "annually",
        "monthly",
        "weekly",
        "daily",
    ]
)
ARTICLES = frozenset({"a", "an", "the"})
#: least similarity of a changed word to the word it replaces for a spelling change
SPELLING = 0.8
_WORD = re.compile(r"[\w'’]+")
UNTRACKED = " (edited without tracking changes)"


def quote(text: str) -> str:
    """Return ``'text'`` with spaces collapsed, shortened around "…" past ``QUOTE_WORDS``."""
    words = text.split()
    if len(words) > QUOTE_WORDS:
        words = [*words[: QUOTE_WORDS - 4], "…", *words[-3:]]
    return "'" + " ".join(words) + "'"


def _before(text: str, at: int) -> str:
    return " ".join(text[:at].split()[-2:])


def _after(text: str, at: int) -> str:
    return " ".join(text[at:].split()[:2])


def _where(block: Block | None) -> str:
    if block is None:
        return "where it is marked"
    if block.paragraph is not None:
        return f"paragraph {block.paragraph}"
    words = block.text.split()
    return f"after {quote(' '.join(words[-2:]))}" if words else "where it is marked"


def _insert(r: Remark, block: Block | None, new: str) -> str:
    if new.startswith("\n"):
        where = _where(block)
        where = where if where.startswith(("after", "where")) else f"after {where}"
        return f"Insert a new paragraph {where}: {quote(new)}"
    text, at = (block.text, r.start or 0) if block is not None else ("", 0)
    before = _before(text, at)
    if before:
        return f"Insert {quote(new)} after {quote(before)}"
    after = _after(text, at)
    return f"Insert {quote(new)} before {quote(after)}" if after else f"Insert {quote(new)}"


def _change(r: Remark, blocks: dict[str, Block]) -> str:
    block = blocks.get(r.block or "")
    old, new = r.anchor_text or "", r.proposed or ""
    if r.kind == "format":
        return f"Change the formatting of {quote(old)}" if old.strip() else "Change the formatting"
    if r.kind == "move":
        return f"Move {quote(old)} to {_where(blocks.get(r.target_block or ''))}"
    if not old.strip() and new.strip():
        return _insert(r, block, new)
    if old.strip() and not new.strip():
        whole = block is not None and old.strip() == block.text.strip()
        if whole and block is not None and block.paragraph is not None:
            return f"Delete paragraph {block.paragraph}: {quote(old)}"
        return f"Delete {quote(old)}"
    return f"Replace {quote(old)} by {quote(new)}"


def describe(r: Remark, blocks: dict[str, Block]) -> str:
    """Return the remark in words (module docstring); ``blocks`` by id, of the base revision."""
    if r.kind == "comment":
        return r.text
    said = _change(r, blocks)
    return said + UNTRACKED if r.kind == "silent" else said


def _words(text: str) -> list[str]:
    return [w.replace("’", "'").casefold() for w in _WORD.findall(text)]


def _changed(old: str, new: str) -> tuple[list[str], list[str]]:
    """Return the words taken out and put in, in pairs of replaced runs kept aligned."""
    a, b = _words(old), _words(new)
    out: list[str] = []
    put: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out += a[i1:i2]
            put += b[j1:j2]
    return out, put


def _meaningful(word: str) -> bool:
    return word in MODALS or word in NEGATIONS or word.endswith("n't") or _is_number(word)


def _is_number(word: str) -> bool:
    return any(c.isdigit() for c in word) or word in NUMBER_WORDS


def _spelling(out: list[str], put: list[str]) -> bool:
    return len(out) == len(put) and all(
        SequenceMatcher(None, a, b).ratio() >= SPELLING for a, b in zip(out, put, strict=True)
    )


def type_of(r: Remark) -> CommentType:
    """Return the type the rule proposes for ``r`` (module docstring)."""
    if r.kind == "comment":
        return "general"
    if r.kind == "format":
        return "editorial"
    old, new = r.anchor_text or "", r.proposed or ""
    if r.kind == "move":
        new = ""  # what moves is what counts
    out, put = _changed(old, new)
    if any(_meaningful(word) for word in out + put):
        return "technical"
    if not out and not put:  # punctuation, case or spacing only
        return "editorial"
    if r.kind != "move" and (_spelling(out, put) or set(out + put) <= ARTICLES):
        return "editorial"
    return "technical"
