"""What the proof-of-use pages read: the figures a clerk compares, the lists of proofs and refund claims."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.errors import InterestError
from budgets.interest import ProvisionalInterest, claim_interest_provisional
from budgets.models import RefundClaim
from budgets.selectors import application_paid_total, project_date_problem
from core.money import ZERO, money
from grants.models import Application, ProofOfUse
from grants.models.proof import proof_due_date

S = Application.Status
PS = ProofOfUse.Status
# Applications that have received a grant and owe a proof of use.
WITH_PROOF = [S.APPROVED, S.PAID]
# The "due soon" reminder goes out this many days before the due date.
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class ProofFigures:
    """What the clerk compares; every figure from the ledger, the decision or the proof."""

    approved: Decimal
    paid: Decimal
    expense_total: Decimal
    # Expenses of cost types the programme year funds.
    eligible_total: Decimal
    # What the municipality may keep: the recognised expenses, at most the approved amount.
    grant_due: Decimal
    # Paid and not covered by recognised expenses: what a refund claim would ask back.
    refund_suggested: Decimal
    # Approved and never paid out: released when the proof is settled.
    unspent_commitment: Decimal


def proof_figures(*, proof: ProofOfUse, recognised_amount: Decimal | None = None) -> ProofFigures:
    """The figures of one proof; ``recognised_amount`` (the clerk's finding) defaults to the eligible total."""
    application = proof.application
    approved = money(application.approved_amount or ZERO)
    paid = application_paid_total(application=application)
    eligible_types = set(application.programme_year.eligible_cost_types.values_list("pk", flat=True))
    lines = list(proof.expenses.all())
    expense_total = money(sum((line.amount for line in lines), ZERO))
    eligible_total = money(sum((line.amount for line in lines if line.cost_type_id in eligible_types), ZERO))
    recognised = eligible_total if recognised_amount is None else money(recognised_amount)
    grant_due = min(recognised, approved)
    return ProofFigures(
        approved=approved,
        paid=paid,
        expense_total=expense_total,
        eligible_total=eligible_total,
        grant_due=grant_due,
        refund_suggested=max(money(paid - grant_due), ZERO),
        unspent_commitment=max(money(approved - paid), ZERO),
    )


def proof_due_date_for(*, application: Application) -> datetime.date | None:
    """The due date a proof of this application has or will have."""
    proof = ProofOfUse.objects.filter(application=application).only("due_date").first()
    if proof is not None:
        return proof.due_date
    if application.period_end is None:
        return None
    return proof_due_date(period_end=application.period_end, months=application.programme_year.proof_of_use_months)


def proofs_overdue(*, today: datetime.date | None = None):
    """Proofs not submitted by their due date, longest overdue first."""
    today = today or timezone.localdate()
    return (
        ProofOfUse.objects.filter(status=PS.DUE, application__status__in=WITH_PROOF, due_date__lt=today)
        .select_related("application__municipality")
        .order_by("due_date", "pk")
    )


def proofs_due_soon(*, today: datetime.date | None = None):
    """Proofs not yet submitted whose due date is within the reminder window, the earliest first."""
    today = today or timezone.localdate()
    return (
        ProofOfUse.objects.filter(
            status=PS.DUE,
            application__status__in=WITH_PROOF,
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
        .select_related("application__municipality")
        .order_by("due_date", "pk")
    )


def proofs_to_review():
    return (
        ProofOfUse.objects.filter(status__in=[PS.SUBMITTED, PS.IN_REVIEW])
        .select_related("application__municipality", "reviewer")
        .order_by("submitted_at", "pk")
    )


def refund_claims_open():
    """Claims not yet paid, the earliest payment deadline first."""
    return (
        RefundClaim.objects.filter(paid_on__isnull=True)
        .select_related("application__municipality")
        .order_by("due_on", "pk")
    )


def refund_claim_interest_preview(
    *, claim: RefundClaim, today: datetime.date | None = None
) -> ProvisionalInterest | None:
    """The interest known so far of a claim whose interest is not recorded.

    Booked while a base rate was missing: the interest up to the payment, as far as the
    table reaches. Still open, when ``today`` is given: what has accrued if it were
    paid today. None once the interest is recorded, or when there is nothing to show.
    """
    if claim.interest_amount is not None:
        return None
    if claim.paid_on is not None:
        end = claim.paid_on
    elif today is not None:
        end = max(today, claim.arises_on)
    else:
        return None
    try:
        return claim_interest_provisional(principal=claim.amount, start=claim.arises_on, end=end)
    except InterestError:
        # Arose before the table begins (2002): the clerk's computation names that.
        return None


def refund_claims_interest_pending():
    return (
        RefundClaim.objects.filter(paid_on__isnull=False, interest_amount__isnull=True)
        .select_related("application__municipality")
        .order_by("paid_on", "pk")
    )


def proof_expense_date_problems(*, proof: ProofOfUse) -> dict[int, str]:
    """Per expense line id, why its date may not belong to the project (German); fitting lines are left out."""
    application = proof.application
    problems = {}
    for line in proof.expenses.all():
        problem = project_date_problem(application=application, day=line.spent_on)
        if problem:
            problems[line.pk] = problem
    return problems


def proof_date_warnings(*, proof: ProofOfUse) -> list[str]:
    """The warning the clerk must see before deciding: expenses dated outside the project
    period or before the measure could start."""
    problems = proof_expense_date_problems(proof=proof)
    if not problems:
        return []
    lines = [line for line in proof.expenses.order_by("spent_on", "pk") if line.pk in problems]
    return [
        _(
            "Ausgaben außerhalb des zulässigen Zeitraums? %(count)d Ausgabe(n): %(expenses)s. Bitte prüfen, ob "
            "sie zum Projekt gehören, und die Anerkennung im Prüfvermerk begründen."
        )
        % {
            "count": len(lines),
            "expenses": "; ".join(
                f"{line.issuer} vom {line.spent_on:%d.%m.%Y} ({problems[line.pk]})" for line in lines
            ),
        }
    ]
