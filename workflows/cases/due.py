"""What is due for the programme office, each defined once.

A due item is a key (the list's ``faellig=<key>``), a German label and a condition on
submitted applications. The start page counts each condition and links to the list
filtered by the same key, so the figure there is the number of rows the link shows:
both go through ``due_condition``. Each condition is a ``Q`` on ``Application`` that
uses ``Exists`` for payouts, refund claims and the audit trail, never a join that
could repeat an application.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from budgets.models import Payout, RefundClaim
from grants.models import Application, ProofOfUse
from workflows.applications.flows import office_nodes_for, open_tasks_qs
from workflows.common.fields import lazy_format
from workflows.models import AuditRecord

S = Application.Status

# A question to the municipality left unanswered for longer than this many days is due.
QUESTION_UNANSWERED_DAYS = 10
# A proof of use due within this many days (or already overdue) is due for the office.
PROOF_DUE_WITHIN_DAYS = 30

INFO_REQUESTED = "grants.application.info_requested"
ANSWERED = "grants.application.resubmitted"
RECOMMENDED = "grants.application.recommended"
# The applications that owe a proof of use (see workflows.proofs.selectors.WITH_PROOF).
WITH_PROOF = (S.APPROVED, S.PAID)


@dataclass(frozen=True)
class DueContext:
    user: AbstractUser
    now: datetime.datetime

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)


def _tasks(context: DueContext) -> Q:
    # The applications of the user's queue (workflows.applications.selectors.office_queue).
    nodes = office_nodes_for(context.user)
    return Q(pk__in=open_tasks_qs(nodes=nodes).values("process__applicationprocess__application_id"))


def _questions_unanswered(context: DueContext) -> Q:
    # The question still open is the latest one; it is old when no question was asked since the cutoff.
    cutoff = context.now - datetime.timedelta(days=QUESTION_UNANSWERED_DAYS)
    recent = AuditRecord.objects.filter(application=OuterRef("pk"), action=INFO_REQUESTED, at__gte=cutoff)
    return Q(status=S.INFO_REQUESTED) & ~Q(Exists(recent))


def _answers_received(context: DueContext) -> Q:
    # Back in review after an answer, and no recommendation since that answer.
    answered = AuditRecord.objects.filter(application=OuterRef("pk"), action=ANSWERED)
    recommended_later = AuditRecord.objects.filter(
        application=OuterRef("application_id"), action=RECOMMENDED, at__gte=OuterRef("at")
    )
    return Q(status=S.IN_REVIEW) & Q(Exists(answered.filter(~Q(Exists(recommended_later)))))


def _payouts_to_check(context: DueContext) -> Q:
    return Q(Exists(Payout.objects.filter(application=OuterRef("pk"), status=Payout.Status.REQUESTED)))


def _payouts_to_release(context: DueContext) -> Q:
    return Q(Exists(Payout.objects.filter(application=OuterRef("pk"), status=Payout.Status.CHECKED)))


def _proofs_due(context: DueContext) -> Q:
    until = context.today + datetime.timedelta(days=PROOF_DUE_WITHIN_DAYS)
    proofs = ProofOfUse.objects.filter(
        application=OuterRef("pk"), status__in=ProofOfUse.NOT_SUBMITTED, due_date__lte=until
    )
    return Q(status__in=WITH_PROOF) & Q(Exists(proofs))


def _refunds_unpaid(context: DueContext) -> Q:
    claims = RefundClaim.objects.filter(application=OuterRef("pk"), paid_on__isnull=True, due_on__lt=context.today)
    return Q(Exists(claims))


@dataclass(frozen=True)
class DueItem:
    key: str
    label: Promise
    condition: object  # Callable[[DueContext], Q]
    # The page the start page links to instead of the list (the queue for the tasks).
    url_name: str = ""


DUE_ITEMS = (
    DueItem("aufgaben", _("Offene Aufgaben Ihrer Gruppen"), _tasks, url_name="office_queue"),
    DueItem(
        "rueckfragen",
        lazy_format(_("Rückfragen seit mehr als %(days)s Tagen ohne Antwort"), days=QUESTION_UNANSWERED_DAYS),
        _questions_unanswered,
    ),
    DueItem("antworten", _("Antworten der Kommunen, noch ohne Empfehlung"), _answers_received),
    DueItem("auszahlung-pruefen", _("Mittelabrufe zur Prüfung"), _payouts_to_check),
    DueItem("auszahlung-freigeben", _("Mittelabrufe zur Freigabe"), _payouts_to_release),
    DueItem(
        "nachweise",
        lazy_format(_("Verwendungsnachweise überfällig oder in %(days)s Tagen fällig"), days=PROOF_DUE_WITHIN_DAYS),
        _proofs_due,
    ),
    DueItem("rueckforderungen", _("Rückforderungen nach Fälligkeit unbezahlt"), _refunds_unpaid),
)
DUE_BY_KEY = {item.key: item for item in DUE_ITEMS}


def due_condition(*, key: str, user: AbstractUser, now: datetime.datetime | None = None) -> Q:
    """The condition of the due item ``key`` (raises ``KeyError`` for an unknown key)."""
    return DUE_BY_KEY[key].condition(DueContext(user=user, now=now or timezone.now()))
