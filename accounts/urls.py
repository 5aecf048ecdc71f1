"""Accounts under /konto/: allauth's views on German paths, with allauth's URL names.

The names ``login``, ``logout``, ``password_change`` and ``password_reset`` from the time
before allauth stay as aliases of the same pages (same paths), so links and bookmarks hold.
Social logins, login by code and phone numbers are off, so their views are not mounted.
"""

from allauth.account import views as account
from django.urls import include, path, re_path

from accounts import views

urlpatterns = [
    path("anmelden/", views.login, name="account_login"),
    path("anmelden/", views.login, name="login"),
    path("abmelden/", account.logout, name="account_logout"),
    path("abmelden/", account.logout, name="logout"),
    path("inaktiv/", account.account_inactive, name="account_inactive"),
    path("registrieren/", account.signup, name="account_signup"),
    path("profil/", views.profile, name="profile"),
    path("bestaetigen/", account.reauthenticate, name="account_reauthenticate"),
    path("bestaetigen/code/", account.request_reauthentication_code, name="account_request_reauthentication_code"),
    path(
        "bestaetigen/code/pruefen/",
        account.confirm_reauthentication_code,
        name="account_confirm_reauthentication_code",
    ),
    path("e-mail/", account.email, name="account_email"),
    path("e-mail/bestaetigung/", account.email_verification_sent, name="account_email_verification_sent"),
    re_path(r"^e-mail/bestaetigung/(?P<key>[-:\w]+)/$", account.confirm_email, name="account_confirm_email"),
    path("passwort/aendern/", account.password_change, name="account_change_password"),
    path("passwort/aendern/", account.password_change, name="password_change"),
    path("passwort/setzen/", account.password_set, name="account_set_password"),
    path("passwort/vergessen/", account.password_reset, name="account_reset_password"),
    path("passwort/vergessen/", account.password_reset, name="password_reset"),
    path("passwort/vergessen/gesendet/", account.password_reset_done, name="account_reset_password_done"),
    re_path(
        r"^passwort/neu/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path("passwort/neu/fertig/", account.password_reset_from_key_done, name="account_reset_password_from_key_done"),
    path("zwei-faktor/", include("allauth.mfa.urls")),
]
