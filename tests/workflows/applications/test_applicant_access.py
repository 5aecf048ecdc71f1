"""Who may open the applicant pages: the municipality's staff; others get 404 or 403."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import Application
from tests import factories
from workflows.common.attachments import attachment_add

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def draft(applicant, gardelegen, programme_year, active_members) -> Application:
    return factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)


@pytest.fixture
def attachment(applicant, draft):
    return attachment_add(
        user=applicant, application_id=draft.pk, upload=SimpleUploadedFile("angebot.pdf", PDF, "application/pdf")
    )


def urls_of(application: Application, attachment) -> list[str]:
    pk = {"pk": application.pk}
    return [
        reverse("applicant_application_detail", kwargs=pk),
        reverse("applicant_application_edit", kwargs=pk),
        reverse("applicant_attachment_upload", kwargs=pk),
        reverse("attachment_download", kwargs={**pk, "attachment_pk": attachment.pk}),
        reverse("applicant_attachment_delete", kwargs={**pk, "attachment_pk": attachment.pk}),
        reverse("applicant_application_withdraw", kwargs=pk),
        reverse("applicant_application_answer", kwargs=pk),
    ]


def test_foreign_applicant_gets_404_everywhere(client_for, foreign_applicant, draft, attachment):
    client = client_for(foreign_applicant)
    for url in urls_of(draft, attachment):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"answer": "x", "reason": "x", "revision": "0"}).status_code == 404, url
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert draft.attachments.count() == 1


def test_unknown_application_is_404(client_for, applicant, draft, attachment):
    client = client_for(applicant)
    assert client.get(reverse("applicant_application_detail", kwargs={"pk": draft.pk + 100})).status_code == 404
    other = reverse("attachment_download", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk + 100})
    assert client.get(other).status_code == 404


@pytest.mark.parametrize("persona", ["clerk", "approver", "controller"])
def test_office_gets_403_on_applicant_pages_and_404_on_draft_attachments(
    request, client_for, persona, draft, attachment
):
    client = client_for(request.getfixturevalue(persona))
    for url in urls_of(draft, attachment):
        status = client.get(url).status_code
        if "anlagen" in url and url.rstrip("/").split("/")[-1].isdigit():
            # A draft's offers stay with the municipality until it submits (tests/test_permissions.py
            # shows the office downloading them once submitted).
            assert status == 404, url
        else:
            assert status == 403, url
    assert client.get(reverse("applicant_application_new")).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login(client, draft, attachment):
    for url in urls_of(draft, attachment):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_colleague_of_the_same_municipality_has_access(client_for, draft, gardelegen, attachment):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from grants.services import affiliation_create

    colleague = get_user_model().objects.create_user(username="kollegin", password="x")
    colleague.groups.add(Group.objects.get(name="applicant"))
    affiliation_create(user=colleague, municipality=gardelegen)
    client = client_for(colleague)
    assert client.get(reverse("applicant_application_detail", kwargs={"pk": draft.pk})).status_code == 200
    download = reverse("attachment_download", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk})
    assert client.get(download).status_code == 200


def test_history_hides_internal_office_steps(client_for, applicant, clerk, draft):
    from grants.models import EligibilityResult
    from workflows.applications import services

    services.application_submit(user=applicant, application_id=draft.pk)
    failed = EligibilityResult.objects.get(application=draft, rule="deadline", current=True)
    factories.take(clerk, draft.pk)
    services.eligibility_override(
        clerk=clerk, application_id=draft.pk, result_id=failed.pk, reason="Interne Begründung zur Frist"
    )
    content = client_for(applicant).get(reverse("applicant_application_detail", kwargs={"pk": draft.pk})).content
    text = content.decode()
    assert "Interne Begründung" not in text
    assert "Antrag eingereicht" in text
    assert "Prüfung begonnen" in text
