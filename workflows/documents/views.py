"""Documents: download of issued notices, the annual report for the ministry.

Notices: applicants of the municipality and the programme office may download; an
applicant of another municipality gets 404, as if the notice did not exist. The file
is served only if its SHA-256 is still the one recorded when it was rendered.

Reports: controllers and administrators only (others get 403). The workbook is
written by a background task (``reports.tasks.report_export_task``) into
MEDIA_ROOT/reports/; the page lists the exports of the year with their progress.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grants.models import ProgrammeYear
from grants.permissions import can_act_for, role_required
from grants.roles import Role, user_roles
from reports.errors import ReportsError
from reports.models import Notice, ReportExport
from reports.requests import report_export_request
from reports.selectors import report_exports
from reports.services import notice_pdf_verified

OFFICE_ROLES = {Role.CLERK, Role.APPROVER, Role.CONTROLLER, Role.ADMIN}
REPORT_ROLES = (Role.CONTROLLER, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANNUAL_REPORT = ReportExport.Exporter.ANNUAL_REPORT


@login_required
@role_required(Role.APPLICANT, *OFFICE_ROLES)
def notice_download(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.select_related("application__municipality"), pk=pk)
    office = bool(user_roles(request.user) & OFFICE_ROLES)
    if not office:
        allowed, _reason = can_act_for(user=request.user, municipality=notice.application.municipality)
        if not allowed:
            raise Http404
    try:
        data = notice_pdf_verified(notice=notice)
    except ReportsError as error:
        pending = not notice.is_rendered
        response = render(
            request,
            "workflows/documents_notice_unavailable.html",
            {
                "notice": notice,
                "message": error.message,
                "pending": pending,
                # The office reaches the file behind the notice (the case page), the municipality its own pages.
                "case_url": reverse("case_detail", kwargs={"pk": notice.application_id}) if office else "",
            },
            status=503 if pending else 500,
        )
        if pending:
            response["Retry-After"] = "10"
        return response
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=notice.file_name, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@role_required(*REPORT_ROLES)
@require_http_methods(["GET", "POST"])
def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    programme_year = get_object_or_404(ProgrammeYear, year=year)
    if request.method == "POST":
        try:
            report_export_request(user=request.user, exporter=ANNUAL_REPORT, year=programme_year.year)
        except ReportsError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Der Jahresbericht %(year)d wird erstellt. Sobald er fertig ist, "
                    "steht er hier zum Herunterladen bereit."
                )
                % {"year": programme_year.year},
            )
        return redirect("annual_report", year=programme_year.year)
    exports = list(report_exports(exporter=ANNUAL_REPORT, year=programme_year.year)[:20])
    context = {
        "programme_year": programme_year,
        "exports": exports,
        "running": any(export.status in ReportExport.OPEN for export in exports),
    }
    return render(request, "workflows/documents_annual_report.html", context)


@login_required
@role_required(*REPORT_ROLES)
def report_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(ReportExport, pk=pk, status=ReportExport.Status.DONE)
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    finished = timezone.localtime(export.finished_at)
    filename = f"{export.exporter.replace('_', '-')}-{export.year}-{finished:%Y%m%d-%H%M}.xlsx"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response
