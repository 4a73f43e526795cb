"""Round status: for each reviewer x chapter, sent (when), returned (when, which file), late,
missing, excused. Read-only, from the workspace alone.

Sources: ``rounds/<id>/round.yaml`` (items, due, closed), ``rounds/<id>/sent.yaml`` (packets
and reminders that left), and the returns: every commit whose trailers say

    Event: return
    Packet: R1-03-K7Q2        (names round, chapter and reviewer at once), or all three of
    Round: R1 / Chapter: 03 / Reviewer: ana-silva
    Return-File: returns/<sha256>.docx      (optional: the stored file)
    Received: 2024-03-20T09:12:00+03:00     (optional: when it arrived; default the commit date)

marks that item returned. "Today" and "late" use penholder's clock in the guideline's timezone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from drafts.core.errors import NotFound
from drafts.models import CommitRecord, Event
from drafts.workspace import Workspace
from reviewers.models import (
    ItemState,
    ItemStatus,
    MessageKind,
    ReturnRecord,
    Round,
    RoundItem,
    RoundStatus,
    SentMessage,
)
from reviewers.rounds import records


class ReturnIndex:
    """The return and round-close commits of a history, read once: each round then finds its
    returns by packet (and by round for returns naming no packet) instead of reading every
    commit again, so status over many rounds does not cost rounds x commits.

    ``entries`` are ``(position in the history, commit)``, oldest first: every commit
    (``enumerate(history)``) or those the workspace's ledger keeps (``of``)."""

    def __init__(self, entries: Iterable[tuple[int, CommitRecord]]) -> None:
        self.commits: dict[int, CommitRecord] = {}
        self.by_packet: dict[str, list[int]] = {}
        self.unnamed: dict[str, list[int]] = {}  # round -> returns naming no packet
        self.closed_at: dict[str, int] = {}  # round -> position of its first close
        for pos, c in entries:
            event = c.value("Event")
            if event in (Event.ROUND_CLOSE.value, Event.RETURN.value):
                self.commits[pos] = c
            if event == Event.ROUND_CLOSE.value:
                self.closed_at.setdefault(c.value("Round") or "", pos)
            elif event == Event.RETURN.value:
                packets = c.values("Packet")
                for named in packets:
                    self.by_packet.setdefault(named.upper(), []).append(pos)
                if not packets and c.value("Round") and c.value("Reviewer"):
                    self.unnamed.setdefault(c.value("Round") or "", []).append(pos)

    @classmethod
    def of(cls, ws: Workspace) -> ReturnIndex:
        """The index of HEAD's history, from the commits its ledger keeps (no full read)."""
        ledger = ws.ledger()
        return cls(ledger.kept if ledger is not None else ())

    def positions(self, rnd: Round) -> list[int]:
        """Return the positions of the commits that may hold returns of ``rnd``, in order."""
        found = set(self.unnamed.get(rnd.id, ()))
        for item in rnd.items:
            found.update(self.by_packet.get(item.packet.upper(), ()))
        return sorted(found)


def return_records(
    ws: Workspace,
    rnd: Round,
    commits: list[CommitRecord] | ReturnIndex,
    since: datetime | None = None,
) -> list[ReturnRecord]:
    """Return the returns recorded for round ``rnd`` by ``Event: return`` commits, oldest first
    (those received at or after ``since``, when given)."""
    index = commits if isinstance(commits, ReturnIndex) else ReturnIndex(enumerate(commits))
    by_packet = {i.packet.upper(): i for i in rnd.items}
    closed_at = index.closed_at.get(rnd.id)
    found = []
    for pos in index.positions(rnd):
        c = index.commits[pos]
        received = _when(c)
        if since is not None and received < since:
            continue
        targets: list[tuple[str, str, str | None]] = []
        for named in c.values("Packet"):
            item = by_packet.get(named.upper())
            if item is not None:
                targets.append((item.chapter, item.reviewer, item.packet))
        if not c.values("Packet") and c.value("Round") == rnd.id and c.value("Reviewer"):
            reviewer = c.value("Reviewer") or ""
            targets += [(ch, reviewer, None) for ch in c.values("Chapter")]
        for chapter, reviewer, packet in targets:
            found.append(
                ReturnRecord(
                    round=rnd.id,
                    chapter=chapter,
                    reviewer=reviewer,
                    at=received,
                    commit=c.sha,
                    packet=packet,
                    file=c.value("Return-File"),
                    after_close=closed_at is not None and pos > closed_at,
                )
            )
    return found


def _when(c: CommitRecord) -> datetime:
    value = c.value("Received")
    if value:
        try:
            when = datetime.fromisoformat(value)
            return when if when.tzinfo else when.replace(tzinfo=c.date.tzinfo)
        except ValueError:
            pass
    return c.date


def item_state(
    rnd: Round,
    item: RoundItem,
    today: date,
    sent: SentMessage | None,
    returned: ReturnRecord | None,
    tz_date: date | None,
) -> ItemState:
    """Return where one item stands. ``tz_date`` is the return's day in the guideline's zone.

    Returned beats everything; a return after the due date or after closing is returned_late.
    Then excused; then (round closed) missing; then unsent, late (past due) or sent.
    """
    if returned is not None and tz_date is not None:
        late = tz_date > rnd.due or returned.after_close
        return ItemState.RETURNED_LATE if late else ItemState.RETURNED
    if item.excused is not None:
        return ItemState.EXCUSED
    if not rnd.is_open:
        return ItemState.MISSING
    if sent is None:
        return ItemState.UNSENT
    return ItemState.LATE if today > rnd.due else ItemState.SENT


def round_status(ws: Workspace, round_id: str, index: ReturnIndex | None = None) -> RoundStatus:
    """Return the status of every reviewer x chapter of round ``round_id`` (``index``: the
    history's returns, when the caller already read them)."""
    rnd = records.load_round(ws, round_id)
    log = records.load_sent(ws, round_id)
    now = ws.now()
    today = now.date()
    returns: dict[tuple[str, str], ReturnRecord] = {}
    for r in return_records(ws, rnd, index or ReturnIndex.of(ws)):
        returns.setdefault((r.reviewer, r.chapter), r)  # the first return counts for timing
    names = {p.id: p.name for p in ws.people}
    messages = log.grouped()  # the log read once
    items = []
    for item in rnd.items:
        sent = _packet_message(messages, item)
        ret = returns.get((item.reviewer, item.chapter))
        tz_date = ret.at.astimezone(now.tzinfo).date() if ret else None
        state = item_state(rnd, item, today, sent, ret, tz_date)
        reminders = [m.at.astimezone(now.tzinfo).date() for m in _reminders(messages, item)]
        items.append(
            ItemStatus(
                reviewer=item.reviewer,
                name=names.get(item.reviewer, item.reviewer),
                chapter=item.chapter,
                revision=item.revision,
                packet=item.packet,
                state=state,
                late=state in (ItemState.LATE, ItemState.RETURNED_LATE, ItemState.MISSING),
                sent_at=sent.at.astimezone(now.tzinfo) if sent else None,  # local: its day counts
                sent_via=sent.via if sent else None,
                returned_at=ret.at if ret else None,
                return_file=ret.file if ret else None,
                excused=item.excused,
                reminders=reminders,
            )
        )
    return RoundStatus(
        round=rnd.id,
        due=rnd.due,
        today=today,
        open=rnd.is_open,
        days_left=(rnd.due - today).days,
        chapters=rnd.chapters,
        items=items,
        closed=rnd.closed.astimezone(now.tzinfo).date() if rnd.closed else None,
    )


#: item states of a reviewer who has not returned (nor been excused)
NOT_RETURNED = (ItemState.UNSENT, ItemState.SENT, ItemState.LATE, ItemState.MISSING)


def select(
    status: RoundStatus,
    *,
    missing: bool = False,
    late: bool = False,
    reviewer: str | None = None,
    chapter: str | None = None,
) -> list[ItemStatus]:
    """The items of ``status`` that pass every filter given: not returned (``missing``), late
    (``late``: not returned past due, or returned after it), of a reviewer, of a chapter.

    Raises NotFound for a reviewer or chapter the round does not have.
    """
    items = status.items
    for value, what, known in (
        (reviewer, "reviewer", [i.reviewer for i in items]),
        (chapter, "chapter", [c.chapter for c in status.chapters]),
    ):
        if value is not None and value not in known:
            names = ", ".join(dict.fromkeys(known)) or "none"
            raise NotFound(f"no {what} {value!r} in round {status.round} ({what}s: {names})")
    return [
        i
        for i in items
        if (not missing or i.state in NOT_RETURNED)
        and (not late or i.late)
        and (reviewer is None or i.reviewer == reviewer)
        and (chapter is None or i.chapter == chapter)
    ]


#: a round's sent log by reviewer and kind of message (``SentLog.grouped``)
Messages = dict[tuple[str, MessageKind], list[SentMessage]]


def _packet_message(messages: Messages, item: RoundItem) -> SentMessage | None:
    for m in messages.get((item.reviewer, MessageKind.PACKET), ()):
        if item.packet in m.packets:
            return m
    return None


def _reminders(messages: Messages, item: RoundItem) -> list[SentMessage]:
    found = messages.get((item.reviewer, MessageKind.REMINDER), ())
    return [m for m in found if item.packet in m.packets]
