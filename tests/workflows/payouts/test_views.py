"""Payout and SEPA screens through the web: each persona in their own browser session.

The happy path from the municipality's request to the bank's value date, four-eyes,
who sees what (404 for a foreign municipality, 403 for a role without the screen) and
bad input (German messages, no 500, nothing typed lost).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budgets.models import InvoiceFile, LedgerEntry, Payout, SepaBatch
from budgets.sepa import pain001_summary, validate_pain001
from grants.models import Application, CostType
from grants.roles import Role
from tests import factories
from tests.builders import PDF, invoice, pdf, released, request
from workflows.payouts import sepa
from workflows.payouts import services as payouts

P = Payout.Status
S = Application.Status


@pytest.fixture(autouse=True)
def sepa_debtor(settings):
    settings.SEPA_DEBTOR_NAME = "Geschäftsstelle Zukunftsraum Demografie"
    settings.SEPA_DEBTOR_IBAN = "DE89 3704 0044 0532 0130 00"
    settings.SEPA_DEBTOR_BIC = ""
    settings.SEPA_DEBTOR_STREET = "Friedrichstraße"
    settings.SEPA_DEBTOR_BUILDING_NUMBER = "100"
    settings.SEPA_DEBTOR_POSTCODE = "10117"
    settings.SEPA_DEBTOR_TOWN = "Berlin"


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def today_text() -> str:
    return f"{timezone.localdate():%d.%m.%Y}"


def request_data(*, rows=None, files=None, **overrides) -> dict:
    """The "Mittel abrufen" form as a browser sends it: five invoice rows, the address, the files."""
    rows = rows if rows is not None else [{"amount": "2.550,00"}]
    moderation = CostType.objects.get(code="moderation").pk
    data = {
        "rechnungen-TOTAL_FORMS": "5",
        "rechnungen-INITIAL_FORMS": "0",
        "rechnungen-MIN_NUM_FORMS": "0",
        "rechnungen-MAX_NUM_FORMS": "50",
        "amount": "",
        "street": "Rudolf-Breitscheid-Straße",
        "building_number": "3",
        "postcode": "39638",
        "town": "Gardelegen",
        "country": "DE",
        "send": "1",
    }
    for index, row in enumerate(rows):
        values = {
            "issuer": "Moderation Müller GmbH",
            "number": f"R-{index + 1}",
            "invoice_date": today_text(),
            "amount": "1.000,00",
            "cost_type": str(moderation),
        }
        values.update(row)
        data.update({f"rechnungen-{index}-{name}": value for name, value in values.items()})
    data["files"] = [pdf("rechnung.pdf")] if files is None else files
    data.update(overrides)
    return data


def new_url(application) -> str:
    return reverse("applicant_payout_new", kwargs={"pk": application.pk})


def applicant_url(payout) -> str:
    return reverse("applicant_payout_detail", kwargs={"pk": payout.application_id, "payout_pk": payout.pk})


def office_url(payout) -> str:
    return reverse("payout_office_detail", kwargs={"pk": payout.pk})


def file_url(invoice_file) -> str:
    return reverse("invoice_file_download", kwargs={"payout_pk": invoice_file.payout_id, "file_pk": invoice_file.pk})


# --- the happy path -------------------------------------------------------------------------


def test_from_the_request_to_the_value_date(approved, applicant, clerk, approver, django_capture_on_commit_callbacks):
    municipality, clerk_browser, approver_browser = browser(applicant), browser(clerk), browser(approver)

    # The municipality sees what it may still call and requests it with a PDF invoice.
    detail = municipality.get(reverse("applicant_application_detail", kwargs={"pk": approved.pk})).content.decode()
    assert new_url(approved) in detail
    page = municipality.get(new_url(approved)).content.decode()
    assert "Noch abrufbar" in page and "2.550,00" in page
    assert "multiple" in page and 'enctype="multipart/form-data"' in page
    response = municipality.post(new_url(approved), request_data())
    payout = Payout.objects.get()
    assert response.status_code == 302 and response["Location"] == applicant_url(payout)
    assert (payout.status, payout.requested_amount, payout.town) == (P.REQUESTED, Decimal("2550.00"), "Gardelegen")
    [invoice_file] = payout.files.all()
    page = municipality.get(applicant_url(payout)).content.decode()
    assert payout.number in page and "abgerufen" in page
    assert (
        municipality.get(reverse("applicant_application_detail", kwargs={"pk": approved.pk}))
        .content.decode()
        .count(payout.number)
    )

    # The clerk finds it in the queue, reads the invoice and accepts the amount as requested.
    queue = clerk_browser.get(reverse("payout_queue")).content.decode()
    assert payout.number in queue
    page = clerk_browser.get(office_url(payout)).content.decode()
    assert file_url(invoice_file) in page and 'value="2.550,00"' in page
    download = clerk_browser.get(file_url(invoice_file))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"] and "rechnung.pdf" in download["Content-Disposition"]
    response = clerk_browser.post(office_url(payout), {"action": "check", "pruefung-amount": "2.550,00"})
    assert response.status_code == 302
    payout.refresh_from_db()
    assert (payout.status, payout.checked_amount, payout.checked_by) == (P.CHECKED, Decimal("2550.00"), clerk)

    # The approver releases it.
    assert "Zur Auszahlung freigeben" in approver_browser.get(office_url(payout)).content.decode()
    assert approver_browser.post(office_url(payout), {"action": "release"}).status_code == 302
    payout.refresh_from_db()
    assert (payout.status, payout.released_by) == (P.RELEASED, approver)

    # The SEPA page shows count and sum first; the batch is created from exactly that.
    page = approver_browser.get(reverse("sepa_overview")).content.decode()
    assert "SEPA-Datei mit 1 Auszahlung über 2.550,00" in page
    response = approver_browser.post(
        reverse("sepa_overview"), {"expected_count": "1", "expected_total": "2550.00", "execution_date": ""}
    )
    batch = SepaBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sepa_batch_detail", kwargs={"pk": batch.pk})

    # The XML: an attachment named after the batch, valid against the XSD, with the payout's figures.
    download = approver_browser.get(reverse("sepa_batch_download", kwargs={"pk": batch.pk}))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/xml")
    assert download["Content-Disposition"] == f'attachment; filename="{batch.number}.xml"'
    validate_pain001(download.content)
    summary = pain001_summary(download.content)
    assert (summary.transaction_count, summary.control_sum, summary.end_to_end_ids) == (
        1,
        Decimal("2550.00"),
        (payout.number,),
    )

    # Handed to the bank, then booked with the bank's value date.
    batch_url = reverse("sepa_batch_detail", kwargs={"pk": batch.pk})
    assert approver_browser.post(batch_url, {"action": "export"}).status_code == 302
    batch.refresh_from_db()
    assert batch.status == SepaBatch.Status.EXPORTED
    response = approver_browser.post(batch_url, {"action": "book", "buchung-value_date": today_text()})
    assert response.status_code == 302
    batch.refresh_from_db()
    payout.refresh_from_db()
    approved.refresh_from_db()
    assert batch.status == SepaBatch.Status.BOOKED and batch.value_date == timezone.localdate()
    assert payout.status == P.PAID
    assert approved.status == S.PAID
    [entry] = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT)
    assert (entry.amount, entry.payout) == (Decimal("2550.00"), payout)

    # Booking the same statement again has no second effect.
    response = approver_browser.post(batch_url, {"action": "book", "buchung-value_date": today_text()})
    assert response.status_code == 200
    assert "bereits" in response.content.decode()
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).count() == 1


def test_documents_requested_answered_with_files_then_withdrawn(approved, applicant, clerk):
    municipality, clerk_browser = browser(applicant), browser(clerk)
    payout = request(approved, applicant, invoice("1000.00"))
    response = clerk_browser.post(
        office_url(payout), {"action": "request_documents", "unterlagen-message": "Bitte den Kontoauszug nachreichen."}
    )
    assert response.status_code == 302
    payout.refresh_from_db()
    assert payout.status == P.DOCUMENTS_REQUESTED

    page = municipality.get(applicant_url(payout)).content.decode()
    assert "Bitte den Kontoauszug nachreichen." in page
    # An answer without text is refused; the files must be chosen again and nothing is stored.
    response = municipality.post(
        applicant_url(payout), {"action": "answer", "antwort-answer": "", "antwort-files": [pdf("auszug.pdf")]}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Bitte geben Sie Ihre Antwort ein." in content and "erneut aus" in content
    assert payout.files.count() == 1
    response = municipality.post(
        applicant_url(payout),
        {"action": "answer", "antwort-answer": "Kontoauszug anbei.", "antwort-files": [pdf("auszug.pdf")]},
    )
    assert response.status_code == 302
    payout.refresh_from_db()
    assert payout.status == P.REQUESTED
    assert sorted(payout.files.values_list("original_name", flat=True)) == ["auszug.pdf", "rechnung.pdf"]

    withdraw = reverse("applicant_payout_withdraw", kwargs={"pk": approved.pk, "payout_pk": payout.pk})
    assert municipality.get(withdraw).status_code == 200
    assert municipality.post(withdraw, {"reason": "Falsche Rechnung."}).status_code == 302
    payout.refresh_from_db()
    assert payout.status == P.WITHDRAWN


def test_clerk_reduces_only_with_a_reason_and_rejects_with_one(approved, applicant, clerk):
    clerk_browser = browser(clerk)
    payout = request(approved, applicant, invoice("2000.00"))

    response = clerk_browser.post(office_url(payout), {"action": "check", "pruefung-amount": "1.500,00"})
    assert response.status_code == 200
    assert "Bitte begründen Sie die Kürzung." in response.content.decode()
    response = clerk_browser.post(
        office_url(payout),
        {"action": "check", "pruefung-amount": "1.500,00", "pruefung-note": "Bewirtung nicht förderfähig."},
    )
    assert response.status_code == 302
    payout.refresh_from_db()
    assert (payout.checked_amount, payout.check_note) == (Decimal("1500.00"), "Bewirtung nicht förderfähig.")

    other = request(approved, applicant, invoice("100.00", number="R-2"))
    response = clerk_browser.post(office_url(other), {"action": "reject", "ablehnung-reason": ""})
    assert response.status_code == 200
    response = clerk_browser.post(office_url(other), {"action": "reject", "ablehnung-reason": "Doppelt eingereicht."})
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.status, other.rejection_reason) == (P.REJECTED, "Doppelt eingereicht.")


def test_invoices_before_the_approval_are_flagged_in_the_queue_and_on_the_page(approved, applicant, clerk):
    approval_day = timezone.localdate(approved.decided_at)
    payout = request(approved, applicant, invoice("400.00", number="R-early", day=approval_day - datetime.timedelta(1)))
    clerk_browser = browser(clerk)

    queue = clerk_browser.get(reverse("payout_queue")).content.decode()
    assert "Vorzeitiger Maßnahmebeginn?" in queue and "R-early" in queue
    page = clerk_browser.get(office_url(payout)).content.decode()
    assert "Vorzeitiger Maßnahmebeginn?" in page and "vor Maßnahmebeginn" in page
    # Accepting without a word is refused; the reason is asked for.
    response = clerk_browser.post(office_url(payout), {"action": "check", "pruefung-amount": "400,00"})
    assert response.status_code == 200
    assert "Prüfvermerk" in response.content.decode()
    payout.refresh_from_db()
    assert payout.status == P.REQUESTED


# --- four-eyes ---------------------------------------------------------------------------------


def test_who_checked_sees_a_notice_instead_of_the_release_button(approved, applicant, approver):
    both = factories.user_with_roles("beides", Role.CLERK, Role.APPROVER)
    payout = request(approved, applicant)
    both_browser = browser(both)
    assert both_browser.post(office_url(payout), {"action": "check", "pruefung-amount": "1.000,00"}).status_code == 302

    page = both_browser.get(office_url(payout)).content.decode()
    assert "Vier-Augen-Prinzip" in page
    assert 'value="release"' not in page
    assert "von Ihnen geprüft" in both_browser.get(reverse("payout_queue")).content.decode()
    # The service refuses a forged POST as well.
    response = both_browser.post(office_url(payout), {"action": "release"}, follow=True)
    assert "Vier-Augen-Prinzip" in response.content.decode()
    payout.refresh_from_db()
    assert payout.status == P.CHECKED

    approver_browser = browser(approver)
    assert 'value="release"' in approver_browser.get(office_url(payout)).content.decode()
    approver_browser.post(office_url(payout), {"action": "release"})
    payout.refresh_from_db()
    assert (payout.status, payout.released_by) == (P.RELEASED, approver)


def test_a_clerk_cannot_release_or_create_a_sepa_file(approved, applicant, clerk, approver):
    payout = request(approved, applicant)
    payouts.payout_check(clerk=approver_clerk(), payout_id=payout.pk)
    clerk_browser = browser(clerk)
    assert 'value="release"' not in clerk_browser.get(office_url(payout)).content.decode()
    response = clerk_browser.post(office_url(payout), {"action": "release"}, follow=True)
    assert "Ihrer Rolle nicht erlaubt" in response.content.decode()
    payout.refresh_from_db()
    assert payout.status == P.CHECKED

    payouts.payout_release(approver=approver, payout_id=payout.pk)
    assert clerk_browser.get(reverse("sepa_overview")).status_code == 200
    response = clerk_browser.post(reverse("sepa_overview"), {"expected_count": "1", "expected_total": "1000.00"})
    assert response.status_code == 403
    assert not SepaBatch.objects.exists()


def approver_clerk():
    return factories.user_with_roles("pruefung-2", Role.CLERK)


# --- who sees what -------------------------------------------------------------------------------


def test_foreign_applicant_gets_404_on_every_payout_page_and_file(approved, applicant, foreign_applicant):
    payout = request(approved, applicant)
    invoice_file = payout.files.get()
    foreign = browser(foreign_applicant)
    withdraw = reverse("applicant_payout_withdraw", kwargs={"pk": approved.pk, "payout_pk": payout.pk})

    for url in (new_url(approved), applicant_url(payout), withdraw, file_url(invoice_file)):
        assert foreign.get(url).status_code == 404, url
    assert foreign.post(new_url(approved), request_data()).status_code == 404
    assert foreign.post(applicant_url(payout), {"action": "answer", "antwort-answer": "x"}).status_code == 404
    assert foreign.post(withdraw, {"reason": ""}).status_code == 404
    payout.refresh_from_db()
    assert payout.status == P.REQUESTED
    assert Payout.objects.count() == 1

    # The right applicant, but a file of another payout number in the URL: 404 as well.
    own = browser(applicant)
    other_url = reverse("invoice_file_download", kwargs={"payout_pk": payout.pk + 1, "file_pk": invoice_file.pk})
    assert own.get(other_url).status_code == 404
    assert own.get(file_url(invoice_file)).status_code == 200


def test_controller_reads_payout_pages_gets_403_on_their_actions_and_applicants_on_office_pages(
    approved, applicant, clerk, approver, controller
):
    payout = released(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    batch = sepa.sepa_batch_create(approver=approver)
    controlling = browser(controller)
    municipality = browser(applicant)
    office_pages = [
        reverse("payout_queue"),
        office_url(payout),
        reverse("sepa_overview"),
        reverse("sepa_batch_detail", kwargs={"pk": batch.pk}),
    ]
    for url in office_pages:
        assert controlling.get(url).status_code == 200, url
        assert municipality.get(url).status_code == 403, url
    # The bank file is the approvers' alone.
    download = reverse("sepa_batch_download", kwargs={"pk": batch.pk})
    assert controlling.get(download).status_code == municipality.get(download).status_code == 403
    assert controlling.post(office_url(payout), {"action": "release"}).status_code == 403
    assert (
        controlling.post(reverse("sepa_batch_detail", kwargs={"pk": batch.pk}), {"action": "export"}).status_code == 403
    )
    assert controlling.get(file_url(payout.files.get())).status_code == 200
    assert browser(clerk).get(reverse("sepa_batch_download", kwargs={"pk": batch.pk})).status_code == 403
    batch.refresh_from_db()
    assert batch.status == SepaBatch.Status.CREATED


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"amount": "abc"}, "Bitte geben Sie einen Betrag in Euro ein"),
        ({"amount": "-5,00"}, "mindestens 0,01"),
        ({"amount": "99999999999999999999"}, "höchstens 9.999.999,99"),
        ({"amount": "1e400"}, "höchstens 9.999.999,99"),
        ({"amount": "NaN"}, "Bitte geben Sie einen Betrag in Euro ein"),
        ({"invoice_date": "31.02.2026"}, "Den 31.02.2026 gibt es nicht"),
        ({"invoice_date": "morgen"}, "TT.MM.JJJJ"),
        ({"issuer": ""}, "Bitte geben Sie den Rechnungssteller an."),
        ({"cost_type": "999999"}, "Auswahl"),
    ],
)
def test_bad_invoice_rows_are_explained_and_kept(approved, applicant, row, message):
    response = browser(applicant).post(new_url(approved), request_data(rows=[row]))
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    for name, value in row.items():
        if value and name != "cost_type":
            assert f'value="{value}"' in content
    # Typed elsewhere: kept. Files: to be chosen again, and the page says so.
    assert 'value="Rudolf-Breitscheid-Straße"' in content
    assert "Bitte wählen Sie die Belege erneut aus" in content
    assert not Payout.objects.exists()
    assert not InvoiceFile.objects.exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [SimpleUploadedFile("rechnung.pdf", b"kein pdf", content_type="application/pdf")],
            "keine PDF-, PNG- oder JPEG",
        ),
        (
            [SimpleUploadedFile("rechnung.exe", b"MZ\x90\x00" + b"\x00" * 60, content_type="application/pdf")],
            "keine PDF",
        ),
        ([SimpleUploadedFile("rechnung.png", PDF, content_type="image/png")], "passt nicht zu ihrer Endung"),
        ([SimpleUploadedFile("leer.pdf", b"", content_type="application/pdf")], "leer"),
        ([], "Bitte wählen Sie mindestens eine Datei aus."),
    ],
)
def test_wrong_files_are_refused_with_a_german_message(approved, applicant, media, files, message):
    response = browser(applicant).post(new_url(approved), request_data(files=files))
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert "erneut aus" in content or not files
    assert 'value="Moderation Müller GmbH"' in content
    assert not Payout.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_refusals_of_the_service_are_shown_on_the_form(approved, applicant):
    municipality = browser(applicant)
    # More than may be called: the service's message, the rows kept.
    response = municipality.post(new_url(approved), request_data(rows=[{"amount": "3.000,00"}]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "abrufbar noch 2.550,00" in content and 'value="3.000,00"' in content
    # A date in the future, an address without town, an empty form.
    tomorrow = f"{timezone.localdate() + datetime.timedelta(days=1):%d.%m.%Y}"
    response = municipality.post(new_url(approved), request_data(rows=[{"invoice_date": tomorrow}]))
    assert "in der Zukunft datiert" in response.content.decode()
    response = municipality.post(new_url(approved), request_data(town=""))
    assert "Bitte geben Sie den Ort des Zahlungsempfängers an." in response.content.decode()
    response = municipality.post(new_url(approved), request_data(rows=[]))
    assert "mindestens eine bezahlte Rechnung" in response.content.decode()
    response = municipality.post(new_url(approved), {})
    assert response.status_code == 200
    assert "unvollständig angekommen" in response.content.decode()
    assert not Payout.objects.exists()


def test_more_rows_keep_what_was_typed(approved, applicant):
    rows = [{"amount": f"{index + 1}0,00", "number": f"R-{index}"} for index in range(5)]
    data = request_data(rows=rows)
    data.pop("send")
    data["more_rows"] = "1"
    response = browser(applicant).post(new_url(approved), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="rechnungen-TOTAL_FORMS" value="10"' in content
    assert 'value="R-4"' in content and 'value="50,00"' in content
    assert "Belege erneut auswählen" in content
    assert not Payout.objects.exists()


def test_bad_office_input_is_explained(approved, applicant, clerk, approver):
    payout = request(approved, applicant, invoice("1000.00"))
    clerk_browser = browser(clerk)
    for typed, message in [
        ("abc", "Bitte geben Sie einen Betrag in Euro ein"),
        ("-1", "mindestens 0,01"),
        ("1.000,01", "nicht übersteigen"),
        ("", "Bitte geben Sie einen Betrag an."),
    ]:
        response = clerk_browser.post(office_url(payout), {"action": "check", "pruefung-amount": typed})
        assert response.status_code == 200
        assert message in response.content.decode(), typed
    assert clerk_browser.post(office_url(payout), {"action": "unknown"}).status_code == 302

    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    payouts.payout_release(approver=approver, payout_id=payout.pk)
    approver_browser = browser(approver)
    # The page was rendered for one payout; by the time it is sent there are two: shown again, nothing created.
    response = approver_browser.post(reverse("sepa_overview"), {"expected_count": "2", "expected_total": "2000.00"})
    assert response.status_code == 200 and "erneut" in response.content.decode()
    yesterday = f"{timezone.localdate() - datetime.timedelta(days=1):%d.%m.%Y}"
    response = approver_browser.post(
        reverse("sepa_overview"), {"expected_count": "1", "expected_total": "1000.00", "execution_date": yesterday}
    )
    assert response.status_code == 200 and "Vergangenheit" in response.content.decode()
    assert not SepaBatch.objects.exists()

    batch = sepa.sepa_batch_create(approver=approver)
    sepa.sepa_batch_mark_exported(approver=approver, batch_id=batch.pk)
    batch_url = reverse("sepa_batch_detail", kwargs={"pk": batch.pk})
    for typed, message in [
        ("31.02.2026", "Den 31.02.2026 gibt es nicht"),
        ("", "Bitte geben Sie ein Datum an"),
        (f"{timezone.localdate() + datetime.timedelta(days=1):%d.%m.%Y}", "nicht in der Zukunft"),
    ]:
        response = approver_browser.post(batch_url, {"action": "book", "buchung-value_date": typed})
        assert response.status_code == 200
        assert message in response.content.decode(), typed
    batch.refresh_from_db()
    assert batch.status == SepaBatch.Status.EXPORTED


def test_no_request_for_an_application_that_is_not_approved(applicant, gardelegen, programme_year, active_members):
    application = factories.in_review(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    municipality = browser(applicant)
    response = municipality.get(new_url(application), follow=True)
    assert "nur für einen bewilligten Antrag" in response.content.decode()
    assert municipality.post(new_url(application), request_data()).status_code == 302
    assert not Payout.objects.exists()
