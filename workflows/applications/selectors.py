"""Read-only queries of the programme office: the queue and the pages of one file."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.db.models import BooleanField, Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from viewflow.workflow.models import Task

from grants.models import STRUCTURAL_PRIORITY, Application, EligibilityResult, Land, StructuralStatus
from workflows.applications.flows import office_nodes_for, open_tasks_qs
from workflows.models import AuditRecord

S = Application.Status
SS = StructuralStatus.Status

# An application still without a recommendation this many days after submission is overdue.
OVERDUE_AFTER_DAYS = 14
NOT_YET_RECOMMENDED = (S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED)
# Statuses that have a task in a queue (the filter offers only these).
QUEUE_STATUSES = (S.IN_REVIEW, S.RECOMMENDED)


@dataclass(frozen=True)
class QueueFilter:
    land: Land | None = None
    status: str = ""
    priority: str = ""
    overdue: bool = False


def _valid_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def applications_with_structural_status(*, day: datetime.date, queryset: QuerySet) -> QuerySet:
    """Annotate the GRW status of each application's municipality on ``day`` and its queue priority.

    As ``grants.selectors.municipalities_with_structural_status``: the Gemeinde's own
    row wins over its Kreis's row; without either the status is "none".
    ``structural_status`` is ``"C"``, ``"D"`` or ``"none"``; ``structural_own`` says
    whether the Gemeinde's own row applied; ``priority`` is 0 for C, 1 for D, 2 for none.

    One correlated subquery per annotation, each evaluated once per row: the sort
    over thousands of rows must not run the lookup again for every CASE branch.
    """
    rows = (
        StructuralStatus.objects.filter(_valid_on(day))
        .filter(Q(municipality=OuterRef("municipality_id")) | Q(kreis=OuterRef("municipality__kreis_id")))
        # The Gemeinde's own row (municipality set) before its Kreis's, then the newest.
        .order_by(F("municipality_id").asc(nulls_last=True), "-valid_from")
    )
    rank = Case(
        *[When(status=status, then=Value(value)) for status, value in STRUCTURAL_PRIORITY.items()],
        default=Value(STRUCTURAL_PRIORITY[SS.NONE]),
        output_field=IntegerField(),
    )
    own = Case(When(municipality__isnull=False, then=Value(True)), default=Value(False), output_field=BooleanField())
    return queryset.annotate(
        priority=Coalesce(Subquery(rows.values(rank=rank)[:1]), Value(STRUCTURAL_PRIORITY[SS.NONE])),
        structural_status=Coalesce(Subquery(rows.values("status")[:1]), Value(SS.NONE)),
        structural_own=Coalesce(Subquery(rows.values(own=own)[:1]), Value(False)),
    )


def overdue_q(*, now: datetime.datetime) -> Q:
    cutoff = now - datetime.timedelta(days=OVERDUE_AFTER_DAYS)
    return Q(submitted_at__lt=cutoff, status__in=NOT_YET_RECOMMENDED)


def office_queue(*, user: AbstractUser, filters: QueueFilter | None = None, now=None) -> QuerySet:
    """Applications with an open task in one of the user's group queues, most urgent first.

    Order: GRW status C, then D, then none; within each, the oldest submission first.
    Files of every programme year are in one queue and the year does not change the
    order: a file of last year is neither put first nor last for it. One query however
    many rows (the tasks of a page come with ``queue_tasks``).
    """
    filters = filters or QueueFilter()
    now = now or timezone.now()
    nodes = office_nodes_for(user)
    with_task = open_tasks_qs(nodes=nodes).values("process__applicationprocess__application_id")
    queryset = Application.objects.filter(pk__in=with_task).select_related(
        "municipality__land", "municipality__kreis", "programme_year"
    )
    queryset = applications_with_structural_status(day=timezone.localdate(now), queryset=queryset).annotate(
        is_overdue=Case(When(overdue_q(now=now), then=Value(True)), default=Value(False), output_field=BooleanField())
    )
    if filters.land is not None:
        queryset = queryset.filter(municipality__land=filters.land)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.priority:
        queryset = queryset.filter(structural_status=filters.priority)
    if filters.overdue:
        queryset = queryset.filter(overdue_q(now=now))
    return queryset.order_by("priority", F("submitted_at").asc(nulls_last=True), "pk")


def queue_tasks(*, user: AbstractUser, applications) -> dict[int, Task]:
    """The open task of each listed application for the user's queues, with its owner; one query."""
    ids = [application.pk for application in applications]
    if not ids:
        return {}
    tasks = (
        open_tasks_qs(nodes=office_nodes_for(user))
        .filter(process__applicationprocess__application_id__in=ids)
        .annotate(application_id=F("process__applicationprocess__application_id"))
        .select_related("owner")
        .order_by("pk")
    )
    return {task.application_id: task for task in tasks}


def office_application(*, pk: int) -> Application:
    """One submitted application with what the office pages show (raises ``DoesNotExist``)."""
    queryset = Application.objects.exclude(status=S.DRAFT).select_related(
        "municipality__land", "municipality__kreis", "programme_year", "created_by", "recommended_by", "decided_by"
    )
    queryset = applications_with_structural_status(day=timezone.localdate(), queryset=queryset)
    return queryset.get(pk=pk)


def current_eligibility(*, application: Application) -> list[EligibilityResult]:
    return list(application.eligibility_results.filter(current=True).select_related("overridden_by").order_by("pk"))


def application_history(*, application: Application) -> list[AuditRecord]:
    return list(application.audit_records.select_related("actor").order_by("at", "pk"))
