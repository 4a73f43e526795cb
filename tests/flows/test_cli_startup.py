"""A command run from the shell builds itself alone: it imports its own module and what it uses,
never the other commands' modules nor the engine; help and a mistyped command see every command."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

from drafts.workspace import Workspace
from flows.cli import COMMANDS, invoked, main


def _modules_after(*args: str) -> tuple[int, list[str], str]:
    code = (
        "import json, sys; from flows.cli import main; "
        f"rc = main({list(args)!r}); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('flows', 'prefect')))), "
        "file=sys.stderr); sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return done.returncode, json.loads(done.stderr.strip().splitlines()[-1]), done.stdout


def test_status_imports_no_other_command_nor_the_engine(example_ws: Workspace) -> None:
    code, modules, out = _modules_after("-w", str(example_ws.root), "status", "--json")
    assert code == 0 and json.loads(out)["chapters"]
    assert "flows.cli.status" in modules
    others = {where.partition(":")[0] for where, _ in COMMANDS.values()} - {"flows.cli.status"}
    assert not others & set(modules), sorted(others & set(modules))
    assert "flows.engine" not in modules and not [m for m in modules if m.startswith("prefect")]


def test_help_and_a_mistyped_command_build_every_command() -> None:
    code, modules, out = _modules_after("--help")
    assert code == 0 and all(name in out for name in COMMANDS)
    assert {where.partition(":")[0] for where, _ in COMMANDS.values()} <= set(modules)
    assert invoked(["statu"]) is None and invoked(["--json", "-w", "status", "x"]) is None
    assert invoked(["-w", "ws", "--json", "status"]) == "status"
    assert invoked(["--workspace=ws", "chapter", "log"]) == "chapter"


def test_the_collectors_threshold_is_put_back_after_a_command(example_ws: Workspace) -> None:
    before = gc.get_threshold()
    assert main(["status", "--json", "-w", str(example_ws.root)]) == 0
    assert gc.get_threshold() == before
