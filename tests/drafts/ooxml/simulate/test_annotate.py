"""The annotation writer: edits written as Word writes them, read back exactly by the reader.

Every test renders chapter 03 of the example guideline (each paragraph's content wrapped in a
``ph_03_NNNN`` bookmark), applies edits with ``drafts.ooxml.simulate.annotate.apply`` and checks what
``read_annotations`` finds, and, in the slow tests, what pandoc and LibreOffice make of it.
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import pydantic
import pypandoc
import pytest

from drafts.ooxml.read.reader import Annotations, read_annotations
from drafts.ooxml.simulate import annotate as A
from tests.conftest import soffice_or_skip
from tests.helpers.render_helpers import CHAPTERS, render, soffice_convert

D1, D2 = datetime(2024, 3, 4, 10, 0), datetime(2024, 3, 5, 9, 30)
W1, W2 = "2024-03-04T10:00:00Z", "2024-03-05T09:30:00Z"
ANA, BEN = "Ana Lima", "Ben Okoro"


@pytest.fixture(scope="module")
def packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Chapter 03 rendered as a reviewer's packet."""
    out = tmp_path_factory.mktemp("packet") / "ch03.docx"
    return render(CHAPTERS[2].read_text("utf-8"), out)[0]


@pytest.fixture(scope="module")
def original(packet: Path) -> Annotations:
    return read_annotations(packet)


def by_bookmark(ann: Annotations) -> dict[str, tuple[str, str]]:
    """Bookmark name -> (text_before, text_after) of the body paragraph holding it."""
    return {
        name: (p.text_before, p.text_after)
        for p in ann.paragraphs
        if p.part == "word/document.xml"
        for name in p.bookmarks
    }


def text(ann: Annotations, block: str) -> str:
    return by_bookmark(ann)[block][1]


TRACKED: list[A.Edit] = [
    A.Insert(paragraph="ph_03_0003", after_quote="This chapter", text=" briefly", author=ANA, date=D1),
    A.Delete(paragraph="ph_03_0007", quote=" mobile applications,", author=ANA, date=D1),
    A.Replace(paragraph="ph_03_0008", quote="particular concern", new_text="serious concern", author=BEN, date=D2),
    A.Move(from_paragraph="ph_03_0010", quote="Smart city technologies can make the physical city markedly more accessible. ", to_paragraph="ph_03_0013", after_quote="", author=ANA, date=D1),
    A.Format(paragraph="ph_03_0007", quote="screen readers", bold=True, author=BEN, date=D2),
    A.InsertParagraph(after_paragraph="ph_03_0008", text="Counters must stay open.", author=ANA, date=D1),
    A.DeleteParagraph(paragraph="ph_03_0011", author=BEN, date=D2),
]  # fmt: skip


def test_tracked_edits_are_read_back_exactly(
    packet: Path, original: Annotations, tmp_path: Path
) -> None:
    out = A.apply(packet, TRACKED, tmp_path / "tracked.docx")
    ann = read_annotations(out)
    moved = "Smart city technologies can make the physical city markedly more accessible. "
    got = {(r.kind, r.author, r.date, r.text) for r in ann.revisions}
    assert got == {
        ("ins", ANA, W1, " briefly"),
        ("del", ANA, W1, " mobile applications,"),
        ("del", BEN, W2, "particular concern"),
        ("ins", BEN, W2, "serious concern"),
        ("moveFrom", ANA, W1, moved),
        ("moveTo", ANA, W1, moved),
        ("rPrChange", BEN, W2, "b: none -> on; bCs: none -> on"),
        ("ins", ANA, W1, "\n"),  # the new paragraph's mark
        ("ins", ANA, W1, "Counters must stay open."),
        ("del", BEN, W2, by_bookmark(original)["ph_03_0011"][0]),
        ("del", BEN, W2, "\n"),  # the deleted paragraph's mark
    }
    assert len(ann.revisions) == 11
    assert {c.kind for c in ann.changes} == {"insert", "delete", "replace", "move", "format"}
    before = by_bookmark(original)
    expected = {k: v[0] for k, v in before.items()}
    expected["ph_03_0003"] = before["ph_03_0003"][0].replace(
        "This chapter", "This chapter briefly", 1
    )
    expected["ph_03_0007"] = before["ph_03_0007"][0].replace(" mobile applications,", "", 1)
    expected["ph_03_0008"] = before["ph_03_0008"][0].replace("particular", "serious", 1)
    expected["ph_03_0010"] = before["ph_03_0010"][0].replace(moved, "", 1)
    expected["ph_03_0013"] = moved + before["ph_03_0013"][0]
    expected["ph_03_0011"] = ""
    assert {k: v[1] for k, v in by_bookmark(ann).items()} == expected
    assert {k: v[0] for k, v in by_bookmark(ann).items()} == {k: v[0] for k, v in before.items()}
    assert ann.text_before == original.text_before
    new = [p for p in ann.paragraphs if p.text_after == "Counters must stay open."]
    assert len(new) == 1 and new[0].mark == "ins" and new[0].bookmarks == []
    assert ann.comments == []


def test_sets_track_revisions_and_allows_moves(packet: Path, tmp_path: Path) -> None:
    out = A.apply(packet, TRACKED[3:4], tmp_path / "move.docx")
    settings = zipfile.ZipFile(out).read("word/settings.xml").decode()
    assert "<w:trackRevisions/>" in settings and "doNotTrackMoves" not in settings


def test_comment_thread_with_replies_and_resolved_state(packet: Path, tmp_path: Path) -> None:
    thread = A.Comment(
        paragraph="ph_03_0004",
        quote="Convention on the Rights of Persons with Disabilities",
        text="Cite the article.\nArticle 9 is the one.",
        author=ANA,
        initials="AL",
        date=D1,
        replies=[
            (BEN, "BO", D2, "Agreed."),
            A.Reply(author=ANA, initials="AL", date=D2, text="Done."),
        ],
        resolved=True,
    )
    single = A.Comment(
        paragraph="digital-only channels",
        quote="service counter",
        text="Which?",
        author=BEN,
        initials="BO",
        date=D2,
    )
    ann = read_annotations(A.apply(packet, [thread, single], tmp_path / "comments.docx"))
    rows = [(c.author, c.initials, c.date, c.anchor_text, c.text, c.resolved) for c in ann.comments]
    quote = "Convention on the Rights of Persons with Disabilities"
    assert rows == [
        (ANA, "AL", W1, quote, "Cite the article.\nArticle 9 is the one.", True),
        (BEN, "BO", W2, quote, "Agreed.", False),
        (ANA, "AL", W2, quote, "Done.", False),
        (BEN, "BO", W2, "service counter", "Which?", False),
    ]
    first = ann.comments[0].id
    assert [c.parent for c in ann.comments] == [None, first, first, None]
    assert ann.revisions == [] and ann.text_before == ann.text_after
    names = set(zipfile.ZipFile(tmp_path / "comments.docx").namelist())
    assert {"word/commentsExtended.xml", "word/people.xml"} <= names


def test_edits_compose_within_one_paragraph(
    packet: Path, original: Annotations, tmp_path: Path
) -> None:
    edits: list[A.Edit] = [
        A.Insert(paragraph="ph_03_0003", after_quote="", text="In short: ", author=ANA, date=D1),
        A.Insert(paragraph="ph_03_0003", at_end=True, text=" Really.", author=ANA, date=D1),
        A.Comment(
            paragraph="ph_03_0003", quote="short: This chapter", text="Style?", author=BEN, date=D2
        ),
        A.Delete(
            paragraph="ph_03_0003", quote="short", author=BEN, date=D2
        ),  # inside Ana's insertion
        A.Delete(paragraph="ph_03_0003", quote=" Really", author=ANA, date=D1),  # Ana's own: gone
    ]
    ann = read_annotations(A.apply(packet, edits, tmp_path / "compose.docx"))
    base = by_bookmark(original)["ph_03_0003"][0]
    assert text(ann, "ph_03_0003") == "In : " + base + "."
    assert by_bookmark(ann)["ph_03_0003"][0] == base
    dels = [r for r in ann.revisions if r.kind == "del"]
    assert [(r.author, r.text, r.parent is not None) for r in dels] == [(BEN, "short", True)]
    assert ann.comments[0].anchor_text == "short: This chapter"


def test_silent_edit_changes_the_text_and_leaves_no_trace(
    packet: Path, original: Annotations, tmp_path: Path
) -> None:
    edit = A.SilentEdit(
        paragraph="ph_03_0004", quote="States have accepted", new_text="States accepted"
    )
    ann = read_annotations(A.apply(packet, [edit], tmp_path / "silent.docx"))
    expected = by_bookmark(original)["ph_03_0004"][0].replace("have accepted", "accepted", 1)
    assert by_bookmark(ann)["ph_03_0004"] == (expected, expected)
    assert ann.revisions == [] and ann.comments == []
    assert (
        "trackRevisions"
        not in zipfile.ZipFile(tmp_path / "silent.docx").read("word/settings.xml").decode()
    )


def test_parts_it_does_not_need_keep_their_bytes(packet: Path, tmp_path: Path) -> None:
    out = A.apply(packet, TRACKED[:1], tmp_path / "bytes.docx")
    old, new = zipfile.ZipFile(packet), zipfile.ZipFile(out)
    changed = {n for n in old.namelist() if old.read(n) != new.read(n)}
    assert changed == {"word/document.xml", "word/settings.xml"}
    assert set(new.namelist()) == set(old.namelist())


def test_ids_are_unique_across_comments_bookmarks_and_revisions(
    packet: Path, tmp_path: Path
) -> None:
    comment = A.Comment(
        paragraph="ph_03_0007",
        quote="kiosks",
        text="x",
        author=ANA,
        date=D1,
        replies=[(BEN, "BO", D2, "y")],
    )
    for resave in (False, True):
        out = A.apply(
            packet, [*TRACKED, comment], tmp_path / f"ids{resave}.docx", word_like_resave=resave
        )
        xml = zipfile.ZipFile(out).read("word/document.xml").decode()
        starts = re.findall(
            r"<w:(?:bookmarkStart|commentRangeStart|ins|del|moveFrom|moveTo|rPrChange|moveFromRangeStart|moveToRangeStart) [^>]*?w:id=\"(\d+)\"",
            xml,
        )
        assert len(starts) == len(set(starts)) > 60


def _normalised(ann: Annotations) -> tuple[object, ...]:
    index = {c.id: i for i, c in enumerate(ann.comments)}
    comments = [
        (c.author, c.date, c.text, c.anchor_text, index.get(c.parent or ""), c.resolved)
        for c in ann.comments
    ]
    revisions = [
        (r.kind, r.author, r.date, r.text, r.paragraph, r.start_after, r.end_after)
        for r in ann.revisions
    ]
    marks = [[b for b in p.bookmarks if b != "_GoBack"] for p in ann.paragraphs]
    paras = [(p.text_before, p.text_after, p.mark) for p in ann.paragraphs]
    return (
        comments,
        sorted(revisions),
        marks,
        paras,
        ann.text_before,
        ann.text_after,
        ann.custom_properties,
    )


def test_word_like_resave_is_not_an_edit(packet: Path, tmp_path: Path) -> None:
    comment = A.Comment(
        paragraph="ph_03_0007",
        quote="kiosks",
        text="x",
        author=ANA,
        date=D1,
        replies=[(BEN, "BO", D2, "y")],
        resolved=True,
    )
    edits = [
        *TRACKED,
        comment,
        A.SilentEdit(paragraph="ph_03_0004", quote="States", new_text="Countries"),
    ]
    plain = A.apply(packet, edits, tmp_path / "plain.docx")
    saved = A.apply(packet, edits, tmp_path / "saved.docx", word_like_resave=True)
    a, b = read_annotations(plain), read_annotations(saved)
    assert _normalised(a) == _normalised(b)
    assert b.application == "Microsoft Office Word" and a.application != b.application
    assert sum("_GoBack" in p.bookmarks for p in b.paragraphs) == 1
    xml_a = zipfile.ZipFile(plain).read("word/document.xml").decode()
    xml_b = zipfile.ZipFile(saved).read("word/document.xml").decode()
    assert "w:rsidR=" in xml_b and "w14:paraId=" in xml_b and "w:rsidR=" not in xml_a
    assert xml_b.count("<w:r ") + xml_b.count("<w:r>") > xml_a.count("<w:r ") + xml_a.count("<w:r>")
    assert [c.id for c in b.comments] == ["0", "1"]


def test_missing_paragraph_or_quote_is_named(packet: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"ph_03_9999.*") as err:
        A.apply(
            packet,
            [A.Delete(paragraph="ph_03_9999", quote="x", author=ANA, date=D1)],
            tmp_path / "x.docx",
        )
    assert str(packet) in str(err.value)
    with pytest.raises(ValueError, match=r"'no such words'") as err:
        A.apply(
            packet,
            [A.Delete(paragraph="ph_03_0003", quote="no such words", author=ANA, date=D1)],
            tmp_path / "x.docx",
        )
    assert "ph_03_0003" in str(err.value) and str(packet) in str(err.value)
    assert not (tmp_path / "x.docx").exists()


def test_insert_needs_exactly_one_point() -> None:
    with pytest.raises(pydantic.ValidationError):
        A.Insert(paragraph="p", after_quote="a", at_end=True, text="x", author=ANA, date=D1)
    with pytest.raises(pydantic.ValidationError):
        A.Insert(paragraph="p", text="x", author=ANA, date=D1)


def test_accepts_the_bytes_of_a_docx(packet: Path, tmp_path: Path) -> None:
    out = A.apply(packet.read_bytes(), TRACKED[:1], tmp_path / "from-bytes.docx")
    assert [r.text for r in read_annotations(out).revisions] == [" briefly"]


def _plain(path: Path, mode: str) -> str:
    out = pypandoc.convert_file(
        str(path), "plain", extra_args=[f"--track-changes={mode}", "--wrap=none"]
    )
    return " ".join(out.split())


@pytest.mark.slow
def test_pandoc_accept_and_reject_agree_with_the_reader(
    packet: Path, original: Annotations, tmp_path: Path
) -> None:
    out = A.apply(packet, TRACKED[:3], tmp_path / "pandoc.docx")
    ann = read_annotations(out)
    accepted, rejected = _plain(out, "accept"), _plain(out, "reject")
    for block in ("ph_03_0003", "ph_03_0007", "ph_03_0008"):
        assert text(ann, block) in accepted
        assert by_bookmark(original)[block][0] in rejected
        assert text(ann, block) not in rejected
    assert _plain(packet, "accept") == rejected


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_renders_the_annotated_file(packet: Path, tmp_path: Path) -> None:
    soffice_or_skip()
    comment = A.Comment(
        paragraph="ph_03_0007",
        quote="kiosks",
        text="x",
        author=ANA,
        date=D1,
        replies=[(BEN, "BO", D2, "y")],
    )
    out = A.apply(packet, [*TRACKED, comment], tmp_path / "lo.docx", word_like_resave=True)
    pdf = soffice_convert(out, "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000
