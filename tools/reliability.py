"""Run the writers' trials at scale and write docs/reliability.md with what they measured.

    .venv/bin/python tools/reliability.py [--n 50] [--engine-on 3] [--until HH:MM]
                                          [--out docs/reliability.md]

Trials (tests/helpers/reliability.py, the same ones ``make test`` runs 20 of): two and four
``return add`` at once plus a ``consolidate`` (engine off, and ``--engine-on`` trials with the
embedded Prefect engine), and intake killed with SIGKILL at a random point (one in ten while git
stores a 10 MB return) then run again; then the engine-on trials, the refusals of oversize and
special files, and the memory of ``penholder read`` and ``return add`` on the largest file the
default limits admit (``tests/helpers/bigdocx.py``). For each kind: trials, failures, worst time
and peak memory. The concurrent and kill trials run first, in turns (a 2-writer, a 4-writer, a
kill trial, again) until N each or, with ``--until`` (UTC), until that time (the rest takes some
5 more minutes): the page then says the N reached. The page says N and the machine; it is
regenerated, never edited by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drafts.core.limits import Limits  # noqa: E402
from tests.helpers import bigdocx, reliability  # noqa: E402


def _row(kind: str, trials: list[reliability.Trial]) -> str:
    failures = sum(not t.ok for t in trials)
    worst = max((t.seconds for t in trials), default=0.0)
    peak = max((t.peak_kb for t in trials), default=0) / 1024
    return f"| {kind} | {len(trials)} | {failures} | {worst:.1f} s | {peak:.0f} MB |"


def _refusals(setting: reliability.Setting, folder: Path) -> list[tuple[str, reliability.Trial]]:
    """An oversize file (limit lowered to 1 MB, the 10 MB return) and special files."""
    out = []
    root = reliability.copy(setting, folder)
    fifo = folder / "pipe.docx"
    if not fifo.exists():
        os.mkfifo(fifo)
    cases = [
        ("oversize file (10 MB, limit 1 MB)", str(setting.big), {"PENHOLDER_MAX_FILE_MB": "1"}),
        ("FIFO", str(fifo), {}),
        ("/dev/zero", "/dev/zero", {}),
        ("/proc/self/mem", "/proc/self/mem", {}),
    ]
    for label, target, extra in cases:
        started = time.monotonic()
        done = subprocess.run(
            reliability.cli(root, "return", "add", target, "--as", reliability.DRAFTER),
            cwd=ROOT, env=reliability.env(**extra), capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        problems = []
        if done.returncode != 1 or "Traceback" in done.stderr:
            problems.append(f"{label}: exit {done.returncode} {done.stderr[-300:]}")
        trial = reliability.Trial(not problems, time.monotonic() - started, problems)
        trial.peak_kb = reliability._children_peak_kb()
        out.append((label, trial))
    held = list((root / "quarantine" / "oversize").glob("*.docx"))
    if len(held) != 1:
        out.append(("oversize held aside", reliability.Trial(False, 0.0, ["not held"])))
    return out


def _largest(setting: reliability.Setting, folder: Path) -> list[tuple[str, reliability.Trial]]:
    """``penholder read`` and ``return add`` of the largest file the default limits admit, each
    child's own peak resident size (``wait4``)."""
    big = folder / "largest-admitted.docx"
    limits = Limits()
    nodes, xml = bigdocx.largest_admitted(big, limits)
    what = f"{nodes:,} XML nodes, {xml / 2**20:.0f} MB of XML, {big.stat().st_size / 2**20:.0f} MB"
    root = reliability.copy(setting, folder)
    out = []
    commands = [
        ("read", reliability.cli(root, "read", str(big))[:-2]),
        (
            "return add",
            reliability.cli(root, "return", "add", str(big), "--as", reliability.DRAFTER),
        ),
    ]
    for label, command in commands:
        started = time.monotonic()
        proc = subprocess.Popen(
            command, cwd=ROOT, env=reliability.env(), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        said = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        problems = [] if "Traceback" not in err else [f"{label} of the largest file: {err[-300:]}"]
        expected = "0 comments" if label == "read" else bigdocx.UNKNOWN_PACKET
        if code not in (0, 1) or expected not in said + err:
            problems.append(f"{label} of the largest file: exit {code} {said[-200:]} {err[-200:]}")
        trial = reliability.Trial(not problems, time.monotonic() - started, problems)
        trial.peak_kb = usage.ru_maxrss
        out.append((f"largest file the default limits admit ({what}): `{label}`", trial))
    return out


def _deadline(until: str | None) -> float:
    """``time.monotonic()`` at ``until`` (HH:MM, UTC, today), or infinity."""
    if not until:
        return float("inf")
    now = datetime.now(UTC)
    hour, minute = (int(x) for x in until.split(":"))
    at = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return time.monotonic() + (at - now).total_seconds()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="trials of each kind (engine off)")
    parser.add_argument("--engine-on", type=int, default=3, help="trials with the engine on")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reliability.md")
    parser.add_argument("--until", help="UTC time (HH:MM) after which no trial is started")
    args = parser.parse_args()
    os.environ.setdefault("PENHOLDER_TODAY", "2024-03-04")
    os.environ["PENHOLDER_ENGINE"] = "off"
    started = time.monotonic()
    deadline = _deadline(args.until)
    rng = random.Random(19)
    rows: list[str] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="penholder-reliability-") as tmp:
        folder = Path(tmp)
        os.environ["PREFECT_HOME"] = str(folder / "prefect")
        setting = reliability.prepare(folder)
        two: list[reliability.Trial] = []
        four: list[reliability.Trial] = []
        kills: list[reliability.Trial] = []
        for n in range(args.n):
            if time.monotonic() > deadline:
                break
            two.append(reliability.concurrent_trial(setting, folder, 2))
            four.append(reliability.concurrent_trial(setting, folder, 4))
            kills.append(reliability.kill_trial(setting, folder, rng, big=n % 10 == 0))
            print(f"round {n + 1}: {sum(not t.ok for t in two + four + kills)} failed", flush=True)
        kinds: list[tuple[str, list[reliability.Trial]]] = [
            ("2 `return add` at once + `consolidate`, engine off", two),
            ("4 `return add` at once + `consolidate`, engine off", four),
            ("SIGKILL during intake, then a re-run (1 in 10 while git stores 10 MB)", kills),
        ]
        if args.engine_on:
            os.environ["PENHOLDER_ENGINE"] = "on"
            on = [reliability.concurrent_trial(setting, folder, 2) for _ in range(args.engine_on)]
            os.environ["PENHOLDER_ENGINE"] = "off"
            kinds.append(("2 `return add` at once + `consolidate`, engine on", on))
            _progress(kinds[-1])
        for label, trial in [*_refusals(setting, folder), *_largest(setting, folder)]:
            kinds.append((f"refused: {label}" if "largest" not in label else label, [trial]))
            _progress(kinds[-1])
        args.reached = len(kills)
        for kind, trials in kinds:
            rows.append(_row(kind, trials))
            problems += [p for t in trials for p in t.problems]
    _write(args, rows, problems, time.monotonic() - started)
    print(f"wrote {args.out}: {len(problems)} problems")
    return 1 if problems else 0


def _progress(kind: tuple[str, list[reliability.Trial]]) -> None:
    name, trials = kind
    print(f"{name}: {sum(not t.ok for t in trials)} of {len(trials)} failed", flush=True)


def _write(args: argparse.Namespace, rows: list[str], problems: list[str], took: float) -> None:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Reliability: concurrent writers, killed intakes, refused files",
        "",
        "Generated by `tools/reliability.py` (do not edit by hand; run it again). The trials are",
        "those of `tests/flows/test_writers.py` (`tests/helpers/reliability.py`), run more often.",
        "Each concurrent trial checks: every return recorded exactly once, no remark id twice, no",
        "traceback, `git fsck --strict` clean, nothing uncommitted, no `index.lock` left. A kill",
        "trial kills `return add` of two returns (SIGKILL at a random fault point, or at a `git`",
        "child while it stores the 10 MB return), runs it again and checks the same.",
        "",
        f"Run {when} on {platform.machine()}, {os.cpu_count()} cores, Python",
        f"{platform.python_version()}, N = {args.reached} per engine-off kind"
        + (
            f" (of {args.n} asked: the run was stopped at {args.until} UTC)"
            if args.reached < args.n
            else ""
        )
        + f", {args.engine_on} with the",
        f"engine on; the whole run took {took / 60:.0f} min. Times are wall-clock on a shared",
        "machine (other work was running); peak memory is the largest resident size of any child",
        "process up to that point (a `return add` or `consolidate`, including its LibreOffice-free",
        "reading), not a sum; for the largest file, that of the one command (`wait4`). The",
        "largest file is the heaviest the default limits let through (`limits:` in",
        "docs/returns.md); `return add` reads it whole, then refuses it by its unknown packet id.",
        "",
        "| trial | trials | failures | worst time | peak memory |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]
    if problems:
        lines += ["## Failures", "", *[f"- {p[:300]}" for p in problems], ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
