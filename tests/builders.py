"""Builders for tests that need an application further along: approved, with payouts, with a proof of use.

Plain functions, not fixtures, so that a test says in its own body how far the file has come.
Each one goes through the services, as a municipality and the office would.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from budgets.models import Payout
from grants.models import Application, CostType, ProofOfUse
from tests import factories
from workflows.applications import services
from workflows.payouts import sepa
from workflows.payouts import services as payouts
from workflows.payouts.services import InvoiceInput, PayeeAddress
from workflows.proofs import services as proofs
from workflows.proofs.services import ExpenseInput

TODAY = timezone.localdate

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ADDRESS = PayeeAddress(street="Rudolf-Breitscheid-Straße", building_number="3", postcode="39638", town="Gardelegen")


# --- applications and payouts ---------------------------------------------------------


def open_payout_window(programme_year) -> None:
    """The seed year's window ends on 15 December; keep these tests independent of the day they run."""
    later = timezone.localdate() + datetime.timedelta(days=30)
    programme_year.payout_window_end = max(programme_year.payout_window_end, later)
    programme_year.invoice_deadline = max(programme_year.invoice_deadline, later)
    programme_year.save()


def approved_application(*, applicant, municipality, programme_year, clerk, approver, **overrides) -> Application:
    application = factories.recommended(
        applicant=applicant, municipality=municipality, programme_year=programme_year, clerk=clerk, **overrides
    )
    services.application_claim(user=approver, application_id=application.pk)
    return services.application_approve(approver=approver, application_id=application.pk)


def invoice(amount: str = "1000.00", *, number: str = "R-1", day: datetime.date | None = None, **extra) -> InvoiceInput:
    values = {
        "issuer": "Moderation Müller GmbH",
        "number": number,
        "invoice_date": day or timezone.localdate(),
        "amount": Decimal(amount),
        "cost_type": CostType.objects.get(code="moderation"),
    }
    values.update(extra)
    return InvoiceInput(**values)


def pdf(name: str = "rechnung.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def request(application, user, *invoices: InvoiceInput, amount=None, files=None) -> Payout:
    return payouts.payout_request(
        user=user,
        application_id=application.pk,
        invoices=list(invoices) or [invoice()],
        address=ADDRESS,
        files=[pdf()] if files is None else files,
        amount=None if amount is None else Decimal(amount),
    )


def released(application, *, applicant, clerk, approver, amount: str = "1000.00", number: str = "R-1") -> Payout:
    payout = request(application, applicant, invoice(amount, number=number))
    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    return payouts.payout_release(approver=approver, payout_id=payout.pk)


# --- proof of use ----------------------------------------------------------------------


def expense(amount: str, *, issuer: str = "Moderation Müller GmbH", cost_type: str = "moderation", **extra):
    values = {
        "spent_on": TODAY() - datetime.timedelta(days=10),
        "issuer": issuer,
        "description": "Moderation der Dorfwerkstatt",
        "cost_type": CostType.objects.get(code=cost_type),
        "amount": Decimal(amount),
    }
    values.update(extra)
    return ExpenseInput(**values)


def pay(application, *, applicant, clerk, approver, amount: str, number: str = "R-1") -> None:
    """Request, check, release, batch, export and book one payout as paid today."""
    released(application, applicant=applicant, clerk=clerk, approver=approver, amount=amount, number=number)
    batch = sepa.sepa_batch_create(approver=approver)
    sepa.sepa_batch_mark_exported(approver=approver, batch_id=batch.pk)
    sepa.sepa_batch_book_paid(user=approver, batch_id=batch.pk, value_date=TODAY())


def submitted(application, applicant, *expenses: ExpenseInput, report: str = "Zwei Werkstätten fanden statt."):
    return proofs.proof_submit(
        user=applicant, application_id=application.pk, report=report, expenses=list(expenses) or [expense("1000.00")]
    )


def in_review(application, applicant, clerk, *expenses: ExpenseInput) -> ProofOfUse:
    proof = submitted(application, applicant, *expenses)
    return proofs.proof_start_review(clerk=clerk, proof_id=proof.pk)
