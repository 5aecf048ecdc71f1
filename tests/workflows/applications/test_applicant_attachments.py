"""Attachments: checked by content, limited in size, stored under a token, removed cleanly."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import Application, Attachment
from tests import factories
from workflows.common import attachments
from workflows.common.attachments import attachment_add, attachment_delete
from workflows.common.errors import WorkflowError
from workflows.models import AuditRecord

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


@pytest.fixture
def draft(applicant, gardelegen, programme_year, active_members) -> Application:
    return factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [("angebot.pdf", PDF, "application/pdf"), ("plan.PNG", PNG, "image/png"), ("foto.jpeg", JPEG, "image/jpeg")],
)
def test_allowed_types_are_stored_under_a_token(applicant, draft, media, name, content, mime):
    revision = draft.revision
    attachment = attachment_add(user=applicant, application_id=draft.pk, upload=upload(name, content))
    assert attachment.content_type == mime
    assert attachment.original_name == name
    assert len(attachment.token) >= 30
    assert attachment.file.name.endswith(attachment.token)
    assert name not in attachment.file.name
    with attachment.file.open("rb") as handle:
        assert handle.read() == content
    draft.refresh_from_db()
    assert draft.revision == revision + 1
    record = AuditRecord.objects.get(action="grants.attachment.added")
    assert record.comment == name and record.actor == applicant


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.pdf", b"Das ist nur Text, kein PDF.", "keine PDF-, PNG- oder JPEG-Datei"),
        ("x.pdf", b"PK\x03\x04" + b"\x00" * 100, "keine PDF-, PNG- oder JPEG-Datei"),  # a zip file
        ("x.pdf", PNG, "passt nicht zu ihrer Endung"),
        ("x.exe", PDF, "passt nicht zu ihrer Endung"),
        ("x.pdf", b"", "ist leer"),
    ],
)
def test_content_decides_not_the_name(applicant, draft, media, name, content, message):
    with pytest.raises(WorkflowError) as caught:
        attachment_add(user=applicant, application_id=draft.pk, upload=upload(name, content))
    assert message in caught.value.message
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_oversize_file_is_refused(applicant, draft, media):
    big = PDF + b"0" * (attachments.MAX_ATTACHMENT_BYTES + 1 - len(PDF))
    with pytest.raises(WorkflowError) as caught:
        attachment_add(user=applicant, application_id=draft.pk, upload=upload("gross.pdf", big))
    assert "zu groß" in caught.value.message
    assert "10,0 MB" in caught.value.message
    assert stored_files(media) == []


def test_path_in_the_name_is_dropped(applicant, draft):
    attachment = attachment_add(user=applicant, application_id=draft.pk, upload=upload("..\\..\\etc/angebot.pdf", PDF))
    assert attachment.original_name == "angebot.pdf"


def test_limit_of_attachments(applicant, draft, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_ATTACHMENTS", 1)
    attachment_add(user=applicant, application_id=draft.pk, upload=upload("a.pdf", PDF))
    with pytest.raises(WorkflowError) as caught:
        attachment_add(user=applicant, application_id=draft.pk, upload=upload("b.pdf", PDF))
    assert "höchstens 1 Anlagen" in caught.value.message


def test_foreign_applicant_cannot_add(foreign_applicant, draft):
    with pytest.raises(WorkflowError) as caught:
        attachment_add(user=foreign_applicant, application_id=draft.pk, upload=upload("a.pdf", PDF))
    assert caught.value.code == "forbidden"


def test_no_changes_after_submission(applicant, draft, media):
    attachment = attachment_add(user=applicant, application_id=draft.pk, upload=upload("a.pdf", PDF))
    from workflows.applications.services import application_submit

    application_submit(user=applicant, application_id=draft.pk)
    with pytest.raises(WorkflowError) as caught:
        attachment_add(user=applicant, application_id=draft.pk, upload=upload("b.pdf", PDF))
    assert caught.value.code == "wrong_state"
    with pytest.raises(WorkflowError):
        attachment_delete(user=applicant, application_id=draft.pk, attachment_id=attachment.pk)
    assert Attachment.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_delete_removes_row_and_file_after_commit(applicant, draft, media, django_capture_on_commit_callbacks):
    attachment = attachment_add(user=applicant, application_id=draft.pk, upload=upload("a.pdf", PDF))
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(user=applicant, application_id=draft.pk, attachment_id=attachment.pk)
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
    assert AuditRecord.objects.filter(action="grants.attachment.deleted", comment="a.pdf").exists()


def test_delete_of_an_attachment_of_another_application(applicant, draft, gardelegen, programme_year):
    other = factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    attachment = attachment_add(user=applicant, application_id=other.pk, upload=upload("a.pdf", PDF))
    with pytest.raises(WorkflowError) as caught:
        attachment_delete(user=applicant, application_id=draft.pk, attachment_id=attachment.pk)
    assert caught.value.code == "not_found"


# --- through the web pages ---------------------------------------------------------------------


def upload_url(application: Application) -> str:
    return reverse("applicant_attachment_upload", kwargs={"pk": application.pk})


def test_text_named_pdf_gets_a_german_error_next_to_the_field(client_for, applicant, draft):
    response = client_for(applicant).post(upload_url(draft), {"file": upload("x.pdf", b"nur Text")})
    content = response.content.decode()
    assert response.status_code == 200
    assert "keine PDF-, PNG- oder JPEG-Datei" in content
    assert 'id="id_file_error"' in content
    assert 'value="Moderation Dorfwerkstatt Demografie"' in content  # the edit page around it
    assert not Attachment.objects.exists()


def test_oversize_upload_through_the_page(client_for, applicant, draft, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", 100)
    response = client_for(applicant).post(upload_url(draft), {"file": upload("gross.pdf", PDF + b"x" * 200)})
    assert response.status_code == 200
    assert "zu groß" in response.content.decode()
    assert not Attachment.objects.exists()


def test_upload_without_a_file(client_for, applicant, draft):
    response = client_for(applicant).post(upload_url(draft), {})
    assert response.status_code == 200
    assert "Bitte wählen Sie eine Datei aus." in response.content.decode()


def test_delete_through_the_page(client_for, applicant, draft, django_capture_on_commit_callbacks):
    attachment = attachment_add(user=applicant, application_id=draft.pk, upload=upload("a.pdf", PDF))
    url = reverse("applicant_attachment_delete", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk})
    client = client_for(applicant)
    assert client.get(url).status_code == 302  # a GET deletes nothing
    assert Attachment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert not Attachment.objects.exists()
    assert "Die Anlage wurde entfernt." in response.content.decode()


def test_upload_after_submission_is_refused_with_a_message(client_for, applicant, draft):
    from workflows.applications.services import application_submit

    application_submit(user=applicant, application_id=draft.pk)
    response = client_for(applicant).post(upload_url(draft), {"file": upload("a.pdf", PDF)}, follow=True)
    assert "nicht mehr geändert werden" in response.content.decode()
    assert not Attachment.objects.exists()
