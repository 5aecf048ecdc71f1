"""Proofs of use under concurrency, on PostgreSQL with parallel connections: a refund is
booked once, a proof is settled once, a reminder is sent once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from budgets.models import LedgerEntry, RefundClaim
from grants.models import ProofOfUse
from tests.builders import approved_application, expense, in_review, open_payout_window, pay
from tests.clock import berlin
from tests.workflows.payouts.test_sepa_race import run_in_parallel
from workflows.models import AuditRecord
from workflows.proofs import refunds, reminders
from workflows.proofs import services as proofs

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def sepa_debtor(settings):
    settings.SEPA_DEBTOR_IBAN = "DE89370400440532013000"
    settings.SEPA_DEBTOR_TOWN = "Berlin"


@pytest.fixture
def partly_paid(on_postgres, applicant, gardelegen, programme_year, active_members, clerk, approver):
    open_payout_window(programme_year)
    application = approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )
    pay(application, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    return application


@pytest.mark.now("2026-02-02T10:00+01:00")  # paid in February, claimed on 02.03., booked on 01.04.
def test_the_same_refund_booked_twice_in_parallel_is_booked_once(partly_paid, applicant, clerk, approver, clock):
    clock.move_to(berlin(2026, 3, 2, 10))
    proof = in_review(partly_paid, applicant, clerk, expense("800.00"))
    claim = proofs.proof_claim_refund(
        clerk=clerk, proof_id=proof.pk, amount=Decimal("200.00"), reason="x", arises_on=datetime.date(2026, 3, 2)
    )
    clock.move_to(berlin(2026, 4, 2, 10))

    booked, refused = run_in_parallel(
        [
            lambda user=user: refunds.refund_book_received(
                user=user, claim_id=claim.pk, paid_on=datetime.date(2026, 4, 1)
            )
            for user in (clerk, approver)
        ]
    )

    assert len(booked) == 1
    assert refused == ["already_booked"]
    assert list(LedgerEntry.objects.filter(kind="refund").values_list("amount", flat=True)) == [Decimal("200.00")]
    assert RefundClaim.objects.get().interest_amount == Decimal("1.03")
    assert AuditRecord.objects.filter(action="grants.proof_of_use.refunded").count() == 1


def test_accept_and_refund_claim_in_parallel_settle_the_proof_once(partly_paid, applicant, clerk):
    proof = in_review(partly_paid, applicant, clerk, expense("1000.00"))

    settled, refused = run_in_parallel(
        [
            lambda: proofs.proof_accept(clerk=clerk, proof_id=proof.pk),
            lambda: proofs.proof_claim_refund(clerk=clerk, proof_id=proof.pk, amount=Decimal("100.00"), reason="x"),
        ]
    )

    assert len(settled) == 1
    assert refused == ["wrong_state"]
    # The unspent 1,550.00 EUR is released exactly once.
    assert list(LedgerEntry.objects.filter(kind="release").values_list("amount", flat=True)) == [Decimal("1550.00")]


def test_parallel_reminder_runs_send_one_mail(partly_paid):
    proof = proofs.proof_of_use_open(application_id=partly_paid.pk)
    ProofOfUse.objects.filter(pk=proof.pk).update(due_date=timezone.localdate() + datetime.timedelta(days=3))

    run_in_parallel([lambda: call_command("send_proof_reminders", verbosity=0) for _ in range(3)])

    reminders = [message for message in mail.outbox if "bald fällig" in message.subject]
    assert len(reminders) == 1
    assert AuditRecord.objects.filter(action="grants.proof_of_use.reminded_due_soon").count() == 1


def test_a_clerk_and_the_daily_job_in_parallel_send_one_reminder(partly_paid, clerk):
    proof = proofs.proof_of_use_open(application_id=partly_paid.pk)
    ProofOfUse.objects.filter(pk=proof.pk).update(due_date=timezone.localdate() + datetime.timedelta(days=3))

    sent, refused = run_in_parallel(
        [
            lambda: reminders.proof_reminder_send(clerk=clerk, proof_id=proof.pk),
            lambda: reminders.proof_reminder_send(clerk=clerk, proof_id=proof.pk),
            lambda: call_command("send_proof_reminders", verbosity=0),
        ]
    )

    assert len([message for message in mail.outbox if "bald fällig" in message.subject]) == 1
    assert AuditRecord.objects.filter(action="grants.proof_of_use.reminded_due_soon").count() == 1
    # Whoever came second is told why: both clerks when the job won, else the other clerk.
    assert set(refused) == {"already_reminded"}
    assert sum(isinstance(result, ProofOfUse) for result in sent) == 2 - len(refused)
