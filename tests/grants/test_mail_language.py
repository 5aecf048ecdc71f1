"""E-mails about accounts and affiliations reach each recipient in their own language;
an invitation to an address without an account goes out in the inviting person's."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.utils.translation import gettext_lazy

from accounts.services import profile_update
from grants import affiliations as services
from grants.mail import mail_after_commit
from tests.factories import user_with_roles

pytestmark = pytest.mark.django_db

GARDELEGEN = "Gardelegen, Hansestadt"


def reads(user, language: str) -> None:
    profile_update(
        user=user, first_name=user.first_name, last_name=user.last_name, function="Kämmerin", language=language
    )


def to(address: str):
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


def to_group(addresses: list[str]):
    [message] = [message for message in mail.outbox if sorted(message.to) == addresses]
    return message


def assert_german(message) -> None:
    assert message.body.startswith("Guten Tag,")
    assert "Hello" not in message.body and "Kind regards" not in message.body


def assert_english(message) -> None:
    assert message.body.startswith("Hello,")
    assert "Guten Tag" not in message.body and "Mit freundlichen Grüßen" not in message.body


@pytest.fixture
def main_contact(gardelegen, clerk, django_capture_on_commit_callbacks):
    """Hanna Haupt, Gardelegen's main contact (the first person the office confirmed)."""
    user = user_with_roles("haupt", first_name="Hanna", last_name="Haupt")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.affiliation_request_create(user=user, municipality=gardelegen, function="Kämmerin")
        services.affiliation_request_decide(request=request, actor=clerk, confirm=True)
    mail.outbox.clear()
    return user


@pytest.fixture
def colleague(db):
    return user_with_roles("kollege", first_name="Karl", last_name="Kollege")


# --- requests and decisions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        ("de", f"Anfrage: Karl Kollege möchte für {GARDELEGEN} handeln", "Angefragt am: 25.11.2026\n"),
        ("en", f"Request: Karl Kollege would like to act for {GARDELEGEN}", "Requested on: 25 Nov 2026\n"),
    ],
)
def test_the_main_contact_reads_the_request_in_their_language(
    gardelegen, main_contact, colleague, language, subject, line, django_capture_on_commit_callbacks
):
    reads(main_contact, language)
    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_request_create(user=colleague, municipality=gardelegen, function="Bau- & Ordnungsamt")
    message = to("haupt@example.org")
    assert message.subject == subject
    assert line in message.body
    # A text mail: the function as typed, not HTML-escaped.
    assert ": Bau- & Ordnungsamt\n" in message.body
    assert "&amp;" not in message.body
    (assert_english if language == "en" else assert_german)(message)


def test_the_decision_reaches_requester_and_decider_each_in_their_language(
    gardelegen, main_contact, colleague, django_capture_on_commit_callbacks
):
    reads(colleague, "en")  # the main contact reads German (no choice stored)
    request = services.affiliation_request_create(user=colleague, municipality=gardelegen, function="Kämmerer")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_request_decide(
            request=request, actor=main_contact, confirm=False, reason="Nicht in unserer Verwaltung."
        )
    assert len(mail.outbox) == 2
    requester, decider = to("kollege@example.org"), to("haupt@example.org")
    assert requester.subject == f"Your request for {GARDELEGEN} has been declined"
    assert f"your request to act for {GARDELEGEN} has been declined" in requester.body
    assert "Reason: Nicht in unserer Verwaltung." in requester.body
    assert_english(requester)
    assert decider.subject == "Sie haben die Anfrage von Karl Kollege abgelehnt"
    assert f"für {GARDELEGEN} zu handeln, am 25.11.2026 abgelehnt." in decider.body
    assert_german(decider)


def test_an_english_decider_gets_the_english_copy(
    gardelegen, main_contact, colleague, django_capture_on_commit_callbacks
):
    reads(main_contact, "en")
    request = services.affiliation_request_create(user=colleague, municipality=gardelegen, function="Kämmerer")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_request_decide(request=request, actor=main_contact, confirm=True)
    decider, requester = to("haupt@example.org"), to("kollege@example.org")
    assert decider.subject == "You have confirmed the request from Karl Kollege"
    assert decider.body.startswith("Hello,\n\non 25 Nov 2026 you confirmed the request from Karl Kollege")
    assert_english(decider)
    assert requester.subject == f"Ihre Anfrage für {GARDELEGEN} wurde bestätigt"
    assert_german(requester)


# --- invitations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        (
            "de",
            f"Einladung: für {GARDELEGEN} in der Mikroförderung handeln",
            "Der Link gilt einmal und bis zum 02.12.2026, 10:00 Uhr.",
        ),
        (
            "en",
            f"Invitation: act for {GARDELEGEN} in the Mikroförderung",
            "The link can be used once and is valid until 2 Dec 2026, 10:00 (German time).",
        ),
    ],
)
def test_an_invitation_to_a_new_address_is_in_the_inviters_language(
    gardelegen, main_contact, language, subject, line, django_capture_on_commit_callbacks
):
    reads(main_contact, language)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(municipality=gardelegen, email="neu@example.org", actor=main_contact)
    message = to("neu@example.org")
    assert message.subject == subject
    assert line in message.body
    (assert_english if language == "en" else assert_german)(message)


def test_an_invitation_to_an_existing_account_is_in_its_language(
    gardelegen, main_contact, colleague, django_capture_on_commit_callbacks
):
    reads(main_contact, "en")
    reads(colleague, "de")
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = services.invitation_create(
            municipality=gardelegen, email="KOLLEGE@example.org", actor=main_contact
        )
    message = to("KOLLEGE@example.org")
    assert message.subject == f"Einladung: für {GARDELEGEN} in der Mikroförderung handeln"
    assert_german(message)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_accept(token=token, user=colleague)
    accepted = to("haupt@example.org")
    assert accepted.subject == f"Karl Kollege has accepted your invitation for {GARDELEGEN}"
    assert f"Karl Kollege (kollege@example.org) has accepted your invitation and now acts for {GARDELEGEN}." in (
        accepted.body
    )
    assert_english(accepted)


# --- one message per language ------------------------------------------------------------


def test_a_mixed_group_gets_a_message_per_language(main_contact, colleague, clerk, django_capture_on_commit_callbacks):
    reads(colleague, "en")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        mail_after_commit(
            template="invitation_accepted",
            subject=gettext_lazy("%(invitee)s hat Ihre Einladung für %(municipality)s angenommen"),
            subject_args={"invitee": "Erika Neu", "municipality": GARDELEGEN},
            # The same address twice in other letters, an address without an account.
            recipients=[main_contact, colleague, clerk, "HAUPT@example.org", "extern@example.org"],
            context={"invitation": {"municipality": {"name": GARDELEGEN}}, "invitee": "Erika Neu", "email": "e@x"},
        )
    assert len(mail.outbox) == 2
    german = to_group(["extern@example.org", "haupt@example.org", "sachbearbeitung@example.org"])
    english = to_group(["kollege@example.org"])
    assert german.subject == f"Erika Neu hat Ihre Einladung für {GARDELEGEN} angenommen"
    assert_german(german)
    assert english.subject == f"Erika Neu has accepted your invitation for {GARDELEGEN}"
    assert_english(english)
