"""The one clock of penholder.

``today()`` is the date in a timezone, unless ``PENHOLDER_TODAY`` (an ISO date) pins it; ``now()``
is then that date at noon in the timezone, so commits and "late" agree with the pinned day.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drafts.core.errors import ConfigError

ENV = "PENHOLDER_TODAY"


def zone(name: str) -> ZoneInfo:
    """Return the timezone called ``name``, or raise ConfigError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(
            f"unknown timezone {name!r}; use an IANA name such as 'Africa/Nairobi'"
        ) from e


def pinned() -> date | None:
    """Return the date PENHOLDER_TODAY pins, None when unset; raise ConfigError when malformed."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise ConfigError(f"{ENV}={value!r} is not an ISO date such as 2024-03-04") from e


def now(tz: str = "UTC") -> datetime:
    """Return the current time in ``tz`` (noon of the pinned day when PENHOLDER_TODAY is set)."""
    day = pinned()
    if day is not None:
        return datetime.combine(day, time(12, 0), tzinfo=zone(tz))
    return datetime.now(zone(tz))


def today(tz: str = "UTC") -> date:
    """Return today's date in ``tz``, or the pinned day."""
    return now(tz).date()
