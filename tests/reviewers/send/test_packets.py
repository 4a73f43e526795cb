"""Packets on real workspaces: stamped chapter files, packet ids read back, redlines, letters."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest

from drafts import chapters
from drafts.ooxml.read.reader import read_annotations
from drafts.ooxml.write.stamp import read_footer, read_stamp
from drafts.word import revision as word_out
from drafts.workspace import Workspace
from reviewers.rounds import lifecycle as rounds
from reviewers.rounds import records
from reviewers.send import sending
from reviewers.send.packets import Renderer, build_packet, default_renderer, redline_file
from tests.conftest import DRAFTER

DUE = date(2024, 3, 22)


def revise(ws: Workspace, chapter: str) -> None:
    path = ws.chapter_path(chapter)
    path.write_text(path.read_text() + "\nCities should publish what they measure.\n")
    chapters.commit_revision(ws, chapter, None, ws.identity(DRAFTER))


def fake_renderer(calls: list[tuple]) -> Renderer:
    """A renderer writing tiny files (the packet logic without pandoc)."""

    def render(ws, chapter, revision, out, *, round_id, reviewer, packet):  # type: ignore[no-untyped-def]
        calls.append(("render", chapter, revision, packet))
        out.write_bytes(b"docx")
        return out

    def redline(ws, chapter, old, new, out, author, *, round_id, reviewer, packet):  # type: ignore[no-untyped-def]
        calls.append(("redline", chapter, old, new))
        out.write_bytes(b"redline")
        return out

    return Renderer(render, redline)


def test_packet_holds_stamped_chapters_letters_and_a_zip(example_ws: Workspace) -> None:
    a = example_ws.identity(DRAFTER)
    rnd = rounds.open_round(example_ws, ["02", "03"], ["lucia-hernandez"], DUE, a)
    lucia = example_ws.person("lucia-hernandez")
    packet = build_packet(example_ws, rnd, lucia)
    assert packet.folder == example_ws.root / "outbox/R1/packets/lucia-hernandez"
    for item in rnd.items:
        path = packet.folder / f"Chapter {item.chapter} ({item.packet}).docx"
        stamp = read_stamp(path)
        assert stamp["penholder.packet"] == item.packet
        assert stamp["penholder.round"] == "R1" and stamp["penholder.chapter"] == item.chapter
        assert stamp["penholder.revision"] == "1"
        assert stamp["penholder.reviewer"].startswith("lucia-hernandez")
        assert item.packet in read_footer(path)
        assert records.find_packet(example_ws, stamp["penholder.packet"])[1] == item
    letter = (packet.folder / "Cover letter.txt").read_text()
    assert "Dear Lucía Hernández Vega" in letter
    assert "by Friday 22 March 2024." in letter and letter.startswith("4 March 2024\n")
    assert "comments in the margin, tracked changes, or plain" in letter
    assert "changes since" not in letter and "Chapter 02 (" in letter
    assert "Cover letter" not in letter  # the letter does not list itself among the attachments
    body = "\n".join(
        p.text for p in docx.Document(str(packet.folder / "Cover letter.docx")).paragraphs
    )
    assert "Dear Lucía Hernández Vega" in body and "22 March 2024" in body
    with zipfile.ZipFile(packet.zip) as zf:
        assert sorted(zf.namelist()) == sorted(packet.files)
    assert packet.zip.name == "R1-lucia-hernandez.zip"
    assert not example_ws.dirty_paths()  # outbox/ is git-ignored


def test_redline_only_for_reviewers_who_saw_an_older_revision(example_ws: Workspace) -> None:
    a = example_ws.identity(DRAFTER)
    rounds.open_round(example_ws, ["03", "04"], ["lucia-hernandez"], DUE, a)
    rounds.close_round(example_ws, "R1", a, force=True)
    revise(example_ws, "03")
    rnd = rounds.open_round(example_ws, ["03", "04"], ["lucia-hernandez", "chen-meiling"], DUE, a)
    calls: list[tuple] = []
    lucia = build_packet(
        example_ws, rnd, example_ws.person("lucia-hernandez"), fake_renderer(calls)
    )
    chen = build_packet(example_ws, rnd, example_ws.person("chen-meiling"), fake_renderer(calls))
    assert [c for c in calls if c[0] == "redline"] == [("redline", "03", 1, 2)]
    assert "Chapter 03 changes since revision 1.docx" in lucia.files
    assert [i.chapter for i in lucia.redlines] == ["03"] and not chen.redlines
    letter = (lucia.folder / "Cover letter.txt").read_text()
    assert "what was revised since revision 1, which you reviewed before" in letter
    assert '"Chapter 03 changes since revision 1.docx" shows' in letter
    assert "since revision" not in (chen.folder / "Cover letter.txt").read_text()


@pytest.mark.skipif(
    not hasattr(word_out, "redline_revisions"), reason="drafts.word.revision has no redlines yet"
)
def test_real_redline_carries_tracked_changes(example_ws: Workspace) -> None:
    a = example_ws.identity(DRAFTER)
    rounds.open_round(example_ws, ["03"], ["lucia-hernandez"], DUE, a)
    rounds.close_round(example_ws, "R1", a, force=True)
    revise(example_ws, "03")
    rnd = rounds.open_round(example_ws, ["03"], ["lucia-hernandez"], DUE, a)
    packet = build_packet(example_ws, rnd, example_ws.person("lucia-hernandez"), default_renderer())
    red = packet.folder / "Chapter 03 changes since revision 1.docx"
    with zipfile.ZipFile(red) as zf:
        xml = zf.read("word/document.xml").decode()
    assert "<w:ins " in xml and "Cities should publish what they measure." in xml


def test_a_round_makes_each_redline_once_and_stamps_a_copy_per_reviewer(
    example_ws: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ws, a = example_ws, example_ws.identity(DRAFTER)
    saw_r1 = [p.id for p in ws.people if "ewg" in p.groups][:3]
    rounds.open_round(ws, ["03"], saw_r1, DUE, a)
    rounds.close_round(ws, "R1", a, force=True)
    revise(ws, "03")
    made: list[tuple[str, int, int]] = []
    real = word_out.redline_revisions

    def counted(ws, chapter, old, new, out, author):  # type: ignore[no-untyped-def]
        made.append((chapter, old, new))
        return real(ws, chapter, old, new, out, author)

    monkeypatch.setattr(word_out, "redline_revisions", counted)
    rnd = rounds.open_round(ws, ["03"], saw_r1, DUE, a)
    packets = [build_packet(ws, rnd, ws.person(r)) for r in saw_r1]
    build_packet(ws, rnd, ws.person(saw_r1[0]))  # rebuilt later: the round's redline is reused
    assert made == [("03", 1, 2)]
    author = ws.guideline.organisation or ws.guideline.mail.from_name
    fresh = read_annotations(real(ws, "03", 1, 2, tmp_path / "fresh.docx", author))
    expected = [(r.kind, r.text, r.author) for r in fresh.revisions]
    assert ("ins", "Cities should publish what they measure.", author) in expected
    bodies = set()
    for packet in packets:
        (item,) = packet.redlines
        red = packet.folder / redline_file(item)
        ann = read_annotations(red)
        assert [(r.kind, r.text, r.author) for r in ann.revisions] == expected
        stamp = read_stamp(red)
        assert stamp["penholder.reviewer"].startswith(packet.reviewer.id + " ")
        assert stamp["penholder.round"] == "R2" and stamp["penholder.revision"] == "2"
        # the packet id, marked as its redline: one sent back is read as a redline, not a packet
        assert (stamp["penholder.packet"], stamp["penholder.kind"]) == (item.packet, "redline")
        assert f"Packet {item.packet} — redline: changes since revision 1" in read_footer(red)
        header = next(p.text_after for p in ann.paragraphs if "header" in p.part)
        assert "revision 2 — round R2" in header
        with zipfile.ZipFile(red) as zf:
            bodies.add(zf.read("word/document.xml"))
    assert len(bodies) == 1  # copies of one redline
    assert len(list((ws.root / "outbox/R2/renders").glob("03-r1-to-r2-*.docx"))) == 1


def test_excused_items_leave_the_packet(example_ws: Workspace) -> None:
    a = example_ws.identity(DRAFTER)
    rounds.open_round(example_ws, ["02", "03"], ["lucia-hernandez"], DUE, a)
    rnd = rounds.excuse(example_ws, "R1", "lucia-hernandez", a, chapter="02")
    calls: list[tuple] = []
    packet = build_packet(
        example_ws, rnd, example_ws.person("lucia-hernandez"), fake_renderer(calls)
    )
    assert [i.chapter for i in packet.items] == ["03"] and len(calls) == 1


def test_send_packets_without_smtp_writes_eml_and_records(example_ws: Workspace) -> None:
    a = example_ws.identity(DRAFTER)
    rounds.open_round(example_ws, ["03"], ["lucia-hernandez", "chen-meiling"], DUE, a)
    calls: list[tuple] = []
    delivery = sending.send_packets(example_ws, "R1", a, renderer=fake_renderer(calls))
    assert sorted(m.key for m in delivery.sent) == ["packet-chen-meiling", "packet-lucia-hernandez"]
    assert {m.via for m in delivery.sent} == {"outbox"}
    for m in delivery.sent:
        assert (example_ws.root / m.file).is_file() and m.file.startswith("outbox/R1/mail/")
    last = example_ws.history()[-1]
    assert last.value("Event") == "sent" and last.value("Round") == "R1"
    log = records.load_sent(example_ws, "R1")
    assert len(log.messages) == 2
    again = sending.send_packets(example_ws, "R1", a, renderer=fake_renderer(calls))
    assert not again.sent and len(calls) == 2  # nothing rebuilt, nothing sent twice
    assert example_ws.history()[-1].sha == last.sha
