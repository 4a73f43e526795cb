"""Consolidation on real returns: the tracked .docx, the matrix, conflicts, duplicates, re-runs."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from drafts import blockstore
from drafts.ooxml.read.reader import read_annotations
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import Insert, Replace, SilentEdit
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.consolidate.build import consolidate
from reviewers.intake.ingest import ingest
from reviewers.intake.remarks import load_all
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER, soffice_or_skip
from tests.helpers.lo_helpers import ACCEPT_SCRIPT
from tests.reviewers.conftest import WHEN


def test_consolidated_docx_has_every_suggestion_tracked_and_conflicts_as_alternatives(
    returned,
) -> None:  # type: ignore[no-untyped-def]
    ws, rnd, (p1, p2, p3), (w1, w2, w3), (a, b, c, _) = returned
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    ann = read_annotations(ws.root / done.docx)
    authors = {(r.kind, r.author) for r in ann.revisions}
    assert ("ins", a.name) in authors and (
        "del",
        a.name,
    ) in authors  # duplicate: once, first author
    assert ("ins", c.name) in authors  # disjoint insert placed
    # b's silent edit is a duplicate of a's (a's name); b's deletion and c's replacement of w2
    # compete: each is a suggestion under its author's name, linked by the organisation's comment
    assert {r.author for r in ann.revisions if r.kind == "del"} == {a.name, b.name}
    inserted = {(r.author, r.text) for r in ann.revisions if r.kind == "ins"}
    assert (c.name, "OTHER WORDS") in inserted
    texts = [c_.text for c_ in ann.comments]
    conflict = next(c_ for c_ in ann.comments if c_.text.startswith("conflict: "))
    assert " vs " in conflict.text and "OTHER WORDS" in conflict.text
    assert conflict.author == ws.guideline.organisation
    supporters = next(t for t in texts if "suggested by 2 reviewers" in t)
    assert a.name in supporters and b.name in supporters
    assert "penholder" not in {c_.author for c_ in ann.comments} | {r.author for r in ann.revisions}
    thread = next(c_ for c_ in ann.comments if c_.text.endswith("Source?"))
    assert thread.anchor_text == w3 and thread.author == a.name
    assert any(c_.parent == thread.id and c_.author == b.name for c_ in ann.comments)
    after = {p.text_after for p in ann.paragraphs}
    assert p1.text.replace(w1, "RELEASE", 1) in after
    assert p2.text.replace(w2, "OTHER WORDS", 1) in after  # b deletes, c's words follow
    assert p3.text + " Cities should report yearly." in after


def test_matrix_has_every_remark_exactly_once(returned) -> None:  # type: ignore[no-untyped-def]
    ws, rnd, *_ = returned
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    remark_ids = sorted(r.id for s in load_all(ws, "03", "R1") for r in s.remarks)
    rows = json.loads((ws.root / done.folder / "matrix.json").read_text())["rows"]
    assert sorted(i for row in rows for i in row["remarks"]) == remark_ids
    flags = {row["id"]: row["flags"] for row in rows}
    assert sum("conflict" in f for f in flags.values()) == 2
    assert sum("duplicate" in f for f in flags.values()) == 1
    sheet = openpyxl.load_workbook(ws.root / done.xlsx).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert all(any(rid in c for c in cells) for rid in flags)
    assert ws.dirty_paths() == []
    assert ws.history()[-1].value("Event") == "consolidate"


def test_rerun_after_another_return_keeps_row_ids(returned, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd, (p1, p2, p3), (w1, w2, w3), experts = returned
    first = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    before = json.loads((ws.root / first.folder / "matrix.json").read_text())["rows"]
    late = experts[3]
    item = next(i for i in rnd.items if i.reviewer == late.id)
    packet = render_revision(
        ws, "03", 1, tmp_path / "late.docx", round_id="R1", reviewer=late, packet=item.packet
    )
    back = annotate.apply(
        packet,
        [SilentEdit(paragraph=p1.id, quote=w1, new_text="RELEASE")],
        tmp_path / "late-back.docx",
    )
    assert ingest(ws, back, ws.identity(DRAFTER)).status == "recorded"
    second = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    after = {
        r["id"]: r
        for r in json.loads((ws.root / second.folder / "matrix.json").read_text())["rows"]
    }
    assert {r["id"] for r in before} == set(after)
    grown = next(r for r in after.values() if len(r["supporters"]) == 3)
    assert late.name in [s["name"] for s in grown["supporters"]]


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_opens_the_consolidated_file_and_the_matrix(returned, tmp_path) -> None:  # type: ignore[no-untyped-def]
    soffice = soffice_or_skip()
    ws, *_ = returned
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    for rel in (done.docx, done.xlsx):
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp_path}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path / "pdf"),
                str(ws.root / rel),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == [
        "consolidated.pdf",
        "matrix.pdf",
    ]


def _expected_text(
    ws: Workspace, p1, w1: str, p3, tmp_path: Path, p2=None, w2: str = ""
) -> list[str]:  # type: ignore[no-untyped-def]
    """Render the base revision with every suggestion applied: the non-conflicting ones, and
    both alternatives of the conflict on p2 (b's deletion of w2, then c's "OTHER WORDS")."""
    from drafts import chapters as chapter_ops
    from tests.helpers.render_helpers import normalised

    lines = ws.text("03", 1).split("\n")
    (l1, _), (l3, _) = p1.lines, p3.lines
    assert lines[l1 - 1].startswith(p1.text[:30]) and lines[l3 - 1].endswith(p3.text[-20:])
    lines[l1 - 1] = lines[l1 - 1].replace(w1, "RELEASE", 1)
    lines[l3 - 1] += " Cities should report yearly."
    if p2 is not None:
        (l2, _) = p2.lines
        lines[l2 - 1] = lines[l2 - 1].replace(w2, "OTHER WORDS", 1)
    edited = "\n".join(lines)
    rounds.close_round(ws, "R1", ws.identity(DRAFTER), force=True)
    chapter_ops.commit_revision(ws, "03", edited, ws.identity(DRAFTER))
    return normalised(render_revision(ws, "03", 2, tmp_path / "expected.docx"))


def test_accepting_every_change_gives_the_text_with_every_suggestion(returned, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers.render_helpers import normalised

    ws, _, (p1, p2, p3), (w1, w2, _), _ = returned
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    accepted = normalised(ws.root / done.docx, "accept")
    rejected = normalised(ws.root / done.docx, "reject")
    expected = _expected_text(ws, p1, w1, p3, tmp_path, p2, w2)
    assert accepted == expected
    assert rejected == normalised(render_revision(ws, "03", 1, tmp_path / "base.docx"))


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_accepts_every_change(example_ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """LibreOffice (through UNO) accepts every tracked change of a consolidated file.

    The file here has tracked changes only: LibreOffice 7.4 headless crashes on documents with
    comments when driven through UNO (NOTES.md; seen here on returns written by Word-style
    writers too), so comments are covered by the PDF conversion and pandoc tests above.
    """
    from tests.helpers.lo_helpers import uno_python_or_skip

    soffice_or_skip()
    python = uno_python_or_skip()
    ws = example_ws
    experts = [p for p in ws.people if "ewg" in p.groups][:2]
    rnd = rounds.open_round(
        ws, ["03"], [p.id for p in experts], date(2024, 3, 22), ws.identity(DRAFTER)
    )
    p1, p3 = [b for b in blockstore.load(ws, "03", 1).blocks if b.kind == "paragraph"][1:4:2]
    w1 = p1.text.split()[3]
    plans = [
        [Replace(paragraph=p1.id, quote=w1, new_text="RELEASE", author=experts[0].name, date=WHEN)],
        [
            Insert(
                paragraph=p3.id,
                at_end=True,
                text=" Cities should report yearly.",
                author=experts[1].name,
                date=WHEN,
            )
        ],
    ]
    for item, edits in zip(rnd.items, plans, strict=True):
        packet = render_revision(
            ws,
            "03",
            1,
            tmp_path / f"{item.reviewer}.docx",
            round_id="R1",
            reviewer=ws.person(item.reviewer),
            packet=item.packet,
        )
        back = annotate.apply(packet, edits, tmp_path / f"back-{item.reviewer}.docx")
        assert ingest(ws, back, ws.identity(DRAFTER)).status == "recorded"
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    out = tmp_path / "accepted.docx"
    script = ACCEPT_SCRIPT
    run = subprocess.run(
        [python, str(script), str(ws.root / done.docx), str(out)], capture_output=True, timeout=300
    )
    assert run.returncode == 0, run.stderr.decode()
    accepted = read_annotations(out)
    assert accepted.revisions == []
    _expected_text(ws, p1, w1, p3, tmp_path)  # commits the expected text as revision 2
    expected = read_annotations(render_revision(ws, "03", 2, tmp_path / "expected.docx"))

    def body(ann):  # type: ignore[no-untyped-def]
        return [
            " ".join(p.text_after.split())
            for p in ann.paragraphs
            if p.part == "word/document.xml" and p.text_after.strip()
        ]

    assert body(accepted) == body(expected)


@pytest.mark.slow
@pytest.mark.libreoffice
def test_every_placed_row_is_a_mark_that_survives_a_libreoffice_resave(returned, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from drafts.ooxml.write.records import mark_name

    soffice = soffice_or_skip()
    ws, *_ = returned
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    rows = json.loads((ws.root / done.folder / "matrix.json").read_text())["rows"]
    # placed: every row but those that no longer apply (each competing text of a conflict is a
    # suggestion of its own row; the conflict's comment is a piece of the first row)
    placed = {r["id"]: r["block"] for r in rows if "no longer applies" not in r["flags"]}
    assert len(placed) >= 4 and any("conflict" in r["flags"] for r in rows)

    def marks(path: Path) -> dict[str, list[str]]:
        """Return ``{mark: the bookmarks of its paragraph}`` over the file's paragraphs."""
        return {
            name: p.bookmarks
            for p in read_annotations(path).paragraphs
            for name in p.bookmarks
            if name.startswith("rm_")
        }

    def check(found: dict[str, list[str]]) -> None:
        for row, block in placed.items():
            assert block in found[mark_name(row)], row  # the first piece: on the row's block
        pieces = {mark_name(row, n) for row in placed for n in range(1, 4)}
        assert set(found) <= pieces  # nothing else is marked

    written = marks(ws.root / done.docx)
    check(written)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(tmp_path / "resaved"),
            str(ws.root / done.docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = marks(tmp_path / "resaved" / "consolidated.docx")
    check(resaved)
    assert set(resaved) == set(written)


def test_when_libreoffice_cannot_lay_out_the_chapter_the_matrix_says_so(
    returned, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    from reviewers.consolidate import build
    from reviewers.consolidate.pagelines import LayoutError

    def fails(docx, blocks):  # type: ignore[no-untyped-def]
        raise LayoutError("LibreOffice could not lay out base.docx: it crashed")

    monkeypatch.setattr(build, "page_lines", fails)
    ws, *_ = returned
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    assert done.pages_missing.startswith("LibreOffice could not lay out base.docx: it crashed")
    saved = json.loads((ws.root / done.folder / "matrix.json").read_text())
    assert saved["pages_missing"] == done.pages_missing
    assert all(r["page"] is None for r in saved["rows"])
    sheet = openpyxl.load_workbook(ws.root / done.xlsx)["Matrix"]
    said = {sheet.cell(i, 1).value: sheet.cell(i, 2).value for i in range(2, 7)}
    assert said["Page and line"] == f"missing: {done.pages_missing}"
    paragraphs = [p.text for p in Document(str(ws.root / done.matrix_docx)).paragraphs]
    assert f"Page and line: missing: {done.pages_missing}" in paragraphs


def test_the_consolidate_command_says_when_page_and_line_are_missing(
    returned, monkeypatch, cli
) -> None:  # type: ignore[no-untyped-def]
    from reviewers.consolidate import build
    from reviewers.consolidate.pagelines import LayoutError

    def fails(docx, blocks):  # type: ignore[no-untyped-def]
        raise LayoutError("soffice not found on the PATH")

    monkeypatch.setattr(build, "page_lines", fails)
    monkeypatch.setenv("PENHOLDER_ENGINE", "off")
    ws, *_ = returned
    code, out, err = cli("consolidate", "03", "--round", "R1", "-w", ws.root, "--as", DRAFTER)
    assert code == 0, err
    assert "page and line numbers are missing: soffice not found on the PATH" in err
