"""The README and the docs are tests: every ```sh block runs, in order, as a reader would type it.

``README.md``: every ```sh block outside "Set up" (``make test`` would run itself there, and
``tests/flows/test_demo.py`` runs the demo), in one bash process, from a stand-in for this checkout
whose ``.venv`` is the running venv, with ``HOME`` in a temporary folder (so
``~/guidelines/...`` is fresh) and no penholder on PATH until the README's own ``.
.venv/bin/activate``. Each ``docs/*.md`` with ```sh blocks runs the same way in its own fresh
home, with the venv's ``bin`` on PATH (the docs assume it).

Every command must exit 0, or N when its line ends with a comment saying ``# exits N``. Neither
the date nor who acts is set by the test: the README and each doc pin ``PENHOLDER_TODAY`` and
set ``PENHOLDER_AS`` themselves, as a reader must. Flows run as plain functions
(``PENHOLDER_ENGINE=off``) for speed; ``tests/flows/test_demo.py`` and ``tests/flows/test_engine.py`` run
them on Prefect's engine.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

README = ROOT / "README.md"
NOT_RUN = "Set up"  # the README section whose block is `make demo` and `make test`
MUST_RUN = ("workspace.md", "rounds.md", "returns.md", "matrix.md", "status.md")
EXITS = re.compile(r"#.*\bexits (\d+)\b")
FAILED = 101  # the exit code of a script stopped by a command that exited otherwise


@dataclass(frozen=True)
class Command:
    """One command line of a ```sh block: where it is, its text, the exit it must have."""

    where: str
    text: str
    exit: int


def sh_blocks(path: Path) -> list[tuple[str, int, list[str]]]:
    """Return (section, first line number, lines) of every ```sh block of ``path``, in order."""
    blocks: list[tuple[str, int, list[str]]] = []
    section, current = "", None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if current is not None:
            if line.strip() == "```":
                blocks.append((section, current[0], current[1]))
                current = None
            else:
                current[1].append(line)
        elif line.startswith("## "):
            section = line[3:].strip()
        elif line.strip() == "```sh":
            current = (number + 1, [])
    assert current is None, f"{path.name}: a ```sh block is never closed"
    return blocks


def commands(path: Path, blocks: list[tuple[str, int, list[str]]]) -> list[Command]:
    """Return the command lines of ``blocks`` (continuations joined, comment lines skipped)."""
    found: list[Command] = []
    for _, first, lines in blocks:
        pending, start = "", first
        for offset, line in enumerate(lines):
            if not pending:
                start = first + offset
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            text = pending + line
            pending = ""
            expect = EXITS.search(text)
            found.append(
                Command(f"{path.name}:{start}", text.strip(), int(expect[1]) if expect else 0)
            )
    return found


def script(cmds: list[Command]) -> str:
    """A bash script running ``cmds`` in one shell, stopping at the first unexpected exit."""
    out = []
    for c in cmds:
        said = shlex.quote(f"$ {c.text}")
        wrong = shlex.quote(f"{c.where}: `{c.text}` exited ")
        expected = shlex.quote(f", expected {c.exit}")
        out += [
            f"printf '%s\\n' {said}",
            c.text,
            "__rc=$?",
            f'if [ "$__rc" -ne {c.exit} ]; then',
            f'  printf "%s%s%s\\n" {wrong} "$__rc" {expected} >&2; exit {FAILED}',
            "fi",
        ]
    return "\n".join(out) + "\n"


def environment(tmp: Path, venv_on_path: bool) -> dict[str, str]:
    """The reader's environment: a fresh HOME, no penholder settings, the venv on PATH or not."""
    bin_dir = str(Path(sys.prefix) / "bin")
    path = [p for p in os.environ["PATH"].split(os.pathsep) if p and p != bin_dir]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PENHOLDER_") and k not in ("VIRTUAL_ENV", "PYTHONPATH")
    }
    env |= {
        "HOME": str(tmp / "home"),
        "PATH": os.pathsep.join([bin_dir, *path] if venv_on_path else path),
        "PREFECT_HOME": str(tmp / "prefect"),
        "PENHOLDER_ENGINE": "off",
    }
    (tmp / "home").mkdir()
    return env


def run(cmds: list[Command], tmp: Path, venv_on_path: bool) -> subprocess.CompletedProcess[str]:
    checkout = tmp / "checkout"  # stands in for this checkout: its .venv is the running venv
    checkout.mkdir(parents=True)
    (checkout / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    return subprocess.run(
        ["bash", "-c", script(cmds)],
        cwd=checkout,
        env=environment(tmp, venv_on_path),
        capture_output=True,
        text=True,
        timeout=900,
    )


def explain(done: subprocess.CompletedProcess[str]) -> str:
    return f"{done.stderr[-4000:]}\n--- last output:\n{done.stdout[-3000:]}"


def readme_commands() -> list[Command]:
    blocks = sh_blocks(README)
    skipped = [b for b in blocks if b[0].startswith(NOT_RUN)]
    assert [c.text.split("#")[0].strip() for c in commands(README, skipped)] == [
        "make demo",
        "make test",
    ], "the set-up block is not run: it may hold `make demo` and `make test` only"
    run_blocks = [b for b in blocks if not b[0].startswith(NOT_RUN)]
    assert any(b[0] == "Using it" for b in run_blocks), "README has no ```sh block in 'Using it'"
    return commands(README, run_blocks)


def test_the_readme_walkthrough_runs_as_written(tmp_path: Path) -> None:
    assert (Path(sys.prefix) / "bin" / "activate").is_file(), "run the tests from the venv"
    cmds = readme_commands()
    done = run(cmds, tmp_path, venv_on_path=False)
    assert done.returncode == 0, explain(done)
    assert done.stdout.count("\n$ ") + done.stdout.startswith("$ ") == len(cmds)
    root = tmp_path / "home" / "guidelines" / "smart-cities"
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    for mine in ("ch03.docx", "changes.docx", "edited.docx", "returned.docx"):
        assert (root / mine).is_file() and mine not in tracked  # kept, never committed
    assert (root / "out" / "03-r1.docx").is_file()


DOCS = sorted(p for p in (ROOT / "docs").glob("*.md") if sh_blocks(p))


def test_the_docs_that_must_run_have_sh_blocks() -> None:
    assert set(MUST_RUN) <= {p.name for p in DOCS}


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_a_docs_page_runs_as_written(doc: Path, tmp_path: Path) -> None:
    cmds = commands(doc, sh_blocks(doc))
    done = run(cmds, tmp_path, venv_on_path=True)
    assert done.returncode == 0, explain(done)


def test_a_command_that_exits_otherwise_fails_the_walkthrough(tmp_path: Path) -> None:
    """The harness itself can fail: a wrong exit code, either way, stops the script."""
    cmds = [
        Command("X.md:1", "true", 0),
        Command("X.md:2", "penholder status   # exits 1", 1),
        Command("X.md:3", "false", 0),
        Command("X.md:4", "echo never", 0),
    ]
    done = run(cmds, tmp_path, venv_on_path=True)
    assert done.returncode == FAILED
    assert done.stderr.endswith("X.md:3: `false` exited 1, expected 0\n")
    assert "never" not in done.stdout
    fine = run([Command("X.md:1", "false  # exits 1", 1)], tmp_path / "b", venv_on_path=True)
    assert fine.returncode == 0, explain(fine)


def test_commands_are_read_with_their_line_and_expected_exit(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "## A\n\n```sh\n# a comment\nmake x \\\n  --flag   # exits 2\n\necho y\n```\n"
        "```text\nnot run\n```\n"
    )
    cmds = commands(page, sh_blocks(page))
    assert cmds == [
        Command("page.md:5", "make x    --flag   # exits 2", 2),
        Command("page.md:8", "echo y", 0),
    ]
