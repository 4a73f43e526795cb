"""The range-based tracked-change writer: ranges by block anchor, paragraphs, comments, errors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from render_helpers import render

from drafts.ooxml.docx_write import DocxParts
from drafts.ooxml.namespaces import w
from drafts.ooxml.reader import read_annotations
from drafts.ooxml.tracked import (
    ParagraphDelete,
    ParagraphInsert,
    TrackedChange,
    TrackedComment,
    apply_tracked,
)

WHEN = datetime(2024, 3, 4, 10, 0)
MD = """---
id: "07"
title: "Data governance"
---

# Scope

Cities collect data[^a] about residents every day.

Second paragraph stays as it is.

[^a]: A footnote with text.
"""


@pytest.fixture
def doc(tmp_path: Path):  # type: ignore[no-untyped-def]
    path, block_map = render(MD, tmp_path / "07.docx", chapter="07")
    return path, {b.text: b.id for b in block_map.blocks}


def _para(ann, text: str):  # type: ignore[no-untyped-def]
    return next(p for p in ann.paragraphs if p.text_before.strip() == text)


def test_insert_delete_replace_in_one_paragraph(doc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, ids = doc
    bid = ids["Cities collect data about residents every day."]
    edits = [
        TrackedChange(block=bid, start=0, end=6, new_text="Towns", author="UN", date=WHEN),
        TrackedChange(block=bid, start=26, end=26, new_text="all ", author="UN", date=WHEN),
        TrackedChange(block=bid, start=36, end=42, new_text="", author="UN", date=WHEN),
    ]
    out = apply_tracked(path, edits, tmp_path / "t.docx")
    ann = read_annotations(out)
    p = _para(ann, "Cities collect data about residents every day.")
    assert p.text_after.strip() == "Towns collect data about all residents day."
    kinds = sorted((r.kind, r.text) for r in ann.revisions)
    assert kinds == [("del", "Cities"), ("del", "every "), ("ins", "Towns"), ("ins", "all ")]
    assert {r.author for r in ann.revisions} == {"UN"}
    settings = DocxParts(out).xml("word/settings.xml")
    assert settings.find(w("trackRevisions")) is not None


def test_footnote_offsets_skip_pandocs_leading_space(doc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, ids = doc
    bid = ids["A footnote with text."]
    edit = TrackedChange(block=bid, start=0, end=1, new_text="One", author="UN", date=WHEN)
    ann = read_annotations(apply_tracked(path, [edit], tmp_path / "t.docx"))
    note = next(p for p in ann.paragraphs if p.footnote_id and "footnote" in p.text_after)
    assert note.text_after.strip() == "One footnote with text."


def test_paragraph_insert_and_delete(doc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, ids = doc
    scope, second = ids["Scope"], ids["Second paragraph stays as it is."]
    first = ids["Cities collect data about residents every day."]
    edits = [
        ParagraphDelete(block=second, author="UN", date=WHEN),
        ParagraphInsert(after=first, text="New one.", author="UN", date=WHEN),
        ParagraphInsert(after=first, text="New two.", author="UN", date=WHEN),
        ParagraphInsert(before=scope, text="Preface.", style="Heading1", author="UN", date=WHEN),
    ]
    ann = read_annotations(apply_tracked(path, edits, tmp_path / "t.docx"))
    body = [p for p in ann.paragraphs if p.part == "word/document.xml"]
    after = [p.text_after.strip() for p in body if p.mark != "del"]
    assert after[1:5] == [
        "Preface.",
        "Scope",
        "Cities collect data about residents every day.",
        "New one.",
    ]
    assert after[5] == "New two." and "Second paragraph stays as it is." not in after
    assert [p.mark for p in body if p.text_after.strip() == "New one."] == ["ins"]
    assert next(p for p in body if p.text_after == "Preface.").style == "Heading1"


def test_comment_with_reply_on_a_range(doc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, ids = doc
    bid = ids["Cities collect data about residents every day."]
    comment = TrackedComment(
        block=bid,
        start=7,
        end=19,
        text="Which data?",
        author="Ana",
        initials="AL",
        date=WHEN,
        replies=[("UN", "UN", WHEN, "Personal data.")],
        resolved=True,
    )
    ann = read_annotations(apply_tracked(path, [comment], tmp_path / "t.docx"))
    first, reply = ann.comments
    assert first.anchor_text == "collect data" and first.text == "Which data?" and first.resolved
    assert reply.parent == first.id and not ann.revisions


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (TrackedChange(block="ph_07_9999", start=0, end=1, author="UN", date=WHEN), "ph_07_9999"),
        (ParagraphInsert(after="nope", text="x", author="UN", date=WHEN), "nope"),
    ],
)
def test_unknown_block_is_refused(doc, tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    path, _ = doc
    with pytest.raises(ValueError, match=message):
        apply_tracked(path, [edit], tmp_path / "t.docx")
    assert not (tmp_path / "t.docx").exists()


def test_range_outside_the_text_is_refused(doc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, ids = doc
    bid = ids["Scope"]
    edit = TrackedChange(block=bid, start=2, end=6, new_text="x", author="UN", date=WHEN)
    with pytest.raises(ValueError, match=rf"\[2, 6\) is outside block {bid}"):
        apply_tracked(path, [edit], tmp_path / "t.docx")


def test_ids_are_unique_across_the_package(doc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, ids = doc
    bid = ids["Cities collect data about residents every day."]
    edits = [
        TrackedChange(block=bid, start=0, end=6, new_text="Towns", author="UN", date=WHEN),
        TrackedComment(block=bid, start=7, end=14, text="?", author="A", date=WHEN),
        ParagraphDelete(block=ids["Second paragraph stays as it is."], author="UN", date=WHEN),
    ]
    parts = DocxParts(apply_tracked(path, edits, tmp_path / "t.docx"))
    seen: list[str] = []
    for name in ("word/document.xml", "word/footnotes.xml"):
        for el in parts.xml(name).iter(
            w("ins"), w("del"), w("bookmarkStart"), w("commentRangeStart")
        ):
            seen.append(el.get(w("id")))
    assert len(seen) == len(set(seen))
