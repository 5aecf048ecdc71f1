"""Registration, confirmation, login, profile, language and the second factor."""

from __future__ import annotations

import re

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import UserProfile
from accounts.selectors import user_language
from grants.models import AffiliationRequest
from grants.roles import OFFICE_READERS
from tests.accounts.conftest import totp_code
from tests.conftest import PASSWORD

NEW_PASSWORD = "Lange-Sichere-Phrase-2026"
SIGNUP = {
    "first_name": "Berta",
    "last_name": "Bauamt",
    "email": "berta.bauamt@gardelegen.example",
    "function": "Sachbearbeitung Bauamt",
    "municipality_query": "Gardelegen",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
    "privacy_consent": "on",
}


def confirmation_link(message) -> str:
    link = re.search(r"https?://\S+/konto/e-mail/bestaetigung/\S+/", message.body).group(0)
    return link[link.index("/konto/") :]


def test_the_role_names_agree_with_grants():
    assert set(settings.MFA_REQUIRED_ROLES) == {str(role) for role in OFFICE_READERS}


def test_signup_page_is_german(client):
    content = client.get(reverse("account_signup")).content.decode()
    assert "Registrieren" in content
    assert "Dienstliche E-Mail-Adresse" in content
    assert 'href="/datenschutz/"' in content


def test_signup_refuses_with_german_errors_and_keeps_the_input(client):
    data = {**SIGNUP, "password2": "anders", "privacy_consent": ""}
    response = client.post(reverse("account_signup"), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Bitte stimmen Sie den Datenschutzhinweisen zu" in content
    assert "Bitte geben Sie zweimal dasselbe Passwort ein." in content
    assert 'value="Sachbearbeitung Bauamt"' in content
    assert 'value="berta.bauamt@gardelegen.example"' in content
    assert not get_user_model().objects.filter(email=SIGNUP["email"]).exists()


def test_signup_refuses_control_characters(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "function": "Bau\x07amt"})
    assert "Bitte verwenden Sie nur druckbare Zeichen." in response.content.decode()


def test_signup_confirm_and_login(client, gardelegen):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email=SIGNUP["email"])
    assert (user.first_name, user.last_name) == ("Berta", "Bauamt")
    assert not user.groups.exists()  # the applicant role comes with a confirmed affiliation
    profile = user.profile
    assert profile.function == "Sachbearbeitung Bauamt"
    assert profile.privacy_consent_version == 1
    assert profile.privacy_consent_at is not None

    # The German confirmation mail.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [SIGNUP["email"]]
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in message.subject
    assert "Mikroförderung" in message.subject
    assert "Guten Tag," in message.body
    assert "Mikroförderung" in message.body

    # Before confirming, the login is refused (the page says to confirm first).
    response = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = confirmation_link(message)
    page = client.get(link)
    assert page.status_code == 200
    assert "bestätigen" in page.content.decode().lower()
    assert not AffiliationRequest.objects.exists()  # nobody hears of an unconfirmed address
    response = client.post(link)
    assert response.status_code == 302
    # Confirmed: the municipality named at registration has the request.
    request = AffiliationRequest.objects.get(user=user)
    assert (request.municipality, request.function) == (gardelegen, "Sachbearbeitung Bauamt")

    response = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("home"))["Location"] == reverse("affiliation_request")


def test_persona_logs_in_with_user_name_and_with_email(client, applicant):
    response = client.post(reverse("account_login"), {"login": "antrag", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    client.logout()
    response = client.post(reverse("account_login"), {"login": "antrag@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_profile_edit(client_for, applicant):
    client = client_for(applicant)
    response = client.post(
        reverse("profile"), {"first_name": " Anja ", "last_name": "Antrag", "function": "Kämmerei", "language": "en"}
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.first_name == "Anja"
    profile = UserProfile.objects.get(user=applicant)
    assert (profile.function, profile.language) == ("Kämmerei", "en")
    assert user_language(applicant) == "en"


def test_profile_refuses_bad_input_in_german_and_keeps_it(client_for, applicant):
    client = client_for(applicant)
    response = client.post(
        reverse("profile"), {"first_name": "", "last_name": "Antrag", "function": "X" * 201, "language": "xx"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in content
    assert 'value="Antrag"' in content
    assert not UserProfile.objects.filter(user=applicant).exists()


def test_stored_language_is_applied_and_the_switch_stores_it(client_for, applicant):
    client = client_for(applicant)
    assert user_language(applicant) == "de"
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert user_language(applicant) == "en"
    # Without the cookie (another device) the stored choice still holds.
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    response = client.get(reverse("profile"))
    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in response.content.decode()


def test_anonymous_language_switch_still_uses_the_cookie(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en"' in client.get(reverse("account_login")).content.decode()


def test_demo_note_on_the_login_page(client, db, settings):
    settings.MFA_REQUIRED = False
    settings.DEBUG = True
    assert "Demo: Zwei-Faktor-Anmeldung ist ausgeschaltet" in client.get(reverse("account_login")).content.decode()
    settings.DEBUG = False
    assert "Demo: Zwei-Faktor" not in client.get(reverse("account_login")).content.decode()


def test_a_clerk_without_totp_is_sent_to_set_it_up(client, clerk, mfa_on):
    response = client.post(reverse("account_login"), {"login": "sachbearbeitung", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("office_queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Setting up the app asks for the password once more (allauth's reauthentication).
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert page.status_code == 200
    # Logging out is allowed.
    assert client.post(reverse("account_logout")).status_code == 302


def test_activating_totp_opens_the_office_pages(client, clerk, mfa_on):
    client.post(reverse("account_login"), {"login": "sachbearbeitung", "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=clerk, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("office_queue")).status_code == 200


def test_an_applicant_is_not_forced(client_for, applicant, mfa_on):
    assert client_for(applicant).get(reverse("applicant_home")).status_code == 200


def test_totp_login(client, clerk, clerk_with_totp, mfa_on):
    secret, _codes = clerk_with_totp
    response = client.post(reverse("account_login"), {"login": "sachbearbeitung", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(
        reverse("mfa_authenticate"), {"code": "000000" if totp_code(secret) != "000000" else "111111"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == clerk.pk
    assert client.get(reverse("office_queue")).status_code == 200


def test_a_recovery_code_works_once(client, clerk, clerk_with_totp, mfa_on):
    _secret, codes = clerk_with_totp
    client.post(reverse("account_login"), {"login": "sachbearbeitung", "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == clerk.pk
    client.logout()
    client.post(reverse("account_login"), {"login": "sachbearbeitung", "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_lockout_counts_email_and_name_logins(client, applicant, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(reverse("account_login"), {"login": "ANTRAG@example.org", "password": "falsch"})
    assert response.status_code == 429
    response = client.post(reverse("account_login"), {"login": "antrag@example.org", "password": PASSWORD})
    assert response.status_code == 429
