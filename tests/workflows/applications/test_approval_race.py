"""Approvals racing for the last euros of a cap or of the budget, on PostgreSQL with
parallel connections: never more money committed than the rules allow."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from budgets.models import LedgerEntry
from budgets.selectors import programme_committed
from grants.models import Application
from tests import factories
from workflows.applications import services
from workflows.common.errors import WorkflowError

# serialized_rollback keeps the groups and cost types seeded by migrations.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def approve_in_parallel(applications: list[Application], approver) -> tuple[list[int], list[str]]:
    """Start every approval at the same moment, each thread on its own connection."""
    barrier = threading.Barrier(len(applications))
    approved: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def work(application_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            factories.take(approver, application_id)
            services.application_approve(approver=approver, application_id=application_id)
            with lock:
                approved.append(application_id)
        except WorkflowError as exc:
            with lock:
                refused.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(a.pk,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return approved, refused


def test_parallel_approvals_never_exceed_the_cap(
    on_postgres, applicant, gardelegen, programme_year, active_members, clerk, approver
):
    # Six applications of 1,000 EUR for one municipality with a cap of 5,000 EUR.
    applications = [
        factories.recommended(
            applicant=applicant,
            municipality=gardelegen,
            programme_year=programme_year,
            clerk=clerk,
            requested_amount=Decimal("1000.00"),
        )
        for _ in range(6)
    ]

    approved, refused = approve_in_parallel(applications, approver)

    assert len(approved) == 5
    assert refused == ["cap"]
    assert LedgerEntry.objects.filter(kind="commitment").count() == 5
    assert programme_committed(programme_year=programme_year) == Decimal("5000.00")


def test_parallel_approvals_never_exceed_the_budget(
    on_postgres, applicant, foreign_applicant, gardelegen, bindlach, programme_year, active_members, clerk, approver
):
    # Two municipalities, 3,000 EUR each, a budget of 5,000 EUR: only one fits.
    programme_year.budget = Decimal("5000.00")
    programme_year.save()
    applications = [
        factories.recommended(
            applicant=user,
            municipality=municipality,
            programme_year=programme_year,
            clerk=clerk,
            requested_amount=Decimal("3000.00"),
            lines=factories.moderation_lines("4"),
        )
        for user, municipality in ((applicant, gardelegen), (foreign_applicant, bindlach))
    ]

    approved, refused = approve_in_parallel(applications, approver)

    assert len(approved) == 1
    assert refused == ["budget"]
    assert programme_committed(programme_year=programme_year) == Decimal("3000.00")


def test_the_same_approval_twice_in_parallel_books_once(
    on_postgres, applicant, gardelegen, programme_year, active_members, clerk, approver
):
    application = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )

    approved, refused = approve_in_parallel([application, application], approver)

    assert len(approved) == 1
    assert refused == ["wrong_state"]
    assert LedgerEntry.objects.filter(application=application).count() == 1
