"""Read-only queries on master data. Services write, selectors read."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from grants.models import Affiliation, Application, MembershipStatus, Municipality, StructuralStatus


def _valid_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def membership_status_on(*, municipality: Municipality, day: datetime.date) -> str | None:
    """The membership status on ``day`` (``None`` when the municipality never applied)."""
    return (
        MembershipStatus.objects.filter(municipality=municipality, since__lte=day)
        .order_by("-since")
        .values_list("status", flat=True)
        .first()
    )


def membership_is_active(*, municipality: Municipality, day: datetime.date) -> bool:
    """Was the municipality an active member of the network on ``day``? One query."""
    return membership_status_on(municipality=municipality, day=day) == MembershipStatus.Status.ACTIVE


def municipalities_with_membership(*, day: datetime.date, queryset: QuerySet | None = None) -> QuerySet:
    """Annotate ``membership_status`` on ``day`` to many municipalities in one query."""
    latest = (
        MembershipStatus.objects.filter(municipality=OuterRef("pk"), since__lte=day)
        .order_by("-since")
        .values("status")[:1]
    )
    qs = queryset if queryset is not None else Municipality.objects.all()
    return qs.annotate(membership_status=Subquery(latest))


def municipalities_with_structural_status(*, day: datetime.date, queryset: QuerySet | None = None) -> QuerySet:
    """Annotate ``structural_status`` on ``day``: the Gemeinde's own row, else its Kreis's, else none."""
    own = (
        StructuralStatus.objects.filter(_valid_on(day), municipality=OuterRef("pk"))
        .order_by("-valid_from")
        .values("status")[:1]
    )
    of_kreis = (
        StructuralStatus.objects.filter(_valid_on(day), kreis=OuterRef("kreis_id"))
        .order_by("-valid_from")
        .values("status")[:1]
    )
    qs = queryset if queryset is not None else Municipality.objects.all()
    return qs.annotate(
        structural_status=Coalesce(Subquery(own), Subquery(of_kreis), Value(StructuralStatus.Status.NONE))
    )


def structural_status_on(*, municipality: Municipality, day: datetime.date) -> str:
    """The structural status of one municipality on ``day`` (``"C"``, ``"D"`` or ``"none"``)."""
    return (
        municipalities_with_structural_status(day=day, queryset=Municipality.objects.filter(pk=municipality.pk))
        .values_list("structural_status", flat=True)
        .get()
    )


def municipalities_of_user(*, user) -> QuerySet:
    """The municipalities a user acts for as an applicant."""
    return Municipality.objects.filter(
        pk__in=Affiliation.objects.filter(user=user).values("municipality_id")
    ).select_related("land", "kreis")


def applications_of_user(*, user) -> QuerySet:
    """Applications of every municipality the user acts for, newest change first."""
    return (
        Application.objects.filter(municipality__in=Affiliation.objects.filter(user=user).values("municipality_id"))
        .select_related("municipality", "programme_year")
        .order_by("-updated_at")
    )
