"""Permission helpers. Each answers "may this person do it?" and, if not, why."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from grants.models import Affiliation, Municipality
from grants.roles import Role, user_roles
from grants.services import ACT_FOR_MUNICIPALITY


def can_act_for(*, user, municipality: Municipality) -> tuple[bool, str]:
    """Object permission (django-guardian) granted through an affiliation."""
    if not user.is_authenticated:
        return False, _("Bitte melden Sie sich an.")
    # One page asks this for every button (edit, submit, withdraw, request money); the
    # object-permission store answers once per user object and municipality, as the roles
    # do (grants.roles.user_roles). An affiliation granted later applies from the next request.
    cache = user.__dict__.setdefault("_act_for_cache", {})
    if municipality.pk not in cache:
        cache[municipality.pk] = user.has_perm(ACT_FOR_MUNICIPALITY, municipality)
    if cache[municipality.pk]:
        return True, ""
    return False, _("Sie handeln nicht für diese Kommune.")


def address_can_edit(*, user, municipality: Municipality) -> tuple[bool, str]:
    """The municipality keeps its address; the office may correct it (a returned letter)."""
    held = user_roles(user)
    if held & {Role.CLERK, Role.APPROVER, Role.ADMIN}:
        return True, ""
    if Role.CONTROLLER in held:
        return False, _("Das Controlling liest Stammdaten, es ändert sie nicht.")
    allowed, reason = can_act_for(user=user, municipality=municipality)
    if not allowed:
        return allowed, reason
    # The main contact keeps the address; while a municipality has none, any colleague may.
    contacts = Affiliation.objects.filter(municipality=municipality, is_main_contact=True)
    if contacts.exists() and not contacts.filter(user=user).exists():
        return False, _("Die Anschrift pflegt die Hauptansprechperson Ihrer Kommune.")
    return True, ""


def municipality_for_user_or_404(*, user, ags: str) -> Municipality:
    """A foreign municipality is answered like one that does not exist (404), not 403,
    so nobody learns which files exist elsewhere."""
    try:
        municipality = Municipality.objects.select_related("land", "kreis").get(ags=ags)
    except Municipality.DoesNotExist:
        raise Http404 from None
    allowed, _reason = can_act_for(user=user, municipality=municipality)
    if not allowed:
        raise Http404
    return municipality


def role_required(*roles: Role, write: tuple[Role, ...] | None = None):
    """Refuse a view with 403 unless the user holds one of ``roles``.

    With ``write``, a page that some roles may only read: a POST needs one of ``write``.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            held = user_roles(request.user)
            if not held & set(roles):
                raise PermissionDenied(_("Diese Seite ist Ihrer Rolle nicht zugänglich."))
            if write is not None and request.method not in ("GET", "HEAD") and not held & set(write):
                raise PermissionDenied(_("Diese Seite können Sie nur lesen."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
