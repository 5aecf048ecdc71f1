"""Requests to act for a municipality, the main contact, invitations, ending and deactivating."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.services import account_email_trust
from core.changes import change_history
from grants import affiliations as services
from grants.errors import GrantsError
from grants.models import Affiliation, AffiliationRequest, Application, Invitation, MembershipStatus
from grants.permissions import can_act_for
from grants.roles import Role, user_roles
from tests.clock import NOW, TODAY
from tests.factories import PASSWORD, user_with_roles

pytestmark = pytest.mark.django_db


def person(username: str, **extra):
    return user_with_roles(username, **extra)


def just_now(moment) -> bool:
    # The frozen clock ticks on from NOW.
    return NOW <= moment < NOW + datetime.timedelta(minutes=1)


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def main_contact(gardelegen):
    """The first confirmed person of Gardelegen, confirmed by the office."""
    return person("haupt", first_name="Hanna", last_name="Haupt")


@pytest.fixture
def gardelegen_with_main_contact(gardelegen, main_contact, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.affiliation_request_create(user=main_contact, municipality=gardelegen, function="Kämmerin")
        services.affiliation_request_decide(request=request, actor=clerk, confirm=True)
    mail.outbox.clear()
    return gardelegen


def test_the_first_confirmed_person_becomes_main_contact_and_applicant(
    gardelegen, main_contact, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.affiliation_request_create(user=main_contact, municipality=gardelegen, function="Kämmerin")
    # No main contact yet: the office hears of it.
    assert [message.to for message in mail.outbox] == [["Mikroförderung <noreply@localhost>"]]
    assert "Hanna Haupt" in mail.outbox[0].subject
    assert "Kämmerin" in mail.outbox[0].body
    assert "/verwaltung/anfragen/" in mail.outbox[0].body
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_request_decide(request=request, actor=clerk, confirm=True)
    affiliation = Affiliation.objects.get(user=main_contact, municipality=gardelegen)
    assert affiliation.is_main_contact
    assert Role.APPLICANT in user_roles(fresh(main_contact))
    assert can_act_for(user=fresh(main_contact), municipality=gardelegen)[0]
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("confirmed", clerk)
    assert just_now(request.decided_at)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"haupt@example.org", "sachbearbeitung@example.org"}
    assert "bestätigt" in by_recipient["haupt@example.org"].subject
    assert "Hauptansprechperson" in by_recipient["haupt@example.org"].body
    assert "Sie haben die Anfrage von Hanna Haupt" in by_recipient["sachbearbeitung@example.org"].subject
    actions = [record.action for record in change_history(subject=request)]
    assert actions == ["grants.affiliation_request.created", "grants.affiliation_request.confirmed"]
    assert [record.action for record in change_history(subject=affiliation)] == ["grants.affiliation.created"]


def test_the_main_contact_hears_of_a_request_and_confirms_it(
    gardelegen_with_main_contact, main_contact, django_capture_on_commit_callbacks
):
    colleague = person("kollege")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.affiliation_request_create(
            user=colleague, municipality=gardelegen_with_main_contact, function="Demografiebeauftragter"
        )
    assert [message.to for message in mail.outbox] == [["haupt@example.org"]]
    assert "/kommune/15081135/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_request_decide(request=request, actor=main_contact, confirm=True)
    affiliation = Affiliation.objects.get(user=colleague)
    assert not affiliation.is_main_contact  # the first one stays main contact


def test_declining_needs_a_reason_and_says_it(
    gardelegen_with_main_contact, main_contact, django_capture_on_commit_callbacks
):
    colleague = person("kollege")
    request = services.affiliation_request_create(
        user=colleague, municipality=gardelegen_with_main_contact, function="x"
    )
    with pytest.raises(GrantsError, match="begründen"):
        services.affiliation_request_decide(request=request, actor=main_contact, confirm=False, reason="  ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_request_decide(
            request=request, actor=main_contact, confirm=False, reason="Nicht in unserer Verwaltung."
        )
    request.refresh_from_db()
    assert request.status == "declined"
    assert not Affiliation.objects.filter(user=colleague).exists()
    to_requester = next(message for message in mail.outbox if message.to == ["kollege@example.org"])
    assert "abgelehnt" in to_requester.subject
    assert "Nicht in unserer Verwaltung." in to_requester.body
    with pytest.raises(GrantsError, match="bereits entschieden"):
        services.affiliation_request_decide(request=request, actor=main_contact, confirm=True)


def test_who_may_decide(gardelegen_with_main_contact, applicant, foreign_applicant, controller, approver):
    """Not a plain colleague, not another municipality's applicant, not the controller; the approver may."""
    request = services.affiliation_request_create(
        user=person("kollege"), municipality=gardelegen_with_main_contact, function="x"
    )
    for actor in (applicant, foreign_applicant, controller):
        with pytest.raises(GrantsError, match="Hauptansprechperson der Kommune oder die Geschäftsstelle"):
            services.affiliation_request_decide(request=request, actor=actor, confirm=True)
    services.affiliation_request_decide(request=request, actor=approver, confirm=True)


def test_one_open_request_per_person_and_municipality(gardelegen):
    user = person("kollege")
    services.affiliation_request_create(user=user, municipality=gardelegen, function="x")
    with pytest.raises(GrantsError, match="liegt bereits vor"):
        services.affiliation_request_create(user=user, municipality=gardelegen, function="x")
    with pytest.raises(GrantsError, match="Funktion"):
        services.affiliation_request_create(user=person("leer"), municipality=gardelegen, function="   ")


def test_the_database_refuses_a_second_open_request(gardelegen):
    user = person("kollege")
    AffiliationRequest.objects.create(user=user, municipality=gardelegen, function="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationRequest.objects.create(user=user, municipality=gardelegen, function="y")
    # A withdrawn one does not count.
    AffiliationRequest.objects.filter(user=user).update(status="withdrawn")
    AffiliationRequest.objects.create(user=user, municipality=gardelegen, function="y")


def test_the_database_refuses_a_second_main_contact(gardelegen_with_main_contact, applicant):
    with pytest.raises(IntegrityError), transaction.atomic():
        Affiliation.objects.filter(user=applicant).update(is_main_contact=True)


def test_withdraw_only_ones_own_open_request(gardelegen):
    user = person("kollege")
    request = services.affiliation_request_create(user=user, municipality=gardelegen, function="x")
    with pytest.raises(GrantsError, match="nicht Ihre"):
        services.affiliation_request_withdraw(request=request, user=person("fremd"))
    services.affiliation_request_withdraw(request=request, user=user)
    assert AffiliationRequest.objects.get(pk=request.pk).status == "withdrawn"
    with pytest.raises(GrantsError, match="bereits entschieden"):
        services.affiliation_request_withdraw(request=request, user=user)


def test_joining_the_network_records_applied_from_today(gardelegen, clerk, controller):
    user = person("kollege")
    services.affiliation_request_create(user=user, municipality=gardelegen, function="x", join_network=True)
    row = MembershipStatus.objects.get(municipality=gardelegen)
    assert (row.status, row.since) == ("applied", TODAY)
    assert [record.action for record in change_history(subject=gardelegen)] == ["grants.membership.applied"]

    with pytest.raises(GrantsError, match="nur die Geschäftsstelle"):
        services.membership_activate(municipality=gardelegen, actor=controller)
    services.membership_activate(municipality=gardelegen, actor=clerk)
    assert MembershipStatus.objects.get(municipality=gardelegen).status == "active"
    with pytest.raises(GrantsError, match="bereits aktives Mitglied"):
        services.membership_activate(municipality=gardelegen, actor=clerk)


def test_a_member_does_not_apply_again(active_members, gardelegen):
    request = services.affiliation_request_create(
        user=person("kollege"), municipality=gardelegen, function="x", join_network=True
    )
    assert not request.join_network
    assert list(MembershipStatus.objects.filter(municipality=gardelegen).values_list("status", flat=True)) == ["active"]


def test_main_contact_set_by_the_office_only(gardelegen_with_main_contact, main_contact, applicant, clerk):
    with pytest.raises(GrantsError, match="nur die Geschäftsstelle"):
        services.main_contact_set(municipality=gardelegen_with_main_contact, user=applicant, actor=main_contact)
    services.main_contact_set(municipality=gardelegen_with_main_contact, user=applicant, actor=clerk)
    assert Affiliation.objects.get(user=applicant).is_main_contact
    assert not Affiliation.objects.get(user=main_contact).is_main_contact
    with pytest.raises(GrantsError, match="handelt nicht"):
        services.main_contact_set(municipality=gardelegen_with_main_contact, user=person("x"), actor=clerk)


# --- invitations ---------------------------------------------------------------------------


def test_an_invitation_works_once(
    gardelegen_with_main_contact, main_contact, applicant, django_capture_on_commit_callbacks
):
    with pytest.raises(GrantsError, match="nur die Hauptansprechperson"):
        services.invitation_create(municipality=gardelegen_with_main_contact, email="neu@example.org", actor=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_create(
            municipality=gardelegen_with_main_contact, email="neu@example.org", actor=main_contact
        )
    (message,) = mail.outbox
    assert message.to == ["neu@example.org"]
    assert f"http://127.0.0.1:8000/einladung/{token}/" in message.body
    assert "02.12.2026, 10:00" in message.body  # seven days from 25.11.2026, 10:00
    assert token not in Invitation.objects.values_list("token_hash", flat=True)[0]
    mail.outbox.clear()

    invitee = person("neu")
    with django_capture_on_commit_callbacks(execute=True):
        affiliation = services.invitation_accept(token=token, user=invitee)
    assert not affiliation.is_main_contact
    assert can_act_for(user=fresh(invitee), municipality=gardelegen_with_main_contact)[0]
    assert Role.APPLICANT in user_roles(fresh(invitee))
    assert mail.outbox[0].to == ["haupt@example.org"]
    assert "angenommen" in mail.outbox[0].subject
    invitation.refresh_from_db()
    assert invitation.used_by == invitee
    assert just_now(invitation.used_at)
    with pytest.raises(GrantsError, match="nur einmal"):
        services.invitation_accept(token=token, user=person("zweite"))
    with pytest.raises(GrantsError, match="gibt es nicht"):
        services.invitation_accept(token="falsch", user=person("dritte"))


def test_an_invitation_is_for_the_address_it_was_sent_to(gardelegen_with_main_contact, main_contact):
    _invitation, token = services.invitation_create(
        municipality=gardelegen_with_main_contact, email="Neu@Example.org", actor=main_contact
    )
    forwarded_to = person("andere")
    with pytest.raises(GrantsError, match=r"gilt für Neu@Example\.org"):
        services.invitation_accept(token=token, user=forwarded_to)
    unconfirmed = get_user_model().objects.create_user(username="neu", password=PASSWORD, email="neu@example.org")
    with pytest.raises(GrantsError, match="noch nicht bestätigt"):
        services.invitation_accept(token=token, user=unconfirmed)
    assert not Affiliation.objects.filter(
        municipality=gardelegen_with_main_contact, user__in=[forwarded_to, unconfirmed]
    )
    account_email_trust(user=unconfirmed)
    services.invitation_accept(token=token, user=unconfirmed)
    assert can_act_for(user=fresh(unconfirmed), municipality=gardelegen_with_main_contact)[0]


def test_an_invitation_expires_after_seven_days(gardelegen_with_main_contact, main_contact, clock):
    _invitation, token = services.invitation_create(
        municipality=gardelegen_with_main_contact, email="neu@example.org", actor=main_contact
    )
    clock.move_to(NOW + datetime.timedelta(days=7) - datetime.timedelta(minutes=1))
    early = person("frueh")
    assert services.invitation_problem(services.invitation_for_token(token=token)) == ""
    _second, token2 = services.invitation_create(
        municipality=gardelegen_with_main_contact, email="spaet@example.org", actor=main_contact
    )
    clock.move_to(NOW + datetime.timedelta(days=7, minutes=1))
    with pytest.raises(GrantsError, match="abgelaufen"):
        services.invitation_accept(token=token, user=early)
    assert not Affiliation.objects.filter(user=early).exists()
    services.invitation_accept(token=token2, user=person("spaet"))  # the later one still works


def test_a_revoked_invitation_no_longer_works(gardelegen_with_main_contact, main_contact, applicant):
    invitation, token = services.invitation_create(
        municipality=gardelegen_with_main_contact, email="neu@example.org", actor=main_contact
    )
    with pytest.raises(GrantsError):
        services.invitation_revoke(invitation=invitation, actor=applicant)
    services.invitation_revoke(invitation=invitation, actor=main_contact)
    with pytest.raises(GrantsError, match="zurückgezogen"):
        services.invitation_accept(token=token, user=person("neu"))
    assert [record.action for record in change_history(subject=invitation)] == [
        "grants.invitation.created",
        "grants.invitation.revoked",
    ]


# --- ending and deactivating ---------------------------------------------------------------


def test_ending_an_affiliation_keeps_what_the_person_did(
    gardelegen_with_main_contact, main_contact, applicant, foreign_applicant, programme_year
):
    application = Application.objects.create(
        municipality=gardelegen_with_main_contact, programme_year=programme_year, created_by=applicant, title="Alt"
    )
    with pytest.raises(GrantsError):
        services.affiliation_end(municipality=gardelegen_with_main_contact, user=applicant, actor=foreign_applicant)
    with pytest.raises(GrantsError, match="nur die Geschäftsstelle austragen"):
        services.affiliation_end(municipality=gardelegen_with_main_contact, user=main_contact, actor=main_contact)
    services.affiliation_end(municipality=gardelegen_with_main_contact, user=applicant, actor=main_contact)
    user = fresh(applicant)
    assert not can_act_for(user=user, municipality=gardelegen_with_main_contact)[0]
    assert Role.APPLICANT not in user_roles(user)
    application.refresh_from_db()
    assert application.created_by == applicant


def test_a_main_contact_deactivates_a_colleague_of_theirs_only(
    gardelegen_with_main_contact, main_contact, applicant, foreign_applicant, clerk, bindlach, programme_year
):
    application = Application.objects.create(
        municipality=gardelegen_with_main_contact, programme_year=programme_year, created_by=applicant, title="Alt"
    )
    with pytest.raises(GrantsError, match="andere Kommune"):
        services.user_deactivate(user=foreign_applicant, actor=main_contact, reason="x")
    with pytest.raises(GrantsError, match="Geschäftsstelle"):
        services.user_deactivate(user=clerk, actor=main_contact, reason="x")
    with pytest.raises(GrantsError, match="Grund"):
        services.user_deactivate(user=applicant, actor=main_contact, reason="")
    services.user_deactivate(user=applicant, actor=main_contact, reason="Hat die Verwaltung verlassen.")
    assert not fresh(applicant).is_active
    application.refresh_from_db()
    assert application.created_by_id == applicant.pk
    (record,) = change_history(subject=applicant)
    assert (record.action, record.actor, record.comment) == (
        "auth.user.deactivated",
        main_contact,
        "Hat die Verwaltung verlassen.",
    )
    with pytest.raises(GrantsError, match="nur die Geschäftsstelle"):
        services.user_reactivate(user=applicant, actor=main_contact)
    services.user_reactivate(user=applicant, actor=clerk)
    assert fresh(applicant).is_active


def test_a_colleague_of_two_municipalities_is_deactivated_by_the_office(
    gardelegen_with_main_contact, main_contact, applicant, bindlach, clerk
):
    from grants.services import affiliation_create

    affiliation_create(user=applicant, municipality=bindlach)
    with pytest.raises(GrantsError, match="andere Kommune"):
        services.user_deactivate(user=applicant, actor=main_contact, reason="x")
    services.user_deactivate(user=applicant, actor=clerk, reason="x")


def test_roles_are_assigned_by_the_administration_only(clerk, admin_user, approver):
    target = person("neu")
    with pytest.raises(GrantsError, match="nur die Administration"):
        services.user_roles_set(user=target, roles=["clerk"], actor=clerk)
    with pytest.raises(GrantsError, match="Unbekannte"):
        services.user_roles_set(user=target, roles=["applicant"], actor=admin_user)
    services.user_roles_set(user=target, roles=["clerk", "controller"], actor=admin_user)
    assert user_roles(fresh(target)) == {"clerk", "controller"}
    (record,) = change_history(subject=target)
    assert record.changes == {"roles": [[], ["clerk", "controller"]]}
