"""The text pass (``drafts.ooxml.read.textpass``) reads a part exactly as ``StoryWalker`` does.

Each case is one element (or one rule) at a time: a document the pass must read, whose records
must equal the long way's (``annotations_of(pkg, fast=False)``, which never takes the pass) and
the values the rule gives; or a document the pass must refuse (the part then goes to the
walker, and the records are still the long way's). The two benchmark chapters are read by the
pass, both parts.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from drafts.ooxml.read.package import open_package
from drafts.ooxml.read.reader import annotations_of
from drafts.ooxml.read.textpass import marker_free, pass_story
from tests.helpers.reader_helpers import make_docx, p, r

DOC = "word/document.xml"
A = 'w:author="Ann" w:date="2025-01-02T03:04:05Z"'


@pytest.fixture(autouse=True)
def _stylesheet_compiled_in_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test reads with the stylesheet ``xslt.stylesheet`` writes when the test runs, not
    with the transforms compiled when the module was first imported: a change to the
    stylesheet (mutation testing makes them after the import) is then read by the tests."""
    from lxml import etree

    from drafts.ooxml.read.textpass import read, xslt

    fresh = {m: etree.XSLT(etree.XML(xslt.stylesheet(m))) for m in (xslt.CONTROL, xslt.LITERAL)}
    monkeypatch.setattr(read, "TRANSFORMS", fresh)


def _bench() -> Any:
    path = Path(__file__).resolve().parents[4] / "bench" / "bench_reader.py"
    spec = importlib.util.spec_from_file_location("bench_reader_for_tests", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def passed(data: bytes, part: str = DOC, comment_ids: list[str] | None = None) -> bool:
    """Whether the pass reads ``part`` of ``data`` (else it leaves it to the walker), and the
    same way with either set of markers (control characters, carriage returns)."""
    root = open_package(data).xml(part)
    reads = []
    for literal in (False, True):
        revisions: list[Any] = []
        story = pass_story(part, root, revisions, comment_ids, literal)
        reads.append(
            None
            if story is None
            else (
                [(x.text_before, x.text_after, x.style, x.bookmarks) for x in story.paragraphs],
                [(a.markup, a.before, a.after, a.end_paragraph) for a in story.anchors.values()],
                story.note_refs,
                revisions,
            )
        )
    assert reads[0] == reads[1]
    return reads[0] is not None


def both(data: bytes) -> Any:
    """The fast read, after checking it equals the long way's."""
    fast = annotations_of(open_package(data))
    slow = annotations_of(open_package(data), fast=False)
    assert fast.model_dump() == slow.model_dump()
    return fast


def body_paras(a: Any) -> list[Any]:
    return [x for x in a.paragraphs if x.part == DOC]


@pytest.mark.slow
@pytest.mark.parametrize("word_like", [False, True])
def test_the_benchmark_chapters_are_read_by_the_pass_as_by_the_walker(word_like: bool) -> None:
    data = _bench().chapter(word_like=word_like)
    assert passed(data)
    assert passed(data, "word/comments.xml", [str(i) for i in range(100)])
    a = both(data)
    assert (len(a.revisions), len(a.comments), len(a.paragraphs)) == (300, 100, 500)


# one rule at a time: (body, the first paragraph's text before and after)
TEXTS = {
    "runs": (p(r("one ") + r("two")), "one two", "one two"),
    "tab and ptab": (p("<w:r><w:t>a</w:t><w:tab/><w:ptab/><w:t>b</w:t></w:r>"), "a\t\tb", None),
    "br and cr": (p("<w:r><w:t>a</w:t><w:br/><w:cr/><w:t>b</w:t></w:r>"), "a\n\nb", None),
    "non-breaking hyphen": (
        p("<w:r><w:t>a</w:t><w:noBreakHyphen/><w:t>b</w:t></w:r>"),
        "a-b",
        None,
    ),
    "skipped run children": (
        p(
            "<w:r><w:rPr><w:b/></w:rPr><w:t>a</w:t><w:softHyphen/><w:instrText>X</w:instrText>"
            '<w:delInstrText>Y</w:delInstrText><w:commentReference w:id="9"/>'
            "<w:lastRenderedPageBreak/><w:t>b</w:t></w:r>"
        ),
        "ab",
        None,
    ),
    "an unknown run child without a text box": (
        p("<w:r><w:t>a</w:t><w:drawing><w:foo>x</w:foo></w:drawing><w:t>b</w:t></w:r>"),
        "ab",
        None,
    ),
    "delText outside a deletion": (p(r("a") + r("b", deleted=True)), "ab", None),
    "inline containers": (
        p(
            '<w:hyperlink w:anchor="x">'
            + r("h")
            + "</w:hyperlink><w:smartTag>"
            + r("s")
            + '</w:smartTag><w:fldSimple w:instr="PAGE">'
            + r("7")
            + "</w:fldSimple>"
            + "<w:dir>"
            + r("d")
            + "</w:dir>"
        ),
        "hs7d",
        None,
    ),
    "an unknown inline element is not read": (
        p(r("a") + "<w:foo>" + r("x") + "</w:foo>"),
        "a",
        None,
    ),
    "a run at block level is not read": (r("x") + p(r("a")), "a", None),
    "insertion": (p(r("a") + f'<w:ins w:id="1" {A}>' + r("b") + "</w:ins>"), "a", "ab"),
    "deletion": (p(r("a") + f'<w:del w:id="1" {A}>' + r("b", True) + "</w:del>"), "ab", "a"),
    "an empty insertion": (p(r("a") + f'<w:ins w:id="1" {A}></w:ins>' + r("b")), "ab", "ab"),
    "two insertions": (
        p(
            f'<w:ins w:id="1" {A}>'
            + r("a")
            + "</w:ins>"
            + r("b")
            + f'<w:ins w:id="2" {A}>'
            + r("c")
            + "</w:ins>"
        ),
        "b",
        "abc",
    ),
    "nested": (
        p(
            f'<w:ins w:id="1" {A}>'
            + r("a")
            + f'<w:del w:id="2" {A}>'
            + r("b", True)
            + "</w:del>"
            + r("c")
            + "</w:ins>"
            + r("d")
        ),
        "d",
        "acd",
    ),
}


@pytest.mark.parametrize("case", list(TEXTS))
def test_each_text_rule_reads_as_the_walker_reads_it(case: str) -> None:
    body, before, after = TEXTS[case]
    data = make_docx(body + p(r("next")))
    assert passed(data)
    first = body_paras(both(data))[0]
    assert (first.text_before, first.text_after) == (before, before if after is None else after)


def test_revisions_carry_their_attributes_offsets_and_parents() -> None:
    body = p(
        r("ab")
        + '<w:ins w:id="1" w:author="Ann">'
        + r("cd")
        + '<w:del w:id="2" w:date="2025-01-02T03:04:05Z">'
        + r("e", True)
        + "</w:del></w:ins><w:del>"
        + r("f", True)
        + "</w:del>"
        + r("g")
    )
    data = make_docx(body)
    assert passed(data)
    revs = both(data).revisions
    assert [(x.kind, x.id, x.author, x.date, x.parent) for x in revs] == [
        ("ins", "1", "Ann", None, None),
        ("del", "2", None, "2025-01-02T03:04:05Z", 0),
        ("del", None, None, None, None),
    ]
    assert [x.text for x in revs] == ["cde", "e", "f"]
    assert [(x.start_before, x.end_before, x.start_after, x.end_after) for x in revs] == [
        (2, 2, 2, 4),  # inserted: empty in *before*; "cd" in *after*
        (2, 2, 4, 4),  # deleted inside the insertion: in neither view
        (2, 3, 4, 4),  # deleted: "f" in *before*, empty in *after*
    ]
    assert [c.kind for c in both(data).changes] == ["insert", "delete", "delete"]


@pytest.mark.parametrize(("between", "kinds"), [("", ["replace"]), (r("x"), ["insert", "delete"])])
def test_adjacent_revisions_group_by_their_markup_offsets(between: str, kinds: list[str]) -> None:
    ins = f'<w:ins w:id="1" {A}>' + r("new") + "</w:ins>"
    dele = f'<w:del w:id="2" {A}>' + r("old", True) + "</w:del>"
    data = make_docx(p(r("a") + ins + between + dele) + p(r("b")))
    assert passed(data)
    assert [c.kind for c in both(data).changes] == kinds


def test_styles_bookmarks_and_comment_ranges_read_as_the_walker_reads_them() -> None:
    body = (
        '<w:bookmarkStart w:id="1" w:name="early"/><w:bookmarkStart w:id="2" w:name=""/>'
        + p(
            r("a") + '<w:bookmarkStart w:id="3" w:name="inline"/><w:commentRangeStart w:id="5"/>'
            + r("bc"),
            ppr='<w:pStyle w:val="First"/><w:pStyle w:val="Second"/>',
        )
        + '<w:commentRangeStart w:id="6"/>'
        + "<w:p><w:r><w:t>d</w:t></w:r><w:pPr><w:pStyle/></w:pPr>"
        + f'<w:del w:id="7" {A}>' + r("x", True) + '</w:del><w:commentRangeEnd w:id="5"/></w:p>'
        + p(r("e") + '<w:commentRangeStart w:id="8"/>' + r("f"))
        + '<w:commentRangeEnd w:id="6"/><w:commentRangeEnd w:id="99"/>'
        + '<w:sectPr><w:pgSz w:w="12240"/></w:sectPr>'
    )  # fmt: skip
    comments = "".join(
        f'<w:comment w:id="{i}" w:author="Bo">' + p(r(f"remark {i}")) + "</w:comment>"
        for i in (5, 6, 8)
    )
    data = make_docx(body, parts={"word/comments.xml": comments})
    assert passed(data)
    assert passed(data, "word/comments.xml", ["5", "6", "8"])
    assert not passed(data, "word/comments.xml", ["5", "6"])
    a = both(data)
    paras = body_paras(a)
    assert [x.style for x in paras] == ["Second", None, None]
    assert [x.bookmarks for x in paras] == [["early", "inline"], [], []]
    by_id = {c.id: c for c in a.comments}
    assert by_id["5"].anchor_text == "bc\ndx"
    assert (by_id["5"].anchor_text_before, by_id["5"].anchor_text_after) == ("bc\ndx", "bc\nd")
    assert (by_id["5"].start_paragraph, by_id["5"].end_paragraph) == (0, 1)
    assert by_id["6"].anchor_text == "dx\nef"  # ends at block level: no "\n" after "ef"
    assert (by_id["6"].end_paragraph, by_id["6"].end_before, by_id["6"].end_after) == (2, 2, 2)
    assert by_id["8"].anchor_text == "f"  # never ended: runs to the end of the part
    assert [x.text_after for x in a.paragraphs if x.comment_id] == [
        "remark 5",
        "remark 6",
        "remark 8",
    ]


def test_headers_and_footers_are_read_by_the_pass() -> None:
    data = make_docx(
        p(r("body")),
        parts={
            "word/header1.xml": p(r("head ") + f'<w:ins w:id="3" {A}>' + r("new") + "</w:ins>"),
            "word/footer1.xml": p(r("foot")),
        },
    )
    assert passed(data, "word/header1.xml") and passed(data, "word/footer1.xml")
    a = both(data)
    assert (a.header_text, a.footer_text) == ("head new", "foot")
    assert [x.part for x in a.revisions] == ["word/header1.xml"]


def test_a_note_reference_is_read_with_the_views_it_is_in() -> None:
    notes = (
        '<w:footnote w:id="1">' + p(r("kept note")) + "</w:footnote>"
        '<w:footnote w:id="2">' + p(r("deleted note")) + "</w:footnote>"
    )
    body = p(
        r("a")
        + '<w:r><w:footnoteReference w:id="1"/></w:r>'
        + f'<w:del w:id="4" {A}><w:r><w:footnoteReference w:id="2"/></w:r></w:del>'
    )
    data = make_docx(body, parts={"word/footnotes.xml": notes})
    assert passed(data)
    assert not passed(data, "word/footnotes.xml")  # notes go to the walker
    a = both(data)
    assert a.text_before == "a\nkept note\ndeleted note"
    assert a.text_after == "a\nkept note"


TC = f'<w:tcPr><w:cellIns w:id="9" {A}/></w:tcPr>'
REFUSED = {
    "a comment inside a text": p("<w:r><w:t>ab<!-- c -->cd</w:t></w:r>"),
    "an element inside a text": p("<w:r><w:t>ab<w:x/>cd</w:t></w:r>"),
    "table": "<w:tbl><w:tr><w:tc>" + p(r("cell")) + "</w:tc></w:tr></w:tbl>",
    "block content control": "<w:sdt><w:sdtContent>" + p(r("c")) + "</w:sdtContent></w:sdt>",
    "inline content control": p("<w:sdt><w:sdtContent>" + r("c") + "</w:sdtContent></w:sdt>"),
    "block customXml": "<w:customXml>" + p(r("c")) + "</w:customXml>",
    "block alternate content": "<mc:AlternateContent><mc:Choice Requires=\"w14\">"
    + p(r("c"))
    + "</mc:Choice></mc:AlternateContent>",
    "inline alternate content": p(
        '<mc:AlternateContent><mc:Choice Requires="w14">' + r("c") + "</mc:Choice>"
        "</mc:AlternateContent>"
    ),
    "run alternate content": p(
        '<w:r><mc:AlternateContent><mc:Choice Requires="w14"><w:t>c</w:t></mc:Choice>'
        "</mc:AlternateContent></w:r>"
    ),
    "field": p('<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + r("x")),
    "symbol": p('<w:r><w:sym w:font="Symbol" w:char="F061"/></w:r>'),
    "text box": p("<w:r><w:drawing><w:txbxContent>" + p(r("box")) + "</w:txbxContent></w:drawing></w:r>"),
    "equation": p('<m:oMath><m:r><m:t>x</m:t></m:r></m:oMath>'),
    "move": p(f'<w:moveFrom w:id="1" {A}>' + r("m", True) + "</w:moveFrom>"),
    "block insertion": f'<w:ins w:id="1" {A}>' + p(r("c")) + "</w:ins>",
    "run property change": p(
        f'<w:r><w:rPr><w:b/><w:rPrChange w:id="1" {A}><w:rPr/></w:rPrChange></w:rPr>'
        "<w:t>b</w:t></w:r>"
    ),
    "paragraph mark insertion": p(r("c"), ppr=f'<w:rPr><w:ins w:id="1" {A}/></w:rPr>'),
    "numbering insertion": p(r("c"), ppr=f'<w:numPr><w:ins w:id="1" {A}/></w:numPr>'),
    "insertion in an unknown element": p("<w:foo>" + f'<w:ins w:id="1" {A}>' + r("c") + "</w:ins></w:foo>"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REFUSED))
def test_what_the_pass_does_not_read_goes_to_the_walker(case: str) -> None:
    data = make_docx(p(r("before")) + REFUSED[case] + p(r("after")))
    assert not passed(data)
    revisions: list[Any] = []
    pkg = open_package(data)
    assert pass_story(DOC, pkg.xml(DOC), revisions) is None
    assert revisions == []  # nothing left behind by a refused pass
    both(data)


def test_a_part_that_is_no_story_is_refused() -> None:
    data = make_docx(p(r("x")), parts={"word/styles.xml": "<w:style/>"})
    assert not passed(data, "word/styles.xml")


def test_markers_are_carriage_returns_only_when_the_bytes_cannot_spell_one() -> None:
    assert marker_free(b'<?xml version="1.0" encoding="UTF-8"?><w:t>a</w:t>')
    assert not marker_free(b"<w:t>a&#13;b</w:t>")  # a character reference: control markers
    assert not marker_free("<w:t>a</w:t>".encode("utf-16"))  # tags not in ASCII bytes
    data = make_docx(p("<w:r><w:t>a&#13;b</w:t></w:r>") + p(r("c")))
    pkg = open_package(data)
    annotations_of(pkg)
    assert not pkg.probed(DOC)
    assert passed(data)
    assert body_paras(both(data))[0].text_after == "a\rb"
    plain = open_package(make_docx(p(r("c"))))
    annotations_of(plain)
    assert plain.probed(DOC)
    assert not open_package(make_docx(p(r("c")))).probed(DOC)  # no probe ran: not parsed yet
