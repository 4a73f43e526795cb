"""What quarantine holds, and taking a held file in as a reviewer's return.

``held(ws)`` lists every file quarantine holds, from the committed notes
``quarantine/<sha256>.yaml`` (the file's name, hash, reason, when; where it is held: committed in
``quarantine/<sha256>.docx``, or beyond the limits in git-ignored ``quarantine/oversize/``).
Files a mail fetch refused are among them: a message's attachments go through the same intake.

``release(ws, ident, reviewer, actor)`` takes the held file whose hash starts with ``ident`` in
as ``reviewer``'s return (of ``packet`` when given): read, identified with that claim (a file
that names another packet or reviewer is still refused, never re-assigned) and recorded as
``return add`` records it, in one commit that also takes it out of quarantine and carries the
``Released-By`` trailer (who released it). A file quarantined because its stamps disagree is
taken in as ``packet`` when one of its stamps names that packet and its text is that packet's
chapter (``identify.released_as``): read against that packet's revision, the commit carries
``Stamps-Disagreed`` (what the other stamps say).
"""

from __future__ import annotations

import yaml
from pydantic import BaseModel

from drafts import layout
from drafts.core.errors import NotFound, ReturnRefused
from drafts.core.limits import read_bounded
from drafts.ooxml.read.package import measure
from drafts.ooxml.read.reader import read_annotations
from drafts.workspace import Actor, Workspace
from reviewers.intake.identify import Claim, identify, released_as
from reviewers.intake.ingest import Outcome, SentCache, record_identified
from reviewers.models import Round, RoundItem
from reviewers.rounds import records


class Held(BaseModel):
    """One file quarantine holds."""

    id: str  # the first 12 hex digits of its hash: what `quarantine release` takes
    sha256: str
    file: str
    reason: str
    at: str
    held: str  # where the bytes are: quarantine/<sha>.docx, or quarantine/oversize/<sha>.docx
    oversize: bool = False


def held(ws: Workspace) -> list[Held]:
    """Every file quarantine holds now, oldest first."""
    found = []
    for path in ws.committed_files(layout.QUARANTINE):
        if path.count("/") != 1 or not path.endswith(".yaml"):
            continue
        note = yaml.safe_load(ws.committed(path) or b"") or {}
        digest = str(note.get("sha256") or path.rsplit("/", 1)[1].removesuffix(".yaml"))
        where = str(note.get("held") or layout.quarantined(digest))
        found.append(
            Held(
                id=digest[:12],
                sha256=digest,
                file=str(note.get("file", "")),
                reason=str(note.get("reason", "")),
                at=str(note.get("at", "")),
                held=where,
                oversize=where == layout.oversize(digest),
            )
        )
    return sorted(found, key=lambda h: (h.at, h.sha256))


def find(ws: Workspace, ident: str) -> Held:
    """The held file whose hash starts with ``ident``, or NotFound naming the way out."""
    ident = ident.strip().lower()
    matches = [h for h in held(ws) if ident and h.sha256.startswith(ident)]
    if len(matches) == 1:
        return matches[0]
    what = "no file" if not matches else f"{len(matches)} files"
    raise NotFound(
        f"{what} in quarantine with an id starting {ident!r}; `penholder quarantine list` "
        "shows each held file's id"
    )


def release(
    ws: Workspace, ident: str, reviewer: str, actor: Actor, packet: str | None = None
) -> Outcome:
    """Take the held file ``ident`` in as ``reviewer``'s return (see the module docstring)."""
    h = find(ws, ident)
    if h.held.endswith(".eml"):
        raise ReturnRefused(
            f"{h.id} is a whole e-mail message ({h.file}) held because it is beyond the limits, "
            f"not a Word file; open {h.held}, save its attachment and take it in with "
            "`penholder return add FILE --reviewer PERSON`"
        )
    ws.person(reviewer)
    claim = Claim(reviewer=reviewer)
    named: tuple[Round, RoundItem] | None = None
    if packet:
        rnd, item = records.find_packet(ws, packet)
        if item.reviewer != reviewer:
            raise ReturnRefused(
                f"packet {packet} was sent to {item.reviewer}, not to {reviewer}; name the "
                "reviewer it was sent to, or that reviewer's packet"
            )
        claim = Claim(round=rnd.id, chapter=item.chapter, reviewer=reviewer)
        named = rnd, item
    limits = ws.guideline.limits.with_env()
    if h.oversize:
        data = read_bounded(ws.root / h.held, limits.file_bytes, h.file)
        measure(data, h.file, limits)  # still beyond the limits: refused as it was
    else:
        data = ws.committed(h.held) or b""
    ann = read_annotations(data, h.file)
    forced = released_as(ann, h.file, *named) if named is not None else None
    found = forced[0] if forced is not None else identify(ws, ann, h.file, claim)
    if packet and found.item.packet != packet:
        raise ReturnRefused(
            f"{h.file} is packet {found.item.packet} (from its {found.how}), not {packet}"
        )
    drop: dict[str, bytes | None] = {layout.quarantine_note(h.sha256): None}
    if not h.oversize:
        drop[layout.quarantined(h.sha256)] = None
    more = [("Released-By", actor.name)]
    if forced is not None:  # its stamps disagree: who released it as which packet, and why
        more.append(("Stamps-Disagreed", forced[1]))
    outcome = record_identified(
        ws, data, h.file, ann, found, actor, SentCache(), also=lambda _: drop, more=more
    )
    if h.oversize:
        (ws.root / h.held).unlink(missing_ok=True)  # committed in returns/ now
    if forced is not None:
        outcome.message += f"; its stamps disagreed ({forced[1]})"
    outcome.message += f"; released from quarantine by {actor.name}"
    return outcome
