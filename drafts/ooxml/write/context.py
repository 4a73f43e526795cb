"""What every writer of a .docx works on: the open package, its main document and free ids.

``open_context(path, label)`` opens a .docx for editing (python-docx is not used: it does not see
tracked text); ``track_revisions(ctx, moves)`` sets ``w:trackRevisions`` in settings.xml at its
schema place, as Word does once a tracked change exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drafts.ooxml.namespaces import PKG_REL, REL_OFFICE_DOCUMENT, Element
from drafts.ooxml.write.parts import DocxParts, parse_xml
from drafts.ooxml.write.runs import IdSource, make, w


@dataclass
class Context:
    """What every edit needs: the parts, the main document's name and root, and the ids."""

    parts: DocxParts
    doc_name: str
    doc: Element
    ids: IdSource
    label: str

    def part_name(self, target: str) -> str:
        """Return the zip name of a part next to the main document."""
        folder = self.doc_name.rpartition("/")[0]
        return f"{folder}/{target}" if folder else target


def open_context(path: Path, label: str) -> Context:
    """Open the .docx at ``path`` for editing: its parts, main document and a free-id source."""
    parts = DocxParts(path)
    doc_name = main_part(parts)
    scanned = [  # parsed apart from the cache, so parts left alone keep their bytes
        parse_xml(parts.data(n), f"{label}:{n}")
        for n in parts.names()
        if n.startswith("word/") and n.endswith(".xml")
    ]
    return Context(parts, doc_name, parts.xml(doc_name), IdSource.scan(scanned), label)


def main_part(parts: DocxParts) -> str:
    for rel in parts.xml("_rels/.rels").iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("Type") == REL_OFFICE_DOCUMENT:
            return rel.get("Target", "word/document.xml").lstrip("/")
    return "word/document.xml"


def track_revisions(ctx: Context, moves: bool) -> None:
    settings = ctx.parts.xml(ctx.part_name("settings.xml"))
    if moves:
        for el in settings.findall(w("doNotTrackMoves")):
            settings.remove(el)
    if settings.find(w("trackRevisions")) is not None:
        return
    later = {"doNotTrackMoves", "doNotTrackFormatting", "documentProtection", "autoFormatOverride"}
    later |= {"styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation"}
    flag = make("trackRevisions")
    for child in settings:
        if isinstance(child.tag, str) and child.tag.rpartition("}")[2] in later:
            child.addprevious(flag)
            return
    settings.append(flag)
