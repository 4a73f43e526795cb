"""Safe opening of a .docx package: the only door through which untrusted Word files come in.

``open_package(source)`` checks, before anything is decompressed, that the bytes are a zip (and
not a .doc, .odt, .pdf or .rtf under a .docx name), that the central directory promises no more
than ``MAX_PARTS`` parts, ``MAX_TOTAL_BYTES`` in all, ``MAX_PART_BYTES`` per part and a
compression ratio of at most ``MAX_RATIO`` for any part larger than ``RATIO_FLOOR``; reads are
bounded by the declared size while decompressing (a central directory can lie: a part holding
more fails its CRC and is refused as damaged). The main part is found through
``_rels/.rels`` and must have a WordprocessingML content type; macro-enabled packages are refused.

XML is parsed without DTDs, entities or network (``_parser``), and any DOCTYPE is refused. Strict
Open XML namespaces are rewritten to Transitional on load, so readers see one vocabulary.

``measure(data, label, limits)`` is intake's check before a returned file is stored: part count,
the bytes its XML parts really unpack to and the XML nodes they hold, counted while streaming
(no tree is built, memory stays a few MB), each against ``drafts.core.limits.Limits``.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from drafts.core.errors import NotAWordDocument, UnsafeDocument
from drafts.core.limits import Limits, read_bounded, too_large
from drafts.ooxml import namespaces as ns
from drafts.ooxml.namespaces import Element

MAX_PARTS = 3000
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_PART_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
MAX_FILE_BYTES = 200 * 1024 * 1024

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_STRICT_MARK = b"purl.oclc.org/ooxml"
_MAIN_TYPES = {ns.CT_DOCUMENT_MAIN, ns.CT_TEMPLATE_MAIN}
_MACRO_TYPES = {ns.CT_DOCM_MAIN, ns.CT_DOTM_MAIN}
Test = Callable[[bytes], bool] | None  # a test of a part's bytes, if any


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
    )


def _sniff(head: bytes, label: str) -> None:
    """Refuse the well-known impostors by their first bytes, naming what the file really is."""
    if head.startswith(_OLE2_MAGIC):
        raise NotAWordDocument(
            f"{label} is an OLE2 compound file (a Word 97-2003 .doc or a password-protected "
            "document), not a .docx; save it as Word Document (.docx) without a password"
        )
    if head.lstrip().startswith(b"%PDF"):
        raise NotAWordDocument(f"{label} is a PDF, not a .docx; ask for the Word file")
    if head.lstrip().startswith(b"{\\rtf"):
        raise NotAWordDocument(
            f"{label} is an RTF file, not a .docx; save it as Word Document (.docx)"
        )
    if not head.startswith(b"PK"):
        raise NotAWordDocument(f"{label} is not a Word document (not a zip package)")


def _check_directory(zf: zipfile.ZipFile, label: str) -> dict[str, zipfile.ZipInfo]:
    """Check the central directory's promises before a single byte is decompressed."""
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise UnsafeDocument(f"{label} has {len(infos)} parts (more than {MAX_PARTS}); refused")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES:
            raise UnsafeDocument(
                f"{label}: part {info.filename} would unpack to {info.file_size} bytes "
                f"(more than {MAX_PART_BYTES}); refused as a possible zip bomb"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeDocument(
                f"{label}: part {info.filename} is compressed {info.file_size // max(info.compress_size, 1)}"
                f":1 (more than {MAX_RATIO}:1); refused as a possible zip bomb"
            )
    if total > MAX_TOTAL_BYTES:
        raise UnsafeDocument(
            f"{label} would unpack to {total} bytes (more than {MAX_TOTAL_BYTES}); refused "
            "as a possible zip bomb"
        )
    return {info.filename: info for info in infos}


def _refuse_declarations(data: bytes, label: str) -> None:
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data or b"<\x00!\x00D\x00O\x00C" in head:
        raise UnsafeDocument(f"{label} contains a DOCTYPE or entity declaration; refused")


def parse_xml(data: bytes, label: str, parser: etree.XMLParser | None = None) -> Element:
    """Parse one XML part safely; refuse DTDs and entities; normalise Strict namespaces.

    ``parser``: one made by ``_parser`` (a package reuses its own: lxml then reuses its parser
    context), else a new one."""
    _refuse_declarations(data, label)
    try:
        root = etree.fromstring(data, parser or _parser())
    except etree.XMLSyntaxError as exc:
        raise NotAWordDocument(
            f"{label} is not well-formed XML ({exc}); the file is damaged"
        ) from exc
    if root.getroottree().docinfo.doctype:
        raise UnsafeDocument(f"{label} contains a DOCTYPE declaration; refused")
    if _STRICT_MARK in data:
        _normalise_strict(root)
    return root


def _normalise_strict(root: Element) -> None:
    """Rewrite Strict namespace URIs of every tag and attribute to their Transitional twins."""
    table = ns.STRICT_TO_TRANSITIONAL

    def convert(name: str) -> str:
        if name[:1] == "{":
            uri, _, local = name[1:].partition("}")
            new = table.get(uri)
            if new is not None:
                return f"{{{new}}}{local}"
        return name

    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        el.tag = convert(el.tag)
        if any(k[:1] == "{" and k[1:].partition("}")[0] in table for k in el.attrib):
            items = [(convert(k), v) for k, v in el.attrib.items()]
            el.attrib.clear()
            for k, v in items:
                el.set(k, v)


def _rel_type_matches(reltype: str, suffix: str) -> bool:
    return reltype == suffix or reltype.endswith("/" + suffix)


class Package:
    """An opened, checked .docx: parts by name, their XML, and relationships between them."""

    def __init__(self, zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], label: str):
        self.label = label
        self._zf = zf
        self._infos = infos
        self._lower = {n.lower(): n for n in infos}
        self._xml: dict[str, Element | None] = {}
        self._probed: dict[str, bool] = {}  # part name -> what ``xml(..., probe)`` found
        self._rels: dict[str, list[tuple[str, str]]] = {}
        self._parser = _parser()  # one per package: a package is read by one thread
        self.names: list[str] = list(infos)
        self.content_types = self._content_types()
        self.main_part: str = self._find_main_part()
        self._check_main_type()

    # -- raw access -------------------------------------------------------------------------
    def _resolve(self, name: str) -> str | None:
        name = name.lstrip("/")
        if name in self._infos:
            return name
        return self._lower.get(name.lower())

    def read(self, name: str) -> bytes:
        """Return the bytes of part ``name``; KeyError if absent. Reads stop at the declared size."""
        real = self._resolve(name)
        if real is None:
            raise KeyError(name)
        info = self._infos[real]
        # one read: zipfile decompresses at most the declared size plus one byte (checked at
        # opening), yields at most the declared size, and a part holding more fails its CRC
        try:
            with self._zf.open(info) as fh:
                data = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise NotAWordDocument(
                f"{self.label} is damaged: part {real} cannot be read ({exc})"
            ) from exc
        except NotImplementedError as exc:  # a compression method zipfile does not know
            raise NotAWordDocument(
                f"{self.label}: part {real} uses a zip feature Word does not write ({exc})"
            ) from exc
        except RuntimeError as exc:  # encrypted member
            raise NotAWordDocument(f"{self.label}: part {real} is encrypted ({exc})") from exc
        return data

    def xml(self, name: str, wanted: Test = None, probe: Test = None) -> Element | None:
        """Return the parsed root of part ``name`` (cached), or None if there is no such part.

        ``wanted``: a test of the part's bytes; when it says the part holds nothing the caller
        reads, the part is not parsed (None, not cached), once refused like any part if it
        declares a DOCTYPE or entities. ``probe``: one run on the bytes parsed here (``probed``).
        """
        real = self._resolve(name)
        if real is None:
            return None
        if real not in self._xml:
            data = self.read(real)
            label = f"{self.label}: part {real}"
            if wanted is not None and not wanted(data):
                _refuse_declarations(data, label)
                return None
            self._xml[real] = parse_xml(data, label, self._parser)
            if probe is not None:
                self._probed[real] = probe(data)
        return self._xml[real]

    def probed(self, name: str) -> bool:
        """What ``xml``'s ``probe`` said of part ``name`` (False if none ran when it was parsed)."""
        return self._probed.get(self._resolve(name) or "", False)

    # -- relationships ----------------------------------------------------------------------
    def _relationships(self, part: str) -> list[tuple[str, str]]:
        """Return (type, target part name) of the internal relationships of ``part``."""
        if part in self._rels:
            return self._rels[part]
        folder, base = posixpath.split(part.lstrip("/"))
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        root = self.xml(rels_name)
        found: list[tuple[str, str]] = []
        if root is not None:
            for rel in root.iter(f"{{{ns.PKG_REL}}}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                target = unquote(rel.get("Target", ""))
                if not target:
                    continue
                if target.startswith("/"):
                    name = target.lstrip("/")
                else:
                    name = posixpath.normpath(posixpath.join(folder, target))
                real = self._resolve(name)
                if real is not None:
                    found.append((rel.get("Type", ""), real))
        self._rels[part] = found
        return found

    def related(self, part: str, reltype_suffix: str) -> list[str]:
        """Return the parts ``part`` points to with a relationship type ending in the suffix.

        ``reltype_suffix`` is the last segment ("comments", "header", "commentsExtended") or a
        full type URI; Transitional and Strict types both match.
        """
        return [t for rt, t in self._relationships(part) if _rel_type_matches(rt, reltype_suffix)]

    def stories(self, part: str, kind: str) -> list[str]:
        """Return the parts of story ``kind`` ("comments", "footer", ...; ``ns.CT_STORIES``)
        ``part`` points to: by relationship type or by the target's content type, whatever
        the part is named (word/comments1.xml is as good as word/comments.xml)."""
        content_type = ns.CT_STORIES.get(kind)
        return [
            t
            for rt, t in self._relationships(part)
            if _rel_type_matches(rt, kind)
            or (content_type is not None and self.content_types.get(t) == content_type)
        ]

    # -- checks -----------------------------------------------------------------------------
    def _content_types(self) -> dict[str, str]:
        root = self.xml("[Content_Types].xml")
        if root is None:
            raise NotAWordDocument(
                f"{self.label} is a zip but not an Office document (no [Content_Types].xml)"
            )
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for el in root:
            if not isinstance(el.tag, str):
                continue
            if el.tag.endswith("}Default"):
                defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
            elif el.tag.endswith("}Override"):
                overrides[el.get("PartName", "").lstrip("/").lower()] = el.get("ContentType", "")
        types: dict[str, str] = {}
        for name in self.names:
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            ct = overrides.get(name.lower(), defaults.get(ext))
            if ct:
                types[name] = ct
        return types

    def _find_main_part(self) -> str:
        for rt, target in self._relationships(""):
            if rt in (ns.REL_OFFICE_DOCUMENT, ns.REL_OFFICE_DOCUMENT_STRICT):
                return target
        if "mimetype" in self._infos:
            raise NotAWordDocument(
                f"{self.label} is an OpenDocument file (.odt), not a .docx; save it as "
                "Word Document (.docx)"
            )
        raise NotAWordDocument(
            f"{self.label} is a zip but not a Word document (no officeDocument relationship)"
        )

    def _check_main_type(self) -> None:
        ct = self.content_types.get(self.main_part, "")
        macros = any(t == ns.CT_VBA_PROJECT for t in self.content_types.values()) or any(
            n.lower().endswith("vbaproject.bin") for n in self.names
        )
        if ct in _MACRO_TYPES or macros:
            raise NotAWordDocument(
                f"{self.label} is a macro-enabled document (.docm); macros are refused: save it "
                "as Word Document (.docx)"
            )
        if ct not in _MAIN_TYPES:
            raise NotAWordDocument(
                f"{self.label} is not a Word document: its main part {self.main_part} has "
                f"content type {ct or '(none)'}"
            )

    # -- properties ---------------------------------------------------------------------------
    def custom_properties(self) -> dict[str, str]:
        """Return docProps/custom.xml as name -> text value (all value types as text)."""
        names = self.related("", "custom-properties") or ["docProps/custom.xml"]
        root = self.xml(names[0])
        out: dict[str, str] = {}
        if root is None:
            return out
        for prop in root:
            if not isinstance(prop.tag, str) or not prop.tag.endswith("}property"):
                continue
            name = prop.get("name")
            if name is None:
                continue
            value = next((c for c in prop if isinstance(c.tag, str)), None)
            out[name] = "" if value is None else "".join(value.itertext())
        return out

    def core_properties(self) -> dict[str, str]:
        """Return docProps/core.xml as local element name -> text (title, creator, ...)."""
        names = self.related("", "metadata/core-properties") or ["docProps/core.xml"]
        root = self.xml(names[0])
        if root is None:
            return {}
        return {
            etree.QName(el).localname: (el.text or "").strip()
            for el in root
            if isinstance(el.tag, str)
        }

    @property
    def application(self) -> str | None:
        """The ``Application`` of docProps/app.xml, or None if absent or empty."""
        names = self.related("", "extended-properties") or ["docProps/app.xml"]
        root = self.xml(names[0])
        if root is None:
            return None
        for el in root:
            if isinstance(el.tag, str) and el.tag.endswith("}Application"):
                return (el.text or "").strip() or None
        return None


def open_package(source: str | Path | bytes, name: str | None = None) -> Package:
    """Open and check a .docx from a path or from its bytes.

    ``name`` labels the file in error messages (default: the path, or "the document").
    Raises NotAWordDocument for anything that is not a Word document and UnsafeDocument for zip
    bombs, oversized packages and DTDs.
    """
    if isinstance(source, bytes):
        label = name or "the document"
        data = source
    else:
        path = Path(source)
        label = name or str(path)
        if path.is_dir():
            raise NotAWordDocument(f"{label} is a folder, not a .docx file")
        try:  # a FIFO, device or /proc file refused by type; never more than the limit read
            data = read_bounded(path, min(MAX_FILE_BYTES, Limits().with_env().file_bytes), label)
        except OSError as exc:
            raise NotAWordDocument(f"{label} cannot be read ({exc.strerror})") from exc
    if len(data) > MAX_FILE_BYTES:
        raise UnsafeDocument(f"{label} is {len(data)} bytes (more than {MAX_FILE_BYTES}); refused")
    _sniff(data[:16], label)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise NotAWordDocument(f"{label} is damaged: not a readable zip ({exc})") from exc
    except NotImplementedError as exc:  # e.g. "zip file version 6.4" in a damaged directory
        raise NotAWordDocument(f"{label} is not a zip Word can write ({exc}); refused") from exc
    infos = _check_directory(zf, label)
    if "mimetype" in infos and "[Content_Types].xml" not in infos:
        raise NotAWordDocument(
            f"{label} is an OpenDocument file (.odt), not a .docx; save it as Word Document (.docx)"
        )
    return Package(zf, infos, label)


def _start_tags(chunk: bytes, tail: bytes) -> int:
    """Elements whose start tag is in ``chunk`` (``tail``: the last byte of the chunk before it):
    every ``<`` that opens no end tag, declaration, processing instruction, comment or CDATA.
    Counted in C (``bytes.count``), never by a parser; a ``<`` escaped as ``&lt;`` is no ``<``,
    and one inside a comment or CDATA section counts too many, never too few."""
    joined = tail + chunk
    return chunk.count(b"<") - joined.count(b"</") - joined.count(b"<?") - joined.count(b"<!")


def measure(data: bytes, label: str, limits: Limits) -> None:
    """Raise TooLarge when the package ``data`` is beyond ``limits`` (parts, unpacked XML bytes,
    XML nodes). Bytes that are no zip, or a damaged zip, pass: the reader refuses them later,
    by name, and they are quarantined as any unreadable return is."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        return
    if len(infos) > limits.parts:
        raise too_large(label, f"has {len(infos)} parts", f"{limits.parts} parts", "parts")
    unpacked, nodes = 0, 0
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels")):
            continue
        tail = b""
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    unpacked += len(chunk)
                    if unpacked > limits.xml_bytes:
                        raise too_large(
                            label, "unpacks to more XML than allowed", f"{limits.xml_mb:g} MB",
                            "xml_mb",
                        )  # fmt: skip
                    nodes += _start_tags(chunk, tail)
                    tail = chunk[-1:]
                    if nodes > limits.xml_nodes:
                        raise too_large(
                            label, "holds more XML nodes than allowed", f"{limits.xml_nodes} nodes",
                            "xml_nodes",
                        )  # fmt: skip
        except (zipfile.BadZipFile, EOFError, OSError, ValueError):
            pass  # damaged: the reader says so by name
        except RuntimeError:
            return  # encrypted: the reader refuses it
