"""Sign-off: a request through the gate, a typed decision by someone with the role, once."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from drafts import chapters
from drafts.core.errors import NotFound, StageRefused
from drafts.models import Stage
from drafts.workspace import Workspace
from reviewers import guards as all_guards
from reviewers.decide.models import Answer
from reviewers.decide.store import record_answers
from reviewers.egm.gate import check
from reviewers.egm.signoff import SignoffDecision, decide, decided, outcomes, request, waiting
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER

DAY = date(2024, 4, 24)


def _signatory(ws: Workspace) -> str:
    return next(p.id for p in ws.people if "signoff" in p.roles)


@pytest.fixture
def ready(example_ws: Workspace) -> Workspace:
    all_guards.install()
    chapters.move_stage(example_ws, "01", Stage.READY_FOR_EGM, example_ws.identity(DRAFTER))
    return example_ws


def test_a_request_goes_through_the_gate(ready: Workspace) -> None:
    who = ready.identity(DRAFTER)
    with pytest.raises(
        StageRefused, match="chapter 02 cannot be signed off at EGM1: stage drafting"
    ):
        request(ready, "02", "EGM1", who)
    with pytest.raises(StageRefused, match="chapter 04 is not on the agenda of EGM1"):
        request(ready, "04", "EGM1", who)
    request(ready, "01", "EGM1", who)
    head = ready.history()[-1]
    assert (head.value("Event"), head.value("EGM"), head.value("Revision")) == (
        "signoff-request",
        "EGM1",
        "1",
    )
    assert [(r.chapter, r.egm) for r in waiting(ready)] == [("01", "EGM1")]
    with pytest.raises(StageRefused, match="already waiting"):
        request(ready, "01", "EGM1", who)


def test_approval_signs_tags_and_freezes(ready: Workspace) -> None:
    request(ready, "01", "EGM1", ready.identity(DRAFTER))
    boss = _signatory(ready)
    decide(
        ready,
        "01",
        SignoffDecision(approver=boss, decision="approve", date=DAY),
        ready.identity(boss),
    )
    state = ready.state("01")
    assert (state.stage, state.signed_revision) == (Stage.SIGNED_OFF, 1)
    tag = subprocess.run(
        ["git", "tag", "-n9", "egm/EGM1/01"],
        cwd=ready.root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "approved by" in tag and ready.person(boss).name in tag
    assert waiting(ready) == []
    with pytest.raises(StageRefused, match="signed off and frozen"):
        chapters.commit_revision(
            ready, "01", ready.text("01") + "\nMore.\n", ready.identity(DRAFTER)
        )
    with pytest.raises(StageRefused, match="cannot move from signed_off to in_review"):
        rounds.open_round(ready, ["01"], [boss], date(2024, 5, 30), ready.identity(DRAFTER))
    with pytest.raises(NotFound, match="no sign-off request waits for chapter 01"):
        decide(
            ready,
            "01",
            SignoffDecision(approver=boss, decision="approve", date=DAY),
            ready.identity(boss),
        )


def test_only_a_signatory_decides(ready: Workspace) -> None:
    request(ready, "01", "EGM1", ready.identity(DRAFTER))
    head = ready.repo.head.commit.hexsha
    d = SignoffDecision(approver=DRAFTER, decision="approve", date=DAY)
    with pytest.raises(StageRefused, match=r"Amina Odhiambo \(amina-odhiambo\) may not sign off"):
        decide(ready, "01", d, ready.identity(DRAFTER))
    assert ready.repo.head.commit.hexsha == head and ready.state("01").stage == Stage.READY_FOR_EGM


def test_a_plain_stage_move_cannot_sign_off(ready: Workspace) -> None:
    with pytest.raises(StageRefused, match="only through its own command: request a sign-off"):
        chapters.move_stage(ready, "01", Stage.SIGNED_OFF, ready.identity(DRAFTER))


def test_a_return_sets_conditions_that_are_answered_like_rows(ready: Workspace) -> None:
    who = ready.identity(DRAFTER)
    request(ready, "01", "EGM1", who)
    boss = _signatory(ready)
    d = SignoffDecision(
        approver=boss,
        decision="return",
        conditions=["Add a section on data protection", "Cite the 2022 report"],
        date=DAY,
    )
    decide(ready, "01", d, ready.identity(boss))
    assert ready.state("01").stage == Stage.REVISING
    assert ready.history()[-1].values("Condition") == d.conditions
    with pytest.raises(
        StageRefused, match=r"2 rows of round EGM1 unanswered \(EGM1-01-001, EGM1-01-002\)"
    ):
        chapters.move_stage(ready, "01", Stage.READY_FOR_EGM, who)
    assert "2 conditions of EGM1 open" in check(ready, "EGM1").chapters[0].sentence()
    answers = [
        Answer(row=r, disposition="accepted", response="Done.")
        for r in ("EGM1-01-001", "EGM1-01-002")
    ]
    record_answers(ready, "01", "EGM1", answers, who)
    chapters.move_stage(ready, "01", Stage.READY_FOR_EGM, who)
    assert ready.state("01").stage == Stage.READY_FOR_EGM


def test_a_return_needs_conditions_and_a_stage_move_cancels_a_request(ready: Workspace) -> None:
    who = ready.identity(DRAFTER)
    request(ready, "01", "EGM1", who)
    boss = _signatory(ready)
    with pytest.raises(StageRefused, match="needs its conditions"):
        decide(
            ready,
            "01",
            SignoffDecision(approver=boss, decision="return", date=DAY),
            ready.identity(boss),
        )
    chapters.move_stage(ready, "01", Stage.REVISING, who)
    assert waiting(ready) == []


def test_a_decision_carried_twice_is_applied_once(ready: Workspace) -> None:
    asked = request(ready, "01", "EGM1", ready.identity(DRAFTER))
    boss = _signatory(ready)
    d = SignoffDecision(approver=boss, decision="approve", date=DAY)
    first = decide(ready, "01", d, ready.identity(boss), request_commit=asked)
    assert decided(ready, asked) == first
    # the other process that carried the same decision finds it applied, and changes nothing
    again = decide(Workspace(ready.root), "01", d, ready.identity(boss), request_commit=asked)
    assert again == first and ready.repo.head.commit.hexsha == first
    assert [c.value("Request") for c in ready.history() if c.value("Event") == "signoff"] == [asked]


def test_a_request_made_again_by_its_own_run_is_found_not_doubled(ready: Workspace) -> None:
    who = ready.identity(DRAFTER)
    ready.run_trailers = [("Prefect-Run", "run-1")]  # as flows.engine.open_workspace sets it
    asked = request(ready, "01", "EGM1", who, run="run-1")
    assert waiting(ready)[0].run == "run-1"
    assert request(ready, "01", "EGM1", who, run="run-1") == asked  # a suspended run, rerun
    with pytest.raises(StageRefused, match="already waiting"):
        request(ready, "01", "EGM1", who, run="run-2")
    assert len(waiting(ready)) == 1


def test_outcomes_record_each_decision_per_egm(ready: Workspace) -> None:
    who = ready.identity(DRAFTER)
    boss = _signatory(ready)
    request(ready, "01", "EGM1", who)
    decide(
        ready,
        "01",
        SignoffDecision(approver=boss, decision="return", conditions=["Shorten 1.2"], date=DAY),
        ready.identity(boss),
    )
    record_answers(
        ready,
        "01",
        "EGM1",
        [Answer(row="EGM1-01-001", disposition="accepted", response="Done")],
        who,
    )
    chapters.move_stage(ready, "01", Stage.READY_FOR_EGM, who)
    request(ready, "01", "EGM1", who)
    decide(ready, "01", SignoffDecision(approver=boss, decision="approve", date=DAY), who)
    got = [(o.chapter, o.decision, o.approver, o.revision, o.conditions) for o in outcomes(ready)]
    assert got == [
        ("01", "return", boss, 1, ["Shorten 1.2"]),
        ("01", "approve", boss, 1, []),
    ]
    assert outcomes(ready, "EGM2") == []


def test_final_needs_a_sign_off_at_the_last_egm(ready: Workspace) -> None:
    who = ready.identity(DRAFTER)
    boss = _signatory(ready)
    request(ready, "01", "EGM1", who)
    decide(ready, "01", SignoffDecision(approver=boss, decision="approve", date=DAY), who)
    last = max(ready.egms, key=lambda e: e.start).id
    assert last != "EGM1"
    head = ready.repo.head.commit.hexsha
    with pytest.raises(
        StageRefused,
        match=rf"final once signed off at {last}, the last EGM on the calendar, and it was last "
        r"signed off at EGM1",
    ):
        chapters.move_stage(ready, "01", Stage.FINAL, who)
    assert ready.repo.head.commit.hexsha == head
    chapters.move_stage(ready, "01", Stage.FINAL, who, guarded=False, more=[("Forced", "why")])
    assert ready.state("01").stage == Stage.FINAL


def test_a_tag_message_is_made_safe_like_a_commit(ready: Workspace) -> None:
    """A person's name with control characters (an escape sequence, a record separator, a
    newline) reaches the sign-off tag's message and tagger escaped, never raw."""
    import yaml

    boss = _signatory(ready)
    people = yaml.safe_load((ready.root / "people.yaml").read_text())
    entries = people["people"] if isinstance(people, dict) else people
    for p in entries:
        if p["id"] == boss:
            p["name"] = "Ana\x1b[31m Bo\x1essa\nEvil: trailer"
    text = yaml.safe_dump(people, sort_keys=False, allow_unicode=True).encode()
    ready.commit({"people.yaml": text}, "People", [("Event", "config")], ready.identity(DRAFTER))
    ready = Workspace.open(ready.root)
    request(ready, "01", "EGM1", ready.identity(DRAFTER))
    decide(
        ready, "01", SignoffDecision(approver=boss, decision="approve", date=DAY),
        ready.identity(boss),
    )  # fmt: skip
    raw = subprocess.run(
        ["git", "cat-file", "tag", "egm/EGM1/01"], cwd=ready.root, capture_output=True, check=True
    ).stdout.decode()
    assert "\x1b" not in raw and "\x1e" not in raw
    tagger = next(line for line in raw.splitlines() if line.startswith("tagger "))
    assert "\\x1b[31m" in tagger and "\\x1e" in tagger and "\\x0a" in tagger
    message = raw.split("\n\n", 1)[1]
    assert "approved by Ana\\x1b[31m Bo\\x1essa" in message
    assert message.count("\n") == 1  # one line: the newline in the name starts none


def test_a_name_git_cannot_tag_is_refused_before_git_runs(ready: Workspace) -> None:
    from drafts.core.errors import WorkspaceError

    head = ready.repo.head.commit.hexsha
    for bad in ("egm/E 1/01", "egm/E\x1e/01", "egm/../x"):
        with pytest.raises(WorkspaceError, match="cannot name a git tag"):
            ready.tag(bad, "m", head, ready.identity(DRAFTER))
    assert list(ready.repo.tags) == []
