"""Sending a round's packets and reminders (builds on ``packets``, ``letters`` and ``mail``).

``send_packets(ws, round_id, actor)``: every reviewer of an open round whose packet has not
left yet (message key ``packet-<reviewer>``) gets their packet built and sent; messages left
unsent by an earlier failure are retried. Safe to run again: nothing is sent twice.

``remind(ws, round_id, actor)``: every reviewer with an item sent but neither returned nor
excused whom the guideline's reminder policy says to remind today (``reviewers.rounds.
reminders``; ``force`` reminds them all) gets one polite reminder (key
``reminder-<reviewer>-<today>``), so never two on the same day; before the due date it is a
friendly note, after it a request for the late comments. ``reminder_plan`` says who would be
reminded and why, without sending.
Both record what left with one commit (``reviewers.send.mail.deliver``).
"""

from __future__ import annotations

from drafts import layout
from drafts.core.progress import each
from drafts.workspace import Actor, Workspace
from reviewers.models import ItemState, MessageKind
from reviewers.rounds import records, reminders, tracking
from reviewers.send import letters
from reviewers.send.mail import Delivery, Outgoing, deliver
from reviewers.send.packets import Renderer, build_packet, live_items

REMINDABLE = (ItemState.SENT, ItemState.LATE)


def packet_key(reviewer: str) -> str:
    return f"packet-{reviewer}"


def reminder_key(reviewer: str, day: str) -> str:
    return f"reminder-{reviewer}-{day}"


def send_packets(
    ws: Workspace,
    round_id: str,
    actor: Actor,
    *,
    renderer: Renderer | None = None,
) -> Delivery:
    """Build and send the packet of every reviewer who has not been sent one; retry unsent."""
    rnd = records.require_open(ws, round_id, f"send the packets of round {round_id}")
    log = records.load_sent(ws, round_id)
    label = ws.guideline.label
    outgoing = []
    for reviewer_id in each(rnd.reviewers, f"round {round_id}: building packets"):
        key = packet_key(reviewer_id)
        items = live_items(rnd, reviewer_id)
        if log.has(key) or not items:
            continue
        unsent = ws.root / layout.mail_folder(round_id, "unsent") / f"{key}.eml"
        if unsent.exists():  # built and composed before: resend those same bytes
            continue
        person = ws.person(reviewer_id)
        packet = build_packet(ws, rnd, person, renderer)
        chapters = letters.chapters_phrase([i.chapter for i in items])
        outgoing.append(
            Outgoing(
                key=key,
                kind=MessageKind.PACKET,
                reviewer=person,
                subject=f"{label}: please review {chapters} by {rnd.due} (round {rnd.id})",
                text=(packet.folder / "Cover letter.txt").read_text(encoding="utf-8"),
                attachments=[packet.zip],
                packets=[i.packet for i in items],
            )
        )
    return deliver(ws, round_id, outgoing, actor)


def reminder_targets(ws: Workspace, round_id: str) -> dict[str, list[str]]:
    """Return ``{reviewer: [chapter, ...]}`` of items sent but not returned nor excused."""
    status = tracking.round_status(ws, round_id)
    targets: dict[str, list[str]] = {}
    for item in status.items:
        if item.state in REMINDABLE:
            targets.setdefault(item.reviewer, []).append(item.chapter)
    return targets


def reminder_plan(ws: Workspace, round_id: str) -> list[reminders.Plan]:
    """Who the policy reminds today and why, and when the others are next reminded."""
    status = tracking.round_status(ws, round_id)
    if not status.open:
        return []
    return reminders.plan(status, ws.guideline.reminders, ws.guideline.holidays)


def remind(ws: Workspace, round_id: str, actor: Actor, *, force: bool = False) -> Delivery:
    """Send one reminder to each reviewer the policy reminds today (``force``: each still owing
    a return); never twice the same day."""
    rnd = records.require_open(ws, round_id, f"send reminders for round {round_id}")
    today = ws.now().date()
    label = ws.guideline.label
    outgoing = []
    due = {p.reviewer for p in reminder_plan(ws, round_id) if p.remind}
    targets = reminder_targets(ws, round_id).items()
    for reviewer_id, chapters in each(targets, f"round {round_id}: writing reminders"):
        if not force and reviewer_id not in due:
            continue
        person = ws.person(reviewer_id)
        items = [i for i in live_items(rnd, reviewer_id) if i.chapter in chapters]
        text = letters.plain(letters.reminder_text(ws, person, rnd, items, today))
        when = "overdue since" if today > rnd.due else "due"
        outgoing.append(
            Outgoing(
                key=reminder_key(reviewer_id, today.isoformat()),
                kind=MessageKind.REMINDER,
                reviewer=person,
                subject=f"Reminder: {label}, review round {rnd.id} {when} {rnd.due}",
                text=text,
                packets=[i.packet for i in items],
            )
        )
    return deliver(ws, round_id, outgoing, actor)
