"""Days on the programme's calendar: Berlin time, plausible ranges, deadlines that end at 24:00.

Time comes from ``django.utils.timezone`` (``TIME_ZONE = "Europe/Berlin"``), so "today"
is the day on a wall clock in Germany, also at 23:30 on 31 December when UTC already
shows the next year, and on the days the clocks change.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

# A date typed into any form lies at most this many years before or after today: the
# programme began in 2026 and nothing it handles reaches further; 01.01.1900 or
# 31.12.9999 are typing errors, never facts.
PLAUSIBLE_YEARS = 10


def today() -> datetime.date:
    return timezone.localdate()


def shift_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def plausible_range(on: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    on = on or today()
    return shift_years(on, -PLAUSIBLE_YEARS), shift_years(on, PLAUSIBLE_YEARS)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in Berlin: a deadline "bis zum 30.09." ends there (24:00)."""
    following = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(following, timezone.get_default_timezone())


def deadline_passed(deadline: datetime.date, *, at: datetime.datetime | None = None) -> bool:
    """Whether a deadline day is over: only from 0:00 Berlin time of the next day on."""
    return (at or timezone.now()) >= end_of_day(deadline)


def format_day(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"
