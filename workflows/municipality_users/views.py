"""Pages for who acts for a municipality. Thin: check, call one service, show its error."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.changes import change_history, change_lines
from grants import affiliations as services
from grants.errors import GrantsError
from grants.models import Affiliation, AffiliationRequest, Invitation, MembershipStatus, Municipality
from grants.permissions import municipality_for_user_or_404, role_required
from grants.roles import OFFICE_READERS, Role, user_roles
from grants.selectors import municipalities_with_membership, municipality_search
from workflows.municipality_users.forms import (
    AffiliationRequestForm,
    InvitationForm,
    RolesForm,
    UserSearchForm,
    municipality_choice_label,
)

SEARCH_LIMIT = 20
LOOKUP_LIMIT = 10
OFFICE_WRITE = (Role.CLERK, Role.APPROVER, Role.ADMIN)
MEMBER = (MembershipStatus.Status.ACTIVE, MembershipStatus.Status.APPLIED)


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


# --- a person asks to act for a municipality ------------------------------------------------


@require_GET
def municipality_lookup(request: HttpRequest) -> JsonResponse:
    """Suggestions while typing a municipality (registration; public data from the
    Destatis directory, so open to visitors that are not logged in)."""
    matches = municipality_search(query=request.GET.get("q", "")[:100], limit=LOOKUP_LIMIT)
    results = [{"value": f"{m.name} ({m.ags})", "label": municipality_choice_label(m)} for m in matches]
    return JsonResponse({"results": results})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def affiliation_request(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    form = AffiliationRequestForm()
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            return _withdraw(request)
        form = AffiliationRequestForm(request.POST)
        query = request.POST.get("q", "")[:100] or query
        if form.is_valid():
            municipality = Municipality.objects.filter(ags=form.cleaned_data["municipality"]).first()
            if municipality is None:
                form.add_error("municipality", _("Bitte wählen Sie eine Kommune aus der Trefferliste."))
            else:
                try:
                    services.affiliation_request_create(
                        user=request.user,
                        municipality=municipality,
                        function=form.cleaned_data["function"],
                        join_network=form.cleaned_data["join_network"],
                    )
                except GrantsError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(
                        request,
                        _("Ihre Anfrage für %(name)s ist gestellt. Sie erhalten eine E-Mail, sobald entschieden ist.")
                        % {"name": municipality.name},
                    )
                    return redirect("affiliation_request")
    chosen = form["municipality"].value() or ""
    matches = municipality_search(query=query, limit=SEARCH_LIMIT)
    context = {
        "form": form,
        "query": query,
        "searched": len(query.strip()) >= 2,
        "matches": matches,
        "chosen": chosen,
        "member_statuses": MEMBER,
        "open_requests": AffiliationRequest.objects.filter(user=request.user)
        .select_related("municipality")
        .order_by("-created_at"),
        "affiliations": Affiliation.objects.filter(user=request.user).select_related("municipality"),
    }
    return render(request, "workflows/municipality_users/request.html", context)


def _withdraw(request: HttpRequest) -> HttpResponse:
    own = get_object_or_404(AffiliationRequest, pk=_int(request.POST.get("request")) or 0, user=request.user)
    try:
        services.affiliation_request_withdraw(request=own, user=request.user)
    except GrantsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Ihre Anfrage ist zurückgezogen."))
    return redirect("affiliation_request")


# --- the main contact on the municipality page -----------------------------------------------


@login_required
@role_required(Role.APPLICANT)
@require_http_methods(["GET", "HEAD", "POST"])
def municipality_users_action(request: HttpRequest, ags: str) -> HttpResponse:
    municipality = municipality_for_user_or_404(user=request.user, ags=ags)
    back = redirect("municipality_detail", ags=municipality.ags)
    if request.method != "POST":
        return back
    action = request.POST.get("action", "")
    people = get_user_model().objects.filter(affiliations__municipality=municipality)
    try:
        if action in ("confirm", "decline"):
            pending = get_object_or_404(
                AffiliationRequest, pk=_int(request.POST.get("request")) or 0, municipality=municipality
            )
            services.affiliation_request_decide(
                request=pending,
                actor=request.user,
                confirm=action == "confirm",
                reason=request.POST.get("reason", "")[:1000],
            )
            message = _("Die Anfrage ist bestätigt.") if action == "confirm" else _("Die Anfrage ist abgelehnt.")
        elif action == "invite":
            form = InvitationForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(form.errors["email"]))
                return back
            services.invitation_create(municipality=municipality, email=form.cleaned_data["email"], actor=request.user)
            message = _("Die Einladung an %(email)s ist verschickt.") % {"email": form.cleaned_data["email"]}
        elif action == "revoke":
            invitation = get_object_or_404(
                Invitation, pk=_int(request.POST.get("invitation")) or 0, municipality=municipality
            )
            services.invitation_revoke(invitation=invitation, actor=request.user)
            message = _("Die Einladung ist zurückgezogen.")
        elif action in ("end", "deactivate"):
            person = get_object_or_404(people, pk=_int(request.POST.get("user")) or 0)
            if action == "end":
                services.affiliation_end(municipality=municipality, user=person, actor=request.user)
                message = _("%(name)s handelt nicht mehr für die Kommune.") % {"name": services.display_name(person)}
            else:
                services.user_deactivate(user=person, actor=request.user, reason=request.POST.get("reason", "")[:1000])
                message = _("Das Konto von %(name)s ist deaktiviert.") % {"name": services.display_name(person)}
        else:
            messages.error(request, _("Unbekannte Aktion."))
            return back
    except GrantsError as error:
        messages.error(request, error.message)
        return back
    messages.success(request, message)
    return back


# --- an invitation link ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token=token[:100])
    problem = services.invitation_problem(invitation)
    if request.method == "POST" and not problem:
        try:
            services.invitation_accept(token=token, user=request.user)
        except GrantsError as error:
            problem = error.message
        else:
            messages.success(request, _("Sie handeln jetzt für %(name)s.") % {"name": invitation.municipality.name})
            return redirect("home")
    already = (
        invitation is not None
        and Affiliation.objects.filter(user=request.user, municipality=invitation.municipality).exists()
    )
    if invitation is not None and not problem and not already:
        problem = services.invitation_address_problem(invitation=invitation, user=request.user)
    context = {"invitation": invitation, "problem": problem, "already": already, "token": token}
    return render(request, "workflows/municipality_users/invitation.html", context, status=200)


# --- the office ----------------------------------------------------------------------------------


def _office_users(query: str):
    users = get_user_model().objects.prefetch_related(
        "groups", Prefetch("affiliations", queryset=Affiliation.objects.select_related("municipality"))
    )
    query = query.strip()
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(affiliations__municipality__name__icontains=query)
            | Q(affiliations__municipality__ags__startswith=query)
        ).distinct()
    return users.order_by("last_name", "first_name", "username")


@login_required
@role_required(*OFFICE_READERS)
def office_users(request: HttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    rows = []
    for person in _office_users(query)[:200]:
        names = {group.name for group in person.groups.all()}
        rows.append(
            {
                "user": person,
                "roles": [role.label for role in Role if role in names],
                "affiliations": list(person.affiliations.all()),
            }
        )
    return render(request, "workflows/municipality_users/office_users.html", {"form": form, "rows": rows})


@login_required
@role_required(*OFFICE_READERS, write=OFFICE_WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def office_user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=pk)
    roles_form = RolesForm(
        initial={"roles": sorted(user_roles(person) & {str(role) for role in services.OFFICE_ROLES})}
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "roles":
                roles_form = RolesForm(request.POST)
                if roles_form.is_valid():
                    services.user_roles_set(user=person, roles=roles_form.cleaned_data["roles"], actor=request.user)
                    messages.success(request, _("Die Rollen sind gespeichert."))
                    return redirect("office_user_detail", pk=person.pk)
            elif action == "deactivate":
                services.user_deactivate(user=person, actor=request.user, reason=request.POST.get("reason", "")[:1000])
                messages.success(request, _("Das Konto ist deaktiviert."))
                return redirect("office_user_detail", pk=person.pk)
            elif action == "reactivate":
                services.user_reactivate(user=person, actor=request.user, reason=request.POST.get("reason", "")[:1000])
                messages.success(request, _("Das Konto ist wieder aktiv."))
                return redirect("office_user_detail", pk=person.pk)
            elif action in ("end", "main_contact"):
                affiliation = get_object_or_404(
                    Affiliation.objects.select_related("municipality"),
                    pk=_int(request.POST.get("affiliation")) or 0,
                    user=person,
                )
                if action == "end":
                    services.affiliation_end(municipality=affiliation.municipality, user=person, actor=request.user)
                    messages.success(request, _("Die Zugehörigkeit ist beendet."))
                else:
                    services.main_contact_set(municipality=affiliation.municipality, user=person, actor=request.user)
                    messages.success(request, _("Die Hauptansprechperson ist geändert."))
                return redirect("office_user_detail", pk=person.pk)
            else:
                messages.error(request, _("Unbekannte Aktion."))
        except GrantsError as error:
            messages.error(request, error.message)
    context = {
        "person": person,
        "roles": [role.label for role in Role if role in user_roles(person)],
        "roles_form": roles_form,
        "may_assign_roles": services.can_assign_roles(user=request.user)[0],
        "may_write": services.is_office_writer(request.user),
        "affiliations": person.affiliations.select_related("municipality").order_by("municipality__name"),
        "requests": person.affiliation_requests.select_related("municipality", "decided_by").order_by("-created_at"),
        "history": change_lines(
            change_history(subject=person), model=get_user_model(), value_labels={"roles": dict(Role.choices)}
        ),
    }
    return render(request, "workflows/municipality_users/office_user_detail.html", context)


@login_required
@role_required(*OFFICE_READERS, write=OFFICE_WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def office_requests(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("confirm", "decline"):
                pending = get_object_or_404(AffiliationRequest, pk=_int(request.POST.get("request")) or 0)
                services.affiliation_request_decide(
                    request=pending,
                    actor=request.user,
                    confirm=action == "confirm",
                    reason=request.POST.get("reason", "")[:1000],
                )
                messages.success(
                    request, _("Die Anfrage ist bestätigt.") if action == "confirm" else _("Die Anfrage ist abgelehnt.")
                )
            elif action == "activate":
                municipality = get_object_or_404(Municipality, pk=_int(request.POST.get("municipality")) or 0)
                services.membership_activate(municipality=municipality, actor=request.user)
                messages.success(request, _("%(name)s ist jetzt aktives Mitglied.") % {"name": municipality.name})
            else:
                raise Http404
        except GrantsError as error:
            messages.error(request, error.message)
        return redirect("office_requests")
    today = timezone.localdate()
    applied = municipalities_with_membership(day=today).filter(membership_status=MembershipStatus.Status.APPLIED)
    context = {
        "pending": AffiliationRequest.objects.filter(status=AffiliationRequest.Status.REQUESTED).select_related(
            "user", "municipality"
        ),
        "applied": applied.select_related("kreis", "land"),
        "may_write": services.is_office_writer(request.user),
    }
    return render(request, "workflows/municipality_users/office_requests.html", context)
