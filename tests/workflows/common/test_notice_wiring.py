"""Each notice type is issued by the transition it documents, and its PDF is rendered
after commit: payout advice on booking, refund claim on the claim, reminder letter
when the proof of use is overdue."""

from __future__ import annotations

from decimal import Decimal as D
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from reports.models import Notice
from tests.builders import approved_application, expense, in_review, open_payout_window, pay
from tests.workflows.proofs.test_reminders import run, set_due
from workflows.proofs import services as proofs


@pytest.fixture(autouse=True)
def sepa_debtor(settings):
    settings.SEPA_DEBTOR_IBAN = "DE02100500000054540402"
    settings.SEPA_DEBTOR_TOWN = "Berlin"


@pytest.fixture
def partly_paid(
    applicant, gardelegen, programme_year, active_members, clerk, approver, django_capture_on_commit_callbacks
):
    """2,550.00 EUR approved, 1,000.00 EUR paid; notices rendered as after each commit."""
    open_payout_window(programme_year)
    with django_capture_on_commit_callbacks(execute=True):
        application = approved_application(
            applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
        )
        pay(application, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    application.refresh_from_db()
    return application


def text_of(notice: Notice) -> str:
    notice.refresh_from_db()
    return "".join(page.extract_text() for page in PdfReader(BytesIO(notice.pdf.read())).pages)


def test_booking_a_payout_issues_a_payout_advice(partly_paid):
    notice = Notice.objects.get(application=partly_paid, kind=Notice.Kind.PAYOUT_ADVICE)
    content = text_of(notice)
    assert notice.number in content
    assert "1.000,00" in content
    assert partly_paid.municipality.name.split(",")[0] in content


def test_a_refund_claim_issues_its_notice(partly_paid, applicant, clerk, django_capture_on_commit_callbacks):
    proof = in_review(partly_paid, applicant, clerk, expense("800.00"))
    with django_capture_on_commit_callbacks(execute=True):
        proofs.proof_claim_refund(
            clerk=clerk,
            proof_id=proof.pk,
            amount=D("200.00"),
            reason="Nicht verausgabt.",
            arises_on=timezone.localdate(),
        )
    notice = Notice.objects.get(application=partly_paid, kind=Notice.Kind.REFUND_CLAIM)
    content = text_of(notice)
    assert "200,00" in content
    assert "Nicht verausgabt." in content


def test_the_overdue_reminder_is_a_letter_issued_once(partly_paid, django_capture_on_commit_callbacks):
    set_due(partly_paid, -1)
    run(django_capture_on_commit_callbacks)
    run(django_capture_on_commit_callbacks)
    notice = Notice.objects.get(application=partly_paid, kind=Notice.Kind.PROOF_OF_USE_REMINDER)
    assert notice.number in text_of(notice)
