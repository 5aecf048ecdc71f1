"""The office's choice on the profile page: how to hear about tasks, answers and
decisions waiting. Only office staff see it; a municipality's user never does."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.models import UserProfile
from grants.roles import OFFICE_WORKERS

CHOICE = "E-Mails über Aufgaben, Antworten und offene Entscheidungen"
PROFILE = {"first_name": "Sina", "last_name": "Sachbearbeitung", "function": "", "language": "de"}


def test_the_role_names_agree_with_grants():
    assert set(settings.STAFF_NOTIFICATION_ROLES) == {str(role) for role in OFFICE_WORKERS}


def test_a_clerk_sees_the_choice_with_immediately_preselected(client_for, clerk):
    content = client_for(clerk).get(reverse("profile")).content.decode()
    assert CHOICE in content
    assert "sofort, eine E-Mail je Ereignis" in content
    assert "einmal täglich als Sammel-E-Mail" in content
    assert "keine E-Mails" in content
    assert 'value="immediate" id="id_staff_notifications_0" required checked>' in content
    assert 'value="digest" id="id_staff_notifications_1" required>' in content


def test_a_clerk_chooses_the_digest(client_for, clerk):
    response = client_for(clerk).post(reverse("profile"), {**PROFILE, "staff_notifications": "digest"})
    assert response.status_code == 302
    assert UserProfile.objects.get(user=clerk).staff_notifications == UserProfile.StaffNotifications.DIGEST


def test_an_approver_turns_them_off_and_reads_it_in_english(client_for, approver):
    client = client_for(approver)
    response = client.post(reverse("profile"), {**PROFILE, "language": "en", "staff_notifications": "off"})
    assert response.status_code == 302
    assert UserProfile.objects.get(user=approver).staff_notifications == UserProfile.StaffNotifications.OFF
    content = client.get(reverse("profile")).content.decode()
    assert "Emails about tasks, answers and decisions waiting" in content
    assert "You are never notified of your own steps." in content


def test_a_choice_outside_the_three_is_refused_in_german(client_for, clerk):
    response = client_for(clerk).post(reverse("profile"), {**PROFILE, "staff_notifications": "stündlich"})
    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen. stündlich ist keine gültige Auswahl." in response.content.decode()
    assert not UserProfile.objects.filter(user=clerk).exists()


def test_a_municipality_user_never_sees_or_sets_it(client_for, applicant):
    client = client_for(applicant)
    assert CHOICE not in client.get(reverse("profile")).content.decode()
    response = client.post(reverse("profile"), {**PROFILE, "staff_notifications": "off"})
    assert response.status_code == 302
    assert UserProfile.objects.get(user=applicant).staff_notifications == UserProfile.StaffNotifications.IMMEDIATE
