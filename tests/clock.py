"""The instant every test runs at, so that no test reads the machine's clock.

An autouse fixture in ``tests/conftest.py`` moves the clock (time-machine) to ``NOW``
before anything else of a test runs; the clock then ticks on from there, so timeouts
and durations still work. Dates in fixtures and factories are derived from ``TODAY``.
A test that needs another instant says so with ``@pytest.mark.now("2026-12-31T23:30+01:00")``
or moves the clock itself through the ``clock`` fixture (``clock.move_to(...)``).

The instant lies after the seed year's application deadline (30 September) and before
its invoice deadline (15 December), so one day offers each part of the lifecycle.
"""

from __future__ import annotations

import datetime
import zoneinfo

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)
TODAY = NOW.date()
YEAR = TODAY.year
# The seed year's last day for new applications (its deadline is 30 September). At NOW
# only a year that is open would take a new draft, so tests that start drafts through
# the form run here: ``pytestmark = pytest.mark.now(DEADLINE_DAY)``.
DEADLINE_DAY = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=BERLIN)


def days_from_today(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def berlin(*args: int) -> datetime.datetime:
    """An aware instant on the Berlin wall clock: ``berlin(2026, 12, 31, 23, 30)``."""
    return datetime.datetime(*args, tzinfo=BERLIN)
