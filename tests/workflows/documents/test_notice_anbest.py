"""The programme year's ANBest PDF is appended to the approval notice as pages (issue 13,
item 10), exactly the file that was stored when the notice was issued."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from reports.errors import ReportsError
from reports.models import Notice
from reports.services import notice_render
from tests import factories
from workflows.applications import services


def anbest_pdf(label: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in (1, 2):
        pdf.drawString(72, 760, f"{label} Seite {page}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def with_anbest(programme_year):
    programme_year.anbest_pdf.save("anbest-gk.pdf", ContentFile(anbest_pdf("ANBest-Gk")))
    return programme_year


def approve(applicant, gardelegen, programme_year, clerk, approver, capture, *, execute=True) -> Notice:
    application = factories.recommended(
        applicant=applicant,
        municipality=gardelegen,
        programme_year=programme_year,
        clerk=clerk,
        amount=Decimal("2500.00"),
    )
    with capture(execute=execute):
        factories.take(approver, application.pk)
        services.application_approve(approver=approver, application_id=application.pk)
    return Notice.objects.get(application=application, kind=Notice.Kind.APPROVAL)


def test_the_approval_carries_the_anbest_pages(
    applicant, gardelegen, with_anbest, active_members, clerk, approver, django_capture_on_commit_callbacks
):
    notice = approve(applicant, gardelegen, with_anbest, clerk, approver, django_capture_on_commit_callbacks)
    with notice.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    texts = [page.extract_text() for page in reader.pages]
    assert "Zuwendungsbescheid" in texts[0]
    assert "ANBest-Gk Seite 1" in texts[-2] and "ANBest-Gk Seite 2" in texts[-1]
    assert notice.snapshot["attached_pdfs"][0]["name"] == with_anbest.anbest_pdf.name


def test_a_year_without_anbest_renders_the_notice_alone(
    applicant, gardelegen, programme_year, active_members, clerk, approver, django_capture_on_commit_callbacks
):
    notice = approve(applicant, gardelegen, programme_year, clerk, approver, django_capture_on_commit_callbacks)
    assert notice.snapshot["attached_pdfs"] == []
    with notice.pdf.open("rb") as handle:
        assert "ANBest" not in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_a_file_changed_after_issue_is_refused(
    applicant, gardelegen, with_anbest, active_members, clerk, approver, django_capture_on_commit_callbacks
):
    notice = approve(
        applicant, gardelegen, with_anbest, clerk, approver, django_capture_on_commit_callbacks, execute=False
    )
    name = with_anbest.anbest_pdf.name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(anbest_pdf("Andere Fassung")))
    with pytest.raises(ReportsError) as caught:
        notice_render(notice_id=notice.pk)
    assert caught.value.code == "attachment_changed"
    notice.refresh_from_db()
    assert not notice.pdf


def test_a_file_that_is_no_pdf_is_refused(programme_year):
    programme_year.anbest_pdf = ContentFile(b"<html>kein PDF</html>", name="anbest.pdf")
    with pytest.raises(ValidationError) as caught:
        programme_year.full_clean()
    assert caught.value.message_dict["anbest_pdf"] == ["Die Datei ist kein PDF."]
    programme_year.anbest_pdf = ContentFile(anbest_pdf("ANBest-Gk"), name="anbest.pdf")
    programme_year.full_clean()
