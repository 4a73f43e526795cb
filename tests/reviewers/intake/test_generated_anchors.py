"""Remarks on paragraphs pandoc generates (bibliography entries) map to a block and a section,
on real packets edited with the annotation writer and in LibreOffice; packets rendered from a
block map stored before (anchor scheme 1) still read as they did."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from lxml import etree

from drafts import blockstore
from drafts.blocks import Block
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import Comment, Replace
from drafts.ooxml.write.anchors import read_anchors
from drafts.workspace import Workspace
from reviewers.consolidate.listing import remark_lines
from reviewers.intake.ingest import ingest
from reviewers.intake.remarks import Remark, load_all
from reviewers.models import Round
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER
from tests.helpers.scheme1 import SCHEME_2_KINDS, store_before_scheme_2
from tests.reviewers.intake.test_intake import packet_for, rewrite

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

WHEN = datetime(2024, 3, 15, 9, 30)


def _open(ws: Workspace, tmp_path: Path) -> tuple[Round, Path]:
    reviewer = next(p for p in ws.people if "ewg" in p.groups)
    rnd = rounds.open_round(ws, ["03"], [reviewer.id], date(2024, 3, 22), ws.identity(DRAFTER))
    return rnd, packet_for(ws, rnd, 0, tmp_path / "packet.docx")[0]


def _remarks(ws: Workspace, rnd: Round) -> list[Remark]:
    return [r for s in load_all(ws, "03", rnd.id) for r in s.remarks]


def _entries(ws: Workspace) -> dict[str, Block]:
    return {b.key or "": b for b in blockstore.load(ws, "03", 1).blocks if b.kind == "reference"}


def test_a_change_and_a_comment_in_bibliography_entries_map_to_block_and_section(
    example_ws: Workspace, tmp_path: Path
) -> None:
    ws = example_ws
    entries = _entries(ws)
    nua, who = entries["nua2016"], entries["whodisability2011"]
    rnd, packet = _open(ws, tmp_path)
    assert read_anchors(packet)[nua.id] == nua.text  # the entry carries its anchor
    edits = [
        Replace(
            paragraph=nua.id, quote="New Urban Agenda", new_text="The New Urban Agenda",
            author="Ana Lima", date=WHEN,
        ),
        Comment(
            paragraph=who.id, quote="World Report on Disability", text="Cite the 2022 update.",
            author="Ana Lima", date=WHEN,
        ),
    ]  # fmt: skip
    back = annotate.apply(packet, edits, tmp_path / "back.docx")
    assert ingest(ws, back, ws.identity(DRAFTER)).status == "recorded"
    found = {r.kind: r for r in _remarks(ws, rnd)}
    assert sorted(found) == ["comment", "replace"]
    section = " > ".join(nua.heading_path)
    assert section  # the chapter's last heading: the entries are printed after it
    change, comment = found["replace"], found["comment"]
    assert (change.block, change.section, change.paragraph) == (nua.id, section, None)
    assert nua.text[change.start : change.end] == change.anchor_text == "New Urban Agenda"
    assert change.proposed == "The New Urban Agenda"
    assert (comment.block, comment.section) == (who.id, " > ".join(who.heading_path))
    assert who.text[comment.start : comment.end] == "World Report on Disability"
    lines = {line.id: line for line in remark_lines(ws, "03", rnd.id)}
    assert lines[change.id].section == section and lines[comment.id].section == section


@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_bibliography_entry_edited_in_libreoffice_maps_to_its_block(
    example_ws: Workspace, tmp_path: Path
) -> None:
    from tests.helpers.lo_helpers import lo_edit, uno_python_or_skip

    uno_python_or_skip()
    ws = example_ws
    who = _entries(ws)["whodisability2011"]
    rnd, packet = _open(ws, tmp_path)
    everything = "\n".join(b.text for b in blockstore.load(ws, "03", 1).blocks)
    assert everything.count("World Report on Disability") == 1  # LibreOffice finds the first
    ops = [{"op": "replace", "quote": "World Report on Disability", "text": "World Report"}]
    back = lo_edit(packet, tmp_path / "lo.docx", "Lucia Ferreira", ops)
    outcome = ingest(ws, back, ws.identity(DRAFTER))
    assert outcome.status == "recorded", outcome.message
    (remark,) = _remarks(ws, rnd)
    assert (remark.kind, remark.author, remark.block) == ("replace", "Lucia Ferreira", who.id)
    assert remark.section == " > ".join(who.heading_path)
    assert who.text[remark.start : remark.end] == "World Report on Disability"
    assert remark.proposed == "World Report"


def _insert_in_entry(document: bytes) -> bytes:
    """Add a tracked insertion at the end of the last paragraph naming the New Urban Agenda."""
    root = etree.fromstring(document)
    entry = [p for p in root.iter(W + "p") if "New Urban Agenda" in "".join(p.itertext())][-1]
    ins = etree.SubElement(entry, W + "ins")
    ins.set(W + "id", "9001")
    ins.set(W + "author", "Ana Lima")
    ins.set(W + "date", "2024-03-15T09:30:00Z")
    text = etree.SubElement(etree.SubElement(ins, W + "r"), W + "t")
    text.text = " (A/RES/71/256)"
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def test_a_packet_rendered_from_a_map_stored_before_still_reads(
    example_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An existing workspace: revision 1's committed map predates scheme 2. Its packet is
    rendered as before (entries unanchored) and a return on it reads as before: the remark in
    the text is mapped, the one in an entry is kept, with no block."""
    ws = example_ws
    store_before_scheme_2(monkeypatch, "03", 1)
    old = blockstore.load(ws, "03", 1)
    assert old.scheme == 1 and not SCHEME_2_KINDS & {b.kind for b in old.blocks}
    rnd, packet = _open(ws, tmp_path)
    assert set(read_anchors(packet)) == {b.id for b in old.blocks}
    para = next(b for b in old.blocks if b.kind == "paragraph")
    quote = para.text.split()[2]
    edits = [
        Comment(paragraph=para.id, quote=quote, text="Why?", author="Ana Lima", date=WHEN),
    ]
    back = annotate.apply(packet, edits, tmp_path / "back.docx")
    edited = rewrite(  # a tracked insertion typed at the end of the (unanchored) entry
        back,
        tmp_path / "edited.docx",
        lambda name, data: _insert_in_entry(data) if name == "word/document.xml" else data,
    )
    outcome = ingest(ws, edited, ws.identity(DRAFTER))
    assert outcome.status == "recorded", outcome.message
    found = {r.kind: r for r in _remarks(ws, rnd)}
    assert sorted(found) == ["comment", "insert"]
    assert (found["comment"].block, found["comment"].anchor_text) == (para.id, quote)
    assert (found["insert"].block, found["insert"].section) == (None, None)
    assert found["insert"].proposed == " (A/RES/71/256)"
