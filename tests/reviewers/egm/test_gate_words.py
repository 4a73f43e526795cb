"""The words of the EGM gate: counts on the boundary of one, and the next step of each stage."""

from __future__ import annotations

from drafts.models import Stage
from reviewers.egm.gate import ChapterReadiness, _next_step, _plural


def test_one_row_is_singular_and_none_or_two_are_plural():
    assert [_plural(n, "row") for n in (0, 1, 2)] == ["0 rows", "1 row", "2 rows"]


def test_the_next_step_of_each_stage_that_is_not_ready():
    assert _next_step("03", Stage.IN_REVIEW) == "its round is open"
    assert _next_step("03", Stage.CONSOLIDATING) == (
        "answer its rows, `penholder revise 03 --round Rk`, then move it"
    )
    assert _next_step("03", Stage.DRAFTING) == (
        "`penholder chapter stage 03 --to ready_for_egm` when it is"
    )


def _readiness(blockers: list[str], notes: list[str]) -> ChapterReadiness:
    return ChapterReadiness(
        chapter="03", title="Data", stage=Stage.CONSOLIDATING, revision=4, ready=not blockers,
        blockers=blockers, notes=notes, open_rows=[], conflicts=[],
    )  # fmt: skip


def test_the_chief_reads_every_blocker_then_the_notes_in_one_line():
    two = _readiness(["2 rows unanswered (R1-03-001, R1-03-002)", "round R2 open with 1 of 3 returns"],
                     ["revision 4 not yet seen by the experts (last sent: 3)", "12 days left"])  # fmt: skip
    assert two.sentence() == (
        "03: 2 rows unanswered (R1-03-001, R1-03-002); round R2 open with 1 of 3 returns "
        "(revision 4 not yet seen by the experts (last sent: 3); 12 days left)"
    )
    assert _readiness([], ["12 days left"]).sentence() == "03: ready (12 days left)"
    assert _readiness([], []).sentence() == "03: ready"
