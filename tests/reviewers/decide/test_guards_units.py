"""The dispositions' stage guards of one chapter, without git: rounds, consolidations, answers and
remarks are given in memory (a stand-in workspace), so every branch of ``guard`` is met on its
boundary in a few milliseconds.

What a pen-holder sees is the list of blockers (each one sentence naming the rows or the round
and the command that clears it; ``penholder chapter stage`` and ``round open`` print them) or
none; each test states it word for word.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from drafts import layout
from drafts.core.errors import NotFound
from drafts.models import ChapterState, Stage
from reviewers.consolidate.models import Matrix, Row, Supporter
from reviewers.decide import guards
from reviewers.decide.guards import guard, open_rows, shown_ids
from reviewers.decide.models import Disposition, DispositionLog
from reviewers.models import Round, RoundChapter
from reviewers.rounds import records

AT = datetime(2024, 4, 2, tzinfo=UTC)
WAY = (
    "answer them with `penholder dispose ID... accepted|modified|noted|rejected` or "
    "`penholder matrix import 03 --round {r} FILE`"
)


def _round(rid: str, chapters: dict[str, int], closed: bool = True) -> Round:
    return Round(
        id=rid, opened=AT, opened_by="drafter", due=date(2024, 4, 22),
        chapters=[RoundChapter(chapter=c, revision=n) for c, n in chapters.items()],
        reviewers=["ana"], closed=AT if closed else None,
    )  # fmt: skip


def _row(rid: str) -> Row:
    return Row(id=rid, remarks=[rid], chapter="03", round=rid[:2], kind="comment",
               supporters=[Supporter(reviewer="ana", name="Ana", remark=rid)])  # fmt: skip


class _Ws:
    """What the guard asks of a workspace: consolidated rows and answers per round, the rounds
    with remarks on the chapter, the EGMs and the chapter's revision."""

    def __init__(self, revision: int = 2, egms: tuple[str, ...] = ()) -> None:
        self.files: dict[str, bytes] = {}
        self.remarks: set[str] = set()
        self.egms = [SimpleNamespace(id=e) for e in egms]
        self.revision = revision

    def consolidate(
        self, rid: str, rows: int, answered: dict[int, str | None] | None = None
    ) -> list[str]:
        """Commit ``rows`` matrix rows of round ``rid`` and the answers given (row number ->
        word; None clears the row's answer); return the row ids."""
        ids = [f"{rid}-03-{n:03d}" for n in range(1, rows + 1)]
        matrix = Matrix(guideline="G", chapter="03", chapter_title="Scope", round=rid, revision=1,
                        rows=[_row(i) for i in ids])  # fmt: skip
        self.files[layout.matrix_json(rid, "03")] = matrix.model_dump_json().encode()
        log = DispositionLog(round=rid, chapter="03")
        for n, word in (answered or {}).items():
            for w in ("noted", word):  # answered once, then as given
                log.records.append(Disposition(row=ids[n - 1], disposition=w, by="A", at=AT,  # type: ignore[arg-type]
                                               source="cli"))  # fmt: skip
        self.files[layout.dispositions(rid, "03")] = log.model_dump_json().encode()
        return ids

    def require_chapter(self, chapter: str) -> None:
        if chapter != "03":
            raise NotFound(chapter)

    def committed(self, path: str) -> bytes | None:
        return self.files.get(path)

    def committed_files(self, folder: str) -> list[str]:
        return [f"{folder}/ana.yaml"] if folder in self.remarks else []

    def state(self, chapter: str) -> ChapterState:
        assert chapter == "03"
        return ChapterState(id=chapter, stage=Stage.REVISING, revision=self.revision)


@pytest.fixture
def rounds(monkeypatch: pytest.MonkeyPatch) -> list[Round]:
    """The rounds ``records.load_rounds`` returns (fill the list in the test)."""
    given: list[Round] = []

    def load_rounds(ws: Any) -> list[Round]:
        assert isinstance(ws, _Ws)
        return list(given)

    monkeypatch.setattr(records, "load_rounds", load_rounds)
    return given


def test_open_rows_are_the_rows_without_a_current_answer_in_matrix_order() -> None:
    ws = _Ws()
    assert open_rows(ws, "03", "R1") == []  # type: ignore[arg-type]  # not consolidated
    ids = ws.consolidate("R1", 4, {2: "accepted", 3: None})
    assert open_rows(ws, "03", "R1") == [ids[0], ids[2], ids[3]]  # type: ignore[arg-type]
    assert open_rows(ws, "03", "R2") == []  # type: ignore[arg-type]


def test_at_most_five_ids_are_shown() -> None:
    ids = [f"R1-03-00{n}" for n in range(1, 7)]
    assert shown_ids([]) == ""
    assert shown_ids(ids[:1]) == "R1-03-001"
    assert shown_ids(ids[:5]) == ", ".join(ids[:5])
    assert shown_ids(ids) == ", ".join(ids[:5]) + ", ..."
    assert guards.SHOWN == 5


def test_revising_needs_the_last_closed_round_consolidated_when_it_has_remarks(rounds) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws()
    assert guard(ws, "03", Stage.REVISING) == []  # type: ignore[arg-type]  # no round yet
    rounds += [_round("R1", {"03": 1}), _round("R2", {"03": 2}), _round("R3", {"03": 2}, False),
               _round("R4", {"05": 1})]  # fmt: skip
    ws.remarks = {layout.remarks_folder(r, "03") for r in ("R1", "R2", "R3")}
    ws.remarks.add(layout.remarks_folder("R4", "05"))
    assert guard(ws, "03", Stage.REVISING) == [  # type: ignore[arg-type]
        "round R2 is not consolidated yet; run `penholder consolidate 03 --round R2` first"
    ]  # R1 (not last), R3 (open) and R4 (another chapter) do not count
    ws.consolidate("R2", 1)
    assert guard(ws, "03", Stage.REVISING) == []  # type: ignore[arg-type]  # rows open: fine
    ws.files.clear()
    ws.remarks.discard(layout.remarks_folder("R2", "03"))
    assert guard(ws, "03", Stage.REVISING) == []  # type: ignore[arg-type]  # no remarks on it


def test_ready_for_egm_needs_every_closed_round_consolidated_and_answered(rounds) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(egms=("EGM1", "EGM2"))
    rounds += [_round("R1", {"03": 1}), _round("R2", {"03": 2, "05": 1}), _round("R3", {"03": 2}),
               _round("R4", {"03": 3}, closed=False), _round("R5", {"05": 3})]  # fmt: skip
    ws.remarks = {layout.remarks_folder(r, "03") for r in ("R1", "R4")}
    ws.remarks.add(layout.remarks_folder("R5", "05"))
    one = ws.consolidate("R2", 1)
    six = ws.consolidate("R3", 7, {3: "accepted"})
    egm = ws.consolidate("EGM2", 2, {1: "noted"})
    assert (
        guard(ws, "03", Stage.READY_FOR_EGM)
        == [  # type: ignore[arg-type]
            "round R1 has remarks not consolidated; run `penholder consolidate 03 --round R1`",
            f"1 row of round R2 unanswered ({one[0]}); " + WAY.format(r="R2"),
            f"6 rows of round R3 unanswered ({', '.join(six[:2] + six[3:6])}, ...); "
            + WAY.format(r="R3"),
            f"1 row of round EGM2 unanswered ({egm[1]}); " + WAY.format(r="EGM2"),
        ]
    )
    ws.consolidate("R1", 2, {1: "rejected", 2: "modified"})
    ws.consolidate("R2", 1, {1: "accepted"})
    ws.consolidate("R3", 7, dict.fromkeys(range(1, 8), "noted"))
    ws.consolidate("EGM2", 2, {1: "noted", 2: "noted"})
    assert guard(ws, "03", Stage.READY_FOR_EGM) == []  # type: ignore[arg-type]


def test_a_new_round_needs_the_last_rows_answered_and_a_revision_newer_than_it_sent(
    rounds,
) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(revision=3)
    assert guard(ws, "03", Stage.IN_REVIEW) == []  # type: ignore[arg-type]  # no round yet
    rounds += [_round("R1", {"03": 1}), _round("R2", {"03": 2}),
               _round("R3", {"05": 4, "03": 3}), _round("R4", {"03": 9}, closed=False)]  # fmt: skip
    ids = ws.consolidate("R3", 2, {2: "accepted"})
    ws.consolidate("R1", 1)  # earlier rounds' open rows do not block a new round
    ws.consolidate("R2", 1)
    stale = (
        "no new revision since round R3 sent revision 3; revise it first "
        "(`penholder revise 03 --round R3`) or pass --force --reason"
    )
    assert guard(ws, "03", Stage.IN_REVIEW) == [  # type: ignore[arg-type]
        f"1 row of round R3 unanswered ({ids[0]}); " + WAY.format(r="R3"),
        stale,
    ]
    ws.consolidate("R3", 2, {1: "accepted", 2: "accepted"})
    assert guard(ws, "03", Stage.IN_REVIEW) == [stale]  # type: ignore[arg-type]  # 3 <= 3
    ws.revision = 4  # the boundary: one revision past the one sent
    assert guard(ws, "03", Stage.IN_REVIEW) == []  # type: ignore[arg-type]


def test_other_stages_have_no_dispositions_guard(rounds) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(revision=1)
    rounds += [_round("R1", {"03": 1})]
    ws.remarks = {layout.remarks_folder("R1", "03")}
    for stage in (Stage.DRAFTING, Stage.CONSOLIDATING, Stage.SIGNED_OFF, Stage.FINAL):
        assert guard(ws, "03", stage) == []  # type: ignore[arg-type]
    assert guard(ws, "03", Stage.REVISING) != []  # type: ignore[arg-type]  # the same workspace
