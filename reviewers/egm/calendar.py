"""EGMs as events: the calendar in ``egms.yaml``, changed only by recorded commits.

``add_egm`` and ``change_agenda`` validate before anything is written: ids unique, the end not
before the start, a new EGM not in the past, agenda chapters that exist, participants that are
people ids or groups of ``people.yaml``. Each change is one commit (``Event: egm``, ``EGM``
trailer) of the whole calendar, in date order.
"""

from __future__ import annotations

import yaml

from drafts import layout
from drafts.core.errors import NotFound, StageRefused
from drafts.models import EGM, Event
from drafts.workspace import Actor, Workspace


def find(ws: Workspace, egm_id: str) -> EGM:
    """Return the EGM ``egm_id`` (case-insensitive), or raise NotFound naming the known ones."""
    egms = ws.egms
    for egm in egms:
        if egm.id.lower() == egm_id.lower():
            return egm
    known = ", ".join(e.id for e in egms) or "none yet"
    raise NotFound(
        f"no EGM {egm_id!r} in egms.yaml (EGMs: {known}); add one with `penholder egm add`"
    )


def _dump(egms: list[EGM]) -> bytes:
    data = {
        "egms": [e.model_dump(exclude_defaults=True) for e in sorted(egms, key=lambda e: e.start)]
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


def _check_chapters(ws: Workspace, chapters: list[str]) -> None:
    known = set(ws.chapter_ids())
    for ch in chapters:
        if ch not in known:
            raise NotFound(
                f"no chapter {ch!r} in this guideline (chapters: {', '.join(sorted(known))})"
            )


def _check_participants(ws: Workspace, names: list[str]) -> None:
    ids = {p.id for p in ws.people}
    groups = {g for p in ws.people for g in p.groups}
    for name in names:
        if name not in ids and name not in groups:
            raise NotFound(
                f"no person or group {name!r} in people.yaml; name participants by person id or "
                f"group ({', '.join(sorted(groups))})"
            )


def add_egm(ws: Workspace, egm: EGM, actor: Actor) -> str:
    """Add ``egm`` to the calendar (see module docstring); return the commit."""
    egms = ws.egms
    if any(e.id.lower() == egm.id.lower() for e in egms):
        raise StageRefused(
            f"EGM {egm.id} is already on the calendar; choose another id", rule="egm-exists"
        )
    today = ws.now().date()
    if egm.start < today:
        raise StageRefused(
            f"EGM {egm.id} would start on {egm.start}, before today ({today}); give a date to come",
            rule="egm-in-the-past",
        )
    _check_dates(egm)
    _check_chapters(ws, egm.agenda)
    _check_participants(ws, egm.participants)
    subject = f"Add {egm.id}: {egm.name}, {egm.start}" + (
        f", {egm.location}" if egm.location else ""
    )
    return _commit(ws, [*egms, egm], egm.id, subject, actor)


def _check_dates(egm: EGM) -> None:
    if egm.end is not None and egm.end < egm.start:
        raise StageRefused(
            f"EGM {egm.id} would end on {egm.end}, before it starts ({egm.start}); fix --end",
            rule="egm-dates",
        )


def change_agenda(
    ws: Workspace, egm_id: str, add: list[str], remove: list[str], actor: Actor
) -> tuple[EGM, str]:
    """Add chapters to and remove chapters from an EGM's agenda; return it and the commit."""
    egm = find(ws, egm_id)
    _check_chapters(ws, add)
    missing = [ch for ch in remove if ch not in egm.agenda]
    if missing:
        raise NotFound(
            f"chapter {missing[0]} is not on the agenda of {egm.id} ({', '.join(egm.agenda)})"
        )
    agenda = [ch for ch in egm.agenda if ch not in remove]
    agenda += [ch for ch in add if ch not in agenda]
    if agenda == egm.agenda:
        raise StageRefused(
            f"the agenda of {egm.id} is already {', '.join(agenda) or 'empty'}", rule="unchanged"
        )
    changed = egm.model_copy(update={"agenda": sorted(agenda)})
    egms = [changed if e.id == egm.id else e for e in ws.egms]
    subject = f"{egm.id} agenda: {', '.join(changed.agenda) or 'empty'}"
    return changed, _commit(ws, egms, egm.id, subject, actor)


def _commit(ws: Workspace, egms: list[EGM], egm_id: str, subject: str, actor: Actor) -> str:
    trailers = [("Event", Event.EGM.value), ("EGM", egm_id)]
    return ws.commit({layout.EGMS: _dump(egms)}, subject, trailers, actor)
