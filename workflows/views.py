"""Start pages per role. The queue and decisions arrive with the lifecycle."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from grants.models import ProgrammeYear
from grants.permissions import role_required
from grants.roles import Role, user_roles
from grants.selectors import applications_of_user, municipalities_of_user

# The first role a person holds decides where "Start" leads.
HOME_BY_ROLE = [
    (Role.APPLICANT, "applicant_home"),
    (Role.CLERK, "worklist"),
    (Role.APPROVER, "worklist"),
    (Role.CONTROLLER, "reports_home"),
    (Role.ADMIN, "admin:index"),
]


@login_required
def home(request):
    roles = user_roles(request.user)
    for role, url_name in HOME_BY_ROLE:
        if role in roles:
            return redirect(url_name)
    return render(request, "workflows/no_role.html", status=403)


def _current_year():
    return ProgrammeYear.objects.filter(year=timezone.localdate().year).first()


@login_required
@role_required(Role.APPLICANT)
def applicant_home(request):
    context = {
        "municipalities": municipalities_of_user(user=request.user),
        "programme_year": _current_year(),
        "applications": applications_of_user(user=request.user),
    }
    return render(request, "workflows/applicant_home.html", context)


@login_required
@role_required(Role.CLERK, Role.APPROVER)
def worklist(request):
    # The clerks' and approvers' start page is their queue.
    return redirect("office_queue")


@login_required
@role_required(Role.CONTROLLER, Role.ADMIN)
def reports_home(request):
    years = ProgrammeYear.objects.all()
    return render(request, "workflows/reports_home.html", {"programme_years": years})
