"""Crashes `make fuzz` found in the reader, each rebuilt here from the corpus (read in place).

Each case is a corpus file and the shrunk mutation list the fuzzer printed
(``tests/helpers/mutate_docx.py``); the mutated file is built by the test itself, never
committed. The reader must read it or refuse it with a ``DocumentError`` naming the file.
The harness itself is tested too: it finds a planted crash and shrinks it.
"""

from __future__ import annotations

import pytest

from drafts.core.errors import DocumentError
from drafts.ooxml.read.reader import read_annotations
from tests.helpers.mutate_docx import Mutation, mutate
from tests.helpers.reader_helpers import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason=f"shared corpus absent: {CORPUS}")

CASES: list[tuple[str, list[Mutation]]] = [
    # a zeroed byte inside a deflate stream: zlib.error escaped Package.read
    ("docx2python/comments.docx", [("part-bytes", 0, 0, b"\x00"), ("bytes", 49, b"\x00")]),
    # a central directory claiming zip version 6.4: zipfile's NotImplementedError escaped
    (
        "openxml-powertools/RP019-Deleted-Field-Code.docx",
        [("element-dup", 0, 0), ("bytes", 10254, b"\x00\x00\x40")],
    ),
]


@pytest.mark.parametrize(("name", "mutations"), CASES, ids=[f"{n}:{m}" for n, m in CASES])
def test_fuzz_case_is_read_or_refused_by_name(name: str, mutations: list[Mutation]) -> None:
    data = mutate((CORPUS / name).read_bytes(), mutations)
    assert data != (CORPUS / name).read_bytes()
    try:
        read_annotations(data, "mutated.docx")
    except DocumentError as e:
        assert "mutated.docx" in str(e)


def test_the_fuzzer_finds_and_shrinks_a_planted_crash() -> None:
    from tools.fuzz_reader import fuzz

    def fragile(data: bytes) -> object:
        if len(data) < 1000:
            raise KeyError("planted")
        return read_annotations(data)

    files = sorted(CORPUS.rglob("*.docx"))[:2]
    findings, tried = fuzz(files, 5, read=fragile, batch=50)
    assert tried > 0
    planted = [f for f in findings if f["error"].startswith("KeyError")]
    assert planted and len(planted[0]["mutations"]) == 1  # shrunk to one mutation
