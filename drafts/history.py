"""Replaying the workspace's commits into each chapter's state (pure: no git, no files).

Trailers a commit may carry: ``Event`` (one), ``Chapter`` (one per chapter concerned),
``Revision`` (with one chapter: its new revision number), ``Signed-Revision`` (the revision a sign-off froze), ``Stage`` (the stage every named chapter
is in after the commit), ``Round``, ``Resolves`` (remark ids), ``Prefect-Run``.
"""

from __future__ import annotations

from collections.abc import Iterable

from drafts.models import ChapterState, CommitRecord, Event, Revision, Stage


def replay(commits: Iterable[CommitRecord]) -> dict[str, ChapterState]:
    """Return the state of every chapter the commits (oldest first) mention."""
    states: dict[str, ChapterState] = {}
    for commit in commits:
        event = commit.value("Event")
        for ch in commit.values("Chapter"):
            before = states.get(ch) or ChapterState(id=ch)
            states[ch] = _apply(before, commit, event)
    return states


def _apply(state: ChapterState, commit: CommitRecord, event: str | None) -> ChapterState:
    changes: dict[str, object] = {
        "last_change": commit.date,
        "last_author": commit.author,
        "last_event": event,
    }
    revision = commit.value("Revision")
    if revision is not None and revision.isdigit():
        changes["revision"] = int(revision)
    stage = commit.value("Stage")
    if stage is not None and stage in Stage._value2member_map_:
        changes["stage"] = Stage(stage)
        if stage == Stage.SIGNED_OFF:
            signed = commit.value("Signed-Revision")
            changes["signed_revision"] = int(signed) if signed else state.revision
    if event == Event.ROUND_OPEN:
        changes["round"] = commit.value("Round")
    if event == Event.NEXT_CYCLE:
        changes["cycle"] = state.cycle + 1
        changes["round"] = None
    return state.model_copy(update=changes)


def revisions(commits: Iterable[CommitRecord], chapter: str) -> list[Revision]:
    """Return the revisions of ``chapter`` in order, from the commits (oldest first)."""
    found = []
    for c in commits:
        number = c.value("Revision")
        if chapter in c.values("Chapter") and number is not None and number.isdigit():
            found.append(
                Revision(
                    chapter=chapter,
                    number=int(number),
                    commit=c.sha,
                    date=c.date,
                    author=c.author,
                    email=c.email,
                    subject=c.subject,
                    event=c.value("Event") or "",
                )
            )
    return found
