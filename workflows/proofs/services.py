"""Proofs of use (Verwendungsnachweise), refund claims and reminders: the only code that
drives their transitions.

A proof is opened for every approved application (``proof_of_use_open``, idempotent;
the reminder command opens missing ones), due ``programme_year.proof_of_use_months``
calendar months after the end of the project. The municipality lists its actual
expenses and writes a narrative report, then submits. A clerk starts the review and

- returns the proof for changes, or
- accepts it: the application is completed; if less was paid than approved, the
  unspent commitment is released (one ledger "release" of approved − paid), so the
  municipality's cap and the programme budget free up; or
- claims a refund of what was paid and not used or not eligible (partial revocation;
  all of it: full revocation). The unspent commitment is released as above; the
  application is completed (partial) or revoked (full) at once, so no further payout
  can be requested on a settled grant. When the money arrives, the refund is booked:
  one ledger "refund" entry of the principal, exactly once, and the interest per
  § 49a Abs. 3 VwVfG (``budgets.interest``) is recorded on the claim, not in the ledger
  (it is general revenue, not programme money that could be committed again).

As in ``workflows.applications.services``: every service opens its own transaction, locks the rows
before it looks at their state, calls one transition per object, writes one audit
record on the application per transition (dotted action code), raises
``WorkflowError`` with a German message and a code, and e-mails after commit.

Lock order, to rule out deadlocks: application, then proof, then refund claim; number
sequences last.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.interest import claim_refund_terms
from budgets.ledger import ledger_book
from budgets.models import LedgerEntry, Payout, RefundClaim
from budgets.selectors import application_paid_total
from core.money import ZERO, format_eur, money
from grants.models import Application, CostType, ExpenseLine, ProofOfUse
from grants.models.proof import proof_due_date
from grants.roles import Role
from grants.services import number_next
from reports.models import Notice
from workflows.common.audit import audit_proof, audit_record
from workflows.common.errors import WorkflowError
from workflows.common.guards import (
    clean_line,
    clean_reason,
    expect_near_period,
    german_records,
    lock_application,
)
from workflows.common.notices import notice_issue
from workflows.common.notifications import notify_applicant
from workflows.common.permissions import applicant_can_act
from workflows.common.staff_notifications import holder_or_role, staff_notify
from workflows.proofs.permissions import proof_can_decide, proof_can_edit, proof_can_start_review
from workflows.proofs.selectors import WITH_PROOF, ProofFigures, proof_date_warnings, proof_figures

S = Application.Status
PS = ProofOfUse.Status
REFUND_NUMBER_PREFIX = "RF"
# The refund is due this many days after the notice (Rückforderungsbescheid).
REFUND_DUE_DAYS = 30
# A later time limit is a typing error; a longer arrangement is a deferral, not a due date.
REFUND_MAX_DUE_DAYS = 365
MAX_EXPENSES = 100


@dataclass(frozen=True)
class ExpenseInput:
    spent_on: datetime.date
    issuer: str
    description: str
    cost_type: CostType
    amount: Decimal


# --- helpers -------------------------------------------------------------------------


def proof_lock(proof_id: int) -> ProofOfUse:
    """Lock the proof's application, then the proof (the lock order of this module)."""
    application_id = ProofOfUse.objects.filter(pk=proof_id).values_list("application_id", flat=True).first()
    if application_id is None:
        raise WorkflowError(_("Der Verwendungsnachweis wurde nicht gefunden."), code="not_found")
    application = lock_application(application_id)
    proof = ProofOfUse.objects.select_for_update().get(pk=proof_id)
    proof.application = application
    return proof


def _expect_granted(application: Application) -> None:
    if application.status not in WITH_PROOF:
        raise WorkflowError(
            _("Der Antrag ist im Status »%(status)s«; ein Verwendungsnachweis gehört zu einem bewilligten Antrag.")
            % {"status": application.get_status_display()},
            code="application_state",
        )


def _check_revision(proof: ProofOfUse, revision: int | None) -> None:
    if revision is not None and revision != proof.revision:
        raise WorkflowError(
            _("Der Verwendungsnachweis wurde inzwischen geändert. Bitte laden Sie die Seite neu."), code="stale"
        )


def proof_bump(proof: ProofOfUse, *fields: str) -> None:
    """Save a proof's transition; the revision moves on so that open forms are stale."""
    proof.revision += 1
    proof.save(update_fields=["status", "revision", "updated_at", *fields])


def _application_transition(
    application: Application,
    transition: Callable[[], None],
    *,
    proof: ProofOfUse,
    action: str,
    actor: AbstractUser,
    comment: str,
) -> None:
    """Complete or revoke the locked application because of its proof; one audit record."""
    before = application.status
    transition()
    application.revision += 1
    application.save(update_fields=["status", "revision", "updated_at"])
    audit_record(
        application=application, proof_of_use=proof, action=action, actor=actor, from_state=before, comment=comment
    )


def _clean_expenses(expenses: list[ExpenseInput]) -> list[ExpenseInput]:
    if len(expenses) > MAX_EXPENSES:
        raise WorkflowError(
            _("Je Verwendungsnachweis sind höchstens %(limit)d Ausgaben möglich.") % {"limit": MAX_EXPENSES},
            code="too_many_expenses",
        )
    today = timezone.localdate()
    cleaned = []
    for expense in expenses:
        issuer = clean_line(expense.issuer, label=_("den Rechnungssteller"), max_length=200)
        description = clean_line(expense.description, label=_("die Beschreibung der Ausgabe"), max_length=200)
        if expense.spent_on is None or expense.spent_on > today:
            raise WorkflowError(
                _("Die Ausgabe »%(description)s« ist in der Zukunft datiert; nachgewiesen werden getätigte Ausgaben.")
                % {"description": description},
                code="expense_date",
            )
        amount = money(expense.amount)
        if amount <= ZERO:
            raise WorkflowError(
                _("Der Betrag der Ausgabe »%(description)s« muss größer als 0 € sein.") % {"description": description},
                code="amount",
            )
        cleaned.append(dataclasses.replace(expense, issuer=issuer, description=description, amount=amount))
    return cleaned


def _clean_report(report: str) -> str:
    # A draft may have no report yet; submitting checks that it is there.
    return clean_reason(report, what=_("den Sachbericht"), required=False)


def _refuse_open_payouts(application: Application) -> None:
    numbers = list(
        Payout.objects.filter(application=application, status__in=Payout.OPEN).values_list("number", flat=True)
    )
    if numbers:
        raise WorkflowError(
            _(
                "Es sind noch Mittelabrufe in Bearbeitung (%(numbers)s). Bitte schließen Sie diese ab, bevor Sie "
                "den Verwendungsnachweis abschließend prüfen."
            )
            % {"numbers": ", ".join(numbers)},
            code="open_payouts",
        )


def _release_unspent(proof: ProofOfUse, *, actor: AbstractUser) -> Decimal:
    """Give the commitment that was never paid out back to the budget (approved − paid)."""
    application = proof.application
    unspent = money(application.approved_amount - application_paid_total(application=application))
    if unspent > ZERO:
        ledger_book(
            application=application,
            kind=LedgerEntry.Kind.RELEASE,
            amount=unspent,
            booked_by=actor,
            note=_("%(file)s: nicht abgerufene Mittel nach Verwendungsnachweis")
            % {"file": application.file_number or ""},
        )
    return max(unspent, ZERO)


def _open(application: Application) -> ProofOfUse:
    """Create the proof of a locked application; the caller checked that it has none."""
    if application.period_end is None:
        raise WorkflowError(_("Der Antrag nennt kein Ende des Vorhabens."), code="period_missing")
    proof = ProofOfUse.objects.create(
        application=application,
        due_date=proof_due_date(
            period_end=application.period_end, months=application.programme_year.proof_of_use_months
        ),
    )
    audit_proof(
        proof=proof,
        action="grants.proof_of_use.opened",
        actor=None,
        from_state="",
        comment=_("Fällig am %(date)s") % {"date": f"{proof.due_date:%d.%m.%Y}"},
    )
    return proof


def _proof_of_locked(application: Application) -> ProofOfUse | None:
    return ProofOfUse.objects.select_for_update().filter(application=application).first()


# --- reading ---------------------------------------------------------------------------


# --- opening ---------------------------------------------------------------------------


@german_records
def proof_of_use_open(*, application_id: int) -> ProofOfUse:
    """Open the proof of an approved application; idempotent (returns the existing one)."""
    with transaction.atomic():
        return proof_of_use_open_locked(application=lock_application(application_id))


@german_records
def proof_of_use_open_locked(*, application: Application) -> ProofOfUse:
    """Open the proof inside the caller's transaction, the application already locked
    (for ``application_approve``: the proof exists from the moment of approval)."""
    proof = _proof_of_locked(application)
    if proof is not None:
        return proof
    _expect_granted(application)
    return _open(application)


def proofs_open_missing() -> int:
    """Open the proof of every approved or paid application that has none; returns how many."""
    missing = list(
        Application.objects.filter(status__in=WITH_PROOF, proof_of_use__isnull=True, period_end__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    opened = 0
    for application_id in missing:
        with transaction.atomic():
            application = lock_application(application_id)
            if application.status in WITH_PROOF and _proof_of_locked(application) is None:
                _open(application)
                opened += 1
    return opened


# --- the municipality ------------------------------------------------------------------


def _write(
    *, user: AbstractUser, application_id: int, report: str, expenses: list[ExpenseInput], revision: int | None
) -> ProofOfUse:
    """Inside a transaction: lock, open if needed, check, replace report and expenses."""
    application = lock_application(application_id)
    applicant_can_act(user=user, municipality=application.municipality).require()
    proof = _proof_of_locked(application)
    if proof is None:
        _expect_granted(application)
        proof = _open(application)
    proof.application = application
    proof_can_edit(user=user, proof=proof).require()
    _expect_granted(application)
    _check_revision(proof, revision)
    for expense in expenses:
        expect_near_period(
            application,
            expense.spent_on,
            what=_("Die Ausgabe »%(description)s«") % {"description": expense.description},
            code="expense_date",
        )
    proof.report = report
    proof.expenses.all().delete()
    ExpenseLine.objects.bulk_create(
        [
            ExpenseLine(
                proof=proof,
                spent_on=expense.spent_on,
                issuer=expense.issuer,
                description=expense.description,
                cost_type=expense.cost_type,
                amount=expense.amount,
                position=index,
            )
            for index, expense in enumerate(expenses)
        ]
    )
    return proof


@german_records
def proof_save(
    *,
    user: AbstractUser,
    application_id: int,
    report: str,
    expenses: list[ExpenseInput],
    revision: int | None = None,
) -> ProofOfUse:
    """Save the draft of the proof (narrative report and expenses) without submitting it."""
    report = _clean_report(report)
    expenses = _clean_expenses(expenses)
    with transaction.atomic():
        proof = _write(user=user, application_id=application_id, report=report, expenses=expenses, revision=revision)
        proof_bump(proof, "report")
    return proof


@german_records
def proof_submit(
    *,
    user: AbstractUser,
    application_id: int,
    report: str,
    expenses: list[ExpenseInput],
    revision: int | None = None,
) -> ProofOfUse:
    """Save and submit the proof; the office receives it for review."""
    report = _clean_report(report)
    expenses = _clean_expenses(expenses)
    if not report:
        raise WorkflowError(_("Bitte schreiben Sie den Sachbericht."), code="incomplete")
    if not expenses:
        raise WorkflowError(_("Bitte führen Sie mindestens eine tatsächliche Ausgabe auf."), code="no_expenses")
    with transaction.atomic():
        proof = _write(user=user, application_id=application_id, report=report, expenses=expenses, revision=revision)
        before = proof.status
        # A returned proof goes back to the clerk who returned it; a first one to every clerk.
        returned_by = proof.decided_by if before == PS.RETURNED else None
        proof.submitted_by = user
        proof.submit()
        proof_bump(proof, "report", "submitted_by", "submitted_at")
        total = money(sum((expense.amount for expense in expenses), ZERO))
        audit_proof(
            proof=proof,
            action="grants.proof_of_use.submitted",
            actor=user,
            from_state=before,
            comment=_("%(count)d Ausgabe(n), zusammen %(total)s")
            % {"count": len(expenses), "total": format_eur(total)},
        )
        notify_applicant(application=proof.application, event="proof_submitted")
        staff_notify(
            recipients=holder_or_role(returned_by, Role.CLERK),
            event="proof_review",
            application=proof.application,
            context={"proof_id": proof.pk, "amount": str(total)},
            actor=user,
        )
    return proof


# --- the programme office --------------------------------------------------------------


@german_records
def proof_start_review(*, clerk: AbstractUser, proof_id: int) -> ProofOfUse:
    with transaction.atomic():
        proof = proof_lock(proof_id)
        proof_can_start_review(user=clerk, proof=proof).require()
        proof.reviewer = clerk
        proof.start_review()
        proof_bump(proof, "reviewer", "review_started_at")
        audit_proof(proof=proof, action="grants.proof_of_use.review_started", actor=clerk, from_state=PS.SUBMITTED)
    return proof


@german_records
def proof_return(*, clerk: AbstractUser, proof_id: int, message: str) -> ProofOfUse:
    """Send the proof back to the municipality with what is missing or wrong."""
    message = clean_reason(message, what=_("was zu überarbeiten ist"))
    with transaction.atomic():
        proof = proof_lock(proof_id)
        proof_can_decide(user=clerk, proof=proof).require()
        proof.review_note = message
        proof.decided_by = clerk
        proof.return_for_changes()
        proof_bump(proof, "review_note", "decided_by", "decided_at")
        audit_proof(
            proof=proof, action="grants.proof_of_use.returned", actor=clerk, from_state=PS.IN_REVIEW, comment=message
        )
        notify_applicant(application=proof.application, event="proof_returned", message=message)
    return proof


def _recognised(figures: ProofFigures, recognised_amount: Decimal | None) -> Decimal:
    recognised = figures.eligible_total if recognised_amount is None else money(recognised_amount)
    if recognised < ZERO:
        raise WorkflowError(_("Die anerkannten Ausgaben dürfen nicht negativ sein."), code="amount")
    if recognised > figures.expense_total:
        raise WorkflowError(
            _("Anerkannt werden können höchstens die nachgewiesenen Ausgaben von %(total)s.")
            % {"total": format_eur(figures.expense_total)},
            code="amount",
        )
    return recognised


@german_records
def proof_accept(
    *, clerk: AbstractUser, proof_id: int, recognised_amount: Decimal | None = None, note: str = ""
) -> ProofOfUse:
    """Accept the proof: the application is completed, the unspent commitment released.

    Refused when the recognised expenses do not cover what was paid: then the
    difference is claimed back (``proof_claim_refund``).
    """
    note = clean_reason(note, what=_("einen Prüfvermerk"), required=False)
    with transaction.atomic():
        proof = proof_lock(proof_id)
        application = proof.application
        proof_can_decide(user=clerk, proof=proof).require()
        _expect_granted(application)
        _refuse_open_payouts(application)
        figures = proof_figures(proof=proof)
        recognised = _recognised(figures, recognised_amount)
        figures = proof_figures(proof=proof, recognised_amount=recognised)
        if figures.refund_suggested > ZERO:
            raise WorkflowError(
                _(
                    "Die anerkannten Ausgaben (%(recognised)s) decken die Auszahlungen (%(paid)s) nicht. "
                    "Bitte fordern Sie %(refund)s zurück, statt den Nachweis anzuerkennen."
                )
                % {
                    "recognised": format_eur(recognised),
                    "paid": format_eur(figures.paid),
                    "refund": format_eur(figures.refund_suggested),
                },
                code="refund_needed",
            )
        if recognised != figures.eligible_total and not note:
            raise WorkflowError(
                _(
                    "Bitte begründen Sie im Prüfvermerk, warum die anerkannten Ausgaben von der Summe der "
                    "förderfähigen abweichen."
                ),
                code="reason_missing",
            )
        released = _release_unspent(proof, actor=clerk)
        proof.recognised_amount = recognised
        proof.review_note = note
        proof.decided_by = clerk
        proof.accept()
        proof_bump(proof, "recognised_amount", "review_note", "decided_by", "decided_at", "closed_at")
        comment = _("Anerkannt: %(recognised)s; ausgezahlt: %(paid)s") % {
            "recognised": format_eur(recognised),
            "paid": format_eur(figures.paid),
        }
        if released:
            comment += "; " + _("freigegeben: %(amount)s") % {"amount": format_eur(released)}
        # The decision record keeps what the clerk was warned of about the expense dates.
        warned = proof_date_warnings(proof=proof)
        if warned:
            comment += " – " + _("Hinweis bei der Prüfung:") + " " + " ".join(warned)
        audit_proof(
            proof=proof,
            action="grants.proof_of_use.accepted",
            actor=clerk,
            from_state=PS.IN_REVIEW,
            comment=f"{comment} – {note}" if note else comment,
        )
        _application_transition(
            application,
            application.complete,
            proof=proof,
            action="grants.application.completed",
            actor=clerk,
            comment=_("Verwendungsnachweis anerkannt."),
        )
        notify_applicant(application=application, event="proof_accepted")
    return proof


def _refund_dates(arises_on: datetime.date | None, due_on: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """The day the claim arises (today unless given) and its payment deadline (30 days later unless given)."""
    today = timezone.localdate()
    arises_on = arises_on or today
    if arises_on > today:
        raise WorkflowError(_("Der Erstattungsanspruch kann nicht in der Zukunft entstehen."), code="arises_on")
    due_on = due_on or arises_on + datetime.timedelta(days=REFUND_DUE_DAYS)
    if due_on < arises_on:
        raise WorkflowError(_("Die Zahlungsfrist darf nicht vor der Entstehung des Anspruchs enden."), code="due_on")
    if due_on > arises_on + datetime.timedelta(days=REFUND_MAX_DUE_DAYS):
        raise WorkflowError(
            _("Die Zahlungsfrist darf höchstens %(days)d Tage nach der Entstehung des Anspruchs enden.")
            % {"days": REFUND_MAX_DUE_DAYS},
            code="due_on",
        )
    return arises_on, due_on


def _refuse_before_first_payout(application: Application, arises_on: datetime.date) -> None:
    first_paid = application.payouts.filter(status=Payout.Status.PAID).aggregate(first=Min("value_date"))["first"]
    if first_paid is not None and arises_on < first_paid:
        raise WorkflowError(
            _(
                "Der Erstattungsanspruch kann nicht vor der ersten Auszahlung am %(paid)s entstehen, "
                "die er zurückfordert."
            )
            % {"paid": f"{first_paid:%d.%m.%Y}"},
            code="arises_on",
        )


def _claim_save(claim: RefundClaim) -> RefundClaim:
    """Store the claim; the database allows one per proof, a second one is refused."""
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        raise WorkflowError(
            _("Zu diesem Verwendungsnachweis besteht bereits eine Rückforderung."), code="already_claimed"
        ) from None
    return claim


def _refund_notice_issue(claim: RefundClaim, *, clerk: AbstractUser) -> None:
    """The Rückforderungsbescheid, naming the approval notice it partly revokes."""
    application = claim.application
    approval = Notice.objects.filter(application=application, kind=Notice.Kind.APPROVAL).order_by("-issued_at").first()
    # Interest runs from the day the claim arose (§ 49a Abs. 3 VwVfG); the notice says
    # what it comes to if paid on the due date and what each later day adds.
    terms = claim_refund_terms(principal=claim.amount, start=claim.arises_on, due=claim.due_on)
    notice_issue(
        application=application,
        kind=Notice.Kind.REFUND_CLAIM,
        user=clerk,
        extra={
            "amount": claim.amount,
            "reason": claim.reason,
            "due_date": claim.due_on,
            "interest_from": claim.arises_on,
            "approval_number": approval.number if approval else None,
            "interest_to_due": terms.to_due.amount,
            "interest_missing_from": terms.to_due.missing_from,
            "interest_rate": terms.rate,
            "interest_per_day": terms.per_day,
        },
    )


@german_records
def proof_claim_refund(
    *,
    clerk: AbstractUser,
    proof_id: int,
    amount: Decimal,
    reason: str,
    recognised_amount: Decimal | None = None,
    arises_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
) -> RefundClaim:
    """Claim back what was paid and not used or not eligible (partial or full revocation).

    ``arises_on`` is the day the claim arose (the notice, or the day the revocation
    takes effect); interest runs from it. ``due_on`` defaults to 30 days later. The
    unspent commitment is released; the application is completed (partial) or revoked
    (the whole amount paid is claimed back).
    """
    reason = clean_reason(reason, what=_("eine Begründung der Rückforderung"))
    amount = money(amount)
    if amount <= ZERO:
        raise WorkflowError(_("Der Rückforderungsbetrag muss größer als 0 € sein."), code="amount")
    arises_on, due_on = _refund_dates(arises_on, due_on)
    with transaction.atomic():
        proof = proof_lock(proof_id)
        application = proof.application
        proof_can_decide(user=clerk, proof=proof).require()
        _expect_granted(application)
        _refuse_open_payouts(application)
        _refuse_before_first_payout(application, arises_on)
        figures = proof_figures(proof=proof)
        recognised = _recognised(figures, recognised_amount)
        figures = proof_figures(proof=proof, recognised_amount=recognised)
        if amount > figures.paid:
            raise WorkflowError(
                _("Zurückgefordert werden kann höchstens der ausgezahlte Betrag von %(paid)s.")
                % {"paid": format_eur(figures.paid)},
                code="amount",
            )
        full = amount == figures.paid
        released = _release_unspent(proof, actor=clerk)
        claim = _claim_save(
            RefundClaim(
                number=number_next(prefix=REFUND_NUMBER_PREFIX, year=application.programme_year.year),
                application=application,
                proof=proof,
                amount=amount,
                reason=reason,
                full_revocation=full,
                arises_on=arises_on,
                due_on=due_on,
                created_by=clerk,
            )
        )
        proof.recognised_amount = recognised
        proof.review_note = reason
        proof.decided_by = clerk
        proof.claim_refund()
        proof_bump(proof, "recognised_amount", "review_note", "decided_by", "decided_at")
        comment = _("Rückforderung %(number)s über %(amount)s, zu zahlen bis %(due)s") % {
            "number": claim.number,
            "amount": format_eur(amount),
            "due": f"{due_on:%d.%m.%Y}",
        }
        if released:
            comment += "; " + _("freigegeben: %(amount)s") % {"amount": format_eur(released)}
        audit_proof(
            proof=proof,
            action="grants.proof_of_use.refund_claimed",
            actor=clerk,
            from_state=PS.IN_REVIEW,
            comment=f"{comment} – {reason}",
        )
        # The whole amount paid back is a full revocation; otherwise the grant stands, reduced.
        if full:
            transition, action = application.revoke, "grants.application.revoked"
            comment = _("Vollständiger Widerruf, Rückforderung %(number)s") % {"number": claim.number}
        else:
            transition, action = application.complete, "grants.application.completed"
            comment = _("Teilweiser Widerruf, Rückforderung %(number)s") % {"number": claim.number}
        _application_transition(application, transition, proof=proof, action=action, actor=clerk, comment=comment)
        _refund_notice_issue(claim, clerk=clerk)
        notify_applicant(application=application, event="proof_refund_claimed")
    return claim
