"""Redlines: the older revision with the changes to the newer as real Word tracked changes."""

from __future__ import annotations

import subprocess
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafts.blocks import build_block_map
from drafts.core.errors import NotFound
from drafts.ooxml.read.reader import read_annotations
from drafts.word import revision as word_out
from drafts.word.diff import apply_edits, edits
from drafts.word.redline import redline
from drafts.word.render import render_chapter
from tests.conftest import DRAFTER, soffice_or_skip
from tests.helpers.lo_helpers import ACCEPT_SCRIPT, uno_python_or_skip
from tests.helpers.render_helpers import BIB, normalised, stamp

WHEN = datetime(2024, 3, 4, 10, 0)
OLD = """---
id: "07"
title: "Data governance"
---

# Scope

Cities collect *personal* data[^a] about residents every day [@crpd2006].

This paragraph will be deleted entirely.

Second paragraph stays as it is.

- First item with *emphasis*.
- Second item.

[^a]: A footnote with text.
"""
NEW = """---
id: "07"
title: "Data governance"
---

# Scope

Towns collect *personal* data[^a] about all residents every day [@crpd2006].

Second paragraph stays as it is.

A brand new paragraph.

- First item with *strong emphasis*.
- Second item.

[^a]: A footnote with more text.
"""


def _maps(old: str, new: str):  # type: ignore[no-untyped-def]
    old_map = build_block_map("07", 1, old, None, bibliography=BIB)
    return old_map, build_block_map("07", 2, new, old_map, bibliography=BIB)


def _redline(tmp_path: Path, old: str = OLD, new: str = NEW) -> Path:
    old_map, new_map = _maps(old, new)
    return redline(
        old, old_map, new, new_map, stamp("07"), tmp_path / "red.docx",
        author="UN-Habitat", date=WHEN, bibliography=BIB,
    )  # fmt: skip


def _render(md: str, out: Path) -> Path:
    _, block_map = _maps(md, md)
    return render_chapter(md, block_map, stamp("07"), out, bibliography=BIB)


def test_redline_has_exactly_the_expected_changes(tmp_path: Path) -> None:
    ann = read_annotations(_redline(tmp_path))
    text = sorted((r.kind, r.text) for r in ann.revisions if not r.on_paragraph_mark)
    assert text == [
        ("del", "Cities"),
        ("del", "This paragraph will be deleted entirely."),
        ("ins", "A brand new paragraph."),
        ("ins", "Towns"),
        ("ins", "all "),
        ("ins", "more "),
        ("ins", "strong "),
    ]
    marks = sorted(r.kind for r in ann.revisions if r.on_paragraph_mark)
    assert marks == ["del", "ins"]
    assert {r.author for r in ann.revisions} == {"UN-Habitat"}
    assert {r.date for r in ann.revisions} == {"2024-03-04T10:00:00Z"}


def test_accepting_all_gives_the_new_text_and_rejecting_all_the_old(tmp_path: Path) -> None:
    red = _redline(tmp_path)
    assert normalised(red, "accept") == normalised(_render(NEW, tmp_path / "new.docx"))
    assert normalised(red, "reject") == normalised(_render(OLD, tmp_path / "old.docx"))


def test_reader_views_match_the_two_revisions(tmp_path: Path) -> None:
    old_map, new_map = _maps(OLD, NEW)
    ann = read_annotations(_redline(tmp_path))
    body = [p for p in ann.paragraphs if p.part.endswith(("document.xml", "footnotes.xml"))]
    after = [p.text_after.strip() for p in body if p.mark != "del" and p.text_after.strip()]
    before = [p.text_before.strip() for p in body if p.mark != "ins" and p.text_before.strip()]
    # the body's blocks (the bibliography entry last), then the footnote
    assert [b.text for b in new_map.blocks if b.kind != "footnote"] == after[: len(after) - 1]
    assert [b.text for b in old_map.blocks if b.kind != "footnote"] == before[: len(before) - 1]
    assert after[-1] == "A footnote with more text." and before[-1] == "A footnote with text."


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["city", "data", "people", "must", "the", "open"]),
            min_size=1,
            max_size=8,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_redline_of_a_revision_against_itself_has_no_revisions(tmp_path: Path, paras) -> None:  # type: ignore[no-untyped-def]
    body = "\n\n".join(" ".join(words).capitalize() + "." for words in paras)
    md = f'---\nid: "07"\ntitle: "T"\n---\n\n{body}\n'
    ann = read_annotations(_redline(tmp_path, md, md))
    assert ann.revisions == [] and ann.comments == []


words = st.lists(st.sampled_from(["a", "bb", "city", " ", ", ", "é", "data."]), max_size=20)


@given(words.map("".join), words.map("".join))
def test_word_edits_turn_one_text_into_the_other(a: str, b: str) -> None:
    changes = edits(a, b)
    assert apply_edits(a, changes) == b
    assert all(x.end <= y.start for x, y in pairwise(changes))


def test_redline_revisions_over_the_workspace(example_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from drafts.chapters import commit_revision

    text = example_ws.text("03").replace("smart city services", "smart-city services", 1)
    commit_revision(example_ws, "03", text, example_ws.identity(DRAFTER))
    out = word_out.redline_revisions(example_ws, "03", 1, 2, tmp_path / "r.docx", "UN-Habitat")
    ann = read_annotations(out)
    assert sorted(r.text for r in ann.revisions) == ["smart city", "smart-city"]
    assert ann.custom_properties["penholder.revision"] == "2"
    with pytest.raises(NotFound):
        word_out.redline_revisions(example_ws, "03", 1, 9, tmp_path / "x.docx", "UN-Habitat")


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.parametrize("how", ["accept", "reject"])
def test_libreoffice_accepts_and_rejects_all(tmp_path: Path, how: str) -> None:
    soffice_or_skip()
    python = uno_python_or_skip()
    red = _redline(tmp_path)
    out = tmp_path / f"{how}.docx"
    script = ACCEPT_SCRIPT
    args = [python, str(script), str(red), str(out), *(["--reject"] if how == "reject" else [])]
    done = subprocess.run(args, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    expected = _render(NEW if how == "accept" else OLD, tmp_path / "expected.docx")
    assert read_annotations(out).revisions == []
    assert normalised(out) == normalised(expected)


def test_a_newly_cited_entry_is_a_tracked_insertion_of_its_own(tmp_path: Path) -> None:
    """Revision 2 cites one more work: its bibliography entry is an inserted paragraph, the
    entry cited in both keeps its id and is untouched."""
    new = NEW.replace("every day [@crpd2006].", "every day [@crpd2006; @nua2016].")
    old_map, new_map = _maps(OLD, new)
    kept = next(b for b in new_map.blocks if b.key == "crpd2006")
    assert kept.id == next(b.id for b in old_map.blocks if b.key == "crpd2006")
    red = _redline(tmp_path, OLD, new)
    assert normalised(red, "accept") == normalised(_render(new, tmp_path / "new.docx"))
    assert normalised(red, "reject") == normalised(_render(OLD, tmp_path / "old.docx"))
    inserted = [r.text for r in read_annotations(red).revisions if r.kind == "ins"]
    assert "United Nations General Assembly. 2016. New Urban Agenda." in inserted
