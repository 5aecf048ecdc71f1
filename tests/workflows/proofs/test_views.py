"""Proof of use pages: who may see what, and the forms that drive the services.

Personas: the applicant of Gardelegen owns the application; the foreign applicant of
Bindlach gets 404 as if it did not exist; the office pages are for clerks only.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets.models import BaseRate, LedgerEntry, RefundClaim
from grants.models import Application, CostType, ExpenseLine, ProofOfUse
from tests.builders import in_review, pay, submitted
from tests.clock import berlin
from workflows.proofs import refunds
from workflows.proofs import services as proofs

PS = ProofOfUse.Status
TODAY = timezone.localdate


pytestmark = pytest.mark.usefixtures("sepa_debtor")


def applicant_url(application) -> str:
    return reverse("proof_applicant", kwargs={"pk": application.pk})


def review_url(proof) -> str:
    return reverse("proof_office_review", kwargs={"pk": proof.pk})


def expense_post(*lines: tuple[str, str], report: str = "Zwei Werkstätten.", revision="", **extra) -> dict:
    moderation = CostType.objects.get(code="moderation").pk
    spent = (TODAY() - datetime.timedelta(days=5)).strftime("%d.%m.%Y")
    data = {
        "report": report,
        "revision": revision,
        "ausgaben-TOTAL_FORMS": str(len(lines) + 1),
        "ausgaben-INITIAL_FORMS": "0",
        "ausgaben-MIN_NUM_FORMS": "0",
        "ausgaben-MAX_NUM_FORMS": "100",
    }
    for index, (issuer, amount) in enumerate(lines):
        data.update(
            {
                f"ausgaben-{index}-spent_on": spent,
                f"ausgaben-{index}-issuer": issuer,
                f"ausgaben-{index}-description": "Moderation",
                f"ausgaben-{index}-cost_type": str(moderation),
                f"ausgaben-{index}-amount": amount,
            }
        )
    data.update(extra)
    return data


# --- permissions ---------------------------------------------------------------------------


def test_applicant_page_is_the_owners_only(approved, client_for, applicant, foreign_applicant, clerk):
    url = applicant_url(approved)
    page = client_for(applicant).get(url)
    assert page.status_code == 200
    assert "Verwendungsnachweis" in page.content.decode()
    assert "20.03.2027" in page.content.decode()

    assert client_for(foreign_applicant).get(url).status_code == 404
    assert client_for(foreign_applicant).post(url, expense_post(("X", "1,00"), submit="1")).status_code == 404
    # The proof opened at approval is untouched by the foreign post.
    assert list(ProofOfUse.objects.values_list("status", flat=True)) == [PS.DUE]
    assert not ExpenseLine.objects.exists()
    assert client_for(clerk).get(url).status_code == 403


def test_no_proof_page_before_approval(applicant, gardelegen, programme_year, active_members, client_for):
    from tests import factories

    draft = factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    assert client_for(applicant).get(applicant_url(draft)).status_code == 404


def test_office_pages_are_for_clerks_and_read_by_the_controller(
    approved, applicant, foreign_applicant, approver, controller, clerk, client_for
):
    proof = submitted(approved, applicant)
    for user in (applicant, foreign_applicant, approver, controller):
        client = client_for(user)
        reads = 200 if user == controller else 403
        assert client.get(reverse("proof_office_list")).status_code == reads
        assert client.get(review_url(proof)).status_code == reads
        assert client.post(review_url(proof), {"action": "start_review"}).status_code == 403
    proof.refresh_from_db()
    assert proof.status == PS.SUBMITTED
    client = client_for(clerk)
    assert client.get(reverse("proof_office_list")).status_code == 200
    assert client.get(review_url(proof)).status_code == 200
    assert client.get(reverse("proof_office_review", kwargs={"pk": proof.pk + 999})).status_code == 404


# --- the municipality ------------------------------------------------------------------------


def test_applicant_saves_then_submits(approved, applicant, client_for):
    client = client_for(applicant)
    response = client.post(applicant_url(approved), expense_post(("Moderation Müller GmbH", "1200,00"), save="1"))
    assert response.status_code == 302
    proof = ProofOfUse.objects.get(application=approved)
    assert proof.status == PS.DUE
    assert proof.expense_total == Decimal("1200.00")

    page = client.get(applicant_url(approved)).content.decode()
    assert "Moderation Müller GmbH" in page

    # A stale form (older revision) is refused and shown again.
    stale = client.post(applicant_url(approved), expense_post(("Alt", "1,00"), revision="0", submit="1"))
    assert stale.status_code == 200
    assert "inzwischen geändert" in stale.content.decode()

    response = client.post(
        applicant_url(approved),
        expense_post(
            ("Moderation Müller GmbH", "1200,00"), ("Bahn", "45,50"), revision=str(proof.revision), submit="1"
        ),
    )
    assert response.status_code == 302
    proof.refresh_from_db()
    assert proof.status == PS.SUBMITTED
    assert proof.expense_total == Decimal("1245.50")
    page = client.get(applicant_url(approved)).content.decode()
    assert "eingereicht" in page
    assert 'name="submit"' not in page


def test_applicant_sees_line_errors(approved, applicant, client_for):
    data = expense_post(("Moderation Müller GmbH", "1200,00"), submit="1")
    data["ausgaben-0-amount"] = ""
    response = client_for(applicant).post(applicant_url(approved), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bitte geben Sie den Betrag an." in body
    assert 'aria-invalid="true"' in body
    # Nothing of the bad input is saved; the proof opened at approval stays as it was.
    assert list(ProofOfUse.objects.values_list("status", flat=True)) == [PS.DUE]
    assert not ExpenseLine.objects.exists()


# --- the clerk ---------------------------------------------------------------------------------


def test_clerk_starts_review_and_accepts(approved, applicant, clerk, client_for):
    proof = submitted(approved, applicant, *[])
    client = client_for(clerk)
    listing = client.get(reverse("proof_office_list")).content.decode()
    assert approved.file_number in listing

    assert client.post(review_url(proof), {"action": "start_review"}).status_code == 302
    proof.refresh_from_db()
    assert proof.status == PS.IN_REVIEW

    # Nothing was paid: accepting releases the whole commitment.
    response = client.post(review_url(proof), {"action": "accept", "accept-recognised_amount": "1000,00"})
    assert response.status_code == 302
    proof.refresh_from_db()
    approved.refresh_from_db()
    assert proof.status == PS.ACCEPTED
    assert approved.status == Application.Status.COMPLETED
    assert LedgerEntry.objects.get(application=approved, kind="release").amount == Decimal("2550.00")

    # Replayed POST: the service refuses, nothing changes.
    response = client.post(review_url(proof), {"action": "accept", "accept-recognised_amount": "1000,00"})
    assert response.status_code == 200
    assert "nicht möglich" in response.content.decode()
    assert LedgerEntry.objects.filter(application=approved, kind="release").count() == 1


@pytest.mark.now("2026-02-02T10:00+01:00")  # paid in February, claimed on 02.03., booked on 01.04.
def test_clerk_claims_a_refund_and_books_it(approved, applicant, clerk, approver, client_for, clock):
    pay(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    clock.move_to(berlin(2026, 3, 2, 10))
    proof = in_review(approved, applicant, clerk)
    client = client_for(clerk)

    refused = client.post(review_url(proof), {"action": "accept", "accept-recognised_amount": "800,00"})
    assert refused.status_code == 200
    assert "zurück" in refused.content.decode()

    response = client.post(
        review_url(proof),
        {
            "action": "claim",
            "claim-recognised_amount": "800,00",
            "claim-amount": "200,00",
            "claim-reason": "200,00 € nicht verausgabt.",
            "claim-arises_on": "02.03.2026",
            "claim-due_on": "",
        },
    )
    assert response.status_code == 302
    claim = RefundClaim.objects.get(proof=proof)
    assert (claim.amount, claim.due_on) == (Decimal("200.00"), datetime.date(2026, 4, 1))
    listing = client.get(reverse("proof_office_list")).content.decode()
    assert claim.number in listing

    clock.move_to(berlin(2026, 4, 2, 10))
    client = client_for(clerk)  # a new day, a new session
    response = client.post(review_url(proof), {"action": "book", "book-paid_on": "01.04.2026"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.interest_amount == Decimal("1.03")
    page = client.get(review_url(proof)).content.decode()
    assert "1,03" in page
    assert "30 Tage × 6,27 %" in page

    replay = client.post(review_url(proof), {"action": "book", "book-paid_on": "01.04.2026"})
    assert replay.status_code == 200
    assert "bereits als am 01.04.2026 eingegangen gebucht" in replay.content.decode()
    assert LedgerEntry.objects.filter(application=approved, kind="refund").count() == 1

    # The municipality sees the claim and its interest.
    page = client_for(applicant).get(applicant_url(approved)).content.decode()
    assert claim.number in page
    assert "1,03" in page


def test_overdue_proofs_are_listed_for_clerks(approved, clerk, client_for):
    proof = proofs.proof_of_use_open(application_id=approved.pk)
    ProofOfUse.objects.filter(pk=proof.pk).update(due_date=TODAY() - datetime.timedelta(days=12))
    page = client_for(clerk).get(reverse("proof_office_list")).content.decode()
    assert "Überfällige Verwendungsnachweise" in page
    assert approved.file_number in page
    assert ">12<" in page


def test_application_detail_leads_to_the_proof(approved, client_for, applicant):
    content = client_for(applicant).get(reverse("applicant_application_detail", kwargs={"pk": approved.pk})).content
    assert "Fällig am 20.03.2027" in content.decode()
    assert applicant_url(approved) in content.decode()


# --- interest while the Basiszinssatz is missing ---------------------------------------------------


@pytest.mark.now("2026-02-02T10:00+01:00")  # paid in February, claimed on 02.03.2026
def test_interest_not_yet_computable_is_shown_as_provisional_with_its_days(
    approved, applicant, clerk, approver, client_for, clock
):
    pay(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    clock.move_to(berlin(2026, 3, 2, 10))
    proof = in_review(approved, applicant, clerk)
    claim = proofs.proof_claim_refund(
        clerk=clerk,
        proof_id=proof.pk,
        amount=Decimal("200.00"),
        reason="200,00 € nicht verausgabt.",
        arises_on=datetime.date(2026, 3, 2),
    )

    # Still open: the office sees what has accrued so far.
    #   02.03.–19.03.2026: 18 days at 1.27 + 5 = 6.27 %: 200 × 6.27 × 18 / 36500 = 0.61841… → 0.62
    clock.move_to(berlin(2026, 3, 20, 10))
    office = client_for(clerk).get(review_url(proof)).content.decode()
    assert (
        "Bisher aufgelaufen, bei Zahlung heute: vorläufig 0,62\u00a0€ für 18 Zinstage vom 02.03.2026 bis 19.03.2026"
        in office
    )
    assert "Bisher aufgelaufen" not in client_for(applicant).get(applicant_url(approved)).content.decode()

    # Paid on 01.10.2026, booked on 25.11.2026: the rate from 01.07.2026 is not in the table.
    #   02.03.–30.06.2026: 30 + 30 + 31 + 30 = 121 days at 6.27 %: 200 × 6.27 × 121 / 36500 = 4.15709… → 4.16
    clock.move_to(berlin(2026, 11, 25, 10))
    claim = refunds.refund_book_received(user=clerk, claim_id=claim.pk, paid_on=datetime.date(2026, 10, 1))
    assert claim.interest_pending
    provisional = (
        "vorläufig 4,16\u00a0€ für 121 Zinstage vom 02.03.2026 bis 30.06.2026; "
        "für die Zeit ab 01.07.2026 fehlt der Basiszinssatz"
    )
    office = client_for(clerk).get(review_url(proof)).content.decode()
    assert "noch nicht berechnet (Basiszinssatz nicht hinterlegt)" in office
    assert provisional in office
    assert provisional in client_for(applicant).get(applicant_url(approved)).content.decode()

    # Computing now is refused with the way forward: the administrators' page.
    client = client_for(clerk)  # one test client: the applicant's view above logged the clerk out
    response = client.post(review_url(proof), {"action": "interest"}, follow=True)
    assert "auf der Seite »Basiszinssatz« ein" in response.content.decode()

    # Entered (a test value, not the published one), the interest is computed and final:
    #   01.07.–30.09.2026: 92 days at 1.11 + 5 = 6.11 %
    #   200 × (6.27 × 121 + 6.11 × 92) / 36500 = 200 × 1320.79 / 36500 = 7.23720… → 7.24
    BaseRate.objects.create(valid_from=datetime.date(2026, 7, 1), rate=Decimal("1.11"), source="Testwert")
    assert client.post(review_url(proof), {"action": "interest"}).status_code == 302
    claim.refresh_from_db()
    assert claim.interest_amount == Decimal("7.24")
    office = client.get(review_url(proof)).content.decode()
    assert "7,24" in office
    assert "vorläufig" not in office
