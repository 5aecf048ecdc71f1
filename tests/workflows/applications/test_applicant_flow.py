"""The applicant's way through the web pages: draft, edit, attachment, submit, answer, withdraw."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import Application, CostType, EligibilityResult
from tests import factories
from tests.clock import DEADLINE_DAY, berlin
from workflows.applications import services
from workflows.models import AuditRecord

# New drafts through the form: on a day the seed year still takes applications.
pytestmark = pytest.mark.now(DEADLINE_DAY)
S = Application.Status
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def setting(applicant, gardelegen, programme_year, active_members, structural_c):
    return applicant


def cost_type(code: str) -> int:
    return CostType.objects.get(code=code).pk


def post_data(*, lines: list[dict] | None = None, initial_lines: int = 0, **fields) -> dict:
    """What the browser sends for the application form."""
    data = {
        "title": "Demografie-Werkstatt Gardelegen",
        "purpose": "moderation",
        "goals": "Leitbild für die Ortsteile",
        "description": "Zwei moderierte Werkstätten mit Bürgerinnen und Bürgern.",
        "partners": "",
        "period_start": "01.12.2026",
        "period_end": "20.12.2026",
        "requested_amount": "2.670,00",
        "contact_name": "Anja Antrag",
        "contact_email": "kontakt@gardelegen.example",
        "contact_phone": "03907 123",
        "account_holder": "Hansestadt Gardelegen",
        "iban": "de89 3704 0044 0532 0130 00",
        "declaration_no_early_start": "on",
        "declaration_no_double_funding": "on",
    }
    data.update(fields)
    if lines is None:
        lines = [
            {"cost_type": cost_type("moderation"), "description": "Moderation", "days": "3", "day_rate": "850,00"},
            {"cost_type": cost_type("travel"), "description": "Fahrtkosten", "flat_amount": "120"},
        ]
    rows = [*lines, {}, {}]
    data.update(
        {
            "kosten-TOTAL_FORMS": str(len(rows)),
            "kosten-INITIAL_FORMS": str(initial_lines),
            "kosten-MIN_NUM_FORMS": "0",
            "kosten-MAX_NUM_FORMS": "30",
        }
    )
    for index, row in enumerate(rows):
        for name in ("cost_type", "description", "days", "day_rate", "flat_amount"):
            data[f"kosten-{index}-{name}"] = row.get(name, "")
    return {key: value for key, value in data.items() if value is not None}


def the_application() -> Application:
    return Application.objects.get()


def test_new_application_page_shows_an_accessible_german_form(client_for, setting):
    response = client_for(setting).get(reverse("applicant_application_new"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Neuer Antrag" in content
    assert "Gardelegen" in content
    assert "<legend" in content and "Kostenplan" in content and "Erklärungen" in content
    assert 'for="id_title"' in content
    assert 'for="id_kosten-0-cost_type"' in content
    assert "Einreichen" in content and "Entwurf speichern" in content
    # All cost types are offered, so the eligibility check can flag ineligible ones.
    for cost in CostType.objects.all():
        assert cost.name in content


def test_happy_path_draft_edit_attachment_submit(client_for, setting, clock, django_capture_on_commit_callbacks):
    client = client_for(setting)

    response = client.post(reverse("applicant_application_new"), post_data(title="Erster Titel"))
    application = the_application()
    assert response.status_code == 302
    assert response["Location"] == reverse("applicant_application_edit", kwargs={"pk": application.pk})
    assert application.status == S.DRAFT
    assert application.title == "Erster Titel"
    assert application.requested_amount == Decimal("2670.00")
    assert application.iban == "DE89370400440532013000"
    assert application.bic == "COBADEFFXXX"
    assert application.bank_name == "Commerzbank"
    lines = list(application.cost_lines.order_by("position"))
    assert [line.amount for line in lines] == [Decimal("2550.00"), Decimal("120.00")]
    assert lines[1].days is None and lines[1].flat_amount == Decimal("120.00")

    # The edit page shows what was saved, in German notation, with the total.
    content = client.get(response["Location"]).content.decode()
    assert 'value="Erster Titel"' in content
    assert 'value="2.670,00"' in content
    assert 'value="01.12.2026"' in content
    assert "DE89 3704 0044 0532 0130 00" in content
    assert "2.670,00\u00a0€" in content  # the cost plan total
    assert f'name="revision" value="{application.revision}"' in content

    response = client.post(
        reverse("applicant_application_edit", kwargs={"pk": application.pk}),
        post_data(
            title="Demografie-Werkstatt Gardelegen",
            revision=application.revision,
            initial_lines=2,
            period_start="2026-12-02",  # as sent by <input type="date">
            lines=[
                {"cost_type": cost_type("moderation"), "description": "Moderation", "days": "2", "day_rate": "850"},
                {"cost_type": cost_type("travel"), "description": "Fahrtkosten", "flat_amount": "1.000,50"},
            ],
        ),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title == "Demografie-Werkstatt Gardelegen"
    assert str(application.period_start) == "2026-12-02"
    assert application.cost_total == Decimal("2700.50")

    upload = SimpleUploadedFile("Angebot Moderation.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("applicant_attachment_upload", kwargs={"pk": application.pk}), {"file": upload})
    assert response.status_code == 302
    attachment = application.attachments.get()
    assert attachment.original_name == "Angebot Moderation.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert "Angebot" not in attachment.file.name  # stored under the random token
    download = client.get(reverse("attachment_download", kwargs={"pk": application.pk, "attachment_pk": attachment.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert "Angebot" in download["Content-Disposition"]

    # Submitted the morning after the deadline day.
    clock.move_to(berlin(2026, 10, 1, 9, 0))
    application.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applicant_application_edit", kwargs={"pk": application.pk}),
            post_data(
                revision=application.revision,
                initial_lines=2,
                submit="1",
                lines=[
                    {"cost_type": cost_type("moderation"), "description": "Moderation", "days": "2", "day_rate": "850"},
                    {"cost_type": cost_type("travel"), "description": "Fahrtkosten", "flat_amount": "970"},
                ],
            ),
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("applicant_application_detail", kwargs={"pk": application.pk})
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert application.file_number == "MF-2026-00001"
    results = {r.rule: r.outcome for r in EligibilityResult.objects.filter(application=application, current=True)}
    assert results["deadline"] == EligibilityResult.Outcome.FAILED  # submitted on 01.10.2026
    assert results["member_active"] == EligibilityResult.Outcome.PASSED
    assert len(mail.outbox) == 1
    assert "MF-2026-00001" in mail.outbox[0].subject

    detail = client.get(response["Location"]).content.decode()
    assert "MF-2026-00001" in detail
    assert "in Prüfung" in detail
    assert "2.670,00\u00a0€" in detail
    assert "Angebot Moderation.pdf" in detail
    assert "Antrag eingereicht" in detail and "Anlage hinzugefügt" in detail
    # Eligibility results are internal to the programme office.
    assert "Antragsfrist" not in detail
    assert "nicht erfüllt" not in detail


def test_submit_from_the_new_form_in_one_step(client_for, setting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(setting).post(reverse("applicant_application_new"), post_data(submit="1"), follow=True)
    application = the_application()
    assert application.status == S.IN_REVIEW
    assert "MF-2026-00001" in response.content.decode()
    assert len(mail.outbox) == 1


def test_submit_of_an_incomplete_draft_shows_what_is_missing(client_for, setting):
    response = client_for(setting).post(
        reverse("applicant_application_new"),
        post_data(submit="1", goals="", contact_email="", declaration_no_double_funding=None),
        follow=True,
    )
    content = response.content.decode()
    application = the_application()
    assert application.status == S.DRAFT
    assert application.file_number is None
    assert "Es fehlen: Ziele, E-Mail der Ansprechperson, Erklärung: keine Doppelförderung" in content
    assert "noch nicht eingereicht" in content


def test_replayed_submit_has_no_second_effect(client_for, setting, django_capture_on_commit_callbacks):
    client = client_for(setting)
    client.post(reverse("applicant_application_new"), post_data())
    application = the_application()
    data = post_data(revision=application.revision, initial_lines=2, submit="1")
    url = reverse("applicant_application_edit", kwargs={"pk": application.pk})

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, data, follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert "nicht möglich" in second.content.decode()
    assert AuditRecord.objects.filter(action="grants.application.submitted").count() == 1
    assert len(mail.outbox) == 1
    application.refresh_from_db()
    assert application.file_number == "MF-2026-00001"


def test_stale_form_keeps_the_typing_and_does_not_overwrite(client_for, setting):
    client = client_for(setting)
    client.post(reverse("applicant_application_new"), post_data(title="Alt"))
    application = the_application()
    url = reverse("applicant_application_edit", kwargs={"pk": application.pk})
    old_revision = application.revision
    client.post(url, post_data(title="Neu aus Fenster 1", revision=old_revision, initial_lines=2))

    response = client.post(url, post_data(title="Neu aus Fenster 2", revision=old_revision, initial_lines=2))

    content = response.content.decode()
    assert response.status_code == 200
    assert "inzwischen geändert" in content
    assert 'value="Neu aus Fenster 2"' in content
    application.refresh_from_db()
    assert application.title == "Neu aus Fenster 1"


def test_reloading_the_new_form_does_not_create_a_second_application(client_for, setting):
    client = client_for(setting)
    data = post_data(form_token="token-1", submit="1")
    client.post(reverse("applicant_application_new"), data)
    response = client.post(reverse("applicant_application_new"), data, follow=True)
    assert Application.objects.count() == 1
    assert "bereits angelegt" in response.content.decode()


def test_partners_for_networking_by_name_and_ags(client_for, setting, bindlach, kreis_bayreuth):
    from grants.models import Municipality

    Municipality.objects.create(
        ags="09472999", name="Bindlach-Süd", kind="64", land=bindlach.land, kreis=kreis_bayreuth
    )
    client = client_for(setting)
    client.post(reverse("applicant_application_new"), post_data(purpose="networking", partners="09472119"))
    application = the_application()
    assert list(application.partner_municipalities.all()) == [bindlach]

    # "Bindlach" matches two names by substring but exactly one by name.
    url = reverse("applicant_application_edit", kwargs={"pk": application.pk})
    response = client.post(
        url, post_data(purpose="networking", partners="bindlach", revision=application.revision, initial_lines=2)
    )
    assert response.status_code == 302
    content = client.get(url).content.decode()
    assert "Bindlach (09472119)" in content


def test_answer_an_information_request(client_for, setting, clerk, django_capture_on_commit_callbacks):
    client = client_for(setting)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applicant_application_new"), post_data(submit="1"))
    application = the_application()
    with django_capture_on_commit_callbacks(execute=True):
        factories.take(clerk, application.pk)
        services.application_request_info(
            clerk=clerk, application_id=application.pk, message="Bitte senden Sie das Angebot des Moderators."
        )
    application.refresh_from_db()
    detail_url = reverse("applicant_application_detail", kwargs={"pk": application.pk})

    content = client.get(detail_url).content.decode()
    assert "Rückfrage der Geschäftsstelle" in content
    assert "Bitte senden Sie das Angebot des Moderators." in content
    assert 'for="id_answer"' in content

    # The application may be completed while the question is open, but not submitted again.
    edit = client.get(reverse("applicant_application_edit", kwargs={"pk": application.pk})).content.decode()
    assert 'name="submit"' not in edit

    answer_url = reverse("applicant_application_answer", kwargs={"pk": application.pk})
    response = client.post(answer_url, {"answer": "   ", "revision": application.revision})
    assert response.status_code == 200
    assert "Bitte geben Sie Ihre Antwort ein." in response.content.decode()

    response = client.post(answer_url, {"answer": "Das Angebot liegt bei.", "revision": application.revision})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    record = application.audit_records.get(action="grants.application.resubmitted")
    assert record.comment == "Das Angebot liegt bei."

    # Sending the answer again changes nothing.
    response = client.post(
        answer_url, {"answer": "Das Angebot liegt bei.", "revision": application.revision - 1}, follow=True
    )
    assert "nicht möglich" in response.content.decode()
    assert application.audit_records.filter(action="grants.application.resubmitted").count() == 1

    history = client.get(detail_url).content.decode()
    assert "Rückfrage beantwortet" in history
    assert "Geschäftsstelle" in history


def test_withdraw_with_confirmation(client_for, setting):
    client = client_for(setting)
    client.post(reverse("applicant_application_new"), post_data(submit="1"))
    application = the_application()
    url = reverse("applicant_application_withdraw", kwargs={"pk": application.pk})

    confirmation = client.get(url).content.decode()
    assert "Antrag zurückziehen" in confirmation
    assert 'for="id_reason"' in confirmation
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW  # a GET changes nothing

    response = client.post(url, {"reason": "Das Vorhaben entfällt."}, follow=True)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    content = response.content.decode()
    assert "zurückgezogen" in content
    assert "Das Vorhaben entfällt." in content

    again = client.post(url, {"reason": ""}, follow=True)
    assert "nicht möglich" in again.content.decode()
    assert application.audit_records.filter(action="grants.application.withdrawn").count() == 1
    # Nothing to withdraw any more: the page explains instead of offering the button.
    assert client.get(url, follow=True).redirect_chain


def test_edit_is_refused_once_submitted(client_for, setting):
    client = client_for(setting)
    client.post(reverse("applicant_application_new"), post_data(submit="1"))
    application = the_application()
    response = client.get(reverse("applicant_application_edit", kwargs={"pk": application.pk}), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applicant_application_detail", kwargs={"pk": application.pk})
    assert "kann nicht mehr bearbeitet werden" in response.content.decode()


def test_no_programme_year_gives_a_clear_message(client_for, applicant, gardelegen):
    response = client_for(applicant).get(reverse("applicant_application_new"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applicant_home")
    assert "noch keine Förderbedingungen veröffentlicht" in response.content.decode()


def test_several_municipalities_offer_a_select(client_for, setting, bindlach):
    from grants.services import affiliation_create

    affiliation_create(user=setting, municipality=bindlach)
    client = client_for(setting)
    content = client.get(reverse("applicant_application_new")).content.decode()
    assert 'id="id_municipality"' in content

    response = client.post(reverse("applicant_application_new"), post_data(municipality=""))
    assert response.status_code == 200
    assert Application.objects.count() == 0
    response = client.post(reverse("applicant_application_new"), post_data(municipality=bindlach.pk))
    assert response.status_code == 302
    assert the_application().municipality == bindlach
