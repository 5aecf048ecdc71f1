"""Proof of use: opening, submitting, accepting, refund claims with interest, and the ledger.

The plain helpers at the top (not fixtures) are also used by the reminder and view tests.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from budgets.models import BaseRate, LedgerEntry, RefundClaim
from budgets.selectors import (
    application_paid_total,
    municipality_committed,
    municipality_remaining_cap,
    programme_available,
    programme_committed,
    programme_paid,
    programme_refunded,
    programme_released,
)
from grants.models import Application, CostType, ProofOfUse
from grants.models.proof import add_months, proof_due_date
from tests.builders import expense, in_review, pay, released, submitted
from tests.clock import berlin
from workflows.common.errors import WorkflowError
from workflows.models import AuditRecord
from workflows.proofs import refunds, selectors
from workflows.proofs import services as proofs

D = Decimal
S = Application.Status
PS = ProofOfUse.Status
TODAY = timezone.localdate


# --- helpers shared with the other proof tests --------------------------------------------


pytestmark = pytest.mark.usefixtures("sepa_debtor")


def actions(application) -> list[str]:
    return list(
        AuditRecord.objects.filter(application=application)
        .filter(action__contains="proof_of_use")
        .values_list("action", flat=True)
    )


def ledger(application) -> dict[str, Decimal]:
    return {
        kind: sum((e.amount for e in LedgerEntry.objects.filter(application=application, kind=kind)), D("0.00"))
        for kind in LedgerEntry.Kind.values
    }


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def partly_paid(approved, applicant, clerk, approver) -> Application:
    """2,550.00 EUR approved, 1,000.00 EUR paid."""
    pay(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    approved.refresh_from_db()
    return approved


# --- due date and opening -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period_end", "months", "due"),
    [
        (datetime.date(2026, 12, 20), 3, datetime.date(2027, 3, 20)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),  # clamped to the month's last day
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),  # leap year
        (datetime.date(2026, 8, 31), 1, datetime.date(2026, 9, 30)),
        (datetime.date(2026, 1, 31), 12, datetime.date(2027, 1, 31)),
        (datetime.date(2026, 6, 15), 18, datetime.date(2027, 12, 15)),
    ],
)
def test_due_date_is_calendar_months_after_the_project_end(period_end, months, due):
    assert proof_due_date(period_end=period_end, months=months) == due
    assert add_months(period_end, months) == due


def test_open_is_idempotent_and_uses_the_programme_year(approved, programme_year):
    # Approval opened the proof: project end 20.12.2026 + 3 months of the programme year.
    proof = proofs.proof_of_use_open(application_id=approved.pk)
    again = proofs.proof_of_use_open(application_id=approved.pk)
    assert again.pk == proof.pk
    assert proof.status == PS.DUE
    assert proof.due_date == datetime.date(2027, 3, 20)
    assert ProofOfUse.objects.count() == 1
    assert actions(approved) == ["grants.proof_of_use.opened"]
    # A later change of the rule does not move an announced deadline.
    programme_year.proof_of_use_months = 6
    programme_year.save()
    assert proofs.proof_of_use_open(application_id=approved.pk).due_date == datetime.date(2027, 3, 20)


def test_no_proof_without_a_grant(applicant, gardelegen, programme_year, active_members, clerk):
    from tests import factories

    application = factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    with pytest.raises(WorkflowError) as caught:
        proofs.proof_of_use_open(application_id=application.pk)
    assert caught.value.code == "application_state"
    assert proofs.proofs_open_missing() == 0


# --- the municipality -------------------------------------------------------------------------


def test_save_draft_then_submit(approved, applicant, django_capture_on_commit_callbacks):
    proof = proofs.proof_save(
        user=applicant, application_id=approved.pk, report="Entwurf", expenses=[expense("400.00")]
    )
    assert proof.status == PS.DUE
    assert proof.revision == 1
    assert [line.amount for line in proof.expenses.all()] == [D("400.00")]

    with pytest.raises(WorkflowError) as caught:
        proofs.proof_submit(
            user=applicant, application_id=approved.pk, report="x", expenses=[expense("1.00")], revision=0
        )
    assert caught.value.code == "stale"

    with django_capture_on_commit_callbacks(execute=True):
        proof = proofs.proof_submit(
            user=applicant,
            application_id=approved.pk,
            report="  Zwei Werkstätten mit 40 Teilnehmenden.  ",
            expenses=[expense("1200.00"), expense("45.50", issuer="Bahn", cost_type="travel")],
            revision=1,
        )
    proof.refresh_from_db()
    assert proof.status == PS.SUBMITTED
    assert proof.report == "Zwei Werkstätten mit 40 Teilnehmenden."
    assert proof.submitted_by == applicant
    assert proof.submitted_at is not None
    assert proof.expense_total == D("1245.50")
    assert [(line.issuer, line.amount) for line in proof.expenses.all()] == [
        ("Moderation Müller GmbH", D("1200.00")),
        ("Bahn", D("45.50")),
    ]
    record = AuditRecord.objects.get(application=approved, action="grants.proof_of_use.submitted")
    assert record.actor == applicant
    assert (record.from_state, record.to_state) == ("approved", "approved")
    assert "offen → eingereicht" in record.comment
    assert "1.245,50" in record.comment
    confirmation, to_clerks = mail.outbox
    assert "Eingangsbestätigung: Verwendungsnachweis" in confirmation.subject
    assert "1.245,50" in confirmation.body
    assert to_clerks.subject.startswith("Verwendungsnachweis zum Antrag")

    # Submitted: the municipality can no longer change it.
    with pytest.raises(WorkflowError) as caught:
        proofs.proof_save(user=applicant, application_id=approved.pk, report="neu", expenses=[])
    assert caught.value.code == "wrong_state"


@pytest.mark.parametrize(
    ("report", "expenses", "code"),
    [
        ("", [("100.00", 0)], "incomplete"),
        ("Bericht", [], "no_expenses"),
        ("Bericht", [("0.00", 0)], "amount"),
        ("Bericht", [("10.00", -1)], "expense_date"),
    ],
)
def test_submit_refusals(approved, applicant, report, expenses, code):
    lines = [expense(amount, spent_on=TODAY() - datetime.timedelta(days=offset)) for amount, offset in expenses]
    with pytest.raises(WorkflowError) as caught:
        proofs.proof_submit(user=applicant, application_id=approved.pk, report=report, expenses=lines)
    assert caught.value.code == code


def test_a_foreign_applicant_cannot_write_the_proof(approved, foreign_applicant):
    with pytest.raises(WorkflowError) as caught:
        proofs.proof_save(user=foreign_applicant, application_id=approved.pk, report="x", expenses=[])
    assert caught.value.code == "forbidden"


# --- review: return and accept -------------------------------------------------------------


def test_return_for_changes_and_submit_again(approved, applicant, clerk, django_capture_on_commit_callbacks):
    proof = in_review(approved, applicant, clerk)
    assert proof.reviewer == clerk
    with django_capture_on_commit_callbacks(execute=True):
        proofs.proof_return(clerk=clerk, proof_id=proof.pk, message="Bitte die Reisekosten belegen.")
    proof.refresh_from_db()
    assert proof.status == PS.RETURNED
    assert "Bitte die Reisekosten belegen." in mail.outbox[-1].body
    proof = submitted(approved, applicant, expense("900.00"))
    assert proof.status == PS.SUBMITTED
    assert actions(approved) == [
        "grants.proof_of_use.opened",
        "grants.proof_of_use.submitted",
        "grants.proof_of_use.review_started",
        "grants.proof_of_use.returned",
        "grants.proof_of_use.submitted",
    ]


def test_accept_completes_and_releases_what_was_not_paid(
    partly_paid, applicant, clerk, programme_year, gardelegen, django_capture_on_commit_callbacks
):
    proof = in_review(partly_paid, applicant, clerk, expense("1200.00"))
    with django_capture_on_commit_callbacks(execute=True):
        proofs.proof_accept(clerk=clerk, proof_id=proof.pk)

    proof.refresh_from_db()
    partly_paid.refresh_from_db()
    assert proof.status == PS.ACCEPTED
    assert proof.recognised_amount == D("1200.00")
    assert proof.closed_at is not None
    assert partly_paid.status == S.COMPLETED
    # Approved 2,550.00, paid 1,000.00: 1,550.00 released, nothing refunded.
    assert ledger(partly_paid) == {
        "commitment": D("2550.00"),
        "release": D("1550.00"),
        "payout": D("1000.00"),
        "refund": D("0.00"),
    }
    assert municipality_committed(programme_year=programme_year, municipality=gardelegen) == D("1000.00")
    assert municipality_remaining_cap(programme_year=programme_year, municipality=gardelegen) == D("4000.00")
    assert programme_committed(programme_year=programme_year) == D("1000.00")
    assert programme_available(programme_year=programme_year) == D("249000.00")
    assert programme_released(programme_year=programme_year) == D("1550.00")
    assert programme_paid(programme_year=programme_year) == D("1000.00")

    completed = AuditRecord.objects.get(application=partly_paid, action="grants.application.completed")
    assert (completed.from_state, completed.to_state) == ("approved", "completed")
    accepted = AuditRecord.objects.get(application=partly_paid, action="grants.proof_of_use.accepted")
    assert "in Prüfung → anerkannt" in accepted.comment
    assert "freigegeben: 1.550,00" in accepted.comment
    assert "anerkannt" in mail.outbox[-1].subject

    # Replay: the proof is no longer in review; nothing is released twice.
    with pytest.raises(WorkflowError) as caught:
        proofs.proof_accept(clerk=clerk, proof_id=proof.pk)
    assert caught.value.code == "wrong_state"
    assert ledger(partly_paid)["release"] == D("1550.00")


def test_accept_of_a_fully_paid_application_leaves_the_ledger_alone(approved, applicant, clerk, approver):
    pay(approved, applicant=applicant, clerk=clerk, approver=approver, amount="2550.00")
    approved.refresh_from_db()
    assert approved.status == S.PAID
    proof = in_review(approved, applicant, clerk, expense("2600.00"))
    proofs.proof_accept(clerk=clerk, proof_id=proof.pk)
    approved.refresh_from_db()
    assert approved.status == S.COMPLETED
    assert ledger(approved) == {
        "commitment": D("2550.00"),
        "release": D("0.00"),
        "payout": D("2550.00"),
        "refund": D("0.00"),
    }


def test_accept_is_refused_when_the_expenses_do_not_cover_the_payouts(partly_paid, applicant, clerk):
    # 800.00 of moderation plus 300.00 of a cost type the year does not fund.
    proof = in_review(
        partly_paid, applicant, clerk, expense("800.00"), expense("300.00", issuer="Catering", cost_type="travel")
    )
    partly_paid.programme_year.eligible_cost_types.remove(CostType.objects.get(code="travel"))
    with pytest.raises(WorkflowError) as caught:
        proofs.proof_accept(clerk=clerk, proof_id=proof.pk)
    assert caught.value.code == "refund_needed"
    assert "200,00" in caught.value.message
    figures = selectors.proof_figures(proof=proof)
    assert (figures.expense_total, figures.eligible_total, figures.refund_suggested) == (
        D("1100.00"),
        D("800.00"),
        D("200.00"),
    )
    # A different recognised amount needs a note.
    with pytest.raises(WorkflowError) as caught:
        proofs.proof_accept(clerk=clerk, proof_id=proof.pk, recognised_amount=D("1100.00"))
    assert caught.value.code == "reason_missing"
    with pytest.raises(WorkflowError) as caught:
        proofs.proof_accept(clerk=clerk, proof_id=proof.pk, recognised_amount=D("1100.01"), note="x")
    assert caught.value.code == "amount"
    proofs.proof_accept(
        clerk=clerk, proof_id=proof.pk, recognised_amount=D("1100.00"), note="Bewirtung ausnahmsweise anerkannt."
    )


def test_review_needs_the_clerk_role(approved, applicant, approver):
    proof = submitted(approved, applicant)
    for user in (applicant, approver):
        with pytest.raises(WorkflowError) as caught:
            proofs.proof_start_review(clerk=user, proof_id=proof.pk)
        assert caught.value.code == "forbidden"


def test_no_final_review_while_a_payout_is_open(partly_paid, applicant, clerk, approver):
    released(partly_paid, applicant=applicant, clerk=clerk, approver=approver, amount="500.00", number="R-2")
    proof = in_review(partly_paid, applicant, clerk)
    with pytest.raises(WorkflowError) as caught:
        proofs.proof_accept(clerk=clerk, proof_id=proof.pk)
    assert caught.value.code == "open_payouts"
    assert "MA-2026-00002" in caught.value.message


# --- refund claims --------------------------------------------------------------------------


@pytest.mark.now("2026-02-02T10:00+01:00")  # paid in February, claimed on 02.03., booked later
def test_refund_claim_path_with_ledger_sums_equal_to_the_figures(
    partly_paid, applicant, clerk, approver, programme_year, gardelegen, django_capture_on_commit_callbacks, clock
):
    clock.move_to(berlin(2026, 3, 2, 10))
    proof = in_review(partly_paid, applicant, clerk, expense("800.00"))
    with django_capture_on_commit_callbacks(execute=True):
        claim = proofs.proof_claim_refund(
            clerk=clerk,
            proof_id=proof.pk,
            amount=D("200.00"),
            reason="200,00 € wurden nicht verausgabt.",
            arises_on=datetime.date(2026, 3, 2),
        )
    proof.refresh_from_db()
    partly_paid.refresh_from_db()
    assert claim.number == "RF-2026-00001"
    assert (claim.amount, claim.full_revocation) == (D("200.00"), False)
    assert claim.due_on == datetime.date(2026, 4, 1)  # 30 days after the claim arose
    assert proof.status == PS.REFUND_CLAIMED
    assert proof.recognised_amount == D("800.00")
    # Partial revocation: the grant is settled at once, so no further payout can be requested.
    assert partly_paid.status == S.COMPLETED
    assert "Rückforderung" in mail.outbox[-1].subject
    assert "200,00" in mail.outbox[-1].body and "01.04.2026" in mail.outbox[-1].body

    # Unpaid claim: the unspent commitment is released, the refund not yet booked.
    assert ledger(partly_paid) == {
        "commitment": D("2550.00"),
        "release": D("1550.00"),
        "payout": D("1000.00"),
        "refund": D("0.00"),
    }
    assert municipality_committed(programme_year=programme_year, municipality=gardelegen) == D("1000.00")

    # The money arrives on 01.04.2026: 30 days (02.03.–31.03.) at 1.27 + 5 = 6.27 %:
    #   200 × 6.27 × 30 / 36500 = 1.03068… → 1.03
    clock.move_to(berlin(2026, 4, 2, 10))
    with django_capture_on_commit_callbacks(execute=True):
        claim = refunds.refund_book_received(user=clerk, claim_id=claim.pk, paid_on=datetime.date(2026, 4, 1))
    claim.refresh_from_db()
    proof.refresh_from_db()
    assert claim.paid_on == datetime.date(2026, 4, 1)
    assert claim.interest_amount == D("1.03")
    assert "30 Tage × 6,27 %" in claim.interest_calculation
    assert claim.refund_entry.kind == LedgerEntry.Kind.REFUND
    assert claim.refund_entry.amount == D("200.00")
    assert proof.status == PS.REFUNDED
    assert "1,03" in mail.outbox[-1].body

    # Ledger sums equal the figures: committed = paid − refunded = what was recognised.
    assert ledger(partly_paid) == {
        "commitment": D("2550.00"),
        "release": D("1550.00"),
        "payout": D("1000.00"),
        "refund": D("200.00"),
    }
    assert application_paid_total(application=partly_paid) == D("1000.00")
    assert municipality_committed(programme_year=programme_year, municipality=gardelegen) == D("800.00")
    assert municipality_remaining_cap(programme_year=programme_year, municipality=gardelegen) == D("4200.00")
    assert programme_committed(programme_year=programme_year) == D("800.00")
    assert programme_paid(programme_year=programme_year) == D("1000.00")
    assert programme_refunded(programme_year=programme_year) == D("200.00")
    assert programme_released(programme_year=programme_year) == D("1550.00")
    assert programme_available(programme_year=programme_year) == D("249200.00")

    # Replay: refused, and no second effect.
    with pytest.raises(WorkflowError) as caught:
        refunds.refund_book_received(user=clerk, claim_id=claim.pk, paid_on=datetime.date(2026, 4, 1))
    assert caught.value.code == "already_booked"
    assert LedgerEntry.objects.filter(application=partly_paid, kind="refund").count() == 1
    assert actions(partly_paid)[-3:] == [
        "grants.proof_of_use.review_started",
        "grants.proof_of_use.refund_claimed",
        "grants.proof_of_use.refunded",
    ]
    assert AuditRecord.objects.filter(application=partly_paid, action="grants.application.completed").count() == 1


def test_full_revocation_revokes_the_application(partly_paid, applicant, clerk, programme_year, gardelegen):
    proof = in_review(partly_paid, applicant, clerk, expense("50.00", cost_type="travel"))
    partly_paid.programme_year.eligible_cost_types.remove(CostType.objects.get(code="travel"))
    claim = proofs.proof_claim_refund(
        clerk=clerk, proof_id=proof.pk, amount=D("1000.00"), reason="Vorhaben nicht durchgeführt."
    )
    partly_paid.refresh_from_db()
    assert claim.full_revocation is True
    assert claim.arises_on == TODAY()
    assert partly_paid.status == S.REVOKED
    revoked = AuditRecord.objects.get(application=partly_paid, action="grants.application.revoked")
    assert (revoked.from_state, revoked.to_state) == ("approved", "revoked")
    refunds.refund_book_received(user=clerk, claim_id=claim.pk, paid_on=TODAY())
    partly_paid.refresh_from_db()
    assert partly_paid.status == S.REVOKED
    assert municipality_committed(programme_year=programme_year, municipality=gardelegen) == D("0.00")
    assert municipality_remaining_cap(programme_year=programme_year, municipality=gardelegen) == D("5000.00")


@pytest.mark.parametrize(
    ("amount", "arises_in_days", "code"),
    [("1000.01", 0, "amount"), ("0.00", 0, "amount"), ("10.00", 1, "arises_on")],
)
def test_refund_claim_refusals(partly_paid, applicant, clerk, amount, arises_in_days, code):
    proof = in_review(partly_paid, applicant, clerk)
    with pytest.raises(WorkflowError) as caught:
        proofs.proof_claim_refund(
            clerk=clerk,
            proof_id=proof.pk,
            amount=D(amount),
            reason="Begründung",
            arises_on=TODAY() + datetime.timedelta(days=arises_in_days),
        )
    assert caught.value.code == code
    assert not RefundClaim.objects.exists()
    assert ledger(partly_paid)["release"] == D("0.00")


@pytest.mark.now("2026-02-02T10:00+01:00")  # paid in February, claimed on 02.03., booked later
def test_refund_booking_refusals(partly_paid, applicant, clerk, controller, clock):
    clock.move_to(berlin(2026, 3, 5, 10))
    proof = in_review(partly_paid, applicant, clerk)
    claim = proofs.proof_claim_refund(
        clerk=clerk, proof_id=proof.pk, amount=D("10.00"), reason="x", arises_on=datetime.date(2026, 3, 2)
    )
    with pytest.raises(WorkflowError) as caught:
        refunds.refund_book_received(user=controller, claim_id=claim.pk, paid_on=datetime.date(2026, 3, 3))
    assert caught.value.code == "forbidden"
    with pytest.raises(WorkflowError) as caught:
        refunds.refund_book_received(user=clerk, claim_id=claim.pk, paid_on=datetime.date(2026, 3, 1))
    assert caught.value.code == "paid_on"
    with pytest.raises(WorkflowError) as caught:
        refunds.refund_book_received(user=clerk, claim_id=claim.pk, paid_on=TODAY() + datetime.timedelta(days=1))
    assert caught.value.code == "paid_on"
    assert not LedgerEntry.objects.filter(kind="refund").exists()


@pytest.mark.now("2026-02-02T10:00+01:00")  # paid in February, claimed on 02.03., booked later
def test_paid_on_the_day_the_claim_arose_bears_no_interest(partly_paid, applicant, clerk, clock):
    clock.move_to(berlin(2026, 3, 2, 10))
    proof = in_review(partly_paid, applicant, clerk)
    claim = proofs.proof_claim_refund(
        clerk=clerk, proof_id=proof.pk, amount=D("10.00"), reason="x", arises_on=datetime.date(2026, 3, 2)
    )
    claim = refunds.refund_book_received(user=clerk, claim_id=claim.pk, paid_on=datetime.date(2026, 3, 2))
    assert claim.interest_amount == D("0.00")


@pytest.mark.now("2025-11-03T10:00+01:00")
def test_interest_stays_pending_until_the_base_rate_is_loaded(partly_paid, applicant, clerk, clock):
    BaseRate.objects.filter(valid_from__gte=datetime.date(2026, 1, 1)).delete()
    clock.move_to(berlin(2025, 12, 1, 10))
    proof = in_review(partly_paid, applicant, clerk)
    claim = proofs.proof_claim_refund(
        clerk=clerk, proof_id=proof.pk, amount=D("1000.00"), reason="x", arises_on=datetime.date(2025, 12, 1)
    )
    clock.move_to(berlin(2026, 1, 15, 10))
    claim = refunds.refund_book_received(user=clerk, claim_id=claim.pk, paid_on=datetime.date(2026, 1, 15))
    claim.refresh_from_db()
    # The money is in the ledger at once; only the interest waits.
    assert claim.refund_entry is not None
    assert claim.interest_amount is None
    assert claim.interest_pending
    with pytest.raises(WorkflowError) as caught:
        refunds.refund_interest_compute(user=clerk, claim_id=claim.pk)
    assert caught.value.code == "base_rate_missing"

    BaseRate.objects.create(valid_from=datetime.date(2026, 1, 1), rate=D("1.27"))
    claim = refunds.refund_interest_compute(user=clerk, claim_id=claim.pk)
    # 01.12.2025–14.01.2026: 31 + 14 = 45 days at 1.27 + 5 = 6.27 %:
    #   1000 × 6.27 × 45 / 36500 = 7.73013… → 7.73
    assert claim.interest_amount == D("7.73")
    with pytest.raises(WorkflowError) as caught:
        refunds.refund_interest_compute(user=clerk, claim_id=claim.pk)
    assert caught.value.code == "no_interest_pending"
    assert AuditRecord.objects.filter(action="budgets.refund_claim.interest_computed").count() == 1
