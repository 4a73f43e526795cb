"""``penholder egm list|show|add|agenda|check|pack``: the Expert Group Meetings, gate and pack.

``add``, ``agenda`` and ``pack`` run a flow of ``flows/egm.py``; the others read the domain only.
``check`` exits 1 when a chapter on the agenda is not ready, so scripts can rely on it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import AsOpt, JsonOpt, WorkspaceOpt, open_workspace, print_json, run_flow

app = typer.Typer(help="Expert Group Meetings: calendar, agenda, readiness.", no_args_is_help=True)
EgmArg = Annotated[str, typer.Argument(help="EGM id from egms.yaml, e.g. EGM1.")]


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


@app.command("list")
def list_(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Every EGM on the calendar, with its dates, place and agenda."""
    ws = open_workspace(workspace)
    egms = ws.egms
    if as_json:
        print_json({"egms": egms})
        return
    today = ws.now().date()
    for e in egms:
        when = f"{e.start}" + (f" to {e.end}" if e.end and e.end != e.start else "")
        days = (e.start - today).days
        left = f"in {days} days" if days > 0 else "today" if days == 0 else "held"
        typer.echo(f"{e.id:<6} {when:<26} {e.location or '-':<24} {left:<12} {', '.join(e.agenda)}")


@app.command("show")
def show(egm_id: EgmArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """One EGM: name, dates, place, agenda with each chapter's title, participants."""
    from reviewers.egm.calendar import find
    from reviewers.egm.signoff import outcomes

    ws = open_workspace(workspace)
    egm = find(ws, egm_id)
    decided = {o.chapter: o for o in outcomes(ws, egm.id)}  # the last decision on each
    if as_json:
        print_json(egm.model_dump(mode="json") | {"outcomes": list(decided.values())})
        return
    typer.echo(f"{egm.id}: {egm.name}")
    typer.echo(f"dates: {egm.start}" + (f" to {egm.end}" if egm.end else ""))
    typer.echo(f"place: {egm.location or '-'}")
    for ch in egm.agenda:
        o = decided.get(ch)
        said = "not decided"
        if o is not None:
            said = f"{'approved' if o.decision == 'approve' else 'returned'} by {o.approver}"
            said += f", revision {o.revision}, {o.at:%Y-%m-%d}"
            said += "".join(f"\n      condition: {c}" for c in o.conditions)
        typer.echo(f"  {ch} {ws.front(ch).title}\n      outcome: {said}")
    if egm.participants:
        typer.echo(f"participants: {', '.join(egm.participants)}")


@app.command("add")
def add(
    egm_id: Annotated[str, typer.Option("--id", help="A new id, e.g. EGM4.")],
    name: Annotated[str, typer.Option("--name", help="e.g. Fourth global Expert Group Meeting.")],
    start: Annotated[str, typer.Option("--start", help="First day, e.g. 2025-11-18.")],
    end: Annotated[str | None, typer.Option("--end", help="Last day.")] = None,
    location: Annotated[str, typer.Option("--location", help="City, country.")] = "",
    agenda: Annotated[list[str] | None, typer.Option("--agenda", help="Chapters: 01,02.")] = None,
    participants: Annotated[
        list[str] | None, typer.Option("--participants", help="People ids or groups: ewg,bureau.")
    ] = None,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Add an EGM to the calendar (a recorded commit)."""
    from datetime import date

    from pydantic import ValidationError

    from drafts.core.errors import ConfigError
    from drafts.models import EGM

    try:
        egm = EGM(
            id=egm_id,
            name=name,
            start=date.fromisoformat(start),
            end=date.fromisoformat(end) if end else None,
            location=location,
            agenda=_split(agenda),
            participants=_split(participants),
        )
    except (ValueError, ValidationError) as e:
        raise ConfigError(
            f"EGM {egm_id!r}: {str(e).splitlines()[0]}; write dates as 2025-11-18 and ids like EGM4"
        ) from e
    ws = open_workspace(workspace)
    run_flow("egm:add", workspace=str(ws.root), egm=egm, who=who)
    typer.echo(f"{egm.id}: added, {egm.start}")


@app.command("agenda")
def agenda(
    egm_id: EgmArg,
    add: Annotated[list[str] | None, typer.Option("--add", help="Chapters to add: 04,05.")] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Chapters to remove.")
    ] = None,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Put chapters on an EGM's agenda, or take them off (a recorded commit)."""
    ws = open_workspace(workspace)
    changed = run_flow(
        "egm:agenda",
        workspace=str(ws.root),
        egm_id=egm_id,
        add=_split(add),
        remove=_split(remove),
        who=who,
    )
    typer.echo(f"{changed.id} agenda: {', '.join(changed.agenda) or 'empty'}")


@app.command("check")
def check(egm_id: EgmArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """For each chapter on the agenda: ready, or exactly what blocks it (exit 1 if any)."""
    from reviewers.egm.gate import check as gate

    result = gate(open_workspace(workspace), egm_id)
    if as_json:
        print_json(result)
    else:
        ready = sum(c.ready for c in result.chapters)
        typer.echo(
            f"{result.egm} ({result.start}, {result.days_left} days left): {ready} of "
            f"{len(result.chapters)} chapters ready"
        )
        for c in result.chapters:
            typer.echo(c.sentence())
    if not result.ready:
        raise typer.Exit(1)


@app.command("pack")
def pack(egm_id: EgmArg, workspace: WorkspaceOpt = None, who: AsOpt = None) -> None:
    """The EGM pack: every chapter on the agenda, contents, version table, redlines since the
    previous pack and the matrices, as .docx and .pdf (LibreOffice), committed."""
    ws = open_workspace(workspace)
    made = run_flow("egm:pack", workspace=str(ws.root), egm_id=egm_id, who=who)
    typer.echo(f"{made.egm} pack: {made.pages} pages, chapters {', '.join(made.chapters)}, "
               f"{made.matrices} matrices ({made.commit[:10]})")  # fmt: skip
    typer.echo(made.docx)
    typer.echo(made.pdf)
