"""Prefect flows for sign-off (thin over ``reviewers.egm.signoff``): the request and the decision.

Both are recorded commits; the decision applies only to a request still waiting, so it happens
once. (Waiting inside a paused flow run for the decision, and a Prefect UI form for it, are the
next step of issue 13; today the decision comes from ``penholder signoff decide``.)
"""

from __future__ import annotations

from prefect import flow

from flows.engine import open_workspace
from flows.results import Committed
from reviewers.egm.signoff import SignoffDecision, decide, request


@flow(name="signoff-request")
def request_signoff(workspace: str, chapter: str, egm_id: str, who: str | None = None) -> Committed:
    """Run the gate and record a sign-off request."""
    ws = open_workspace(workspace)
    return Committed(commit=request(ws, chapter, egm_id, ws.identity(who)))


@flow(name="signoff-decide")
def decide_signoff(
    workspace: str, chapter: str, decision: SignoffDecision, who: str | None = None
) -> Committed:
    """Apply a typed sign-off decision to the chapter's waiting request."""
    ws = open_workspace(workspace)
    return Committed(commit=decide(ws, chapter, decision, ws.identity(who)))
