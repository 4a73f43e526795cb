"""The reader on files written here (zipfile + WordprocessingML), one feature at a time."""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter

import typer
from typer.testing import CliRunner

from drafts.ooxml.read.reader import read_annotations
from flows.cli.read import read
from tests.helpers.reader_helpers import make_docx, p, r, rev

D = 'w:author="Ann" w:date="2025-01-02T03:04:05Z"'
VML = "urn:schemas-microsoft-com:vml"


def comment(cid: str, para_id: str, text: str, author: str = "Bo") -> str:
    return (
        f'<w:comment w:id="{cid}" w:author="{author}" w:initials="B" '
        f'w:date="2025-02-0{cid}T00:00:00Z"><w:p w14:paraId="{para_id}">'
        f"<w:r><w:annotationRef/></w:r>{r(text)}</w:p></w:comment>"
    )


def commented_docx() -> bytes:
    body = p(
        r("Keep ")
        + '<w:commentRangeStart w:id="1"/>'
        + r("the first")
        + '<w:commentRangeStart w:id="3"/>'
        + r(" clause")
        + '<w:commentRangeEnd w:id="1"/>'
        + r(" here")
    ) + p(r("and this") + '<w:commentRangeEnd w:id="3"/>' + r(" end."))
    body = body.replace('<w:commentRangeStart w:id="1"/>', '<w:commentRangeStart w:id="1"/>' * 1)
    comments = (
        comment("1", "0000000A", "Why?")
        + comment("2", "0000000B", "Because.", author="Ann")
        + comment("3", "0000000C", "Spans two paragraphs.")
    )
    # comment 2 replies to 1 and has no range of its own (Word gives replies the parent's range;
    # a reply without one is still a reply)
    extended = (
        '<w15:commentEx w15:paraId="0000000A" w15:done="1"/>'
        '<w15:commentEx w15:paraId="0000000B" w15:paraIdParent="0000000A" w15:done="0"/>'
        '<w15:commentEx w15:paraId="0000000C" w15:done="0"/>'
    )
    return make_docx(body, {"word/comments.xml": comments, "word/commentsExtended.xml": extended})


def test_comments_with_replies_resolved_state_and_overlapping_ranges():
    a = read_annotations(commented_docx())
    by_id = {c.id: c for c in a.comments}
    assert by_id["1"].anchor_text == "the first clause"
    assert by_id["1"].resolved and by_id["1"].parent is None
    assert by_id["2"].parent == "1" and not by_id["2"].resolved
    assert by_id["2"].anchor_text is None and by_id["2"].part is None
    assert by_id["3"].anchor_text == " clause here\nand this"
    assert (by_id["3"].start_paragraph, by_id["3"].end_paragraph) == (0, 1)
    assert (by_id["3"].start_after, by_id["3"].end_after) == (len("Keep the first"), 8)
    assert by_id["1"].text == "Why?" and by_id["1"].initials == "B"
    assert by_id["2"].date == "2025-02-02T00:00:00Z"


def every_kind_docx() -> bytes:
    tcpr_change = (
        '<w:tcPrChange w:id="20" ' + D + '><w:tcPr><w:tcW w:w="100" w:type="dxa"/></w:tcPr>'
        "</w:tcPrChange>"
    )
    table = (
        "<w:tbl>"
        '<w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblPrChange w:id="21" '
        + D
        + '><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr></w:tblPrChange></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="200"/><w:gridCol w:w="300"/><w:tblGridChange w:id="22">'
        '<w:tblGrid><w:gridCol w:w="250"/><w:gridCol w:w="250"/></w:tblGrid></w:tblGridChange>'
        "</w:tblGrid>"
        "<w:tr>"
        '<w:tblPrEx><w:jc w:val="center"/><w:tblPrExChange w:id="23" '
        + D
        + "><w:tblPrEx/></w:tblPrExChange></w:tblPrEx>"
        '<w:trPr><w:cantSplit/><w:trPrChange w:id="24" ' + D + "><w:trPr/></w:trPrChange>"
        "</w:trPr>"
        '<w:tc><w:tcPr><w:tcW w:w="200" w:type="dxa"/>'
        + tcpr_change
        + "</w:tcPr>"
        + p(r("A1"))
        + "</w:tc>"
        '<w:tc><w:tcPr><w:cellIns w:id="25" ' + D + "/></w:tcPr>" + p(r("new cell")) + "</w:tc>"
        "</w:tr>"
        '<w:tr><w:trPr><w:del w:id="26" ' + D + "/></w:trPr>"
        '<w:tc><w:tcPr><w:cellDel w:id="27" '
        + D
        + "/></w:tcPr>"
        + p(rev("del", 28, r("gone row", True)), '<w:rPr><w:del w:id="29" ' + D + "/></w:rPr>")
        + "</w:tc>"
        '<w:tc><w:tcPr><w:vMerge/><w:cellMerge w:id="30" w:vMerge="cont" w:vMergeOrig="rest" '
        + D
        + "/></w:tcPr>"
        + p("")
        + "</w:tc></w:tr></w:tbl>"
    )
    body = (
        p(r("Alpha ") + rev("del", 1, r("old", True)) + rev("ins", 2, r("new")) + r(" omega."))
        + p(
            '<w:moveFromRangeStart w:id="3" w:name="move1" '
            + D
            + "/>"
            + rev("moveFrom", 4, r("Moved. "))
            + '<w:moveFromRangeEnd w:id="3"/>'
            + r("Stays.")
        )
        + p(
            r("Target ")
            + '<w:moveToRangeStart w:id="5" w:name="move1" '
            + D
            + "/>"
            + rev("moveTo", 6, r("Moved. "))
            + '<w:moveToRangeEnd w:id="5"/>'
        )
        + p(
            '<w:r><w:rPr><w:b/><w:rPrChange w:id="7" ' + D + "><w:rPr/></w:rPrChange></w:rPr>"
            "<w:t>bold now</w:t></w:r>",
            '<w:jc w:val="center"/><w:pPrChange w:id="8" ' + D + '><w:pPr><w:jc w:val="left"/>'
            "</w:pPr></w:pPrChange>",
        )
        + p(
            r("Numbered"),
            '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/><w:ins w:id="9" ' + D + "/></w:numPr>",
        )
        + p(r("Joined "), '<w:rPr><w:del w:id="10" ' + D + "/></w:rPr>")
        + p(r("together."))
        + p(
            '<w:fldSimple w:instr=" DATE "><w:r><w:t>today</w:t></w:r></w:fldSimple>'
            + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            + rev("del", 11, "<w:r><w:delInstrText> PAGE </w:delInstrText></w:r>")
            + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            + r("7")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )
        + table
        + p(r("After."))
        + '<w:sectPr><w:pgSz w:w="11906"/><w:sectPrChange w:id="31" '
        + D
        + '><w:sectPr><w:pgSz w:w="12240"/></w:sectPr></w:sectPrChange></w:sectPr>'
    )
    return make_docx(body)


def test_every_revision_kind_is_read_once_with_its_context():
    a = read_annotations(every_kind_docx())
    kinds = Counter(x.kind for x in a.revisions)
    assert kinds == Counter(
        {
            "ins": 2,
            "del": 6,
            "moveFrom": 1,
            "moveTo": 1,
            "rPrChange": 1,
            "pPrChange": 1,
            "sectPrChange": 1,
            "tblPrChange": 1,
            "trPrChange": 1,
            "tcPrChange": 1,
            "tblGridChange": 1,
            "tblPrExChange": 1,
            "cellIns": 1,
            "cellDel": 1,
            "cellMerge": 1,
        }
    )
    by_id = {x.id: x for x in a.revisions}
    assert by_id["9"].on_numbering
    assert by_id["10"].on_paragraph_mark and a.paragraphs[5].mark == "del"
    assert by_id["26"].on_table_row and by_id["26"].text == "gone row\n\n"
    assert by_id["25"].on_table_cell and by_id["25"].text == "new cell\n"
    assert by_id["11"].in_field and by_id["28"].in_table
    assert by_id["22"].author is None  # CT_TblGridChange has no author or date
    assert "jc: left -> center" in by_id["8"].text
    assert "b: none -> on" in by_id["7"].text
    assert "pgSz: w=12240 -> w=11906" in by_id["31"].text
    assert "vMerge: rest -> cont" in by_id["30"].text
    first = a.paragraphs[0]
    old = by_id["1"]
    assert first.text_before[old.start_before : old.end_before] == "old"
    assert first.text_after[by_id["2"].start_after : by_id["2"].end_after] == "new"
    assert by_id["4"].move == by_id["6"].move == "move1"


def test_changes_group_moves_and_replacements():
    a = read_annotations(every_kind_docx())
    kinds = Counter(c.kind for c in a.changes)
    assert kinds["move"] == 1 and kinds["replace"] == 1
    replace = next(c for c in a.changes if c.kind == "replace")
    assert (replace.text_before, replace.text_after) == ("old", "new")
    move = next(c for c in a.changes if c.kind == "move")
    assert move.text_before == move.text_after == "Moved. "


def _changes(body: str) -> list[tuple[str, str | None, str, str]]:
    return [
        (c.kind, c.author, c.text_before, c.text_after)
        for c in read_annotations(make_docx(body)).changes
    ]


def test_a_deletion_and_an_insertion_back_to_back_by_two_authors_are_two_changes():
    deleted = rev("del", 1, r("publish", deleted=True), author="Ann")
    inserted = rev("ins", 2, r("release"), author="Bo")
    assert _changes(p(r("Cities ") + deleted + inserted + r(" data."))) == [
        ("delete", "Ann", "publish", ""),
        ("insert", "Bo", "", "release"),
    ]
    assert _changes(p(r("Cities ") + inserted + deleted + r(" data."))) == [
        ("insert", "Bo", "", "release"),
        ("delete", "Ann", "publish", ""),
    ]


def test_a_deletion_and_an_insertion_back_to_back_by_one_author_are_one_replacement():
    deleted = rev("del", 1, r("publish", deleted=True), author="Ann")
    inserted = rev("ins", 2, r("release"), author="Ann")
    assert _changes(p(r("Cities ") + deleted + inserted + r(" data."))) == [
        ("replace", "Ann", "publish", "release")
    ]


def test_two_authors_interleaved_in_one_paragraph_keep_their_own_changes():
    body = p(
        rev("ins", 1, r("All "), author="Ann")
        + rev("ins", 2, r("local "), author="Bo")
        + r("cities ")
        + rev("del", 3, r("should", deleted=True), author="Ann")
        + rev("ins", 4, r("must"), author="Bo")
        + rev("ins", 5, r(" now"), author="Ann")
        + r(" publish.")
    )
    assert _changes(body) == [
        ("insert", "Ann", "", "All "),
        ("insert", "Bo", "", "local "),
        ("delete", "Ann", "should", ""),
        ("insert", "Bo", "", "must"),
        ("insert", "Ann", "", " now"),
    ]


def test_text_before_and_after_follow_the_tracked_changes():
    a = read_annotations(every_kind_docx())
    before = a.text_before.split("\n")
    after = a.text_after.split("\n")
    assert before[0] == "Alpha old omega." and after[0] == "Alpha new omega."
    assert before[1] == "Moved. Stays." and after[1] == "Stays."
    assert before[2] == "Target " and after[2] == "Target Moved. "
    assert "Joined " in before and "together." in before
    assert "Joined together." in after  # the deleted paragraph mark joins them
    assert "today7" in before and "today7" in after  # field results, never instructions
    assert "gone row" in before and "gone row" not in a.text_after
    assert "new cell" in after and "new cell" not in a.text_before
    assert before[-1] == after[-1] == "After."


def test_revisions_in_headers_and_footnotes_and_deleted_note_reference():
    header = p(r("Packet R2-03-007 ") + rev("ins", 1, r("draft")))
    footnotes = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:id="1">'
        + p(r("A note ") + rev("del", 2, r("with old words", True)))
        + "</w:footnote>"
        '<w:footnote w:id="2">' + p(r("Second note")) + "</w:footnote>"
    )
    body = p(
        r("Text")
        + '<w:r><w:footnoteReference w:id="1"/></w:r>'
        + rev("del", 3, '<w:r><w:footnoteReference w:id="2"/></w:r>')
    )
    a = read_annotations(
        make_docx(body, {"word/header1.xml": header, "word/footnotes.xml": footnotes})
    )
    parts = Counter(x.part for x in a.revisions)
    assert parts == {"word/header1.xml": 1, "word/footnotes.xml": 1, "word/document.xml": 1}
    assert a.header_text == "Packet R2-03-007 draft"
    note = next(x for x in a.paragraphs if x.footnote_id == "1")
    assert note.text_before == "A note with old words" and note.text_after == "A note "
    assert "Second note" in a.text_before and "Second note" not in a.text_after
    assert len([x for x in a.paragraphs if x.part == "word/footnotes.xml"]) == 2


def test_alternate_content_is_read_once_through_its_choice():
    box = p(rev("ins", 5, r("In the box")))
    run = (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
        f"<w:txbxContent>{box}</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><w:txbxContent>{box}</w:txbxContent></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    a = read_annotations(make_docx(p(r("Anchor") + run) + p(r("Next"))))
    assert [x.kind for x in a.revisions] == ["ins"]
    assert a.revisions[0].in_text_box
    assert [x.text_after for x in a.paragraphs] == ["Anchor", "In the box", "Next"]


STRICT = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": (
        "http://purl.oclc.org/ooxml/wordprocessingml/main"
    ),
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        "http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
}


def strict_copy(docx: bytes) -> bytes:
    """Rewrite every Transitional namespace and relationship type to Strict."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info).decode("utf-8")
            for old, new in STRICT.items():
                data = data.replace(old, new)
            zf.writestr(info.filename, data)
    return out.getvalue()


def test_a_strict_copy_reads_exactly_like_the_transitional_file():
    original = every_kind_docx()
    strict = strict_copy(original)
    assert b"purl.oclc.org" in zipfile.ZipFile(io.BytesIO(strict)).read("word/document.xml")
    assert read_annotations(strict) == read_annotations(original)
    commented = commented_docx()
    assert read_annotations(strict_copy(commented)) == read_annotations(commented)


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(read)
    return app


def test_cli_prints_json_and_a_summary(tmp_path):
    path = tmp_path / "returned.docx"
    path.write_bytes(every_kind_docx())
    result = CliRunner().invoke(_app(), [str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"comments", "revisions", "changes", "text_before", "text_after"} <= set(data)
    assert len(data["revisions"]) == 21
    result = CliRunner().invoke(_app(), [str(path)])
    assert result.exit_code == 0
    assert "21 revisions" in result.stdout and "Ann: 20" in result.stdout


def test_cli_turns_a_refusal_into_one_line(tmp_path):
    path = tmp_path / "scan.docx"
    path.write_bytes(b"%PDF-1.5 not really")
    result = CliRunner().invoke(_app(), [str(path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("penholder: ") and "scan.docx" in lines[0]


# -- the text rules of docs/reader.md, one element at a time --------------------------------------


def _texts(body: str) -> list[tuple[str, str]]:
    a = read_annotations(make_docx(body))
    return [(x.text_before, x.text_after) for x in a.paragraphs]


def test_each_special_run_element_gives_its_text() -> None:
    run = (
        '<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:ptab w:relativeTo="margin"/><w:t>c</w:t>'
        "<w:br/><w:t>d</w:t><w:cr/><w:t>e</w:t><w:noBreakHyphen/><w:t>f</w:t><w:softHyphen/>"
        '<w:t>g</w:t><w:sym w:font="Symbol" w:char="F061"/><w:sym w:font="Wingdings" w:char="2192"/>'
        '<w:sym w:font="Symbol" w:char="F01F"/><w:sym w:char="zz"/><w:sym/>'
        "<w:lastRenderedPageBreak/><w:t>h</w:t></w:r>"
    )
    assert _texts(p(run)) == [("a\tb\tc\nd\ne-fga\u2192h",) * 2]


def test_a_special_element_inside_a_change_counts_in_one_view_only() -> None:
    deleted = rev("del", 1, "<w:r><w:delText>x</w:delText><w:noBreakHyphen/><w:br/></w:r>")
    inserted = rev("ins", 2, '<w:r><w:sym w:char="F062"/><w:tab/></w:r>')
    a = read_annotations(make_docx(p(r("[") + deleted + inserted + r("]"))))
    assert (a.paragraphs[0].text_before, a.paragraphs[0].text_after) == ("[x-\n]", "[b\t]")
    assert [x.text for x in a.revisions] == ["x-\n", "b\t"]


def _field(instr: str, result: str = "", separate: bool = True) -> str:
    out = '<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + instr
    if separate:
        out += '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + result
    return out + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def test_field_instructions_are_not_text_and_results_are_even_when_nested() -> None:
    instr = '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
    inner = _field('<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>', r("3"))
    # the inner field sits in the outer one's instruction: nothing of it is text
    nested = _field(instr + inner + r(" = 3 "), r("yes"))
    # an index entry has no result: the text after its end is text again
    entry = _field('<w:r><w:instrText xml:space="preserve"> XE "x" </w:instrText></w:r>', "", False)
    body = p(r("A") + nested + r("B") + entry + r("C") + _field(instr, r("R")) + r("D"))
    assert _texts(body) == [("AyesBCRD", "AyesBCRD")]


def test_only_a_revision_inside_a_field_is_flagged_in_field() -> None:
    field = _field(
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        rev("ins", 1, r("7")),
    )
    no_result = _field(
        '<w:r><w:instrText xml:space="preserve"> XE "x" </w:instrText></w:r>', "", False
    )
    body = p(field + rev("ins", 2, r("after")) + no_result + rev("del", 3, r("then", True)))
    a = read_annotations(make_docx(body))
    assert [(x.id, x.in_field, x.text) for x in a.revisions] == [
        ("1", True, "7"),
        ("2", False, "after"),
        ("3", False, "then"),
    ]


def test_a_run_property_change_spans_its_run_in_both_views() -> None:
    bold = (
        '<w:r><w:rPr><w:b/><w:rPrChange w:id="9" w:author="Ann"><w:rPr/></w:rPrChange></w:rPr>'
        "<w:t>bold</w:t></w:r>"
    )
    body = p(rev("del", 1, r("gone ", True)) + rev("ins", 2, r("new ")) + bold)
    a = read_annotations(make_docx(body))
    change = next(x for x in a.revisions if x.kind == "rPrChange")
    assert (change.start_before, change.end_before) == (5, 9)
    assert (change.start_after, change.end_after) == (4, 8)
    assert a.paragraphs[0].text_before[5:9] == a.paragraphs[0].text_after[4:8] == "bold"


def test_a_text_box_inside_a_text_box_is_read_once_in_order() -> None:
    def box(inner: str) -> str:
        shape = f'<v:shape xmlns:v="{VML}"><v:textbox><w:txbxContent>{inner}</w:txbxContent>'
        return f"<w:r><w:pict>{shape}</v:textbox></v:shape></w:pict></w:r>"

    inner = p(r("inner"))
    outer = p(r("outer") + box(inner)) + p(r("outer 2"))
    a = read_annotations(make_docx(p(r("anchor") + box(outer)) + p(r("next"))))
    assert [(x.text_after, x.in_text_box) for x in a.paragraphs] == [
        ("anchor", False),
        ("outer", True),
        ("inner", True),
        ("outer 2", True),
        ("next", False),
    ]


def test_a_footnote_and_an_endnote_with_the_same_id_are_told_apart_by_their_reference() -> None:
    footnotes = '<w:footnote w:id="1">' + p(r("Foot")) + "</w:footnote>"
    endnotes = (
        '<w:endnote w:id="1">' + p(r("End")) + "</w:endnote>"
        '<w:endnote w:id="2">' + p(r("Unreferenced")) + "</w:endnote>"
    )
    body = p(
        r("Text")
        + '<w:r><w:footnoteReference w:id="1"/></w:r>'
        + '<w:r><w:endnoteReference w:id="1"/></w:r>'
        + rev("ins", 3, '<w:r><w:endnoteReference w:id="2"/></w:r>')
    )
    parts = {"word/footnotes.xml": footnotes, "word/endnotes.xml": endnotes}
    a = read_annotations(make_docx(body, parts))
    assert a.text_before == "Text\nFoot\nEnd"
    assert a.text_after == "Text\nFoot\nEnd\nUnreferenced"


def test_a_revision_in_an_inline_content_control_is_flagged_and_only_there() -> None:
    def sdt(inner: str) -> str:
        return f'<w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent>{inner}</w:sdtContent></w:sdt>'

    inner = sdt(rev("ins", 1, r("deep")))
    body = p(r("a ") + sdt(r("b ") + inner + rev("del", 2, r("c", True))) + rev("ins", 3, r(" d")))
    a = read_annotations(make_docx(body))
    assert [(x.id, x.in_content_control) for x in a.revisions] == [
        ("1", True),
        ("2", True),
        ("3", False),
    ]
    assert a.paragraphs[0].text_after == "a b deep d"


def test_inline_alternate_content_is_read_through_its_choice() -> None:
    alt = (
        '<mc:AlternateContent><mc:Choice Requires="w14">'
        + r("chosen")
        + "</mc:Choice><mc:Fallback>"
        + r("fallback")
        + "</mc:Fallback></mc:AlternateContent>"
    )
    assert _texts(p(r("a ") + alt + r(" b"))) == [("a chosen b", "a chosen b")]


def test_every_text_box_of_a_group_is_read_when_the_first_holds_a_text_box() -> None:
    def shape(inner: str) -> str:
        return f"<v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox></v:shape>"

    nested = (
        f'<w:r><w:pict><v:group xmlns:v="{VML}">{shape(p(r("inner")))}</v:group></w:pict></w:r>'
    )
    group = shape(p(r("first") + nested)) + shape(p(r("second")))
    run = f'<w:r><w:pict><v:group xmlns:v="{VML}">{group}</v:group></w:pict></w:r>'
    a = read_annotations(make_docx(p(r("anchor") + run)))
    assert [x.text_after for x in a.paragraphs] == ["anchor", "first", "inner", "second"]


def test_an_equation_gives_its_math_text_verbatim() -> None:
    math = (
        "<m:oMath><m:r><m:t>x+1</m:t></m:r><m:r><m:t></m:t></m:r>"
        "<m:f><m:num><m:r><m:t>a</m:t></m:r></m:num><m:den><m:r><m:t>b</m:t></m:r></m:den></m:f>"
        "</m:oMath>"
    )
    assert _texts(p(r("so ") + math + r(" holds"))) == [("so x+1ab holds",) * 2]


def test_a_paragraph_mark_sits_at_the_end_and_a_row_or_cell_has_no_offsets() -> None:
    mark = '<w:rPr><w:del w:id="10" ' + D + "/></w:rPr>"
    row = '<w:trPr><w:ins w:id="11" ' + D + "/></w:trPr>"
    cell = '<w:tcPr><w:cellIns w:id="12" ' + D + "/></w:tcPr>"
    table = f"<w:tbl><w:tr>{row}<w:tc>{cell}{p(r('cell'))}</w:tc></w:tr></w:tbl>"
    a = read_annotations(make_docx(p(r("Joined "), mark) + p(r("together.")) + table))
    spans = [
        (x.id, x.paragraph, x.start_before, x.end_before, x.start_after, x.end_after, x.text)
        for x in a.revisions
    ]
    assert spans == [
        ("10", 0, 7, 7, 7, 7, "\n"),
        ("11", 2, None, None, None, None, "cell\n"),
        ("12", 2, None, None, None, None, "cell\n"),
    ]
    assert [(x.on_paragraph_mark, x.on_table_row, x.on_table_cell) for x in a.revisions] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]
