"""SEPA batches under concurrency, on PostgreSQL with parallel connections: a payout
lands in one batch only, and a batch is booked as paid once only."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from budgets.models import LedgerEntry, Payout, SepaBatch, SepaBatchLine
from budgets.selectors import payouts_ready_for_batch, programme_paid
from core.errors import DomainError
from tests.builders import approved_application, invoice, open_payout_window, released, request
from workflows.payouts import sepa
from workflows.payouts import services as payouts

# serialized_rollback keeps the groups and cost types seeded by migrations.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_in_parallel_errors(calls: list[Callable[[], object]]) -> tuple[list[object], list[DomainError]]:
    """Start every call at the same moment, each thread on its own connection; results and refusals."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = []
    refused: list[DomainError] = []
    lock = threading.Lock()

    def work(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            result = call()
            with lock:
                results.append(result)
        except DomainError as error:
            with lock:
                refused.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, refused


def run_in_parallel(calls: list[Callable[[], object]]) -> tuple[list[object], list[str]]:
    """As ``run_in_parallel_errors``, with the codes of the refusals."""
    results, refused = run_in_parallel_errors(calls)
    return results, [error.code for error in refused]


@pytest.fixture(autouse=True)
def sepa_debtor(settings):
    settings.SEPA_DEBTOR_NAME = "Geschäftsstelle Zukunftsraum Demografie"
    settings.SEPA_DEBTOR_IBAN = "DE89370400440532013000"
    settings.SEPA_DEBTOR_TOWN = "Berlin"


@pytest.fixture
def released_payouts(
    on_postgres, applicant, foreign_applicant, gardelegen, bindlach, programme_year, active_members, clerk, approver
) -> list[Payout]:
    open_payout_window(programme_year)
    result = []
    for user, municipality in ((applicant, gardelegen), (foreign_applicant, bindlach)):
        application = approved_application(
            applicant=user, municipality=municipality, programme_year=programme_year, clerk=clerk, approver=approver
        )
        for number, amount in (("R-1", "1000.00"), ("R-2", "750.25")):
            result.append(
                released(application, applicant=user, clerk=clerk, approver=approver, amount=amount, number=number)
            )
    return result


def test_parallel_batch_creation_puts_each_payout_into_one_batch(released_payouts, approver):
    batches, refused = run_in_parallel([lambda: sepa.sepa_batch_create(approver=approver)] * 3)

    assert len(batches) == 1
    assert refused == ["nothing_to_batch", "nothing_to_batch"]
    [batch] = SepaBatch.objects.all()
    assert sorted(SepaBatchLine.objects.values_list("payout_id", flat=True)) == sorted(p.pk for p in released_payouts)
    assert batch.transaction_count == 4
    assert batch.control_sum == Decimal("3500.50")


def test_batch_creation_racing_a_release_never_doubles_or_loses_a_payout(released_payouts, applicant, clerk, approver):
    sepa.sepa_batch_create(approver=approver)
    application = released_payouts[0].application
    late = [
        released(application, applicant=applicant, clerk=clerk, approver=approver, amount="10.00", number=f"L-{i}")
        for i in range(2)
    ]
    checked = request(application, applicant, invoice("20.00", number="L-checked"))
    payouts.payout_check(clerk=clerk, payout_id=checked.pk)

    results, refused = run_in_parallel(
        [
            lambda: sepa.sepa_batch_create(approver=approver),
            lambda: sepa.sepa_batch_create(approver=approver),
            lambda: payouts.payout_release(approver=approver, payout_id=checked.pk),
        ]
    )

    # Whatever the order: the release went through, every creator either made a batch or
    # found nothing left, no payout is in two batches, and none released is lost.
    created = [result for result in results if isinstance(result, SepaBatch)]
    assert len(results) + len(refused) == 3
    assert set(refused) <= {"nothing_to_batch"}
    assert len(created) in (1, 2)
    in_batches = list(SepaBatchLine.objects.values_list("payout_id", flat=True))
    assert len(in_batches) == len(set(in_batches))
    waiting = set(payouts_ready_for_batch().values_list("pk", flat=True))
    assert set(in_batches) | waiting == {p.pk for p in [*released_payouts, *late, checked]}
    assert not set(in_batches) & waiting
    assert SepaBatch.objects.count() == 1 + len(created)


def test_parallel_booking_of_one_batch_books_once(released_payouts, clerk, approver):
    batch = sepa.sepa_batch_create(approver=approver)
    sepa.sepa_batch_mark_exported(approver=approver, batch_id=batch.pk)
    today = timezone.localdate()

    booked, refused = run_in_parallel(
        [lambda: sepa.sepa_batch_book_paid(user=clerk, batch_id=batch.pk, value_date=today)] * 3
    )

    assert len(booked) == 1
    assert refused == ["already_booked", "already_booked"]
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).count() == 4
    assert programme_paid(programme_year=batch.lines.first().payout.application.programme_year) == Decimal("3500.50")
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.PAID}
