"""Property: random edits to a real packet, tracked or not, come back as remarks that rebuild the
edited text exactly when applied to the base blocks."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafts import blockstore, chapters
from drafts.blocks import BlockMap
from drafts.ooxml.read.reader import Annotations, read_annotations
from drafts.ooxml.simulate import annotate
from drafts.ooxml.simulate.records import Delete, Insert, Replace, SilentEdit
from drafts.word.revision import render_revision
from drafts.workspace import Workspace
from reviewers.intake.extract import extract
from tests.conftest import DRAFTER

WHEN = datetime(2024, 3, 15, 9, 30)


@pytest.fixture(scope="module")
def packet() -> tuple[Path, Annotations, BlockMap]:
    root = Path(tempfile.mkdtemp()) / "ws"
    files, chapter_files = chapters.example_files()
    chapters.create_workspace(
        root, files, {"chapters/03.md": chapter_files["chapters/03.md"]}, DRAFTER
    )
    ws = Workspace.open(root)
    path = render_revision(ws, "03", 1, root.parent / "packet.docx")
    return path, read_annotations(path), blockstore.load(ws, "03", 1)


def apply_at(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


edit_kinds = st.sampled_from(["silent", "insert", "delete", "replace"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_edits_are_recovered_exactly(packet, data, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    path, sent, block_map = packet
    paras = [b for b in block_map.blocks if b.kind == "paragraph" and len(b.text.split()) > 12]
    chosen = data.draw(
        st.lists(st.sampled_from(paras), min_size=1, max_size=5, unique_by=lambda b: b.id)
    )
    edits, expected = [], {}
    for block in chosen:
        words = block.text.split()
        quote = words[data.draw(st.integers(2, len(words) - 2))]
        at = block.text.index(quote)
        kind = data.draw(edit_kinds)
        new_word = data.draw(st.sampled_from(["resilient", "inclusive", "municipal", "open"]))
        if kind == "silent":
            edits.append(SilentEdit(paragraph=block.id, quote=quote, new_text=new_word))
            expected[block.id] = apply_at(block.text, at, at + len(quote), new_word)
        elif kind == "insert":
            edits.append(
                Insert(
                    paragraph=block.id,
                    after_quote=quote,
                    text=f" {new_word}",
                    author="A",
                    date=WHEN,
                )
            )
            expected[block.id] = apply_at(
                block.text, at + len(quote), at + len(quote), f" {new_word}"
            )
        elif kind == "delete":
            edits.append(Delete(paragraph=block.id, quote=quote, author="B", date=WHEN))
            expected[block.id] = apply_at(block.text, at, at + len(quote), "")
        else:
            edits.append(
                Replace(paragraph=block.id, quote=quote, new_text=new_word, author="C", date=WHEN)
            )
            expected[block.id] = apply_at(block.text, at, at + len(quote), new_word)
    out = tmp_path_factory.mktemp("ret") / "back.docx"
    returned = read_annotations(annotate.apply(path, edits, out))
    drafts = extract(sent, returned, block_map)
    rebuilt = {b.id: b.text for b in block_map.blocks}
    for d in sorted(drafts, key=lambda d: -(d.start or 0)):
        assert d.block is not None and d.start is not None and d.end is not None
        assert d.proposed is not None
        rebuilt[d.block.id] = apply_at(rebuilt[d.block.id], d.start, d.end, d.proposed)
    for block in block_map.blocks:
        assert rebuilt[block.id] == expected.get(block.id, block.text)
