"""Invoices and expenses dated outside the project period, or before approval without an early
start, are flagged for the clerk: on the page, beside the check, and in the check's record."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets.selectors import project_date_problem
from grants.models import Application
from tests.builders import expense, in_review, invoice, request
from tests.clock import berlin
from workflows.models import AuditRecord
from workflows.payouts import services as payouts
from workflows.proofs import services as proofs

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.now("2026-06-15T10:00+02:00")
@pytest.mark.parametrize(
    ("early_start", "day", "flag"),
    [
        (False, datetime.date(2026, 5, 31), "vor der Bewilligung am 01.06.2026, ohne vorzeitigen Maßnahmebeginn"),
        (False, datetime.date(2026, 6, 5), "vor dem Durchführungszeitraum (ab 10.06.2026)"),
        (False, datetime.date(2026, 6, 10), ""),
        (False, datetime.date(2026, 8, 31), ""),
        (False, datetime.date(2026, 9, 1), "nach dem Durchführungszeitraum (bis 31.08.2026)"),
        # Early start allowed on submission (01.05.): from then on, within the period, nothing to flag.
        (True, datetime.date(2026, 5, 31), "vor dem Durchführungszeitraum (ab 10.06.2026)"),
        (True, datetime.date(2026, 4, 30), "vor dem zulässigen vorzeitigen Maßnahmebeginn am 01.05.2026"),
    ],
)
def test_project_date_problem(early_start, day, flag):
    application = Application(
        submitted_at=berlin(2026, 5, 1, 9),
        decided_at=berlin(2026, 6, 1, 9),
        early_start_allowed=early_start,
        period_start=datetime.date(2026, 6, 10),
        period_end=datetime.date(2026, 8, 31),
    )
    assert project_date_problem(application=application, day=day) == flag


@pytest.mark.now("2026-06-15T10:00+02:00")
def test_early_start_within_the_period_is_not_flagged():
    application = Application(
        submitted_at=berlin(2026, 5, 1, 9),
        decided_at=berlin(2026, 6, 1, 9),
        early_start_allowed=True,
        period_start=datetime.date(2026, 5, 10),
        period_end=datetime.date(2026, 8, 31),
    )
    assert project_date_problem(application=application, day=datetime.date(2026, 5, 20)) == ""


def test_invoice_before_the_project_period_is_flagged_on_the_page_and_in_the_check(
    approved, applicant, clerk, client_for
):
    # Approved today; the period starts in six days: an invoice of today is before the project.
    payout = request(approved, applicant, invoice("500.00", number="R-früh"))
    start = approved.period_start

    page = text(client_for(clerk).get(reverse("payout_office_detail", kwargs={"pk": payout.pk})))
    assert "Außerhalb des Durchführungszeitraums?" in page
    assert f"R-früh vom {TODAY():%d.%m.%Y} (vor dem Durchführungszeitraum (ab {start:%d.%m.%Y}))" in page
    assert "Vor der Prüfung: Rechnungsdaten" in page

    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    record = AuditRecord.objects.get(action="budgets.payout.checked", payout=payout)
    assert "Hinweis bei der Prüfung:" in record.comment and "R-früh" in record.comment


def test_invoice_within_the_period_is_not_flagged(approved, applicant, clerk, client_for):
    Application.objects.filter(pk=approved.pk).update(period_start=days(-20), period_end=days(20))
    payout = request(approved, applicant, invoice("500.00"))

    page = text(client_for(clerk).get(reverse("payout_office_detail", kwargs={"pk": payout.pk})))
    assert "Außerhalb des Durchführungszeitraums?" not in page
    assert "Vor der Prüfung: Rechnungsdaten" not in page
    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    assert "Hinweis" not in AuditRecord.objects.get(action="budgets.payout.checked", payout=payout).comment


@pytest.mark.usefixtures("sepa_debtor")
def test_expense_before_approval_is_flagged_on_the_review_page_and_in_the_decision(
    approved, applicant, clerk, client_for
):
    proof = in_review(approved, applicant, clerk, expense("1000.00", issuer="Druckerei Frühauf", spent_on=days(-10)))

    page = text(client_for(clerk).get(reverse("proof_office_review", kwargs={"pk": proof.pk})))
    assert "Ausgaben außerhalb des zulässigen Zeitraums?" in page
    assert f"Druckerei Frühauf vom {days(-10):%d.%m.%Y} (vor der Bewilligung am {TODAY():%d.%m.%Y}" in page
    assert "Vor der Entscheidung: Ausgabedaten" in page

    proofs.proof_accept(clerk=clerk, proof_id=proof.pk)
    record = AuditRecord.objects.get(action="grants.proof_of_use.accepted", application=approved)
    assert "Hinweis bei der Prüfung:" in record.comment and "Druckerei Frühauf" in record.comment


@pytest.mark.usefixtures("sepa_debtor")
def test_expense_after_an_allowed_early_start_within_the_period_is_not_flagged(approved, applicant, clerk, client_for):
    Application.objects.filter(pk=approved.pk).update(
        early_start_allowed=True,
        submitted_at=timezone.now() - datetime.timedelta(days=30),
        period_start=days(-20),
        period_end=days(20),
    )
    proof = in_review(approved, applicant, clerk, expense("1000.00", spent_on=days(-10)))

    page = text(client_for(clerk).get(reverse("proof_office_review", kwargs={"pk": proof.pk})))
    assert "Ausgaben außerhalb des zulässigen Zeitraums?" not in page
