"""Refusals come before any flow starts: one sentence, exit 1, nothing changed, no Prefect.

The refused commands run with the engine on (no ``PENHOLDER_ENGINE=off``) in one child process
that reports, for each, its exit code, what it printed on stderr and whether Prefect was
imported by then: a refusal met before the flow never imports it. Timings are in
``bench/bench_server.py``, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drafts.core.errors import StageRefused
from drafts.core.rehearsal import rehearse
from drafts.workspace import Workspace
from tests.conftest import DRAFTER

CHILD = """
import contextlib, io, json, sys
from flows.cli import main
out = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    out.append({"code": code, "err": err.getvalue(), "prefect": "prefect" in sys.modules})
print(json.dumps(out))
"""


def _refused(ws: Workspace, tmp_path: Path) -> list[list[str]]:
    w = ["-w", str(ws.root)]
    folder = tmp_path / "a-folder"
    folder.mkdir()
    returned = tmp_path / "returned.docx"
    returned.write_bytes(b"not checked: the claim is refused first")
    return [
        ["chapter", "stage", "02", "--to", "signed_off", "--as", DRAFTER, *w],
        ["chapter", "stage", "02", "--to", "in_review", "--as", "nobody-here", *w],
        ["chapter", "commit", "05", "--as", DRAFTER, *w],  # unchanged
        ["chapter", "commit", "99", "--as", DRAFTER, *w],
        ["chapter", "new", "05", "--title", "Again", "--as", DRAFTER, *w],
        [
            "round",
            "open",
            "--chapters",
            "03",
            "--reviewers",
            "bureau",
            "--due",
            "2020-01-01",
            "--as",
            DRAFTER,
            *w,
        ],
        [
            "round",
            "open",
            "--chapters",
            "03",
            "--reviewers",
            "no-such-group",
            "--due",
            "2099-01-01",
            "--as",
            DRAFTER,
            *w,
        ],
        ["round", "close", "R7", "--as", DRAFTER, *w],
        ["round", "send", "R1", "--as", DRAFTER, *w],
        ["return", "add", str(returned), "--round", "R9", "--as", DRAFTER, *w],
        ["return", "add", str(returned), "--reviewer", "nobody-here", "--as", DRAFTER, *w],
        ["import", "05", str(folder), "--as", DRAFTER, *w],
        ["consolidate", "03", "--round", "R1", "--as", DRAFTER, *w],
        ["egm", "pack", "EGM9", "--as", DRAFTER, *w],
    ]


def test_each_refused_command_says_one_sentence_before_any_flow(
    example_ws: Workspace, tmp_path: Path
) -> None:
    commands = _refused(example_ws, tmp_path)
    head = example_ws.repo.head.commit.hexsha
    env = {k: v for k, v in os.environ.items() if k != "PENHOLDER_ENGINE"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(commands)],
        env=env, capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for argv, got in zip(commands, json.loads(done.stdout), strict=True):
        said = " ".join(argv[:2])
        assert got["code"] == 1, (said, got)
        assert got["err"].startswith("penholder: ") and got["err"].count("\n") == 1, (said, got)
        assert "Traceback" not in got["err"], said
        assert not got["prefect"], f"{said}: Prefect was imported before the refusal"
    assert Workspace(example_ws.root).repo.head.commit.hexsha == head
    assert example_ws.dirty_paths() == []


def test_a_rehearsal_stops_at_the_commit_and_writes_nothing(example_ws: Workspace) -> None:
    from drafts import chapters
    from drafts.models import Stage

    actor = example_ws.identity(DRAFTER)
    head = example_ws.repo.head.commit.hexsha
    assert rehearse(lambda: chapters.move_stage(example_ws, "01", Stage.READY_FOR_EGM, actor))
    with pytest.raises(StageRefused, match="cannot move from drafting to signed_off"):
        rehearse(lambda: chapters.move_stage(example_ws, "02", Stage.SIGNED_OFF, actor))
    assert Workspace(example_ws.root).repo.head.commit.hexsha == head
    assert Workspace(example_ws.root).state("01").stage == Stage.DRAFTING
