"""Hostile .docx files built in memory: zip bombs, lying headers, XML entity attacks."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from tests.helpers.reader_helpers import make_docx, p, r


def deflated_zeros(megabytes: int) -> bytes:
    """A raw deflate stream of ``megabytes`` MiB of zeros, built in milliseconds."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    mib = bytes(1 << 20)
    first = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)  # identical for every further MiB
    return first + again * (megabytes - 2) + c.compress(mib) + c.flush()


def zip_with_raw_member(name: str, raw: bytes, size: int, others: dict[str, bytes]) -> bytes:
    """A zip holding ``others`` (deflated normally) and one member with a given raw stream."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in others.items():
            zf.writestr(n, data)
    existing = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    body = bytearray()
    central = bytearray()
    entries = [(i.filename, existing.read(i.filename)) for i in existing.infolist()]
    for n, data in [*entries, (name, None)]:
        if data is None:
            payload, crc, usize = raw, 0, size
        else:
            payload = zlib.compressobj(6, zlib.DEFLATED, -15).compress(data)
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            payload = c.compress(data) + c.flush()
            crc, usize = zlib.crc32(data), len(data)
        fn = n.encode()
        offset = len(body)
        body += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(payload), usize, len(fn), 0
        )
        body += fn + payload
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(payload),
            usize,
            len(fn),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += fn
    count = len(entries) + 1
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(body), 0)
    return bytes(body + central + end)


def make_docx_member(name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(make_docx(p(r("x"))))) as zf:
        return zf.read(name)


def replace_member(docx: bytes, name: str, data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info.filename, data if info.filename == name else src.read(info))
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"""
