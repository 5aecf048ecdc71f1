"""Navigation per role for the base template."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grants.roles import Role, user_roles

# (role that sees it, url name, label)
NAVIGATION = [
    (Role.APPLICANT, "applicant_home", _("Meine Anträge")),
    (Role.APPLICANT, "my_municipalities", _("Meine Kommune")),
    (Role.CLERK, "worklist", _("Arbeitskorb")),
    (Role.APPROVER, "worklist", _("Arbeitskorb")),
    (Role.CLERK, "payout_queue", _("Auszahlungen")),
    (Role.APPROVER, "payout_queue", _("Auszahlungen")),
    (Role.CLERK, "budget_overview", _("Haushalt")),
    (Role.APPROVER, "budget_overview", _("Haushalt")),
    (Role.CONTROLLER, "budget_overview", _("Haushalt")),
    (Role.CONTROLLER, "reports_home", _("Berichte")),
    (Role.ADMIN, "admin:index", _("Verwaltung")),
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
            url = reverse(url_name)
            items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"nav_items": items, "user_roles": sorted(roles)}
