"""Benchmark: a state-changing command embedded, engine off and against a running server; a refusal.

Run ``python bench/bench_server.py [REPEATS]`` (default 3). In a fresh example workspace and a
temporary ``PREFECT_HOME``, each as a user runs it (a fresh interpreter), best of REPEATS:

- ``chapter commit`` (an edited chapter recorded) with ``PENHOLDER_ENGINE=off``, on Prefect's
  embedded temporary server (the default), and against ``penholder server up`` (no export: the
  CLI finds the server through ``$PREFECT_HOME/penholder-server.json``);
- a refusal (``chapter stage 02 --to signed_off``) with the engine on;
- ingestion throughput through the workers: ``RETURNS`` commented returns, one ``add-returns``
  deployment run each, submitted at once to a server with 1 worker, then to one with 2 workers,
  on a workspace shared through a bare ``origin`` (each run fetches, commits and pushes); returns
  per minute from the first submission to the last run's end.

Aims (issue 17): with a server within 1.3x of engine-off; a refusal under 0.5 s; 2 workers take
in at least 1.2x the returns per minute of 1 (on a 2-core machine). Prints MET or MISSED for
each, and the ratios; the first and the last are rows of issue 18's table (``bench/aims.py``). ``server up`` and ``server down`` are timed once, for the record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from aims import aim

DRAFTER = "nadia-haddad"
RETURNS = 8  # per measure: 4 experts on 2 chapters


def penholder(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], env=env, capture_output=True, text=True
    )
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"penholder {' '.join(args)} failed: {done.stderr}")
    return took


def commit(env: dict[str, str], ws: Path, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        path = ws / "chapters" / "05.md"
        path.write_text(path.read_text() + f"\nA line written at {time.time()}.\n")
        best = min(best, penholder(env, "chapter", "commit", "05", "--as", DRAFTER, "-w", str(ws)))
    return best


def shared_workspace(off: dict[str, str], folder: Path) -> tuple[Path, list[Path]]:
    """A fresh example workspace with an ``origin``, round R1 open and RETURNS returns."""
    from drafts import blockstore
    from drafts.ooxml.simulate import annotate
    from drafts.ooxml.simulate.records import Comment
    from drafts.word.revision import render_revision
    from drafts.workspace import Workspace
    from reviewers.rounds import lifecycle as rounds

    ws_root = folder / "ws"
    penholder(off, "init", str(ws_root), "--example", "--as", DRAFTER)
    subprocess.run(["git", "clone", "-q", "--bare", str(ws_root), str(folder / "origin.git")],
                   check=True)  # fmt: skip
    subprocess.run(["git", "-C", str(ws_root), "remote", "add", "origin",
                    str(folder / "origin.git")], check=True)  # fmt: skip
    subprocess.run(["git", "-C", str(ws_root), "fetch", "-q", "origin"], check=True)
    ws = Workspace(ws_root)
    people = [p for p in ws.people if "ewg" in p.groups][: RETURNS // 2]
    due = ws.now().date() + timedelta(days=14)
    rnd = rounds.open_round(ws, ["03", "04"], [p.id for p in people], due, ws.identity(DRAFTER))
    subprocess.run(["git", "-C", str(ws_root), "push", "-q", "origin", "main"], check=True)
    backs = []
    for n, item in enumerate(rnd.items):
        para = [b for b in blockstore.load(ws, item.chapter, item.revision).blocks
                if b.kind == "paragraph"][1 + n % 3]  # fmt: skip
        person = ws.person(item.reviewer)
        packet = render_revision(ws, item.chapter, item.revision, folder / f"{n}.docx",
                                 round_id="R1", reviewer=person, packet=item.packet)  # fmt: skip
        note = Comment(paragraph=para.id, quote=para.text.split()[2], text=f"Remark {n}.",
                       author=person.name, date=ws.now().replace(tzinfo=None))  # fmt: skip
        backs.append(annotate.apply(packet, [note], folder / f"back-{n}.docx"))
    return ws_root, backs


def throughput(base: dict[str, str], off: dict[str, str], folder: Path, workers: int) -> float:
    """Returns per minute taken in by ``workers`` workers (see module doc)."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    ws, backs = shared_workspace(off, folder)
    env = {**base, "PREFECT_HOME": str(folder / "prefect"), "PREFECT_WORKER_QUERY_SECONDS": "2"}
    penholder(env, "server", "up", "--port", "0", "--workers", str(workers))
    try:
        url = json.loads((folder / "prefect" / "penholder-server.json").read_text())["url"]
        with temporary_settings({PREFECT_API_URL: url}):
            start = time.perf_counter()
            runs = [
                run_deployment("add-returns/add-returns", timeout=0, parameters={
                    "workspace": str(ws), "files": [str(f)], "who": DRAFTER}).id
                for f in backs
            ]  # fmt: skip
            with get_client(sync_client=True) as client:
                while True:
                    states = [client.read_flow_run(r).state for r in runs]
                    if all(s is not None and s.is_final() for s in states):
                        break
                    time.sleep(0.5)
            took = time.perf_counter() - start
        failed = [s.message for s in states if s is not None and not s.is_completed()]
        if failed:
            raise SystemExit(f"{len(failed)} ingestion runs failed: {failed[0]}")
    finally:
        penholder(env, "server", "down")
    return len(backs) / took * 60


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        base = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL",)}
        base.pop("PENHOLDER_ENGINE", None)
        base["PREFECT_HOME"] = str(Path(tmp) / "prefect")
        base["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
        off = {**base, "PENHOLDER_ENGINE": "off"}
        ws = Path(tmp) / "ws"
        penholder(off, "init", str(ws), "--example", "--as", DRAFTER)

        t_off = commit(off, ws, repeats)
        t_embedded = commit(base, ws, repeats)
        refusal = min(
            penholder(base, "chapter", "stage", "02", "--to", "signed_off", "--as", DRAFTER,
                      "-w", str(ws))
            for _ in range(repeats)
        )  # fmt: skip
        start = time.perf_counter()
        penholder(base, "server", "up", "--port", "0", "--workers", "1")
        t_up = time.perf_counter() - start
        try:
            t_server = commit(base, ws, repeats)
        finally:
            start = time.perf_counter()
            penholder(base, "server", "down")
            t_down = time.perf_counter() - start
        per_minute = {n: throughput(base, off, Path(tmp) / f"w{n}", n) for n in (1, 2)}

    print(f"chapter commit, engine off:      {t_off:6.2f} s")
    print(f"chapter commit, embedded engine: {t_embedded:6.2f} s  ({t_embedded / t_off:.1f}x off)")
    print(f"chapter commit, running server:  {t_server:6.2f} s  ({t_server / t_off:.1f}x off)")
    print(f"a refusal, engine on:            {refusal:6.2f} s")
    print(f"server up (1 worker): {t_up:.1f} s; server down: {t_down:.1f} s")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    aim(
        "server",
        "chapter commit against a running server",
        "the same command, engine off",
        t_server / t_off,
        f"{t_server:.2f} s against {t_off:.2f} s (wall time, best of {repeats}; the embedded "
        f"engine {t_embedded:.2f} s, no aim; a refusal {refusal:.2f} s, aim under 0.5 s: "
        f"{verdict(refusal < 0.5)}; load average {load})",
    )
    print(f"{verdict(refusal < 0.5)}: a refusal under 0.5 s")
    for n, rate in per_minute.items():
        print(
            f"ingestion through {n} worker(s): {rate:5.1f} returns per minute ({RETURNS} returns)"
        )
    ratio = per_minute[2] / per_minute[1]
    aim(
        "workers",
        f"{RETURNS} returns through 2 workers",
        "the same through 1 worker (returns per minute)",
        ratio,
        f"{per_minute[2]:.1f} against {per_minute[1]:.1f} returns per minute on "
        f"{os.cpu_count()} cores (load average {load})",
    )


if __name__ == "__main__":
    main()
