"""Decisions read back from a real consolidated .docx: by our OOXML layer and by real LibreOffice."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from drafts.core.errors import DocumentError
from drafts.ooxml.read.marks import read_marks
from drafts.ooxml.write.records import MARK_PREFIX, mark_name
from drafts.word.revision import render_revision
from reviewers.decide.from_docx import (
    ConsolidatedFileRefused,
    DocxDecisions,
    decisions_from_consolidated,
)
from reviewers.decide.models import Answer
from tests.conftest import soffice_or_skip
from tests.helpers.consolidated import ADDED, Built, consolidated_round
from tests.helpers.lo_helpers import uno_python_or_skip
from tests.helpers.ooxml_decide import decide

DECIDE_SCRIPT = Path(__file__).parents[2] / "helpers" / "lo_decide.py"
DRAFTER_NAME = "Amina Odhiambo"
WHEN = "2024-03-20T10:00:00Z"


@pytest.fixture
def built(example_ws, tmp_path: Path) -> Built:  # type: ignore[no-untyped-def]
    return consolidated_round(example_ws, tmp_path)


def _thread_of(built: Built, key: str) -> str:
    """The id of the comment that opens row ``key``'s thread in the consolidated file."""
    marks = read_marks(built.docx, MARK_PREFIX).marks
    return marks[mark_name(built.rows[key].id)].comments[0]


def _reply(built: Built, text: str, resolved: bool = False) -> tuple:  # type: ignore[type-arg]
    return (_thread_of(built, "comment"), (DRAFTER_NAME, "AO", WHEN, text), resolved)


def _expected(built: Built, adopted: str, response: str) -> DocxDecisions:
    r = built.rows
    return DocxDecisions(
        file="",
        answers=[
            Answer(row=r["replace"].id, disposition="accepted"),
            Answer(row=r["delete"].id, disposition="rejected"),
            Answer(row=r["comment"].id, disposition="noted", response=response),
            Answer(row=r["insert"].id, disposition="rejected"),
            Answer(row=r["edited"].id, disposition="modified", adopted=adopted),
        ],
        pending=[r["pending"].id],
        conflicts=[r["conflict"].id, r["conflict2"].id],
    )


def _sorted(d: DocxDecisions) -> DocxDecisions:
    """The decisions without the file name, answers in row order (for comparisons)."""
    return d.model_copy(update={"file": "", "answers": sorted(d.answers, key=lambda a: a.row)})


def test_an_undecided_file_leaves_every_placed_row_pending(built: Built) -> None:
    found = decisions_from_consolidated(built.docx, built.matrix, built.drafters)
    r = built.rows
    assert found.answers == []
    assert sorted(found.pending) == sorted(
        r[k].id for k in ("replace", "delete", "comment", "insert", "edited", "pending")
    )
    assert sorted(found.conflicts) == sorted([r["conflict"].id, r["conflict2"].id])
    assert found.unplaced == [] and found.missing == {}


def test_decisions_written_by_our_ooxml_layer_are_read_exactly(built: Built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = built.rows
    name = {k: mark_name(row.id) for k, row in r.items()}
    out = decide(
        built.docx,
        tmp_path / "decided.docx",
        [
            ("accept", name["replace"]),
            ("reject", name["delete"]),
            ("reject", name["insert"]),
            ("drop", name["insert"]),  # LibreOffice drops the emptied bookmark
            ("edit", name["edited"], "fair", "inclusive"),
            ("accept", name["edited"]),
        ],
        [_reply(built, "We will cite UN-Habitat 2022.")],
    )
    found = decisions_from_consolidated(out, built.matrix, built.drafters)
    assert found.file == str(out)
    expected = _expected(built, "smart and inclusive", "We will cite UN-Habitat 2022.")
    assert _sorted(found) == _sorted(expected)


@pytest.mark.parametrize(
    ("reply", "resolved", "answer"),
    [
        ("Not accepted \u2014 out of scope.", False, ("rejected", "out of scope.")),
        ("accepted: cited in 3.2", False, ("accepted", "cited in 3.2")),
        ("Accepted editorially", False, ("noted", "Accepted editorially")),
        (None, True, ("noted", "")),
        (None, False, None),
    ],
)
def test_a_comment_row_is_answered_by_the_drafter(
    built: Built, tmp_path, reply, resolved, answer
) -> None:  # type: ignore[no-untyped-def]
    replies = [_reply(built, reply, resolved)] if reply else []
    if resolved and not reply:  # resolve the thread: a reply by an expert, thread marked done
        replies = [(_thread_of(built, "comment"), ("Ana Lima", "AL", WHEN, "Thanks."), True)]
    out = decide(built.docx, tmp_path / "replied.docx", [], replies)
    found = decisions_from_consolidated(out, built.matrix, built.drafters)
    row = built.rows["comment"].id
    got = next((a for a in found.answers if a.row == row), None)
    if answer is None:
        assert got is None and row in found.pending
    else:
        assert got == Answer(row=row, disposition=answer[0], response=answer[1])


def test_a_reply_by_someone_who_is_not_a_drafter_answers_nothing(built: Built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    replies = [(_thread_of(built, "comment"), ("Ana Lima", "AL", WHEN, "Rejected: no."), False)]
    out = decide(built.docx, tmp_path / "replied.docx", [], replies)
    found = decisions_from_consolidated(out, built.matrix, built.drafters)
    assert built.rows["comment"].id in found.pending


def test_a_vanished_insertion_whose_text_stands_is_not_guessed(built: Built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    name = mark_name(built.rows["insert"].id)
    out = decide(built.docx, tmp_path / "d.docx", [("accept", name), ("drop", name)])
    found = decisions_from_consolidated(out, built.matrix, built.drafters)
    assert built.rows["insert"].id in found.missing
    assert ADDED.strip() in read_marks(out, MARK_PREFIX).paragraphs[built.rows["insert"].block]


# -- refusals -------------------------------------------------------------------------------------


def _refused(path: Path, built: Built, matrix=None) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ConsolidatedFileRefused) as caught:
        decisions_from_consolidated(path, matrix or built.matrix, built.drafters)
    message = str(caught.value)
    assert str(path) in message and message.count(". ") == 0, message  # one sentence
    return message


def test_a_packet_is_refused(built: Built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    back = sorted(tmp_path.glob("back-*.docx"))[0]  # a returned packet
    assert "packet" in _refused(back, built) and "penholder import" in _refused(back, built)


def test_any_other_docx_is_refused(built: Built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    matrix_docx = built.docx.with_name("matrix.docx")
    assert "no penholder stamp" in _refused(matrix_docx, built)
    not_docx = tmp_path / "notes.docx"
    not_docx.write_text("plain text")
    with pytest.raises(DocumentError):
        decisions_from_consolidated(not_docx, built.matrix, built.drafters)


def test_a_render_without_row_marks_is_refused(built: Built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    render = render_revision(built.ws, "03", 1, tmp_path / "render.docx", round_id="R1")
    assert "no row marks" in _refused(render, built)


@pytest.mark.parametrize("other", [{"round": "R2"}, {"chapter": "04"}, {"revision": 2}])
def test_another_chapter_round_or_revision_is_refused(built: Built, other) -> None:  # type: ignore[no-untyped-def]
    matrix = built.matrix.model_copy(update=other)
    message = _refused(built.docx, built, matrix)
    assert "chapter 03, round R1, revision 1" in message


# -- real LibreOffice ------------------------------------------------------------------------------


def _lo_decide(python: str, src: Path, out: Path, ops: list[dict[str, str]]) -> None:
    """Run ``ops`` on ``src`` in real LibreOffice as the drafter (``tests/helpers/lo_decide.py``)."""
    args = [python, str(DECIDE_SCRIPT), str(src), str(out), "--author", DRAFTER_NAME]
    run = subprocess.run([*args, "--ops", json.dumps(ops)], capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr.decode()


@pytest.mark.slow
@pytest.mark.libreoffice
def test_decisions_made_in_real_libreoffice_are_read_exactly(built: Built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Accept, reject, edit then accept, leave pending: in LibreOffice, on a file with comments.

    The drafter's reply is written with our OOXML writer first (inserting a comment through UNO
    aborts LibreOffice 7.4); LibreOffice then decides, re-saves, renumbers every id and drops
    the reply's link to its thread, and moves bookmark ends after comments.
    """
    soffice_or_skip()
    python = uno_python_or_skip()
    r = built.rows
    name = {k: mark_name(row.id) for k, row in r.items()}
    replied = decide(built.docx, tmp_path / "replied.docx", [], [_reply(built, "Will cite it.")])
    ops = [
        {"op": "accept", "mark": name["replace"]},
        {"op": "reject", "mark": name["delete"]},
        {"op": "reject", "mark": name["insert"]},
        {"op": "edit", "mark": name["edited"], "quote": "and", "text": "or"},
        {"op": "accept", "mark": name["edited"]},
    ]
    out = tmp_path / "decided-in-lo.docx"
    _lo_decide(python, replied, out, ops)
    found = decisions_from_consolidated(out, built.matrix, built.drafters)
    assert _sorted(found) == _sorted(_expected(built, "smart or fair", "Will cite it."))


@pytest.mark.slow
@pytest.mark.libreoffice
def test_accepting_everything_in_libreoffice_reads_as_accepted(built: Built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The other half: accepted insertion (its bookmark end read short after a comment),
    accepted deletion (an emptied bookmark), rejected replacement."""
    soffice_or_skip()
    python = uno_python_or_skip()
    r = built.rows
    ops = [
        {"op": "reject", "mark": mark_name(r["replace"].id)},
        {"op": "accept", "mark": mark_name(r["delete"].id)},
        {"op": "accept", "mark": mark_name(r["insert"].id)},
        {"op": "accept", "mark": mark_name(r["pending"].id)},
        {"op": "reject", "mark": mark_name(r["edited"].id)},
    ]
    out = tmp_path / "accepted-in-lo.docx"
    _lo_decide(python, built.docx, out, ops)
    found = decisions_from_consolidated(out, built.matrix, built.drafters)
    assert sorted((a.row, a.disposition, a.adopted) for a in found.answers) == sorted(
        [
            (r["replace"].id, "rejected", None),
            (r["delete"].id, "accepted", None),
            (r["insert"].id, "accepted", None),
            (r["pending"].id, "accepted", None),
            (r["edited"].id, "rejected", None),
        ]
    )
    assert found.pending == [r["comment"].id] and found.missing == {}


def test_matrix_import_takes_the_consolidated_file_and_revise_applies_it(
    built: Built, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from drafts import blockstore
    from drafts.blocks import blocks_of
    from drafts.workspace import Workspace
    from reviewers.decide.revise import revise
    from reviewers.decide.store import import_file, load_log
    from tests.conftest import DRAFTER

    ws: Workspace = built.ws
    r = built.rows
    out = decide(
        built.docx,
        tmp_path / "decided in Word.docx",
        [("accept", mark_name(r["replace"].id)), ("reject", mark_name(r["delete"].id))],
    )
    done = import_file(ws, built.matrix.chapter, "R1", out, ws.identity(DRAFTER))
    assert done.kind == "consolidated (.docx)"
    assert done.recorded.changes == [
        f"{r['replace'].id}: open -> accepted (decided in Word.docx)",
        f"{r['delete'].id}: open -> rejected (decided in Word.docx)",
    ]
    assert r["pending"].id in done.pending and r["conflict"].id in done.unread
    current = load_log(ws, built.matrix.chapter, "R1").current()
    assert current[r["replace"].id].source == "decided in Word.docx"
    from reviewers.rounds import lifecycle as rounds

    if ws.state(built.matrix.chapter).stage.value == "in_review":
        rounds.close_round(ws, "R1", ws.identity(DRAFTER), force=True)
    revise(ws, built.matrix.chapter, "R1", ws.identity(DRAFTER))
    texts = [b.text for b in blocks_of(ws.text(built.matrix.chapter), blockstore.bibliography(ws))]
    assert any("RELEASE" in t for t in texts)


def test_revise_gives_the_text_of_the_consolidated_file_as_decided_in_it(
    built: Built, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Some changes accepted, some rejected, one edited then accepted, in the consolidated
    file: the revision revise makes reads as that file does (pandoc's reading of it)."""
    import re

    from drafts import blockstore
    from drafts.blocks import blocks_of
    from reviewers.decide.revise import revise
    from reviewers.decide.store import import_file
    from reviewers.rounds import lifecycle as rounds
    from tests.conftest import DRAFTER
    from tests.helpers.render_helpers import normalised

    ws, r = built.ws, built.rows
    name = {k: mark_name(row.id) for k, row in r.items()}
    out = decide(
        built.docx,
        tmp_path / "decided.docx",
        [
            ("accept", name["replace"]),
            ("reject", name["delete"]),
            ("reject", name["insert"]),
            ("drop", name["insert"]),
            ("edit", name["edited"], "fair", "inclusive"),
            ("accept", name["edited"]),
            ("accept", name["pending"]),
            ("reject", name["conflict"]),  # competing texts, answered elsewhere
            ("reject", name["conflict2"]),
        ],
    )
    import_file(ws, "03", "R1", out, ws.identity(DRAFTER))
    rounds.close_round(ws, "R1", ws.identity(DRAFTER), force=True)
    revise(ws, "03", "R1", ws.identity(DRAFTER))
    notes = re.compile(r"\[\d+\]")
    as_decided = [notes.sub("", t) for t in normalised(out)]
    revised = blocks_of(ws.text("03"), blockstore.bibliography(ws))
    body = [" ".join(b.text.split()) for b in revised if b.kind == "paragraph"]
    assert [t for t in body if t not in as_decided] == []
