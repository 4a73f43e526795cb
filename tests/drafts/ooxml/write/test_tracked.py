"""The range-based tracked-change writer: ranges by block anchor, paragraphs, comments, errors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from drafts.ooxml.namespaces import w
from drafts.ooxml.read.reader import read_annotations
from drafts.ooxml.write.parts import DocxParts
from drafts.ooxml.write.tracked import (
    ParagraphDelete,
    ParagraphInsert,
    TrackedChange,
    TrackedComment,
    apply_tracked,
    mark_name,
)
from tests.helpers.render_helpers import render

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


def _marked_edits(ids: dict[str, str]) -> list:  # type: ignore[type-arg]
    city = ids["Cities collect data about residents every day."]
    return [
        TrackedChange(
            block=city, start=0, end=6, new_text="Towns", author="UN", date=WHEN, mark="R1-07-001"
        ),
        TrackedChange(
            block=city, start=26, end=26, new_text="all ", author="UN", date=WHEN, mark="R1-07-002"
        ),
        TrackedComment(
            block=city,
            start=7,
            end=19,
            text="Which data?",
            author="Ana",
            date=WHEN,
            replies=[("UN", "UN", WHEN, "Personal data.")],
            mark="R1-07-003",
        ),
        TrackedChange(
            block=ids["A footnote with text."],
            start=0,
            end=0,
            new_text="New: ",
            author="UN",
            date=WHEN,
            mark="R1-07-004",
        ),
        # a move: its two halves are pieces of one row
        ParagraphDelete(
            block=ids["Second paragraph stays as it is."], author="UN", date=WHEN, mark="R1-07-005"
        ),
        ParagraphInsert(
            after=ids["Scope"],
            text="Second paragraph stays as it is.",
            author="UN",
            date=WHEN,
            mark="R1-07-005",
        ),
    ]


def _marked(parts: DocxParts, name: str) -> list[tuple[str, str]]:
    """Return ``(kind, text)`` of the tracked changes and comments between bookmark ``name``'s ends."""
    for part in ("word/document.xml", "word/footnotes.xml"):
        root = parts.xml(part)
        start = next((b for b in root.iter(w("bookmarkStart")) if b.get(w("name")) == name), None)
        if start is None:
            continue
        found: list[tuple[str, str]] = []
        for el in start.itersiblings():
            if el.tag == w("bookmarkEnd") and el.get(w("id")) == start.get(w("id")):
                return found
            kind = el.tag.rpartition("}")[2]
            if kind in ("ins", "del"):
                found.append((kind, "".join(el.itertext())))
            elif kind == "commentRangeStart":
                found.append(("comment", el.get(w("id"))))
        raise AssertionError(f"bookmark {name} does not end among its siblings")
    raise AssertionError(f"no bookmark {name}")


def test_marks_wrap_each_change_and_comment_in_its_paragraph(doc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, ids = doc
    out = apply_tracked(path, _marked_edits(ids), tmp_path / "t.docx")
    parts = DocxParts(out)
    assert _marked(parts, "rm_R1_07_001") == [("del", "Cities"), ("ins", "Towns")]
    assert _marked(parts, "rm_R1_07_002") == [("ins", "all ")]
    assert [k for k, _ in _marked(parts, "rm_R1_07_003")] == ["comment", "comment"]  # + reply
    assert _marked(parts, "rm_R1_07_004") == [("ins", "New: ")]
    assert _marked(parts, "rm_R1_07_005") == [("del", "Second paragraph stays as it is.")]
    assert _marked(parts, "rm_R1_07_005_2") == [("ins", "Second paragraph stays as it is.")]
    ann = read_annotations(out)
    marked = [
        (p.part, p.mark, p.text_after.strip() or p.text_before.strip(), p.bookmarks)
        for p in ann.paragraphs
        if p.bookmarks
    ]
    city, note = ids["Cities collect data about residents every day."], ids["A footnote with text."]
    body, notes, moved = (
        "word/document.xml",
        "word/footnotes.xml",
        "Second paragraph stays as it is.",
    )
    assert marked == [
        (body, None, "Data governance", [ids["Data governance"]]),
        (body, None, "Scope", [ids["Scope"]]),
        (body, "ins", moved, ["rm_R1_07_005_2"]),
        (
            body,
            None,
            "Towns collect data about all residents every day.",
            [city, "rm_R1_07_001", "rm_R1_07_003", "rm_R1_07_002"],
        ),
        (body, "del", moved, [ids[moved], "rm_R1_07_005"]),
        (notes, None, "New: A footnote with text.", [note, "rm_R1_07_004"]),
    ]
    # every mark sits inside its block's anchor, in one paragraph (the footnote's anchor is
    # widened over an insertion at the start of its text, which lands after pandoc's space)
    for part in ("word/document.xml", "word/footnotes.xml"):
        for p in parts.xml(part).iter(w("p")):
            kids = list(p)
            pos = {
                (el.tag.rpartition("}")[2], el.get(w("id"))): i
                for i, el in enumerate(kids)
                if el.tag in (w("bookmarkStart"), w("bookmarkEnd"))
            }
            names = {
                el.get(w("id")): el.get(w("name")) for el in kids if el.tag == w("bookmarkStart")
            }
            anchors = [i for i, n in names.items() if n.startswith("ph_")]
            for bid, name in names.items():
                assert ("bookmarkEnd", bid) in pos, name
                for anchor in anchors:
                    if name.startswith("rm_"):
                        assert pos[("bookmarkStart", anchor)] < pos[("bookmarkStart", bid)]
                        assert pos[("bookmarkEnd", bid)] < pos[("bookmarkEnd", anchor)]
    seen = [
        el.get(w("id"))
        for name in ("word/document.xml", "word/footnotes.xml")
        for el in parts.xml(name).iter(
            w("ins"), w("del"), w("bookmarkStart"), w("commentRangeStart")
        )
    ]
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("how", ["accept", "reject"])
def test_marks_change_nothing_when_accepting_or_rejecting(doc, tmp_path: Path, how: str) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers.render_helpers import normalised

    path, ids = doc
    marked = _marked_edits(ids)
    plain = [e.model_copy(update={"mark": None}) for e in marked]
    with_marks = apply_tracked(path, marked, tmp_path / "marked.docx")
    without = apply_tracked(path, plain, tmp_path / "plain.docx")
    assert normalised(with_marks, how) == normalised(without, how)

    def revisions(path: Path) -> list[dict[str, object]]:
        return [r.model_dump(exclude={"id"}) for r in read_annotations(path).revisions]

    assert revisions(with_marks) == revisions(without)


@pytest.mark.parametrize(
    ("mark", "piece", "name"),
    [
        ("R1-03-004", 1, "rm_R1_03_004"),
        ("R1-03-004", 2, "rm_R1_03_004_2"),
        ("R12-03-1017", 3, "rm_R12_03_1017_3"),
        ("3 ébauche/x", 1, "rm_3__bauche_x"),
        ("x" * 60, 1, "rm_" + "x" * 37),
        ("x" * 60, 12, "rm_" + "x" * 34 + "_12"),
    ],
)
def test_mark_names_are_bookmark_safe(mark: str, piece: int, name: str) -> None:
    got = mark_name(mark, piece)
    assert got == name
    assert len(got) <= 40 and got[0].isalpha() and all(c.isalnum() or c == "_" for c in got)
    assert got.isascii()


def test_a_mark_name_already_in_the_file_is_not_reused(doc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, ids = doc
    bid = ids["Scope"]
    edit = TrackedChange(
        block=bid, start=0, end=5, new_text="Aim", author="UN", date=WHEN, mark="R1-07-001"
    )
    once = apply_tracked(path, [edit], tmp_path / "once.docx")
    twice = apply_tracked(
        once, [edit.model_copy(update={"start": 0, "end": 3})], tmp_path / "twice.docx"
    )
    heading = next(
        p for p in read_annotations(twice).paragraphs if p.bookmarks and p.bookmarks[0] == bid
    )
    assert sorted(heading.bookmarks) == [bid, "rm_R1_07_001", "rm_R1_07_001_2"]


def _note_comment(doc, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path, ids = doc
    bid = ids["A footnote with text."]
    edit = TrackedComment(
        block=bid, start=2, end=10, text="Cite the source.", author="Ana", date=WHEN
    )
    return apply_tracked(path, [edit], tmp_path / "c.docx")


def test_a_comment_on_a_note_sits_on_its_reference_mark(doc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """LibreOffice 7.4 cannot open a comment inside a note: it goes on the note's call."""
    (comment,) = read_annotations(_note_comment(doc, tmp_path)).comments
    assert comment.part == "word/document.xml"
    assert comment.text == "[on the note: \u201cfootnote\u201d] Cite the source."


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_opens_a_file_with_a_comment_on_a_note(doc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    from tests.conftest import soffice_or_skip

    soffice = soffice_or_skip()
    out = _note_comment(doc, tmp_path)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(out)],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    assert (tmp_path / "pdf" / "c.pdf").is_file()
