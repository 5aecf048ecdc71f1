"""Who may do what to an application, and why not (see ``workflows.common.permissions``).

The municipality edits its draft (and, while the office asks, the whole application),
submits the draft, answers the question and withdraws until a decision is near.

The office works an application through its viewflow task: only the person who claimed
the task may act on it, and the approver who decides is never the clerk who recommended
(four-eyes). The review and decision pages ask these functions which buttons to show;
``workflows.applications.services`` asks them again under the application's lock.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from grants.models import Application
from grants.roles import Role, has_role
from workflows.applications.flows import OPEN, ApplicationFlow, OfficeTask, open_task_for, user_label
from workflows.common.permissions import (
    ALLOWED,
    Permission,
    applicant_can_act,
    refused,
    role_refused,
    state_refused,
)

S = Application.Status

# A task argument left out means: look the open task up.


def _applicant(user: AbstractUser, application: Application, *states: str) -> Permission:
    acting = applicant_can_act(user=user, municipality=application.municipality)
    if not acting:
        return acting
    if application.status not in states:
        return state_refused(application.get_status_display())
    return ALLOWED


def application_can_edit(*, user: AbstractUser, application: Application) -> Permission:
    """Change the form: a draft, or the whole application while the office waits for an answer."""
    return _applicant(user, application, *Application.EDITABLE)


def application_can_submit(*, user: AbstractUser, application: Application) -> Permission:
    """Submit, or move to another programme year: only a draft."""
    return _applicant(user, application, S.DRAFT)


def application_can_answer(*, user: AbstractUser, application: Application) -> Permission:
    return _applicant(user, application, S.INFO_REQUESTED)


def application_can_withdraw(*, user: AbstractUser, application: Application) -> Permission:
    return _applicant(user, application, *Application.WITHDRAWABLE)


LOOK_UP = object()


def task_can_work(*, user: AbstractUser, task: Task | None) -> Permission:
    """May ``user`` act on ``task`` now? Only the person who claimed it may."""
    if task is None or task.status not in OPEN:
        return refused(
            _("Zu diesem Antrag gibt es keine offene Aufgabe für Sie. Bitte laden Sie die Seite neu."), code="no_task"
        )
    if not has_role(user, task.flow_task.role):
        return refused(_("Diese Aufgabe ist Ihrer Rolle nicht zugänglich."), code="forbidden")
    if task.owner_id is None:
        return refused(_("Bitte übernehmen Sie die Aufgabe zuerst."), code="not_claimed")
    if task.owner_id != user.pk:
        return refused(
            _("Diese Aufgabe bearbeitet %(name)s.") % {"name": user_label(task.owner)}, code="claimed_by_other"
        )
    return ALLOWED


def _four_eyes(user: AbstractUser, application: Application) -> Permission:
    if application.recommended_by_id is not None and application.recommended_by_id == user.pk:
        return refused(
            _("Vier-Augen-Prinzip: Wer die Empfehlung abgegeben hat, kann nicht selbst entscheiden."),
            code="four_eyes",
        )
    return ALLOWED


def _task(application: Application, node: OfficeTask, task) -> Task | None:
    return open_task_for(application=application, node=node) if task is LOOK_UP else task


def application_can_claim(*, user: AbstractUser, application: Application, task: Task | None) -> Permission:
    """May ``user`` take the application's open task from the queue?"""
    if task is None or task.status not in OPEN or task.owner_id is not None:
        return refused(_("Diese Aufgabe ist nicht mehr frei. Bitte laden Sie die Seite neu."), code="claimed")
    if not has_role(user, task.flow_task.role):
        return refused(_("Diese Aufgabe ist Ihrer Rolle nicht zugänglich."), code="forbidden")
    if task.flow_task.name == ApplicationFlow.decision.name:
        return _four_eyes(user, application)
    return ALLOWED


def application_can_review(*, user: AbstractUser, application: Application, task=LOOK_UP) -> Permission:
    """Ask the municipality, override a rule, recommend: the clerk who holds the review task."""
    if not has_role(user, Role.CLERK):
        return role_refused()
    if application.status != S.IN_REVIEW:
        return state_refused(application.get_status_display())
    return task_can_work(user=user, task=_task(application, ApplicationFlow.review, task))


def application_can_decide(*, user: AbstractUser, application: Application, task=LOOK_UP) -> Permission:
    """Approve, reject, send back: the approver who holds the decision task and did not recommend."""
    if not has_role(user, Role.APPROVER):
        return role_refused()
    if application.status != S.RECOMMENDED:
        return state_refused(application.get_status_display())
    four_eyes = _four_eyes(user, application)
    if not four_eyes:
        return four_eyes
    return task_can_work(user=user, task=_task(application, ApplicationFlow.decision, task))


def application_can_open_decision(*, user: AbstractUser, application: Application) -> Permission:
    """Is there a decision for this approver to look at (the link from the review page)?"""
    if not has_role(user, Role.APPROVER):
        return role_refused()
    if application.status != S.RECOMMENDED:
        return state_refused(application.get_status_display())
    return ALLOWED


def early_start_can_request(*, user: AbstractUser, application: Application) -> Permission:
    """Ask to start before approval: submitted and undecided, and not asked already."""
    allowed = _applicant(user, application, *Application.EARLY_START_OPEN)
    if not allowed:
        return allowed
    if application.early_start_requested_at is not None:
        return refused(_("Der vorzeitige Maßnahmebeginn ist bereits beantragt."), code="already_requested")
    return ALLOWED


def early_start_can_decide(*, user: AbstractUser, application: Application) -> Permission:
    """Allow or refuse an early start: an approver, while the request is open and the application undecided.

    No four-eyes rule: the consent is no decision on the grant, and the clerk never decides it.
    """
    if not has_role(user, Role.APPROVER):
        return role_refused()
    if application.status not in Application.EARLY_START_OPEN:
        return state_refused(application.get_status_display())
    if application.early_start_requested_at is None or application.early_start_outcome:
        return refused(_("Es liegt kein offener Antrag auf vorzeitigen Maßnahmebeginn vor."), code="no_request")
    return ALLOWED
