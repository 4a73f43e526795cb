"""What a consolidation decides before anything is rendered or written (pure)."""

from __future__ import annotations

from reviewers.consolidate.plan import locate, plan_consolidation
from reviewers.intake.remarks import ReturnRemarks
from tests.reviewers.consolidate.test_merge import PEOPLE, TEXT, bmap, remark


def _set(reviewer: str, *remarks) -> ReturnRemarks:  # type: ignore[no-untyped-def]
    return ReturnRemarks(
        round="R1", chapter="03", reviewer=reviewer, revision=2, packet=f"R1-03-{reviewer}",
        sha256=reviewer * 8, file=f"{reviewer}.docx", remarks=list(remarks),
    )  # fmt: skip


def test_the_plan_counts_what_the_commit_says() -> None:
    base = bmap(2, TEXT)
    sets = [
        _set("ana", remark(1, "ana", "replace", "publish", "release")),
        _set("ben", remark(2, "ben", "replace", "publish", "share")),  # conflicts with ana's
        _set("chi", remark(3, "chi", "comment", "open data", None, text="Which data?")),
    ]
    plan = plan_consolidation(
        sets, base, {}, PEOPLE, guideline="Guidelines", chapter_title="Scope", round_id="R1"
    )
    assert plan.remarks == 3 and len(plan.matrix.rows) == 3
    assert plan.conflicts == 2 and plan.stale == 0
    assert plan.subject == (
        "Consolidate chapter 03, round R1: 3 remarks in 3 rows (2 in conflict, 0 no longer apply)"
    )
    assert dict(plan.trailers) == {"Event": "consolidate", "Round": "R1", "Chapter": "03"}
    assert (plan.matrix.chapter, plan.matrix.revision, plan.matrix.round) == ("03", 2, "R1")


def test_rows_get_the_page_and_line_of_their_block_or_none() -> None:
    base = bmap(2, TEXT)
    sets = [_set("chi", remark(3, "chi", "comment", "open data", None, text="Which data?"))]
    plan = plan_consolidation(
        sets, base, {}, PEOPLE, guideline="G", chapter_title="Scope", round_id="R1"
    )
    locate(plan, {"ph_03_0001": (4, 12)})
    assert (plan.matrix.rows[0].page, plan.matrix.rows[0].line) == (4, 12)
    locate(plan, {})  # LibreOffice could not lay the chapter out
    assert (plan.matrix.rows[0].page, plan.matrix.rows[0].line) == (None, None)
