"""Answering a round on real files: CLI answers, matrix files, re-consolidation, revise, guards,
letters. Each test names the behaviour it protects."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date

import openpyxl
import pytest
from docx import Document

from drafts import blockstore, chapters
from drafts.blocks import blocks_of
from drafts.core.errors import DocumentError, StageRefused
from drafts.models import Stage
from drafts.ooxml.write.records import mark_name
from drafts.workspace import Workspace
from reviewers import guards as all_guards
from reviewers.consolidate.build import consolidate
from reviewers.consolidate.matrix import HEADERS
from reviewers.consolidate.models import Matrix
from reviewers.decide.answers import fill
from reviewers.decide.letters import send_letters
from reviewers.decide.models import Answer
from reviewers.decide.revise import revise
from reviewers.decide.store import import_file, load_log, load_matrix, record_answers
from reviewers.rounds import lifecycle as rounds
from reviewers.send.packets import build_packet
from tests.conftest import DRAFTER
from tests.helpers.ooxml_decide import decide
from tests.helpers.render_helpers import normalised


def _consolidate(ws: Workspace) -> Matrix:
    log = load_log(ws, "03", "R1")
    consolidate(ws, "03", "R1", ws.identity(DRAFTER), answers=lambda m: fill(m, log))
    return load_matrix(ws, "03", "R1")


@pytest.fixture
def consolidated(returned):  # type: ignore[no-untyped-def]
    ws, rnd, paras, words, experts = returned
    rounds.close_round(ws, "R1", ws.identity(DRAFTER), force=True)
    return ws, _consolidate(ws), paras, words, experts


def _answer(ws: Workspace, *answers: Answer, source: str = "cli"):  # type: ignore[no-untyped-def]
    return record_answers(ws, "03", "R1", list(answers), ws.identity(DRAFTER), source=source)


def _rows(matrix: Matrix, kind: str) -> list[str]:
    return [r.id for r in matrix.rows if r.kind == kind and "conflict" not in r.flags]


def test_answers_are_committed_and_the_matrix_files_show_them(consolidated) -> None:  # type: ignore[no-untyped-def]
    ws, matrix, *_ = consolidated
    row = matrix.rows[0].id
    done = _answer(ws, Answer(row=row, disposition="noted", response="Thanks."))
    assert done.changes == [f"{row}: open -> noted (cli)"]
    head = ws.history()[-1]
    assert (head.value("Event"), head.value("Round"), head.value("Chapter")) == (
        "dispose",
        "R1",
        "03",
    )
    sheet = openpyxl.load_workbook(ws.root / "consolidated/R1/03/matrix.xlsx").active
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=7)]
    header = values[0]
    mine = next(v for v in values if v[0] == row)
    assert mine[header.index("disposition")] == "noted"
    assert mine[header.index("response")] == "Thanks."
    assert _answer(ws, Answer(row=row, disposition="noted", response="Thanks.")).commit is None


def test_a_matrix_filled_in_resorted_and_cut_is_matched_by_id(consolidated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, matrix, *_ = consolidated
    src = ws.root / "consolidated/R1/03/matrix.xlsx"
    wb = openpyxl.load_workbook(src)
    sheet = wb.active
    header = [c.value for c in sheet[7]]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=8)]
    rows.reverse()  # re-sorted by the drafter
    dropped = rows.pop()[0]  # and one row deleted
    for i, values in enumerate(rows, start=8):
        for j, value in enumerate(values, start=1):
            sheet.cell(i, j, value)
    sheet.delete_rows(8 + len(rows))
    first = rows[0][0]
    sheet.cell(8, header.index("disposition") + 1, "accepted with modification")
    sheet.cell(8, header.index("adopted text") + 1, "a better text")
    sheet.cell(9, header.index("disposition") + 1, "NOT ACCEPTED")
    out = tmp_path / "filled.docx"  # a workbook under another name: told by its content
    wb.save(tmp_path / "filled.xlsx")
    (tmp_path / "filled.xlsx").rename(out)
    done = import_file(ws, "03", "R1", out, ws.identity(DRAFTER))
    assert done.missing == [dropped]
    current = load_log(ws, "03", "R1").current()
    assert (current[first].disposition, current[first].adopted) == ("modified", "a better text")
    assert current[rows[1][0]].disposition == "rejected"
    assert current[first].source == "filled.docx" and done.kind == "matrix (.xlsx)"


def test_a_type_the_drafter_changes_in_the_matrix_is_kept_when_consolidated_again(
    consolidated, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ws, matrix, *_ = consolidated
    row = next(r for r in matrix.rows if r.type != "technical" and "conflict" not in r.flags)
    wb = openpyxl.load_workbook(ws.root / "consolidated/R1/03/matrix.xlsx")
    sheet = wb.active
    header = [c.value for c in sheet[7]]
    line = next(r[0].row for r in sheet.iter_rows(min_row=8) if r[0].value == row.id)
    sheet.cell(line, header.index("type") + 1, "technical")
    sheet.cell(line, header.index("disposition") + 1, "noted")
    out = tmp_path / "typed.xlsx"
    wb.save(out)
    done = import_file(ws, "03", "R1", out, ws.identity(DRAFTER))
    assert done.recorded.changes == [f"{row.id}: open -> noted, type technical (typed.xlsx)"]
    again = _consolidate(ws)  # the rule proposes the old type; the drafter's stays
    assert next(r for r in again.rows if r.id == row.id).type == row.type
    shown = openpyxl.load_workbook(ws.root / "consolidated/R1/03/matrix.xlsx").active
    values = next([c.value for c in r] for r in shown.iter_rows(min_row=8) if r[0].value == row.id)
    assert values[header.index("type")] == "technical"
    sheet.cell(line, header.index("type") + 1, "urgent")
    wb.save(out)
    with pytest.raises(DocumentError, match=rf"{row.id} has type 'urgent'; use one of: general"):
        import_file(ws, "03", "R1", out, ws.identity(DRAFTER))


def test_the_word_matrix_is_read_back_too(consolidated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, matrix, *_ = consolidated
    doc = Document(str(ws.root / "consolidated/R1/03/matrix.docx"))
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    target = next(r for r in table.rows[1:] if r.cells[0].text)  # group headings have no id
    row_id = target.cells[0].text
    target.cells[header.index("disposition")].text = "noted"
    target.cells[header.index("response")].text = "See paragraph 12."
    out = tmp_path / "matrix-filled.docx"
    doc.save(str(out))
    done = import_file(ws, "03", "R1", out, ws.identity(DRAFTER))
    assert done.recorded.changes == [f"{row_id}: open -> noted (matrix-filled.docx)"]
    assert load_log(ws, "03", "R1").current()[row_id].response == "See paragraph 12."


def test_bad_matrix_files_are_refused_naming_the_cell_or_id(consolidated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, matrix, *_ = consolidated
    head = ws.repo.head.commit.hexsha
    src = ws.root / "consolidated/R1/03/matrix.xlsx"
    for edit, message in [
        (lambda s, h: s.cell(8, h.index("disposition") + 1, "approved"), "has disposition 'approved'"),
        (lambda s, h: s.cell(8, h.index("id") + 1, "R1-03-999"), "R1-03-999 is not a row of chapter 03"),
        (lambda s, h: s.cell(4, 2, "R7"), "is the matrix of chapter 03, round R7"),
    ]:  # fmt: skip
        wb = openpyxl.load_workbook(src)
        sheet = wb.active
        edit(sheet, [c.value for c in sheet[7]])
        out = tmp_path / "bad.xlsx"
        wb.save(out)
        with pytest.raises(DocumentError, match=message):
            import_file(ws, "03", "R1", out, ws.identity(DRAFTER))
    assert ws.repo.head.commit.hexsha == head


def test_reconsolidation_keeps_every_answer_and_refuses_unimported_edits(consolidated) -> None:  # type: ignore[no-untyped-def]
    ws, matrix, *_ = consolidated
    rows = [r.id for r in matrix.rows]
    _answer(ws, *[Answer(row=r, disposition="noted", response=f"n{i}") for i, r in enumerate(rows)])
    again = _consolidate(ws)
    sheet = openpyxl.load_workbook(ws.root / "consolidated/R1/03/matrix.xlsx").active
    cells = {r[0].value: r for r in sheet.iter_rows(min_row=8)}
    disposition = HEADERS.index("disposition")
    assert all(cells[r][disposition].value == "noted" for r in rows)
    assert [r.id for r in again.rows] == rows
    own = ws.root / "consolidated/R1/03/matrix.xlsx"
    wb = openpyxl.load_workbook(own)
    wb.active.cell(8, 14, "accepted")
    wb.save(own)
    with pytest.raises(StageRefused, match="import them with `penholder matrix import 03"):
        _consolidate(ws)
    done = import_file(ws, "03", "R1", own, ws.identity(DRAFTER))
    assert done.recorded.changes and ws.dirty_paths() == []
    assert ws.committed("consolidated/R1/03/matrix.xlsx") == own.read_bytes()


def test_revise_applies_exactly_the_accepted_rows_and_resolves_their_remarks(
    consolidated, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ws, matrix, (p1, p2, p3), (w1, w2, w3), _ = consolidated
    applied = [
        r for r in matrix.rows if r.kind in ("replace", "insert") and "conflict" not in r.flags
    ]
    answers = [Answer(row=r.id, disposition="accepted") for r in applied]
    comment = next(r for r in matrix.rows if r.kind == "comment")
    answers.append(Answer(row=comment.id, disposition="noted", response="Added a source."))
    _answer(ws, *answers)
    done = revise(ws, "03", "R1", ws.identity(DRAFTER))
    assert sorted(done.applied) == sorted(r.id for r in applied)
    state = ws.state("03")
    assert (state.stage, state.revision) == (Stage.REVISING, 2)
    texts = [b.text for b in blocks_of(ws.text("03"), blockstore.bibliography(ws))]
    assert p1.text.replace(w1, "RELEASE", 1) in texts
    assert p3.text + " Cities should report yearly." in texts
    assert p2.text in texts  # the conflict stays unanswered: the text is untouched
    trailers = subprocess.run(
        ["git", "log", "-1", "--format=%B"], cwd=ws.root, capture_output=True, text=True, check=True
    ).stdout
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=trailers, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    resolves = sorted(
        line.split(": ", 1)[1] for line in parsed.splitlines() if line.startswith("Resolves")
    )
    expected = sorted(i for r in [*applied, comment] for i in r.remarks)
    assert resolves == expected
    with pytest.raises(StageRefused, match="nothing to revise"):
        revise(ws, "03", "R1", ws.identity(DRAFTER))  # nothing is applied twice


def test_accepting_every_row_gives_the_consolidated_file_with_every_change_accepted(
    consolidated, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ws, matrix, *_ = consolidated
    placed = [r for r in matrix.rows if r.kind != "comment" and "conflict" not in r.flags]
    _answer(ws, *[Answer(row=r.id, disposition="accepted") for r in placed])
    revise(ws, "03", "R1", ws.identity(DRAFTER))
    notes = re.compile(r"\[\d+\]")  # pandoc's plain text shows footnote marks, blocks do not
    # a conflict's competing texts are all suggestions: reject them, as the rows are unanswered
    conflicts = [("reject", mark_name(r.id)) for r in matrix.rows if "conflict" in r.flags]
    decided = decide(
        ws.root / "consolidated/R1/03/consolidated.docx", tmp_path / "decided.docx", conflicts
    )
    accepted = [notes.sub("", t) for t in normalised(decided)]
    revised = blocks_of(ws.text("03"), blockstore.bibliography(ws))
    body = [" ".join(b.text.split()) for b in revised if b.kind in ("paragraph", "heading")]
    assert [t for t in body if t not in accepted] == []


def test_guards_block_what_is_not_answered_and_a_new_round_without_a_new_revision(
    consolidated,
) -> None:  # type: ignore[no-untyped-def]
    ws, matrix, *_ = consolidated
    all_guards.install()
    who = ws.identity(DRAFTER)
    with pytest.raises(StageRefused, match=r"rows? of round R1 unanswered \(R1-03-"):
        chapters.move_stage(ws, "03", Stage.REVISING, who)
        chapters.move_stage(ws, "03", Stage.READY_FOR_EGM, who)
    with pytest.raises(StageRefused, match="unanswered.*no new revision since round R1"):
        rounds.open_round(ws, ["03"], [ws.people[0].id], date(2024, 4, 30), who)
    rnd = rounds.open_round(
        ws, ["03"], [p.id for p in ws.people][:1], date(2024, 4, 30), who, force_reason="EGM asked"
    )
    assert ws.history()[-1].value("Forced") == "EGM asked" and rnd.id == "R2"


def test_revising_needs_the_consolidation(returned) -> None:  # type: ignore[no-untyped-def]
    ws, *_ = returned
    all_guards.install()
    rounds.close_round(ws, "R1", ws.identity(DRAFTER), force=True)
    with pytest.raises(
        StageRefused, match="round R1 is not consolidated yet; run `penholder consolidate 03"
    ):
        chapters.move_stage(ws, "03", Stage.REVISING, ws.identity(DRAFTER))


def test_letters_tell_each_expert_and_ride_in_their_next_packet(consolidated) -> None:  # type: ignore[no-untyped-def]
    ws, matrix, *_ = consolidated
    row = matrix.rows[0]
    _answer(ws, Answer(row=row.id, disposition="rejected", response="Out of scope."))
    done = send_letters(ws, "03", "R1", ws.identity(DRAFTER))
    expert = row.supporters[0].reviewer
    assert f"letters/R1/03/{expert}.docx" in done.files
    text = "\n".join(
        p.text for p in Document(str(ws.root / f"letters/R1/03/{expert}.docx")).paragraphs
    )
    assert row.id in text and "Disposition: not accepted" in text and "Out of scope." in text
    assert f"letter-03-{expert}" in done.sent
    assert json.dumps(done.sent)  # sent once; again is skipped
    assert send_letters(ws, "03", "R1", ws.identity(DRAFTER)).skipped
    revise_text = ws.text("03") + "\nA new closing paragraph.\n"
    chapters.commit_revision(ws, "03", revise_text, ws.identity(DRAFTER))
    rnd = rounds.open_round(ws, ["03"], [expert], date(2024, 5, 30), ws.identity(DRAFTER))
    packet = build_packet(ws, rnd, ws.person(expert))
    assert "How your comments on chapter 03 were addressed (R1).docx" in packet.files
