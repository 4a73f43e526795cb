"""Intake of returned files: stored verbatim first, then read, identified and turned into remarks.

For each file, in this order (each commit one state change):

1. **receive**: ``returns/<sha256>.docx``, byte for byte, committed (``Event: received``) before
   the file is parsed at all; skipped when that file is already committed (a re-run).
2. **read** with the review-annotation reader; **identify** (``reviewers.identify``).
   A refusal commits ``quarantine/<sha256>.yaml`` (file name, reason, when) and moves the copy to
   ``quarantine/<sha256>.docx``; nothing else changes.
3. **remarks**: the base revision is rendered as it was sent, both are read and aligned
   (``reviewers.extract``); the remarks get ids and are committed with the return
   (``Event: return`` with ``Packet``, ``Round``, ``Chapter``, ``Reviewer``, ``Return-File``,
   ``Received`` trailers, which round tracking reads).

A crash anywhere leaves the file in the workspace; running intake again finishes the job once.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from drafts import faults
from drafts.blockstore import load as load_block_map
from drafts.errors import DocumentError, PenholderError, ReturnRefused
from drafts.models import Event
from drafts.ooxml.reader import Annotations, read_annotations
from drafts.word_out import render_revision
from drafts.workspace import Actor, Workspace
from reviewers.extract import Draft, extract
from reviewers.identify import Claim, Identified, identify
from reviewers.remarks import Remark, ReturnRemarks, load_all, mint_ids, relpath


@dataclass
class Outcome:
    """What intake did with one file."""

    file: str
    sha256: str
    status: str  # "recorded", "quarantined", "duplicate"
    message: str
    round: str | None = None
    chapter: str | None = None
    reviewer: str | None = None
    packet: str | None = None
    how: str | None = None
    confidence: float | None = None
    late: bool = False
    remarks: int = 0


@dataclass
class SentCache:
    """What was sent, rendered and read once per (chapter, revision) in one intake run."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="penholder-sent-")))
    read: dict[tuple[str, int], Annotations] = field(default_factory=dict)

    def get(self, ws: Workspace, chapter: str, revision: int) -> Annotations:
        key = (chapter, revision)
        if key not in self.read:
            out = render_revision(ws, chapter, revision, self.folder / f"{chapter}-{revision}.docx")
            self.read[key] = read_annotations(out)
        return self.read[key]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _returned_before(ws: Workspace, stored: str) -> tuple[datetime, str] | None:
    for c in reversed(ws.history()):
        if c.value("Event") == Event.RETURN.value and c.value("Return-File") == stored:
            return c.date, c.value("Packet") or ""
    return None


def receive(ws: Workspace, data: bytes, name: str, actor: Actor) -> str:
    """Commit ``data`` verbatim as ``returns/<sha256>.docx`` (unless there); return that path."""
    digest = sha256(data)
    stored = f"returns/{digest}.docx"
    if ws.committed(stored) is None and ws.committed(f"quarantine/{digest}.docx") is None:
        trailers = [("Event", Event.RECEIVED.value), ("Return-File", stored)]
        ws.commit({stored: data}, f"Receive {name}", trailers, actor)
    return stored


def quarantine(ws: Workspace, data: bytes, name: str, reason: str, actor: Actor) -> str:
    """Move the stored copy to ``quarantine/`` with the reason; one commit; return the path."""
    digest = sha256(data)
    record = {"file": name, "sha256": digest, "reason": reason, "at": ws.now().isoformat()}
    files: dict[str, bytes | None] = {
        f"returns/{digest}.docx": None,
        f"quarantine/{digest}.docx": data,
        f"quarantine/{digest}.yaml": yaml.safe_dump(record, sort_keys=False).encode(),
    }
    trailers = [("Event", Event.QUARANTINE.value), ("Return-File", f"quarantine/{digest}.docx")]
    ws.commit(files, f"Quarantine {name}", trailers, actor, body=reason)
    return f"quarantine/{digest}.docx"


def _remarks(
    drafts: list[Draft],
    found: Identified,
    ws: Workspace,
    digest: str,
    received: datetime,
    late: bool,
) -> list[Remark]:
    rnd, item = found.round, found.item
    prefix = f"{rnd.id}-{item.chapter}"
    taken = [r.id for s in load_all(ws, item.chapter, rnd.id) for r in s.remarks]
    ids = mint_ids(prefix, taken, len(drafts))
    by_comment = {d.comment_id: rid for d, rid in zip(drafts, ids, strict=True) if d.comment_id}
    name = ws.person(item.reviewer).name
    out = []
    for d, rid in zip(drafts, ids, strict=True):
        out.append(
            Remark(
                id=rid,
                round=rnd.id,
                chapter=item.chapter,
                revision=item.revision,
                reviewer=item.reviewer,
                author=d.author or name,
                date=d.date or received.isoformat(),
                kind=d.kind,
                section=" > ".join(d.block.heading_path) if d.block else None,
                block=d.block.id if d.block else None,
                paragraph=d.block.paragraph if d.block else None,
                start=d.start,
                end=d.end,
                anchor_text=d.anchor_text,
                text=d.text,
                proposed=d.proposed,
                parent=by_comment.get(d.parent_comment or ""),
                resolved=d.resolved,
                late=late,
                return_=digest,
                packet=item.packet,
                target_block=d.target_block.id if d.target_block else None,
                target_offset=d.target_offset,
            )
        )
    return out


def ingest(
    ws: Workspace, path: Path, actor: Actor, claim: Claim = Claim(), cache: SentCache | None = None
) -> Outcome:
    """Take one returned file into the workspace; refusals are quarantined, never raised."""
    data = path.read_bytes()
    digest, name = sha256(data), path.name
    stored = receive(ws, data, name, actor)
    faults.point("intake:after-verbatim")
    seen = _returned_before(ws, stored)
    if seen is not None:
        when, packet = seen
        return Outcome(
            name,
            digest,
            "duplicate",
            f"{name} was already received on "
            f"{when:%Y-%m-%d %H:%M} as packet {packet}; nothing recorded",
            packet=packet,
        )
    try:
        ann = read_annotations(data, name)
        faults.point("intake:after-read")
        found = identify(ws, ann, name, claim)
        return _record(ws, data, name, ann, found, actor, cache or SentCache())
    except (DocumentError, ReturnRefused) as e:
        reason = str(e) if name in str(e) else f"{name}: {e}"
    except PenholderError:
        raise  # the workspace itself refused (edits in the way, identity): nothing to quarantine
    except Exception as e:  # a file nobody foresaw must not crash intake or be lost
        reason = f"{name} could not be read ({type(e).__name__}: {e}); please report it"
    where = quarantine(ws, data, name, reason, actor)
    return Outcome(name, digest, "quarantined", f"{reason} (kept in {where})")


def _record(
    ws: Workspace,
    data: bytes,
    name: str,
    ann: Annotations,
    found: Identified,
    actor: Actor,
    cache: SentCache,
) -> Outcome:
    digest = sha256(data)
    rnd, item = found.round, found.item
    received = ws.now()
    late = rnd.closed is not None or received.date() > rnd.due
    sent = cache.get(ws, item.chapter, item.revision)
    drafts = extract(sent, ann, load_block_map(ws, item.chapter, item.revision))
    remarks = _remarks(drafts, found, ws, digest, received, late)
    record = ReturnRemarks(
        round=rnd.id,
        chapter=item.chapter,
        reviewer=item.reviewer,
        revision=item.revision,
        packet=item.packet,
        sha256=digest,
        file=name,
        received=received,
        remarks=remarks,
    )
    files: dict[str, bytes | None] = {
        relpath(rnd.id, item.chapter, digest): json.dumps(
            record.model_dump(mode="json", by_alias=True), indent=1, ensure_ascii=False
        ).encode("utf-8"),
        f"returns/{digest}.docx": data,
    }
    if ws.committed(f"quarantine/{digest}.docx") is not None:  # named at last: out of quarantine
        files |= {f"quarantine/{digest}.docx": None, f"quarantine/{digest}.yaml": None}
    # a second return of the same packet is the reviewer's latest word: it replaces the first
    earlier = [s for s in load_all(ws, item.chapter, rnd.id) if s.packet == item.packet]
    for s in earlier:
        files[relpath(rnd.id, item.chapter, s.sha256)] = None
    trailers = [
        ("Event", Event.RETURN.value),
        ("Round", rnd.id),
        ("Chapter", item.chapter),
        ("Reviewer", item.reviewer),
        ("Packet", item.packet),
        ("Return-File", f"returns/{digest}.docx"),
        ("Received", received.isoformat()),
        ("Remarks", str(len(remarks))),
        *[("Supersedes", f"returns/{s.sha256}.docx") for s in earlier],
    ]
    subject = f"Return of {item.packet} from {item.reviewer}: {len(remarks)} remarks"
    ws.commit(files, subject, trailers, actor, body=f"File: {name}\nIdentified by {found.how}.")
    late_note = " (late)" if late else ""
    if earlier:
        withdrawn = sum(len(s.remarks) for s in earlier)
        late_note += f"; replaces the earlier return of this packet ({withdrawn} remarks withdrawn)"
    return Outcome(
        name,
        digest,
        "recorded",
        f"{name}: packet {item.packet} from {item.reviewer}, {len(remarks)} remarks{late_note}",
        round=rnd.id,
        chapter=item.chapter,
        reviewer=item.reviewer,
        packet=item.packet,
        how=found.how,
        confidence=found.confidence,
        late=late,
        remarks=len(remarks),
    )


def ingest_all(
    ws: Workspace, paths: list[Path], actor: Actor, claim: Claim = Claim()
) -> list[Outcome]:
    """Ingest several files, sharing the rendering of what was sent."""
    cache = SentCache()
    outcomes = []
    for path in paths:
        try:
            outcomes.append(ingest(ws, path, actor, claim, cache))
        except OSError as e:
            raise PenholderError(f"{path}: cannot read the file ({e.strerror})") from e
    return outcomes
