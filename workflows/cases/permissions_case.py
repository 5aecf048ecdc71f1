"""Who may add an internal note to a case (Akte); see ``workflows.common.permissions``.

Every office role reads the whole file (``grants.roles.OFFICE_READERS``, checked by the
view's decorator). Clerks, approvers and administrators write notes; the controllers
read only. The other actions the case page offers come from each process's own
permission functions.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext as _

from grants.roles import Role, user_roles
from workflows.common.permissions import ALLOWED, Permission, refused, role_refused

# Who writes a note: the office roles that work a file, and the administrators.
NOTE_WRITERS = (Role.CLERK, Role.APPROVER, Role.ADMIN)


def case_can_note(*, user: AbstractUser) -> Permission:
    held = user_roles(user)
    if held & set(NOTE_WRITERS):
        return ALLOWED
    if Role.CONTROLLER in held:
        return refused(_("Das Controlling liest die Akte; Vermerke schreibt es nicht."), code="forbidden")
    return role_refused()
