"""Benchmark: ingest a synthetic round of 31 returns on a 20,000-word chapter.

Run ``python bench/bench_intake.py``. Builds a scratch workspace (a synthetic chapter, 31
experts, one round), makes each reviewer's packet as sending does (a restamped copy of the
round's one render, ``drafts.word.revision.render_for``), writes 31 returns from them with the
OOXML annotation writer (comments, tracked changes and a silent edit each), then times:

- intake: ``reviewers.intake.ingest.ingest_all`` (verbatim commit, read, identify, align, remarks
  commit), returns per second and peak memory (RSS of this process);
- baseline: the reader alone (``read_annotations``) on the same 31 files, timed in the same run
  (the median of three passes, one before and two after the intake).

Aim (issue 18): intake within 3x of the reader alone; one commit per return stays.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("PENHOLDER_TODAY", "2024-03-04")

import yaml  # noqa: E402
from aims import aim  # noqa: E402
from bench_render import synthetic  # noqa: E402

from drafts import blockstore, chapters  # noqa: E402
from drafts.ooxml.read.reader import read_annotations  # noqa: E402
from drafts.ooxml.simulate import annotate  # noqa: E402
from drafts.ooxml.simulate.records import Comment, Delete, Insert, Replace, SilentEdit  # noqa: E402
from drafts.word.revision import render_for  # noqa: E402
from drafts.workspace import Workspace  # noqa: E402
from reviewers.intake.ingest import ingest_all  # noqa: E402
from reviewers.rounds import lifecycle as rounds  # noqa: E402

REVIEWERS = 31
WHEN = datetime(2024, 3, 15, 9, 0)


def people() -> bytes:
    rows = [
        {"id": "drafter", "name": "Bench Drafter", "email": "d@example.org", "roles": ["drafter"]}
    ]
    rows += [
        {
            "id": f"expert-{i:02d}",
            "name": f"Expert {i:02d}",
            "email": f"e{i}@example.org",
            "roles": ["expert"],
            "groups": ["ewg"],
        }
        for i in range(REVIEWERS)
    ]
    return yaml.safe_dump({"people": rows}).encode()


def setup(tmp: Path) -> tuple[Workspace, list[Path]]:
    files = chapters.empty_files("Bench guideline", "Bench", "UTC")
    files["people.yaml"] = people()
    chapter = synthetic().replace(" [@crpd2006]", "").replace('"99"', '"01"')
    ws = chapters.create_workspace(
        tmp / "ws", files, {"chapters/01.md": chapter.encode()}, "drafter"
    )
    rnd = rounds.open_round(ws, ["01"], ["ewg"], date(2024, 3, 22), ws.identity("drafter"))
    paras = [b for b in blockstore.load(ws, "01", 1).blocks if b.kind == "paragraph"]
    returns = []
    for n, item in enumerate(rnd.items):
        packet = render_for(
            ws,
            "01",
            1,
            tmp / f"p{n}.docx",
            round_id=rnd.id,
            reviewer=ws.person(item.reviewer),
            packet=item.packet,
        )
        who = ws.person(item.reviewer).name
        edits: list = []
        for k in range(4):
            b = paras[(n * 7 + k * 13) % len(paras)]
            w = b.text.split()
            edits.append(
                Comment(paragraph=b.id, quote=w[2], text=f"Comment {k}", author=who, date=WHEN)
            )
            edits.append(
                Replace(paragraph=b.id, quote=w[5], new_text="municipal", author=who, date=WHEN)
            )
            edits.append(
                Insert(paragraph=b.id, after_quote=w[8], text=" and towns", author=who, date=WHEN)
            )
        b = paras[(n * 11 + 3) % len(paras)]
        edits.append(Delete(paragraph=b.id, quote=b.text.split()[4], author=who, date=WHEN))
        edits.append(
            SilentEdit(
                paragraph=paras[(n * 5 + 1) % len(paras)].id, quote="publish", new_text="release"
            )
        )
        returns.append(annotate.apply(packet, edits, tmp / f"return-{n:02d}.docx"))
    return ws, returns


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        t = time.perf_counter()
        ws, files = setup(tmp)
        print(f"setup: {len(files)} returns written in {time.perf_counter() - t:.1f} s")

        def reading() -> float:
            t = time.perf_counter()
            for f in files:
                read_annotations(f)
            return time.perf_counter() - t

        passes = [reading()]
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        outcomes = ingest_all(ws, files, ws.identity("drafter"))
        intake = time.perf_counter() - t
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        passes += [reading(), reading()]
        reader = statistics.median(passes)
        assert all(o.status == "recorded" for o in outcomes), [o.message for o in outcomes]
        remarks = sum(o.remarks for o in outcomes)
        print(f"reader alone : {reader:7.2f} s  ({len(files) / reader:6.1f} returns/s)")
        print(
            f"intake       : {intake:7.2f} s  ({len(files) / intake:6.1f} returns/s, "
            f"{remarks} remarks)"
        )
        print(f"peak RSS: {rss1 / 1024:.0f} MiB (before intake {rss0 / 1024:.0f} MiB)")
        aim(
            "intake",
            f"intake, {len(files)} returns, {remarks} remarks",
            "the reader alone on the same files",
            intake / reader,
            f"{intake:.2f} s against {reader:.2f} s (reader: median of 3 passes)",
        )


if __name__ == "__main__":
    main()
