"""The controllers' dashboard: read only, for controllers, approvers (Leitung) and administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from grants.models import ProgrammeYear
from grants.permissions import role_required
from grants.roles import Role
from reports import dashboard as selectors
from workflows.dashboard.forms import DashboardYearsForm

DASHBOARD_ROLES = (Role.CONTROLLER, Role.APPROVER, Role.ADMIN)


@login_required
@role_required(*DASHBOARD_ROLES)
@require_http_methods(["GET", "HEAD"])
def controller_dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    programme_years = {year.year: year for year in ProgrammeYear.objects.all()}
    form = DashboardYearsForm(request.GET or None, years=list(programme_years), this_year=today.year)
    year, compare = form.selected()
    context = {"form": form, "dashboard": None}
    if year is not None:
        dashboard = selectors.controller_dashboard(
            programme_year=programme_years[year], comparison_year=programme_years.get(compare), today=today
        )
        context.update(dashboard=dashboard, chart_data=selectors.chart_data(dashboard))
    return render(request, "workflows/controller_dashboard.html", context)
