"""Lapsing the same commitments twice at the same moment (a double click, two clerks),
on PostgreSQL with parallel connections: one release per application, never two."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from budgets.models import LedgerEntry
from budgets.selectors import programme_committed
from grants.models import Application
from tests.builders import approved_application
from workflows.models import AuditRecord
from workflows.payouts import budget

# serialized_rollback keeps the groups and cost types seeded by migrations.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_lapses_in_parallel_release_each_commitment_once(
    on_postgres, applicant, foreign_applicant, gardelegen, bindlach, programme_year, active_members, clerk, approver
):
    applications = [
        approved_application(
            applicant=user, municipality=municipality, programme_year=programme_year, clerk=clerk, approver=approver
        )
        for user, municipality in ((applicant, gardelegen), (foreign_applicant, bindlach))
    ]
    programme_year.invoice_deadline = timezone.localdate() - datetime.timedelta(days=1)
    programme_year.save(update_fields=["invoice_deadline"])
    ids = [application.pk for application in applications]
    barrier = threading.Barrier(2)
    results, errors = [], []
    lock = threading.Lock()

    def work(user) -> None:
        try:
            barrier.wait(timeout=10)
            result = budget.commitments_lapse(user=user, programme_year_id=programme_year.pk, application_ids=ids)
            with lock:
                results.append(result)
        except Exception as exc:  # any failure is a finding; asserted below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(user,)) for user in (clerk, approver)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(len(result.lapsed) for result in results) == [0, 2]
    assert sorted(len(result.skipped) for result in results) == [0, 2]
    assert LedgerEntry.objects.filter(kind="release").count() == 2
    assert AuditRecord.objects.filter(action="grants.application.lapsed").count() == 2
    assert set(Application.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"lapsed"}
    assert programme_committed(programme_year=programme_year) == Decimal("0.00")
