"""Grouping revisions into changes and describing property changes, unit by unit.

``tests/drafts/ooxml/read/test_reader_written.py`` reads whole written files; these tests pin
each rule of ``drafts.ooxml.read.revisions`` on its own (found by ``make mutate``).
"""

from __future__ import annotations

from lxml import etree

from drafts.ooxml.namespaces import W
from drafts.ooxml.read.reader import read_annotations
from drafts.ooxml.read.revisions import (
    RawChange,
    RawRevision,
    describe_property_change,
    group_changes,
)
from tests.helpers.reader_helpers import make_docx, p, r, rev

BODY = "word/document.xml"
NOTES = "word/footnotes.xml"


def raw(
    kind: str,
    start: int,
    text: str,
    author: str | None = "Ann",
    *,
    part: str = BODY,
    move: str | None = None,
    parent: int | None = None,
    on_numbering: bool = False,
    date: str | None = "2025-01-02T03:04:05Z",
    paragraph: int | None = 0,
) -> RawRevision:
    """A revision covering ``text`` at ``start`` of the part's markup stream."""
    return RawRevision(
        kind=kind,
        id=None,
        author=author,
        date=date,
        part=part,
        paragraph=paragraph,
        move=move,
        parent=parent,
        on_numbering=on_numbering,
        text=text,
        m_start=start,
        m_end=start + len(text),
    )


def summary(changes: list[RawChange]) -> list[tuple[str, str | None, str, str, list[int]]]:
    return [(c.kind, c.author, c.text_before, c.text_after, c.revisions) for c in changes]


# --- grouping -------------------------------------------------------------------------------


def test_adjacent_pieces_of_one_kind_by_one_author_are_one_change():
    # a run deleted, then its paragraph mark, then the next paragraph's run: one deletion
    revs = [raw("del", 0, "old "), raw("del", 4, "\n"), raw("del", 5, "text")]
    assert summary(group_changes(revs)) == [("delete", "Ann", "old \ntext", "", [0, 1, 2])]
    revs = [raw("ins", 0, "new "), raw("ins", 4, "words")]
    assert summary(group_changes(revs)) == [("insert", "Ann", "", "new words", [0, 1])]


def test_a_replacement_keeps_joining_while_the_pieces_stay_adjacent():
    revs = [raw("del", 0, "old"), raw("ins", 3, "new"), raw("ins", 6, " text")]
    assert summary(group_changes(revs)) == [("replace", "Ann", "old", "new text", [0, 1, 2])]


def test_unchanged_text_between_two_pieces_makes_two_changes():
    revs = [raw("del", 0, "old"), raw("ins", 4, "new")]  # one character kept between them
    assert summary(group_changes(revs)) == [
        ("delete", "Ann", "old", "", [0]),
        ("insert", "Ann", "", "new", [1]),
    ]


def test_pieces_in_two_parts_are_two_changes_even_where_their_offsets_meet():
    revs = [raw("del", 0, "old"), raw("ins", 3, "new", part=NOTES)]
    assert [(c.kind, c.part) for c in group_changes(revs)] == [("delete", BODY), ("insert", NOTES)]


def test_a_change_keeps_the_date_and_paragraph_of_its_first_revision():
    first = raw("del", 0, "old", date="2025-01-01T00:00:00Z", paragraph=3)
    second = raw("ins", 3, "new", date="2025-02-02T00:00:00Z", paragraph=3)
    (change,) = group_changes([first, second])
    assert (change.date, change.paragraph, change.part) == ("2025-01-01T00:00:00Z", 3, BODY)
    (alone,) = group_changes([raw("ins", 0, "x", date="2025-03-03T00:00:00Z", paragraph=7)])
    assert (alone.date, alone.paragraph) == ("2025-03-03T00:00:00Z", 7)


def test_a_move_gathers_its_from_and_to_pieces_across_runs():
    revs = [
        raw("moveFrom", 0, "Moved ", move="m1", author="Bo", date="2025-04-04T00:00:00Z"),
        raw("moveFrom", 6, "text.", move="m1", author="Bo"),
        raw("moveTo", 30, "Moved text", move="m1", author="Bo"),
        raw("moveTo", 40, " (here).", move="m1", author="Bo"),
    ]
    (move,) = group_changes(revs)
    assert summary([move]) == [("move", "Bo", "Moved text.", "Moved text (here).", [0, 1, 2, 3])]
    assert (move.date, move.part, move.paragraph) == ("2025-04-04T00:00:00Z", BODY, 0)


def test_two_moves_and_moves_in_two_parts_stay_apart():
    revs = [
        raw("moveFrom", 0, "A", move="m1"),
        raw("moveFrom", 2, "B", move="m2"),
        raw("moveTo", 9, "A", move="m1"),
        raw("moveTo", 11, "B", move="m2"),
        raw("moveFrom", 0, "C", move="m1", part=NOTES),
        raw("moveTo", 5, "C", move="m1", part=NOTES),
    ]
    moves = [(c.part, c.text_before, c.text_after, c.revisions) for c in group_changes(revs)]
    assert moves == [
        (BODY, "A", "A", [0, 2]),
        (BODY, "B", "B", [1, 3]),
        (NOTES, "C", "C", [4, 5]),
    ]


def test_a_move_source_without_its_destination_is_a_deletion():
    # moveFrom named m1 with no moveTo m1 (the destination was deleted or never saved)
    revs = [raw("moveFrom", 0, "Gone.", move="m1"), raw("moveTo", 9, "Here.", move="m2")]
    assert summary(group_changes(revs)) == [
        ("delete", "Ann", "Gone.", "", [0]),
        ("insert", "Ann", "", "Here.", [1]),
    ]


def test_nested_and_numbering_revisions_are_changes_of_their_own():
    revs = [
        raw("del", 0, "old"),
        raw("ins", 3, "new", parent=0),  # inside the deletion: not part of a replacement
        raw("ins", 6, "", on_numbering=True),
        raw("ins", 6, "more"),  # follows the nested one: not joined to the deletion
    ]
    kinds = [(c.kind, c.revisions) for c in group_changes(revs)]
    assert kinds == [("delete", [0]), ("insert", [1]), ("format", [2]), ("insert", [3])]


def test_each_single_revision_gets_the_kind_a_reader_expects():
    cases = {
        "tblPrChange": ("table", "w: 1 -> 2", ""),
        "trPrChange": ("table", "t", ""),
        "tcPrChange": ("table", "t", ""),
        "tblGridChange": ("table", "t", ""),
        "tblPrExChange": ("table", "t", ""),
        "cellMerge": ("table", "vMerge: rest -> cont", ""),
        "rPrChange": ("format", "b: none -> on", ""),
        "pPrChange": ("format", "jc: left -> center", ""),
        "sectPrChange": ("format", "s", ""),
        "numberingChange": ("format", "n", ""),
        "cellDel": ("delete", "cell\n", ""),
        "cellIns": ("insert", "", "cell\n"),
    }
    for kind, (expected, before, after) in cases.items():
        text = before or after
        (change,) = group_changes([raw(kind, 0, text, author="Bo", date="d", paragraph=2)])
        assert (change.kind, change.text_before, change.text_after) == (expected, before, after), (
            kind
        )
        assert (change.author, change.date, change.part, change.paragraph) == ("Bo", "d", BODY, 2)
        assert change.revisions == [0]
    (nested,) = group_changes([raw("del", 0, "x", parent=3)])
    assert (nested.kind, nested.text_before, nested.text_after) == ("delete", "x", "")
    (nested,) = group_changes([raw("moveFrom", 0, "x", parent=3)])
    assert (nested.kind, nested.text_before) == ("delete", "x")
    (numbered,) = group_changes([raw("del", 0, "", on_numbering=True)])
    assert numbered.kind == "format"


def test_a_move_of_text_in_several_runs_is_read_as_one_move_from_a_docx():
    body = p(
        '<w:moveFromRangeStart w:id="3" w:name="move1" w:author="Bo"'
        ' w:date="2025-05-05T00:00:00Z"/>'
        + rev("moveFrom", 4, r("Open ") + r("data."), author="Bo", date="2025-05-05T00:00:00Z")
        + '<w:moveFromRangeEnd w:id="3"/>'
        + r("Stays.")
    ) + p(
        r("Target ") + '<w:moveToRangeStart w:id="5" w:name="move1" w:author="Bo"'
        ' w:date="2025-05-05T00:00:00Z"/>'
        + rev("moveTo", 6, r("Open data"), author="Bo", date="2025-05-05T00:00:00Z")
        + rev("moveTo", 7, r(", now."), author="Bo", date="2025-05-05T00:00:00Z")
        + '<w:moveToRangeEnd w:id="5"/>'
    )
    (move,) = read_annotations(make_docx(body)).changes
    assert (move.kind, move.author, move.date) == ("move", "Bo", "2025-05-05T00:00:00Z")
    assert (move.text_before, move.text_after) == ("Open data.", "Open data, now.")


# --- property changes -----------------------------------------------------------------------


def el(xml: str) -> etree._Element:
    return etree.fromstring(f'<w:root xmlns:w="{W}">{xml}</w:root>')[0]


def change_in(props: str) -> etree._Element:
    """The ``*Change`` element inside the properties ``props``."""
    root = el(props)
    return next(c for c in root.iter() if isinstance(c.tag, str) and c.tag.endswith("Change"))


def test_a_property_change_lists_each_difference_old_to_new():
    change = change_in(
        '<w:rPr><w:b/><w:sz w:val="24"/><w:color w:val="FF0000" w:themeColor="accent1"/>'
        '<w:rPrChange w:id="1" w:author="Ann"><w:rPr><w:i/><w:sz w:val="20"/>'
        '<w:color w:val="FF0000" w:themeColor="accent1"/></w:rPr></w:rPrChange></w:rPr>'
    )
    assert describe_property_change(change) == "i: on -> none; sz: 20 -> 24; b: none -> on"


def test_attributes_other_than_val_are_listed_and_rsids_ignored():
    change = change_in(
        '<w:pPr><w:spacing w:before="120" w:after="0" w:rsidR="00AB"/>'
        '<w:pPrChange w:id="1"><w:pPr><w:spacing w:before="0" w:after="0" w:rsidR="00CD"/>'
        "</w:pPr></w:pPrChange></w:pPr>"
    )
    assert describe_property_change(change) == "spacing: before=0,after=0 -> before=120,after=0"


def test_rsid_only_differences_are_no_visible_difference():
    change = change_in(
        '<w:rPr><w:b w:rsidR="01"/><w:rPrChange w:id="1"><w:rPr><w:b w:rsidR="02"/></w:rPr>'
        "</w:rPrChange></w:rPr>"
    )
    assert describe_property_change(change) == "(no visible difference)"


def test_repeated_children_are_numbered_and_nested_properties_named_by_path():
    change = change_in(
        '<w:tblGrid><w:gridCol w:w="100"/><w:gridCol w:w="200"/><w:gridCol w:w="300"/>'
        '<w:tblGridChange w:id="1"><w:tblGrid><w:gridCol w:w="100"/><w:gridCol w:w="250"/>'
        '<w:gridCol w:w="250"/></w:tblGrid></w:tblGridChange></w:tblGrid>'
    )
    assert (
        describe_property_change(change) == "gridCol#2: w=250 -> w=200; gridCol#3: w=250 -> w=300"
    )
    change = change_in(
        '<w:tblPr><w:tblBorders><w:top w:val="single"/><w:left w:val="nil"/></w:tblBorders>'
        '<w:tblPrChange w:id="1"><w:tblPr><w:tblBorders><w:top w:val="double"/>'
        '<w:left w:val="nil"/></w:tblBorders></w:tblPr></w:tblPrChange></w:tblPr>'
    )
    assert describe_property_change(change) == "tblBorders.top: double -> single"


def test_an_element_with_attributes_and_children_is_one_value_and_comments_are_skipped():
    change = change_in(
        '<w:rPr><w:rFonts w:ascii="Arial"><w:x/></w:rFonts><!-- a note -->'
        '<w:rPrChange w:id="1"><w:rPr><!-- old --><w:rFonts w:ascii="Times"/></w:rPr>'
        "</w:rPrChange></w:rPr>"
    )
    assert describe_property_change(change) == "rFonts: ascii=Times -> ascii=Arial"


def test_revision_marks_inside_properties_are_not_properties():
    change = change_in(
        '<w:rPr><w:ins w:id="2" w:author="Ann"/><w:moveFrom w:id="3"/><w:b/>'
        '<w:rPrChange w:id="1"><w:rPr/></w:rPrChange></w:rPr>'
    )
    assert describe_property_change(change) == "b: none -> on"


def test_numbering_and_cell_merge_changes_say_the_original():
    numbering = el(f'<w:numberingChange xmlns:w="{W}" w:id="1" w:original="1.%1"/>')
    assert describe_property_change(numbering) == "numbering: 1.%1 -> (current)"
    bare = el('<w:numberingChange w:id="1"/>')
    assert describe_property_change(bare) == "numbering: none -> (current)"
    merge = el('<w:cellMerge w:id="1" w:vMerge="cont" w:vMergeOrig="rest"/>')
    assert describe_property_change(merge) == "vMerge: rest -> cont"
    assert describe_property_change(el('<w:cellMerge w:id="1"/>')) == "vMerge: none -> none"


def test_a_property_change_without_its_old_properties_lists_the_current_ones_as_new():
    # the schema asks for the old properties; a writer that drops an empty set must not crash us
    change = change_in('<w:rPr><w:b/><w:rPrChange w:id="1" w:author="Ann"/></w:rPr>')
    assert describe_property_change(change) == "b: none -> on"


def test_records_the_reader_builds_behave_as_validated_ones():
    body = p(r("Cities ") + rev("del", 1, r("should", deleted=True)) + rev("ins", 2, r("must")))
    a = read_annotations(make_docx(body))
    for record in (a.revisions[0], a.changes[0], a.paragraphs[0]):
        cls = type(record)
        assert cls.model_validate(record.model_dump()) == record
        assert record == cls.model_validate(record.model_dump())
        assert record.model_fields_set == set(cls.model_fields)
        assert record.model_dump(exclude_unset=True) == record.model_dump()
        assert record.model_copy(update={"part": "x"}).part == "x"
