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


def days_from_today(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def berlin(*args: int) -> datetime.datetime:
    """An aware instant on the Berlin wall clock: ``berlin(2026, 12, 31, 23, 30)``."""
    return datetime.datetime(*args, tzinfo=BERLIN)
