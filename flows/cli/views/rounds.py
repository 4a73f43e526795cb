"""``round status`` and ``round remind --dry-run`` as tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drafts.models import Guideline
    from reviewers.models import ItemStatus, RoundStatus
    from reviewers.rounds.reminders import Plan


def when(st: RoundStatus) -> str:
    """``open, 5 days left`` / ``open, 3 days overdue`` / ``closed on 2024-03-25, 2 returned late``."""
    from reviewers.models import ItemState

    if not st.open:
        late = st.count(ItemState.RETURNED_LATE)
        return f"closed on {st.closed}" + (f", {late} returned late" if late else "")
    if st.days_left > 0:
        return f"open, {st.days_left} days left"
    return "open, due today" if st.days_left == 0 else f"open, {-st.days_left} days overdue"


def policy_line(guideline: Guideline) -> str:
    """The reminder policy in one sentence."""
    p = guideline.reminders
    days = ", ".join(d.capitalize() for d in p.weekend) or "no weekend day"
    holidays = (
        f" or the guideline's {len(guideline.holidays)} holidays" if guideline.holidays else ""
    )
    return (
        f"reminders: first {p.before_due} days before due, then every {p.every} days while late; "
        f"never on the day of sending, {days}{holidays}"
    )


def status_table(
    st: RoundStatus, items: list[ItemStatus], plans: list[Plan], guideline: Guideline
) -> None:
    from rich.console import Console
    from rich.table import Table

    counts: dict[str, int] = {}
    for i in items:
        counts[i.state.value] = counts.get(i.state.value, 0) + 1
    caption = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    if len(items) != len(st.items):
        caption += f" ({len(items)} of {len(st.items)} shown)"
    if st.open:
        caption += "\n" + policy_line(guideline)
    table = Table(title=f"Round {st.round}: due {st.due} ({when(st)})", caption=caption)
    cols = ["reviewer", "chapter", "packet", "state", "sent", "returned", "reminded"]
    if st.open:
        cols.append("next reminder")
    for col in cols:
        table.add_column(col, no_wrap=True)
    nxt = {p.reviewer: p.next for p in plans}
    for i in items:
        row = [
            i.reviewer,
            i.chapter,
            i.packet,
            i.state.value,
            i.sent_at.date().isoformat() if i.sent_at else "",
            i.returned_at.date().isoformat() if i.returned_at else "",
            i.reminders[-1].isoformat() if i.reminders else "",
        ]
        if st.open:
            day = nxt.get(i.reviewer)
            row.append(day.isoformat() if day and i.reviewer in nxt else "")
        table.add_row(*row)
    Console(width=160).print(table)


def remind_table(round_id: str, plans: list[Plan]) -> None:
    """Who ``round remind`` would remind today and why; the others and when they would be."""
    from rich.console import Console
    from rich.table import Table

    going = sum(1 for p in plans if p.remind)
    table = Table(title=f"Round {round_id}: {going} of {len(plans)} owing would be reminded today")
    for col in ("reviewer", "chapters", "remind", "why", "last reminded", "next"):
        table.add_column(col, no_wrap=col != "why")
    for p in sorted(plans, key=lambda p: (not p.remind, p.reviewer)):
        table.add_row(
            p.reviewer,
            ", ".join(p.chapters),
            "yes" if p.remind else "no",
            p.reason,
            p.last.isoformat() if p.last else "",
            p.next.isoformat() if p.next else "",
        )
    Console(width=160).print(table)
