"""Read-only queries of the list of all applications: filters, search, sorting, the clerk of
each row, what is due and the programme year's deadlines.

One query for the rows of a page however many applications there are: the GRW status,
the clerk and the priority come as annotations (correlated subqueries), the related
rows by ``select_related``; the count strips what it does not filter on.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.models import Payout, RefundClaim
from grants.models import Application, Kreis, Land, Municipality, ProgrammeYear
from grants.roles import Role
from reports.models import Notice
from workflows.applications.flows import ApplicationFlow, open_tasks_qs, user_label
from workflows.applications.selectors import applications_with_structural_status, overdue_q
from workflows.applications.services import FILE_NUMBER_PREFIX
from workflows.cases.due import DUE_ITEMS, due_condition

S = Application.Status

# The application's words the full-text search reads; the GIN index of migration
# workflows 0007 is built on exactly this expression (same fields, same order, same
# configuration), so the planner can use it. Change both together.
APPLICATION_SEARCH_FIELDS = ("title", "contact_name")
MUNICIPALITY_SEARCH_FIELDS = ("name",)
SEARCH_CONFIG = "german"
# MF-2026-00006: the whole file number opens the case at once.
FILE_NUMBER_RE = re.compile(rf"^{FILE_NUMBER_PREFIX}-\d{{4}}-\d{{5,}}$")
# Words for the full-text query: letters and digits only, so nothing the user types is
# tsquery syntax (no operators, no quotes); each word is a prefix (":*").
WORD_RE = re.compile(r"[^\W_]+")
MAX_WORDS = 8

# The whitelist of ``sortierung``: parameter → order (the key without "-" ascending).
STATUS_ORDER = Case(
    *[When(status=status, then=Value(index)) for index, status in enumerate(S.values)],
    output_field=IntegerField(),
)
SORTS = {
    "aktenzeichen": (F("file_number").asc(nulls_last=True),),
    "eingereicht": (F("submitted_at").asc(nulls_last=True),),
    "kommune": (F("municipality__name").asc(), F("municipality__ags").asc()),
    "betrag": (F("requested_amount").asc(nulls_last=True),),
    "status": (STATUS_ORDER.asc(),),
}
DEFAULT_SORT = "-eingereicht"


def _descending(order):
    expression = order.expression
    return expression.desc(nulls_last=True)


def sort_orders(key: str) -> list:
    name = key.removeprefix("-")
    orders = SORTS.get(name, SORTS["eingereicht"])
    if key.startswith("-"):
        orders = tuple(_descending(order) for order in orders)
    return [*orders, F("pk").desc() if key.startswith("-") else F("pk").asc()]


@dataclass(frozen=True)
class CaseFilter:
    year: int | None = None
    status: str = ""
    land: Land | None = None
    kreis: Kreis | None = None
    structural: str = ""
    purpose: str = ""
    clerk: AbstractUser | None = None
    overdue: bool = False
    due: str = ""
    search: str = ""
    sort: str = DEFAULT_SORT


def case_url(application_id: int) -> str:
    """The one place that says where a row of the list (and a complete file number) leads: the case page."""
    return reverse("case_detail", kwargs={"pk": application_id})


def cases_submitted() -> QuerySet:
    """Every application of every year that was submitted: not the drafts, nor a draft
    withdrawn before it was ever submitted (it has no file number)."""
    return Application.objects.exclude(status=S.DRAFT).filter(submitted_at__isnull=False)


def case_by_file_number(*, text: str) -> int | None:
    """The id of the submitted application whose complete file number ``text`` is, else None."""
    number = text.strip().upper()
    if not FILE_NUMBER_RE.match(number):
        return None
    return cases_submitted().filter(file_number=number).values_list("pk", flat=True).first()


def _review_owner() -> Subquery:
    tasks = open_tasks_qs(nodes=[ApplicationFlow.review]).filter(
        process__applicationprocess__application_id=OuterRef("pk"), owner__isnull=False
    )
    return Subquery(tasks.order_by("pk").values("owner_id")[:1])


def _clerk_q(clerk: AbstractUser) -> Q:
    holding = open_tasks_qs(nodes=[ApplicationFlow.review]).filter(owner=clerk)
    return Q(pk__in=holding.values("process__applicationprocess__application_id")) | Q(recommended_by=clerk)


def _search_postgres(queryset: QuerySet, text: str) -> QuerySet:
    number = text.strip().upper()
    condition = Q(pk__in=[])
    # Numbers: exact or prefix, each on its unique column (whose btree index Django
    # also builds with varchar_pattern_ops for LIKE 'X%'). Only with a digit in it,
    # so that "MF" alone does not match every file.
    if any(char.isdigit() for char in number):
        condition |= Q(file_number__startswith=number)
        condition |= Q(pk__in=Notice.objects.filter(number__startswith=number).values("application_id"))
        condition |= Q(pk__in=Payout.objects.filter(number__startswith=number).values("application_id"))
        condition |= Q(pk__in=RefundClaim.objects.filter(number__startswith=number).values("application_id"))
    if number.isdigit() and len(number) >= 2:
        condition |= Q(municipality__ags__startswith=number)
    words = WORD_RE.findall(text)[:MAX_WORDS]
    if words:
        query = SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config=SEARCH_CONFIG)
        # Each as a subquery of its own table, so that each runs on its GIN index; an OR
        # of the match and a join on the outer query would scan every application.
        matching = (
            Application.objects.annotate(document=SearchVector(*APPLICATION_SEARCH_FIELDS, config=SEARCH_CONFIG))
            .filter(document=query)
            .values("pk")
        )
        municipalities = (
            Municipality.objects.annotate(document=SearchVector(*MUNICIPALITY_SEARCH_FIELDS, config=SEARCH_CONFIG))
            .filter(document=query)
            .values("pk")
        )
        condition |= Q(pk__in=matching) | Q(municipality__in=municipalities)
    return queryset.filter(condition)


def _search_simple(queryset: QuerySet, text: str) -> QuerySet:
    # SQLite (the demo): a plain substring match on every key; no index, no stemming.
    text = text.strip()
    condition = (
        Q(file_number__icontains=text)
        | Q(title__icontains=text)
        | Q(contact_name__icontains=text)
        | Q(municipality__name__icontains=text)
        | Q(municipality__ags__startswith=text)
        | Q(pk__in=Notice.objects.filter(number__icontains=text).values("application_id"))
        | Q(pk__in=Payout.objects.filter(number__icontains=text).values("application_id"))
        | Q(pk__in=RefundClaim.objects.filter(number__icontains=text).values("application_id"))
    )
    return queryset.filter(condition)


def cases_search(*, queryset: QuerySet, text: str) -> QuerySet:
    if not text.strip():
        return queryset
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, text)
    return _search_simple(queryset, text)


def case_list(*, user: AbstractUser, filters: CaseFilter | None = None, now: datetime.datetime | None = None):
    """Submitted applications of every year, filtered, searched and sorted, with what a row shows."""
    filters = filters or CaseFilter()
    now = now or timezone.now()
    queryset = cases_submitted().select_related(
        "municipality__land", "municipality__kreis", "programme_year", "recommended_by"
    )
    queryset = applications_with_structural_status(day=timezone.localdate(now), queryset=queryset)
    queryset = queryset.annotate(review_owner_id=_review_owner())
    if filters.year is not None:
        queryset = queryset.filter(programme_year__year=filters.year)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.land is not None:
        queryset = queryset.filter(municipality__land=filters.land)
    if filters.kreis is not None:
        queryset = queryset.filter(municipality__kreis=filters.kreis)
    if filters.structural:
        queryset = queryset.filter(structural_status=filters.structural)
    if filters.purpose:
        queryset = queryset.filter(purpose=filters.purpose)
    if filters.clerk is not None:
        queryset = queryset.filter(_clerk_q(filters.clerk))
    if filters.overdue:
        queryset = queryset.filter(overdue_q(now=now))
    if filters.due:
        queryset = queryset.filter(due_condition(key=filters.due, user=user, now=now))
    queryset = cases_search(queryset=queryset, text=filters.search)
    return queryset.order_by(*sort_orders(filters.sort))


def case_clerks(*, applications) -> dict[int, str]:
    """The clerk of each listed application (who holds its review task, else who recommended); one query."""
    ids = {application.review_owner_id for application in applications if application.review_owner_id}
    users = get_user_model().objects.in_bulk(ids) if ids else {}
    clerks = {}
    for application in applications:
        owner = users.get(application.review_owner_id)
        if owner is not None:
            clerks[application.pk] = user_label(owner)
        elif application.recommended_by_id:
            clerks[application.pk] = user_label(application.recommended_by)
    return clerks


def office_clerks() -> QuerySet:
    """The people who may appear as clerk in the list's filter."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name=Role.CLERK) | Q(pk__in=Application.objects.values("recommended_by")))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# --- what is due -----------------------------------------------------------------------------


def due_counts(*, user: AbstractUser, now: datetime.datetime | None = None) -> dict[str, int]:
    """The number of applications of each due item, in one aggregate query."""
    now = now or timezone.now()
    aggregates = {
        item.key.replace("-", "_"): Count("pk", filter=due_condition(key=item.key, user=user, now=now))
        for item in DUE_ITEMS
    }
    counts = cases_submitted().aggregate(**aggregates)
    return {item.key: counts[item.key.replace("-", "_")] for item in DUE_ITEMS}


@dataclass(frozen=True)
class Deadline:
    label: str
    day: datetime.date
    days_left: int  # negative: passed that many days ago
    # A window's first day: once passed, it says since when, not that it is over.
    opens: bool = False

    @property
    def days_passed(self) -> int:
        return -self.days_left


def programme_year_deadlines(*, today: datetime.date) -> tuple[ProgrammeYear | None, list[Deadline]]:
    """The current calendar year's programme year and its deadlines with the days left."""
    year = ProgrammeYear.objects.filter(year=today.year).first()
    if year is None:
        return None, []
    days = [
        (_("Antragsfrist"), year.application_deadline, False),
        (_("Frist für Rechnungen"), year.invoice_deadline, False),
        (_("Mittelabruf möglich ab"), year.payout_window_start, True),
        (_("Mittelabruf möglich bis"), year.payout_window_end, False),
    ]
    return year, [
        Deadline(label=label, day=day, days_left=(day - today).days, opens=opens) for label, day, opens in days
    ]
