"""Replaying the workspace's commits into each chapter's state (pure: no git, no files).

Trailers a commit may carry: ``Event`` (one), ``Chapter`` (one per chapter concerned),
``Revision`` (with one chapter: its new revision number), ``Signed-Revision`` (the revision a sign-off froze), ``Stage`` (the stage every named chapter
is in after the commit), ``Round``, ``Resolves`` (remark ids), ``Prefect-Run``.
``parse_log`` reads the records out of ``git log -z --format=log_format(nonce)`` (the workspace
runs it). ``replay`` and ``index_revisions`` fold commits into what a ``Summary`` holds (each chapter's
state, each chapter's revisions), from nothing or from an earlier summary: the workspace keeps
one per HEAD under ``.git/penholder/`` and folds only the commits made since. ``ledger`` folds
them likewise into what a ``Ledger`` holds: what the status reads of the history besides (when
each chapter entered its stage; the return, round-close and consolidation commits).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from drafts.core import safe
from drafts.models import ChapterState, CommitRecord, Event, Revision, Stage


class Summary(BaseModel):
    """What replaying the history up to ``head`` yields: every chapter's state and revisions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    head: str
    commits: int
    states: dict[str, ChapterState]
    revisions: dict[str, list[Revision]]


def summarise(commits: list[CommitRecord], head: str, since: Summary | None = None) -> Summary:
    """Return the summary of ``since`` (None: nothing) followed by ``commits`` (oldest first)."""
    return Summary(
        head=head,
        commits=(since.commits if since else 0) + len(commits),
        states=replay(commits, since.states if since else None),
        revisions=index_revisions(commits, since.revisions if since else None),
    )


#: the events whose commits a ``Ledger`` keeps: what the status reads of the history again
LEDGER_EVENTS = frozenset({Event.RETURN.value, Event.ROUND_CLOSE.value, Event.CONSOLIDATE.value})


def _flat(kept: list[tuple[int, CommitRecord]]) -> list[list[object]]:
    """The ledger's commits as its file keeps them: one flat list each (position, sha, author,
    e-mail, date, subject, then each trailer's key and value), read back about three times
    faster than an object each (a ledger holds a few thousand)."""
    return [
        [pos, c.sha, c.author, c.email, c.date.isoformat(), c.subject, *sum(c.trailers, ())]
        for pos, c in kept
    ]


def _unflat(value: object) -> object:
    """Return the commits of ``_flat``'s lists (any other value is left to the model to judge);
    raise ValueError on a list that is not one of them."""
    if not isinstance(value, list) or not all(isinstance(e, list) for e in value):
        return value
    found = []
    for entry in value:
        pos, texts = entry[0], entry[1:]
        if type(pos) is not int or len(texts) < 5 or len(texts) % 2 == 0:
            raise ValueError("not a commit of the ledger")
        if not all(isinstance(t, str) for t in texts):
            raise ValueError("not a commit of the ledger")
        sha, author, email, date, subject, *trailers = texts
        pairs = tuple(zip(trailers[::2], trailers[1::2], strict=True))
        found.append((pos, _commit(sha, author, email, date, subject, pairs)))
    return found


class Ledger(BaseModel):
    """What replaying the history up to ``head`` yields besides the ``Summary``, for the status:
    when each chapter entered the stage it is in (``stage_since``; ``stages``: the last ``Stage``
    trailer each chapter got), and the commits of ``LEDGER_EVENTS`` with their positions in
    the history (0: the first commit), oldest first. Its size grows with those commits, not with
    the others; it is kept apart from the summary, which every state change rewrites."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    head: str
    commits: int
    stages: dict[str, str]
    stage_since: dict[str, datetime]
    kept: Annotated[
        list[tuple[int, CommitRecord]],
        BeforeValidator(_unflat),
        PlainSerializer(_flat, when_used="json"),
    ]


def ledger(commits: list[CommitRecord], head: str, since: Ledger | None = None) -> Ledger:
    """Return the ledger of ``since`` (None: nothing) followed by ``commits`` (oldest first)."""
    start = since.commits if since else 0
    stages = dict(since.stages) if since else {}
    entered = dict(since.stage_since) if since else {}
    kept = list(since.kept) if since else []
    for pos, c in enumerate(commits, start):
        moved = c.value("Stage")
        for ch in c.values("Chapter"):
            if ch not in entered or (moved is not None and moved != stages.get(ch)):
                entered[ch] = c.date
            if moved is not None:
                stages[ch] = moved
        if c.value("Event") in LEDGER_EVENTS:
            kept.append((pos, c))
    return Ledger(
        head=head, commits=start + len(commits), stages=stages, stage_since=entered, kept=kept
    )


def replay(
    commits: Iterable[CommitRecord], start: Mapping[str, ChapterState] | None = None
) -> dict[str, ChapterState]:
    """Return the state of every chapter the commits (oldest first) mention, after ``start``."""
    states: dict[str, ChapterState] = dict(start or {})
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
    return index_revisions(commits).get(chapter, [])


def index_revisions(
    commits: Iterable[CommitRecord], start: Mapping[str, list[Revision]] | None = None
) -> dict[str, list[Revision]]:
    """Return every chapter's revisions in order: ``start``'s, then those of ``commits``."""
    found = {ch: list(revs) for ch, revs in (start or {}).items()}
    for c in commits:
        number = c.value("Revision")
        if number is None or not number.isdigit():
            continue
        for chapter in c.values("Chapter"):
            found.setdefault(chapter, []).append(
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


def commit_message(subject: str, body: str, trailers: Iterable[tuple[str, str]]) -> str:
    """Return a commit's message: subject, body, trailers, each made safe (``drafts.core.safe``):
    one line of subject, no control character but newlines in the body, one line per trailer, so
    no value a user supplied can add a trailer or a line, or break ``parse_log``."""
    message = safe.line(subject.strip()) + "\n\n"
    text = safe.text(body.strip())
    message += text + "\n\n" if text else ""
    for key, value in trailers:
        name = "".join(ch for ch in key if ch.isascii() and (ch.isalnum() or ch == "-")) or "X"
        message += f"{name}: {safe.line(str(value).strip())}\n"
    return message


#: the fields ``log_format`` asks git for, in order (the subject last: it is the freest text)
_FIELDS = ["%H", "%P", "%an", "%ae", "%aI", "%(trailers:only,unfold)", "%s"]


def log_format(nonce: str) -> str:
    """Return the ``git log -z --format`` whose output ``parse_log`` reads.

    Each field is introduced by NUL and ``nonce`` (a random token the caller makes for this one
    call), commits end in NUL (``-z``): no subject, body, trailer or name, whatever bytes it holds,
    can contain the token, so none can start a field or a commit of its own."""
    return "".join(f"%x00{nonce}{field}" for field in _FIELDS)


def log_command(nonce: str, *revisions: str, topo: bool = True) -> list[str]:
    """Return the ``git log`` command whose output ``parse_log(out, nonce)`` reads: every commit
    of ``revisions``, parents before children. ``topo=False`` drops ``--topo-order``, which makes
    git walk the whole history before it shows a commit (without a commit-graph): for the last
    few commits (``--max-count``) of a line, whose order is the line's without it."""
    args = ["git", "log", "-z", *(["--topo-order"] if topo else []), "--reverse", "--no-color"]
    return [*args, f"--format={log_format(nonce)}", *revisions, "--"]


def parse_log(out: str, nonce: str) -> list[CommitRecord]:
    """Return the commit records of ``git log -z --format=log_format(nonce)`` output, in order."""
    return [record for record, _ in parse_log_parents(out, nonce)]


def parse_log_parents(out: str, nonce: str) -> list[tuple[CommitRecord, list[str]]]:
    """Like ``parse_log``, each record with its parents' shas."""
    parts = out.split(f"\0{nonce}")
    n = len(_FIELDS)
    if (len(parts) - 1) % n or parts[0].strip("\0\n"):
        raise ValueError("git log output is not in the format asked for")
    return [_record(parts[i : i + n]) for i in range(1, len(parts), n)]


def _record(fields: list[str]) -> tuple[CommitRecord, list[str]]:
    sha, parents, author, email, date, trailer_text, subject = fields
    subject = subject.removesuffix("\0")  # -z ends every commit but the last with NUL
    trailers = []
    for line in trailer_text.split("\n"):  # not splitlines(): 0x1C-0x1E and 0x85 end no line here
        key, sep, value = line.partition(":")
        if sep:
            trailers.append((key.strip(), value.strip()))
    return _commit(sha, author, email, date, subject, tuple(trailers)), parents.split()


def _commit(
    sha: str,
    author: str,
    email: str,
    date: str,
    subject: str,
    trailers: tuple[tuple[str, str], ...],
) -> CommitRecord:
    """A commit's record from git's fields, as git wrote them (not validated again: the log's
    parse and the ledger's file are the only callers)."""
    return CommitRecord.model_construct(
        sha=sha,
        author=author,
        email=email,
        date=datetime.fromisoformat(date),
        subject=subject,
        trailers=trailers,
    )
