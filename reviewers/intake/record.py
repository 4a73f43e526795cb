"""What recording one identified return means, decided without touching the workspace.

``plan_return(...)`` is pure: from the return as identified, the remarks drafted from it, the
ids already taken and the earlier returns of the same packet, it decides lateness, mints the
remark ids, builds the ``ReturnRemarks`` record and returns a ``ReturnPlan``: the files to write
and delete, the commit's subject, trailers and body, and the sentence to tell the user.
``reviewers.intake.ingest`` commits it.

Rules: a return is late when its round is closed or it arrives after the due date; a second
return of the same packet is the reviewer's latest word and replaces the first (its remarks are
withdrawn, named by ``Supersedes``); a file that was quarantined and is now identified leaves
quarantine in the same commit.
"""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel

from drafts import layout
from drafts.models import Event
from reviewers.intake.extract import Draft
from reviewers.intake.identify import Identified
from reviewers.intake.remarks import Remark, ReturnRemarks, mint_ids


class ReturnPlan(BaseModel):
    """One return, ready to commit."""

    record: ReturnRemarks
    files: dict[str, bytes | None]
    subject: str
    trailers: list[tuple[str, str]]
    body: str
    message: str
    late: bool


def is_late(found: Identified, received: datetime) -> bool:
    """True when the round is closed or ``received`` is after its due date."""
    return found.round.closed is not None or received.date() > found.round.due


def remarks_of(
    drafts: list[Draft],
    found: Identified,
    *,
    taken: list[str],
    reviewer_name: str,
    digest: str,
    received: datetime,
    late: bool,
) -> list[Remark]:
    """Return the remarks of ``drafts`` with new ids after ``taken`` (replies linked)."""
    rnd, item = found.round, found.item
    ids = mint_ids(f"{rnd.id}-{item.chapter}", taken, len(drafts))
    by_comment = {d.comment_id: rid for d, rid in zip(drafts, ids, strict=True) if d.comment_id}
    return [
        Remark(
            id=rid,
            round=rnd.id,
            chapter=item.chapter,
            revision=item.revision,
            reviewer=item.reviewer,
            author=d.author or reviewer_name,
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
        for d, rid in zip(drafts, ids, strict=True)
    ]


def plan_return(
    found: Identified,
    drafts: list[Draft],
    *,
    data: bytes,
    name: str,
    digest: str,
    received: datetime,
    reviewer_name: str,
    existing: list[ReturnRemarks],
    was_quarantined: bool,
) -> ReturnPlan:
    """Decide everything recording this return changes (see module docstring)."""
    rnd, item = found.round, found.item
    late = is_late(found, received)
    taken = [r.id for s in existing for r in s.remarks]
    remarks = remarks_of(
        drafts,
        found,
        taken=taken,
        reviewer_name=reviewer_name,
        digest=digest,
        received=received,
        late=late,
    )
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
        layout.remarks(rnd.id, item.chapter, digest): json.dumps(
            record.model_dump(mode="json", by_alias=True), indent=1, ensure_ascii=False
        ).encode("utf-8"),
        layout.returned(digest): data,
    }
    if was_quarantined:  # named at last: out of quarantine
        files |= {layout.quarantined(digest): None, layout.quarantine_note(digest): None}
    earlier = [s for s in existing if s.packet == item.packet]
    for s in earlier:
        files[layout.remarks(rnd.id, item.chapter, s.sha256)] = None
    trailers = [
        ("Event", Event.RETURN.value),
        ("Round", rnd.id),
        ("Chapter", item.chapter),
        ("Reviewer", item.reviewer),
        ("Packet", item.packet),
        ("Return-File", layout.returned(digest)),
        ("Received", received.isoformat()),
        ("Remarks", str(len(remarks))),
        *[("Supersedes", layout.returned(s.sha256)) for s in earlier],
    ]
    note = " (late)" if late else ""
    if earlier:
        withdrawn = sum(len(s.remarks) for s in earlier)
        note += f"; replaces the earlier return of this packet ({withdrawn} remarks withdrawn)"
    return ReturnPlan(
        record=record,
        files=files,
        subject=f"Return of {item.packet} from {item.reviewer}: {len(remarks)} remarks",
        trailers=trailers,
        body=f"File: {name}\nIdentified by {found.how}.",
        message=f"{name}: packet {item.packet} from {item.reviewer}, {len(remarks)} remarks{note}",
        late=late,
    )
