"""When a reviewer is reminded: the reminder policy of ``guideline.yaml`` (pure).

``decide(policy, holidays, sent_on, due, today, last)`` says whether a reviewer who still owes
a return is reminded ``today``, and why (or why not):

- never on the day their packet left (``sent_on``), nor twice on one day;
- never on a ``policy.weekend`` day or one of the guideline's ``holidays``;
- before the due date: once, from ``policy.before_due`` days before it (a first reminder that
  would fall on a weekend or a holiday goes out on the next working day);
- after the due date: when not reminded since it, then every ``policy.every`` days.

``plan(status, policy, holidays)`` applies it to every reviewer of a round who owes a return
(items sent, neither returned nor excused); ``next_day`` is the first day it would say yes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from drafts.models import WEEKDAYS, ReminderPolicy
from reviewers.models import ItemState, RoundStatus

#: item states of a reviewer who may be reminded
REMINDABLE = (ItemState.SENT, ItemState.LATE)
#: how far ahead ``next_day`` looks
HORIZON = 366


@dataclass(frozen=True)
class Decision:
    remind: bool
    reason: str


@dataclass
class Plan:
    """One reviewer's reminder: today or not, why, the next day it would go, what it covers."""

    reviewer: str
    name: str
    chapters: list[str]
    remind: bool
    reason: str
    next: date | None
    last: date | None
    packets: list[str] = field(default_factory=list)


def _day_off(policy: ReminderPolicy, holidays: list[date], day: date) -> str | None:
    name = WEEKDAYS[day.weekday()]
    if name in policy.weekend:
        return f"a {name.capitalize()}"
    if day in holidays:
        return "a holiday"
    return None


def decide(
    policy: ReminderPolicy,
    holidays: list[date],
    sent_on: date,
    due: date,
    today: date,
    last: date | None,
) -> Decision:
    """Whether to remind ``today`` a reviewer sent their packet on ``sent_on`` (see module)."""
    if today <= sent_on:
        return Decision(False, f"packet sent on {sent_on} (never reminded that day)")
    if last is not None and last >= today:
        return Decision(False, f"already reminded on {last}")
    off = _day_off(policy, holidays, today)
    if off:
        return Decision(False, f"{today} is {off}")
    first = due - timedelta(days=policy.before_due)
    if today <= due:
        if today < first:
            return Decision(
                False, f"first reminder from {first}, {policy.before_due} days before due"
            )
        if last is not None and last >= first:
            return Decision(False, f"reminded on {last}; next after the due date")
        left = (due - today).days
        return Decision(True, "due today" if left == 0 else f"due in {left} days")
    late = (today - due).days
    if last is None or last <= due:
        return Decision(True, f"{late} days overdue, not reminded since the due date")
    since = (today - last).days
    if since < policy.every:
        return Decision(False, f"reminded on {last}; every {policy.every} days while late")
    return Decision(True, f"{late} days overdue, last reminded on {last}")


def next_day(
    policy: ReminderPolicy,
    holidays: list[date],
    sent_on: date,
    due: date,
    today: date,
    last: date | None,
) -> date | None:
    """The first day from ``today`` on which ``decide`` says yes (None within a year)."""
    for n in range(HORIZON):
        day = today + timedelta(days=n)
        if decide(policy, holidays, sent_on, due, day, last).remind:
            return day
    return None


def plan(status: RoundStatus, policy: ReminderPolicy, holidays: list[date]) -> list[Plan]:
    """Return the reminder plan of every reviewer of an open round who still owes a return."""
    owed: dict[str, list] = {}
    for item in status.items:
        if item.state in REMINDABLE and item.sent_at is not None:
            owed.setdefault(item.reviewer, []).append(item)
    plans = []
    for reviewer, items in owed.items():
        sent_on = max(i.sent_at.date() for i in items if i.sent_at is not None)
        reminded = [d for i in items for d in i.reminders]
        last = max(reminded) if reminded else None
        args = (policy, holidays, sent_on, status.due)
        decision = decide(*args, status.today, last)
        plans.append(
            Plan(
                reviewer=reviewer,
                name=items[0].name,
                chapters=[i.chapter for i in items],
                remind=decision.remind,
                reason=decision.reason,
                next=status.today if decision.remind else next_day(*args, status.today, last),
                last=last,
                packets=[i.packet for i in items],
            )
        )
    return plans
