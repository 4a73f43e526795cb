"""Build small .docx files for the reader tests, with zipfile and plain WordprocessingML strings.

``make_docx(body, parts=...)`` writes a package whose main part holds ``body`` inside
``w:body``; each extra part is declared in [Content_Types].xml and related from the main part.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path


def corpus_dir() -> Path:
    """The shared corpus of real Word files: ``$PENHOLDER_CORPUS``, else ``../shared/corpus/word``.

    The checkout is the parent of ``tests``, unless the tests run from mutmut's ``mutants/``
    copy inside it, whose parent is the checkout itself.
    """
    if env := os.environ.get("PENHOLDER_CORPUS"):
        return Path(env)
    root = Path(__file__).resolve().parents[2]
    if root.name == "mutants":
        root = root.parent
    return root.parent / "shared" / "corpus" / "word"


CORPUS = corpus_dir()

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    f'xmlns:w="{W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
MAIN_CT = CT + "document.main+xml"

# part name -> (relationship type, content type, root element)
KNOWN = {
    "word/comments.xml": (REL + "comments", CT + "comments+xml", "w:comments"),
    "word/commentsExtended.xml": (
        "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
        CT + "commentsExtended+xml",
        "w15:commentsEx",
    ),
    "word/footnotes.xml": (REL + "footnotes", CT + "footnotes+xml", "w:footnotes"),
    "word/endnotes.xml": (REL + "endnotes", CT + "endnotes+xml", "w:endnotes"),
    "word/header1.xml": (REL + "header", CT + "header+xml", "w:hdr"),
    "word/footer1.xml": (REL + "footer", CT + "footer+xml", "w:ftr"),
    "word/styles.xml": (REL + "styles", CT + "styles+xml", "w:styles"),
    "word/numbering.xml": (REL + "numbering", CT + "numbering+xml", "w:numbering"),
    "word/settings.xml": (REL + "settings", CT + "settings+xml", "w:settings"),
}


def part_xml(root: str, inner: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{root} {NS}>{inner}</{root}>'


def make_docx(
    body: str,
    parts: dict[str, str] | None = None,
    main_ct: str = MAIN_CT,
    extra_files: dict[str, bytes] | None = None,
    app: str | None = "Test Writer",
) -> bytes:
    """Return the bytes of a .docx whose body is ``body`` and whose extra parts are ``parts``.

    ``parts`` maps a part name from ``KNOWN`` to the XML inside its root element.
    """
    parts = parts or {}
    overrides = [f'<Override PartName="/word/document.xml" ContentType="{main_ct}"/>']
    rels = []
    files: dict[str, str | bytes] = {}
    for i, (name, inner) in enumerate(parts.items()):
        reltype, ct, root = KNOWN[name]
        overrides.append(f'<Override PartName="/{name}" ContentType="{ct}"/>')
        rels.append(
            f'<Relationship Id="rId{i + 10}" Type="{reltype}" Target="{name.split("/", 1)[1]}"/>'
        )
        files[name] = part_xml(root, inner)
    if app is not None:
        overrides.append(
            '<Override PartName="/docProps/app.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        )
        files["docProps/app.xml"] = (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'extended-properties"><Application>{app}</Application></Properties>'
        )
    files["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(overrides)
        + "</Types>"
    )
    app_rel = (
        f'<Relationship Id="rId2" Type="{REL}extended-properties" Target="docProps/app.xml"/>'
        if app is not None
        else ""
    )
    files["_rels/.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}officeDocument" Target="word/document.xml"/>'
        + app_rel
        + "</Relationships>"
    )
    files["word/_rels/document.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels)
        + "</Relationships>"
    )
    files["word/document.xml"] = part_xml("w:document", f"<w:body>{body}</w:body>")
    for name, data in (extra_files or {}).items():
        files[name] = data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def p(inner: str, ppr: str = "") -> str:
    """A paragraph with optional paragraph properties."""
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{inner}</w:p>"


def r(text: str, deleted: bool = False) -> str:
    """A run of text (``w:delText`` when ``deleted``)."""
    tag = "w:delText" if deleted else "w:t"
    return f'<w:r><{tag} xml:space="preserve">{text}</{tag}></w:r>'


def rev(
    kind: str, rid: int, inner: str, author: str = "Ann", date: str = "2025-01-02T03:04:05Z"
) -> str:
    """A revision element ``w:<kind>`` around ``inner``."""
    return f'<w:{kind} w:id="{rid}" w:author="{author}" w:date="{date}">{inner}</w:{kind}>'
