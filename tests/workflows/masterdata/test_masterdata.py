"""The office's master-data pages and their services: memberships, the upload, programme
years and text blocks; who may write; every change in the history."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from core.changes import change_history
from core.models import ChangeRecord
from grants.masterdata import (
    MasterDataRefused,
    legal_text_block_update,
    membership_status_record,
    programme_year_update,
)
from grants.models import LegalTextBlock, MembershipStatus, ProgrammeYear
from reports.models import Notice
from workflows.common.notices import notice_issue

EXAMPLE = Path(settings.BASE_DIR) / "fixtures" / "mitglieder-beispiel.csv"
YEAR_FORM = {
    "cap_per_municipality": "5.000,00",
    "budget": "250.000,00",
    "max_day_rate": "900,00",
    "application_deadline": "30.09.2026",
    "invoice_deadline": "15.12.2026",
    "payout_window_start": "01.01.2026",
    "payout_window_end": "15.12.2026",
    "proof_of_use_months": "3",
    "rule_set_version": "2026.2",
}


def csv_upload(text: str, *, name: str = "mitglieder.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


# --- memberships -------------------------------------------------------------------------


def test_a_clerk_records_a_membership_change_and_it_is_in_the_history(client_for, clerk, gardelegen):
    client = client_for(clerk)
    url = reverse("masterdata_membership_detail", kwargs={"ags": gardelegen.ags})
    response = client.post(url, {"status": "active", "since": "01.01.2025", "note": "Beitritt"})
    assert response.status_code == 302
    row = MembershipStatus.objects.get(municipality=gardelegen)
    assert (row.status, row.since, row.note) == ("active", datetime.date(2025, 1, 1), "Beitritt")
    [record] = change_history(subject=gardelegen)
    assert record.actor == clerk and record.action == "grants.membership.recorded"
    assert record.changes["status"] == [None, "active"]
    page = client.get(url).content.decode()
    assert "Beitritt" in page and "01.01.2025" in page


def test_the_same_status_again_is_refused_in_german(clerk, gardelegen):
    membership_status_record(actor=clerk, municipality=gardelegen, status="active", since=datetime.date(2025, 1, 1))
    with pytest.raises(MasterDataRefused, match="bereits »aktiv«"):
        membership_status_record(actor=clerk, municipality=gardelegen, status="active", since=datetime.date(2025, 6, 1))
    assert ChangeRecord.objects.count() == 1


def test_an_approver_reads_memberships_but_may_not_record(client_for, approver, gardelegen):
    client = client_for(approver)
    url = reverse("masterdata_membership_detail", kwargs={"ags": gardelegen.ags})
    assert client.get(url).status_code == 200
    assert "Änderung speichern" not in client.get(url).content.decode()
    assert client.post(url, {"status": "active", "since": "01.01.2025"}).status_code == 403
    assert not MembershipStatus.objects.exists()


# --- upload ------------------------------------------------------------------------------


def test_upload_shows_a_preview_then_imports_the_good_lines(client_for, clerk, gardelegen, bindlach):
    client = client_for(clerk)
    url = reverse("masterdata_membership_upload")
    text = (
        "ags,status,since\n"
        "15081135,aktiv,2024-01-01\n"
        "99999999,aktiv,2024-01-01\n"  # line 3: unknown
        "09472119,Ehrenmitglied,2024-01-01\n"  # line 4: bad status
        "09472119,ruhend,31.12.2026\n"
        '=HYPERLINK("http://evil"),aktiv,2024-01-01\n'  # line 6
    )
    response = client.post(url, {"action": "preview", "file": csv_upload(text)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Zeile 3: Gemeinde 99999999 ist nicht bekannt." in page
    assert "Zeile 4: Status »Ehrenmitglied« ist unbekannt" in page
    assert "Zeile 6: AGS" in page
    assert not MembershipStatus.objects.exists()  # a preview changes nothing
    token = client.session["masterdata_membership_upload"]["token"]

    assert client.post(url, {"action": "import", "token": "falsch"}).status_code == 302
    assert not MembershipStatus.objects.exists()

    response = client.post(url, {"action": "import", "token": token})
    page = response.content.decode()
    assert "2 neu, 0 geändert, 0 unverändert." in page
    assert "Zeile 3" in page
    assert set(MembershipStatus.objects.values_list("municipality__ags", "status")) == {
        ("15081135", "active"),
        ("09472119", "suspended"),
    }
    assert ChangeRecord.objects.filter(action="grants.membership.recorded", actor=clerk).count() == 2
    # The preview is used up: a second click imports nothing twice.
    assert client.post(url, {"action": "import", "token": token}).status_code == 302


def test_upload_reads_excel_cp1252_and_utf8_with_bom(client_for, clerk, gardelegen):
    client = client_for(clerk)
    url = reverse("masterdata_membership_upload")
    for upload in (
        csv_upload("\ufeffags,status,since\n15081135,aktiv,2024-01-01\n"),
        csv_upload("ags,status,since\n15081135,aktiv,2024-01-01\n15081135,ausgesetzt,2025-01-01\n", encoding="cp1252"),
    ):
        response = client.post(url, {"action": "preview", "file": upload})
        assert "Importieren" in response.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("bild.png", b"\x89PNG\r\n\x1a\n\x00\x00"), "CSV-Datei"),
        (SimpleUploadedFile("x.csv", b"\x89PNG\r\n\x1a\n\x00\x00"), "Binärdaten"),
        (SimpleUploadedFile("x.csv", b"a" * (1024 * 1024 + 1)), "größer als 1 MB"),
        (SimpleUploadedFile("x.csv", b"ags;status\n"), "fehlen die Spalten"),
        (SimpleUploadedFile("x.csv", b"\x81\x8d\x8f\x90\x9d"), "weder UTF-8 noch Windows-1252"),
    ],
)
def test_bad_files_are_refused_in_german(client_for, clerk, upload, message):
    response = client_for(clerk).post(reverse("masterdata_membership_upload"), {"action": "preview", "file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_example_file_goes_through_the_page(client_for, clerk, gardelegen, bindlach):
    client = client_for(clerk)
    url = reverse("masterdata_membership_upload")
    client.post(url, {"action": "preview", "file": csv_upload(EXAMPLE.read_text(encoding="utf-8-sig"))})
    token = client.session["masterdata_membership_upload"]["token"]
    client.post(url, {"action": "import", "token": token})
    assert MembershipStatus.objects.filter(municipality=gardelegen).count() == 2


# --- programme years ---------------------------------------------------------------------


def test_an_admin_changes_a_year_and_ledger_totals_stay(client_for, admin_user, programme_year):
    ProgrammeYear.objects.filter(pk=programme_year.pk).update(committed_total=Decimal("1234.00"))
    client = client_for(admin_user)
    url = reverse("masterdata_programme_year_edit", kwargs={"year": programme_year.year})
    data = dict(YEAR_FORM, eligible_cost_types=[str(c.pk) for c in programme_year.eligible_cost_types.all()])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    programme_year.refresh_from_db()
    assert programme_year.max_day_rate == Decimal("900.00")
    assert programme_year.committed_total == Decimal("1234.00")
    [record] = change_history(subject=programme_year)
    assert record.changes["max_day_rate"] == ["850.00", "900.00"]


def test_budget_and_cap_do_not_fall_below_commitments(admin_user, programme_year):
    ProgrammeYear.objects.filter(pk=programme_year.pk).update(committed_total=Decimal("20000.00"))
    values = {
        "cap_per_municipality": Decimal("1000.00"),
        "budget": Decimal("10000.00"),
        "cost_types": list(programme_year.eligible_cost_types.all()),
    }
    with pytest.raises(MasterDataRefused) as refused:
        programme_year_update(
            actor=admin_user,
            programme_year=programme_year,
            municipality_committed_largest=lambda programme_year: Decimal("2550.00"),
            **values,
        )
    assert "gebundenen Mittel" in refused.value.problems["budget"]
    assert "2.550,00 €" in refused.value.problems["cap_per_municipality"]
    programme_year.refresh_from_db()
    assert programme_year.budget == Decimal("250000.00")


def test_the_cap_floor_comes_from_the_ledger(client_for, admin_user, approved, programme_year):
    client = client_for(admin_user)
    url = reverse("masterdata_programme_year_edit", kwargs={"year": programme_year.year})
    data = dict(
        YEAR_FORM,
        cap_per_municipality="2.000,00",
        eligible_cost_types=[str(c.pk) for c in programme_year.eligible_cost_types.all()],
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "2.550,00 €" in response.content.decode()


def test_an_admin_creates_a_year_with_the_text_blocks_of_the_one_before(client_for, admin_user, programme_year):
    LegalTextBlock.objects.create(programme_year=programme_year, kind="remedy", title="RBB", text="Widerspruch")
    client = client_for(admin_user)
    data = dict(
        YEAR_FORM,
        year="2027",
        application_deadline="30.09.2027",
        invoice_deadline="15.12.2027",
        payout_window_start="01.01.2027",
        payout_window_end="15.12.2027",
        eligible_cost_types=[str(c.pk) for c in programme_year.eligible_cost_types.all()],
    )
    response = client.post(reverse("masterdata_programme_year_new"), data)
    assert response.status_code == 302, response.content.decode()
    new = ProgrammeYear.objects.get(year=2027)
    assert new.legal_texts.get().text == "Widerspruch"
    assert change_history(subject=new).get().action == "grants.programme_year.created"
    again = client.post(reverse("masterdata_programme_year_new"), data)
    assert "gibt es bereits" in again.content.decode()


def test_a_clerk_reads_a_year_but_cannot_change_it(client_for, clerk, programme_year):
    client = client_for(clerk)
    url = reverse("masterdata_programme_year_edit", kwargs={"year": programme_year.year})
    assert "Änderungen speichern" not in client.get(url).content.decode()
    assert client.post(url, YEAR_FORM).status_code == 403
    assert client.get(reverse("masterdata_programme_year_new")).status_code == 403


# --- text blocks -------------------------------------------------------------------------


def test_a_text_block_change_leaves_issued_notices_as_they_were(admin_user, approved, programme_year, approver):
    LegalTextBlock.objects.update_or_create(
        programme_year=programme_year, kind="remedy", defaults={"title": "Rechtsbehelfsbelehrung", "text": "Alt"}
    )
    with transaction.atomic():
        notice = notice_issue(application=approved, kind=Notice.Kind.APPROVAL, user=approver)
    before = [block for block in notice.snapshot["legal_texts"] if block["kind"] == "remedy"]
    assert before and before[0]["text"] == "Alt"

    legal_text_block_update(
        actor=admin_user, programme_year=programme_year, kind="remedy", title="Neu", text="Neu", printed=True
    )
    notice.refresh_from_db()
    assert [block for block in notice.snapshot["legal_texts"] if block["kind"] == "remedy"] == before
    record = ChangeRecord.objects.get(action="grants.legal_text.changed")
    assert record.changes["text"] == ["Alt", "Neu"] and record.actor == admin_user


def test_the_text_block_page(client_for, admin_user, programme_year):
    client = client_for(admin_user)
    url = reverse("masterdata_legal_text_edit", kwargs={"year": programme_year.year, "kind": "data_protection"})
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Datenschutz", "text": "Wir speichern\x07", "printed": "on"})
    assert "Steuerzeichen" in response.content.decode()
    assert client.post(url, {"title": "Datenschutz", "text": "a\x00b"}).status_code == 200
    assert not LegalTextBlock.objects.filter(kind="data_protection").exists()
    response = client.post(url, {"title": "Datenschutz", "text": "Wir speichern nur Nötiges.", "printed": "on"})
    assert response.status_code == 302
    assert LegalTextBlock.objects.get(programme_year=programme_year, kind="data_protection").printed
    bad = reverse("masterdata_legal_text_edit", kwargs={"year": programme_year.year, "kind": "unbekannt"})
    assert client.get(bad).status_code == 404


def test_the_overview_is_in_the_navigation_of_office_readers(client_for, controller):
    page = client_for(controller).get(reverse("masterdata_overview")).content.decode()
    assert 'href="/verwaltung/stammdaten/"' in page
    assert "/verwaltung/basiszinssatz/" not in page
