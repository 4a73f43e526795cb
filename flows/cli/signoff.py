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
    wait: Annotated[
        bool,
        typer.Option("--wait", help="Stay until the decision comes, then apply it (foreground)."),
    ] = False,
    workspace: WorkspaceOpt = None,
    who: AsOpt = None,
) -> None:
    """Run the chapter's gate and ask for its sign-off at an EGM; a flow run waits for it."""
    from flows.engine import engine_on
    from reviewers.egm.signoff import check_request

    ws = open_workspace(workspace)
    ws.identity(who)
    check_request(ws, chapter, egm_id)  # refusals come before any flow starts
    if not engine_on():
        done = run_flow(
            "signoff:request_signoff",
            workspace=str(ws.root),
            chapter=chapter,
            egm_id=egm_id,
            who=who,
        )
        typer.echo(f"chapter {chapter}: sign-off requested at {egm_id} ({done.commit[:10]})")
        return
    if wait:
        done = run_flow(
            "signoff:signoff", workspace=str(ws.root), chapter=chapter, egm_id=egm_id, who=who
        )
        state = open_workspace(ws.root).state(chapter)
        typer.echo(f"chapter {chapter}: {state.stage.value} ({done.commit[:10]})")
        return
    from flows import signoff as signoff_flows

    req = signoff_flows.start_waiting(ws.root, chapter, egm_id, who)
    typer.echo(
        f"chapter {chapter}: sign-off requested at {egm_id} ({req.commit[:10]}); flow run "
        f"{req.run} waits for `penholder signoff decide {chapter} --approve|--return --as PERSON`"
    )


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
    from drafts.core.errors import PenholderError
    from reviewers.egm.signoff import SignoffDecision, check_decision, split_conditions

    if approve == return_:
        raise PenholderError("give one decision: --approve or --return (with --conditions)")
    if not who:
        raise PenholderError(
            "name the approver with --as PERSON-ID (a person with the signoff role)"
        )
    ws = open_workspace(workspace)
    decision = SignoffDecision(
        approver=who,
        decision="approve" if approve else "return",
        conditions=split_conditions(conditions),
        date=ws.now().date(),
    )
    check_decision(ws, chapter, decision)  # refusals come before any flow starts
    from flows import signoff as signoff_flows

    done = signoff_flows.deliver(ws.root, chapter, decision)
    state = open_workspace(ws.root).state(chapter)
    typer.echo(f"chapter {chapter}: {state.stage.value} ({done.commit[:10]})")


@app.command("status")
def status(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Waiting sign-off requests, with who may decide them and since when."""
    from drafts.models import Role
    from flows.engine import waiter_alive
    from reviewers.egm.signoff import waiting

    ws = open_workspace(workspace)
    requests = waiting(ws)
    deciders = [p.id for p in ws.people if Role.SIGNOFF in p.roles]
    alive = {r.chapter: waiter_alive(ws, r.chapter, r.run) for r in requests}
    if as_json:
        print_json(
            {
                "waiting": [
                    r.model_dump(mode="json") | {"process": alive[r.chapter]} for r in requests
                ],
                "deciders": deciders,
            }
        )
        return
    if not requests:
        typer.echo("no sign-off request waits")
    for r in requests:
        run = f"; flow run {r.run}" + (
            "" if alive[r.chapter] else " (no process: decide applies it)"
        )
        typer.echo(
            f"{r.chapter} at {r.egm}: revision {r.revision}, requested by {r.requested_by} on "
            f"{r.at:%Y-%m-%d}; may decide: {', '.join(deciders)}" + (run if r.run else "")
        )
