"""Benchmark: the cost curve of one round on one chapter, for 10, 31, 100 and 300 reviewers.

Run ``python bench/bench_scale.py [--quick]`` (``--quick``: 10, 31 and 100 reviewers). For each
size a scratch workspace gets a synthetic chapter of ``WORDS`` words and that many experts, and
the round is run step by step, each step in a fresh interpreter (``multiprocessing`` "spawn") so
that its peak memory is its own:

- packets: ``rounds.open_round`` + ``sending.send_packets`` (one render, a restamped copy, a
  cover letter and a zip per reviewer, the mail written to the outbox, the commit) and
  ``pagelines.prepare`` (the one LibreOffice layout, when LibreOffice is installed);
- intake: ``ingest_all`` of one return per reviewer (4 comments, 8 changes and a silent edit each,
  written outside the timing with the OOXML annotation writer from the reviewer's packet);
- consolidation: ``consolidate`` (merge, tracked .docx, matrices, commit);
- status: ``build_status`` (what ``penholder status`` and the web page show).

Each step prints its CPU time (its process's and its children's: git, pandoc, LibreOffice; on a
machine shared with other jobs wall time measures the run queue), its wall time, and the peak
RSS of its process (``ru_maxrss``, imports included: about 60 MiB of them). The growth of each step is fitted (least squares in log-log space: the
exponent k of time ~ n^k between 31 and 300 reviewers) and named: constant (k < 0.3), sub-linear,
linear (0.8 <= k <= 1.2), super-linear. The chart (time against reviewers, log-log) is written to
``docs/performance-scale.svg`` and the table to ``build/bench/scale.json`` for ``bench/report.py``.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("PENHOLDER_TODAY", "2024-03-04")

SIZES = [10, 31, 100, 300]
QUICK = [10, 31, 100]
WORDS = 3_000
STEPS = ["packets", "intake", "consolidation", "status"]
WHEN = datetime(2024, 3, 15, 9, 0)
STORE = ROOT / "build" / "bench"
CHART = ROOT / "docs" / "performance-scale.svg"


def _people(n: int) -> bytes:
    import yaml

    rows: list[dict[str, Any]] = [
        {"id": "drafter", "name": "Bench Drafter", "email": "d@example.org", "roles": ["drafter"]}
    ]
    rows += [
        {
            "id": f"expert-{i:03d}",
            "name": f"Expert {i:03d}",
            "email": f"e{i}@example.org",
            "roles": ["expert"],
            "groups": ["ewg"],
        }
        for i in range(n)
    ]
    return yaml.safe_dump({"people": rows}).encode()


def make_workspace(root: Path, n: int) -> None:
    """A workspace with one synthetic chapter of ``WORDS`` words and ``n`` experts."""
    from bench_render import synthetic

    from drafts import chapters

    files = chapters.empty_files("Bench guideline", "Bench", "UTC")
    files["people.yaml"] = _people(n)
    text = synthetic(WORDS).replace(" [@crpd2006]", "").replace('"99"', '"01"')
    chapters.create_workspace(root, files, {"chapters/01.md": text.encode()}, "drafter")


def write_returns(root: Path, folder: Path) -> list[Path]:
    """One marked-up return per reviewer, from the packet that reviewer was sent."""
    from drafts import blockstore, layout
    from drafts.ooxml.simulate import annotate
    from drafts.ooxml.simulate.records import Comment, Delete, Insert, Replace, SilentEdit
    from drafts.workspace import Workspace
    from reviewers.rounds import records

    ws = Workspace.open(root)
    rnd = records.load_round(ws, "R1")
    paras = [b for b in blockstore.load(ws, "01", 1).blocks if b.kind == "paragraph"]
    out = []
    for n, item in enumerate(rnd.items):
        packets = ws.root / layout.packet_folder("R1", item.reviewer)
        packet = next(packets.glob("Chapter 01*.docx"))
        who = ws.person(item.reviewer).name
        edits: list[Any] = []
        for k in range(4):
            b = paras[(n * 7 + k * 13) % len(paras)]
            w = b.text.split()
            text = f"Remark {k} of {who}"  # every reviewer's comments are their own rows
            edits.append(Comment(paragraph=b.id, quote=w[2], text=text, author=who, date=WHEN))
            new = ["municipal", "local", "public", "open", "civic"][(n + k) % 5]  # some agree
            edits.append(Replace(paragraph=b.id, quote=w[5], new_text=new, author=who, date=WHEN))
        b = paras[(n * 11 + 3) % len(paras)]
        edits.append(Delete(paragraph=b.id, quote=b.text.split()[4], author=who, date=WHEN))
        edits.append(Insert(paragraph=b.id, after_quote=b.text.split()[8], text=" and towns",
                            author=who, date=WHEN))  # fmt: skip
        edits.append(
            SilentEdit(
                paragraph=paras[(n * 5 + 1) % len(paras)].id, quote="publish", new_text="release"
            )
        )
        out.append(annotate.apply(packet, edits, folder / f"return-{n:03d}.docx"))
    return out


def step(name: str, root: str, returns: list[str], queue: Any) -> None:
    """Run one step in this (fresh) process; put (seconds, peak RSS in MiB, what) on ``queue``."""
    from drafts.workspace import Workspace

    ws = Workspace.open(Path(root))
    who = ws.identity("drafter")
    cpu0 = cpu()
    start = time.perf_counter()
    what = ""
    if name == "packets":
        from reviewers.consolidate import pagelines
        from reviewers.rounds import lifecycle as rounds
        from reviewers.send import sending

        experts = [p.id for p in ws.people if "ewg" in p.groups]
        rnd = rounds.open_round(ws, ["01"], experts, date(2024, 3, 22), who)
        sending.send_packets(ws, rnd.id, who)
        problems = pagelines.prepare(ws, rnd.id)
        what = f"{len(rnd.items)} packets" + (f"; {problems[0]}" if problems else "")
    elif name == "intake":
        from reviewers.intake.ingest import ingest_all

        outcomes = ingest_all(ws, [Path(r) for r in returns], who)
        bad = [o.message for o in outcomes if o.status != "recorded"]
        assert not bad, bad[:3]
        what = f"{sum(o.remarks for o in outcomes)} remarks"
    elif name == "consolidation":
        from reviewers.consolidate.build import consolidate

        done = consolidate(ws, "01", "R1", who)
        what = f"{done.rows} rows" + (f"; {done.pages_missing}" if done.pages_missing else "")
    else:
        from reviewers.status import build_status

        status = build_status(ws)
        what = f"{len(status.chapters)} chapter"
    took = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((took, cpu() - cpu0, rss, what))


def cpu() -> float:
    """CPU seconds of this process and of its children that have ended (git, pandoc, soffice)."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def in_child(name: str, root: Path, returns: list[Path]) -> tuple[float, float, float, str]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=step, args=(name, str(root), [str(r) for r in returns], queue))
    child.start()
    result = queue.get(timeout=3600)
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"step {name} failed (exit {child.exitcode})")
    return result  # type: ignore[no-any-return]


def exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) against log(reviewers)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def growth(k: float) -> str:
    if k < 0.3:
        return "about constant"
    if k < 0.8:
        return "sub-linear (a fixed cost still dominates)"
    if k <= 1.2:
        return "linear"
    return "super-linear"


def chart(rows: dict[str, list[tuple[int, float]]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "penholder"  # stable ids: the committed chart diffs cleanly
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, points in rows.items():
        ax.plot([n for n, _ in points], [t for _, t in points], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("reviewers in the round (one chapter, one return each)")
    ax.set_ylabel("CPU seconds (log)")
    ax.set_title(f"One round on a {WORDS:,}-word chapter: time per step")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, metadata={"Date": None})
    plt.close(fig)


def main(argv: list[str]) -> None:
    sizes = QUICK if "--quick" in argv else SIZES
    results: dict[str, list[dict[str, Any]]] = {s: [] for s in STEPS}
    began = time.perf_counter()
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="penholder-scale-") as folder:
            root = Path(folder) / "ws"
            make_workspace(root, n)
            returns: list[Path] = []
            for name in STEPS:
                if name == "intake":
                    t = time.perf_counter()
                    returns = write_returns(root, Path(folder))
                    print(f"  ({n} returns written in {time.perf_counter() - t:.1f} s)")
                wall, took, rss, what = in_child(name, root, returns)
                results[name].append(
                    {"reviewers": n, "seconds": took, "wall": wall, "rss": rss, "what": what}
                )
                print(
                    f"{n:4d} reviewers  {name:13} {took:8.2f} s CPU ({wall:6.2f} s wall)  "
                    f"peak RSS {rss:6.0f} MiB  {what}"
                )
    fits = {}
    for name in STEPS:
        points = [(r["reviewers"], r["seconds"]) for r in results[name]]
        k = exponent([p for p in points if p[0] >= 31] if len(sizes) > 2 else points)
        fits[name] = {"exponent": round(k, 2), "growth": growth(k)}
        per = [r["seconds"] / r["reviewers"] for r in results[name]]
        print(
            f"{name:13} time ~ n^{k:.2f} from 31 to {sizes[-1]} reviewers: {growth(k)}; "
            f"per reviewer {per[0] * 1000:.0f} ms at {sizes[0]}, {per[-1] * 1000:.0f} ms at "
            f"{sizes[-1]}"
        )
    STORE.mkdir(parents=True, exist_ok=True)
    (STORE / "scale.json").write_text(
        json.dumps({"words": WORDS, "sizes": sizes, "steps": results, "fits": fits}, indent=1),
        encoding="utf-8",
    )
    chart({s: [(r["reviewers"], r["seconds"]) for r in results[s]] for s in STEPS}, CHART)
    print(f"chart: {CHART.relative_to(ROOT)}; whole benchmark {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
