"""Restamping: a rendered .docx given another stamp equals a fresh render with that stamp, and a
round renders each chapter revision once, whatever the number of reviewers."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from drafts.blocks import BlockMap, build_block_map
from drafts.ooxml.write.anchors import read_anchors
from drafts.ooxml.write.parts import DocxParts
from drafts.ooxml.write.stamp import CUSTOM_PART, read_footer, read_stamp, restamp
from drafts.word import revision as word_out
from drafts.word.render import Stamp, render_chapter
from drafts.workspace import Workspace
from reviewers.rounds import records
from tests.conftest import DRAFTER, soffice_or_skip
from tests.helpers.render_helpers import BIB, CHAPTERS, soffice_convert, stamp

#: the parts a stamp writes (besides the custom properties)
STORIES = ("word/header1.xml", "word/footer1.xml")
#: written by pandoc with the time of the render
TIMED = ("docProps/core.xml",)


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def chapter_03() -> tuple[str, BlockMap]:
    markdown = next(c for c in CHAPTERS if c.stem == "03").read_text(encoding="utf-8")
    return markdown, build_block_map("03", 2, markdown, None, bibliography=BIB)


def render(markdown: str, block_map: BlockMap, s: Stamp, out: Path) -> Path:
    return render_chapter(markdown, block_map, s, out, bibliography=BIB)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BlockMap]:
    """Chapter 03 rendered unaddressed and without a round (the stamp a round's base has)."""
    markdown, block_map = chapter_03()
    out = tmp_path_factory.mktemp("base") / "base.docx"
    return render(markdown, block_map, stamp(packet=None, rnd=None), out), block_map


def test_restamped_file_equals_a_fresh_render_with_that_stamp(
    base: tuple[Path, BlockMap], tmp_path: Path
) -> None:
    path, block_map = base
    markdown, _ = chapter_03()
    fresh = render(markdown, block_map, stamp(), tmp_path / "fresh.docx")
    copy = restamp(path, stamp(), tmp_path / "copy.docx")
    mine, theirs = parts_of(copy), parts_of(fresh)
    assert list(mine) == list(theirs)  # same parts, same order
    for name in [CUSTOM_PART, *STORIES, "word/document.xml", "word/footnotes.xml"]:
        assert mine[name] == theirs[name], name
    assert {n for n in mine if mine[n] != theirs[n]} <= set(TIMED)
    assert read_stamp(copy) == read_stamp(fresh) == stamp().properties()
    assert read_footer(copy) == read_footer(fresh) == "Packet R1-03-K7Q2\tPage 1 of 1"
    assert read_anchors(copy) == read_anchors(fresh)
    assert all(read_anchors(copy)[b.id] == b.text for b in block_map.blocks)


def test_restamp_rewrites_only_the_stamp_parts(base: tuple[Path, BlockMap], tmp_path: Path) -> None:
    path, _ = base
    before = parts_of(path)
    after = parts_of(restamp(path, stamp(), tmp_path / "copy.docx"))
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {CUSTOM_PART, *STORIES}  # document, rels, content types: same bytes
    assert read_stamp(path)["penholder.packet"] == ""  # the source is untouched


def test_restamping_again_and_in_place_gives_the_same_bytes(
    base: tuple[Path, BlockMap], tmp_path: Path
) -> None:
    path, _ = base
    once = restamp(path, stamp(), tmp_path / "once.docx")
    other = restamp(once, stamp(chapter="03", packet="R1-03-ZZZZ"), tmp_path / "other.docx")
    assert read_stamp(other)["penholder.packet"] == "R1-03-ZZZZ"
    back = restamp(other, stamp(), tmp_path / "other.docx")  # in place
    assert back.read_bytes() == once.read_bytes()


def test_restamp_keeps_other_custom_properties_and_registers_a_new_part(
    base: tuple[Path, BlockMap], tmp_path: Path
) -> None:
    path, _ = base
    parts = DocxParts(path)
    names = [n for n in parts.names() if n != CUSTOM_PART]
    bare = tmp_path / "bare.docx"  # as if an editor dropped the custom properties
    with zipfile.ZipFile(bare, "w") as zf:
        for name in names:
            zf.writestr(name, parts.data(name))
    out = restamp(bare, stamp(), tmp_path / "out.docx")
    assert read_stamp(out) == stamp().properties()
    assert "docProps/custom.xml" in parts_of(out)["_rels/.rels"].decode()
    assert "/docProps/custom.xml" in parts_of(out)["[Content_Types].xml"].decode()


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_resave_of_a_restamped_file_keeps_the_stamp(
    base: tuple[Path, BlockMap], tmp_path: Path
) -> None:
    soffice_or_skip()
    path, block_map = base
    copy = restamp(path, stamp(), tmp_path / "src" / "copy.docx")
    resaved = soffice_convert(copy, "docx:MS Word 2007 XML", tmp_path / "resaved")
    assert read_stamp(resaved) == stamp().properties()
    assert "Packet R1-03-K7Q2" in read_footer(resaved)
    anchors = read_anchors(resaved)
    for block in block_map.blocks:
        assert anchors.get(block.id) == block.text, block


# -- a round -----------------------------------------------------------------------------------


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count pandoc renders made through ``drafts.word.revision`` (chapter ids, in order)."""
    calls: list[str] = []
    real = word_out.render_chapter

    def counting(markdown, block_map, s, out, **kw):  # type: ignore[no-untyped-def]
        calls.append(block_map.chapter)
        return real(markdown, block_map, s, out, **kw)

    monkeypatch.setattr(word_out, "render_chapter", counting)
    return calls


def test_opening_a_round_renders_each_chapter_once(
    example_ws: Workspace,
    cli,  # type: ignore[no-untyped-def]
    renders: list[str],
) -> None:
    ws = ["--workspace", str(example_ws.root), "--as", DRAFTER]
    people = "lucia-hernandez,chen-meiling,kenji-watanabe"
    code, _, err = cli(
        "round", "open", "--chapters", "02,03", "--reviewers", people, "--due", "2024-03-22", *ws
    )
    assert code == 0, err
    assert sorted(renders) == ["02", "03"]
    rnd = records.load_round(example_ws, "R1")
    assert len(rnd.items) == 6
    bodies: dict[str, set[bytes]] = {}
    for item in rnd.items:
        path = (
            example_ws.root
            / "outbox/R1/packets"
            / item.reviewer
            / f"Chapter {item.chapter} ({item.packet}).docx"
        )
        got = read_stamp(path)
        assert got["penholder.packet"] == item.packet and got["penholder.round"] == "R1"
        assert got["penholder.reviewer"].startswith(item.reviewer)
        assert f"Packet {item.packet}" in read_footer(path)
        bodies.setdefault(item.chapter, set()).add(parts_of(path)["word/document.xml"])
    assert all(len(b) == 1 for b in bodies.values())  # one text per chapter, shared
    # a reviewer added later reuses the round's renders
    assert cli("round", "add-reviewer", "R1", "priya-raman", *ws)[0] == 0
    assert sorted(renders) == ["02", "03"]
    added = [i for i in records.load_round(example_ws, "R1").items if i.reviewer == "priya-raman"]
    for item in added:
        path = (
            example_ws.root
            / "outbox/R1/packets/priya-raman"
            / f"Chapter {item.chapter} ({item.packet}).docx"
        )
        assert read_stamp(path)["penholder.packet"] == item.packet
        assert parts_of(path)["word/document.xml"] in bodies[item.chapter]


def test_the_cache_renders_again_when_an_input_changes(
    example_ws: Workspace, tmp_path: Path, renders: list[str]
) -> None:
    cache = word_out.RenderCache(tmp_path / "renders")
    lucia = example_ws.person("lucia-hernandez")
    first = cache.render(example_ws, "03", None, tmp_path / "a.docx", round_id="R1", reviewer=lucia)
    cache.render(example_ws, "03", None, tmp_path / "b.docx", round_id="R1", packet="R1-03-AAAA")
    assert renders == ["03"]
    assert read_stamp(first)["penholder.reviewer"].startswith("lucia-hernandez")
    bib = example_ws.root / "references.bib"
    bib.write_text(bib.read_text() + "\n% a comment changes no citation\n")
    cache.render(example_ws, "03", None, tmp_path / "c.docx", round_id="R1")
    assert renders == ["03", "03"] and len(list((tmp_path / "renders").iterdir())) == 2
