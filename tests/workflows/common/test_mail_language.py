"""E-mails about an application reach each recipient in the language they chose: German
by default (24.11.2026, 1.234,56 €), English after the choice (24 Nov 2026, €1,234.56),
and a message per language when the recipients read different ones."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.services import profile_update
from grants.models import ProofOfUse
from tests import factories
from tests.factories import user_with_roles
from workflows.applications import services
from workflows.common.tasks import send_applicant_mail
from workflows.proofs import services as proofs

CONTACT = "kontakt@gardelegen.example"
NBSP = "\u00a0"


def reads(user, language: str) -> None:
    profile_update(
        user=user, first_name=user.first_name, last_name=user.last_name, function="Kämmerin", language=language
    )


def by_recipients(messages) -> dict[tuple[str, ...], mail.EmailMessage]:
    return {tuple(message.to): message for message in messages}


def assert_german(message) -> None:
    assert message.body.startswith("Guten Tag,")
    assert "Mit freundlichen Grüßen" in message.body
    assert "Hello" not in message.body and "Kind regards" not in message.body


def assert_english(message) -> None:
    assert message.body.startswith("Hello,")
    assert "Kind regards" in message.body
    assert "Guten Tag" not in message.body and "Mit freundlichen Grüßen" not in message.body


# 3 days at 411.52 EUR: an amount with thousands and cents.
@pytest.fixture
def draft_1234(applicant, gardelegen, programme_year, active_members):
    def make(**overrides):
        return factories.draft(
            applicant=applicant,
            municipality=gardelegen,
            programme_year=programme_year,
            lines=factories.moderation_lines(days="3", rate="411.52"),
            requested_amount=Decimal("1234.56"),
            **overrides,
        )

    return make


@pytest.fixture
def recommended_1234(applicant, gardelegen, programme_year, active_members, clerk, approver):
    application = factories.recommended(
        applicant=applicant,
        municipality=gardelegen,
        programme_year=programme_year,
        clerk=clerk,
        lines=factories.moderation_lines(days="3", rate="411.52"),
        requested_amount=Decimal("1234.56"),
    )
    services.application_claim(user=approver, application_id=application.pk)
    mail.outbox.clear()
    return application


# --- submitted ---------------------------------------------------------------------------


def test_submitted_in_german_by_default(draft_1234, applicant, django_capture_on_commit_callbacks):
    application = draft_1234()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=applicant, application_id=application.pk)
    application.refresh_from_db()
    [message] = mail.outbox
    assert sorted(message.to) == ["antrag@example.org", CONTACT]
    assert message.subject == f"Eingangsbestätigung Ihres Antrags {application.file_number}"
    assert_german(message)
    assert f"Beantragter Betrag: 1.234,56{NBSP}€\n" in message.body
    assert "Eingegangen am: 25.11.2026\n" in message.body


def test_submitted_in_english_after_the_choice(draft_1234, applicant, django_capture_on_commit_callbacks):
    reads(applicant, "en")
    application = draft_1234(contact_email="antrag@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=applicant, application_id=application.pk)
    application.refresh_from_db()
    [message] = mail.outbox
    assert message.to == ["antrag@example.org"]
    assert message.subject == f"Acknowledgement of receipt of your application {application.file_number}"
    assert_english(message)
    assert "Amount requested: €1,234.56\n" in message.body
    assert "Received on: 25 Nov 2026\n" in message.body
    assert "1.234,56" not in message.body and "25.11.2026" not in message.body


def test_a_mixed_group_gets_a_message_per_language(draft_1234, applicant, django_capture_on_commit_callbacks):
    reads(applicant, "en")  # the contact address has no account: German
    application = draft_1234()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=applicant, application_id=application.pk)
    messages = by_recipients(mail.outbox)
    assert set(messages) == {("antrag@example.org",), (CONTACT,)}
    english, german = messages[("antrag@example.org",)], messages[(CONTACT,)]
    assert_english(english)
    assert english.subject.startswith("Acknowledgement of receipt")
    assert "Received on: 25 Nov 2026" in english.body
    assert_german(german)
    assert german.subject.startswith("Eingangsbestätigung")
    assert "Eingegangen am: 25.11.2026" in german.body


def test_the_contact_address_reads_the_language_of_its_account(
    draft_1234, applicant, django_capture_on_commit_callbacks
):
    colleague = user_with_roles("kontaktperson")
    reads(colleague, "en")
    application = draft_1234(contact_email="Kontaktperson@Example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=applicant, application_id=application.pk)
    messages = by_recipients(mail.outbox)
    assert set(messages) == {("antrag@example.org",), ("Kontaktperson@Example.org",)}
    assert_german(messages[("antrag@example.org",)])
    assert_english(messages[("Kontaktperson@Example.org",)])


# --- decisions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        ("de", "Ihr Antrag {number} wurde bewilligt", f"Bewilligter Betrag: 1.234,56{NBSP}€\n"),
        ("en", "Your application {number} has been approved", "Amount approved: €1,234.56\n"),
    ],
)
def test_approved(recommended_1234, applicant, approver, language, subject, line, django_capture_on_commit_callbacks):
    reads(applicant, language)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(approver=approver, application_id=recommended_1234.pk)
    messages = by_recipients(mail.outbox)
    to_applicant = messages[("antrag@example.org",) if language == "en" else ("antrag@example.org", CONTACT)]
    assert to_applicant.subject == subject.format(number=recommended_1234.file_number)
    assert line in to_applicant.body
    (assert_english if language == "en" else assert_german)(to_applicant)


def test_rejected_in_each_language(recommended_1234, applicant, approver, django_capture_on_commit_callbacks):
    reads(applicant, "en")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            approver=approver, application_id=recommended_1234.pk, reason="Das Vorhaben hat bereits begonnen."
        )
    messages = by_recipients(mail.outbox)
    english, german = messages[("antrag@example.org",)], messages[(CONTACT,)]
    number = recommended_1234.file_number
    assert english.subject == f"Decision on your application {number}"
    assert "we are sorry that we cannot approve it" in english.body
    assert german.subject == f"Entscheidung über Ihren Antrag {number}"
    assert "Wir können ihn leider nicht bewilligen." in german.body
    # The reason is the approver's, as written: part of the file, German in both.
    for message in (english, german):
        assert "Das Vorhaben hat bereits begonnen." in message.body
    assert_english(english)
    assert_german(german)


# --- proof of use ------------------------------------------------------------------------


def overdue_reminders(approved, capture) -> None:
    proofs.proof_of_use_open(application_id=approved.pk)
    ProofOfUse.objects.filter(application=approved).update(due_date=datetime.date(2026, 11, 24))
    mail.outbox.clear()
    with capture(execute=True):
        call_command("send_proof_reminders", stdout=StringIO())


def test_proof_overdue_in_german(approved, django_capture_on_commit_callbacks):
    overdue_reminders(approved, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject == f"Verwendungsnachweis zu Ihrem Antrag {approved.file_number} ist überfällig"
    assert "war bis zum 24.11.2026 einzureichen" in message.body
    assert_german(message)


def test_proof_overdue_in_english_beside_german(approved, applicant, django_capture_on_commit_callbacks):
    reads(applicant, "en")
    overdue_reminders(approved, django_capture_on_commit_callbacks)
    messages = by_recipients(mail.outbox)
    english, german = messages[("antrag@example.org",)], messages[(CONTACT,)]
    assert english.subject == f"The proof of use for your application {approved.file_number} is overdue"
    assert "was due by 24 Nov 2026 and has not reached us yet" in english.body
    assert "24.11.2026" not in english.body
    assert "war bis zum 24.11.2026 einzureichen" in german.body
    assert_english(english)
    assert_german(german)


def test_the_lapsed_amount_is_written_the_readers_way(approved, applicant):
    reads(applicant, "en")
    assert send_applicant_mail.call(application_id=approved.pk, event="lapsed", message="2550.00") == 2
    messages = by_recipients(mail.outbox)
    assert "returned to the programme budget: €2,550.00." in messages[("antrag@example.org",)].body
    assert f"zurückgegeben: 2.550,00{NBSP}€." in messages[(CONTACT,)].body


def test_text_mails_keep_what_was_typed_in_english_too(draft_1234, applicant, django_capture_on_commit_callbacks):
    reads(applicant, "en")
    application = draft_1234(title='Jung & Alt "gemeinsam"', contact_email="antrag@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=applicant, application_id=application.pk)
    [message] = mail.outbox
    assert 'Project: Jung & Alt "gemeinsam"' in message.body
    assert "&amp;" not in message.body and "&quot;" not in message.body
