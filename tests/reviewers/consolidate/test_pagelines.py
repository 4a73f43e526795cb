"""Page and line of each block as LibreOffice prints a packet (reviewers.consolidate.pagelines)."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from drafts import blockstore
from drafts.blocks import Block
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.consolidate.pagelines import (
    LayoutError,
    page_lines,
    pdf_pages,
    printed_lines,
    to_pdf,
)
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER, soffice_or_skip

PAGE_1 = """\
     DRAFT — Smart cities — Chapter 03 — revision 2

 1   Accessibility and inclusion
 2   1.     This chapter addresses the accessi-
 3          bility of smart city services.
 4        \uf0b7    Persons with disabilities, includ-
 5             ing people with sensory impairments.

     1
 1    Universal design does not exclude devices.

     Packet R1-03-K7Q2                         Page 1 of 2
"""
PAGE_2 = """\
     DRAFT — Smart cities — Chapter 03 — revision 2

 1   ﬁnal words of the section.
 2   Key issues

     Packet R1-03-K7Q2                         Page 2 of 2
"""


def _block(n: int, kind: str, text: str) -> Block:
    return Block(id=f"ph_03_{n:04d}", kind=kind, text=text, lines=(1, 1))  # type: ignore[arg-type]


def test_printed_lines_skip_header_and_footer_and_mark_footnotes() -> None:
    lines = printed_lines([PAGE_1, PAGE_2])
    assert [(x.page, x.line, x.footnote) for x in lines] == [
        (1, 1, False), (1, 2, False), (1, 3, False), (1, 4, False), (1, 5, False),
        (1, 1, True), (2, 1, False), (2, 2, False),
    ]  # fmt: skip
    assert lines[1].text.startswith("1.     This chapter")


def test_blocks_are_found_across_labels_bullets_hyphens_and_ligatures() -> None:
    from reviewers.consolidate.pagelines import locate

    blocks = [
        _block(1, "title", "Accessibility and inclusion"),
        _block(2, "paragraph", "This chapter addresses the accessibility of smart city services."),
        _block(3, "footnote", "Universal design does not exclude devices."),
        _block(4, "list_item", "Persons with disabilities, including people with sensory"),
        _block(5, "paragraph", "Final words of the section."),
        _block(6, "table_cell", "Final"),
        _block(7, "paragraph", "A paragraph the layout lost entirely."),
        _block(8, "heading", "Key issues"),
    ]
    assert locate([PAGE_1, PAGE_2], blocks) == {
        "ph_03_0001": (1, 1), "ph_03_0002": (1, 2), "ph_03_0003": (1, 1),
        "ph_03_0004": (1, 4), "ph_03_0005": (2, 1), "ph_03_0008": (2, 2),
    }  # fmt: skip


def test_without_libreoffice_page_lines_say_why_there_are_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LayoutError, match=r"soffice and pdftotext not found on the PATH: install"):
        page_lines(tmp_path / "absent.docx", [_block(1, "title", "Title")])


@pytest.fixture
def packet(example_ws: Workspace, tmp_path: Path) -> tuple[Path, list[Block]]:
    """Chapter 03 as its reviewer's packet (as sent in a round), and its blocks."""
    ws = example_ws
    reviewer = next(p for p in ws.people if "ewg" in p.groups)
    rnd = rounds.open_round(ws, ["03"], [reviewer.id], date(2024, 3, 22), ws.identity(DRAFTER))
    item = rnd.items[0]
    out = render_revision(ws, "03", item.revision, tmp_path / "packet.docx", round_id=rnd.id,
                          reviewer=reviewer, packet=item.packet)  # fmt: skip
    return out, blockstore.load(ws, "03", item.revision).blocks


@pytest.mark.slow
@pytest.mark.libreoffice
def test_packet_blocks_get_the_page_and_line_libreoffice_prints(
    packet: tuple[Path, list[Block]], tmp_path: Path
) -> None:
    soffice_or_skip()
    path, blocks = packet
    got = page_lines(path, blocks)
    assert len(got) >= 0.9 * len(blocks), f"located {len(got)} of {len(blocks)} blocks"
    first = next(b for b in blocks if b.kind == "paragraph")
    page, line = got[first.id]
    assert page == 1 and 1 < line <= 5
    located = [b for b in blocks if b.id in got]
    pages = [got[b.id][0] for b in located]
    assert pages == sorted(pages)
    body = [got[b.id] for b in located if b.kind != "footnote"]
    for (p1, l1), (p2, l2) in pairwise(body):
        assert p1 < p2 or l1 < l2, f"line {l2} after line {l1} on page {p1}"
    # each located line does print the block's opening words
    printed = {(x.page, x.line, x.footnote): x.text for x in printed_lines(
        pdf_pages(to_pdf(path, tmp_path / "layout")))}  # fmt: skip
    for b in located:
        text = printed[(*got[b.id], b.kind == "footnote")]
        assert b.text.split()[0].strip(".,;:") in text, f"{b.id} at {got[b.id]}: {text!r}"


@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_table_does_not_derail_the_blocks_after_it(tmp_path: Path) -> None:
    """Chapter 02 has a table: its cells have no printed lines; every other block is found."""
    soffice_or_skip()
    from tests.helpers.render_helpers import EXAMPLE, render

    path, block_map = render((EXAMPLE / "chapters" / "02.md").read_text(), tmp_path / "02.docx",
                             chapter="02")  # fmt: skip
    got = page_lines(path, block_map.blocks)
    cells = {b.id for b in block_map.blocks if b.kind == "table_cell"}
    assert cells and not cells & set(got)
    assert {b.id for b in block_map.blocks} - cells == set(got)


@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_layout_in_which_no_block_is_found_is_an_error_not_an_empty_answer(
    packet: tuple[Path, list[Block]],
) -> None:
    soffice_or_skip()
    path, _ = packet
    strangers = [_block(1, "paragraph", "Nothing of this text is printed in the packet at all.")]
    with pytest.raises(LayoutError, match=r"none of its 1 paragraphs was found on a numbered line"):
        page_lines(path, strangers)


# -- kept: laid out once per round render, reused by consolidation -----------------------------


def test_a_kept_layout_is_used_only_for_the_render_it_was_made_from(returned) -> None:  # type: ignore[no-untyped-def]
    import json

    from reviewers.consolidate.pagelines import KeptLayout

    ws, *_ = returned
    kept = KeptLayout(ws, "R1", "03", 1)
    assert kept.load() is None
    assert kept.file.parent == kept.base.parent  # beside the round's render, in outbox/
    kept.keep({"ph_03_0002": (1, 7)})
    assert KeptLayout(ws, "R1", "03", 1).load() == {"ph_03_0002": (1, 7)}
    data = json.loads(kept.file.read_text(encoding="utf-8"))
    data["key"] = "0" * 64  # another render, round or LibreOffice
    kept.file.write_text(json.dumps(data), encoding="utf-8")
    assert KeptLayout(ws, "R1", "03", 1).load() is None


def test_consolidation_lays_out_only_when_nothing_is_kept_and_keeps_what_it_made(
    returned, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import json

    from reviewers.consolidate import build
    from reviewers.consolidate.pagelines import KeptLayout

    ws, *_ = returned
    blocks = [b for b in blockstore.load(ws, "03", 1).blocks if b.kind == "paragraph"]
    made = {b.id: (1, 3 * n + 1) for n, b in enumerate(blocks)}
    calls = []

    def lay_out(docx, blocks):  # type: ignore[no-untyped-def]
        calls.append(docx)
        return made

    monkeypatch.setattr(build, "page_lines", lay_out)
    for _ in range(2):
        done = build.consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    assert len(calls) == 1  # the second consolidation read what the first kept
    assert KeptLayout(ws, "R1", "03", 1).load() == made
    rows = json.loads((ws.root / done.folder / "matrix.json").read_text())["rows"]
    placed = [r for r in rows if r["block"] in made]
    assert placed and all((r["page"], r["line"]) == made[r["block"]] for r in placed)


@pytest.mark.slow
@pytest.mark.libreoffice
def test_sending_lays_the_round_out_once_and_consolidation_runs_no_libreoffice(
    returned, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import json

    from reviewers.consolidate import build, pagelines

    soffice_or_skip()
    ws, *_ = returned
    assert pagelines.prepare(ws, "R1") == []
    laid_out = pagelines.KeptLayout(ws, "R1", "03", 1).load()
    assert laid_out

    def no_office(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("LibreOffice ran during consolidation")

    monkeypatch.setattr(build, "page_lines", no_office)
    monkeypatch.setattr(pagelines, "page_lines", no_office)
    assert pagelines.prepare(ws, "R1") == []  # kept: not laid out again
    done = build.consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    assert done.pages_missing == ""
    rows = json.loads((ws.root / done.folder / "matrix.json").read_text())["rows"]
    placed = [r for r in rows if r["block"] in laid_out]
    assert placed and all((r["page"], r["line"]) == laid_out[r["block"]] for r in placed)
