"""Benchmark: a state-changing command embedded, engine off and against a running server; a refusal.

Run ``python bench/bench_server.py [REPEATS]`` (default 3). In a fresh example workspace and a
temporary ``PREFECT_HOME``, each as a user runs it (a fresh interpreter), best of REPEATS:

- ``chapter commit`` (an edited chapter recorded) with ``PENHOLDER_ENGINE=off``, on Prefect's
  embedded temporary server (the default), and against ``penholder server up`` (no export: the
  CLI finds the server through ``$PREFECT_HOME/penholder-server.json``);
- a refusal (``chapter stage 02 --to signed_off``) with the engine on.

Aims (issue 17): with a server within 1.3x of engine-off; a refusal under 0.5 s. Prints MET or
MISSED for each, and the ratios. ``server up`` and ``server down`` are timed once, for the record.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DRAFTER = "nadia-haddad"


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

    print(f"chapter commit, engine off:      {t_off:6.2f} s")
    print(f"chapter commit, embedded engine: {t_embedded:6.2f} s  ({t_embedded / t_off:.1f}x off)")
    print(f"chapter commit, running server:  {t_server:6.2f} s  ({t_server / t_off:.1f}x off)")
    print(f"a refusal, engine on:            {refusal:6.2f} s")
    print(f"server up (1 worker): {t_up:.1f} s; server down: {t_down:.1f} s")
    print(f"{verdict(t_server <= 1.3 * t_off)}: with a server within 1.3x of engine-off")
    print(f"{verdict(refusal < 0.5)}: a refusal under 0.5 s")


if __name__ == "__main__":
    main()
