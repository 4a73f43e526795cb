"""``owes(ws)``: per person, what they still owe across every open round (``penholder owes``).

Read from each open round's status (``reviewers.rounds.tracking.round_status``): an item is owed
when it is neither returned nor excused. Each person's last reminder is the latest one sent on
an item they owe, and the next is the reminder policy's (``reviewers.rounds.reminders``).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from drafts.workspace import Workspace
from reviewers.rounds import records, reminders
from reviewers.rounds.tracking import NOT_RETURNED, round_status


class OwedItem(BaseModel):
    round: str
    chapter: str
    packet: str
    due: date
    state: str
    days_overdue: int = 0


class Owes(BaseModel):
    reviewer: str
    name: str
    email: str = ""
    items: list[OwedItem] = Field(default_factory=list)
    last_reminder: date | None = None
    next_reminder: date | None = None


def owes(ws: Workspace) -> list[Owes]:
    """Return every person who owes a return in an open round, earliest due first."""
    people = {p.id: p for p in ws.people}
    found: dict[str, Owes] = {}
    policy, holidays = ws.guideline.reminders, ws.guideline.holidays
    for rnd in records.load_rounds(ws):
        if not rnd.is_open:
            continue
        status = round_status(ws, rnd.id)
        plans = {p.reviewer: p for p in reminders.plan(status, policy, holidays)}
        for item in status.items:
            if item.state not in NOT_RETURNED:
                continue
            person = people.get(item.reviewer)
            entry = found.setdefault(
                item.reviewer,
                Owes(reviewer=item.reviewer, name=item.name, email=person.email if person else ""),
            )
            entry.items.append(
                OwedItem(
                    round=rnd.id,
                    chapter=item.chapter,
                    packet=item.packet,
                    due=status.due,
                    state=item.state.value,
                    days_overdue=max(0, -status.days_left),
                )
            )
            if item.reminders:
                entry.last_reminder = max([*item.reminders, *filter(None, [entry.last_reminder])])
            plan = plans.get(item.reviewer)
            if plan is not None and plan.next is not None:
                later = entry.next_reminder
                entry.next_reminder = plan.next if later is None else min(later, plan.next)
    return sorted(found.values(), key=lambda o: (min(i.due for i in o.items), o.name))
