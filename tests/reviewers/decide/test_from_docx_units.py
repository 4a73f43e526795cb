"""Decisions read from a consolidated .docx, without rendering one: what ``read_marks`` finds in
the file (marks, comments, anchored paragraphs, stamp) is given in memory, so every way a drafter
may decide in Word or LibreOffice is met in milliseconds, each on its boundary. (The real files,
written by our OOXML layer and decided in real LibreOffice, are read in ``test_from_docx.py``.)

What a pen-holder sees is the answers read (row, word, response, adopted text), the rows pending,
in conflict, not placed or not readable (with why), and the refusal's sentence; each test states
them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from drafts.ooxml.read.annotations import Comment
from drafts.ooxml.read.marks import MarkedDocument, MarkedRange
from drafts.ooxml.write.records import MARK_PREFIX, mark_name
from reviewers.consolidate.models import Matrix, Row, Supporter
from reviewers.decide import from_docx
from reviewers.decide.from_docx import ConsolidatedFileRefused, DocxDecisions
from reviewers.decide.models import Answer

PATH = Path("decided.docx")
STAMP = {"penholder.chapter": "03", "penholder.round": "R1", "penholder.revision": "2"}
DRAFTERS = {"Dana Drafter", "Eli Chief"}
BLOCK = "ph_03_0001"
PARA = "Cities publish open data every year on their portals."


def row(
    n: int, kind: str, anchor: str | None = None, proposed: str | None = None, **kw: Any
) -> Row:
    rid = f"R1-03-{n:03d}"
    kw.setdefault("block", BLOCK)
    return Row(id=rid, remarks=[rid], chapter="03", round="R1", kind=kind, anchor_text=anchor,
               proposed=proposed, supporters=[Supporter(reviewer="a", name="A", remark=rid)],
               **kw)  # fmt: skip


def mark(
    r: Row | str, text: str, piece: int = 1, pending: int = 0, comments: tuple[str, ...] = ()
) -> MarkedRange:
    name = mark_name(r if isinstance(r, str) else r.id, piece)
    return MarkedRange(name=name, text_before="", text_after=text, pending=pending,
                       comments=comments)  # fmt: skip


def comment(cid: str, author: str | None, text: str, parent: str | None = None,
            resolved: bool = False) -> Comment:  # fmt: skip
    return Comment(
        id=cid, author=author, initials=None, date=None, text=text, anchor_text=None,
        anchor_text_before=None, anchor_text_after=None, parent=parent, resolved=resolved,
        part=None, start_paragraph=None, end_paragraph=None, start_before=None, end_before=None,
        start_after=None, end_after=None,
    )  # fmt: skip


def read(
    monkeypatch: pytest.MonkeyPatch,
    rows: list[Row],
    marks: list[MarkedRange] = (),  # type: ignore[assignment]
    comments: list[Comment] = (),  # type: ignore[assignment]
    *,
    tails: dict[str, str] | None = None,
    props: dict[str, str] | None = None,
    round_id: str | None = "R1",
) -> DocxDecisions:
    doc = MarkedDocument(
        marks={m.name: m for m in marks}, comments=list(comments), paragraphs={BLOCK: PARA},
        tails=tails or {}, custom_properties=STAMP if props is None else props,
    )  # fmt: skip

    def read_marks(path: Path, prefix: str) -> MarkedDocument:
        assert path == PATH and prefix == MARK_PREFIX
        return doc

    monkeypatch.setattr(from_docx, "read_marks", read_marks)
    matrix = Matrix(guideline="G", chapter="03", chapter_title="Scope", round=round_id,
                    revision=2, rows=rows)  # fmt: skip
    return from_docx.decisions_from_consolidated(PATH, matrix, DRAFTERS)


def test_each_suggestion_reads_as_its_piece_now_stands(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = [
        row(1, "replace", "open  data", "datasets"),  # accepted (spaces collapsed)
        row(2, "replace", "every year", "yearly"),  # rejected
        row(3, "replace", "their portals", "a portal"),  # edited, then accepted
        row(4, "insert", "", " often"),  # still tracked: pending
        row(5, "delete", "Cities", ""),  # accepted: the mark is empty
    ]
    got = read(monkeypatch, rows, [
        mark(rows[0], " datasets "), mark(rows[1], "every year"), mark(rows[2], "one  portal"),
        mark(rows[3], " often", pending=1), mark(rows[4], ""),
    ])  # fmt: skip
    assert got == DocxDecisions(
        file="decided.docx",
        answers=[
            Answer(row=rows[0].id, disposition="accepted"),
            Answer(row=rows[1].id, disposition="rejected"),
            Answer(row=rows[2].id, disposition="modified", adopted="one portal"),
            Answer(row=rows[4].id, disposition="accepted"),
        ],
        pending=[rows[3].id],
    )


def test_a_vanished_mark_is_told_only_when_its_text_says_so(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = [
        row(1, "delete", "every year", ""),  # a deletion accepted: LibreOffice drops the mark
        row(2, "insert", "", " weekly"),  # not in the paragraph: rejected
        row(3, "insert", "", " on their portals"),  # stands in the paragraph: cannot be told
        row(4, "insert", "", "the"),  # three characters, in "their": too short to look for
        row(5, "insert", "", "data"),  # four, in the paragraph: cannot be told
        row(6, "replace", "Cities", "Towns"),  # a replacement keeps its mark: cannot be told
    ]
    got = read(monkeypatch, rows, [mark(rows[5].id + "x", "")])
    assert [(a.row, a.disposition) for a in got.answers] == [
        (rows[0].id, "accepted"), (rows[1].id, "rejected"), (rows[3].id, "rejected"),
    ]  # fmt: skip
    assert got.missing == {
        r.id: f"its mark {mark_name(r.id)} is not in the file and its text cannot be told"
        for r in (rows[2], rows[4], rows[5])
    }


def test_a_bookmark_end_read_short_still_reads_as_its_text(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = [
        row(1, "replace", "portals.", "sites."),  # ends where the block's anchor ends
        row(2, "replace", "every year", "each year"),  # two characters short
        row(3, "replace", "every year", "every month"),  # three short: not the same text
        row(4, "replace", "open data", "data"),  # "" never reads as a shortened text
    ]
    got = read(monkeypatch, rows, [
        mark(rows[0], "sit"), mark(rows[1], "each ye"), mark(rows[2], "every mo"),
        mark(rows[3], ""),
    ], tails={mark_name(rows[0].id): "es.", BLOCK: "es.", mark_name(rows[1].id): "ar on",
              mark_name(rows[2].id): "nth", mark_name(rows[3].id): "da"})  # fmt: skip
    assert [(a.row, a.disposition, a.adopted) for a in got.answers] == [
        (rows[0].id, "accepted", None),
        (rows[1].id, "accepted", None),
        (rows[2].id, "modified", "every mo"),
        (rows[3].id, "modified", ""),  # the text deleted: adopted as nothing
    ]


def test_a_move_is_read_from_its_source_and_its_landing_point(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = [row(n, "move", "every year") for n in (1, 2, 3, 4, 5, 6)]
    got = read(monkeypatch, rows, [
        mark(rows[0], ""), mark(rows[0], " every year", 2),  # accepted
        mark(rows[1], "every year"), mark(rows[1], "", 2),  # rejected
        mark(rows[2], ""),  # landing point never placed: the source decides
        mark(rows[3], ""), mark(rows[3], "each year", 2),  # edited where it landed
        mark(rows[4], "each year", 2),  # the source's mark dropped (taken out), edited
        mark(rows[5], "every year"), mark(rows[5], "each year", 2),  # kept and copied, edited
    ])  # fmt: skip
    assert [(a.row, a.disposition, a.adopted) for a in got.answers] == [
        (rows[0].id, "accepted", None),
        (rows[1].id, "rejected", None),
        (rows[2].id, "accepted", None),
        (rows[3].id, "modified", "each year"),
        (rows[4].id, "modified", "each year"),
        (rows[5].id, "modified", "every year\neach year"),
    ]


def test_new_paragraphs_are_a_piece_each_and_extra_pieces_are_read_too(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = [
        row(1, "insert", None, "\nFirst new.\n\nSecond new."),
        row(2, "insert", "", "\nOne more."),
        row(3, "replace", "open data", "datasets"),  # a second piece the row does not expect
    ]
    got = read(monkeypatch, rows, [
        mark(rows[0], "First  new."), mark(rows[0], "Second, edited.", 2),
        mark(rows[1], "One more."),
        mark(rows[2], "datasets"), mark(rows[2], "datasets", 3), mark(rows[2], "x", 2),
    ])  # fmt: skip
    assert got.answers == [
        Answer(row=rows[0].id, disposition="modified", adopted="\nFirst new.\nSecond, edited."),
        Answer(row=rows[1].id, disposition="accepted"),
        Answer(row=rows[2].id, disposition="accepted"),
    ]


def test_pieces_decided_both_ways_are_modified_with_the_texts_as_they_stand(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    two = row(1, "insert", "", "\nKept.\n\nDropped.")
    got = read(monkeypatch, [two], [mark(two, "Kept.")])  # the second piece's mark vanished
    assert got.answers == [Answer(row=two.id, disposition="modified", adopted="\nKept.")]
    move = row(2, "move", "every year")
    got = read(monkeypatch, [move], [mark(move, ""), mark(move, "", 2)])
    assert got.answers == [Answer(row=move.id, disposition="modified", adopted="")]
    joined = row(3, "replace", "open data", "datasets")
    got = read(monkeypatch, [joined], [mark(joined, "datasets"), mark(joined, "more", 2)])
    assert got.answers == [Answer(row=joined.id, disposition="accepted")]


def test_comment_rows_are_answered_by_a_drafters_reply(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = [row(n, "comment", "Cities", comment=f"c{n}") for n in range(1, 9)]
    marks = [mark(r, "Cities", comments=(f"c{n}",)) for n, r in enumerate(rows, start=1)]
    comments = [
        comment("c1", "Ana", "Which cities?"), comment("r1", "Dana Drafter", "Accepted: we list them.", "c1"),
        comment("c2", "Ana", "Add a source."), comment("r2", "Eli Chief", "  not accepted - out of scope ", "c2"),
        comment("c3", "Ana", "Too long."), comment("r3", "Dana Drafter", "We shortened it.", "c3"),
        comment("r3b", "Eli Chief", "And split it.", "r3"),
        comment("c4", "Ana", "Typo.", resolved=True),
        comment("c5", "Ana", "Unclear."), comment("r5", "Ben", "Agreed!", "c5"),
        comment("c6", "Ana", "Why?"), comment("r6", "Dana Drafter", "Noted", "c6"),
        comment("c7", "Ana", "Hm."), comment("r7", "Dana Drafter", "accepted with modification. Reworded", "c7"),
        comment("c8", "Ana", "Cite."), comment("r8", "Dana Drafter", "Notedly so", "c8"),
    ]  # fmt: skip
    got = read(monkeypatch, rows, marks, comments)
    assert got.answers == [
        Answer(row=rows[0].id, disposition="accepted", response="we list them."),
        Answer(row=rows[1].id, disposition="rejected", response="out of scope"),
        Answer(row=rows[2].id, disposition="noted", response="We shortened it.\nAnd split it."),
        Answer(row=rows[3].id, disposition="noted"),  # resolved without a reply
        Answer(row=rows[5].id, disposition="noted"),
        Answer(row=rows[6].id, disposition="modified", response="Reworded"),
        Answer(row=rows[7].id, disposition="noted", response="Notedly so"),
    ]
    assert got.pending == [rows[4].id]  # only a reviewer replied


def test_a_comment_row_without_its_thread_is_not_read(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    lost = row(1, "comment", "Cities", comment="x")
    got = read(monkeypatch, [lost], [mark(lost, "Cities")])
    assert got.missing == {
        lost.id: f"its comment thread is not in the file (mark {mark_name(lost.id)} holds none)"
    }
    assert got.answers == [] and got.pending == []


def test_replies_belong_to_their_thread_and_orphans_to_the_comment_rows_holding_them(
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    thread = row(1, "comment", "Cities", comment="Which?")
    change = row(2, "replace", "Cities", "Towns")
    other = row(3, "comment", "open data", comment="Source?")
    marks = [
        mark(thread, "Cities", comments=("c1", "orphan")),
        mark(change, "Towns", comments=("orphan", "d1")),
        mark(other, "open data", comments=("c3",)),
    ]
    comments = [
        comment("c1", "Ana", "Which?"),
        comment("c3", "Ana", "Source?"),
        comment("r3", "Dana Drafter", "Noted: added.", "c3"),  # a reply: its thread's, not c1's
        comment("orphan", "Dana Drafter", "Rejected: all cities."),  # parent link lost
        comment("d1", "Eli Chief", "Kept short."),  # a drafter's comment in a suggestion's mark
        comment("loop1", "Ana", "x", "loop2"),
        comment("loop2", "Ana", "y", "loop1"),  # a cycle
    ]
    got = read(monkeypatch, [thread, change, other], marks, comments)
    assert got.answers == [
        Answer(row=thread.id, disposition="rejected", response="all cities."),
        Answer(row=change.id, disposition="accepted", response="Kept short."),
        Answer(row=other.id, disposition="noted", response="added."),
    ]


def test_an_orphan_in_suggestions_only_answers_each_of_them(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    a, b = row(1, "replace", "Cities", "Towns"), row(2, "replace", "open data", "datasets")
    marks = [mark(a, "Towns", comments=("o",)), mark(b, "open data", comments=("o",))]
    got = read(monkeypatch, [a, b], marks, [comment("o", "Dana Drafter", "See the note.")])
    assert got.answers == [
        Answer(row=a.id, disposition="accepted", response="See the note."),
        Answer(row=b.id, disposition="rejected", response="See the note."),
    ]


def test_a_suggestion_placed_as_a_comment_is_answered_only_by_a_worded_reply(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = [row(n, "replace", "Cities", "Towns") for n in (1, 2, 3)]
    note = ": could not be shown as a tracked change here"
    comments = [
        comment("c1", "Ana", rows[0].id + note), comment("r1", "Dana Drafter", "Rejected: too broad.", "c1"),
        comment("c2", "Ana", rows[1].id + note), comment("r2", "Dana Drafter", "Fine by me", "c2"),
        comment("c3", "Ana", rows[2].id + note, resolved=True),
    ]  # fmt: skip
    marks = [mark(r, "Cities", comments=(f"c{n}",)) for n, r in enumerate(rows, start=1)]
    got = read(monkeypatch, rows, marks, comments)
    assert got.answers == [Answer(row=rows[0].id, disposition="rejected", response="too broad.")]
    assert got.pending == [rows[1].id, rows[2].id]


def test_conflicts_and_rows_not_placed_are_listed_not_read(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = [
        row(1, "replace", "Cities", "Towns", flags=["conflict"], conflicts_with=["R1-03-002"]),
        row(2, "replace", "Cities", "Villages", flags=["conflict", "no longer applies"]),
        row(3, "replace", "Cities", "Towns", flags=["no longer applies"]),
        row(4, "comment", "x", block=None, comment="General remark."),
        row(5, "delete", "every year", ""),
    ]
    got = read(monkeypatch, rows, [mark(rows[4], "")])
    assert (got.conflicts, got.unplaced) == ([rows[0].id, rows[1].id], [rows[2].id, rows[3].id])
    assert got.answers == [Answer(row=rows[4].id, disposition="accepted")]
    assert got.missing == {} and got.pending == []  # conflicts and rows not placed are not read


def test_a_file_without_marks_is_refused_unless_no_row_would_keep_one(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    gone = [row(1, "insert", "", " often"), row(2, "move", "every year", "every year"),
            row(3, "delete", "Cities", ""), row(4, "replace", "", "x")]  # fmt: skip
    got = read(monkeypatch, gone)  # each may lose its mark by the decision itself
    assert got.answers[:2] == [Answer(row=gone[0].id, disposition="rejected"),
                               Answer(row=gone[1].id, disposition="accepted")]  # fmt: skip
    refusal = (
        "decided.docx carries no row marks (bookmarks rm_...), so it is not a consolidated file "
        "penholder wrote or its marks were removed; run `penholder consolidate` again and decide "
        "in the new file, or answer in the matrix"
    )
    for keeps in (row(5, "replace", "Cities", "Towns"), row(6, "comment", "x", comment="c"),
                  row(7, "format", "x")):  # fmt: skip
        with pytest.raises(ConsolidatedFileRefused) as refused:
            read(monkeypatch, [*gone, keeps])
        assert str(refused.value) == refusal


def test_only_this_matrixs_consolidated_file_is_read(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    r = row(1, "delete", "Cities", "")
    own = "consolidated/R1/03/consolidated.docx"
    cases = [
        ({}, f"decided.docx has no penholder stamp, so it is not a file penholder wrote; import "
             f"the {own} that `penholder consolidate` wrote, or answer in the matrix"),
        (STAMP | {"penholder.packet": "R1-03-K7Q2"},
         f"decided.docx is the packet R1-03-K7Q2 sent to a reviewer, not a consolidated file; "
         f"record a return with `penholder import`, and read decisions from {own}"),
        (STAMP | {"penholder.reviewer": "ana"}, "decided.docx is the packet ? sent to a reviewer"),
        (STAMP | {"penholder.chapter": "05"}, "decided.docx is chapter 05, round R1, revision 2, "
         f"not chapter 03, round R1, revision 2 of this matrix; import it against its own chapter "
         f"and round, or use {own}"),
        (STAMP | {"penholder.round": "R2"}, "decided.docx is chapter 03, round R2, revision 2, not"),
        (STAMP | {"penholder.round": ""}, "decided.docx is chapter 03, round -, revision 2, not"),
        (STAMP | {"penholder.revision": "1"}, "decided.docx is chapter 03, round R1, revision 1, "
         "not"),
        ({"penholder.chapter": "03", "penholder.round": "R1"}, "decided.docx is chapter 03, round "
         "R1, revision ?, not"),
    ]  # fmt: skip
    for props, said in cases:
        with pytest.raises(ConsolidatedFileRefused) as refused:
            read(monkeypatch, [r], [mark(r, "")], props=props)
        assert str(refused.value).startswith(said), props
    assert read(monkeypatch, [r], [mark(r, "")], props=STAMP | {"penholder.packet": ""}).answers
    unrounded = {"penholder.chapter": "03", "penholder.round": "", "penholder.revision": "2"}
    assert read(monkeypatch, [r], [mark(r, "")], props=unrounded, round_id=None).answers
    with pytest.raises(ConsolidatedFileRefused, match="consolidated/-/03/consolidated.docx that"):
        read(monkeypatch, [r], props={}, round_id=None)


def test_an_edited_text_is_kept_as_it_stands_whatever_the_row_proposed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = [
        row(1, "insert", "", " often"),  # an insertion edited: not a new paragraph
        row(2, "replace", "every year", "\nyearly"),  # a line break in a replacement
        row(3, "insert", "", "first\nsecond"),  # a line break inside: one piece, one paragraph
        row(4, "replace", "Annex", "Annex IX"),  # one character short, no tail: an edit
        row(5, "replace", "portals.", "Annex IX"),  # short where the block's anchor ends too
    ]
    got = read(monkeypatch, rows, [
        mark(rows[0], " usually"), mark(rows[1], "yearly, mostly"), mark(rows[2], "first second"),
        mark(rows[3], "Annex I"), mark(rows[4], "Annex"),
    ], tails={mark_name(rows[4].id): " I", BLOCK: " I"})  # fmt: skip
    assert [(a.row, a.disposition, a.adopted) for a in got.answers] == [
        (rows[0].id, "modified", "usually"),
        (rows[1].id, "modified", "yearly, mostly"),
        (rows[2].id, "accepted", None),
        (rows[3].id, "modified", "Annex I"),
        (rows[4].id, "modified", "Annex I"),
    ]


def test_a_comment_on_a_later_piece_of_a_row_answers_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    r = row(1, "replace", "open data", "datasets")
    marks = [mark(r, "datasets"), mark(r, "", 2, comments=("d",))]  # a piece the row did not expect
    got = read(monkeypatch, [r], marks, [comment("d", "Dana Drafter", "Split by Word.")])
    assert got.answers == [Answer(row=r.id, disposition="accepted", response="Split by Word.")]


@pytest.mark.parametrize(("hops", "answered"), [(50, True), (51, False)])
def test_a_reply_is_followed_to_its_thread_through_at_most_fifty_replies(
    monkeypatch, hops, answered
) -> None:  # type: ignore[no-untyped-def]
    # the bound keeps a parent cycle (a damaged file) from recursing forever
    r = row(1, "comment", "Cities", comment="Which?")
    chain = [comment("c0", "Ana", "Which?")]
    chain += [comment(f"c{n}", "Ben", f"reply {n}", f"c{n - 1}") for n in range(1, hops)]
    chain.append(comment(f"c{hops}", "Dana Drafter", "Noted: listed.", f"c{hops - 1}"))
    got = read(monkeypatch, [r], [mark(r, "Cities", comments=("c0",))], chain)
    if answered:
        assert got.answers == [Answer(row=r.id, disposition="noted", response="listed.")]
    else:
        assert got.answers == [] and got.pending == [r.id]
