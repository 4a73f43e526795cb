"""Edge cases found in review: each test names the behaviour it protects."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from drafts import blockstore, chapters
from drafts.core.errors import StageRefused
from drafts.ooxml.read.reader import read_annotations
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import Insert, InsertParagraph, Move, Replace, SilentEdit
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.consolidate.build import consolidate
from reviewers.consolidate.merge import overlap
from reviewers.intake.ingest import ingest
from reviewers.intake.remarks import load_all
from reviewers.intake.silent_edits import edits
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER

WHEN = datetime(2024, 3, 15, 9, 30)


@pytest.mark.parametrize(("old", "new"), [("in realtime", "in real time"), ("e mail", "email")])
def test_joining_or_splitting_words_is_an_edit(old: str, new: str) -> None:
    (edit,) = edits(old, new)
    assert old[: edit.start] + edit.new + old[edit.end :] == new


def test_whitespace_alone_is_not_an_edit() -> None:
    assert edits("a  b\tc ", "a b c") == []


def test_overlap_rules() -> None:
    assert overlap("b", (3, 3, "x"), "b", (3, 3, "y"))  # two insertions at one point
    assert overlap("b", (4, 4, "x"), "b", (3, 6, "y"))  # inside a changed range
    assert not overlap("b", (3, 3, "x"), "b", (3, 6, "y"))  # at its edge
    assert not overlap("b", (9, 9, " more."), "b", (9, 9, "\nA new paragraph."))
    assert not overlap("a", (3, 6, "x"), "b", (3, 6, "y"))
    assert not overlap("b", (3, 6, "x"), "b", (6, 9, "y"))  # ranges that touch
    assert not overlap("b", (6, 9, "x"), "b", (3, 6, "y"))
    assert overlap("b", (3, 7, "x"), "b", (6, 9, "y"))  # ranges sharing one character
    assert overlap("b", (6, 9, "x"), "b", (3, 7, "y"))
    assert not overlap("b", (6, 6, "x"), "b", (3, 6, "y"))  # an insertion at a range's end
    assert not overlap("b", (3, 6, "y"), "b", (6, 6, "x"))
    assert not overlap("b", (3, 6, "y"), "b", (3, 3, "x"))  # ... and at its start
    assert overlap("b", (3, 6, "y"), "b", (4, 4, "x"))
    assert not overlap("b", (9, 9, "\nA new paragraph."), "b", (9, 9, " more."))
    assert overlap("b", (3, 6, "\nx"), "b", (4, 5, "y"))  # a replacement starting a line


def _round(ws: Workspace, n: int = 2):  # type: ignore[no-untyped-def]
    experts = [p.id for p in ws.people if "ewg" in p.groups][:n]
    return rounds.open_round(ws, ["03"], experts, date(2024, 3, 22), ws.identity(DRAFTER))


def _return(ws: Workspace, rnd, index: int, edits_, tmp_path: Path, name: str) -> Path:  # type: ignore[no-untyped-def]
    item = rnd.items[index]
    packet = render_revision(
        ws,
        "03",
        item.revision,
        tmp_path / f"{name}-sent.docx",
        round_id=rnd.id,
        reviewer=ws.person(item.reviewer),
        packet=item.packet,
    )
    return annotate.apply(packet, edits_, tmp_path / f"{name}.docx")


def _paras(ws: Workspace, revision: int = 1):  # type: ignore[no-untyped-def]
    return [b for b in blockstore.load(ws, "03", revision).blocks if b.kind == "paragraph"]


def test_a_sentence_and_a_new_paragraph_after_it_are_both_placed(example_ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    rnd = _round(ws, 1)
    p = _paras(ws)[1]
    name = ws.person(rnd.items[0].reviewer).name
    back = _return(ws, rnd, 0, [
        Insert(paragraph=p.id, at_end=True, text=" A closing sentence.", author=name, date=WHEN),
        InsertParagraph(after_paragraph=p.id, text="First new paragraph.", author=name, date=WHEN),
        InsertParagraph(after_paragraph=p.id, text="Second new paragraph.", author=name,
                        date=WHEN),
    ], tmp_path, "back")  # fmt: skip
    assert ingest(ws, back, ws.identity(DRAFTER)).status == "recorded"
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    rows = json.loads((ws.root / done.folder / "matrix.json").read_text())["rows"]
    assert not any("conflict" in r["flags"] for r in rows)
    after = [q.text_after.strip() for q in read_annotations(ws.root / done.docx).paragraphs]
    start = after.index(p.text + " A closing sentence.")
    new = after[start + 1 : start + 3]
    assert sorted(new) == ["First new paragraph.", "Second new paragraph."]  # two paragraphs


def test_an_insertion_at_the_start_of_a_replaced_word_is_tracked(example_ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    rnd = _round(ws)
    p = _paras(ws)[2]
    first = p.text.split()[0]
    a, b = (ws.person(i.reviewer).name for i in rnd.items)
    for i, (who, edit) in enumerate([
        (a, Replace(paragraph=p.id, quote=first, new_text="Each", author=a, date=WHEN)),
        (b, Insert(paragraph=p.id, after_quote="", text="Indeed, ", author=b, date=WHEN)),
    ]):  # fmt: skip
        back = _return(ws, rnd, i, [edit], tmp_path, f"r{i}")
        assert ingest(ws, back, ws.identity(DRAFTER)).status == "recorded", who
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    ann = read_annotations(ws.root / done.docx)
    assert not any("could not be shown" in c.text for c in ann.comments)
    assert any(q.text_after.strip().startswith("Indeed, Each") for q in ann.paragraphs)


def test_a_second_return_of_a_packet_replaces_the_first(example_ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    rnd = _round(ws, 1)
    p = _paras(ws)[1]
    word = p.text.split()[4]
    first = _return(
        ws, rnd, 0, [SilentEdit(paragraph=p.id, quote=word, new_text="ONE")], tmp_path, "first"
    )
    second = _return(
        ws, rnd, 0, [SilentEdit(paragraph=p.id, quote=word, new_text="TWO")], tmp_path, "second"
    )
    assert ingest(ws, first, ws.identity(DRAFTER)).remarks == 1
    outcome = ingest(ws, second, ws.identity(DRAFTER))
    assert "replaces the earlier return of this packet (1 remarks withdrawn)" in outcome.message
    (only,) = [r for s in load_all(ws, "03", "R1") for r in s.remarks]
    assert only.proposed == "TWO"


def test_consolidating_an_older_round_leaves_later_rounds_out(example_ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    who = ws.identity(DRAFTER)
    rounds.close_round(ws, _round(ws, 1).id, who, force=True)
    chapters.commit_revision(ws, "03", ws.text("03") + "\nRevision two.\n", who)
    r2 = _round(ws, 1)
    p = _paras(ws, 2)[1]
    back = _return(
        ws,
        r2,
        0,
        [SilentEdit(paragraph=p.id, quote=p.text.split()[3], new_text="LATER")],
        tmp_path,
        "r2",
    )
    assert ingest(ws, back, who).status == "recorded"
    with pytest.raises(StageRefused, match="no returns yet for chapter 03 in round R1"):
        consolidate(ws, "03", "R1", who)  # the R2 return is not R1's
    assert consolidate(ws, "03", "R2", who).remarks == 1


def test_a_late_move_lands_where_the_text_now_is(example_ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    who = ws.identity(DRAFTER)
    r1 = _round(ws, 1)
    paras = _paras(ws)
    a, d = paras[0], paras[3]
    name = ws.person(r1.items[0].reviewer).name
    back = _return(
        ws,
        r1,
        0,
        [
            Move(
                from_paragraph=d.id,
                quote=" ".join(d.text.split()[:3]),
                to_paragraph=a.id,
                at_end=True,
                author=name,
                date=WHEN,
            )
        ],
        tmp_path,
        "move",
    )
    rounds.close_round(ws, r1.id, who, force=True)
    text = ws.text("03")
    chapters.commit_revision(ws, "03", text.replace(a.text, a.text[: len(a.text) // 2], 1), who)
    _round(ws, 1)
    assert ingest(ws, back, who).status == "recorded"  # late, on revision 1
    done = consolidate(ws, "03", "R2", who)  # rebased onto revision 2 without failing
    assert done.remarks == 1


def test_usage_errors_and_folders_are_one_line(example_ws, cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for args in (
        ["status", "--bogus"],
        ["consolidate"],
        ["read", tmp_path],
        ["render", "03", "-o", tmp_path, "-w", example_ws.root],
        ["remarks", "03", "--round", "R9", "-w", example_ws.root],
    ):
        code, out, err = cli(*args)
        assert code != 0 and "Traceback" not in out + err, args
    assert "no round 'R9'" in cli("remarks", "03", "--round", "R9", "-w", example_ws.root)[2]
    assert "is a folder" in cli("read", tmp_path)[2]


def test_consolidating_before_any_return_says_so(example_ws, cli) -> None:  # type: ignore[no-untyped-def]
    _round(example_ws, 1)
    head = example_ws.repo.head.commit.hexsha
    code, _, err = cli("consolidate", "03", "--round", "R1", "-w", example_ws.root, "--as", DRAFTER)
    assert code == 1 and "no returns yet for chapter 03 in round R1" in err
    assert example_ws.repo.head.commit.hexsha == head


def test_two_replacements_on_touching_words_are_both_placed(example_ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = example_ws
    rnd = _round(ws)
    p = next(b for b in _paras(ws) if b.text.startswith("As local governments"))
    assert p.text.count("websites, mobile applications") == 1
    a, b = (ws.person(i.reviewer).name for i in rnd.items)
    for i, edit in enumerate([
        Replace(paragraph=p.id, quote="websites", new_text="web portals", author=a, date=WHEN),
        Replace(paragraph=p.id, quote=", mobile applications", new_text=", apps", author=b,
                date=WHEN),
    ]):  # fmt: skip
        back = _return(ws, rnd, i, [edit], tmp_path, f"r{i}")
        assert ingest(ws, back, ws.identity(DRAFTER)).status == "recorded"
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    rows = json.loads((ws.root / done.folder / "matrix.json").read_text())["rows"]
    assert [r["flags"] for r in rows] == [[], []]
    ann = read_annotations(ws.root / done.docx)
    assert not any(c.text.startswith("conflict") for c in ann.comments)
    assert any("web portals, apps, kiosks" in q.text_after for q in ann.paragraphs)
