"""Benchmark: render time per example chapter and for a synthetic 20,000-word chapter.

Run ``python bench/bench_render.py``. Each figure is the best of ``REPEATS`` runs, in seconds of
CPU (this process's and its children's, pandoc's included: on a machine shared with other jobs
wall time measures the queue),
and its ratio to a bare ``pandoc CHAPTER.md -o x.docx`` (same Markdown, same pandoc, with
citeproc when the chapter has citations) timed in the same run. Aim (issue 18): every chapter
within 1.5x (``bench/aims.py``). The block map is
built once outside the timing (it is stored with the revision, not rebuilt per render).

Each line also times ``restamp`` (the rendered file copied with another reviewer's stamp: what
a round does per packet, ``drafts.word.revision.RenderCache``) in the same run, and the last line
puts the two together for a round of ``REVIEWERS`` reviewers on every example chapter: one
render per packet (before) against one render per chapter plus one restamp per packet (now),
computed from those figures (letters, zips and mail not counted).
Finally the demo's round is timed end to end in a scratch workspace (chapters 02 and 03 to the
26 reviewers of the "ewg" group: 52 chapter files, cover letters, zips, .eml files, the
commit), once with a pandoc render per chapter file and once with the default renderer.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PENHOLDER_TODAY", "2024-03-04")

sys.path.insert(0, str(ROOT / "bench"))
from aims import aim  # noqa: E402

import examples  # noqa: E402
from drafts import chapters  # noqa: E402
from drafts.blocks import build_block_map  # noqa: E402
from drafts.markdown.pandoc import pandoc_path  # noqa: E402
from drafts.ooxml.write.stamp import restamp  # noqa: E402
from drafts.word import revision as word_out  # noqa: E402
from drafts.word.render import Stamp, render_chapter  # noqa: E402
from drafts.workspace import Workspace  # noqa: E402
from reviewers.rounds import lifecycle as rounds  # noqa: E402
from reviewers.send import sending  # noqa: E402
from reviewers.send.packets import Renderer  # noqa: E402

REPEATS = 3
REVIEWERS = 300
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
OTHER = STAMP.model_copy(update={"reviewer_id": "B2", "packet": "R1-99-OTHR"})


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


def cpu() -> float:
    """CPU seconds used so far by this process and by its children that have ended."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def best(fn: object) -> float:
    """Return the best CPU time (``cpu``) of ``REPEATS`` calls of ``fn``."""
    times = []
    for _ in range(REPEATS):
        start = cpu()
        fn()  # type: ignore[operator]
        times.append(cpu() - start)
    return min(times)


RATIOS: dict[str, float] = {}


def bench(name: str, markdown: str, tmp: Path) -> tuple[float, float]:
    """Print one line; return (render, restamp) seconds."""
    src = tmp / f"{name}.md"
    src.write_text(markdown, encoding="utf-8")
    bare = [pandoc_path(), str(src), "-o", str(tmp / "bare.docx"), "--citeproc"]
    bare.append(f"--bibliography={BIB}")
    baseline = best(lambda: subprocess.run(bare, check=True, capture_output=True))
    block_map = build_block_map("99", 1, markdown, None, bibliography=BIB)
    out = tmp / f"{name}.docx"
    ours = best(lambda: render_chapter(markdown, block_map, STAMP, out, bibliography=BIB))
    again = best(lambda: restamp(out, OTHER, tmp / f"{name} other.docx"))
    words = len(markdown.split())
    RATIOS[name] = ours / baseline
    print(
        f"{name:>12} {words:>7} words {len(block_map.blocks):>5} blocks  "
        f"render {ours:6.3f} s  bare pandoc {baseline:6.3f} s  ratio {ours / baseline:4.2f}x  "
        f"restamp {again:6.4f} s ({ours / again:4.0f}x faster than render)"
    )
    return ours, again


def bench_round(tmp: Path) -> None:
    """Time sending the demo round's packets: a render per file, then the default renderer."""
    files, chapter_files = chapters.example_files()
    each = Renderer(word_out.render_revision, word_out.redline_revisions)
    times = []
    for n, renderer in enumerate([each, None]):
        root = tmp / f"ws{n}"
        chapters.create_workspace(root, files, chapter_files, "amina-odhiambo")
        ws = Workspace.open(root)
        actor = ws.identity("amina-odhiambo")
        rnd = rounds.open_round(ws, ["02", "03"], ["ewg"], date(2024, 3, 22), actor)
        start = time.perf_counter()
        sending.send_packets(ws, rnd.id, actor, renderer=renderer)
        times.append(time.perf_counter() - start)
    print(
        f"demo round, {len(rnd.reviewers)} reviewers x 2 chapters ({len(rnd.items)} chapter "
        f"files), packets built and sent: a render per file {times[0]:5.1f} s, "
        f"a render per chapter + restamps {times[1]:5.1f} s ({times[0] / times[1]:3.1f}x)"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = [
            bench(f"chapter {chapter.stem}", chapter.read_text(encoding="utf-8"), Path(tmp))
            for chapter in sorted((examples.path() / "chapters").glob("*.md"))
        ]
        bench("synthetic", synthetic(), Path(tmp))
        low, high = min(RATIOS.values()), max(RATIOS.values())
        aim(
            "render",
            "render",
            "bare pandoc",
            high,
            f"{low:.2f}-{high:.2f}x over {len(RATIOS)} chapters (best of {REPEATS}); the worst "
            "is the row's ratio",
        )
        bench_round(Path(tmp))
    renders = sum(r for r, _ in figures)
    restamps = sum(s for _, s in figures)
    before = REVIEWERS * renders
    now = renders + REVIEWERS * restamps
    print(
        f"round of {REVIEWERS} reviewers x {len(figures)} example chapters "
        f"({REVIEWERS * len(figures)} chapter files), computed from the lines above (render and "
        f"restamp only): a render per file {before:7.1f} s, a render per chapter + restamps "
        f"{now:6.1f} s ({before / now:3.0f}x)"
    )


if __name__ == "__main__":
    main()
