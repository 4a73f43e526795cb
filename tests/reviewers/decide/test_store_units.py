"""Answers kept in the workspace, without git: a stand-in workspace holds the committed matrix and
answers and records the commits asked of it, so recording and importing answers run in well under
a second each (the matrix files are really written and read back).

What a pen-holder sees is the commit (its files, subject, trailers and body), the matrix files
drafters open (every recorded answer shown), what an import reports (its kind, the rows missing,
pending or unread) and each refusal's sentence; each test states them.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import docx
import openpyxl
import pytest

from drafts import layout
from drafts.core.errors import DocumentError, NotFound, StageRefused
from drafts.models import ChapterState, Guideline, HouseStyle, Stage
from drafts.writing import Actor
from reviewers.consolidate.matrix_docx import write_docx
from reviewers.consolidate.matrix_xlsx import write_xlsx
from reviewers.consolidate.models import Matrix, Row, Supporter
from reviewers.decide import from_docx
from reviewers.decide.from_docx import DocxDecisions
from reviewers.decide.from_matrix import read_matrix
from reviewers.decide.models import Answer, DispositionLog
from reviewers.decide.store import (
    Imported,
    Recorded,
    import_file,
    load_log,
    load_matrix,
    matrix_files,
    record_answers,
)

NOW = datetime(2024, 4, 2, 10, 0, tzinfo=UTC)
IDS = [f"R1-03-00{n}" for n in range(1, 4)]
WHO = Actor("Dana Drafter", "dana@example.org")
LETTER = Guideline(title="G", organisation="UN", house=HouseStyle(paper="Letter"))
XLSX, DOCX = layout.matrix_file("R1", "03", ".xlsx"), layout.matrix_file("R1", "03", ".docx")
LOG = layout.dispositions("R1", "03")


def _matrix(round_id: str | None = "R1") -> Matrix:
    rows = [
        Row(id=i, remarks=[i], chapter="03", round=round_id, kind="comment", comment=f"c{i}",
            supporters=[Supporter(reviewer="ana", name="Ana", remark=i)])
        for i in IDS
    ]  # fmt: skip
    return Matrix(guideline="G", chapter="03", chapter_title="Scope", round=round_id, revision=1,
                  rows=rows)  # fmt: skip


class _Ws:
    """What the store asks of a workspace: committed files, the chapter's stage, the clock, the
    guideline and people, and a record of each commit (which also updates the files)."""

    def __init__(self, root: Path, stage: Stage = Stage.REVISING) -> None:
        self.root, self.stage = root, stage
        self.files = {layout.matrix_json("R1", "03"): _matrix().model_dump_json().encode()}
        self.commits: list[dict[str, Any]] = []
        self.guideline = LETTER
        drafter = SimpleNamespace(value="drafter")
        self.people = [
            SimpleNamespace(name="Dana Drafter", roles=[drafter]),
            SimpleNamespace(name="Ana Expert", roles=[SimpleNamespace(value="reviewer")]),
            SimpleNamespace(name="Eli Chief", roles=[SimpleNamespace(value="chief"), drafter]),
        ]

    def require_chapter(self, chapter: str) -> None:
        if chapter != "03":
            raise NotFound(f"no chapter {chapter!r} in this workspace (chapters: 03)")

    def committed(self, path: str) -> bytes | None:
        return self.files.get(path)

    def state(self, chapter: str) -> ChapterState:
        return ChapterState(id=chapter, stage=self.stage, revision=1)

    def now(self) -> datetime:
        return NOW

    def commit(
        self, files: dict[str, bytes], subject: str, trailers: list[tuple[str, str]],
        actor: Actor, *, body: str = "",
    ) -> str:  # fmt: skip
        self.commits.append({"files": files, "subject": subject, "trailers": trailers,
                             "actor": actor, "body": body})  # fmt: skip
        self.files.update(files)
        return f"c{len(self.commits)}"


def _shown(data: bytes, suffix: str, tmp: Path) -> list[tuple[str, str, str]]:
    """(id, disposition, response) of each row of a matrix file, as a drafter reads it."""
    path = tmp / f"shown{len(list(tmp.iterdir()))}{suffix}"
    path.write_bytes(data)
    return [(r.id, r.disposition, r.response) for r in read_matrix(path).rows]


def test_the_matrix_and_the_answers_are_read_as_committed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path)
    assert load_matrix(ws, "03", "R1") == _matrix()  # type: ignore[arg-type]
    assert load_log(ws, "03", "R1") == DispositionLog(round="R1", chapter="03", records=[])  # type: ignore[arg-type]
    with pytest.raises(NotFound) as refused:
        load_matrix(ws, "03", "R2")  # type: ignore[arg-type]
    assert str(refused.value) == (
        "chapter 03 has no consolidation in round R2; run `penholder consolidate 03 --round R2` "
        "first"
    )
    with pytest.raises(NotFound, match="no chapter '04'"):
        load_matrix(ws, "04", "R1")  # type: ignore[arg-type]


def test_answers_are_committed_with_the_matrix_files_showing_every_answer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path)
    first = record_answers(ws, "03", "R1", [Answer(row=IDS[1], disposition="noted",  # type: ignore[arg-type]
                                                   response="Thanks.")], WHO)  # fmt: skip
    assert first == Recorded(chapter="03", round="R1", changes=[f"{IDS[1]}: open -> noted (cli)"],
                             commit="c1")  # fmt: skip
    [commit] = ws.commits
    assert commit["subject"] == "Answer 1 row of chapter 03, round R1"
    assert commit["trailers"] == [("Event", "dispose"), ("Round", "R1"), ("Chapter", "03")]
    assert commit["body"] == f"{IDS[1]}: open -> noted (cli)" and commit["actor"] is WHO
    assert sorted(commit["files"]) == sorted([XLSX, DOCX, LOG])
    log = DispositionLog.model_validate_json(commit["files"][LOG])
    assert [(d.row, d.disposition, d.by, d.at, d.source) for d in log.records] == [
        (IDS[1], "noted", "Dana Drafter", NOW, "cli")
    ]
    assert commit["files"][LOG] == log.model_dump_json(indent=1).encode()
    second = record_answers(ws, "03", "R1", [  # type: ignore[arg-type]
        Answer(row=IDS[0], disposition="accepted"), Answer(row=IDS[2], disposition="rejected"),
    ], WHO, source="filled.xlsx")  # fmt: skip
    assert second.changes == [
        f"{IDS[0]}: open -> accepted (filled.xlsx)",
        f"{IDS[2]}: open -> rejected (filled.xlsx)",
    ]
    assert ws.commits[1]["subject"] == "Answer 2 rows of chapter 03, round R1"
    assert ws.commits[1]["body"] == "\n".join(second.changes)
    shown = [(IDS[0], "accepted", ""), (IDS[1], "noted", "Thanks."), (IDS[2], "not accepted", "")]
    files = ws.commits[1]["files"]
    assert _shown(files[XLSX], ".xlsx", tmp_path) == shown
    assert _shown(files[DOCX], ".docx", tmp_path) == shown
    section = docx.Document(io.BytesIO(files[DOCX])).sections[0]
    assert _cm(section) == (27.94, 21.59)  # the guideline's Letter paper, turned
    assert len(load_log(ws, "03", "R1").records) == 3  # type: ignore[arg-type]


def test_nothing_is_committed_when_nothing_changes_unless_a_file_is_kept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path)
    record_answers(ws, "03", "R1", [Answer(row=IDS[0], disposition="noted")], WHO)  # type: ignore[arg-type]
    again = record_answers(ws, "03", "R1", [Answer(row=IDS[0], disposition="noted")], WHO)  # type: ignore[arg-type]
    assert again == Recorded(chapter="03", round="R1", changes=[], commit=None)
    assert len(ws.commits) == 1
    kept = record_answers(ws, "03", "R1", [], WHO, keep={XLSX: b"the drafter's own file"})  # type: ignore[arg-type]
    assert kept.commit == "c2" and kept.changes == []
    commit = ws.commits[1]
    assert commit["subject"] == "Answer 0 rows of chapter 03, round R1"
    assert commit["files"][XLSX] == b"the drafter's own file"  # kept as it was edited
    assert sorted(commit["files"]) == sorted([XLSX, DOCX, LOG])


@pytest.mark.parametrize("stage", [Stage.SIGNED_OFF, Stage.FINAL])
def test_answers_are_frozen_once_signed_off(tmp_path, stage) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path, stage)
    with pytest.raises(StageRefused) as refused:
        record_answers(ws, "03", "R1", [Answer(row=IDS[0], disposition="noted")], WHO)  # type: ignore[arg-type]
    assert str(refused.value) == (
        f"chapter 03 is {stage.value}: its answers are frozen; open a new cycle with "
        "`penholder chapter stage 03 --to drafting --next-cycle`"
    )
    assert refused.value.rule == "frozen" and ws.commits == []
    ws.stage = Stage.READY_FOR_EGM  # the stage before: still open
    assert record_answers(ws, "03", "R1", [Answer(row=IDS[0], disposition="noted")], WHO).commit  # type: ignore[arg-type]


def test_the_matrix_files_are_written_on_the_guidelines_paper_in_the_rounds_folder(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    log = DispositionLog(round="R1", chapter="03")
    files = matrix_files(_matrix(), log, LETTER)
    assert sorted(files) == sorted([XLSX, DOCX])
    section = docx.Document(io.BytesIO(files[DOCX] or b"")).sections[0]
    assert _cm(section) == (27.94, 21.59)  # Letter, turned
    plain = matrix_files(_matrix(), log)
    section = docx.Document(io.BytesIO(plain[DOCX] or b"")).sections[0]
    assert _cm(section) == (29.7, 21.0)  # A4, turned
    assert sorted(matrix_files(_matrix(None), log)) == [
        layout.matrix_file("none", "03", ".docx"), layout.matrix_file("none", "03", ".xlsx"),
    ]  # fmt: skip


def _cm(section: Any) -> tuple[float, float]:
    return round(section.page_width.cm, 2), round(section.page_height.cm, 2)


def _filled(tmp: Path, name: str, answers: dict[str, str]) -> Path:
    rows = [r.model_copy(update={"disposition": answers.get(r.id, "")}) for r in _matrix().rows]
    out = tmp / name
    out.parent.mkdir(parents=True, exist_ok=True)
    write_xlsx(_matrix().model_copy(update={"rows": rows}), out)
    wb = openpyxl.load_workbook(out)
    wb["Matrix"]["Q1"] = "the drafter's own note"  # what a rewritten matrix would not keep
    wb.save(out)
    return out


def test_a_filled_in_matrix_is_imported_and_the_workspaces_own_file_kept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path / "ws")
    elsewhere = _filled(tmp_path, "filled.xlsx", {IDS[0]: "accepted"})
    done = import_file(ws, "03", "R1", elsewhere, WHO)  # type: ignore[arg-type]
    assert done.kind == "matrix (.xlsx)" and done.missing == []
    assert done.recorded.changes == [f"{IDS[0]}: open -> accepted (filled.xlsx)"]
    assert ws.commits[0]["files"][XLSX] != elsewhere.read_bytes()  # rewritten, not kept
    own = _filled(tmp_path / "ws", XLSX, {IDS[0]: "accepted", IDS[1]: "noted"})
    done = import_file(
        ws, "03", "R1", tmp_path / "ws" / "consolidated/R1/../R1/03/matrix.xlsx", WHO
    )  # type: ignore[arg-type]
    assert done.recorded.changes == [f"{IDS[1]}: open -> noted (matrix.xlsx)"]
    assert ws.commits[1]["files"][XLSX] == own.read_bytes()


def test_a_word_matrix_is_imported_as_a_matrix(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path / "ws")
    matrix = _matrix()
    answered = matrix.model_copy(update={"rows": [
        r.model_copy(update={"disposition": "noted"}) for r in matrix.rows[:2]
    ]})  # fmt: skip
    own = tmp_path / "ws" / DOCX
    own.parent.mkdir(parents=True)
    write_docx(answered, own)  # the third row cut out
    done = import_file(ws, "03", "R1", own, WHO)  # type: ignore[arg-type]
    assert done.kind == "matrix (.docx)" and done.missing == [IDS[2]]
    assert done.recorded.changes == [f"{i}: open -> noted (matrix.docx)" for i in IDS[:2]]
    assert ws.commits[0]["files"][DOCX] == own.read_bytes()


def _word(path: Path, tables: list[list[list[str]]]) -> Path:
    doc = docx.Document()
    doc.add_paragraph("Chapter 03")
    for rows in tables:
        table = doc.add_table(rows=len(rows), cols=2)
        for i, (a, b) in enumerate(rows):
            table.cell(i, 0).text, table.cell(i, 1).text = a, b
    doc.save(str(path))
    return path


def test_any_other_word_file_is_read_as_the_consolidated_file_decided_by_the_drafters(
    tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    asked: list[tuple[Path, Matrix, set[str]]] = []

    def decisions(path: Path, matrix: Matrix, drafters: set[str]) -> DocxDecisions:
        asked.append((path, matrix, drafters))
        return DocxDecisions(
            file=path.name, answers=[Answer(row=IDS[0], disposition="accepted")],
            pending=[IDS[1]], conflicts=[IDS[2]], missing={"R1-03-009": "its mark is gone"},
        )  # fmt: skip

    monkeypatch.setattr(from_docx, "decisions_from_consolidated", decisions)
    ws = _Ws(tmp_path)
    # tables, but none whose first row has a disposition column: not a matrix
    path = _word(tmp_path / "decided.docx", [[["id", "comment"], ["x", "disposition"]], []])
    done = import_file(ws, "03", "R1", path, WHO)  # type: ignore[arg-type]
    assert asked == [(path, _matrix(), {"Dana Drafter", "Eli Chief"})]
    assert done == Imported(
        kind="consolidated (.docx)",
        recorded=Recorded(chapter="03", round="R1",
                          changes=[f"{IDS[0]}: open -> accepted (decided.docx)"], commit="c1"),
        missing=[], pending=[IDS[1]],
        unread={"R1-03-009": "its mark is gone",
                IDS[2]: "a conflict: answer it from the CLI or the matrix"},
    )  # fmt: skip
    matrix_table = _word(tmp_path / "m.docx", [[["ID", "Disposition"], [IDS[1], "noted"]]])
    assert import_file(ws, "03", "R1", matrix_table, WHO).kind == "matrix (.docx)"  # type: ignore[arg-type]
    assert len(asked) == 1


def test_a_damaged_word_file_is_refused_naming_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = _Ws(tmp_path)
    damaged = tmp_path / "decided.docx"
    damaged.write_bytes(b"PK\x03\x04 cut short in the mail")
    with pytest.raises(DocumentError, match=f"^{re.escape(str(damaged))} "):
        import_file(ws, "03", "R1", damaged, WHO)  # type: ignore[arg-type]
    assert ws.commits == []
