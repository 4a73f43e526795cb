"""The reminder policy over a calendar: weekends, holidays, the day of sending, before and after
the due date (reviewers.rounds.reminders, pure)."""

from __future__ import annotations

from datetime import date, timedelta

from drafts.models import ReminderPolicy
from reviewers.rounds.reminders import decide, next_day

POLICY = ReminderPolicy(before_due=3, every=7)
SENT = date(2024, 3, 4)  # a Monday
DUE = date(2024, 3, 22)  # a Friday
HOLIDAYS = [date(2024, 3, 28)]  # a Thursday


def days_reminded(start: date, end: date, holidays: list[date]) -> list[date]:
    """Walk the calendar, sending whenever the policy says so."""
    last, sent = None, []
    day = start
    while day <= end:
        if decide(POLICY, holidays, SENT, DUE, day, last).remind:
            sent.append(day)
            last = day
        day += timedelta(days=1)
    return sent


def test_never_on_the_day_of_sending_even_when_due_soon() -> None:
    d = decide(POLICY, [], SENT, SENT + timedelta(days=1), SENT, None)
    assert not d.remind and "sent on 2024-03-04" in d.reason


def test_a_calendar_first_before_due_then_weekly_skipping_weekends_and_holidays() -> None:
    sent = days_reminded(SENT, date(2024, 4, 30), HOLIDAYS)
    # 19 Mar (3 days before due), then the first working day after due (25 Mar), then every 7
    # days: 1 Apr, 8 Apr ...; never a Saturday or Sunday, never the holiday
    assert sent[:4] == [date(2024, 3, 19), date(2024, 3, 25), date(2024, 4, 1), date(2024, 4, 8)]
    assert all(d.weekday() < 5 for d in sent) and date(2024, 3, 28) not in sent


def test_a_first_reminder_on_a_weekend_moves_to_monday() -> None:
    due = date(2024, 3, 19)  # a Tuesday: 3 days before is Saturday 16
    assert not decide(POLICY, [], SENT, due, date(2024, 3, 16), None).remind
    assert "Saturday" in decide(POLICY, [], SENT, due, date(2024, 3, 16), None).reason
    assert next_day(POLICY, [], SENT, due, date(2024, 3, 16), None) == date(2024, 3, 18)


def test_a_holiday_moves_a_late_reminder_to_the_next_working_day() -> None:
    d = decide(POLICY, HOLIDAYS, SENT, DUE, date(2024, 3, 28), date(2024, 3, 21))
    assert not d.remind and d.reason == "2024-03-28 is a holiday"
    assert next_day(POLICY, HOLIDAYS, SENT, DUE, date(2024, 3, 28), date(2024, 3, 21)) == date(
        2024, 3, 29
    )


def test_never_twice_a_day_and_the_reason_says_when_next() -> None:
    assert not decide(POLICY, [], SENT, DUE, date(2024, 3, 25), date(2024, 3, 25)).remind
    d = decide(POLICY, [], SENT, DUE, date(2024, 3, 27), date(2024, 3, 25))
    assert not d.remind and "every 7 days" in d.reason
