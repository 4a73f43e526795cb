"""``penholder return add``, ``penholder inbox scan|fetch|list``, ``penholder quarantine
list|release`` and ``penholder remarks``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli.common import AsOpt, JsonOpt, WorkspaceOpt, open_workspace, print_json, run_flow
from flows.cli.shell import complete

if TYPE_CHECKING:
    from flows.results import Returns
    from reviewers.intake.mailbox.fetch import Fetched

returns_app = typer.Typer(help="Returned files: store, identify, read.", no_args_is_help=True)
inbox_app = typer.Typer(
    help="Returns waiting: the inbox/ folder, and the guideline's mailbox.", no_args_is_help=True
)
quarantine_app = typer.Typer(
    help="Files refused at intake (and by mail): what is held and why; release one.",
    no_args_is_help=True,
)


def _report(returns: Returns, as_json: bool) -> None:
    if as_json:
        print_json({"returns": returns.outcomes})
    else:
        for o in returns.outcomes:
            typer.echo(f"{o.status:<11} {o.message}")
    if returns.quarantined:
        raise typer.Exit(1)


@returns_app.command("add")
def add(
    files: Annotated[
        list[Path], typer.Argument(help="Returned .docx files.", exists=True, dir_okay=False)
    ],
    round_id: Annotated[str | None, typer.Option("--round", help="The round it answers.")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Who returned it.")] = None,
    chapter: Annotated[str | None, typer.Option("--chapter", help="Its chapter.")] = None,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Store returned files verbatim, identify them and read every remark."""
    ws = open_workspace(workspace)
    outcomes = run_flow(
        "returns:add_returns",
        workspace=str(ws.root),
        files=[str(f.resolve()) for f in files],
        who=who,
        round_id=round_id,
        reviewer=reviewer,
        chapter=chapter,
    )
    _report(outcomes, as_json)


@inbox_app.command("scan")
def scan(workspace: WorkspaceOpt = None, who: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Take in every file waiting in inbox/."""
    ws = open_workspace(workspace)
    _report(run_flow("returns:scan_inbox", workspace=str(ws.root), who=who), as_json)


@inbox_app.command("watch")
def watch(
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds between two looks at inbox/.")
    ] = 2.0,
    once: Annotated[
        bool, typer.Option("--once", help="Look twice, announce what is there, and stop.")
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Announce each file dropped in inbox/ to the team's server (the event
    penholder.return.received), whose scan-inbox deployment takes it in; until Ctrl-C."""
    import os

    from drafts import layout
    from drafts.core.errors import PenholderError
    from flows import engine
    from flows.server import watch as watcher

    ws = open_workspace(workspace)
    engine.prepare()
    if not os.environ.get("PREFECT_API_URL"):
        raise PenholderError(
            "penholder inbox watch announces files to a Prefect server and none runs; start "
            "one with `penholder server up` (or set PREFECT_API_URL), then watch again"
        )

    def announce(root: Path, name: str) -> None:
        from prefect.events.worker import EventsWorker

        watcher.emit_received(root, name)
        EventsWorker.drain_all()  # sent now, not when the process ends
        typer.echo(f"announced {name}")

    typer.echo(f"watching {ws.root / layout.INBOX}")
    try:
        watcher.watch(ws.root, announce, interval, looks=2 if once else None)
    except KeyboardInterrupt:
        return


def _mail_rows(fetched: list[Fetched], as_json: bool) -> None:
    if as_json:
        print_json({"messages": fetched})
        return
    for f in fetched:
        m, o = f.message, f.outcome
        typer.echo(f"{o.status:<8} {m.date[:31]:<31} {m.sender}: {m.subject[:60]}")
        for a in o.attachments:
            typer.echo(f"  {a.status:<11} {a.message or a.name}")
        if f.ack_problem:
            typer.echo(f"  reply not sent: {f.ack_problem}")


@inbox_app.command("fetch")
def fetch(
    maildir: Annotated[
        Path | None,
        typer.Option(
            "--maildir",
            help="Read this Maildir instead of the IMAP mailbox.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Take the returns attached to new messages in the mailbox; reply to each sender."""
    ws = open_workspace(workspace)
    fetched = run_flow(
        "returns:fetch_inbox",
        workspace=str(ws.root),
        who=who,
        maildir=str(maildir.resolve()) if maildir else None,
    )
    _mail_rows(fetched, as_json)
    if any(a.status == "quarantined" for f in fetched for a in f.outcome.attachments):
        raise typer.Exit(1)


@inbox_app.command("list")
def list_mail(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Every message fetched, its attachments and what became of each."""
    from reviewers.intake.mailbox.fetch import listing

    _mail_rows(listing(open_workspace(workspace)), as_json)


@quarantine_app.command("list")
def quarantine_list(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Every file quarantine holds: its id, name, when, where it is kept and why."""
    from reviewers.intake.release import held

    files = held(open_workspace(workspace))
    if as_json:
        print_json({"held": files})
        return
    if not files:
        typer.echo("quarantine holds no file")
    for h in files:
        typer.echo(f"{h.id}  {h.at[:16]:<16}  {h.file}  ({h.held})")
        typer.echo(f"    {h.reason}")


@quarantine_app.command("release")
def quarantine_release(
    ident: Annotated[str, typer.Argument(help="The held file's id (from `quarantine list`).")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Whose return it is.")],
    packet: Annotated[
        str | None, typer.Option("--packet", help="The packet it answers, e.g. R1-03-...")
    ] = None,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Take a held file in as that reviewer's return, recorded with who released it."""
    ws = open_workspace(workspace)
    done = run_flow(
        "returns:release_quarantined",
        workspace=str(ws.root),
        ident=ident,
        reviewer=reviewer,
        who=who,
        packet=packet,
    )
    _report(done, as_json)


def remarks(
    chapter: Annotated[
        str, typer.Argument(help="Chapter id, e.g. 03.", autocompletion=complete.chapters)
    ],
    round_id: Annotated[
        str | None,
        typer.Option("--round", help="Only this round.", autocompletion=complete.rounds),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Every remark read from returns on a chapter as a table: who, where, what in words, flags
    (duplicate, conflict, late, no longer applies), replies under their comment."""
    ws = open_workspace(workspace)
    ws.require_chapter(chapter)
    if round_id:
        from reviewers.rounds.records import load_round

        load_round(ws, round_id)  # an unknown round is an error, not an empty list
    if as_json:
        from reviewers.intake.remarks import load_all, remark_dicts

        print_json({"remarks": remark_dicts(load_all(ws, chapter, round_id))})
        return
    from flows.cli.views.remarks import remarks_table
    from reviewers.consolidate.listing import remark_lines

    remarks_table(chapter, remark_lines(ws, chapter, round_id))


def consolidate(
    chapter: Annotated[str, typer.Argument(help="Chapter id, e.g. 03.")],
    round_id: Annotated[str, typer.Option("--round", help="The review round, e.g. R1.")],
    discard_edits: Annotated[
        bool,
        typer.Option("--discard-edits", help="Drop edits of the matrix files not imported yet."),
    ] = False,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Merge a round's remarks on a chapter: consolidated .docx and comment-resolution matrix."""
    ws = open_workspace(workspace)
    ws.require_chapter(chapter)
    done = run_flow(
        "consolidate:consolidate_chapter",
        workspace=str(ws.root),
        chapter=chapter,
        round_id=round_id,
        who=who,
        discard_edits=discard_edits,
    )
    if as_json:
        print_json(done)
        return
    typer.echo(
        f"{done.remarks} remarks in {done.rows} rows "
        f"({done.conflicts} in conflict, {done.stale} no longer apply)"
    )
    for path in (done.docx, done.xlsx, done.matrix_docx):
        typer.echo(str(ws.root / path))
    if done.pages_missing:
        typer.echo(f"penholder: page and line numbers are missing: {done.pages_missing}", err=True)
