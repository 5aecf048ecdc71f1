"""Random and hostile input posted to the account forms (registration, login, profile,
password change), as in ``tests/test_fuzz_forms.py``: never a 500, a German page, and a
refused form changes no account, profile, address or domain row."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from accounts.models import UserProfile
from tests.factories import PASSWORD
from tests.test_fuzz_forms import any_text, fuzz, logged_in, payload, rolled_back
from tests.test_permissions import diff, snapshot

STRONG = "Lindenblatt-Rathaus-2026"
SIGNUP_FIELDS = {
    "first_name": st.sampled_from(["Nora", "Ünal", "  ", "x" * 151]),
    "last_name": st.sampled_from(["Neu", "O'Brien", "Müller-Lüdenscheidt"]),
    "email": st.sampled_from(["nora.neu@gardelegen.example", "antrag@example.org", "kein-at", "a@b", "ä@ö.de"]),
    "function": st.sampled_from(["Bürgermeisterin", "Sachbearbeitung Demografie", "x" * 201]),
    "municipality_query": st.sampled_from(["Gardelegen", "39638", "Gardelegen (15081135)", "1508", "Atlantis", "g"]),
    "municipality": st.sampled_from(["", "15081135", "99999999", "x"]),
    "join_network": st.sampled_from(["on", ""]),
    "password1": st.sampled_from([STRONG, "kurz", "12345678", "passwort"]),
    "password2": st.sampled_from([STRONG, "anders"]),
    "privacy_consent": st.sampled_from(["on", "", "0"]),
}
LOGIN_FIELDS = {
    "login": st.sampled_from(["antrag", "antrag@example.org", "ANTRAG@EXAMPLE.ORG", "niemand", ""]),
    "password": st.sampled_from([PASSWORD, "falsch", ""]),
}
PROFILE_FIELDS = {
    "first_name": st.sampled_from(["Anna", " ", "x" * 151]),
    "last_name": st.sampled_from(["Antrag", "Ünal"]),
    "function": st.sampled_from(["", "Kämmerer", "x" * 201]),
    "language": st.sampled_from(["de", "en", "fr", ""]),
}
STAFF_PROFILE_FIELDS = {
    **PROFILE_FIELDS,
    "staff_notifications": st.sampled_from(["immediate", "digest", "off", "", "sofort", "DIGEST", "digest\x00"]),
}
PASSWORD_FIELDS = {
    "oldpassword": st.sampled_from([PASSWORD, "falsch"]),
    "password1": st.sampled_from([STRONG, "kurz"]),
    "password2": st.sampled_from([STRONG, "anders"]),
}
ACCOUNT_TABLES = {"auth.User", "accounts.UserProfile", "account.EmailAddress"}


def accounts_snapshot() -> dict:
    state = snapshot()
    state["auth.User"] = list(get_user_model().objects.order_by("pk").values_list())
    state["accounts.UserProfile"] = list(UserProfile.objects.order_by("pk").values_list())
    state["account.EmailAddress"] = list(EmailAddress.objects.order_by("pk").values_list())
    return state


def changed_tables(before: dict) -> set[str]:
    changed = set(diff(before, accounts_snapshot()))
    event(f"changed={sorted(changed)}")
    return changed


@pytest.fixture
def no_rate_limits(settings):
    # Many examples from one address in a minute: allauth's own limits would answer
    # 429 after a few, which would hide the form's behaviour.
    settings.ACCOUNT_RATE_LIMITS = False


def german_page(response) -> None:
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert '<html lang="de"' in response.content.decode()


@fuzz
@given(data=payload(SIGNUP_FIELDS))
@example(data={"first_name": "Nora\x00", "last_name": "Neu", "email": "antrag@example.org", "privacy_consent": "on"})
@example(
    data={
        "first_name": "Nora",
        "last_name": "Neu",
        "email": "nora.neu@gardelegen.example",
        "function": "Bürgermeisterin",
        "municipality_query": "Gardelegen",
        "password1": STRONG,
        "password2": STRONG,
        "privacy_consent": "on",
    }
)
def test_registration(client, applicant, no_rate_limits, data):
    with rolled_back():
        before = accounts_snapshot()
        response = client.post(reverse("account_signup"), data)
        german_page(response)
        changed = changed_tables(before)
        if response.status_code == 200:
            # Refused: nothing is kept, and what was typed (but the passwords) is shown again.
            assert changed == set(), changed
        else:
            assert changed <= ACCOUNT_TABLES | {"core.ChangeRecord"}, changed
            assert get_user_model().objects.filter(email__iexact=data["email"]).count() == 1


@fuzz
@given(data=payload(LOGIN_FIELDS))
@example(data={"login": "antrag\x00", "password": PASSWORD})
def test_login(client, applicant, no_rate_limits, data):
    with rolled_back():
        before = accounts_snapshot()
        response = client.post(reverse("account_login"), data)
        # django-axes answers 429 once an address has failed too often.
        assert response.status_code in (200, 302, 429), response.status_code
        assert changed_tables(before) <= {"auth.User"}  # last_login on success


@fuzz
@given(data=payload(PROFILE_FIELDS))
@example(data={"first_name": "Anna\u202e", "last_name": "Antrag", "language": "en"})
def test_profile(applicant, data):
    client = logged_in(applicant)  # force_login sets last_login
    with rolled_back():
        before = accounts_snapshot()
        response = client.post(reverse("profile"), data)
        assert response.status_code in (200, 302), response.status_code
        changed = changed_tables(before)
        if response.status_code == 200:
            assert changed == set(), changed
        else:
            assert changed <= {"auth.User", "accounts.UserProfile"}, changed


@fuzz
@given(data=payload(STAFF_PROFILE_FIELDS))
@example(data={"first_name": "Sina", "last_name": "Sachbearbeitung", "language": "de", "staff_notifications": "nie"})
@example(data={"first_name": "Sina", "last_name": "Sachbearbeitung", "language": "de", "staff_notifications": "off"})
def test_profile_staff_notifications(clerk, data):
    """The office's choice of notifications: only one of the three is stored; anything
    else is refused next to the field, with what was typed kept."""
    client = logged_in(clerk)
    with rolled_back():
        before = accounts_snapshot()
        response = client.post(reverse("profile"), data)
        assert response.status_code in (200, 302), response.status_code
        changed = changed_tables(before)
        if response.status_code == 200:
            assert changed == set(), changed
            german_page(response)
            assert "<title>Fehler:" in response.content.decode()
        else:
            assert changed <= {"auth.User", "accounts.UserProfile"}, changed
            stored = UserProfile.objects.get(user=clerk).staff_notifications
            assert stored == data["staff_notifications"]


@fuzz
@given(data=payload(PASSWORD_FIELDS))
def test_password_change(applicant, no_rate_limits, data):
    client = logged_in(applicant)
    with rolled_back():
        before = accounts_snapshot()
        response = client.post(reverse("account_change_password"), data)
        german_page(response)
        changed = changed_tables(before)
        if response.status_code == 200:
            assert changed == set(), changed
        else:
            assert changed <= {"auth.User"}, changed


@fuzz
@given(query=any_text)
@example(query="Gardelegen (15081135)")
def test_municipality_suggestions(client, gardelegen, query):
    response = client.get(reverse("municipality_lookup"), {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)
