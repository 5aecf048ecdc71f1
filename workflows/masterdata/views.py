"""The office's master-data pages: memberships (with the upload of the platform's export),
programme years and their text blocks. Office readers see them; clerks and administrators
record memberships, administrators change programme years and text blocks.

The upload keeps no file: the preview parses it, and the good lines wait in the session
as plain data (with a random token the import form sends back) until "Importieren".
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from budgets.selectors import municipality_committed_largest, programme_committed
from core.changes import change_history, change_lines
from grants.errors import GrantsError
from grants.imports import (
    MembershipRow,
    memberships_apply,
    memberships_parse,
    memberships_preview,
    memberships_read_text,
)
from grants.masterdata import (
    MasterDataRefused,
    legal_text_block_update,
    membership_status_record,
    programme_year_create,
    programme_year_update,
)
from grants.models import LegalTextBlock, MembershipStatus, Municipality, ProgrammeYear
from grants.permissions import role_required
from grants.roles import OFFICE_READERS, Role, user_roles
from grants.selectors import municipalities_with_membership
from workflows.masterdata.forms import LegalTextForm, MembershipForm, MembershipUploadForm, ProgrammeYearForm

MEMBERSHIP_WRITERS = (Role.CLERK, Role.ADMIN)
YEAR_WRITERS = (Role.ADMIN,)
PAGE_SIZE = 50
SESSION_KEY = "masterdata_membership_upload"
YEAR_MAX = 32767  # the column is a small integer: a larger year in the address is simply not there


def _may(request, writers) -> bool:
    return bool(user_roles(request.user) & set(writers))


def _refused(form, error: MasterDataRefused) -> None:
    for field, message in error.problems.items():
        form.add_error(field if field in form.fields else None, message)


@login_required
@role_required(*OFFICE_READERS)
@require_http_methods(["GET", "HEAD"])
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workflows/masterdata/overview.html",
        {
            "may_write_memberships": _may(request, MEMBERSHIP_WRITERS),
            "is_admin": _may(request, YEAR_WRITERS),
        },
    )


# --- memberships ---------------------------------------------------------------------------


@login_required
@role_required(*OFFICE_READERS)
@require_http_methods(["GET", "HEAD"])
def membership_list(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:100]
    today = timezone.localdate()
    municipalities = Municipality.objects.select_related("land").order_by("name", "ags")
    if query:
        municipalities = municipalities.filter(Q(name__icontains=query) | Q(ags__startswith=query))
    else:
        municipalities = municipalities.filter(membership_statuses__isnull=False).distinct()
    rows = municipalities_with_membership(day=today, queryset=municipalities)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(
        request,
        "workflows/masterdata/membership_list.html",
        {
            "page": page,
            "query": query,
            "today": today,
            "labels": dict(MembershipStatus.Status.choices),
            "may_write": _may(request, MEMBERSHIP_WRITERS),
        },
    )


@login_required
@role_required(*OFFICE_READERS, write=MEMBERSHIP_WRITERS)
@require_http_methods(["GET", "HEAD", "POST"])
def membership_detail(request: HttpRequest, ags: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality.objects.select_related("land", "kreis"), ags=ags[:8])
    if request.method == "POST":
        form = MembershipForm(request.POST)
        if form.is_valid():
            try:
                membership_status_record(actor=request.user, municipality=municipality, **form.cleaned_data)
            except MasterDataRefused as error:
                _refused(form, error)
            else:
                messages.success(request, _("Die Mitgliedschaft ist erfasst."))
                return redirect("masterdata_membership_detail", ags=municipality.ags)
    else:
        form = MembershipForm(initial={"since": timezone.localdate()})
    history = [
        record for record in change_history(subject=municipality) if record.action.startswith("grants.membership.")
    ]
    return render(
        request,
        "workflows/masterdata/membership_detail.html",
        {
            "municipality": municipality,
            "statuses": municipality.membership_statuses.order_by("-since"),
            "history": change_lines(history, model=MembershipStatus),
            "labels": dict(MembershipStatus.Status.choices),
            "form": form,
            "may_write": _may(request, MEMBERSHIP_WRITERS),
        },
    )


def _rows_to_session(rows: list[MembershipRow]) -> list[list]:
    return [[row.line, row.ags, row.status, row.since.isoformat()] for row in rows]


def _rows_from_session(data: list[list]) -> list[MembershipRow]:
    return [
        MembershipRow(line=int(line), ags=str(ags), status=str(status), since=datetime.date.fromisoformat(since))
        for line, ags, status, since in data
    ]


@login_required
@role_required(*OFFICE_READERS, write=MEMBERSHIP_WRITERS)
@require_http_methods(["GET", "HEAD", "POST"])
def membership_upload(request: HttpRequest) -> HttpResponse:
    context = {"may_write": _may(request, MEMBERSHIP_WRITERS), "labels": dict(MembershipStatus.Status.choices)}
    if request.method == "POST" and request.POST.get("action") == "import":
        pending = request.session.get(SESSION_KEY)
        if not pending or not secrets.compare_digest(str(pending.get("token", "")), request.POST.get("token", "")):
            messages.error(request, _("Diese Vorschau ist nicht mehr gültig. Bitte laden Sie die Datei erneut hoch."))
            return redirect("masterdata_membership_upload")
        del request.session[SESSION_KEY]
        report = memberships_apply(
            rows=_rows_from_session(pending["rows"]),
            actor=request.user,
            comment=_("Hochgeladen: %(name)s") % {"name": pending.get("name", "")},
        )
        errors = [[error.line, error.message] for error in report.errors] + pending["errors"]
        context.update(
            {
                "form": MembershipUploadForm(),
                "done": {
                    "created": report.created.get("Mitgliedschaften", 0),
                    "updated": report.updated.get("Mitgliedschaften", 0),
                    "unchanged": report.unchanged.get("Mitgliedschaften", 0),
                    "errors": sorted(errors),
                },
            }
        )
        return render(request, "workflows/masterdata/membership_upload.html", context)
    if request.method == "POST":
        form = MembershipUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                good, errors = memberships_parse(memberships_read_text(form.cleaned_data["file"]))
            except GrantsError as error:
                form.add_error("file", error.message)
            else:
                token = secrets.token_urlsafe(16)
                name = "".join(ch for ch in request.FILES["file"].name if ch.isprintable())[:100]
                request.session[SESSION_KEY] = {
                    "token": token,
                    "name": name,
                    "rows": _rows_to_session(good),
                    "errors": [[error.line, error.message] for error in errors],
                }
                preview = memberships_preview(rows=good)
                context.update(
                    {
                        "form": MembershipUploadForm(),
                        "preview": preview,
                        "errors": errors,
                        "token": token,
                        "file_name": name,
                        "to_change": sum(1 for item in preview if item["effect"] != "unchanged"),
                    }
                )
                return render(request, "workflows/masterdata/membership_upload.html", context)
    else:
        form = MembershipUploadForm()
    context["form"] = form
    return render(request, "workflows/masterdata/membership_upload.html", context)


# --- programme years -----------------------------------------------------------------------


def _year_or_404(year: int) -> ProgrammeYear:
    if year > YEAR_MAX:
        raise Http404
    return get_object_or_404(ProgrammeYear, year=year)


@login_required
@role_required(*OFFICE_READERS)
@require_http_methods(["GET", "HEAD"])
def programme_year_list(request: HttpRequest) -> HttpResponse:
    years = [
        {"year": year, "committed": programme_committed(programme_year=year)}
        for year in ProgrammeYear.objects.order_by("-year")
    ]
    return render(
        request,
        "workflows/masterdata/programme_year_list.html",
        {"years": years, "may_write": _may(request, YEAR_WRITERS)},
    )


def _year_values(cleaned: dict) -> dict:
    values = dict(cleaned)
    values.pop("year", None)
    values["cost_types"] = list(values.pop("eligible_cost_types"))
    return values


@login_required
@role_required(*OFFICE_READERS, write=YEAR_WRITERS)
@require_http_methods(["GET", "HEAD", "POST"])
def programme_year_new(request: HttpRequest) -> HttpResponse:
    if not _may(request, YEAR_WRITERS):
        raise PermissionDenied(_("Programmjahre legt die Administration an."))
    if request.method == "POST":
        form = ProgrammeYearForm(request.POST)
        if form.is_valid():
            try:
                row = programme_year_create(
                    actor=request.user, year=form.cleaned_data["year"], **_year_values(form.cleaned_data)
                )
            except MasterDataRefused as error:
                _refused(form, error)
            else:
                messages.success(request, _("Das Programmjahr %(year)s ist angelegt.") % {"year": row.year})
                return redirect("masterdata_programme_year_edit", year=row.year)
    else:
        latest = ProgrammeYear.objects.order_by("-year").first()
        initial = {"rule_set_version": "1", "proof_of_use_months": 3}
        if latest is not None:
            year = latest.year + 1
            initial = {
                "year": year,
                "cap_per_municipality": latest.cap_per_municipality,
                "budget": latest.budget,
                "max_day_rate": latest.max_day_rate,
                "eligible_cost_types": list(latest.eligible_cost_types.all()),
                "application_deadline": datetime.date(year, 9, 30),
                "invoice_deadline": datetime.date(year, 12, 15),
                "proof_of_use_months": latest.proof_of_use_months,
                "payout_window_start": datetime.date(year, 1, 1),
                "payout_window_end": datetime.date(year, 12, 15),
                "rule_set_version": f"{year}.1",
            }
        form = ProgrammeYearForm(initial=initial)
    return render(request, "workflows/masterdata/programme_year_form.html", {"form": form, "programme_year": None})


@login_required
@role_required(*OFFICE_READERS, write=YEAR_WRITERS)
@require_http_methods(["GET", "HEAD", "POST"])
def programme_year_edit(request: HttpRequest, year: int) -> HttpResponse:
    programme_year = _year_or_404(year)
    if request.method == "POST":
        form = ProgrammeYearForm(request.POST, editing=True)
        if form.is_valid():
            try:
                programme_year_update(
                    actor=request.user,
                    programme_year=programme_year,
                    municipality_committed_largest=municipality_committed_largest,
                    **_year_values(form.cleaned_data),
                )
            except MasterDataRefused as error:
                _refused(form, error)
            else:
                messages.success(request, _("Das Programmjahr %(year)s ist geändert.") % {"year": year})
                return redirect("masterdata_programme_year_edit", year=year)
    else:
        initial = {name: getattr(programme_year, name) for name in ProgrammeYearForm.base_fields if name != "year"}
        initial["eligible_cost_types"] = list(programme_year.eligible_cost_types.all())
        form = ProgrammeYearForm(initial=initial, editing=True)
    blocks = {block.kind: block for block in programme_year.legal_texts.all()}
    return render(
        request,
        "workflows/masterdata/programme_year_form.html",
        {
            "form": form,
            "programme_year": programme_year,
            "committed": programme_committed(programme_year=programme_year),
            "largest": municipality_committed_largest(programme_year=programme_year),
            "blocks": [(kind, label, blocks.get(kind)) for kind, label in LegalTextBlock.Kind.choices],
            "history": change_lines(change_history(subject=programme_year), model=ProgrammeYear),
            "may_write": _may(request, YEAR_WRITERS),
        },
    )


@login_required
@role_required(*OFFICE_READERS, write=YEAR_WRITERS)
@require_http_methods(["GET", "HEAD", "POST"])
def legal_text_edit(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    programme_year = _year_or_404(year)
    if kind not in LegalTextBlock.Kind.values:
        raise Http404
    block = LegalTextBlock.objects.filter(programme_year=programme_year, kind=kind).first()
    if request.method == "POST":
        form = LegalTextForm(request.POST)
        if form.is_valid():
            try:
                legal_text_block_update(
                    actor=request.user, programme_year=programme_year, kind=kind, **form.cleaned_data
                )
            except MasterDataRefused as error:
                _refused(form, error)
            else:
                messages.success(request, _("Der Textbaustein ist gespeichert."))
                return redirect("masterdata_programme_year_edit", year=year)
    elif block is not None:
        form = LegalTextForm(initial={"title": block.title, "text": block.text, "printed": block.printed})
    else:
        form = LegalTextForm(initial={"title": LegalTextBlock.Kind(kind).label, "printed": True})
    return render(
        request,
        "workflows/masterdata/legal_text_form.html",
        {
            "form": form,
            "programme_year": programme_year,
            "kind_label": LegalTextBlock.Kind(kind).label,
            "block": block,
            "history": change_lines(change_history(subject=block), model=LegalTextBlock) if block else [],
            "may_write": _may(request, YEAR_WRITERS),
        },
    )
