"""Merging remarks, rule by rule: what each placed change and comment says, who it is under,
where rows go, and the edges (a paragraph's start, a point insertion, a thread of replies).

Written for the survivors of ``make mutate`` on ``reviewers.consolidate.merge``
(docs/testing.md); each test states what a drafter would see in the consolidated .docx or
the matrix.
"""

from __future__ import annotations

from drafts.models import Person
from reviewers.consolidate.merge import PlacedChange, PlacedComment, merge
from reviewers.intake.remarks import Remark
from tests.reviewers.consolidate.test_merge import BASE, PEOPLE, TEXT, bmap, remark

B1, B2 = "ph_03_0001", "ph_03_0002"
WHEN = "2024-03-15T09:00:00Z"
SECOND = "Second paragraph stays as it is."


def point(n: int, reviewer: str, proposed: str, at: int, **update: object) -> Remark:
    """An insertion at ``at`` whose end is not recorded (``end=None``, as a point)."""
    r = remark(n, reviewer, "insert", None, proposed, at=at)
    return r.model_copy(update={"end": None, **update})


def test_a_duplicate_suggestion_gets_a_comment_naming_every_supporter_and_organisation():
    a = remark(1, "ana", "replace", "publish", "release")
    b = remark(2, "ben", "replace", "publish", "release")
    s = TEXT.index("publish")
    result = merge([a, b], BASE, {}, PEOPLE, organisation="UN-Habitat")
    assert result.comments == [
        PlacedComment(
            "R1-03-001",
            B1,
            s,
            s + len("publish"),
            "R1-03-001: suggested by 2 reviewers: Ana Silva (City Hall); Ben Okafor "
            "(remarks R1-03-001, R1-03-002)",
            "UN-Habitat",
            None,
        )
    ]


def test_a_duplicate_point_insertion_is_noted_at_its_point():
    at = TEXT.index(" every")
    result = merge([point(1, "ana", " all", at), point(2, "chi", " all", at)], BASE, {}, PEOPLE)
    (change,) = result.changes
    assert (change.start, change.end) == (at, at)
    (note,) = result.comments
    assert (note.block, note.start, note.end, note.author) == (B1, at, at, "Secretariat")
    assert note.text.startswith(
        "R1-03-001: suggested by 2 reviewers: Ana Silva (City Hall); Chi Wen"
    )


def test_a_duplicate_comment_gets_no_supporters_comment():
    q = remark(1, "ana", "comment", "open data", None, text="Which data?")
    same = remark(2, "ben", "comment", "open data", None, text="Which data?")
    result = merge([q, same], BASE, {}, PEOPLE)
    assert [c.text for c in result.comments] == ["Which data?"]


def test_supporters_come_from_the_people_or_say_who_is_unknown():
    known = remark(1, "ana", "comment", "open data", None, text="A").model_copy(
        update={"author": None}
    )
    stranger = remark(2, "ana", "comment", "public", None, text="B").model_copy(
        update={"author": None, "reviewer": "dee"}
    )
    nobody = remark(3, "ana", "comment", "services", None, text="C").model_copy(
        update={"author": None, "reviewer": None}
    )
    named = remark(4, "ben", "comment", "every", None, text="D")
    rows = merge([known, stranger, nobody, named], BASE, {}, PEOPLE).rows
    supporters = [
        (s.reviewer, s.name, s.organisation, s.country) for r in rows for s in r.supporters
    ]
    assert supporters == [
        ("ana", "Ana Silva", "City Hall", "Brazil"),
        ("dee", "dee", "", ""),
        (None, "?", "", ""),
        ("ben", "Ben Okafor", "", "Nigeria"),
    ]
    # the placed comments carry the same names when the file had no author
    assert [c.author for c in merge([known, nobody], BASE, {}, PEOPLE).comments] == [
        "Ana Silva",
        "?",
    ]


def test_a_move_and_a_deletion_of_the_same_text_are_two_rows():
    moved = remark(1, "ana", "move", "open data", "").model_copy(
        update={"target_block": B2, "target_offset": 0}
    )
    deleted = remark(2, "ben", "delete", "open data", "")
    rows = merge([moved, deleted], BASE, {}, PEOPLE).rows
    assert [(r.id, r.kind, r.flags) for r in rows] == [
        ("R1-03-001", "move", ["conflict"]),
        ("R1-03-002", "delete", ["conflict"]),
    ]


def test_a_comment_on_text_a_suggestion_changes_is_no_conflict():
    q = remark(1, "ana", "comment", "open data", None, text="Which data?")
    edit = remark(2, "ben", "replace", "open data", "datasets")
    result = merge([q, edit], BASE, {}, PEOPLE)
    assert [r.flags for r in result.rows] == [[], []]
    assert [c.row for c in result.changes] == ["R1-03-002"]
    assert [c.row for c in result.comments] == ["R1-03-001"]


def test_a_point_insertion_inside_a_replaced_range_is_a_conflict():
    inside = point(1, "ana", " really", TEXT.index(" open"))
    edit = remark(2, "ben", "replace", "publish open data", "share datasets")
    result = merge([inside, edit], BASE, {}, PEOPLE)
    assert [r.flags for r in result.rows] == [["conflict"], ["conflict"]]


def test_a_new_paragraph_suggested_after_a_sentence_at_the_same_end_is_placed_too():
    sentence = remark(1, "ana", "insert", None, " More.", at=len(TEXT))
    paragraph = remark(2, "ben", "insert", None, "\nA new paragraph.", at=len(TEXT))
    result = merge([sentence, paragraph], BASE, {}, PEOPLE)
    assert all(not r.flags for r in result.rows)
    assert [c.row for c in result.changes] == ["R1-03-001", "R1-03-002"]


def test_a_suggestion_without_a_position_is_listed_and_not_placed():
    loose = remark(1, "ana", "replace", "publish", "release").model_copy(
        update={"start": None, "end": None}
    )
    edit = remark(2, "ben", "replace", "publish", "share")
    result = merge([loose, edit], BASE, {}, PEOPLE)
    assert [(r.id, r.flags) for r in result.rows] == [("R1-03-001", []), ("R1-03-002", [])]
    assert [c.row for c in result.changes] == ["R1-03-002"]


def test_a_reply_to_a_reply_joins_the_first_comments_thread():
    q = remark(1, "ana", "comment", "open data", None, text="Which data?")
    reply = remark(2, "ben", "comment", "open data", None, text="Budgets.", parent="R1-03-001")
    again = remark(3, "ana", "comment", "open data", None, text="Thanks.", parent="R1-03-002")
    result = merge([q, reply, again], BASE, {}, PEOPLE)
    (row,) = result.rows
    assert row.remarks == ["R1-03-001", "R1-03-002", "R1-03-003"]
    assert row.comment == "Which data?\n\u2014 Ben Okafor: Budgets.\n\u2014 Ana Silva: Thanks."
    assert [s.name for s in row.supporters] == ["Ana Silva"]  # replies do not support
    (comment,) = result.comments
    assert comment.replies == [("Ben Okafor", WHEN, "Budgets."), ("Ana Silva", WHEN, "Thanks.")]


def test_a_duplicate_comment_is_not_written_as_a_reply_and_an_unnamed_reply_says_so():
    q = remark(1, "ana", "comment", "open data", None, text="Which data?")
    same = remark(2, "chi", "comment", "open data", None, text="Which data?")
    reply = remark(3, "ben", "comment", "open data", None, text="Budgets.", parent="R1-03-001")
    reply = reply.model_copy(update={"author": None})
    result = merge([q, same, reply], BASE, {}, PEOPLE)
    (row,) = result.rows
    assert row.comment == "Which data?\n\u2014 ?: Budgets."
    assert result.comments[0].replies == [("?", WHEN, "Budgets.")]


def test_a_row_carries_where_the_remark_is_and_what_it_proposes():
    r = remark(1, "ana", "replace", "should", "must", block=1).model_copy(
        update={"section": "Scope > Data", "paragraph": 7}
    )
    (row,) = merge([r], BASE, {}, PEOPLE).rows
    s = TEXT.index("should")
    assert (row.round, row.section, row.block, row.paragraph) == ("R1", "Scope > Data", B1, 7)
    assert (row.start, row.end, row.proposed, row.anchor_text) == (s, s + 6, "must", "should")
    assert (row.kind, row.type, row.comment) == (
        "replace",
        "technical",
        "Replace 'should' by 'must'",
    )


def test_a_move_is_placed_as_a_deletion_and_an_insertion_at_its_target():
    moved = remark(1, "ana", "move", " every year", "").model_copy(
        update={"target_block": B2, "target_offset": 6, "author": None}
    )
    result = merge([moved], BASE, {}, PEOPLE)
    (row,) = result.rows
    assert (row.target_block, row.target_offset) == (B2, 6)
    s = TEXT.index(" every year")
    assert result.changes == [
        PlacedChange("R1-03-001", B1, s, s + 11, "", "Ana Silva", WHEN),
        PlacedChange("R1-03-001", B2, 6, 6, " every year", "Ana Silva", WHEN),
    ]


def test_a_move_without_a_target_and_a_replacement_are_placed_where_they_are():
    moved = remark(1, "ana", "move", " every year", "")
    edit = remark(2, "ben", "replace", "publish", "share", block=1)
    changes = merge([moved, edit], BASE, {}, PEOPLE).changes
    s, p = TEXT.index(" every year"), TEXT.index("publish")
    assert changes == [
        PlacedChange("R1-03-001", B1, s, s + 11, "", "Ana Silva", WHEN),
        PlacedChange("R1-03-002", B1, p, p + 7, "share", "Ben Okafor", WHEN),
    ]


def test_a_comment_and_a_format_remark_are_placed_as_comments_in_words():
    q = remark(1, "ana", "comment", "open data", None, text="Which data?")
    fmt = remark(2, "ben", "format", "public services", None, text="b: none -> on")
    result = merge([q, fmt], BASE, {}, PEOPLE)
    s, f = TEXT.index("open data"), TEXT.index("public services")
    assert result.comments == [
        PlacedComment("R1-03-001", B1, s, s + 9, "Which data?", "Ana Silva", WHEN),
        PlacedComment(
            "R1-03-002",
            B1,
            f,
            f + 15,
            "Change the formatting of 'public services'",
            "Ben Okafor",
            WHEN,
        ),
    ]


def test_a_conflict_at_the_start_of_a_paragraph_is_placed_from_its_first_character():
    a = remark(1, "ana", "replace", "Local", "All local")
    b = remark(2, "ben", "replace", "Local governments", "Cities")
    b = b.model_copy(update={"author": None, "date": "2024-03-16T10:00:00Z"})
    result = merge([a, b], BASE, {}, PEOPLE)
    assert result.changes == [
        PlacedChange("R1-03-001", B1, 0, 17, "All local governments", "Ana Silva", WHEN, True),
        PlacedChange("R1-03-002", B1, 17, 17, "Cities", "Ben Okafor", "2024-03-16T10:00:00Z", True),
    ]
    (note,) = result.comments
    assert (note.row, note.block, note.start, note.end) == ("R1-03-001", B1, 0, 17)
    assert note.text == (
        "conflict: R1-03-001 (Ana Silva) vs R1-03-002 (Ben Okafor)\n"
        "R1-03-001: Replace 'Local' by 'All local'\n"
        "R1-03-002: Replace 'Local governments' by 'Cities'\n"
        "Each competing text is a suggestion under its author's name: accept one, reject the others."
    )


def test_two_point_insertions_at_one_place_in_the_second_paragraph_are_alternatives():
    at = SECOND.index(" stays")
    a = point(1, "ana", " still", at, block=B2, paragraph=2)
    b = point(2, "ben", " always", at, block=B2, paragraph=2)
    result = merge([a, b], BASE, {}, PEOPLE)
    assert result.changes == [
        PlacedChange("R1-03-001", B2, at, at, " still", "Ana Silva", WHEN, True),
        PlacedChange("R1-03-002", B2, at, at, " always", "Ben Okafor", WHEN, True),
    ]
    (note,) = result.comments
    assert (note.block, note.start, note.end) == (B2, at, at)


def test_a_move_competing_with_a_replacement_offers_the_text_without_what_moves():
    moved = remark(1, "ana", "move", "open data", "").model_copy(
        update={"target_block": B2, "target_offset": 0}
    )
    edit = remark(2, "ben", "replace", "publish open", "release")
    result = merge([moved, edit], BASE, {}, PEOPLE)
    s = TEXT.index("publish")
    assert [(c.start, c.end, c.proposed) for c in result.changes] == [
        (s, s + len("publish open data"), "publish "),
        (s + len("publish open data"), s + len("publish open data"), "release data"),
    ]


def test_rows_follow_the_paragraphs_and_rows_without_a_paragraph_come_last():
    texts = [f"Paragraph {i}." for i in range(1, 71)]
    base = bmap(2, *texts)
    late = remark(1, "ana", "comment", "Paragraph", None, text="On 70.", block=70, source=texts[69])
    early = remark(2, "ben", "comment", "Paragraph", None, text="On 2.", block=2, source=texts[1])
    general = remark(3, "chi", "comment", None, None, text="In general.").model_copy(
        update={"block": None, "start": None, "end": None}
    )
    rows = merge([late, early, general], base, {}, PEOPLE).rows
    assert [r.id for r in rows] == ["R1-03-002", "R1-03-001", "R1-03-003"]


def test_a_stale_deletion_of_a_whole_paragraph_is_described_on_its_revision():
    old = bmap(1, TEXT, "A paragraph the drafters removed.", SECOND)
    gone = remark(
        1,
        "ana",
        "delete",
        "A paragraph the drafters removed.",
        "",
        block=2,
        revision=1,
        source="A paragraph the drafters removed.",
    )
    new = bmap(2, TEXT, SECOND)
    new.blocks[1].id = "ph_03_0003"
    (row,) = merge([gone], new, {1: old}, PEOPLE).rows
    assert row.flags == ["no longer applies"]
    assert row.comment.startswith("Delete paragraph 2: 'A paragraph the drafters removed.'")


def test_people_are_not_needed_when_every_remark_names_its_author():
    a = remark(1, "ana", "replace", "publish", "release")
    b = remark(2, "ben", "replace", "publish open", "share")
    stranger: dict[str, Person] = {}
    result = merge([a, b], BASE, {}, stranger)
    assert [c.author for c in result.changes] == ["Ana Silva", "Ben Okafor"]


def test_two_point_insertions_before_the_first_word_are_alternatives_there():
    a = point(1, "ana", "All ", 0)
    b = point(2, "ben", "Most ", 0)
    result = merge([a, b], BASE, {}, PEOPLE)
    assert [(c.start, c.end, c.proposed, c.alternative) for c in result.changes] == [
        (0, 0, "All ", True),
        (0, 0, "Most ", True),
    ]
    (note,) = result.comments
    assert (note.start, note.end) == (0, 0)
