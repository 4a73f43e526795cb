"""Deterministic mutations of a real .docx, for the reader's fuzzing (``make fuzz``).

A mutation is a plain tuple, so a crash found by the fuzzer is written down as data and a
regression test rebuilds the very same file from the corpus (read in place, never copied):

- ``("bytes", offset, payload)``: overwrite the raw file at ``offset`` (modulo its length);
- ``("truncate", fraction)``: keep the first ``fraction`` (0..1) of the raw file;
- ``("part-bytes", part, offset, payload)``: overwrite a part's uncompressed bytes;
- ``("part-cut", part, start, length)``: delete bytes of a part;
- ``("part-dup", part, start, length)``: repeat bytes of a part in place;
- ``("element-drop", part, n)`` / ``("element-dup", part, n)``: remove or repeat the n-th
  element (in document order, modulo their count) of an XML part;
- ``("attr-set", part, n, value)``: set every attribute of the n-th element to ``value``;
- ``("part-drop", part)`` / ``("part-rename", part, new)``: remove or rename a part.

``part`` is an index into the package's parts (modulo their count). Offsets wrap, so every
mutation applies to every file. ``mutate(data, mutations)`` returns the new bytes.
"""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib
from typing import Any

from lxml import etree

Mutation = tuple[Any, ...]


def _parts(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [(info, zf.read(info)) for info in zf.infolist()]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, KeyError):
        return None  # a zip the earlier mutations broke: later part mutations do nothing


def _zip(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore", UserWarning)  # a renamed part may duplicate a name
        for info, data in parts:
            zf.writestr(info.filename, data)
    return out.getvalue()


def _element_edit(data: bytes, op: str, n: int, value: str = "") -> bytes:
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return data
    elements = [el for el in root.iter() if isinstance(el.tag, str) and el is not root]
    if not elements:
        return data
    el = elements[n % len(elements)]
    parent = el.getparent()
    if op == "element-drop" and parent is not None:
        parent.remove(el)
    elif op == "element-dup" and parent is not None:
        el.addnext(etree.fromstring(etree.tostring(el)))
    elif op == "attr-set":
        for key in el.attrib:
            el.set(key, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _apply_part(parts: list[tuple[zipfile.ZipInfo, bytes]], m: Mutation) -> None:
    op, index = m[0], m[1] % len(parts)
    info, data = parts[index]
    if op == "part-drop":
        del parts[index]
        return
    if op == "part-rename":
        renamed = zipfile.ZipInfo(str(m[2]) or info.filename, info.date_time)
        parts[index] = (renamed, data)
        return
    size = max(len(data), 1)
    if op == "part-bytes":
        at = m[2] % size
        data = data[:at] + m[3] + data[at + len(m[3]) :]
    elif op == "part-cut":
        at = m[2] % size
        data = data[:at] + data[at + m[3] :]
    elif op == "part-dup":
        at = m[2] % size
        data = data[: at + m[3]] + data[at : at + m[3]] + data[at + m[3] :]
    elif op in ("element-drop", "element-dup", "attr-set"):
        data = _element_edit(data, op, m[2], m[3] if len(m) > 3 else "")
    parts[index] = (info, data)


def mutate(data: bytes, mutations: list[Mutation]) -> bytes:
    """Return ``data`` (a .docx) with ``mutations`` applied in order (see module docstring)."""
    for m in mutations:
        if m[0] == "bytes":
            at = m[1] % max(len(data), 1)
            data = data[:at] + m[2] + data[at + len(m[2]) :]
        elif m[0] == "truncate":
            data = data[: int(len(data) * m[1])]
        else:
            parts = _parts(data)
            if not parts:
                continue
            _apply_part(parts, m)
            data = _zip(parts)
    return data
