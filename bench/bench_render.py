"""Benchmark: render time per example chapter and for a synthetic 20,000-word chapter.

Run ``python bench/bench_render.py``. Each figure is the best of ``REPEATS`` runs, in seconds,
and its ratio to a bare ``pandoc CHAPTER.md -o x.docx`` (same Markdown, same pandoc, with
citeproc when the chapter has citations) timed in the same run. Aim: under 2x. The block map is
built once outside the timing (it is stored with the revision, not rebuilt per render).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import examples  # noqa: E402
from drafts.blocks import build_block_map  # noqa: E402
from drafts.pandoc import pandoc_path  # noqa: E402
from drafts.render import Stamp, render_chapter  # noqa: E402

REPEATS = 3
BIB = examples.path() / "references.bib"
STAMP = Stamp(
    guideline_title="Benchmark guideline",
    short_title="Bench",
    chapter="99",
    chapter_title="Benchmark",
    revision=1,
    commit="0" * 40,
    round="R1",
    reviewer_id="B1",
    packet="R1-99-BNCH",
    date=date(2026, 1, 1),
)


def synthetic(words: int = 20_000) -> str:
    """Return a chapter of about ``words`` words: headings, paragraphs, lists, notes, a table."""
    sentence = "Local governments should publish open data on public services and their use"
    parts = ['---\nid: "99"\ntitle: "Synthetic"\n---\n']
    count, n = 0, 0
    while count < words:
        n += 1
        parts.append(f"# Section {n}\n")
        for k in range(6):
            parts.append(f"{sentence} in paragraph {n}.{k} [@crpd2006].[^n{n}k{k}] " * 5 + "\n")
            parts.append(f"[^n{n}k{k}]: A note on {n}.{k} about {sentence.lower()}.\n")
        parts.append("".join(f"- {sentence} item {i}.\n" for i in range(4)))
        parts.append("| Indicator | Value |\n|---|---|\n| Access | 1 |\n| Use | 2 |\n")
        count = sum(len(p.split()) for p in parts)
    return "\n".join(parts)


def best(fn: object) -> float:
    """Return the best wall time of ``REPEATS`` calls of ``fn``."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def bench(name: str, markdown: str, tmp: Path) -> None:
    src = tmp / f"{name}.md"
    src.write_text(markdown, encoding="utf-8")
    bare = [pandoc_path(), str(src), "-o", str(tmp / "bare.docx"), "--citeproc"]
    bare.append(f"--bibliography={BIB}")
    baseline = best(lambda: subprocess.run(bare, check=True, capture_output=True))
    block_map = build_block_map("99", 1, markdown, None, bibliography=BIB)
    out = tmp / f"{name}.docx"
    ours = best(lambda: render_chapter(markdown, block_map, STAMP, out, bibliography=BIB))
    words = len(markdown.split())
    print(
        f"{name:>12} {words:>7} words {len(block_map.blocks):>5} blocks  "
        f"render {ours:6.3f} s  bare pandoc {baseline:6.3f} s  ratio {ours / baseline:4.2f}x"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for chapter in sorted((examples.path() / "chapters").glob("*.md")):
            bench(f"chapter {chapter.stem}", chapter.read_text(encoding="utf-8"), Path(tmp))
        bench("synthetic", synthetic(), Path(tmp))


if __name__ == "__main__":
    main()
