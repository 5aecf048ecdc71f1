"""Who may do what to a proof of use and its refund claim, and why not (see ``workflows.common.permissions``).

The municipality writes and submits while the proof is with it; a clerk starts the review
and decides (accept, return, claim a refund); clerks and approvers book the refund when
the money arrives. The pages ask these functions which buttons to show;
``workflows.proofs.services`` and ``workflows.proofs.refunds`` ask them again under the lock.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.models import RefundClaim
from grants.models import ProofOfUse
from grants.roles import Role, has_role
from workflows.common.permissions import ALLOWED, Permission, applicant_can_act, refused, role_refused
from workflows.proofs.selectors import DUE_SOON_DAYS, WITH_PROOF

PS = ProofOfUse.Status
# Who books what the municipality paid back, and who may re-run the interest.
REFUND_ROLES = (Role.CLERK, Role.APPROVER)
# Who opens the office's proof-of-use pages: the clerks who work them, and the readers.
PROOF_OFFICE_READERS = (Role.CLERK, Role.CONTROLLER, Role.ADMIN)


def proof_in_state(proof: ProofOfUse, *states: str) -> Permission:
    """Is the proof in one of ``states``? Shared by every action."""
    if proof.status in states:
        return ALLOWED
    return refused(
        _(
            "Diese Aktion ist für den Verwendungsnachweis im Status »%(status)s« nicht möglich. "
            "Bitte laden Sie die Seite neu."
        )
        % {"status": proof.get_status_display()},
        code="wrong_state",
    )


def _clerk(user: AbstractUser, proof: ProofOfUse, *states: str) -> Permission:
    if not has_role(user, Role.CLERK):
        return role_refused()
    return proof_in_state(proof, *states)


def proof_can_open_office(*, user: AbstractUser) -> Permission:
    """May ``user`` open the office's proof-of-use pages (the case page links them only then)?"""
    return ALLOWED if any(has_role(user, role) for role in PROOF_OFFICE_READERS) else role_refused()


def proof_can_edit(*, user: AbstractUser, proof: ProofOfUse) -> Permission:
    """Save or submit: the municipality, while the proof is with it."""
    acting = applicant_can_act(user=user, municipality=proof.application.municipality)
    return acting if not acting else proof_in_state(proof, *ProofOfUse.WITH_APPLICANT)


def proof_can_start_review(*, user: AbstractUser, proof: ProofOfUse) -> Permission:
    return _clerk(user, proof, PS.SUBMITTED)


def proof_can_decide(*, user: AbstractUser, proof: ProofOfUse) -> Permission:
    """Accept, return for changes or claim a refund: the clerk, while the proof is in review."""
    return _clerk(user, proof, PS.IN_REVIEW)


def refund_can_book(*, user: AbstractUser, claim: RefundClaim) -> Permission:
    if not any(has_role(user, role) for role in REFUND_ROLES):
        return role_refused()
    if claim.paid_on is not None:
        return refused(
            _("Die Rückforderung %(number)s ist bereits als am %(date)s eingegangen gebucht.")
            % {"number": claim.number, "date": f"{claim.paid_on:%d.%m.%Y}"},
            code="already_booked",
        )
    return proof_in_state(claim.proof, PS.REFUND_CLAIMED)


def refund_can_compute_interest(*, user: AbstractUser, claim: RefundClaim) -> Permission:
    if not any(has_role(user, role) for role in REFUND_ROLES):
        return role_refused()
    if claim.paid_on is None or claim.interest_amount is not None:
        return refused(_("Für diese Rückforderung sind keine Zinsen offen."), code="no_interest_pending")
    return ALLOWED


# The two reminders of a proof, each sent once: before the due date and after it (Mahnung).
DUE_SOON = "due_soon"
OVERDUE = "overdue"


def proof_reminder_stage(*, proof: ProofOfUse, today: datetime.date) -> str | None:
    """Which reminder the proof is due for on ``today``, if any (the daily job and the clerk alike)."""
    if proof.status != PS.DUE or proof.application.status not in WITH_PROOF:
        return None
    if proof.due_date < today:
        return OVERDUE if proof.overdue_reminded_at is None else None
    if proof.due_date <= today + datetime.timedelta(days=DUE_SOON_DAYS) and proof.due_soon_reminded_at is None:
        return DUE_SOON
    return None


def _day(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y}"


def proof_can_remind(*, user: AbstractUser, proof: ProofOfUse, today: datetime.date) -> Permission:
    """Send the reminder now rather than with the daily job: a clerk, while one is due."""
    if not has_role(user, Role.CLERK):
        return role_refused()
    if proof.status in (PS.SUBMITTED, PS.IN_REVIEW):
        return refused(_("Der Verwendungsnachweis ist bereits eingereicht."), code="submitted")
    if proof.status in (PS.ACCEPTED, PS.REFUND_CLAIMED, PS.REFUNDED):
        return refused(
            _("Der Verwendungsnachweis ist abgeschlossen (%(status)s).") % {"status": proof.get_status_display()},
            code="closed",
        )
    if proof.status == PS.RETURNED:
        return refused(
            _("Der Verwendungsnachweis liegt der Kommune zur Überarbeitung vor; eine Erinnerung ist nicht vorgesehen."),
            code="returned",
        )
    application = proof.application
    if application.status not in WITH_PROOF:
        return refused(
            _("Zum Antrag im Status »%(status)s« wird kein Verwendungsnachweis mehr erwartet.")
            % {"status": application.get_status_display()},
            code="application_state",
        )
    if proof_reminder_stage(proof=proof, today=today) is not None:
        return ALLOWED
    if proof.due_date < today:
        return refused(
            _("Die Mahnung ist bereits am %(date)s versandt.") % {"date": _day(proof.overdue_reminded_at)},
            code="already_reminded",
        )
    if proof.due_soon_reminded_at is not None:
        return refused(
            _("Die Erinnerung ist bereits am %(date)s versandt.") % {"date": _day(proof.due_soon_reminded_at)},
            code="already_reminded",
        )
    first = proof.due_date - datetime.timedelta(days=DUE_SOON_DAYS)
    return refused(
        _("Eine Erinnerung ist erst ab dem %(date)s vorgesehen (%(days)s Tage vor der Frist am %(due)s).")
        % {"date": f"{first:%d.%m.%Y}", "days": DUE_SOON_DAYS, "due": f"{proof.due_date:%d.%m.%Y}"},
        code="not_due",
    )
