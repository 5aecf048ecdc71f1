"""Applicant-facing views on master data: the municipalities a user acts for."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.changes import change_history, change_lines
from grants.addresses import address_lines, address_missing, address_of, municipality_address_update
from grants.errors import GrantsError
from grants.forms_address import MunicipalityAddressForm
from grants.models import MembershipStatus, Municipality, MunicipalityAddress, StructuralStatus
from grants.permissions import address_can_edit, can_act_for, municipality_for_user_or_404, role_required
from grants.roles import OFFICE_READERS, Role, user_roles
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
    address = address_of(municipality=municipality)
    missing = address_missing(address=address)
    context = {
        "municipality": municipality,
        "membership_label": MembershipStatus.Status(membership).label if membership else None,
        "membership_active": membership == MembershipStatus.Status.ACTIVE,
        "structural_label": StructuralStatus.Status(structural).label,
        "membership_history": municipality.membership_statuses.order_by("-since"),
        "address": address,
        "address_lines": address_lines(address=address) if address is not None and not missing else [],
        "address_missing": missing,
        **municipality_people(municipality=municipality, user=request.user),
    }
    return render(request, "grants/municipality_detail.html", context)


def _municipality_for_address(request, ags: str) -> Municipality:
    if user_roles(request.user) & set(OFFICE_READERS):
        return get_object_or_404(Municipality.objects.select_related("land", "kreis"), ags=ags)
    return municipality_for_user_or_404(user=request.user, ags=ags)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def municipality_address_edit(request, ags: str):
    municipality = _municipality_for_address(request, ags)
    allowed, reason = address_can_edit(user=request.user, municipality=municipality)
    if not allowed:
        raise PermissionDenied(reason)
    address = address_of(municipality=municipality) or MunicipalityAddress(municipality=municipality)
    form = MunicipalityAddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        try:
            municipality_address_update(municipality=municipality, actor=request.user, **form.cleaned_data)
        except GrantsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Die Anschrift ist gespeichert."))
            if municipality_for_user_allowed(request.user, municipality):
                return redirect("municipality_detail", ags=municipality.ags)
            return redirect("municipality_address_edit", ags=municipality.ags)
    context = {
        "municipality": municipality,
        "form": form,
        "history": _address_history(municipality),
    }
    return render(request, "grants/municipality_address_form.html", context)


def _address_history(municipality: Municipality):
    records = change_history(subject=municipality).filter(action="grants.municipality.address_changed")
    return change_lines(records, model=MunicipalityAddress)


def municipality_for_user_allowed(user, municipality) -> bool:
    return can_act_for(user=user, municipality=municipality)[0]
