"""One application through the web pages, in a real browser, from the applicant's first
form to the approval notice and the controller's annual report. Each persona uses a
browser context of their own and logs in through the login form; every page seen is
screenshotted and checked with axe (see conftest.py).

The applicant drafts on 30.09.2026, the last day of the programme year's application
period, and submits the next morning: the deadline rule fails and the clerk overrides it
with a reason.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from grants.models import Application
from tests.clock import DEADLINE_DAY, berlin

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

S = Application.Status
DOCUMENTS_MISSING = "documents not yet available"


@pytest.fixture
def setting(applicant, clerk, approver, controller, gardelegen, programme_year, active_members, structural_c):
    return programme_year


@pytest.fixture
def offer_pdf(tmp_path):
    """A small real PDF: the consultant's offer."""
    path = tmp_path / "angebot-moderation.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 770, "Angebot: Moderation von zwei Demografie-Werkstätten")
    pdf.drawString(72, 750, "3 Tage zu je 850,00 EUR")
    pdf.save()
    return path


def fill_application(page) -> None:
    page.get_by_label("Titel des Vorhabens").fill("Demografie-Werkstatt Gardelegen")
    page.get_by_label("Zweck").select_option(label="Moderation")
    page.get_by_label("Ziele").fill("Leitbild für die Ortsteile")
    page.locator("#id_description").fill("Zwei moderierte Werkstätten mit Bürgerinnen und Bürgern.")
    page.get_by_label("Beginn des Vorhabens").fill("01.12.2026")
    page.get_by_label("Ende des Vorhabens").fill("20.12.2026")
    page.get_by_label("Beantragter Betrag (EUR)").fill("2.670,00")
    # The cost plan: two of the three empty rows.
    page.locator("#id_kosten-0-cost_type").select_option(label="Moderation")
    page.locator("#id_kosten-0-description").fill("Moderation zweier Werkstätten")
    page.locator("#id_kosten-0-days").fill("3")
    page.locator("#id_kosten-0-day_rate").fill("850,00")
    page.locator("#id_kosten-1-cost_type").select_option(label="Reisekosten")
    page.locator("#id_kosten-1-description").fill("Fahrtkosten der Moderatorin")
    page.locator("#id_kosten-1-flat_amount").fill("120,00")
    page.get_by_role("textbox", name="Ansprechperson", exact=True).fill("Anja Antrag")
    page.get_by_role("textbox", name="E-Mail der Ansprechperson").fill("kontakt@gardelegen.example")
    page.get_by_role("textbox", name="Telefon").fill("03907 123")
    page.get_by_role("textbox", name="Kontoinhaber").fill("Hansestadt Gardelegen")
    page.get_by_role("textbox", name="IBAN").fill("DE89 3704 0044 0532 0130 00")
    page.locator("#id_declaration_no_early_start").check()
    page.locator("#id_declaration_no_double_funding").check()


def expect_message(page, text: str) -> None:
    """A message of the page (success, warning, error) above the content."""
    expect(page.locator(".site-messages")).to_contain_text(text)


def nav(page, name: str):
    """A link of the main navigation."""
    return page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name=name, exact=True)


def open_from_queue(persona, file_number: str, name: str) -> None:
    nav(persona.page, "Arbeitskorb").click()
    persona.seen("queue")
    persona.page.get_by_role("link", name=file_number).click()
    persona.seen(name)


def claim_if_needed(persona, name: str) -> None:
    page = persona.page
    if page.get_by_text("Sie bearbeiten diese Aufgabe.").count():
        return
    page.get_by_role("button", name="Übernehmen").click()
    expect_message(page, "Sie haben die Aufgabe übernommen.")
    persona.seen(name)


def url_exists(name: str, **kwargs) -> bool:
    try:
        reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return False
    return True


@pytest.mark.now(DEADLINE_DAY)
def test_from_application_to_notice_and_annual_report(ids_in_the_thousands, e2e, setting, offer_pdf, clock):
    missing: list[str] = []

    # (a) The applicant drafts with a cost plan, attaches the offer and submits.
    municipality = e2e.persona("antrag")
    municipality.login("antrag")
    page = municipality.page
    expect(page.get_by_role("heading", name="Meine Anträge", level=1)).to_be_visible()
    page.get_by_role("link", name="Neuer Antrag").click()
    municipality.seen("new-application")
    fill_application(page)
    page.get_by_role("button", name="Entwurf speichern").click()
    expect_message(page, "Der Entwurf wurde gespeichert.")
    expect(page.get_by_text("Summe des Kostenplans: 2.670,00 €")).to_be_visible()
    municipality.seen("draft-saved")

    page.get_by_label("Datei", exact=True).set_input_files(offer_pdf)
    page.get_by_role("button", name="Datei hochladen").click()
    expect_message(page, "Die Anlage »angebot-moderation.pdf« wurde hochgeladen.")
    municipality.seen("attachment-uploaded")

    clock.move_to(berlin(2026, 10, 1, 9, 0))  # the morning after the deadline day
    page.get_by_role("button", name="Einreichen").click()
    expect_message(page, "Ihr Antrag wurde eingereicht.")
    municipality.seen("submitted")
    application = Application.objects.get()
    assert application.pk > 12_000
    assert application.status == S.IN_REVIEW
    assert application.cost_total == Decimal("2670.00")
    assert application.attachments.get().original_name == "angebot-moderation.pdf"
    failed = set(application.eligibility_results.filter(current=True, outcome="failed").values_list("rule", flat=True))
    assert failed == {"deadline"}, failed
    file_number = application.file_number
    expect_message(page, f"Aktenzeichen: {file_number}")
    assert any("Eingangsbestätigung" in message.subject for message in mail.outbox)

    # (b) The clerk claims it from the queue and asks a question.
    clerk = e2e.persona("sachbearbeitung")
    clerk.login("sachbearbeitung")
    # The start page says what is due; the queue is one click away.
    expect(clerk.page.get_by_role("heading", name="Übersicht", level=1)).to_be_visible()
    nav(clerk.page, "Arbeitskorb").click()
    clerk.seen("queue")
    expect(clerk.page.get_by_role("heading", name="Arbeitskorb", level=1)).to_be_visible()
    row = clerk.page.get_by_role("row").filter(has_text=file_number)
    expect(row).to_contain_text("GRW-Fördergebiet C")
    clerk.page.get_by_role("link", name=file_number).click()
    clerk.seen("review")
    with clerk.page.expect_download() as download_info:
        clerk.page.get_by_role("region", name="Anlagen").get_by_role("link", name="angebot-moderation.pdf").click()
    assert download_info.value.path().read_bytes() == offer_pdf.read_bytes()
    claim_if_needed(clerk, "review-claimed")
    clerk.page.get_by_label("Ihre Rückfrage an die Kommune").fill("Bitte reichen Sie die Tagesordnung nach.")
    clerk.page.get_by_role("button", name="Rückfrage senden").click()
    expect_message(clerk.page, "Die Rückfrage ist an die Kommune gegangen.")
    clerk.seen("info-requested")
    application.refresh_from_db()
    assert application.status == S.INFO_REQUESTED

    # (a, later) The applicant reads the question and answers: first empty, then properly.
    nav(page, "Meine Anträge").click()
    municipality.seen("home-info-requested")
    page.get_by_role("link", name="Demografie-Werkstatt Gardelegen").click()
    municipality.seen("detail-info-requested")
    expect(page.locator(".kern-alert").filter(has_text="Rückfrage der Geschäftsstelle")).to_contain_text(
        "Bitte reichen Sie die Tagesordnung nach."
    )
    page.get_by_role("button", name="Antwort senden").click()
    expect(page).to_have_title(re.compile(r"^Fehler:"))
    expect(page.locator(".kern-error").filter(has_text="Bitte geben Sie Ihre Antwort ein.")).to_be_visible()
    municipality.seen("answer-error")
    page.get_by_label("Ihre Antwort").fill("Die Tagesordnung liegt als Anlage bei.")
    page.get_by_role("button", name="Antwort senden").click()
    expect_message(page, "Ihre Antwort wurde übermittelt. Der Antrag ist wieder in Prüfung.")
    municipality.seen("answered")
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW

    # (b, later) The clerk overrides the missed deadline and recommends a reduced approval.
    open_from_queue(clerk, file_number, "review-answered")
    expect(clerk.page.get_by_role("region", name="Verlauf")).to_contain_text("Die Tagesordnung liegt als Anlage bei.")
    claim_if_needed(clerk, "review-claimed-again")
    override = clerk.page.locator("form").filter(
        has=clerk.page.get_by_role("group", name="Regel »Antragsfrist« übersteuern")
    )
    override.get_by_label("Begründung der Übersteuerung").fill("Fristverlängerung per Erlass vom 01.10.2026.")
    override.get_by_role("button", name="Übersteuern").click()
    expect_message(clerk.page, "Die Regel ist übersteuert; die Begründung ist protokolliert.")
    clerk.seen("deadline-overridden")

    recommend = clerk.page.locator("form").filter(has=clerk.page.get_by_role("group", name="Bewilligung empfehlen"))
    recommend.get_by_label("Empfohlener Betrag (EUR)").fill("2.500,00")
    recommend.get_by_role("button", name="Bewilligung empfehlen").click()
    expect(clerk.page).to_have_title(re.compile(r"^Fehler:"))
    summary = clerk.page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Angaben.")
    expect(summary.get_by_role("link", name=re.compile(r"^Begründung der Empfehlung: "))).to_be_visible()
    clerk.seen("recommend-error")
    recommend = clerk.page.locator("form").filter(has=clerk.page.get_by_role("group", name="Bewilligung empfehlen"))
    expect(recommend.get_by_label("Empfohlener Betrag (EUR)")).to_have_value("2.500,00")
    recommend.get_by_label("Begründung der Empfehlung").fill("Fördervoraussetzungen erfüllt; Reisekosten gekürzt.")
    recommend.get_by_role("button", name="Bewilligung empfehlen").click()
    expect_message(clerk.page, "Die Bewilligung ist empfohlen")
    clerk.seen("recommended")
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    assert application.recommended_amount == Decimal("2500.00")

    # (c) Another person, the approver, decides.
    approver = e2e.persona("bewilligung")
    approver.login("bewilligung")
    nav(approver.page, "Arbeitskorb").click()
    approver.seen("queue")
    approver.page.get_by_role("link", name=file_number).click()
    approver.seen("decision")
    expect(approver.page.get_by_role("heading", name=f"Entscheidung über Antrag {file_number}")).to_be_visible()
    claim_if_needed(approver, "decision-claimed")
    approver.page.get_by_label("Vermerk zur Bewilligung").fill("Bewilligt wie empfohlen.")
    approver.page.get_by_role("button", name="Bewilligen", exact=True).click()
    expect_message(approver.page, "Der Antrag ist bewilligt; die Mittel sind gebunden.")
    approver.seen("approved")
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.approved_amount == Decimal("2500.00")

    # (d) The applicant sees the decision and downloads the approval notice.
    nav(page, "Meine Anträge").click()
    municipality.seen("home-approved")
    page.get_by_role("link", name="Demografie-Werkstatt Gardelegen").click()
    municipality.seen("detail-approved")
    expect(page.locator(".kern-badge").filter(has_text="bewilligt")).to_be_visible()
    if not url_exists("notice_download", pk=1):
        missing.append("notice_download does not resolve")
    else:
        notice_link = page.locator("a[href*='/bescheide/']")
        for _attempt in range(5):  # the PDF is rendered after commit; "wird erstellt" until then
            if notice_link.count():
                break
            page.wait_for_timeout(1000)
            page.reload()
            municipality.seen("detail-approved-reloaded")
        if not notice_link.count():
            missing.append("no notice link on the application page")
        else:
            with page.expect_download() as download_info:
                notice_link.first.click()
            data = download_info.value.path().read_bytes()
            assert data.startswith(b"%PDF")
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
            assert file_number in text
            assert "2.500,00" in text

    # (e) The controller downloads the annual report.
    controller = e2e.persona("controlling")
    controller.login("controlling")
    expect(controller.page.get_by_role("heading", name="Berichte", level=1)).to_be_visible()
    if not url_exists("annual_report", year=2026):
        missing.append("annual_report does not resolve")
    else:
        controller.page.get_by_role("link", name="Jahresbericht 2026 (Excel)").click()
        controller.seen("annual-report")
        controller.page.get_by_role("button", name="Jahresbericht erstellen").click()
        download_link = controller.page.get_by_role("link", name=re.compile(r"^Herunterladen"))
        expect(download_link).to_be_visible(timeout=60_000)  # the page refreshes itself while running
        controller.seen("annual-report-done")
        with controller.page.expect_download() as download_info:
            download_link.first.click()
        data = download_info.value.path().read_bytes()
        assert data.startswith(b"PK")
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        cells = {str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row}
        assert file_number in cells

    e2e.assert_accessible()
    if missing:
        pytest.skip(f"{DOCUMENTS_MISSING}: {'; '.join(missing)}")
