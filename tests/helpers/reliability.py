"""Trials of many writers at once and of intake killed anywhere, for tests and tools/reliability.py.

``prepare(folder)`` builds, once, a workspace with round R1 of chapter 03 open for four reviewers
and four returns that each carry comments (so remark ids are minted), plus a 10 MB return for
the kill trials. ``concurrent_trial(...)`` copies it, starts ``return add`` processes at once (each
one return) and a ``consolidate`` of chapter 03 right after, waits for all, and checks: every
return recorded exactly once, no remark id twice, no traceback, ``git fsck`` clean, nothing
uncommitted. ``kill_trial(...)`` kills an intake at a random fault point (``PENHOLDER_FAULT=any:N``
or while git stores a file), runs it again and checks the same. Each returns a ``Trial``.
"""

from __future__ import annotations

import contextlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DRAFTER = "amina-odhiambo"
WHEN = datetime(2024, 3, 15, 9, 30)


@dataclass
class Setting:
    workspace: Path
    returns: list[Path]  # one per reviewer, each with comments
    big: Path  # a return padded to about 10 MB (a large media part)


@dataclass
class Trial:
    ok: bool
    seconds: float
    problems: list[str] = field(default_factory=list)
    peak_kb: int = 0


def env(**more: str) -> dict[str, str]:
    """The environment the child processes run in (the caller's, engine as the caller set it)."""
    out = {**os.environ, "PYTHONPATH": str(ROOT), **more}
    out.pop("PENHOLDER_FAULT", None)
    out.update(more)
    return out


def prepare(folder: Path) -> Setting:
    """Build the workspace and the returns (see the module docstring) under ``folder``."""
    from drafts import blockstore, chapters
    from drafts.ooxml.simulate import annotate
    from drafts.ooxml.simulate.records import Comment
    from drafts.word.revision import render_revision
    from drafts.workspace import Workspace
    from reviewers.rounds import lifecycle

    root = folder / "ws"
    files, chapter_files = chapters.example_files()
    chapters.create_workspace(root, files, chapter_files, DRAFTER)
    ws = Workspace.open(root)
    reviewers = [p for p in ws.people if "ewg" in p.groups][:4]
    rnd = lifecycle.open_round(
        ws, ["03"], [p.id for p in reviewers], date(2024, 3, 22), ws.identity(DRAFTER)
    )
    paragraphs = [b for b in blockstore.load(ws, "03", 1).blocks if b.kind == "paragraph"]
    returns = []
    for n, (item, person) in enumerate(zip(rnd.items, reviewers, strict=True)):
        packet = render_revision(
            ws, "03", item.revision, folder / f"packet-{n}.docx",
            round_id=rnd.id, reviewer=person, packet=item.packet,
        )  # fmt: skip
        edits = [
            Comment(
                paragraph=p.id,
                quote=p.text.split()[1],
                text=f"Remark {k} of {person.name}.",
                author=person.name,
                initials="X",
                date=WHEN,
            )
            for k, p in enumerate(paragraphs[n : n + 5])
        ]
        returns.append(annotate.apply(packet, edits, folder / f"back-{n}.docx"))
    big = folder / "big.docx"
    _pad(returns[0], big, 10 * 1024 * 1024)
    return Setting(root, returns, big)


def _pad(src: Path, out: Path, size: int) -> None:
    """Copy ``src`` with an incompressible media part of ``size`` bytes (still a valid return)."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("word/media/padding.bin", random.Random(7).randbytes(size))


def copy(setting: Setting, folder: Path) -> Path:
    """A fresh copy of the prepared workspace in ``folder``."""
    target = folder / f"ws-{time.monotonic_ns()}"
    shutil.copytree(setting.workspace, target, symlinks=True)
    return target


def cli(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", *args, "-w", str(root)]


def _children_peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def concurrent_trial(setting: Setting, folder: Path, writers: int, timeout: float = 600) -> Trial:
    """``writers`` ``return add`` at once plus a ``consolidate``; check what they left."""
    root = copy(setting, folder)
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            cli(root, "return", "add", str(path), "--as", DRAFTER),
            cwd=ROOT,
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in setting.returns[:writers]
    ]
    time.sleep(0.2)
    procs.append(
        subprocess.Popen(
            cli(root, "consolidate", "03", "--round", "R1", "--as", DRAFTER),
            cwd=ROOT,
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    )
    problems = []
    for p in procs:
        out, err = p.communicate(timeout=timeout)
        if "Traceback" in err or "Traceback" in out:
            problems.append(f"traceback: {err[-400:]}")
        if p.returncode != 0 and p is not procs[-1]:
            problems.append(f"`return add` exited {p.returncode}: {err.strip()[-300:]}")
        if p is procs[-1] and p.returncode != 0 and "penholder:" not in err:
            problems.append(f"consolidate exited {p.returncode}: {err.strip()[-300:]}")
    seconds = time.monotonic() - started
    problems += check(root, len(setting.returns[:writers]))
    return Trial(not problems, seconds, problems, _children_peak_kb())


def check(root: Path, returns: int) -> list[str]:
    """What is wrong with the workspace after the trial (nothing: an empty list)."""
    from drafts.workspace import Workspace
    from reviewers.intake.remarks import load_all

    ws = Workspace.open(root)
    problems = []
    recorded = [c.value("Return-File") for c in ws.history() if c.value("Event") == "return"]
    if sorted(set(recorded)) != sorted(recorded) or len(recorded) != returns:
        problems.append(f"{len(recorded)} returns recorded ({len(set(recorded))} distinct)")
    ids = [r.id for s in load_all(ws) for r in s.remarks]
    if len(ids) != len(set(ids)):
        problems.append(f"duplicate remark ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    fsck = subprocess.run(["git", "fsck", "--strict"], cwd=root, capture_output=True, text=True)
    if fsck.returncode != 0:
        problems.append(f"git fsck: {fsck.stdout}{fsck.stderr}")
    if ws.dirty_paths():
        problems.append(f"uncommitted: {ws.dirty_paths()}")
    if (root / ".git" / "index.lock").exists():
        problems.append("index.lock left behind")
    return problems


def kill_trial(setting: Setting, folder: Path, rng: random.Random, big: bool = False) -> Trial:
    """Kill an intake of two returns at a random point, run it again, check nothing is lost.

    ``big``: the first return is the 10 MB one, killed with SIGKILL while git stores it."""
    root = copy(setting, folder)
    files = [str(setting.big if big else setting.returns[0]), str(setting.returns[1])]
    started = time.monotonic()
    problems = []
    args = cli(root, "return", "add", *files, "--as", DRAFTER)
    if big:
        proc = subprocess.Popen(args, cwd=ROOT, env=env(), stderr=subprocess.PIPE, text=True)
        _kill_when_git_stores(proc, rng)
    else:
        point = rng.randint(1, 9)
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env(PENHOLDER_FAULT=f"any:{point}"), stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
    _, err = proc.communicate(timeout=600)
    if "Traceback" in err:
        problems.append(f"traceback when killed: {err[-400:]}")
    again = subprocess.run(args, cwd=ROOT, env=env(), capture_output=True, text=True)
    if again.returncode != 0 or "Traceback" in again.stderr:
        problems.append(f"re-run exited {again.returncode}: {again.stderr.strip()[-400:]}")
    seconds = time.monotonic() - started
    problems += check(root, 2)
    return Trial(not problems, seconds, problems, _children_peak_kb())


def _kill_when_git_stores(proc: subprocess.Popen[str], rng: random.Random) -> None:
    """SIGKILL ``proc`` while a ``git`` child of it runs (else after a random short delay)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        kids = subprocess.run(
            ["pgrep", "-P", str(proc.pid), "-x", "git"], capture_output=True, text=True
        ).stdout.split()
        if kids:
            time.sleep(rng.uniform(0, 0.05))
            for kid in kids:
                _kill(int(kid))
            break
        time.sleep(0.005)
    _kill(proc.pid)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
