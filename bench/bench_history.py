"""Benchmark: what a long history costs (issue 23). A workspace grows to 500, 2,000 and 10,000
commits and, at each size, in the same run:

- ``git log --format=%H`` on the repository (the baseline), best of 3;
- a state change in-process: ``chapters.commit_revision`` of chapter 01 through a new
  ``Workspace`` (as each CLI call opens one; the history cache in ``.git/penholder/`` is warm),
  median of 5;
- ``penholder status --json`` and ``penholder chapter log 03`` as a user runs them (a fresh
  interpreter, engine off, Python's bytecode cache written and read as in any installation),
  best of 3;
- once after each growth: the first read of the state (folds the commits the cache has not seen)
  and a full replay with the cache deleted.

The history is written with ``git fast-import`` (seconds): rounds on chapters 02-12 for 31
reviewers (open, every return, close, consolidate, answer, revise, about 376 commits a round;
the last round left open), as ``bench_status.py`` writes them. Chapter 01 is made and revised
through penholder itself, so its block maps are real. Run ``python bench/bench_history.py
[SIZES...]`` (default 500 2000 10000; a few minutes on 2 cores).

Aims: a state change at the largest size within 1.2x of the same at the smallest; ``status``
under 10x ``git log`` and under 0.5 s at 2,000 commits. Each printed MET or MISSED.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["PENHOLDER_ENGINE"] = "off"

from bench_status import DAY, T0, code, dump  # noqa: E402

CHAPTERS = [f"{i:02d}" for i in range(2, 13)]
TITLE = "Chapter 01 of a synthetic guideline on long histories"
REVIEWERS = 31
WHO = "Bench Drafter <drafter@example.org>"


def people() -> list[dict[str, object]]:
    found: list[dict[str, object]] = [
        {"id": "drafter", "name": "Bench Drafter", "email": "drafter@example.org"}
    ]
    for i in range(REVIEWERS):
        found.append(
            {"id": f"expert-{i:02d}", "name": f"Expert {i:02d}", "email": f"e{i}@example.org"}
        )
        found[-1]["groups"] = ["ewg"]
    return found


def chapter_text(ch: str, n: int) -> str:
    head = (
        f'---\nid: "{ch}"\ntitle: "Chapter {ch} of a synthetic guideline on long histories"\n---\n'
    )
    return head + f"\n# Chapter {ch}\n\nText {n}.\n"


Commit = tuple[int, str, list[tuple[str, str]], dict[str, str]]


def first_commits() -> list[Commit]:
    files = {
        ".gitignore": "/inbox/\n/outbox/\n/out/\n",
        "guideline.yaml": dump({"title": "Synthetic guideline", "organisation": "Bench"}),
        "people.yaml": dump({"people": people()}),
        "egms.yaml": dump(
            {"egms": [{"id": "EGM1", "name": "EGM", "start": "2030-10-08", "agenda": CHAPTERS}]}
        ),
    }
    made: list[Commit] = [(T0, "Create the guideline workspace", [("Event", "init")], files)]
    for ch in CHAPTERS:
        trailers = [("Event", "chapter-new"), ("Chapter", ch), ("Revision", "1")]
        made.append(
            (
                T0 + 60,
                f"Add chapter {ch}",
                [*trailers, ("Stage", "drafting")],
                {f"chapters/{ch}.md": chapter_text(ch, 1)},
            )
        )
    return made


def rounds() -> Iterator[Commit]:
    """Round after round, for ever: what ``bench_status.build`` writes for one round."""
    revision = dict.fromkeys(CHAPTERS, 1)
    reviewers = [str(p["id"]) for p in people()[1:]]
    k = 0
    while True:
        k += 1
        rid, start = f"R{k}", T0 + (k - 1) * 40 * DAY + DAY
        items = [
            {
                "reviewer": r,
                "chapter": ch,
                "revision": revision[ch],
                "packet": f"{rid}-{ch}-{code(k, c, i)}",
            }
            for c, ch in enumerate(CHAPTERS)
            for i, r in enumerate(reviewers)
        ]
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start))
        rnd: dict[str, object] = {
            "id": rid,
            "opened": stamp,
            "opened_by": "Bench Drafter",
            "due": time.strftime("%Y-%m-%d", time.gmtime(start + 20 * DAY)),
            "chapters": [{"chapter": ch, "revision": revision[ch]} for ch in CHAPTERS],
            "reviewers": reviewers,
            "items": items,
        }
        chapters = [("Chapter", c) for c in CHAPTERS]
        yield (
            start,
            f"Open round {rid}",
            [("Event", "round-open"), ("Round", rid), *chapters, ("Stage", "in_review")],
            {f"rounds/{rid}/round.yaml": dump(rnd)},
        )
        for i, item in enumerate(items):
            sha = f"{k:04d}{i:060d}"
            remarks = {
                "round": rid,
                "chapter": item["chapter"],
                "reviewer": item["reviewer"],
                "revision": item["revision"],
                "packet": item["packet"],
                "sha256": sha,
                "file": f"returns/{sha}.docx",
                "remarks": [],
            }
            trailers = [("Event", "return"), ("Round", rid), ("Chapter", str(item["chapter"]))]
            trailers += [("Reviewer", str(item["reviewer"])), ("Packet", str(item["packet"]))]
            yield (
                start + DAY + i * 60,
                f"Return of {item['packet']}",
                [*trailers, ("Remarks", "0")],
                {f"remarks/{rid}/{item['chapter']}/{sha[:12]}.json": json.dumps(remarks)},
            )
        rnd["closed"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start + 21 * DAY))
        rnd["closed_by"] = "Bench Drafter"
        yield (
            start + 21 * DAY,
            f"Close round {rid}",
            [("Event", "round-close"), ("Round", rid), *chapters, ("Stage", "consolidating")],
            {f"rounds/{rid}/round.yaml": dump(rnd)},
        )
        for c, ch in enumerate(CHAPTERS):
            for event, stage in (("consolidate", None), ("dispose", None), ("revise", "revising")):
                trailers = [("Event", event), ("Round", rid), ("Chapter", ch)]
                files: dict[str, str] = {}
                if event == "revise":
                    revision[ch] += 1
                    trailers += [("Revision", str(revision[ch])), ("Stage", str(stage))]
                    files[f"chapters/{ch}.md"] = chapter_text(ch, revision[ch])
                yield (start + 25 * DAY + c * 60, f"{event} chapter {ch}, {rid}", trailers, files)


def fast_import(root: Path, commits: list[Commit]) -> None:
    tip = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", "main"], cwd=root, capture_output=True
    )
    parts = []
    for n, (when, subject, trailers, files) in enumerate(commits):
        message = (subject + "\n\n" + "".join(f"{k}: {v}\n" for k, v in trailers)).encode()
        who = f"{WHO} {when} +0000"
        out = [f"commit refs/heads/main\nauthor {who}\ncommitter {who}\n".encode()]
        out += [f"data {len(message)}\n".encode(), message]
        if n == 0 and tip.returncode == 0:  # go on from the branch as it is now
            out.append(f"from {tip.stdout.decode().strip()}\n".encode())
        for path, text in files.items():
            blob = text.encode()
            out += [f"M 100644 inline {path}\ndata {len(blob)}\n".encode(), blob, b"\n"]
        parts.append(b"".join(out) + b"\n")
    git = ["git", "-c", "core.hooksPath=/dev/null"]
    subprocess.run([*git, "fast-import", "--quiet"], cwd=root, input=b"".join(parts), check=True)
    subprocess.run([*git, "reset", "-q", "--hard", "main"], cwd=root, check=True)


def count(root: Path) -> int:
    out = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True)
    return int(out.stdout)


def timed(fn, repeat: int, pick) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """Return (wall, CPU, CPU of this process alone) seconds of ``fn`` over ``repeat`` runs,
    each ``pick``ed (min, median): CPU counts this process and the programs it ran (git,
    pandoc), so a shared, loaded machine shows less in it than in wall time."""
    walls, cpus, own = [], [], []
    for _ in range(repeat):
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        t, c = time.perf_counter(), time.process_time()
        fn()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(time.perf_counter() - t)
        own.append(time.process_time() - c)
        cpus.append(own[-1] + after.ru_utime - kids.ru_utime + after.ru_stime - kids.ru_stime)
    return pick(walls), pick(cpus), pick(own)


def best(fn, repeat: int = 3) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    return timed(fn, repeat, min)


def median(fn, repeat: int = 5) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    return timed(fn, repeat, statistics.median)


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def main() -> None:
    from drafts import chapters, layout
    from drafts.workspace import Workspace

    sizes = [int(a) for a in sys.argv[1:]] or [500, 2000, 10000]
    cli = str(Path(sys.executable).parent / "penholder")
    env = {**os.environ, "PENHOLDER_ENGINE": "off", "PENHOLDER_TODAY": "2030-09-20"}
    # as a user's installation runs: Python keeps the bytecode of what it compiled (this
    # machine's environment sets PYTHONDONTWRITEBYTECODE, which makes every run of the CLI
    # compile penholder's modules again, some 30-40 ms of CPU a run)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PENHOLDER_TODAY"] = env["PENHOLDER_TODAY"]
    results: dict[int, dict[str, tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="penholder-bench-history-") as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
        fast_import(root, first_commits())
        ws = Workspace(root)
        actor = ws.identity("drafter")
        chapters.new_chapter(ws, "01", "The chapter that changes", "Text 1.", actor)
        stream = rounds()
        cache = root / ".git" / layout.history_cache()
        edits = 1
        for size in sizes:
            t = time.perf_counter()
            missing = size - count(root)
            fast_import(root, [next(stream) for _ in range(max(0, missing))])
            grown = time.perf_counter() - t
            fold = best(lambda: Workspace(root).summary(), repeat=1)[0]  # meets the growth

            def full() -> None:
                cache.unlink()
                Workspace(root).summary()

            replay = best(full, repeat=1)[0]

            def change() -> None:
                nonlocal edits
                edits += 1
                text = chapter_text("01", edits).replace(TITLE, "The chapter that changes")
                chapters.commit_revision(Workspace(root), "01", text, actor)

            def run(*args: str) -> None:
                subprocess.run(
                    [cli, *args, "-w", str(root)], env=env, check=True, capture_output=True
                )

            got = {
                "state": median(change),
                "log": best(
                    lambda: subprocess.run(
                        ["git", "log", "--format=%H"], cwd=root, check=True, capture_output=True
                    )
                ),
                "status": best(lambda: run("status", "--json")),
                "chapter_log": best(lambda: run("chapter", "log", "03")),
            }
            results[size] = got
            log = got["log"]
            print(
                f"{count(root):6d} commits (grown in {grown:4.1f} s; then the first read {fold * 1000:.0f} ms, a full replay {replay * 1000:.0f} ms)"
            )
            for key, label in (
                ("log", "git log --format=%H"),
                ("state", "state change (in-process)"),
                ("status", "penholder status --json"),
                ("chapter_log", "penholder chapter log 03"),
            ):
                wall, cpu, own = got[key]
                print(
                    f"    {label:27s} wall {wall * 1000:7.1f} ms ({wall / log[0]:5.1f}x git log)   "
                    f"CPU {cpu * 1000:7.1f} ms ({cpu / log[1]:5.1f}x)"
                    + (f", of which Python {own * 1000:5.1f} ms" if key == "state" else ""),
                    flush=True,
                )
    small, large = results[sizes[0]], results[sizes[-1]]
    own = large["state"][2] / small["state"][2]
    print(f"(state change, Python's own CPU alone: {own:.2f}x; the rest is git and pandoc)")
    for i, kind in ((0, "wall"), (1, "CPU")):
        ratio = large["state"][i] / small["state"][i]
        print(
            f"{verdict(ratio <= 1.2)}: state change at {sizes[-1]} within 1.2x of {sizes[0]} ({kind}: {ratio:.2f}x)"
        )
        if 2000 in results:
            at = results[2000]
            times = at["status"][i] / at["log"][i]
            print(f"{verdict(times < 10)}: status under 10x git log at 2000 ({kind}: {times:.1f}x)")
            print(
                f"{verdict(at['status'][i] < 0.5)}: status under 0.5 s at 2000 ({kind}: {at['status'][i]:.3f} s)"
            )
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    store(results, sizes)


def store(results: dict[int, dict[str, tuple[float, float, float]]], sizes: list[int]) -> None:
    """Keep this run's table and aims for ``bench/report.py`` (``docs/performance.md``)."""
    from aims import STORE

    rows = [
        "| commits | git log (CPU) | state change wall / CPU (Python alone) "
        "| status wall / CPU | chapter log wall / CPU |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        got = results[size]
        ms = {k: (v[0] * 1000, v[1] * 1000, v[2] * 1000) for k, v in got.items()}
        rows.append(
            f"| {size:,} | {ms['log'][1]:.0f} ms | {ms['state'][0]:.0f} / {ms['state'][1]:.0f} ms "
            f"({ms['state'][2]:.0f} ms) | {got['status'][0]:.2f} s / {ms['status'][1]:.0f} ms "
            f"| {got['chapter_log'][0]:.2f} s / {ms['chapter_log'][1]:.0f} ms |"
        )
    small, large = results[sizes[0]], results[sizes[-1]]
    aims = []
    for i, kind in ((0, "wall"), (1, "CPU")):
        ratio = large["state"][i] / small["state"][i]
        aims.append(
            f"- state change at {sizes[-1]:,} within 1.2x of {sizes[0]:,} ({kind} time): "
            f"{ratio:.2f}x, **{verdict(ratio <= 1.2)}**"
        )
        if 2000 in results:
            at = results[2000]
            times = at["status"][i] / at["log"][i]
            aims.append(
                f"- status under 10x git log at 2,000 ({kind} time): {times:.1f}x, "
                f"**{verdict(times < 10)}**; under 0.5 s: {at['status'][i]:.3f} s, "
                f"**{verdict(at['status'][i] < 0.5)}**"
            )
    load = f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    STORE.mkdir(parents=True, exist_ok=True)
    text = f"One run ({load}):\n\n" + "\n".join(rows) + "\n\n" + "\n".join(aims) + "\n"
    (STORE / "history.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
