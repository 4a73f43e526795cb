"""What a new server needs before work reaches it: the pool, the limit, the deployments.

Each step is idempotent (``server up`` on a server that has them changes nothing): the
``process`` work pool ``penholder``, the global concurrency limit ``workspace`` (one writer at
a time per server; git stays the guard) and every deployment of ``prefect.yaml``, deployed with
``prefect --no-prompt deploy --all`` from the engine's checkout. ``PENHOLDER_ENGINE_DIR`` is
left out of the deploying process's environment, so the pull step keeps its template and each
worker resolves it to its own machine's checkout.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from drafts.core.errors import PenholderError
from flows.server.processes import ENGINE_DIR, ServerState, base_env, prefect_home

LIMIT = "workspace"


def prepare_server(state: ServerState) -> None:
    """Create the work pool, the concurrency limit and the deployments on ``state``'s server."""
    _prefect(state, "work-pool", "create", state.pool, "--type", "process", "--overwrite")
    _prefect(state, "global-concurrency-limit", "create", LIMIT, "--limit", "1", ok_if="exists")
    _prefect(state, "--no-prompt", "deploy", "--all")


def _prefect(state: ServerState, *args: str, ok_if: str | None = None) -> None:
    env = base_env(state.url)
    env.pop("PENHOLDER_ENGINE_DIR", None)
    exe = Path(sys.executable).with_name("prefect")
    done = subprocess.run(
        [str(exe), *args], env=env, cwd=ENGINE_DIR, capture_output=True, text=True, timeout=300
    )
    log = prefect_home() / "penholder-server.log"
    with log.open("a") as out:
        out.write(f"$ prefect {' '.join(args)}\n{done.stdout}{done.stderr}\n")
    if done.returncode != 0 and not (ok_if and ok_if in (done.stdout + done.stderr).lower()):
        raise PenholderError(f"`prefect {' '.join(args[:2])}` failed on the server; see {log}")
