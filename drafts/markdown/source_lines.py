"""Find each site's source line range in a pandoc Markdown chapter.

pandoc's Markdown reader records no source positions, so this module matches words instead:
the source is cut into word streams (the main text; one stream per footnote definition
``[^label]: ...`` with its indented continuation), and each site's words (``source_words``:
its text with citation keys in place of citeproc output) are found in order in its stream, a
cursor moving forward. A site's lines run from the line of its first matched word to the line of
its last (1-based, inclusive, front matter counted). Markup the text lacks (URLs, emphasis
marks, attributes) is skipped; a word the source lacks is skipped too. Footnote ``n`` is the
``n``-th footnote reference of the main text, which names its definition's stream; an inline
note ``^[...]`` is located in the main text. The title is the ``title:`` line of the front
matter. A site with no words gets the line where the cursor stands. A caption is matched
without moving the cursor (the .docx prints a table's caption above the table, the source may
have it below). A bibliography entry (``reference``) has no words in the chapter: its lines are
the line of the first citation of its key (``@key``, in the text or a note), else the line of
the front matter naming it (``nocite``), else the last line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drafts.markdown.ast_walk import Site, source_words

_WORD = re.compile(r"\w+")
_NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
_NOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)|\^\[")
_WINDOW = 600


@dataclass
class _Stream:
    words: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    cursor: int = 0

    def add(self, text: str, line: int) -> None:
        for word in _WORD.findall(text):
            self.words.append(word)
            self.lines.append(line)

    def here(self) -> int:
        if not self.lines:
            return 1
        return self.lines[min(max(self.cursor - 1, 0), len(self.lines) - 1)]

    def _find(self, word: str, start: int, stop: int) -> int:
        for i in range(start, min(stop, len(self.words))):
            if self.words[i] == word:
                return i
        return -1

    def _first(self, words: list[str]) -> int:
        """Find the first word where the next one follows closely; else its first match."""
        start = self.cursor
        first = -1
        while True:
            i = self._find(words[0], start, self.cursor + _WINDOW)
            if i < 0:
                return first
            if first < 0:
                first = i
            if len(words) == 1 or self._find(words[1], i + 1, i + 4) >= 0:
                return i
            start = i + 1

    def match(self, words: list[str], keep_cursor: bool = False) -> tuple[int, int]:
        """Match ``words`` in order from the cursor; return the (first, last) line."""
        if keep_cursor:
            cursor = self.cursor
            found = self.match(words)
            self.cursor = cursor
            return found
        matched: list[int] = []
        rest = words
        while rest and not matched:
            i = self._first(rest)
            if i >= 0:
                matched.append(i)
                self.cursor = i + 1
            rest = rest[1:]
        for word in rest:
            i = self._find(word, self.cursor, self.cursor + _WINDOW)
            if i >= 0:
                matched.append(i)
                self.cursor = i + 1
        if not matched:
            return self.here(), self.here()
        return self.lines[matched[0]], self.lines[matched[-1]]


def _front_matter_end(lines: list[str]) -> int:
    """Return the number of lines the YAML front matter takes (0 if none)."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return i + 1
    return 0


def _citation_line(lines: list[str], front: int, key: str | None) -> int:
    """Return the 1-based line of the first ``@key`` (body first, then front matter), else the
    last line."""
    if key:
        cited = re.compile(r"@\{?" + re.escape(key) + r"(?![\w:.#$%&+?<>~/-]*\w)")
        order = [*range(front, len(lines)), *range(front)]
        for index in order:
            if cited.search(lines[index]):
                return index + 1
    return max(len(lines), 1)


def line_ranges(markdown: str, sites: list[Site]) -> list[tuple[int, int]]:
    """Return the 1-based inclusive source line range of every site, in order."""
    lines = markdown.splitlines()
    front = _front_matter_end(lines)
    title_line = next((i + 1 for i in range(front) if lines[i].startswith("title:")), 1)
    main = _Stream()
    notes: dict[str, _Stream] = {}
    refs: list[str | None] = []
    current: _Stream | None = None
    blank = True
    for number, line in enumerate(lines[front:], start=front + 1):
        definition = _NOTE_DEF.match(line)
        if definition:
            current = notes.setdefault(definition.group(1), _Stream())
            current.add(line[definition.end() :], number)
            blank = False
            continue
        lazy = not blank and line.strip()  # a lazy continuation line of the note's paragraph
        blank = not line.strip()
        if current is not None and (blank or lazy or line.startswith(("    ", "\t"))):
            current.add(line, number)
            continue
        current = None
        for ref in _NOTE_REF.finditer(line):
            refs.append(ref.group(1))
        main.add(line, number)
    out: list[tuple[int, int]] = []
    last_main = (title_line, title_line)
    for site in sites:
        if site.kind == "title":
            out.append((title_line, title_line))
        elif site.kind == "reference":
            cited = _citation_line(lines, front, site.key)
            out.append((cited, cited))
        elif site.kind == "footnote" and site.note is not None:
            label = refs[site.note - 1] if site.note <= len(refs) else None
            stream = notes.get(label) if label is not None else None
            # an inline note ^[...] lies within the paragraph that holds it
            out.append(stream.match(source_words(site.inlines)) if stream else last_main)
        else:
            found = main.match(source_words(site.inlines), keep_cursor=site.kind == "caption")
            out.append(found)
            if site.kind != "caption":
                last_main = found
    return out
