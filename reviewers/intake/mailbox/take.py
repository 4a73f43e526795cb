"""One fetched message taken into the workspace, exactly once.

``take(ws, raw, source, actor)``:

1. **store**: ``mail/<key>/message.eml`` (the bytes as fetched), ``message.yaml`` (its own
   metadata, where it came from, its attachments' hashes) and ``returns/<sha256>.docx`` of each
   Word file from a known sender in one commit (``Event: mail``), unless committed already (a
   re-run after a crash);
2. **intake**: each attachment as ``message.plan`` decides: through ``ingest`` (read and
   identified with the claim the message supports; a .odt/.doc converted first, the .docx
   committed with the original's hash so an original is converted once), quarantined
   (a sender not in people.yaml), refused (a PDF) or ignored;
3. **outcome**: ``outcome.yaml`` records what became of each attachment, in the commit of the
   message's last return when its last attachment is one, else in a commit of its own.

A message whose outcome is committed is never taken again. A run killed between 1 and 3 is
finished by the next: a file intake already recorded is found by its hash, and a return
recorded after this message was stored is this message's return, not a duplicate.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import BinaryIO

from drafts import layout
from drafts.core import faults, safe
from drafts.core.limits import MB, Limits, TooLarge, too_large
from drafts.models import Event
from drafts.workspace import Actor, Workspace
from reviewers.intake.identify import Claim
from reviewers.intake.ingest import (
    Also,
    Outcome,
    SentCache,
    ingest,
    ingest_data,
    within_limits,
)
from reviewers.intake.mailbox import message, records
from reviewers.intake.mailbox.convert import Converter, convert_step
from reviewers.intake.mailbox.message import CONVERTIBLE
from reviewers.intake.store import hold_oversize, quarantine, receive, returned_before


def store(
    ws: Workspace,
    raw: bytes,
    incoming: message.Incoming,
    source: str,
    actor: Actor,
    returns: list[message.Attachment] = (),  # type: ignore[assignment]
    held: tuple[str, int] | None = None,
    more: dict[str, bytes | None] | None = None,
) -> records.MessageRecord:
    """Commit the message verbatim with its metadata (step 1), unless it is there; with it,
    ``returns/<sha256>.docx`` of each Word file ``returns`` names (intake's verbatim copy).
    ``held`` (where, size): the message is too large to commit and kept there instead of
    ``message.eml``; ``more``: other files of the same commit."""
    key = incoming.key
    stored = records.message(ws, key)
    if stored is not None:
        return stored
    record = records.MessageRecord(
        key=key,
        message_id=incoming.message_id,
        sender=incoming.sender,
        sender_name=incoming.sender_name,
        date=incoming.date,
        subject=incoming.subject,
        in_reply_to=incoming.in_reply_to,
        references=incoming.references,
        source=source,
        fetched=ws.now(),
        attachments=[
            records.AttachmentRecord(name=a.name, sha256=a.sha256, kind=a.kind)
            for a in incoming.attachments
        ],
        held=held[0] if held else None,
        size=held[1] if held else len(raw),
    )
    files: dict[str, bytes | None] = {layout.mail_record(key, "message"): records.dump(record)}
    if held is None:
        files[layout.mail_message(key)] = raw
    files |= more or {}
    trailers = [("Event", Event.MAIL.value), ("Mail-Key", key)]
    for a in returns:
        path = layout.returned(a.sha256)
        if ws.committed(path) is None and ws.committed(layout.quarantined(a.sha256)) is None:
            files[path] = a.data
            trailers.append(("Return-File", path))
    subject = f"Fetch a message from {incoming.sender or 'no sender'}"
    ws.commit(files, subject, trailers, actor, body=f"Subject: {incoming.subject}")
    return record


def _from_history(ws: Workspace, key: str, digest: str) -> Outcome | None:
    """The return of ``digest`` recorded after message ``key`` was stored (a resumed run)."""
    stored_at: int | None = None
    returned = layout.returned(digest)
    for i, c in enumerate(ws.history()):
        if c.value("Mail-Key") == key and stored_at is None:
            stored_at = i
        if (
            stored_at is not None
            and c.value("Event") == Event.RETURN.value
            and c.value("Return-File") == returned
        ):
            return Outcome(
                file="",
                sha256=digest,
                status="recorded",
                message="",
                round=c.value("Round"),
                chapter=c.value("Chapter"),
                reviewer=c.value("Reviewer"),
                packet=c.value("Packet"),
                remarks=int(c.value("Remarks") or 0),
            )
    return None


def _intake(
    ws: Workspace,
    key: str,
    a: message.Attachment,
    claim: Claim,
    actor: Actor,
    cache: SentCache,
    also: Also | None = None,
    checked: bool = False,
) -> records.AttachmentOutcome:
    """Intake of an attachment: from memory when ``_beyond_limits`` found it within the limits
    (``checked``), else as a file (a converted .docx, which ``ingest`` checks first)."""
    if checked:
        done = ingest_data(ws, a.data, a.name, actor, claim, cache, also)
    else:
        with tempfile.TemporaryDirectory(prefix="penholder-mail-") as tmp:
            path = Path(tmp) / a.name
            path.write_bytes(a.data)
            done = ingest(ws, path, actor, claim, cache, also)
    return _attachment_outcome(ws, key, a, done)


def _attachment_outcome(
    ws: Workspace, key: str, a: message.Attachment, done: Outcome
) -> records.AttachmentOutcome:
    status, text = done.status, done.message
    if status == "duplicate" and (earlier := _from_history(ws, key, a.sha256)) is not None:
        done, status = earlier, "recorded"
        text = f"{a.name}: packet {done.packet} from {done.reviewer}, {done.remarks} remarks"
    return records.AttachmentOutcome(
        name=a.name,
        sha256=a.sha256,
        status=status,
        message=text,
        round=done.round,
        chapter=done.chapter,
        reviewer=done.reviewer,
        packet=done.packet,
        remarks=done.remarks,
    )


def _quarantine(
    ws: Workspace, a: message.Attachment, reason: str, actor: Actor
) -> records.AttachmentOutcome:
    """A stranger's file: kept in quarantine (or reported, when the same bytes came before)."""
    stored = receive(ws, a.data, a.name, actor)
    seen = returned_before(ws, stored)
    if seen is not None:
        text = f"{a.name} was already received on {seen[0]:%Y-%m-%d %H:%M} as packet {seen[1]}"
        return records.AttachmentOutcome(
            name=a.name, sha256=a.sha256, status="duplicate", message=text, packet=seen[1]
        )
    if ws.committed(layout.quarantined(a.sha256)) is None:
        quarantine(ws, a.data, a.name, reason, actor)
    text = f"{reason} (kept in {layout.quarantined(a.sha256)})"
    return records.AttachmentOutcome(
        name=a.name, sha256=a.sha256, status="quarantined", message=text
    )


def _beyond_limits(steps: list[message.Step], limits: Limits) -> list[message.Step]:
    """``steps`` with every file that could be a return and is beyond ``limits`` (size, parts,
    unpacked XML, nodes) turned into an ``oversize`` step: never committed, never converted."""
    out = []
    for s in steps:
        a = s.attachment
        if s.action in ("intake", "quarantine") and a.kind in (message.WORD, *CONVERTIBLE):
            try:
                within_limits(a.data, a.name, limits)
            except TooLarge as e:
                s = message.Step(a, "oversize", str(e))
        out.append(s)
    return out


def _oversize(
    ws: Workspace, a: message.Attachment, reason: str, actor: Actor
) -> records.AttachmentOutcome:
    """A file beyond the limits: held in git-ignored ``quarantine/oversize/``, its note committed."""
    _, where = hold_oversize(ws, a.data, a.name, reason, actor)
    return records.AttachmentOutcome(
        name=a.name, sha256=a.sha256, status="quarantined", message=f"{reason} (kept in {where})"
    )


def _kept_conversions(ws: Workspace, converter: Converter, actor: Actor) -> Converter:
    """``converter``, converting each original once: LibreOffice writes different bytes each
    time, so the .docx made of an original is committed with a ``Converted-From`` trailer (its
    SHA-256) and given again for the same original: a resend of the same .doc is a duplicate,
    and a run killed after the conversion reads the same .docx when resumed."""

    def convert(data: bytes, name: str) -> bytes:
        original = hashlib.sha256(data).hexdigest()
        for c in reversed(ws.history()):
            if c.value("Converted-From") == original:
                digest = PurePath(c.value("Return-File") or "").stem
                for path in (layout.returned(digest), layout.quarantined(digest)):
                    done = ws.committed(path)
                    if done is not None:
                        return done
        docx = converter(data, name)
        digest = hashlib.sha256(docx).hexdigest()
        path = layout.returned(digest)
        trailers = [
            ("Event", Event.RECEIVED.value),
            ("Return-File", path),
            ("Converted-From", original),
        ]
        if ws.committed(path) is None and ws.committed(layout.quarantined(digest)) is None:
            ws.commit({path: docx}, f"Receive {name}, converted to .docx", trailers, actor)
        return docx

    return convert


def _noted(
    got: records.AttachmentOutcome, original: message.Attachment, read: message.Attachment
) -> records.AttachmentOutcome:
    """A converted file's outcome says so."""
    if original is read:
        return got
    note = f" (converted from {original.name} with LibreOffice)"
    return got.model_copy(
        update={"name": original.name, "converted_to": read.name, "message": got.message + note}
    )


def take(
    ws: Workspace,
    raw: bytes,
    source: str,
    actor: Actor,
    *,
    cache: SentCache | None = None,
    threads: dict[str, tuple[str, str]] | None = None,
    acknowledge: bool = True,
    converter: Converter | None = None,
    incoming: message.Incoming | None = None,
) -> tuple[records.MessageRecord, records.MessageOutcome]:
    """Take one message (see module doc; ``incoming``: ``raw`` parsed, when the caller did);
    return its record and outcome."""
    incoming = incoming or message.parse(raw)
    key = incoming.key
    done = records.outcome(ws, key)
    if done is not None:
        record = records.message(ws, key)
        assert record is not None
        return record, done
    step_plan = message.plan(
        incoming, ws.people, records.threads(ws) if threads is None else threads
    )
    step_plan = message.Plan(
        step_plan.person,
        step_plan.round,
        _beyond_limits(step_plan.steps, ws.guideline.limits.with_env()),
    )
    held = None
    oversize = any(s.action == "oversize" for s in step_plan.steps)
    if oversize and records.message(ws, key) is None:  # the message carries the file too
        _, where = hold_oversize(ws, raw, "", "", actor, ".eml", note=False)
        held = (where, len(raw))
    words = [
        s.attachment
        for s in step_plan.steps
        if s.action == "intake" and s.attachment.kind == message.WORD
    ]
    record = store(ws, raw, incoming, source, actor, words, held)
    faults.point("mail:after-store")
    kept = _kept_conversions(ws, converter, actor) if converter is not None else None
    steps = [  # converted once the message is stored as it came
        convert_step(s, kept) if s.attachment.kind in message.CONVERTIBLE else s
        for s in step_plan.steps
    ]
    claim = Claim(round=step_plan.round, reviewer=step_plan.person)
    trailers = [("Event", Event.MAIL.value), ("Mail-Key", key)]
    cache = cache or SentCache()
    results: list[records.AttachmentOutcome] = []
    committed = False

    def outcome_of(rows: list[records.AttachmentOutcome]) -> records.MessageOutcome:
        return records.MessageOutcome(
            key=key,
            person=step_plan.person,
            status="handled" if step_plan.takes else "ignored",
            attachments=rows,
            acknowledge=acknowledge and step_plan.takes and step_plan.person is not None,
        )

    def with_return(done: Outcome) -> dict[str, bytes | None]:
        """The last file of the message is a return: its outcome is committed with it."""
        nonlocal committed
        committed = True
        last = _attachment_outcome(ws, key, steps[-1].attachment, done)
        last = _noted(last, step_plan.steps[-1].attachment, steps[-1].attachment)
        return {layout.mail_record(key, "outcome"): records.dump(outcome_of([*results, last]))}

    for n, step in enumerate(steps):
        a = step.attachment
        if step.action == "intake":
            also = with_return if n == len(steps) - 1 else None
            checked = a is step_plan.steps[n].attachment  # not converted: measured above
            got = _intake(ws, key, a, claim, actor, cache, also, checked)
            results.append(_noted(got, step_plan.steps[n].attachment, a))
        elif step.action == "quarantine":
            results.append(_quarantine(ws, a, step.reason, actor))
        elif step.action == "oversize":
            results.append(_oversize(ws, a, step.reason, actor))
        else:
            status = "refused" if step.action == "refuse" else "ignored"
            results.append(
                records.AttachmentOutcome(
                    name=a.name, sha256=a.sha256, status=status, message=step.reason
                )
            )
    outcome = outcome_of(results)
    if not committed:
        taken = sum(1 for r in results if r.status == "recorded")
        ws.commit(
            {layout.mail_record(key, "outcome"): records.dump(outcome)},
            f"Take a message from {incoming.sender or 'no sender'}: {taken} returns",
            trailers,
            actor,
        )
    return record, outcome


def take_too_large(
    ws: Workspace,
    head: bytes,
    source: str,
    size: int,
    stream: Callable[[BinaryIO], None],
    actor: Actor,
    *,
    acknowledge: bool = True,
) -> tuple[records.MessageRecord, records.MessageOutcome]:
    """Take a message beyond ``limits: mail_mb`` (``head``: its header alone) without holding it:
    ``stream`` copies it, chunk by chunk, to git-ignored ``quarantine/oversize/<sha256>.eml``;
    its note, ``message.yaml`` and ``outcome.yaml`` are committed, and its sender (when in
    people.yaml) is told why."""
    incoming = message.parse(head)
    key = incoming.key
    done, stored = records.outcome(ws, key), records.message(ws, key)
    if done is not None and stored is not None:
        return stored, done
    limits = ws.guideline.limits.with_env()
    label = safe.line(f"the message from {incoming.sender or 'no sender address'}")
    reason = str(
        too_large(label, f"is {size / MB:.1f} MB", f"{limits.mail_mb:g} MB", "mail_mb", "a message")
    )
    digest, where = hold_oversize(ws, stream, label, reason, actor, ".eml")
    person = message.plan(incoming, ws.people, {}).person
    outcome = records.MessageOutcome(
        key=key,
        person=person,
        status="handled",
        attachments=[
            records.AttachmentOutcome(
                name="the message", sha256=digest, status="quarantined",
                message=f"{reason} (kept in {where})",
            )
        ],
        acknowledge=acknowledge and person is not None,
    )  # fmt: skip
    more: dict[str, bytes | None] = {layout.mail_record(key, "outcome"): records.dump(outcome)}
    record = store(ws, head, incoming, source, actor, held=(where, size), more=more)
    return record, outcome
