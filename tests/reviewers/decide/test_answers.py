"""Answers folded into a disposition log (pure): ids, spellings, conflicts, history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reviewers.consolidate.models import Matrix, Row, Supporter
from reviewers.decide.answers import DispositionError, fill, plan_answers, row_index
from reviewers.decide.models import Answer, DispositionLog, parse

AT = datetime(2024, 4, 2, 10, tzinfo=UTC)


def _row(rid: str, *more: str, **kw: object) -> Row:
    return Row(
        id=rid, remarks=[rid, *more], chapter="03", round="R1", kind="replace",
        supporters=[Supporter(reviewer="ana", name="Ana Lima", remark=rid)], **kw,  # type: ignore[arg-type]
    )  # fmt: skip


MATRIX = Matrix(
    guideline="G",
    chapter="03",
    chapter_title="Scope",
    round="R1",
    revision=2,
    rows=[
        _row("R1-03-001", "R1-03-005"),
        _row("R1-03-002", flags=["conflict"], conflicts_with=["R1-03-003"]),
        _row("R1-03-003", flags=["conflict"], conflicts_with=["R1-03-002"]),
    ],
)


def plan(log: DispositionLog, *answers: Answer, source: str = "cli"):  # type: ignore[no-untyped-def]
    return plan_answers(MATRIX, log, list(answers), by="Amina", at=AT, source=source)


def empty() -> DispositionLog:
    return DispositionLog(round="R1", chapter="03")


@pytest.mark.parametrize(
    ("given", "word"),
    [
        ("accepted", "accepted"),
        ("Accepted with  modification", "modified"),
        ("modified", "modified"),
        ("NOT ACCEPTED", "rejected"),
        ("rejected", "rejected"),
        (" noted ", "noted"),
        ("approved", None),
        ("", None),
    ],
)
def test_both_spellings_are_taken(given: str, word: str | None) -> None:
    assert parse(given) == word


def test_any_remark_of_a_row_answers_the_row() -> None:
    assert row_index(MATRIX)["R1-03-005"] == "R1-03-001"
    p = plan(empty(), Answer(row="R1-03-005", disposition="accepted", response="Yes."))
    assert p.log.current()["R1-03-001"].disposition == "accepted"
    assert p.changes == ["R1-03-001: open -> accepted (cli)"]


def test_changing_an_answer_keeps_its_history_and_the_same_answer_is_no_change() -> None:
    first = plan(empty(), Answer(row="R1-03-001", disposition="accepted")).log
    again = plan(first, Answer(row="R1-03-001", disposition="accepted"))
    assert again.changes == [] and again.log == first
    later = plan(first, Answer(row="R1-03-001", disposition="rejected"), source="matrix.xlsx")
    assert later.changes == ["R1-03-001: accepted -> rejected (matrix.xlsx)"]
    assert [r.disposition for r in later.log.records] == ["accepted", "rejected"]
    cleared = plan(later.log, Answer(row="R1-03-001", disposition=None))
    assert cleared.log.current() == {} and len(cleared.log.records) == 3


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([Answer(row="R1-03-999", disposition="noted")], "R1-03-999 is not a row or remark"),
        ([Answer(row="R1-03-001", disposition="modified")], "`modified` needs the text adopted"),
        (
            [
                Answer(row="R1-03-001", disposition="accepted"),
                Answer(row="R1-03-005", disposition="rejected"),
            ],
            "row R1-03-001 is answered twice with different answers",
        ),
        (
            [
                Answer(row="R1-03-002", disposition="accepted"),
                Answer(row="R1-03-003", disposition="modified", adopted="x"),
            ],
            "rows R1-03-002 and R1-03-003 are competing texts",
        ),
    ],
)
def test_refusals_name_the_id_and_the_way_out(answers: list[Answer], message: str) -> None:
    with pytest.raises(DispositionError, match=message):
        plan(empty(), *answers)


def test_a_conflict_is_answered_by_choosing_one_text() -> None:
    p = plan(
        empty(),
        Answer(row="R1-03-002", disposition="accepted"),
        Answer(row="R1-03-003", disposition="rejected", response="We kept the other wording."),
    )
    assert {k: v.disposition for k, v in p.log.current().items()} == {
        "R1-03-002": "accepted",
        "R1-03-003": "rejected",
    }


def test_documents_show_the_long_words() -> None:
    log = plan(
        empty(),
        Answer(row="R1-03-001", disposition="modified", adopted="publish openly", response="r"),
        Answer(row="R1-03-003", disposition="rejected"),
    ).log
    rows = {r.id: r for r in fill(MATRIX, log).rows}
    assert (rows["R1-03-001"].disposition, rows["R1-03-001"].adopted) == (
        "accepted with modification",
        "publish openly",
    )
    assert rows["R1-03-003"].disposition == "not accepted"
    assert rows["R1-03-002"].disposition == ""


def test_refusals_say_where_and_what_to_do() -> None:
    with pytest.raises(DispositionError) as e:
        plan(empty(), Answer(row="R1-03-999", disposition="noted"))
    assert "is not a row or remark of chapter 03, round R1 (cli)" in str(e.value)
    with pytest.raises(DispositionError) as e:
        plan(empty(), Answer(row="R1-03-001", disposition="modified", adopted="  "))
    assert str(e.value).endswith("--text (or in the matrix's adopted text column)")
    with pytest.raises(DispositionError) as e:
        plan(
            empty(),
            Answer(row="R1-03-002", disposition="accepted"),
            Answer(row="R1-03-003", disposition="accepted"),
        )
    assert str(e.value).endswith(
        "answer the other `rejected` (or give one `modified` with the text to adopt)"
    )
    with pytest.raises(DispositionError) as e:
        plan(
            empty(),
            Answer(row="R1-03-001", disposition="accepted"),
            Answer(row="R1-03-005", disposition=None),
        )
    assert "(accepted and cleared); keep one" in str(e.value)


def test_the_same_answer_through_two_ids_of_one_row_is_one_answer() -> None:
    p = plan(
        empty(),
        Answer(row="R1-03-001", disposition="accepted", response="Yes."),
        Answer(row="R1-03-005", disposition="accepted", response="Yes."),
    )
    assert p.changes == ["R1-03-001: open -> accepted (cli)"]


def test_the_response_is_recorded_and_the_adopted_text_only_with_modified() -> None:
    p = plan(empty(), Answer(row="R1-03-001", disposition="accepted", response="Yes.", adopted="x"))
    d = p.log.current()["R1-03-001"]
    assert (d.response, d.adopted) == ("Yes.", None)
    changed = plan(p.log, Answer(row="R1-03-001", disposition="accepted", response="Indeed."))
    assert changed.changes == ["R1-03-001: accepted -> accepted (cli)"]


def test_an_answer_that_changes_nothing_does_not_stop_the_answers_after_it() -> None:
    first = plan(empty(), Answer(row="R1-03-001", disposition="accepted")).log
    p = plan(
        first,
        Answer(row="R1-03-002", disposition=None),  # clearing an open row: no change
        Answer(row="R1-03-001", disposition="accepted"),  # the same answer: no change
        Answer(row="R1-03-003", disposition="noted"),
    )
    assert p.changes == ["R1-03-003: open -> noted (cli)"]


def test_clearing_one_text_of_a_conflict_lets_the_other_be_accepted() -> None:
    first = plan(empty(), Answer(row="R1-03-002", disposition="accepted")).log
    p = plan(
        first,
        Answer(row="R1-03-002", disposition=None),
        Answer(row="R1-03-003", disposition="accepted"),
    )
    assert list(p.log.current()) == ["R1-03-003"]


def test_a_rejected_text_of_a_conflict_does_not_compete_whichever_its_id() -> None:
    p = plan(
        empty(),
        Answer(row="R1-03-002", disposition="rejected"),
        Answer(row="R1-03-003", disposition="accepted"),
    )
    assert {k: v.disposition for k, v in p.log.current().items()} == {
        "R1-03-002": "rejected",
        "R1-03-003": "accepted",
    }


def test_filling_again_after_answers_are_cleared_empties_the_cells() -> None:
    log = plan(
        empty(),
        Answer(row="R1-03-001", disposition="modified", adopted="publish openly", response="r"),
        Answer(row="R1-03-003", disposition="rejected", response="No."),
    ).log
    filled = fill(MATRIX, log)
    rows = {r.id: r for r in filled.rows}
    assert (rows["R1-03-001"].response, rows["R1-03-003"].response) == ("r", "No.")
    assert rows["R1-03-003"].adopted == ""
    cleared = plan(
        log,
        Answer(row="R1-03-001", disposition=None),
        Answer(row="R1-03-003", disposition=None),
    ).log
    again = {r.id: r for r in fill(filled, cleared).rows}
    assert [(r.disposition, r.response, r.adopted) for r in again.values()] == [("", "", "")] * 3
