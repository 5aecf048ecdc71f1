"""Start pages per role: the applicant's files, what is due for the office, the reports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from budgets.selectors import applications_with_ledger_sums, municipalities_year_rooms
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
from workflows.cases.due import DUE_ITEMS
from workflows.cases.selectors import due_counts, programme_year_deadlines

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
    closed_year = programme_year_closed_latest()
    municipalities = list(municipalities_of_user(user=request.user))
    context = {
        "municipalities": municipalities,
        "closed_year": closed_year,
        "open_years": open_years,
        "no_open_year_message": "" if open_years else no_open_year_message(),
        "applications": applications_with_ledger_sums(applications_of_user(user=request.user)),
        # What is still free: in the years open for applications, else in the one just closed.
        "year_rooms": municipalities_year_rooms(
            municipalities=municipalities, programme_years=open_years or ([closed_year] if closed_year else [])
        ),
    }
    return render(request, "workflows/applicant_home.html", context)


@login_required
@role_required(Role.CLERK, Role.APPROVER)
def worklist(request: HttpRequest) -> HttpResponse:
    """What is due for the clerks and approvers, each figure a link to the rows it counts."""
    now = timezone.now()
    counts = due_counts(user=request.user, now=now)
    list_url = reverse("case_list")
    items = [
        {
            "key": item.key,
            "label": item.label,
            "count": counts[item.key],
            "url": reverse(item.url_name) if item.url_name else f"{list_url}?faellig={item.key}",
        }
        for item in DUE_ITEMS
    ]
    year, deadlines = programme_year_deadlines(today=timezone.localdate(now))
    context = {"items": items, "programme_year": year, "deadlines": deadlines}
    return render(request, "workflows/worklist.html", context)


@login_required
@role_required(Role.CONTROLLER, Role.ADMIN)
def reports_home(request: HttpRequest) -> HttpResponse:
    years = ProgrammeYear.objects.all()
    return render(request, "workflows/reports_home.html", {"programme_years": years})
