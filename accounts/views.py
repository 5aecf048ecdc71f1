"""Profile page, the language switch that remembers, and allauth's login with a demo hint."""

from __future__ import annotations

from allauth.account.views import LoginView as AllauthLoginView
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts.forms import ProfileForm, profile_initial
from accounts.middleware import profile_language_remember
from accounts.selectors import profile_of, user_gets_staff_notifications
from accounts.services import profile_language_set


class LoginView(AllauthLoginView):
    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        # The demo (DEBUG on) runs without the second factor; the login page says so.
        context["mfa_demo_note"] = settings.DEBUG and not settings.MFA_REQUIRED
        return context


login = LoginView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    current = profile_of(request.user)
    staff = user_gets_staff_notifications(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, staff=staff)
        if form.is_valid():
            saved = form.save(user=request.user)
            translation.activate(saved.language)
            profile_language_remember(request, saved.language)
            messages.success(request, _("Ihr Profil ist gespeichert."))
            response = redirect("profile")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, saved.language, samesite="Lax")
            return response
    else:
        form = ProfileForm(initial=profile_initial(request.user, current), staff=staff)
    context = {
        "form": form,
        "profile": current,
        "staff": staff,
        "has_totp": Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists(),
    }
    return render(request, "accounts/profile.html", context)


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie and redirect); a logged-in user's choice is also
    stored in the profile, so it holds on every device and for e-mails."""
    response = set_language(request)
    if request.user.is_authenticated:
        language = request.POST.get("language", "")
        profile_language_set(user=request.user, language=language)
        if language in dict(settings.LANGUAGES):
            profile_language_remember(request, language)
    return response
