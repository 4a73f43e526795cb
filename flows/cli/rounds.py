"""``penholder round open|status|remind|close|add-reviewer|due|excuse|send``.

State-changing commands run a flow of ``flows/rounds.py``; ``status`` reads the domain only and
never imports Prefect.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli.common import AsOpt, JsonOpt, WorkspaceOpt, open_workspace, print_json, run_flow
from flows.cli.shell import complete

if TYPE_CHECKING:
    from flows.results import Delivered

app = typer.Typer(
    help="Review rounds: open one, send packets, track returns, remind, close.",
    no_args_is_help=True,
)

RoundArg = Annotated[str, typer.Argument(help="Round id, e.g. R1.", autocompletion=complete.rounds)]
PersonArg = Annotated[
    str, typer.Argument(help="Person id from people.yaml.", autocompletion=complete.people)
]


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
    result = run_flow(
        "rounds:open_round",
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
def status(
    round_id: RoundArg,
    missing: Annotated[
        bool, typer.Option("--missing", help="Only what is not returned (nor excused).")
    ] = False,
    late: Annotated[
        bool, typer.Option("--late", help="Only what is late: owed past due, or returned after.")
    ] = False,
    reviewer: Annotated[
        str | None,
        typer.Option("--reviewer", help="Only this reviewer.", autocompletion=complete.people),
    ] = None,
    chapter: Annotated[
        str | None,
        typer.Option("--chapter", help="Only this chapter.", autocompletion=complete.chapters),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Per reviewer and chapter: sent, returned, late, missing or excused; the next reminders."""
    from reviewers.rounds.tracking import round_status, select

    ws = open_workspace(workspace)
    st = round_status(ws, round_id)
    items = select(st, missing=missing, late=late, reviewer=reviewer, chapter=chapter)
    if as_json:
        print_json(st.model_copy(update={"items": items}))
        return
    from flows.cli.views.rounds import status_table
    from reviewers.send.sending import reminder_plan

    status_table(st, items, reminder_plan(ws, round_id), ws.guideline)


@app.command("send")
def send(round_id: RoundArg, workspace: WorkspaceOpt = None, who: AsOpt = None) -> None:
    """Send packets not sent yet and retry messages left unsent (nothing is sent twice)."""
    ws = open_workspace(workspace)
    _report(run_flow("rounds:send_round", workspace=str(ws.root), round_id=round_id, who=who))


@app.command("remind")
def remind(
    round_id: RoundArg,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print who would be reminded and why; send nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Remind everyone who owes a return, whatever the policy."),
    ] = False,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Remind who still owes a return, as the guideline's reminder policy says (once a day at most)."""
    ws = open_workspace(workspace)
    if dry_run:
        from reviewers.rounds.records import require_open
        from reviewers.send.sending import reminder_plan

        require_open(ws, round_id, f"send reminders for round {round_id}")
        plans = reminder_plan(ws, round_id)
        if as_json:
            print_json({"round": round_id, "reminders": [vars(p) for p in plans]})
            return
        from flows.cli.views.rounds import remind_table

        remind_table(round_id, plans)
        return
    _report(
        run_flow(
            "rounds:remind_round",
            workspace=str(ws.root),
            round_id=round_id,
            who=who,
            force=force,
        )
    )


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
    closed = run_flow(
        "rounds:close_round", workspace=str(ws.root), round_id=round_id, who=who, force=force
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
    result = run_flow(
        "rounds:add_reviewer", workspace=str(ws.root), round_id=round_id, person=person, who=who
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
    moved = run_flow(
        "rounds:move_due",
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
    run_flow(
        "rounds:excuse_reviewer",
        workspace=str(ws.root),
        round_id=round_id,
        person=person,
        who=who,
        chapter=chapter,
    )
    typer.echo(
        f"round {round_id}: {person} excused" + (f" from chapter {chapter}" if chapter else "")
    )
