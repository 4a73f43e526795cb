"""Benchmark: ``penholder status`` and the status page on a long synthetic history.

Run ``python bench/bench_status.py [CHAPTERS ROUNDS REVIEWERS]`` (default 12 4 31: about 2,000
commits). The workspace is written in one ``git fast-import`` stream (seconds, not the minutes
2,000 ``Workspace.commit`` calls take): rounds R1..R(n-1) returned by everyone, closed,
consolidated (20 rows a chapter, 2 in conflict) and answered (the last of them only half), the
last round open with two thirds of the returns in. Then, in the same run:

- baseline: ``git log --format=%H | wc -l`` on the repository;
- ``penholder status --json`` as a user runs it (a fresh interpreter), best of 3;
- the page: ``GET /`` through FastAPI's TestClient, cold (first) and warm (second).

Aims: status under 1 s and under 10x the git log; the page under 0.5 s warm. Prints MET or
MISSED for each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PENHOLDER_TODAY", "2024-09-20")

import yaml  # noqa: E402

from reviewers.models import PACKET_ALPHABET  # noqa: E402

T0 = 1_704_067_200  # 2024-01-01T00:00Z
DAY = 86_400
ROWS = 20


class Stream:
    """A ``git fast-import`` stream of commits on refs/heads/main."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.count = 0

    def commit(self, when: int, subject: str, trailers: list[tuple[str, str]], files: dict) -> None:  # type: ignore[type-arg]
        self.count += 1
        message = subject + "\n\n" + "\n".join(f"{k}: {v}" for k, v in trailers) + "\n"
        who = f"Bench Drafter <drafter@example.org> {when} +0000"
        head = f"commit refs/heads/main\nauthor {who}\ncommitter {who}\n"
        data = message.encode()
        out = [head.encode(), f"data {len(data)}\n".encode(), data]
        for path, content in files.items():
            blob = content if isinstance(content, bytes) else content.encode()
            out += [f"M 100644 inline {path}\ndata {len(blob)}\n".encode(), blob, b"\n"]
        self.parts.append(b"".join(out) + b"\n")

    def write(self, root: Path) -> None:
        subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
        subprocess.run(
            ["git", "fast-import", "--quiet"], cwd=root, input=b"".join(self.parts), check=True
        )
        subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=root, check=True)


def code(*numbers: int) -> str:
    n = sum(v * 97**i for i, v in enumerate(numbers))
    return "".join(PACKET_ALPHABET[(n // 32**i) % 32] for i in range(4))


def dump(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def build(root: Path, n_chapters: int, n_rounds: int, n_reviewers: int) -> int:
    s = Stream()
    chapters = [f"{i + 1:02d}" for i in range(n_chapters)]
    people = [
        {"id": f"expert-{i:02d}", "name": f"Expert {i:02d}", "email": f"e{i}@example.org"}
        for i in range(n_reviewers)
    ]
    people.insert(0, {"id": "drafter", "name": "Bench Drafter", "email": "drafter@example.org"})
    for p in people[1:]:
        p["groups"] = ["ewg"]
    egm_day = "2024-10-08"
    files = {
        ".gitignore": "inbox/\noutbox/\nout/\n",
        "guideline.yaml": dump({"title": "Synthetic guideline", "organisation": "Bench"}),
        "people.yaml": dump({"people": people}),
        "egms.yaml": dump(
            {"egms": [{"id": "EGM1", "name": "EGM", "start": egm_day, "agenda": chapters}]}
        ),
    }
    s.commit(T0, "Create the guideline workspace", [("Event", "init")], files)
    for ch in chapters:
        text = f'---\nid: "{ch}"\ntitle: "Chapter {ch} of a synthetic guideline on long histories"\n---\n\n# Chapter {ch}\n\nText.\n'
        trailers = [("Event", "chapter-new"), ("Chapter", ch), ("Revision", "1")]
        s.commit(
            T0 + 60,
            f"Add chapter {ch}",
            [*trailers, ("Stage", "drafting")],
            {f"chapters/{ch}.md": text},
        )
    revision = dict.fromkeys(chapters, 1)
    for k in range(1, n_rounds + 1):
        rid, start = f"R{k}", T0 + (k - 1) * 40 * DAY + DAY
        last = k == n_rounds
        items = [
            {
                "reviewer": p["id"],
                "chapter": ch,
                "revision": revision[ch],
                "packet": f"{rid}-{ch}-{code(k, c, r)}",
            }
            for c, ch in enumerate(chapters)
            for r, p in enumerate(people[1:])
        ]
        rnd = {
            "id": rid,
            "opened": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start)),
            "opened_by": "Bench Drafter",
            "due": time.strftime("%Y-%m-%d", time.gmtime(start + 20 * DAY)),
            "chapters": [{"chapter": ch, "revision": revision[ch]} for ch in chapters],
            "reviewers": [p["id"] for p in people[1:]],
            "items": items,
        }
        opened = [("Event", "round-open"), ("Round", rid), *[("Chapter", c) for c in chapters]]
        s.commit(
            start,
            f"Open round {rid}",
            [*opened, ("Stage", "in_review")],
            {f"rounds/{rid}/round.yaml": dump(rnd)},
        )
        for i, item in enumerate(items):
            if last and i % 3 == 2:
                continue
            ch, who = item["chapter"], item["reviewer"]
            sha = f"{k:04d}{i:060d}"
            remarks = {
                "round": rid,
                "chapter": ch,
                "reviewer": who,
                "revision": item["revision"],
                "packet": item["packet"],
                "sha256": sha,
                "file": f"returns/{sha}.docx",
                "remarks": [],
            }
            trailers = [
                ("Event", "return"),
                ("Round", rid),
                ("Chapter", ch),
                ("Reviewer", who),
                ("Packet", item["packet"]),
                ("Remarks", "1"),
            ]
            s.commit(
                start + DAY + i * 60,
                f"Return of {item['packet']}",
                trailers,
                {f"remarks/{rid}/{ch}/{sha[:12]}.json": json.dumps(remarks)},
            )
        if last:
            break
        rnd["closed"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start + 21 * DAY))
        rnd["closed_by"] = "Bench Drafter"
        closed = [("Event", "round-close"), ("Round", rid), *[("Chapter", c) for c in chapters]]
        s.commit(
            start + 21 * DAY,
            f"Close round {rid}",
            [*closed, ("Stage", "consolidating")],
            {f"rounds/{rid}/round.yaml": dump(rnd)},
        )
        for c, ch in enumerate(chapters):
            rows = [
                {
                    "id": f"{rid}-{ch}-{n:03d}",
                    "remarks": [f"{rid}-{ch}-{n:03d}"],
                    "supporters": [
                        {
                            "reviewer": people[1 + n % n_reviewers]["id"],
                            "name": "E",
                            "remark": f"{rid}-{ch}-{n:03d}",
                        }
                    ],
                    "chapter": ch,
                    "round": rid,
                    "kind": "comment",
                    "flags": ["conflict"] if n <= 2 else [],
                }
                for n in range(1, ROWS + 1)
            ]
            matrix = {
                "guideline": "Synthetic",
                "chapter": ch,
                "chapter_title": "Chapter",
                "round": rid,
                "revision": revision[ch],
                "rows": rows,
            }
            s.commit(
                start + 22 * DAY + c * 60,
                f"Consolidate chapter {ch}, round {rid}",
                [("Event", "consolidate"), ("Round", rid), ("Chapter", ch)],
                {f"consolidated/{rid}/{ch}/matrix.json": json.dumps(matrix)},
            )
            answered = rows if k < n_rounds - 1 else rows[: ROWS // 2]
            log = {
                "round": rid,
                "chapter": ch,
                "records": [
                    {
                        "row": r["id"],
                        "disposition": "noted",
                        "by": "Bench Drafter",
                        "at": time.strftime(
                            "%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start + 25 * DAY)
                        ),
                        "source": "cli",
                    }
                    for r in answered
                ],
            }
            s.commit(
                start + 25 * DAY + c * 60,
                f"Answer rows of chapter {ch}, round {rid}",
                [("Event", "dispose"), ("Round", rid), ("Chapter", ch)],
                {f"dispositions/{rid}/{ch}.json": json.dumps(log)},
            )
            revision[ch] += 1
            s.commit(
                start + 26 * DAY + c * 60,
                f"Chapter {ch}: revise from round {rid}",
                [
                    ("Event", "revise"),
                    ("Chapter", ch),
                    ("Revision", str(revision[ch])),
                    ("Stage", "revising"),
                ],
                {
                    f"chapters/{ch}.md": f'---\nid: "{ch}"\ntitle: "Chapter {ch} of a synthetic guideline on long histories"\n---\n\n# Chapter {ch}\n\nText {revision[ch]}.\n'
                },
            )
    s.write(root)
    return s.count


def timed(fn, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:4]] or [12, 4, 31]
    n_chapters, n_rounds, n_reviewers = (sizes + [12, 4, 31][len(sizes) :])[:3]
    with tempfile.TemporaryDirectory(prefix="penholder-bench-status-") as tmp:
        root = Path(tmp) / "ws"
        t = time.perf_counter()
        commits = build(root, n_chapters, n_rounds, n_reviewers)
        print(
            f"setup: {n_chapters} chapters x {n_rounds} rounds x {n_reviewers} reviewers, "
            f"{commits} commits, written in {time.perf_counter() - t:.1f} s"
        )
        log = timed(
            lambda: subprocess.run(
                "git log --format=%H | wc -l", shell=True, cwd=root, check=True, capture_output=True
            ),
            repeat=3,
        )
        cli = [str(Path(sys.executable).parent / "penholder"), "status", "--json", "-w", str(root)]
        env = {**os.environ, "PENHOLDER_ENGINE": "off"}
        out = subprocess.run(cli, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        data = json.loads(out.stdout)
        status = timed(
            lambda: subprocess.run(cli, cwd=ROOT, env=env, check=True, capture_output=True),
            repeat=3,
        )
        from drafts.workspace import Workspace
        from reviewers.status import build_status

        builder = timed(lambda: build_status(Workspace(root)), repeat=3)
        from fastapi.testclient import TestClient

        from flows.web.app import create_app

        client = TestClient(create_app(root))
        cold = timed(lambda: client.get("/").raise_for_status())
        warm = timed(lambda: client.get("/").raise_for_status(), repeat=3)
        ready = f"{data['ready']} of {len(data['agenda'])} ready"
        print(f"git log | wc -l      : {log:6.3f} s")
        print(f"status --json (CLI)  : {status:6.3f} s  ({status / log:.1f}x git log; {ready})")
        print(f"build_status alone   : {builder:6.3f} s")
        print(f"page GET / cold      : {cold:6.3f} s")
        print(f"page GET / warm      : {warm:6.3f} s")
        print(f"{verdict(status < 1.0)}: status under 1 s")
        print(f"{verdict(status < 10 * log)}: status under 10x git log")
        print(f"{verdict(warm < 0.5)}: page under 0.5 s warm")


if __name__ == "__main__":
    main()
