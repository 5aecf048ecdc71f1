"""Who may download notices and reports: the owner and the office get the file, a
foreign applicant gets 404; reports are for controllers and administrators only."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import Notice, ReportExport
from tests import factories
from workflows.applications import services


@pytest.fixture
def notice(applicant, gardelegen, programme_year, active_members, clerk, approver, django_capture_on_commit_callbacks):
    application = factories.recommended(
        applicant=applicant,
        municipality=gardelegen,
        programme_year=programme_year,
        clerk=clerk,
        amount=Decimal("2500.00"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        factories.take(approver, application.pk)
        services.application_approve(approver=approver, application_id=application.pk)
    return Notice.objects.get(application=application, kind=Notice.Kind.APPROVAL)


def url(notice: Notice) -> str:
    return reverse("notice_download", kwargs={"pk": notice.pk})


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_applicant_downloads_the_own_notice(client_for, applicant, notice):
    response = client_for(applicant).get(url(notice))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{notice.number}.pdf"' in response["Content-Disposition"]
    assert hashlib.sha256(body(response)).hexdigest() == notice.sha256


def test_a_foreign_applicant_gets_404(client_for, foreign_applicant, notice):
    assert client_for(foreign_applicant).get(url(notice)).status_code == 404


@pytest.mark.parametrize("persona", ["clerk", "approver", "controller", "admin_user"])
def test_the_programme_office_downloads_every_notice(client_for, request, notice, persona):
    response = client_for(request.getfixturevalue(persona)).get(url(notice))
    assert response.status_code == 200
    assert body(response).startswith(b"%PDF")


def test_anonymous_visitors_are_sent_to_the_login(client, notice):
    response = client.get(url(notice))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_notice_that_does_not_exist_is_404(client_for, applicant, db):
    assert client_for(applicant).get(reverse("notice_download", kwargs={"pk": 999999})).status_code == 404


def test_a_notice_still_being_rendered_says_so(
    client_for, applicant, gardelegen, programme_year, active_members, clerk, approver
):
    application = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    factories.take(approver, application.pk)
    services.application_approve(approver=approver, application_id=application.pk)  # no commit: no PDF yet
    notice = Notice.objects.get(application=application)
    response = client_for(applicant).get(url(notice))
    assert response.status_code == 503
    assert "wird noch erstellt" in response.content.decode()


def test_a_changed_file_is_not_served(client_for, applicant, notice):
    with open(notice.pdf.path, "ab") as handle:
        handle.write(b"% angehaengt")
    response = client_for(applicant).get(url(notice))
    assert response.status_code == 500
    assert "beschädigt" in response.content.decode()


def test_the_application_page_lists_its_notices(client_for, applicant, notice):
    response = client_for(applicant).get(reverse("applicant_application_detail", kwargs={"pk": notice.application_id}))
    assert response.status_code == 200
    content = response.content.decode()
    assert notice.number in content
    assert url(notice) in content


# --- annual report -------------------------------------------------------------------------------


def report_url(year: int = 2026) -> str:
    return reverse("annual_report", kwargs={"year": year})


@pytest.mark.parametrize("persona", ["applicant", "clerk", "approver"])
def test_reports_are_refused_to_other_roles(client_for, request, programme_year, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(report_url()).status_code == 403
    assert client.post(report_url()).status_code == 403
    assert not ReportExport.objects.exists()


def test_the_controller_starts_the_annual_report_and_downloads_it(
    client_for, controller, notice, django_capture_on_commit_callbacks
):
    client = client_for(controller)
    page = client.get(report_url())
    assert page.status_code == 200
    assert "im Hintergrund" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url())
    assert response.status_code == 302
    export = ReportExport.objects.get()
    assert export.status == ReportExport.Status.DONE, export.error
    assert export.file.name.startswith("reports/")
    page = client.get(report_url())
    download = reverse("report_export_download", kwargs={"pk": export.pk})
    assert download in page.content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="annual-report-2026-')
    data = body(response)
    assert hashlib.sha256(data).hexdigest() == export.sha256
    workbook = load_workbook(io.BytesIO(data))
    assert "Anträge" in workbook.sheetnames
    assert workbook["Anträge"]["A2"].value == notice.application.file_number


def test_a_second_request_while_one_runs_starts_nothing(client_for, admin_user, controller, programme_year):
    ReportExport.objects.create(exporter="annual_report", year=2026, requested_by=controller)
    response = client_for(admin_user).post(report_url(), follow=True)
    assert "bereits erstellt" in response.content.decode()
    assert ReportExport.objects.count() == 1


def test_a_running_export_shows_its_progress(client_for, controller, programme_year):
    ReportExport.objects.create(
        exporter="annual_report",
        year=2026,
        requested_by=controller,
        status=ReportExport.Status.RUNNING,
        rows_total=100000,
        rows_written=25000,
    )
    content = client_for(controller).get(report_url()).content.decode()
    assert "25.000 von 100.000 Zeilen (25 %)" in content
    assert 'http-equiv="refresh"' in content


def test_unknown_year_is_404(client_for, controller, programme_year):
    assert client_for(controller).get(report_url(1999)).status_code == 404


def test_exports_are_only_for_controllers_and_admins(client_for, controller, clerk, programme_year, media):
    export = ReportExport.objects.create(
        exporter="annual_report", year=2026, requested_by=controller, status="done", file="reports/x.xlsx"
    )
    (media / "reports").mkdir()
    (media / "reports" / "x.xlsx").write_bytes(b"PK")
    download = reverse("report_export_download", kwargs={"pk": export.pk})
    assert client_for(clerk).get(download).status_code == 403


def test_the_reports_page_links_the_annual_report(client_for, controller, programme_year):
    content = client_for(controller).get(reverse("reports_home")).content.decode()
    assert report_url() in content
