"""``penholder signoff request|decide|status``: sign-off at an EGM as a typed human decision."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import AsOpt, JsonOpt, WorkspaceOpt, open_workspace, print_json, run_flow

app = typer.Typer(help="Sign-off at an EGM: request, decide, see what waits.", no_args_is_help=True)
ChapterArg = Annotated[str, typer.Argument(help="Chapter id, e.g. 03.")]


@app.command("request")
def request_(
    chapter: ChapterArg,
    egm_id: Annotated[str, typer.Option("--egm", help="The EGM, e.g. EGM1.")],
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Run the chapter's gate and ask for its sign-off at an EGM."""
    ws = open_workspace(workspace)
    from flows import signoff as signoff_flows

    done = run_flow(
        signoff_flows.request_signoff,
        workspace=str(ws.root),
        chapter=chapter,
        egm_id=egm_id,
        who=who,
    )
    typer.echo(f"chapter {chapter}: sign-off requested at {egm_id} ({done.commit[:10]})")


@app.command("decide")
def decide(
    chapter: ChapterArg,
    approve: Annotated[bool, typer.Option("--approve", help="Sign the revision off.")] = False,
    return_: Annotated[
        bool, typer.Option("--return", help="Send it back to revising, with conditions.")
    ] = False,
    conditions: Annotated[
        str, typer.Option("--conditions", help="What must change, separated by ';'.")
    ] = "",
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Decide a waiting sign-off request (`--as` names the approver, who needs the signoff role)."""
    import os

    from drafts.core.errors import PenholderError
    from reviewers.egm.signoff import SignoffDecision, split_conditions

    if approve == return_:
        raise PenholderError("give one decision: --approve or --return (with --conditions)")
    approver = who or os.environ.get("PENHOLDER_AS")
    if not approver:
        raise PenholderError(
            "name the approver with --as PERSON-ID (a person with the signoff role)"
        )
    ws = open_workspace(workspace)
    decision = SignoffDecision(
        approver=approver,
        decision="approve" if approve else "return",
        conditions=split_conditions(conditions),
        date=ws.now().date(),
    )
    from flows import signoff as signoff_flows

    done = run_flow(
        signoff_flows.decide_signoff,
        workspace=str(ws.root),
        chapter=chapter,
        decision=decision,
        who=approver,
    )
    state = ws.state(chapter)
    typer.echo(f"chapter {chapter}: {state.stage.value} ({done.commit[:10]})")


@app.command("status")
def status(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Waiting sign-off requests, with who may decide them and since when."""
    from drafts.models import Role
    from reviewers.egm.signoff import waiting

    ws = open_workspace(workspace)
    requests = waiting(ws)
    deciders = [p.id for p in ws.people if Role.SIGNOFF in p.roles]
    if as_json:
        print_json({"waiting": requests, "deciders": deciders})
        return
    if not requests:
        typer.echo("no sign-off request waits")
    for r in requests:
        typer.echo(
            f"{r.chapter} at {r.egm}: revision {r.revision}, requested by {r.requested_by} on "
            f"{r.at:%Y-%m-%d}; may decide: {', '.join(deciders)}"
        )
