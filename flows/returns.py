"""Prefect flows for returned files: ``return add`` and ``inbox scan`` (thin over reviewers)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefect import flow

from drafts.workspace import Workspace
from flows.engine import run_trailers
from reviewers.identify import Claim
from reviewers.intake import Outcome, SentCache, ingest


def _progress_artifact(done: int, total: int, key: str | None) -> str | None:
    """Report progress as a Prefect progress artifact (shown in the UI); return its id."""
    from prefect.context import FlowRunContext

    if FlowRunContext.get() is None:  # a plain function call: no engine to report to
        return key
    try:
        from prefect.artifacts import create_progress_artifact, update_progress_artifact

        percent = 100.0 * done / total if total else 100.0
        if key is None:
            return str(create_progress_artifact(progress=percent, description="returns read"))
        update_progress_artifact(artifact_id=key, progress=percent)  # type: ignore[arg-type]
        return key
    except Exception:  # reporting progress must never fail an intake
        return key


def _ingest_many(ws: Workspace, paths: list[Path], who: str | None, claim: Claim) -> list[Outcome]:
    from rich.progress import Progress

    actor = ws.identity(who)
    cache = SentCache()
    outcomes: list[Outcome] = []
    artifact = _progress_artifact(0, len(paths), None)
    show = len(paths) > 1 and sys.stderr.isatty()
    with Progress(transient=True, disable=not show) as bar:
        task = bar.add_task("reading returns", total=len(paths))
        for path in paths:
            outcomes.append(ingest(ws, path, actor, claim, cache))
            bar.advance(task)
            artifact = _progress_artifact(len(outcomes), len(paths), artifact)
    return outcomes


@flow(name="add-returns")
def add_returns(
    workspace: str,
    files: list[str],
    who: str | None = None,
    round_id: str | None = None,
    reviewer: str | None = None,
    chapter: str | None = None,
) -> list[dict[str, Any]]:
    """Store, identify and read returned files; one outcome per file."""
    ws = Workspace.open(Path(workspace))
    ws.run_trailers = run_trailers()
    claim = Claim(round=round_id, reviewer=reviewer, chapter=chapter)
    return [asdict(o) for o in _ingest_many(ws, [Path(f) for f in files], who, claim)]


@flow(name="scan-inbox")
def scan_inbox(workspace: str, who: str | None = None) -> list[dict[str, Any]]:
    """Ingest every file in the workspace's inbox/; each file taken leaves the inbox."""
    ws = Workspace.open(Path(workspace))
    ws.run_trailers = run_trailers()
    inbox = ws.root / "inbox"
    paths = (  # hidden files and office lock files (~$x.docx, .~lock.x.docx#) are not returns
        sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
        if inbox.is_dir()
        else []
    )
    outcomes = _ingest_many(ws, paths, who, Claim())
    for path in paths:
        path.unlink()  # stored verbatim in returns/ or quarantine/ by now
    return [asdict(o) for o in outcomes]
