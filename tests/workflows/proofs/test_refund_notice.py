"""The Rückforderungsbescheid as the municipality reads it (issue 13, item 11): legal basis,
amount, interest to the due date and per day after it, and how to pay."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from reports.models import Notice
from tests.builders import expense, in_review, pay
from tests.clock import berlin
from workflows.proofs import services as proofs

pytestmark = pytest.mark.usefixtures("sepa_debtor")


def pdf_text(notice: Notice) -> str:
    with notice.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).replace("\xa0", " ").split())


@pytest.mark.now("2026-02-02T10:00+01:00")
def test_the_refund_notice_states_basis_amount_interest_and_payment(
    approved, applicant, clerk, approver, django_capture_on_commit_callbacks, clock, settings
):
    pay(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    clock.move_to(berlin(2026, 3, 2, 10))
    proof = in_review(approved, applicant, clerk, expense("800.00"))
    with django_capture_on_commit_callbacks(execute=True):
        proofs.proof_claim_refund(
            clerk=clerk,
            proof_id=proof.pk,
            amount=Decimal("200.00"),
            reason="200,00 € wurden nicht verausgabt.",
            arises_on=datetime.date(2026, 2, 20),
        )
    notice = Notice.objects.get(application=approved, kind=Notice.Kind.REFUND_CLAIM)
    extra = notice.snapshot["extra"]
    # 20.02.–21.03.2026: 30 days at 1.27 + 5 = 6.27 %: 200 × 6.27 × 30 / 36500 = 1.0306… → 1.03
    assert (extra["due_date"], extra["interest_to_due"]) == ("2026-03-22", "1.03")
    # One more day: 200 × 6.27 / 36500 = 0.0343… → 0.03
    assert (extra["interest_rate"], extra["interest_per_day"]) == ("6.27", "0.03")
    text = pdf_text(notice)
    assert "mit Wirkung für die Vergangenheit ab dem 20.02.2026 widerrufen (§ 49 Abs. 3 VwVfG)" in text
    assert "nach § 49a Abs. 1 VwVfG bis zum 22.03.2026 zu erstatten" in text
    assert "Erstattungsbetrag 200,00 €" in text
    assert "Bei Zahlung am 22.03.2026 betragen die Zinsen 1,03 €" in text
    assert "kommen 0,03 € an Zinsen hinzu (Zinssatz 6,27 % jährlich" in text
    assert f"IBAN {settings.SEPA_DEBTOR_IBAN}" in text
    assert f"Verwendungszweck {notice.number}" in text
    assert "Fällig am 22.03.2026" in text
    assert "Bescheidnummer" in text
