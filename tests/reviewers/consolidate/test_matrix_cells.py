"""What the matrix cells and groups say, row by row (both files print them).

Written for the survivors of ``make mutate`` on ``reviewers.consolidate.matrix``
(docs/testing.md): the flags of a row that is a duplicate and in a conflict, the reviewer and
location cells of the Word table, its adopted-text column, and the group headings.
"""

from __future__ import annotations

from reviewers.consolidate.matrix import (
    ADOPTED,
    DOCX_COLUMNS,
    docx_columns,
    flags_text,
    groups,
    location,
    who,
)
from reviewers.consolidate.models import Matrix
from tests.reviewers.consolidate.test_matrix import _row, _who


def _matrix(*rows: object) -> Matrix:
    return Matrix(
        guideline="Open data", chapter="03", chapter_title="Scope", round="R2", revision=2,
        rows=list(rows),
    )  # fmt: skip


def test_a_duplicate_in_a_conflict_says_both():
    row = _row(
        "R2-03-001",
        remarks=["R2-03-001", "R2-03-004"],
        supporters=[_who("Ana Lima", "R2-03-001"), _who("Ben Okafor", "R2-03-004")],
        flags=["duplicate", "conflict"],
        conflicts_with=["R2-03-002"],
    )
    assert flags_text(row) == "duplicate (2 supporters); conflict with R2-03-002"


def test_the_reviewer_cell_names_organisation_and_country_only_when_known():
    row = _row(
        "R2-03-001",
        supporters=[
            _who("Ana Lima", "R2-03-001", "City of Recife", "Brazil"),
            _who("Ben Okafor", "R2-03-002", country="Nigeria"),
            _who("Chi Wen", "R2-03-003"),
        ],
    )
    assert who(row) == "Ana Lima (City of Recife, Brazil)\nBen Okafor (Nigeria)\nChi Wen"


def test_the_location_cell_lists_what_is_known_one_a_line():
    assert location(_row("R2-03-001", page=4, line=12)) == "Key issues\npara. 3\np. 4, l. 12"
    assert location(_row("R2-03-001", section=None, page=4)) == "para. 3\np. 4"
    assert location(_row("R2-03-001", paragraph=None)) == "Key issues"
    assert location(_row("R2-03-001", section=None, paragraph=None)) == ""


def test_the_word_table_gets_the_adopted_text_column_once_a_row_has_one():
    plain = _matrix(_row("R2-03-001"))
    assert docx_columns(plain) == DOCX_COLUMNS
    adopted = _matrix(_row("R2-03-001"), _row("R2-03-002", adopted="Cities must publish."))
    assert docx_columns(adopted) == (*DOCX_COLUMNS, ADOPTED)


def test_groups_gather_a_conflict_and_head_a_duplicate():
    rows = [
        _row("R2-03-001", flags=["conflict"], conflicts_with=["R2-03-003"]),
        _row(
            "R2-03-002",
            remarks=["R2-03-002", "R2-03-005"],
            supporters=[_who("Ana Lima", "R2-03-002"), _who("Ben Okafor", "R2-03-005")],
            flags=["duplicate"],
        ),
        _row("R2-03-003", flags=["conflict"], conflicts_with=["R2-03-001"]),
        _row("R2-03-004"),
    ]
    out = [(heading, [r.id for r in members]) for heading, members in groups(_matrix(*rows))]
    assert out == [
        (
            "Conflict: R2-03-001, R2-03-003 propose different texts for the same passage; "
            "accept at most one",
            ["R2-03-001", "R2-03-003"],
        ),
        (
            "Duplicate: the same remark from 2 reviewers (remarks R2-03-002, R2-03-005)",
            ["R2-03-002"],
        ),
        (None, ["R2-03-004"]),
    ]
