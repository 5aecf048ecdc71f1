"""The answer of a permission function: may this person do this now, and if not, why.

Every action of a process has one function in its package's ``permissions.py``
(``application_can_decide``, ``payout_can_release``, …). The view asks it to decide
which buttons to show (the template reads the answer, never a raw status), and the
service asks the same function again under its lock and refuses with the same reason.

``allowed, reason = payout_can_release(user=…, payout=…)`` unpacks like a pair; the
``code`` travels along so that a refusal raised by the service names what went wrong
(``four_eyes``, ``wrong_state``, ``forbidden``, ``not_claimed``) for forms and tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext as _

from grants.models import Municipality
from grants.permissions import can_act_for
from grants.roles import Role, has_role
from workflows.common.errors import WorkflowError


@dataclass(frozen=True)
class Permission:
    allowed: bool
    reason: str = ""
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def __iter__(self) -> Iterator:
        yield self.allowed
        yield self.reason

    def require(self) -> None:
        """Raise the refusal as a service error; nothing when allowed."""
        if not self.allowed:
            raise WorkflowError(self.reason, code=self.code or "forbidden")


ALLOWED = Permission(True)
# For an action about something that does not exist (no claim yet): nothing to show, nothing to say.
DENIED = Permission(False, code="not_applicable")


def refused(reason: str, *, code: str) -> Permission:
    return Permission(False, reason, code)


def role_refused() -> Permission:
    return refused(_("Diese Aktion ist Ihrer Rolle nicht erlaubt."), code="forbidden")


def state_refused(status_label: str) -> Permission:
    return refused(
        _("Diese Aktion ist im Status »%(status)s« nicht möglich. Bitte laden Sie die Seite neu.")
        % {"status": status_label},
        code="wrong_state",
    )


def applicant_can_act(*, user: AbstractUser, municipality: Municipality) -> Permission:
    """A municipal user acting for ``municipality`` (affiliation and role)."""
    allowed, reason = can_act_for(user=user, municipality=municipality)
    if not allowed or not has_role(user, Role.APPLICANT):
        return refused(reason or _("Diese Aktion ist Ihrer Rolle nicht erlaubt."), code="forbidden")
    return ALLOWED
