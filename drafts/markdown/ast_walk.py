"""Walk pandoc's JSON AST into the ordered text blocks of a chapter ("sites").

A site is one paragraph of the rendered .docx that penholder anchors, in document order:

- ``title``: the front-matter ``title`` (pandoc prints it as the Title paragraph);
- ``heading``: a ``#`` ... ``######`` heading;
- ``paragraph``: a paragraph outside lists, tables and notes (``numbered`` when it sits at the
  top level of the chapter, possibly inside fenced divs; block-quote paragraphs are not);
- ``list_item``: each paragraph of a list item, at any depth (definition-list details too);
- ``table_cell``: each paragraph of a header or body cell, row by row, left to right;
- ``footnote``: each paragraph of a footnote, emitted right after the site that references it,
  ``note`` being the footnote's printed number (1, 2, ... in reference order);
- ``term``: a definition list's term, before its details;
- ``caption``: a table's caption (before its cells, where the .docx prints it) or a figure's
  (after the image);
- ``line_block``: a line block (``| ...`` lines), turned into the one paragraph with line
  breaks that pandoc's .docx writer makes of it (the AST node is rewritten in place);
- ``reference``: a paragraph of a bibliography entry citeproc generates (the ``ref-<key>`` divs
  of the ``refs`` div), ``key`` being the entry's citation key.

Inside a footnote, terms and captions are ``footnote`` sites like every note paragraph. The last
four kinds exist since anchor scheme 2 (``since``): block maps stored before (scheme 1) have none,
and ``sites(ast, scheme=1)`` walks as scheme 1 did (no such sites, no footnotes found in them),
so those maps still render as they did.
Code blocks, raw blocks and rules are not sites: they carry no anchor.

``plain_text(inlines)`` is the text of a site as the .docx shows it: inline markup dropped,
soft breaks as spaces, hard breaks as "\\n", quotes as curly quotes, citations as their (citeproc
or literal) text, footnote markers excluded, images and raw inlines as nothing; stripped.
``source_words(inlines)`` is the same walk but keeps citation keys instead of citeproc's text:
the words the Markdown source holds, used to find a site's source lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Node = dict[str, Any]

_QUOTES = {"SingleQuote": ("\u2018", "\u2019"), "DoubleQuote": ("\u201c", "\u201d")}
_CONTAINERS = {"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
_WORD = re.compile(r"\w+")


@dataclass
class Site:
    """One anchorable paragraph: ``node`` is the AST node whose inlines it holds."""

    kind: str
    node: Node
    inlines: list[Node]
    heading_path: list[str]
    numbered: bool = False
    note: int | None = None
    level: int = 0
    notes: list[int] = field(default_factory=list)
    key: str | None = None
    since: int = 1


#: the anchor scheme of block maps built now: 2 anchors generated paragraphs (bibliography
#: entries), definition terms, captions and line blocks; 1 (maps stored before) did not
SCHEME = 2


def _content(node: Node) -> Any:
    """Return a node's content (``c``), ``None`` for nodes without one (Space, SoftBreak)."""
    return node.get("c")


def _inline_text(inlines: list[Node], keys: bool) -> Iterator[str]:
    for node in inlines:
        t, c = node["t"], _content(node)
        if t in ("Str", "Code", "Math"):
            yield c if t == "Str" else c[1]
        elif t in ("Space", "SoftBreak"):
            yield " "
        elif t == "LineBreak":
            yield "\n"
        elif t in _CONTAINERS:
            yield from _inline_text(c, keys)
        elif t == "Quoted":
            opening, closing = _QUOTES[c[0]["t"]]
            yield opening
            yield from _inline_text(c[1], keys)
            yield closing
        elif t == "Cite":
            if keys:
                yield " ".join(cit["citationId"] for cit in c[0])
            else:
                yield from _inline_text(c[1], keys)
        elif t in ("Link", "Span"):
            yield from _inline_text(c[1], keys)
        # Note, Image, RawInline: nothing in the paragraph's text


def plain_text(inlines: list[Node]) -> str:
    """Return the text the .docx paragraph shows for ``inlines`` (see module docstring)."""
    return "".join(_inline_text(inlines, keys=False)).strip()


def source_words(inlines: list[Node]) -> list[str]:
    """Return the words of ``inlines`` as the Markdown source spells them."""
    return _WORD.findall("".join(_inline_text(inlines, keys=True)))


class _Walker:
    def __init__(self, scheme: int) -> None:
        self.scheme = scheme
        self.sites: list[Site] = []
        self.path: list[tuple[int, str]] = []
        self.notes = 0

    def heading_path(self) -> list[str]:
        return [text for _, text in self.path]

    def add(self, kind: str, node: Node, inlines: list[Node], **extra: Any) -> None:
        if extra.get("since", 1) > self.scheme:  # as scheme 1 walked: not a site, notes unseen
            return
        site = Site(kind, node, inlines, self.heading_path(), **extra)
        self.sites.append(site)
        for note in _notes_in(inlines):
            self.notes += 1
            site.notes.append(self.notes)
            self.blocks(note["c"], "footnote", top=False, note=self.notes)

    def blocks(self, blocks: list[Node], kind: str, top: bool, note: int | None = None) -> None:
        for block in blocks:
            self.block(block, kind, top, note)

    def block(self, block: Node, kind: str, top: bool, note: int | None) -> None:
        t, c = block["t"], _content(block)
        if t == "Header":
            level, text = c[0], plain_text(c[2])
            self.path = [(lv, tx) for lv, tx in self.path if lv < level]
            self.add("heading", block, c[2], level=level)
            self.path.append((level, text))
        elif t in ("Para", "Plain"):
            self.add(kind, block, c, numbered=top and kind == "paragraph", note=note)
        elif t == "Div":
            if c[0][0] == "refs":
                self.references(c[1])
            else:
                self.blocks(c[1], kind, top, note)
        elif t == "LineBlock" and self.scheme >= 2:  # the .docx prints it as one paragraph
            lines: list[Node] = []
            for i, line in enumerate(c):
                lines += ([{"t": "LineBreak"}] if i else []) + line
            block["t"], block["c"] = "Para", lines
            self.add("footnote" if note else "line_block", block, lines, note=note, since=2)
        elif t == "Figure":
            self.caption(c[1], note)
        elif t == "BlockQuote":
            self.blocks(c, kind, False, note)
        elif t in ("BulletList", "OrderedList"):
            items = c if t == "BulletList" else c[1]
            for item in items:
                self.blocks(item, "footnote" if note else "list_item", False, note)
        elif t == "DefinitionList":
            for term, details in c:
                self.add("footnote" if note else "term", block, term, note=note, since=2)
                for detail in details:
                    self.blocks(detail, "footnote" if note else "list_item", False, note)
        elif t == "Table":
            self.table(c, note)

    def caption(self, caption: list[Any], note: int | None) -> None:
        for part in caption[1]:
            if part["t"] in ("Para", "Plain"):
                self.add("footnote" if note else "caption", part, part["c"], note=note, since=2)

    def references(self, entries: list[Node]) -> None:
        """Each paragraph of citeproc's entries (``ref-<key>`` divs) is a ``reference`` site."""
        for entry in entries:
            if entry["t"] != "Div" or not entry["c"][0][0].startswith("ref-"):
                continue
            key = entry["c"][0][0][len("ref-") :]
            for part in entry["c"][1]:
                if part["t"] in ("Para", "Plain"):
                    self.add("reference", part, part["c"], key=key, since=2)

    def table(self, c: list[Any], note: int | None) -> None:
        self.caption(c[1], note)  # the .docx prints a table's caption above it
        head, bodies, foot = c[3], c[4], c[5]
        rows = list(head[1])
        for body in bodies:
            rows += body[2] + body[3]
        rows += foot[1]
        for row in rows:
            for cell in row[1]:
                self.blocks(cell[4], "footnote" if note else "table_cell", False, note)


def _notes_in(inlines: list[Node]) -> Iterator[Node]:
    for node in inlines:
        t, c = node["t"], _content(node)
        if t == "Note":
            yield node
        elif t in _CONTAINERS:
            yield from _notes_in(c)
        elif t in ("Quoted", "Cite", "Span", "Link"):
            yield from _notes_in(c[1])


def sites(ast: dict[str, Any], scheme: int = SCHEME) -> list[Site]:
    """Return the anchorable sites of a pandoc JSON document, in document order, of anchor
    ``scheme`` (sites introduced by a later scheme left out)."""
    walker = _Walker(scheme)
    title: Node | None = ast.get("meta", {}).get("title")
    if title is not None and title.get("t") == "MetaInlines":
        walker.add("title", title, title["c"])
    walker.blocks(ast["blocks"], "paragraph", top=True)
    return walker.sites
