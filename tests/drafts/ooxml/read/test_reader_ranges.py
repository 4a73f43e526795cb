"""The reader on written files: the ranges a remark is mapped through (comment ranges, bookmarks,
move ranges) where they start or end outside a paragraph, nest, repeat or never end; and the
place flags of an ordinary revision."""

from __future__ import annotations

import pytest

from drafts.ooxml.read.reader import read_annotations
from tests.helpers.reader_helpers import make_docx, p, r, rev

DOC = "word/document.xml"


def comment(cid: str) -> str:
    return (
        f'<w:comment w:id="{cid}" w:author="Bo" w:initials="B" w:date="2025-02-01T00:00:00Z">'
        f"<w:p>{r('Note ' + cid)}</w:p></w:comment>"
    )


def ranged(body: str, *ids: str) -> dict:
    """The comments of a file whose body is ``body``, by id."""
    a = read_annotations(make_docx(body, {"word/comments.xml": "".join(map(comment, ids))}))
    return {c.id: c for c in a.comments}


def span(c) -> tuple:
    return (
        c.part,
        c.start_paragraph,
        c.start_before,
        c.start_after,
        c.end_paragraph,
        c.end_before,
        c.end_after,
    )


def start(cid: str) -> str:
    return f'<w:commentRangeStart w:id="{cid}"/>'


def end(cid: str) -> str:
    return f'<w:commentRangeEnd w:id="{cid}"/>'


def test_a_comment_range_inside_paragraphs_has_its_part_and_both_offsets():
    # before and after differ: "old " is deleted, "new " inserted ahead of the range
    body = p(
        rev("del", 1, r("old ", True))
        + rev("ins", 2, r("new "))
        + r("Keep ")
        + start("7")
        + r("this")
        + end("7")
    )
    c = ranged(body, "7")["7"]
    assert span(c) == (DOC, 0, 9, 9, 0, 13, 13)
    assert c.anchor_text == c.anchor_text_before == c.anchor_text_after == "this"


def test_a_comment_range_starting_between_paragraphs_starts_at_the_next_one():
    body = p(r("First.")) + start("4") + p(r("Second") + end("4") + r(" rest.")) + p(r("Third."))
    c = ranged(body, "4")["4"]
    assert span(c) == (DOC, 1, 0, 0, 1, 6, 6)
    assert c.anchor_text == "Second"


def test_a_comment_range_ending_at_the_start_of_a_paragraph_keeps_the_paragraph_break():
    body = p(r("One ") + start("2") + r("two")) + p(end("2") + r("three"))
    c = ranged(body, "2")["2"]
    assert span(c) == (DOC, 0, 4, 4, 1, 0, 0)
    assert c.anchor_text == c.anchor_text_before == c.anchor_text_after == "two\n"


def test_a_comment_range_ending_after_the_last_paragraph_ends_in_it_without_its_break():
    body = p(r("A.")) + p(r("B ") + start("5") + r("b.")) + p(r("Cc.")) + end("5")
    c = ranged(body, "5")["5"]
    assert span(c) == (DOC, 1, 2, 2, 2, 3, 3)
    assert c.anchor_text == "b.\nCc."


def test_a_comment_range_never_ended_runs_to_the_end_of_the_last_paragraph():
    body = p(r("A ") + start("3") + r("a.")) + p(r("Bb.")) + start("8") + p(r("Ccc."))
    by_id = ranged(body, "3", "8")
    assert span(by_id["3"]) == (DOC, 0, 2, 2, 2, 4, 4)
    assert by_id["3"].anchor_text == "a.\nBb.\nCcc."
    assert span(by_id["8"]) == (DOC, 2, 0, 0, 2, 4, 4)
    assert by_id["8"].anchor_text == "Ccc."


def test_a_comment_range_over_an_inserted_last_paragraph_has_no_text_before():
    mark = '<w:rPr><w:ins w:id="9" w:author="Ann" w:date="2025-01-02T03:04:05Z"/></w:rPr>'
    body = p(r("Old.")) + start("6") + p(rev("ins", 8, r("New.")), mark) + end("6")
    c = ranged(body, "6")["6"]
    assert span(c) == (DOC, 1, 0, 0, 1, 0, 4)
    assert c.anchor_text_before is None
    assert c.anchor_text == c.anchor_text_after == "New."


def test_a_comment_range_in_a_body_without_paragraphs_is_empty_at_its_start():
    c = ranged(start("1") + end("1"), "1")["1"]
    assert span(c) == (DOC, 0, 0, 0, 0, 0, 0)
    assert c.anchor_text is None


def test_a_second_end_of_a_comment_range_is_ignored():
    body = p(start("3") + r("one") + end("3") + r(" two") + end("3"))
    c = ranged(body, "3")["3"]
    assert span(c) == (DOC, 0, 0, 0, 0, 3, 3)
    assert c.anchor_text == "one"


def test_a_bookmark_between_paragraphs_belongs_to_the_next_paragraph():
    body = (
        p(r("Intro."))
        + '<w:bookmarkStart w:id="0" w:name="para_2"/>'
        + p('<w:bookmarkStart w:id="1" w:name="inner"/>' + r("Body.") + '<w:bookmarkEnd w:id="1"/>')
        + '<w:bookmarkEnd w:id="0"/>'
    )
    paras = read_annotations(make_docx(body)).paragraphs
    assert [q.bookmarks for q in paras] == [[], ["para_2", "inner"]]


def move_from(rid: int, text: str) -> str:
    return rev("moveFrom", rid, r(text, True))


def move_to(rid: int, text: str) -> str:
    return rev("moveTo", rid, r(text))


def test_a_move_is_named_by_the_innermost_open_range_of_its_side():
    def opened(side: str, rid: int, name: str) -> str:
        return f'<w:{side}RangeStart w:id="{rid}" w:name="{name}"/>'

    def closed(side: str, rid: int) -> str:
        return f'<w:{side}RangeEnd w:id="{rid}"/>'

    body = p(
        opened("moveFrom", 1, "outer")
        + opened("moveFrom", 2, "inner")
        + move_from(10, "a")
        + closed("moveFrom", 2)
        + move_from(11, "b")
        + closed("moveFrom", 1)
        + move_from(12, "c")
    ) + p(
        opened("moveTo", 3, "outer")
        + opened("moveTo", 4, "inner")
        + move_to(13, "a")
        + closed("moveTo", 4)
        + move_to(14, "b")
        + closed("moveTo", 3)
        + move_to(15, "c")
    )
    revs = {x.id: x for x in read_annotations(make_docx(body)).revisions}
    # "b" sits after "a" in the text before the move, and after "a" once it is moved
    first, second = revs["11"], revs["14"]
    assert (first.paragraph, first.start_before, first.end_before) == (0, 1, 2)
    assert (first.start_after, first.end_after) == (0, 0)
    assert (second.paragraph, second.start_after, second.end_after) == (1, 1, 2)
    assert (second.start_before, second.end_before) == (0, 0)
    assert [revs[str(i)].move for i in range(10, 16)] == [
        "inner",
        "outer",
        None,
        "inner",
        "outer",
        None,
    ]


def test_an_ordinary_revision_is_on_no_mark_row_cell_numbering_table_or_text_box():
    a = read_annotations(make_docx(p(r("Plain ") + rev("ins", 1, r("added")))))
    (x,) = a.revisions
    assert (x.kind, x.paragraph, x.start_after, x.end_after) == ("ins", 0, 6, 11)
    flags = (
        x.on_paragraph_mark,
        x.on_table_row,
        x.on_table_cell,
        x.on_numbering,
        x.in_table,
        x.in_text_box,
    )
    assert flags == (False,) * 6


# -- block-level containers --------------------------------------------------------------------

DEL_MARK = '<w:rPr><w:del w:id="90" w:author="Ann" w:date="2025-01-02T03:04:05Z"/></w:rPr>'


def test_block_level_content_controls_custom_xml_and_alternate_content_are_read_through():
    def control(inner: str) -> str:
        return (
            '<w:sdt><w:sdtPr><w:alias w:val="box"/></w:sdtPr><w:sdtContent>'
            + inner
            + "</w:sdtContent></w:sdt>"
        )

    # a control inside a control: what follows the inner one is still in the outer one
    sdt = control(control(p(r("Inner."))) + p(r("In control ") + rev("ins", 1, r("added"))))
    custom = '<w:customXml w:element="clause">' + p(r("In custom XML.")) + "</w:customXml>"
    alternate = (
        '<mc:AlternateContent><mc:Choice Requires="w14">'
        + p(r("The choice."))
        + "</mc:Choice><mc:Fallback>"
        + p(r("The fallback."))
        + "</mc:Fallback></mc:AlternateContent>"
    )
    body = p(r("Start.")) + sdt + custom + alternate + p(r("End ") + rev("ins", 2, r("here")))
    a = read_annotations(make_docx(body))
    assert [q.text_after for q in a.paragraphs] == [
        "Start.",
        "Inner.",
        "In control added",
        "In custom XML.",
        "The choice.",
        "End here",
    ]
    assert [(x.id, x.paragraph, x.in_content_control) for x in a.revisions] == [
        ("1", 2, True),
        ("2", 5, False),
    ]


def test_a_deleted_paragraph_mark_does_not_join_the_last_paragraph_of_a_cell_to_the_next_cell():
    cell = "<w:tc>{}</w:tc>"
    table = (
        "<w:tbl><w:tr>"
        + cell.format(p(r("A"), DEL_MARK))
        + cell.format(p(r("B")))
        + "</w:tr></w:tbl>"
    )
    body = p(r("Joined "), DEL_MARK) + p(r("here.")) + table
    a = read_annotations(make_docx(body))
    assert a.text_after == "Joined here.\nA\nB"
    assert a.text_before == "Joined \nhere.\nA\nB"


def test_a_body_paragraph_is_in_no_note_and_no_comment():
    (q,) = read_annotations(make_docx(p(r("Body.")))).paragraphs
    assert (q.footnote_id, q.comment_id, q.in_table, q.in_text_box) == (None, None, False, False)


def test_revisions_of_one_author_join_in_one_change_only_when_nothing_lies_between():
    def kinds(body: str) -> list[str]:
        return [c.kind for c in read_annotations(make_docx(body)).changes]

    ins = rev("ins", 1, r("ab"))
    dele = rev("del", 2, r("yz", True))
    assert kinds(p(r("x") + ins + dele)) == ["replace"]
    assert kinds(p(r("x") + ins + r("cd") + dele)) == ["insert", "delete"]
    assert kinds(p(rev("ins", 1, r("x")) + r("a")) + p(dele)) == ["insert", "delete"]


def test_a_block_level_insertion_holds_its_paragraphs_text():
    body = p(r("Kept.")) + rev("ins", 5, p(r("Added para."))) + p(r("After."))
    a = read_annotations(make_docx(body))
    (x,) = a.revisions
    assert (x.kind, x.id, x.text) == ("ins", "5", "Added para.\n")
    assert [(q.text_before, q.text_after) for q in a.paragraphs] == [
        ("Kept.", "Kept."),
        ("", "Added para."),
        ("After.", "After."),
    ]


def test_an_empty_block_between_does_not_part_a_paragraph_from_the_next_of_its_container():
    body = p(r("Joined "), DEL_MARK) + '<w:customXml w:element="x"/>' + p(r("here."))
    assert read_annotations(make_docx(body)).text_after == "Joined here."


def test_numbering_and_paragraph_property_changes_belong_to_their_paragraph():
    d = 'w:author="Ann" w:date="2025-01-02T03:04:05Z"'
    numbered = (
        '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/>'
        f'<w:numberingChange w:id="7" {d} w:original="%1."/></w:numPr>'
    )
    spaced = f'<w:jc w:val="center"/><w:pPrChange w:id="8" {d}><w:pPr/></w:pPrChange>'
    body = p(r("Zero.")) + p(r("One."), numbered) + p(r("Two."), spaced)
    revs = {x.id: x for x in read_annotations(make_docx(body)).revisions}
    num, ppr = revs["7"], revs["8"]
    assert (num.kind, num.paragraph, num.on_numbering) == ("numberingChange", 1, True)
    assert num.text and "%1." in num.text
    assert (ppr.kind, ppr.paragraph, ppr.on_numbering) == ("pPrChange", 2, False)


@pytest.mark.parametrize("kind", ["ins", "del"])
def test_a_comment_range_inside_an_inserted_or_deleted_row_has_no_text_on_that_side(kind: str):
    d = 'w:author="Ann" w:date="2025-01-02T03:04:05Z"'
    row = (
        f'<w:tbl><w:tr><w:trPr><w:{kind} w:id="3" {d}/></w:trPr><w:tc>'
        + p(start("4") + r("A", kind == "del"))
        + p(r("B", kind == "del") + end("4"))
        + "</w:tc></w:tr></w:tbl>"
    )
    c = ranged(p(r("Body.")) + row, "4")["4"]
    sides = (c.anchor_text_before, c.anchor_text_after, c.anchor_text)
    assert sides == ((None, "A\nB", "A\nB") if kind == "ins" else ("A\nB", None, "A\nB"))


def test_a_moved_paragraph_mark_is_named_by_its_move_range():
    d = 'w:author="Ann" w:date="2025-01-02T03:04:05Z"'

    def mark(kind: str, rid: int) -> str:
        return f'<w:rPr><w:{kind} w:id="{rid}" {d}/></w:rPr>'

    body = (
        p(
            '<w:moveFromRangeStart w:id="1" w:name="m1"/>' + move_from(2, "Moved."),
            mark("moveFrom", 3),
        )
        + p('<w:moveFromRangeEnd w:id="1"/>' + r("Stays."))
        + p('<w:moveToRangeStart w:id="4" w:name="m1"/>' + move_to(5, "Moved."), mark("moveTo", 6))
        + p('<w:moveToRangeEnd w:id="4"/>' + r("End."))
    )
    revs = {x.id: x for x in read_annotations(make_docx(body)).revisions}
    marks = [(revs[i].kind, revs[i].on_paragraph_mark, revs[i].move) for i in ("3", "6")]
    assert marks == [("moveFrom", True, "m1"), ("moveTo", True, "m1")]
