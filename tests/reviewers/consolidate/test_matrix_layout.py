"""The matrix as a page: the .docx laid out by LibreOffice, the .xlsx as Excel and Calc show it.

The .docx is converted to PDF by LibreOffice and read back with ``pdftotext -layout``: every
column header is there and no word is broken across lines; ``pdfinfo`` says A4 landscape. A PNG
of its first page is kept in ``test-artefacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reviewers.consolidate.matrix import COLUMNS, DISPOSITIONS, DOCX_COLUMNS, TYPES, groups
from reviewers.consolidate.matrix_docx import widths_cm, write_docx
from reviewers.consolidate.matrix_xlsx import HEADER_ROW, LINE_HEIGHT, SUMMARY, write_xlsx
from reviewers.consolidate.models import Matrix, Supporter
from tests.conftest import soffice_or_skip
from tests.reviewers.consolidate.test_matrix import matrix

ARTEFACTS = Path(__file__).resolve().parents[3] / "test-artefacts"


def long_matrix() -> Matrix:
    """The test matrix with the words that broke before: long names, organisations, sections."""
    m = matrix()
    far = Supporter(
        reviewer="ra",
        name="Rashad Aliyev",
        organisation="Ministry of Economy of the Republic of Azerbaijan, State Committee for "
        "Urban Planning and Architecture",
        country="Azerbaijan",
        remark="R2-03-020",
    )
    extra = m.rows[0].model_copy(
        update={
            "id": "R2-03-020",
            "remarks": ["R2-03-020"],
            "supporters": [far],
            "section": "Recommendations for national governments and international organisations",
            "paragraph": 12,
            "kind": "insert",
            "type": "technical",
            "comment": "Insert 'and their representative organisations' after 'obligations that'",
            "proposed": " and their representative organisations",
            "disposition": "accepted with modification",
            "response": "Accepted; the paragraph now names representative organisations "
            "of persons with disabilities, as the Convention does.",
        }
    )
    return m.model_copy(update={"rows": [*m.rows, extra]})


def _words(text: str) -> set[str]:
    return set(text.split())


def test_disposition_and_response_are_wide_and_every_word_fits_its_column() -> None:
    m = long_matrix()
    rows = [[str(c.value(r) or "") for c in DOCX_COLUMNS] for _, rs in groups(m) for r in rs]
    widths = dict(
        zip((c.header for c in DOCX_COLUMNS), widths_cm(DOCX_COLUMNS, rows, 27.16), strict=True)
    )
    assert abs(sum(widths.values()) - 27.16) < 0.01
    assert widths["disposition"] >= 2.8 and widths["response"] >= 4.5  # were 1.6 and 2.3 cm
    assert widths["comment"] >= 5 and widths["reviewer(s)"] >= 3
    # a word wider than its column forces its column wider, the widest give way
    rows[0][2] = "Interoperabilitätsanforderungen"  # the location column
    wider = widths_cm(DOCX_COLUMNS, rows, 27.16)
    assert wider[2] > widths["location"] and abs(sum(wider) - 27.16) < 0.01


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_lays_the_word_matrix_out_on_a4_landscape_without_broken_words(
    tmp_path: Path,
) -> None:
    soffice_or_skip()
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils (pdftotext, pdfinfo) is not installed")
    from drafts.word.office import to_pdf

    m = long_matrix()
    pdf = to_pdf(write_docx(m, tmp_path / "matrix.docx"), tmp_path / "lo")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size is not None and (round(float(size[1])), round(float(size[2]))) == (842, 595)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    printed = text.stdout
    tokens = _words(printed)
    header_line = next(line for line in printed.splitlines() if line.lstrip().startswith("id "))
    for column in DOCX_COLUMNS:
        assert column.header.split()[0] in header_line, column.header
    assert "Comment-resolution matrix — Chapter 03 Accessibility and inclusion" in printed
    cells = [str(c.value(r) or "") for r in m.rows for c in DOCX_COLUMNS]
    broken = sorted(w for w in _words(" ".join(cells)) if w not in tokens)
    assert broken == [], f"words broken across lines (or lost): {broken}"
    for word in ("Azerbaijan", "Recommendations", "paragraph", "modification"):
        assert re.search(rf"(?<!\w){word}(?!\w)", printed), word  # whole, on one line
    ARTEFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(ARTEFACTS / "matrix-docx-page1")],
        check=True,
    )  # fmt: skip
    assert (ARTEFACTS / "matrix-docx-page1.png").stat().st_size > 1000


def _conservative_lines(text: str, width: float) -> int:
    """Lines a cell needs with words laid out on lines of ``width - 1`` characters."""
    lines = 0
    for part in text.split("\n"):
        used, lines = 0, lines + 1
        for word in part.split():
            if used and used + 1 + len(word) > width - 1:
                lines, used = lines + 1, 0
            used += len(word) + (1 if used else 0)
    return lines


def test_xlsx_rows_are_tall_enough_for_their_wrapped_text(tmp_path: Path) -> None:
    m = long_matrix()
    ws = load_workbook(write_xlsx(m, tmp_path / "m.xlsx"))["Matrix"]
    for i, row in enumerate(m.rows, start=HEADER_ROW + 1):
        need = max(_conservative_lines(str(c.value(row) or ""), c.width) for c in COLUMNS)
        assert ws.row_dimensions[i].height >= LINE_HEIGHT * need, row.id
        assert all(cell.alignment.wrap_text for cell in ws[i])
    organisations = ws.row_dimensions[HEADER_ROW + len(m.rows)].height
    assert organisations >= LINE_HEIGHT * 7  # the long organisation, 18 characters a line


def test_xlsx_prints_and_filters_and_counts(tmp_path: Path) -> None:
    m = long_matrix()
    wb = load_workbook(write_xlsx(m, tmp_path / "m.xlsx"))
    ws = wb["Matrix"]
    last = HEADER_ROW + len(m.rows)
    assert ws.freeze_panes == f"B{HEADER_ROW + 1}"
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:O{last}"
    setup = ws.page_setup
    assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9")
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    widths = {c.header: ws.column_dimensions[chr(65 + j)].width for j, c in enumerate(COLUMNS)}
    assert widths["disposition"] >= 16 and widths["response"] >= 40 and widths["comment"] >= 50
    validations = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert validations == {'"' + ",".join(TYPES) + '"', '"' + ",".join(DISPOSITIONS) + '"'}
    summary = {r[0]: r for r in wb[SUMMARY].iter_rows(values_only=True) if r[0]}
    assert summary["Ana Lima"][2:6] == (7, 1, 1, 5)  # rows, general, technical, editorial
    assert summary["Mei Chen"][2] == 1 and summary["Rashad Aliyev"][2:6] == (1, 0, 1, 0)
    assert summary["all rows"][2] == len(m.rows)
    assert summary["accepted"][2] == f'=COUNTIF(Matrix!$M${HEADER_ROW + 1}:$M${last},"accepted")'
    assert summary["not answered yet"][2] == f"=COUNTBLANK(Matrix!$M${HEADER_ROW + 1}:$M${last})"


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_computes_the_summary_counts(tmp_path: Path) -> None:
    soffice = soffice_or_skip()
    xlsx = write_xlsx(long_matrix(), tmp_path / "m.xlsx")
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--convert-to", every_sheet, "--outdir", str(tmp_path), str(xlsx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    lines = (tmp_path / f"m-{SUMMARY}.csv").read_text(encoding="utf-8").splitlines()
    assert "accepted with modification,,1,,," in lines
    assert "not answered yet,,8,,," in lines and "all rows,,9,,," in lines
    assert "Rashad Aliyev" in "\n".join(lines)


def test_the_word_matrix_takes_the_guideline_paper_in_landscape(tmp_path: Path) -> None:
    from docx import Document
    from docx.shared import Cm

    from drafts.models import Guideline, HouseStyle

    m = long_matrix()
    a3 = Guideline(title="G", organisation="UN-Habitat", house=HouseStyle(paper="A3"))
    for guideline, (width, height) in ((None, (29.7, 21.0)), (a3, (42.0, 29.7))):
        section = Document(str(write_docx(m, tmp_path / "m.docx", guideline))).sections[0]
        assert (round(section.page_width / Cm(1), 1), round(section.page_height / Cm(1), 1)) == (
            width,
            height,
        )
    a3_widths = [c.width for c in Document(str(tmp_path / "m.docx")).tables[0].columns]
    assert sum(a3_widths) / Cm(1) > 35  # the columns use the wider page
