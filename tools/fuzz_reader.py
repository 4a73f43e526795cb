"""Fuzz the review-annotation reader with mutations of the real corpus (``make fuzz``).

Hypothesis draws a corpus file (``../shared/corpus/word``, read in place, never copied) and a
few mutations (``tests/helpers/mutate_docx.py``: raw bytes, truncation, bytes of one part,
XML elements dropped or repeated, attributes set to odd values, parts dropped or renamed) and
reads the result with ``read_annotations``. The reader may read the file or refuse it with a
``DocumentError``; anything else is a crash. Hypothesis shrinks each crash to a minimal
mutation list, printed as a case for ``tests/drafts/ooxml/read/test_fuzz_regressions.py``
(which rebuilds the file from the corpus) and written to ``.fuzz/findings.json`` (git-ignored).

Runs for ``FUZZ_SECONDS`` (default 120) in batches of fresh random examples; exits 1 if it
found a crash. Not part of ``make test``. Usage: ``make fuzz`` or
``FUZZ_SECONDS=600 .venv/bin/python tools/fuzz_reader.py``.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drafts.core.errors import DocumentError  # noqa: E402
from drafts.ooxml.read.reader import read_annotations  # noqa: E402
from tests.helpers.mutate_docx import Mutation, mutate  # noqa: E402
from tests.helpers.reader_helpers import CORPUS  # noqa: E402

_PART = st.integers(0, 400)
_OFFSET = st.integers(0, 1 << 20)
_PAYLOAD = st.binary(min_size=1, max_size=16)
_ODD_VALUES = st.sampled_from(
    ["", "-1", "0", "4294967296", "99999999999999999999", "x", "\u00a0", "ph_03_0001", "1e9", "/"]
) | st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=8)
_NAMES = st.sampled_from(
    [
        "word/document.xml",
        "word/comments.xml",
        "word/footnotes.xml",
        "[Content_Types].xml",
        "_rels/.rels",
        "word/_rels/document.xml.rels",
        "docProps/custom.xml",
        "word/x.xml",
    ]
)

MUTATION = st.one_of(
    st.tuples(st.just("bytes"), _OFFSET, _PAYLOAD),
    st.tuples(st.just("truncate"), st.floats(0, 1, allow_nan=False)),
    st.tuples(st.just("part-bytes"), _PART, _OFFSET, _PAYLOAD),
    st.tuples(st.sampled_from(["part-cut", "part-dup"]), _PART, _OFFSET, st.integers(1, 64)),
    st.tuples(st.sampled_from(["element-drop", "element-dup"]), _PART, st.integers(0, 1 << 14)),
    st.tuples(st.just("attr-set"), _PART, st.integers(0, 1 << 14), _ODD_VALUES),
    st.tuples(st.just("part-drop"), _PART),
    st.tuples(st.just("part-rename"), _PART, _NAMES),
)


def corpus() -> list[Path]:
    files = sorted(CORPUS.rglob("*.docx"))
    if not files:
        raise SystemExit(f"fuzz: no corpus at {CORPUS}; set PENHOLDER_CORPUS")
    return files


def is_crash(exc: BaseException) -> bool:
    """A crash is anything but the reader's refusal of a bad file."""
    return not isinstance(exc, DocumentError)


def fuzz(
    files: list[Path],
    seconds: float,
    read: Callable[[bytes], Any] = read_annotations,
    batch: int = 100,
) -> tuple[list[dict[str, Any]], int]:
    """Fuzz ``read`` for ``seconds``; return the crashes found, each shrunk (file, mutations),
    and how many mutated files were read."""
    data = {p: p.read_bytes() for p in files}
    findings: list[dict[str, Any]] = []
    last: dict[str, Any] = {}
    tried = [0]

    @settings(
        max_examples=batch,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(
        index=st.integers(0, len(files) - 1), mutations=st.lists(MUTATION, min_size=1, max_size=4)
    )
    def one(index: int, mutations: list[Mutation]) -> None:
        path = files[index]
        mutated = mutate(data[path], mutations)
        tried[0] += 1
        try:
            read(mutated)
        except Exception as exc:
            if is_crash(exc):
                last.update(
                    file=str(path.relative_to(CORPUS)),
                    mutations=[list(_jsonable(m)) for m in mutations],
                    error=f"{type(exc).__name__}: {exc}"[:500],
                    where=traceback.format_exc(limit=-3)[-1500:],
                )
                raise

    stop = time.monotonic() + seconds
    seen: set[str] = set()
    while time.monotonic() < stop:
        last.clear()
        try:
            one()
        except Exception:
            if not last:
                raise
            key = last["error"].split(":", 1)[0] + last["where"].splitlines()[-2:-1][0]
            if key not in seen:
                seen.add(key)
                findings.append(dict(last))
    return findings, tried[0]


def _jsonable(m: Mutation) -> list[Any]:
    return [v.hex() if isinstance(v, bytes) else v for v in m]


def main() -> int:
    seconds = float(os.environ.get("FUZZ_SECONDS", "120"))
    files = corpus()
    print(f"fuzz: {len(files)} corpus files from {CORPUS}, {seconds:.0f} s")
    started = time.monotonic()
    findings, tried = fuzz(files, seconds)
    out = ROOT / ".fuzz" / "findings.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(findings, indent=2, ensure_ascii=False))
    took = time.monotonic() - started
    if not findings:
        print(f"fuzz: no crash in {tried} mutated files, {took:.0f} s")
        return 0
    print(
        f"fuzz: {len(findings)} distinct crash(es) in {tried} mutated files, {took:.0f} s "
        f"(also in {out}):"
    )
    for f in findings:
        print(f"\n{f['error']}\n{f['where']}\ncase: ({f['file']!r}, {f['mutations']!r}),")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
