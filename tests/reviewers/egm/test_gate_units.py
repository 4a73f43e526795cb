"""The EGM gate of one chapter, round by round, without git: the rounds, their status, the
consolidations and the answers are given in memory (a stand-in workspace), so every branch of
``chapter_readiness`` is met on its boundary in a few milliseconds.

What a chief sees is the readiness sentence (``penholder egm check`` prints it per chapter) and
whether the chapter is ready; each test states both.
"""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from drafts import layout
from drafts.models import ChapterFront, ChapterState, Stage
from reviewers.egm import gate
from reviewers.egm.gate import chapter_readiness
from reviewers.models import (
    ItemState,
    ItemStatus,
    Round,
    RoundChapter,
    RoundItem,
    RoundStatus,
)
from reviewers.rounds import records

OPENED = datetime(2024, 3, 1, 9, 0)


class _Ws:
    """What ``chapter_readiness`` asks of a workspace, held in memory."""

    def __init__(
        self,
        stage: Stage = Stage.READY_FOR_EGM,
        revision: int = 2,
        matrices: tuple[str, ...] = (),
        remarks: tuple[str, ...] = (),
        egms: tuple[str, ...] = (),
    ) -> None:
        self.stage, self.revision = stage, revision
        self.matrices = {layout.matrix_json(r, "03") for r in matrices}
        self.remarks = {layout.remarks_folder(r, "03") for r in remarks}
        self.egms = [SimpleNamespace(id=e) for e in egms]

    def state(self, chapter: str) -> ChapterState:
        return ChapterState(id=chapter, stage=self.stage, revision=self.revision)

    def committed(self, path: str) -> bytes | None:
        return b"{}" if path in self.matrices else None

    def committed_files(self, folder: str) -> list[str]:
        return [f"{folder}/ana.yaml"] if folder in self.remarks else []

    def front(self, chapter: str) -> ChapterFront:
        return ChapterFront(id=chapter, title=f"Title of {chapter}")


def _round(rid: str, chapters: dict[str, int], closed: bool = True) -> Round:
    items = [
        RoundItem(reviewer=who, chapter=ch, revision=rev, packet=f"{rid}-{ch}-ABCD")
        for ch, rev in chapters.items()
        for who in ("ana", "ben")
    ]
    return Round(
        id=rid, opened=OPENED, opened_by="drafter", due=date(2024, 3, 22),
        chapters=[RoundChapter(chapter=c, revision=r) for c, r in chapters.items()],
        reviewers=["ana", "ben"], items=items, closed=OPENED if closed else None,
    )  # fmt: skip


def _status(rid: str, states: list[tuple[str, ItemState]]) -> RoundStatus:
    items = [
        ItemStatus(reviewer=f"p{n}", name=f"P {n}", chapter=ch, revision=1, packet="x", state=s)
        for n, (ch, s) in enumerate(states)
    ]
    return RoundStatus(
        round=rid, due=date(2024, 3, 22), today=date(2024, 3, 20), open=True, days_left=2,
        chapters=[], items=items,
    )  # fmt: skip


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Open rows by round or EGM id, and the conflict-flagged rows of each matrix."""
    given: dict[str, Any] = {"open": {}, "flagged": {}}

    def open_rows(ws: _Ws, chapter: str, rid: str) -> list[str]:
        assert chapter == "03"
        return list(given["open"].get(rid, []))

    def load_matrix(ws: _Ws, chapter: str, rid: str) -> SimpleNamespace:
        assert chapter == "03"
        rows = [SimpleNamespace(id=i, flags=["conflict"]) for i in given["flagged"].get(rid, [])]
        rows += [SimpleNamespace(id=f"{rid}-03-900", flags=["supported"])]
        return SimpleNamespace(rows=rows)

    def no_rounds(ws: _Ws) -> list[Round]:
        raise AssertionError("rounds were given: nothing to load")

    monkeypatch.setattr(gate, "open_rows", open_rows)
    monkeypatch.setattr(gate, "load_matrix", load_matrix)
    monkeypatch.setattr(records, "load_rounds", no_rounds)
    return given


def _no_status(rid: str) -> RoundStatus:
    raise AssertionError(f"round {rid} is closed: its status is not needed")


def _check(ws: _Ws, rounds: list[Round], status: Any = _no_status) -> gate.ChapterReadiness:
    return chapter_readiness(ws, "03", rounds, status)  # type: ignore[arg-type]


def test_a_chapter_no_round_sent_is_ready_with_nothing_to_note(answers) -> None:  # type: ignore[no-untyped-def]
    got = _check(_Ws(revision=3), [_round("R1", {"05": 1})])
    assert got.sentence() == "03: ready" and got.ready and got.notes == []
    assert (got.title, got.stage, got.revision) == ("Title of 03", Stage.READY_FOR_EGM, 3)
    assert got.open_rows == [] and got.conflicts == []


def test_a_round_without_the_chapter_does_not_hide_the_rounds_after_it(answers) -> None:  # type: ignore[no-untyped-def]
    rounds = [_round("R1", {"03": 1}), _round("R2", {"05": 2}), _round("R3", {"03": 2, "05": 2})]
    answers["open"] = {"R3": ["R3-03-001"]}
    got = _check(_Ws(revision=4, matrices=("R1", "R3")), rounds)
    assert got.sentence() == (
        "03: 1 row unanswered (R3-03-001) (revision 4 not yet seen by the experts (last sent: 2))"
    )
    assert not got.ready and got.open_rows == ["R3-03-001"]


def test_the_last_sent_revision_is_the_highest_of_the_rounds_on_the_chapter(answers) -> None:  # type: ignore[no-untyped-def]
    rounds = [_round("R1", {"05": 3, "03": 1}), _round("R2", {"03": 3}), _round("R3", {"03": 2})]
    ws = _Ws(revision=4, matrices=("R1", "R2", "R3"))
    assert _check(ws, rounds).notes == ["revision 4 not yet seen by the experts (last sent: 3)"]
    ws.revision = 3  # the revision the experts saw last: nothing to note
    assert _check(ws, rounds).sentence() == "03: ready"


def test_an_open_round_counts_the_chapters_returns_and_leaves_excused_reviewers_out(
    answers,
) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def status(rid: str) -> RoundStatus:
        asked.append(rid)
        return _status(rid, [
            ("03", ItemState.RETURNED), ("03", ItemState.RETURNED_LATE), ("03", ItemState.SENT),
            ("03", ItemState.LATE), ("03", ItemState.EXCUSED), ("05", ItemState.RETURNED),
        ])  # fmt: skip

    rounds = [_round("R1", {"03": 1}), _round("R2", {"03": 2, "05": 2}, closed=False)]
    got = _check(_Ws(matrices=("R1",)), rounds, status)
    assert asked == ["R2"]
    assert got.sentence() == "03: round R2 open with 2 of 4 returns" and not got.ready


def test_without_a_status_the_round_status_is_read_from_the_workspace(
    answers, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws()

    def round_status(given: _Ws, rid: str) -> RoundStatus:
        assert given is ws
        return _status(rid, [("03", ItemState.RETURNED), ("03", ItemState.MISSING)])

    monkeypatch.setattr(gate, "round_status", round_status)
    got = chapter_readiness(ws, "03", [_round("R1", {"03": 2}, closed=False)])  # type: ignore[arg-type]
    assert got.blockers == ["round R1 open with 1 of 2 returns"]


def test_without_rounds_they_are_read_from_the_workspace(answers, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(remarks=("R1",))
    monkeypatch.setattr(records, "load_rounds", lambda given: [_round("R1", {"03": 2})])
    got = chapter_readiness(ws, "03")  # type: ignore[arg-type]
    assert got.blockers == [
        "round R1 has remarks not consolidated (`penholder consolidate 03 --round R1`)"
    ]


def test_given_rounds_are_the_ones_judged(answers) -> None:  # type: ignore[no-untyped-def]
    # the stand-in's load_rounds refuses to be called: the given list is used, even empty
    assert _check(_Ws(revision=5), []).sentence() == "03: ready"


def test_a_closed_round_blocks_only_while_it_has_remarks_not_consolidated(answers) -> None:  # type: ignore[no-untyped-def]
    rounds = [_round("R1", {"03": 1}), _round("R2", {"03": 2})]
    # R1 had no remarks on 03 (nothing to consolidate); R2 had some
    got = _check(_Ws(remarks=("R2",)), rounds)
    assert got.blockers == [
        "round R2 has remarks not consolidated (`penholder consolidate 03 --round R2`)"
    ]
    # consolidated with every row answered: nothing blocks
    assert _check(_Ws(remarks=("R1", "R2"), matrices=("R1", "R2")), rounds).ready


def test_open_rows_and_conflicts_are_gathered_over_every_consolidated_round(answers) -> None:  # type: ignore[no-untyped-def]
    answers["open"] = {
        "R1": ["R1-03-001", "R1-03-002", "R1-03-003"],
        "R2": ["R2-03-001", "R2-03-004"],
    }
    answers["flagged"] = {"R1": ["R1-03-002", "R1-03-005"], "R2": ["R2-03-004"]}
    rounds = [_round("R1", {"03": 1}), _round("R2", {"03": 2})]
    got = _check(_Ws(stage=Stage.CONSOLIDATING, matrices=("R1", "R2")), rounds)
    assert got.open_rows == ["R1-03-001", "R1-03-003", "R2-03-001"]
    assert got.conflicts == ["R1-03-002", "R2-03-004"]
    assert got.sentence() == (
        "03: stage consolidating (answer its rows, `penholder revise 03 --round Rk`, then move "
        "it); 3 rows unanswered (R1-03-001, R1-03-003, R2-03-001); 2 conflicts unresolved "
        "(R1-03-002, R2-03-004)"
    )


def test_a_single_conflict_is_said_in_the_singular(answers) -> None:  # type: ignore[no-untyped-def]
    answers["open"] = {"R1": ["R1-03-002"]}
    answers["flagged"] = {"R1": ["R1-03-002"]}
    got = _check(_Ws(matrices=("R1",)), [_round("R1", {"03": 2})])
    assert got.blockers == ["1 conflict unresolved (R1-03-002)"] and got.open_rows == []


def test_conditions_of_a_returned_sign_off_block_per_egm(answers) -> None:  # type: ignore[no-untyped-def]
    answers["open"] = {"EGM1": ["EGM1-03-001"], "EGM2": ["EGM2-03-001", "EGM2-03-002"]}
    got = _check(_Ws(stage=Stage.SIGNED_OFF, egms=("EGM1", "EGM2", "EGM3")), [])
    assert got.sentence() == (
        "03: 1 condition of EGM1 open (EGM1-03-001); 2 conditions of EGM2 open "
        "(EGM2-03-001, EGM2-03-002)"
    )
    assert got.open_rows == [] and not got.ready


def test_a_chapter_in_final_or_signed_off_has_no_stage_blocker(answers) -> None:  # type: ignore[no-untyped-def]
    for stage in (Stage.FINAL, Stage.SIGNED_OFF, Stage.READY_FOR_EGM):
        assert _check(_Ws(stage=stage), []).ready
    got = _check(_Ws(stage=Stage.IN_REVIEW), [])
    assert got.sentence() == "03: stage in_review (its round is open)"
