"""Strings a user supplies, made safe before they reach a commit message, a trailer, a tag's
message or tagger (``Workspace.tag``), a path or a log: the one place that says how.

A returned file's name, a person's name or e-mail, a reason typed on the command line: any of
them may hold control characters (a byte 0x1E in a file name once bricked a workspace, since
the history parser split on it). Every such character (0x00-0x1F, 0x7F and the C1 range
0x80-0x9F, and the Unicode line and paragraph separators) is written as a visible escape
(``\\x1e``), so the name stays recognisable and nothing can start a new line, a new trailer or a
new field; and every string is bounded in length (an ellipsis marks a cut).

- ``line(s)``: one line (subjects, trailer values, tag messages, names, file names, log lines);
- ``text(s)``: several lines (a commit body): newlines kept, every other control escaped;
- ``ident(s)``: a commit author's name or e-mail, which git also forbids ``<`` and ``>`` in;
- ``is_tag_name(s)``: whether git takes ``s`` as a tag's name (``git check-ref-format``'s rules).
"""

from __future__ import annotations

import re

#: longest subject, trailer value, name or file name kept (characters)
LINE_LIMIT = 300
#: longest commit body kept (characters)
TEXT_LIMIT = 20_000
ELLIPSIS = "…"

_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_IN_LINE = re.compile(f"[{_CONTROL}]")
_IN_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # all but "\n"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _bound(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - len(ELLIPSIS)] + ELLIPSIS


def line(value: str, limit: int = LINE_LIMIT) -> str:
    """Return ``value`` as one safe line: every control character escaped, at most ``limit`` long."""
    return _bound(_IN_LINE.sub(_escape, value), limit)


def text(value: str, limit: int = TEXT_LIMIT) -> str:
    """Return ``value`` with its lines kept and every other control character escaped, bounded."""
    return _bound(_IN_TEXT.sub(_escape, value.replace("\r\n", "\n")), limit)


def ident(value: str, limit: int = 200) -> str:
    """Return a commit author's name or e-mail made safe (git forbids ``<``, ``>`` and newlines)."""
    return line(value.replace("<", "‹").replace(">", "›"), limit).strip()


def is_safe_line(value: str) -> bool:
    """Return whether ``value`` holds no control character (what ``line`` would leave alone)."""
    return _IN_LINE.search(value) is None


_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")


def is_tag_name(value: str) -> bool:
    """Return whether git takes ``value`` as the name of a tag (``refs/tags/<value>``)."""
    if not value or _REF_FORBIDDEN.search(value) or not is_safe_line(value):
        return False
    if value.startswith("/") or value.endswith(("/", ".")):
        return False
    return all(part and not part.startswith(".") and not part.endswith(".lock")
               for part in value.split("/"))  # fmt: skip
