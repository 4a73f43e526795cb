"""Refuse before any flow starts: what a state-changing command can check without a change.

``before(flow, kwargs)`` runs, before the flow's module (and Prefect) is imported, the checks
every command shares (who acts, the chapter, the round, the files named) and then, for the
flows whose domain call writes nothing before its first commit, a rehearsal of that call
(``drafts.core.rehearsal``): the same code the flow runs, stopped at its commit, so each of its
refusals (stage rules, guards, dates, duplicates, unsaved edits) comes here, as one sentence,
in a fraction of a second, and no failed flow run is recorded. The flows whose work before the
commit writes files or sends mail (returns, consolidation, letters, the EGM pack, sending)
get the shared checks only; their other refusals still come as one sentence from the flow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from drafts.core.errors import NotFound
from drafts.core.limits import refuse_special
from drafts.workspace import Actor, Workspace

Rehearsal = Callable[[Workspace, Actor, dict[str, Any]], object]


def _new_chapter(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from drafts import chapters

    return chapters.new_chapter(ws, k["chapter"], k["title"], k["body"], actor)


def _commit_revision(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from drafts import chapters

    return chapters.commit_revision(
        ws, k["chapter"], None, actor, message=k["message"], resolves=k["resolves"]
    )


def _move_stage(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from drafts import chapters
    from drafts.models import Stage

    forced = k.get("force_reason")
    return chapters.move_stage(
        ws, k["chapter"], Stage(k["target"]), actor, next_cycle=k["next_cycle"],
        guarded=not forced, more=[("Forced", forced)] if forced else [],
    )  # fmt: skip


def _open_round(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from reviewers.rounds import lifecycle

    return lifecycle.open_round(
        ws, k["chapters"], k["reviewers"], date.fromisoformat(k["due"]), actor,
        note=k["note"], force_reason=k["force_reason"],
    )  # fmt: skip


def _add_reviewer(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from reviewers.rounds import lifecycle

    return lifecycle.add_reviewer(ws, k["round_id"], k["person"], actor)


def _move_due(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from reviewers.rounds import lifecycle

    return lifecycle.move_due(ws, k["round_id"], date.fromisoformat(k["due"]), actor)


def _excuse(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from reviewers.rounds import lifecycle

    return lifecycle.excuse(ws, k["round_id"], k["person"], actor, chapter=k["chapter"])


def _close_round(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from reviewers.rounds import lifecycle

    return lifecycle.close_round(ws, k["round_id"], actor, force=k["force"])


def _open_for(action: str) -> Rehearsal:
    def check(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
        from reviewers.rounds import records

        return records.require_open(ws, k["round_id"], f"{action} round {k['round_id']}")

    return check


def _egm_add(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from reviewers.egm.calendar import add_egm

    return add_egm(ws, k["egm"], actor)


def _egm_agenda(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from reviewers.egm.calendar import change_agenda

    return change_agenda(ws, k["egm_id"], k["add"], k["remove"], actor)


def _egm_known(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from reviewers.egm.calendar import find

    return find(ws, k["egm_id"])


def _dispose(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from reviewers.decide.store import record_answers

    return record_answers(ws, k["chapter"], k["round_id"], k["answers"], actor, source="cli")


def _editable(ws: Workspace, actor: Actor, k: dict[str, Any]) -> object:
    from drafts import stages

    return stages.check_editable(ws.state(k["chapter"]))


#: flow (``module:function`` under ``flows``) -> the rehearsal (or the check) that runs before it
REHEARSALS: dict[str, Rehearsal] = {
    "chapters:new_chapter": _new_chapter,
    "chapters:commit_revision": _commit_revision,
    "chapters:move_stage": _move_stage,
    "word:import_docx": _editable,
    "rounds:open_round": _open_round,
    "rounds:add_reviewer": _add_reviewer,
    "rounds:move_due": _move_due,
    "rounds:excuse_reviewer": _excuse,
    "rounds:close_round": _close_round,
    "rounds:send_round": _open_for("send the packets of"),
    "rounds:remind_round": _open_for("remind the reviewers of"),
    "egm:add": _egm_add,
    "egm:agenda": _egm_agenda,
    "egm:pack": _egm_known,
    "decide:dispose": _dispose,
}


def before(flow: str, kwargs: dict[str, Any]) -> None:
    """Raise the refusal ``flow`` would meet with ``kwargs`` before its first commit, if any."""
    from drafts.core.rehearsal import rehearse
    from drafts.remote import refresh
    from reviewers.guards import install

    if "workspace" not in kwargs:
        return  # init: it checks its folder itself, before anything
    install()  # the stage guards, as a flow's open_workspace installs them
    ws = Workspace(Path(kwargs["workspace"]))
    refresh(ws)  # a clone with an origin checks against the team's latest main
    actor = ws.identity(kwargs.get("who"))
    _shared(ws, kwargs, flow)
    check = REHEARSALS.get(flow)
    if check is not None:
        rehearse(lambda: check(ws, actor, kwargs))


def _shared(ws: Workspace, k: dict[str, Any], flow: str) -> None:
    if k.get("chapter") and flow != "chapters:new_chapter":
        ws.require_chapter(k["chapter"])
    if k.get("round_id") and not flow.startswith("decide:"):  # answers may be an EGM's rows
        from reviewers.rounds.records import load_round

        load_round(ws, k["round_id"])
    if k.get("reviewer"):
        ws.person(k["reviewer"])
    named = [*k.get("files", []), *(k[key] for key in ("docx", "file") if k.get(key))]
    for name in named:
        path = Path(name)
        if path.exists() or path.is_symlink():
            refuse_special(path, name)  # a FIFO would hang, a device or /proc file never end
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "does not exist"
            raise NotFound(f"{name} {what}; name a file")
