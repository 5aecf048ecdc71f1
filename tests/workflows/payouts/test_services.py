"""Payouts (Mittelabruf): request, check, release; each refusal and each audit record.

The plain helpers at the top (not fixtures) are also used by the SEPA and race tests.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from budgets.models import InvoiceFile, Payout
from budgets.selectors import (
    application_paid_total,
    application_payout_remaining,
    application_requested_open_total,
    payout_warnings,
)
from grants.models import Application, CostType
from grants.roles import Role
from tests import factories
from tests.builders import ADDRESS, PDF, invoice, pdf, request
from workflows.common.errors import WorkflowError
from workflows.models import AuditRecord
from workflows.payouts import services as payouts
from workflows.payouts.services import PayeeAddress

P = Payout.Status


def payout_actions(application) -> list[str]:
    return list(
        AuditRecord.objects.filter(application=application, action__startswith="budgets.payout.").values_list(
            "action", flat=True
        )
    )


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def second_approver(db):
    return factories.user_with_roles("bewilligung-2", Role.APPROVER)


# --- request ---------------------------------------------------------------------------


def test_request_lists_invoices_and_files_and_pays_to_the_applications_account(approved, applicant, media):
    payout = request(
        approved,
        applicant,
        invoice("1200.00", number="R-1"),
        invoice("300.50", number="R-2", issuer="Reisebüro Öztürk"),
        files=[pdf("rechnungen.pdf"), pdf("kontoauszug.pdf")],
    )

    payout.refresh_from_db()
    assert payout.status == P.REQUESTED
    assert payout.number == "MA-2026-00001"
    assert payout.requested_amount == Decimal("1500.50")
    assert payout.checked_amount is None
    assert (payout.account_holder, payout.iban, payout.bic) == (
        "Hansestadt Gardelegen",
        "DE02120300000000202051",
        "BYLADEM1001",
    )
    assert (payout.street, payout.building_number, payout.postcode, payout.town, payout.country) == (
        "Rudolf-Breitscheid-Straße",
        "3",
        "39638",
        "Gardelegen",
        "DE",
    )
    assert [(i.number, i.amount, i.before_start) for i in payout.invoices.all()] == [
        ("R-1", Decimal("1200.00"), False),
        ("R-2", Decimal("300.50"), False),
    ]
    files = list(payout.files.all())
    assert [f.original_name for f in files] == ["rechnungen.pdf", "kontoauszug.pdf"]
    assert all(f.content_type == "application/pdf" and f.size == len(PDF) for f in files)
    assert all(f.file.name.endswith(f.token) and "rechnung" not in f.file.name for f in files)
    with files[0].file.open("rb") as handle:
        assert handle.read() == PDF

    assert application_requested_open_total(application=approved) == Decimal("1500.50")
    assert application_payout_remaining(application=approved) == Decimal("1049.50")
    record = AuditRecord.objects.get(action="budgets.payout.requested")
    assert record.actor == applicant
    assert (record.from_state, record.to_state) == ("approved", "approved")
    assert record.comment.startswith("Mittelabruf MA-2026-00001: abgerufen")
    assert "1.500,50" in record.comment
    approved.refresh_from_db()
    assert approved.status == Application.Status.APPROVED


def test_request_may_be_less_than_the_invoices_but_never_more(approved, applicant):
    with pytest.raises(WorkflowError) as caught:
        request(approved, applicant, invoice("500.00"), amount="500.01")
    assert caught.value.code == "amount"
    assert "500,00" in caught.value.message

    # Costs above the approved amount: the municipality asks for what is left.
    payout = request(approved, applicant, invoice("3000.00"), amount="2550.00")
    assert payout.requested_amount == Decimal("2550.00")


def test_over_request_is_refused_and_open_requests_count(approved, applicant, clerk):
    request(approved, applicant, invoice("1500.00", number="R-1"))  # open, not yet checked

    with pytest.raises(WorkflowError) as caught:
        request(approved, applicant, invoice("1050.01", number="R-2"))
    assert caught.value.code == "over_request"
    assert "abrufbar noch 1.050,00" in caught.value.message
    assert "2.550,00" in caught.value.message

    request(approved, applicant, invoice("1050.00", number="R-2"))
    assert application_payout_remaining(application=approved) == Decimal("0.00")
    with pytest.raises(WorkflowError) as caught:
        request(approved, applicant, invoice("0.01", number="R-3"))
    assert caught.value.code == "over_request"
    assert Payout.objects.count() == 2
    # Nothing of a refused request stays behind.
    assert InvoiceFile.objects.count() == 2


def test_a_refused_request_leaves_no_file_behind(approved, applicant, media):
    request(approved, applicant, invoice("2550.00"))
    before = sorted(p for p in media.rglob("*") if p.is_file())
    with pytest.raises(WorkflowError):
        request(approved, applicant, invoice("1.00", number="R-2"))
    assert sorted(p for p in media.rglob("*") if p.is_file()) == before


def test_rejected_and_withdrawn_requests_free_their_amount(approved, applicant, clerk):
    first = request(approved, applicant, invoice("2000.00", number="R-1"))
    payouts.payout_reject(clerk=clerk, payout_id=first.pk, reason="Rechnung betrifft ein anderes Vorhaben.")
    second = request(approved, applicant, invoice("2550.00", number="R-2"))
    payouts.payout_withdraw(user=applicant, payout_id=second.pk, reason="Falscher Betrag.")

    assert application_requested_open_total(application=approved) == Decimal("0.00")
    third = request(approved, applicant, invoice("2550.00", number="R-3"))
    assert third.status == P.REQUESTED
    assert payout_actions(approved) == [
        "budgets.payout.requested",
        "budgets.payout.rejected",
        "budgets.payout.requested",
        "budgets.payout.withdrawn",
        "budgets.payout.requested",
    ]
    first.refresh_from_db()
    assert first.rejection_reason == "Rechnung betrifft ein anderes Vorhaben."
    assert first.closed_at is not None


def test_an_invoice_claimed_before_cannot_be_claimed_again(approved, applicant, clerk):
    first = request(approved, applicant, invoice("500.00", number="R-7"))
    with pytest.raises(WorkflowError) as caught:
        request(approved, applicant, invoice("500.00", number="r-7", issuer="moderation müller gmbh"))
    assert caught.value.code == "duplicate_invoice"
    assert "MA-2026-00001" in caught.value.message
    with pytest.raises(WorkflowError) as caught:
        request(approved, applicant, invoice("100.00", number="R-8"), invoice("100.00", number="R-8"))
    assert caught.value.code == "duplicate_invoice"

    # A rejected request gives its invoices free again.
    payouts.payout_reject(clerk=clerk, payout_id=first.pk, reason="Beleg unleserlich.")
    assert request(approved, applicant, invoice("500.00", number="R-7")).status == P.REQUESTED


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"invoices": []}, "no_invoices"),
        ({"files": []}, "no_files"),
        ({"files": [SimpleUploadedFile("rechnung.pdf", b"kein pdf", content_type="application/pdf")]}, "file_type"),
        ({"address": PayeeAddress(town="")}, "incomplete"),
        ({"address": PayeeAddress(town="Gardelegen", country="Deutschland")}, "address"),
        ({"amount": Decimal("0")}, "amount"),
    ],
)
def test_incomplete_requests_are_refused(approved, applicant, kwargs, code):
    arguments = {
        "user": applicant,
        "application_id": approved.pk,
        "invoices": [invoice()],
        "address": ADDRESS,
        "files": [pdf()],
    }
    arguments.update(kwargs)
    with pytest.raises(WorkflowError) as caught:
        payouts.payout_request(**arguments)
    assert caught.value.code == code
    assert not Payout.objects.exists()


def test_invoices_must_be_paid_and_of_an_eligible_cost_type(approved, applicant, programme_year):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(WorkflowError) as caught:
        request(approved, applicant, invoice(day=tomorrow))
    assert caught.value.code == "invoice_date"

    travel = CostType.objects.get(code="travel")
    programme_year.eligible_cost_types.remove(travel)
    with pytest.raises(WorkflowError) as caught:
        request(approved, applicant, invoice(cost_type=travel))
    assert caught.value.code == "cost_type"
    assert "nicht förderfähig" in caught.value.message


def test_only_the_municipality_requests_and_only_for_an_approved_application(
    approved, foreign_applicant, clerk, applicant, gardelegen, programme_year
):
    with pytest.raises(WorkflowError) as caught:
        request(approved, foreign_applicant)
    assert caught.value.code == "forbidden"
    with pytest.raises(WorkflowError) as caught:
        request(approved, clerk)
    assert caught.value.code == "forbidden"

    in_review = factories.in_review(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    with pytest.raises(WorkflowError) as caught:
        request(in_review, applicant)
    assert caught.value.code == "application_state"


def test_requests_only_inside_the_years_payout_window(approved, applicant, programme_year):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    programme_year.invoice_deadline = yesterday
    programme_year.save()
    with pytest.raises(WorkflowError) as caught:
        request(approved, applicant)
    assert caught.value.code == "window"
    assert f"{yesterday:%d.%m.%Y}" in caught.value.message


# --- early start ---------------------------------------------------------------------------


def test_invoice_dated_before_the_approval_is_flagged_and_never_accepted_silently(approved, applicant, clerk):
    approval_day = timezone.localdate(approved.decided_at)
    # A period around the approval: only the early start is in question here.
    Application.objects.filter(pk=approved.pk).update(
        period_start=approval_day - datetime.timedelta(days=20), period_end=approval_day + datetime.timedelta(days=20)
    )
    payout = request(
        approved,
        applicant,
        invoice("400.00", number="R-early", day=approval_day - datetime.timedelta(days=1)),
        invoice("600.00", number="R-ok", day=approval_day),
    )

    flags = dict(payout.invoices.values_list("number", "before_start"))
    assert flags == {"R-early": True, "R-ok": False}
    [warning] = payout_warnings(payout=payout)
    assert "Vorzeitiger Maßnahmebeginn" in warning
    assert "R-early" in warning and "R-ok" not in warning
    assert f"{approval_day:%d.%m.%Y}" in warning

    with pytest.raises(WorkflowError) as caught:
        payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    assert caught.value.code == "early_invoices"
    assert "R-early" in caught.value.message

    payout = payouts.payout_check(
        clerk=clerk, payout_id=payout.pk, note="Auftrag nach Bewilligung erteilt, Rechnung vordatiert."
    )
    assert payout.status == P.CHECKED
    assert payout.check_note == "Auftrag nach Bewilligung erteilt, Rechnung vordatiert."


def test_with_an_early_start_allowed_only_invoices_before_submission_are_flagged(approved, applicant):
    submitted = timezone.now() - datetime.timedelta(days=10)
    Application.objects.filter(pk=approved.pk).update(early_start_allowed=True, submitted_at=submitted)
    submission_day = timezone.localdate(submitted)

    payout = request(
        approved,
        applicant,
        invoice("100.00", number="R-before", day=submission_day - datetime.timedelta(days=1)),
        invoice("100.00", number="R-after", day=submission_day + datetime.timedelta(days=1)),
    )

    assert dict(payout.invoices.values_list("number", "before_start")) == {"R-before": True, "R-after": False}


# --- check -----------------------------------------------------------------------------------


def test_clerk_accepts_the_requested_amount(approved, applicant, clerk):
    # An invoice of today within the project period: nothing stands out.
    Application.objects.filter(pk=approved.pk).update(
        period_start=timezone.localdate() - datetime.timedelta(days=20),
        period_end=timezone.localdate() + datetime.timedelta(days=20),
    )
    payout = request(approved, applicant, invoice("1000.00"))
    assert payout_warnings(payout=payout) == []

    payout = payouts.payout_check(clerk=clerk, payout_id=payout.pk)

    payout.refresh_from_db()
    assert payout.status == P.CHECKED
    assert (payout.checked_amount, payout.checked_by, payout.check_note) == (Decimal("1000.00"), clerk, "")
    assert payout.checked_at is not None
    record = AuditRecord.objects.get(action="budgets.payout.checked")
    assert record.comment == "Mittelabruf MA-2026-00001: abgerufen → geprüft. Anerkannt: 1.000,00\u00a0€"


def test_clerk_reduces_only_with_a_reason_and_the_reduction_frees_the_rest(approved, applicant, clerk):
    payout = request(approved, applicant, invoice("2000.00"))

    with pytest.raises(WorkflowError) as caught:
        payouts.payout_check(clerk=clerk, payout_id=payout.pk, amount=Decimal("1500.00"))
    assert caught.value.code == "reason_missing"
    with pytest.raises(WorkflowError) as caught:
        payouts.payout_check(clerk=clerk, payout_id=payout.pk, amount=Decimal("2000.01"), note="mehr")
    assert caught.value.code == "amount"
    with pytest.raises(WorkflowError) as caught:
        payouts.payout_check(clerk=clerk, payout_id=payout.pk, amount=Decimal("0"), note="nichts")
    assert caught.value.code == "amount"

    payout = payouts.payout_check(
        clerk=clerk, payout_id=payout.pk, amount=Decimal("1500.00"), note="Bewirtung ist nicht förderfähig."
    )
    assert payout.checked_amount == Decimal("1500.00")
    assert application_requested_open_total(application=approved) == Decimal("1500.00")
    assert application_payout_remaining(application=approved) == Decimal("1050.00")
    record = AuditRecord.objects.get(action="budgets.payout.checked")
    assert "Gekürzt auf 1.500,00" in record.comment and "Bewirtung" in record.comment


def test_a_reduction_without_reason_is_refused_by_the_database(approved, applicant, clerk):
    payout = request(approved, applicant, invoice("2000.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.filter(pk=payout.pk).update(checked_amount=Decimal("10.00"))


def test_documents_requested_added_and_resubmitted(approved, applicant, clerk):
    payout = request(approved, applicant)
    payout = payouts.payout_request_documents(
        clerk=clerk, payout_id=payout.pk, message="Bitte reichen Sie den Zahlungsnachweis nach."
    )
    assert payout.status == P.DOCUMENTS_REQUESTED
    with pytest.raises(WorkflowError) as caught:
        payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    assert caught.value.code == "wrong_state"

    added = payouts.payout_add_file(user=applicant, payout_id=payout.pk, upload=pdf("zahlung.pdf"))
    assert added.original_name == "zahlung.pdf"
    payout = payouts.payout_resubmit(user=applicant, payout_id=payout.pk, answer="Nachweis ist hochgeladen.")
    assert payout.status == P.REQUESTED
    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    with pytest.raises(WorkflowError) as caught:
        payouts.payout_add_file(user=applicant, payout_id=payout.pk, upload=pdf("spaet.pdf"))
    assert caught.value.code == "wrong_state"

    assert payout_actions(approved) == [
        "budgets.payout.requested",
        "budgets.payout.documents_requested",
        "budgets.payout.file_added",
        "budgets.payout.resubmitted",
        "budgets.payout.checked",
    ]
    record = AuditRecord.objects.get(action="budgets.payout.documents_requested")
    assert record.actor == clerk
    assert "abgerufen → Unterlagen nachgefordert" in record.comment
    assert "Zahlungsnachweis" in record.comment


def test_a_replayed_check_has_no_second_effect(approved, applicant, clerk):
    payout = request(approved, applicant)
    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    with pytest.raises(WorkflowError) as caught:
        payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    assert caught.value.code == "wrong_state"
    assert payout_actions(approved).count("budgets.payout.checked") == 1


def test_roles(approved, applicant, clerk, approver, controller):
    payout = request(approved, applicant)
    for user in (applicant, approver, controller):
        with pytest.raises(WorkflowError) as caught:
            payouts.payout_check(clerk=user, payout_id=payout.pk)
        assert caught.value.code == "forbidden"
    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    for user in (applicant, clerk, controller):
        with pytest.raises(WorkflowError) as caught:
            payouts.payout_release(approver=user, payout_id=payout.pk)
        assert caught.value.code == "forbidden"


# --- release -------------------------------------------------------------------------------


def test_release_by_another_person(approved, applicant, clerk, approver):
    payout = request(approved, applicant)
    payouts.payout_check(clerk=clerk, payout_id=payout.pk)

    payout = payouts.payout_release(approver=approver, payout_id=payout.pk)

    payout.refresh_from_db()
    assert payout.status == P.RELEASED
    assert (payout.checked_by, payout.released_by) == (clerk, approver)
    assert payout.released_at is not None
    assert payout_actions(approved) == [
        "budgets.payout.requested",
        "budgets.payout.checked",
        "budgets.payout.released",
    ]
    # Released is still open: it counts against what may be requested, and nothing is paid yet.
    assert application_requested_open_total(application=approved) == Decimal("1000.00")
    assert application_paid_total(application=approved) == Decimal("0.00")


def test_four_eyes_who_checked_cannot_release(approved, applicant, second_approver):
    both = factories.user_with_roles("beides", Role.CLERK, Role.APPROVER)
    payout = request(approved, applicant)
    payouts.payout_check(clerk=both, payout_id=payout.pk)

    with pytest.raises(WorkflowError) as caught:
        payouts.payout_release(approver=both, payout_id=payout.pk)
    assert caught.value.code == "four_eyes"
    assert "Vier-Augen-Prinzip" in caught.value.message
    payout.refresh_from_db()
    assert payout.status == P.CHECKED

    assert payouts.payout_release(approver=second_approver, payout_id=payout.pk).status == P.RELEASED


def test_four_eyes_is_also_a_database_constraint(approved, applicant, clerk, approver):
    payout = request(approved, applicant)
    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.filter(pk=payout.pk).update(released_by=F("checked_by"))
    # And nobody releases what nobody checked.
    other = request(approved, applicant, invoice("10.00", number="R-2"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.filter(pk=other.pk).update(released_by=approver)


def test_an_invalid_iban_refuses_the_release(approved, applicant, clerk, approver):
    payout = request(approved, applicant)
    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    # The check digits no longer match, e.g. a typing error fixed wrongly in the master data.
    Payout.objects.filter(pk=payout.pk).update(iban="DE03120300000000202051")
    payout.refresh_from_db()
    assert any("IBAN ist ungültig" in warning for warning in payout_warnings(payout=payout))

    with pytest.raises(WorkflowError) as caught:
        payouts.payout_release(approver=approver, payout_id=payout.pk)

    assert caught.value.code == "iban_invalid"
    assert caught.value.message.startswith("Die Auszahlung kann nicht freigegeben werden. Die IBAN ist ungültig")
    assert "Prüfziffer" in caught.value.message
    payout.refresh_from_db()
    assert payout.status == P.CHECKED
    assert payout.released_by is None


def test_an_invalid_bic_refuses_the_release(approved, applicant, clerk, approver):
    payout = request(approved, applicant)
    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    Payout.objects.filter(pk=payout.pk).update(bic="XX1")
    with pytest.raises(WorkflowError) as caught:
        payouts.payout_release(approver=approver, payout_id=payout.pk)
    assert caught.value.code == "bic_invalid"


def test_send_back_returns_the_request_to_the_clerks(approved, applicant, clerk, approver):
    payout = request(approved, applicant, invoice("1000.00"))
    payouts.payout_check(clerk=clerk, payout_id=payout.pk, amount=Decimal("800.00"), note="Teilweise belegt.")

    payout = payouts.payout_send_back(approver=approver, payout_id=payout.pk, reason="Kürzung bitte erläutern.")

    payout.refresh_from_db()
    assert payout.status == P.REQUESTED
    assert (payout.checked_amount, payout.checked_by, payout.checked_at, payout.check_note) == (None, None, None, "")
    assert application_requested_open_total(application=approved) == Decimal("1000.00")
    with pytest.raises(WorkflowError) as caught:
        payouts.payout_release(approver=approver, payout_id=payout.pk)
    assert caught.value.code == "wrong_state"
