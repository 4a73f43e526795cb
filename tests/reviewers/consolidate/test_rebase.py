"""Rebasing one remark onto a later revision: comments, moves, edits at the edges (pure)."""

from __future__ import annotations

from reviewers.consolidate.rebase import rebase
from reviewers.intake.remarks import Remark
from tests.reviewers.consolidate.test_merge import bmap

OLD_TEXT = "Cities publish data every year."
NEW_TEXT = "Most cities publish data every year online."
OLD = bmap(1, OLD_TEXT, "Residents use the services.")
NEW = bmap(2, NEW_TEXT, "Residents use the public services.")


def remark(kind: str, start: int | None, end: int | None, proposed: str | None = None,
           block: str | None = "ph_03_0001", **kw: object) -> Remark:  # fmt: skip
    return Remark.model_validate(
        {"id": "R1-03-001", "round": "R1", "chapter": "03", "revision": 1, "reviewer": "ana",
         "author": "Ana", "date": None, "kind": kind, "block": block, "start": start,
         "end": end, "proposed": proposed, "return": "0" * 64, **kw}
    )  # fmt: skip


def test_a_comment_follows_its_text_and_gets_the_new_paragraph_and_section() -> None:
    r = remark("comment", 15, 19, anchor_text="data")
    moved = rebase(r, OLD, NEW)
    assert moved.applies and moved.reason == ""
    m = moved.remark
    assert (NEW_TEXT[m.start : m.end], m.revision, m.paragraph, m.section) == (
        "data", 2, 1, "Scope",
    )  # fmt: skip


def test_a_comment_whose_text_was_rewritten_no_longer_applies() -> None:
    r = remark("comment", 15, 19)
    gone = bmap(2, "Cities publish statistics every year.", "Residents use the services.")
    moved = rebase(r, OLD, gone)
    assert (moved.applies, moved.reason) == (False, "its text was changed in revision 2")
    assert moved.remark == r  # the original context is kept


def test_a_comment_on_a_point_follows_it() -> None:
    r = remark("comment", 7, None)
    m = rebase(r, OLD, NEW).remark
    assert (m.start, m.end) == (12, 12) and NEW_TEXT[m.start :].startswith("publish")


def test_a_remark_on_no_paragraph_or_no_range_is_kept_as_it_is() -> None:
    for r in (remark("comment", None, None, block=None), remark("comment", None, None),
              remark("comment", 3, 5, block=None)):  # fmt: skip
        assert rebase(r, OLD, NEW) == type(rebase(r, OLD, NEW))(r, True)


def test_a_remark_on_a_paragraph_gone_since_says_so() -> None:
    fewer = rebase(remark("replace", 0, 9, "People", block="ph_03_0002"), OLD, bmap(2, OLD_TEXT))
    assert (fewer.applies, fewer.reason) == (
        False, "the paragraph it concerns is gone in revision 2",
    )  # fmt: skip
    assert fewer.remark.revision == 1  # kept as made


def test_a_move_lands_where_its_landing_point_went() -> None:
    r = remark("move", 15, 19, target_block="ph_03_0002", target_offset=18, anchor_text="data")
    m = rebase(r, OLD, NEW).remark
    assert (m.target_block, m.target_offset) == ("ph_03_0002", 25)
    assert NEW.blocks[1].text[m.target_offset :] == "services."
    assert NEW_TEXT[m.start : m.end] == "data"
    same = bmap(2, OLD_TEXT, "Residents use the services.")
    assert rebase(r, OLD, same).remark.target_offset == 18


def test_a_move_whose_landing_paragraph_is_gone_no_longer_applies() -> None:
    r = remark("move", 15, 19, target_block="ph_03_0002", target_offset=18)
    moved = rebase(r, OLD, bmap(2, NEW_TEXT))
    assert (moved.applies, moved.reason) == (False, "where it moves to is gone in revision 2")
    assert moved.remark == r


def test_edits_at_either_edge_of_a_changed_paragraph_are_placed() -> None:
    text = "Cities publish data every year"
    old, new = bmap(1, text), bmap(2, text + " online")
    first = rebase(remark("replace", 0, 6, "Every city", anchor_text="Cities"), old, new).remark
    assert (first.start, first.end, first.proposed, first.anchor_text) == (
        0, 6, "Every city", "Cities",
    )  # fmt: skip
    old, new = bmap(1, text), bmap(2, "Most " + text)
    last = rebase(remark("insert", len(text), None, " online"), old, new).remark
    assert (last.start, last.end, last.proposed) == (len(text) + 5, len(text) + 5, " online")
    whole = rebase(remark("delete", 0, len(text), ""), old, new).remark
    assert (whole.start, whole.end, whole.proposed) == (5, len(text) + 5, "")


def test_a_suggestion_that_leaves_the_later_text_as_it_is_no_longer_applies() -> None:
    r = remark("replace", 15, 19, "data", anchor_text="data")
    moved = rebase(r, OLD, NEW)
    assert (moved.applies, moved.reason) == (False, "revision 2 already reads so")


def test_a_replacement_is_narrowed_to_what_it_changes_or_refused_when_its_text_is_gone() -> None:
    text = "Cities publish data every year"
    towns = rebase(remark("replace", 0, 6, "Towns"), bmap(1, text), bmap(2, text + " online"))
    m = towns.remark
    assert (m.start, m.end, m.proposed, m.anchor_text) == (0, 5, "Town", "Citie")
    r = remark("replace", 15, 19, "figures")
    gone = rebase(r, OLD, bmap(2, "Towns print statistics monthly, if at all.", "x"))
    assert (gone.applies, gone.reason, gone.remark) == (
        False, "its text was changed in revision 2", r,
    )  # fmt: skip


def test_an_insertion_the_newer_revision_already_made_is_not_placed_again() -> None:
    old, new = bmap(1, "Cities publish data."), bmap(2, "Cities publish open data.")
    at = len("Cities publish ")
    done = rebase(remark("insert", at, at, "open "), old, new)
    assert not done.applies and done.reason == "revision 2 already reads so"
    also = bmap(2, "Every year, cities publish open data.")  # made together with other changes
    done = rebase(remark("insert", at, at, "open "), old, also)
    assert not done.applies and done.reason == "revision 2 already reads so"
    other = rebase(remark("insert", at, at, "more "), old, new)  # a different word still goes in
    assert other.applies and other.remark.proposed == "more "
