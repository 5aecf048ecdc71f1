"""Start pages per role. The queue and decisions arrive with the lifecycle."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from grants.models import ProgrammeYear
from grants.permissions import role_required
from grants.roles import Role, user_roles
from grants.selectors import (
    applications_of_user,
    municipalities_of_user,
    programme_year_closed_latest,
    programme_years_open,
)
from workflows.applications.views_applicant import no_open_year_message

# The first role a person holds decides where "Start" leads.
HOME_BY_ROLE = [
    (Role.APPLICANT, "applicant_home"),
    (Role.CLERK, "worklist"),
    (Role.APPROVER, "worklist"),
    (Role.CONTROLLER, "reports_home"),
    (Role.ADMIN, "admin:index"),
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = user_roles(request.user)
    for role, url_name in HOME_BY_ROLE:
        if role in roles:
            return redirect(url_name)
    # A registered person without a role acts for no municipality yet: ask to.
    return redirect("affiliation_request")


@login_required
@role_required(Role.APPLICANT)
def applicant_home(request: HttpRequest) -> HttpResponse:
    # The years a municipality can apply for now, and the one whose deadline it just
    # missed (so that "Antragsfrist abgelaufen" is said, not that nothing exists).
    open_years = programme_years_open()
    context = {
        "municipalities": municipalities_of_user(user=request.user),
        "closed_year": programme_year_closed_latest(),
        "open_years": open_years,
        "no_open_year_message": "" if open_years else no_open_year_message(),
        "applications": applications_of_user(user=request.user),
    }
    return render(request, "workflows/applicant_home.html", context)


@login_required
@role_required(Role.CLERK, Role.APPROVER)
def worklist(request: HttpRequest) -> HttpResponse:
    # The clerks' and approvers' start page is their queue.
    return redirect("office_queue")


@login_required
@role_required(Role.CONTROLLER, Role.ADMIN)
def reports_home(request: HttpRequest) -> HttpResponse:
    years = ProgrammeYear.objects.all()
    return render(request, "workflows/reports_home.html", {"programme_years": years})
