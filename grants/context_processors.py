"""Navigation per role for the base template."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grants.roles import OFFICE_READERS, Role, user_roles

# (role that sees it, url name, label)
NAVIGATION = [
    (Role.APPLICANT, "applicant_home", _("Meine Anträge")),
    (Role.APPLICANT, "my_municipalities", _("Meine Kommune")),
    (Role.CLERK, "worklist", _("Übersicht")),
    (Role.APPROVER, "worklist", _("Übersicht")),
    (Role.CLERK, "office_queue", _("Arbeitskorb")),
    (Role.APPROVER, "office_queue", _("Arbeitskorb")),
    *((role, "case_list", _("Alle Anträge")) for role in OFFICE_READERS),
    (Role.CLERK, "payout_queue", _("Auszahlungen")),
    (Role.CLERK, "proof_office_list", _("Verwendungsnachweise")),
    (Role.APPROVER, "payout_queue", _("Auszahlungen")),
    (Role.CLERK, "budget_overview", _("Haushalt")),
    (Role.APPROVER, "budget_overview", _("Haushalt")),
    (Role.CONTROLLER, "budget_overview", _("Haushalt")),
    (Role.CONTROLLER, "reports_home", _("Berichte")),
    # The dashboard (workflows/dashboard): controllers, the approvers (Leitung) and administrators.
    *((role, "controller_dashboard", _("Übersicht")) for role in (Role.CONTROLLER, Role.APPROVER, Role.ADMIN)),
    (Role.ADMIN, "admin:index", _("Verwaltung")),
    (Role.ADMIN, "base_rate_list", _("Basiszinssatz")),
    (Role.ADMIN, "legal_edit_list", _("Rechtstexte")),
    *((role, "masterdata_overview", _("Stammdaten")) for role in OFFICE_READERS),
    *((role, "office_users", _("Benutzer")) for role in OFFICE_READERS),
    *((role, "office_requests", _("Anfragen")) for role in OFFICE_READERS),
    (Role.ADMIN, "api_client_list", _("API-Zugänge")),
]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = user_roles(user)
    items, seen = [], set()
    for role, url_name, label in NAVIGATION:
        if role in roles and url_name not in seen:
            seen.add(url_name)
            items.append({"url": reverse(url_name), "label": label, "active": False})
    # "/arbeitskorb/" also prefixes "/arbeitskorb/verwendungsnachweise/": mark only the closest.
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items, "user_roles": sorted(roles)}
