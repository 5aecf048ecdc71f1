"""Which programme years take new applications, judged on the Berlin wall clock.

The rule (grants/selectors.py): a year is open until its deadline day ends at 24:00 in
Berlin, and never once its calendar year is over. Instants are written with their UTC
offset, so that each test says which clock it means.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grants.selectors import programme_year_closed_latest, programme_year_is_open, programme_years_open
from tests.clock import berlin
from tests.conftest import programme_year_create

D = datetime.date
UTC = datetime.UTC


def years_open(at: datetime.datetime) -> list[int]:
    return [year.year for year in programme_years_open(at=at)]


@pytest.fixture
def years(db):
    """2025 and 2026 with the usual deadline (30.09.), 2027 set up early."""
    return {number: programme_year_create(number) for number in (2025, 2026, 2027)}


def test_in_december_only_the_next_year_is_open_once_the_current_deadline_passed(years):
    assert years_open(berlin(2026, 12, 1, 10, 0)) == [2027]
    assert programme_year_closed_latest(at=berlin(2026, 12, 1, 10, 0)) == years[2026]


def test_before_the_deadline_the_current_and_the_next_year_are_open_earliest_first(years):
    assert years_open(berlin(2026, 9, 1, 10, 0)) == [2026, 2027]
    assert programme_year_closed_latest(at=berlin(2026, 9, 1, 10, 0)) is None


def test_a_deadline_ends_at_24_00_berlin_time_not_utc(years):
    last_second = datetime.datetime(2026, 9, 30, 21, 59, 59, tzinfo=UTC)  # 23:59:59 in Berlin (CEST)
    after_midnight = datetime.datetime(2026, 9, 30, 22, 0, 30, tzinfo=UTC)  # 00:00:30 on 01.10. in Berlin
    assert timezone.localtime(last_second).date() == D(2026, 9, 30)
    assert after_midnight.date() == D(2026, 9, 30)  # still the deadline day in UTC

    assert programme_year_is_open(programme_year=years[2026], at=last_second)
    assert not programme_year_is_open(programme_year=years[2026], at=after_midnight)
    assert years_open(after_midnight) == [2027]


@pytest.mark.parametrize(
    ("deadline", "last_minute", "next_morning"),
    [
        # 25.10.2026: the clocks go back (03:00 CEST -> 02:00 CET), the day has 25 hours.
        (D(2026, 10, 25), berlin(2026, 10, 25, 23, 59), berlin(2026, 10, 26, 0, 1)),
        # 29.03.2026: the clocks go forward (02:00 CET -> 03:00 CEST), the day has 23 hours.
        (D(2026, 3, 29), berlin(2026, 3, 29, 23, 59), berlin(2026, 3, 30, 0, 1)),
    ],
    ids=["clocks-go-back", "clocks-go-forward"],
)
def test_a_deadline_on_a_day_the_clocks_change(db, deadline, last_minute, next_morning):
    year = programme_year_create(2026, deadline=deadline)

    assert programme_year_is_open(programme_year=year, at=last_minute)
    assert not programme_year_is_open(programme_year=year, at=next_morning)


def test_at_23_30_on_new_years_eve_the_old_year_is_still_today(db):
    last_day = programme_year_create(2026, deadline=D(2026, 12, 31))
    programme_year_create(2027)
    evening = berlin(2026, 12, 31, 23, 30)  # 22:30 UTC

    assert timezone.localdate(evening) == D(2026, 12, 31)
    assert programme_year_is_open(programme_year=last_day, at=evening)
    assert years_open(evening) == [2026, 2027]


def test_half_an_hour_into_the_new_year_the_old_one_is_over_although_utc_still_shows_it(db):
    programme_year_create(2026, deadline=D(2026, 12, 31))
    programme_year_create(2027)
    after_midnight = berlin(2027, 1, 1, 0, 30)

    assert after_midnight.astimezone(UTC).date() == D(2026, 12, 31)
    assert timezone.localdate(after_midnight) == D(2027, 1, 1)
    assert years_open(after_midnight) == [2027]


def test_a_past_year_is_never_open_even_with_a_deadline_typed_wrongly(db):
    # Admin forms refuse a deadline outside its year (ProgrammeYear.clean); rows written
    # around them must not reopen a past year either.
    past = programme_year_create(2025, deadline=D(2025, 12, 31))
    past.application_deadline = D(2026, 12, 31)
    past.save(update_fields=["application_deadline"])

    assert not programme_year_is_open(programme_year=past, at=berlin(2026, 6, 1, 10, 0))
    assert years_open(berlin(2026, 6, 1, 10, 0)) == []
