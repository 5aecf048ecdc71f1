"""The programme year's running totals move with every booking and always equal its ledger."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from budgets.ledger import ledger_totals_differences
from budgets.models import LedgerEntry
from budgets.selectors import programme_available, programme_committed
from grants.models import ProgrammeYear
from tests import factories
from tests.builders import approved_application, expense, in_review, open_payout_window, pay
from workflows.applications import services
from workflows.common.errors import WorkflowError
from workflows.proofs import refunds
from workflows.proofs import services as proofs

D = Decimal
from_ledger = importlib.import_module("budgets.migrations.0007_programme_year_totals_from_ledger")


@pytest.fixture(autouse=True)
def files(media_root, sepa_debtor):
    return media_root


def totals(programme_year) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    programme_year.refresh_from_db()
    return (
        programme_year.committed_total,
        programme_year.released_total,
        programme_year.refunded_total,
        programme_year.paid_total,
    )


def test_every_booking_moves_its_total_and_the_totals_equal_the_ledger(
    applicant, gardelegen, programme_year, active_members, clerk, approver
):
    open_payout_window(programme_year)
    assert totals(programme_year) == (D("0.00"),) * 4

    application = approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )
    assert totals(programme_year) == (D("2550.00"), D("0.00"), D("0.00"), D("0.00"))
    assert programme_available(programme_year=programme_year) == programme_year.budget - D("2550.00")

    pay(application, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    assert totals(programme_year) == (D("2550.00"), D("0.00"), D("0.00"), D("1000.00"))

    # 800 € spent of 1,000 € paid: 200 € claimed back, the 1,550 € never called are released.
    proof = in_review(application, applicant, clerk, expense("800.00"))
    claim = proofs.proof_claim_refund(
        clerk=clerk, proof_id=proof.pk, amount=D("200.00"), reason="Nicht verausgabt.", arises_on=timezone.localdate()
    )
    assert totals(programme_year) == (D("2550.00"), D("1550.00"), D("0.00"), D("1000.00"))
    refunds.refund_book_received(user=clerk, claim_id=claim.pk, paid_on=timezone.localdate())
    assert totals(programme_year) == (D("2550.00"), D("1550.00"), D("200.00"), D("1000.00"))

    assert programme_committed(programme_year=programme_year) == D("800.00")
    assert ledger_totals_differences(programme_year=programme_year) == {}
    assert LedgerEntry.objects.filter(programme_year=programme_year).count() == 4


def test_a_refused_approval_moves_no_total(applicant, gardelegen, programme_year, active_members, clerk, approver):
    application = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    factories.take(approver, application.pk)
    programme_year.cap_per_municipality = D("2549.99")
    programme_year.save(update_fields=["cap_per_municipality"])

    with pytest.raises(WorkflowError) as caught:
        services.application_approve(approver=approver, application_id=application.pk)

    assert caught.value.code == "cap"
    assert totals(programme_year) == (D("0.00"),) * 4
    assert ledger_totals_differences(programme_year=programme_year) == {}


def test_an_entry_written_past_the_ledgers_writer_is_found(
    applicant, gardelegen, programme_year, active_members, clerk, approver
):
    application = approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )
    LedgerEntry.objects.create(
        programme_year=programme_year,
        municipality=gardelegen,
        application=application,
        kind=LedgerEntry.Kind.RELEASE,
        amount=D("1.00"),
    )
    assert ledger_totals_differences(programme_year=programme_year) == {"released_total": (D("0.00"), D("1.00"))}


def test_the_migration_fills_the_totals_from_the_ledger_booked_before(
    applicant, gardelegen, programme_year, active_members, clerk, approver
):
    open_payout_window(programme_year)
    application = approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )
    pay(application, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    booked = totals(programme_year)
    ProgrammeYear.objects.update(committed_total=0, released_total=0, refunded_total=0, paid_total=0)

    from_ledger.fill(apps, None)

    assert totals(programme_year) == booked == (D("2550.00"), D("0.00"), D("0.00"), D("1000.00"))


def test_saving_a_programme_year_loaded_before_a_booking_keeps_the_total(
    applicant, gardelegen, programme_year, active_members, clerk, approver
):
    stale = ProgrammeYear.objects.get(pk=programme_year.pk)
    approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )
    # As the admin's form does: change a setting on an object read before the approval.
    stale.max_day_rate = D("1000.00")
    stale.save()

    assert totals(programme_year)[0] == D("2550.00")
    assert programme_year.max_day_rate == D("1000.00")
    assert ledger_totals_differences(programme_year=programme_year) == {}
