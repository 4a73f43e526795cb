"""Property: for random suggestions on a chapter and random answers, revising gives the text with
exactly the accepted (and modified) ones in it, markup around them intact."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafts.blocks import blocks_of, build_block_map
from reviewers.consolidate.models import Matrix, Row, Supporter
from reviewers.decide.apply import plan_revision
from reviewers.decide.models import Disposition

WORDS = ["cities", "publish", "open", "data", "every", "year", "residents", "use", "services"]
AT = datetime(2024, 4, 2, tzinfo=UTC)


def _markdown(paragraphs: list[list[str]]) -> str:
    body = "\n\n".join(" ".join(p) + " *as agreed* [@un2022]." for p in paragraphs)
    return f'---\nid: "07"\ntitle: "Scope"\n---\n\n# Scope\n\n{body}\n'


@st.composite
def cases(draw):  # type: ignore[no-untyped-def]
    paragraphs = draw(
        st.lists(st.lists(st.sampled_from(WORDS), min_size=3, max_size=8), min_size=1, max_size=4)
    )
    markdown = _markdown(paragraphs)
    base = build_block_map("07", 1, markdown, None)
    bodies = [b for b in base.blocks if b.kind == "paragraph"]
    rows, answers = [], {}
    for n, block in enumerate(bodies):
        words = block.text.split(" ")
        i = draw(st.integers(0, len(paragraphs[n]) - 1))  # one of the plain words, never markup
        start = len(" ".join(words[:i])) + (1 if i else 0)
        end = start + len(words[i])
        new = draw(st.sampled_from(["RELEASE", "", "two words"]))
        rid = f"R1-07-{n + 1:03d}"
        rows.append(
            Row(
                id=rid,
                remarks=[rid],
                chapter="07",
                round="R1",
                block=block.id,
                start=start,
                end=end,
                kind="delete" if new == "" else "replace",
                proposed=new,
                anchor_text=words[i],
                supporters=[Supporter(reviewer="a", name="A", remark=rid)],
            )
        )
        if draw(st.booleans()):  # and text added at the end of the same paragraph
            tail = f"R1-07-{n + 1:03d}e"
            rows.append(
                Row(
                    id=tail,
                    remarks=[tail],
                    chapter="07",
                    round="R1",
                    block=block.id,
                    start=len(block.text),
                    end=len(block.text),
                    kind="insert",
                    proposed=" Added words.",
                    anchor_text="",
                    supporters=[Supporter(reviewer="a", name="A", remark=tail)],
                )
            )
            answers[tail] = Disposition(
                row=tail, disposition="accepted", by="A", at=AT, source="cli"
            )
        word = draw(st.sampled_from(["accepted", "modified", "rejected", "noted", None]))
        if word is not None:
            adopted = "ADOPTED" if word == "modified" else None
            answers[rid] = Disposition(
                row=rid, disposition=word, adopted=adopted, by="A", at=AT, source="cli"
            )
    matrix = Matrix(
        guideline="G", chapter="07", chapter_title="Scope", round="R1", revision=1, rows=rows
    )
    return markdown, base, matrix, answers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_revising_applies_exactly_the_accepted_changes(case) -> None:  # type: ignore[no-untyped-def]
    markdown, base, matrix, answers = case
    plan = plan_revision(markdown, base, base, matrix, answers, set())
    expected = {b.id: b.text for b in base.blocks}
    for row in matrix.rows:
        d = answers.get(row.id)
        if d is None or d.disposition not in ("accepted", "modified"):
            continue
        text = expected[row.block or ""]
        new = d.adopted if d.disposition == "modified" else row.proposed
        if row.kind == "insert":  # at the end: after every other edit of the paragraph
            continue
        expected[row.block or ""] = text[: row.start] + (new or "") + text[row.end :]
    for row in matrix.rows:
        if row.kind == "insert":
            expected[row.block or ""] += row.proposed or ""

    def words(text: str) -> str:  # Markdown collapses the spaces a deleted word leaves
        return " ".join(text.split())

    got = [words(b.text) for b in blocks_of(plan.markdown)]
    assert got == [words(expected[b.id]) for b in base.blocks]
    assert sorted(plan.applied) == sorted(
        r for r, d in answers.items() if d.disposition in ("accepted", "modified")
    )
    assert "*as agreed* [@un2022]." in plan.markdown or not base.blocks  # markup survives
