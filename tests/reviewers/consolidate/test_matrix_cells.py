"""What the matrix cells and groups say, row by row (both files print them).

Written for the survivors of ``make mutate`` on ``reviewers.consolidate.matrix``
(docs/testing.md): the flags of a row that is a duplicate and in a conflict, the reviewer and
location cells of the Word table, its adopted-text column, and the group headings.
"""

from __future__ import annotations

from reviewers.consolidate.matrix import (
    _CUT,
    ADOPTED,
    DOCX_COLUMNS,
    MAX_CELL,
    cell_text,
    docx_columns,
    flags_text,
    groups,
    location,
    title_block,
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


def test_the_title_block_says_a_missing_round_and_why_pages_are_missing():
    m = _matrix(_row("R2-03-001")).model_copy(
        update={"round": None, "pages_missing": "LibreOffice is not installed"}
    )
    assert title_block(m) == [
        ("Guideline", "Open data"),
        ("Chapter", "03 Scope"),
        ("Round", "\u2014"),
        ("Base revision", "2"),
        ("Page and line", "missing: LibreOffice is not installed"),
    ]
    assert [label for label, _ in title_block(_matrix(_row("R2-03-001")))] == [
        "Guideline",
        "Chapter",
        "Round",
        "Base revision",
    ]


def test_a_cell_of_exactly_excels_limit_is_kept_and_one_more_character_is_cut():
    exact = "x" * MAX_CELL
    assert cell_text(exact) == exact
    cut = cell_text("y" * (MAX_CELL + 1))
    assert isinstance(cut, str) and len(cut) == MAX_CELL
    assert cut.endswith(_CUT) and cut.startswith("y" * (MAX_CELL - len(_CUT)))


def test_a_conflict_with_two_rows_names_both():
    row = _row("R2-03-001", flags=["conflict"], conflicts_with=["R2-03-002", "R2-03-003"])
    assert flags_text(row) == "conflict with R2-03-002, R2-03-003"
