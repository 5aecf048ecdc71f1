"""Refund claims after a proof of use: booking what the municipality paid back, and the interest on it.

The claim itself arises in the proof's review (``workflows.proofs.services.proof_claim_refund``).
Lock order as there: application, then proof, then the refund claim.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.errors import InterestError
from budgets.interest import claim_interest
from budgets.ledger import ledger_book
from budgets.models import LedgerEntry, RefundClaim
from core.money import format_eur
from grants.models import ProofOfUse
from workflows.common.audit import audit_proof
from workflows.common.errors import WorkflowError
from workflows.common.guards import (
    german_records,
)
from workflows.common.notifications import notify_applicant
from workflows.proofs.permissions import refund_can_book, refund_can_compute_interest
from workflows.proofs.services import proof_bump, proof_lock

PS = ProofOfUse.Status


def _lock_claim(claim_id: int) -> RefundClaim:
    """Lock application, proof, then the claim."""
    row = RefundClaim.objects.filter(pk=claim_id).values_list("proof_id", flat=True).first()
    if row is None:
        raise WorkflowError(_("Die Rückforderung wurde nicht gefunden."), code="not_found")
    proof = proof_lock(row)
    claim = RefundClaim.objects.select_for_update().get(pk=claim_id)
    claim.proof = proof
    claim.application = proof.application
    return claim


def _store_interest(claim: RefundClaim) -> bool:
    """Compute and record the interest of a paid claim; False while a base rate is missing."""
    try:
        interest = claim_interest(principal=claim.amount, start=claim.arises_on, end=claim.paid_on)
    except InterestError:
        return False
    claim.interest_amount = interest.amount
    claim.interest_calculation = interest.calculation
    claim.interest_computed_at = timezone.now()
    return True


@german_records
def refund_book_received(*, user: AbstractUser, claim_id: int, paid_on: datetime.date) -> RefundClaim:
    """Book the refund as received on ``paid_on``: one ledger "refund" entry, exactly once.

    The interest is computed with the payment date and recorded on the claim; while the
    Basiszinssatz of a day is not yet in the table it stays pending (see
    ``refund_interest_compute``). A second booking is refused and changes nothing.
    """
    if paid_on > timezone.localdate():
        raise WorkflowError(_("Der Zahlungseingang darf nicht in der Zukunft liegen."), code="paid_on")
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        proof, application = claim.proof, claim.application
        refund_can_book(user=user, claim=claim).require()
        if paid_on < claim.arises_on:
            raise WorkflowError(
                _("Der Zahlungseingang darf nicht vor der Entstehung des Anspruchs (%(date)s) liegen.")
                % {"date": f"{claim.arises_on:%d.%m.%Y}"},
                code="paid_on",
            )
        entry = ledger_book(
            application=application,
            kind=LedgerEntry.Kind.REFUND,
            amount=claim.amount,
            booked_by=user,
            note=f"{claim.number}, {application.file_number or ''}, Eingang {paid_on:%d.%m.%Y}",
        )
        claim.paid_on = paid_on
        claim.refund_entry = entry
        claim.booked_by = user
        claim.booked_at = timezone.now()
        computed = _store_interest(claim)
        claim.save(
            update_fields=[
                "paid_on",
                "refund_entry",
                "booked_by",
                "booked_at",
                "interest_amount",
                "interest_calculation",
                "interest_computed_at",
            ]
        )
        proof.mark_refunded()
        proof_bump(proof, "closed_at")
        if computed:
            interest = _("Zinsen nach § 49a Abs. 3 VwVfG: %(interest)s") % {
                "interest": format_eur(claim.interest_amount)
            }
        else:
            interest = _("Zinsen noch offen: Basiszinssatz nicht hinterlegt")
        audit_proof(
            proof=proof,
            action="grants.proof_of_use.refunded",
            actor=user,
            from_state=PS.REFUND_CLAIMED,
            comment=_("Rückforderung %(number)s: %(amount)s eingegangen am %(date)s; %(interest)s")
            % {
                "number": claim.number,
                "amount": format_eur(claim.amount),
                "date": f"{paid_on:%d.%m.%Y}",
                "interest": interest,
            },
        )
        notify_applicant(application=application, event="proof_refunded")
    return claim


@german_records
def refund_interest_compute(*, user: AbstractUser, claim_id: int) -> RefundClaim:
    """Compute the pending interest of a refund booked before its base rate was known."""
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        refund_can_compute_interest(user=user, claim=claim).require()
        try:
            interest = claim_interest(principal=claim.amount, start=claim.arises_on, end=claim.paid_on)
        except InterestError as error:
            raise WorkflowError(error.message, code=error.code) from None
        claim.interest_amount = interest.amount
        claim.interest_calculation = interest.calculation
        claim.interest_computed_at = timezone.now()
        claim.save(update_fields=["interest_amount", "interest_calculation", "interest_computed_at"])
        audit_proof(
            proof=claim.proof,
            action="budgets.refund_claim.interest_computed",
            actor=user,
            from_state=claim.proof.status,
            comment=_("Rückforderung %(number)s: Zinsen %(interest)s")
            % {"number": claim.number, "interest": format_eur(interest.amount)},
        )
    return claim
