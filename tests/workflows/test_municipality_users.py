"""The pages of acting for a municipality: asking, confirming, inviting, the office's users."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.changes import change_history
from grants import affiliations as services
from grants.models import Affiliation, AffiliationRequest, MembershipStatus
from grants.services import affiliation_create
from tests.factories import user_with_roles

pytestmark = pytest.mark.django_db


def person(username: str, **extra):
    return user_with_roles(username, **extra)


@pytest.fixture
def main_contact(gardelegen, applicant):
    Affiliation.objects.filter(user=applicant, municipality=gardelegen).update(is_main_contact=True)
    return applicant


def test_a_person_without_role_is_led_to_ask(client):
    client.force_login(person("neu"))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("affiliation_request")


def test_search_and_ask_to_act_for_a_municipality(client, gardelegen, bindlach, django_capture_on_commit_callbacks):
    user = person("neu", first_name="Nora", last_name="Neu")
    client.force_login(user)
    page = client.get(reverse("affiliation_request"), {"q": "39638"}).content.decode()
    assert "Gardelegen, Hansestadt" in page
    assert "Bindlach" not in page
    assert "noch nicht Mitglied" in page
    by_ags = client.get(reverse("affiliation_request"), {"q": "0947"}).content.decode()
    assert "Bindlach" in by_ags

    # Without a function: a German message, the choice kept.
    response = client.post(
        reverse("affiliation_request"), {"q": "garde", "municipality": gardelegen.ags, "function": ""}
    )
    assert response.status_code == 200
    assert "Bitte nennen Sie Ihre Funktion" in response.content.decode()
    assert 'value="15081135" id="municipality-15081135" checked' in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("affiliation_request"),
            {"q": "garde", "municipality": gardelegen.ags, "function": "Bürgermeisterin", "join_network": "on"},
        )
    assert response.status_code == 302
    request = AffiliationRequest.objects.get(user=user)
    assert (request.function, request.join_network, request.status) == ("Bürgermeisterin", True, "requested")
    assert MembershipStatus.objects.get(municipality=gardelegen).status == "applied"
    assert len(mail.outbox) == 1
    page = client.get(reverse("affiliation_request")).content.decode()
    assert "angefragt" in page and "zurückziehen" in page

    client.post(reverse("affiliation_request"), {"action": "withdraw", "request": request.pk})
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_an_unknown_municipality_is_a_message(client, gardelegen):
    client.force_login(person("neu"))
    response = client.post(reverse("affiliation_request"), {"municipality": "99999999", "function": "x"})
    assert response.status_code == 200
    assert "Trefferliste" in response.content.decode()


def test_someone_elses_request_cannot_be_withdrawn(client, gardelegen):
    other = services.affiliation_request_create(user=person("anders"), municipality=gardelegen, function="x")
    client.force_login(person("neu"))
    response = client.post(reverse("affiliation_request"), {"action": "withdraw", "request": other.pk})
    assert response.status_code == 404


def test_the_main_contact_confirms_invites_and_removes(
    client, gardelegen, main_contact, django_capture_on_commit_callbacks
):
    newcomer = person("neu", first_name="Nora", last_name="Neu")
    pending = services.affiliation_request_create(user=newcomer, municipality=gardelegen, function="Kämmerin")
    client.force_login(main_contact)
    url = reverse("municipality_detail", kwargs={"ags": gardelegen.ags})
    page = client.get(url).content.decode()
    assert "Nora Neu bestätigen" in page
    assert "Einladung senden" in page

    action = reverse("municipality_users_action", kwargs={"ags": gardelegen.ags})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, {"action": "confirm", "request": pending.pk})
    assert response.status_code == 302
    assert Affiliation.objects.filter(user=newcomer, municipality=gardelegen).exists()
    assert {message.to[0] for message in mail.outbox} == {"neu@example.org", "antrag@example.org"}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, {"action": "invite", "email": "kollegin@example.org"})
    (invitation_mail,) = mail.outbox
    token = re.search(r"/einladung/([^/]+)/", invitation_mail.body).group(1)
    page = client.get(url).content.decode()
    assert "kollegin@example.org" in page
    response = client.post(action, {"action": "invite", "email": "kein-at"}, follow=True)
    assert "gültige E-Mail-Adresse" in response.content.decode()

    client.post(action, {"action": "end", "user": newcomer.pk})
    assert not Affiliation.objects.filter(user=newcomer).exists()

    invitee = person("kollegin")
    client.force_login(invitee)
    accept = reverse("invitation_accept", kwargs={"token": token})
    assert "Einladung annehmen" in client.get(accept).content.decode()
    response = client.post(accept)
    assert response.status_code == 302
    assert Affiliation.objects.filter(user=invitee, municipality=gardelegen).exists()
    again = client.get(accept).content.decode()
    assert "nur einmal" in again


def test_a_plain_colleague_may_not_confirm(client, gardelegen, applicant):
    pending = services.affiliation_request_create(user=person("neu"), municipality=gardelegen, function="x")
    client.force_login(applicant)  # acts for Gardelegen, but is no main contact
    page = client.get(reverse("municipality_detail", kwargs={"ags": gardelegen.ags})).content.decode()
    assert "bestätigen" not in page
    response = client.post(
        reverse("municipality_users_action", kwargs={"ags": gardelegen.ags}),
        {"action": "confirm", "request": pending.pk},
        follow=True,
    )
    assert "Hauptansprechperson der Kommune oder die Geschäftsstelle" in response.content.decode()
    assert AffiliationRequest.objects.get(pk=pending.pk).status == "requested"


def test_the_main_contact_deactivates_a_colleague(client, gardelegen, main_contact):
    colleague = person("kollege")
    affiliation_create(user=colleague, municipality=gardelegen)
    client.force_login(main_contact)
    action = reverse("municipality_users_action", kwargs={"ags": gardelegen.ags})
    response = client.post(action, {"action": "deactivate", "user": colleague.pk, "reason": ""}, follow=True)
    assert "Grund für die Deaktivierung" in response.content.decode()
    client.post(action, {"action": "deactivate", "user": colleague.pk, "reason": "ausgeschieden"})
    colleague.refresh_from_db()
    assert not colleague.is_active
    # Someone who does not act for the municipality is not found there.
    stranger = person("fremd")
    assert client.post(action, {"action": "deactivate", "user": stranger.pk, "reason": "x"}).status_code == 404


def test_an_anonymous_invitee_is_sent_to_the_login(client):
    response = client.get(reverse("invitation_accept", kwargs={"token": "abc"}))
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/?next=/einladung/abc/")


def test_the_office_users_page_searches_and_shows(client, clerk, applicant, gardelegen):
    client.force_login(clerk)
    page = client.get(reverse("office_users"), {"q": "Gardelegen"}).content.decode()
    assert "Anja Antrag" in page
    assert "sachbearbeitung@example.org" not in page
    page = client.get(reverse("office_users"), {"q": "sachbearbeitung"}).content.decode()
    assert "Sachbearbeitung" in page


def test_the_office_deactivates_and_the_administration_assigns_roles(client, clerk, admin_user, applicant):
    detail = reverse("office_user_detail", kwargs={"pk": applicant.pk})
    client.force_login(clerk)
    assert "Rollen speichern" not in client.get(detail).content.decode()
    response = client.post(detail, {"action": "roles", "roles": ["approver"]}, follow=True)
    assert "nur die Administration" in response.content.decode()
    client.post(detail, {"action": "deactivate", "reason": "Test"})
    applicant.refresh_from_db()
    assert not applicant.is_active
    client.post(detail, {"action": "reactivate"})
    applicant.refresh_from_db()
    assert applicant.is_active

    client.force_login(admin_user)
    client.post(detail, {"action": "roles", "roles": ["approver"]})
    assert applicant.groups.filter(name="approver").exists()
    assert applicant.groups.filter(name="applicant").exists()  # the applicant role follows the affiliation
    assert [record.action for record in change_history(subject=applicant)] == [
        "auth.user.deactivated",
        "auth.user.reactivated",
        "auth.user.roles_set",
    ]


def test_a_controller_reads_but_does_not_write(client, controller, applicant):
    client.force_login(controller)
    detail = reverse("office_user_detail", kwargs={"pk": applicant.pk})
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"action": "deactivate", "reason": "x"}).status_code == 403
    assert client.post(reverse("office_requests"), {"action": "activate", "municipality": 1}).status_code == 403


def test_the_office_confirms_requests_and_activates_memberships(
    client, clerk, gardelegen, django_capture_on_commit_callbacks
):
    newcomer = person("neu", first_name="Nora", last_name="Neu")
    pending = services.affiliation_request_create(
        user=newcomer, municipality=gardelegen, function="x", join_network=True
    )
    client.force_login(clerk)
    page = client.get(reverse("office_requests")).content.decode()
    assert "Nora Neu bestätigen" in page
    assert "Gardelegen, Hansestadt als Mitglied aufnehmen" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("office_requests"), {"action": "confirm", "request": pending.pk})
    assert Affiliation.objects.get(user=newcomer).is_main_contact
    client.post(reverse("office_requests"), {"action": "activate", "municipality": gardelegen.pk})
    assert MembershipStatus.objects.filter(municipality=gardelegen).order_by("-since").first().status == "active"
    response = client.post(reverse("office_requests"), {"action": "decline", "request": "nonsense"})
    assert response.status_code == 404
