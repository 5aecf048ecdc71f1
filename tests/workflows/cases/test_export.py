"""The list exported to Excel: the same rows under the same filters, values typed for Excel."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grants.models import Application

URL = reverse("case_list_export")


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="antraege-')
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Anträge"]
    return list(sheet.iter_rows(values_only=True)), sheet


def test_the_export_holds_the_filtered_rows_with_typed_values(client_for, controller, clerk, files):
    clerk.first_name, clerk.last_name = "Susi", "Sachbearbeiterin"
    clerk.save()
    rows, sheet = workbook_rows(client_for(controller).get(URL, {"land": "15", "sortierung": "aktenzeichen"}))
    header, *data = rows
    assert header[:3] == ("Aktenzeichen", "Programmjahr", "Kommune")
    assert "Eingereicht am" in header and "Beantragt" in header and "Bewilligt" in header
    assert [row[0] for row in data] == [files.approved.file_number, files.recommended.file_number]
    approved = dict(zip(header, data[0], strict=True))
    assert approved["Programmjahr"] == files.approved.programme_year.year
    assert approved["Kommune"] == "Gardelegen, Hansestadt"
    assert approved["AGS"] == "15081135"
    assert approved["Land"] == "Sachsen-Anhalt"
    assert approved["GRW-Fördergebiet"] == "GRW-Fördergebiet C"
    assert approved["Status"] == "bewilligt"
    assert approved["Ansprechperson"] == "Anja Antrag"
    assert approved["Sachbearbeitung"] == "Susi Sachbearbeiterin"
    assert Decimal(str(approved["Bewilligt"])) == Decimal("2550.00")
    # A date cell, not text; amounts with the euro format.
    submitted = approved["Eingereicht am"]
    assert isinstance(submitted, datetime.datetime)
    assert submitted.date() == timezone.localdate(files.approved.submitted_at)
    cells = next(sheet.iter_rows(min_row=2, max_row=2))
    by_header = dict(zip(header, cells, strict=True))
    assert by_header["Eingereicht am"].number_format == "DD.MM.YYYY"
    assert by_header["Beantragt"].number_format == '#,##0.00 "€"'


def test_the_export_follows_the_search_and_ignores_bad_values(client_for, clerk, files):
    rows, _sheet = workbook_rows(client_for(clerk).get(URL, {"q": "Bindlach", "status": "erfunden"}))
    assert [row[0] for row in rows[1:]] == [files.in_review.file_number]


def test_a_title_that_looks_like_a_formula_stays_text(client_for, clerk, files):
    Application.objects.filter(pk=files.in_review.pk).update(title='=HYPERLINK("http://x")')
    rows, _sheet = workbook_rows(client_for(clerk).get(URL, {"q": files.in_review.file_number[:-1]}))
    titles = [row[7] for row in rows[1:]]
    assert '=HYPERLINK("http://x")' in titles


def test_the_list_links_to_the_export_with_its_filters(client_for, clerk, files):
    content = client_for(clerk).get(reverse("case_list"), {"land": "15", "seite": "1"}).content.decode()
    assert f'href="{URL}?land=15"' in content
