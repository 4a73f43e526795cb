"""Real LibreOffice as a reviewer: what it writes is what the reader finds, and nothing more.

A chapter packet is edited through UNO (``tests/helpers/lo_edit.py``, system Python) with change
recording on and the author set in a private profile, or re-saved untouched with
``soffice --convert-to docx``; the reader must find exactly the known tracked changes, and
none at all in a re-save. Skipped without LibreOffice, failed instead when PENHOLDER_CI is set.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from drafts.ooxml.read.reader import Annotations, read_annotations
from drafts.ooxml.simulate import annotate as A
from tests.conftest import soffice_or_skip
from tests.helpers.lo_helpers import lo_edit, lo_resave, uno_python_or_skip
from tests.helpers.render_helpers import CHAPTERS, render

pytestmark = [pytest.mark.slow, pytest.mark.libreoffice]
AUTHOR = "Chidi Eze"
OPS = [
    {"op": "insert", "after": "This chapter addresses", "text": " primarily"},
    {"op": "insert", "after": "The shift to digital-only channels", "text": " in many cities"},
    {"op": "delete", "quote": " mobile applications,"},
    {"op": "replace", "quote": "particular concern", "text": "serious concern"},
    {"op": "silent_replace", "quote": "States have accepted", "text": "States accepted"},
]


@pytest.fixture(scope="module")
def packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lo-packet") / "ch03.docx"
    return render(CHAPTERS[2].read_text("utf-8"), out)[0]


def blocks(ann: Annotations) -> dict[str, tuple[str, str]]:
    """Block bookmark -> (text_before, text_after) of its body paragraph."""
    return {
        b: (p.text_before, p.text_after)
        for p in ann.paragraphs
        if p.part == "word/document.xml"
        for b in p.bookmarks
        if b.startswith("ph_")
    }


def test_libreoffice_edits_are_read_back_exactly(packet: Path, tmp_path: Path) -> None:
    soffice_or_skip()
    uno_python_or_skip()
    out = lo_edit(packet, tmp_path / "edited.docx", AUTHOR, OPS)
    ann = read_annotations(out)
    got = sorted((r.kind, r.author, r.text) for r in ann.revisions)
    assert got == [
        ("del", AUTHOR, " mobile applications,"),
        ("del", AUTHOR, "particular concern"),
        ("ins", AUTHOR, " in many cities"),
        ("ins", AUTHOR, " primarily"),
        ("ins", AUTHOR, "serious concern"),
    ]
    assert all(
        datetime.fromisoformat(r.date.replace("Z", "+00:00")) for r in ann.revisions if r.date
    )
    assert sorted(c.kind for c in ann.changes) == ["delete", "insert", "insert", "replace"]
    assert ann.comments == []
    base = blocks(read_annotations(packet))
    expected = {k: v[0] for k, v in base.items()}
    silent = expected["ph_03_0004"].replace("States have accepted", "States accepted", 1)
    expected["ph_03_0004"] = silent
    assert {k: v[0] for k, v in blocks(ann).items()} == expected
    expected["ph_03_0003"] = expected["ph_03_0003"].replace("addresses", "addresses primarily", 1)
    expected["ph_03_0007"] = expected["ph_03_0007"].replace(" mobile applications,", "", 1)
    expected["ph_03_0008"] = (
        expected["ph_03_0008"]
        .replace("channels", "channels in many cities", 1)
        .replace("particular concern", "serious concern", 1)
    )
    assert {k: v[1] for k, v in blocks(ann).items()} == expected


def test_untouched_packet_resaved_by_libreoffice_has_no_annotations(
    packet: Path, tmp_path: Path
) -> None:
    soffice_or_skip()
    base = read_annotations(packet)
    for saved in (lo_resave(packet, tmp_path / "convert"), _uno_resave(packet, tmp_path)):
        ann = read_annotations(saved)
        assert ann.revisions == [] and ann.comments == []
        assert blocks(ann) == blocks(base)
        assert ann.custom_properties == base.custom_properties


def _uno_resave(packet: Path, tmp_path: Path) -> Path:
    uno_python_or_skip()
    return lo_edit(packet, tmp_path / "uno-resave.docx", AUTHOR, None)


def test_missing_quote_fails_with_the_quote_named(packet: Path, tmp_path: Path) -> None:
    soffice_or_skip()
    uno_python_or_skip()
    with pytest.raises(RuntimeError, match="no such words"):
        lo_edit(packet, tmp_path / "bad.docx", AUTHOR, [{"op": "delete", "quote": "no such words"}])
    assert not (tmp_path / "bad.docx").exists()


def test_written_annotations_survive_a_libreoffice_resave(packet: Path, tmp_path: Path) -> None:
    soffice_or_skip()
    d = datetime(2024, 3, 4, 10, 0)
    edits: list[A.Edit] = [
        A.Comment(paragraph="ph_03_0007", quote="kiosks", text="Which kiosks?", author="Ana Lima", initials="AL", date=d),
        A.Insert(paragraph="ph_03_0003", after_quote="This chapter", text=" briefly", author="Ana Lima", date=d),
        A.Delete(paragraph="ph_03_0008", quote="particular ", author="Ben Okoro", date=d),
    ]  # fmt: skip
    written = A.apply(packet, edits, tmp_path / "written.docx", word_like_resave=True)
    ann = read_annotations(lo_resave(written, tmp_path / "resaved"))
    assert sorted((r.kind, r.author, r.text) for r in ann.revisions) == [
        ("del", "Ben Okoro", "particular "),
        ("ins", "Ana Lima", " briefly"),
    ]
    assert [(c.author, c.anchor_text, c.text) for c in ann.comments] == [
        ("Ana Lima", "kiosks", "Which kiosks?")
    ]
    assert blocks(ann) == blocks(read_annotations(written))
