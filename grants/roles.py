"""Roles are Django groups; their names are stable identifiers, their labels German."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Antragstellung (Kommune)")
    CLERK = "clerk", _("Sachbearbeitung")
    APPROVER = "approver", _("Bewilligung")
    CONTROLLER = "controller", _("Controlling")
    ADMIN = "admin", _("Administration")


# The office roles. Clerks and approvers work the files; controllers and administrators
# read every office page and change nothing there (they act through their own pages).
OFFICE_WORKERS = (Role.CLERK, Role.APPROVER)
OFFICE_READERS = (Role.CLERK, Role.APPROVER, Role.CONTROLLER, Role.ADMIN)


def user_roles(user) -> set[str]:
    """The role names of a user; superusers hold the admin role."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMIN)
        user._role_cache = cached
    return cached


def has_role(user, role: Role) -> bool:
    return role in user_roles(user)
