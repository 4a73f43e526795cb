"""The words of the EGM gate: counts on the boundary of one, and the next step of each stage."""

from __future__ import annotations

from drafts.models import Stage
from reviewers.egm.gate import _next_step, _plural


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
