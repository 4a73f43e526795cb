"""Prefect flows for EGMs (thin over ``reviewers.egm``): the calendar's recorded changes, the pack."""

from __future__ import annotations

from drafts.models import EGM
from flows.engine import open_workspace, state_change
from flows.results import Committed, EgmPack
from reviewers.egm.calendar import add_egm, change_agenda
from reviewers.egm.pack import make_pack


@state_change("egm-add", "egm add")
def add(workspace: str, egm: EGM, who: str | None = None) -> Committed:
    """Add an EGM to the calendar."""
    ws = open_workspace(workspace)
    return Committed(commit=add_egm(ws, egm, ws.identity(who)))


@state_change("egm-agenda", "egm agenda")
def agenda(
    workspace: str, egm_id: str, add: list[str], remove: list[str], who: str | None = None
) -> EGM:
    """Change an EGM's agenda; return the EGM as it now is."""
    ws = open_workspace(workspace)
    changed, _ = change_agenda(ws, egm_id, add, remove, ws.identity(who))
    return changed


@state_change("egm-pack", "egm pack")
def pack(workspace: str, egm_id: str, who: str | None = None) -> EgmPack:
    """Make the EGM's pack (.docx and .pdf through LibreOffice) and commit it."""
    ws = open_workspace(workspace)
    made = make_pack(ws, egm_id, ws.identity(who))
    r = made.record
    return EgmPack(
        egm=r.egm,
        commit=made.commit,
        docx=r.docx,
        pdf=r.pdf,
        pages=r.pages,
        chapters=[c.chapter for c in r.chapters],
        matrices=len(r.matrices),
    )
