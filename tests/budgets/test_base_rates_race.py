"""Two administrators entering the Basiszinssatz at the same moment, on PostgreSQL with
parallel connections: never a duplicate, never a gap, and the one who comes second is
told what the first entered."""

from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from budgets.base_rates import base_rate_add
from budgets.interest import parse_base_rates
from budgets.models import BaseRate
from core.errors import DomainError
from grants.roles import Role
from tests import factories
from tests.workflows.payouts.test_sepa_race import run_in_parallel_errors

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

D = Decimal
NEXT = datetime.date(2026, 7, 1)


@pytest.fixture
def admins(on_postgres, admin_user):
    return [admin_user, *(factories.user_with_roles(f"admin-{n}", Role.ADMIN) for n in range(2, 5))]


def add(user, valid_from: datetime.date, rate: str):
    return lambda: base_rate_add(
        user=user, valid_from=valid_from, rate=D(rate), source=f"Eingabe von {user.username}", published_on=NEXT
    )


def test_the_same_half_year_twice_at_once_is_entered_once(admins):
    added, refused = run_in_parallel_errors([add(admins[0], NEXT, "1.11"), add(admins[1], NEXT, "1.12")])

    assert len(added) == 1
    assert [error.code for error in refused] == ["base_rate_refused"]
    [row] = BaseRate.objects.filter(valid_from=NEXT)
    assert row.rate == added[0].rate
    # Served after the first: the message names the row that is there, not a database error.
    assert f"bereits ein Basiszinssatz hinterlegt: {str(row.rate).replace('.', ',')} %" in refused[0].message
    assert row.source in refused[0].message


def test_four_entries_at_once_never_leave_a_gap(admins):
    calls = [
        add(admins[0], NEXT, "1.11"),
        add(admins[1], NEXT, "1.12"),
        add(admins[2], datetime.date(2027, 1, 1), "1.13"),
        add(admins[3], datetime.date(2027, 1, 1), "1.14"),
    ]

    added, refused = run_in_parallel_errors(calls)

    assert 1 <= len(added) <= 2
    assert len(added) + len(refused) == 4
    rows = list(BaseRate.objects.order_by("valid_from").values_list("valid_from", "rate"))
    # parse_base_rates refuses any gap or duplicate; the table must pass it.
    text = "valid_from,rate\n" + "".join(f"{valid_from.isoformat()},{rate}\n" for valid_from, rate in rows)
    assert parse_base_rates(text) == rows
    assert BaseRate.objects.filter(valid_from=NEXT).count() == 1


def test_the_second_waits_for_the_lock_of_the_first(admins):
    """The first holds the table's rows while it writes; the second, started meanwhile,
    waits and then sees the first one's row (without the lock it would have checked an
    unchanged table and run into the unique index)."""
    holding = threading.Event()
    committed_at: list[float] = []

    def first() -> None:
        try:
            with transaction.atomic():
                list(BaseRate.objects.select_for_update().order_by("valid_from").values_list("pk", flat=True))
                holding.set()
                time.sleep(1.0)
                BaseRate.objects.create(valid_from=NEXT, rate=D("1.11"), source="Erste Eingabe", created_by=admins[0])
            committed_at.append(time.monotonic())
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(timeout=10)
    started = time.monotonic()
    with pytest.raises(DomainError) as caught:
        base_rate_add(user=admins[1], valid_from=NEXT, rate=D("1.12"), source="Zweite Eingabe", published_on=NEXT)
    thread.join(timeout=30)

    assert started < committed_at[0]
    assert "bereits ein Basiszinssatz hinterlegt: 1,11 % (Quelle: Erste Eingabe)" in caught.value.message
    assert list(BaseRate.objects.filter(valid_from=NEXT).values_list("rate", flat=True)) == [D("1.11")]
