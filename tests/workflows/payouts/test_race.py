"""Payout requests and releases under concurrency, on PostgreSQL with parallel
connections: never more requested than approved, never released twice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgets.models import Payout
from budgets.selectors import application_requested_open_total
from grants.roles import Role
from tests import factories
from tests.builders import approved_application, invoice, open_payout_window, request
from tests.workflows.payouts.test_sepa_race import run_in_parallel
from workflows.models import AuditRecord
from workflows.payouts import services as payouts

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def approved(on_postgres, applicant, gardelegen, programme_year, active_members, clerk, approver):
    open_payout_window(programme_year)
    return approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )


def test_parallel_requests_never_exceed_the_approved_amount(approved, applicant):
    # Three requests of 1,000 EUR against 2,550 EUR approved: only two fit.
    calls = [
        (lambda number=number: request(approved, applicant, invoice("1000.00", number=number)))
        for number in ("R-1", "R-2", "R-3")
    ]

    requested, refused = run_in_parallel(calls)

    assert len(requested) == 2
    assert refused == ["over_request"]
    assert application_requested_open_total(application=approved) == Decimal("2000.00")
    assert sorted(Payout.objects.values_list("number", flat=True)) == ["MA-2026-00001", "MA-2026-00002"]


def test_the_same_release_twice_in_parallel_releases_once(approved, applicant, clerk, approver):
    second = factories.user_with_roles("bewilligung-2", Role.APPROVER)
    payout = request(approved, applicant)
    payouts.payout_check(clerk=clerk, payout_id=payout.pk)

    released, refused = run_in_parallel(
        [lambda user=user: payouts.payout_release(approver=user, payout_id=payout.pk) for user in (approver, second)]
    )

    assert len(released) == 1
    assert refused == ["wrong_state"]
    assert AuditRecord.objects.filter(action="budgets.payout.released").count() == 1
