"""Internal notes on a case: written by clerks, approvers and administrators, shown on the
case page newest last with author and time, never shown to the municipality; a mentioned
colleague hears of it by e-mail in their language, and only office staff can be mentioned."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import profile_update
from grants.models import SentEmail
from grants.roles import Role
from tests.builders import request as payout_request
from tests.factories import user_with_roles
from workflows.cases.notes import NOTE_ADDED, case_note_add
from workflows.common.errors import WorkflowError
from workflows.models import AuditRecord, CaseNote

pytestmark = pytest.mark.usefixtures("sepa_debtor")

SECRET = "Bürgermeister am Telefon sehr ungehalten – intern bleiben"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def case_url(application) -> str:
    return reverse("case_detail", kwargs={"pk": application.pk})


@pytest.fixture
def colleague(db):
    return user_with_roles("kollegin", Role.CLERK, first_name="Carla", last_name="Kollegin")


@pytest.mark.parametrize("writer", ["clerk", "approver", "admin_user"])
def test_a_note_is_written_and_shown_newest_last(writer, request, approved, colleague, clock):
    author = request.getfixturevalue(writer)
    client = login(author)
    case_note_add(author=colleague, application_id=approved.pk, text="Älterer Vermerk")
    clock.shift(60)
    response = client.post(case_url(approved), {"text": "Neuer Vermerk\nzweite Zeile", "mentioned": [colleague.pk]})
    assert response.status_code == 302
    assert response["Location"] == case_url(approved) + "#vermerke"
    note = CaseNote.objects.latest("pk")
    assert (note.author, note.text, list(note.mentioned.all())) == (author, "Neuer Vermerk\nzweite Zeile", [colleague])
    page = client.get(case_url(approved)).content.decode()
    notes = page.split('id="heading-notes"', 1)[1]
    assert notes.index("Älterer Vermerk") < notes.index("Neuer Vermerk<br>zweite Zeile")
    assert timezone.localtime(note.created_at).strftime("%d.%m.%Y %H:%M") in notes
    assert "benachrichtigt: Carla Kollegin" in notes
    record = AuditRecord.objects.filter(application=approved, action=NOTE_ADDED).latest("pk")
    assert record.actor == author
    assert SECRET not in record.comment and "Neuer Vermerk" not in record.comment


def test_notes_are_append_only(approved, clerk):
    note = case_note_add(author=clerk, application_id=approved.pk, text="Einmal geschrieben")
    note.text = "geändert"
    with pytest.raises(ValueError):
        note.save()
    with pytest.raises(ValueError):
        note.delete()
    assert CaseNote.objects.get(pk=note.pk).text == "Einmal geschrieben"


def test_a_mention_tells_the_colleague_in_their_language(approved, clerk, colleague, approver,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    profile_update(user=approver, first_name="Berta", last_name="Bewilligung", function="", language="en")
    clerk.first_name, clerk.last_name = "Sven", "Sachbearbeitung"
    clerk.save()
    with django_capture_on_commit_callbacks(execute=True):
        case_note_add(author=clerk, application_id=approved.pk, text=SECRET, mentioned_ids=[colleague.pk, approver.pk])
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {colleague.email, approver.email}
    german, english = by_recipient[colleague.email], by_recipient[approver.email]
    link = f"/akten/{approved.pk}/#vermerke"
    assert german.subject == f"Sie wurden in einem Vermerk zum Antrag {approved.file_number} erwähnt"
    assert german.body.startswith("Guten Tag,")
    assert f"Sven Sachbearbeitung hat Sie in einem internen Vermerk zum Antrag {approved.file_number}" in german.body
    assert link in german.body
    assert english.subject == f"You were mentioned in a note on application {approved.file_number}"
    assert english.body.startswith("Hello,")
    assert "Sven Sachbearbeitung mentioned you in an internal note" in english.body
    assert link in english.body
    # The message leaves the system; the note's text stays in the file.
    assert all(SECRET not in message.body for message in mail.outbox)
    logged = SentEmail.objects.filter(application=approved, kind="case_note_mention")
    assert {entry.language for entry in logged} == {"de", "en"}


def test_without_a_mention_nobody_is_mailed(approved, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case_note_add(author=clerk, application_id=approved.pk, text="Nur für die Akte")
    assert mail.outbox == []


def test_a_municipal_user_cannot_be_mentioned(approved, clerk, applicant):
    with pytest.raises(WorkflowError) as refused:
        case_note_add(author=clerk, application_id=approved.pk, text=SECRET, mentioned_ids=[applicant.pk])
    assert refused.value.code == "not_office"
    # Not offered on the page, and refused when forged.
    client = login(clerk)
    page = client.get(case_url(approved)).content.decode()
    assert f'name="mentioned" value="{applicant.pk}"' not in page
    response = client.post(case_url(approved), {"text": SECRET, "mentioned": [applicant.pk]})
    assert response.status_code == 200
    assert "Diese Person gibt es in der Geschäftsstelle nicht" in response.content.decode()
    assert SECRET in response.content.decode()  # what was typed stays
    assert not CaseNote.objects.exists()


def test_a_controller_cannot_write_a_note(approved, controller):
    with pytest.raises(WorkflowError) as refused:
        case_note_add(author=controller, application_id=approved.pk, text="Vom Controlling")
    assert refused.value.code == "forbidden"


def test_the_note_never_reaches_the_municipality(approved, applicant, clerk, colleague,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    payout = payout_request(approved, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        case_note_add(author=clerk, application_id=approved.pk, text=SECRET, mentioned_ids=[colleague.pk])
    client = login(applicant)
    pages = [
        reverse("applicant_home"),
        reverse("applicant_application_detail", kwargs={"pk": approved.pk}),
        reverse("applicant_payout_detail", kwargs={"pk": approved.pk, "payout_pk": payout.pk}),
        reverse("proof_applicant", kwargs={"pk": approved.pk}),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert SECRET not in page, url
        assert "Vermerk geschrieben" not in page, url  # not even that there is one
    assert client.get(case_url(approved)).status_code == 403
    assert all(applicant.email not in message.to for message in mail.outbox)
    assert all(SECRET not in message.body for message in mail.outbox)


def test_the_django_admin_shows_notes_read_only(approved, clerk, admin_user):
    note = case_note_add(author=clerk, application_id=approved.pk, text="Im Admin nur lesbar")
    client = login(admin_user)
    assert client.get(reverse("admin:workflows_casenote_changelist")).status_code == 200
    assert client.get(reverse("admin:workflows_casenote_change", args=[note.pk])).status_code == 200
    assert client.post(reverse("admin:workflows_casenote_delete", args=[note.pk]), {"post": "yes"}).status_code == 403
    assert CaseNote.objects.filter(pk=note.pk).exists()
