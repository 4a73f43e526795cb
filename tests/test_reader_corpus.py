"""The reader against the 56 real files of ../shared/corpus/word, row by row of MANIFEST.tsv.

Two oracles: the manifest's counts (kind by kind), and a deliberately naive independent counter
written here (an lxml walk of every XML part under word/, leaving out mc:Fallback) that yields
the multiset of (kind, author, date, part) and of (comment id, author, date). Where the manifest
and the specification (ECMA-376) disagree the specification wins; such rows are listed in
``SPEC_EXCEPTIONS`` with the reason (see docs/reader.md, "Notes on the manifest").
"""

from __future__ import annotations

import csv
import zipfile
from collections import Counter

import pytest
from lxml import etree
from reader_helpers import CORPUS

from drafts.ooxml.reader import Annotations, read_annotations

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
SIX = ["ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange"]
OTHER = [
    "sectPrChange",
    "tblPrChange",
    "trPrChange",
    "tcPrChange",
    "tblGridChange",
    "numberingChange",
    "tblPrExChange",
]
CELL = ["cellIns", "cellDel", "cellMerge"]

# path -> {manifest column: (value the specification requires, reason)}.
# The corpus as of this writing needs none: every count of the manifest matches the
# specification's reading (docs/reader.md lists where the two *mean* different things).
SPEC_EXCEPTIONS: dict[str, dict[str, tuple[int, str]]] = {}


def _rows() -> list[dict[str, str]]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()
pytestmark = pytest.mark.skipif(
    not ROWS, reason=f"the shared corpus is absent ({CORPUS}); it lives beside the repo"
)


def naive_count(path) -> tuple[Counter, Counter, int]:
    """Independent oracle: (kind, author, date, part) of revisions, comments, replies."""
    revisions: Counter = Counter()
    comments: Counter = Counter()
    replies = 0
    kinds = set(SIX + OTHER + CELL)
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(zf.read(name))
            for el in root.iter():
                if not isinstance(el.tag, str):
                    continue
                if any(a.tag == FALLBACK for a in el.iterancestors()):
                    continue
                local = el.tag[len(W) :] if el.tag.startswith(W) else None
                if local in kinds:
                    revisions[(local, el.get(W + "author"), el.get(W + "date"), name)] += 1
                elif local == "comment" and name == "word/comments.xml":
                    comments[(el.get(W + "id"), el.get(W + "author"), el.get(W + "date"))] += 1
                elif el.tag == W15 + "commentEx" and el.get(W15 + "paraIdParent"):
                    replies += 1
    return revisions, comments, replies


def reader_counts(a: Annotations) -> dict[str, int]:
    kinds = Counter(r.kind for r in a.revisions)
    notes = sum(
        1
        for r in a.revisions
        if r.kind in SIX and r.part.rsplit("/", 1)[-1] in ("footnotes.xml", "endnotes.xml")
    )
    out = {k: kinds[k] for k in SIX}
    out["other_prop_changes"] = sum(kinds[k] for k in OTHER)
    out["cell_changes"] = sum(kinds[k] for k in CELL)
    out["note_part_revisions"] = notes
    out["comments"] = len(a.comments)
    out["replies"] = sum(1 for c in a.comments if c.parent is not None)
    return out


@pytest.mark.parametrize("row", ROWS, ids=[r["path"] for r in ROWS])
def test_counts_match_the_manifest_kind_by_kind(row):
    a = read_annotations(CORPUS / row["path"])
    got = reader_counts(a)
    exceptions = SPEC_EXCEPTIONS.get(row["path"], {})
    for column, value in got.items():
        expected = exceptions[column][0] if column in exceptions else int(row[column])
        assert value == expected, f"{row['path']}: {column} {value} != manifest {expected}"


@pytest.mark.parametrize("row", ROWS, ids=[r["path"] for r in ROWS])
def test_authors_dates_and_parts_match_a_naive_count(row):
    path = CORPUS / row["path"]
    a = read_annotations(path)
    revisions, comments, replies = naive_count(path)
    mine = Counter((r.kind, r.author, r.date, r.part) for r in a.revisions)
    assert mine == revisions
    assert Counter((c.id, c.author, c.date) for c in a.comments) == comments
    assert sum(1 for c in a.comments if c.parent is not None) == replies


@pytest.mark.parametrize("row", ROWS, ids=[r["path"] for r in ROWS])
def test_application_matches_the_manifest(row):
    a = read_annotations(CORPUS / row["path"])
    expected = None if row["application"].startswith("(none") else row["application"]
    assert a.application == expected


@pytest.mark.parametrize("row", ROWS, ids=[r["path"] for r in ROWS])
def test_every_revision_is_placed_and_every_change_covers_its_revisions(row):
    a = read_annotations(CORPUS / row["path"])
    covered = sorted(i for ch in a.changes for i in ch.revisions)
    assert covered == list(range(len(a.revisions)))
    by_part: dict[str, list] = {}
    for p in a.paragraphs:
        by_part.setdefault(p.part, []).append(p)
    parents = {r.parent for r in a.revisions}
    for i, r in enumerate(a.revisions):
        if r.paragraph is None:
            continue
        plain = r.parent is None and i not in parents and not r.on_paragraph_mark
        para = by_part[r.part][r.paragraph]
        if r.start_before is not None:
            assert 0 <= r.start_before <= r.end_before <= len(para.text_before)
            assert 0 <= r.start_after <= r.end_after <= len(para.text_after)
            if r.kind == "del" and plain:
                assert para.text_before[r.start_before : r.end_before] == r.text
            if r.kind == "ins" and plain:
                assert para.text_after[r.start_after : r.end_after] == r.text


def test_no_annotations_in_the_controls():
    for row in ROWS:
        if row["notes"].startswith("CONTROL"):
            a = read_annotations(CORPUS / row["path"])
            assert a.revisions == [] and a.comments == [], row["path"]
            assert a.text_before == a.text_after, row["path"]
