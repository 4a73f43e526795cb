"""The reader's shortcuts read exactly what the long walk reads.

``StoryWalker`` takes shortcuts (docs/reader.md, "What the reader does for speed"): consecutive
plain runs are gathered and emitted as one piece, the children of a ``w:pPr``, ``w:trPr`` or
``w:tcPr`` are read only when it (or, for ``w:pPr``, one of its children) holds a revision,
paragraph styles come from the one pass in C. ``annotations_of(pkg, fast=False)`` reads every
element the long way; both reads must give the same records, on every corpus file and on a
document made of the cases where a shortcut could differ. A read also leaves no reference cycle
behind (its trees are freed when it returns, not by a later pass of the garbage collector).
"""

from __future__ import annotations

import gc

import pytest

from drafts.core.errors import UnsafeDocument
from drafts.ooxml.read.package import open_package
from drafts.ooxml.read.reader import annotations_of, read_annotations
from drafts.ooxml.read.revisions import ALL_KINDS, ascii_tags, may_hold_revisions
from tests.helpers.hostile import BILLION_LAUGHS, replace_member
from tests.helpers.reader_helpers import CORPUS, W, make_docx, p, part_xml, r, rev

RPR_CHANGE = (
    '<w:r><w:rPr><w:b/><w:rPrChange w:id="50" w:author="Cy" w:date="2025-01-02T03:04:05Z">'
    "<w:rPr/></w:rPrChange></w:rPr><w:t>bold</w:t></w:r>"
)
LONE_NEWLINE = '<w:r><w:t xml:space="preserve">&#10;</w:t></w:r>'
FIELD = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE '
    '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    '<w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
)
MARK_INS = '<w:rPr><w:ins w:id="60" w:author="Ann" w:date="2025-01-02T03:04:05Z"/></w:rPr>'
NUM_INS = (
    '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/>'
    '<w:ins w:id="61" w:author="Ann" w:date="2025-01-02T03:04:05Z"/></w:numPr>'
)
PPR_CHANGE = (
    '<w:jc w:val="center"/><w:pPrChange w:id="62" w:author="Ann" w:date="2025-01-02T03:04:05Z">'
    '<w:pPr><w:jc w:val="left"/></w:pPr></w:pPrChange>'
)
SECT_CHANGE = (
    '<w:sectPr><w:pgSz w:w="12240"/><w:sectPrChange w:id="63" w:author="Ann" '
    'w:date="2025-01-02T03:04:05Z"><w:sectPr><w:pgSz w:w="11906"/></w:sectPr></w:sectPrChange>'
    "</w:sectPr>"
)
TABLE = (
    "<w:tbl><w:tblPr/><w:tr><w:trPr><w:cantSplit/></w:trPr>"
    '<w:tc><w:tcPr><w:tcW w:w="100"/></w:tcPr>' + p(r("plain cell")) + "</w:tc>"
    '<w:tc><w:tcPr><w:tcW w:w="100"/><w:cellIns w:id="70" w:author="Ann" '
    'w:date="2025-01-02T03:04:05Z"/></w:tcPr>' + p(r("new cell")) + "</w:tc></w:tr>"
    '<w:tr><w:trPr><w:ins w:id="71" w:author="Ann" w:date="2025-01-02T03:04:05Z"/></w:trPr>'
    "<w:tc>" + p(r("new ") + r("row")) + "</w:tc>"
    '<w:tc><w:tcPr><w:vMerge/><w:cellMerge w:id="72" w:author="Ann" w:vMerge="cont" '
    'w:date="2025-01-02T03:04:05Z"/></w:tcPr>' + p(r("merged")) + "</w:tc></w:tr></w:tbl>"
)
BODY = (
    p(
        '<w:commentRangeStart w:id="1"/>'
        + r("Alpha ")
        + r("beta ")
        + RPR_CHANGE
        + r(" gamma")
        + '<w:r><w:delText xml:space="preserve"> stray</w:delText><w:tab/></w:r>'
        + '<w:hyperlink w:anchor="x">'
        + r("linked ")
        + r("text")
        + "</w:hyperlink>"
        + FIELD
    )
    + p(
        r("kept ")
        + rev("ins", 10, r("one ") + r("two "))
        + rev("del", 11, r("three ", deleted=True) + r("four", deleted=True))
        + r(" end"),
        ppr='<w:pStyle w:val="First"/><w:pStyle w:val="Second"/>',
    )
    + '<w:p><w:r><w:t>late</w:t></w:r><w:pPr><w:pStyle w:val="Late"/></w:pPr></w:p>'
    + p(r("numbered ") + r("item"), ppr='<w:pStyle w:val="List"/>' + NUM_INS + PPR_CHANGE)
    + p(r("section ") + r("end"), ppr=SECT_CHANGE)
    + TABLE
    + p(r("tail ") + r("text") + LONE_NEWLINE, ppr=MARK_INS)
    + '<w:commentRangeEnd w:id="1"/>'
)
COMMENTS = (
    '<w:comment w:id="1" w:author="Bo" w:date="2025-01-02T03:04:05Z">'
    + p(r("a ") + r("remark"))
    + "</w:comment>"
)


def both(data: bytes) -> tuple[object, object]:
    return annotations_of(open_package(data)), annotations_of(open_package(data), fast=False)


def test_the_edge_cases_read_the_same_both_ways_and_as_written():
    data = make_docx(BODY, parts={"word/comments.xml": COMMENTS})
    fast, slow = both(data)
    assert fast.model_dump() == slow.model_dump()
    paras = [x for x in fast.paragraphs if x.part == "word/document.xml"]
    assert paras[0].text_after == "Alpha beta bold gamma stray\tlinked text7"
    assert paras[1].text_before == "kept three four end"
    assert paras[1].text_after == "kept one two  end"
    assert [x.style for x in paras[1:5]] == ["Second", "Late", "List", None]
    assert paras[-1].text_before == paras[-1].text_after == "tail text\n"
    assert paras[-1].mark == "ins"
    bold = next(x for x in fast.revisions if x.kind == "rPrChange")
    assert (bold.start_after, bold.end_after) == (11, 15)
    assert {"pPrChange", "sectPrChange", "cellIns", "cellMerge"} <= {x.kind for x in fast.revisions}
    assert [x.on_numbering for x in fast.revisions if x.id == "61"] == [True]
    assert [x.on_table_row for x in fast.revisions if x.id == "71"] == [True]
    assert [x.on_table_cell for x in fast.revisions if x.id in ("70", "72")] == [True, True]
    assert [x.on_paragraph_mark for x in fast.revisions if x.id == "60"] == [True]
    comment = fast.comments[0]
    assert comment.text == "a remark"
    assert comment.anchor_text_after.startswith("Alpha beta bold gamma stray\tlinked text7\n")
    # the range ends after the last paragraph, whose mark is inserted: the "\n" that ends the
    # range is dropped, in the view without the change it is the run's lone "\n"
    assert comment.anchor_text_after.endswith("tail text\n")
    assert comment.anchor_text_before.endswith("tail text")


@pytest.mark.skipif(not CORPUS.exists(), reason=f"shared corpus absent: {CORPUS}")
def test_every_corpus_file_reads_the_same_both_ways():
    files = sorted(CORPUS.rglob("*.docx"))
    assert len(files) >= 50
    for path in files:
        data = path.read_bytes()
        try:
            fast = annotations_of(open_package(data))
        except Exception as exc:  # a file the reader refuses is refused both ways
            with pytest.raises(type(exc)):
                annotations_of(open_package(data), fast=False)
            continue
        # the long way outside the try: its failure on a file the fast way reads is a failure
        assert fast == annotations_of(open_package(data), fast=False), path.name


def test_a_read_leaves_nothing_for_the_garbage_collector():
    data = make_docx(BODY, parts={"word/comments.xml": COMMENTS})
    gc.collect()
    read_annotations(data)
    assert gc.collect() == 0


# -- styles and numbering: only swept, so not parsed when their bytes name no revision ---------

STYLE_HEAD = '<w:style w:type="paragraph" w:styleId="Body"><w:name w:val="Body"/>'
PLAIN_STYLES = (
    STYLE_HEAD + '<w:tblPr><w:tblBorders><w:insideH w:val="single"/><w:insideV w:val="nil"/>'
    '</w:tblBorders></w:tblPr><w:rPr><w:rFonts w:hAnsi="Calibri"/></w:rPr></w:style>'
    "<!-- a comment naming insertions, deleted text or a model/ -->"
)
SPELLINGS = {  # the same revision element, as a writer may spell its start tag
    "w:": '<w:{k} w:id="80" w:author="Ann" w:date="2025-01-02T03:04:05Z"/>',
    "other prefix": '<x:{k} xmlns:x="{W}" x:id="80" x:author="Ann"/>',
    "default namespace, newline": '<{k}\n xmlns="{W}"></{k}>',
    "default namespace, no attribute": '<{k} xmlns="{W}"/>',
}


@pytest.mark.parametrize("spelling", list(SPELLINGS))
@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("part", ["word/styles.xml", "word/numbering.xml"])
def test_a_revision_in_styles_or_numbering_is_found_however_its_tag_is_spelled(
    part: str, kind: str, spelling: str
) -> None:
    element = SPELLINGS[spelling].format(k=kind, W=W)
    inner = PLAIN_STYLES.replace("</w:rPr></w:style>", element + "</w:rPr></w:style>")
    data = make_docx(p(r("x")), parts={part: inner})
    fast, slow = both(data)
    assert fast == slow
    assert [(x.kind, x.part) for x in fast.revisions] == [(kind, part)]


def test_a_utf16_styles_part_is_parsed_and_its_revisions_found() -> None:
    change = '<w:rPrChange w:id="81" w:author="Ann"><w:rPr/></w:rPrChange>'
    inner = PLAIN_STYLES.replace("</w:rPr></w:style>", change + "</w:rPr></w:style>")
    data = make_docx(p(r("x")), parts={"word/styles.xml": inner})
    text = part_xml("w:styles", inner).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = replace_member(data, "word/styles.xml", text.encode("utf-16"))
    fast, slow = both(data)
    assert fast == slow
    assert [x.kind for x in fast.revisions] == ["rPrChange"]


def test_styles_without_a_revision_are_not_parsed_but_a_doctype_is_still_refused() -> None:
    data = make_docx(p(r("x")), parts={"word/styles.xml": PLAIN_STYLES})
    pkg = open_package(data)
    fast = annotations_of(pkg)
    assert "word/styles.xml" not in pkg._xml  # only swept, and nothing to sweep
    assert fast.stories["word/styles.xml"] == "styles"
    assert fast == annotations_of(open_package(data), fast=False)
    evil = replace_member(data, "word/styles.xml", BILLION_LAUGHS)
    with pytest.raises(UnsafeDocument, match="styles.xml.*DOCTYPE"):
        read_annotations(evil)


@pytest.mark.parametrize(
    ("head", "ascii"),
    [
        (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w:styles/>', True),
        (b"\xef\xbb\xbf<?xml version='1.0' encoding='utf-8'?><w:styles/>", True),
        (b"<w:styles/>", True),
        (b'  <?xml version="1.0"?><w:styles/>', True),
        ('<?xml version="1.0"?><w:styles/>'.encode("utf-16"), False),
        (b'<?xml version="1.0" encoding="UTF-16"?><w:styles/>', False),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><w:styles/>', False),
        ('<?xml version="1.0"?><w:styles/>'.encode("cp500"), False),  # EBCDIC
    ],
)
def test_tags_are_looked_for_in_the_bytes_only_when_spelled_in_ascii(
    head: bytes, ascii: bool
) -> None:
    assert ascii_tags(head) is ascii


@pytest.mark.parametrize(
    ("data", "holds"),
    [
        (b"<w:ins/>", True),
        (b"<ins>", True),
        (b'<a:del\tw:id="1"/>', True),
        (b"<w:del\r\n/>", True),
        (b"<w:moveTo/>", True),
        (b"<w:tblGridChange/>", True),
        (b"<w:insideH/><w:delText>x</w:delText><w:model/><w:ins", False),
        (b"<w:t>ins del insert deleted</w:t>", False),
        (b"<w:t>the :ins> in a text counts</w:t>", True),
    ],
)
def test_a_part_may_hold_revisions_when_its_bytes_spell_a_revision_tag(
    data: bytes, holds: bool
) -> None:
    assert may_hold_revisions(data) is holds
