"""Benchmark: consolidate a synthetic round of 31 reviewers on a 20,000-word chapter.

Run ``python bench/bench_consolidate.py``. Each reviewer returns 20 comments and 30 changes
(replacements, insertions, deletions at seeded random places, some shared by several reviewers
so duplicates and conflicts occur). The remarks are written straight into the workspace (the
intake is benchmarked by bench_intake.py), then ``consolidate`` is timed end to end (merge,
the round's render restamped, page and line as kept when the packets were sent, tracked .docx,
.xlsx and .docx matrix, commit) against one render of the same chapter timed in the same run.
Sending is simulated outside the timing: ``pagelines.prepare`` renders the round's chapter once
and lays it out with LibreOffice (its time is printed: a cost of sending, once per round).
Consolidation and the render are timed back to back ``REPEAT`` times (consolidating again
rewrites the same files); the ratio is the median. Aim (issue 18): within 3x of one render.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("PENHOLDER_TODAY", "2024-03-04")

from aims import aim  # noqa: E402
from bench_intake import people  # noqa: E402
from bench_render import synthetic  # noqa: E402

from drafts import blockstore, chapters, layout  # noqa: E402
from drafts.word.revision import render_revision  # noqa: E402
from reviewers.consolidate import pagelines  # noqa: E402
from reviewers.consolidate.build import consolidate  # noqa: E402
from reviewers.intake.remarks import Remark, ReturnRemarks  # noqa: E402
from reviewers.rounds import lifecycle as rounds  # noqa: E402

REPEAT = 3
WORDS = ["municipal", "inclusive", "open", "resilient", "local", "public"]


def remarks_for(n: int, item, blocks, rng: random.Random) -> list[Remark]:  # type: ignore[no-untyped-def]
    out = []
    for k in range(50):
        b = blocks[rng.randrange(len(blocks))]
        words = b.text.split()
        w = rng.randrange(1, len(words) - 1)
        start = len(" ".join(words[:w])) + 1
        end = start + len(words[w])
        kind = "comment" if k < 20 else rng.choice(["replace", "insert", "delete"])
        proposed = {
            "comment": None,
            "replace": rng.choice(WORDS),
            "insert": " " + rng.choice(WORDS),
            "delete": "",
        }[kind]
        if kind == "insert":
            start = end
        out.append(
            Remark(
                id=f"R1-01-{n * 50 + k + 1:04d}",
                round="R1",
                chapter="01",
                revision=1,
                reviewer=item.reviewer,
                author=f"Expert {n:02d}",
                date="2024-03-15T09:00:00Z",
                kind=kind,
                block=b.id,
                paragraph=b.paragraph,
                section=" > ".join(b.heading_path),
                start=start,
                end=end,
                anchor_text=b.text[start:end],
                text=f"Comment {k}" if kind == "comment" else "",
                proposed=proposed,
                packet=item.packet,
                **{"return": f"{n + 1:012d}" + "0" * 52},
            )
        )
    return out


def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        files = chapters.empty_files("Bench guideline", "Bench", "UTC")
        files["people.yaml"] = people()
        text = synthetic().replace(" [@crpd2006]", "").replace('"99"', '"01"')
        ws = chapters.create_workspace(
            tmp / "ws", files, {"chapters/01.md": text.encode()}, "drafter"
        )
        who = ws.identity("drafter")
        rnd = rounds.open_round(ws, ["01"], ["ewg"], date(2024, 3, 22), who)
        blocks = [b for b in blockstore.load(ws, "01", 1).blocks if b.kind == "paragraph"]
        sets = {}
        for n, item in enumerate(rnd.items):
            rs = ReturnRemarks(
                round="R1",
                chapter="01",
                reviewer=item.reviewer,
                revision=1,
                packet=item.packet,
                sha256=f"{n + 1:012d}" + "0" * 52,
                file=f"r{n}.docx",
                remarks=remarks_for(n, item, blocks, rng),
            )
            sets[layout.remarks("R1", "01", rs.sha256)] = json.dumps(
                rs.model_dump(mode="json", by_alias=True)
            ).encode()
        ws.commit(sets, "Bench remarks", [("Event", "return")], who)
        t = time.perf_counter()
        problems = pagelines.prepare(ws, "R1")
        print(f"at sending     : {time.perf_counter() - t:6.2f} s (render + LibreOffice layout)")
        assert not problems, problems
        renders, runs = [], []
        for _ in range(REPEAT):
            t = time.perf_counter()
            render_revision(ws, "01", 1, tmp / "one.docx", round_id="R1")
            renders.append(time.perf_counter() - t)
            t = time.perf_counter()
            done = consolidate(ws, "01", "R1", who)
            runs.append(time.perf_counter() - t)
        assert not done.pages_missing, done.pages_missing
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        one, took = statistics.median(renders), statistics.median(runs)
        print(f"one render     : {one:6.2f} s (median of {REPEAT})")
        print(
            f"consolidate    : {took:6.2f} s  ({done.remarks} remarks, {done.rows} rows, "
            f"{done.conflicts} in conflict; median of {REPEAT})"
        )
        print(f"peak RSS       : {rss:.0f} MiB")
        aim(
            "consolidate",
            "consolidate, 31 reviewers, 1,550 remarks, 20,000 words",
            "one render of the chapter",
            statistics.median(r / o for r, o in zip(runs, renders, strict=True)),
            f"{took:.2f} s against {one:.2f} s (medians of {REPEAT}); page and line kept "
            "at sending",
        )


if __name__ == "__main__":
    main()
