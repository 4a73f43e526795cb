"""Opening a .docx for writing, and switching on revision tracking where Word puts it."""

from __future__ import annotations

from pathlib import Path

from drafts.ooxml.namespaces import w
from drafts.ooxml.write.context import open_context, track_revisions
from tests.helpers.reader_helpers import make_docx, p, r

SETTINGS = '<w:zoom w:percent="100"/><w:doNotTrackMoves/><w:defaultTabStop w:val="720"/>'


def _docx(tmp_path: Path) -> Path:
    path = tmp_path / "in.docx"
    path.write_bytes(make_docx(p(r("Cities publish data.")), parts={"word/settings.xml": SETTINGS}))
    return path


def test_tracking_goes_before_the_elements_the_schema_puts_after_it(tmp_path: Path) -> None:
    ctx = open_context(_docx(tmp_path), "in.docx")
    assert ctx.doc_name == "word/document.xml"
    track_revisions(ctx, moves=False)
    settings = ctx.parts.xml("word/settings.xml")
    names = [el.tag.rpartition("}")[2] for el in settings]
    assert names == ["zoom", "trackRevisions", "doNotTrackMoves", "defaultTabStop"]
    track_revisions(ctx, moves=True)  # moves tracked too: Word's switch-off goes; no second flag
    names = [el.tag.rpartition("}")[2] for el in settings]
    assert names == ["zoom", "trackRevisions", "defaultTabStop"]
    assert len(settings.findall(w("trackRevisions"))) == 1
