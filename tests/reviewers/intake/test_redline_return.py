"""A reviewer who marks up the redline instead of the chapter: identified as the packet's
redline, read against the redline's own text (the pen-holder's changes accepted), its remarks
mapped to the round's revision."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from drafts import blockstore, chapters
from drafts.ooxml.read.reader import read_annotations
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import Comment, Replace
from drafts.ooxml.write.stamp import read_footer, read_stamp
from drafts.workspace import Workspace
from reviewers.intake.ingest import ingest
from reviewers.intake.remarks import load_all
from reviewers.rounds import lifecycle as rounds
from reviewers.send.packets import build_packet, redline_file
from tests.conftest import DRAFTER

WHEN = datetime(2024, 4, 2, 10, 0)
REVIEWER = "lucia-hernandez"


def _second_round(ws: Workspace) -> tuple[object, Path]:
    """R1 on revision 1, a revision 2 that changes a word and adds a paragraph, R2 on it: the
    reviewer's R2 packet holds a redline from revision 1 to 2."""
    a = ws.identity(DRAFTER)
    rounds.open_round(ws, ["03"], [REVIEWER], date(2024, 3, 22), a)
    rounds.close_round(ws, "R1", a, force=True)
    text = ws.text("03", 1)
    paras = [b for b in blockstore.load(ws, "03", 1).blocks if b.kind == "paragraph"]
    word = paras[2].text.split()[4]
    changed = text.replace(paras[2].text[:60], paras[2].text[:60].replace(word, "REVISED", 1), 1)
    changed += "\nCities should publish what they measure.\n"
    chapters.commit_revision(ws, "03", changed, a)
    rnd = rounds.open_round(ws, ["03"], [REVIEWER], date(2024, 4, 12), a)
    packet = build_packet(ws, rnd, ws.person(REVIEWER))
    (item,) = packet.redlines
    return item, packet.folder / redline_file(item)


def test_a_marked_up_redline_is_identified_and_its_remarks_mapped_to_the_new_revision(
    example_ws: Workspace, tmp_path: Path
) -> None:
    ws = example_ws
    item, red = _second_round(ws)
    assert read_stamp(red)["penholder.kind"] == "redline"
    assert f"Packet {item.packet} — redline" in read_footer(red)
    new = blockstore.load(ws, "03", 2)
    paras = [b for b in new.blocks if b.kind == "paragraph"]
    kept, commented = paras[1], paras[3]
    word, quoted = kept.text.split()[3], commented.text.split()[2]
    name = ws.person(REVIEWER).name
    back = annotate.apply(
        red,
        [
            Replace(paragraph=kept.id, quote=word, new_text="RELEASE", author=name, date=WHEN),
            Comment(paragraph=commented.id, quote=quoted, text="Source?", author=name, date=WHEN),
        ],
        tmp_path / "Chapter 03 changes since revision 1 (Lucia).docx",
    )
    # the return still carries the pen-holder's changes as well as the reviewer's
    authors = {r.author for r in read_annotations(back).revisions}
    assert authors == {name, ws.guideline.organisation}
    done = ingest(ws, back, ws.identity(DRAFTER))
    assert done.status == "recorded", done.message
    assert (done.packet, done.kind, done.how) == (item.packet, "redline", "properties")
    assert "redline" in done.message
    (returned,) = load_all(ws, "03", "R2")
    remarks = sorted(returned.remarks, key=lambda r: r.kind)
    assert [r.kind for r in remarks] == ["comment", "replace"]  # the pen-holder's: none
    comment, replace = remarks
    assert all(r.revision == 2 and r.reviewer == REVIEWER for r in remarks)
    assert (replace.block, replace.anchor_text, replace.proposed) == (kept.id, word, "RELEASE")
    assert kept.text[replace.start : replace.end] == word
    assert (comment.block, comment.anchor_text) == (commented.id, quoted)


def test_a_redline_without_its_properties_is_known_by_its_footer(
    example_ws: Workspace, tmp_path: Path
) -> None:
    """Google Docs keeps footers, not custom properties."""
    from drafts.ooxml.write.parts import DocxParts

    ws = example_ws
    item, red = _second_round(ws)
    parts = DocxParts(red)
    root = parts.xml("docProps/custom.xml")
    for prop in list(root):
        root.remove(prop)
    parts.set_xml("docProps/custom.xml", root)
    stripped = tmp_path / "from-google.docx"
    parts.save(stripped)
    assert "penholder.packet" not in read_stamp(stripped)
    done = ingest(ws, stripped, ws.identity(DRAFTER))
    assert (done.status, done.how, done.kind) == ("recorded", "footer", "redline")
    assert done.remarks == 0  # the pen-holder's own changes are not the reviewer's remarks
