"""Prefect flows for returned files: ``return add``, ``inbox scan``, ``inbox fetch`` and
``quarantine release`` (thin over reviewers)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from prefect import flow

from drafts import layout
from drafts.workspace import Workspace
from flows.engine import open_workspace, shared, state_change, writes
from flows.results import Returns
from reviewers.intake.identify import Claim
from reviewers.intake.ingest import ingest_all
from reviewers.intake.mailbox.fetch import Fetched, fetch


class _ProgressArtifact:
    """Progress as a Prefect progress artifact (shown in the UI), when a flow run is active."""

    def __init__(self) -> None:
        self.key: str | None = None

    def update(self, done: int, total: int) -> None:
        from prefect.context import FlowRunContext

        if FlowRunContext.get() is None:  # a plain function call: no engine to report to
            return
        try:
            from prefect.artifacts import create_progress_artifact, update_progress_artifact

            percent = 100.0 * done / total if total else 100.0
            if self.key is None:
                self.key = str(create_progress_artifact(progress=percent, description="returns"))
            else:
                update_progress_artifact(artifact_id=self.key, progress=percent)  # type: ignore[arg-type]
        except Exception:  # reporting progress must never fail an intake
            return


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int, int], None]]:
    """Yield ``report(done, total)``: a terminal bar (several files, on a terminal) and the
    Prefect progress artifact."""
    from rich.progress import Progress

    artifact = _ProgressArtifact()
    artifact.update(0, total)
    with Progress(transient=True, disable=not (total > 1 and sys.stderr.isatty())) as bar:
        task = bar.add_task("reading returns", total=total)

        def report(done: int, n: int) -> None:
            bar.update(task, completed=done)
            artifact.update(done, n)

        yield report


def _ingest(ws: Workspace, paths: list[Path], who: str | None, claim: Claim) -> Returns:
    actor = ws.identity(who)
    with _progress(len(paths)) as report:
        return Returns(outcomes=ingest_all(ws, paths, actor, claim, report))


@state_change("add-returns", "return add")
def add_returns(
    workspace: str,
    files: list[str],
    who: str | None = None,
    round_id: str | None = None,
    reviewer: str | None = None,
    chapter: str | None = None,
) -> Returns:
    """Store, identify and read returned files; one outcome per file."""
    ws = open_workspace(workspace)
    claim = Claim(round=round_id, reviewer=reviewer, chapter=chapter)
    return _ingest(ws, [Path(f) for f in files], who, claim)


@flow(name="scan-inbox")
@writes("inbox scan")
def scan_inbox(workspace: str, who: str | None = None) -> Returns:
    """Ingest every file in the workspace's inbox/; each file taken leaves the inbox (run by
    the trigger on ``penholder.return.received``: ``who`` defaults to ``PENHOLDER_AS``, as
    everywhere: ``drafts.writing.acting``)."""
    ws = open_workspace(workspace)
    inbox = ws.root / layout.INBOX
    paths = (  # hidden files and office lock files (~$x.docx, .~lock.x.docx#) are not returns
        sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
        if inbox.is_dir()
        else []
    )
    returns = shared(workspace, lambda: _ingest(open_workspace(workspace), paths, who, Claim()))
    for path in paths:  # once their commits are on the origin's main, when there is one
        path.unlink()  # stored verbatim in returns/ or quarantine/ by now
    return returns


@state_change("release-quarantined", "quarantine release")
def release_quarantined(
    workspace: str, ident: str, reviewer: str, who: str | None = None, packet: str | None = None
) -> Returns:
    """Take a file quarantine holds in as ``reviewer``'s return (recorded with who released it)."""
    from reviewers.intake.release import release

    ws = open_workspace(workspace)
    return Returns(outcomes=[release(ws, ident, reviewer, ws.identity(who), packet)])


def _convert(data: bytes, name: str) -> bytes:
    """A .odt or .doc return as .docx, through LibreOffice (``drafts.word.office``)."""
    import tempfile

    from drafts.word import office

    with tempfile.TemporaryDirectory(prefix="penholder-convert-") as tmp:
        source = Path(tmp) / f"in{Path(name).suffix.lower()}"
        source.write_bytes(data)
        return office.to_docx(source, Path(tmp) / "lo").read_bytes()


@state_change("fetch-inbox", "inbox fetch", rerun=False)
def fetch_inbox(
    workspace: str | None = None, who: str | None = None, maildir: str | None = None
) -> list[Fetched]:
    """Take every new message of the guideline's mailbox (IMAP), or of a local Maildir (the
    schedule of a team's server: ``workspace`` and ``who`` default to the worker's
    ``PENHOLDER_WORKSPACE`` and ``PENHOLDER_AS``)."""
    import os
    import shutil

    from drafts.core.errors import MailError
    from reviewers.intake.mailbox.sources import ImapSource, MaildirSource

    ws = open_workspace(workspace or os.environ.get("PENHOLDER_WORKSPACE") or ".")
    actor = ws.identity(who)  # else PENHOLDER_AS (drafts.writing.acting)
    imap = ws.guideline.mail.imap
    source: ImapSource | MaildirSource
    if maildir is not None:
        processed = imap.processed_folder if imap else "penholder/processed"
        source = MaildirSource(Path(maildir), processed)
    elif imap is None:
        raise MailError(
            "guideline.yaml names no mailbox (mail.imap); set it, or read a Maildir with "
            "`penholder inbox fetch --maildir DIR`"
        )
    else:
        source = ImapSource(imap)
    try:
        return fetch(ws, source, actor, _convert if shutil.which("soffice") else None)
    finally:
        source.close()
