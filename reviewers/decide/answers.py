"""Answers checked against a matrix and folded into a disposition log (pure).

``plan_answers(matrix, log, answers, by=..., at=..., source=...)`` resolves each answer's id to
its row (any remark id of a row names the row), validates it and returns an ``AnswerPlan``: the
new log and one line per change (``R1-03-004: accepted -> rejected (matrix.xlsx)``). Refused,
with one sentence naming the id and the way out (``DispositionError``, nothing changed): an
unknown id, ``modified`` without an adopted text, the same row twice with different answers, two
competing texts of one conflict accepted. An answer equal to the row's current one is no change.

``fill(matrix, log)`` returns the matrix with each row's current answer written in (documents
show the long words), and the type the drafter gave a row, when they changed the rule's.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from drafts.core.errors import PenholderError
from reviewers.consolidate.models import Matrix, Row
from reviewers.decide.models import APPLIES, Answer, Disposition, DispositionLog, spelled


class DispositionError(PenholderError):
    """An answer that cannot be recorded as given."""


class AnswerPlan(BaseModel):
    """A disposition log with some answers added, and what changed."""

    log: DispositionLog
    changes: list[str]


def row_index(matrix: Matrix) -> dict[str, str]:
    """Return ``{remark id or row id: row id}`` for every row of ``matrix``."""
    index: dict[str, str] = {}
    for row in matrix.rows:
        index[row.id] = row.id
        for remark in row.remarks:
            index.setdefault(remark, row.id)
    return index


def _describe(d: Disposition | None) -> str:
    return d.disposition if d is not None and d.disposition else "open"


def _check_conflicts(matrix: Matrix, current: dict[str, Disposition]) -> None:
    rows = {r.id: r for r in matrix.rows}
    for row in matrix.rows:
        mine = current.get(row.id)
        if mine is None or mine.disposition not in APPLIES or "conflict" not in row.flags:
            continue
        rivals = [
            other
            for other in row.conflicts_with
            if other in rows
            and other in current
            and current[other].disposition in APPLIES
            and other > row.id
        ]
        if rivals:
            raise DispositionError(
                f"rows {row.id} and {rivals[0]} are competing texts for the same passage and "
                f"both would be adopted; accept one and answer the other `rejected` (or give one "
                "`modified` with the text to adopt)"
            )


def plan_answers(
    matrix: Matrix,
    log: DispositionLog,
    answers: list[Answer],
    *,
    by: str,
    at: datetime,
    source: str,
) -> AnswerPlan:
    """Fold ``answers`` into ``log`` (see module docstring)."""
    index = row_index(matrix)
    where = f"chapter {matrix.chapter}, round {matrix.round}"
    given: dict[str, Answer] = {}
    for answer in answers:
        row = index.get(answer.row)
        if row is None:
            raise DispositionError(
                f"{answer.row} is not a row or remark of {where} ({source}); list the rows with "
                f"`penholder dispositions {matrix.chapter} --round {matrix.round}`"
            )
        if answer.disposition == "modified" and not (answer.adopted or "").strip():
            raise DispositionError(
                f"{answer.row}: `modified` needs the text adopted ({source}); give it with "
                "--text (or in the matrix's adopted text column)"
            )
        earlier = given.get(row)
        if earlier is not None and earlier.model_dump(exclude={"row"}) != answer.model_dump(
            exclude={"row"}
        ):
            raise DispositionError(
                f"row {row} is answered twice with different answers in {source} "
                f"({_describe_answer(earlier)} and {_describe_answer(answer)}); keep one"
            )
        given[row] = answer
    current = log.current()
    records = list(log.records)
    changes = []
    for row, answer in given.items():
        before = current.get(row)
        new = Disposition(
            row=row,
            disposition=answer.disposition,
            response=answer.response,
            adopted=answer.adopted if answer.disposition == "modified" else None,
            type=answer.type if answer.disposition is not None else None,
            by=by,
            at=at,
            source=source,
        )
        if before is None and new.disposition is None:
            continue
        if before is not None and _same(before, new):
            continue
        records.append(new)
        if new.disposition is not None:
            current[row] = new
        else:
            current.pop(row, None)
        typed = (
            f", type {new.type}" if new.type and (before is None or before.type != new.type) else ""
        )
        changes.append(f"{row}: {_describe(before)} -> {_describe(new)}{typed} ({source})")
    _check_conflicts(matrix, current)
    return AnswerPlan(log=log.model_copy(update={"records": records}), changes=changes)


def _describe_answer(a: Answer) -> str:
    return a.disposition or "cleared"


def _same(a: Disposition, b: Disposition) -> bool:
    keys = ("disposition", "response", "adopted", "type")
    return all(getattr(a, k) == getattr(b, k) for k in keys)


def fill(matrix: Matrix, log: DispositionLog) -> Matrix:
    """Return ``matrix`` with each row's current answer, response and adopted text filled in."""
    current = log.current()
    rows: list[Row] = []
    for row in matrix.rows:
        d = current.get(row.id)
        update = {"disposition": "", "response": "", "adopted": ""}
        if d is not None and d.disposition is not None:
            update = {
                "disposition": spelled(d.disposition),
                "response": d.response,
                "adopted": d.adopted or "",
            }
            if d.type is not None:  # the drafter's type replaces the rule's
                update["type"] = d.type
        rows.append(row.model_copy(update=update))
    return matrix.model_copy(update={"rows": rows})
