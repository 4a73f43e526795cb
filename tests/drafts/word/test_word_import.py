"""Word back in: an edited .docx patched into the Markdown, only where blocks changed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from drafts import blockstore
from drafts.blocks import build_block_map
from drafts.core.errors import DocumentError, StageRefused
from drafts.ooxml.simulate.annotate import Replace, SilentEdit, apply
from drafts.ooxml.write.tracked import ParagraphDelete, ParagraphInsert, apply_tracked
from drafts.word.importer import import_docx, record_import
from drafts.word.revision import render_revision
from tests.conftest import DRAFTER, soffice_or_skip
from tests.helpers.lo_helpers import lo_edit, uno_python_or_skip

WHEN = datetime(2024, 3, 4, 10, 0)


def _render(ws, tmp_path: Path, chapter: str = "03") -> Path:  # type: ignore[no-untyped-def]
    return render_revision(ws, chapter, None, tmp_path / f"{chapter}.docx")


def _changed_lines(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.splitlines(), new.splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def _block(ws, chapter: str, needle: str):  # type: ignore[no-untyped-def]
    return next(b for b in blockstore.load(ws, chapter, 1).blocks if needle in b.text)


def test_render_then_import_without_edits_is_byte_identical(example_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for chapter in ("01", "03"):
        docx = _render(example_ws, tmp_path, chapter)
        assert import_docx(example_ws, chapter, docx) == example_ws.text(chapter)
    with pytest.raises(StageRefused, match="unchanged"):
        record_import(example_ws, "03", docx, example_ws.identity(DRAFTER))


def test_silent_edit_changes_only_that_block_and_keeps_its_citation(
    example_ws, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    block = _block(example_ws, "03", "The chapter starts from the obligations")
    docx = _render(example_ws, tmp_path)
    edited = apply(
        docx,
        [SilentEdit(paragraph=block.id, quote="appropriate measures", new_text="effective steps")],
        tmp_path / "edited.docx",
    )
    old = example_ws.text("03")
    new = import_docx(example_ws, "03", edited)
    [(before, after)] = _changed_lines(old, new)
    assert before.replace("appropriate measures", "effective steps") == after
    assert "[@crpd2006]" in after
    start = sum(1 for _ in old.splitlines()[: block.lines[0] - 1])
    assert old.splitlines()[start] == before


def test_tracked_replace_in_a_paragraph_with_a_footnote_marker(example_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    block = _block(example_ws, "03", "The same technologies can also create new barriers")
    docx = _render(example_ws, tmp_path)
    edit = Replace(
        paragraph=block.id, quote="from the outset", new_text="from day one", author="A", date=WHEN
    )
    edited = apply(docx, [edit], tmp_path / "edited.docx")
    old = example_ws.text("03")
    new = import_docx(example_ws, "03", edited)
    [(before, after)] = _changed_lines(old, new)
    assert after == before.replace("from the outset.[^1]", "from day one.[^1]")
    commit = record_import(example_ws, "03", edited, example_ws.identity(DRAFTER))
    last = example_ws.history()[-1]
    assert commit
    assert last.value("Event") == "import" and last.value("Revision") == "2"
    assert example_ws.text("03") == new


def test_new_and_deleted_paragraphs(example_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gone = _block(example_ws, "03", "The shift to digital-only channels")
    after = _block(example_ws, "03", "Accessibility barriers fall unevenly")
    docx = _render(example_ws, tmp_path)
    edits = [
        ParagraphDelete(block=gone.id, author="A", date=WHEN),
        ParagraphInsert(after=after.id, text="Cities should publish what they measure.", author="A", date=WHEN),
    ]  # fmt: skip
    edited = apply_tracked(docx, edits, tmp_path / "edited.docx")
    old = example_ws.text("03")
    new = import_docx(example_ws, "03", edited)
    assert gone.text[:40] not in new
    assert "\n\nCities should publish what they measure.\n" in new
    assert new.index("Cities should publish") > new.index("Accessibility barriers fall unevenly")
    assert new.split("# Key issues")[0] == old.split("# Key issues")[0]  # front matter and before


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a zip at all", "bad.docx"), (b"PK\x03\x04broken", "bad.docx")],
)
def test_bad_files_are_refused_and_nothing_is_written(
    example_ws, tmp_path: Path, content: bytes, message: str
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.docx"
    bad.write_bytes(content)
    head = example_ws.history()[-1]
    with pytest.raises(DocumentError, match=message):
        record_import(example_ws, "03", bad, example_ws.identity(DRAFTER))
    assert example_ws.history()[-1] == head


def test_a_file_of_another_chapter_is_refused(example_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docx = _render(example_ws, tmp_path, "01")
    with pytest.raises(DocumentError, match="stamped as chapter 01, not chapter 03"):
        import_docx(example_ws, "03", docx)


def test_a_file_with_no_recognisable_chapter_is_refused(example_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from drafts.ooxml.write.parts import edit_docx

    docx = _render(example_ws, tmp_path, "01")
    stripped = tmp_path / "nostamp.docx"
    edit_docx(docx, lambda parts: parts.set_bytes("docProps/custom.xml", _EMPTY_PROPS), stripped)
    with pytest.raises(DocumentError, match="not recognisably chapter 03"):
        import_docx(example_ws, "03", stripped)


_EMPTY_PROPS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
    b'"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
)


def test_cli_import_and_redline(example_ws, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    block = _block(example_ws, "03", "The chapter starts from the obligations")
    docx = _render(example_ws, tmp_path)
    edited = apply(
        docx,
        [SilentEdit(paragraph=block.id, quote="appropriate measures", new_text="effective steps")],
        tmp_path / "edited.docx",
    )
    w = ["--workspace", str(example_ws.root)]
    code, out, err = cli("import", "03", edited, "--as", DRAFTER, *w)
    assert code == 0, err
    assert "revision 2" in out
    code, out, err = cli("redline", "03", "--from", "1", "--to", "2", "-o", tmp_path / "r.docx", *w)
    assert code == 0, err and (tmp_path / "r.docx").is_file()
    code, _, err = cli("import", "03", tmp_path / "missing.docx", *w)
    assert code == 1 and err.startswith("penholder: ")


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_edited_file_imports(example_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    soffice_or_skip()
    uno_python_or_skip()
    docx = _render(example_ws, tmp_path)
    ops = [{"op": "replace", "quote": "appropriate measures", "text": "effective steps"}]
    edited = lo_edit(docx, tmp_path / "lo.docx", "Ana Lima", ops)
    old = example_ws.text("03")
    new = import_docx(example_ws, "03", edited)
    [(before, after)] = _changed_lines(old, new)
    assert before.replace("appropriate measures", "effective steps") == after


def _entry(ws, key: str):  # type: ignore[no-untyped-def]
    blocks = blockstore.load(ws, "03", 1).blocks
    return next(b for b in blocks if b.kind == "reference" and b.key == key)


def test_an_edited_bibliography_entry_is_refused_with_the_way_out(
    example_ws, tmp_path: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    entry = _entry(example_ws, "nua2016")
    edited = apply(
        _render(example_ws, tmp_path),
        [SilentEdit(paragraph=entry.id, quote="New Urban Agenda", new_text="NUA")],
        tmp_path / "edited.docx",
    )
    with pytest.raises(
        DocumentError, match=r"edits the bibliography entry nua2016 .*references\.bib"
    ):
        import_docx(example_ws, "03", edited)
    head = example_ws.history()[-1]
    code, out, err = cli(
        "import", "03", edited, "--as", DRAFTER, "--workspace", str(example_ws.root)
    )
    assert code == 1 and out == ""
    assert err.startswith("penholder: ") and "Traceback" not in err and err.count("\n") == 1
    assert "correct the entry nua2016 in references.bib" in err
    assert example_ws.history()[-1] == head


def test_entries_left_behind_or_followed_by_a_new_paragraph_import_cleanly(
    example_ws, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The only paragraph citing whodisability2011 goes (Word keeps printing its entry), and a
    paragraph typed after the last entry lands after the chapter's last paragraph."""
    blocks = blockstore.load(example_ws, "03", 1).blocks
    old = example_ws.text("03")
    line = next(n for n, t in enumerate(old.splitlines(), 1) if "@whodisability2011" in t)
    citing = next(b for b in blocks if b.kind == "paragraph" and b.lines[0] <= line <= b.lines[1])
    entries = [b for b in blocks if b.kind == "reference"]
    edits = [
        ParagraphDelete(block=citing.id, author="A", date=WHEN),
        ParagraphInsert(after=entries[-1].id, text="A closing word.", author="A", date=WHEN),
    ]
    edited = apply_tracked(_render(example_ws, tmp_path), edits, tmp_path / "edited.docx")
    new = import_docx(example_ws, "03", edited)
    assert "@whodisability2011" not in new and citing.text[:40] not in new
    last = max((b for b in blocks if b.kind == "paragraph"), key=lambda b: b.lines[1])
    assert new.index("A closing word.") > new.index(last.text[:30])
    revised = build_block_map(
        "03",
        2,
        new,
        blockstore.load(example_ws, "03", 1),
        bibliography=blockstore.bibliography(example_ws),
    )
    assert "whodisability2011" not in {b.key for b in revised.blocks}
    assert [b.text for b in revised.blocks if b.kind == "paragraph"][-1] == "A closing word."


_EXTRAS = """
Open data
:   Data anyone can use [@nua2016].

| Year | Budget |
|------|--------|
| 2024 | 10     |

Table: Municipal budget for sensors

| The city belongs to all
| who live in it
"""


def test_edits_to_a_term_a_caption_and_a_line_block_are_patched_into_their_lines(
    example_ws, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from drafts.chapters import commit_revision

    ws = example_ws
    commit_revision(ws, "03", ws.text("03") + _EXTRAS, ws.identity(DRAFTER))
    blocks = {b.kind: b for b in blockstore.load(ws, "03", 2).blocks}
    term, caption, poem = blocks["term"], blocks["caption"], blocks["line_block"]
    assert (term.text, caption.text) == ("Open data", "Municipal budget for sensors")
    assert poem.text == "The city belongs to all\nwho live in it"
    edits = [
        SilentEdit(paragraph=term.id, quote="Open data", new_text="Open government data"),
        SilentEdit(paragraph=caption.id, quote="sensors", new_text="street sensors"),
        SilentEdit(paragraph=poem.id, quote="all", new_text="everyone"),
    ]
    edited = apply(
        render_revision(ws, "03", None, tmp_path / "03.docx"), edits, tmp_path / "e.docx"
    )
    old, new = ws.text("03"), import_docx(ws, "03", edited)
    assert _changed_lines(old, new) == [
        ("Open data", "Open government data"),
        ("Table: Municipal budget for sensors", "Table: Municipal budget for street sensors"),
        ("| The city belongs to all", "| The city belongs to everyone"),
    ]


def test_a_revision_whose_map_predates_scheme_2_still_imports(
    example_ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """An existing workspace: the latest map has no entries, terms, captions or line blocks;
    its render leaves them unanchored, and the import checks the patched Markdown against the
    blocks of that scheme."""
    from drafts.chapters import commit_revision
    from tests.helpers.scheme1 import store_before_scheme_2

    ws = example_ws
    commit_revision(ws, "03", ws.text("03") + _EXTRAS, ws.identity(DRAFTER))
    store_before_scheme_2(monkeypatch, "03", 2)
    assert blockstore.load(ws, "03", 2).scheme == 1
    block = _block(ws, "03", "The chapter starts from the obligations")
    docx = render_revision(ws, "03", None, tmp_path / "03.docx")
    edit = SilentEdit(paragraph=block.id, quote="appropriate measures", new_text="effective steps")
    new = import_docx(ws, "03", apply(docx, [edit], tmp_path / "edited.docx"))
    [(before, after)] = _changed_lines(ws.text("03"), new)
    assert before.replace("appropriate measures", "effective steps") == after
