"""The reader against the 56 real files of ../shared/corpus/word, row by row of MANIFEST.tsv.

Two oracles: the manifest's counts (kind by kind), and a deliberately naive independent counter
written here (an lxml walk of every XML part under word/, leaving out mc:Fallback) that yields
the multiset of (kind, author, date, part) and of (comment id, author, date). Where the manifest
and the specification (ECMA-376) disagree the specification wins; such rows are listed in
``SPEC_EXCEPTIONS`` with the reason (see docs/reader.md, "Notes on the manifest").
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections import Counter

import pytest
from lxml import etree

from drafts.ooxml.read.reader import Annotations, read_annotations
from tests.helpers.reader_helpers import CORPUS

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


# -- text_before / text_after against pandoc (slow) -------------------------------------------
# pandoc 3.9 ``-f docx --track-changes=reject|accept -t plain --wrap=none`` is an independent
# implementation. Both texts are reduced to their sequence of words (``\\w+``) after removing
# what only pandoc's plain writer adds: list markers, note markers ``[n]`` and table rules.
# Every remaining difference is listed in ``EXPLAINED`` as the exact multiset of words only the
# reader has and only pandoc has, with the reason; "order" means the same words in another order.

FILES = (
    sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.docx")) if CORPUS.exists() else []
)
MARKER = re.compile(r"^\s*(?:[-*+•]|\(?\d+[.)]|\(?[a-zA-Z][.)]|\(?[ivxlcdmIVXLCDM]+[.)])\s+", re.M)
TABLE_ORDER = (
    "order: a table whose cells pandoc's plain writer lays out as a grid, not in reading order"
)

# (path, mode) -> (words only the reader has, words only pandoc has, reason)
EXPLAINED: dict[tuple[str, str], tuple[dict[str, int], dict[str, int], str]] = {
    ("docx2python/libreoffice_conversion.docx", "reject"): ({}, {}, TABLE_ORDER),
    ("docx2python/libreoffice_conversion.docx", "accept"): ({}, {}, TABLE_ORDER),
    ("pandoc/tables.docx", "reject"): ({}, {}, TABLE_ORDER),
    ("pandoc/tables.docx", "accept"): ({}, {}, TABLE_ORDER),
    ("openxml-powertools/RP036-Vert-Merged-Cells.docx", "accept"): ({}, {}, TABLE_ORDER),
    **{
        ("docx2python/test_file_with_comments.docx", mode): (
            {},
            {"NO": 1, "Comment": 1, "Meme": 1, "MemesHappen": 1},
            "pandoc prints the picture's alt text (wp:docPr descr); it is not document text",
        )
        for mode in ("reject", "accept")
    },
    **{
        ("openxml-powertools/HC031-Complicated-Document.docx", mode): (
            {"an": 1, "0nnkxkan": 1},
            {"a": 2, "x": 1, "n": 4, "sum_": 1, "k": 2, "0": 1, "binom": 1},
            "an equation: pandoc renders OMML as TeX, the reader joins the m:t texts",
        )
        for mode in ("reject", "accept")
    },
    ("openxml-powertools/RA001-Tracked-Revisions-01.docx", "reject"): (
        {},
        {"21": 1},
        "an inserted table row (w:trPr/w:ins) holding an unmarked run '21': rejecting the row "
        "removes all of it (ECMA-376 17.13.5.18); pandoc keeps the unmarked run",
    ),
    ("openxml-powertools/WC066-Textbox-Before-Ins-Mod.docx", "accept"): (
        {"This": 1, "is": 1, "a": 1, "test": 1},
        {},
        "an inserted text box (wps:txbx in mc:Choice): pandoc drops text-box content",
    ),
    ("pandoc/paragraph_insertion_deletion.docx", "accept"): (
        {"splitParagraph": 1},
        {"split": 1, "Paragraph": 1},
        "a deleted paragraph mark: accepting it joins ' split' and 'Paragraph.' into one "
        "paragraph with no space between (ECMA-376 17.13.5.15); pandoc keeps a break",
    ),
    **{
        ("pandoc/table_with_list_cell.docx", mode): (
            {},
            {"1": 1, "2": 1, "3": 1},
            "list numbers inside a table cell, which pandoc prints and the reader does not "
            "(numbering is not text)",
        )
        for mode in ("reject", "accept")
    },
}


def pandoc_words(path, mode: str) -> list[str]:
    import pypandoc

    text = pypandoc.convert_file(
        str(path), "plain", format="docx", extra_args=[f"--track-changes={mode}", "--wrap=none"]
    )
    text = re.sub(r"\[\d+\]", "", text)
    text = "\n".join(line for line in text.splitlines() if not re.fullmatch(r"[\s\-=+:|]*", line))
    for _ in range(3):
        text = MARKER.sub("", text)
    return re.findall(r"\w+", text)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["reject", "accept"])
@pytest.mark.parametrize("path", FILES)
def test_text_matches_pandoc_or_the_difference_is_explained(path, mode):
    a = read_annotations(CORPUS / path)
    mine = re.findall(r"\w+", a.text_before if mode == "reject" else a.text_after)
    theirs = pandoc_words(CORPUS / path, mode)
    if (path, mode) not in EXPLAINED:
        assert mine == theirs
        return
    only_mine, only_theirs, reason = EXPLAINED[(path, mode)]
    assert mine != theirs, f"no longer differs, drop the exception: {reason}"
    assert dict(Counter(mine) - Counter(theirs)) == only_mine, reason
    assert dict(Counter(theirs) - Counter(mine)) == only_theirs, reason
