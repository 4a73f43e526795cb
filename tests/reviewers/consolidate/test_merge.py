"""Merging remarks: duplicates, conflicts, disjoint suggestions, rebases (pure functions)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drafts.blocks import Block, BlockMap
from drafts.models import Person
from reviewers.consolidate.merge import merge
from reviewers.consolidate.rebase import rebase
from reviewers.intake.remarks import Remark

TEXT = "Local governments should publish open data on public services every year."
PEOPLE = {
    "ana": Person(
        id="ana",
        name="Ana Silva",
        email="a@example.org",
        organisation="City Hall",
        country="Brazil",
    ),
    "ben": Person(id="ben", name="Ben Okafor", email="b@example.org", country="Nigeria"),
    "chi": Person(id="chi", name="Chi Wen", email="c@example.org", country="China"),
}


def bmap(revision: int, *texts: str) -> BlockMap:
    blocks = [
        Block(
            id=f"ph_03_{i + 1:04d}",
            kind="paragraph",
            text=t,
            paragraph=i + 1,
            heading_path=["Scope"],
            lines=(i + 1, i + 1),
        )
        for i, t in enumerate(texts)
    ]
    return BlockMap(chapter="03", revision=revision, next_id=len(texts) + 1, blocks=blocks)


def remark(
    n: int,
    reviewer: str,
    kind: str,
    quote: str | None,
    proposed: str | None,
    text: str = "",
    block: int = 1,
    revision: int = 2,
    parent: str | None = None,
    source: str = TEXT,
    at: int | None = None,
) -> Remark:
    start = source.index(quote) if quote else (at if at is not None else 0)
    end = start + len(quote) if quote else start
    return Remark(
        id=f"R1-03-{n:03d}",
        round="R1",
        chapter="03",
        revision=revision,
        reviewer=reviewer,
        author=PEOPLE[reviewer].name,
        date="2024-03-15T09:00:00Z",
        kind=kind,
        block=f"ph_03_{block:04d}",
        paragraph=block,
        section="Scope",
        start=start,
        end=end,
        anchor_text=quote or "",
        text=text,
        proposed=proposed,
        parent=parent,
        **{"return": "0" * 64},
    )  # type: ignore[arg-type]


BASE = bmap(2, TEXT, "Second paragraph stays as it is.")


def test_identical_suggestions_become_one_row_and_one_change() -> None:
    a = remark(1, "ana", "replace", "publish", "release")
    b = remark(2, "ben", "silent", "publish", "release")
    result = merge([a, b], BASE, {}, PEOPLE)
    (row,) = result.rows
    assert row.id == "R1-03-001" and row.remarks == ["R1-03-001", "R1-03-002"]
    assert row.reviewers == "Ana Silva; Ben Okafor" and row.countries == "Brazil; Nigeria"
    assert row.flags == ["duplicate"]
    (change,) = result.changes
    assert (change.start, change.end, change.proposed, change.author) == (
        TEXT.index("publish"),
        TEXT.index("publish") + 7,
        "release",
        "Ana Silva",
    )


def test_overlapping_different_suggestions_conflict_and_are_placed_as_alternatives() -> None:
    a = remark(1, "ana", "replace", "open data", "open and accessible data")
    b = remark(2, "ben", "delete", "publish open", "")
    c = remark(3, "chi", "insert", None, " annually", at=len(TEXT) - 1)
    result = merge([a, b, c], BASE, {}, PEOPLE, organisation="UN-Habitat")
    flagged = {r.id: r for r in result.rows}
    assert "conflict" in flagged["R1-03-001"].flags and "conflict" in flagged["R1-03-002"].flags
    assert flagged["R1-03-001"].conflicts_with == ["R1-03-002"]
    assert flagged["R1-03-003"].flags == []
    placed = [c for c in result.changes if not c.alternative]
    assert [c.row for c in placed] == ["R1-03-003"]  # only the disjoint one is applied
    # each competing text over the passage they share, under its author's name
    start, end = TEXT.index("publish"), TEXT.index("data") + 4
    alternatives = [
        (c.row, c.start, c.end, c.proposed, c.author) for c in result.changes if c.alternative
    ]
    assert alternatives == [
        ("R1-03-001", start, end, "publish open and accessible data", "Ana Silva"),
        ("R1-03-002", end, end, " data", "Ben Okafor"),
    ]
    (note,) = result.comments
    assert note.text.startswith("conflict: R1-03-001 (Ana Silva) vs R1-03-002 (Ben Okafor)")
    assert "Replace 'open data' by 'open and accessible data'" in note.text
    assert "Delete 'publish open'" in note.text
    assert note.author == "UN-Habitat"
    assert (note.start, note.end) == (start, end)


def test_disjoint_suggestions_are_all_placed() -> None:
    a = remark(1, "ana", "replace", "publish", "release")
    b = remark(2, "ben", "delete", " every year", "")
    c = remark(
        3,
        "chi",
        "insert",
        None,
        " (2024)",
        block=2,
        source="Second paragraph stays as it is.",
        at=6,
    )
    result = merge([a, b, c], BASE, {}, PEOPLE)
    assert sorted(c.row for c in result.changes) == ["R1-03-001", "R1-03-002", "R1-03-003"]
    assert all(not r.flags for r in result.rows)


def test_replacements_on_touching_ranges_are_both_placed_without_a_conflict() -> None:
    a = remark(1, "ana", "replace", "publish", "release")
    b = remark(2, "ben", "replace", " open data", " datasets")
    assert a.end == b.start  # the ranges touch: no character is in both
    result = merge([a, b], BASE, {}, PEOPLE)
    assert all(not r.flags for r in result.rows)
    placed = sorted((c.start, c.end, c.proposed, c.author) for c in result.changes)
    assert placed == [
        (a.start, a.end, "release", "Ana Silva"),
        (b.start, b.end, " datasets", "Ben Okafor"),
    ]
    assert result.comments == []  # no conflict comment


def test_a_new_paragraph_and_a_sentence_at_the_same_end_are_both_placed() -> None:
    a = remark(1, "ana", "insert", None, "\nA new paragraph.", at=len(TEXT))
    b = remark(2, "ben", "insert", None, " More.", at=len(TEXT))
    result = merge([a, b], BASE, {}, PEOPLE)
    assert all(not r.flags for r in result.rows)
    assert sorted(c.row for c in result.changes) == ["R1-03-001", "R1-03-002"]


def test_ranges_sharing_one_character_conflict() -> None:
    a = remark(1, "ana", "replace", "publish", "release")
    b = remark(2, "ben", "replace", "h open data", "h datasets")
    assert b.start == a.end - 1
    result = merge([a, b], BASE, {}, PEOPLE)
    assert [r.flags for r in result.rows] == [["conflict"], ["conflict"]]
    assert all(c.alternative for c in result.changes)  # shown side by side, none applied
    assert [c.proposed for c in result.changes] == ["release open data", "publish datasets"]


def test_every_remark_in_exactly_one_row_with_replies_in_their_thread() -> None:
    q = remark(1, "ana", "comment", "open data", None, text="Which data?")
    reply = remark(2, "ben", "comment", "open data", None, text="Budgets.", parent="R1-03-001")
    same = remark(3, "chi", "comment", "open data", None, text="Which  data?")
    edit = remark(4, "chi", "replace", "services", "services and spending")
    result = merge([q, reply, same, edit], BASE, {}, PEOPLE)
    seen = [rid for row in result.rows for rid in row.remarks]
    assert sorted(seen) == ["R1-03-001", "R1-03-002", "R1-03-003", "R1-03-004"]
    thread = result.rows[0]
    assert thread.remarks == ["R1-03-001", "R1-03-003", "R1-03-002"]
    assert "\u2014 Ben Okafor: Budgets." in thread.comment
    (comment,) = result.comments
    assert comment.replies == [("Ben Okafor", "2024-03-15T09:00:00Z", "Budgets.")]


OLD = bmap(
    1,
    "Local governments shall publish data on public services every year.",
    "Second paragraph stays as it is.",
)


def test_rebase_that_applies() -> None:
    old_text = OLD.blocks[0].text
    r = remark(1, "ana", "replace", "every year", "annually", revision=1, source=old_text)
    moved = rebase(r, OLD, BASE)
    assert moved.applies
    m = moved.remark
    assert TEXT[m.start : m.end] == "every year" and m.proposed == "annually" and m.revision == 2


def test_rebase_that_partly_applies_and_one_that_no_longer_applies() -> None:
    old_text = OLD.blocks[0].text
    gone = remark(1, "ana", "replace", "shall publish", "must share", revision=1, source=old_text)
    fine = remark(2, "ben", "delete", " every year", "", revision=1, source=old_text)
    result = merge([gone, fine], BASE, {1: OLD}, PEOPLE)
    rows = {r.id: r for r in result.rows}
    assert rows["R1-03-001"].flags == ["no longer applies"]
    assert "made on revision 1" in rows["R1-03-001"].comment
    assert rows["R1-03-001"].anchor_text == "shall publish"  # original context kept
    assert [c.row for c in result.changes] == ["R1-03-002"]
    assert TEXT[result.changes[0].start : result.changes[0].end] == " every year"


def test_rebase_when_the_paragraph_is_gone() -> None:
    r = remark(
        1,
        "ana",
        "replace",
        "stays",
        "remains",
        block=2,
        revision=1,
        source="Second paragraph stays as it is.",
    )
    assert not rebase(r, OLD, bmap(2, TEXT)).applies


words = st.lists(
    st.sampled_from(["city", "data", "people", "open", "the", "of", "and"]), min_size=3, max_size=30
)


@given(words=words, data=st.data())
def test_rebasing_onto_an_unchanged_base_is_the_identity(words, data) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(words)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    proposed = data.draw(st.sampled_from(["", "x", "new words"]))
    r = Remark(
        id="R1-03-001",
        round="R1",
        chapter="03",
        revision=1,
        reviewer="ana",
        author="Ana",
        date=None,
        kind="replace",
        block="ph_03_0001",
        start=start,
        end=end,
        anchor_text=text[start:end],
        proposed=proposed,
        **{"return": "0" * 64},
    )  # type: ignore[arg-type]
    same = bmap(1, text)
    assert rebase(r, same, same).remark == r
    later = bmap(2, text)
    moved = rebase(r, same, later)
    assert moved.applies and moved.remark.model_copy(update={"revision": 1}) == r
