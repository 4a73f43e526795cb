"""The largest .docx a workspace's limits admit, for measuring memory (tools/reliability.py).

``largest_admitted(out, limits)`` writes, streaming (never whole in memory), a Word file whose
``word/document.xml`` holds close to ``limits.xml_nodes`` XML nodes and ``limits.xml_mb`` of
XML (paragraphs of one run of text), compressed below ``limits.file_mb``: the heaviest file
intake's ``measure`` lets through. Its properties name a packet id no round sent, so intake
reads it whole and then refuses it by name (no content match over millions of words).
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from drafts.core.limits import Limits

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NODES_PER_PARAGRAPH = 3  # w:p, w:r, w:t
SHELL = len("<w:p><w:r><w:t></w:t></w:r></w:p>")
FILL = 0.97  # how close to each limit the file comes
UNKNOWN_PACKET = "R9-99-ZZZZ"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.custom-properties+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>'
)
CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="penholder.packet">'
    f"<vt:lpwstr>{UNKNOWN_PACKET}</vt:lpwstr></property></Properties>"
)


def largest_admitted(out: Path, limits: Limits, seed: int = 92) -> tuple[int, int]:
    """Write the file (see the module docstring); return (XML nodes, XML bytes) of its body."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choices("abcdefghijklmnoprstuvw", k=rng.randint(3, 9)))
                  for _ in range(400)]  # fmt: skip
    # the other parts and the document's own root and body take a few dozen nodes and bytes
    paragraphs = int(limits.xml_nodes * FILL) // NODES_PER_PARAGRAPH
    per = max(int(limits.xml_bytes * FILL) // max(paragraphs, 1) - SHELL, 1)
    head = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>'
    )
    tail = "<w:sectPr/></w:body></w:document>"
    written, nodes = 0, 3 + paragraphs * NODES_PER_PARAGRAPH
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("docProps/custom.xml", CUSTOM)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            written += len(head)
            batch: list[str] = []
            for n in range(paragraphs):
                words, length = [], 0
                while length < per:
                    word = rng.choice(vocabulary)
                    words.append(word)
                    length += len(word) + 1
                batch.append(f"<w:p><w:r><w:t>{' '.join(words)[:per]}</w:t></w:r></w:p>")
                if len(batch) == 5000 or n == paragraphs - 1:
                    chunk = "".join(batch).encode()
                    fh.write(chunk)
                    written += len(chunk)
                    batch = []
            fh.write(tail.encode())
            written += len(tail)
    return nodes, written
