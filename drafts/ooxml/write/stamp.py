"""The provenance stamp of a rendered .docx: custom properties, header and footer.

``write_stamp(parts, properties, header, footer)`` (on a ``DocxParts`` being edited):

- replaces every custom property whose name starts with ``penholder.`` in
  ``docProps/custom.xml`` by ``properties`` (strings, ``vt:lpwstr``), keeping the others, and
  makes sure the part has its package relationship and content type;
- rewrites the default header of the last section as one "Header" paragraph holding
  ``header``, and the default footer as one "Footer" paragraph: ``footer``, a right tab, then
  "Page {PAGE} of {NUMPAGES}" as Word fields. The template must have both parts
  (``TemplateError`` otherwise).

``restamp(docx_in, stamp, out)`` writes to ``out`` a copy of an already stamped .docx carrying
``stamp`` instead (anything with ``properties()``, ``header()`` and ``footer()``, such as
``drafts.word.render.Stamp``): it applies ``write_stamp`` to ``docProps/custom.xml`` and the header and
footer parts; every other part keeps its bytes (``_rels/.rels`` and ``[Content_Types].xml`` too,
unless the custom part has to be registered). Restamping a render gives the parts a fresh render
with that stamp would have, without pandoc: a round renders each chapter once and restamps a
copy per reviewer.

``read_stamp(path)`` returns the ``penholder.*`` custom properties of any .docx (empty if it has
none); ``read_footer(path)`` the text of its footers, where the packet id stays visible even
when an editor drops custom properties.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Protocol

from lxml import etree

from drafts.core.errors import TemplateError
from drafts.ooxml.namespaces import CONTENT_TYPES, CUSTOM_PROPS, PKG_REL, REL_CUSTOM_PROPS, VT, R, w
from drafts.ooxml.write.anchors import paragraph_text
from drafts.ooxml.write.parts import DocxParts, parse_xml

PREFIX = "penholder."
CUSTOM_PART = "docProps/custom.xml"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
#: right tab stop for "Page X of Y": the text width of A4 with 2.5 cm margins, in twips
RIGHT_TAB = 9070


def _custom_properties(parts: DocxParts, properties: dict[str, str]) -> None:
    if parts.has(CUSTOM_PART):
        root = parts.xml(CUSTOM_PART)
    else:
        root = etree.Element(f"{{{CUSTOM_PROPS}}}Properties", nsmap={None: CUSTOM_PROPS, "vt": VT})
    for prop in list(root):
        if prop.get("name", "").startswith(PREFIX):
            root.remove(prop)
    pids = [int(p.get("pid", "1")) for p in root]
    pid = max([*pids, 1])
    for name, value in properties.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{CUSTOM_PROPS}}}property")
        prop.set("fmtid", FMTID)
        prop.set("pid", str(pid))
        prop.set("name", name)
        etree.SubElement(prop, f"{{{VT}}}lpwstr").text = value
    parts.set_xml(CUSTOM_PART, root)
    rels = parts.xml("_rels/.rels")
    if not any(rel.get("Type") == REL_CUSTOM_PROPS for rel in rels):
        ids = {rel.get("Id") for rel in rels}
        rid = next(f"rIdPh{n}" for n in range(1, 1000) if f"rIdPh{n}" not in ids)
        rel = etree.SubElement(rels, f"{{{PKG_REL}}}Relationship")
        rel.attrib.update({"Id": rid, "Type": REL_CUSTOM_PROPS, "Target": CUSTOM_PART})
    types = parts.xml("[Content_Types].xml")
    part_name = "/" + CUSTOM_PART
    if not any(o.get("PartName") == part_name for o in types):
        override = etree.SubElement(types, f"{{{CONTENT_TYPES}}}Override")
        override.attrib.update({"PartName": part_name, "ContentType": CT_CUSTOM})


def _story_part(parts: DocxParts, kind: str) -> str:
    """Return the part name of the last section's default header or footer."""
    body = parts.xml("word/document.xml").find(w("body"))
    sects = [] if body is None else body.findall(w("sectPr"))
    refs = [r for r in (sects[-1] if sects else []) if r.tag == w(f"{kind}Reference")]
    ref = next((r for r in refs if r.get(w("type"), "default") == "default"), None)
    rels = parts.xml("word/_rels/document.xml.rels") if ref is not None else None
    rid = None if ref is None else ref.get(f"{{{R}}}id")
    for rel in rels if rels is not None else []:
        if rel.get("Id") == rid:
            return posixpath.normpath(posixpath.join("word", rel.get("Target", "")))
    raise TemplateError(f"the reference template has no default {kind}; rebuild it")


def _paragraph(root: etree._Element, style: str) -> etree._Element:
    for child in list(root):
        root.remove(child)
    p = etree.SubElement(root, w("p"))
    ppr = etree.SubElement(p, w("pPr"))
    etree.SubElement(ppr, w("pStyle")).set(w("val"), style)
    return p


def _run(p: etree._Element, text: str | None = None, tab: bool = False) -> None:
    r = etree.SubElement(p, w("r"))
    if tab:
        etree.SubElement(r, w("tab"))
    if text:
        t = etree.SubElement(r, w("t"))
        t.text = text
        t.set(XML_SPACE, "preserve")


def _field(p: etree._Element, instruction: str) -> None:
    fld = etree.SubElement(p, w("fldSimple"))
    fld.set(w("instr"), f" {instruction} ")
    _run(fld, "1")


def write_stamp(parts: DocxParts, properties: dict[str, str], header: str, footer: str) -> None:
    """Write the custom properties, the header text and the footer (see module docstring)."""
    _custom_properties(parts, properties)
    head = parts.xml(_story_part(parts, "header"))
    _run(_paragraph(head, "Header"), header)
    foot = parts.xml(_story_part(parts, "footer"))
    p = _paragraph(foot, "Footer")
    ppr = p.find(w("pPr"))
    assert ppr is not None
    tabs = etree.SubElement(ppr, w("tabs"))
    tab = etree.SubElement(tabs, w("tab"))
    tab.set(w("val"), "right")
    tab.set(w("pos"), str(RIGHT_TAB))
    _run(p, footer)
    _run(p, "Page ", tab=True)
    _field(p, "PAGE")
    _run(p, " of ")
    _field(p, "NUMPAGES")


class StampText(Protocol):
    """What a stamp writes: ``drafts.word.render.Stamp`` is one."""

    def properties(self) -> dict[str, str]: ...

    def header(self) -> str: ...

    def footer(self) -> str: ...


#: package parts ``write_stamp`` adds to when ``docProps/custom.xml`` is new
_REGISTRY = ("_rels/.rels", "[Content_Types].xml")


def _same_xml(one: bytes, two: bytes, where: str) -> bool:
    c14n = [etree.tostring(parse_xml(data, where), method="c14n") for data in (one, two)]
    return c14n[0] == c14n[1]


def restamp(docx_in: Path, stamp: StampText, out: Path) -> Path:
    """Write to ``out`` the .docx ``docx_in`` with ``stamp`` in place of its own; return ``out``.

    Only the custom properties, the header and the footer are rewritten (``write_stamp``);
    every other part keeps its bytes. ``out`` may be ``docx_in``; it is written atomically.
    """
    parts = DocxParts(docx_in)
    original = {name: parts.data(name) for name in parts.names()}
    write_stamp(parts, stamp.properties(), stamp.header(), stamp.footer())
    stamped = {CUSTOM_PART, _story_part(parts, "header"), _story_part(parts, "footer")}
    for name, data in original.items():
        if name in stamped:
            continue
        if name not in _REGISTRY or _same_xml(parts.data(name), data, f"{docx_in}:{name}"):
            parts.set_bytes(name, data)  # read only (document.xml, rels): the bytes as they were
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    parts.save(out)
    return out


def read_stamp(path: Path) -> dict[str, str]:
    """Return the ``penholder.*`` custom properties of a .docx, by name ({} if none)."""
    parts = DocxParts(path)
    if not parts.has(CUSTOM_PART):
        return {}
    out: dict[str, str] = {}
    for prop in parts.xml(CUSTOM_PART):
        name = prop.get("name", "") if isinstance(prop.tag, str) else ""
        if name.startswith(PREFIX):
            out[name] = "".join(prop.itertext())
    return out


def read_footer(path: Path) -> str:
    """Return the text of every footer paragraph of a .docx, one per line (tabs as "\\t")."""
    parts = DocxParts(path)
    texts = []
    for name in sorted(n for n in parts.names() if posixpath.basename(n).startswith("footer")):
        texts += [paragraph_text(p) for p in parts.xml(name).iter(w("p"))]
    return "\n".join(texts)
