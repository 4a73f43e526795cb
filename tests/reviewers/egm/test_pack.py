"""The EGM pack: what goes in (revisions, counts, baselines, matrices), the compiled .docx read
back with the project's reader, and, with LibreOffice, the PDF and its filled contents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drafts import chapters, layout
from drafts.core.errors import NotFound
from drafts.ooxml.read.grid import Grid, read_grid
from drafts.ooxml.read.reader import read_annotations
from drafts.word import office
from drafts.workspace import Workspace
from reviewers.decide.models import Answer
from reviewers.decide.store import record_answers
from reviewers.egm.calendar import find
from reviewers.egm.pack import PackRecord, make_pack, plan
from reviewers.egm.pack_docx import COLUMNS, chapter_heading, compile_pack, version_row
from tests.conftest import DRAFTER, soffice_or_skip
from tests.helpers.consolidated import consolidated_round

ADDED = "Every city should publish its digital charter in plain language."
DROPPED = "afterwards"


@pytest.fixture
def packable(example_ws: Workspace, tmp_path: Path) -> Workspace:
    """R1 on chapter 03 consolidated and partly answered; chapter 01 at revision 2."""
    built = consolidated_round(example_ws, tmp_path / "round")
    ws, rows = built.ws, built.rows
    record_answers(ws, "03", "R1", [
        Answer(row=rows["comment"].id, disposition="noted", response="Thanks."),
        Answer(row=rows["delete"].id, disposition="accepted"),
        Answer(row=rows["insert"].id, disposition="rejected", response="Out of scope."),
    ], ws.identity(DRAFTER))  # fmt: skip
    text = ws.text("01")
    assert f" {DROPPED}," in text
    text = text.replace(f" {DROPPED},", ",", 1).rstrip("\n") + f"\n\n{ADDED}\n"
    chapters.commit_revision(ws, "01", text, ws.identity(DRAFTER))
    return ws


def _record(ws: Workspace, egm: str = "EGM1") -> PackRecord:
    chapters_, matrices = plan(ws, find(ws, egm))
    return PackRecord(
        egm=egm, name="x", made=ws.now(), made_by="Amina Odhiambo", head="0" * 40,
        chapters=chapters_, matrices=matrices, docx="a.docx", pdf="a.pdf",
    )  # fmt: skip


def test_the_plan_counts_rounds_remarks_and_answers(packable: Workspace) -> None:
    ws = packable
    by_id = {c.chapter: c for c in _record(ws).chapters}
    assert list(by_id) == ["01", "02", "03"]
    from reviewers.decide.store import load_matrix

    matrix = load_matrix(ws, "03", "R1")
    c03 = by_id["03"]
    assert (c03.rounds, c03.received) == (["R1"], sum(len(r.remarks) for r in matrix.rows))
    assert (c03.accepted, c03.modified, c03.noted, c03.rejected) == (1, 0, 1, 1)
    c01 = by_id["01"]
    assert (c01.revision, c01.commit, c01.rounds) == (2, ws.revision("01").commit, [])
    assert (c01.since_revision, c01.since) == (1, "first revision")
    assert [(m.round, m.chapter) for m in _record(ws).matrices] == [("R1", "03")]


def test_the_previous_pack_is_the_baseline_and_its_matrices_are_not_repeated(
    packable: Workspace,
) -> None:
    ws = packable
    first = _record(ws, "EGM1")
    ws.commit({layout.egm_pack_record("EGM1"): first.model_dump_json().encode()}, "pack",
              [("Event", "egm-pack"), ("EGM", "EGM1")], ws.identity(DRAFTER))  # fmt: skip
    second = _record(ws, "EGM2")
    c01 = next(c for c in second.chapters if c.chapter == "01")
    c04 = next(c for c in second.chapters if c.chapter == "04")
    assert (c01.since_revision, c01.since) == (2, "EGM1 pack")
    assert (c04.since_revision, c04.since) == (1, "first revision")
    assert second.matrices == []


def test_the_compiled_docx_reads_back_with_the_version_table_and_the_redline(
    packable: Workspace, tmp_path: Path
) -> None:
    ws = packable
    record = _record(ws)
    egm = find(ws, "EGM1")
    out = compile_pack(ws, egm, record, ws.identity(DRAFTER), tmp_path / "pack.docx")
    grids = [i for i in read_grid(out) if isinstance(i, Grid)]
    assert grids[0].rows == [list(COLUMNS), *(version_row(c) for c in record.chapters)]
    assert grids[0].rows[1][:4] == ["01", ws.front("01").title, "2", ws.revision("01").commit[:7]]
    assert grids[-1].rows[0][0] == "id"  # R1's matrix, in the annex
    changes = read_annotations(out).changes
    assert any(c.kind == "insert" and ADDED in c.text_after for c in changes)
    assert any(DROPPED in c.text_before and DROPPED not in c.text_after for c in changes)
    assert {c.author for c in changes} == {ws.identity(DRAFTER).name}
    from docx import Document

    texts = [p.text for p in Document(str(out)).paragraphs]
    for c in record.chapters:  # its heading names it; the render's own title is left out
        assert texts.count(c.title) == 0 and texts.count(chapter_heading(c)) == 1


def test_an_unknown_egm_is_refused_and_nothing_is_committed(example_ws: Workspace) -> None:
    before = len(example_ws.history())
    with pytest.raises(NotFound, match="no EGM 'EGM9'"):
        make_pack(example_ws, "EGM9", example_ws.identity(DRAFTER))
    assert len(example_ws.history()) == before


def test_without_libreoffice_the_pack_is_refused_saying_how_to_install_it(
    example_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    before = len(example_ws.history())
    with pytest.raises(office.OfficeError, match="apt-get install libreoffice"):
        make_pack(example_ws, "EGM1", example_ws.identity(DRAFTER))
    assert len(example_ws.history()) == before


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
@pytest.mark.libreoffice
def test_the_pack_is_laid_out_with_filled_contents_and_committed(packable: Workspace) -> None:
    soffice_or_skip()
    ws = packable
    made = make_pack(ws, "EGM1", ws.identity(DRAFTER))
    head = ws.history()[-1]
    assert (head.sha, head.value("Event"), head.value("EGM")) == (made.commit, "egm-pack", "EGM1")
    pdf, docx = ws.root / made.record.pdf, ws.root / made.record.docx
    pages = office.pdf_pages(pdf)
    assert office.pdf_page_count(pdf) == len(pages) == made.record.pages > 3
    toc = next(i for i, page in enumerate(pages) if "Contents" in page)
    for c in made.record.chapters:
        heading = chapter_heading(c)
        found = re.search(re.escape(heading) + r"[ .]*(\d+)\s*$", pages[toc], re.M)
        assert found, f"{heading!r} not in the contents:\n{pages[toc]}"
        page = int(found[1])
        assert page - 1 > toc and _flat(heading) in _flat(pages[page - 1])
        assert all(_flat(heading) not in _flat(p) for p in pages[toc + 1 : page - 1])
    grids = [i for i in read_grid(docx) if isinstance(i, Grid)]
    assert grids[0].rows[1:] == [version_row(c) for c in plan(ws, find(ws, "EGM1"))[0]]
    assert grids[0].rows[3][5:] == ["1", grids[0].rows[3][6], "1", "0", "1", "1"]
    texts = [p.text_after for p in read_annotations(docx).paragraphs]
    assert any(t.startswith(chapter_heading(made.record.chapters[0])) for t in texts[:12])
    changes = read_annotations(docx).changes
    assert any(c.kind == "insert" and ADDED in c.text_after for c in changes)
    assert any(DROPPED in c.text_before and DROPPED not in c.text_after for c in changes)
    again = make_pack(ws, "EGM1", ws.identity(DRAFTER))
    packs = [c.sha for c in ws.history() if c.value("Event") == "egm-pack"]
    assert packs == [made.commit, again.commit]
