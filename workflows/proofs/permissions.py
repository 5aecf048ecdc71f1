"""Who may do what to a proof of use and its refund claim, and why not (see ``workflows.common.permissions``).

The municipality writes and submits while the proof is with it; a clerk starts the review
and decides (accept, return, claim a refund); clerks and approvers book the refund when
the money arrives. The pages ask these functions which buttons to show;
``workflows.proofs.services`` and ``workflows.proofs.refunds`` ask them again under the lock.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext as _

from budgets.models import RefundClaim
from grants.models import ProofOfUse
from grants.roles import Role, has_role
from workflows.common.permissions import ALLOWED, Permission, applicant_can_act, refused, role_refused

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
