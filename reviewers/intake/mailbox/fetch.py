"""``fetch(ws, source, actor)``: every new message of a source taken once, replied to, marked.

For each message, in this order: taken (``take``: stored verbatim, then intake, then its
outcome committed), acknowledged (``ack``), then marked on the server (moved or flagged). A
message without a file that could be a return is recorded and listed but left unmarked. A run
killed anywhere is finished by the next: the message, still unmarked, is fetched again and
recognised by its Message-ID. Replies left unsent by an SMTP failure are retried first; the
replies' records are committed together at the end (``ack.record``). A message is parsed once
(``message.parse``), its Message-ID read from that parse; a source may keep the marks of a
run's messages and make them together (``flush``, called once every reply has left).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from pydantic import BaseModel

from drafts import layout
from drafts.core import faults
from drafts.workspace import Actor, Workspace
from reviewers.intake.ingest import SentCache
from reviewers.intake.mailbox import ack, message, records
from reviewers.intake.mailbox.convert import Converter
from reviewers.intake.mailbox.message import header_message_id, message_key
from reviewers.intake.mailbox.sources import Fetch, Known
from reviewers.intake.mailbox.take import take, take_too_large

__all__ = ["Fetched", "Source", "fetch"]


class Source(Protocol):
    def messages(self, known: Known, limit: int) -> Iterator[Fetch]: ...
    def done(self, ref: str) -> None: ...
    def flush(self) -> None: ...


class Fetched(BaseModel):
    """One message of a fetch: its record, outcome, and the reply's fate."""

    message: records.MessageRecord
    outcome: records.MessageOutcome
    ack_problem: str | None = None


def _finished(ws: Workspace, message_id: str) -> bool:
    """Taken, and its reply (if any) left: only the mark on the server may be missing."""
    if not message_id:
        return False
    key = message_key(message_id, b"")
    done = records.outcome(ws, key)
    return (
        done is not None and done.status == "handled" and (not done.acknowledge or _left(ws, key))
    )


def _left(ws: Workspace, key: str) -> bool:
    return records.ack(ws, key) is not None or any(
        (ws.root / layout.ack_folder(box) / f"{key}.eml").exists() for box in ("sent", "mail")
    )


def fetch(
    ws: Workspace, source: Source, actor: Actor, converter: Converter | None = None
) -> list[Fetched]:
    """Take every new message of ``source`` (see module doc); return what became of each."""
    acks = ack.unrecorded(ws)
    for path in sorted((ws.root / layout.ack_folder("unsent")).glob("*.eml")):
        rec, out = records.message(ws, path.stem), records.outcome(ws, path.stem)
        if rec is not None and out is not None:
            acks |= ack.acknowledge(ws, rec, out)[1]
    cache, threads = SentCache(), records.threads(ws)
    wanted = ws.guideline.mail.acknowledge
    results = []
    limit = ws.guideline.limits.with_env().mail_bytes
    for ref, where, raw, size, stream in source.messages(lambda mid: _finished(ws, mid), limit):
        faults.point("mail:after-fetch")
        incoming = message.parse(raw) if raw and stream is None else None  # parsed once
        mid = incoming.message_id if incoming is not None else header_message_id(raw)
        if not raw or _finished(ws, mid):
            # taken and answered before (a copy, or a run killed before marking it)
            source.done(ref)
            continue
        with ws.exclusive(person=actor.name):  # who acts: no git config asked per message
            if incoming is None:  # beyond limits: mail_mb, never held in memory
                assert stream is not None
                record, outcome = take_too_large(
                    ws, raw, where, size, stream, actor, acknowledge=wanted
                )
            else:
                record, outcome = take(
                    ws,
                    raw,
                    where,
                    actor,
                    cache=cache,
                    threads=threads,
                    acknowledge=wanted,
                    converter=converter,
                    incoming=incoming,
                )
            faults.point("mail:after-outcome")
            problem, files = ack.acknowledge(ws, record, outcome)
            acks |= files
        faults.point("mail:after-ack")
        if outcome.status == "handled":
            source.done(ref)
        results.append(Fetched(message=record, outcome=outcome, ack_problem=problem))
    source.flush()  # the marks waiting (``sources``): after every reply has left
    faults.point("mail:after-flag")
    with ws.exclusive(person=actor.name):
        ack.record(ws, acks, actor)
    return results


def listing(ws: Workspace) -> list[Fetched]:
    """Every message fetched so far, with what became of it."""
    found = []
    for key in records.keys(ws):
        record, outcome = records.message(ws, key), records.outcome(ws, key)
        if record is None:
            continue
        found.append(
            Fetched(
                message=record,
                outcome=outcome or records.MessageOutcome(key=key, status="pending"),
            )
        )
    return found
