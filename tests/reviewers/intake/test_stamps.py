"""The stamp cross-check: properties, footer, header and text anchors of a return must agree.

Issue 19, point 3: chapter 05's text carrying another reviewer's chapter-03 packet id was
recorded as that reviewer's chapter-03 return, with every paragraph a remark rewriting chapter
03, although the file's own properties said chapter 05.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from drafts.ooxml.read.reader import read_annotations
from drafts.workspace import Workspace
from reviewers.intake import stamps
from reviewers.intake.ingest import ingest
from reviewers.intake.remarks import load_all
from reviewers.models import Round, RoundItem
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER
from tests.reviewers.intake.test_intake import packet_for, rewrite


@pytest.fixture
def two_chapters(example_ws: Workspace) -> tuple[Workspace, Round]:
    who = example_ws.identity(DRAFTER)
    ewg = [p.id for p in example_ws.people if "ewg" in p.groups][:2]
    rnd = rounds.open_round(example_ws, ["03", "05"], ewg, date(2024, 3, 22), who)
    return example_ws, rnd


def _items(rnd: Round) -> tuple[RoundItem, RoundItem]:
    """Reviewer A's chapter-03 item and another reviewer B's chapter-05 item."""
    a03 = next(i for i in rnd.items if i.chapter == "03")
    b05 = next(i for i in rnd.items if i.chapter == "05" and i.reviewer != a03.reviewer)
    return a03, b05


def _relabel(src: Path, out: Path, old: str, new: str, parts: tuple[str, ...]) -> Path:
    """Replace packet id ``old`` by ``new`` in the parts whose names start with ``parts``."""

    def edit(name: str, data: bytes) -> bytes:
        if name.startswith(parts):
            return data.replace(old.encode(), new.encode())
        return data

    return rewrite(src, out, edit)


def _returns_of(ws: Workspace, chapter: str, round_id: str) -> int:
    return len(load_all(ws, chapter, round_id))


@pytest.mark.parametrize(
    ("relabelled", "places"),
    [
        (("docProps/custom.xml", "word/footer"), ["properties", "text"]),
        (("word/footer",), ["footer"]),
    ],
)
def test_chapter_05_text_with_another_reviewers_chapter_03_packet_id_is_quarantined(
    two_chapters, tmp_path, relabelled, places
) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = two_chapters
    a03, b05 = _items(rnd)
    sent, _ = packet_for(ws, rnd, rnd.items.index(b05), tmp_path / "b05.docx")
    mixed = _relabel(sent, tmp_path / "mixed.docx", b05.packet, a03.packet, relabelled)
    assert read_annotations(mixed).custom_properties["penholder.chapter"] == "05"
    outcome = ingest(ws, mixed, ws.identity(DRAFTER))
    assert outcome.status == "quarantined", outcome.message
    assert _returns_of(ws, "03", rnd.id) == 0 and _returns_of(ws, "05", rnd.id) == 0
    for place in places:
        assert f"its {place}" in outcome.message, outcome.message
    assert "disagree" in outcome.message and "\n" not in outcome.message, outcome.message
    events = [c.value("Event") for c in ws.history()][-2:]
    assert events == ["received", "quarantine"]


def test_properties_saying_another_chapter_than_their_packet_id_disagree(
    two_chapters, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The repro's other half: the packet property of chapter 03, the chapter property 05."""
    ws, rnd = two_chapters
    a03, b05 = _items(rnd)
    sent, _ = packet_for(ws, rnd, rnd.items.index(a03), tmp_path / "a03.docx")

    def edit(name: str, data: bytes) -> bytes:
        if name == "docProps/custom.xml":
            return re.sub(
                rb'(name="penholder.chapter"><vt:lpwstr>)03(</vt:lpwstr>)', rb"\g<1>05\2", data
            )
        return data

    odd = rewrite(sent, tmp_path / "odd.docx", edit)
    outcome = ingest(ws, odd, ws.identity(DRAFTER))
    assert outcome.status == "quarantined"
    assert "its properties say chapter 05:" in outcome.message, outcome.message
    assert f"packet {a03.packet}" not in outcome.message.split(", but ")[1]


def test_a_paragraph_pasted_from_another_chapter_keeps_the_return(two_chapters, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A reviewer copying text between chapters brings a foreign anchor: the majority rules."""
    ws, rnd = two_chapters
    _, b05 = _items(rnd)
    sent, packet = packet_for(ws, rnd, rnd.items.index(b05), tmp_path / "b05.docx")

    def edit(name: str, data: bytes) -> bytes:
        if name == "word/document.xml":
            return data.replace(b'w:name="ph_05_0003"', b'w:name="ph_03_0007"', 1)
        return data

    pasted = rewrite(sent, tmp_path / "pasted.docx", edit)
    assert "ph_03_0007" in {b for p in read_annotations(pasted).paragraphs for b in p.bookmarks}
    outcome = ingest(ws, pasted, ws.identity(DRAFTER))
    assert (outcome.status, outcome.packet) == ("recorded", packet), outcome.message


def test_a_missing_stamp_is_no_disagreement(two_chapters, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Google Docs drops custom properties and bookmarks; the footer alone still identifies."""
    ws, rnd = two_chapters
    _, b05 = _items(rnd)
    sent, packet = packet_for(ws, rnd, rnd.items.index(b05), tmp_path / "b05.docx")

    def edit(name: str, data: bytes) -> bytes | None:
        if name == "docProps/custom.xml":
            return None
        if name in ("word/document.xml", "word/footnotes.xml"):
            return re.sub(rb"<w:bookmark(Start|End)[^>]*/>", b"", data)
        return data

    bare = rewrite(sent, tmp_path / "bare.docx", edit)
    found = stamps.stamps_of(read_annotations(bare))
    assert [s.place for s in found] == ["footer", "header"]
    outcome = ingest(ws, bare, ws.identity(DRAFTER))
    assert (outcome.status, outcome.how, outcome.packet) == ("recorded", "footer", packet)


def test_stamps_of_a_packet_name_every_place(two_chapters, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws, rnd = two_chapters
    _, b05 = _items(rnd)
    sent, packet = packet_for(ws, rnd, rnd.items.index(b05), tmp_path / "b05.docx")
    by_place = {s.place: s for s in stamps.stamps_of(read_annotations(sent))}
    assert sorted(by_place) == ["footer", "header", "properties", "text"]
    assert by_place["properties"] == stamps.Stamp("properties", packet, rnd.id, "05", b05.reviewer)
    assert (by_place["footer"].packet, by_place["footer"].chapter) == (packet, "05")
    assert (by_place["header"].chapter, by_place["header"].round) == ("05", rnd.id)
    assert by_place["text"].chapter == "05"
    assert stamps.disagreements(list(by_place.values()), b05, rnd.id) == []


@pytest.mark.slow
@pytest.mark.libreoffice
def test_relabelled_file_edited_in_libreoffice_is_quarantined_and_a_clean_one_recorded(
    two_chapters, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Real LibreOffice keeps the custom properties, footer and anchors on re-save: a clean
    packet edited there is recorded, the relabelled one is still caught."""
    from tests.helpers.lo_helpers import lo_edit, uno_python_or_skip

    uno_python_or_skip()
    ws, rnd = two_chapters
    a03, b05 = _items(rnd)
    sent, packet = packet_for(ws, rnd, rnd.items.index(b05), tmp_path / "b05.docx")
    words = read_annotations(sent).paragraphs[3].text_after.split()
    ops = [{"op": "insert", "after": " ".join(words[:3]), "text": " indeed"}]
    clean = lo_edit(sent, tmp_path / "clean.docx", "Lucia Ferreira", ops)
    mixed = _relabel(sent, tmp_path / "mixed.docx", b05.packet, a03.packet, ("word/footer",))
    mixed_lo = lo_edit(mixed, tmp_path / "mixed-lo.docx", "Lucia Ferreira", ops)
    assert read_annotations(clean).custom_properties["penholder.packet"] == packet
    refused = ingest(ws, mixed_lo, ws.identity(DRAFTER))
    assert refused.status == "quarantined" and "its footer says packet" in refused.message
    recorded = ingest(ws, clean, ws.identity(DRAFTER))
    assert (recorded.status, recorded.packet, recorded.remarks) == ("recorded", packet, 1)


def test_a_file_whose_stamps_disagree_is_released_as_the_packet_its_text_is(  # type: ignore[no-untyped-def]
    two_chapters, tmp_path, cli
) -> None:
    """Issue 19: `quarantine release --packet` of a file quarantined for a stamp mismatch takes
    it in as that packet's return, read against that packet's revision, and says who released
    it and that its stamps disagreed; a packet of another chapter than its text is refused."""
    from drafts import layout
    from drafts.workspace import Workspace
    from reviewers.intake.release import held

    ws, rnd = two_chapters
    a03, b05 = _items(rnd)
    sent, _ = packet_for(ws, rnd, rnd.items.index(b05), tmp_path / "b05.docx")
    mixed = _relabel(sent, tmp_path / "mixed.docx", b05.packet, a03.packet, ("word/footer",))
    assert ingest(ws, mixed, ws.identity(DRAFTER)).status == "quarantined"
    [h] = held(ws)
    code, _, err = cli(
        "quarantine", "release", h.id, "--reviewer", a03.reviewer, "--packet", a03.packet,
        "-w", ws.root, "--as", DRAFTER,
    )  # fmt: skip
    assert code == 1 and "text is chapter 05's" in err and "wrong text" in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, out, err = cli(
        "quarantine", "release", h.id, "--reviewer", b05.reviewer, "--packet", b05.packet,
        "-w", ws.root, "--as", DRAFTER,
    )  # fmt: skip
    assert code == 0, err
    assert "stamps disagreed" in out and f"its footer says packet {a03.packet}" in out
    ws = Workspace.open(ws.root)
    [done] = [c for c in ws.history() if c.value("Event") == "return"]
    assert (done.value("Packet"), done.value("Chapter")) == (b05.packet, "05")
    assert done.value("Released-By") == ws.person(DRAFTER).name
    assert f"its footer says packet {a03.packet}" in (done.value("Stamps-Disagreed") or "")
    assert _returns_of(ws, "05", rnd.id) == 1 and _returns_of(ws, "03", rnd.id) == 0
    [remarks] = load_all(ws, "05", rnd.id)
    assert remarks.remarks == []  # read against chapter 05 as sent: an unedited packet
    assert ws.committed(layout.quarantine_note(h.sha256)) is None and held(ws) == []
