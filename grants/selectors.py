"""Read-only queries on master data. Services write, selectors read."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.dates import deadline_passed
from grants.models import (
    Affiliation,
    AffiliationRequest,
    Application,
    Invitation,
    MembershipStatus,
    Municipality,
    ProgrammeYear,
    StructuralStatus,
)


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


AGS_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{8})(?![0-9])")


def municipality_search(*, query: str, limit: int = 20) -> list[Municipality]:
    """Municipalities by name, postcode or AGS, with today's ``membership_status``.

    A text holding a whole AGS ("Gardelegen, Hansestadt (15081135)", as the search
    suggestions write it) finds that municipality alone.
    """
    query = " ".join(query.split())[:100]
    if len(query) < 2 or any(ord(char) < 32 for char in query):
        return []
    ags = AGS_IN_TEXT.search(query)
    if ags:
        condition = Q(ags=ags.group(1))
    else:
        condition = Q(name__icontains=query)
        if query.isdigit():
            condition |= Q(postcode__startswith=query) | Q(ags__startswith=query)
    found = Municipality.objects.filter(condition).select_related("kreis", "land").order_by("name", "ags")
    return list(municipalities_with_membership(day=timezone.localdate(), queryset=found)[:limit])


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


# --- which programme year takes applications ------------------------------------------------
#
# The turn of the year, as the programme runs it:
#
# - A programme year is *open for applications* from the moment it is set up until its
#   application deadline ends, at 24:00 Berlin time of the deadline day (``core.dates``),
#   and never once its calendar year is over. Several years can be open at once: in
#   December the current year (if its deadline is still ahead) and the next one.
# - A new draft belongs to an open year: the only one without asking, else the one the
#   applicant picks (the earliest is preselected). With none open, nobody can start one.
# - A draft keeps its year when the deadline passes. It may still be submitted (the
#   deadline rule then fails and says why), or be moved to an open year with everything
#   it holds (``workflows.applications.services.application_move_to_year``).
# - "Today" is the day on the Berlin wall clock: at 23:30 on 31 December the old year is
#   still the current one, although UTC already shows the new year.


def programme_year_is_open(*, programme_year: ProgrammeYear, at: datetime.datetime | None = None) -> bool:
    """Does ``programme_year`` take new applications at ``at`` (default: now)?"""
    at = at or timezone.now()
    return programme_year.year >= timezone.localdate(at).year and not deadline_passed(
        programme_year.application_deadline, at=at
    )


def programme_years_open(*, at: datetime.datetime | None = None) -> list[ProgrammeYear]:
    """The programme years open for applications at ``at`` (default: now), earliest first."""
    at = at or timezone.now()
    candidates = ProgrammeYear.objects.filter(year__gte=timezone.localdate(at).year).order_by("year")
    # A handful of rows: the deadline is judged in Python by the one rule of core.dates.
    return [year for year in candidates if programme_year_is_open(programme_year=year, at=at)]


def programme_year_closed_latest(*, at: datetime.datetime | None = None) -> ProgrammeYear | None:
    """The latest year of this calendar year or later whose deadline has passed (the one just missed)."""
    at = at or timezone.now()
    candidates = ProgrammeYear.objects.filter(year__gte=timezone.localdate(at).year).order_by("-year")
    return next((year for year in candidates if not programme_year_is_open(programme_year=year, at=at)), None)


@dataclass(frozen=True)
class DraftYearCheck:
    """What a draft's page says about its programme year."""

    closed: bool  # its year takes no more applications
    targets: tuple[ProgrammeYear, ...]  # the open years it can be moved to, earliest first
    period_outside: bool  # its project period lies (partly) outside its year


def draft_year_check(*, application: Application, at: datetime.datetime | None = None) -> DraftYearCheck | None:
    """For a draft: is its year still open, where can it go, does its period fit the year? ``None`` otherwise."""
    if application.status != Application.Status.DRAFT:
        return None
    year = application.programme_year
    targets = tuple(open_year for open_year in programme_years_open(at=at) if open_year.pk != year.pk)
    outside = any(
        day is not None and not year.first_day <= day <= year.last_day
        for day in (application.period_start, application.period_end)
    )
    return DraftYearCheck(
        closed=not programme_year_is_open(programme_year=year, at=at), targets=targets, period_outside=outside
    )


def municipality_people(*, municipality: Municipality, user) -> dict:
    """What the municipality page shows about who acts for it; the main contact also
    sees the open requests and invitations."""
    colleagues = list(
        Affiliation.objects.filter(municipality=municipality)
        .select_related("user")
        .order_by("-is_main_contact", "user__last_name", "user__first_name", "user__username")
    )
    main = next((row for row in colleagues if row.is_main_contact), None)
    is_main = main is not None and main.user_id == user.pk
    now = timezone.now()
    return {
        "colleagues": colleagues,
        "main_contact": main.user if main else None,
        "is_main_contact": is_main,
        "pending_requests": AffiliationRequest.objects.filter(
            municipality=municipality, status=AffiliationRequest.Status.REQUESTED
        ).select_related("user")
        if is_main
        else [],
        "open_invitations": Invitation.objects.filter(
            municipality=municipality, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).select_related("invited_by")
        if is_main
        else [],
    }
