"""A return whose parts Word named otherwise still maps every remark (issue 19.6).

The returned packet's footnotes, footer, comments and every other part but the main one are
renamed (relationships and content types following, as a Word that writes footnotes1.xml
does): intake identifies it, and a tracked change in a footnote maps to that footnote's block.
"""

from __future__ import annotations

from lxml import etree

from drafts import blockstore
from reviewers.intake.ingest import ingest
from reviewers.intake.remarks import load_all
from tests.conftest import DRAFTER
from tests.drafts.ooxml.read.test_part_discovery import renamed
from tests.reviewers.intake.test_intake import in_review, packet_for, rewrite  # noqa: F401

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _insert_in_note(data: bytes, block: str, text: str, author: str) -> bytes:
    """A tracked insertion at the end of the footnote paragraph holding ``block``'s anchor."""
    root = etree.fromstring(data)
    mark = next(m for m in root.iter(f"{{{W}}}bookmarkStart") if m.get(f"{{{W}}}name") == block)
    p = next(mark.iterancestors(f"{{{W}}}p"))
    ins = etree.SubElement(p, f"{{{W}}}ins")
    ins.attrib.update({f"{{{W}}}id": "9001", f"{{{W}}}author": author})
    ins.set(f"{{{W}}}date", "2024-03-05T10:00:00Z")
    t = etree.SubElement(etree.SubElement(ins, f"{{{W}}}r"), f"{{{W}}}t")
    t.text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def test_a_change_in_a_renamed_footnotes_part_maps_to_its_block(in_review, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ws, rnd = in_review
    item = rnd.items[0]
    sent, packet = packet_for(ws, rnd, 0, tmp_path / "sent.docx")
    note = next(b for b in blockstore.load(ws, "03", item.revision).blocks if b.kind == "footnote")
    who = ws.person(item.reviewer).name

    def edit(name: str, data: bytes) -> bytes:
        return _insert_in_note(data, note.id, " QQQ", who) if name == "word/footnotes.xml" else data

    back = rewrite(sent, tmp_path / "back.docx", edit)
    odd, names = renamed(back, tmp_path / "odd.docx")
    assert "word/footnotes.xml" in names.values()
    outcome = ingest(ws, odd, ws.identity(DRAFTER))
    assert (outcome.status, outcome.packet) == ("recorded", packet), outcome.message
    (ret,) = load_all(ws, "03", rnd.id)
    (remark,) = ret.remarks
    assert (remark.kind, remark.block, remark.proposed) == ("insert", note.id, " QQQ")
    assert remark.start == len(note.text)
