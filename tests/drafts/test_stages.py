"""Every stage rule, as pure checks and through real commits."""

from __future__ import annotations

import pytest

from drafts import chapters, stages
from drafts.core.errors import StageRefused
from drafts.models import ChapterState, Stage
from drafts.workspace import Workspace
from tests.conftest import DRAFTER


def state(stage: Stage, **kw: object) -> ChapterState:
    return ChapterState(id="03", stage=stage, revision=2, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("rule", stages.RULES, ids=lambda r: f"{r.source}->{r.target}")
def test_every_rule_allows_its_own_command(rule: stages.Rule) -> None:
    assert rule.via, "a rule no command may use is a dead rule"
    for via in rule.via:
        assert stages.find_rule(rule.source, rule.target) is rule
        stages.check(state(rule.source), rule.target, via)  # raises StageRefused if refused


@pytest.mark.parametrize("rule", stages.RULES, ids=lambda r: f"{r.source}->{r.target}")
def test_every_rule_refuses_other_commands(rule: stages.Rule) -> None:
    for via in {"stage", "round-open", "round-close", "next-cycle"} - set(rule.via):
        with pytest.raises(StageRefused) as e:
            stages.check(state(rule.source), rule.target, via)
        assert e.value.rule == "wrong-command"


UNRULED = [
    (source, target)
    for source in Stage
    for target in Stage
    if not any(r.source == source and r.target == target for r in stages.RULES)
]


def test_the_unruled_moves_are_every_pair_but_the_rules() -> None:
    assert len(UNRULED) == len(Stage) ** 2 - len(stages.RULES)
    assert all((s, s) in UNRULED for s in Stage)  # staying put is never a move


@pytest.mark.parametrize(("source", "target"), UNRULED, ids=lambda s: s.value)
def test_moves_without_a_rule_are_refused(source: Stage, target: Stage) -> None:
    with pytest.raises(StageRefused, match=f"from {source.value}|already {source.value}") as e:
        stages.check(state(source), target, "stage")
    assert e.value.rule == ("same-stage" if source == target else "no-such-move")


def test_blockers_refuse_with_their_reasons() -> None:
    with pytest.raises(StageRefused, match="4 remarks have no disposition") as e:
        stages.check(
            state(Stage.REVISING),
            Stage.READY_FOR_EGM,
            "stage",
            ["4 remarks have no disposition (R2-03-002, ...)"],
        )
    assert e.value.rule == "blocked"


@pytest.mark.parametrize(
    ("stage", "after"),
    [
        (Stage.DRAFTING, Stage.DRAFTING),
        (Stage.CONSOLIDATING, Stage.REVISING),
        (Stage.REVISING, Stage.REVISING),
    ],
)
def test_text_changes_allowed(stage: Stage, after: Stage) -> None:
    assert stages.check_editable(state(stage)) == after


@pytest.mark.parametrize(
    ("stage", "why"),
    [
        (Stage.IN_REVIEW, "in review in round R1"),
        (Stage.READY_FOR_EGM, "ready for the EGM"),
        (Stage.SIGNED_OFF, "signed off and frozen"),
        (Stage.FINAL, "it is final"),
    ],
)
def test_text_changes_refused(stage: Stage, why: str) -> None:
    with pytest.raises(StageRefused, match=why):
        stages.check_editable(state(stage, round="R1", signed_revision=2))


def test_sign_off_freezes_until_next_cycle(example_ws: Workspace) -> None:
    who = example_ws.identity(DRAFTER)
    chapters.move_stage(example_ws, "01", Stage.READY_FOR_EGM, who)
    chapters.move_stage(example_ws, "01", Stage.SIGNED_OFF, who, via="sign-off")
    st = example_ws.state("01")
    assert (st.stage, st.signed_revision) == (Stage.SIGNED_OFF, 1)
    edited = example_ws.chapter_path("01").read_text() + "\nLate edit.\n"
    with pytest.raises(StageRefused, match="revision 1 is signed off and frozen"):
        chapters.commit_revision(example_ws, "01", edited, who)
    with pytest.raises(StageRefused, match="only through its own command"):
        chapters.move_stage(example_ws, "01", Stage.DRAFTING, who)
    chapters.move_stage(example_ws, "01", Stage.DRAFTING, who, next_cycle=True)
    st = example_ws.state("01")
    assert (st.stage, st.cycle) == (Stage.DRAFTING, 2)
    chapters.commit_revision(example_ws, "01", edited, who)
    assert example_ws.state("01").revision == 2
    assert [r.number for r in example_ws.revisions("01")] == [1, 2]


def test_next_cycle_only_from_signed_off(example_ws: Workspace) -> None:
    with pytest.raises(StageRefused, match="--next-cycle opens a new cycle"):
        chapters.move_stage(
            example_ws, "01", Stage.DRAFTING, example_ws.identity(DRAFTER), next_cycle=True
        )


def test_guards_plug_in(example_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chapters, "GUARDS", [lambda ws, ch, target: ["2 returns missing"]])
    head = example_ws.repo.head.commit.hexsha
    with pytest.raises(StageRefused, match="2 returns missing"):
        chapters.move_stage(example_ws, "01", Stage.READY_FOR_EGM, example_ws.identity(DRAFTER))
    assert example_ws.repo.head.commit.hexsha == head


def test_a_move_without_a_rule_names_the_moves_allowed_from_there() -> None:
    with pytest.raises(StageRefused) as e:
        stages.check(state(Stage.DRAFTING), Stage.FINAL, "stage")
    assert str(e.value).endswith(
        "cannot move from drafting to final (allowed from drafting: in_review, ready_for_egm)"
    )
    with pytest.raises(StageRefused) as e:
        stages.check(state(Stage.FINAL), Stage.DRAFTING, "stage")
    assert str(e.value).endswith("(allowed from final: none)")


def test_the_wrong_command_is_told_the_right_one() -> None:
    with pytest.raises(StageRefused) as e:
        stages.check(state(Stage.DRAFTING), Stage.IN_REVIEW, "stage")
    assert str(e.value) == (
        "chapter 03 moves from drafting to in_review only through its own command: "
        "open a review round with `penholder round open`"
    )


def test_every_blocker_is_named() -> None:
    with pytest.raises(StageRefused) as e:
        stages.check(state(Stage.REVISING), Stage.READY_FOR_EGM, "stage", ["a", "b"])
    assert str(e.value) == "chapter 03 cannot move to ready_for_egm: a; b"


@pytest.mark.parametrize(
    ("stage", "why"),
    [
        (Stage.IN_REVIEW, "it is in review in round R1; close the round first "
         "(`penholder round close`)"),
        (Stage.READY_FOR_EGM, "it is ready for the EGM; move it back with "
         "`penholder chapter stage CH --to revising`"),
        (Stage.SIGNED_OFF, "revision 2 is signed off and frozen; open the next cycle with "
         "`penholder chapter stage CH --to drafting --next-cycle`"),
        (Stage.FINAL, "it is final"),
    ],
)  # fmt: skip
def test_a_refused_text_change_says_why_and_the_way_out(stage: Stage, why: str) -> None:
    with pytest.raises(StageRefused) as e:
        stages.check_editable(state(stage, round="R1", signed_revision=2))
    assert str(e.value) == f"cannot change the text of chapter 03: {why}"
    assert e.value.rule == "frozen"
