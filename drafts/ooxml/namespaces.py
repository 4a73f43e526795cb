"""Namespace URIs of WordprocessingML, and the Strict Open XML equivalents.

Transitional is what Word writes by default; "Strict Open XML Document" uses other URIs for the
same elements. Readers normalise Strict to Transitional (``STRICT_TO_TRANSITIONAL``) so the rest
of penholder knows one vocabulary.
"""

from __future__ import annotations

from typing import Any, TypeAlias

Element: TypeAlias = Any
"""An lxml element. lxml ships no precise stubs, so the OOXML layer names this one alias."""

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
#: the w15 elements (``commentsEx``, ``commentEx``) as Word 2013's pre-release builds wrote them,
#: [MS-DOCX] 2.2; such files are in circulation, so readers accept both URIs
W15_PRERELEASE = "http://schemas.microsoft.com/office/word/2010/11/wordml"
W15_URIS = (W15, W15_PRERELEASE)
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
CUSTOM_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CORE_PROPS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
EXT_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"

W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
R_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
CUSTOM_PROPS_STRICT = "http://purl.oclc.org/ooxml/officeDocument/customProperties"
VT_STRICT = "http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes"
EXT_PROPS_STRICT = "http://purl.oclc.org/ooxml/officeDocument/extendedProperties"

STRICT_TO_TRANSITIONAL = {
    W_STRICT: W,
    R_STRICT: R,
    CUSTOM_PROPS_STRICT: CUSTOM_PROPS,
    VT_STRICT: VT,
    EXT_PROPS_STRICT: EXT_PROPS,
}

NSMAP = {"w": W, "r": R, "w14": W14, "w15": W15, "mc": MC, "vt": VT}

# Relationship types, Transitional; Strict uses purl.oclc.org/ooxml/officeDocument/relationships/...
REL_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
REL_CUSTOM_PROPS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)


def w(tag: str) -> str:
    """Return the Clark name ``{W}tag`` of a WordprocessingML element or attribute.

    The one qualified-name helper of the OOXML layer: every module builds ``w:`` names with it.
    """
    return f"{{{W}}}{tag}"


# Added for the package reader (drafts/ooxml/read/package.py).
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
M_STRICT = "http://purl.oclc.org/ooxml/officeDocument/math"
A_STRICT = "http://purl.oclc.org/ooxml/drawingml/main"
WP_STRICT = "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing"
PIC_STRICT = "http://purl.oclc.org/ooxml/drawingml/picture"
STRICT_TO_TRANSITIONAL.update({M_STRICT: M, A_STRICT: A, WP_STRICT: WP, PIC_STRICT: PIC})

# Relationship-type prefixes: a type is matched by its last path segment under either prefix.
REL_PREFIX = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL_PREFIX_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
REL_OFFICE_DOCUMENT_STRICT = REL_PREFIX_STRICT + "officeDocument"

# Content types of a main document part.
CT_DOCUMENT_MAIN = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
CT_TEMPLATE_MAIN = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
)
CT_DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
CT_DOTM_MAIN = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"
CT_VBA_PROJECT = "application/vnd.ms-office.vbaProject"

# Content types of the story parts the reader walks, by the kind of story (ECMA-376 Part 1, 11.3;
# [MS-DOCX] 2.1.3 for commentsExtended). A part is found through the main part's relationships,
# by relationship type or by content type, never by its name (Word may write comments1.xml).
_CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CT_STORIES = {
    "footnotes": _CT_WML + "footnotes+xml",
    "endnotes": _CT_WML + "endnotes+xml",
    "header": _CT_WML + "header+xml",
    "footer": _CT_WML + "footer+xml",
    "comments": _CT_WML + "comments+xml",
    "commentsExtended": _CT_WML + "commentsExtended+xml",
    "styles": _CT_WML + "styles+xml",
    "numbering": _CT_WML + "numbering+xml",
}
