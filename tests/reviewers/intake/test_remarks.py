"""Remarks read from annotated returns: every kind, mapped to the right block and range."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from drafts import blockstore
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import (
    Comment,
    Delete,
    Format,
    Insert,
    InsertParagraph,
    Move,
    Replace,
    Reply,
    SilentEdit,
)
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.intake.ingest import ingest
from reviewers.intake.remarks import Remark, load_all
from reviewers.models import Round
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER

WHEN = datetime(2024, 3, 15, 9, 30)


@pytest.fixture
def setting(example_ws: Workspace, tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = example_ws
    reviewer = next(p for p in ws.people if "ewg" in p.groups)
    rnd = rounds.open_round(ws, ["03"], [reviewer.id], date(2024, 3, 22), ws.identity(DRAFTER))
    item = rnd.items[0]
    packet = render_revision(
        ws,
        "03",
        item.revision,
        tmp_path / "packet.docx",
        round_id=rnd.id,
        reviewer=reviewer,
        packet=item.packet,
    )
    paragraphs = [b for b in blockstore.load(ws, "03", 1).blocks if b.kind == "paragraph"]
    return ws, rnd, reviewer, packet, paragraphs


def remarks_of(ws: Workspace, rnd: Round) -> list[Remark]:
    return [r for s in load_all(ws, "03", rnd.id) for r in s.remarks]


def test_every_kind_of_annotation_becomes_one_mapped_remark(setting, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd, reviewer, packet, paras = setting
    a, b, c, d = paras[0], paras[1], paras[2], paras[3]
    qa, qb, qc = a.text.split()[3], " ".join(b.text.split()[4:6]), c.text.split()[-1].rstrip(".")
    moved = " ".join(d.text.split()[:3])
    name = reviewer.name
    edits = [
        Comment(
            paragraph=a.id,
            quote=qa,
            text="Define this term.",
            author=name,
            initials="X",
            date=WHEN,
            replies=[Reply(author="Second Reader", initials="SR", date=WHEN, text="Agreed.")],
        ),
        Insert(
            paragraph=a.id,
            after_quote=qa,
            text=" (including informal settlements)",
            author=name,
            date=WHEN,
        ),
        Delete(paragraph=b.id, quote=qb, author="Colleague Two", date=WHEN),
        Replace(paragraph=c.id, quote=qc, new_text="communities", author=name, date=WHEN),
        Format(paragraph=c.id, quote=c.text.split()[0], bold=True, author=name, date=WHEN),
        Move(
            from_paragraph=d.id, quote=moved, to_paragraph=a.id, at_end=True, author=name, date=WHEN
        ),
        InsertParagraph(
            after_paragraph=b.id, text="A new paragraph from the reviewer.", author=name, date=WHEN
        ),
        SilentEdit(paragraph=paras[5].id, quote=paras[5].text.split()[2], new_text="XYZZY"),
    ]
    back = annotate.apply(packet, edits, tmp_path / "back.docx", word_like_resave=True)
    outcome = ingest(ws, back, ws.identity(DRAFTER))
    assert outcome.status == "recorded", outcome.message
    found = remarks_of(ws, rnd)
    kinds = sorted(r.kind for r in found)
    assert kinds == sorted(
        ["comment", "comment", "insert", "delete", "replace", "format", "move", "insert", "silent"]
    )
    assert [r.id for r in found] == [f"R1-03-{i:03d}" for i in range(1, len(found) + 1)]
    by_kind = {r.kind: r for r in found}

    comment, reply = [r for r in found if r.kind == "comment"]
    assert (comment.block, comment.anchor_text, comment.author) == (a.id, qa, name)
    assert a.text[comment.start : comment.end] == qa
    assert reply.parent == comment.id and reply.author == "Second Reader"

    deletion = by_kind["delete"]
    assert deletion.author == "Colleague Two"  # several people in one file keep their names
    assert (deletion.block, b.text[deletion.start : deletion.end]) == (b.id, qb)
    assert deletion.proposed == "" and deletion.reviewer == reviewer.id

    replace = by_kind["replace"]
    assert (replace.block, c.text[replace.start : replace.end], replace.proposed) == (
        c.id,
        qc,
        "communities",
    )

    move = by_kind["move"]
    assert (move.block, d.text[move.start : move.end], move.target_block) == (d.id, moved, a.id)

    silent = by_kind["silent"]
    word = paras[5].text.split()[2]
    assert (silent.block, silent.anchor_text, silent.proposed) == (paras[5].id, word, "XYZZY")
    assert paras[5].text[silent.start : silent.end] == word
    assert silent.author == name

    inserts = [r for r in found if r.kind == "insert"]
    assert {r.block for r in inserts} == {a.id, b.id}
    for r in found:
        assert r.section and r.paragraph is not None and r.packet == rnd.items[0].packet
        assert r.late is False and r.round == "R1" and r.revision == 1


def test_return_on_an_older_revision_maps_to_that_revision(setting, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd, reviewer, packet, paras = setting
    rounds.close_round(ws, rnd.id, ws.identity(DRAFTER), force=True)
    text = ws.text("03") + "\nA paragraph of revision 2.\n"
    from drafts import chapters

    chapters.commit_revision(ws, "03", text, ws.identity(DRAFTER))
    quote = paras[0].text.split()[1]
    back = annotate.apply(
        packet,
        [SilentEdit(paragraph=paras[0].id, quote=quote, new_text="CHANGED")],
        tmp_path / "late.docx",
    )
    outcome = ingest(ws, back, ws.identity(DRAFTER))
    assert (outcome.status, outcome.late, outcome.remarks) == ("recorded", True, 1)
    (remark,) = remarks_of(ws, rnd)
    assert (remark.revision, remark.block, remark.anchor_text) == (1, paras[0].id, quote)


@pytest.mark.slow
@pytest.mark.libreoffice
def test_packet_edited_in_libreoffice_yields_exactly_its_edits(setting, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers.lo_helpers import lo_edit, uno_python_or_skip

    uno_python_or_skip()
    ws, rnd, reviewer, packet, paras = setting
    p1, p2, p3 = paras[1], paras[2], paras[4]
    everything = "\n".join(b.text for b in blockstore.load(ws, "03", 1).blocks)

    def unique(block, n: int = 1) -> str:  # type: ignore[no-untyped-def]
        """The first run of n words of the block found nowhere else (LibreOffice finds the first)."""
        words = block.text.split()
        for i in range(len(words) - n):
            quote = " ".join(words[i : i + n])
            if len(quote) > 4 and everything.count(quote) == 1:
                return quote
        raise AssertionError(f"no unique quote in {block.id}")

    ins_after, deleted, replaced = unique(p1, 2), unique(p2, 2), unique(p3)
    silent = unique(paras[6])
    ops = [
        {"op": "insert", "after": ins_after, "text": " and municipal"},
        {"op": "delete", "quote": deleted},
        {"op": "replace", "quote": replaced, "text": "REPLACED"},
        {"op": "silent_replace", "quote": silent, "text": "SILENT"},
    ]
    back = lo_edit(packet, tmp_path / "lo.docx", "Lucia Ferreira", ops)
    outcome = ingest(ws, back, ws.identity(DRAFTER))
    assert outcome.status == "recorded", outcome.message
    found = {r.kind: r for r in remarks_of(ws, rnd)}
    assert sorted(found) == ["delete", "insert", "replace", "silent"]
    assert found["insert"].author == "Lucia Ferreira"
    assert found["insert"].block == p1.id and found["insert"].proposed == " and municipal"
    assert p1.text[: found["insert"].start].endswith(ins_after)
    assert (found["delete"].block, p2.text[found["delete"].start : found["delete"].end]) == (
        p2.id,
        deleted,
    )
    assert found["replace"].proposed == "REPLACED"
    assert p3.text[found["replace"].start : found["replace"].end] == replaced
    assert (found["silent"].block, found["silent"].anchor_text, found["silent"].proposed) == (
        paras[6].id,
        silent,
        "SILENT",
    )
