"""The comment-resolution matrix: .xlsx layout, dispositions read back, .docx table, LibreOffice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from reviewers.consolidate.matrix import (
    CONFLICT_FILL,
    DISPOSITIONS,
    DOCX_COLUMNS,
    HEADERS,
    STALE_FILL,
    TYPES,
    MatrixDisposition,
    MatrixError,
)
from reviewers.consolidate.matrix_docx import write_docx
from reviewers.consolidate.matrix_xlsx import HEADER_ROW, read_xlsx_dispositions, write_xlsx
from reviewers.consolidate.models import Matrix, Row, Supporter
from tests.conftest import soffice_or_skip
from tests.helpers.render_helpers import pdf_text, soffice_convert


def _who(name: str, remark: str, org: str = "", country: str = "") -> Supporter:
    return Supporter(
        reviewer=name[:2].upper(), name=name, organisation=org, country=country, remark=remark
    )


def _row(rid: str, **kw: object) -> Row:
    fields: dict[str, object] = {
        "id": rid,
        "remarks": [rid],
        "supporters": [_who("Ana Lima", rid, "City of Recife", "Brazil")],
        "chapter": "03",
        "round": "R2",
        "section": "Key issues",
        "block": "ph_03_0007",
        "paragraph": 3,
        "kind": "comment",
        "comment": f"comment of {rid}",
    }
    fields.update(kw)
    return Row.model_validate(fields)


def matrix() -> Matrix:
    """Eight rows: a conflict pair, a duplicate with two supporters, a stale row, plain ones."""
    rows = [
        _row("R2-03-001", page=1, line=3, type="general"),
        _row(
            "R2-03-002",
            kind="replace",
            comment="Replace 'city' by 'municipality'",
            proposed="municipality",
            page=1,
            line=20,
            flags=["conflict"],
            conflicts_with=["R2-03-011"],
        ),
        _row(
            "R2-03-011",
            kind="replace",
            comment="Replace 'city' by 'town'",
            proposed="town",
            page=1,
            line=20,
            flags=["conflict"],
            conflicts_with=["R2-03-002"],
            supporters=[_who("Kofi Mensah", "R2-03-011", "UCLG Africa", "Ghana")],
        ),
        _row(
            "R2-03-004",
            kind="insert",
            remarks=["R2-03-004", "R2-03-019"],
            supporters=[
                _who("Ana Lima", "R2-03-004", "City of Recife", "Brazil"),
                _who("Mei Chen", "R2-03-019", "Tongji University", "China"),
            ],
            comment="Insert 'and older persons' after 'persons with disabilities'",
            proposed=" and older persons",
            flags=["duplicate"],
            type="technical",
        ),
        _row(
            "R2-03-005",
            kind="delete",
            comment="Delete 'markedly'",
            proposed="",
            page=None,
            line=None,
            paragraph=5,
        ),
        _row(
            "R2-03-007",
            flags=["no longer applies"],
            block=None,
            paragraph=None,
            comment="Replace 'old words' by 'new words' [no longer applies: text changed]",
        ),
        _row(
            "R2-03-008",
            remarks=["R2-03-008", "R2-03-009"],
            page=2,
            line=None,
            comment="Cite the 2023 report.\n— Mei Chen: agreed",
        ),
        _row("R2-03-010", section=None, paragraph=None, block=None, comment="General remark."),
    ]
    return Matrix(
        guideline="Guidelines on people-centred smart cities",
        chapter="03",
        chapter_title="Accessibility and inclusion",
        round="R2",
        revision=2,
        rows=rows,
    )


@pytest.fixture
def xlsx(tmp_path: Path) -> Path:
    return write_xlsx(matrix(), tmp_path / "matrix.xlsx")


def _table(path: Path) -> tuple[object, dict[str, int], list[tuple[object, ...]]]:
    ws = load_workbook(path)["Matrix"]
    header = [c.value for c in ws[HEADER_ROW]]
    rows = [r for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if r[0]]
    return ws, {h: i for i, h in enumerate(header)}, rows  # type: ignore[misc]


def test_xlsx_has_title_block_header_and_every_row_once(xlsx: Path) -> None:
    ws, col, rows = _table(xlsx)
    assert tuple(col) == HEADERS
    assert ws["A1"].value == (  # type: ignore[index]
        "Comment-resolution matrix — Chapter 03 Accessibility and inclusion"
    )
    assert "chapter" not in col  # the file is one chapter: named in the title, not a column
    block = {ws.cell(i, 1).value: ws.cell(i, 2).value for i in range(2, 6)}  # type: ignore[attr-defined]
    assert block == {
        "Guideline": "Guidelines on people-centred smart cities",
        "Chapter": "03 Accessibility and inclusion",
        "Round": "R2",
        "Base revision": "2",
    }
    ids = [r[col["id"]] for r in rows]
    assert sorted(ids) == sorted(r.id for r in matrix().rows) and len(set(ids)) == len(ids)
    remark_ids = [x for r in rows for x in str(r[col["remark ids"]]).split("\n")]
    assert len(remark_ids) == len(set(remark_ids)) == 10
    by_id = {r[col["id"]]: r for r in rows}
    assert by_id["R2-03-001"][col["page and line"]] == "p. 1, l. 3"
    assert by_id["R2-03-008"][col["page and line"]] == "p. 2"
    assert by_id["R2-03-005"][col["page and line"]] is None
    assert by_id["R2-03-005"][col["paragraph"]] == 5
    dup = by_id["R2-03-004"]
    assert dup[col["reviewer(s)"]] == "Ana Lima; Mei Chen"
    assert dup[col["organisation"]] == "City of Recife; Tongji University"
    assert dup[col["country"]] == "Brazil; China"
    assert dup[col["flags"]] == "duplicate (2 supporters)"
    assert by_id["R2-03-002"][col["flags"]] == "conflict with R2-03-011"
    assert by_id["R2-03-007"][col["flags"]] == "no longer applies"


def test_xlsx_is_frozen_filtered_wrapped_and_prints_landscape(xlsx: Path) -> None:
    ws, _, rows = _table(xlsx)
    last = HEADER_ROW + len(rows)
    assert ws.freeze_panes == f"B{HEADER_ROW + 1}"  # type: ignore[attr-defined]
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:O{last}"  # type: ignore[attr-defined]  # 15 columns
    for r in range(HEADER_ROW, last + 1):
        assert all(c.alignment.wrap_text for c in ws[r])  # type: ignore[index]
    assert ws.column_dimensions["I"].width >= 40  # type: ignore[attr-defined]  # comment
    assert ws.page_setup.orientation == "landscape"  # type: ignore[attr-defined]
    assert str(ws.page_setup.paperSize) == "9"  # type: ignore[attr-defined]  # A4
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"  # type: ignore[attr-defined]


def test_xlsx_offers_type_and_disposition_drop_downs(xlsx: Path) -> None:
    ws, _, rows = _table(xlsx)
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}  # type: ignore[attr-defined]
    last = HEADER_ROW + len(rows)
    assert lists['"' + ",".join(TYPES) + '"'] == f"H{HEADER_ROW + 1}:H{last}"
    assert lists['"' + ",".join(DISPOSITIONS) + '"'] == f"M{HEADER_ROW + 1}:M{last}"
    assert set(DISPOSITIONS) == {"accepted", "accepted with modification", "noted", "not accepted"}


def test_xlsx_fills_conflicts_and_stale_rows(xlsx: Path) -> None:
    ws, _, rows = _table(xlsx)
    fills = {}
    for i in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(rows)):
        cells = ws[i]  # type: ignore[index]
        colours = {c.fill.fgColor.rgb if c.fill.fill_type else None for c in cells}
        assert len(colours) == 1, f"row {i} is not filled evenly"
        fills[cells[0].value] = colours.pop()
    assert fills["R2-03-002"] == fills["R2-03-011"] == "00" + CONFLICT_FILL
    assert fills["R2-03-007"] == "00" + STALE_FILL
    assert {fills[k] for k in ("R2-03-001", "R2-03-004", "R2-03-010")} == {None}


def test_dispositions_round_trip_through_an_edited_workbook(xlsx: Path, tmp_path: Path) -> None:
    assert set(read_xlsx_dispositions(xlsx)) == {r.id for r in matrix().rows}
    wb = load_workbook(xlsx)
    ws = wb["Matrix"]
    ws.insert_rows(2)  # a drafter's note above the table moves it down one row
    col = {c.value: c.column for c in ws[HEADER_ROW + 1]}
    edits = {
        "R2-03-002": ("technical", "Accepted with modification ", "Use “municipality” throughout."),
        "R2-03-011": ("technical", "not accepted", "See R2-03-002."),
        "R2-03-010": (None, "noted", None),
    }
    for row in ws.iter_rows(min_row=HEADER_ROW + 2):
        if row[0].value in edits:
            kind, disp, response = edits[row[0].value]
            for header, value in (("type", kind), ("disposition", disp), ("response", response)):
                ws.cell(row[0].row, col[header]).value = value
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    back = read_xlsx_dispositions(edited)
    assert back["R2-03-002"] == MatrixDisposition(
        "technical", "accepted with modification", "Use “municipality” throughout."
    )
    assert back["R2-03-011"] == ("technical", "not accepted", "See R2-03-002.")
    assert back["R2-03-010"] == (None, "noted", "")
    assert back["R2-03-001"] == ("general", "", "")
    assert back["R2-03-004"] == ("technical", "", "")


def test_reading_back_names_the_cell_of_a_bad_value(xlsx: Path, tmp_path: Path) -> None:
    wb = load_workbook(xlsx)
    ws = wb["Matrix"]
    ws.cell(HEADER_ROW + 1, HEADERS.index("disposition") + 1, "maybe")
    wb.save(bad := tmp_path / "bad.xlsx")
    with pytest.raises(MatrixError, match=rf"cell M{HEADER_ROW + 1} .*'maybe'.*accepted"):
        read_xlsx_dispositions(bad)


def test_docx_table_has_every_row_and_a_repeated_header(tmp_path: Path) -> None:
    out = write_docx(matrix(), tmp_path / "matrix.docx")
    doc = Document(str(out))
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert tuple(c.text for c in table.rows[0].cells) == tuple(c.header for c in DOCX_COLUMNS)
    assert table.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    ids = [row.cells[0].text for row in table.rows[1:]]
    # a conflict's rows and a duplicate under a heading row (no id) spanning the table
    assert ids == [
        "R2-03-001", "", "R2-03-002", "R2-03-011", "", "R2-03-004",
        "R2-03-005", "R2-03-007", "R2-03-008", "R2-03-010",
    ]  # fmt: skip
    heading = table.rows[2]
    assert len(heading._tr.tc_lst) == 2 and "gridSpan" in heading._tr.xml
    assert heading.cells[1].text.startswith("Conflict: R2-03-002, R2-03-011")
    assert table.rows[5].cells[1].text.startswith("Duplicate: the same remark from 2 reviewers")
    conflict = next(r for r in table.rows if r.cells[0].text == "R2-03-002")
    assert CONFLICT_FILL in conflict.cells[5]._tc.xml
    dup = next(r for r in table.rows if r.cells[0].text == "R2-03-004")
    assert dup.cells[1].text == (
        "Ana Lima (City of Recife, Brazil)\nMei Chen (Tongji University, China)"
    )
    assert doc.paragraphs[0].text == (
        "Comment-resolution matrix — Chapter 03 Accessibility and inclusion"
    )
    section = doc.sections[-1]
    assert section.page_width > section.page_height
    assert "lnNumType" not in section._sectPr.xml
    assert table.rows[1].cells[0].paragraphs[0].style.name == "Matrix Text"
    assert "Comment-resolution matrix" in section.header.paragraphs[0].text
    assert "R2-03-002" not in [p.text for p in doc.paragraphs]


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_opens_the_matrices_and_prints_them(tmp_path: Path) -> None:
    soffice_or_skip()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    m = matrix()
    for out in (write_xlsx(m, tmp_path / "m.xlsx"), write_docx(m, tmp_path / "m.docx")):
        text = pdf_text(soffice_convert(out, "pdf", tmp_path / out.suffix[1:]))
        flat = " ".join(text.split())
        assert "Comment-resolution matrix" in flat
        for row in m.rows:
            assert row.id in flat, f"{row.id} missing from the PDF of {out.name}"


def test_reviewer_text_stays_text_in_both_files(tmp_path: Path) -> None:
    """A comment starting with "=" is no formula; control characters Word leaves are dropped."""
    m = matrix()
    m.rows[0].comment = "=SUM(A1:A9) is how the index is computed"
    m.rows[1].proposed = "line one\x0bline two\x07"
    ws, col, rows = _table(write_xlsx(m, tmp_path / "m.xlsx"))
    cell = ws.cell(HEADER_ROW + 1, col["comment"] + 1)  # type: ignore[attr-defined]
    assert cell.data_type == "s" and cell.value == m.rows[0].comment
    assert rows[1][col["proposed change"]] == "line oneline two"
    table = Document(str(write_docx(m, tmp_path / "m.docx"))).tables[0]
    proposed = [c.header for c in DOCX_COLUMNS].index("proposed change")
    assert table.rows[3].cells[proposed].text == "line oneline two"
    assert set(read_xlsx_dispositions(tmp_path / "m.xlsx")) == {r.id for r in m.rows}


def test_a_round_of_thirty_reviewers_has_every_row(tmp_path: Path) -> None:
    """31 reviewers x 50 remarks: every row present once (speed: bench/bench_consolidate.py)."""
    base = matrix().rows[0]
    rows = [
        base.model_copy(update={"id": f"R2-03-{n:04d}", "remarks": [f"R2-03-{n:04d}"],
                                "comment": "A comment of some length. " * 8})
        for n in range(1, 1551)
    ]  # fmt: skip
    m = matrix().model_copy(update={"rows": rows})
    write_xlsx(m, tmp_path / "big.xlsx")
    write_docx(m, tmp_path / "big.docx")
    assert len(read_xlsx_dispositions(tmp_path / "big.xlsx")) == 1550
    from docx import Document

    table = Document(str(tmp_path / "big.docx")).tables[0]
    assert len(table.rows) == 1551 and table.rows[-1].cells[0].text == "R2-03-1550"
