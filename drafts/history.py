"""Replaying the workspace's commits into each chapter's state (pure: no git, no files).

Trailers a commit may carry: ``Event`` (one), ``Chapter`` (one per chapter concerned),
``Revision`` (with one chapter: its new revision number), ``Signed-Revision`` (the revision a sign-off froze), ``Stage`` (the stage every named chapter
is in after the commit), ``Round``, ``Resolves`` (remark ids), ``Prefect-Run``.
``parse_log`` reads the records out of ``git log --format=LOG_FORMAT`` (the workspace runs it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

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


_US, _RS = "\x1f", "\x1e"
#: the ``git log --format`` whose output ``parse_log`` reads: fields apart by US, commits by RS
LOG_FORMAT = _US.join(["%H", "%an", "%ae", "%aI", "%s", "%(trailers:only,unfold)"]) + _RS


def parse_log(out: str) -> list[CommitRecord]:
    """Return the commit records of ``git log --format=LOG_FORMAT`` output, in its order."""
    return [_record(chunk) for chunk in out.split(_RS) if chunk.strip()]


def _record(chunk: str) -> CommitRecord:
    sha, author, email, date, subject, trailer_text = chunk.strip("\n").split(_US, 5)
    trailers = []
    for line in trailer_text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            trailers.append((key.strip(), value.strip()))
    return CommitRecord(
        sha=sha,
        author=author,
        email=email,
        date=datetime.fromisoformat(date),
        subject=subject,
        trailers=tuple(trailers),
    )
