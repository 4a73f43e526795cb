"""``penholder round open|status|remind|close|add-reviewer|due|excuse|send``.

State-changing commands run a flow of ``flows/rounds.py``; ``status`` reads the domain only and
never imports Prefect.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli.common import AsOpt, JsonOpt, WorkspaceOpt, open_workspace, print_json, run_flow

if TYPE_CHECKING:
    from flows.results import Delivered

app = typer.Typer(
    help="Review rounds: open one, send packets, track returns, remind, close.",
    no_args_is_help=True,
)

RoundArg = Annotated[str, typer.Argument(help="Round id, e.g. R1.")]
PersonArg = Annotated[str, typer.Argument(help="Person id from people.yaml.")]


def _iso(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as e:
        raise typer.BadParameter(f"{value!r} is not a date; write it as 2024-03-22") from e


def _split(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _report(result: Delivered) -> None:
    via = " and ".join(result.via) or "-"
    if result.sent:
        where = "written to outbox/ for your mail client" if via == "outbox" else f"sent ({via})"
        typer.echo(f"round {result.round}: {len(result.sent)} messages {where}")
    elif not result.skipped:
        typer.echo(f"round {result.round}: nothing to send")
    if result.skipped:
        typer.echo(f"round {result.round}: {len(result.skipped)} already sent, not sent again")


@app.command("open")
def open_(
    chapters: Annotated[
        list[str], typer.Option("--chapters", help="Chapter ids, comma-separated: 03,04.")
    ],
    reviewers: Annotated[
        list[str],
        typer.Option(
            "--reviewers", help="Group names or person ids (comma-separated, repeatable)."
        ),
    ],
    due: Annotated[str, typer.Option("--due", help="Due date, e.g. 2024-03-22.")],
    note: Annotated[
        typer.FileText | None,
        typer.Option("--note", help="A text file whose words go into every cover letter."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Open even with the previous round unanswered or no new revision."
        ),
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why, with --force (recorded with the round).")
    ] = None,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Open a review round on some chapters for some reviewers, and send their packets."""
    from drafts.core.errors import StageRefused

    if force and not (reason or "").strip():
        raise StageRefused(
            "--force needs --reason, recorded with the round (e.g. --reason 'the EGM asked for "
            "a second look')",
            rule="force-without-reason",
        )
    ws = open_workspace(workspace)
    from flows import rounds as rounds_flows

    result = run_flow(
        rounds_flows.open_round,
        workspace=str(ws.root),
        chapters=_split(chapters),
        reviewers=_split(reviewers),
        due=_iso(due),
        who=who,
        note=note.read() if note else "",
        force_reason=reason if force else None,
    )
    typer.echo(f"round {result.round}: open, {result.items} items, due {_iso(due)}")
    _report(result)


@app.command("status")
def status(round_id: RoundArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Per reviewer and chapter: sent, returned, late, missing or excused."""
    from reviewers.rounds.tracking import round_status

    st = round_status(open_workspace(workspace), round_id)
    if as_json:
        print_json(st)
        return
    from rich.console import Console
    from rich.table import Table

    when = f"{st.days_left} days left" if st.days_left >= 0 else f"{-st.days_left} days overdue"
    state = "open" if st.open else "closed"
    counts = {s: st.count(s) for s in {i.state for i in st.items}}
    caption = ", ".join(f"{n} {s.value}" for s, n in sorted(counts.items()))
    table = Table(title=f"Round {st.round}: due {st.due} ({state}, {when})", caption=caption)
    for col in ("reviewer", "chapter", "packet", "state", "sent", "returned", "reminded"):
        table.add_column(col, no_wrap=True)
    for i in st.items:
        table.add_row(
            i.reviewer,
            i.chapter,
            i.packet,
            i.state.value,
            i.sent_at.date().isoformat() if i.sent_at else "",
            i.returned_at.date().isoformat() if i.returned_at else "",
            i.reminders[-1].isoformat() if i.reminders else "",
        )
    Console(width=140).print(table)


@app.command("send")
def send(round_id: RoundArg, workspace: WorkspaceOpt = None, who: AsOpt = None) -> None:
    """Send packets not sent yet and retry messages left unsent (nothing is sent twice)."""
    ws = open_workspace(workspace)
    from flows import rounds as rounds_flows

    _report(run_flow(rounds_flows.send_round, workspace=str(ws.root), round_id=round_id, who=who))


@app.command("remind")
def remind(round_id: RoundArg, workspace: WorkspaceOpt = None, who: AsOpt = None) -> None:
    """Remind every reviewer who still owes a return (at most once a day)."""
    ws = open_workspace(workspace)
    from flows import rounds as rounds_flows

    _report(run_flow(rounds_flows.remind_round, workspace=str(ws.root), round_id=round_id, who=who))


@app.command("close")
def close(
    round_id: RoundArg,
    force: Annotated[
        bool, typer.Option("--force", help="Close before the due date (lists who is missing).")
    ] = False,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Close a round: its chapters move to consolidating; late returns are still accepted."""
    ws = open_workspace(workspace)
    from flows import rounds as rounds_flows

    closed = run_flow(
        rounds_flows.close_round, workspace=str(ws.root), round_id=round_id, who=who, force=force
    )
    typer.echo(f"round {round_id}: closed")
    if closed.missing:
        typer.echo(f"not returned ({len(closed.missing)}): " + ", ".join(closed.missing))


@app.command("add-reviewer")
def add_reviewer(
    round_id: RoundArg, person: PersonArg, workspace: WorkspaceOpt = None, who: AsOpt = None
) -> None:
    """Add a reviewer to an open round and send them their packet."""
    ws = open_workspace(workspace)
    from flows import rounds as rounds_flows

    result = run_flow(
        rounds_flows.add_reviewer, workspace=str(ws.root), round_id=round_id, person=person, who=who
    )
    typer.echo(f"round {round_id}: {person} added")
    _report(result)


@app.command("due")
def due(
    round_id: RoundArg,
    new_date: Annotated[str, typer.Argument(metavar="DATE", help="New due date, e.g. 2024-03-29.")],
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Move the due date of an open round."""
    ws = open_workspace(workspace)
    from flows import rounds as rounds_flows

    moved = run_flow(
        rounds_flows.move_due,
        workspace=str(ws.root),
        round_id=round_id,
        due=_iso(new_date),
        who=who,
    )
    typer.echo(f"round {round_id}: due {moved.due.isoformat()}")


@app.command("excuse")
def excuse(
    round_id: RoundArg,
    person: PersonArg,
    chapter: Annotated[
        str | None, typer.Option("--chapter", help="Excuse from this chapter only.")
    ] = None,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Excuse a reviewer who withdraws (from the round, or one chapter): no more reminders."""
    ws = open_workspace(workspace)
    from flows import rounds as rounds_flows

    run_flow(
        rounds_flows.excuse_reviewer,
        workspace=str(ws.root),
        round_id=round_id,
        person=person,
        who=who,
        chapter=chapter,
    )
    typer.echo(
        f"round {round_id}: {person} excused" + (f" from chapter {chapter}" if chapter else "")
    )
