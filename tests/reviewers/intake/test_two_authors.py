"""Two people reviewing one packet in turn: both names in one paragraph, back to back and
interleaved, as Word writes them. The reader, intake and the matrix each credit every change
to the person who made it."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from drafts import blockstore
from drafts.ooxml.read.reader import read_annotations
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import Delete, Insert, Replace
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.consolidate.build import consolidate
from reviewers.intake.ingest import ingest
from reviewers.intake.remarks import load_all
from reviewers.rounds import lifecycle as rounds
from tests.conftest import DRAFTER

WHEN = datetime(2024, 3, 15, 9, 30)
COLLEAGUE = "Sam Colleague"  # reviews the packet after its addressee, in the same file
START = "As local governments move services online"

# (kind, who, text before, text after) in document order; "expert" is the packet's addressee
EXPECTED = [
    ("replace", "expert", "online", "on the web"),  # interleaved: expert, colleague, expert...
    ("insert", COLLEAGUE, "", "web portals"),  # back to back: the colleague's insertion ...
    ("delete", "expert", "websites", ""),  # ... directly before the expert's deletion
    ("replace", COLLEAGUE, "kiosks", "street kiosks"),
    ("delete", "expert", " and payment systems", ""),
]


@pytest.fixture
def two_authors(example_ws: Workspace, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Chapter 03 in review by one expert, whose return also holds a colleague's edits."""
    ws = example_ws
    expert = next(p for p in ws.people if "ewg" in p.groups)
    rnd = rounds.open_round(ws, ["03"], [expert.id], date(2024, 3, 22), ws.identity(DRAFTER))
    para = next(b for b in blockstore.load(ws, "03", 1).blocks if b.text.startswith(START))
    for quote in ("online", "websites", "kiosks", " and payment systems", "accessibility of "):
        assert para.text.count(quote) == 1, quote
    item = rnd.items[0]
    sent = render_revision(
        ws, "03", 1, tmp_path / "sent.docx", round_id=rnd.id, reviewer=expert, packet=item.packet
    )
    a, b, at = expert.name, COLLEAGUE, {"paragraph": para.id, "date": WHEN}
    back = annotate.apply(
        sent,
        [
            Replace(quote="online", new_text="on the web", author=a, **at),
            Delete(quote="websites", author=a, **at),
            Insert(after_quote="accessibility of ", text="web portals", author=b, **at),
            Replace(quote="kiosks", new_text="street kiosks", author=b, **at),
            Delete(quote=" and payment systems", author=a, **at),
        ],
        tmp_path / "back.docx",
    )
    expected = [(k, a if who == "expert" else who, x, y) for k, who, x, y in EXPECTED]
    return ws, back, para, expected


def test_the_reader_credits_each_change_to_its_own_author(two_authors) -> None:  # type: ignore[no-untyped-def]
    _, back, para, expected = two_authors
    ann = read_annotations(back)
    (paragraph,) = [q for q in ann.paragraphs if q.text_before.startswith(START)]
    changes = [c for c in ann.changes if c.paragraph == paragraph.index]
    assert [(c.kind, c.author, c.text_before, c.text_after) for c in changes] == expected


def test_intake_records_one_remark_per_author_and_change(two_authors) -> None:  # type: ignore[no-untyped-def]
    ws, back, para, expected = two_authors
    outcome = ingest(ws, back, ws.identity(DRAFTER))
    assert (outcome.status, outcome.remarks) == ("recorded", len(expected))
    remarks = [r for s in load_all(ws, "03", "R1") for r in s.remarks]
    assert all(r.block == para.id for r in remarks)
    got = [(r.kind, r.author, r.anchor_text or "", r.proposed or "") for r in remarks]
    assert sorted(got) == sorted(expected)


def test_the_matrix_names_the_colleague_for_the_colleagues_suggestions(two_authors) -> None:  # type: ignore[no-untyped-def]
    ws, back, _, expected = two_authors
    assert ingest(ws, back, ws.identity(DRAFTER)).status == "recorded"
    done = consolidate(ws, "03", "R1", ws.identity(DRAFTER))
    rows = json.loads((ws.root / done.folder / "matrix.json").read_text())["rows"]
    by_author = {(r["anchor_text"] or "", r["proposed"] or ""): r for r in rows}
    for _, who, before, after in expected:
        row = by_author[(before, after)]
        assert [s["name"] for s in row["supporters"]] == [who]
