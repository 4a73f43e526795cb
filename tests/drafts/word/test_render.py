"""Rendering: anchors around every block, Word numbering, stamp, and what LibreOffice keeps."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from drafts.blocks import build_block_map
from drafts.core.errors import RenderError, TemplateError
from drafts.ooxml.namespaces import w
from drafts.ooxml.write.anchors import read_anchors
from drafts.ooxml.write.parts import DocxParts, edit_docx
from drafts.ooxml.write.stamp import read_footer, read_stamp
from drafts.word.render import render_chapter
from tests.helpers.render_helpers import (
    BIB,
    CHAPTERS,
    needs_soffice,
    pdf_text,
    render,
    soffice_convert,
    stamp,
)

SAMPLE = """---
id: "07"
title: "Data governance"
---

# Scope

Cities collect data[^a] as shown by @crpd2006 and others [@crpd2006, p. 4].

## Principles

- First item with *emphasis*.
- Second item.

| Col A | Col B |
|-------|-------|
| a1    | b1    |

Table: Who holds which data

Open data
:   Data anyone may use.

| The city belongs to all
| who live in it

[^a]: A footnote with text.

Final paragraph.
"""


def assert_anchors(path: Path, block_map) -> None:  # type: ignore[no-untyped-def]
    """Every block of a non-empty map is anchored by a bookmark around exactly its text."""
    assert block_map.blocks, "an empty block map proves nothing"
    anchors = read_anchors(path)
    for block in block_map.blocks:
        assert anchors.get(block.id) == block.text, block


def test_every_block_is_anchored_by_a_bookmark_around_its_text(tmp_path: Path) -> None:
    path, block_map = render(SAMPLE, tmp_path / "07.docx", chapter="07")
    assert_anchors(path, block_map)
    kinds = {b.kind for b in block_map.blocks}
    assert kinds == {
        *("title", "heading", "paragraph", "list_item", "table_cell", "footnote"),
        *("caption", "term", "line_block", "reference"),
    }


def _png(path: Path) -> Path:
    """Write a 1x1 white PNG (pandoc embeds it; a missing image would print its description)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return path


def test_a_figure_caption_is_anchored_after_its_image(tmp_path: Path) -> None:
    image = _png(tmp_path / "sensor.png")
    markdown = f"# Figures\n\n![A sensor on a lamp post]({image})\n\nAfter the figure.\n"
    path, block_map = render(markdown, tmp_path / "07.docx", chapter="07")
    assert_anchors(path, block_map)
    assert [b.kind for b in block_map.blocks] == ["heading", "caption", "paragraph"]
    body = DocxParts(path).xml("word/document.xml")
    paragraphs = list(body.iter(w("p")))
    caption = next(
        p
        for p in paragraphs
        if p.find(f".//{w('bookmarkStart')}[@{w('name')}='{block_map.blocks[1].id}']") is not None
    )
    before = paragraphs[paragraphs.index(caption) - 1]
    assert before.find(f".//{w('drawing')}") is not None  # the image, then its caption


def test_no_section_spanning_heading_bookmarks(tmp_path: Path) -> None:
    path, _ = render(SAMPLE, tmp_path / "07.docx", chapter="07")
    body = DocxParts(path).xml("word/document.xml")
    names = [b.get(w("name")) for b in body.iter(w("bookmarkStart"))]
    assert "scope" not in names and "principles" not in names
    for start in body.iter(w("bookmarkStart")):  # each bookmark closes in its own paragraph
        p = next(start.iterancestors(w("p")))
        ends = [e.get(w("id")) for e in p.iter(w("bookmarkEnd"))]
        assert start.get(w("id")) in ends


def test_numbered_paragraphs_use_word_numbering_not_digits(tmp_path: Path) -> None:
    path, block_map = render(SAMPLE, tmp_path / "07.docx", chapter="07")
    parts = DocxParts(path)
    styled = [
        p
        for p in parts.xml("word/document.xml").iter(w("p"))
        if p.find(f"{w('pPr')}/{w('pStyle')}[@{w('val')}='NumberedParagraph']") is not None
    ]
    assert len(styled) == sum(1 for b in block_map.blocks if b.paragraph) == 2
    numbering = parts.xml("word/numbering.xml")
    style = next(
        s
        for s in parts.xml("word/styles.xml").iter(w("style"))
        if s.get(w("styleId")) == "NumberedParagraph"
    )
    num_id = style.find(f".//{w('numId')}").get(w("val"))  # type: ignore[union-attr]
    assert any(n.get(w("numId")) == num_id for n in numbering.iter(w("num")))
    assert not re.match(r"\d+\.", read_anchors(path)[block_map.blocks[2].id])


def test_stamp_properties_header_and_footer(tmp_path: Path) -> None:
    path, _ = render(SAMPLE, tmp_path / "07.docx", chapter="07")
    assert read_stamp(path) == {
        "penholder.guideline": "Guidelines on people-centred smart cities",
        "penholder.chapter": "07",
        "penholder.revision": "2",
        "penholder.commit": "0123456789abcdef0123456789abcdef01234567",
        "penholder.round": "R1",
        "penholder.reviewer": "K7 (Ana Lima)",
        "penholder.packet": "R1-03-K7Q2",
        "penholder.kind": "chapter",
    }
    assert read_footer(path) == "Packet R1-03-K7Q2\tPage 1 of 1"
    parts = DocxParts(path)
    header = [n for n in parts.names() if n.startswith("word/header")]
    text = "".join(t.text or "" for n in header for t in parts.xml(n).iter(w("t")))
    assert text == "DRAFT — Smart cities — Chapter 07 — revision 2 — round R1 — 2026-03-01"
    rels = parts.data("_rels/.rels").decode()
    assert "custom-properties" in rels and "docProps/custom.xml" in rels
    assert "/docProps/custom.xml" in parts.data("[Content_Types].xml").decode()


def test_header_omits_the_round_when_there_is_none() -> None:
    assert stamp(packet=None, rnd=None).header() == (
        "DRAFT — Smart cities — Chapter 03 — revision 2 — 2026-03-01"
    )


def test_same_inputs_render_the_same_anchors(tmp_path: Path) -> None:
    one, _ = render(SAMPLE, tmp_path / "a.docx", chapter="07")
    two, _ = render(SAMPLE, tmp_path / "b.docx", chapter="07")
    assert read_anchors(one) == read_anchors(two)
    assert read_stamp(one) == read_stamp(two)


def test_block_map_of_other_markdown_is_refused(tmp_path: Path) -> None:
    block_map = build_block_map("07", 1, SAMPLE, None, bibliography=BIB)
    with pytest.raises(RenderError, match="rebuild the map"):
        render_chapter(SAMPLE + "\nExtra.\n", block_map, stamp(), tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


def test_template_without_a_style_is_refused(tmp_path: Path) -> None:
    block_map = build_block_map("07", 1, SAMPLE, None, bibliography=BIB)
    template = tmp_path / "plain.docx"
    from drafts.markdown.pandoc import run_pandoc

    template.write_bytes(run_pandoc(["--print-default-data-file", "reference.docx"], b""))
    with pytest.raises(TemplateError, match=r"plain\.docx lacks the style 'Numbered Paragraph'"):
        render_chapter(SAMPLE, block_map, stamp(), tmp_path / "x.docx", template=template)


def test_pandoc_failure_is_a_render_error_with_its_message(tmp_path: Path) -> None:
    block_map = build_block_map("07", 1, SAMPLE, None)
    bad_bib = tmp_path / "refs.bib"
    bad_bib.write_text("@article{broken, title = {unclosed\n")
    with pytest.raises(RenderError, match="pandoc failed"):
        render_chapter(SAMPLE, block_map, stamp(), tmp_path / "x.docx", bibliography=bad_bib)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_example_chapters_render_with_every_anchor(chapter: Path, tmp_path: Path) -> None:
    path, block_map = render(chapter.read_text(), tmp_path / "c.docx", chapter=chapter.stem)
    assert_anchors(path, block_map)


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_pdf_shows_header_line_numbers_and_paragraph_numbers(chapter: Path, tmp_path: Path) -> None:
    path, block_map = render(chapter.read_text(), tmp_path / "c.docx", chapter=chapter.stem)
    text = pdf_text(soffice_convert(path, "pdf", tmp_path / "pdf"))
    assert f"DRAFT — Smart cities — Chapter {chapter.stem} — revision 2 — round R1" in text
    assert "Packet R1-03-K7Q2" in text
    assert re.search(r"Page 2 of \d", text)
    lines = text.splitlines()
    line_numbers = [int(m.group(1)) for m in (re.match(r"\s*(\d+)\s{2,}\S", s) for s in lines) if m]
    assert {1, 2, 3, 10} <= set(line_numbers)
    last = max(b.paragraph or 0 for b in block_map.blocks)
    for number in (1, 2, last):
        assert re.search(rf"^\s*\d+\s+{number}\.\s+\S", text, re.M), number


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_anchors_and_stamp_survive_a_libreoffice_resave(tmp_path: Path) -> None:
    chapter = CHAPTERS[0] if CHAPTERS else None
    markdown = chapter.read_text() if chapter else SAMPLE
    path, block_map = render(markdown, tmp_path / "src" / "c.docx", chapter="03")
    resaved = soffice_convert(path, "docx:MS Word 2007 XML", tmp_path / "resaved")
    assert_anchors(resaved, block_map)
    assert read_stamp(resaved) == read_stamp(path)
    assert "Packet R1-03-K7Q2" in read_footer(resaved)


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_sample_with_footnotes_and_tables_survives_a_resave(tmp_path: Path) -> None:
    path, block_map = render(SAMPLE, tmp_path / "src" / "s.docx", chapter="07")
    resaved = soffice_convert(path, "docx:MS Word 2007 XML", tmp_path / "resaved")
    assert_anchors(resaved, block_map)


def test_anchors_are_read_by_name_even_duplicated_or_renamed_copies(tmp_path: Path) -> None:
    path, block_map = render(SAMPLE, tmp_path / "07.docx", chapter="07")
    first, second = block_map.blocks[1], block_map.blocks[2]

    def mangle(parts: DocxParts) -> None:
        body = parts.xml("word/document.xml")
        starts = {b.get(w("name")): b for b in body.iter(w("bookmarkStart"))}
        twin = copy.deepcopy(starts[first.id])
        twin.set(w("id"), "999")
        starts[second.id].addnext(twin)  # the same name again, in a later paragraph
        starts[second.id].set(w("name"), second.id + "_Copy_1")  # LibreOffice's footnote rename

    edit_docx(path, mangle)
    anchors = read_anchors(path)
    assert anchors[first.id] == first.text
    assert anchors[second.id] == second.text


@pytest.mark.parametrize("chapter", [None, *CHAPTERS], ids=lambda p: p.stem if p else "sample")
def test_joined_words_leave_the_docx_as_pandoc_writes_it(
    chapter: Path | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs of words are sent to pandoc as one Str each (a smaller AST to read): the document
    pandoc writes is the one it writes from its own word-by-word AST, byte for byte."""
    import json
    import zipfile

    from drafts.markdown.pandoc import run_pandoc
    from drafts.word import render as module

    extra = '\n> A *quoted* line with "quotes",  two spaces and a [link](https://x.org).\n'
    markdown = chapter.read_text() if chapter else SAMPLE + extra
    block_map = build_block_map("07", 1, markdown, None, bibliography=BIB)
    joined = module.anchored_ast(markdown, block_map, BIB)
    monkeypatch.setattr(module, "_join_words", lambda nodes: None)
    apart = module.anchored_ast(markdown, block_map, BIB)
    assert len(json.dumps(joined)) < 0.8 * len(json.dumps(apart))
    documents = []
    for n, ast in enumerate([joined, apart]):
        out = tmp_path / f"{n}.docx"
        run_pandoc(["-f", "json", "-t", "docx", "-o", str(out)], json.dumps(ast).encode())
        with zipfile.ZipFile(out) as docx:
            documents.append([docx.read(p) for p in docx.namelist() if p.startswith("word/")])
    assert documents[0] == documents[1]
