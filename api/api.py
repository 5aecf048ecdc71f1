"""The JSON API for the network platform, ``/api/v1/`` (django-ninja), schema at
``/api/v1/openapi.json``.

Every call carries ``Authorization: Bearer <token>`` of an ``ApiClient``. Reading
needs any active client, pushing a membership change one with the scope "write".
Each client may call ``API_RATE_LIMIT`` times a minute (``api.limits``).
"""

from __future__ import annotations

import math

from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Status
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from api.limits import rate_limit_hit
from api.models import ApiClient
from api.schemas import (
    AGS_REGEX,
    ApplicationStatusOut,
    Error,
    MembershipIn,
    MembershipOut,
    MunicipalityOut,
    MunicipalityPage,
    ValidationErrors,
    issue,
)
from api.services import api_client_for_token
from grants.memberships import MembershipConflict, MembershipRefused, membership_change_record
from grants.models import Application, Municipality
from grants.selectors import municipalities_with_membership, municipalities_with_structural_status

PAGE_SIZE = 100
MAX_PAGE = 10_000


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class ScopeRefused(Exception):
    pass


class NotFound(Exception):
    pass


class ClientToken(HttpBearer):
    """An active client's token; ``write`` asks for the scope "write" as well."""

    def __init__(self, *, write: bool = False) -> None:
        super().__init__()
        self.write = write

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        client = api_client_for_token(token=token)
        if client is None:
            return None
        retry_after = rate_limit_hit(client_id=client.pk)
        if retry_after is not None:
            raise RateLimited(retry_after)
        if self.write and not client.can_write:
            raise ScopeRefused
        return client


api = NinjaAPI(
    title="Mikroförderung – Schnittstelle für die Netzwerkplattform",
    version="1",
    description=(
        "Kommunen mit Mitgliedschaft und Strukturstatus, der Stand ihrer Anträge (ohne personenbezogene "
        "Daten) und Änderungen der Mitgliedschaft. Anmeldung mit `Authorization: Bearer <Token>`; "
        "Token legt die Administration unter /verwaltung/api-zugaenge/ an."
    ),
    urls_namespace="api",
    docs_url=None,
    auth=ClientToken(),
)

READ_ERRORS = {401: Error, 422: ValidationErrors, 429: Error}


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = api.create_response(request, {"detail": _("Kein gültiges Token (Authorization: Bearer …).")}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ScopeRefused)
def scope_refused(request, exc):
    return api.create_response(request, {"detail": _("Dieses Token darf nur lesen.")}, status=403)


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = api.create_response(
        request, {"detail": _("Zu viele Anfragen; bitte später erneut versuchen.")}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NotFound)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=404)


def _municipality_row(municipality: Municipality) -> dict:
    return {
        "ags": municipality.ags,
        "name": municipality.name,
        "kind": municipality.kind,
        "kind_label": str(municipality.get_kind_display()),
        "land": {"code": municipality.land.code, "name": municipality.land.name},
        "kreis": {"ags": municipality.kreis.ags, "name": municipality.kreis.name} if municipality.kreis else None,
        "population": municipality.population,
        "membership_status": municipality.membership_status,
        "structural_status": municipality.structural_status,
    }


def _municipalities_today():
    today = timezone.localdate()
    queryset = Municipality.objects.select_related("land", "kreis")
    queryset = municipalities_with_membership(day=today, queryset=queryset)
    return municipalities_with_structural_status(day=today, queryset=queryset)


def _municipality_or_404(ags: str) -> Municipality:
    municipality = _municipalities_today().filter(ags=ags).first()
    if municipality is None:
        raise NotFound(_("Gemeinde %(ags)s ist nicht bekannt.") % {"ags": ags})
    return municipality


@api.get(
    "/municipalities",
    response={200: MunicipalityPage, **READ_ERRORS},
    summary="Kommunen",
    description=f"Alle Kommunen nach AGS, {PAGE_SIZE} je Seite; `ags` filtert nach dem Anfang des AGS "
    "(`15081` = alle Gemeinden des Kreises), `land` nach dem Länderschlüssel.",
)
def municipalities_list(
    request,
    ags: str | None = Query(
        None, pattern=r"^[0-9]{1,8}$", description="Anfang des AGS (1 bis 8 Ziffern)", examples=["15081"]
    ),
    land: str | None = Query(None, pattern=r"^[0-9]{2}$", description="Länderschlüssel (2 Ziffern)", examples=["15"]),
    page: int = Query(1, ge=1, le=MAX_PAGE),
):
    queryset = _municipalities_today().order_by("ags")
    if ags:
        queryset = queryset.filter(ags__startswith=ags)
    if land:
        queryset = queryset.filter(land__code=land)
    count = queryset.count()
    start = (page - 1) * PAGE_SIZE
    with translation.override("de"):
        items = [_municipality_row(row) for row in queryset[start : start + PAGE_SIZE]]
    return {
        "count": count,
        "page": page,
        "page_size": PAGE_SIZE,
        "pages": math.ceil(count / PAGE_SIZE),
        "items": items,
    }


@api.get(
    "/municipalities/{ags}",
    response={200: MunicipalityOut, 404: Error, **READ_ERRORS},
    summary="Eine Kommune",
)
def municipality_detail(request, ags: str = Path(..., pattern=AGS_REGEX, examples=["15081135", "09472119"])):
    municipality = _municipality_or_404(ags)
    with translation.override("de"):
        return _municipality_row(municipality)


def _amount(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _day(moment):
    return None if moment is None else timezone.localdate(moment)


@api.get(
    "/municipalities/{ags}/applications",
    response={200: list[ApplicationStatusOut], 404: Error, **READ_ERRORS},
    summary="Stand der Anträge einer Kommune",
    description="Eingereichte Anträge (ohne Entwürfe), der neueste zuerst: Aktenzeichen, Programmjahr, Status, "
    "Beträge und Tage. Keine personenbezogenen Daten.",
)
def municipality_applications(request, ags: str = Path(..., pattern=AGS_REGEX, examples=["15081135", "09472119"])):
    municipality = _municipality_or_404(ags)
    applications = (
        Application.objects.filter(municipality=municipality, file_number__isnull=False)
        .exclude(status=Application.Status.DRAFT)
        .select_related("programme_year")
        .order_by("-programme_year__year", "-submitted_at", "-pk")
    )
    with translation.override("de"):
        return [
            {
                "number": application.file_number,
                "programme_year": application.programme_year.year,
                "status": application.status,
                "status_label": str(application.get_status_display()),
                "requested_amount": _amount(application.requested_amount),
                "approved_amount": _amount(application.approved_amount),
                "submitted_on": _day(application.submitted_at),
                "decided_on": _day(application.decided_at),
            }
            for application in applications
        ]


@api.post(
    "/memberships",
    auth=ClientToken(write=True),
    response={
        200: MembershipOut,
        201: MembershipOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        409: Error,
        422: ValidationErrors,
        429: Error,
    },
    summary="Änderung einer Mitgliedschaft melden",
    description="Neu erfasst: 201. Dieselbe Änderung (AGS, Tag, Status) noch einmal: 200, nichts ändert sich. "
    "Ein anderer Status für denselben Tag: 409. Braucht ein Token mit Schreibrecht.",
)
def membership_push(request, payload: MembershipIn):
    client: ApiClient = request.auth
    try:
        change = membership_change_record(
            ags=payload.ags,
            status=payload.status,
            since=payload.since,
            note=payload.note,
            actor=None,
            comment=_("Gemeldet über die Schnittstelle von »%(name)s«.") % {"name": client.name},
            api_client=f"{client.name} (#{client.pk}, {client.prefix}…)",
        )
    except MembershipConflict as error:
        return Status(409, {"detail": error.message})
    except MembershipRefused as error:
        if error.code == "unknown_ags":
            return Status(404, {"detail": error.message})
        return Status(422, {"detail": [issue(["body", "payload"], error.message)]})
    record = change.record
    body = {
        "ags": payload.ags,
        "status": record.status,
        "since": record.since,
        "note": record.note,
        "created": change.created,
    }
    return Status(201 if change.created else 200, body)
