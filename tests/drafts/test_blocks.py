"""Block maps: structure, source lines, text as rendered, and ids that survive revisions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import examples
from drafts.blocks import BlockMap, block_id, build_block_map

EXAMPLE = examples.path()
BIB = EXAMPLE / "references.bib"
CHAPTERS = sorted((EXAMPLE / "chapters").glob("*.md"))

SAMPLE = """---
id: "07"
title: "Data *governance*"
---

# Scope

Cities collect data[^a] as shown by @crpd2006 and others [@crpd2006, p. 4].
This line continues the paragraph.

## Principles

- First item with *emphasis*.
- Second item
  continued here.

| Col A | Col B |
|-------|-------|
| a1    | b1    |
| a2    | "b2"  |

[^a]: A footnote with text.

    Second footnote paragraph.

Final paragraph with a [link](https://example.org/x) and a second note.[^b]

[^b]: Short note.
"""


def test_sample_blocks_kinds_lines_and_text() -> None:
    bm = build_block_map("07", 1, SAMPLE, None, bibliography=BIB)
    got = [(b.kind, b.lines, b.paragraph, b.note, b.text) for b in bm.blocks]
    assert got == [
        ("title", (3, 3), None, None, "Data governance"),
        ("heading", (6, 6), None, None, "Scope"),
        (
            "paragraph",
            (8, 9),
            1,
            None,
            "Cities collect data as shown by United Nations General Assembly (2006) and "
            "others (United Nations General Assembly 2006, 4). This line continues the paragraph.",
        ),
        ("footnote", (22, 22), None, 1, "A footnote with text."),
        ("footnote", (24, 24), None, 1, "Second footnote paragraph."),
        ("heading", (11, 11), None, None, "Principles"),
        ("list_item", (13, 13), None, None, "First item with emphasis."),
        ("list_item", (14, 15), None, None, "Second item continued here."),
        ("table_cell", (17, 17), None, None, "Col A"),
        ("table_cell", (17, 17), None, None, "Col B"),
        ("table_cell", (19, 19), None, None, "a1"),
        ("table_cell", (19, 19), None, None, "b1"),
        ("table_cell", (20, 20), None, None, "a2"),
        ("table_cell", (20, 20), None, None, "\u201cb2\u201d"),
        ("paragraph", (26, 26), 2, None, "Final paragraph with a link and a second note."),
        ("footnote", (28, 28), None, 2, "Short note."),
        (
            "reference",
            (8, 8),
            None,
            None,
            "United Nations General Assembly. 2006. Convention on the Rights of Persons with "
            "Disabilities.",
        ),
    ]
    assert bm.blocks[6].heading_path == ["Scope", "Principles"]
    assert (bm.blocks[-1].key, bm.blocks[-1].heading_path) == ("crpd2006", ["Scope", "Principles"])
    assert [b.id for b in bm.blocks[:3]] == ["ph_07_0001", "ph_07_0002", "ph_07_0003"]
    assert bm.next_id == len(bm.blocks) + 1


def test_without_bibliography_citations_keep_their_source_text() -> None:
    bm = build_block_map("07", 1, SAMPLE, None)
    assert "shown by @crpd2006 and others [@crpd2006, p. 4]." in bm.blocks[2].text


def test_block_ids_are_word_safe_bookmark_names() -> None:
    assert block_id("03", 42) == "ph_03_0042"
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", block_id("annexA", 123456))
    with pytest.raises(ValueError, match="chapter id"):
        block_id("0-3", 1)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_example_chapter_lines_point_at_their_source(chapter: Path) -> None:
    markdown = chapter.read_text(encoding="utf-8")
    source = markdown.splitlines()
    bm = build_block_map(chapter.stem, 1, markdown, None)  # citations as written: greppable
    assert len({b.id for b in bm.blocks}) == len(bm.blocks)
    numbers = [b.paragraph for b in bm.blocks if b.paragraph is not None]
    assert numbers == list(range(1, len(numbers) + 1))
    previous_start = 0
    for block in bm.blocks:
        first, last = block.lines
        assert 1 <= first <= last <= len(source)
        text = " ".join(source[first - 1 : last])
        words = re.findall(r"\w+", block.text)
        if block.kind in ("heading", "paragraph", "list_item") and words:
            assert words[0] in text and words[-1] in text, (block, text)
        if block.kind == "heading":
            assert source[first - 1].startswith("#")
        if block.kind not in ("footnote", "title"):
            assert first >= previous_start
            previous_start = first


def test_block_map_round_trips_through_json() -> None:
    bm = build_block_map("07", 1, SAMPLE, None)
    assert BlockMap.model_validate_json(bm.model_dump_json()) == bm


# --- ids across revisions (property tests) -------------------------------------------------

VOCABULARY = "city data access service public digital right people plan local open water"
WORDS = st.sampled_from([*VOCABULARY.split(), "energy", "transport", "housing", "health"])
PARAGRAPH = st.lists(WORDS, min_size=3, max_size=25).map(lambda ws: " ".join(ws).capitalize())
# Distinct paragraphs: with duplicate texts, which copy keeps which id is a matter of choice.
CHAPTER = st.lists(PARAGRAPH, min_size=1, max_size=8, unique=True)
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def chapter_md(paragraphs: list[str]) -> str:
    return '---\nid: "05"\ntitle: "T"\n---\n\n# Heading\n\n' + "\n\n".join(paragraphs) + "\n"


@SLOW
@given(CHAPTER)
def test_unchanged_text_keeps_every_id(paragraphs: list[str]) -> None:
    first = build_block_map("05", 1, chapter_md(paragraphs), None)
    second = build_block_map("05", 2, chapter_md(paragraphs), first)
    assert [b.id for b in second.blocks] == [b.id for b in first.blocks]
    assert second.next_id == first.next_id
    assert len({b.id for b in second.blocks}) == len(second.blocks)


@SLOW
@given(CHAPTER, st.data())
def test_inserting_a_paragraph_leaves_other_ids_alone(paragraphs: list[str], data) -> None:  # type: ignore[no-untyped-def]
    first = build_block_map("05", 1, chapter_md(paragraphs), None)
    at = data.draw(st.integers(0, len(paragraphs)))
    new = [*paragraphs[:at], "Inserted paragraph about nothing else", *paragraphs[at:]]
    second = build_block_map("05", 2, chapter_md(new), first)
    old_ids = [b.id for b in first.blocks]
    new_ids = [b.id for b in second.blocks]
    inserted = new_ids.pop(2 + at)  # title, heading, then the paragraphs
    assert new_ids == old_ids
    assert inserted == block_id("05", first.next_id)
    assert second.next_id == first.next_id + 1


@SLOW
@given(CHAPTER, st.data())
def test_editing_one_word_keeps_the_id(paragraphs: list[str], data) -> None:  # type: ignore[no-untyped-def]
    first = build_block_map("05", 1, chapter_md(paragraphs), None)
    which = data.draw(st.integers(0, len(paragraphs) - 1))
    words = paragraphs[which].split()
    pos = data.draw(st.integers(0, len(words) - 1))
    words[pos] = "governance"
    edited = [*paragraphs]
    edited[which] = " ".join(words)
    assume(len(set(edited)) == len(edited))
    second = build_block_map("05", 2, chapter_md(edited), first)
    assert [b.id for b in second.blocks] == [b.id for b in first.blocks]


@SLOW
@given(CHAPTER)
def test_deleted_ids_are_never_reused(paragraphs: list[str]) -> None:
    first = build_block_map("05", 1, chapter_md(paragraphs), None)
    second = build_block_map("05", 2, chapter_md(["Totally different words here"]), first)
    third = build_block_map("05", 3, chapter_md(paragraphs), second)
    earlier = {b.id for b in first.blocks} | {b.id for b in second.blocks}
    reborn = {b.id for b in third.blocks} - {b.id for b in second.blocks}
    assert not reborn & earlier


GENERATED = """---
title: "Terms"
---

# Words

| a | b |
|---|---|
| 1 | 2 |

Table: Budget *lines*

Smart city
:   A city that uses data [@nua2016].

![Sensors on a lamp post](lamp.png)

| Article 1
| Article 2

Closing paragraph [@udhr1948].
"""


def test_terms_captions_line_blocks_and_bibliography_entries_are_blocks() -> None:
    bm = build_block_map("07", 1, GENERATED, None, bibliography=BIB)
    got = [(b.kind, b.lines, b.text) for b in bm.blocks if b.kind not in ("table_cell",)]
    assert got == [
        ("title", (2, 2), "Terms"),
        ("heading", (5, 5), "Words"),
        ("caption", (11, 11), "Budget lines"),  # printed above the table, written below it
        ("term", (13, 13), "Smart city"),
        ("list_item", (14, 14), "A city that uses data (United Nations General Assembly 2016)."),
        ("caption", (16, 16), "Sensors on a lamp post"),
        ("line_block", (18, 19), "Article 1\nArticle 2"),
        ("paragraph", (21, 21), "Closing paragraph (United Nations General Assembly 1948)."),
        (
            "reference",
            (21, 21),
            "United Nations General Assembly. 1948. Universal Declaration of Human Rights.",
        ),
        ("reference", (14, 14), "United Nations General Assembly. 2016. New Urban Agenda."),
    ]
    refs = [b for b in bm.blocks if b.kind == "reference"]
    assert [r.key for r in refs] == ["udhr1948", "nua2016"]
    assert all(r.heading_path == ["Words"] and r.paragraph is None for r in refs)
    assert [b.paragraph for b in bm.blocks if b.paragraph] == [1]  # a line block is not numbered
    assert bm.scheme == 2


def test_bibliography_entries_keep_their_ids_by_citation_key(tmp_path: Path) -> None:
    r1 = build_block_map("07", 1, GENERATED, None, bibliography=BIB)
    # the entry's text changes (the .bib was corrected) and another citation comes first
    bib = tmp_path / "references.bib"
    bib.write_text(BIB.read_text(encoding="utf-8").replace("New Urban Agenda", "NUA"), "utf-8")
    text = GENERATED.replace("# Words\n", "# Words\n\nFirst [@crpd2006].\n")
    r2 = build_block_map("07", 2, text, r1, bibliography=bib)
    ids1 = {b.key: b.id for b in r1.blocks if b.kind == "reference"}
    ids2 = {b.key: b.id for b in r2.blocks if b.kind == "reference"}
    assert ids2["udhr1948"] == ids1["udhr1948"] and ids2["nua2016"] == ids1["nua2016"]
    assert next(b.text for b in r2.blocks if b.key == "nua2016").endswith("2016. NUA.")
    assert ids2["crpd2006"] not in ids1.values() and ids2["crpd2006"] == block_id(
        "07", r1.next_id + 1
    )
    # dropping the last citation of a key drops its entry; its id is never reused
    r3 = build_block_map("07", 3, text.replace(" [@udhr1948]", ""), r2, bibliography=bib)
    assert ids1["udhr1948"] not in {b.id for b in r3.blocks}
    assert ids1["nua2016"] == next(b.id for b in r3.blocks if b.key == "nua2016")
    assert all(int(b.id[-4:]) < r3.next_id for b in r3.blocks)


MAIN_MAP = Path(__file__).parent / "data" / "main-01-r1.json"


def test_a_map_stored_before_scheme_2_still_loads_and_renders_its_own_blocks() -> None:
    """``data/main-01-r1.json``: example chapter 01, revision 1, as main (0ba54e5) stored it."""
    from drafts.word.render import anchored_ast

    old = BlockMap.model_validate_json(MAIN_MAP.read_text(encoding="utf-8"))
    assert old.scheme == 1 and "reference" not in {b.kind for b in old.blocks}
    markdown = (EXAMPLE / "chapters" / "01.md").read_text(encoding="utf-8")
    ast = anchored_ast(markdown, old, BIB)  # raises RenderError if its blocks did not fit
    refs = next(b for b in ast["blocks"] if b["t"] == "Div" and b["c"][1][0]["t"] == "Div")
    entry = refs["c"][1][0]["c"][1][0]["c"]
    assert entry[0]["t"] != "Span"  # entries stay unanchored, as before
    new = build_block_map("01", 2, markdown, old, bibliography=BIB)
    kept = [b for b in new.blocks if b.kind != "reference"]
    assert [b.id for b in kept] == [b.id for b in old.blocks]
    refs_new = [b.id for b in new.blocks if b.kind == "reference"]
    assert refs_new == [block_id("01", old.next_id + i) for i in range(len(refs_new))]
    assert len(refs_new) == 6 and new.scheme == 2
