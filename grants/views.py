"""Applicant-facing views on master data: the municipalities a user acts for."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from grants.models import MembershipStatus, StructuralStatus
from grants.permissions import municipality_for_user_or_404, role_required
from grants.roles import Role
from grants.selectors import (
    membership_status_on,
    municipalities_of_user,
    municipality_people,
    structural_status_on,
)


@login_required
@role_required(Role.APPLICANT)
def my_municipalities(request):
    municipalities = list(municipalities_of_user(user=request.user))
    if len(municipalities) == 1:
        return redirect("municipality_detail", ags=municipalities[0].ags)
    return render(request, "grants/my_municipalities.html", {"municipalities": municipalities})


@login_required
@role_required(Role.APPLICANT)
def municipality_detail(request, ags: str):
    municipality = municipality_for_user_or_404(user=request.user, ags=ags)
    today = timezone.localdate()
    membership = membership_status_on(municipality=municipality, day=today)
    structural = structural_status_on(municipality=municipality, day=today)
    context = {
        "municipality": municipality,
        "membership_label": MembershipStatus.Status(membership).label if membership else None,
        "membership_active": membership == MembershipStatus.Status.ACTIVE,
        "structural_label": StructuralStatus.Status(structural).label,
        "membership_history": municipality.membership_statuses.order_by("-since"),
        **municipality_people(municipality=municipality, user=request.user),
    }
    return render(request, "grants/municipality_detail.html", context)
