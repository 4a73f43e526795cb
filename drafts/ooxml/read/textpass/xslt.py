"""The text pass's stylesheet: one compiled XSLT that prints a story part as one
string, each paragraph's style and text with markers where it is not text, and the markers.

``stylesheet(markers)`` writes it for one set of ``Markers``; ``TRANSFORMS`` holds both sets
compiled once. What it prints and what it refuses (``xsl:message terminate``) is described in
the package docstring; every XPath it evaluates costs libxslt about 3,000 instructions of
set-up, so children are selected by default (no ``select``) and texts copied by the built-in
rule, and a revision's attributes are left to Python (``docs/reader.md``, Benchmark).
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from drafts.ooxml.namespaces import MC, M, W
from drafts.ooxml.read.revisions import ascii_tags


class Markers(NamedTuple):
    """What the pass prints around what is not text (one character, or a carriage return and
    a letter)."""

    chunk: str  # starts a paragraph, or a block-level marker when ``block`` follows
    head: str  # ends a paragraph's header (its style)
    mark: str  # starts an inline marker: ``mark``, a code letter, its value, ``end``
    end: str
    block: str


#: control characters: not XML 1.0 characters, so never in a part's text or attributes; the
#: stylesheet cannot spell them, so it makes them once (``str:decode-uri``) and prints variables
CONTROL = Markers("\x01", "\x02", "\x03", "\x04", "\x05")
#: a carriage return and a letter: a parser turns every line end into "\n" (XML 1.0, 2.11) and
#: normalises attribute values, so a parsed part holds a carriage return only where its bytes
#: spell one as a character reference; the stylesheet prints these as literal text, which
#: libxslt does faster than variables, and the string stays ASCII where the text is (decoded
#: several times faster). Taken only for a part whose bytes have no ``&#`` (``marker_free``).
LITERAL = Markers(*("\r" + letter for letter in "PHMEB"))


def marker_free(data: bytes) -> bool:
    """Whether the parsed XML ``data`` cannot hold a carriage return (``LITERAL``) in its text
    or attributes: its tags are ASCII bytes (``revisions.ascii_tags``: UTF-8 or ASCII) and no
    character reference (``&#``) is in it."""
    return b"&#" not in data and ascii_tags(data)


def stylesheet(markers: Markers) -> bytes:
    """The pass's stylesheet printing ``markers`` (``CONTROL`` through variables)."""
    literal = markers != CONTROL
    names = Markers._fields

    def put(name: str) -> str:
        if literal:
            return f"<xsl:text>&#13;{getattr(markers, name)[1:]}</xsl:text>"
        return f'<xsl:value-of select="${name}"/>'

    variables = (
        ""
        if literal
        else "".join(
            f'<xsl:variable name="{n}" select="str:decode-uri(\'%{ord(c):02X}\')"/>'
            for n, c in zip(names, markers, strict=True)
        )
    )

    def marker(code: str, value: str, block: bool = False) -> str:
        if block:
            return put("chunk") + put("block") + f"<xsl:text>{code}</xsl:text>{value}"
        return put("mark") + f"<xsl:text>{code}</xsl:text>{value}" + put("end")

    ident = '<xsl:value-of select="@w:id"/>'
    name = '<xsl:value-of select="@w:name"/>'
    refuse = '<xsl:message terminate="yes">refused</xsl:message>'
    return f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
 xmlns:w="{W}" xmlns:mc="{MC}" xmlns:m="{M}" xmlns:str="http://exslt.org/strings"
 extension-element-prefixes="str">
<xsl:output method="text" encoding="UTF-8"/>
{variables}
<xsl:template match="/w:document"><xsl:apply-templates select="w:body[1]/*" mode="b"/></xsl:template>
<xsl:template match="/w:hdr|/w:ftr"><xsl:apply-templates mode="b"/></xsl:template>
<xsl:template match="/w:comments"><xsl:for-each select="w:comment">{
        marker("c", ident, block=True)
    }<xsl:apply-templates mode="b"/></xsl:for-each></xsl:template>
<xsl:template match="/*" priority="-1">{refuse}</xsl:template>

<xsl:template match="w:p" mode="b">{put("chunk")}<xsl:for-each
 select="w:pPr[1]/w:pStyle[last()]/@w:val">=<xsl:value-of select="."/></xsl:for-each>{
        put("head")
    }<xsl:apply-templates mode="i"/></xsl:template>
<xsl:template match="w:bookmarkStart[@w:name != '']" mode="b">{
        marker("b", name, block=True)
    }</xsl:template>
<xsl:template match="w:commentRangeStart" mode="b">{marker("s", ident, block=True)}</xsl:template>
<xsl:template match="w:commentRangeEnd" mode="b">{marker("e", ident, block=True)}</xsl:template>
<xsl:template match="w:tbl|w:sdt|w:customXml|mc:AlternateContent|w:ins|w:del|w:moveFrom|w:moveTo"
 mode="b">{refuse}</xsl:template>
<xsl:template match="*" mode="b"/>

<xsl:template match="w:r" mode="i"><xsl:apply-templates mode="r"/></xsl:template>
<xsl:template match="w:ins" mode="i">{marker("i", "")}<xsl:apply-templates
 mode="i"/>{marker("x", "")}</xsl:template>
<xsl:template match="w:del" mode="i">{marker("d", "")}<xsl:apply-templates
 mode="i"/>{marker("x", "")}</xsl:template>
<xsl:template match="w:hyperlink|w:smartTag|w:customXml|w:dir|w:bdo|w:fldSimple"
 mode="i"><xsl:apply-templates mode="i"/></xsl:template>
<xsl:template match="w:bookmarkStart[@w:name != '']" mode="i">{marker("b", name)}</xsl:template>
<xsl:template match="w:commentRangeStart" mode="i">{marker("s", ident)}</xsl:template>
<xsl:template match="w:commentRangeEnd" mode="i">{marker("e", ident)}</xsl:template>
<xsl:template match="w:sdt|w:moveFrom|w:moveTo|mc:AlternateContent|m:*" mode="i">{
        refuse
    }</xsl:template>
<xsl:template match="*" mode="i"/>

<xsl:template match="w:t|w:delText" mode="r"><xsl:apply-templates mode="t"/></xsl:template>
<xsl:template match="*|comment()|processing-instruction()" mode="t">{refuse}</xsl:template>
<xsl:template match="text()" mode="b"/>
<xsl:template match="text()" mode="i"/>
<xsl:template match="text()" mode="r"/>
<xsl:template match="w:tab|w:ptab" mode="r"><xsl:text>&#9;</xsl:text></xsl:template>
<xsl:template match="w:br|w:cr" mode="r"><xsl:text>&#10;</xsl:text></xsl:template>
<xsl:template match="w:noBreakHyphen" mode="r"><xsl:text>-</xsl:text></xsl:template>
<xsl:template match="w:footnoteReference" mode="r">{marker("f", ident)}</xsl:template>
<xsl:template match="w:endnoteReference" mode="r">{marker("n", ident)}</xsl:template>
<xsl:template match="w:rPr|w:instrText|w:delInstrText|w:softHyphen|w:commentReference"
 mode="r"/>
<xsl:template match="w:fldChar|w:sym|mc:AlternateContent" mode="r">{refuse}</xsl:template>
<xsl:template match="*" mode="r"><xsl:if test=".//w:txbxContent">{refuse}</xsl:if></xsl:template>
</xsl:stylesheet>""".encode()


TRANSFORMS = {m: etree.XSLT(etree.XML(stylesheet(m))) for m in (CONTROL, LITERAL)}
