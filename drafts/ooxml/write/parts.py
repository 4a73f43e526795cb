"""Rewrite parts of a .docx (a zip of XML parts) in place, with lxml.

Contract: ``edit_docx(path, edit)`` opens the package, hands ``edit`` a ``DocxParts`` through
which parts are read (``xml(name)`` parses lazily and caches) and written (``set_xml``,
``set_bytes``), then writes the package back atomically: parts keep their order, new parts are
appended, ``[Content_Types].xml`` stays first, and every entry gets the same fixed timestamp so
the same inputs give the same bytes. Parsing never resolves entities nor touches the network.
This module is for files penholder itself wrote; untrusted returns go through the package
reader first.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from drafts.core.errors import DocumentError, NotAWordDocument
from drafts.core.files import atomic_output

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def xml_parser() -> etree.XMLParser:
    """Return a parser that resolves no entities, loads no DTD and opens no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse one XML part; ``DocumentError`` naming ``where`` if it is not well-formed."""
    try:
        return etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"{where} is not well-formed XML: {exc}") from exc


def serialize(root: etree._Element) -> bytes:
    """Serialise a part as Word writes it: UTF-8 with a standalone XML declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class DocxParts:
    """The parts of one .docx, by zip name, with parsed XML cached until saved."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with zipfile.ZipFile(path) as zf:
                self._raw = {info.filename: zf.read(info) for info in zf.infolist()}
        except (zipfile.BadZipFile, OSError) as exc:
            raise NotAWordDocument(f"{path} is not a .docx (zip) file: {exc}") from exc
        self._xml: dict[str, etree._Element] = {}

    def names(self) -> list[str]:
        """Return the part names in package order."""
        return list(self._raw)

    def has(self, name: str) -> bool:
        """Return whether the package holds the part ``name``."""
        return name in self._raw

    def data(self, name: str) -> bytes:
        """Return the raw bytes of a part (serialising it first if it was parsed)."""
        if name in self._xml:
            return serialize(self._xml[name])
        if name not in self._raw:
            raise DocumentError(f"{self.path} has no part {name}")
        return self._raw[name]

    def xml(self, name: str) -> etree._Element:
        """Return the parsed root of a part; later changes to it are saved."""
        if name not in self._xml:
            self._xml[name] = parse_xml(self.data(name), f"{self.path}:{name}")
        return self._xml[name]

    def set_xml(self, name: str, root: etree._Element) -> None:
        """Add or replace a part by its XML root."""
        self._raw.setdefault(name, b"")
        self._xml[name] = root

    def set_bytes(self, name: str, data: bytes) -> None:
        """Add or replace a part by its bytes."""
        self._xml.pop(name, None)
        self._raw[name] = data

    def save(self, out: Path) -> None:
        """Write the package to ``out`` atomically (temp file, then rename)."""
        names = self.names()
        if "[Content_Types].xml" in names:
            names.remove("[Content_Types].xml")
            names.insert(0, "[Content_Types].xml")
        with atomic_output(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in names:
                info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, self.data(name))


def edit_docx(path: Path, edit: Callable[[DocxParts], None], out: Path | None = None) -> Path:
    """Apply ``edit`` to the parts of ``path`` and save to ``out`` (default: in place)."""
    parts = DocxParts(path)
    edit(parts)
    target = out or path
    parts.save(target)
    return target
