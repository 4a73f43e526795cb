"""What revising applies, row kind by row kind, on a small chapter (pure, no workspace)."""

from __future__ import annotations

from datetime import UTC, datetime

from drafts.blocks import BlockMap, blocks_of, build_block_map
from reviewers.consolidate.models import Matrix, Row, Supporter
from reviewers.decide.apply import RevisionPlan, plan_revision
from reviewers.decide.models import Disposition

AT = datetime(2024, 4, 2, tzinfo=UTC)
ONE = "Cities publish open data every year."
TWO = "Residents use the services daily."


def _md(*paragraphs: str) -> str:
    return '---\nid: "07"\ntitle: "Scope"\n---\n\n# Scope\n\n' + "\n\n".join(paragraphs) + "\n"


BASE_MD = _md(ONE, TWO)
BASE = build_block_map("07", 1, BASE_MD, None)
P1, P2 = (b.id for b in BASE.blocks if b.kind == "paragraph")


def row(
    n: int, kind: str, block: str | None, start: int | None, end: int | None, **kw: object
) -> Row:
    rid = f"R1-07-{n:03d}"
    return Row(
        id=rid, remarks=[rid], chapter="07", round="R1", kind=kind, block=block, start=start,
        end=end, supporters=[Supporter(reviewer="a", name="A", remark=rid)], **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def at(text: str, part: str) -> tuple[int, int]:
    i = text.index(part)
    return i, i + len(part)


def revise(
    rows: list[Row],
    answers: dict[str, str | tuple[str, str]],
    *,
    markdown: str = BASE_MD,
    latest: BlockMap | None = None,
    done: set[str] | None = None,
) -> RevisionPlan:
    current = {}
    for rid, a in answers.items():
        word, adopted = (a, None) if isinstance(a, str) else a
        current[rid] = Disposition(
            row=rid,
            disposition=word,
            adopted=adopted,
            by="A",
            at=AT,
            source="cli",  # type: ignore[arg-type]
        )
    matrix = Matrix(
        guideline="G", chapter="07", chapter_title="Scope", round="R1", revision=1, rows=rows
    )
    return plan_revision(markdown, latest or BASE, BASE, matrix, current, done or set())


def paragraphs(p: RevisionPlan) -> list[str]:
    return [b.text for b in blocks_of(p.markdown) if b.kind == "paragraph"]


def test_a_move_takes_its_text_out_and_puts_it_at_the_landing_point() -> None:
    s, e = at(ONE, " every year")
    r = row(1, "move", P1, s, e, target_block=P2, target_offset=len(TWO) - 1,
            anchor_text=" every year")  # fmt: skip
    p = revise([r], {r.id: "accepted"})
    assert paragraphs(p) == [
        "Cities publish open data.",
        "Residents use the services daily every year.",
    ]
    assert p.applied == [r.id] and p.resolves == [r.id]


def test_a_move_without_a_landing_point_in_the_base_is_skipped() -> None:
    s, e = at(ONE, " every year")
    for target in ({"target_block": None, "target_offset": 3},
                   {"target_block": P2, "target_offset": None},
                   {"target_block": "ph_07_9999", "target_offset": 3}):  # fmt: skip
        r = row(1, "move", P1, s, e, anchor_text=" every year", **target)
        p = revise([r], {r.id: "accepted"})
        assert p.skipped == [(r.id, "its landing point is not in the base revision")]
        assert paragraphs(p) == [ONE, TWO] and p.resolves == []


def test_text_proposed_after_the_end_starting_with_a_line_break_is_new_paragraphs() -> None:
    a = row(1, "insert", P1, len(ONE), len(ONE), proposed="\nFirst new one.\n\nSecond new one.")
    b = row(2, "insert", P1, len(ONE), None, proposed="\nThird new one.")
    p = revise([a, b], {a.id: "accepted", b.id: "accepted"})
    assert paragraphs(p) == [ONE, "First new one.", "Second new one.", "Third new one.", TWO]


def test_a_line_break_not_at_the_end_is_a_space_and_not_a_new_paragraph() -> None:
    s, e = at(ONE, "open data")
    a = row(1, "replace", P1, s, e, proposed="\nopen\ndata sets")
    p = revise([a], {a.id: "accepted"})
    assert paragraphs(p) == ["Cities publish open data sets every year.", TWO]
    short = row(2, "insert", P1, len(ONE) - 1, len(ONE) - 1, proposed="\nNot new.")
    assert paragraphs(revise([short], {short.id: "accepted"})) == [
        "Cities publish open data every year Not new..",
        TWO,
    ]


def test_deleting_the_whole_text_deletes_the_paragraph_and_less_keeps_it() -> None:
    whole = row(1, "delete", P1, 0, len(ONE), proposed="")
    p = revise([whole], {whole.id: "accepted"})
    assert paragraphs(p) == [TWO] and p.applied == [whole.id]
    most = row(2, "delete", P1, 1, len(ONE), proposed="")
    assert paragraphs(revise([most], {most.id: "accepted"})) == ["C", TWO]
    replaced = row(3, "replace", P1, 0, len(ONE), proposed="All new.")
    assert paragraphs(revise([replaced], {replaced.id: "accepted"})) == ["All new.", TWO]


def test_an_insertion_without_an_end_inserts_at_its_start() -> None:
    r = row(1, "insert", P1, 6, None, proposed=" often")
    assert (
        paragraphs(revise([r], {r.id: "accepted"}))[0]
        == "Cities often publish open data every year."
    )


def test_the_adopted_text_only_replaces_the_proposal_when_modified() -> None:
    s, e = at(ONE, "open data")
    r = row(1, "replace", P1, s, e, proposed="datasets")
    assert paragraphs(revise([r], {r.id: ("modified", "open datasets")}))[0] == (
        "Cities publish open datasets every year."
    )
    assert paragraphs(revise([r], {r.id: ("accepted", "ignored")}))[0] == (
        "Cities publish datasets every year."
    )


def test_rows_that_are_not_placed_are_skipped_with_the_reason() -> None:
    flagged = row(1, "replace", P1, 0, 6, proposed="Towns", flags=["no longer applies"])
    no_block = row(2, "replace", None, 0, 6, proposed="Towns")
    no_start = row(3, "replace", P1, None, None, proposed="Towns")
    gone = row(4, "replace", "ph_07_9999", 0, 6, proposed="Towns")
    rows = [flagged, no_block, no_start, gone]
    p = revise(rows, {r.id: "accepted" for r in rows})
    anchored = "it is not anchored to a paragraph of the base revision"
    assert p.skipped == [
        (flagged.id, "it no longer applies to the base revision"),
        (no_block.id, anchored),
        (no_start.id, anchored),
        (gone.id, anchored),
    ]
    assert paragraphs(p) == [ONE, TWO] and p.applied == [] and p.resolves == []


def test_edits_on_touching_ranges_both_apply_and_an_overlapping_one_is_skipped() -> None:
    a = row(1, "replace", P1, *at(ONE, "Cities"), proposed="Towns")
    b = row(2, "replace", P1, *at(ONE, " publish"), proposed=" share")
    c = row(3, "replace", P1, *at(ONE, "publish open"), proposed="release free")
    d = row(4, "replace", P1, *at(ONE, "every year"), proposed="yearly")
    p = revise([a, b, c, d], {r.id: "accepted" for r in (a, b, c, d)})
    assert paragraphs(p)[0] == "Towns share open data yearly."
    assert p.skipped == [(c.id, f"it overlaps row {b.id}, applied in the same paragraph")]
    assert p.applied == [a.id, b.id, d.id]


def test_an_edit_is_carried_onto_a_paragraph_changed_since_or_skipped_when_it_no_longer_fits() -> (
    None
):
    edited = _md("Cities publish open data every single year.", TWO)
    latest = build_block_map("07", 2, edited, BASE)
    fits = row(1, "replace", P1, *at(ONE, "Cities"), proposed="Towns")
    p = revise([fits], {fits.id: "accepted"}, markdown=edited, latest=latest)
    assert paragraphs(p) == ["Towns publish open data every single year.", TWO]
    rewritten = _md("Cities publish their budgets.", TWO)
    later = build_block_map("07", 2, rewritten, BASE)
    clash = row(2, "replace", P1, *at(ONE, "open data every year"), proposed="statistics")
    p = revise([clash], {clash.id: "accepted"}, markdown=rewritten, latest=later)
    assert p.skipped == [(clash.id, "the paragraph changed since and the change no longer fits")]
    assert paragraphs(p)[0] == "Cities publish their budgets."


def test_every_row_of_a_paragraph_gone_since_is_skipped() -> None:
    without = _md(TWO)
    latest = build_block_map("07", 2, without, BASE)
    assert P1 not in {b.id for b in latest.blocks}
    edit = row(1, "replace", P1, 0, 6, proposed="Towns")
    new = row(2, "insert", P1, len(ONE), len(ONE), proposed="\nMore.")
    delete = row(3, "delete", P1, 0, len(ONE), proposed="")
    fine = row(4, "replace", P2, 0, 9, proposed="People")
    rows = [edit, new, delete, fine]
    p = revise(rows, {r.id: "accepted" for r in rows}, markdown=without, latest=latest)
    why = f"paragraph {P1} is gone from the latest revision"
    assert p.skipped == [(edit.id, why), (new.id, why), (delete.id, why)]
    assert paragraphs(p) == ["People use the services daily."] and p.applied == [fine.id]


def test_comments_and_formatting_are_resolved_by_the_answer_and_rewrite_only_when_modified() -> (
    None
):
    c1 = row(1, "comment", P1, *at(ONE, "open data"), comment="Which data?")
    c2 = row(2, "comment", P2, *at(TWO, "services"), comment="Which?")
    c3 = row(3, "comment", P2, 0, 9, comment="Who?")
    f1 = row(4, "format", P1, 0, 6)
    f2 = row(5, "format", P2, 0, 9)
    noted = row(6, "replace", P2, 0, 9, proposed="People")
    answers: dict[str, str | tuple[str, str]] = {
        c1.id: ("modified", "statistics"),
        c2.id: "noted",
        c3.id: "rejected",
        f1.id: "accepted",
        f2.id: ("modified", "BOLD"),
        noted.id: "noted",
    }
    p = revise([c1, c2, c3, f1, f2, noted], answers)
    assert paragraphs(p) == ["Cities publish statistics every year.", TWO]
    assert p.applied == [c1.id]
    assert sorted(p.resolves) == [c1.id, c2.id, f1.id]


def test_rows_an_earlier_revision_resolved_are_not_applied_again() -> None:
    r = row(1, "insert", P1, 6, 6, proposed=" often")
    p = revise([r], {r.id: "accepted"}, done={r.id})
    assert paragraphs(p) == [ONE, TWO] and p.applied == [] and p.resolves == []


def test_a_move_whose_landing_paragraph_is_gone_stays_open_and_the_rest_applies() -> None:
    """The move's removal and landing are one row: when the landing paragraph has gone from
    the latest revision, neither half is applied, the row is listed, and nothing loops."""
    latest_md = _md(ONE)  # the second paragraph was deleted since
    latest = build_block_map("07", 2, latest_md, BASE)
    s, e = at(ONE, "open data")
    move = row(1, "move", P1, s, e, target_block=P2, target_offset=0, anchor_text="open data")
    other = row(2, "replace", P1, *at(ONE, "every year"), proposed="yearly")
    plan = revise(
        [move, other],
        {move.id: "accepted", other.id: "accepted"},
        markdown=latest_md,
        latest=latest,
    )
    assert plan.applied == [other.id]
    assert [r for r, _ in plan.skipped] == [move.id]
    texts = [b.text for b in blocks_of(plan.markdown)]
    assert "Cities publish open data yearly." in texts
