"""Intake of returned files: stored verbatim first, then read, identified and turned into remarks.

For each file, in this order (each commit one state change):

0. **limits**: a FIFO, device or /proc file is refused by type before it is opened; a file
   beyond the workspace's limits (size, parts, unpacked XML, XML nodes: ``drafts.core.limits``)
   is read with bounded memory and held in git-ignored ``quarantine/oversize/``, its hash and
   reason committed (``quarantine/<sha256>.yaml``); git never stores it.
1. **receive**: ``returns/<sha256>.docx``, byte for byte, committed (``Event: received``) before
   the file is parsed at all; skipped when that file is already committed (a re-run).
2. **read** with the review-annotation reader; **identify** (``reviewers.intake.identify``).
   A refusal commits ``quarantine/<sha256>.yaml`` (file name, reason, when) and moves the copy to
   ``quarantine/<sha256>.docx``; nothing else changes.
3. **remarks**: the base revision is rendered as it was sent, both are read and aligned
   (``reviewers.intake.extract``); a marked-up redline (identified by its ``penholder.kind``)
   is read with the pen-holder's changes accepted, so its text is the round's revision and only
   the reviewer's remarks remain, mapped to that revision; the remarks get ids and are
   committed with the return
   (``Event: return`` with ``Packet``, ``Round``, ``Chapter``, ``Reviewer``, ``Return-File``,
   ``Received`` trailers, which round tracking reads).

The verbatim store and quarantine are ``reviewers.intake.store``; what recording a return changes
is decided by ``reviewers.intake.record.plan_return`` (pure); this module reads, orchestrates and
commits. What was sent is the round's one render (``drafts.word.revision.sent_render``, the file
every packet of the round was restamped from), read once per chapter revision in a run.

A crash anywhere leaves the file in the workspace; running intake again finishes the job once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from drafts import layout
from drafts.blocks import BlockMap
from drafts.blockstore import load as load_block_map
from drafts.core import faults, safe
from drafts.core.errors import DocumentError, PenholderError, ReturnRefused
from drafts.core.limits import MB, Limits, TooLarge, read_bounded, refuse_special, too_large
from drafts.core.progress import current
from drafts.ooxml.read.package import measure
from drafts.ooxml.read.reader import Annotations, read_annotations
from drafts.ooxml.write.tracked import accept_author
from drafts.word.revision import redline_author, sent_render
from drafts.workspace import Actor, Workspace
from reviewers.intake.extract import extract
from reviewers.intake.identify import Claim, Identified, identify
from reviewers.intake.record import plan_return
from reviewers.intake.remarks import ReturnRemarks, load_set, remark_paths
from reviewers.intake.store import (
    ReturnIndex,
    hold_oversize,
    quarantine,
    receive,
    returned_before,
    sha256,
)
from reviewers.rounds.records import RoundBook

__all__ = [
    "Also", "Outcome", "SentCache", "ingest", "ingest_all", "ingest_data", "record_identified",
    "sha256", "within_limits",
]  # fmt: skip


class Outcome(BaseModel):
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
    kind: str | None = None  # "chapter" or "redline"
    confidence: float | None = None
    late: bool = False
    remarks: int = 0


@dataclass
class SentCache:
    """What one intake run reads once: what was sent, read once per (round, chapter, revision),
    its block map, the sets of remarks already committed (each remark file is read once:
    its path names the return it came from, so a path seen again is the same set), the round
    records (each parsed once) and the returns recorded (the history read through once): the
    cost of one return does not grow with the returns before it."""

    read: dict[tuple[str, str, int], Annotations] = field(default_factory=dict)
    maps: dict[tuple[str, int], BlockMap] = field(default_factory=dict)
    sets: dict[str, ReturnRemarks] = field(default_factory=dict)
    rounds: RoundBook = field(default_factory=RoundBook)
    returns: ReturnIndex = field(default_factory=ReturnIndex)

    def get(self, ws: Workspace, round_id: str, chapter: str, revision: int) -> Annotations:
        """Return the reader's view of the round's render of ``chapter`` at ``revision``."""
        key = (round_id, chapter, revision)
        if key not in self.read:
            self.read[key] = read_annotations(sent_render(ws, round_id, chapter, revision))
        return self.read[key]

    def block_map(self, ws: Workspace, chapter: str, revision: int) -> BlockMap:
        """Return the committed block map of ``chapter`` at ``revision``."""
        key = (chapter, revision)
        if key not in self.maps:
            self.maps[key] = load_block_map(ws, chapter, revision)
        return self.maps[key]

    def existing(self, ws: Workspace, chapter: str, round_id: str) -> list[ReturnRemarks]:
        """Return what ``load_all(ws, chapter, round_id)`` returns, reading only new files."""
        paths = remark_paths(ws, chapter, round_id)
        for path in paths:
            if path not in self.sets:
                self.sets[path] = load_set(ws, path)
        return [self.sets[path] for path in paths]


def within_limits(data: bytes, name: str, limits: Limits) -> None:
    """Raise TooLarge when ``data``, a file already in memory (a message's attachment), is beyond
    ``limits``: the same checks ``ingest`` makes of a file before anything stores it."""
    if len(data) > limits.file_bytes:
        raise too_large(name, f"is {len(data) / MB:.1f} MB", f"{limits.file_mb:g} MB", "file_mb")
    measure(data, name, limits)


#: files a caller adds to the commit that records a return, given what intake did
Also = Callable[[Outcome], dict[str, bytes | None]]


def ingest(
    ws: Workspace,
    path: Path,
    actor: Actor,
    claim: Claim = Claim(),
    cache: SentCache | None = None,
    also: Also | None = None,
) -> Outcome:
    """Take one returned file into the workspace; refusals are quarantined, never raised.
    ``also(outcome)`` names files committed with the return (the mail's outcome record).

    Before anything is stored: a FIFO, device or /proc file is refused by its type
    (NotAWordDocument, raised); a file beyond the workspace's limits (``limits:`` in
    guideline.yaml) is held in the git-ignored ``quarantine/oversize/``, only its hash and the
    reason committed."""
    name = safe.line(path.name)
    limits = ws.guideline.limits.with_env()
    refuse_special(path, str(path))
    try:
        data = read_bounded(path, limits.file_bytes, name)
        measure(data, name, limits)
    except TooLarge as e:
        digest, where = hold_oversize(ws, path, name, str(e), actor)
        return Outcome(
            file=name, sha256=digest, status="quarantined", message=f"{e} (kept in {where})"
        )
    return ingest_data(ws, data, name, actor, claim, cache, also)


def ingest_data(
    ws: Workspace,
    data: bytes,
    name: str,
    actor: Actor,
    claim: Claim = Claim(),
    cache: SentCache | None = None,
    also: Also | None = None,
) -> Outcome:
    """``ingest`` of a file already in memory and found within the limits (``within_limits``:
    a message's attachment), from its verbatim store on; ``name`` is made safe as a line."""
    name = safe.line(name)
    cache = cache or SentCache()
    digest = sha256(data)
    stored = receive(ws, data, name, actor)
    faults.point("intake:after-verbatim")
    seen = returned_before(ws, stored, cache.returns)
    if seen is not None:
        when, packet = seen
        return Outcome(
            file=name,
            sha256=digest,
            status="duplicate",
            message=f"{name} was already received on "
            f"{when:%Y-%m-%d %H:%M} as packet {packet}; nothing recorded",
            packet=packet,
        )
    try:
        ann = read_annotations(data, name)
        faults.point("intake:after-read")
        found = identify(ws, ann, name, claim, cache.rounds)
        return record_identified(ws, data, name, ann, found, actor, cache, also)
    except (DocumentError, ReturnRefused) as e:
        reason = str(e) if name in str(e) else f"{name}: {e}"
    except PenholderError:
        raise  # the workspace itself refused (edits in the way, identity): nothing to quarantine
    except Exception as e:  # a file nobody foresaw must not crash intake or be lost
        reason = f"{name} could not be read ({type(e).__name__}: {e}); please report it"
    where = quarantine(ws, data, name, reason, actor)
    return Outcome(
        file=name, sha256=digest, status="quarantined", message=f"{reason} (kept in {where})"
    )


def record_identified(
    ws: Workspace,
    data: bytes,
    name: str,
    ann: Annotations,
    found: Identified,
    actor: Actor,
    cache: SentCache,
    also: Also | None = None,
    more: list[tuple[str, str]] | None = None,
) -> Outcome:
    """Read the remarks of an identified return, then commit what ``plan_return`` decides
    (with the trailers ``more``: a release's ``Released-By``)."""
    rnd, item = found.round, found.item
    sent = cache.get(ws, rnd.id, item.chapter, item.revision)
    if found.kind == "redline":
        ann = _redline_read(ws, data)
    drafts = extract(sent, ann, cache.block_map(ws, item.chapter, item.revision))
    digest = sha256(data)
    plan = plan_return(
        found,
        drafts,
        data=data,
        name=name,
        digest=digest,
        received=ws.now(),
        reviewer_name=ws.person(item.reviewer).name,
        existing=cache.existing(ws, item.chapter, rnd.id),
        was_quarantined=ws.committed(layout.quarantined(digest)) is not None,
    )
    outcome = Outcome(
        file=name,
        sha256=digest,
        status="recorded",
        message=plan.message
        if found.kind == "chapter"
        else f"{plan.message} (its redline, marked up: read against the redline, remarks mapped "
        f"to revision {item.revision})",
        round=rnd.id,
        chapter=item.chapter,
        reviewer=item.reviewer,
        packet=item.packet,
        how=found.how,
        kind=found.kind,
        confidence=found.confidence,
        late=plan.late,
        remarks=len(plan.record.remarks),
    )
    files = plan.files | (also(outcome) if also is not None else {})
    ws.commit(files, plan.subject, [*plan.trailers, *(more or [])], actor, body=plan.body)
    return outcome


def _redline_read(ws: Workspace, data: bytes) -> Annotations:
    """A marked-up redline read with the pen-holder's changes accepted: its text is then the
    revision the redline led to (the round's), and only the reviewer's own remarks remain."""
    with tempfile.TemporaryDirectory(prefix="penholder-redline-") as tmp:
        returned, accepted = Path(tmp) / "returned.docx", Path(tmp) / "accepted.docx"
        returned.write_bytes(data)
        return read_annotations(accept_author(returned, redline_author(ws), accepted))


def ingest_all(
    ws: Workspace,
    paths: list[Path],
    actor: Actor,
    claim: Claim = Claim(),
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Ingest several files, sharing the rendering of what was sent; after each file, call
    ``progress(done, total)`` when given. A file that cannot be read at all is refused by name."""
    cache = SentCache()
    outcomes: list[Outcome] = []
    current()("reading returns", 0, len(paths))
    for path in paths:
        try:
            outcomes.append(ingest(ws, path, actor, claim, cache))
        except OSError as e:
            raise PenholderError(f"{path}: cannot read the file ({e.strerror})") from e
        if progress is not None:
            progress(len(outcomes), len(paths))
        current()("reading returns", len(outcomes), len(paths))
    return outcomes
