"""EGMs as recorded events, and the readiness gate with its exact blockers."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from drafts import chapters
from drafts.core.errors import NotFound, StageRefused
from drafts.models import EGM, Stage
from drafts.workspace import Workspace
from reviewers.consolidate.build import consolidate
from reviewers.decide.models import Answer
from reviewers.decide.store import record_answers
from reviewers.egm.calendar import add_egm, change_agenda, find
from reviewers.egm.gate import check
from reviewers.rounds import lifecycle as rounds
from reviewers.status import next_egm
from tests.conftest import DRAFTER


def test_an_egm_is_added_as_one_commit_in_date_order(example_ws: Workspace) -> None:
    egm = EGM(id="EGM4", name="Regional consultation", start=date(2024, 6, 3), agenda=["04"])
    add_egm(example_ws, egm, example_ws.identity(DRAFTER))
    head = example_ws.history()[-1]
    assert (head.value("Event"), head.value("EGM")) == ("egm", "EGM4")
    ids = [e["id"] for e in yaml.safe_load(example_ws.committed("egms.yaml") or b"")["egms"]]
    assert ids == ["EGM1", "EGM4", "EGM2", "EGM3"]
    assert find(example_ws, "egm4").agenda == ["04"]


@pytest.mark.parametrize(
    ("egm", "message"),
    [
        (EGM(id="EGM1", name="again", start=date(2024, 6, 3)), "EGM1 is already on the calendar"),
        (EGM(id="EGM9", name="past", start=date(2024, 3, 3)), "before today \\(2024-03-04\\)"),
        (
            EGM(id="EGM9", name="x", start=date(2024, 6, 3), end=date(2024, 6, 2)),
            "would end on 2024-06-02, before it starts",
        ),
        (EGM(id="EGM9", name="x", start=date(2024, 6, 3), agenda=["99"]), "no chapter '99'"),
        (
            EGM(id="EGM9", name="x", start=date(2024, 6, 3), participants=["nobody"]),
            "no person or group 'nobody'",
        ),
    ],
)
def test_bad_egms_are_refused_and_nothing_changes(example_ws: Workspace, egm, message) -> None:  # type: ignore[no-untyped-def]
    head = example_ws.repo.head.commit.hexsha
    with pytest.raises((NotFound, StageRefused), match=message):
        add_egm(example_ws, egm, example_ws.identity(DRAFTER))
    assert example_ws.repo.head.commit.hexsha == head


def test_the_agenda_changes_by_commit_and_refuses_what_is_not_there(example_ws: Workspace) -> None:
    who = example_ws.identity(DRAFTER)
    egm, _ = change_agenda(example_ws, "EGM1", ["04"], ["02"], who)
    assert egm.agenda == ["01", "03", "04"] and find(example_ws, "EGM1").agenda == egm.agenda
    with pytest.raises(NotFound, match="chapter 02 is not on the agenda of EGM1"):
        change_agenda(example_ws, "EGM1", [], ["02"], who)
    with pytest.raises(NotFound, match="no EGM 'EGM7'"):
        change_agenda(example_ws, "EGM7", ["01"], [], who)
    today = example_ws.now().date()
    assert next_egm(example_ws.egms, today, "02").id == "EGM2"  # type: ignore[union-attr]


def test_the_gate_says_exactly_what_blocks_each_chapter(returned) -> None:  # type: ignore[no-untyped-def]
    ws, rnd, *_ = returned
    who = ws.identity(DRAFTER)
    chapters.move_stage(ws, "01", Stage.READY_FOR_EGM, who)
    gate = check(ws, "EGM1")
    by = {c.chapter: c for c in gate.chapters}
    assert gate.days_left == (date(2024, 4, 23) - date(2024, 3, 4)).days and not gate.ready
    assert by["01"].ready and by["01"].sentence() == "01: ready"
    assert by["02"].blockers == [
        "stage drafting (`penholder chapter stage 02 --to ready_for_egm` when it is)"
    ]
    returns = sum(1 for i in rnd.items if i.chapter == "03")
    assert by["03"].blockers[-1] == f"round R1 open with 3 of {returns} returns"
    rounds.close_round(ws, "R1", who, force=True)
    assert "round R1 has remarks not consolidated" in check(ws, "EGM1").chapters[2].sentence()
    consolidate(ws, "03", "R1", who)
    third = check(ws, "EGM1").chapters[2]
    assert len(third.conflicts) == 2 and third.open_rows
    assert f"{len(third.open_rows)} rows unanswered ({third.open_rows[0]}" in third.sentence()
    assert "2 conflicts unresolved" in third.sentence()
    answers = [Answer(row=r, disposition="noted") for r in third.open_rows + third.conflicts]
    record_answers(ws, "03", "R1", answers, who)
    third = check(ws, "EGM1").chapters[2]
    assert third.blockers == [third.blockers[0]] and third.blockers[0].startswith(
        "stage consolidating"
    )
