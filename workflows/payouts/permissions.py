"""Who may do what to a payout request, and why not (see ``workflows.common.permissions``).

The clerk checks, a second person of the approvers releases (four-eyes: never the one who
checked); the municipality withdraws or answers while the request is with it. The office
and applicant pages ask these functions which buttons to show; ``workflows.payouts.services``
asks them again under the payout's lock.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext as _

from budgets.models import Payout, SepaBatch
from grants.models import Application
from grants.roles import Role, has_role
from workflows.common.permissions import ALLOWED, Permission, applicant_can_act, refused, role_refused

P = Payout.Status


def payout_in_state(payout: Payout, *states: str) -> Permission:
    """Is the payout in one of ``states``? Shared by every action (and the SEPA steps)."""
    if payout.status in states:
        return ALLOWED
    return refused(
        _("Diese Aktion ist für den Mittelabruf im Status »%(status)s« nicht möglich. Bitte laden Sie die Seite neu.")
        % {"status": payout.get_status_display()},
        code="wrong_state",
    )


def payout_application_approved(application: Application) -> Permission:
    """Money is called only for an approved application (not yet fully paid, lapsed or closed)."""
    if application.status == Application.Status.APPROVED:
        return ALLOWED
    return refused(
        _("Der Antrag ist im Status »%(status)s«; Mittel gibt es nur für einen bewilligten Antrag.")
        % {"status": application.get_status_display()},
        code="application_state",
    )


def _office(user: AbstractUser, role: Role, payout: Payout, *states: str) -> Permission:
    if not has_role(user, role):
        return role_refused()
    return payout_in_state(payout, *states)


def _applicant(user: AbstractUser, payout: Payout, *states: str) -> Permission:
    acting = applicant_can_act(user=user, municipality=payout.application.municipality)
    return acting if not acting else payout_in_state(payout, *states)


def payout_can_check(*, user: AbstractUser, payout: Payout) -> Permission:
    return _office(user, Role.CLERK, payout, P.REQUESTED)


def payout_can_request_documents(*, user: AbstractUser, payout: Payout) -> Permission:
    return _office(user, Role.CLERK, payout, P.REQUESTED)


def payout_can_reject(*, user: AbstractUser, payout: Payout) -> Permission:
    return _office(user, Role.CLERK, payout, *Payout.WITH_APPLICANT)


def payout_can_send_back(*, user: AbstractUser, payout: Payout) -> Permission:
    return _office(user, Role.APPROVER, payout, P.CHECKED)


def payout_can_release(*, user: AbstractUser, payout: Payout) -> Permission:
    permission = _office(user, Role.APPROVER, payout, P.CHECKED)
    if permission and payout.checked_by_id == user.pk:
        return refused(
            _("Vier-Augen-Prinzip: Wer den Mittelabruf geprüft hat, kann ihn nicht selbst freigeben."),
            code="four_eyes",
        )
    return permission


def payout_can_request(*, user: AbstractUser, application: Application) -> Permission:
    """A new payout request: the municipality, for its approved application."""
    acting = applicant_can_act(user=user, municipality=application.municipality)
    return acting if not acting else payout_application_approved(application)


def payout_can_add_file(*, user: AbstractUser, payout: Payout) -> Permission:
    return _applicant(user, payout, *Payout.WITH_APPLICANT)


def payout_can_withdraw(*, user: AbstractUser, payout: Payout) -> Permission:
    return _applicant(user, payout, *Payout.WITH_APPLICANT)


def payout_can_resubmit(*, user: AbstractUser, payout: Payout) -> Permission:
    return _applicant(user, payout, P.DOCUMENTS_REQUESTED)


# --- SEPA batches: prepared and handed to the bank by approvers, booked by the office ----


def sepa_batch_can_create(*, user: AbstractUser) -> Permission:
    return ALLOWED if has_role(user, Role.APPROVER) else role_refused()


def sepa_batch_can_download(*, user: AbstractUser) -> Permission:
    return ALLOWED if has_role(user, Role.APPROVER) else role_refused()


def _batch_in_state(batch: SepaBatch, state: str) -> Permission:
    if batch.status == state:
        return ALLOWED
    return refused(
        _("Diese Aktion ist für die Sammelüberweisung %(number)s im Status »%(status)s« nicht möglich.")
        % {"number": batch.number, "status": batch.get_status_display()},
        code="wrong_state",
    )


def sepa_batch_can_export(*, user: AbstractUser, batch: SepaBatch) -> Permission:
    if not has_role(user, Role.APPROVER):
        return role_refused()
    return _batch_in_state(batch, SepaBatch.Status.CREATED)


def sepa_batch_can_book(*, user: AbstractUser, batch: SepaBatch) -> Permission:
    if not (has_role(user, Role.CLERK) or has_role(user, Role.APPROVER)):
        return role_refused()
    if batch.status == SepaBatch.Status.BOOKED:
        return refused(
            _("Die Sammelüberweisung %(number)s ist bereits am %(date)s als ausgezahlt gebucht.")
            % {"number": batch.number, "date": f"{batch.value_date:%d.%m.%Y}"},
            code="already_booked",
        )
    return _batch_in_state(batch, SepaBatch.Status.EXPORTED)


# --- the lapse of commitments never called (Verfall) -------------------------------------


def commitments_can_lapse(*, user: AbstractUser) -> Permission:
    """The office (clerks and approvers) lets commitments lapse; controllers only look."""
    if has_role(user, Role.CLERK) or has_role(user, Role.APPROVER):
        return ALLOWED
    return role_refused()
