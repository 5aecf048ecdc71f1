"""Every proof-of-use step the municipality hears of is sent and kept in the e-mail log
with its application: received, returned, accepted (the refund path is read in
``test_services``); the office hears of each proof to review."""

from __future__ import annotations

import pytest
from django.core import mail

from grants.models import SentEmail
from tests.builders import expense, in_review, pay, submitted
from workflows.proofs import services as proofs

MUNICIPALITY = ["antrag@example.org", "kontakt@gardelegen.example"]


@pytest.fixture
def partly_paid(approved, applicant, clerk, approver, sepa_debtor):
    pay(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    approved.refresh_from_db()
    return approved


def test_each_proof_step_reaches_the_municipality_and_the_log(
    partly_paid, applicant, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proof = in_review(partly_paid, applicant, clerk, expense("1200.00"))
        proofs.proof_return(clerk=clerk, proof_id=proof.pk, message="Bitte die Reisekosten belegen.")
        submitted(partly_paid, applicant, expense("1200.00"))
        proofs.proof_start_review(clerk=clerk, proof_id=proof.pk)
        proofs.proof_accept(clerk=clerk, proof_id=proof.pk)

    to_municipality = [message for message in mail.outbox if sorted(message.to) == MUNICIPALITY]
    assert [message.subject for message in to_municipality] == [
        "Eingangsbestätigung: Verwendungsnachweis zu Ihrem Antrag MF-2026-00001",
        "Rückfrage zum Verwendungsnachweis zu Ihrem Antrag MF-2026-00001",
        "Eingangsbestätigung: Verwendungsnachweis zu Ihrem Antrag MF-2026-00001",
        "Ihr Verwendungsnachweis zu Antrag MF-2026-00001 ist anerkannt",
    ]
    assert "Bitte die Reisekosten belegen." in to_municipality[1].body
    logged = list(SentEmail.objects.order_by("pk").values_list("kind", "application_id"))
    assert logged == [
        ("proof_submitted", partly_paid.pk),
        ("staff_proof_review", partly_paid.pk),
        ("proof_returned", partly_paid.pk),
        ("proof_submitted", partly_paid.pk),
        ("staff_proof_review", partly_paid.pk),
        ("proof_accepted", partly_paid.pk),
    ]
    # The clerk hears of the proof to review twice: submitted, and back after the return.
    to_clerk = [message for message in mail.outbox if message.to == [clerk.email]]
    assert [message.subject for message in to_clerk] == [
        "Verwendungsnachweis zum Antrag MF-2026-00001 wartet auf Prüfung"
    ] * 2
