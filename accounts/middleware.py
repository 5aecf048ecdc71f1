"""The stored language of a logged-in user, and the second factor for office roles.

core.middleware.ChosenLanguageMiddleware runs before authentication (and core knows no
accounts), so it picks the cookie; this one runs after AuthenticationMiddleware and puts
the language stored in the profile on top for logged-in users.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from accounts.models import UserProfile

# The stored language is kept in the session (read for the login anyway), so that a page
# costs no query for it; the profile page and the language switch refresh it.
SESSION_LANGUAGE = "profile_language"


def profile_language_cached(request) -> str:
    if SESSION_LANGUAGE not in request.session:
        language = UserProfile.objects.filter(user_id=request.user.pk).values_list("language", flat=True).first()
        request.session[SESSION_LANGUAGE] = language or ""
    return request.session[SESSION_LANGUAGE]


def profile_language_remember(request, language: str) -> None:
    request.session[SESSION_LANGUAGE] = language


class ProfileLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = profile_language_cached(request)
            if language in dict(settings.LANGUAGES):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers["Content-Language"] = translation.get_language()
        return response


# Pages an office user without a second factor may still open: setting it up, logging
# out, the language switch and files.
ALLOWED_WITHOUT_MFA = ("account_logout", "account_reauthenticate", "set_language", "logout")


def mfa_missing(user) -> bool:
    """An office role (or superuser) without an authenticator app, while MFA is required."""
    if not settings.MFA_REQUIRED or not user.is_authenticated:
        return False
    office = user.is_superuser or user.groups.filter(name__in=settings.MFA_REQUIRED_ROLES).exists()
    return office and not Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._blocked(request):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _blocked(self, request) -> bool:
        if not settings.MFA_REQUIRED:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        path = request.path_info
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")) or path.startswith(reverse("mfa_index")):
            return False
        if path in {reverse(name) for name in ALLOWED_WITHOUT_MFA}:
            return False
        return mfa_missing(user)
