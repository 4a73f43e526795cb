"""Answers read back from a filled-in matrix file, without a workspace: small .xlsx and .docx
files are written here (openpyxl, python-docx) the way a drafter's copy may come back (columns
moved, rows added above, blank rows, dates Calc recognised, another sheet first), and read
against a matrix built in memory. Each test runs in well under a second.

What a pen-holder sees is the answers recorded (row, word, response, adopted text, type), the
rows reported missing, and the refusal's sentence naming the file and the cell; each test states
them.
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from drafts.core.errors import DocumentError
from reviewers.consolidate.matrix_docx import write_docx
from reviewers.consolidate.matrix_xlsx import write_xlsx
from reviewers.consolidate.models import Matrix, Row, Supporter
from reviewers.decide.from_matrix import answers_from_matrix, is_xlsx, read_matrix
from reviewers.decide.models import Answer

IDS = [f"R1-03-00{n}" for n in range(1, 5)]
ALLOWED = "accepted, modified, noted, rejected, accepted with modification, not accepted"


def _matrix(chapter: str = "03", round_id: str | None = "R1") -> Matrix:
    rows = [
        Row(id=i, remarks=[i], chapter=chapter, round=round_id, kind="comment", comment=f"c{n}",
            type="technical" if n == 2 else "editorial",
            supporters=[Supporter(reviewer="ana", name="Ana", remark=i)])
        for n, i in enumerate(IDS, start=1)
    ]  # fmt: skip
    return Matrix(guideline="G", chapter=chapter, chapter_title="Scope", round=round_id,
                  revision=1, rows=rows)  # fmt: skip


def _xlsx(path: Path, rows: list[list[Any]], sheets: tuple[str, ...] = ("Matrix",)) -> Path:
    """A workbook whose sheet ``sheets[-1]`` holds ``rows`` (None: an empty row); the other
    sheets come first and hold a decoy table."""
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    for n, name in enumerate(sheets):
        sheet = first if n == 0 else wb.create_sheet(name)
        sheet.title = name
        table = rows if n == len(sheets) - 1 else [["id", "disposition"], [IDS[0], "rejected"]]
        for r, values in enumerate(table, start=1):
            for c, value in enumerate(values or [], start=1):
                sheet.cell(r, c, value)
    wb.save(path)
    return path


TITLE = [["Comment-resolution matrix"], ["Chapter", "03 Scope"], ["Round:", " R1 "], None]
HEAD = ["ID", "Type", " Disposition ", "Response", "Adopted text"]


def test_answers_are_matched_by_id_and_the_rows_the_file_lacks_are_missing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _xlsx(tmp_path / "m.xlsx", [*TITLE, HEAD,
        [IDS[3], "editorial", "Accepted with  modification", "  Shorter.  ", "open datasets"],
        [IDS[0], "", "NOT ACCEPTED", "Out of scope."],
        [IDS[1], "technical", "", "Thinking about it"],  # blank: answers nothing
    ])  # fmt: skip
    found = answers_from_matrix(path, _matrix())
    assert found.answers == [
        Answer(row=IDS[3], disposition="modified", response="Shorter.", adopted="open datasets"),
        Answer(row=IDS[0], disposition="rejected", response="Out of scope."),
    ]
    assert found.missing == [IDS[2]]
    assert found.answers[1].adopted is None


def test_a_type_changed_by_the_drafter_is_kept_and_a_bad_one_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _xlsx(tmp_path / "m.xlsx", [*TITLE, HEAD,
        [IDS[0], " General ", "noted"], [IDS[1], "technical", "noted"], [IDS[2], "", "noted"],
    ])  # fmt: skip
    found = answers_from_matrix(path, _matrix())
    assert [(a.row, a.type) for a in found.answers] == [
        (IDS[0], "general"), (IDS[1], None), (IDS[2], None),
    ]  # fmt: skip
    bad = _xlsx(tmp_path / "bad.xlsx", [*TITLE, HEAD, [IDS[0], "urgent", "noted"]])
    with pytest.raises(DocumentError) as refused:
        answers_from_matrix(bad, _matrix())
    assert str(refused.value) == (
        f"{bad}: {IDS[0]} has type 'urgent'; use one of: general, technical, editorial"
    )


def test_a_value_outside_the_list_is_refused_naming_its_cell(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _xlsx(tmp_path / "m.xlsx", [*TITLE, HEAD, [IDS[0], "", "noted"], None, None,
                                       [IDS[1], "", "maybe"]])  # fmt: skip
    with pytest.raises(DocumentError) as refused:
        answers_from_matrix(path, _matrix())
    assert str(refused.value) == (
        f"{path}: cell C9 ({IDS[1]}) has disposition 'maybe'; use one of: {ALLOWED}"
    )  # the blank rows 7 and 8 count: Calc and Excel show the cell as C9


def test_an_edited_id_and_another_chapters_matrix_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    edited = _xlsx(tmp_path / "m.xlsx", [*TITLE, HEAD, ["R1-03-099", "", "noted"]])
    with pytest.raises(DocumentError) as refused:
        answers_from_matrix(edited, _matrix())
    assert str(refused.value) == (
        f"{edited}: R1-03-099 is not a row of chapter 03, round R1 (was the id column edited?); "
        "fill in a fresh copy of the matrix from consolidated/R1/03/"
    )
    other = _xlsx(tmp_path / "o.xlsx", [["Chapter", "05"], ["Round", "R2"], HEAD])
    for matrix, shown in ((_matrix(), "R1"), (_matrix(round_id=None), "None")):
        with pytest.raises(DocumentError) as refused:
            answers_from_matrix(other, matrix)
        assert str(refused.value) == (
            f"{other} is the matrix of chapter 05, round R2, not chapter 03, round {shown}; "
            "import it with `penholder matrix import 05 --round R2 o.xlsx`"
        )
    same_chapter = _xlsx(tmp_path / "r.xlsx", [["Chapter", "03"], ["Round", "R2"], HEAD])
    with pytest.raises(DocumentError, match="is the matrix of chapter 03, round R2, not"):
        answers_from_matrix(same_chapter, _matrix())
    untitled = _xlsx(tmp_path / "u.xlsx", [HEAD, ["R1-03-099", "", "noted"]])
    with pytest.raises(DocumentError, match=r"not a row of chapter 03, round None \(was the id "
                       r"column edited\?\); fill in a fresh copy of the matrix from "
                       "consolidated/none/03/$"):  # fmt: skip
        answers_from_matrix(untitled, _matrix(round_id=None))


def test_a_file_without_a_title_block_is_read_for_any_matrix(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _xlsx(tmp_path / "m.xlsx", [HEAD, [IDS[0], "", "rejected"]])
    assert read_matrix(path).model_dump(exclude={"rows"}) == {"chapter": None, "round": None}
    found = answers_from_matrix(path, _matrix())
    assert found.answers == [Answer(row=IDS[0], disposition="rejected")]
    blank = _xlsx(
        tmp_path / "b.xlsx", [["Chapter", ""], ["Round", ""], HEAD, [IDS[0], "", "noted"]]
    )
    assert read_matrix(blank).model_dump(exclude={"rows"}) == {"chapter": None, "round": None}


def test_the_matrix_sheet_is_read_else_the_first_and_trailing_blank_rows_are_dropped(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    rows = [*TITLE, HEAD, None, [IDS[1], "", "noted"], None, None]
    named = _xlsx(tmp_path / "n.xlsx", rows, sheets=("Summary", "Matrix"))
    [row] = read_matrix(named).rows
    assert (row.id, row.disposition, row.where) == (IDS[1], "noted", "cell C7")
    first = _xlsx(tmp_path / "f.xlsx", rows, sheets=("Sheet1",))
    assert [r.id for r in read_matrix(first).rows] == [IDS[1]]
    decoy_first = _xlsx(tmp_path / "d.xlsx", rows, sheets=("Answers", "Other"))
    [decoy] = read_matrix(decoy_first).rows  # a table with no response, adopted or type column
    assert (decoy.id, decoy.disposition, decoy.response, decoy.adopted, decoy.type) == (
        IDS[0], "rejected", "", "", "",
    )  # fmt: skip


def test_dates_calc_recognised_are_read_as_it_shows_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _xlsx(tmp_path / "m.xlsx", [*TITLE, HEAD,
        [IDS[0], "", "noted", datetime(2024, 3, 15)],
        [IDS[1], "", "noted", datetime(2024, 3, 15, 10, 30)],
        [IDS[2], "", "noted", datetime(2024, 3, 15, 0, 0, 1)],
        [IDS[3], "", "noted", 12.5],
    ])  # fmt: skip
    got = [a.response for a in answers_from_matrix(path, _matrix()).answers]
    assert got == ["2024-03-15", "2024-03-15 10:30:00", "2024-03-15 00:00:01", "12.5"]


def test_the_header_is_the_first_row_with_id_and_disposition_wherever_the_columns_are(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    path = _xlsx(tmp_path / "m.xlsx", [
        ["Chapter", "03"], ["id", "notes"], ["disposition", "ids"],  # neither is the header
        ["Response", "Disposition", "x", "ID"],
        ["Fine.", "accepted", "", IDS[0]],
        ["", "", "", "  "],  # no id: not a row
        ["", "noted"],  # short row: no id either
    ])  # fmt: skip
    found = read_matrix(path)
    assert [(r.id, r.disposition, r.response, r.adopted, r.type, r.where) for r in found.rows] == [
        (IDS[0], "accepted", "Fine.", "", "", "cell B5"),
    ]
    assert found.chapter == "03" and found.round is None


def test_a_workbook_without_a_matrix_table_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert_no_matrix_table(_xlsx(tmp_path / "m.xlsx", [["id", "response"], [IDS[0], "x"]]))


def assert_no_matrix_table(path: Path) -> None:
    with pytest.raises(DocumentError) as refused:
        read_matrix(path)
    assert str(refused.value) == (
        f"{path} has no matrix table (a header row with id ... disposition); import the matrix "
        "penholder wrote, filled in"
    )


def test_the_matrices_penholder_writes_are_read_back_whole(tmp_path) -> None:  # type: ignore[no-untyped-def]
    matrix = _matrix()
    answered = [
        r.model_copy(update={"disposition": d, "response": f"r{n}", "adopted": a})
        for n, (r, d, a) in enumerate(zip(matrix.rows, ["accepted", "modified", "", "rejected"],
                                          ["", "new text", "", ""], strict=True))
    ]  # fmt: skip
    filled = matrix.model_copy(update={"rows": answered})
    for out in (write_xlsx(filled, tmp_path / "m.xlsx"), write_docx(filled, tmp_path / "m.docx")):
        found = answers_from_matrix(out, matrix)
        assert found.answers == [
            Answer(row=IDS[0], disposition="accepted", response="r0"),
            Answer(row=IDS[1], disposition="modified", response="r1", adopted="new text"),
            Answer(row=IDS[3], disposition="rejected", response="r3"),
        ]
        assert found.missing == []
        assert read_matrix(out).model_dump(exclude={"rows"}) == {"chapter": "03", "round": "R1"}


def _docx(path: Path, lines: list[str], tables: list[list[list[str]]]) -> Path:
    doc = docx.Document()
    for line in lines:
        doc.add_paragraph(line)
    for rows in tables:
        table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                table.cell(i, j).text = value
    doc.save(str(path))
    return path


def test_a_word_matrix_is_read_from_its_first_table_with_a_disposition_header(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _docx(tmp_path / "m.docx", ["Chapter: 03 Scope", "Round: R1", "Note: no colon here?"], [
        [["id", "comment"], [IDS[0], "x"]],  # no disposition column
        [["x", "y"], ["id", "disposition"]],  # the header must be the table's first row
        [["Type", "ID", "DISPOSITION", "Response"], ["", IDS[2], "noted", "Thanks."],
         ["", IDS[1], "maybe", ""]],
    ])  # fmt: skip
    found = read_matrix(path)
    assert (found.chapter, found.round) == ("03", "R1")
    assert [(r.id, r.disposition, r.response, r.where) for r in found.rows] == [
        (IDS[2], "noted", "Thanks.", "table row 2, column 3"),
        (IDS[1], "maybe", "", "table row 3, column 3"),
    ]
    with pytest.raises(DocumentError) as refused:
        answers_from_matrix(path, _matrix())
    assert str(refused.value) == (
        f"{path}: table row 3, column 3 ({IDS[1]}) has disposition 'maybe'; use one of: {ALLOWED}"
    )
    assert_no_matrix_table(
        _docx(tmp_path / "n.docx", ["Chapter: 03"], [[["id", "comment"], [IDS[0], "x"]]])
    )


def test_a_spreadsheet_is_told_by_its_content_not_its_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sheet = _xlsx(tmp_path / "m.xlsx", [HEAD])
    renamed = tmp_path / "matrix.docx"
    renamed.write_bytes(sheet.read_bytes())
    word = _docx(tmp_path / "w.docx", ["x"], [])
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    assert is_xlsx(sheet) and is_xlsx(renamed)
    assert not is_xlsx(word) and not is_xlsx(junk) and not is_xlsx(tmp_path / "gone.xlsx")
    assert not is_xlsx(tmp_path)  # a folder: an OSError, not a spreadsheet
    assert [r.id for r in read_matrix(renamed).rows] == []


def test_a_chapter_column_first_is_not_taken_for_the_title_block(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # several chapters' rows pasted into one sheet, a "Chapter" column first, no title block
    path = _xlsx(tmp_path / "m.xlsx", [["Chapter", "ID", "Round", "Disposition"],
                                       ["03", IDS[0], "R1", "noted"], ["05", "R1-05-001"]])  # fmt: skip
    found = read_matrix(path)
    assert (found.chapter, found.round) == (None, None)
    assert [(r.id, r.disposition) for r in found.rows] == [(IDS[0], "noted"), ("R1-05-001", "")]


def test_a_formula_is_read_as_the_value_the_spreadsheet_shows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _xlsx(tmp_path / "m.xlsx", [*TITLE, HEAD, [IDS[0], "", "noted", '="Tha"&"nks."']])
    # Excel and Calc save the value a formula shows beside it; openpyxl leaves it empty
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    cell = re.search(r'<c r="D6"[^>]*>.*?</c>', sheet)
    assert cell is not None
    shown = '<c r="D6" t="str"><f>"Tha"&amp;"nks."</f><v>Thanks.</v></c>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(cell.group(0), shown).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    [answer] = answers_from_matrix(path, _matrix()).answers
    assert answer.response == "Thanks."


def test_a_word_title_block_line_may_hold_more_colons_and_no_space(tmp_path) -> None:  # type: ignore[no-untyped-def]
    head = [["ID", "Disposition"], [IDS[0], "noted"]]
    path = _docx(tmp_path / "m.docx", ["Guideline: Cities: open data at 10:30", "Chapter:03 Scope: "
                                       "what it covers", "Round: R1"], [head])  # fmt: skip
    found = read_matrix(path)
    assert (found.chapter, found.round) == ("03", "R1")
    assert answers_from_matrix(path, _matrix()).answers == [Answer(row=IDS[0], disposition="noted")]


def test_a_word_table_with_a_disposition_but_no_id_column_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _docx(tmp_path / "m.docx", ["Chapter: 03"], [[["Row", "Disposition"], ["1", "noted"]]])
    with pytest.raises(DocumentError) as refused:
        read_matrix(path)
    assert str(refused.value) == (
        f"{path} has no matrix table (a header row with id ... disposition); import the matrix "
        "penholder wrote, filled in"
    )
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DocumentError, match=f"^{re.escape(str(damaged))} "):
        read_matrix(damaged)
